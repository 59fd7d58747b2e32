// From a config object to a ModelSpec: finding the configs in a tree, reading their keys, and resolving a complete, checked architecture.
import { entryOf, floatText, type AttachedConfigs, type ConfigDocument, type ConfigEntry, type ConfigObject, type ConfigValue } from './configTree';
import { matchCatalogModel, TEXT_MODEL_KEYS, torchtuneModel, type CatalogItem, type CatalogMatch, type CatalogModel } from './catalog';
import {
  crossDitSpec, DIT_CLASSES, FLUX_DEFAULTS, fluxSpec, LEGACY_PIXART_CLASS, MMDIT_CLASS, PIXART_CLASS, PIXART_DEFAULTS, SANA_CLASS, SANA_DEFAULTS, SANA_MLP_RATIO, SD3_DEFAULTS, sd3Spec,
} from './diffusion';
import { convNetSpec, UNET_CLASS, VAE_CLASS } from './unet';
import { CLIP_PROJECTION_DEFAULT, COMPONENT_ROLES, componentConfigPath, holdsWeights, pipelineEntries, pipelineSpec, SAFETY_CHECKER, type PipelineEntry } from './pipeline';
import { rwkvSpec, rwkvVersion } from './rwkv';
import { hybridStateKeeping, mamba2Spec, mambaSpec } from './stateSpace';
import { CONFIG_CLASS_DEFAULTS, familyFor, megatronPaddedVocab, META_NATIVE, SIGLIP_TEXT, UNMODELLED_KEYS, type Family, type FamilyContext, type Refinement } from './families';
import { asCatalogModel, namesAModel, type ExternalModel, type ExternalModels } from './modelNames';
import { scriptRun, type ScriptRun } from './script';
import { hasNemoGptKeys, isNemoGpt, nemoRun, nemoRunName, resolvedNemoModel } from './nemo';
import { readQuantizationConfig, type QuantizationReading } from './quantConfig';
import { isMlxRecipe, readTrainingSettings, type TrainingFromFile } from './trainingKeys';
import type { AudioTower, ModelSpec, PipelineComponent, Precision, Quantization, RawValue, Span, SpecField, VisionTower } from './types';
import { implausible, typoCandidates } from './plausibility';
import { accelerateRun } from './launchers';
import { readServing, type ServingFromFile } from './servingKeys';
import { DIFFUSERS_CLASS_KEY, KEY_ALIASES, LAUNCH_KEYS, MEGATRON_SCRIPT_KEY, LITGPT_ENTRY_KEY, MODEL_NAME_KEYS, MODEL_SECTION_KEYS } from './vocabulary';

const FIELD_BY_KEY: ReadonlyMap<string, SpecField> = new Map(
  (Object.entries(KEY_ALIASES) as [SpecField, readonly string[]][]).flatMap(([field, keys]) =>
    keys.map(k => [k, field] as const),
  ),
);

/** Keys written in the seed document's plain style rather than by a framework. */
const CLASSIC_KEYS = new Set(['d_model', 'n_heads', 'n_layers', 'dim']);

/** Largest value accepted per integer field: beyond it the number is a typo, not a model. */
const INTEGER_LIMITS: Partial<Record<SpecField, number>> = {
  hiddenSize: 1_000_000,
  numLayers: 10_000,
  numHeads: 100_000,
  numKvHeads: 100_000,
  headDim: 100_000,
  vocabSize: 100_000_000,
  intermediateSize: 10_000_000,
  maxPositions: 1_000_000_000,
  typeVocabSize: 1_000_000,
  numExperts: 100_000,
  expertsPerToken: 100_000,
  expertIntermediateSize: 10_000_000,
  numDecoderLayers: 10_000,
  relativeAttentionBuckets: 1_000_000,
  slidingWindow: 1_000_000_000,
};

/** A key the estimator read, with where it is in the file. */
export interface RecognisedKey {
  readonly field: SpecField;
  readonly key: string;
  readonly keySpan: Span;
  readonly valueSpan: Span;
  readonly value: RawValue | null;
}

export interface SpecProblem {
  readonly severity: 'error' | 'warning';
  readonly message: string;
  /** The field the problem is about, when there is one (to point at its key). */
  readonly field?: SpecField;
  /** The key the problem is about, when it is not a recognised field. */
  readonly key?: string;
}

/** A model config found in a file, before and after resolution. */
export interface FoundConfig {
  readonly name: string;
  /** The span of the object holding the config. */
  readonly span: Span;
  readonly keys: readonly RecognisedKey[];
  readonly raw: Readonly<Partial<Record<SpecField, RawValue>>>;
  /** `architectures[0]` when the config names its model class. */
  readonly architecture: string | undefined;
  /** Every scalar entry of the config object, by key, for the keys a family reads on its own. */
  readonly scalars: Readonly<Record<string, ScalarEntry>>;
  /** `layer_types` (e.g. "sliding_attention" / "full_attention" per layer), when the config lists them. */
  readonly layerTypes: readonly string[] | undefined;
  /**
   * `block_configs` (Nemotron-NAS: each layer's attention and FFN), each block's plain values by dotted name
   * (`attention.n_heads_in_group`, `ffn.ffn_mult`), when the config lists them as objects.
   */
  readonly blockConfigs?: readonly Readonly<Record<string, RawValue | null>>[];
  /** Set when the architecture comes from the built-in catalog, named by a key of the file. */
  readonly catalog?: CatalogReference;
  /** Run settings the file states (batch, sequence, precision, LoRA…), with their keys. */
  readonly training: TrainingFromFile;
  /** The serving engine the file starts (vLLM, SGLang) and the flags it states. */
  readonly serving?: ServingFromFile;
  /** The `vision_config` of a vision tower VRAM Lens counts, beside this language model (or inside its entry). */
  readonly vision?: VisionConfig;
  /** A `vision_config` beside this language model whose tower VRAM Lens does not count: its model_type, or "". */
  readonly uncountedTower?: string;
  /** The `audio_config` beside this language model: a tower VRAM Lens counts (its values), or one it does not (its model_type). */
  readonly audio?: { readonly counted: boolean; readonly modelType: string; readonly values: Readonly<Record<string, RawValue | null>>; readonly lists: Readonly<Record<string, readonly (RawValue | null)[]>> };
  /** Keys the config leaves out that its transformers config class fills in, with their values. */
  readonly classDefaults?: ClassDefaults;
  /** How many items each list the config writes holds (`cross_attention_layers`), by key. */
  readonly lengths?: Readonly<Record<string, number>>;
  /** The lists of plain values the config writes (a diffusers UNet's `block_out_channels`), by key. */
  readonly lists?: Readonly<Record<string, readonly (RawValue | null)[]>>;
  /** A diffusers pipeline's model_index.json: its components, each with its config.json when the host read it. */
  readonly pipeline?: {
    readonly className: string;
    /** Each component, with its config.json when read (the safety checker's vision_config, with its projection width). */
    readonly components: readonly { readonly entry: PipelineEntry; readonly config?: FoundConfig; readonly projection?: number }[];
  };
}

/** A vision tower's config as written: its kind and its scalar values. */
export interface VisionConfig {
  readonly kind: VisionTower['kind'];
  readonly values: Readonly<Record<string, RawValue | null>>;
  /** How many items each of its lists holds (mllama's supported_aspect_ratios). */
  readonly lengths: Readonly<Record<string, number>>;
  /** The model_type of the config holding it (`mistral3`, `llava`), which decides a Pixtral tower's projector. */
  readonly holderType?: string;
  /** The holder's `image_grid_pinpoints`, when it lists them as [height, width] pairs. */
  readonly pinpoints?: readonly (readonly [number, number])[];
  /** The layers whose features the holder's `vision_feature_layer` list concatenates for the projector (Granite Vision). */
  readonly featureLayers?: readonly (RawValue | null)[];
  /** MoonViT's `merge_kernel_size` as written: [rows, columns] when it is a pair of whole numbers from 1 to 64. */
  readonly mergeKernel?: { readonly pair?: readonly [number, number] };
  /** Where each key it reads is written, from the key to the end of its value: `vision_config.hidden_size`, or a holder key. */
  readonly spans?: Readonly<Record<string, Span>>;
}

/** The vision_config kinds counted as towers beside a language model, by model_type. */
const VISION_TOWERS: Readonly<Record<string, VisionTower['kind']>> = {
  siglip_vision_model: 'siglip', llama4_vision_model: 'llama4', mllama_vision_model: 'mllama', pixtral: 'pixtral', clip_vision_model: 'clip',
  intern_vit_6b: 'internvit', gemma4_vision: 'gemma4',
};

/**
 * Sections of a config whose values the families read by their dotted names (`moe.num_experts`, NeMo's
 * `tokenizer.type`, Kimi Linear's `linear_attn_config.kda_layers`).
 */
const SECTIONED_KEYS: readonly string[] = ['moe', 'attn_config', 'ffn_config', 'tokenizer', 'linear_attn_config'];

/** A config path ending in one of TEXT_MODEL_KEYS: a multimodal config's language model. */
const TEXT_MODEL_PATH = new RegExp(`(^|\\.)(${TEXT_MODEL_KEYS.join('|')})$`);

/** LlavaNextConfig's image_grid_pinpoints when the config leaves them out, as [height, width]. */
const LLAVA_NEXT_PINPOINTS: readonly (readonly [number, number])[] = [[336, 672], [672, 336], [672, 672], [1008, 336], [336, 1008]];
/** LlavaOnevisionConfig's: every grid of 1 to 6 × 1 to 6 tiles of 384 pixels. */
const ONEVISION_PINPOINTS: readonly (readonly [number, number])[] = Array.from({ length: 36 }, (_, i) => [384 * (Math.floor(i / 6) + 1), 384 * ((i % 6) + 1)] as const);

/** OneVision's `vision_aspect_ratio` ("anyres_max_9", its default): how many tiles' worth of features an image keeps. */
function anyresMax(ratio: RawValue | null | undefined): number {
  const match = typeof ratio === 'string' ? /^anyres_max_(\d+)$/.exec(ratio) : null;
  return match ? Number(match[1]) : 9;
}

/** Towers known by the model_type of the config holding them. */
const HELD_TOWERS: Readonly<Record<string, VisionTower['kind']>> = {
  qwen2_vl: 'qwen2vl', qwen2_5_vl: 'qwen25vl', qwen3_vl: 'qwen3vl', qwen3_vl_moe: 'qwen3vl', minicpmv: 'siglip', idefics3: 'siglip', smolvlm: 'siglip',
  // Qwen3.5: Qwen3-VL's tower without its DeepStack mergers.
  qwen3_5: 'qwen3vl', qwen3_5_moe: 'qwen3vl',
  // MoonViT with Kimi-VL's projector (other models around a MoonViT build their own); Kimi K3's, written with vt_* keys.
  kimi_vl: 'moonvit', kimi_k3: 'moonvit',
  // GLM-4.1V's tower, GLM-4.5V's and GLM-4.6V's the same.
  glm4v: 'glm4v', glm4v_moe: 'glm4v' };

/** Models around Qwen3-VL's vision tower whose config class drops deepstack_visual_indexes: no DeepStack mergers. */
const WITHOUT_DEEPSTACK: ReadonlySet<string> = new Set(['qwen3_5', 'qwen3_5_moe']);

/** Models whose SigLIP tower has no attention-pooling head, whatever its config says: they read its patch features. */
const HEADLESS_SIGLIP: ReadonlySet<string> = new Set(['minicpmv', 'idefics3', 'smolvlm']);

/** Idefics3's and SmolVLM's connector: a pixel shuffle of scale_factor² patches, then one unbiased linear. */
const PIXEL_SHUFFLE_CONNECTORS: ReadonlySet<string> = new Set(['idefics3', 'smolvlm']);

/**
 * Phi-3-vision / Phi-3.5-vision (`phi3_v`, remote code) name their tower instead of describing it: CLIP ViT-L/14 at
 * 336 px (`img_processor.model_name`), with its own projector from the HD transform's four patch features.
 */
function impliedTower(obj: ConfigObject): VisionConfig | undefined {
  const type = entryOf(obj, 'model_type')?.value;
  const timm = minicpmv2Tower(obj) ?? molmoTower(obj);
  if (timm) {
    return timm;
  }
  const processor = entryOf(obj, 'img_processor')?.value;
  if (type?.kind !== 'string' || type.value !== 'phi3_v' || processor?.kind !== 'object') {
    return undefined;
  }
  const out = entryOf(processor, 'image_dim_out')?.value;
  const width = out?.kind === 'number' ? out.value : 1024;
  const values = { hidden_size: width, intermediate_size: 4 * width, num_hidden_layers: 24, image_size: 336, patch_size: 14, num_channels: 3 };
  return { kind: 'clip', values, lengths: {}, holderType: 'phi3_v' };
}

/**
 * MiniCPM-V 2.0 (`minicpmv`, remote code) names a timm tower (`vision_encoder`) instead of describing it:
 * vit_so400m_patch14_siglip_384 (27 blocks 1,152 wide at 384 px, without its pooling head), its last block dropped
 * when `drop_vision_last_layer` says so; its resampler's 2-D positions are a parameter (query_num of them).
 */
function minicpmv2Tower(obj: ConfigObject): VisionConfig | undefined {
  const type = entryOf(obj, 'model_type')?.value;
  const encoder = entryOf(obj, 'vision_encoder')?.value;
  if (type?.kind !== 'string' || type.value !== 'minicpmv' || encoder?.kind !== 'string' || !encoder.value.startsWith('vit_so400m_patch14_siglip_384')) {
    return undefined;
  }
  const drop = entryOf(obj, 'drop_vision_last_layer')?.value;
  const queries = entryOf(obj, 'query_num')?.value;
  const values = {
    hidden_size: 1152, intermediate_size: 4304, num_hidden_layers: drop?.kind === 'boolean' && !drop.value ? 27 : 26, image_size: 384, patch_size: 14, num_channels: 3,
    ...(queries?.kind === 'number' ? { query_num: queries.value } : {}), learned_query_positions: true,
  };
  return { kind: 'siglip', values, lengths: {}, holderType: 'minicpmv' };
}

/**
 * Molmo (`molmo`, remote code) builds its tower from its code's defaults, not its config: OpenAI's CLIP ViT-L/14 at
 * 336 pixels, its first 23 blocks (the features of the 2nd- and 9th-last), then Molmo's pooling and projector.
 */
function molmoTower(obj: ConfigObject): VisionConfig | undefined {
  const type = entryOf(obj, 'model_type')?.value;
  if (type?.kind !== 'string' || type.value !== 'molmo') {
    return undefined;
  }
  const intermediate = entryOf(obj, 'intermediate_size')?.value;
  const values = {
    hidden_size: 1024, intermediate_size: 4096, num_hidden_layers: 23, image_size: 336, patch_size: 14, num_channels: 3,
    ...(intermediate?.kind === 'number' ? { molmo_projector_dim: Math.floor(intermediate.value / 2) } : {}),
  };
  return { kind: 'clip', values, lengths: {}, holderType: 'molmo' };
}

/** Sizes only the multimodal config itself writes, never its vision_config (MiniCPM-V's, InternVL's, Idefics3's). */
const HOLDER_SIZE_KEYS: ReadonlySet<string> = new Set(['query_num', 'downsample_ratio', 'scale_factor', 'max_dynamic_patch', 'min_dynamic_patch']);

/** Keys of the multimodal config itself that shape a tower's projector (Mistral 3's and LLaVA's). */
const PROJECTOR_KEYS = [
  'vision_soft_tokens_per_image', 'spatial_merge_size', 'multimodal_projector_bias', 'downsample_ratio', 'query_num', 'scale_factor', 'vision_aspect_ratio', 'dynamic_image_size', 'max_dynamic_patch', 'min_dynamic_patch', 'use_thumbnail',
] as const;

/** How many items each list of the object holds, by key; undefined when it has none. */
function listLengths(entries: ConfigObject['entries']): Record<string, number> | undefined {
  // A classifier's labels are an object (`id2label`), counted like a list.
  const lists = entries.filter(e => e.value.kind === 'array' || (e.key === 'id2label' && e.value.kind === 'object'));
  const size = (v: ConfigValue) => (v.kind === 'array' ? v.items.length : v.kind === 'object' ? v.entries.length : 0);
  return lists.length === 0 ? undefined : Object.fromEntries(lists.map(e => [e.key, size(e.value)]));
}

