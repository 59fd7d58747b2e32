// NeMo's Megatron GPT configs (megatron_gpt_config.yaml, the NeMo Framework Launcher's training YAML) for the engine's readers: which `model:` section is one, its OmegaConf interpolations resolved, and the run it trains with `trainer:` beside it.
import { entryOf, type ConfigEntry, type ConfigObject, type ConfigValue } from './configTree';

/** Keys only a NeMo `model:` section writes: any of them (with a hidden size and layers) makes it NeMo's. */
const NEMO_MARKERS: readonly string[] = ['megatron_amp_O2', 'mcore_gpt', 'encoder_seq_length'];
/** Keys of NeMo's BERT, which shares the markers and is not a GPT. */
const NEMO_NOT_GPT: readonly string[] = ['bert_binary_head', 'num_tokentypes'];

/** Whether a section with these keys is the `model:` section of a NeMo Megatron GPT config. */
export function hasNemoGptKeys(has: (key: string) => boolean): boolean {
  return NEMO_MARKERS.some(has) && !NEMO_NOT_GPT.some(has);
}

/** Whether an object is the `model:` section of a NeMo Megatron GPT config. */
export function isNemoGpt(obj: ConfigObject): boolean {
  return hasNemoGptKeys(k => entryOf(obj, k) !== undefined);
}

/** How deep interpolations may nest, and references chain, before one is left unresolved. */
const MAX_RESOLVE_DEPTH = 8;

/** The resolvers NeMo and its launcher register for their configs, over numbers. */
const RESOLVERS: Readonly<Record<string, (args: readonly number[]) => number | undefined>> = {
  multiply: a => (a.length === 2 ? a[0] * a[1] : undefined),
  sum: a => a.reduce((x, y) => x + y, 0),
  divide_floor: a => (a.length === 2 && a[1] !== 0 ? Math.floor(a[0] / a[1]) : undefined),
  divide_ceil: a => (a.length === 2 && a[1] !== 0 ? Math.ceil(a[0] / a[1]) : undefined),
};

type Scalar = number | string | boolean;

/**
 * An OmegaConf interpolation's value (`${.hidden_size}`, `${multiply:4, ${.hidden_size}}`,
 * `${training.model.tensor_model_parallel_size}`), or undefined where it is not one VRAM Lens can evaluate: a
 * reference to a key the file lacks, a resolver other than NeMo's arithmetic ones, an environment variable.
 */
function interpolated(text: string, section: ConfigObject, root: ConfigObject, depth: number): Scalar | undefined {
  const m = /^\$\{(.*)\}$/s.exec(text.trim());
  if (!m || depth > MAX_RESOLVE_DEPTH) {
    return undefined;
  }
  const body = m[1].trim();
  const call = /^([A-Za-z_]\w*):(.*)$/s.exec(body);
  if (call) {
    const resolver = Object.hasOwn(RESOLVERS, call[1]) ? RESOLVERS[call[1]] : undefined;
    const args = resolver ? splitArguments(call[2]) : undefined;
    const values = args?.map(a => (a.startsWith('${') ? interpolated(a, section, root, depth + 1) : Number(a)));
    return resolver && values?.every((v): v is number => typeof v === 'number' && Number.isFinite(v)) ? resolver(values) : undefined;
  }
  if (!/^\.?[\w.]+$/.test(body)) {
    return undefined;
  }
  // `.key` is beside the interpolation; a dotted path starts at the root (the launcher nests the file under `training`).
  const path = body.startsWith('.') ? body.slice(1) : body.replace(/^training\./, '');
  const target = valueAt(body.startsWith('.') ? section : root, path);
  if (target?.kind === 'number' || target?.kind === 'boolean') {
    return target.value;
  }
  // A reference to another interpolation follows it (within the depth bound); plain text is the value.
  return target?.kind !== 'string' ? undefined : target.value.includes('${') ? interpolated(target.value, section, root, depth + 1) : target.value;
}

/** A resolver's arguments, split at the commas outside nested `${…}`. */
function splitArguments(text: string): string[] | undefined {
  const args: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '{') {
      depth++;
    } else if (ch === '}') {
      depth--;
    } else if (ch === ',' && depth === 0) {
      args.push(text.slice(start, i).trim());
      start = i + 1;
    }
  }
  args.push(text.slice(start).trim());
  return depth === 0 && args.every(a => a !== '') ? args : undefined;
}

function valueAt(obj: ConfigObject, path: string): ConfigValue | undefined {
  let at: ConfigValue | undefined = obj;
  for (const part of path.split('.')) {
    at = at?.kind === 'object' ? entryOf(at, part)?.value : undefined;
  }
  return at;
}

/** A section with each interpolation it writes replaced by its value, in place (same spans); nested sections too. */
function resolvedSection(section: ConfigObject, root: ConfigObject, depth = 0): ConfigObject {
  const entries = section.entries.map((e): ConfigEntry => {
    if (e.value.kind === 'object' && depth < MAX_RESOLVE_DEPTH) {
      return { ...e, value: resolvedSection(e.value, root, depth + 1) };
    }
    if (e.value.kind !== 'string' || !e.value.value.includes('${')) {
      return e;
    }
    const v = interpolated(e.value.value, section, root, 0);
    const span = e.value.span;
    // A whole value that is an interpolation VRAM Lens cannot evaluate is unreadable, not a string.
    const whole = /^\$\{.*\}$/s.test(e.value.value.trim());
    const value: ConfigValue =
      typeof v === 'number' ? { kind: 'number', value: v, raw: String(v), span }
      : typeof v === 'boolean' ? { kind: 'boolean', value: v, span }
      : typeof v === 'string' ? { kind: 'string', value: v, span }
      : whole ? { kind: 'null', span, unreadable: `${e.value.value.trim()} is an OmegaConf interpolation VRAM Lens does not evaluate (it follows references in the file and NeMo's multiply, sum, divide_floor and divide_ceil)` }
      : e.value;
    return { ...e, value };
  });
  return { ...section, entries };
}

/** A NeMo `model:` section as NeMo reads it: its interpolations resolved against what holds it (the file, or a launch laid over it). */
export function resolvedNemoModel(model: ConfigObject, root: ConfigObject): ConfigObject {
  return resolvedSection(model, root);
}

/**
 * The run a NeMo config trains: its `model:` section (micro and global batch, parallel sizes, checkpointing, `optim`)
 * with the file's `trainer:` (devices, nodes, precision) beside it, both resolved.
 */
export function nemoRun(model: ConfigObject, root: ConfigObject): ConfigObject {
  const trainer = entryOf(root, 'trainer');
  const extra = trainer?.value.kind === 'object' ? [{ ...trainer, value: resolvedSection(trainer.value, root) }] : [];
  return { ...model, entries: [...model.entries, ...extra] };
}

/** The run's name as NeMo's files write it (the launcher's `run.name`, else the top-level `name`), when it is plain text. */
export function nemoRunName(root: ConfigObject): string | undefined {
  for (const path of ['run.name', 'name']) {
    const v = valueAt(root, path);
    if (v?.kind === 'string' && v.value.trim() !== '' && !v.value.includes('${')) {
      return v.value;
    }
  }
  return undefined;
}
