import { parse } from 'smol-toml';
import type { ConfigDocument, ConfigEntry, ConfigValue } from '../core/configTree';
import type { Span } from '../core/types';

/**
 * Where each `key = value` of a TOML file is written, by its dotted path: the TOML parser gives values, not
 * positions, so one pass over the lines locates them ([table] headers set the path prefix).
 */
function locateKeys(text: string): Map<string, { keySpan: Span; valueSpan: Span }> {
  const spans = new Map<string, { keySpan: Span; valueSpan: Span }>();
  let table = '';
  let offset = 0;
  for (const line of text.split('\n')) {
    const header = /^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(#.*)?$/.exec(line);
    const pair = /^(\s*)([A-Za-z0-9_.\-"']+)\s*=\s*(.*?)\s*(#.*)?$/.exec(line);
    if (header) {
      table = header[1].replace(/["'\s]/g, '');
    } else if (pair) {
      const key = pair[2].replace(/["']/g, '');
      const keyStart = offset + pair[1].length;
      const valueStart = offset + line.indexOf(pair[3], pair[1].length + pair[2].length);
      const path = table ? `${table}.${key}` : key;
      if (!spans.has(path)) {
        spans.set(path, { keySpan: { start: keyStart, end: keyStart + pair[2].length }, valueSpan: { start: valueStart, end: valueStart + pair[3].length } });
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
    return { kind: 'array', items: value.map((v, i) => convert(v, `${path}[${i}]`, spans, depth + 1)), span };
  }
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    const entries: ConfigEntry[] = Object.entries(value as Record<string, unknown>).map(([k, v]) => {
      const child = path ? `${path}.${k}` : k;
      return { key: k, keySpan: spans.get(child)?.keySpan ?? span, value: convert(v, child, spans, depth + 1) };
    });
    const start = entries.length > 0 ? Math.min(...entries.map(e => e.keySpan.start)) : span.start;
    const end = entries.length > 0 ? Math.max(...entries.map(e => e.value.span.end)) : span.end;
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