/** The plain values of a config object (numbers, strings, booleans, null), by key. */
function scalarValues(obj: ConfigObject): Record<string, RawValue | null> {
  const values: Record<string, RawValue | null> = {};
  for (const e of obj.entries) {
    const value = scalar(e.value);
    if (value !== undefined) {
      values[e.key] = value;
    }
  }
  return values;
}

/** The entries of a config's sections (SECTIONED_KEYS) under their dotted names: Mistral's params.json writes its experts under `moe`. */
function sectionedEntries(obj: ConfigObject): ConfigObject['entries'] {
  return obj.entries.flatMap(e =>
    e.value.kind === 'object' && SECTIONED_KEYS.includes(e.key) ? e.value.entries.map(inner => ({ ...inner, key: `${e.key}.${inner.key}` })) : [],
  );
}

/** The lists among a config object's entries whose items are all plain values, by key. */
function scalarLists(entries: ConfigObject['entries']): Record<string, (RawValue | null)[]> | undefined {
  const lists: Record<string, (RawValue | null)[]> = Object.create(null);
  let any = false;
  for (const e of entries) {
    if (e.value.kind === 'array' && !(e.key in lists)) {
      const items = e.value.items.map(scalar);
      if (items.every((v): v is RawValue | null => v !== undefined)) {
        lists[e.key] = items;
        any = true;
      }
    }
  }
  return any ? lists : undefined;
}

/**
 * The model_type ("" when unnamed) of a `vision_config` object VRAM Lens does not count, so that the language model
 * beside it is not taken for the whole model.
 */
function uncountedTower(obj: ConfigObject): string | undefined {
  const v = entryOf(obj, 'vision_config')?.value;
  if (v?.kind !== 'object' || visionConfigOf(obj)) {
    return undefined;
  }
  const type = entryOf(v, 'model_type')?.value;
  return type?.kind === 'string' ? type.value : '';
}

/** Audio towers VRAM Lens counts, by their audio_config's model_type. */
const AUDIO_TOWERS: ReadonlySet<string> = new Set(['gemma4_audio']);

/** A config object's `audio_config`: its values, and whether VRAM Lens counts its tower. */
function audioConfigOf(obj: ConfigObject | undefined): FoundConfig['audio'] {
  const a = obj && entryOf(obj, 'audio_config')?.value;
  if (a?.kind !== 'object') {
    return undefined;
  }
  const type = entryOf(a, 'model_type')?.value;
  const modelType = type?.kind === 'string' ? type.value : '';
  return { counted: AUDIO_TOWERS.has(modelType), modelType, values: scalarValues(a), lists: scalarLists(a.entries) ?? {} };
}

/** Gemma4AudioConfig's defaults, for what an audio_config leaves out. */
const GEMMA4_AUDIO_DEFAULTS: Readonly<Record<string, number>> = { hidden_size: 1024, num_hidden_layers: 12, num_attention_heads: 8, conv_kernel_size: 5, output_proj_dims: 1536 };

/** The audio tower an `audio_config` describes; undefined, with a problem on the key, when a size in it is no size. */
function audioTower(audio: NonNullable<FoundConfig['audio']>, problems: SpecProblem[]): AudioTower | undefined {
  const { size, valid } = sizesOf(audio.values, GEMMA4_AUDIO_DEFAULTS, key => `audio_config.${key}`, problems);
  const channels = audio.lists.subsampling_conv_channels ?? [128, 32];
  const pair = channels.length === 2 && channels.every(c => typeof c === 'number' && Number.isInteger(c) && c >= 1 && c <= 1_000_000) ? ([channels[0], channels[1]] as [number, number]) : undefined;
  if (!pair) {
    problems.push({ severity: 'error', key: 'audio_config.subsampling_conv_channels', message: '`audio_config.subsampling_conv_channels` must be two whole numbers, the channels of its two subsampling convolutions ([128, 32]).' });
  }
  const tower: AudioTower = { kind: 'gemma4', hiddenSize: size('hidden_size'), numLayers: size('num_hidden_layers'), heads: size('num_attention_heads'), convChannels: pair ?? [1, 1], convKernel: size('conv_kernel_size'), outputDim: size('output_proj_dims') };
  return valid() && pair ? tower : undefined;
}

/** The tower a config object holds under `vision_config`, when it is one VRAM Lens counts. */
function visionConfigOf(obj: ConfigObject | undefined): VisionConfig | undefined {
  const implied = obj && impliedTower(obj);
  if (implied) {
    return implied;
  }
  const v = obj && entryOf(obj, 'vision_config')?.value;
  if (!obj || v?.kind !== 'object') {
    return undefined;
  }
  const type = entryOf(v, 'model_type')?.value;
  // Qwen2-VL's and Qwen2.5-VL's towers are known by the model that holds them (their vision_config names no tower).
  const holderType = entryOf(obj, 'model_type')?.value;
  const held = holderType?.kind === 'string' ? HELD_TOWERS[holderType.value] : undefined;
  const kind = held ?? (type?.kind === 'string' ? VISION_TOWERS[type.value] : undefined);
  if (!kind) {
    return undefined;
  }
  const values = scalarValues(v);
  const spans: Record<string, Span> = Object.create(null);
  const written = (e: ConfigEntry, key: string): void => {
    if (e.keySpan.end > e.keySpan.start) {
      spans[key] = { start: e.keySpan.start, end: e.value.span.end };
    }
  };
  for (const e of v.entries) {
    written(e, `vision_config.${e.key}`);
  }
  for (const key of [...PROJECTOR_KEYS, 'vision_feature_layer']) {
    const entry = entryOf(obj, key);
    const value = entry && scalar(entry.value);
    if (value !== undefined && value !== null && key !== 'vision_feature_layer') {
      values[key] = value;
    }
    if (entry) {
      written(entry, key);
    }
  }
  const holder = entryOf(obj, 'model_type')?.value;
  const pinpoints = gridPinpoints(obj);
  const featureLayers = entryOf(obj, 'vision_feature_layer')?.value;
  const merge = entryOf(v, 'merge_kernel_size')?.value;
  const pair = wholePair(merge);
  return {
    kind, values, lengths: listLengths(v.entries) ?? {}, ...(holder?.kind === 'string' ? { holderType: holder.value } : {}), ...(pinpoints ? { pinpoints } : {}),
    ...(featureLayers?.kind === 'array' ? { featureLayers: featureLayers.items.map(i => scalar(i) ?? null) } : {}),
    ...(merge && merge.kind !== 'null' ? { mergeKernel: pair ? { pair } : {} } : {}),
    spans,
  };
}

/** A list of two whole numbers from 1 to 64 (MoonViT's merge_kernel_size), else undefined. */
function wholePair(list: ConfigValue | undefined): [number, number] | undefined {
  const items = list?.kind === 'array' && list.items.length === 2 ? list.items.map(scalar) : [];
  return items.length === 2 && items.every(n => typeof n === 'number' && Number.isInteger(n) && n >= 1 && n <= 64) ? [items[0] as number, items[1] as number] : undefined;
}

/** A config's `image_grid_pinpoints` as [height, width] pairs of positive whole numbers; undefined unless all are. */
function gridPinpoints(obj: ConfigObject): [number, number][] | undefined {
  const list = entryOf(obj, 'image_grid_pinpoints')?.value;
  if (list?.kind !== 'array' || list.items.length === 0) {
    return undefined;
  }
  const pairs = list.items.map(item => (item.kind === 'array' && item.items.length === 2 ? item.items.map(scalar) : []));
  return pairs.every(p => p.length === 2 && p.every(n => typeof n === 'number' && Number.isInteger(n) && n > 0 && n <= 100_000))
    ? pairs.map(p => [p[0] as number, p[1] as number])
    : undefined;
}

export interface CatalogReference {
  readonly model: CatalogModel;
  /** The name as the file writes it (absent for torchtune builders and torchtitan flavors). */
  readonly name?: string;
  /** Set when the model comes from outside the catalog: a local folder, `vramLens.models`, the Hub. */
  readonly external?: boolean;
  /** How the name led to the entry, and what it says about the weights (absent for builders and flavors). */
  readonly match?: CatalogMatch;
  /** The framework builds the language model alone (torchtitan's flavors): the entry's vision tower is not there. */
  readonly textOnly?: boolean;
  readonly key: string;
  readonly keySpan: Span;
  readonly valueSpan: Span;
}

/** A vision tower VRAM Lens counts (CLIP's); other towers inside multimodal configs are left alone. */
function isKnownVisionTower(obj: ConfigObject): boolean {
  const type = entryOf(obj, 'model_type')?.value;
  return type?.kind === 'string' && type.value === 'clip_vision_model';
}


/** HF config files describe a checkpoint, not a run: their dtype keys are not training settings. */
function isCheckpointConfig(obj: ConfigObject): boolean {
  return ['architectures', 'transformers_version', 'torch_dtype'].some(key => entryOf(obj, key) !== undefined);
}

const NO_TRAINING: TrainingFromFile = { options: {}, sources: [] };

/** A name a file writes for a model that neither the catalog nor an external source resolves. */
export interface UnresolvedName {
  readonly name: string;
  /** The key or call that writes it (`base_model`, `AutoModelForCausalLM.from_pretrained(…)`). */
  readonly key: string;
  readonly keySpan: Span;
  readonly valueSpan: Span;
  /** Set when the value cannot be read at all (`args.model` without a default): why. */
  readonly unreadable?: string;
}

/** What a naming key resolves to: the model, or the name that resolves nowhere. */
type Naming = { readonly ref: CatalogReference } | { readonly unresolved: UnresolvedName };

/** A name resolved: first what the user or the disk supplies for exactly this name, then the catalog. */
function resolveName(name: string, external: ExternalModels | undefined): { model: CatalogModel; match?: CatalogMatch; external?: boolean } | undefined {
  const supplied = external?.get(name);
  if (supplied) {
    return { model: asCatalogModel(name, supplied), external: true };
  }
  const match = matchCatalogModel(name);
  return match && { model: match.model, match };
}

/** A reference to a model the user or the disk supplied for the name written at `entry`. */
function suppliedRef(written: string, supplied: ExternalModel, key: string, entry: ConfigEntry): Naming {
  return { ref: { model: asCatalogModel(written, supplied), external: true, name: written, key, keySpan: entry.keySpan, valueSpan: entry.value.span } };
}

/** A model named by a key (checkpoint_dir, base_model, model_name_or_path, init_from…). */
function keyNaming(obj: ConfigObject, external: ExternalModels | undefined): Naming | undefined {
  let unresolved: UnresolvedName | undefined;
  for (const key of MODEL_NAME_KEYS) {
    const e = entryOf(obj, key);
    if (e && e.value.kind === 'string') {
      const found = resolveName(e.value.value, external);
      if (found) {
        return { ref: { ...found, name: e.value.value, key, keySpan: e.keySpan, valueSpan: e.value.span } };
      }
      // An mlx-lm config's `model` is always its model: a Hub repo or a local folder ("mlx_model").
      const strong = key === 'model' && isMlxRecipe(obj);
      if (!unresolved && namesAModel(strong ? undefined : key, e.value.value) && !(key === 'init_from' && /^(scratch|resume)$/.test(e.value.value))) {
        unresolved = { name: e.value.value, key, keySpan: e.keySpan, valueSpan: e.value.span };
      }
    }
  }
  return unresolved && { unresolved };
}

/**
 * A torchtune model builder (`model._component_`). torchtune loads the weights from checkpointer.checkpoint_dir: that
 * folder's config.json, when read, is exact. A builder VRAM Lens does not know (a vision or mixture-of-experts model)
 * may be mapped by vramLens.models, else it is said, not skipped.
 */
function torchtuneNaming(obj: ConfigObject, model: ConfigObject, external: ExternalModels | undefined): Naming | undefined {
  const component = entryOf(model, MODEL_SECTION_KEYS.torchtuneBuilder);
  if (!component || component.value.kind !== 'string') {
    return undefined;
  }
  const builder = component.value.value;
  const checkpointer = entryOf(obj, 'checkpointer')?.value;
  const dir = checkpointer?.kind === 'object' ? entryOf(checkpointer, 'checkpoint_dir') : undefined;
  const folder = dir?.value.kind === 'string' ? dir.value.value : undefined;
  const local = folder !== undefined ? external?.get(folder) : undefined;
  if (dir && folder !== undefined && local) {
    return suppliedRef(folder, local, 'checkpointer.checkpoint_dir', dir);
  }
  const found = torchtuneModel(builder);
  if (found) {
    return { ref: { model: found, ...(folder !== undefined ? { name: folder } : {}), key: 'model._component_', keySpan: component.keySpan, valueSpan: component.value.span } };
  }
  const supplied = external?.get(builder);
  if (supplied) {
    return suppliedRef(builder, supplied, 'model._component_', component);
  }
  return /^torchtune\.models\.\w+\.\w+$/.test(builder)
    ? { unresolved: { name: builder, key: 'model._component_', keySpan: component.keySpan, valueSpan: component.value.span } }
    : undefined;
}

/** A torchtitan model (`[model] name = "llama3"`, `flavor = "8B"`); one VRAM Lens does not know (Llama 4, Flux) is said on the flavor. */
function torchtitanNaming(model: ConfigObject, external: ExternalModels | undefined): Naming | undefined {
  const name = entryOf(model, MODEL_SECTION_KEYS.torchtitanName);
  const flavor = entryOf(model, MODEL_SECTION_KEYS.torchtitanFlavor);
  if (name?.value.kind !== 'string' || flavor?.value.kind !== 'string') {
    return undefined;
  }
  const found = matchCatalogModel(`${name.value.value}-${flavor.value.value}`)?.model;
  if (found) {
    return { ref: { model: found, key: 'model.flavor', keySpan: flavor.keySpan, valueSpan: flavor.value.span, textOnly: true } };
  }
  const written = `${name.value.value} ${flavor.value.value}`;
  const supplied = external?.get(written);
  return supplied ? suppliedRef(written, supplied, 'model.flavor', flavor) : { unresolved: { name: written, key: 'model.flavor', keySpan: flavor.keySpan, valueSpan: flavor.value.span } };
}

/**
 * The model an object names, if it names one: by a key, a torchtune builder or a torchtitan flavor. A reference wins
 * over a name nothing resolves; the first name nothing resolves is reported.
 */
function naming(obj: ConfigObject, external: ExternalModels | undefined): Naming | undefined {
  const model = entryOf(obj, 'model')?.value;
  const sections = model?.kind === 'object' ? [torchtuneNaming(obj, model, external), torchtitanNaming(model, external)] : [];
  const all = [keyNaming(obj, external), ...sections].filter((n): n is Naming => n !== undefined);
  return all.find(n => 'ref' in n) ?? all[0];
}

/** A config object made of the catalog entry's values, all pointing at the key that names the model. */
function catalogObject(ref: CatalogReference, container: ConfigObject): ConfigObject {
  const { vision_config: vision, ...text } = ref.model.config;
  return catalogValues(ref.textOnly || vision === undefined ? text : ref.model.config, ref.valueSpan, container.span);
}

/**
 * A checkpoint's config as Megatron-Core builds the model when the run is its (a NeMo 2 recipe of it): the vocabulary padded
 * to a multiple of 128 × tensor parallelism, as NeMo pads it.
 */
function withMegatronVocabulary(entry: ConfigObject, run: TrainingFromFile['options']): ConfigObject {
  const vocab = entryOf(entry, 'vocab_size');
  if (!run.megatronCore || vocab?.value.kind !== 'number') {
    return entry;
  }
  const padded = megatronPaddedVocab(vocab.value.value, run.tensorParallel);
  const value: ConfigValue = { ...vocab.value, value: padded, raw: String(padded) };
  return { ...entry, entries: entry.entries.map(e => (e === vocab ? { ...e, value } : e)) };
}

/** Catalog values (an entry's config, or an object inside it such as its vision_config) as a config object. */
function catalogValues(values: CatalogModel['config'], span: Span, objectSpan: Span): ConfigObject {
  const entries: ConfigEntry[] = Object.entries(values).map(([key, v]) => ({
    key,
    keySpan: span,
    value:
      v === null ? { kind: 'null', span }
        : typeof v === 'number' ? { kind: 'number', value: v, raw: String(v), span }
          : typeof v === 'boolean' ? { kind: 'boolean', value: v, span }
            : Array.isArray(v) ? { kind: 'array', items: v.map(n => catalogItem(n, span)), span }
              : typeof v === 'object' ? catalogValues(v as CatalogModel['config'], span, span)
                : { kind: 'string', value: String(v), span },
  }));
  return { kind: 'object', entries, span: objectSpan };
}

