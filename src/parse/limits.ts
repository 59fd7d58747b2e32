// What a file may be for VRAM Lens to read it: bytes and entries per format, counted before any reader runs, so one edit stays cheap.

export type ConfigFormat = 'json' | 'yaml' | 'python' | 'toml' | 'shell' | 'dockerfile' | 'modelfile';

/**
 * Files larger than this are not model configs (real ones are a few KB, a large checkpoint index about 100 KB);
 * they are skipped without being read, so a large file never stalls the editor.
 */
export const MAX_CONFIG_BYTES: Readonly<Record<ConfigFormat, number>> = {
  json: 512 * 1024,
  yaml: 256 * 1024,
  python: 512 * 1024,
  toml: 512 * 1024,
  shell: 128 * 1024,
  dockerfile: 128 * 1024,
  modelfile: 64 * 1024,
};

/**
 * Entries a file may hold (JSON and TOML: values and separators; YAML: lines and flow separators; Python: tokens).
 * Real configs hold a few hundred; these caps keep one edit of any file under the byte limits to about 100 ms of
 * the editor's time (npm run bench:parse measures each reader at its limits). YAML's is lowest: the yaml package
 * costs 10–20 µs an entry.
 */
export const MAX_CONFIG_ITEMS: Readonly<Record<ConfigFormat, number>> = {
  json: 50_000,
  yaml: 4_000,
  python: 60_000,
  toml: 30_000,
  shell: 20_000,
  dockerfile: 20_000,
  modelfile: 5_000,
};

/** Deeper JSON is not a model config: past this nesting the file is refused, and the reader never recurses further. */
export const MAX_JSON_DEPTH = 200;

/**
 * Why a text is not read at all: past its format's byte limit, its entry cap, or (JSON) its nesting depth; counted
 * in one scan that stops at the first limit passed. `''` refuses silently (a JSON file that large is data, not a
 * config); undefined lets the reader run. Python's entry cap is its tokenizer's.
 */
export function refusal(text: string, format: ConfigFormat): string | undefined {
  const kind = format.toUpperCase();
  if (text.length > MAX_CONFIG_BYTES[format]) {
    return format === 'json' ? '' : `The file is larger than ${MAX_CONFIG_BYTES[format] / 1024} KiB, more than any ${kind} config; VRAM Lens does not read it.`;
  }
  if (format === 'python') {
    return undefined;
  }
  const cap = MAX_CONFIG_ITEMS[format];
  const tooMany = `The file holds more than ${cap.toLocaleString('en-US')} entries, more than any ${kind} config; VRAM Lens does not read it.`;
  if (format === 'json') {
    const shape = jsonShape(text, cap, MAX_JSON_DEPTH);
    return shape.depth > MAX_JSON_DEPTH ? `The file nests more than ${MAX_JSON_DEPTH} levels deep, so VRAM Lens does not read it.` : shape.items > cap ? tooMany : undefined;
  }
  // Every entry takes at least a character: a text shorter than the cap needs no count.
  return text.length > cap && lineItems(text, cap) > cap ? tooMany : undefined;
}

/** A JSON text's entries (separators and openings outside strings) and deepest nesting, up to the limits + 1. */
function jsonShape(text: string, itemLimit: number, depthLimit: number): { items: number; depth: number } {
  let items = 0;
  let depth = 0;
  let max = 0;
  for (let i = 0; i < text.length && items <= itemLimit && max <= depthLimit; i++) {
    const c = text.charCodeAt(i);
    if (c === 34 /* " */) {
      for (i++; i < text.length && text.charCodeAt(i) !== 34; i++) {
        if (text.charCodeAt(i) === 92 /* \ */) {
          i++;
        }
      }
    } else if (c === 123 || c === 91 /* { [ */) {
      items++;
      max = Math.max(max, ++depth);
    } else if (c === 125 || c === 93 /* } ] */) {
      depth--;
    } else if (c === 44 || c === 58 /* , : */) {
      items++;
    }
  }
  return { items, depth: max };
}

/** A YAML or TOML text's entries: lines that are not blank or comments, and flow separators, up to `limit` + 1. */
function lineItems(text: string, limit: number): number {
  let count = 0;
  let lineStart = true;
  for (let i = 0; i < text.length && count <= limit; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) {
      lineStart = true;
    } else if (lineStart && c !== 32 && c !== 9 && c !== 13) {
      lineStart = false;
      if (c === 35 /* # */) {
        const end = text.indexOf('\n', i);
        i = end < 0 ? text.length : end - 1;
      } else {
        count++;
      }
    }
    if (c === 44 || c === 91 || c === 123 /* , [ { */) {
      count++;
    }
  }
  return count;
}
