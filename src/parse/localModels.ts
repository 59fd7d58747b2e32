// Local-first model resolution: a named folder's config.json (LitGPT's model_config.yaml, a PEFT adapter's base) and its safetensors headers, through the host's file access.
import { entryOf, type ConfigObject } from '../core/configTree';
import { ggufConfig, localGguf, readGgufHeader } from '../core/gguf';
import type { ExternalModel } from '../core/modelNames';
import type { CatalogConfig } from '../core/catalog';
import { scriptRun } from '../core/script';
import { parseJson } from './json';
import { parsePython } from './python';
import { parseToml } from './toml';
import { parseYaml } from './yaml';

/** How the host reads files (Node's fs for the CLI, workspace.fs in the editor). Never throws: absent is undefined. */
export interface FileAccess {
  /** A small file's text; undefined when it is absent, not a file, or larger than `maxBytes`. */
  readText(path: string, maxBytes: number): Promise<string | undefined>;
  /** `length` bytes at `offset`; hosts that cannot read part of a file leave this out (headers are then skipped). */
  readBytes?(path: string, offset: number, length: number): Promise<Uint8Array | undefined>;
}

/** Config files are small; a config.json over this is not one. */
const MAX_CONFIG_TEXT = 512 * 1024;
/** A safetensors header is JSON of tensor names and shapes: a few MB at most for the largest checkpoints. */
const MAX_HEADER_BYTES = 32 * 1024 * 1024;
/** Shards whose headers are read per model. */
const MAX_SHARDS = 256;

/** Joins POSIX-style paths (URIs in the editor, `/`-separated paths in the CLI), resolving `.` and `..`. */
export function joinPath(dir: string, relative: string): string {
  const parts = (relative.startsWith('/') ? relative : `${dir.replace(/\/+$/, '')}/${relative}`).split('/');
  const out: string[] = [];
  for (const p of parts) {
    if (p === '..') {
      if (out.length > 1) {
        out.pop();
      }
    } else if (p !== '.' && !(p === '' && out.length > 0)) {
      out.push(p);
    }
  }
  return out.join('/') || '/';
}

/** The folders a relative name is looked up from: the file's folder, then each parent up to `root` (inclusive). */
export function searchFolders(fileFolder: string, root: string | undefined): string[] {
  const folders: string[] = [];
  let dir = fileFolder.replace(/\/+$/, '');
  for (let i = 0; i < 64; i++) {
    folders.push(dir);
    if ((root !== undefined && dir === root.replace(/\/+$/, '')) || !dir.includes('/') || dir === '') {
      break;
    }
    const parent = dir.slice(0, dir.lastIndexOf('/'));
    if (parent === dir || parent === '') {
      break;
    }
    dir = parent;
  }
  return folders;
}

/** Objects of a checkpoint's config the estimate reads besides its scalars (kept whole, even beside a text_config). */
const NESTED_KEYS = ['vision_config', 'quantization_config'] as const;

/** Nesting kept of those objects (compressed-tensors' config_groups.group_0.weights is three deep). */
const MAX_NESTING = 4;

/**
 * The top-level scalars of a config (or of its `text_config`, for multimodal configs whose language model is there),
 * with its vision tower and quantization_config.
 */
function scalarsOf(obj: ConfigObject): CatalogConfig {
  const text = entryOf(obj, 'text_config')?.value;
  const source = !entryOf(obj, 'hidden_size') && text?.kind === 'object' ? text : obj;
  const out: Record<string, CatalogConfig[string]> = { ...valuesOf(source, 0) };
  for (const key of NESTED_KEYS) {
    const v = entryOf(obj, key)?.value;
    if (v?.kind === 'object') {
      out[key] = valuesOf(v, 1);
    }
  }
  return out;
}

/** An object's scalars, lists of numbers and (to MAX_NESTING) objects, as catalog config values. */
function valuesOf(obj: ConfigObject, depth: number): CatalogConfig {
  const out: Record<string, CatalogConfig[string]> = {};
  for (const e of obj.entries) {
    const v = e.value;
    if (v.kind === 'string' || v.kind === 'number' || v.kind === 'boolean') {
      out[e.key] = v.value;
    } else if (v.kind === 'null') {
      out[e.key] = null;
    } else if (v.kind === 'array' && v.items.every(i => i.kind === 'number')) {
      out[e.key] = v.items.map(i => (i.kind === 'number' ? i.value : 0));
    } else if (v.kind === 'object' && depth > 0 && depth < MAX_NESTING) {
      out[e.key] = valuesOf(v, depth + 1);
    }
  }
  return out;
}

