// The built-in catalog of named models (catalog.json, each entry with its source) and the lookup that resolves a name or a torchtune builder to an entry.
import catalogData from './data/catalog.json';
import { dynamicQuantBase, type LocalGguf } from './gguf';
import { ollamaModel } from './ollama';
import type { RawValue } from './types';
import type { Quantization } from './types';

/** A popular model's architecture, for configs that name the model instead of writing it out. */
/** Config values as a catalog entry holds them: scalars, lists of numbers (cross_attention_layers), and objects of them (a vision_config). */
/** One item of a catalog list: a number, a string (a pipeline's class names), null, or a list (LLaVA-NeXT's grid pinpoints). */
export type CatalogItem = number | string | boolean | null | readonly CatalogItem[] | CatalogConfig;
export type CatalogConfig = { readonly [key: string]: RawValue | null | readonly CatalogItem[] | CatalogConfig };

export interface CatalogModel {
  readonly id: string;
  readonly aliases: readonly string[];
  readonly source: string;
  /** The checkpoint's exact parameter count, where its source gives one (tests hold the engine to it). */
  readonly parameters?: number;
  /** The size the model's page gives, rounded as it is written there ("12.2B", "464M"). */
  readonly publishedSize?: string;
  /** How the published checkpoint stores its weights, when not in 16 bits (gpt-oss: MXFP4 experts). */
  readonly weights?: Quantization;
  /** The entry's config.json values; a multimodal entry nests its tower's under `vision_config`. */
  readonly config: CatalogConfig;
  /** A score head of `labels` outputs in place of the vocabulary head (a reward model). */
  readonly scoreHead?: { readonly labels: number };
  /** The encoder stack of an encoder–decoder alone (T5's, as the text encoder of Flux). */
  readonly encoderStackOnly?: boolean;
  /** A local GGUF's tensors and file type, read from its header (an external model only). */
  readonly gguf?: LocalGguf;
  /** A diffusers pipeline (its config is the model_index.json): each component's config.json, by its key. */
  readonly components?: Readonly<Record<string, CatalogConfig>>;
}

export const CATALOG: readonly CatalogModel[] = catalogData.models as unknown as CatalogModel[];

/** Where a multimodal config holds its language model: transformers' text_config, InternVL's llm_config. */
export const TEXT_MODEL_KEYS = ['text_config', 'llm_config'] as const;

/** A catalog entry's language model: its config, or the text config a multimodal entry nests (Kimi-VL's, Kimi K3's). */
export function catalogTextConfig(config: CatalogConfig): CatalogConfig {
  for (const key of TEXT_MODEL_KEYS) {
    const text = config[key];
    if (text !== null && typeof text === 'object' && !Array.isArray(text)) {
      return text as CatalogConfig;
    }
  }
  return config;
}

/** A suffix a name may carry that does not change the architecture, and what it says. */
interface NameSuffix {
  readonly pattern: RegExp;
  /** What the hover says of it. */
  readonly says: string;
  readonly quantization?: Quantization;
  readonly fp8?: boolean;
}

/**
 * Suffixes of tuned variants, re-uploads and quantized exports, which keep their base model's architecture. A
 * quantization the name states is used for the weights (unsloth's `-bnb-4bit` uploads are NF4 with double
 * quantization; AWQ and GPTQ exports are 4-bit with group-wise scales).
 */
/** A tuned or converted variant (`-Instruct`, `-it`…): the one suffix an entry's own names are also indexed without. */
const VARIANT: NameSuffix = { pattern: /-(hf|instruct|chat|it|pt|base|sft|dpo|orpo|grpo)$/, says: 'a tuned or converted variant' };

