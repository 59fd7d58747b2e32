// `vramLens.models` (and the CLI's --models file): names mapped to a catalog model, a config path or inline config values.
import { matchCatalogModel } from '../core/catalog';
import type { ExternalModel } from '../core/modelNames';
import type { RawValue } from '../core/types';
import { resolveLocalModel, type FileAccess } from './localModels';

/** One mapping's value: a catalog name (`meta-llama/Llama-3.1-8B`), a config path or folder, or config values. */
export type UserModelValue = string | Readonly<Record<string, unknown>>;

/** The models a mapping gives, and what is wrong with the entries that give none (for a message). */
export interface UserModels {
  readonly models: Map<string, ExternalModel>;
  readonly problems: string[];
}

function inlineConfig(values: Readonly<Record<string, unknown>>): Record<string, RawValue | null> | undefined {
  const out: Record<string, RawValue | null> = {};
  for (const [key, v] of Object.entries(values)) {
    if (typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v)) || v === null) {
      out[key] = v;
    }
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/**
 * Reads a mapping of names to models. A string is a catalog name first (a fine-tune named after its base), else a
 * path (relative to `folder`: the workspace folder, or the --models file's folder); an object is config.json values.
 */
export async function readUserModels(mapping: Readonly<Record<string, UserModelValue>>, files: FileAccess, folder: string): Promise<UserModels> {
  const models = new Map<string, ExternalModel>();
  const problems: string[] = [];
  for (const [name, value] of Object.entries(mapping)) {
    if (typeof value === 'string') {
      const match = matchCatalogModel(value);
      const local = match ? undefined : await resolveLocalModel(files, value, folder, folder);
      if (match) {
        models.set(name, { config: match.model.config, source: `vramLens.models: ${name} → ${match.model.id} (${match.model.source})` });
      } else if (local) {
        models.set(name, { ...local, source: `vramLens.models: ${local.source}` });
      } else {
        problems.push(`vramLens.models: "${name}" maps to "${value}", which is neither a model VRAM Lens knows nor a config.json it can read`);
      }
    } else if (value && typeof value === 'object') {
      const config = inlineConfig(value);
      if (config) {
        models.set(name, { config, source: 'vramLens.models (values given in the settings)' });
      } else {
        problems.push(`vramLens.models: "${name}" gives no config values`);
      }
    }
  }
  return { models, problems };
}
