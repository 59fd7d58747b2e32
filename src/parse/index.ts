// The readers' front door: which reader a file gets, the limits and pre-filters every file passes, and one tree out of any format.
import type { ConfigDocument, ParseProblem } from '../core/configTree';
import { mayHoldModelConfig } from '../core/vocabulary';
import { parseJson } from './json';
import { parsePython } from './python';
import { containerLaunches, mayHoldServingImage, parseDockerfile, parseModelfile } from './containers';
import { mayHoldLaunch, parseShell } from './shell';
import { parseToml } from './toml';
import { lastKeyWins } from './lastKeyWins';
import { parseYaml } from './yaml';
import { MAX_CONFIG_BYTES, MAX_CONFIG_ITEMS, refusal, type ConfigFormat } from './limits';

export { MAX_CONFIG_BYTES, MAX_CONFIG_ITEMS, type ConfigFormat };

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
  if (s === 'shellscript' || s.endsWith('.sh') || s.endsWith('.bash')) {
    return 'shell';
  }
  const base = s.split('/').pop() ?? s;
  if (s === 'dockerfile' || base === 'dockerfile' || base === 'containerfile' || base.endsWith('.dockerfile') || base.startsWith('dockerfile.')) {
    return 'dockerfile';
  }
  if (base === 'modelfile' || base.endsWith('.modelfile')) {
    return 'modelfile';
  }
  return undefined;
}

function readerFor(format: ConfigFormat): (text: string) => ConfigDocument {
  switch (format) {
    case 'json':
      return parseJson;
    case 'yaml':
      return parseYaml;
    case 'python':
      return parsePython;
    case 'toml':
      return parseToml;
    case 'shell':
      return parseShell;
    case 'dockerfile':
      return parseDockerfile;
    case 'modelfile':
      return parseModelfile;
  }
}

/**
 * In a script (a Python file whose calls load a model), a module-level name assigned again (`messages = …` twice) is how
 * Python is written, not a slip in a config: no duplicate-key warning for it.
 */
function scriptReassignmentsAllowed(read: ConfigDocument, problems: ParseProblem[]): ParseProblem[] {
  if (!read.calls?.length || read.root?.kind !== 'object') {
    return problems;
  }
  const moduleNames = new Set(read.root.entries.map(e => e.keySpan.start));
  return problems.filter(p => !(p.code === 'duplicate-key' && moduleNames.has(p.span.start)));
}

/** The cheap test a file passes before it is read: a key that names a model, or (scripts, images) a launch. */
function mayHold(text: string, format: ConfigFormat): boolean {
  switch (format) {
    case 'shell':
    case 'dockerfile':
      return mayHoldLaunch(text);
    case 'modelfile':
      return /^[ \t]*FROM[ \t]/im.test(text);
    case 'yaml':
      return mayHoldModelConfig(text) || mayHoldServingImage(text);
    default:
      return mayHoldModelConfig(text);
  }
}

/** A compose file's or Kubernetes manifest's serving containers, laid beside the YAML's own entries. */
function withContainerLaunches(read: ConfigDocument, text: string, format: ConfigFormat): ConfigDocument {
  if (format !== 'yaml' || read.root?.kind !== 'object' || !mayHoldServingImage(text)) {
    return read;
  }
  const launches = containerLaunches(text, read.root);
  return launches.length === 0 ? read : { ...read, root: { ...read.root, entries: [...read.root.entries, ...launches] } };
}

/**
 * A file's config tree, or why there is none: files without a model key are not parsed at all, files past the
 * limits are refused, and duplicated keys keep their last value. Never throws.
 */
export function parseConfig(text: string, format: ConfigFormat): ConfigDocument {
  // A launch script names its model through the recipe it runs: its launches are what it may hold.
  if (!mayHold(text, format)) {
    return { root: undefined, problems: [] };
  }
  const refused = refusal(text, format);
  if (refused !== undefined) {
    return { root: undefined, problems: refused ? [{ message: refused, span: { start: 0, end: 0 } }] : [] };
  }
  try {
    const read = withContainerLaunches(readerFor(format)(text), text, format);
    const problems = [...read.problems];
    const root = lastKeyWins(read.root, problems);
    return { root, problems: scriptReassignmentsAllowed(read, problems), ...(read.calls ? { calls: read.calls } : {}) };
  } catch {
    // A reader must never throw at its caller: an unreadable file gets no annotation.
    return { root: undefined, problems: [{ message: 'VRAM Lens could not read this file.', span: { start: 0, end: 0 } }] };
  }
}
