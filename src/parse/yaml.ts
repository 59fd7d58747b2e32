import { isAlias, isMap, isScalar, isSeq, parseAllDocuments, type Node as YamlNode } from 'yaml';
import type { ConfigDocument, ConfigEntry, ConfigValue, ParseProblem } from '../core/configTree';

/** Deeper structures are not model configs; past this depth the reader stops. */
const MAX_DEPTH = 100;
/** Alias expansions allowed per file: enough for real configs, far too few for an alias bomb. */
const MAX_ALIAS_EXPANSIONS = 1000;
/** Nodes converted per file. */
const MAX_NODES = 200_000;

interface Budget {
  aliases: number;
  nodes: number;
  exhausted: boolean;
}

function spanOf(node: { range?: [number, number, number] | null } | null | undefined, fallback: number): { start: number; end: number } {
  const r = node?.range;
  return r ? { start: r[0], end: r[1] } : { start: fallback, end: fallback };
}

function convert(node: unknown, depth: number, budget: Budget, doc: { resolve: (n: YamlNode) => unknown }): ConfigValue | undefined {
  if (budget.nodes++ > MAX_NODES || depth > MAX_DEPTH) {
    budget.exhausted = true;
    return undefined;
  }
  if (isAlias(node)) {
    if (budget.aliases++ > MAX_ALIAS_EXPANSIONS) {
      budget.exhausted = true;
      return undefined;
    }
    const target = doc.resolve(node as unknown as YamlNode);
    const converted = convert(target, depth + 1, budget, doc);
    // An alias stands where it is written: point at the alias, not at its anchor.
    return converted ? { ...converted, span: spanOf(node as never, 0) } : undefined;
  }
  if (isMap(node)) {
    const entries: ConfigEntry[] = [];
    for (const pair of node.items) {
      const key = pair.key;
      if (!isScalar(key) || key.value === null || typeof key.value === 'object') {
        continue;
      }
      const value = pair.value === null || pair.value === undefined
        ? { kind: 'null' as const, span: spanOf(key as never, 0) }
        : convert(pair.value, depth + 1, budget, doc);
      if (value) {
        entries.push({ key: String(key.value), keySpan: spanOf(key as never, 0), value });
      }
    }
    return { kind: 'object', entries, span: spanOf(node as never, 0) };
  }
  if (isSeq(node)) {
    const items: ConfigValue[] = [];
    for (const item of node.items) {
      const v = convert(item, depth + 1, budget, doc);
      if (v) {
        items.push(v);
      }
    }
    return { kind: 'array', items, span: spanOf(node as never, 0) };
  }
  if (isScalar(node)) {
    const span = spanOf(node as never, 0);
    const v = node.value;
    if (typeof v === 'number') {
      return { kind: 'number', value: v, raw: String(node.source ?? v), span };
    }
    if (typeof v === 'boolean') {
      return { kind: 'boolean', value: v, span };
    }
    if (v === null || v === undefined) {
      return { kind: 'null', span };
    }
    if (typeof v === 'bigint') {
      return { kind: 'number', value: Number(v), raw: String(v), span };
    }
    return { kind: 'string', value: String(v), span };
  }
  return undefined;
}

/**
 * Reads YAML (every document of a multi-document file) into config trees with source ranges, using the `yaml`
 * package's own tree. Aliases are expanded up to a limit, so an alias bomb costs nothing.
 */
export function parseYaml(text: string): ConfigDocument {
  const problems: ParseProblem[] = [];
  const roots: ConfigValue[] = [];
  const budget: Budget = { aliases: 0, nodes: 0, exhausted: false };
  let docs;
  try {
    docs = parseAllDocuments(text, { uniqueKeys: false, prettyErrors: false, strict: false });
  } catch {
    return { root: undefined, problems: [{ message: 'The YAML could not be read.', span: { start: 0, end: 0 } }] };
  }
  const list = Array.isArray(docs) ? docs : [docs];
  for (const d of list) {
    if (!d || !('contents' in d)) {
      continue;
    }
    const resolve = (n: YamlNode): unknown => {
      // Alias.resolve looks the anchor up in its document.
      return (n as unknown as { resolve: (doc: unknown) => unknown }).resolve(d);
    };
    const v = convert(d.contents, 0, budget, { resolve });
    if (v) {
      roots.push(v);
    }
  }
  if (budget.exhausted) {
    problems.push({
      message: 'The YAML is larger, deeper or uses more aliases than a config file would; VRAM Lens read only part of it.',
      span: { start: 0, end: 0 },
    });
  }
  if (roots.length === 0) {
    return { root: undefined, problems };
  }
  return {
    root: roots.length === 1 ? roots[0] : { kind: 'array', items: roots, span: { start: 0, end: text.length } },
    problems,
  };
}
