// What a file may be for VRAM Lens to read it: bytes and entries per format, counted before any reader runs, so one edit stays cheap.

export type ConfigFormat = 'json' | 'yaml' | 'python' | 'toml';

/**
 * Files larger than this are not model configs (real ones are a few KB, a large checkpoint index about 100 KB);
 * they are skipped without being read, so a large file never stalls the editor.
 */
export const MAX_CONFIG_BYTES: Readonly<Record<ConfigFormat, number>> = {
  json: 512 * 1024,
  yaml: 256 * 1024,
  python: 512 * 1024,
  toml: 512 * 1024,
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
};

/**
 * The entries of a JSON, YAML or TOML text, counted in one scan and no further than `limit` + 1: JSON's separators
 * and openings outside strings; YAML's and TOML's lines that are not blank or comments, and their flow separators.
 */
export function countItems(text: string, format: Exclude<ConfigFormat, 'python'>, limit: number): number {
  let count = 0;
  if (format === 'json') {
    for (let i = 0; i < text.length && count <= limit; i++) {
      const c = text.charCodeAt(i);
      if (c === 34 /* " */) {
        for (i++; i < text.length && text.charCodeAt(i) !== 34; i++) {
          if (text.charCodeAt(i) === 92 /* \ */) {
            i++;
          }
        }
      } else if (c === 44 || c === 58 || c === 91 || c === 123 /* , : [ { */) {
        count++;
      }
    }
    return count;
  }
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

