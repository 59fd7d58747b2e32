// The YAML reader (LitGPT, torchtune, axolotl, GPT-NeoX recipes): every document into a config tree with source ranges, anchors and merge keys resolved in one pass.
import { isAlias, isMap, isScalar, isSeq, parseAllDocuments, Scalar, type Node as YamlNode, type Pair } from 'yaml';
import type { ConfigDocument, ConfigEntry, ConfigObject, ConfigValue, ParseProblem } from '../core/configTree';
import type { Span } from '../core/types';

/** Deeper structures are not model configs; past this depth the reader stops. */
const MAX_DEPTH = 100;
/** Aliases allowed per file: far more than real configs use. */
const MAX_ALIASES = 10_000;
/** Nodes per file, counting what aliases expand to: enough for real configs, far too few for an alias bomb. */
const MAX_NODES = 200_000;
/** The merge key of YAML 1.1 (`<<: *base`), which PyYAML and the yaml package's merge option apply. */
const MERGE_KEY = '<<';

interface Converted {
  readonly value: ConfigValue;
  /** Nodes in the value, aliases expanded: what reusing it costs the budget. */
  readonly size: number;
}

/**
 * One document's conversion. Anchors are recorded as they are met, in document order, so an alias finds the nearest
 * anchor before it (as YAML defines it) in constant time, and reuses that node's converted value.
 */
class Reader {
  private readonly anchors = new Map<string, Converted>();

  constructor(private readonly budget: { aliases: number; nodes: number; exhausted: boolean }) {}

  convert(node: unknown, depth: number): Converted | undefined {
    if (depth > MAX_DEPTH || this.budget.nodes > MAX_NODES) {
      this.budget.exhausted = true;
      return undefined;
    }
    if (isAlias(node)) {
      return this.alias(node.source, spanOf(node));
    }
    const converted = isMap(node)
      ? this.map(node.items, spanOf(node), depth)
      : isSeq(node)
        ? this.seq(node.items, spanOf(node), depth)
        : isScalar(node)
          ? { value: scalar(node), size: 1 }
          : undefined;
    const anchor = (node as { anchor?: string } | null)?.anchor;
    if (converted && anchor) {
      this.anchors.set(anchor, converted);
    }
    if (converted) {
      this.budget.nodes += isMap(node) || isSeq(node) ? 1 : converted.size;
    }
    return converted;
  }

  /** An alias stands where it is written: its value is its anchor's, its span its own. */
  private alias(source: string, span: Span): Converted | undefined {
    const target = this.anchors.get(source);
    if (!target) {
      return undefined;
    }
    this.budget.nodes += target.size;
    if (++this.budget.aliases > MAX_ALIASES || this.budget.nodes > MAX_NODES) {
      this.budget.exhausted = true;
      return undefined;
    }
    return { value: { ...target.value, span }, size: target.size };
  }

  private seq(items: readonly unknown[], span: Span, depth: number): Converted {
    const out: ConfigValue[] = [];
    let size = 1;
    for (const item of items) {
      const v = this.convert(item, depth + 1);
      if (v) {
        out.push(v.value);
        size += v.size;
      }
    }
    return { value: { kind: 'array', items: out, span }, size };
  }

  private map(pairs: readonly Pair[], span: Span, depth: number): Converted {
    const entries: ConfigEntry[] = [];
    const merged: ConfigObject[] = [];
    let size = 1;
    for (const pair of pairs) {
      const key = pair.key;
      if (!isScalar(key) || key.value === null || typeof key.value === 'object') {
        continue;
      }
      if (isMergeKey(key)) {
        const source = this.convert(pair.value, depth + 1);
        size += source?.size ?? 0;
        merged.push(...mergeSources(source?.value));
        continue;
      }
      const value: Converted | undefined = pair.value === null || pair.value === undefined
        ? { value: { kind: 'null', span: spanOf(key) }, size: 1 }
        : this.convert(pair.value, depth + 1);
      if (value) {
        entries.push({ key: String(key.value), keySpan: spanOf(key), value: value.value });
        size += value.size;
      }
    }
    return { value: { kind: 'object', entries: withMerged(entries, merged), span }, size };
  }
}