async function readObject(files: FileAccess, path: string, format: 'json' | 'yaml' | 'toml' | 'python'): Promise<ConfigObject | undefined> {
  const text = await files.readText(path, MAX_CONFIG_TEXT);
  if (text === undefined) {
    return undefined;
  }
  if (format === 'python') {
    return scriptObject(text);
  }
  // Read whatever it holds (a DeepSpeed config names no model, so the model-config pre-filter does not apply).
  const root = (format === 'json' ? parseJson : format === 'yaml' ? parseYaml : parseToml)(text).root;
  return root?.kind === 'object' ? root : undefined;
}

/**
 * A training script a launch runs, as the run it states (its model loader's name, its TrainingArguments…), or an empty
 * run when it loads no model itself (its arguments on the launch line may still name one).
 */
function scriptObject(text: string): ConfigObject {
  const run = scriptRun(parsePython(text).calls);
  return run ? run.obj : { kind: 'object', entries: [], span: { start: 0, end: 0 } };
}

/** The reader a named file gets by its name: a launch's recipe (YAML, TOML), training script or a DeepSpeed config (JSON). */
function namedFormat(name: string): 'json' | 'yaml' | 'toml' | 'python' {
  return /\.ya?ml$/i.test(name) ? 'yaml' : /\.toml$/i.test(name) ? 'toml' : /\.py$/i.test(name) ? 'python' : 'json';
}

/** Element counts of a safetensors header's tensors, by dtype: `{ BF16: 8030261248 }`. */
export function safetensorsCounts(header: unknown): Map<string, number> | undefined {
  if (typeof header !== 'object' || header === null) {
    return undefined;
  }
  const counts = new Map<string, number>();
  for (const [name, t] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__metadata__' || typeof t !== 'object' || t === null) {
      continue;
    }
    const { dtype, shape } = t as { dtype?: unknown; shape?: unknown };
    if (typeof dtype !== 'string' || !Array.isArray(shape) || !shape.every(d => Number.isSafeInteger(d) && d >= 0)) {
      return undefined;
    }
    counts.set(dtype, (counts.get(dtype) ?? 0) + (shape as number[]).reduce((a, b) => a * b, 1));
  }
  return counts;
}

/** A shard's header: its 8-byte little-endian length, then that much JSON. Only those bytes are read. */
async function readHeader(files: FileAccess, path: string): Promise<unknown> {
  const prefix = await files.readBytes?.(path, 0, 8);
  if (!prefix || prefix.length !== 8) {
    return undefined;
  }
  const length = new DataView(prefix.buffer, prefix.byteOffset, 8).getBigUint64(0, true);
  if (length === 0n || length > BigInt(MAX_HEADER_BYTES)) {
    return undefined;
  }
  const bytes = await files.readBytes!(path, 8, Number(length));
  try {
    return bytes && bytes.length === Number(length) ? JSON.parse(new TextDecoder().decode(bytes)) : undefined;
  } catch {
    return undefined;
  }
}

/** Float dtypes: a checkpoint holding only these stores one element per parameter (no packed 4-bit weights). */
const FLOAT_DTYPES = new Set(['F64', 'F32', 'F16', 'BF16', 'F8_E4M3', 'F8_E5M2']);

/** The exact parameter count and stored dtype of a folder's safetensors weights, when the host reads byte ranges. */
async function safetensorsOf(files: FileAccess, folder: string): Promise<{ parameters: number; dtype: string } | undefined> {
  if (!files.readBytes) {
    return undefined;
  }
  const index = await readObject(files, joinPath(folder, 'model.safetensors.index.json'), 'json');
  const map = index && entryOf(index, 'weight_map')?.value;
  const shards = map?.kind === 'object' ? [...new Set(map.entries.map(e => (e.value.kind === 'string' ? e.value.value : '')))].filter(Boolean) : ['model.safetensors'];
  if (shards.length > MAX_SHARDS) {
    return undefined;
  }
  const total = new Map<string, number>();
  for (const shard of shards) {
    const counts = safetensorsCounts(await readHeader(files, joinPath(folder, shard)));
    if (!counts) {
      return undefined;
    }
    for (const [dtype, n] of counts) {
      total.set(dtype, (total.get(dtype) ?? 0) + n);
    }
  }
  if (total.size === 0 || ![...total.keys()].every(d => FLOAT_DTYPES.has(d))) {
    return undefined; // packed quantized weights (U8, I32) do not count parameters one to one
  }
  const [dtype] = [...total.entries()].sort((a, b) => b[1] - a[1])[0];
  return { parameters: [...total.values()].reduce((a, b) => a + b, 0), dtype };
}

