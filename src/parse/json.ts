// The JSON and JSONC reader (HF config.json, checkpoint indexes, DeepSpeed files): a tree with offsets, tolerant of a file being typed, with its syntax errors reported.
import { parseTree, printParseErrorCode, type Node, type ParseError } from 'jsonc-parser';
import type { ConfigDocument, ConfigEntry, ConfigValue, ParseProblem } from '../core/configTree';
import { MAX_JSON_DEPTH } from './limits';

/**
 * Whether a property's value was cut off by a syntax error: the file has errors, and what follows the value is not
 * the `,`, `}` or `]` that ends a complete one (the end of a truncated file, or the next key without a comma).
 */
function cutOff(text: string, end: number): boolean {
  let i = end;
  while (i < text.length && /\s/.test(text[i])) {
    i++;
  }
  return i >= text.length || !(text[i] === ',' || text[i] === '}' || text[i] === ']' || text[i] === '/');
}

const CUT_OFF = 'it is cut off by a syntax error';

function convert(node: Node, depth: number, text: string, cutCheck: boolean): ConfigValue {
  const span = { start: node.offset, end: node.offset + node.length };
  if (cutCheck && node.type !== 'object' && node.type !== 'array' && node.parent?.type === 'property' && cutOff(text, span.end)) {
    return { kind: 'null', span, unreadable: CUT_OFF };
  }
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
            value: convert(valueNode, depth + 1, text, cutCheck),
          });
        }
      }
      return { kind: 'object', entries, span };
    }
    case 'array':
      return {
        kind: 'array',
        items: depth < MAX_JSON_DEPTH ? (node.children ?? []).map(c => convert(c, depth + 1, text, cutCheck)) : [],
        span,
      };
    case 'string':
      return { kind: 'string', value: String(node.value), span };
    case 'number':
      // The number as written (`4096.0` is a float to json.loads, whatever its value).
      return { kind: 'number', value: Number(node.value), raw: text.slice(span.start, span.end), span };
    case 'boolean':
      return { kind: 'boolean', value: Boolean(node.value), span };
    default:
      return { kind: 'null', span };
  }
}

/** What each of jsonc-parser's error codes means, in words. */
const ERROR_WORDS: Readonly<Record<string, string>> = {
  InvalidSymbol: 'an unexpected character',
  InvalidNumberFormat: 'a number written wrongly',
  PropertyNameExpected: 'a property name is expected',
  ValueExpected: 'a value is expected',
  ColonExpected: 'a colon is expected',
  CommaExpected: 'a comma is expected',
  CloseBraceExpected: 'a closing brace is expected (the file may be cut off)',
  CloseBracketExpected: 'a closing bracket is expected (the file may be cut off)',
  EndOfFileExpected: 'text after the end of the JSON value',
  InvalidCommentToken: 'an unfinished comment',
  UnexpectedEndOfComment: 'the file ends inside a comment',
  UnexpectedEndOfString: 'the file ends inside a string',
  UnexpectedEndOfNumber: 'the file ends inside a number',
  InvalidUnicode: 'an invalid \\u escape',
  InvalidEscapeCharacter: 'an invalid escape in a string',
  InvalidCharacter: 'a character not allowed in a string',
};

/**
 * Reads JSON or JSONC (comments, trailing commas), tolerating the errors of a file being typed. The caller has checked
 * the limits (parse/limits.ts): the tree is never deeper than MAX_JSON_DEPTH.
 */
export function parseJson(text: string): ConfigDocument {
  const errors: ParseError[] = [];
  const tree = parseTree(text, errors, { allowTrailingComma: true, disallowComments: false });
  const problems: ParseProblem[] = errors.slice(0, 20).map(e => ({
    code: 'syntax-error',
    message: `JSON syntax error: ${ERROR_WORDS[printParseErrorCode(e.error)] ?? 'the text is not valid JSON here'}.`,
    span: { start: e.offset, end: e.offset + Math.max(1, e.length) },
  }));
  // Only a file with errors can have values cut off: the check is skipped for valid ones.
  return { root: tree ? convert(tree, 0, text, errors.length > 0) : undefined, problems };
}