/** `<<` written plainly: the merge key (YAML 1.1 resolves it to a symbol, other versions leave the string). */
function isMergeKey(key: Scalar): boolean {
  const v = key.value;
  return (typeof v === 'symbol' && v.description === MERGE_KEY) || (v === MERGE_KEY && (!key.type || key.type === Scalar.PLAIN));
}

/** The maps a merge key's value names: one map, or a sequence of maps (earlier ones take precedence). */
function mergeSources(value: ConfigValue | undefined): ConfigObject[] {
  if (value?.kind === 'object') {
    return [value];
  }
  if (value?.kind === 'array') {
    return value.items.filter((v): v is ConfigObject => v.kind === 'object');
  }
  return [];
}

/** A mapping's own keys, then each merged key it does not set itself (PyYAML's and the yaml package's rule). */
function withMerged(entries: ConfigEntry[], merged: readonly ConfigObject[]): ConfigEntry[] {
  if (merged.length === 0) {
    return entries;
  }
  const present = new Set(entries.map(e => e.key));
  const inherited: ConfigEntry[] = [];
  for (const source of merged) {
    for (const e of source.entries) {
      if (!present.has(e.key)) {
        present.add(e.key);
        inherited.push(e);
      }
    }
  }
  return [...inherited, ...entries];
}

function spanOf(node: { range?: [number, number, number] | null } | null | undefined): Span {
  const r = node?.range;
  return r ? { start: r[0], end: r[1] } : { start: 0, end: 0 };
}

function scalar(node: Scalar): ConfigValue {
  const span = spanOf(node);
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

/**
 * Reads YAML (every document of a multi-document file) into config trees with source ranges, using the `yaml`
 * package's own tree. Aliases reuse their anchor's value and count its size against a budget, so an alias bomb
 * costs nothing; merge keys are merged.
 */
export function parseYaml(text: string): ConfigDocument {
  const problems: ParseProblem[] = [];
  const roots: ConfigValue[] = [];
  const budget = { aliases: 0, nodes: 0, exhausted: false };
  let docs;
  try {
    // YAML 1.1, as PyYAML reads it (and the frameworks built on it): `4_096` is 4096, `yes` and `on` are true.
    docs = parseAllDocuments(text, { version: '1.1', uniqueKeys: false, prettyErrors: false, strict: false });
  } catch {
    return { root: undefined, problems: [{ message: 'The YAML could not be read.', span: { start: 0, end: 0 } }] };
  }
  const list = Array.isArray(docs) ? docs : [docs];
  for (const d of list) {
    if (!d || !('contents' in d)) {
      continue;
    }
    for (const e of d.errors.slice(0, 20)) {
      problems.push({ code: 'syntax-error', invalidatesConfig: true, message: `YAML syntax error: ${e.message.split('\n')[0]}`, span: { start: e.pos[0], end: Math.max(e.pos[0] + 1, e.pos[1]) } });
    }
    const v = new Reader(budget).convert(d.contents as YamlNode | null, 0);
    if (v) {
      roots.push(v.value);
    }
  }
  if (budget.exhausted) {
    // Part of a file is no basis for a number: a cut-off override would give a confident wrong one.
    const message = 'The YAML nests deeper or expands more aliases than a config file would, so VRAM Lens does not read it.';
    return { root: undefined, problems: [{ message, span: { start: 0, end: 0 } }] };
  }
  if (roots.length === 0) {
    return { root: undefined, problems };
  }
  return {
    root: roots.length === 1 ? roots[0] : { kind: 'array', items: roots, span: { start: 0, end: text.length } },
    problems,
  };
}