const NAME_SUFFIXES: readonly NameSuffix[] = [
  { pattern: /-(unsloth-)?bnb-4bit$/, says: 'bitsandbytes NF4 weights (double-quantized)', quantization: 'nf4-dq' },
  { pattern: /-bnb-8bit$/, says: 'bitsandbytes int8 weights', quantization: 'int8' },
  { pattern: /-awq$/, says: 'AWQ 4-bit weights', quantization: 'awq-int4' },
  { pattern: /-gptq(-int4)?$|-w4a16$/, says: 'GPTQ 4-bit weights', quantization: 'gptq-int4' },
  { pattern: /-quantized[.-]w4a16$/, says: 'compressed-tensors W4A16 weights', quantization: 'w4a16' },
  { pattern: /-quantized[.-]w8a8$|-w8a8$/, says: 'compressed-tensors W8A8 weights (int8 per channel)', quantization: 'int8-channel' },
  { pattern: /-fp8(-dynamic)?$/, says: 'FP8 weights', fp8: true },
  { pattern: /-nvfp4$/, says: 'NVFP4 weights (4-bit E2M1, an FP8 scale per 16)', quantization: 'nvfp4' },
  { pattern: /-gguf$/, says: 'a GGUF export (its file names the quantization type)' },
  { pattern: /-4bit$/, says: 'MLX 4-bit weights (mlx_lm.convert -q: a 16-bit scale and bias per 64)', quantization: 'mlx-q4' },
  { pattern: /-8bit$/, says: 'MLX 8-bit weights (a 16-bit scale and bias per 64)', quantization: 'mlx-q8' },
  { pattern: /-mlx$/, says: 'an MLX export (Apple silicon)' },
  VARIANT,
];

/** llama.cpp file names: `llama-2-7b.Q4_K_M.gguf`, `Meta-Llama-3.1-8B-Instruct-Q4_K_M.gguf`, `…-IQ4_XS.gguf`, split files. */
const GGUF_FILE = /[._](?:ud_)?(q[2-8]_k_xl|q[2-8]_k_[sml]|q[2-8]_k|q[4-8]_[01]|iq[1-4]_(?:xxs|xs|s|m|nl)|tq[12]_0|mxfp4_moe|f16|bf16|f32)(?:_\d{5}_of_\d{5})?\.gguf$/;

/** How a name led to a catalog entry, and what the name says about the weights. */
export interface CatalogMatch {
  readonly model: CatalogModel;
  /** Why the name matched, for the hover ("`-Instruct` set aside: a tuned variant; published by unsloth"). */
  readonly why: string;
  /** A weight quantization the name states (`-bnb-4bit`, `-AWQ`, `.Q4_K_M.gguf`). */
  readonly quantization?: Quantization;
  /** The name states FP8 weights (`-FP8`). */
  readonly fp8?: boolean;
}

function normalize(name: string): string {
  return name.trim().toLowerCase().replace(/\/+$/, '').split('/').pop()!.replace(/_/g, '-');
}

/** Every name of every entry; an entry published only as a variant (`gemma-3-4b-it`) is found by its base name too. */
const INDEX: ReadonlyMap<string, CatalogModel> = (() => {
  const m = new Map<string, CatalogModel>();
  for (const model of CATALOG) {
    for (const name of [model.id, ...model.aliases]) {
      m.set(normalize(name), model);
    }
  }
  for (const model of CATALOG) {
    for (const name of [model.id, ...model.aliases]) {
      const base = normalize(name).replace(VARIANT.pattern, '');
      if (!m.has(base)) {
        m.set(base, model);
      }
    }
  }
  return m;
})();

/** The organisation of a HF id ("unsloth" of "unsloth/llama-3-8b-bnb-4bit"), when the name has one. */
function organisation(reference: string): string | undefined {
  const parts = reference.trim().replace(/\/+$/, '').split('/');
  return parts.length >= 2 ? parts[parts.length - 2] : undefined;
}

const GGUF_TYPES: Readonly<Record<string, Quantization | undefined>> = {
  q4_k_m: 'q4_k_m', q5_k_m: 'q5_k_m', q4_k_s: 'q4_k', q5_k_s: 'q5_k', q2_k: 'q2_k', q3_k_m: 'q3_k', q3_k_s: 'q3_k', q3_k_l: 'q3_k',
  q4_k: 'q4_k', q5_k: 'q5_k', q6_k: 'q6_k', q8_0: 'q8_0', q4_0: 'q4_0', q4_1: 'q4_1', q5_0: 'q5_0', q5_1: 'q5_1',
};

/** A file name's type as a quantization: its own, or a dynamic quant's base type (`q4_k_xl` → Q4_K_M). */
function ggufQuantization(type: string): Quantization | undefined {
  return GGUF_TYPES[type] ?? GGUF_TYPES[dynamicQuantBase(type)?.toLowerCase() ?? ''];
}

