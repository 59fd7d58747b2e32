// The duplicate-key rule every reader shares: the last value of a key wins, as Python, json.loads, PyYAML and transformers read it, with a warning on each earlier one.
import { shownValue, type ConfigEntry, type ConfigValue, type ParseProblem } from '../core/configTree';

/** Warnings written per file: one per duplicated key is plenty; past this they add nothing. */
const MAX_WARNINGS = 100;

/**
 * The tree with each object's earlier duplicates of a key dropped (the last one stays, where it is written), and a
 * warning on every dropped key. Objects without duplicates are returned as they are.
 */
export function lastKeyWins(root: ConfigValue | undefined, problems: ParseProblem[]): ConfigValue | undefined {
  return root && dedupe(root, problems, 0);
}

/** The last entry of each key, when some key is written twice; undefined (the common case) when none is. */
function lastEntries(entries: readonly ConfigEntry[]): Map<string, ConfigEntry> | undefined {
  const seen = new Set<string>();
  let duplicated = false;
  for (const e of entries) {
    duplicated ||= seen.has(e.key);
    seen.add(e.key);
  }
  if (!duplicated) {
    return undefined;
  }
  const last = new Map<string, ConfigEntry>();
  for (const e of entries) {
    last.set(e.key, e);
  }
  return last;
}

function isCallResult(v: ConfigValue): boolean {
  return v.kind === 'object' && v.call !== undefined;
}

function dedupe(value: ConfigValue, problems: ParseProblem[], depth: number): ConfigValue {
  if (depth > 256) {
    return value;
  }
  if (value.kind === 'array') {
    let changed = false;
    const items = value.items.map(item => {
      const d = dedupe(item, problems, depth + 1);
      changed ||= d !== item;
      return d;
    });
    return changed ? { ...value, items } : value;
  }
  if (value.kind !== 'object') {
    return value;
  }
  const last = lastEntries(value.entries);
  let changed = last !== undefined;
  const entries: ConfigEntry[] = [];
  for (const e of value.entries) {
    const winner = last?.get(e.key) ?? e;
    if (winner !== e) {
      // A script reassigning a call's result (`model = get_peft_model(model, …)`) is how Python is written, not a slip.
      if (problems.length < MAX_WARNINGS && !isCallResult(e.value) && !isCallResult(winner.value)) {
        problems.push({
          code: 'duplicate-key',
          span: { start: e.keySpan.start, end: e.value.span.end },
          message: `\`${e.key}\` is set again later in this object; the last value (${shownValue(winner.value)}) is the one Python, json.loads, PyYAML and transformers read, so this one is ignored.`,
        });
      }
      continue;
    }
    const v = dedupe(e.value, problems, depth + 1);
    changed ||= v !== e.value;
    entries.push(v === e.value ? e : { ...e, value: v });
  }
  return changed ? { ...value, entries } : value;
}
