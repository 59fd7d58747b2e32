import { parseTree, type Node, type ParseError } from 'jsonc-parser';
import type { ConfigDocument, ConfigEntry, ConfigValue } from '../core/configTree';

/** Deeper structures are not model configs; past this depth the reader stops instead of recursing. */
export const MAX_JSON_DEPTH = 200;

/** Maximum bracket nesting outside strings, stopping early once `limit` is exceeded. */
export function nestingDepth(text: string, limit: number): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (inString) {
      if (ch === 92 /* \ */) {
        i++;
      } else if (ch === 34 /* " */) {
        inString = false;
      }
    } else if (ch === 34) {
      inString = true;
    } else if (ch === 123 /* { */ || ch === 91 /* [ */) {
      depth++;
      if (depth > max) {
        max = depth;
        if (max > limit) {
          return max;
        }
      }
    } else if (ch === 125 /* } */ || ch === 93 /* ] */) {
      depth--;
    }
  }
  return max;
}

function convert(node: Node, depth: number): ConfigValue {
  const span = { start: node.offset, end: node.offset + node.length };
  switch (node.type) {
    case 'object': {
      const entries: ConfigEntry[] = [];
      if (depth < MAX_JSON_DEPTH) {
        for (const prop of node.children ?? []) {
          const [keyNode, valueNode] = prop.children ?? [];
          if (!keyNode || !valueNode || typeof keyNode.value !== 'string') {
            continue; // a property still being typed
          }
          entries.push({
            key: keyNode.value,
            keySpan: { start: keyNode.offset, end: keyNode.offset + keyNode.length },
            value: convert(valueNode, depth + 1),
          });
        }
      }
      return { kind: 'object', entries, span };
    }
    case 'array':
      return {
        kind: 'array',
        items: depth < MAX_JSON_DEPTH ? (node.children ?? []).map(c => convert(c, depth + 1)) : [],
        span,
      };
    case 'string':
      return { kind: 'string', value: String(node.value), span };
    case 'number':
      return { kind: 'number', value: Number(node.value), raw: String(node.value), span };
    case 'boolean':
      return { kind: 'boolean', value: Boolean(node.value), span };
    default:
      return { kind: 'null', span };
  }
}

/** Reads JSON or JSONC (comments, trailing commas), tolerating the errors of a file being typed. */
export function parseJson(text: string): ConfigDocument {
  if (nestingDepth(text, MAX_JSON_DEPTH) > MAX_JSON_DEPTH) {
    return {
      root: undefined,
      problems: [
        {
          message: `The file nests more than ${MAX_JSON_DEPTH} levels deep, so VRAM Lens does not read it.`,
          span: { start: 0, end: 0 },
        },
      ],
    };
  }
  const errors: ParseError[] = [];
  const tree = parseTree(text, errors, { allowTrailingComma: true, disallowComments: false });
  return { root: tree ? convert(tree, 0) : undefined, problems: [] };
}