/**
 * Finds a model by the name a file gives it: a HF id ("meta-llama/Llama-2-7b-hf"), a LitGPT checkpoint directory
 * ("checkpoints/meta-llama/Llama-2-7b-hf"), a short name ("gpt2-xl"), a re-upload ("unsloth/llama-3-8b-bnb-4bit",
 * "NousResearch/Meta-Llama-3-8B") or a GGUF file ("llama-2-7b.Q4_K_M.gguf"). Tuned variants and quantized exports
 * resolve to their base model, which has the same architecture; what the name says about the weights is kept.
 */
export function matchCatalogModel(reference: string): CatalogMatch | undefined {
  // A Hub repository with a file tag (`bartowski/…-GGUF:Q4_K_M`, as llama.cpp's -hf takes it) is the repository.
  const repository = /\/[^/:]+:[\w.-]+$/.test(reference) ? reference.replace(/:[\w.-]+$/, '') : reference;
  return matchPublishedName(repository) ?? matchOrganisationPrefixed(repository) ?? matchOllamaName(reference);
}

/**
 * A re-upload that prefixes the model's organisation to its name (`bartowski/Qwen_Qwen3-8B-GGUF`,
 * `nvidia_Llama-3_3-Nemotron-Super-49B-v1_5-Q4_K_M.gguf`): the name without it, when an entry of that organisation
 * matches what is left.
 */
function matchOrganisationPrefixed(reference: string): CatalogMatch | undefined {
  const prefixed = /^([A-Za-z0-9-]+)_(.+)$/.exec(reference.trim().replace(/\/+$/, '').split('/').pop()!);
  const match = prefixed ? matchPublishedName(prefixed[2]) : undefined;
  return match && match.model.id.toLowerCase().startsWith(`${prefixed![1].toLowerCase()}/`) ? match : undefined;
}

/** An Ollama library name (`llama3.1:8b`) no published name matches. */
function matchOllamaName(reference: string): CatalogMatch | undefined {
  const ollama = ollamaModel(reference);
  const library = ollama && CATALOG.find(m => m.id === ollama.id);
  return library ? { model: library, why: `Ollama's library name for ${library.id} (${ollama!.fileType} GGUF)` } : undefined;
}

function matchPublishedName(reference: string): CatalogMatch | undefined {
  let key = normalize(reference);
  const setAside: { readonly text: string; readonly suffix: NameSuffix }[] = [];
  let quantization: Quantization | undefined;
  const file = GGUF_FILE.exec(key.replace(/-/g, '_').replace(/_gguf$/, '.gguf'));
  if (file) {
    quantization = ggufQuantization(file[1]);
    key = key.slice(0, key.length - file[0].length).replace(/[.-]$/, '');
  } else if (/\.gguf$/.test(key)) {
    key = key.slice(0, -'.gguf'.length);
  }
  for (let i = 0; i < 6 && key; i++) {
    const model = INDEX.get(key);
    if (model) {
      return describeMatch(reference, model, setAside, quantization);
    }
    const suffix = NAME_SUFFIXES.find(s => s.pattern.test(key));
    if (!suffix) {
      return undefined;
    }
    const text = suffix.pattern.exec(key)![0];
    setAside.push({ text, suffix });
    quantization ??= suffix.quantization;
    key = key.slice(0, key.length - text.length);
  }
  return undefined;
}

function describeMatch(reference: string, model: CatalogModel, setAside: readonly { readonly text: string; readonly suffix: NameSuffix }[], quantization: Quantization | undefined): CatalogMatch {
  const reasons: string[] = [];
  if (setAside.length > 0) {
    const suffixes = setAside.map(({ text, suffix }) => `\`${text}\` (${suffix.says})`).reverse().join(' and ');
    reasons.push(`setting aside ${suffixes}, which keep ${model.id}'s architecture`);
  } else {
    reasons.push(normalize(reference) === normalize(model.id) ? 'its id' : 'a name it is published under');
  }
  const org = organisation(reference);
  const own = organisation(model.id);
  if (org && own && org.toLowerCase() !== own.toLowerCase() && !/^checkpoints?$/i.test(org)) {
    reasons.push(`published by ${org}, a re-upload or derivative of ${model.id}`);
  }
  const fp8 = setAside.some(s => s.suffix.fp8);
  return { model, why: reasons.join('; '), ...(quantization ? { quantization } : {}), ...(fp8 ? { fp8 } : {}) };
}