/** One item of a catalog list as a config value (Nemotron-NAS's block_configs holds objects). */
function catalogItem(v: CatalogItem, span: Span): ConfigValue {
  return v === null ? { kind: 'null', span }
    : typeof v === 'number' ? { kind: 'number', value: v, raw: String(v), span }
      : typeof v === 'string' ? { kind: 'string', value: v, span }
        : typeof v === 'boolean' ? { kind: 'boolean', value: v, span }
          : Array.isArray(v) ? { kind: 'array', items: v.map(n => catalogItem(n, span)), span }
            : catalogValues(v as CatalogModel['config'], span, span);
}

/**
 * Where a catalog entry's language model is read, as a file of it would be: the entry itself, or, for a multimodal
 * entry written as its checkpoint's config.json (PaliGemma, Granite Vision, Kimi-VL), its text_config beside its tower.
 */
function catalogModelObject(entry: ConfigObject): { readonly obj: ConfigObject; readonly path: string; readonly parent?: ConfigObject } {
  if (isModelObject(entry)) {
    return { obj: entry, path: '' };
  }
  for (const key of TEXT_MODEL_KEYS) {
    const text = entryOf(entry, key)?.value;
    if (text?.kind === 'object') {
      return { obj: withClassDefaults(text, key).obj, path: key, parent: entry };
    }
  }
  return { obj: entry, path: '' };
}

/** A catalog pipeline's components as the host would read them beside its model_index.json. */
function catalogComponents(model: CatalogModel, span: Span): AttachedConfigs | undefined {
  const components = model.components;
  return components && new Map(Object.entries(components).map(([key, config]) => [componentConfigPath(key), catalogValues(config, span, span)]));
}

export interface ScalarEntry {
  readonly value: RawValue | null;
  readonly keySpan: Span;
  readonly valueSpan: Span;
  /** Why the value written there could not be read, when it could not (see ConfigValue's `unreadable`). */
  readonly unreadable?: string;
  /** A number written as a float (`4096.0`, `4.096e3`): Python reads a float, which no layer size can be. */
  readonly floatText?: string;
}

/** Why a value could not be read, if it could not. */
function unreadableOf(v: ConfigValue): string | undefined {
  return v.kind === 'null' ? v.unreadable : undefined;
}

export interface ResolvedSpec {
  readonly spec: ModelSpec | undefined;
  readonly problems: readonly SpecProblem[];
}

const MAX_DEPTH = 64;
const MAX_NODES = 200_000;

/**
 * The object with what its config class fills in for the keys it leaves out (CONFIG_CLASS_DEFAULTS), each added entry
 * at an empty span where its `model_type` starts; with the keys filled, for the report to say. The object itself when nothing is missing.
 */
function withClassDefaults(obj: ConfigObject, path: string): { readonly obj: ConfigObject; readonly filled?: ClassDefaults } {
  const type = entryOf(obj, 'model_type');
  const defaults = type?.value.kind === 'string' ? CONFIG_CLASS_DEFAULTS[type.value.value] : undefined;
  if (!type || !defaults || (defaults.checkpointsOnly && !TEXT_MODEL_PATH.test(path) && !isCheckpointConfig(obj))) {
    return { obj };
  }
  const added: ConfigEntry[] = [];
  for (const [key, value] of Object.entries(defaults.values)) {
    if (!entryOf(obj, key)) {
      // Empty spans at model_type: read as the config's values, never hovered or edited as keys of the file.
      const span = { start: type.keySpan.start, end: type.keySpan.start };
      added.push({ key, keySpan: span, value: typeof value === 'boolean' ? { kind: 'boolean', value, span } : { kind: 'number', value, raw: String(value), span } });
    }
  }
  if (added.length === 0) {
    return { obj };
  }
  return { obj: { ...obj, entries: [...obj.entries, ...added] }, filled: { configClass: defaults.configClass, keys: added.map(e => `${e.key} ${shownDefault(e.value)}`) } };
}

function shownDefault(v: ConfigValue): string {
  return v.kind === 'number' ? v.value.toLocaleString('en-US') : v.kind === 'boolean' ? String(v.value) : '';
}

/** The keys a config class filled in for a config that leaves them out. */
export interface ClassDefaults {
  readonly configClass: string;
  readonly keys: readonly string[];
}

/** diffusers' classes whose config.json VRAM Lens counts. */
const DIFFUSERS_MODELS: ReadonlySet<string> = new Set([...DIT_CLASSES, UNET_CLASS, VAE_CLASS, MMDIT_CLASS, PIXART_CLASS, SANA_CLASS]);

/** PixArt-α's first configs: diffusers' generic Transformer2DModel with PixArt's AdaLN-single and a patch size. */
function isLegacyPixart(obj: ConfigObject): boolean {
  const norm = entryOf(obj, 'norm_type')?.value;
  const patch = entryOf(obj, 'patch_size')?.value;
  return norm?.kind === 'string' && norm.value === 'ada_norm_single' && patch?.kind === 'number';
}

/** Whether a diffusers `_class_name` is one VRAM Lens counts in this object: a model class or a pipeline. */
function countsDiffusersClass(obj: ConfigObject, className: string): boolean {
  return DIFFUSERS_MODELS.has(className) || pipelineEntries(obj, className) !== undefined || (className === LEGACY_PIXART_CLASS && isLegacyPixart(obj));
}

/**
 * A diffusers model config VRAM Lens does not count (UNet2DModel, UNet3DConditionModel, a video transformer): its
 * `_class_name` entry, so the file can say why it has no number.
 */
export function uncountedDiffusersModel(root: ConfigValue | undefined): ConfigEntry | undefined {
  if (root?.kind !== 'object' || !entryOf(root, '_diffusers_version')) {
    return undefined;
  }
  const entry = entryOf(root, DIFFUSERS_CLASS_KEY);
  return entry?.value.kind === 'string' && !countsDiffusersClass(root, entry.value.value) ? entry : undefined;
}

function isModelObject(obj: ConfigObject): boolean {
  const className = entryOf(obj, DIFFUSERS_CLASS_KEY)?.value;
  if (className?.kind === 'string' && countsDiffusersClass(obj, className.value)) {
    return true;
  }
  let hidden = false;
  let layers = false;
  let other = false;
  for (const e of obj.entries) {
    const f = FIELD_BY_KEY.get(e.key);
    if (f === 'hiddenSize') {
      hidden = true;
    } else if (f === 'numLayers') {
      layers = true;
    } else if (f === 'numHeads' || f === 'vocabSize') {
      other = true;
    }
  }
  // LitGPT's config entries leave n_embd and n_head to the Config class defaults; hf_config marks them.
  const litgptEntry = layers && entryOf(obj, LITGPT_ENTRY_KEY)?.value.kind === 'object';
  return (hidden && layers && other) || litgptEntry;
}

function scalar(v: ConfigValue): RawValue | null | undefined {
  switch (v.kind) {
    case 'number':
    case 'string':
    case 'boolean':
      return v.value;
    case 'null':
      return null;
    default:
      return undefined;
  }
}

function configName(obj: ConfigObject, raw: Partial<Record<SpecField, RawValue>>, path: string): string {
  for (const key of ['_name_or_path', 'name', 'model_name']) {
    const e = entryOf(obj, key);
    if (e && e.value.kind === 'string' && e.value.value.trim() !== '') {
      return e.value.value;
    }
  }
  const arch = architectureOf(obj);
  if (arch) {
    return arch;
  }
  if (typeof raw.modelType === 'string') {
    return raw.modelType;
  }
  return path || 'model';
}

function architectureOf(obj: ConfigObject): string | undefined {
  const e = entryOf(obj, 'architectures');
  if (e && e.value.kind === 'array' && e.value.items[0]?.kind === 'string') {
    return e.value.items[0].value;
  }
  return undefined;
}

function readConfig(obj: ConfigObject, path: string, parent?: ConfigObject): Omit<FoundConfig, 'training'> {
  const keys: RecognisedKey[] = [];
  const raw: Partial<Record<SpecField, RawValue>> = {};
  const seen = new Set<SpecField>();
  // The first alias in KEY_ALIASES order wins when a file has several (GPT-2 has both n_positions and n_ctx).
  const byPriority = obj.entries
    .map(e => ({ e, field: FIELD_BY_KEY.get(e.key) }))
    .filter((x): x is { e: ConfigEntry; field: SpecField } => x.field !== undefined)
    .sort((a, b) => KEY_ALIASES[a.field].indexOf(a.e.key) - KEY_ALIASES[b.field].indexOf(b.e.key));
  for (const { e, field } of byPriority) {
    const value = scalar(e.value);
    if (value === undefined) {
      continue;
    }
    // A value its config class fills in (an empty key span) is read, but is no key of the file to hover or edit.
    if (e.keySpan.end > e.keySpan.start) {
      keys.push({ field, key: e.key, keySpan: e.keySpan, valueSpan: e.value.span, value });
    }
    if (!seen.has(field) && value !== null) {
      seen.add(field);
      raw[field] = e.key === 'multi_query' ? (value === true ? 1 : value) : value;
      if (e.key === 'multi_query' && value === false) {
        delete raw[field];
        seen.delete(field);
      }
    }
  }
  keys.sort((a, b) => a.keySpan.start - b.keySpan.start);
  const scalars: Record<string, ScalarEntry> = Object.create(null);
  const sectioned = sectionedEntries(obj);
  for (const e of [...obj.entries, ...sectioned]) {
    const v = scalar(e.value);
    if (v !== undefined && !(e.key in scalars)) {
      const unreadable = unreadableOf(e.value);
      const float = floatText(e.value);
      scalars[e.key] = { value: v, keySpan: e.keySpan, valueSpan: e.value.span, ...(unreadable ? { unreadable } : {}), ...(float ? { floatText: float } : {}) };
    } else if (e.key === LITGPT_ENTRY_KEY && e.value.kind === 'object') {
      scalars[e.key] = { value: 'object', keySpan: e.keySpan, valueSpan: e.value.span };
    }
  }
  // Each layer's kind: `layer_types`, or Zamba's `layers_block_type`.
  const types = (entryOf(obj, 'layer_types') ?? entryOf(obj, 'layers_block_type'))?.value;
  const layerTypes =
    types?.kind === 'array' && types.items.every(i => i.kind === 'string')
      ? types.items.map(i => (i.kind === 'string' ? i.value : ''))
      : undefined;
  const blockConfigs = blockConfigsOf(obj);
  // A multimodal checkpoint's tower: inside the config (a catalog entry), or beside its text_config.
  const vision = visionConfigOf(obj) ?? (TEXT_MODEL_PATH.test(path) ? visionConfigOf(parent) : undefined);
  const uncounted = vision ? undefined : (uncountedTower(obj) ?? (TEXT_MODEL_PATH.test(path) && parent ? uncountedTower(parent) : undefined));
  const audio = audioConfigOf(obj) ?? (TEXT_MODEL_PATH.test(path) ? audioConfigOf(parent) : undefined);
  const lengths = listLengths([...obj.entries, ...sectioned]);
  const lists = scalarLists([...obj.entries, ...sectioned]);
  return {
    name: configName(obj, raw, path), span: obj.span, keys, raw, architecture: architectureOf(obj) ?? (parent && architectureOf(parent)), scalars, layerTypes,
    ...(vision ? { vision } : {}),
    ...(uncounted ? { uncountedTower: uncounted } : {}),
    ...(audio ? { audio } : {}),
    ...(lengths ? { lengths } : {}),
    ...(lists ? { lists } : {}),
    ...(blockConfigs ? { blockConfigs } : {}),
  };
}

/**
 * Nemotron-NAS's `block_configs`: per layer, the plain values of its `attention` and `ffn` objects under dotted names;
 * undefined unless the config lists objects there.
 */
function blockConfigsOf(obj: ConfigObject): Record<string, RawValue | null>[] | undefined {
  const list = entryOf(obj, 'block_configs')?.value;
  if (list?.kind !== 'array' || list.items.length === 0 || !list.items.every(i => i.kind === 'object')) {
    return undefined;
  }
  return list.items.map(item => {
    const values: Record<string, RawValue | null> = {};
    for (const part of item.kind === 'object' ? item.entries : []) {
      if (part.value.kind === 'object') {
        for (const [key, value] of Object.entries(scalarValues(part.value))) {
          values[`${part.key}.${key}`] = value;
        }
      }
    }
    return values;
  });
}

/** An object that holds a model config: written out, or named by a key (with the catalog entry it names). */
interface Candidate {
  readonly obj: ConfigObject;
  readonly path: string;
  /** The object holding it (a multimodal config around its text_config). */
  readonly parent?: ConfigObject;
  /** Keys its config class filled in. */
  readonly filled?: ClassDefaults;
  readonly ref?: CatalogReference;
  /** Set for a Python script's run: where each of its keys comes from. */
  readonly origins?: ScriptRun['origins'];
  /** The object its run is read from, where that is more than the model's own (NeMo's model with its trainer). */
  readonly run?: ConfigObject;
  /** The name its file gives the run, where the model section has none of its own (NeMo's run.name). */
  readonly runName?: string;
  /** Where the config starts when that is its key, not its first entry (NeMo's `model:` line). */
  readonly start?: number;
}

/**
 * Every object that holds a model config: each one with a hidden size, a layer count, and heads or a vocabulary, or
 * one that names a catalog model. Objects inside a recognised config are not searched again. Bounded in depth and
 * size; found in document order.
 */
function findCandidates(root: ConfigValue, unresolved: UnresolvedName[], external?: ExternalModels, script?: ConfigDocument['calls']): Candidate[] {
  const rootIsScript = script !== undefined;
  // The arguments of a script's calls are read as its run (scriptRun), not as configs of their own.
  const callArguments = new Set((script ?? []).map(c => c.span.start));
  const found: Candidate[] = [];
  let visited = 0;
  const stack: { v: ConfigValue; depth: number; path: string; parent?: ConfigObject }[] = [{ v: root, depth: 0, path: '' }];
  while (stack.length > 0 && visited < MAX_NODES) {
    const { v, depth, path, parent } = stack.pop()!;
    visited++;
    if (depth > MAX_DEPTH) {
      continue;
    }
    if (v.kind === 'object' && v.call !== undefined && callArguments.has(v.span.start)) {
      continue;
    }
    if (v.kind === 'object') {
      const { obj: full, filled } = withClassDefaults(v, path);
      // A tower beside a text_config is part of that model (counted with it), not a model of its own.
      const tower = /(^|\.)(vision|audio|speech)_config$/.test(path);
      const besideText = parent !== undefined && TEXT_MODEL_KEYS.some(key => entryOf(parent, key)?.value.kind === 'object');
      if (isModelObject(full) && !(tower && (besideText || !isKnownVisionTower(full)))) {
        // NeMo's model section, read as NeMo reads it beside its trainer (in the file, or in a launch laid over the
        // file): interpolations resolved, trained as its trainer says.
        const nemo = parent && isNemoGpt(full) ? resolvedNemoModel(full, parent) : undefined;
        const runName = nemo && parent ? nemoRunName(parent) : undefined;
        // In its own file the lens sits on the `model:` line; in a launch, on the launch.
        const key = nemo && parent === root ? parent.entries.find(e => e.value === v) : undefined;
        const run = nemo && parent ? { run: nemoRun(nemo, parent), ...(runName ? { runName } : {}), ...(key ? { start: key.keySpan.start } : {}) } : {};
        found.push({ obj: nemo ?? full, path, ...(parent ? { parent } : {}), ...(filled ? { filled } : {}), ...run });
        continue;
      }
      // A script's module-level names (`model_id = "…"`) are read through its calls instead.
      const named = rootIsScript && v === root ? undefined : naming(v, external);
      if (named && 'ref' in named) {
        found.push({ obj: v, path, ref: named.ref });
        continue;
      }
      if (named) {
        unresolved.push(named.unresolved);
      }
      for (let i = v.entries.length - 1; i >= 0; i--) {
        const e = v.entries[i];
        if (e.value.kind === 'object' || e.value.kind === 'array') {
          stack.push({ v: e.value, depth: depth + 1, path: path ? `${path}.${e.key}` : e.key, parent: v });
        }
      }
    } else if (v.kind === 'array') {
      for (let i = v.items.length - 1; i >= 0; i--) {
        const item = v.items[i];
        if (item.kind === 'object' || item.kind === 'array') {
          stack.push({ v: item, depth: depth + 1, path: `${path}[${i}]` });
        }
      }
    }
  }
  return found.sort((a, b) => a.obj.span.start - b.obj.span.start);
}

