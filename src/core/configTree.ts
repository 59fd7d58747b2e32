import type { Span } from './types';

/**
 * A format-neutral view of a config file: what JSON, YAML, Python and TOML readers all produce.
 * Every node keeps the span of its text so that features can point back at it.
 */
export type ConfigValue =
  | { readonly kind: 'object'; readonly entries: readonly ConfigEntry[]; readonly span: Span }
  | { readonly kind: 'array'; readonly items: readonly ConfigValue[]; readonly span: Span }
  | { readonly kind: 'string'; readonly value: string; readonly span: Span }
  | { readonly kind: 'number'; readonly value: number; readonly raw: string; readonly span: Span }
  | { readonly kind: 'boolean'; readonly value: boolean; readonly span: Span }
  | { readonly kind: 'null'; readonly span: Span };

export interface ConfigEntry {
  readonly key: string;
  readonly keySpan: Span;
  readonly value: ConfigValue;
}

export type ConfigObject = Extract<ConfigValue, { kind: 'object' }>;

/** A problem met while reading the file itself (not the model). */
export interface ParseProblem {
  readonly message: string;
  readonly span: Span;
}

export interface ConfigDocument {
  /** Undefined when the text could not be read as a tree at all. */
  readonly root: ConfigValue | undefined;
  readonly problems: readonly ParseProblem[];
}