/** The catalog model a name resolves to (see matchCatalogModel). */
export function findCatalogModel(reference: string): CatalogModel | undefined {
  return matchCatalogModel(reference)?.model;
}

/** A torchtune size (`0_5b`, `1_7b`, `135m`) as model names write it (`0.5b`, `1.7b`, `135m`). */
const size = (s: string) => s.replace('_', '.');

/** torchtune's builder families (torchtune.models.*._model_builders), to the name of the model each builds. */
const TORCHTUNE_BUILDERS: readonly [RegExp, (m: RegExpExecArray) => string][] = [
  [/^llama(\d)(?:_(\d))?_(\d+b)$/, m => `llama-${m[1]}${m[2] ? `.${m[2]}` : ''}-${m[3]}`],
  [/^qwen2_5_(\d+(?:_\d+)?b)(?:_base|_instruct)?$/, m => `qwen2.5-${size(m[1])}`],
  [/^qwen2_(\d+(?:_\d+)?b)$/, m => `qwen2-${size(m[1])}`],
  [/^qwen3_(\d+(?:_\d+)?b)(?:_base|_instruct)?$/, m => `qwen3-${size(m[1])}`],
  [/^gemma2_(\d+b)$/, m => `gemma-2-${m[1]}`],
  [/^gemma_(\d+b)$/, m => `gemma-${m[1]}`],
  [/^smollm2_(\d+(?:_\d+)?[mb])$/, m => `smollm2-${size(m[1])}`],
  [/^phi3_mini$/, () => 'phi-3-mini'],
  [/^phi4_14b$/, () => 'phi-4'],
  [/^mistral_7b$/, () => 'mistral-7b-v0.1'],
  [/^llama3_2_vision_(11b|90b)$/, m => `Llama-3.2-${m[1].toUpperCase()}-Vision`],
  [/^llama4_scout_17b_16e$/, () => 'Llama-4-Scout-17B-16E'],
  [/^llama4_maverick_17b_128e$/, () => 'Llama-4-Maverick-17B-128E'],
];

/**
 * torchtune model builders (`torchtune.models.qwen3.lora_qwen3_8b_instruct`) to the model they build. torchtune
 * builds the same tensors as HF transformers for these (tied heads where HF ties them), so the entry's count holds.
 */
export function torchtuneModel(component: string): CatalogModel | undefined {
  const builder = component.split('.').pop()!.replace(/^(q?lora_|q?dora_)/, '');
  const part = TORCHTUNE_COMPONENTS[builder];
  if (part) {
    return part();
  }
  // A reward builder (llama2_reward_7b) is its base model with a one-score head in place of the vocabulary head.
  const reward = /^(.*)_reward(_\d+b)$/.exec(builder);
  const base = reward ? `${reward[1]}${reward[2]}` : builder;
  for (const [pattern, name] of TORCHTUNE_BUILDERS) {
    const m = pattern.exec(base);
    const model = m ? findCatalogModel(name(m)) : undefined;
    if (model) {
      return reward ? rewardModel(model) : model;
    }
  }
  return undefined;
}

/** torchtune's builders of Flux's parts: T5-XXL's encoder stack, CLIP ViT-L/14's text transformer, the autoencoder. */
const TORCHTUNE_COMPONENTS: Readonly<Record<string, () => CatalogModel | undefined>> = {
  t5_v1_1_xxl_encoder: () => {
    const t5 = findCatalogModel('google/t5-v1_1-xxl');
    return t5 && { id: `${t5.id} (encoder)`, aliases: [], source: `${t5.source}; torchtune's t5_v1_1_xxl_encoder builds its encoder stack alone`, config: t5.config, encoderStackOnly: true };
  },
  clip_text_vit_large_patch14: () => findCatalogModel('openai/clip-vit-large-patch14-text'),
  flux_1_autoencoder: () => findCatalogModel('black-forest-labs/FLUX.1-dev-vae'),
};

/** A catalog model as torchtune's reward builders make it: the same body, a bias-free Linear(hidden, 1) as its head. */
function rewardModel(model: CatalogModel): CatalogModel {
  const { parameters: _unused, publishedSize: _unusedSize, ...rest } = model;
  return { ...rest, id: `${model.id} (reward model)`, aliases: [], source: `${model.source}; torchtune's reward builder replaces the output head with one score`, scoreHead: { labels: 1 } };
}