function readCandidate({ obj, path, parent, filled, ref, origins, run, runName, start }: Candidate, attached?: AttachedConfigs): FoundConfig {
  const named = attached && ((name: string) => attached.get(name));
  if (ref) {
    const ownTraining = readTrainingSettings(obj, named);
    const whole = catalogObject(ref, obj);
    const model = catalogModelObject(whole);
    const entry = withMegatronVocabulary(model.obj, ownTraining.options);
    const read = readConfig(entry, model.path || path, model.parent);
    const shipped = readQuantizationConfig(whole);
    const training = withShipped(withNamedWeights(ownTraining, ref), shipped, ref.key, { keySpan: ref.keySpan, valueSpan: ref.valueSpan });
    const catalog = origins ? { ...ref, key: origins.get(ref.key) ?? ref.key } : ref;
    const components = catalogComponents(ref.model, ref.valueSpan);
    const pipeline = components && readPipeline(whole, components);
    const serving = readServing(obj);
    return { ...read, name: ref.model.id, keys: [], catalog, training: origins ? withOrigins(training, origins) : training, ...(pipeline ? { pipeline } : {}), ...(serving ? { serving } : {}) };
  }
  const pipeline = readPipeline(obj, attached);
  if (pipeline) {
    return { ...readConfig(obj, path, parent), pipeline, training: { ...NO_TRAINING, names: pipeline.components.filter(c => holdsWeights(c.entry)).map(c => componentConfigPath(c.entry.key)) } };
  }
  const checkpoint = isCheckpointConfig(obj) || (parent !== undefined && isCheckpointConfig(parent));
  const serving = readServing(obj);
  return {
    ...(serving ? { serving } : {}),
    ...readConfig(obj, path, parent),
    ...(runName ? { name: runName } : {}),
    ...(start !== undefined ? { span: { start, end: obj.span.end } } : {}),
    training: checkpoint ? checkpointTraining(obj, parent) : readTrainingSettings(run ?? obj, named),
    ...(filled ? { classDefaults: filled } : {}),
  };
}

/** A model_index.json's components, each with the config.json the host read beside it. */
function readPipeline(obj: ConfigObject, attached?: AttachedConfigs): FoundConfig['pipeline'] {
  const className = entryOf(obj, DIFFUSERS_CLASS_KEY)?.value;
  const entries = className?.kind === 'string' ? pipelineEntries(obj, className.value) : undefined;
  if (!entries || className?.kind !== 'string') {
    return undefined;
  }
  const components = entries.map(entry => {
    const found = holdsWeights(entry) ? attached?.get(componentConfigPath(entry.key)) : undefined;
    if (found && entry.className === SAFETY_CHECKER) {
      // A CLIPConfig: the checker runs its vision tower alone.
      const tower = entryOf(found, 'vision_config')?.value;
      const projection = entryOf(found, 'projection_dim')?.value;
      return {
        entry,
        ...(tower?.kind === 'object' ? { config: readCandidate({ obj: tower, path: `${entry.key}.vision_config` }) } : {}),
        projection: projection?.kind === 'number' ? projection.value : CLIP_PROJECTION_DEFAULT,
      };
    }
    return { entry, ...(found ? { config: readCandidate({ obj: found, path: entry.key }) } : {}) };
  });
  return { className: className.value, components };
}

/**
 * A checkpoint's config.json states no run, but its quantization_config (of the config, or of the multimodal config
 * around its text_config) says how the weights ship.
 */
function checkpointTraining(obj: ConfigObject, parent?: ConfigObject): TrainingFromFile {
  const reading = readQuantizationConfig(obj) ?? (parent && readQuantizationConfig(parent));
  return withShipped(NO_TRAINING, reading, 'quantization_config');
}

/**
 * A run with the weights as the checkpoint ships them (its quantization_config), where the file chose no quantization
 * of its own; what cannot be read is a warning at `key`, and the weights stay in the stored dtype.
 */
function withShipped(training: TrainingFromFile, reading: QuantizationReading | undefined, key: string, at?: { readonly keySpan: Span; readonly valueSpan: Span }): TrainingFromFile {
  if (!reading) {
    return training;
  }
  const spans = at ?? { keySpan: reading.entry.keySpan, valueSpan: reading.entry.value.span };
  if ('unread' in reading) {
    const message = `The checkpoint's quantization_config (${reading.unread}) is not one VRAM Lens reads: its weights are counted in the stored dtype, which overstates them.`;
    return { ...training, warnings: [...(training.warnings ?? []), { message, ...spans }] };
  }
  if (training.options.quantization !== undefined || training.dequantized) {
    return training;
  }
  const { quantization, groupSize, visionUnquantized } = reading.shipped;
  const source = { setting: 'quantization (as the checkpoint ships it)', option: 'quantization' as const, key, ...spans, derived: true as const };
  const options = { ...training.options, quantization, ...(groupSize !== undefined ? { quantGroupSize: groupSize } : {}), ...(visionUnquantized ? { quantizeVision: false } : {}) };
  return { ...training, options, sources: [...training.sources, source] };
}

/** A script's settings named by the arguments they come from (`TrainingArguments(per_device_train_batch_size)`). */
function withOrigins(training: TrainingFromFile, origins: ScriptRun['origins']): TrainingFromFile {
  return { ...training, sources: training.sources.map(s => ({ ...s, key: origins.get(s.key) ?? s.key })) };
}

/** What the model's name says of its weights (`-bnb-4bit`, `-AWQ`, `-FP8`), where the file itself says nothing. */
function withNamedWeights(training: TrainingFromFile, ref: CatalogReference): TrainingFromFile {
  const named: { quantization?: Quantization; precision?: Precision } = {};
  if (ref.match?.quantization && training.options.quantization === undefined) {
    named.quantization = ref.match.quantization;
  }
  // A checkpoint published quantized (gpt-oss's MXFP4 experts) is loaded so, unless the file dequantizes it.
  if (ref.model.weights && training.options.quantization === undefined && !training.dequantized) {
    named.quantization ??= ref.model.weights;
  }
  if (ref.match?.fp8 && training.options.precision === undefined && training.options.quantization === undefined) {
    named.precision = 'fp8';
  }
  const options = Object.keys(named) as (keyof typeof named)[];
  if (options.length === 0) {
    return training;
  }
  const from = (option: string) => (option === 'quantization' && !ref.match?.quantization ? 'as the checkpoint is published' : 'from the model name');
  const sources = options.map(option => ({ setting: `${option} (${from(option)})`, option, key: ref.key, keySpan: ref.keySpan, valueSpan: ref.valueSpan, derived: true as const }));
  return { ...training, options: { ...training.options, ...named }, sources: [...training.sources, ...sources] };
}

/** The model configs of a file, the first `limit` of them read; how many more there are, and where the first is. */
export interface FoundConfigs {
  readonly configs: FoundConfig[];
  readonly more: { readonly count: number; readonly span: Span } | undefined;
  /** Names of models the file writes that nothing resolves, in document order. */
  readonly unresolved: readonly UnresolvedName[];
}

/** A script's run as a candidate, or the name it loads when nothing resolves it. */
function scriptCandidate(calls: ConfigDocument['calls'], external: ExternalModels | undefined, unresolved: UnresolvedName[]): Candidate | undefined {
  const run = scriptRun(calls);
  if (!run) {
    return undefined;
  }
  const named = naming(run.obj, external);
  if (named && 'ref' in named) {
    return { obj: run.obj, path: '', origins: run.origins, ref: named.ref };
  }
  const name = run.obj.entries[0];
  const key = run.origins.get(name.key) ?? name.key;
  // A script's loader argument is a model only when it reads as one (a Hub id or a path): nanoGPT's
  // `GPT.from_pretrained(init_from)` with `init_from = 'scratch'` names none.
  if (name.value.kind === 'string' && namesAModel('model', name.value.value)) {
    unresolved.push({ name: name.value.value, key, keySpan: name.keySpan, valueSpan: name.value.span });
  } else if (name.value.kind === 'null' && name.value.unreadable) {
    unresolved.push({ name: '', key, keySpan: name.keySpan, valueSpan: name.value.span, unreadable: name.value.unreadable });
  }
  return undefined;
}

/** Reads the first `limit` model configs of a file (in document order) and counts the rest without reading them. */
export function locateModelConfigs(
  root: ConfigValue | undefined, limit: number, calls?: ConfigDocument['calls'], external?: ExternalModels, attached?: AttachedConfigs,
): FoundConfigs {
  const unresolved: UnresolvedName[] = [];
  const script = scriptCandidate(calls, external, unresolved);
  const isScript = script !== undefined || unresolved.length > 0;
  const expanded = root && attached ? withLaunchedRecipes(root, attached) : root;
  const found = expanded ? findCandidates(expanded, unresolved, external, isScript ? calls : undefined) : [];
  const candidates = [...(script ? [script] : []), ...found].sort((a, b) => a.obj.span.start - b.obj.span.start);
  const configs = candidates.slice(0, limit).map(c => readCandidate(c, attached));
  const rest = candidates.length - configs.length;
  return { configs, more: rest > 0 ? { count: rest, span: candidates[limit].obj.span } : undefined, unresolved: unresolved.sort((a, b) => a.valueSpan.start - b.valueSpan.start) };
}

/** A file a launch names: its path as written, and where. */
export interface NamedFile {
  readonly path: string;
  readonly span: Span;
}

/**
 * A launch of a launch script (`tune run`, `torchrun … torchtitan`, a training script under `accelerate launch`,
 * `deepspeed` or `torchrun`): its entry, the recipe file or script it names, and the other files its run reads
 * (accelerate's config file, a DeepSpeed config the command line names).
 */
export interface Launch {
  readonly entry: ConfigEntry & { readonly value: ConfigObject };
  readonly recipe: NamedFile;
  readonly others: readonly NamedFile[];
}

/** A string entry of a launch, as a named file. */
function namedFile(launch: ConfigObject, key: string): NamedFile | undefined {
  const v = entryOf(launch, key)?.value;
  return v?.kind === 'string' && v.value !== '' ? { path: v.value, span: v.span } : undefined;
}

/** The launches a launch script's tree holds, each with the files it names. */
export function launchesIn(root: ConfigValue | undefined): Launch[] {
  if (root?.kind !== 'object') {
    return [];
  }
  return root.entries.flatMap(e => {
    const recipe = e.value.kind === 'object' ? namedFile(e.value, LAUNCH_KEYS.recipe) : undefined;
    if (e.value.kind !== 'object' || !recipe) {
      return [];
    }
    const others = [namedFile(e.value, LAUNCH_KEYS.accelerateConfig), namedFile(e.value, 'deepspeed')].filter((f): f is NamedFile => f !== undefined && /\.(json|ya?ml)$/i.test(f.path));
    return [{ entry: { ...e, value: e.value }, recipe, others }];
  });
}

/**
 * A launch script's tree with each launch laid over the recipe it names, where the host read it: the recipe's values
 * placed at the launcher's word (a hover there names the model; the lens and problems sit on the command), the
 * command line's own values over them, each at its word.
 */
function withLaunchedRecipes(root: ConfigValue, attached: AttachedConfigs): ConfigValue {
  const launches = launchesIn(root);
  if (root.kind !== 'object' || launches.length === 0) {
    return root;
  }
  const own = new Set<string>([LAUNCH_KEYS.recipe, LAUNCH_KEYS.accelerateConfig, LAUNCH_KEYS.accelerate]);
  const laid = new Map(launches.flatMap(({ entry, recipe }) => {
    const read = attached.get(recipe.path);
    const overrides: ConfigObject = { ...entry.value, entries: entry.value.entries.filter(x => !own.has(x.key)) };
    // accelerate's settings lie under the script's own (which its Trainer applies), the command line over both.
    const accelerate = acceleratedSettings(entry.value, attached);
    return read ? [[entry.key, overlay(overlay(accelerate, placedAt(read, entry.keySpan) as ConfigObject), overrides)] as const] : [];
  }));
  return { ...root, entries: root.entries.map(e => (laid.has(e.key) ? { ...e, value: laid.get(e.key)! } : e)) };
}

/** A launch's accelerate settings (its config file's, the host having read it, and its flags) as run keys. */
function acceleratedSettings(launch: ConfigObject, attached: AttachedConfigs): ConfigObject {
  const named = namedFile(launch, LAUNCH_KEYS.accelerateConfig);
  const read = named ? attached.get(named.path) : undefined;
  const file = read && named ? (placedAt(read, named.span) as ConfigObject) : undefined;
  const flags = entryOf(launch, LAUNCH_KEYS.accelerate)?.value;
  const span = named?.span ?? launch.span;
  return { kind: 'object', entries: accelerateRun(file, flags?.kind === 'object' ? flags : undefined, span), span };
}

/** A value with every span moved to `span` (a recipe read from another file, shown where the launch is written). */
function placedAt(v: ConfigValue, span: Span): ConfigValue {
  switch (v.kind) {
    case 'object':
      return { ...v, span, entries: v.entries.map(e => ({ key: e.key, keySpan: span, value: placedAt(e.value, span) })) };
    case 'array':
      return { ...v, span, items: v.items.map(i => placedAt(i, span)) };
    default:
      return { ...v, span };
  }
}

/** `over`'s entries laid over `base`'s: objects merged key by key, anything else replaced. */
function overlay(base: ConfigObject, over: ConfigObject): ConfigObject {
  const entries = [...base.entries];
  for (const o of over.entries) {
    const at = entries.findIndex(e => e.key === o.key);
    if (at < 0) {
      entries.push(o);
    } else {
      const b = entries[at].value;
      entries[at] = b.kind === 'object' && o.value.kind === 'object' ? { ...o, value: overlay(b, o.value) } : o;
    }
  }
  return { ...base, entries, span: over.span };
}

/** Every model config in a file, in document order. */
export function findModelConfigs(root: ConfigValue | undefined): FoundConfig[] {
  return locateModelConfigs(root, Number.POSITIVE_INFINITY).configs;
}

/** A model named on its own (a catalog id, or a name that resolves to one), as a config: undefined for a name the catalog lacks. */
export function configOfModelName(name: string): FoundConfig | undefined {
  const nowhere = { start: 0, end: 0 };
  return findModelConfigs({ kind: 'object', entries: [{ key: 'base_model', keySpan: nowhere, value: { kind: 'string', value: name, span: nowhere } }], span: nowhere })[0];
}

function keyName(config: FoundConfig, field: SpecField): string {
  return config.keys.find(k => k.field === field)?.key ?? KEY_ALIASES[field][0];
}

function unreadableProblem(key: string, why: string, field?: SpecField): SpecProblem {
  return { severity: 'error', field, key, message: `\`${key}\` cannot be read: ${why}. VRAM Lens gives no estimate without it.` };
}

/** Python reads any non-empty string as true, "false" included: whichever the writer meant, no guess is safe. */
function notBooleanProblem(key: string, v: string): SpecProblem {
  return { severity: 'error', key, message: `\`${key}\` should be true or false, not ${JSON.stringify(v)} (Python takes ${JSON.stringify(v)} as ${v === '' ? 'false' : 'true'}).` };
}

function floatProblem(key: string, text: string, field?: SpecField): SpecProblem {
  return { severity: 'error', field, key, message: `\`${key}\` should be a whole number, not ${text}: Python reads a float there, and transformers cannot build a layer of that size.` };
}

/**
 * A hidden size the heads do not divide, on the key that most likely holds the typo: a round width (a multiple of 64)
 * points at the heads, another width at itself; with the one-keystroke change that gives heads of a usual width.
 */
function indivisibleHeadsProblem(config: FoundConfig, hidden: number, heads: number): SpecProblem {
  const hiddenWritten = config.raw.hiddenSize !== undefined;
  const onHeads = config.raw.numHeads !== undefined && (!hiddenWritten || hidden % 64 === 0);
  const meant = onHeads ? typoCandidates(heads, n => hidden / n) : hiddenWritten ? typoCandidates(hidden, n => n / heads) : [];
  const hint = meant.length === 0 ? '.' : `: did you mean ${meant.join(' or ')}${onHeads ? ' heads' : ''}?`;
  return {
    severity: 'error',
    field: onHeads ? 'numHeads' : 'hiddenSize',
    message: `\`${keyName(config, 'hiddenSize')}\` (${hidden}) is not divisible by \`${keyName(config, 'numHeads')}\` (${heads}), and no \`head_dim\` is given${hint}`,
  };
}

