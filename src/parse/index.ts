import type { ConfigDocument } from '../core/configTree';
import { mayHoldModelConfig } from '../core/vocabulary';
import { parseJson } from './json';
import { parsePython } from './python';
import { parseToml } from './toml';
import { parseYaml } from './yaml';

export type ConfigFormat = 'json' | 'yaml' | 'python' | 'toml';

/**
 * Files larger than this are not model configs (real ones are a few KB); they are skipped without being read,
 * so a large file never stalls the editor. YAML's limit is lowest: the yaml package reads about 1 MB a second.
 */
export const MAX_CONFIG_BYTES: Readonly<Record<ConfigFormat, number>> = {
  json: 1024 * 1024,
  yaml: 256 * 1024,
  python: 1024 * 1024,
  toml: 1024 * 1024,
};

/** The reader for a VS Code language id or a file name, if VRAM Lens reads that kind of file. */
export function formatFor(languageIdOrFileName: string): ConfigFormat | undefined {
  const s = languageIdOrFileName.toLowerCase();
  if (s === 'json' || s === 'jsonc' || s.endsWith('.json') || s.endsWith('.jsonc')) {
    return 'json';
  }
  if (s === 'yaml' || s.endsWith('.yaml') || s.endsWith('.yml')) {
    return 'yaml';
  }
  if (s === 'python' || s.endsWith('.py')) {
    return 'python';
  }
  if (s === 'toml' || s.endsWith('.toml')) {
    return 'toml';
  }
  return undefined;
}

export function parseConfig(text: string, format: ConfigFormat): ConfigDocument {
  if (!mayHoldModelConfig(text)) {
    return { root: undefined, problems: [] };
  }
  if (text.length > MAX_CONFIG_BYTES[format]) {
    const limit = `${MAX_CONFIG_BYTES[format] / 1024} KiB`;
    return format === 'json'
      ? { root: undefined, problems: [] }
      : { root: undefined, problems: [{ message: `The file is larger than ${limit}, more than any ${format.toUpperCase()} config; VRAM Lens does not read it.`, span: { start: 0, end: 0 } }] };
  }
  try {
    switch (format) {
      case 'json':
        return parseJson(text);
      case 'yaml':
        return parseYaml(text);
      case 'python':
        return parsePython(text);
      case 'toml':
        return parseToml(text);
    }
  } catch {
    // A reader must never throw at its caller: an unreadable file gets no annotation.
    return { root: undefined, problems: [{ message: 'VRAM Lens could not read this file.', span: { start: 0, end: 0 } }] };
  }
}
