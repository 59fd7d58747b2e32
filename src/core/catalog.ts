// The built-in catalog of named models (catalog.json, each entry with its source) and the lookup that resolves a name or a torchtune builder to an entry.
import catalogData from './data/catalog.json';
import type { RawValue } from './spec';

/** A popular model's architecture, for configs that name the model instead of writing it out. */
export interface CatalogModel {
  readonly id: string;
  readonly aliases: readonly string[];
  readonly source: string;
  readonly config: Readonly<Record<string, RawValue | null>>;
}

export const CATALOG: readonly CatalogModel[] = catalogData.models as unknown as CatalogModel[];

/** Suffixes of variants that share their base model's architecture. */
const VARIANT_SUFFIX = /-(hf|instruct|chat|it|base)$/;

function normalize(name: string): string {
  return name.trim().toLowerCase().replace(/\/+$/, '').split('/').pop()!.replace(/_/g, '-');
}

const INDEX: ReadonlyMap<string, CatalogModel> = (() => {
  const m = new Map<string, CatalogModel>();
  for (const model of CATALOG) {
    for (const name of [model.id, ...model.aliases]) {
      m.set(normalize(name), model);
    }
  }
  return m;
})();

/**
 * Finds a model by the name a config gives it: a HF id ("meta-llama/Llama-2-7b-hf"), a LitGPT checkpoint
 * directory ("checkpoints/meta-llama/Llama-2-7b-hf"), or a short name ("gpt2-xl"). Chat and instruct variants
 * resolve to their base model, which has the same architecture.
 */
export function findCatalogModel(reference: string): CatalogModel | undefined {
  let key = normalize(reference);
  for (let i = 0; i < 4 && key; i++) {
    const found = INDEX.get(key);
    if (found) {
      return found;
    }
    const stripped = key.replace(VARIANT_SUFFIX, '');
    if (stripped === key) {
      break;
    }
    key = stripped;
  }
  return undefined;
}

/** torchtune model builders (torchtune.models.llama3_1.lora_llama3_1_8b) to the model they build. */
export function torchtuneModel(component: string): CatalogModel | undefined {
  const builder = component.split('.').pop()!.replace(/^(q?lora_)/, '');
  const llama = /^llama(\d)(?:_(\d))?_(\d+b)$/.exec(builder);
  if (llama) {
    return findCatalogModel(`llama-${llama[1]}${llama[2] ? `.${llama[2]}` : ''}-${llama[3]}`);
  }
  const qwen = /^qwen2_5_(\d+(?:_\d+)?b)$/.exec(builder);
  if (qwen) {
    return findCatalogModel(`qwen2.5-${qwen[1].replace('_', '.')}`);
  }
  const named: Record<string, string> = { mistral_7b: 'mistral-7b-v0.1', gemma_2b: 'gemma-2b', gemma_7b: 'gemma-7b', phi3_mini: 'phi-3-mini' };
  return named[builder] ? findCatalogModel(named[builder]) : undefined;
}
