// The format-neutral tree every reader produces (JSON, YAML, Python, TOML), with source spans, and the one rule for reading a key from it.
import type { Span } from './types';

/**
 * A format-neutral view of a config file: what JSON, YAML, Python and TOML readers all produce.
 * Every node keeps the span of its text so that features can point back at it.
 */
export type ConfigValue =
  /** `call`: the dotted name of the Python call whose keyword arguments these are (`BitsAndBytesConfig`). */
  | { readonly kind: 'object'; readonly entries: readonly ConfigEntry[]; readonly span: Span; readonly call?: string }
  | { readonly kind: 'array'; readonly items: readonly ConfigValue[]; readonly span: Span }
  | { readonly kind: 'string'; readonly value: string; readonly span: Span }
  | { readonly kind: 'number'; readonly value: number; readonly raw: string; readonly span: Span }
  | { readonly kind: 'boolean'; readonly value: boolean; readonly span: Span }
  /** `unreadable`: why a value written here could not be read (cut off by a syntax error, code not evaluated). */
  | { readonly kind: 'null'; readonly span: Span; readonly unreadable?: string };

export interface ConfigEntry {
  readonly key: string;
  readonly keySpan: Span;
  readonly value: ConfigValue;
  /** The key as the file spells it, where the reader renamed it (SGLang's `--tp` read as tensor_parallel_size), for messages. */
  readonly written?: string;
}

export type ConfigObject = Extract<ConfigValue, { kind: 'object' }>;

/** A problem met while reading the file itself (not the model). */
export interface ParseProblem {
  readonly message: string;
  readonly span: Span;
  /**
   * `syntax-error`: the text is not valid in its format; `duplicate-key`: a key set again later in its object,
   * where the last value wins. Other problems (size, budgets) stop the reading of the whole file.
   */
  readonly code?: 'syntax-error' | 'duplicate-key';
  /**
   * Set when the reader cannot tell which values a syntax error touched: no number is read from a config the error
   * is in. (The JSON reader can tell: it marks a value the error cut off as unreadable instead.)
   */
  readonly invalidatesConfig?: boolean;
}

/**
 * A call a script makes (`AutoModelForCausalLM.from_pretrained("id", quantization_config=bnb)`), wherever it is
 * written (module level, a function body, an `if __name__ == "__main__":` block): what it is called, its positional
 * and keyword arguments as values, and where it is written. Read, never executed. An attribute a script sets on what
 * such a call returned (`recipe.data.seq_length = 8192`) is kept as a call to `recipe.data.seq_length=` with the
 * value as its one argument.
 */
export interface CallSite {
  /** The dotted name called (`AutoModelForCausalLM.from_pretrained`, `LoraConfig`, `model.gradient_checkpointing_enable`). */
  readonly callee: string;
  readonly args: readonly ConfigValue[];
  readonly kwargs: ConfigObject;
  /** The whole call, callee to closing parenthesis. */
  readonly span: Span;
}

export interface ConfigDocument {
  /** Undefined when the text could not be read as a tree at all. */
  readonly root: ConfigValue | undefined;
  readonly problems: readonly ParseProblem[];
  /** The calls of a Python script that say how it loads and trains a model, in document order. */
  readonly calls?: readonly CallSite[];
}

/** Objects up to this many entries are searched (cheaper than an index); larger ones get an index. */
const SMALL_OBJECT = 64;

/** Entries by key, per object, built once: objects with thousands of keys are looked up in constant time. */
const INDEX = new WeakMap<ConfigObject, ReadonlyMap<string, ConfigEntry>>();

/**
 * The entry of an object for a key. When a key is written twice the last one wins, as Python dicts, json.loads,
 * PyYAML and transformers read a file (the readers also warn about the earlier one).
 */
export function entryOf(obj: ConfigObject, key: string): ConfigEntry | undefined {
  const entries = obj.entries;
  if (entries.length <= SMALL_OBJECT) {
    for (let i = entries.length - 1; i >= 0; i--) {
      if (entries[i].key === key) {
        return entries[i];
      }
    }
    return undefined;
  }
  let index = INDEX.get(obj);
  if (!index) {
    const map = new Map<string, ConfigEntry>();
    for (const e of obj.entries) {
      map.set(e.key, e);
    }
    INDEX.set(obj, map);
    index = map;
  }
  return index.get(key);
}

/** A float literal in JSON, YAML, Python or TOML: a point or an exponent (not a name, an expression or hex). */
const FLOAT_LITERAL = /^[-+]?(?:\d[\d_]*\.[\d_]*|\.\d[\d_]*|\d[\d_]*)(?:[eE][-+]?\d[\d_]*)?$/;

/** The text of a number written as a float (`4096.0`, `4.096e3`), which Python, json.loads and PyYAML read as one. */
export function floatText(v: ConfigValue): string | undefined {
  return v.kind === 'number' && /[.eE]/.test(v.raw) && FLOAT_LITERAL.test(v.raw.trim()) ? v.raw : undefined;
}

/** A value as a message quotes it: a number as written, a string quoted (shortened past 40 characters), else its kind. */
export function shownValue(v: ConfigValue): string {
  switch (v.kind) {
    case 'number':
      return v.raw;
    case 'string':
      return JSON.stringify(v.value.length > 40 ? `${v.value.slice(0, 40)}…` : v.value);
    case 'boolean':
      return String(v.value);
    case 'null':
      return 'null';
    default:
      return v.kind === 'object' ? 'a mapping' : 'a list';
  }
}

/** Files a recipe names (a DeepSpeed config) as the host read them, by the name the recipe writes. */
export type AttachedConfigs = ReadonlyMap<string, ConfigObject>;