/** The shape values checked together once they are resolved. */
interface Grouping {
  readonly hiddenSize: number;
  readonly numLayers: number;
  readonly numHeads: number;
  readonly numKvHeads: number;
  readonly vocabSize: number;
  readonly intermediateRaw: number | undefined;
  readonly moe: ModelSpec['moe'];
}

/**
 * Values checked together: key/value heads must divide the heads (transformers' repeat_kv groups the query heads over
 * them), a token cannot go to more experts than there are (errors); a value far outside its family is a warning.
 */
function groupingProblems(config: FoundConfig, g: Grouping, modelType: string | undefined, familyName: string): SpecProblem[] {
  const out: SpecProblem[] = [];
  if (g.numKvHeads > g.numHeads || g.numHeads % g.numKvHeads !== 0) {
    out.push({
      severity: 'error',
      field: 'numKvHeads',
      message: `\`${keyName(config, 'numKvHeads')}\` (${g.numKvHeads}) must divide \`${keyName(config, 'numHeads')}\` (${g.numHeads}): each key/value head serves a whole group of query heads.`,
    });
  }
  if (g.moe && g.moe.expertsPerToken > g.moe.numExperts) {
    out.push({ severity: 'error', field: 'expertsPerToken', message: `Each token is routed to ${g.moe.expertsPerToken} experts, more than the ${g.moe.numExperts} there are.` });
  }
  if (out.length > 0) {
    return out;
  }
  const written = (field: SpecField, value: number) => (config.raw[field] === undefined ? undefined : value);
  const ranged: [SpecField, number | undefined][] = [
    ['numLayers', g.numLayers], ['hiddenSize', written('hiddenSize', g.hiddenSize)], ['numHeads', written('numHeads', g.numHeads)],
    ['intermediateSize', g.intermediateRaw], ['vocabSize', written('vocabSize', g.vocabSize)], ['numExperts', g.moe?.numExperts],
  ];
  for (const [field, value] of ranged) {
    const why = value === undefined ? undefined : implausible(field, value, modelType, familyName);
    if (why) {
      out.push({ severity: 'warning', field, message: `\`${keyName(config, field)}\` (${value!.toLocaleString('en-US')}) is ${why}` });
    }
  }
  return out;
}

/**
 * Turns the raw values of a config into a complete ModelSpec, filling what the file leaves out from the
 * family's defaults. Returns no spec (and says why) rather than a number built on a bad value.
 */
export function resolveSpec(config: FoundConfig): ResolvedSpec {
  let resolved = RESOLVED.get(config);
  if (!resolved) {
    resolved = resolveFound(config);
    RESOLVED.set(config, resolved);
  }
  return resolved;
}

/**
 * Each config's resolution, made once: a spec depends on the config alone, and a report's searches estimate one config
 * hundreds of times (a changed shape is a new config object). One spec object also lets its tensor inventory be built once.
 */
const RESOLVED = new WeakMap<FoundConfig, ResolvedSpec>();

function resolveFound(config: FoundConfig): ResolvedSpec {
  const unreadable = config.keys.filter(k => config.scalars[k.key]?.unreadable).map(k => unreadableProblem(k.key, config.scalars[k.key].unreadable!, k.field));
  if (unreadable.length > 0) {
    return { spec: undefined, problems: unreadable };
  }
  return resolveOwnArchitecture(config) ?? resolveTransformer(config);
}

/** Architectures with a resolver of their own: a diffusers pipeline, DiT / UNet / VAE / MMDiT / PixArt / Sana, Mamba, RWKV. */
function resolveOwnArchitecture(config: FoundConfig): ResolvedSpec | undefined {
  if (config.pipeline) {
    return resolvePipeline(config.pipeline);
  }
  const className = config.scalars[DIFFUSERS_CLASS_KEY]?.value;
  if (typeof className === 'string' && DIT_CLASSES.has(className)) {
    return resolveDit(config);
  }
  if (className === UNET_CLASS || className === VAE_CLASS) {
    return resolveConvNet(config, className);
  }
  if (className === MMDIT_CLASS) {
    return resolveSd3(config);
  }
  if (className === PIXART_CLASS || className === LEGACY_PIXART_CLASS || className === SANA_CLASS) {
    return resolveCrossDit(config, className === SANA_CLASS ? 'sana' : 'pixart');
  }
  // FalconMamba: Mamba's mixer, its B, C and time-step RMS norms without weights.
  if (config.scalars.model_type?.value === 'mamba' || config.scalars.model_type?.value === 'mamba2' || config.scalars.model_type?.value === 'falcon_mamba') {
    return resolveMamba(config);
  }
  const rwkv = rwkvVersion(config.scalars.model_type?.value);
  return rwkv === undefined ? undefined : resolveRwkv(config, rwkv);
}

/** Reads a config's values as the resolver needs them, recording each problem it meets. */
interface SpecReader {
  readonly config: FoundConfig;
  readonly problems: SpecProblem[];
  /** A whole number from 1 (0 with `allowZero`) to `limit`, else undefined and a problem on its key. */
  checkInteger(key: string, v: RawValue, limit: number, allowZero: boolean, field?: SpecField): number | undefined;
  /** A recognised field as a whole number; a required one that is missing is a problem. */
  integer(field: SpecField, required: boolean): number | undefined;
  /** Any scalar of the config by key (a "what if" override of a recognised key first). */
  scalar(key: string): RawValue | undefined;
  has(key: string): boolean;
}

function specReader(config: FoundConfig, problems: SpecProblem[]): SpecReader {
  const raw = config.raw;
  const checkInteger = (key: string, v: RawValue, limit: number, allowZero: boolean, field?: SpecField): number | undefined => {
    if (typeof v !== 'number') {
      problems.push({ severity: 'error', field, key, message: `\`${key}\` should be a whole number, not ${JSON.stringify(v)}.` });
      return undefined;
    }
    const min = allowZero ? 0 : 1;
    const inRange = Number.isFinite(v) && Number.isInteger(v) && v >= min && v <= limit;
    // The file's own value written as a float: a whole number to JavaScript, a float to Python (an override is not).
    const written = config.scalars[key];
    if (inRange && written?.floatText !== undefined && written.value === v) {
      problems.push(floatProblem(key, written.floatText, field));
      return undefined;
    }
    if (!inRange) {
      const shown = Number.isFinite(v) ? String(v) : 'a number too large to represent';
      problems.push({ severity: 'error', field, key, message: `\`${key}\` must be a whole number between ${min} and ${limit.toLocaleString('en-US')} (it is ${shown}).` });
      return undefined;
    }
    return v;
  };
  const integer = (field: SpecField, required: boolean): number | undefined => {
    const v = raw[field];
    const key = keyName(config, field);
    if (v !== undefined) {
      return checkInteger(key, v, INTEGER_LIMITS[field] ?? Number.MAX_SAFE_INTEGER, false, field);
    }
    if (required) {
      const fromTokenizer = field === 'vocabSize' && (raw.intermediateSize !== undefined || 'tokenizer' in config.scalars || 'seq_length' in config.scalars);
      problems.push({
        severity: 'error',
        field,
        message: fromTokenizer
          ? `\`${key}\` is missing: this config takes its vocabulary from the tokenizer, so add \`vocab_size\` (or \`padded_vocab_size\`) for an estimate.`
          : `\`${key}\` is missing, so the model's size is unknown.`,
      });
    }
    return undefined;
  };
  const scalar = (key: string): RawValue | undefined => {
    const field = FIELD_BY_KEY.get(key);
    if (field !== undefined && keyName(config, field) === key && raw[field] !== undefined) {
      return raw[field]; // a "what if" override of a recognised key
    }
    const entry = config.scalars[key];
    if (entry?.unreadable && !problems.some(p => p.key === key)) {
      problems.push(unreadableProblem(key, entry.unreadable)); // a key the family reads: no number without it
    }
    const v = entry?.value;
    return v === null ? undefined : v;
  };
  return { config, problems, checkInteger, integer, scalar, has: key => scalar(key) !== undefined };
}

/** What the keys say of a config's origin when `model_type` does not (nanoGPT, LitGPT, Meta's params.json, Megatron, NeMo…). */
function familyHints(read: SpecReader, modelType: string | undefined): Parameters<typeof familyFor>[1] {
  const { has, scalar } = read;
  return {
    classicNames: read.config.keys.some(k => CLASSIC_KEYS.has(k.key)) && modelType === undefined && !has('kv_lora_rank'),
    deepseekNative: modelType === undefined && (has('n_dense_layers') || has('moe_inter_dim') || has('kv_lora_rank')),
    encoderKeys: has('type_vocab_size'),
    nanoGpt: has('n_embd') && has('n_layer') && !has('architectures') && (has('block_size') || has('bias') || !has('vocab_size')),
    litgpt: has(LITGPT_ENTRY_KEY) || (has('n_embd') && (has('mlp_class_name') || has('norm_class_name') || has('n_query_groups') || has('padding_multiple') || has('padded_vocab_size'))),
    mistralNative: has('dim') && has('n_layers') && has('hidden_dim'),
    metaNative: has('dim') && has('n_layers') && (has('multiple_of') || has('ffn_dim_multiplier')),
    gptNeoxYaml: (has('hidden-size') && has('num-layers')) || has('vocab_file') || has('no_weight_tying') || has('no-weight-tying'),
    megatron: has(MEGATRON_SCRIPT_KEY) ? (scalar('position_embedding_type') === 'rope' ? ('rope' as const) : ('learned' as const)) : undefined,
    nemo: hasNemoGptKeys(has) ? ((scalar('position_embedding_type') ?? 'learned_absolute') === 'learned_absolute' ? ('learned' as const) : ('rope' as const)) : undefined,
  };
}

/**
 * Whether an estimate can rest on the family: an unknown model_type gets the generic decoder, approximately, unless its
 * keys describe a structure the generic block would get wrong; Marian with a decoder vocabulary of its own is refused.
 */
function familyAccepted(family: Family, modelType: string | undefined, read: SpecReader): boolean {
  const { problems, scalar } = read;
  if (family.generic) {
    const unmodelled = UNMODELLED_KEYS.filter(k => {
      const v = scalar(k);
      return v !== undefined && v !== 0 && v !== false;
    });
    if (unmodelled.length > 0) {
      problems.push({
        severity: 'error',
        key: unmodelled[0],
        message: `${modelType ? `\`model_type\` "${modelType}" is not a family VRAM Lens knows, and` : 'This config has no `model_type`, and'} its ${unmodelled.map(k => `\`${k}\``).join(', ')} describe a structure (experts, latent attention or state-space layers) that a generic estimate would get wrong.`,
      });
      return false;
    }
    // A model_type VRAM Lens does not know: its own block may differ from the one assumed, so the number is approximate.
    if (modelType !== undefined) {
      problems.push({
        severity: 'warning',
        field: 'modelType',
        message: `\`model_type\` "${modelType}" is not a family VRAM Lens knows: the estimate assumes ${family.name.replace(/^Generic decoder \((.*) assumed\)$/, 'a $1')} and is approximate.`,
      });
    }
  }
  // Marian's multilingual checkpoints with their own decoder vocabulary hold a second table and an untied head.
  if (modelType === 'marian' && scalar('share_encoder_decoder_embeddings') === false) {
    problems.push({ severity: 'error', key: 'share_encoder_decoder_embeddings', message: '`share_encoder_decoder_embeddings` is false: this Marian model has a decoder vocabulary of its own (`decoder_vocab_size`), which VRAM Lens does not count.' });
    return false;
  }
  return true;
}

/** The sizes a config states, each checked; the family's defaults fill width, heads and vocabulary where it has them. */
interface Dimensions {
  readonly hiddenSize: number;
  readonly numLayers: number;
  readonly numHeads: number;
  /** undefined: the tokenizer's, for Meta's params.json (`vocab_size: -1`) or the family's default. */
  readonly vocabSize: number | undefined;
  /** Meta's params.json writes vocab_size -1 where the tokenizer decides the vocabulary. */
  readonly fromTokenizer: boolean;
  readonly numKvHeads: number | undefined;
  readonly headDim: number | undefined;
  readonly intermediateSize: number | undefined;
  readonly maxPositions: number | undefined;
  readonly typeVocabSize: number | undefined;
  readonly numDecoderLayers: number | undefined;
  readonly relativeAttentionBuckets: number | undefined;
  readonly slidingWindow: number | undefined;
}

/** The config's sizes, or undefined (with the problems said) when one that every model has is missing or invalid. */
function readDimensions(family: Family, read: SpecReader): Dimensions | undefined {
  const { integer } = read;
  const raw = read.config.raw;
  const defaults = family.defaults ?? {};
  const hiddenSize = raw.hiddenSize === undefined && defaults.hiddenSize !== undefined ? defaults.hiddenSize : integer('hiddenSize', true);
  const numLayers = integer('numLayers', true);
  const numHeads = raw.numHeads === undefined && defaults.numHeads !== undefined ? defaults.numHeads : integer('numHeads', true);
  const fromTokenizer = family === META_NATIVE && raw.vocabSize === -1;
  const vocabSize = family.vocabulary === false || fromTokenizer ? (fromTokenizer ? undefined : 0) : integer('vocabSize', family.defaultVocabSize === undefined);
  const dims = {
    vocabSize,
    fromTokenizer,
    numKvHeads: integer('numKvHeads', false),
    headDim: integer('headDim', false),
    intermediateSize: integer('intermediateSize', false),
    maxPositions: integer('maxPositions', false),
    typeVocabSize: raw.typeVocabSize === 0 ? 0 : integer('typeVocabSize', false),
    numDecoderLayers: integer('numDecoderLayers', false),
    relativeAttentionBuckets: integer('relativeAttentionBuckets', false),
    slidingWindow: raw.slidingWindow === undefined ? undefined : integer('slidingWindow', false),
  };
  if (
    hiddenSize === undefined ||
    numLayers === undefined ||
    numHeads === undefined ||
    (vocabSize === undefined && family.defaultVocabSize === undefined && family.vocabulary !== false) ||
    read.problems.some(p => p.severity === 'error')
  ) {
    return undefined;
  }
  return { hiddenSize, numLayers, numHeads, ...dims };
}

/** What a family's refinement reads the config through: checked values, each problem recorded. */
function familyContext(read: SpecReader, dims: Dimensions): FamilyContext {
  const { config, problems, scalar } = read;
  return {
    hiddenSize: dims.hiddenSize,
    numLayers: dims.numLayers,
    numHeads: dims.numHeads,
    numKvHeads: dims.numKvHeads ?? dims.numHeads,
    intermediateSize: dims.intermediateSize,
    int: (key, options) => {
      const v = scalar(key);
      return v === undefined ? undefined : read.checkInteger(key, v, 100_000_000, options?.allowZero === true);
    },
    bool: key => {
      const v = scalar(key);
      if (typeof v === 'string') {
        problems.push(notBooleanProblem(key, v));
        return undefined;
      }
      // A number is a switch as Python reads it: 0 is off, anything else on.
      return typeof v === 'number' ? v !== 0 : v;
    },
    str: key => {
      const v = scalar(key);
      return typeof v === 'string' ? v : undefined;
    },
    layerIndex: key => {
      const v = scalar(key);
      if (v === undefined || v === null) {
        return undefined;
      }
      if (typeof v === 'number' && Number.isInteger(v) && v >= -1 && v <= 1_000_000) {
        return v;
      }
      problems.push({ severity: 'error', key, message: `\`${key}\` must be a layer index: a whole number from -1 (the last layer) up (it is ${JSON.stringify(v)}).` });
      return undefined;
    },
    real: key => {
      const v = scalar(key);
      if (v === undefined) {
        return undefined;
      }
      if (typeof v === 'number' && Number.isFinite(v) && v > 0) {
        return v;
      }
      problems.push({ severity: 'error', key, message: `\`${key}\` must be a positive number (it is ${JSON.stringify(v)}).` });
      return undefined;
    },
    has: read.has,
    isNull: key => key in config.scalars && config.scalars[key].value === null,
    length: key => config.lengths?.[key],
    numbers: (key, options) => {
      const list = config.lists?.[key];
      const least = options?.allowZero ? 0 : 1;
      return list && list.every((v): v is number => typeof v === 'number' && Number.isInteger(v) && v >= least && v <= 1_000_000) ? list : undefined;
    },
    architecture: config.architecture,
    layerTypes: config.layerTypes,
    blockConfigs: config.blockConfigs,
    fail: (message, key) => problems.push({ severity: 'error', key, message }),
  };
}