const DTYPE_NAMES: Readonly<Record<string, string>> = { BF16: 'bfloat16', F16: 'float16', F32: 'float32', F64: 'float64', F8_E4M3: 'float8_e4m3fn', F8_E5M2: 'float8_e5m2' };

/** A model folder: its config (HF config.json or LitGPT's model_config.yaml) and, where present, its weights' headers. */
export async function readModelFolder(files: FileAccess, folder: string, shown: string): Promise<ExternalModel | undefined> {
  const hf = await readObject(files, joinPath(folder, 'config.json'), 'json');
  const litgpt = hf ? undefined : await readObject(files, joinPath(folder, 'model_config.yaml'), 'yaml');
  const obj = hf ?? litgpt;
  if (!obj) {
    return undefined;
  }
  const read = scalarsOf(obj);
  const weights = hf ? await safetensorsOf(files, folder) : undefined;
  const config = weights && read.torch_dtype === undefined && read.dtype === undefined ? { ...read, torch_dtype: DTYPE_NAMES[weights.dtype] ?? null } : read;
  const file = hf ? 'config.json' : 'model_config.yaml';
  const source = `${shown}/${file}${weights ? `, with ${weights.parameters.toLocaleString('en-US')} parameters in its safetensors headers` : ''}`;
  return { config, source, ...(weights ? { parameters: weights.parameters } : {}) };
}

/**
 * The model a local name points at, looked up from the file's folder up to the root: a folder with config.json (or
 * LitGPT's model_config.yaml), or a config.json file itself. Undefined when nothing there describes a model.
 */
export async function resolveLocalModel(files: FileAccess, name: string, fileFolder: string, root: string | undefined): Promise<ExternalModel | undefined> {
  const folders = name.startsWith('/') ? ['/'] : searchFolders(fileFolder, root);
  for (const dir of folders) {
    const path = joinPath(dir, name);
    if (/\.gguf$/i.test(path)) {
      const gguf = await readGgufModel(files, path, name);
      if (gguf) {
        return gguf;
      }
      continue;
    }
    if (/\.json$/i.test(path)) {
      const obj = await readObject(files, path, 'json');
      if (obj) {
        return { config: scalarsOf(obj), source: name };
      }
      continue;
    }
    const found = await readModelFolder(files, path, name.replace(/\/+$/, ''));
    if (found) {
      return found;
    }
  }
  return undefined;
}

/** A JSON file a recipe names (a DeepSpeed config), looked up from the file's folder up to the root, as a tree. */
export async function resolveLocalConfig(files: FileAccess, name: string, fileFolder: string, root: string | undefined): Promise<ConfigObject | undefined> {
  const folders = name.startsWith('/') ? ['/'] : searchFolders(fileFolder, root);
  for (const dir of folders) {
    const obj = await readObject(files, joinPath(dir, name), namedFormat(name));
    if (obj) {
      return obj;
    }
  }
  return undefined;
}

/** How much of a GGUF is read for its header: a first try, then larger, never the weights of a large model. */
const GGUF_READS = [8 * 1024 * 1024, 64 * 1024 * 1024, 256 * 1024 * 1024];

/** The first bytes of a file, as many as it has up to `length` (a small file is read whole). */
async function firstBytes(files: FileAccess, path: string, length: number): Promise<Uint8Array | undefined> {
  for (let n = length; n >= 1024; n = Math.floor(n / 4)) {
    const bytes = await files.readBytes!(path, 0, n);
    if (bytes) {
      return bytes;
    }
  }
  return undefined;
}

/**
 * A local GGUF's header: its architecture as config.json keys, and its tensors' exact types for llama.cpp's planner.
 * Undefined when the host cannot read byte ranges, the file is not a GGUF, or its architecture is one VRAM Lens does
 * not read from a header.
 */
export async function readGgufModel(files: FileAccess, path: string, shown: string): Promise<ExternalModel | undefined> {
  if (!files.readBytes) {
    return undefined;
  }
  for (const length of GGUF_READS) {
    const bytes = await firstBytes(files, path, length);
    if (!bytes) {
      return undefined;
    }
    const header = readGgufHeader(bytes);
    if ('error' in header) {
      if (header.needMore && bytes.byteLength === length) {
        continue;
      }
      return undefined;
    }
    const config = ggufConfig(header);
    if (!config) {
      return undefined;
    }
    const gguf = localGguf(header);
    const parameters = header.tensors.reduce((sum, t) => sum + t.elements, 0);
    return {
      config, source: `${shown} (its GGUF header: ${header.tensors.length.toLocaleString('en-US')} tensors${gguf.fileType ? `, ${gguf.fileType}` : ''})`,
      parameters, gguf,
    };
  }
  return undefined;
}
