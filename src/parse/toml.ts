// The TOML reader (torchtitan): smol-toml's values with each key's position found by one linear scan.
import { parse } from 'smol-toml';
import type { ConfigDocument, ConfigEntry, ConfigValue } from '../core/configTree';
import type { Span } from '../core/types';

interface KeyLine {
  /** The dotted key, without quotes or spaces. */
  readonly key: string;
  readonly keySpan: Span;
  readonly valueSpan: Span;
}

const isSpace = (c: number) => c === 32 || c === 9;
/** Characters of a (dotted, optionally quoted) key and the spaces around its dots. */
const KEY_CHAR = /[A-Za-z0-9_.\-"' \t]/;

/** The end of a value that starts at `start` on a line ending at `end`: a quoted string, or up to a comment. */
function valueEnd(line: string, start: number, end: number): number {
  const quote = line.charCodeAt(start);
  if (quote === 34 || quote === 39) {
    for (let i = start + 1; i < end; i++) {
      const c = line.charCodeAt(i);
      if (c === 92 && quote === 34) {
        i++; // an escape inside a basic string
      } else if (c === quote) {
        return i + 1;
      }
    }
    return end;
  }
  const hash = line.indexOf('#', start);
  let stop = hash >= 0 && hash < end ? hash : end;
  while (stop > start && isSpace(line.charCodeAt(stop - 1))) {
    stop--;
  }
  return stop;
}

/**
 * A `[table]` header's name or a `key = value` line, read by scanning the characters once (no backtracking regular
 * expression: a long run of spaces costs no more than its length).
 */
function readLine(line: string, offset: number): { header: string } | KeyLine | undefined {
  let i = 0;
  const end = line.endsWith('\r') ? line.length - 1 : line.length;
  while (i < end && isSpace(line.charCodeAt(i))) {
    i++;
  }
  if (line.charCodeAt(i) === 91 /* [ */) {
    const close = line.indexOf(']', i);
    return close < 0 ? undefined : { header: line.slice(i, close).replace(/[[\]"'\s]/g, '') };
  }
  const keyStart = i;
  while (i < end && KEY_CHAR.test(line[i])) {
    i++;
  }
  if (i === keyStart || line.charCodeAt(i) !== 61 /* = */) {
    return undefined;
  }
  let keyEnd = i;
  while (keyEnd > keyStart && isSpace(line.charCodeAt(keyEnd - 1))) {
    keyEnd--;
  }
  let valueStart = i + 1;
  while (valueStart < end && isSpace(line.charCodeAt(valueStart))) {
    valueStart++;
  }
  return {
    key: line.slice(keyStart, keyEnd).replace(/["'\s]/g, ''),
    keySpan: { start: offset + keyStart, end: offset + keyEnd },
    valueSpan: { start: offset + valueStart, end: offset + valueEnd(line, valueStart, end) },
  };
}

/**
 * Where each `key = value` of a TOML file is written, by its dotted path: the TOML parser gives values, not
 * positions, so one pass over the lines locates them ([table] headers set the path prefix).
 */
function locateKeys(text: string): Map<string, { keySpan: Span; valueSpan: Span }> {
  const spans = new Map<string, { keySpan: Span; valueSpan: Span }>();
  let table = '';
  let offset = 0;
  for (const line of text.split('\n')) {
    const read = readLine(line, offset);
    if (read && 'header' in read) {
      table = read.header;
    } else if (read) {
      const path = table ? `${table}.${read.key}` : read.key;
      if (!spans.has(path)) {
        spans.set(path, { keySpan: read.keySpan, valueSpan: read.valueSpan });
      }
    }
    offset += line.length + 1;
  }
  return spans;
}

function convert(value: unknown, path: string, spans: Map<string, { keySpan: Span; valueSpan: Span }>, depth: number): ConfigValue {
  const at = spans.get(path);
  const span = at?.valueSpan ?? { start: 0, end: 0 };
  if (depth > 100) {
    return { kind: 'null', span };
  }
  if (typeof value === 'number') {
    return { kind: 'number', value, raw: String(value), span };
  }
  if (typeof value === 'bigint') {
    return { kind: 'number', value: Number(value), raw: String(value), span };
  }
  if (typeof value === 'boolean') {
    return { kind: 'boolean', value, span };
  }
  if (typeof value === 'string') {
    return { kind: 'string', value, span };
  }
  if (Array.isArray(value)) {
    // Array items have no key line of their own: tables in an array of tables share its path (the first's spans).
    return { kind: 'array', items: value.map(v => convert(v, path, spans, depth + 1)), span };
  }
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    const entries: ConfigEntry[] = Object.entries(value as Record<string, unknown>).map(([k, v]) => {
      const child = path ? `${path}.${k}` : k;
      return { key: k, keySpan: spans.get(child)?.keySpan ?? span, value: convert(v, child, spans, depth + 1) };
    });
    let start = entries.length > 0 ? Infinity : span.start;
    let end = entries.length > 0 ? -Infinity : span.end;
    for (const e of entries) {
      start = Math.min(start, e.keySpan.start);
      end = Math.max(end, e.value.span.end);
    }
    return { kind: 'object', entries, span: { start, end } };
  }
  return { kind: 'null', span };
}

/** Reads TOML (torchtitan train configs) with smol-toml, keeping each key's position. */
export function parseToml(text: string): ConfigDocument {
  let data: unknown;
  try {
    data = parse(text);
  } catch (e) {
    return { root: undefined, problems: [{ message: `The TOML could not be read: ${(e as Error).message.split('\n')[0]}`, span: { start: 0, end: 0 } }] };
  }
  const root = convert(data, '', locateKeys(text), 0);
  return { root: { ...root, span: { start: 0, end: text.length } } as ConfigValue, problems: [] };
}
