import type { ConfigDocument } from '../core/configTree';
import { parseJson } from './json';

export type ConfigFormat = 'json';

/** Files larger than this are not model configs; they are skipped without being read. */
export const MAX_CONFIG_BYTES = 5 * 1024 * 1024;

/** The reader for a VS Code language id or a file name, if VRAM Lens reads that kind of file. */
export function formatFor(languageIdOrFileName: string): ConfigFormat | undefined {
  const s = languageIdOrFileName.toLowerCase();
  if (s === 'json' || s === 'jsonc' || s.endsWith('.json') || s.endsWith('.jsonc')) {
    return 'json';
  }
  return undefined;
}

export function parseConfig(text: string, format: ConfigFormat): ConfigDocument {
  if (text.length > MAX_CONFIG_BYTES) {
    return { root: undefined, problems: [] };
  }
  switch (format) {
    case 'json':
      return parseJson(text);
  }
}