/** The vocabulary a config leaves to its tokenizer or its family, said as an assumption; else the one it states. */
function assumedVocabulary(family: Family, dims: Dimensions, ctx: FamilyContext, nemo: boolean, read: SpecReader): number | undefined {
  const { problems } = read;
  if (dims.fromTokenizer) {
    const vocabSize = META_NATIVE.defaultVocabSize as number;
    problems.push({ severity: 'warning', field: 'vocabSize', message: `\`vocab_size\` is -1: Meta's code takes the vocabulary from the tokenizer, and Llama 1/2's SentencePiece tokenizer holds ${vocabSize.toLocaleString('en-US')}, which is assumed.` });
    return vocabSize;
  }
  if (dims.vocabSize !== undefined || read.config.raw.vocabSize !== undefined || family.defaultVocabSize === undefined) {
    return dims.vocabSize;
  }
  const vocabSize = typeof family.defaultVocabSize === 'number' ? family.defaultVocabSize : family.defaultVocabSize(ctx);
  const tokenizer = ctx.str('tokenizer_type') ?? ctx.str('tokenizer-type');
  // A family that cannot assume one said why (ctx.fail) and gave none.
  const nemoTokenizer = nemo ? ctx.str('tokenizer.type') : undefined;
  if (vocabSize !== undefined && nemoTokenizer !== undefined) {
    problems.push({ severity: 'warning', key: 'tokenizer.type', message: `NeMo takes the vocabulary from the tokenizer: ${nemoTokenizer}'s, padded to ${vocabSize.toLocaleString('en-US')} (a multiple of make_vocab_size_divisible_by × tensor parallelism), is assumed.` });
  } else if (vocabSize !== undefined) {
    const whose = tokenizer ? `its ${tokenizer}'s vocabulary of ${vocabSize.toLocaleString('en-US')} (padded)` : `${family.name}'s default of ${vocabSize.toLocaleString('en-US')}`;
    problems.push({ severity: 'warning', field: 'hiddenSize', message: `No \`vocab_size\` is set, so ${whose} is assumed.` });
  }
  return vocabSize;
}

/** Each head's width: the refinement's, the config's where the family reads it, else hidden / heads; undefined when none can be. */
function resolveHeadDim(family: Family, dims: Dimensions, refined: Refinement, read: SpecReader): number | undefined {
  const { config, problems } = read;
  const { hiddenSize, numHeads } = dims;
  const headDimRaw = dims.headDim;
  let headDim = refined.headDim ?? headDimRaw;
  if (headDimRaw !== undefined && refined.headDim === undefined && family.readsHeadDim === false && headDimRaw * numHeads !== hiddenSize) {
    problems.push({
      severity: 'warning',
      field: 'headDim',
      message: `\`${keyName(config, 'headDim')}\` (${headDimRaw}) × ${numHeads} heads is not the hidden size ${hiddenSize}, and ${family.name} ignores it: each head is ${hiddenSize} / ${numHeads} wide.`,
    });
    headDim = undefined;
  }
  if (headDim === undefined) {
    if (hiddenSize % numHeads !== 0) {
      problems.push(indivisibleHeadsProblem(config, hiddenSize, numHeads));
      return undefined;
    }
    return hiddenSize / numHeads;
  }
  if (headDim > 16_384) {
    problems.push({ severity: 'error', field: 'headDim', message: `\`${keyName(config, 'headDim')}\` (${headDim}) is wider than any attention head can be (published models use 64 to 512).` });
    return undefined;
  }
  if (headDimRaw !== undefined && (numHeads * headDim > 16 * hiddenSize || 8 * numHeads * headDim < hiddenSize)) {
    problems.push({
      severity: 'warning',
      field: 'headDim',
      message: `\`${keyName(config, 'headDim')}\` (${headDim}) × ${numHeads} heads is ${numHeads * headDim}, far from the hidden size ${hiddenSize}: check it for a typo.`,
    });
  }
  return headDim;
}

/** Whether the output head shares the token embeddings: the config's switch, GPT-NeoX / Megatron / NeMo's, else the family's default. */
function tiedEmbeddings(family: Family, read: SpecReader): boolean {
  const { config, scalar } = read;
  const tie = config.raw.tieWordEmbeddings;
  if (typeof tie === 'string') {
    read.problems.push({ ...notBooleanProblem(keyName(config, 'tieWordEmbeddings'), tie), field: 'tieWordEmbeddings' });
  }
  // GPT-NeoX's no-weight-tying; Megatron-LM's --untie-embeddings-and-output-weights; NeMo's share_embeddings_and_output_weights.
  const shared = scalar('share_embeddings_and_output_weights');
  const noTying = scalar('no-weight-tying') ?? scalar('no_weight_tying') ?? scalar('untie_embeddings_and_output_weights') ?? (typeof shared === 'boolean' ? !shared : undefined);
  return typeof tie === 'boolean' || typeof tie === 'number' ? Boolean(tie) : typeof noTying === 'boolean' ? !noTying : family.tiedByDefault;
}

/** What the config holds beside its language model that the estimate leaves out or refuses (an uncounted tower, a safety checker). */
function companionProblems(config: FoundConfig): SpecProblem[] {
  const out: SpecProblem[] = [];
  if (config.uncountedTower !== undefined) {
    out.push({
      severity: 'warning',
      key: 'vision_config',
      message: `\`vision_config\`${config.uncountedTower ? ` (${config.uncountedTower})` : ''} is a vision tower VRAM Lens does not count: the parameters and memory are the language model's alone, short of the whole model.`,
    });
  }
  if (config.audio && !config.audio.counted) {
    out.push({
      severity: 'warning',
      key: 'audio_config',
      message: `\`audio_config\`${config.audio.modelType ? ` (${config.audio.modelType})` : ''} is an audio tower VRAM Lens does not count: the parameters and memory leave it out, short of the whole model.`,
    });
  }
  if (config.architecture === SAFETY_CHECKER) {
    // Its CLIPConfig describes both towers, but the checker holds only the vision tower, a projection and its concepts.
    out.push({
      severity: 'error',
      key: 'architectures',
      message: `A ${SAFETY_CHECKER} runs only the vision tower of this CLIP config: the pipeline's model_index.json counts it exactly, with its projection and concept embeddings.`,
    });
  }
  return out;
}

/** A transformer (decoder, encoder or both) from its family and the sizes its config states, every problem said. */
function resolveTransformer(config: FoundConfig): ResolvedSpec {
  const problems: SpecProblem[] = [];
  const refused = (): ResolvedSpec => ({ spec: undefined, problems });
  const read = specReader(config, problems);
  const modelType = typeof config.raw.modelType === 'string' ? config.raw.modelType : undefined;
  const hints = familyHints(read, modelType);
  const family = familyFor(modelType, hints);
  const dims = familyAccepted(family, modelType, read) ? readDimensions(family, read) : undefined;
  if (!dims) {
    return refused();
  }
  const ctx = familyContext(read, dims);
  const assumed = assumedVocabulary(family, dims, ctx, hints.nemo !== undefined, read);
  const refined = family.refine?.(ctx) ?? {};
  const vocabSize = refined.vocabSize ?? assumed;
  if (vocabSize === undefined || problems.some(p => p.severity === 'error')) {
    return refused();
  }
  const headDim = resolveHeadDim(family, dims, refined, read);
  if (headDim === undefined) {
    return refused();
  }
  const numKvHeads = refined.numKvHeads ?? dims.numKvHeads ?? dims.numHeads;
  const grouping = groupingProblems(config, { hiddenSize: dims.hiddenSize, numLayers: dims.numLayers, numHeads: dims.numHeads, numKvHeads, vocabSize, intermediateRaw: dims.intermediateSize, moe: refined.moe }, modelType, family.name);
  problems.push(...grouping);
  if (grouping.some(p => p.severity === 'error')) {
    return refused();
  }
  const intermediateSize = refined.intermediateSize ?? dims.intermediateSize ?? (family.defaultIntermediateMultiple === undefined ? undefined : family.defaultIntermediateMultiple * dims.hiddenSize);
  if (intermediateSize === undefined) {
    problems.push({ severity: 'error', field: 'intermediateSize', message: `\`intermediate_size\` is missing and ${family.name} has no standard FFN width to assume.` });
    return refused();
  }
  const tieWordEmbeddings = tiedEmbeddings(family, read);
  const positions = family.positions === 'none' && dims.maxPositions !== undefined ? ('learned' as const) : family.positions;
  const maxPositions = refined.maxPositions ?? dims.maxPositions;
  if (positions === 'learned' && maxPositions === undefined) {
    problems.push({ severity: 'warning', field: 'maxPositions', message: `No context length (\`max_position_embeddings\` / \`n_positions\`) is given, so the position table is not counted.` });
  }
  problems.push(...companionProblems(config));
  if (problems.some(p => p.severity === 'error')) {
    return refused();
  }
  const spec = transformerSpec({ config, family, dims, refined, read, vocabSize, headDim, numKvHeads, intermediateSize, tieWordEmbeddings, positions, maxPositions });
  const vision = config.vision && visionTower(config.vision, problems);
  const audio = config.audio?.counted ? audioTower(config.audio, problems) : undefined;
  // CLIPModel: the text transformer found first, its vision tower beside it, both projected; named as the whole.
  const named = vision?.projector?.style === 'clip' ? { family: 'CLIP (text and vision towers)' } : vision?.projector?.style === 'siglip' ? { family: 'SigLIP (text and vision towers)' } : {};
  return { spec: vision || audio ? { ...spec, ...(vision ? { vision, ...named } : {}), ...(audio ? { audio } : {}) } : spec, problems };
}

/** Everything a transformer's spec holds, once its sizes are resolved and checked. */
interface TransformerParts {
  readonly config: FoundConfig;
  readonly family: Family;
  readonly dims: Dimensions;
  readonly refined: Refinement;
  readonly read: SpecReader;
  readonly vocabSize: number;
  readonly headDim: number;
  readonly numKvHeads: number;
  readonly intermediateSize: number;
  readonly tieWordEmbeddings: boolean;
  readonly positions: ModelSpec['positions'];
  readonly maxPositions: number | undefined;
}

/** The spec of a resolved transformer: the family's structure, the config's sizes, the refinement's overrides. */
function transformerSpec(p: TransformerParts): ModelSpec {
  const { config, family, dims, refined, positions, maxPositions } = p;
  const { hiddenSize, numHeads } = dims;
  // LongCat-Flash's config counts its blocks, each of two attention sublayers: the spec counts the sublayers.
  const numLayers = refined.numLayers ?? dims.numLayers;
  // T5EncoderModel (the text encoder of Flux and SD3): the encoder stack alone, without decoder or output head.
  const encoderStackOnly = family.encoderDecoder && (/EncoderModel$/.test(config.architecture ?? '') || config.catalog?.model.encoderStackOnly === true);
  const t5Gated = family.feedForwardProj === true && String(p.read.scalar('feed_forward_proj') ?? '').startsWith('gated');
  const slidingWindow = dims.slidingWindow;
  return {
    family: encoderStackOnly ? `${family.name} (encoder only)` : family.name,
    generic: family.generic,
    encoderDecoder: family.encoderDecoder && !encoderStackOnly,
    encoderOnly: family.encoderOnly || encoderStackOnly,
    hiddenSize,
    numLayers,
    numDecoderLayers: family.encoderDecoder && !encoderStackOnly ? (dims.numDecoderLayers ?? numLayers) : 0,
    numHeads,
    numKvHeads: p.numKvHeads,
    headDim: p.headDim,
    vocabSize: p.vocabSize,
    intermediateSize: p.intermediateSize,
    maxPositions,
    typeVocabSize: family.encoderOnly && family.typeVocab !== false ? (dims.typeVocabSize ?? 2) : 0,
    moe: refined.moe,
    mla: refined.mla,
    qkNorm: refined.qkNorm ?? family.qkNorm,
    ...(refined.attentionSinks ? { attentionSinks: true } : {}),
    ...(refined.fusedExperts ? { fusedExperts: true } : {}),
    relativeAttentionBuckets: positions === 'relative' ? (dims.relativeAttentionBuckets ?? 32) : 0,
    positionOffset: family.positionOffset,
    wordEmbedProjDim: refined.wordEmbedProjDim,
    pythonGelu: family.pythonGelu,
    ...(family.keptInFp32 ? { keptInFp32: family.keptInFp32 } : {}),
    tieWordEmbeddings: p.tieWordEmbeddings,
    norm: refined.norm ?? family.norm,
    normsPerLayer: refined.normsPerLayer ?? family.normsPerLayer,
    positions: positions === 'learned' && maxPositions === undefined ? 'none' : positions,
    attentionBias: refined.attentionBias ?? family.attentionBias,
    mlp: t5Gated ? 'gated' : (refined.mlp ?? family.mlp),
    mlpBias: refined.mlpBias ?? family.mlpBias,
    embeddingNorm: family.embeddingNorm,
    pooler: refined.pooler ?? family.pooler,
    lmHeadBias: refined.lmHeadBias ?? family.lmHeadBias,
    finalNorm: refined.finalNorm ?? family.finalNorm,
    dropout: family.dropout,
    head: config.catalog?.model.scoreHead || encoderStackOnly ? 'none' : headKind(family.head, config.architecture),
    ...(config.catalog?.model.scoreHead ? { scoreLabels: config.catalog.model.scoreHead.labels } : {}),
    // CLIPTextModelWithProjection's text_projection; CLIPVisionModelWithProjection's visual_projection (an image
    // variations pipeline's image encoder), both unbiased.
    ...(config.architecture === 'CLIPTextModelWithProjection' || config.architecture === 'CLIPVisionModelWithProjection' ? { textProjection: integerOr(config, 'projection_dim', CLIP_PROJECTION_DEFAULT) } : {}),
    // SigLIP's text transformer ends in a biased head of projection_size (its width unless the config says).
    ...(family === SIGLIP_TEXT ? { textProjection: integerOr(config, 'projection_size', hiddenSize), textProjectionBias: true } : {}),
    slidingWindow,
    slidingLayers:
      slidingWindow === undefined
        ? 0
        : config.layerTypes
          ? config.layerTypes.filter(t => t.startsWith('sliding') || t.startsWith('chunked')).length
          : Math.min(numLayers, refined.slidingLayers ?? numLayers),
    storedDtype: typeof config.raw.dtype === 'string' ? config.raw.dtype : undefined,
    patchEmbeddingParams: refined.patchEmbeddingParams ?? 0,
    ...(refined.crossAttentionLayers ? { crossAttentionLayers: Math.min(refined.crossAttentionLayers, numLayers) } : {}),
    ...(refined.extraEmbeddingRows ? { extraEmbeddingRows: refined.extraEmbeddingRows } : {}),
    ...(refined.positionTables ? { positionTables: refined.positionTables } : {}),
    ...(refined.stackNorms !== undefined ? { stackNorms: refined.stackNorms } : {}),
    ...(refined.relativeBiasPerLayer ? { relativeBiasPerLayer: true } : {}),
    ...(refined.classifierLabels ? { classifierLabels: refined.classifierLabels } : {}),
    ...(refined.hybrid ? { hybrid: { ...refined.hybrid, ...hybridStateKeeping(key => config.scalars[key]?.value, refined.hybrid) }, approximate: "its recurrent layers' training activations counted as its attention layers', not measured" } : {}),
    ...(refined.gatedAttention ? { gatedAttention: true } : {}),
    ...(refined.ropeCache ? { ropeCache: refined.ropeCache } : {}),
    ...(refined.sharedBlocks ? { sharedBlocks: refined.sharedBlocks } : {}),
    ...(refined.mtpLayers ? { mtpLayers: refined.mtpLayers } : draftLayersOf(config)),
    ...(refined.mlpLayers !== undefined ? { mlpLayers: Math.min(refined.mlpLayers, numLayers) } : {}),
    ...(refined.activationParams ? { activationParams: refined.activationParams } : {}),
    ...(refined.blockResiduals ? { blockResiduals: refined.blockResiduals } : {}),
    ...(refined.gemma4 ? { gemma4: refined.gemma4, approximate: "its global layers' training activations counted at its sliding layers' head width, not measured" } : {}),
    ...(refined.nas ? { nas: refined.nas, approximate: 'its training activations counted as if every layer had attention and an FFN of the mean width, not measured' } : {}),
    ...(refined.deepseekV4 ? { deepseekV4: refined.deepseekV4, approximate: "its activations counted as one residual stream's and full multi-query attention's, not its compressed attention's or its hyper-connections', and not measured" } : {}),
  };
}

