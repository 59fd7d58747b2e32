// Which strings in a file name a model, and the models the user or the disk supplies for names the catalog lacks.
import type { CatalogConfig, CatalogModel } from './catalog';
import type { LocalGguf } from './gguf';

/**
 * A model the catalog does not hold, found for a name the file writes: a local folder's config.json (and its
 * safetensors headers), a `vramLens.models` entry, or the Hub's config.json, when the user allows it.
 */
export interface ExternalModel {
  /** The config.json keys (or inline values) the estimate reads. */
  readonly config: CatalogConfig;
  /** Where it was read from, as the hover says it ("./my-model/config.json", "vramLens.models", "the Hub (cached)"). */
  readonly source: string;
  /** The exact count the checkpoint's safetensors headers give, when they were read. */
  readonly parameters?: number;
  /** A local GGUF's tensors and file type, from its header (llama.cpp's planner uses their exact types). */
  readonly gguf?: LocalGguf;
}

/** External models by the name exactly as the file writes it. */
export type ExternalModels = ReadonlyMap<string, ExternalModel>;

/** An external model as a catalog entry, for the resolver (its id is the name the file writes). */
export function asCatalogModel(name: string, model: ExternalModel): CatalogModel {
  return {
    id: name, aliases: [], source: model.source, config: model.config, ...(model.parameters !== undefined ? { parameters: model.parameters } : {}),
    ...(model.gguf ? { gguf: model.gguf } : {}),
  };
}

/** Keys whose value is a model's name or folder and nothing else. */
const STRONG_KEYS = new Set(['checkpoint_dir', 'base_model', 'model_name_or_path', 'pretrained_model_name_or_path', 'base_model_name_or_path']);

/** A HF id (`org/name`), without a file extension a config or data file would have. */
const HF_ID = /^[A-Za-z0-9][\w.-]{0,95}\/[\w.-]{1,96}$/;
const LOCAL_PATH = /^(\.{1,2}\/|\/|~\/|[A-Za-z]:[\\/])/;
const NOT_A_MODEL_FILE = /\.(json|ya?ml|toml|py|txt|csv|jsonl|parquet|md|sh|pt|pth|bin|ckpt)$/i;

/** A local folder or file path (`./my-model`, `/models/x`, `checkpoints/meta-llama/Llama-2-7b-hf`), not a HF id. */
export function isLocalPath(name: string): boolean {
  return LOCAL_PATH.test(name) || name.split('/').length > 2;
}

/**
 * True when `value`, written under `key`, names a model VRAM Lens should resolve or say it cannot: any name under
 * the keys that only ever hold one (or in a loading call, `key` undefined), a HF id or a path under the keys that
 * sometimes hold other things (`model`, `model_name`, `init_from`). URLs, sentences and data files are not names.
 */
export function namesAModel(key: string | undefined, value: string): boolean {
  const v = value.trim();
  if (v === '' || v.length > 300 || /\s/.test(v) || /^[a-z]+:\/\//i.test(v) || NOT_A_MODEL_FILE.test(v)) {
    return false;
  }
  if (key === undefined || STRONG_KEYS.has(key)) {
    return true;
  }
  return HF_ID.test(v) || isLocalPath(v);
}