/**
 * Qwen2-VL's tower (embed_dim wide, mlp_ratio × wide MLPs, its vision_config's hidden_size the merger's output) or
 * Qwen2.5-VL's and Qwen3-VL's (hidden_size wide, intermediate_size MLPs, out_hidden_size out); depth blocks, in_chans
 * (Qwen3-VL: in_channels) channels. Qwen3-VL's learned positions and DeepStack mergers (one per
 * deepstack_visual_indexes entry) come with its merger.
 */
function qwenVisionTower(config: VisionConfig, kind: 'qwen2vl' | 'qwen25vl' | 'qwen3vl', size: (key: string) => number): VisionTower {
  const v2 = kind === 'qwen2vl';
  const v3 = kind === 'qwen3vl';
  const width = size(v2 ? 'embed_dim' : 'hidden_size');
  const merger = { spatialMergeSize: size('spatial_merge_size'), temporalPatchSize: size('temporal_patch_size'), outputDim: size(v2 ? 'hidden_size' : 'out_hidden_size') };
  return {
    kind,
    hiddenSize: width,
    numLayers: size('depth'),
    intermediateSize: v2 ? width * size('mlp_ratio') : size('intermediate_size'),
    imageSize: size('patch_size'),
    patchSize: size('patch_size'),
    channels: size(v3 ? 'in_channels' : 'in_chans'),
    poolingHead: false,
    merger: v3
      ? { ...merger, positions: size('num_position_embeddings'), deepstackMergers: config.lengths.deepstack_visual_indexes ?? (WITHOUT_DEEPSTACK.has(config.holderType ?? '') ? 0 : QWEN3_VL_DEEPSTACK_LAYERS) }
      : merger,
  };
}

/**
 * GLM-4.1V's / GLM-4.5V's tower (transformers' Glm4vVisionModel): hidden_size wide blocks, their MLP out_hidden_size
 * wide, learned positions for (image_size / patch_size)² patches, a merger whose gated MLP is intermediate_size wide.
 */
function glm4vTower(config: VisionConfig, size: (key: string) => number): VisionTower {
  const patch = size('patch_size');
  return {
    kind: 'glm4v',
    hiddenSize: size('hidden_size'),
    numLayers: size('depth'),
    intermediateSize: size('intermediate_size'),
    imageSize: size('image_size'),
    patchSize: patch,
    channels: size('in_channels'),
    poolingHead: false,
    merger: {
      spatialMergeSize: size('spatial_merge_size'), temporalPatchSize: size('temporal_patch_size'), outputDim: size('out_hidden_size'),
      positions: Math.floor(size('image_size') / patch) ** 2, qkvBias: config.values.attention_bias === true,
    },
  };
}

/** LLaVA's projector input: the features of each layer a `vision_feature_layer` list names, side by side. */
function featureLayersOf(config: VisionConfig): { featureLayers?: number } {
  const n = config.featureLayers?.length ?? 0;
  return n > 1 ? { featureLayers: n } : {};
}

/**
 * The problem with a `vision_feature_layer` list, if it has one: each item must index one of the tower's layers (from
 * the end when negative, 0 being the embeddings), as transformers reads them.
 */
function featureLayersProblem(config: VisionConfig, layers: number): SpecProblem | undefined {
  const list = config.featureLayers;
  if (list === undefined) {
    return undefined;
  }
  const bad = list.find(i => typeof i !== 'number' || !Number.isInteger(i) || i < -layers || i > layers);
  const what = list.length === 0 ? 'it is empty' : bad === undefined ? undefined : `it holds ${JSON.stringify(bad)}`;
  return what === undefined
    ? undefined
    : { severity: 'error', key: 'vision_feature_layer', message: `\`vision_feature_layer\` must list layers of the ${layers}-layer vision tower, as whole numbers from ${-layers} to ${layers} (${what}).` };
}

/**
 * Kimi-VL's MoonViT (remote code): SigLIP-sized ViT blocks with a fused biased qkv, learned positions on a grid of
 * init_pos_emb_height × init_pos_emb_width patches, merge_kernel_size patches (2 × 2) merged before the projector.
 */
function moonVitTower(config: VisionConfig, size: (key: string) => number): VisionTower {
  const [mergeRows, mergeCols] = config.mergeKernel?.pair ?? [2, 2];
  const rows = size('init_pos_emb_height');
  const k3 = kimiK3Vit(config) ? { qkvWidth: size('qkv_hidden_size'), projectorInput: size('mm_hidden_size'), rmsNorm: config.values.norm_type !== 'layernorm' } : undefined;
  return {
    ...baseTower(config, size),
    ...(k3 ? { hiddenSize: size('vt_hidden_size'), numLayers: size('vt_num_hidden_layers'), intermediateSize: size('vt_intermediate_size') } : {}),
    // No fixed image size: the grid its positions are learned on stands for it.
    imageSize: rows * size('patch_size'),
    moonVit: { positionRows: rows, positionCols: size('init_pos_emb_width'), mergeRows, mergeCols, ...(k3 ? { k3 } : {}) },
  };
}

/** Kimi K3's MoonViT writes its sizes as vt_hidden_size and its kin. */
function kimiK3Vit(config: VisionConfig): boolean {
  return config.values.vt_hidden_size !== undefined;
}

/**
 * What Kimi K3's MoonViT is counted as, as its checkpoint has it: no biases, an MLP of two linears, the
 * patchmergerv2 projector. A config writing otherwise is refused on the key (`norm_type` layernorm is read).
 */
const KIMI_K3_VIT_AS_COUNTED: Readonly<Record<string, boolean | string>> = {
  attn_bias: false, linear_bias: false, patch_embed_proj_bias: false, mlp_type: 'mlp2', mm_projector_type: 'patchmergerv2',
};

/** The first key of a Kimi K3 MoonViT config that builds what VRAM Lens does not count, as a problem on it. */
function kimiK3VitProblem(config: VisionConfig): SpecProblem | undefined {
  const found = Object.entries(KIMI_K3_VIT_AS_COUNTED).find(([key, counted]) => config.values[key] !== undefined && config.values[key] !== null && config.values[key] !== counted);
  if (!found) {
    return undefined;
  }
  const [key, counted] = found;
  return { severity: 'error', key: `vision_config.${key}`, message: `\`vision_config.${key}\` is ${JSON.stringify(config.values[key])}: VRAM Lens counts Kimi K3's vision tower as its checkpoint builds it (${key} ${JSON.stringify(counted)}).` };
}

/** Qwen3VLVisionConfig's deepstack_visual_indexes when the config leaves them out: [8, 16, 24]. */
const QWEN3_VL_DEEPSTACK_LAYERS = 3;

/** What every tower's config gives in the same keys: its width, depth, MLP, image and patch sizes, channels. */
function baseTower(config: VisionConfig, size: (key: string) => number): VisionTower {
  return {
    kind: config.kind,
    hiddenSize: size('hidden_size'),
    numLayers: size('num_hidden_layers'),
    intermediateSize: size('intermediate_size'),
    imageSize: size('image_size'),
    patchSize: size('patch_size'),
    channels: size('num_channels'),
    poolingHead: false,
  };
}

/**
 * A config's value for `key`: for a recognised key, its field's value (a hover's "what if" doubling overrides it, and
 * of two aliases the one the field was read from wins); else as written.
 */
function writtenValue(config: FoundConfig, key: string): RawValue | undefined {
  const field = FIELD_BY_KEY.get(key);
  if (field !== undefined && config.raw[field] !== undefined) {
    return config.raw[field];
  }
  const v = config.scalars[key]?.value;
  return v === null ? undefined : v;
}

/**
 * A reader of a config's sizes, each a whole number from 1 to `limit`: as written, else the fallback its model code
 * uses; a missing or invalid one is recorded as an error on its key.
 */
function sizeReader(value: (key: string) => RawValue | undefined, problems: SpecProblem[], limit: number): (key: string, fallback?: number) => number | undefined {
  return (key, fallback) => {
    const v = value(key) ?? fallback;
    if (typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= limit) {
      return v;
    }
    const message = v === undefined ? `\`${key}\` is missing, so the model's size is unknown.` : `\`${key}\` must be a whole number between 1 and ${limit.toLocaleString('en-US')} (it is ${JSON.stringify(v)}).`;
    problems.push({ severity: 'error', key, message });
    return undefined;
  };
}

/** A diffusers model's size reader: each key as written or as the model class defaults it, each checked. */
function diffusersSize<K extends string>(config: FoundConfig, problems: SpecProblem[], defaults: Readonly<Record<K, number>>): (key: K) => number | undefined {
  const read = sizeReader(key => writtenValue(config, key), problems, 1_000_000);
  return key => read(key, defaults[key]);
}

/** A Mamba config: its sizes as written or as MambaConfig defaults them (`time_step_rank: "auto"`), each checked. */
function resolveMamba(config: FoundConfig): ResolvedSpec {
  const problems: SpecProblem[] = [];
  const value = (key: string) => {
    const v = writtenValue(config, key);
    return v === 'auto' ? undefined : v;
  };
  const size = sizeReader(value, problems, 100_000_000);
  const bias = { linear: value('use_bias') === true, conv: value('use_conv_bias') !== false };
  // Mamba2Config unties the head by default; MambaConfig ties it.
  const spec = value('model_type') === 'mamba2'
    ? mamba2Spec(size, value('tie_word_embeddings') === true, writtenDtype(config), bias, errorsInto(problems))
    : mambaSpec(size, value('tie_word_embeddings') !== false, writtenDtype(config), bias);
  return checked(spec, problems);
}

/** An RWKV config: its sizes as written or as its model code defaults them, each checked. */
function resolveRwkv(config: FoundConfig, version: 4 | 5 | 6 | 7): ResolvedSpec {
  const problems: SpecProblem[] = [];
  const size = sizeReader(key => writtenValue(config, key), problems, 100_000_000);
  return checked(rwkvSpec(version, size, writtenValue(config, 'tie_word_embeddings') === true, writtenDtype(config), errorsInto(problems)), problems);
}

/** A diffusion transformer's config (FLUX.1): its sizes as written or as diffusers defaults them, each checked. */
function resolveDit(config: FoundConfig): ResolvedSpec {
  const problems: SpecProblem[] = [];
  const value = (key: string) => writtenValue(config, key);
  const size = diffusersSize(config, problems, FLUX_DEFAULTS);
  const out = value('out_channels');
  return checked(fluxSpec(size, value('guidance_embeds') === true, typeof out === 'number' ? out : undefined, writtenDtype(config)), problems);
}

/**
 * A diffusers pipeline: each component that holds weights resolved from its own config.json, summed. A component
 * VRAM Lens does not count, or one whose config is not beside the model_index.json, stops the sum (said on its key).
 */
function resolvePipeline(pipeline: NonNullable<FoundConfig['pipeline']>): ResolvedSpec {
  const problems: SpecProblem[] = [];
  const components: PipelineComponent[] = [];
  for (const { entry, config, projection } of pipeline.components) {
    if (!holdsWeights(entry)) {
      continue;
    }
    const role = COMPONENT_ROLES[entry.className!];
    if (!role) {
      problems.push({ severity: 'error', key: entry.key, message: `\`${entry.key}\` is a ${entry.className}, a component VRAM Lens does not count, so the pipeline cannot be summed.` });
      continue;
    }
    if (!config) {
      problems.push({ severity: 'error', key: entry.key, message: `\`${componentConfigPath(entry.key)}\` is not beside this model_index.json: the pipeline is summed from its components' configs.` });
      continue;
    }
    const resolved = resolveSpec(config);
    problems.push(...resolved.problems.map(p => ({ severity: p.severity, key: entry.key, message: `${entry.key}: ${p.message}` })));
    if (resolved.spec) {
      components.push({ name: entry.key, className: entry.className!, role, spec: resolved.spec, ...(projection !== undefined ? { projection } : {}) });
    }
  }
  if (problems.some(p => p.severity === 'error')) {
    return { spec: undefined, problems };
  }
  const spec = pipelineSpec(pipeline.className, components);
  if (!spec) {
    problems.push({ severity: 'error', message: `${pipeline.className} names no denoiser VRAM Lens counts (a UNet2DConditionModel, SD3Transformer2DModel, FluxTransformer2DModel, PixArtTransformer2DModel or SanaTransformer2DModel).` });
  }
  return { spec, problems };
}

/** The dtype a config stores its weights in (`torch_dtype`), when it says. */
function writtenDtype(config: FoundConfig): string | undefined {
  const dtype = writtenValue(config, 'torch_dtype');
  return typeof dtype === 'string' ? dtype : undefined;
}

/** A resolver's result: its spec, unless a problem stopped it. */
function checked(spec: ModelSpec | undefined, problems: SpecProblem[]): ResolvedSpec {
  return { spec: problems.length > 0 ? undefined : spec, problems };
}

/** Records an error on a config key: what the architecture builders report through. */
function errorsInto(problems: SpecProblem[]): (key: string, message: string) => void {
  return (key, message) => problems.push({ severity: 'error', key, message });
}

/** The multi-token-prediction layers a config declares beside a model that does not load them (none: {}). */
function draftLayersOf(config: FoundConfig): Pick<ModelSpec, 'draftLayers'> {
  const layers = integerOr(config, 'mtp_num_hidden_layers', 0) || integerOr(config, 'num_nextn_predict_layers', 0);
  return layers > 0 ? { draftLayers: layers } : {};
}

/** A whole number a config writes for `key`, or the fallback. */
function integerOr(config: FoundConfig, key: string, fallback: number): number {
  const v = config.scalars[key]?.value;
  return typeof v === 'number' && Number.isInteger(v) && v >= 1 ? v : fallback;
}

/** A diffusers UNet's or VAE's config: its lists and sizes as written or as diffusers defaults them, each checked. */
function resolveConvNet(config: FoundConfig, className: string): ResolvedSpec {
  const problems: SpecProblem[] = [];
  const spec = convNetSpec(className, {
    value: key => (key in config.scalars ? config.scalars[key].value : undefined),
    list: key => config.lists?.[key],
    problem: errorsInto(problems),
  }, writtenDtype(config));
  return checked(spec, problems);
}

/**
 * A PixArt or Sana transformer's config: its sizes as written or as diffusers defaults them, each checked. PixArt's
 * resolution and aspect-ratio embedders come with its 1,024-pixel models (sample_size 128) unless the config says.
 */
function resolveCrossDit(config: FoundConfig, kind: 'pixart' | 'sana'): ResolvedSpec {
  const problems: SpecProblem[] = [];
  const value = (key: string) => writtenValue(config, key);
  const defaults: Readonly<Record<string, number>> = kind === 'sana' ? SANA_DEFAULTS : PIXART_DEFAULTS;
  const read = diffusersSize(config, problems, defaults);
  const size = (key: string): number | undefined => {
    const written = value(key);
    if (key === 'caption_channels' && (written === null || (written === undefined && kind === 'pixart'))) {
      return 0; // PixArt's default (None): no caption projection
    }
    return key === 'out_channels' && written === null ? size('in_channels') : read(key);
  };
  const qk = value('qk_norm');
  if (qk !== undefined && qk !== null && qk !== 'rms_norm_across_heads') {
    problems.push({ severity: 'error', key: 'qk_norm', message: `\`qk_norm\` = ${JSON.stringify(qk)} is not counted (VRAM Lens counts Sana 1.5's "rms_norm_across_heads").` });
  }
  const ratio = value('mlp_ratio');
  const conditions = value('use_additional_conditions');
  const switches = {
    attentionBias: value('attention_bias') !== undefined ? value('attention_bias') === true : kind === 'pixart',
    sizeConditions: kind === 'pixart' && (typeof conditions === 'boolean' ? conditions : (value('sample_size') ?? PIXART_DEFAULTS.sample_size) === 128),
    guidanceEmbeds: kind === 'sana' && value('guidance_embeds') === true,
    qkNorm: qk === 'rms_norm_across_heads',
    mlpRatio: typeof ratio === 'number' && ratio > 0 ? ratio : SANA_MLP_RATIO,
  };
  return checked(crossDitSpec(kind, size, switches, writtenDtype(config)), problems);
}

/** An SD3 / SD3.5 MMDiT's config: its sizes as written or as diffusers defaults them, each checked. */
function resolveSd3(config: FoundConfig): ResolvedSpec {
  const problems: SpecProblem[] = [];
  const value = (key: string) => writtenValue(config, key);
  const size = diffusersSize(config, problems, SD3_DEFAULTS);
  const qk = value('qk_norm');
  if (qk !== undefined && qk !== 'rms_norm') {
    problems.push({ severity: 'error', key: 'qk_norm', message: `\`qk_norm\` = ${JSON.stringify(qk)} is not counted (VRAM Lens counts SD3.5's "rms_norm").` });
  }
  const dual = config.lists?.dual_attention_layers ?? [];
  // SD3.5 Medium lists its first blocks; the blocks are counted by how many, so the list must name distinct blocks.
  const dualLayers = new Set(dual.filter(v => typeof v === 'number')).size;
  const caption = size('caption_projection_dim');
  const heads = size('num_attention_heads');
  const headDim = size('attention_head_dim');
  if (caption !== undefined && heads !== undefined && headDim !== undefined && caption !== heads * headDim) {
    problems.push({ severity: 'error', key: 'caption_projection_dim', message: `\`caption_projection_dim\` (${caption}) must equal num_attention_heads × attention_head_dim (${heads * headDim}): the text stream runs at the model's width.` });
  }
  return checked(sd3Spec(size, dualLayers, qk === 'rms_norm', writtenDtype(config)), problems);
}

/** transformers' config-class defaults for what a vision_config leaves out (SiglipVisionConfig, Llama4VisionConfig). */
const VISION_DEFAULTS: Readonly<Record<VisionTower['kind'], Readonly<Record<string, number>>>> = {
  siglip: { hidden_size: 768, intermediate_size: 3072, num_hidden_layers: 12, num_channels: 3, image_size: 224, patch_size: 16 },
  llama4: {
    hidden_size: 768, intermediate_size: 5632, num_hidden_layers: 34, num_channels: 3, image_size: 448, patch_size: 14,
    vision_output_dim: 7680, projector_input_dim: 4096, projector_output_dim: 4096,
  },
  mllama: {
    hidden_size: 1280, intermediate_size: 5120, num_hidden_layers: 32, num_global_layers: 8, num_channels: 3, image_size: 448,
    patch_size: 14, max_num_tiles: 4, vision_output_dim: 7680,
  },
  pixtral: { hidden_size: 1024, intermediate_size: 4096, num_hidden_layers: 24, num_channels: 3, image_size: 1024, patch_size: 16, spatial_merge_size: 2 },
  internvit: { hidden_size: 1024, intermediate_size: 4096, num_hidden_layers: 24, num_channels: 3, image_size: 448, patch_size: 14, min_dynamic_patch: 1, max_dynamic_patch: 12 },
  clip: { hidden_size: 768, intermediate_size: 3072, num_hidden_layers: 12, num_channels: 3, image_size: 224, patch_size: 32 },
  qwen2vl: { embed_dim: 1280, mlp_ratio: 4, depth: 32, in_chans: 3, patch_size: 14, spatial_merge_size: 2, temporal_patch_size: 2, hidden_size: 3584 },
  qwen25vl: {
    hidden_size: 1280, intermediate_size: 3420, depth: 32, in_chans: 3, patch_size: 14, spatial_merge_size: 2, temporal_patch_size: 2,
    out_hidden_size: 3584,
  },
  qwen3vl: {
    hidden_size: 1152, intermediate_size: 4304, depth: 27, in_channels: 3, patch_size: 16, spatial_merge_size: 2, temporal_patch_size: 2,
    out_hidden_size: 3584, num_position_embeddings: 2304,
  },
  moonvit: {
    hidden_size: 1152, intermediate_size: 4304, num_hidden_layers: 27, num_channels: 3, patch_size: 14, init_pos_emb_height: 64, init_pos_emb_width: 64,
    // Kimi K3's, as its checkpoint writes them (its config class is the checkpoint's remote code).
    vt_hidden_size: 1024, vt_intermediate_size: 4096, vt_num_hidden_layers: 27, qkv_hidden_size: 1536, mm_hidden_size: 1024,
  },
  // Glm4vVisionConfig's (the checkpoints write temporal_patch_size 2).
  glm4v: { hidden_size: 1536, intermediate_size: 13696, depth: 24, in_channels: 3, image_size: 336, patch_size: 14, spatial_merge_size: 2, temporal_patch_size: 1, out_hidden_size: 4096 },
  // Gemma4VisionConfig's; its images have no fixed size (image_size only sizes the report's example image).
  gemma4: {
    hidden_size: 768, intermediate_size: 3072, num_hidden_layers: 16, num_attention_heads: 12, head_dim: 64, num_channels: 3, image_size: 768, patch_size: 16,
    pooling_kernel_size: 3, position_embedding_size: 10_240, vision_soft_tokens_per_image: 280,
  },
};

/** The tower a vision_config describes; undefined, with a problem on the key, when a size in it is no size. */
function visionTower(config: VisionConfig, problems: SpecProblem[]): VisionTower | undefined {
  const sizes = towerSizes(config, problems);
  const tower = towerOfKind(config, sizes.size, problems);
  return tower && sizes.valid() ? tower : undefined;
}

/**
 * A tower's whole-number sizes: the value its config writes, else its kind's default. A value no tower can have is an
 * error on its key, and marks the tower invalid.
 */
function towerSizes(config: VisionConfig, problems: SpecProblem[]): { size: (key: string) => number; valid: () => boolean } {
  // The projector's keys sit beside vision_config, in the multimodal config itself.
  return sizesOf(config.values, VISION_DEFAULTS[config.kind], key => (HOLDER_SIZE_KEYS.has(key) ? key : `vision_config.${key}`), problems);
}

/**
 * Whole-number sizes read from a tower's config values (`written` names where each key is written), else from the
 * defaults; a value no tower can have is an error on its key and marks the sizes invalid.
 */
function sizesOf(
  values: Readonly<Record<string, RawValue | null>>,
  defaults: Readonly<Record<string, number>>,
  written: (key: string) => string,
  problems: SpecProblem[],
): { size: (key: string) => number; valid: () => boolean } {
  let valid = true;
  const size = (key: string): number => {
    const v = values[key];
    if (v === undefined || v === null) {
      return defaults[key];
    }
    if (typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= 1_000_000) {
      return v;
    }
    valid = false;
    const where = written(key);
    problems.push({ severity: 'error', key: where, message: `\`${where}\` must be a whole number between 1 and 1,000,000 (it is ${JSON.stringify(v)}).` });
    return 1;
  };
  return { size, valid: () => valid };
}

/** The tower its kind builds, or undefined when a list it reads (merge_kernel_size, vision_feature_layer) is invalid. */
function towerOfKind(config: VisionConfig, size: (key: string) => number, problems: SpecProblem[]): VisionTower | undefined {
  if (config.kind === 'qwen2vl' || config.kind === 'qwen25vl' || config.kind === 'qwen3vl') {
    return qwenVisionTower(config, config.kind, size);
  }
  if (config.kind === 'glm4v') {
    return glm4vTower(config, size);
  }
  if (config.kind === 'moonvit') {
    const moon = moonVitTower(config, size);
    if (config.mergeKernel && !config.mergeKernel.pair) {
      problems.push({ severity: 'error', key: 'vision_config.merge_kernel_size', message: '`vision_config.merge_kernel_size` must be two whole numbers from 1 to 64, the patches merged down and across ([2, 2]).' });
      return undefined;
    }
    const k3Problem = kimiK3Vit(config) ? kimiK3VitProblem(config) : undefined;
    if (k3Problem) {
      problems.push(k3Problem);
      return undefined;
    }
    return moon;
  }
  if (config.kind === 'internvit') {
    return internVitTower(config, size);
  }
  if (config.kind === 'gemma4') {
    const gemma4 = {
      heads: size('num_attention_heads'), headDim: size('head_dim'), positions: size('position_embedding_size'), standardize: config.values.standardize === true,
      pooling: size('pooling_kernel_size'), softTokens: size('vision_soft_tokens_per_image'),
    };
    return { ...baseTower(config, size), gemma4 };
  }
  const layersProblem = featureLayersProblem(config, size('num_hidden_layers'));
  if (layersProblem) {
    problems.push(layersProblem);
  }
  const tower = heldTower(config, size);
  return layersProblem ? undefined : tower;
}

/** InternViT, with InternVL's pixel shuffle and dynamic tiling. */
function internVitTower(config: VisionConfig, size: (key: string) => number): VisionTower {
  // InternVL's pixel shuffle keeps one token in (1 / downsample_ratio)², concatenating their features.
  const ratio = config.values.downsample_ratio;
  const shuffle = typeof ratio === 'number' && ratio > 0 && ratio <= 1 ? Math.round(1 / ratio) : 2;
  // Its processor cuts an image into up to max_dynamic_patch tiles (and a thumbnail) when dynamic_image_size.
  const vit = {
    qkvBias: config.values.qkv_bias !== false,
    qkNorm: config.values.qk_normalization === true,
    rmsNorm: config.values.norm_type === 'rms_norm',
    pixelShuffle: shuffle,
    ...(config.values.dynamic_image_size === false
      ? {}
      : { dynamicTiles: { min: size('min_dynamic_patch'), max: size('max_dynamic_patch'), thumbnail: config.values.use_thumbnail !== false } }),
  };
  return { ...baseTower(config, size), internVit: vit };
}

/** A SigLIP, CLIP, Pixtral, Llama 4 or Mllama tower, with what the model holding it adds around it. */
function heldTower(config: VisionConfig, size: (key: string) => number): VisionTower {
  return {
    ...baseTower(config, size),
    // MiniCPM-V's SigLIP has no pooling head; its resampler of query_num learned queries is its projector.
    poolingHead: config.kind === 'siglip' && !HEADLESS_SIGLIP.has(config.holderType ?? '') && config.values.vision_use_head !== false,
    ...(config.holderType === 'minicpmv'
      ? { resampler: { queries: config.values.query_num === undefined || config.values.query_num === null ? 64 : size('query_num'), learnedPositions: config.values.learned_query_positions === true } }
      : {}),
    ...(config.kind === 'llama4'
      ? { adapter: { inputDim: size('projector_input_dim'), outputDim: size('projector_output_dim'), visionOutputDim: size('vision_output_dim') } }
      : {}),
    ...(config.kind === 'siglip' ? siglipConnector(config) : {}),
    ...(config.kind === 'pixtral' || config.kind === 'clip' ? pixtralOrClipConnector(config, size) : {}),
    ...(config.kind === 'mllama'
      ? {
          // MllamaVisionConfig's eight supported_aspect_ratios unless the config lists others.
          tiles: { globalLayers: size('num_global_layers'), maxTiles: size('max_num_tiles'), aspectRatios: config.lengths.supported_aspect_ratios ?? 8, visionOutputDim: size('vision_output_dim') },
        }
      : {}),
  };
}

/** What the model holding a SigLIP tower puts between it and the language model: its projector, anyres tiling, no head. */
function siglipConnector(config: VisionConfig): Partial<VisionTower> {
  const holder = config.holderType ?? '';
  if (holder === 'paligemma') {
    return { projector: { style: 'paligemma', spatialMergeSize: 1, bias: true } };
  }
  // LLaVA-OneVision: SigLIP's patch features (no head), LLaVA's projector with image_newline, anyres tiling capped at
  // `anyres_max_N` tiles' worth of features.
  if (holder === 'llava_onevision') {
    return {
      poolingHead: false,
      projector: { style: 'llava', spatialMergeSize: 1, bias: config.values.multimodal_projector_bias !== false, imageNewline: true },
      anyres: { pinpoints: config.pinpoints ?? ONEVISION_PINPOINTS, classToken: false, maxTiles: anyresMax(config.values.vision_aspect_ratio) },
    };
  }
  // Granite Vision: LLaVA-NeXT around a SigLIP tower (its head kept, as transformers and vLLM build it), the projector
  // reading the features of every layer `vision_feature_layer` lists, anyres tiles of the tower's size.
  if (holder === 'llava_next') {
    return {
      projector: { style: 'llava', spatialMergeSize: 1, bias: config.values.multimodal_projector_bias !== false, imageNewline: true, ...featureLayersOf(config) },
      anyres: { pinpoints: config.pinpoints ?? LLAVA_NEXT_PINPOINTS, classToken: false },
    };
  }
  if (holder === 'siglip') {
    return { projector: { style: 'siglip', spatialMergeSize: 1, bias: false } };
  }
  if (PIXEL_SHUFFLE_CONNECTORS.has(holder)) {
    return { projector: { style: 'idefics3', spatialMergeSize: typeof config.values.scale_factor === 'number' ? config.values.scale_factor : 2, bias: false } };
  }
  return {};
}

/** The projector after a Pixtral or CLIP tower, by the model holding it; LLaVA-NeXT's anyres tiling after CLIP. */
function pixtralOrClipConnector(config: VisionConfig, size: (key: string) => number): Partial<VisionTower> {
  if (config.kind === 'pixtral' && config.holderType !== 'llava') {
    // Mistral 3 merges patches before its projector and defaults to no bias.
    return { projector: { style: 'mistral3', spatialMergeSize: size('spatial_merge_size'), bias: config.values.multimodal_projector_bias === true } };
  }
  const anyres = config.kind === 'clip' && config.holderType === 'llava_next' ? { anyres: { pinpoints: config.pinpoints ?? LLAVA_NEXT_PINPOINTS, classToken: true } } : {};
  // LLaVA's projector is biased by default; LLaVA-NeXT adds a learned image_newline.
  const projector: VisionTower['projector'] = config.holderType === 'phi3_v'
    ? { style: 'phi3v', spatialMergeSize: 1, bias: true }
    : config.holderType === 'molmo'
      ? { style: 'molmo', spatialMergeSize: 2, bias: true, ...(typeof config.values.molmo_projector_dim === 'number' ? { dim: config.values.molmo_projector_dim } : {}) }
      : config.holderType === 'clip'
        ? { style: 'clip', spatialMergeSize: 1, bias: false, ...(typeof config.values.projection_dim === 'number' ? { dim: config.values.projection_dim } : {}) }
        : { style: 'llava', spatialMergeSize: 1, bias: config.values.multimodal_projector_bias !== false, imageNewline: config.holderType === 'llava_next', ...featureLayersOf(config) };
  return { ...anyres, projector };
}

/** A task head named by `architectures` decides whether vocabulary logits are computed. */
function headKind(familyHead: 'lm' | 'none', architecture: string | undefined): 'lm' | 'none' {
  if (!architecture) {
    return familyHead;
  }
  if (/(ForCausalLM|LMHeadModel|ForMaskedLM|ForConditionalGeneration|ForPreTraining)$/.test(architecture)) {
    return 'lm';
  }
  if (/For(SequenceClassification|TokenClassification|QuestionAnswering|MultipleChoice)$/.test(architecture)) {
    return 'none';
  }
  return familyHead;
}

/** Returns a copy of the config with one field's value replaced (for "what if" questions). */
export function withRawValue(config: FoundConfig, field: SpecField, value: RawValue): FoundConfig {
  return { ...config, raw: { ...config.raw, [field]: value } };
}

/** The span to point at for a problem: its field's key and value, its own key, or the whole config. */
export function problemSpan(config: FoundConfig, problem: SpecProblem): Span {
  const key = problem.field === undefined ? undefined : config.keys.find(k => k.field === problem.field);
  if (key) {
    return { start: key.keySpan.start, end: key.valueSpan.end };
  }
  const scalarEntry = problem.key === undefined ? undefined : config.scalars[problem.key];
  if (scalarEntry) {
    return { start: scalarEntry.keySpan.start, end: scalarEntry.valueSpan.end };
  }
  const towerKey = problem.key === undefined ? undefined : config.vision?.spans?.[problem.key];
  if (towerKey) {
    return towerKey;
  }
  const component = problem.key === undefined ? undefined : config.pipeline?.components.find(c => c.entry.key === problem.key);
  if (component) {
    return { start: component.entry.keySpan.start, end: component.entry.valueSpan.end };
  }
  return config.span;
}
