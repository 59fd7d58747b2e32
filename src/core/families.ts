// Model families as data: each architecture's structure, defaults and the keys it reads, for the resolver.
import { findCatalogModel } from './catalog';
import type { DeepseekV4Layout, DeltaNetShape, ModelSpec, MoeShape, NasBlock, RawValue } from './types';

/** Reads family-specific keys of a config, validating them (a bad value becomes a problem, not a number). */
export interface FamilyContext {
  readonly hiddenSize: number;
  readonly numLayers: number;
  readonly numHeads: number;
  readonly numKvHeads: number;
  readonly intermediateSize: number | undefined;
  /** `architectures[0]` (the model class), when the config names it. */
  readonly architecture: string | undefined;
  /** `layer_types`, when the config lists each layer's kind (Granite 4's "mamba" and "attention"). */
  readonly layerTypes: readonly string[] | undefined;
  /** `block_configs` (Nemotron-NAS), each block's values by dotted name (`attention.n_heads_in_group`), when listed. */
  readonly blockConfigs?: readonly Readonly<Record<string, RawValue | null>>[];
  /** A whole number ≥ 0 (≥ 1 unless `allowZero`), or undefined when absent or invalid (then a problem is recorded). */
  int(key: string, options?: { allowZero?: boolean }): number | undefined;
  bool(key: string): boolean | undefined;
  str(key: string): string | undefined;
  /** A layer index: a whole number ≥ -1 (-1 being the last layer, as ERNIE's moe_layer_end_index writes it). */
  layerIndex(key: string): number | undefined;
  /** A number, whole or not (`ffn_dim_multiplier: 1.3`), or undefined when absent or not a positive number (a problem). */
  real(key: string): number | undefined;
  /** True when the config has this key with a non-null value. */
  has(key: string): boolean;
  /** True when the config sets this key to null explicitly. */
  isNull(key: string): boolean;
  /** The number of items of a list the config writes under this key (cross_attention_layers), or undefined. */
  length(key: string): number | undefined;
  /** The whole numbers (≥ 1 unless `allowZero`) of a list the config writes under this key (Wav2Vec2's conv_dim), or undefined if any is not one. */
  numbers(key: string, options?: { allowZero?: boolean }): readonly number[] | undefined;
  /** Records that the config cannot be estimated, and why. */
  fail(message: string, key?: string): void;
}

/** What a family's own keys change in the spec. */
export type Refinement = Partial<
  Pick<
    ModelSpec,
    | 'normsPerLayer' | 'attentionBias' | 'mlpBias' | 'numKvHeads' | 'intermediateSize' | 'finalNorm' | 'moe' | 'mla'
    | 'headDim' | 'wordEmbedProjDim' | 'qkNorm' | 'norm' | 'lmHeadBias' | 'slidingLayers' | 'mlp' | 'vocabSize'
    | 'maxPositions' | 'patchEmbeddingParams' | 'attentionSinks' | 'fusedExperts' | 'crossAttentionLayers' | 'extraEmbeddingRows'
    | 'positionTables' | 'stackNorms' | 'relativeBiasPerLayer' | 'pooler' | 'classifierLabels' | 'hybrid' | 'gatedAttention'
    | 'sharedBlocks' | 'mtpLayers' | 'mlpLayers' | 'activationParams' | 'gemma4' | 'nas' | 'ropeCache' | 'numLayers' | 'deepseekV4'
    | 'blockResiduals'
  >
>;

/**
 * The structure of each architecture family, as its HuggingFace transformers modeling code allocates it.
 * Only what the config file does not say lives here; shapes come from the file.
 */
export type Family = Pick<
  ModelSpec,
  | 'generic' | 'encoderDecoder' | 'encoderOnly' | 'norm' | 'normsPerLayer' | 'positions' | 'attentionBias' | 'mlp'
  | 'mlpBias' | 'embeddingNorm' | 'pooler' | 'lmHeadBias' | 'finalNorm' | 'dropout' | 'head' | 'qkNorm'
  | 'positionOffset' | 'pythonGelu' | 'keptInFp32'
> & {
  readonly name: string;
  /** `tie_word_embeddings` when the config leaves it out (the family's config class default). */
  readonly tiedByDefault: boolean;
  /** FFN width when the config leaves it out, as a multiple of the hidden size. */
  readonly defaultIntermediateMultiple: number | undefined;
  /** Family-specific keys (Falcon's `parallel_attn`, DeepSeek's MLA ranks…). */
  readonly refine?: (ctx: FamilyContext) => Refinement;
  /** False where the modeling code always uses hidden / heads and ignores a `head_dim` key. */
  readonly readsHeadDim?: boolean;
  /** T5's FFN: gated when `feed_forward_proj` says `gated-…` (v1.1, mT5, UMT5), plain otherwise (v1.0). */
  readonly feedForwardProj?: boolean;
  /** False for encoders without token types (CLIP's vision tower). */
  readonly typeVocab?: boolean;
  /** False for models without a vocabulary (vision towers). */
  readonly vocabulary?: boolean;
  /** Sizes the family's config class defaults to, when the file leaves them out (LitGPT's Config). */
  readonly defaults?: { readonly hiddenSize?: number; readonly numHeads?: number };
  /**
   * Vocabulary size when the config leaves it out (nanoGPT's 50304, padded from GPT-2's 50257); undefined where the
   * family can assume none, having said why (ctx.fail).
   */
  readonly defaultVocabSize?: number | ((ctx: FamilyContext) => number | undefined);
};

const GPT_STYLE: Family = {
  name: 'GPT-2',
  generic: false,
  encoderDecoder: false,
  encoderOnly: false,
  norm: 'layernorm',
  normsPerLayer: 2,
  positions: 'learned',
  attentionBias: 'all',
  mlp: 'plain',
  mlpBias: true,
  embeddingNorm: false,
  pooler: false,
  lmHeadBias: false,
  finalNorm: true,
  dropout: true,
  head: 'lm',
  qkNorm: false,
  positionOffset: 0,
  pythonGelu: true,
  tiedByDefault: true,
  defaultIntermediateMultiple: 4,
  readsHeadDim: false,
};

const LLAMA_STYLE: Family = {
  name: 'Llama',
  generic: false,
  encoderDecoder: false,
  encoderOnly: false,
  norm: 'rmsnorm',
  normsPerLayer: 2,
  positions: 'rotary',
  attentionBias: 'none',
  mlp: 'gated',
  mlpBias: false,
  embeddingNorm: false,
  pooler: false,
  lmHeadBias: false,
  finalNorm: true,
  dropout: false,
  head: 'lm',
  qkNorm: false,
  positionOffset: 0,
  pythonGelu: false,
  tiedByDefault: false,
  defaultIntermediateMultiple: undefined,
  // Llama and its relatives accept attention_bias / mlp_bias switches.
  refine: ctx => ({
    attentionBias: ctx.bool('attention_bias') ? 'all' : 'none',
    mlpBias: ctx.bool('mlp_bias') ?? false,
  }),
};

const BERT_STYLE: Family = {
  ...GPT_STYLE,
  name: 'BERT',
  encoderOnly: true,
  embeddingNorm: true,
  pooler: true,
  finalNorm: false,
  head: 'none',
  pythonGelu: false,
};

/**
 * Every layer `num_local_experts` (or `num_experts`) routed experts of intermediate_size, top-k, no shared expert;
 * the config class's defaults where the config leaves the counts out.
 */
const everyLayerExperts = (ctx: FamilyContext, defaults = { experts: 0, topK: 0 }): Refinement['moe'] => ({
  numExperts: ctx.int('num_local_experts') ?? ctx.int('num_experts') ?? defaults.experts,
  expertsPerToken: ctx.int('num_experts_per_tok') ?? defaults.topK,
  expertIntermediate: ctx.intermediateSize ?? 0,
  sharedIntermediate: 0,
  sharedExpertGate: false,
  moeLayers: ctx.numLayers,
  routerBias: false,
});

/** Mixtral: every layer's FFN is `num_local_experts` experts of intermediate_size, top-k routed (8 and 2 by default). */
const mixtralRefine = (ctx: FamilyContext): Refinement => ({ moe: everyLayerExperts(ctx, { experts: 8, topK: 2 }) });

/** Layers i of `layers` with i % period = offset (Jamba's attention and expert layers). */
function everyNth(layers: number, period: number, offset: number): number {
  return period < 1 || offset >= layers ? 0 : Math.floor((layers - 1 - offset) / period) + 1;
}

/** Jamba's layer pattern and its Mamba mixer (JambaConfig's defaults where the config leaves them out). */
const jambaRefine = (ctx: FamilyContext): Refinement => {
  const layers = ctx.numLayers;
  const attentionLayers = everyNth(layers, ctx.int('attn_layer_period') ?? 8, ctx.int('attn_layer_offset', { allowZero: true }) ?? 4);
  const expertLayers = everyNth(layers, ctx.int('expert_layer_period') ?? 2, ctx.int('expert_layer_offset', { allowZero: true }) ?? 1);
  const rank = ctx.str('mamba_dt_rank') === 'auto' || !ctx.has('mamba_dt_rank') ? Math.ceil(ctx.hiddenSize / 16) : ctx.int('mamba_dt_rank') ?? Math.ceil(ctx.hiddenSize / 16);
  return {
    moe: { ...everyLayerExperts(ctx, { experts: 16, topK: 2 })!, moeLayers: expertLayers },
    hybrid: {
      attentionLayers,
      mambaLayers: layers - attentionLayers,
      mixer: {
        inner: (ctx.int('mamba_expand') ?? 2) * ctx.hiddenSize, state: ctx.int('mamba_d_state') ?? 16, convKernel: ctx.int('mamba_d_conv') ?? 4,
        timeStepRank: rank, linearBias: ctx.bool('mamba_proj_bias') === true, convBias: ctx.bool('mamba_conv_bias') !== false, innerNorms: true,
      },
    },
  };
};

/** Granite 4's layer kinds, experts and Mamba2 mixer (GraniteMoeHybridConfig's defaults where the config leaves them out). */
const graniteHybridRefine = (ctx: FamilyContext): Refinement => {
  const kinds = ctx.layerTypes ?? Array<string>(ctx.numLayers).fill('mamba');
  const attentionLayers = kinds.slice(0, ctx.numLayers).filter(k => k === 'attention').length;
  const experts = ctx.int('num_local_experts', { allowZero: true }) ?? 8;
  const shared = ctx.int('shared_intermediate_size') ?? 1024;
  const heads = ctx.int('mamba_n_heads') ?? 128;
  const inner = (ctx.int('mamba_expand') ?? 2) * ctx.hiddenSize;
  if (inner % heads !== 0) {
    ctx.fail(`\`mamba_n_heads\` (${heads}) must divide mamba_expand × hidden_size (${inner}).`, 'mamba_n_heads');
  }
  return {
    attentionBias: ctx.bool('attention_bias') ? 'all' : 'none',
    ...(experts > 0
      ? { moe: { numExperts: experts, expertsPerToken: ctx.int('num_experts_per_tok') ?? 2, expertIntermediate: ctx.intermediateSize ?? 0, sharedIntermediate: shared, sharedExpertGate: false, moeLayers: ctx.numLayers, routerBias: false } }
      : { intermediateSize: shared }),
    hybrid: {
      attentionLayers,
      mambaLayers: ctx.numLayers - attentionLayers,
      mixer: {
        inner, state: ctx.int('mamba_d_state') ?? 256, convKernel: ctx.int('mamba_d_conv') ?? 4, timeStepRank: 0,
        linearBias: ctx.bool('mamba_proj_bias') === true, convBias: ctx.bool('mamba_conv_bias') !== false,
        mamba2: { heads, groups: ctx.int('mamba_n_groups') ?? 1 },
      },
    },
  };
};

/** Zamba2Config's layer pattern when the config leaves `layers_block_type` out (its 54 layers, 9 of them hybrid). */
const ZAMBA2_DEFAULT_LAYERS = ['mamba', ...Array<string[]>(7).fill(['mamba', 'mamba', 'mamba', 'mamba', 'mamba', 'hybrid']).flat(), 'mamba', 'mamba', 'mamba', 'mamba', 'hybrid', 'mamba', 'mamba', 'mamba', 'hybrid', 'mamba', 'mamba'];

/**
 * Zamba2: a Mamba2 mixer in every layer; its hybrid layers (`layers_block_type`) also run one of num_mem_blocks shared
 * transformer blocks, whose attention reads the hidden state beside the embedding (2 × hidden_size, heads of
 * 2 × hidden_size / heads) and caches keys and values per hybrid layer (Zamba2Config's defaults where the config is silent).
 */
const zamba2Refine = (ctx: FamilyContext): Refinement => {
  const kinds = ctx.layerTypes ?? (ctx.numLayers === ZAMBA2_DEFAULT_LAYERS.length ? ZAMBA2_DEFAULT_LAYERS : undefined);
  if (!kinds || kinds.length < ctx.numLayers) {
    ctx.fail(`\`layers_block_type\` must name the kind ("mamba" or "hybrid") of each of the ${ctx.numLayers} layers.`, 'layers_block_type');
    return {};
  }
  const attentionWidth = 2 * ctx.hiddenSize;
  const heads = ctx.numHeads;
  const mambaHeads = ctx.int('n_mamba_heads') ?? 8;
  const inner = (ctx.int('mamba_expand') ?? 2) * ctx.hiddenSize;
  if (attentionWidth % heads !== 0 || inner % mambaHeads !== 0) {
    ctx.fail(attentionWidth % heads !== 0 ? `\`num_attention_heads\` (${heads}) must divide twice hidden_size (${attentionWidth}).` : `\`n_mamba_heads\` (${mambaHeads}) must divide the mixer's width (${inner}).`, attentionWidth % heads !== 0 ? 'num_attention_heads' : 'n_mamba_heads');
    return {};
  }
  const bias = ctx.bool('add_bias_linear') === true;
  return {
    headDim: attentionWidth / heads,
    intermediateSize: ctx.intermediateSize ?? 4 * ctx.hiddenSize,
    mlpBias: bias,
    sharedBlocks: { blocks: ctx.int('num_mem_blocks') ?? 1, rank: ctx.int('adapter_rank') ?? 128, attentionAdapters: ctx.bool('use_shared_attention_adapter') === true },
    hybrid: {
      attentionLayers: kinds.slice(0, ctx.numLayers).filter(k => k === 'hybrid').length,
      mambaLayers: ctx.numLayers,
      mixer: {
        inner, state: ctx.int('mamba_d_state') ?? 64, convKernel: ctx.int('mamba_d_conv') ?? 4, timeStepRank: 0,
        linearBias: bias, convBias: true, mamba2: { heads: mambaHeads, groups: ctx.int('mamba_ngroups') ?? 1 },
      },
    },
  };
};

/** Falcon-H1's mixer in every layer beside attention (FalconH1Config's defaults where the config leaves them out). */
const falconH1Refine = (ctx: FamilyContext): Refinement => {
  const heads = ctx.int('mamba_n_heads') ?? 128;
  // FalconH1Config defaults mamba_d_ssm to 1,024; written as null, the mixer is mamba_expand × hidden_size wide.
  const inner = ctx.isNull('mamba_d_ssm') ? (ctx.int('mamba_expand') ?? 2) * ctx.hiddenSize : ctx.int('mamba_d_ssm') ?? 1024;
  if (inner % heads !== 0) {
    ctx.fail(`\`mamba_n_heads\` (${heads}) must divide the mixer's width (${inner}).`, 'mamba_n_heads');
  }
  return {
    attentionBias: ctx.bool('attention_bias') ? 'all' : 'none',
    mlpBias: ctx.bool('mlp_bias') === true,
    hybrid: {
      attentionLayers: ctx.numLayers,
      mambaLayers: ctx.numLayers,
      mixer: {
        inner, state: ctx.int('mamba_d_state') ?? 256, convKernel: ctx.int('mamba_d_conv') ?? 4, timeStepRank: 0,
        linearBias: ctx.bool('mamba_proj_bias') === true, outBias: ctx.bool('projectors_bias') === true, convBias: ctx.bool('mamba_conv_bias') !== false,
        gatedNorm: ctx.bool('mamba_rms_norm') === true, mamba2: { heads, groups: ctx.int('mamba_n_groups') ?? 1 },
      },
    },
  };
};

/** Qwen ships `sliding_window` in every config but uses it only with use_sliding_window, above max_window_layers. */
function qwenSlidingLayers(ctx: FamilyContext): number {
  if (ctx.bool('use_sliding_window') !== true) {
    return 0;
  }
  return Math.max(0, ctx.numLayers - (ctx.int('max_window_layers', { allowZero: true }) ?? 28));
}

/** Qwen2-MoE / Qwen3-MoE: sparse FFN every `decoder_sparse_step` layers, except `mlp_only_layers`. */
const qwenMoeRefine = (shared: boolean) => (ctx: FamilyContext): Refinement => {
  const step = ctx.int('decoder_sparse_step') ?? 1;
  const sharedIntermediate = shared ? (ctx.int('shared_expert_intermediate_size') ?? 0) : 0;
  return {
    qkNorm: shared ? false : 'head',
    slidingLayers: qwenSlidingLayers(ctx),
    moe: {
      numExperts: ctx.int('num_experts') ?? 0,
      expertsPerToken: ctx.int('num_experts_per_tok') ?? 0,
      expertIntermediate: ctx.int('moe_intermediate_size') ?? 0,
      sharedIntermediate,
      sharedExpertGate: sharedIntermediate > 0,
      moeLayers: Math.floor(ctx.numLayers / step),
      routerBias: false,
    },
  };
};

/** Qwen3-Next's layer kinds (layer_types, or every full_attention_interval-th layer), experts and Gated DeltaNet. */
const qwen3NextRefine = (ctx: FamilyContext): Refinement => {
  const interval = ctx.int('full_attention_interval') ?? 4;
  const kinds = ctx.layerTypes ?? Array.from({ length: ctx.numLayers }, (_, i) => ((i + 1) % interval === 0 ? 'full_attention' : 'linear_attention'));
  const attentionLayers = kinds.slice(0, ctx.numLayers).filter(k => k === 'full_attention').length;
  const { qkNorm: _perHead, slidingLayers: _none, ...moe } = qwenMoeRefine(true)(ctx);
  return {
    ...moe,
    gatedAttention: true,
    hybrid: {
      attentionLayers,
      mambaLayers: ctx.numLayers - attentionLayers,
      mixer: {
        kind: 'gated-deltanet', keyHeads: ctx.int('linear_num_key_heads') ?? 16, valueHeads: ctx.int('linear_num_value_heads') ?? 32,
        keyDim: ctx.int('linear_key_head_dim') ?? 128, valueDim: ctx.int('linear_value_head_dim') ?? 128, convKernel: ctx.int('linear_conv_kernel_dim') ?? 4,
      },
    },
  };
};

/**
 * DeepSeekMoE (v1, `deepseek`): Llama's attention, dense FFNs in the first first_k_dense_replace layers, then
 * n_routed_experts experts of moe_intermediate_size with n_shared_experts shared ones, every moe_layer_freq layers.
 */
const deepseekMoeRefine = (ctx: FamilyContext): Refinement => {
  const { mla: _latent, headDim: _rotary, ...moe } = deepseekRefine(ctx);
  return moe;
};

/**
 * Kimi-VL's remote code builds its DeepSeek-V3 language model from DeepSeek's own modeling file, where the router's
 * e_score_correction_bias is a parameter whenever topk_method is noaux_tc (its default).
 */
function remoteRouterBias(ctx: FamilyContext): boolean {
  return ctx.architecture === 'KimiVLForConditionalGeneration' && (ctx.str('topk_method') ?? 'noaux_tc') === 'noaux_tc';
}

/** Where a DeepSeek-style config writes its mixture of experts, and what its config class assumes when it does not. */
interface DeepseekMoeKeys {
  readonly denseLayers: string;
  readonly defaultDenseLayers: number;
  readonly expertWidth: string;
  readonly expertsPerToken: string;
  readonly defaultShared: number;
  readonly defaultExperts: number;
  readonly defaultExpertWidth: number;
  readonly defaultExpertsPerToken: number;
  /** Layers whose index is a multiple of moe_layer_freq hold experts (HF DeepSeek-V2); undefined: every one. */
  readonly layerFreq?: string;
  /** Where the routed and shared experts are counted, when not DeepSeek's `n_routed_experts` / `n_shared_experts`. */
  readonly experts?: string;
  readonly shared?: string;
}
const HF_DEEPSEEK_MOE: DeepseekMoeKeys = {
  denseLayers: 'first_k_dense_replace', defaultDenseLayers: 0, expertWidth: 'moe_intermediate_size', expertsPerToken: 'num_experts_per_tok', defaultShared: 0, defaultExperts: 0, defaultExpertWidth: 0, defaultExpertsPerToken: 0, layerFreq: 'moe_layer_freq',
};
const NATIVE_DEEPSEEK_MOE: DeepseekMoeKeys = {
  denseLayers: 'n_dense_layers', defaultDenseLayers: 1, expertWidth: 'moe_inter_dim', expertsPerToken: 'n_activated_experts', defaultShared: 0, defaultExperts: 0, defaultExpertWidth: 0, defaultExpertsPerToken: 0,
};

/**
 * DeepSeek's mixture of experts, as DeepSeek-V2/V3 and the models built on it (GLM-4.5, dots.llm1, Kimi Linear, Ling
 * 2.0) lay it out: dense FFNs in the first layers, then n_routed_experts routed experts beside n_shared_experts shared
 * ones, each moe_intermediate_size wide; a count written as null is none, as their modeling code reads it. Undefined
 * when there are no routed experts or no layer holds them.
 */
function deepseekMoe(ctx: FamilyContext, keys: DeepseekMoeKeys, routerBias: boolean): MoeShape | undefined {
  const denseLayers = ctx.int(keys.denseLayers, { allowZero: true }) ?? keys.defaultDenseLayers;
  const freq = keys.layerFreq === undefined ? 1 : (ctx.int(keys.layerFreq) ?? 1);
  let moeLayers = 0;
  for (let i = denseLayers; i < ctx.numLayers; i++) {
    if (i % freq === 0) {
      moeLayers++;
    }
  }
  const expertIntermediate = ctx.int(keys.expertWidth) ?? keys.defaultExpertWidth;
  const count = (key: string, fallback: number, allowZero: boolean) => (ctx.isNull(key) ? 0 : (ctx.int(key, { allowZero }) ?? fallback));
  const numExperts = count(keys.experts ?? 'n_routed_experts', keys.defaultExperts, false);
  const shared = count(keys.shared ?? 'n_shared_experts', keys.defaultShared, true);
  return numExperts > 0 && moeLayers > 0 ? {
    numExperts,
    expertsPerToken: ctx.int(keys.expertsPerToken) ?? keys.defaultExpertsPerToken,
    expertIntermediate,
    sharedIntermediate: shared * expertIntermediate,
    sharedExpertGate: false,
    moeLayers,
    routerBias,
  } : undefined;
}

/**
 * DeepSeek-V2/V3 (HF `deepseek_v2`/`deepseek_v3` and the native `inference/configs/*.json` names): multi-head
 * latent attention, dense FFNs in the first layers, then routed experts plus shared experts.
 */
const deepseekRefine = (ctx: FamilyContext): Refinement => {
  const native = ctx.has('n_dense_layers') || ctx.has('moe_inter_dim');
  // V3's router keeps an e_score_correction_bias: a parameter in DeepSeek's own model (the 7168-wide one), a buffer
  // (not a parameter) in HF transformers.
  const moe = deepseekMoe(ctx, native ? NATIVE_DEEPSEEK_MOE : HF_DEEPSEEK_MOE, (native && ctx.hiddenSize === 7168) || remoteRouterBias(ctx));
  const intermediateSize = ctx.int(native ? 'inter_dim' : 'intermediate_size') ?? ctx.intermediateSize;
  // DeepSeek-VL2's small language models (use_mla: false): multi-head attention, its MLA dimensions written as 0.
  if (ctx.bool('use_mla') === false) {
    return { intermediateSize, moe };
  }
  const nope = ctx.int('qk_nope_head_dim') ?? 0;
  const rope = ctx.int('qk_rope_head_dim') ?? 0;
  // HF's config classes default q_lora_rank to 1536 when the key is absent; null (V2-Lite) means no query LoRA.
  const qLoraRank = native || ctx.isNull('q_lora_rank') ? (ctx.int('q_lora_rank', { allowZero: true }) ?? 0) : (ctx.int('q_lora_rank', { allowZero: true }) ?? 1536);
  return {
    intermediateSize,
    headDim: nope + rope,
    mla: {
      qLoraRank,
      kvLoraRank: ctx.int('kv_lora_rank') ?? 0,
      qkNopeHeadDim: nope,
      qkRopeHeadDim: rope,
      vHeadDim: ctx.int('v_head_dim') ?? 0,
    },
    moe,
  };
};

/** KimiLinearConfig's names and defaults for DeepSeek-V3's experts. */
const KIMI_LINEAR_MOE: DeepseekMoeKeys = {
  denseLayers: 'first_k_dense_replace', defaultDenseLayers: 0, expertWidth: 'moe_intermediate_size', expertsPerToken: 'num_experts_per_token', defaultShared: 0, defaultExperts: 0, defaultExpertWidth: 0, defaultExpertsPerToken: 0, layerFreq: 'moe_layer_freq', experts: 'num_experts', shared: 'num_shared_experts',
};

/** KimiLinearConfig's dense MLP width when the config writes none. */
const KIMI_LINEAR_DENSE_WIDTH = 11008;

/**
 * Kimi Linear (`kimi_linear`, Moonshot's remote code): Kimi Delta Attention in the layers linear_attn_config's
 * kda_layers lists (1-based), latent attention in the others, DeepSeek-V3's experts (a router with its
 * score-correction bias as a parameter) after first_k_dense_replace dense layers; its context is model_max_length.
 * Kimi K3's text model is one too, with its additions read from their keys (kimiK3Additions).
 */
const kimiLinearRefine = (ctx: FamilyContext): Refinement => {
  const deltaLayers = kimiDeltaLayers(ctx);
  const attentionLayers = ctx.numLayers - (deltaLayers ?? 0);
  if (attentionLayers > 0 && !ctx.has('kv_lora_rank')) {
    ctx.fail('`kv_lora_rank` is missing: Kimi Linear\'s full-attention layers are latent attention (MLA), which needs its ranks.', 'kv_lora_rank');
    return {};
  }
  const nope = ctx.int('qk_nope_head_dim') ?? 0;
  const rope = ctx.int('qk_rope_head_dim') ?? 0;
  const k3 = kimiK3Additions(ctx);
  const moe = deepseekMoe(ctx, KIMI_LINEAR_MOE, true);
  return {
    // Its context is written as model_max_length, one of the keys vLLM reads a context from.
    maxPositions: ctx.int('model_max_length'),
    intermediateSize: ctx.intermediateSize ?? KIMI_LINEAR_DENSE_WIDTH,
    ...(attentionLayers > 0
      ? { headDim: nope + rope, mla: { qLoraRank: ctx.int('q_lora_rank', { allowZero: true }) ?? 0, kvLoraRank: ctx.int('kv_lora_rank') ?? 0, qkNopeHeadDim: nope, qkRopeHeadDim: rope, vHeadDim: ctx.int('v_head_dim') ?? 0, ...(k3.outputGate ? { outputGate: true } : {}) } }
      : {}),
    moe: moe && k3.latent ? { ...moe, latent: k3.latent } : moe,
    ...(deltaLayers ? { hybrid: { attentionLayers, mambaLayers: deltaLayers, mixer: { ...kimiDeltaMixer(ctx), ...(k3.fullRankGate ? { fullRankGate: true } : {}) } } } : {}),
    ...(k3.blockSize ? { blockResiduals: { blockSize: k3.blockSize } } : {}),
  };
};

/** What Kimi K3 adds to a Kimi Linear text model, each from its own key; a key left out (or false) adds nothing. */
interface KimiK3Additions {
  readonly latent?: { readonly width: number; readonly norm: boolean };
  readonly blockSize?: number;
  readonly outputGate: boolean;
  readonly fullRankGate: boolean;
}

/**
 * Kimi K3's additions: latent experts (routed_expert_hidden_size wide, with an RMSNorm on the latent where
 * latent_moe_use_norm), block attention residuals (attn_res_block_size), the gated latent attention
 * (mla_use_output_gate) and the full-rank delta-attention gate (linear_attn_config.use_full_rank_gate).
 */
function kimiK3Additions(ctx: FamilyContext): KimiK3Additions {
  const width = ctx.int('routed_expert_hidden_size');
  return {
    ...(width !== undefined ? { latent: { width, norm: ctx.bool('latent_moe_use_norm') === true } } : {}),
    blockSize: ctx.int('attn_res_block_size'),
    outputGate: ctx.bool('mla_use_output_gate') === true,
    fullRankGate: ctx.bool('linear_attn_config.use_full_rank_gate') === true,
  };
}

/** How many layers linear_attn_config's kda_layers (1-based) makes Kimi Delta Attention; undefined when it makes none. */
function kimiDeltaLayers(ctx: FamilyContext): number | undefined {
  if (ctx.length('linear_attn_config.kda_layers') === undefined) {
    // KimiLinearConfig asserts the list whenever linear_attn_config is written.
    if (ctx.length('linear_attn_config.full_attn_layers') !== undefined || kimiSectionKey(ctx) !== undefined) {
      ctx.fail('`linear_attn_config.kda_layers` is missing: Kimi Linear\'s config requires the list of its Kimi Delta Attention layers.', kimiSectionKey(ctx));
    }
    return undefined;
  }
  const listed = ctx.numbers('linear_attn_config.kda_layers');
  if (!listed) {
    ctx.fail('`linear_attn_config.kda_layers` must list the Kimi Delta Attention layers by their 1-based numbers.', kimiSectionKey(ctx));
    return undefined;
  }
  const layers = new Set(listed.filter(i => i <= ctx.numLayers)).size;
  return layers > 0 ? layers : undefined;
}

/** The delta-attention sizes of linear_attn_config: a problem with the section is shown on the first of them it writes. */
const KIMI_SECTION_SIZES = ['num_heads', 'head_dim', 'short_conv_kernel_size'].map(k => `linear_attn_config.${k}`);
function kimiSectionKey(ctx: FamilyContext): string | undefined {
  return KIMI_SECTION_SIZES.find(k => ctx.has(k));
}

/** Kimi Delta Attention's heads, head width and convolution window (linear_attn_config; the modeling code requires each). */
function kimiDeltaMixer(ctx: FamilyContext): DeltaNetShape {
  const heads = ctx.int('linear_attn_config.num_heads');
  const headDim = ctx.int('linear_attn_config.head_dim');
  const kernel = ctx.int('linear_attn_config.short_conv_kernel_size');
  const missing = [['num_heads', heads], ['head_dim', headDim], ['short_conv_kernel_size', kernel]].find(([, v]) => v === undefined);
  if (missing) {
    ctx.fail(`\`linear_attn_config.${missing[0]}\` is missing: Kimi Linear's modeling code reads it for every Kimi Delta Attention layer.`, kimiSectionKey(ctx));
  }
  return { kind: 'kimi-delta', keyHeads: heads ?? 1, valueHeads: heads ?? 1, keyDim: headDim ?? 1, valueDim: headDim ?? 1, convKernel: kernel ?? 1 };
}

/** MiniMax-Text-01's and MiniMax-M1's family, as the report names it. */
const MINIMAX_01 = 'MiniMax-01 (lightning attention–softmax attention hybrid, mixture of experts)';

/**
 * MiniMax-01 (MiniMax-Text-01, MiniMax-M1): lightning attention in the layers attn_type_list marks 0 (the remote
 * code's `minimax_text_01` / `minimax_m1`) or layer_types calls linear_attention (transformers' `minimax`, whose
 * default alternates from a full-attention first layer), grouped-query softmax attention in the others, Mixtral's
 * experts in every layer. A shared expert (shared_intermediate_size) is refused on the key, not counted.
 */
const minimaxRefine = (ctx: FamilyContext): Refinement => {
  if ((ctx.int('shared_intermediate_size', { allowZero: true }) ?? 0) > 0) {
    ctx.fail('`shared_intermediate_size` adds a shared expert beside the routed ones, which VRAM Lens does not count for MiniMax-01.', 'shared_intermediate_size');
    return {};
  }
  const linearLayers = minimaxLinearLayers(ctx);
  if (linearLayers === undefined) {
    return {};
  }
  const headDim = ctx.int('head_dim') ?? Math.floor(ctx.hiddenSize / ctx.numHeads);
  return {
    moe: everyLayerExperts(ctx, { experts: 8, topK: 2 }),
    ropeCache: { rotaryDim: ctx.int('rotary_dim') ?? headDim },
    ...(linearLayers > 0 ? { hybrid: { attentionLayers: ctx.numLayers - linearLayers, mambaLayers: linearLayers, mixer: { kind: 'lightning', heads: ctx.numHeads, headDim } } } : {}),
  };
};

/** How many of MiniMax-01's layers run lightning attention: attn_type_list's zeros, layer_types' linear_attention, or every second layer. */
function minimaxLinearLayers(ctx: FamilyContext): number | undefined {
  if (ctx.length('attn_type_list') !== undefined) {
    const kinds = ctx.numbers('attn_type_list', { allowZero: true });
    if (!kinds || kinds.some(k => k > 1)) {
      // A list is no key of its own to underline: the problem is shown on model_type, as when the list is missing.
      ctx.fail('`attn_type_list` must give each layer 0 (lightning attention) or 1 (softmax attention).', 'model_type');
      return undefined;
    }
    return kinds.slice(0, ctx.numLayers).filter(k => k === 0).length;
  }
  if (ctx.layerTypes) {
    return ctx.layerTypes.slice(0, ctx.numLayers).filter(t => t === 'linear_attention').length;
  }
  if (ctx.architecture !== undefined && ctx.architecture !== 'MiniMaxForCausalLM') {
    ctx.fail('`attn_type_list` is missing: MiniMax-01\'s remote code reads each layer\'s kind (lightning or softmax attention) from it.', 'model_type');
    return undefined;
  }
  return Math.floor(ctx.numLayers / 2);
}

/** DeepseekV4Config's defaults (DeepSeek-V4-Flash's sizes) for what a config leaves out. */
const DEEPSEEK_V4_DEFAULTS = {
  headDim: 512, qLoraRank: 1024, oGroups: 8, oLoraRank: 1024, indexHeads: 64, indexHeadDim: 128, hcMult: 4, slidingWindow: 128,
  csaRate: 4, hcaRate: 128, experts: 256, topK: 6, expertWidth: 2048,
} as const;

/**
 * DeepSeek-V4 (`deepseek_v4`, transformers' DeepseekV4ForCausalLM): see DeepseekV4Layout. Each layer's kind comes from
 * layer_types, or from the legacy per-layer compress_ratios (0 a sliding window alone, the CSA rate compressed sparse,
 * else heavily compressed), or DeepseekV4Config's default (two heavily compressed layers, then compressed sparse and
 * heavily compressed in turn); every layer holds n_routed_experts experts beside one shared expert of their width.
 */
const deepseekV4Refine = (ctx: FamilyContext): Refinement => {
  if ((ctx.int('n_shared_experts', { allowZero: true }) ?? 1) !== 1) {
    ctx.fail('`n_shared_experts`: DeepSeek-V4\'s modeling code builds one shared expert, whatever the config says; VRAM Lens counts only that layout.', 'n_shared_experts');
    return {};
  }
  const csaRate = ctx.int('compress_rates.compressed_sparse_attention') ?? ctx.int('compress_rate_csa') ?? DEEPSEEK_V4_DEFAULTS.csaRate;
  const kinds = deepseekV4LayerKinds(ctx, csaRate);
  if (!kinds) {
    return {};
  }
  const d = DEEPSEEK_V4_DEFAULTS;
  const expertWidth = ctx.int('moe_intermediate_size') ?? d.expertWidth;
  const layout: DeepseekV4Layout = {
    qLoraRank: ctx.int('q_lora_rank') ?? d.qLoraRank,
    oGroups: ctx.int('o_groups') ?? d.oGroups,
    oLoraRank: ctx.int('o_lora_rank') ?? d.oLoraRank,
    indexHeads: ctx.int('index_n_heads') ?? d.indexHeads,
    indexHeadDim: ctx.int('index_head_dim') ?? d.indexHeadDim,
    hcMult: ctx.int('hc_mult') ?? d.hcMult,
    slidingWindow: ctx.int('sliding_window') ?? d.slidingWindow,
    csaRate,
    hcaRate: ctx.int('compress_rates.heavily_compressed_attention') ?? ctx.int('compress_rate_hca') ?? d.hcaRate,
    csaLayers: kinds.filter(k => k === 'compressed_sparse_attention').length,
    hcaLayers: kinds.filter(k => k === 'heavily_compressed_attention').length,
  };
  return {
    headDim: ctx.int('head_dim') ?? d.headDim,
    numKvHeads: 1,
    intermediateSize: expertWidth,
    deepseekV4: layout,
    moe: {
      numExperts: ctx.int('n_routed_experts') ?? d.experts,
      expertsPerToken: ctx.int('num_experts_per_tok') ?? d.topK,
      expertIntermediate: expertWidth,
      sharedIntermediate: expertWidth,
      sharedExpertGate: false,
      moeLayers: ctx.numLayers,
      routerBias: false,
    },
  };
};

/** The DeepSeek-V4 layer kinds (DeepseekV4Config's names), one per layer; undefined (the reason recorded) for a kind it does not build. */
function deepseekV4LayerKinds(ctx: FamilyContext, csaRate: number): readonly string[] | undefined {
  const known = ['sliding_attention', 'compressed_sparse_attention', 'heavily_compressed_attention'];
  const n = ctx.numLayers;
  if (ctx.layerTypes) {
    const kinds = ctx.layerTypes.slice(0, n);
    if (kinds.length < n || kinds.some(k => !known.includes(k))) {
      ctx.fail(`\`layer_types\` must give each of the ${n} layers one of ${known.join(', ')}.`, 'model_type');
      return undefined;
    }
    return kinds;
  }
  if (ctx.length('compress_ratios') !== undefined) {
    const ratios = ctx.numbers('compress_ratios', { allowZero: true });
    if (!ratios || ratios.length < n) {
      ctx.fail(`\`compress_ratios\` must give each of the ${n} layers a whole number (0 for a sliding window alone).`, 'model_type');
      return undefined;
    }
    return ratios.slice(0, n).map(r => (r === 0 ? known[0] : r === csaRate ? known[1] : known[2]));
  }
  return Array.from({ length: n }, (_, i) => (i < 2 || i % 2 === 0 ? known[2] : known[1]));
}

/** LongcatFlashConfig's defaults (LongCat-Flash-Chat's sizes) for what a config leaves out. */
const LONGCAT_DEFAULTS = { ffn: 12288, expertFfn: 2048, experts: 512, zeroExperts: 256, topK: 12, qLoraRank: 1536, kvLoraRank: 512, nope: 128, rope: 64, v: 128 } as const;

/**
 * LongCat-Flash (`longcat_flash`, transformers' LongcatFlashForCausalLM): each of num_layers blocks holds two
 * sublayers of DeepSeek-V3's latent attention (a query LoRA always) and a dense MLP of ffn_hidden_size, and one
 * shortcut mixture of experts beside them: n_routed_experts of expert_ffn_hidden_size and zero_expert_num
 * zero-computation experts, moe_topk per token. Counted as 2 × num_layers layers, half of them holding the experts
 * beside their MLP (the shared-expert slot, which has the MLP's shape).
 */
const longcatFlashRefine = (ctx: FamilyContext): Refinement => {
  const ffn = ctx.int('ffn_hidden_size') ?? LONGCAT_DEFAULTS.ffn;
  const nope = ctx.int('qk_nope_head_dim') ?? LONGCAT_DEFAULTS.nope;
  const rope = ctx.int('qk_rope_head_dim') ?? LONGCAT_DEFAULTS.rope;
  return {
    numLayers: 2 * ctx.numLayers,
    intermediateSize: ffn,
    headDim: nope + rope,
    mla: { qLoraRank: ctx.int('q_lora_rank') ?? LONGCAT_DEFAULTS.qLoraRank, kvLoraRank: ctx.int('kv_lora_rank') ?? LONGCAT_DEFAULTS.kvLoraRank, qkNopeHeadDim: nope, qkRopeHeadDim: rope, vHeadDim: ctx.int('v_head_dim') ?? LONGCAT_DEFAULTS.v },
    moe: {
      numExperts: ctx.int('n_routed_experts') ?? LONGCAT_DEFAULTS.experts,
      expertsPerToken: ctx.int('moe_topk') ?? LONGCAT_DEFAULTS.topK,
      expertIntermediate: ctx.int('expert_ffn_hidden_size') ?? LONGCAT_DEFAULTS.expertFfn,
      sharedIntermediate: ffn,
      sharedExpertGate: false,
      moeLayers: ctx.numLayers,
      routerBias: false,
      // LongcatFlashExperts reads a null zero_expert_num as none.
      zeroExperts: ctx.isNull('zero_expert_num') ? 0 : (ctx.int('zero_expert_num', { allowZero: true }) ?? LONGCAT_DEFAULTS.zeroExperts),
    },
  };
};

/** BailingMoeV2Config's names and defaults for its experts. */
const BAILING_V2_MOE: DeepseekMoeKeys = {
  denseLayers: 'first_k_dense_replace', defaultDenseLayers: 1, expertWidth: 'moe_intermediate_size', expertsPerToken: 'num_experts_per_tok', defaultShared: 1, defaultExperts: 256, defaultExpertWidth: 512, defaultExpertsPerToken: 8, experts: 'num_experts', shared: 'num_shared_experts',
};

/**
 * Ling 2.0 (`bailing_moe_v2`, inclusionAI's remote code BailingMoeV2ForCausalLM): a fused query_key_value projection
 * (biased with use_qkv_bias) and per-head q/k RMSNorms (use_qk_norm, on by default), the output projection biased
 * with use_bias; dense MLPs in the first first_k_dense_replace layers, then num_experts experts of
 * moe_intermediate_size beside num_shared_experts shared ones, a router whose expert bias is a buffer
 * (BailingMoeV2Config's defaults where the config is silent). Its multi-token-prediction layers
 * (num_nextn_predict_layers) are a draft, outside the count, as vLLM and SGLang load the model.
 */
const bailingV2Refine = (ctx: FamilyContext): Refinement => {
  const qkvBias = ctx.bool('use_qkv_bias') === true;
  const outBias = ctx.bool('use_bias') === true;
  const moe = deepseekMoe(ctx, BAILING_V2_MOE, false);
  return {
    qkNorm: ctx.bool('use_qk_norm') === false ? false : 'head',
    attentionBias: qkvBias && outBias ? 'all' : qkvBias ? 'qkv' : outBias ? 'o' : 'none',
    intermediateSize: ctx.intermediateSize ?? 5120,
    ...(moe ? { moe } : {}),
  };
};

/** BailingMoeConfig's (Ling 1.x) names and defaults for its experts; its expert width has no default. */
const BAILING_V1_MOE: DeepseekMoeKeys = {
  denseLayers: 'first_k_dense_replace', defaultDenseLayers: 0, expertWidth: 'moe_intermediate_size', expertsPerToken: 'num_experts_per_tok', defaultShared: 0, defaultExperts: 16, defaultExpertWidth: 0, defaultExpertsPerToken: 2, experts: 'num_experts', shared: 'num_shared_experts',
};

/**
 * Ling 1.x (`bailing_moe`, inclusionAI's remote code BailingMoeForCausalLM: Ling-lite, Ling-plus): a fused
 * query_key_value projection (biased with use_qkv_bias), dense MLPs in the first first_k_dense_replace layers, then
 * num_experts experts of moe_intermediate_size beside num_shared_experts shared ones of the same width, a bias-free
 * router. BailingMoeConfig defaults use_bias to true, which biases the other projections and MLPs as well; a config
 * that leaves it so is refused, not counted.
 */
const bailingV1Refine = (ctx: FamilyContext): Refinement => {
  if (ctx.bool('use_bias') !== false) {
    ctx.fail(`\`use_bias\` is ${ctx.has('use_bias') ? 'set' : 'not written, and BailingMoeConfig defaults it to true'}: Ling 1.x's biased projections and MLPs are not counted by VRAM Lens.`, ctx.has('use_bias') ? 'use_bias' : 'model_type');
    return {};
  }
  if (ctx.int('num_experts', { allowZero: true }) !== 0 && ctx.int('moe_intermediate_size') === undefined) {
    ctx.fail('`moe_intermediate_size` is missing: BailingMoeConfig has no expert width to assume.', 'num_experts');
    return {};
  }
  const moe = deepseekMoe(ctx, BAILING_V1_MOE, false);
  return {
    qkNorm: ctx.bool('use_qk_norm') === true ? 'head' : false,
    attentionBias: ctx.bool('use_qkv_bias') === true ? 'qkv' : 'none',
    intermediateSize: ctx.intermediateSize ?? ctx.int('moe_intermediate_size'),
    ...(moe ? { moe } : {}),
  };
};

/** `bailing_moe`: Ling 2.0's checkpoints write it too, naming BailingMoeV2ForCausalLM; the others are Ling 1.x. */
const bailingRefine = (ctx: FamilyContext): Refinement => (ctx.architecture === 'BailingMoeV2ForCausalLM' ? bailingV2Refine(ctx) : bailingV1Refine(ctx));

/** DeciLM's FFN width for an ffn_mult: two thirds of ffn_mult × hidden_size, rounded up to a multiple of 256. */
function deciFfnWidth(mult: number, hidden: number): number {
  return Math.ceil(Math.trunc((2 * mult * hidden) / 3) / 256) * 256;
}

/** One Nemotron-NAS layer as DeciLM builds it: key-value heads of its attention (or none, or a linear layer), its FFN width (or none, or a linear layer). */
interface NasLayer {
  readonly attention: number | 'linear' | 'none';
  readonly ffn: number | 'linear' | 'none';
}

/** One block_configs entry as a layer; undefined (the reason recorded) for one VRAM Lens cannot count. */
function nasLayer(ctx: FamilyContext, b: Readonly<Record<string, RawValue | null>>, layer: number): NasLayer | undefined {
  const where = `\`block_configs[${layer}]\``;
  if (b['attention.window_length'] !== undefined && b['attention.window_length'] !== null && b['attention.no_op'] !== true) {
    ctx.fail(`${where}: a windowed attention layer (attention.window_length) is not counted by VRAM Lens.`);
    return undefined;
  }
  const group = b['attention.n_heads_in_group'];
  const grouped = typeof group === 'number' && Number.isInteger(group) && group >= 1 && ctx.numHeads % group === 0 ? ctx.numHeads / group : undefined;
  const attention = b['attention.no_op'] === true ? 'none' : b['attention.replace_with_linear'] === true ? 'linear' : grouped;
  if (attention === undefined) {
    ctx.fail(`${where}: attention.n_heads_in_group must be a whole number dividing num_attention_heads (${ctx.numHeads}), unless the block's attention is no_op or replace_with_linear (it is ${JSON.stringify(group ?? null)}).`);
    return undefined;
  }
  const mult = b['ffn.ffn_mult'];
  const ffn = b['ffn.no_op'] === true ? 'none' : b['ffn.replace_with_linear'] === true ? 'linear' : typeof mult === 'number' && mult > 0 ? deciFfnWidth(mult, ctx.hiddenSize) : undefined;
  if (ffn === undefined) {
    ctx.fail(`${where}: ffn.ffn_mult must be a positive number, unless the block's FFN is no_op or replace_with_linear (it is ${JSON.stringify(mult ?? null)}).`);
    return undefined;
  }
  return { attention, ffn };
}

/** Every layer of a Nemotron-NAS config, or undefined (the reason recorded) when one cannot be counted or any is missing. */
function nasLayers(ctx: FamilyContext): readonly NasLayer[] | undefined {
  const listed = ctx.blockConfigs;
  if (!listed || listed.length < ctx.numLayers) {
    const written = listed?.length ?? ctx.length('block_configs');
    ctx.fail(`\`block_configs\` must give each of the ${ctx.numLayers} layers an object with its attention and ffn${written === undefined ? '' : listed ? ` (it lists ${written})` : ' (its items are not objects)'}.`);
    return undefined;
  }
  const layers = listed.slice(0, ctx.numLayers).map((b, i) => nasLayer(ctx, b, i));
  return layers.every((l): l is NasLayer => l !== undefined) ? layers : undefined;
}

/** Each layer as the tensors, the KV cache and llama.cpp's blocks read it: its attention's kind and its FFN. */
function nasBlocks(layers: readonly NasLayer[]): NasBlock[] {
  return layers.map(l => ({ attention: typeof l.attention === 'number' ? 'grouped' : l.attention, ffn: l.ffn }));
}

/**
 * Nemotron-NAS (`nemotron-nas`, DeciLMForCausalLM: Llama-3.3-Nemotron-Super-49B, Llama-3.1-Nemotron-Ultra-253B):
 * Llama's layers, each as its block_configs entry builds it — grouped-query attention with n_heads_in_group query heads
 * per key-value head, a linear layer in its place, or none; a gated MLP of ffn_mult (two thirds of ffn_mult × hidden,
 * rounded up to 256), a linear layer, or none; each present part after its own RMSNorm. Its attention layers must share
 * one key-value width. The mean FFN width stands for every layer's in the activation terms.
 */
const nemotronNasRefine = (ctx: FamilyContext): Refinement => {
  const layers = nasLayers(ctx);
  if (!layers) {
    return {};
  }
  const kvHeads = new Set(layers.map(l => l.attention).filter((a): a is number => typeof a === 'number'));
  if (kvHeads.size > 1) {
    ctx.fail(`\`block_configs\` gives its attention layers different key-value heads (${[...kvHeads].join(', ')}): VRAM Lens counts one key-value width for every layer.`);
    return {};
  }
  const ffnTotal = layers.reduce((n, l) => n + (typeof l.ffn === 'number' ? l.ffn : 0), 0);
  return { numKvHeads: kvHeads.size === 1 ? [...kvHeads][0] : ctx.numKvHeads, intermediateSize: Math.max(1, Math.round(ffnTotal / ctx.numLayers)), nas: nasBlocks(layers) };
};

/** GLM's attention: q/k/v biased unless attention_bias is false (its config classes default it to true). */
const glmAttentionRefine = (ctx: FamilyContext): Refinement => ({ attentionBias: ctx.bool('attention_bias') === false ? 'none' : 'qkv' });

/** Glm4MoeConfig's defaults: GLM-4.5-Air's mixture of experts. */
const GLM4_MOE: DeepseekMoeKeys = {
  denseLayers: 'first_k_dense_replace', defaultDenseLayers: 1, expertWidth: 'moe_intermediate_size', expertsPerToken: 'num_experts_per_tok', defaultShared: 1, defaultExperts: 128, defaultExpertWidth: 1408, defaultExpertsPerToken: 8,
};

/**
 * GLM-4.5 (`glm4_moe`): DeepSeek-V3's mixture of experts (dense FFNs in the first first_k_dense_replace layers, then
 * routed experts beside n_shared_experts shared ones, a sigmoid router whose score-correction bias is a buffer) around
 * grouped-query attention, q/k/v biased when attention_bias, per-head q/k norms when use_qk_norm (GLM-4.5, not Air).
 * Its multi-token-prediction layer (num_nextn_predict_layers) is in the checkpoint, not in transformers' or vLLM's
 * model unless speculative decoding loads it.
 */
const glm4MoeRefine = (ctx: FamilyContext): Refinement => ({
  moe: deepseekMoe(ctx, GLM4_MOE, false),
  attentionBias: ctx.bool('attention_bias') === true ? 'qkv' : 'none',
  qkNorm: ctx.bool('use_qk_norm') === true ? 'head' : false,
});

/** Seed-OSS: Llama's block, q/k/v biased (attention_bias, on by default), o_proj only where attention_out_bias says. */
const seedOssRefine = (ctx: FamilyContext): Refinement => {
  const qkv = ctx.bool('attention_bias') !== false;
  const out = ctx.bool('attention_out_bias') === true;
  return { attentionBias: qkv ? (out ? 'all' : 'qkv') : 'none', mlpBias: ctx.bool('mlp_bias') === true };
};

/**
 * EXAONE 4.0: OLMo 2's layer (norms after attention and after the MLP), per-head q/k norms; sliding-window layers as
 * layer_types lists them, else as sliding_window_pattern repeats (a period like 4, or letters like "LLLG": L
 * sliding, G global), none when sliding_window is null.
 */
const exaone4Refine = (ctx: FamilyContext): Refinement => {
  if (ctx.layerTypes) {
    return { slidingLayers: ctx.layerTypes.slice(0, ctx.numLayers).filter(t => t === 'sliding_attention').length };
  }
  if (ctx.isNull('sliding_window')) {
    return { slidingLayers: 0 };
  }
  const letters = ctx.str('sliding_window_pattern');
  if (letters !== undefined && /^[LG]+$/.test(letters)) {
    return { slidingLayers: Array.from({ length: ctx.numLayers }, (_, i) => letters[i % letters.length]).filter(c => c === 'L').length };
  }
  const period = ctx.int('sliding_window_pattern') ?? 4;
  return { slidingLayers: ctx.numLayers - Math.floor(ctx.numLayers / period) };
};

/** ERNIE 4.5's dense layers: Llama's block, every linear biased when use_bias (off in the released models). */
const ernieBiasRefine = (ctx: FamilyContext): Refinement => {
  const bias = ctx.bool('use_bias') === true;
  return { attentionBias: bias ? 'all' : 'none', mlpBias: bias };
};

/**
 * ERNIE 4.5 MoE: moe_num_experts experts of moe_intermediate_size (moe_k per token) and moe_num_shared_experts shared
 * ones in the layers from moe_layer_start_index to moe_layer_end_index, every moe_layer_interval-th; dense MLPs
 * elsewhere. The router's score-correction bias (moe_statics) is a parameter; the head is biased with the rest.
 */
const ernieMoeRefine = (ctx: FamilyContext): Refinement => {
  const start = ctx.int('moe_layer_start_index', { allowZero: true }) ?? 1;
  const written = ctx.layerIndex('moe_layer_end_index');
  const end = written === undefined || written === -1 ? ctx.numLayers - 1 : written;
  const interval = ctx.int('moe_layer_interval') ?? 1;
  const moeLayers = Array.from({ length: ctx.numLayers }, (_, i) => i).filter(i => (i + 1) % interval === 0 && i >= start && i <= end).length;
  const expertIntermediate = ctx.int('moe_intermediate_size') ?? 1536;
  const numExperts = ctx.int('moe_num_experts') ?? 64;
  return {
    ...ernieBiasRefine(ctx),
    lmHeadBias: ctx.bool('use_bias') === true,
    moe: numExperts > 0 ? {
      numExperts,
      expertsPerToken: ctx.int('moe_k') ?? 6,
      expertIntermediate,
      sharedIntermediate: (ctx.int('moe_num_shared_experts', { allowZero: true }) ?? 2) * expertIntermediate,
      sharedExpertGate: false,
      moeLayers,
      routerBias: true,
    } : undefined,
  };
};

/** A setting Hunyuan writes either once or per layer (`moe_topk: [8, 8, …]`): its value, which every layer must share. */
function uniformSetting(ctx: FamilyContext, key: string, options: { allowZero?: boolean } = {}): number | undefined {
  const list = ctx.numbers(key);
  if (list === undefined) {
    if (ctx.length(key) === undefined) {
      return ctx.int(key, options);
    }
    ctx.fail(`\`${key}\` must list a whole number for each layer`, key);
    return undefined;
  }
  if (list.some(v => v !== list[0])) {
    ctx.fail(`\`${key}\` differs from layer to layer; VRAM Lens models one value for every layer`, key);
    return undefined;
  }
  return list[0];
}

/**
 * Hunyuan's mixture of experts (hunyuan_v1_moe, Hunyuan-A13B): every layer's FFN is num_experts routed experts of
 * moe_intermediate_size (moe_topk per token) beside a shared MLP of num_shared_expert × intermediate_size; each may be
 * written once or per layer. The router (`gate.wg`) has no bias.
 */
const hunyuanMoeRefine = (ctx: FamilyContext): Refinement => {
  const intermediate = ctx.intermediateSize ?? 0;
  const numExperts = uniformSetting(ctx, 'num_experts') ?? 1;
  return {
    ...LLAMA_STYLE.refine!(ctx),
    moe: {
      numExperts,
      expertsPerToken: uniformSetting(ctx, 'moe_topk') ?? 1,
      expertIntermediate: uniformSetting(ctx, 'moe_intermediate_size') ?? intermediate,
      sharedIntermediate: (uniformSetting(ctx, 'num_shared_expert', { allowZero: true }) ?? 1) * intermediate,
      sharedExpertGate: false,
      moeLayers: ctx.numLayers,
      routerBias: false,
    },
  };
};

/**
 * Gemma 4 (`gemma4_text`, and the text_config of a `gemma4` checkpoint): Gemma 3's layer (four norms, per-head q/k
 * norms) with global layers of global_head_dim (512) — where attention_k_eq_v, num_global_key_value_heads of them
 * and keys serving as values — between sliding ones (layer_types, else five sliding to one global, the last global);
 * the last num_kv_shared_layers layers reuse earlier keys and values (use_double_wide_mlp doubles their MLP); per-layer
 * embeddings of hidden_size_per_layer_input (256 unless set; E2B, E4B); with enable_moe_block, num_experts experts of
 * moe_intermediate_size (top_k_experts a token) beside the dense MLP in every layer, three more norms and the router's
 * scales.
 */
const gemma4Refine = (ctx: FamilyContext): Refinement => {
  const n = ctx.numLayers;
  const kinds = ctx.layerTypes ?? Array.from({ length: n }, (_, i) => ((i + 1) % 6 === 0 || i === n - 1 ? 'full_attention' : 'sliding_attention'));
  const shared = Math.min(n, ctx.int('num_kv_shared_layers', { allowZero: true }) ?? 0);
  const sharedKinds = kinds.slice(n - shared, n);
  const keysAsValues = ctx.bool('attention_k_eq_v') === true;
  const moe = ctx.bool('enable_moe_block') === true;
  return {
    slidingLayers: kinds.slice(0, n).filter(k => k === 'sliding_attention').length,
    gemma4: {
      globalHeadDim: ctx.int('global_head_dim') ?? 512,
      globalKvHeads: keysAsValues ? (ctx.int('num_global_key_value_heads') ?? ctx.numKvHeads) : ctx.numKvHeads,
      keysAsValues,
      sharedSliding: sharedKinds.filter(k => k === 'sliding_attention').length,
      sharedGlobal: sharedKinds.filter(k => k !== 'sliding_attention').length,
      doubleWideShared: ctx.bool('use_double_wide_mlp') === true,
      // Gemma4TextConfig's default is 256; the released 26B and 31B write 0.
      perLayerWidth: ctx.isNull('hidden_size_per_layer_input') ? 0 : ctx.has('hidden_size_per_layer_input') ? (ctx.int('hidden_size_per_layer_input', { allowZero: true }) ?? 0) : 256,
      perLayerVocab: ctx.int('vocab_size_per_layer_input') ?? 262_144,
    },
    ...(moe
      ? {
          normsPerLayer: 7,
          mlpLayers: n,
          moe: { numExperts: ctx.int('num_experts') ?? 1, expertsPerToken: ctx.int('top_k_experts') ?? 1, expertIntermediate: ctx.int('moe_intermediate_size') ?? ctx.intermediateSize ?? 0, sharedIntermediate: 0, sharedExpertGate: false, moeLayers: n, routerBias: false },
        }
      : {}),
  };
};

/** What a GLM config class with latent attention assumes where the config leaves it out. */
interface GlmLatentDefaults {
  readonly moe: DeepseekMoeKeys;
  readonly qLoraRank: number;
  /** The lightning indexer's heads (GLM-5); undefined for a model without one. */
  readonly indexerHeads?: number;
}

/** GlmMoeDsaConfig's defaults (GLM-5): 256 experts of 2,048 after 3 dense layers, a 32-head indexer. */
const GLM_DSA: GlmLatentDefaults = {
  moe: { denseLayers: 'first_k_dense_replace', defaultDenseLayers: 3, expertWidth: 'moe_intermediate_size', expertsPerToken: 'num_experts_per_tok', defaultShared: 1, defaultExperts: 256, defaultExpertWidth: 2048, defaultExpertsPerToken: 8 },
  qLoraRank: 2048,
  indexerHeads: 32,
};

/** Glm4MoeLiteConfig's defaults (GLM-4.7-Flash): 64 experts of 1,536 after one dense layer, 4 per token. */
const GLM_MOE_LITE: GlmLatentDefaults = {
  moe: { denseLayers: 'first_k_dense_replace', defaultDenseLayers: 1, expertWidth: 'moe_intermediate_size', expertsPerToken: 'num_experts_per_tok', defaultShared: 1, defaultExperts: 64, defaultExpertWidth: 1536, defaultExpertsPerToken: 4 },
  qLoraRank: 768,
};

/**
 * GLM's latent-attention models (GLM-4.7-Flash, GLM-5): DeepSeek-V3's layers in GLM's config names and defaults — keys
 * 192 + 64 and values 256 wide, GLM-5's lightning indexer.
 */
const glmLatentRefine = (defaults: GlmLatentDefaults) => (ctx: FamilyContext): Refinement => {
  const nope = ctx.int('qk_nope_head_dim') ?? 192;
  const rope = ctx.int('qk_rope_head_dim') ?? 64;
  const indexer = defaults.indexerHeads === undefined ? {} : { indexer: { heads: ctx.int('index_n_heads') ?? defaults.indexerHeads, headDim: ctx.int('index_head_dim') ?? 128 } };
  return {
    moe: deepseekMoe(ctx, defaults.moe, false),
    headDim: nope + rope,
    mla: {
      qLoraRank: ctx.int('q_lora_rank') ?? defaults.qLoraRank,
      kvLoraRank: ctx.int('kv_lora_rank') ?? 512,
      qkNopeHeadDim: nope,
      qkRopeHeadDim: rope,
      vHeadDim: ctx.int('v_head_dim') ?? 256,
      ...indexer,
    },
  };
};

/**
 * LFM2's MLP width from its config (Lfm2MLP): block_ff_dim (or intermediate_size), two thirds of it when
 * block_auto_adjust_ff_dim, times block_ffn_dim_multiplier, rounded up to block_multiple_of.
 */
function lfm2Intermediate(ctx: FamilyContext): number {
  let ff = ctx.int('block_ff_dim') ?? ctx.intermediateSize ?? 12288;
  if (ctx.bool('block_auto_adjust_ff_dim') !== false) {
    ff = Math.floor((2 * ff) / 3);
    const multiplier = ctx.isNull('block_ffn_dim_multiplier') ? undefined : (ctx.real('block_ffn_dim_multiplier') ?? 1);
    if (multiplier !== undefined) {
      ff = Math.floor(multiplier * ff);
    }
    const multiple = ctx.int('block_multiple_of') ?? 256;
    ff = multiple * Math.ceil(ff / multiple);
  }
  return ff;
}

/**
 * LFM2: gated short convolutions in most layers, grouped-query attention (per-head q/k norms) in those layer_types
 * (or full_attn_idxs) names; a gated MLP in every layer; a tied head.
 */
const lfm2Refine = (ctx: FamilyContext): Refinement => {
  const attentionLayers = ctx.layerTypes
    ? ctx.layerTypes.slice(0, ctx.numLayers).filter(t => t === 'full_attention').length
    : Math.min(ctx.numLayers, ctx.length('full_attn_idxs') ?? 0);
  return {
    intermediateSize: lfm2Intermediate(ctx),
    hybrid: {
      attentionLayers,
      mambaLayers: ctx.numLayers - attentionLayers,
      mixer: { kind: 'short-conv', channels: ctx.hiddenSize, kernel: ctx.int('conv_L_cache') ?? 3, bias: ctx.bool('conv_bias') === true },
    },
  };
};

/** Nemotron-H's block kinds by the letter its hybrid_override_pattern writes, or the word its layers_block_type list does. */
const NEMOTRON_H_BLOCKS: Readonly<Record<string, 'mamba' | 'attention' | 'mlp' | 'moe'>> = { M: 'mamba', '*': 'attention', '-': 'mlp', E: 'moe', mamba: 'mamba', attention: 'attention', mlp: 'mlp', moe: 'moe' };

/**
 * Nemotron-H: blocks of one norm and one mixer each — Mamba2, attention, an MLP (up and down around relu²) or experts
 * (non-gated, beside one shared MLP; the router's correction bias a buffer) — as hybrid_override_pattern spells them.
 */
const nemotronHRefine = (ctx: FamilyContext): Refinement => {
  const pattern = ctx.str('hybrid_override_pattern');
  const kinds = ctx.layerTypes ?? (pattern === undefined ? undefined : [...pattern]);
  const blocks = (kinds ?? []).map(k => NEMOTRON_H_BLOCKS[k]);
  if (!kinds || blocks.length !== ctx.numLayers || blocks.some(b => b === undefined)) {
    ctx.fail(`\`hybrid_override_pattern\` must spell each of the ${ctx.numLayers} blocks with M (Mamba2), * (attention), - (MLP) or E (experts).`, 'hybrid_override_pattern');
    return {};
  }
  const count = (kind: string) => blocks.filter(b => b === kind).length;
  if (count('moe') > 0 && ctx.has('moe_latent_size')) {
    ctx.fail('Nemotron-H\'s latent experts (moe_latent_size) are not counted by VRAM Lens.', 'moe_latent_size');
  }
  const heads = ctx.int('mamba_num_heads') ?? 128;
  const experts = ctx.int('n_routed_experts') ?? 0;
  return {
    attentionBias: ctx.bool('attention_bias') ? 'all' : 'none',
    mlpBias: ctx.bool('mlp_bias') === true,
    mlpLayers: count('mlp'),
    ...(count('moe') > 0 && experts > 0
      ? { moe: { numExperts: experts, expertsPerToken: ctx.int('num_experts_per_tok') ?? 1, expertIntermediate: ctx.int('moe_intermediate_size') ?? 0, sharedIntermediate: ctx.int('moe_shared_expert_intermediate_size', { allowZero: true }) ?? 0, sharedExpertGate: false, moeLayers: count('moe'), routerBias: false } }
      : {}),
    hybrid: {
      attentionLayers: count('attention'),
      mambaLayers: count('mamba'),
      mixer: {
        inner: heads * (ctx.int('mamba_head_dim') ?? 64), state: ctx.int('ssm_state_size') ?? 128, convKernel: ctx.int('conv_kernel') ?? 4, timeStepRank: 0,
        linearBias: ctx.bool('use_bias') === true, convBias: ctx.bool('use_conv_bias') !== false,
        mamba2: { heads, groups: ctx.int('n_groups') ?? ctx.int('mamba_num_groups') ?? 8 },
      },
    },
  };
};

/**
 * Falcon: parallel attention/**
 * Falcon: parallel attention/**
 * Falcon: parallel attention/**
 * Falcon: parallel attention/**
 * Falcon: parallel attention/**
 * Falcon: parallel attention + MLP from one LayerNorm (7B), or two LayerNorms and grouped KV heads (40B/180B). The
 * remote-code `RefinedWeb` model (Falcon-40B's first config) is the new architecture, without saying so.
 */
const falconRefine = (newByDefault: boolean) => (ctx: FamilyContext): Refinement => {
  const newArchitecture = ctx.bool('new_decoder_architecture') ?? newByDefault;
  const parallel = ctx.bool('parallel_attn') ?? true;
  const bias = ctx.bool('bias') === true;
  let numKvHeads = ctx.numKvHeads;
  if (!newArchitecture && ctx.bool('multi_query') !== false && !ctx.has('num_kv_heads') && !ctx.has('n_head_kv')) {
    numKvHeads = 1; // falcon's multi_query defaults to true
  }
  const lnInParallel = ctx.int('num_ln_in_parallel_attn');
  return {
    numKvHeads,
    normsPerLayer: newArchitecture ? (lnInParallel ?? 2) : parallel ? 1 : 2,
    attentionBias: bias ? 'all' : 'none',
    mlpBias: bias,
    intermediateSize: ctx.int('ffn_hidden_size') ?? 4 * ctx.hiddenSize,
  };
};

/** nanoGPT's GPT (model.py): GPT-2's block with nn.GELU, and `bias` switching every bias (LayerNorm's too) off. */
const NANOGPT: Family = {
  ...GPT_STYLE,
  name: 'nanoGPT',
  pythonGelu: false,
  defaultVocabSize: 50304,
  refine: ctx => {
    const bias = ctx.bool('bias') ?? true;
    return { attentionBias: bias ? 'all' : 'none', mlpBias: bias, norm: bias ? 'layernorm' : 'layernorm-nobias' };
  },
};

/**
 * GPT-NeoX's own YAML (hidden-size, num-layers…): the vocabulary comes from the tokenizer, padded to a multiple
 * of 128 (50,304 for the GPT-NeoX-20B tokenizer Pythia uses); weights are tied unless no-weight-tying is set.
 */
/** A GPT-NeoX key, as written with underscores or dashes (the YAML accepts both). */
const neox = <T>(read: (key: string) => T | undefined, key: string): T | undefined => read(key) ?? read(key.replace(/_/g, '-'));

/** The vocabulary of GPT-NeoX's tokenizer types, before padding: GPT-2's BPE, or a SentencePiece (LLaMA, Mistral) model. */
const NEOX_TOKENIZERS: Readonly<Record<string, number>> = { GPT2BPETokenizer: 50257, HFGPT2Tokenizer: 50257, SPMTokenizer: 32000, HFTokenizer: 50277 };

/** Rounds up to a multiple. */
const roundUp = (n: number, multiple: number) => Math.ceil(n / multiple) * multiple;

/**
 * GPT-NeoX's own YAML (megatron/model/transformer.py): gated activations (swiglu, geglu) scale intermediate_size by
 * 2/3 and split it between gate and up, rounded to mlp_multiple_of; norms, attention and MLP biases follow
 * use_bias_in_norms, use_bias_in_attn_linear and use_bias_in_mlp; the vocabulary is the tokenizer's, padded to
 * make_vocab_size_divisible_by × model parallelism.
 */
const GPT_NEOX_YAML: Family = {
  ...GPT_STYLE,
  name: 'GPT-NeoX',
  positions: 'rotary',
  dropout: false,
  pythonGelu: false,
  tiedByDefault: true,
  defaultVocabSize: ctx => {
    const multiple = (neox(ctx.int, 'make_vocab_size_divisible_by') ?? 128) * (neox(ctx.int, 'model_parallel_size') ?? 1);
    return roundUp(NEOX_TOKENIZERS[neox(ctx.str, 'tokenizer_type') ?? ''] ?? 50277, multiple);
  },
  refine: ctx => {
    const multiple = neox(ctx.int, 'mlp_multiple_of') ?? 1;
    const activation = neox(ctx.str, 'activation') ?? 'gelu';
    const gated = /^(swiglu|geglu|reglu|bilinear)$/.test(activation);
    const expansion = ctx.intermediateSize ?? 4 * ctx.hiddenSize;
    const rmsnorm = neox(ctx.str, 'norm') === 'rmsnorm';
    return {
      mlp: gated ? 'gated' : 'plain',
      intermediateSize: gated ? roundUp(Math.floor(Math.floor((expansion * 2) / 3) / 2), multiple) : roundUp(expansion, multiple),
      norm: rmsnorm ? 'rmsnorm' : neox(ctx.bool, 'use_bias_in_norms') === false ? 'layernorm-nobias' : 'layernorm',
      attentionBias: neox(ctx.bool, 'use_bias_in_attn_linear') === false ? 'none' : 'all',
      mlpBias: neox(ctx.bool, 'use_bias_in_mlp') !== false,
    };
  },
};

/**
 * Megatron-Core's mixture of experts, from Megatron-LM's `--num-experts` or NeMo's `num_moe_experts`: every
 * `moe_layer_freq`-th layer (every layer by default) routes each token to `moe_router_topk` (2) experts, each
 * `moe_ffn_hidden_size` wide (the FFN width unless set), beside shared experts `moe_shared_expert_intermediate_size`
 * wide together. Undefined for a dense model.
 */
function megatronExperts(ctx: FamilyContext, experts: number | undefined, ffn: number): Refinement['moe'] {
  if (experts === undefined || experts < 2) {
    return undefined;
  }
  const every = ctx.int('moe_layer_freq') ?? 1;
  return {
    numExperts: experts,
    expertsPerToken: ctx.int('moe_router_topk') ?? 2,
    expertIntermediate: ctx.int('moe_ffn_hidden_size') ?? ffn,
    sharedIntermediate: ctx.int('moe_shared_expert_intermediate_size') ?? 0,
    sharedExpertGate: false,
    moeLayers: everyNth(ctx.numLayers, every, 0),
    routerBias: false,
  };
}

/** Megatron-Core's vocabulary: padded to `make_vocab_size_divisible_by` (128) × tensor parallelism, as Megatron-LM and NeMo pad it. */
export const megatronPaddedVocab = (vocab: number, tensorParallel = 1, divisibleBy = 128): number => roundUp(vocab, divisibleBy * Math.max(1, tensorParallel));

/** A config's vocabulary padded by its own `make_vocab_size_divisible_by` and tensor parallelism. */
const megatronPadded = (ctx: FamilyContext, vocab: number) => megatronPaddedVocab(vocab, ctx.int('tensor_model_parallel_size') ?? 1, ctx.int('make_vocab_size_divisible_by') ?? 128);

/** The vocabulary of Megatron-LM's tokenizer types that fix one, before padding. */
const MEGATRON_TOKENIZERS: Readonly<Record<string, number>> = { GPT2BPETokenizer: 50257 };

/**
 * Megatron-LM's GPT (megatron/core/models/gpt) as pretrain_gpt.py's arguments build it: `--swiglu` gates the MLP
 * (ffn_hidden_size per branch; unset, 4h, or ⅔ of it rounded down to 64 under SwiGLU), `--normalization RMSNorm`,
 * biases on every linear layer unless `--disable-bias-linear`, query groups only with `--group-query-attention`,
 * tied embeddings unless `--untie-embeddings-and-output-weights`, and the vocabulary (`--vocab-size`, or a tokenizer
 * type that fixes one) padded to `--make-vocab-size-divisible-by` (128) × tensor parallelism.
 */
const MEGATRON_GPT: Family = {
  ...GPT_STYLE,
  name: 'Megatron-LM GPT',
  dropout: false,
  pythonGelu: false,
  readsHeadDim: true,
  defaultVocabSize: ctx => {
    const vocab = MEGATRON_TOKENIZERS[ctx.str('tokenizer_type') ?? ''];
    if (vocab === undefined) {
      ctx.fail('the vocabulary is not on the command line: Megatron-LM takes it from the tokenizer; add `--vocab-size N` (the tokenizer\'s size) for an estimate', 'tokenizer_type');
      return undefined;
    }
    return megatronPadded(ctx, vocab);
  },
  refine: ctx => {
    const swiglu = ctx.bool('swiglu') === true;
    const bias = ctx.bool('disable_bias_linear') !== true;
    const written = ctx.int('vocab_size');
    const ffn = ctx.intermediateSize ?? (swiglu ? Math.floor((4 * ctx.hiddenSize * 2) / 3 / 64) * 64 : 4 * ctx.hiddenSize);
    const moe = megatronExperts(ctx, ctx.int('num_experts'), ffn);
    return {
      ...(written !== undefined ? { vocabSize: megatronPadded(ctx, written) } : {}),
      ...(moe ? { moe } : {}),
      mlp: swiglu ? 'gated' : 'plain',
      intermediateSize: ffn,
      norm: ctx.str('normalization') === 'RMSNorm' ? 'rmsnorm' : 'layernorm',
      attentionBias: bias ? 'all' : 'none',
      mlpBias: bias,
      ...(ctx.bool('group_query_attention') === true ? {} : { numKvHeads: ctx.numHeads }),
    };
  },
};

/** The vocabulary NeMo's tokenizer section gives (`library` and `type`), before padding; undefined where it gives none. */
function nemoTokenizerVocab(ctx: FamilyContext): number | undefined {
  const library = ctx.str('tokenizer.library');
  const type = ctx.str('tokenizer.type');
  if (library === 'megatron' && type !== undefined && MEGATRON_TOKENIZERS[type] !== undefined) {
    return MEGATRON_TOKENIZERS[type];
  }
  // A Hugging Face tokenizer named by its model: that model's vocabulary, as its config gives it.
  const named = library === 'huggingface' && type !== undefined ? findCatalogModel(type)?.config.vocab_size : undefined;
  if (typeof named === 'number') {
    return named;
  }
  const key = library === 'huggingface' || library === 'megatron' ? 'tokenizer.type' : ctx.has('tokenizer.model') ? 'tokenizer.model' : 'tokenizer.library';
  const from =
    library === 'huggingface' && type !== undefined ? `the Hugging Face tokenizer of ${type}, a model VRAM Lens does not know`
    : library === 'megatron' ? `Megatron's ${type ?? 'unnamed'} tokenizer, whose vocabulary VRAM Lens does not know`
    : 'the tokenizer model file it names, which VRAM Lens does not open';
  ctx.fail(`the vocabulary is not in the file: NeMo takes it from ${from}`, ctx.has(key) ? key : undefined);
  return undefined;
}

/**
 * NeMo's Megatron GPT (megatron_gpt_config.yaml, the NeMo Framework Launcher's training configs): Megatron-Core's GPT
 * as the `model:` section writes it. `activation` (a `…glu` one gates the MLP), `normalization: rmsnorm`, `bias: false`
 * for linear layers without biases (`qkv_bias` keeps them on q, k and v), `num_query_groups` (null: one per head),
 * `share_embeddings_and_output_weights` (default true), experts (`num_moe_experts`), and the vocabulary of its
 * tokenizer padded to `make_vocab_size_divisible_by` × tensor parallelism. A `name` other than megatron_gpt
 * (megatron_falcon_gpt) is a block of NeMo's own: no number.
 */
/** NeMo's names for Megatron-Core's GPT block: the plain one, and the same layer run as one Transformer Engine module. */
const NEMO_GPT_BLOCKS: readonly string[] = ['megatron_gpt', 'megatron_gpt_full_te_layer_autocast'];

const NEMO_GPT: Family = {
  ...MEGATRON_GPT,
  name: 'NeMo Megatron GPT',
  defaultVocabSize: ctx => {
    const vocab = nemoTokenizerVocab(ctx);
    return vocab === undefined ? undefined : megatronPadded(ctx, vocab);
  },
  refine: ctx => {
    // NeMo's own layer variants (Falcon's parallel attention through mcore_customization_config) are other blocks.
    const variant = ctx.str('name');
    if (variant !== undefined && !NEMO_GPT_BLOCKS.includes(variant)) {
      ctx.fail(`NeMo's ${variant} block (its own layer layout) is not modelled`, 'name');
    }
    const gated = /glu$/.test(ctx.str('activation') ?? 'gelu');
    const bias = ctx.bool('bias') !== false;
    // ChatGLM's `qkv_bias`: biases on the query, key and value projections only.
    const qkvBias = ctx.bool('qkv_bias') === true;
    const ffn = ctx.intermediateSize ?? 4 * ctx.hiddenSize;
    const moe = megatronExperts(ctx, ctx.int('num_moe_experts'), ffn);
    return {
      ...(moe ? { moe } : {}),
      mlp: gated ? 'gated' : 'plain',
      intermediateSize: ffn,
      norm: ctx.str('normalization') === 'rmsnorm' ? 'rmsnorm' : 'layernorm',
      attentionBias: bias ? 'all' : qkvBias ? 'qkv' : 'none',
      mlpBias: bias,
    };
  },
};

/** Whether a spec's family is Megatron-LM's GPT, built from a pretrain script's arguments (either position kind). */
export const isMegatronLmFamily = (family: string): boolean => family === MEGATRON_GPT.name;

/** Megatron-LM's GPT with rotary positions (`--position-embedding-type rope`); learned absolute ones otherwise. */
export const MEGATRON_GPT_FAMILIES = { learned: MEGATRON_GPT, rope: { ...MEGATRON_GPT, positions: 'rotary' } } as const satisfies Record<string, Family>;

/**
 * NeMo's Megatron GPT by `position_embedding_type`: a learned table for `learned_absolute` (NeMo's default); rotary
 * positions, or ALiBi and the other schemes without a table, keep no position weights.
 */
export const NEMO_GPT_FAMILIES = { learned: NEMO_GPT, rope: { ...NEMO_GPT, positions: 'rotary' } } as const satisfies Record<string, Family>;

/**
 * LitGPT's own Config (litgpt/config.py: `configs = [dict(name=…, n_embd=…, …)]`): the block is chosen by
 * norm_class_name and mlp_class_name, biases by `bias`, the embedding uses padded_vocab_size.
 */
export const LITGPT: Family = {
  ...LLAMA_STYLE,
  name: 'LitGPT',
  defaultIntermediateMultiple: 4,
  // litgpt.Config's defaults: n_embd 4096, n_head 32, vocab_size 50254 (padded by padding_multiple).
  defaults: { hiddenSize: 4096, numHeads: 32 },
  defaultVocabSize: ctx => {
    const padding = ctx.int('padding_multiple') ?? 512;
    return Math.ceil(50254 / padding) * padding;
  },
  refine: ctx => {
    const bias = ctx.bool('bias') ?? true;
    const mlpClass = ctx.str('mlp_class_name') ?? 'GptNeoxMLP';
    const normClass = ctx.str('norm_class_name') ?? 'LayerNorm';
    const padding = ctx.int('padding_multiple') ?? 512;
    const vocab = ctx.int('vocab_size');
    const padded = ctx.int('padded_vocab_size') ?? (vocab !== undefined ? Math.ceil(vocab / padding) * padding : undefined);
    const shared = ctx.bool('parallel_residual') !== false && ctx.bool('shared_attention_norm') === true;
    const moe = mlpClass === 'LLaMAMoE';
    return {
      vocabSize: padded,
      norm: normClass === 'RMSNorm' ? 'rmsnorm' : bias ? 'layernorm' : 'layernorm-nobias',
      mlp: mlpClass === 'GptNeoxMLP' ? 'plain' : 'gated',
      attentionBias: ctx.bool('attn_bias') || bias ? 'all' : 'none',
      mlpBias: bias,
      normsPerLayer: shared ? 1 : 2,
      lmHeadBias: ctx.bool('lm_head_bias') === true,
      moe: moe
        ? {
            numExperts: ctx.int('n_expert') ?? 8,
            expertsPerToken: ctx.int('n_expert_per_token') ?? 2,
            expertIntermediate: ctx.int('moe_intermediate_size') ?? ctx.intermediateSize ?? 4 * ctx.hiddenSize,
            sharedIntermediate: 0,
            sharedExpertGate: false,
            moeLayers: ctx.numLayers,
            routerBias: false,
          }
        : undefined,
    };
  },
};

/** A vision encoder's patches (image_size / patch_size, squared) and its patch convolution's weights. */
function patchGrid(ctx: FamilyContext, defaultPatch: number): { readonly patches: number; readonly convolution: number } {
  const image = ctx.int('image_size') ?? 224;
  const patch = ctx.int('patch_size') ?? defaultPatch;
  const channels = ctx.int('num_channels') ?? 3;
  return { patches: Math.floor(image / patch) ** 2, convolution: channels * patch * patch * ctx.hiddenSize };
}

/**
 * ViT (ViTModel, ViTForImageClassification): a biased patch convolution, a class token and learned positions, BERT-like
 * pre-norm layers and a final LayerNorm; ViTModel adds a pooler, the classifier a biased head of its labels (id2label).
 */
const VIT: Family = {
  ...BERT_STYLE,
  name: 'ViT',
  embeddingNorm: false,
  finalNorm: true,
  typeVocab: false,
  vocabulary: false,
  refine: ctx => {
    const { patches, convolution } = patchGrid(ctx, 16);
    const classifier = ctx.architecture?.endsWith('ForImageClassification') === true;
    return {
      vocabSize: 0,
      maxPositions: patches + 1,
      // The convolution with its bias, and the class token.
      patchEmbeddingParams: convolution + 2 * ctx.hiddenSize,
      pooler: !classifier,
      ...(classifier ? { classifierLabels: ctx.length('id2label') ?? ctx.int('num_labels') ?? 2 } : {}),
    };
  },
};

/** Wav2Vec2's and HuBERT's feature encoder: seven 1-D convolutions over 16 kHz audio, 320 samples per frame. */
const SPEECH_CONV = { dims: [512, 512, 512, 512, 512, 512, 512], kernels: [10, 3, 3, 3, 3, 2, 2] } as const;

/**
 * Wav2Vec2 and HuBERT: the convolutional feature encoder (GroupNorm on its first layer, or a LayerNorm on each), the
 * feature projection (a LayerNorm and a linear into the model's width), the masked-frame embedding, the weight-normed
 * grouped positional convolution, BERT-like layers; ForCTC adds a biased head over `vocab_size` characters, ForPreTraining
 * its quantizer and projections.
 */
const speechRefine = (ctx: FamilyContext): Refinement => {
  const dims = ctx.numbers('conv_dim') ?? SPEECH_CONV.dims;
  const kernels = ctx.numbers('conv_kernel') ?? SPEECH_CONV.kernels;
  const bias = ctx.bool('conv_bias') === true;
  const layerNorm = ctx.str('feat_extract_norm') === 'layer';
  let conv = 0;
  dims.forEach((out, i) => {
    const input = i === 0 ? 1 : dims[i - 1];
    conv += input * out * (kernels[i] ?? 1) + (bias ? out : 0) + (layerNorm || i === 0 ? 2 * out : 0);
  });
  const h = ctx.hiddenSize;
  const last = dims[dims.length - 1] ?? 512;
  const positionKernel = ctx.int('num_conv_pos_embeddings') ?? 128;
  const groups = ctx.int('num_conv_pos_embedding_groups') ?? 16;
  // HuBERT's feat_proj_layer_norm can drop the projection's LayerNorm; Wav2Vec2 always has it.
  const projectionNorm = ctx.bool('feat_proj_layer_norm') === false ? 0 : 2 * last;
  const projection = projectionNorm + last * h + h;
  // weight_norm over the kernel dimension: v of the full weight, g of one value per kernel position; and a bias.
  const positions = h * Math.floor(h / groups) * positionKernel + positionKernel + h;
  const ctc = ctx.architecture?.endsWith('ForCTC') === true;
  return {
    vocabSize: 0,
    patchEmbeddingParams: conv + projection + h + positions + (ctx.architecture === 'Wav2Vec2ForPreTraining' ? pretrainingHeads(ctx, last) : 0),
    ...(ctc ? { classifierLabels: ctx.int('vocab_size') ?? 32 } : {}),
  };
};

/**
 * Wav2Vec2ForPreTraining's contrastive heads: the Gumbel quantizer (num_codevector_groups × num_codevectors_per_group
 * codevectors of codevector_dim / groups, and a biased linear choosing them from the features), project_hid and
 * project_q (biased linears into proj_codevector_dim).
 */
function pretrainingHeads(ctx: FamilyContext, features: number): number {
  const groups = ctx.int('num_codevector_groups') ?? 2;
  const codevectors = groups * (ctx.int('num_codevectors_per_group') ?? 320);
  const codeDim = ctx.int('codevector_dim') ?? 256;
  const projected = ctx.int('proj_codevector_dim') ?? 256;
  const quantizer = codevectors * Math.floor(codeDim / groups) + features * codevectors + codevectors;
  return quantizer + (ctx.hiddenSize + 1) * projected + (codeDim + 1) * projected;
}

const SPEECH: Family = { ...BERT_STYLE, name: 'Wav2Vec2', pooler: false, typeVocab: false, vocabulary: false, positions: 'none', refine: speechRefine };

/**
 * CLIP's vision tower (LLaVA's vision_config): image patches through a convolution, a class token, learned
 * positions, a LayerNorm before and after the encoder, BERT-like layers; no vocabulary.
 */
const CLIP_VISION: Family = {
  ...BERT_STYLE,
  name: 'CLIP vision encoder',
  pooler: false,
  finalNorm: true,
  typeVocab: false,
  vocabulary: false,
  refine: ctx => {
    const { patches, convolution } = patchGrid(ctx, 32);
    return {
      vocabSize: 0,
      maxPositions: patches + 1,
      // The unbiased convolution and the class token.
      patchEmbeddingParams: convolution + ctx.hiddenSize,
    };
  },
};

/**
 * Llama 4's language model: every `interleave_moe_layer_step`-th layer holds `num_local_experts` fused SwiGLU experts
 * of intermediate_size, top-k routed, beside one shared expert of the same width; the other layers a dense MLP of
 * intermediate_size_mlp. Its q/k norms are parameter-free L2 norms; three layers in four (those with rotary
 * positions) attend within chunks of attention_chunk_size, the fourth over the whole context.
 */
const LLAMA4_TEXT: Family = {
  ...LLAMA_STYLE,
  name: 'Llama 4 (mixture of experts)',
  refine: ctx => {
    const step = ctx.int('interleave_moe_layer_step') ?? 1;
    const expert = ctx.intermediateSize ?? 8192;
    return {
      fusedExperts: true,
      intermediateSize: ctx.int('intermediate_size_mlp') ?? 16384,
      slidingLayers: ctx.numLayers - Math.floor(ctx.numLayers / (ctx.int('no_rope_layer_interval') ?? 4)),
      moe: {
        numExperts: ctx.int('num_local_experts') ?? 16,
        expertsPerToken: ctx.int('num_experts_per_tok') ?? 1,
        expertIntermediate: expert,
        sharedIntermediate: expert,
        sharedExpertGate: false,
        moeLayers: Math.floor(ctx.numLayers / step),
        routerBias: false,
      },
    };
  },
};

/**
 * What transformers' config classes fill in when a config.json leaves a key out, for the families whose published
 * configs are that sparse (Gemma 3's multimodal checkpoints write only four sizes of their text_config). Keyed by
 * `model_type`, with the class each comes from.
 */
export const CONFIG_CLASS_DEFAULTS: Readonly<Record<string, {
  readonly configClass: string;
  readonly values: Readonly<Record<string, number | boolean>>;
  /**
   * Filled only in a checkpoint's config (one that names its architectures or transformers version, or a multimodal
   * config's text_config): families whose model_type other files also write, where a missing size is no default.
   */
  readonly checkpointsOnly?: boolean;
}>> = {
  // LLaVA's text_config names little more than its vocabulary: the rest is LlamaConfig's (Llama 2 7B's shapes).
  llama: {
    configClass: 'LlamaConfig',
    checkpointsOnly: true,
    values: { vocab_size: 32_000, hidden_size: 4096, intermediate_size: 11_008, num_hidden_layers: 32, num_attention_heads: 32, max_position_embeddings: 2048, tie_word_embeddings: false },
  },
  mistral: {
    configClass: 'MistralConfig',
    checkpointsOnly: true,
    values: {
      vocab_size: 32_000, hidden_size: 4096, intermediate_size: 14_336, num_hidden_layers: 32, num_attention_heads: 32, num_key_value_heads: 8,
      max_position_embeddings: 131_072, tie_word_embeddings: false,
    },
  },
  gemma3_text: {
    configClass: 'Gemma3TextConfig',
    values: {
      vocab_size: 262_208, hidden_size: 2304, intermediate_size: 9216, num_hidden_layers: 26, num_attention_heads: 8,
      num_key_value_heads: 4, head_dim: 256, max_position_embeddings: 131_072, sliding_window: 4096, tie_word_embeddings: true,
    },
  },
  mllama_text_model: {
    configClass: 'MllamaTextConfig',
    values: {
      vocab_size: 128_256, hidden_size: 4096, num_hidden_layers: 40, num_attention_heads: 32, num_key_value_heads: 8,
      intermediate_size: 14_336, max_position_embeddings: 131_072, tie_word_embeddings: false,
    },
  },
  llama4_text: {
    configClass: 'Llama4TextConfig',
    values: {
      vocab_size: 202_048, hidden_size: 5120, intermediate_size: 8192, intermediate_size_mlp: 16_384, num_hidden_layers: 48,
      num_attention_heads: 40, num_key_value_heads: 8, head_dim: 128, max_position_embeddings: 131_072, num_local_experts: 16,
      num_experts_per_tok: 1, interleave_moe_layer_step: 1, attention_chunk_size: 8192, tie_word_embeddings: false,
    },
  },
};

/**
 * Llama 3.2 Vision's language model (mllama): Llama 3.1's block, with `cross_attention_layers` among its layers
 * cross-attending to the image features (each with q/k RMSNorms over a head and two tanh gates), and an embedding
 * 8 rows longer than the vocabulary its head predicts.
 */
const MLLAMA_TEXT: Family = {
  ...LLAMA_STYLE,
  name: 'Llama 3.2 Vision (cross-attention layers)',
  refine: ctx => ({ crossAttentionLayers: ctx.length('cross_attention_layers') ?? 8, extraEmbeddingRows: 8 }),
};

/**
 * CLIP's text transformer (the text encoder of CLIP, Stable Diffusion and Flux): learned positions, LayerNorm blocks with
 * biased attention and MLP, a final LayerNorm; no token types, no pooler weights, no head.
 */
const CLIP_TEXT: Family = { ...BERT_STYLE, name: 'CLIP text encoder', pooler: false, finalNorm: true, embeddingNorm: false, typeVocab: false };

/** SigLIP's text transformer: CLIP's, with a biased head of projection_size after its final LayerNorm (spec.ts adds it). */
export const SIGLIP_TEXT: Family = { ...CLIP_TEXT, name: 'SigLIP text encoder' };

/** T5: RMSNorm blocks without biases, a relative-position bias, d_kv heads; v1.1's gated FFN by feed_forward_proj. */
const T5: Family = {
  ...GPT_STYLE,
  name: 'T5',
  encoderDecoder: true,
  norm: 'rmsnorm',
  positions: 'relative',
  attentionBias: 'none',
  mlpBias: false,
  pythonGelu: false,
  head: 'lm',
  readsHeadDim: true,
  feedForwardProj: true,
  keptInFp32: ['down'],
};

const PERSIMMON: Family = {
  ...GPT_STYLE, name: 'Persimmon', positions: 'rotary', tiedByDefault: false, dropout: false, pythonGelu: false,
  refine: ctx => ({ qkNorm: ctx.bool('qk_layernorm') === false ? false : 'head' }),
};

/** Keyed by `model_type`. */
export const FAMILIES: Readonly<Record<string, Family>> = {
  gpt2: GPT_STYLE,
  nanogpt: NANOGPT,
  bert: BERT_STYLE,
  roberta: { ...BERT_STYLE, name: 'RoBERTa' },
  clip_vision_model: CLIP_VISION,
  wav2vec2: SPEECH,
  hubert: { ...SPEECH, name: 'HuBERT' },
  vit: VIT,
  clip_text_model: CLIP_TEXT,
  siglip_text_model: SIGLIP_TEXT,
  bloom: { ...GPT_STYLE, name: 'BLOOM', positions: 'alibi', embeddingNorm: true, dropout: false, pythonGelu: false },
  // Phi-1/1.5/2: one LayerNorm feeding attention and MLP in parallel, partial rotary, biased lm_head.
  phi: { ...GPT_STYLE, name: 'Phi', normsPerLayer: 1, positions: 'rotary', lmHeadBias: true, tiedByDefault: false },
  'phi-msft': { ...GPT_STYLE, name: 'Phi', normsPerLayer: 1, positions: 'rotary', lmHeadBias: true, tiedByDefault: false },
  'mixformer-sequential': { ...GPT_STYLE, name: 'Phi (MixFormer)', normsPerLayer: 1, positions: 'rotary', lmHeadBias: true, tiedByDefault: false },
  gptj: {
    ...GPT_STYLE, name: 'GPT-J', normsPerLayer: 1, positions: 'rotary', attentionBias: 'none', lmHeadBias: true,
    tiedByDefault: false, dropout: false,
  },
  // CodeGen: GPT-J's tensors (q, k and v fused in one unbiased qkv_proj; a biased head).
  codegen: {
    ...GPT_STYLE, name: 'CodeGen', normsPerLayer: 1, positions: 'rotary', attentionBias: 'none', lmHeadBias: true,
    tiedByDefault: false, dropout: false,
  },
  gpt_neox: { ...GPT_STYLE, name: 'GPT-NeoX', positions: 'rotary', tiedByDefault: false, dropout: false, pythonGelu: false },
  // GPT-Neo: GPT-2's block with unbiased q, k and v (out_proj biased); its local-attention layers hold no parameters.
  gpt_neo: { ...GPT_STYLE, name: 'GPT-Neo', attentionBias: 'o' },
  // GPTBigCode (StarCoder, SantaCoder): GPT-2's block with multi-query attention unless multi_query is false.
  gpt_bigcode: { ...GPT_STYLE, name: 'GPTBigCode (StarCoder)', refine: ctx => (ctx.bool('multi_query') === false ? {} : { numKvHeads: 1 }) },
  // MPT (MptForCausalLM; MosaicML's remote code alike): ALiBi, no biases anywhere (its LayerNorms' included), an MLP
  // expansion_ratio × d_model wide, a tied head.
  mpt: {
    ...GPT_STYLE, name: 'MPT', norm: 'layernorm-nobias', positions: 'alibi', attentionBias: 'none', mlpBias: false, tiedByDefault: true, dropout: false, pythonGelu: false,
    refine: ctx => {
      const ratio = ctx.real('expansion_ratio') ?? 4;
      return { intermediateSize: Math.round(ratio * ctx.hiddenSize), ...(ctx.bool('no_bias') === false ? { attentionBias: 'all' as const, mlpBias: true, norm: 'layernorm' as const } : {}) };
    },
  },
  // Persimmon: GPT-NeoX's block (biased fused qkv, LayerNorms with biases, a biased squared-ReLU MLP) with LayerNorms on
  // each head's queries and keys (qk_layernorm); Fuyu adds a biased linear from each image patch's pixels.
  persimmon: PERSIMMON,
  fuyu: {
    ...PERSIMMON, name: 'Fuyu (Persimmon with image patches)',
    refine: ctx => ({
      ...PERSIMMON.refine!(ctx),
      patchEmbeddingParams: ((ctx.int('num_channels') ?? 3) * (ctx.int('patch_size') ?? 30) ** 2 + 1) * ctx.hiddenSize,
    }),
  },
  opt: {
    ...GPT_STYLE, name: 'OPT', positionOffset: 2, pythonGelu: false,
    refine: ctx => {
      const proj = ctx.int('word_embed_proj_dim');
      return {
        wordEmbedProjDim: proj !== undefined && proj !== ctx.hiddenSize ? proj : undefined,
        // OPT-350m normalises after each block and has no final LayerNorm.
        finalNorm: ctx.bool('do_layer_norm_before') !== false,
      };
    },
  },
  falcon: { ...GPT_STYLE, name: 'Falcon', positions: 'rotary', dropout: false, pythonGelu: false, refine: falconRefine(false) },
  RefinedWebModel: { ...GPT_STYLE, name: 'Falcon (RefinedWeb)', positions: 'rotary', dropout: false, pythonGelu: false, refine: falconRefine(false) },
  RefinedWeb: { ...GPT_STYLE, name: 'Falcon (RefinedWeb)', positions: 'rotary', dropout: false, pythonGelu: false, refine: falconRefine(true) },
  t5: T5,
  // mT5: T5 v1.1 (gated, untied) with a 250k-token vocabulary; UMT5: a relative-position bias in every layer.
  mt5: { ...T5, name: 'mT5' },
  umt5: { ...T5, name: 'UMT5', refine: () => ({ relativeBiasPerLayer: true }) },
  llama: LLAMA_STYLE,
  mistral: { ...LLAMA_STYLE, name: 'Mistral' },
  // Ministral (its layer_types of sliding and full attention) and Ministral 3 / Mistral 3's language models (a query
  // scale by position, no parameter): Mistral's tensors.
  ministral: { ...LLAMA_STYLE, name: 'Ministral' },
  ministral3: { ...LLAMA_STYLE, name: 'Ministral 3' },
  mixtral: { ...LLAMA_STYLE, name: 'Mixtral (mixture of experts)', refine: mixtralRefine },
  // Jamba: Mamba layers with attention every attn_layer_period layers (from attn_layer_offset), experts every
  // expert_layer_period layers (from expert_layer_offset), dense gated MLPs elsewhere; an untied head.
  jamba: { ...LLAMA_STYLE, name: 'Jamba (attention–Mamba hybrid, mixture of experts)', tiedByDefault: false, refine: jambaRefine },
  // Granite 4 hybrids (granitemoehybrid): Mamba2 and attention layers as layer_types lists them, every layer with
  // num_local_experts experts beside a shared MLP (or that shared MLP alone when there are no experts).
  granitemoehybrid: { ...LLAMA_STYLE, name: 'Granite 4 (attention–Mamba2 hybrid)', tiedByDefault: false, refine: graniteHybridRefine },
  // Zamba2: Mamba2 layers, some of them hybrid with a shared transformer block (tied head by default).
  zamba2: { ...LLAMA_STYLE, name: 'Zamba2 (Mamba2 with shared attention blocks)', tiedByDefault: true, defaultIntermediateMultiple: 4, refine: zamba2Refine },
  // Falcon-H1: a Mamba2 mixer and attention side by side in every layer, then a gated MLP (mlp_bias); its own
  // switches for the mixer's biases and gated norm; untied unless the config ties it.
  falcon_h1: { ...LLAMA_STYLE, name: 'Falcon-H1 (parallel attention–Mamba2 hybrid)', tiedByDefault: false, refine: falconH1Refine },
  // Baichuan / Baichuan2 (remote code): Llama's block with a fused unbiased W_pack for q, k and v, an untied head
  // (Baichuan2's NormHead normalises the same matrix); the 13B models use ALiBi, which holds no parameters.
  baichuan: { ...LLAMA_STYLE, name: 'Baichuan', tiedByDefault: false },
  // EXAONE 3.x / 3.5 (remote code): Llama's block under GPT-style names (`num_layers`, `activation_function`).
  exaone: { ...LLAMA_STYLE, name: 'EXAONE' },
  // DBRX: its attention and experts under attn_config and ffn_config; a fused unbiased Wqkv, LayerNorms without
  // bias, every layer moe_num_experts gated experts of ffn_hidden_size, top moe_top_k; an untied head.
  dbrx: {
    ...LLAMA_STYLE, name: 'DBRX (mixture of experts)', norm: 'layernorm-nobias', tiedByDefault: false,
    refine: ctx => {
      const width = ctx.int('ffn_config.ffn_hidden_size') ?? 3584;
      return {
        numKvHeads: ctx.int('attn_config.kv_n_heads') ?? 1,
        intermediateSize: width,
        moe: {
          numExperts: ctx.int('ffn_config.moe_num_experts') ?? 4, expertsPerToken: ctx.int('ffn_config.moe_top_k') ?? 1, expertIntermediate: width,
          sharedIntermediate: 0, sharedExpertGate: false, moeLayers: ctx.numLayers, routerBias: false,
        },
      };
    },
  },
  qwen2: { ...LLAMA_STYLE, name: 'Qwen2', attentionBias: 'qkv', refine: ctx => ({ slidingLayers: qwenSlidingLayers(ctx) }) },
  // Qwen2-VL / Qwen2.5-VL: Qwen2's language model, written at the top of the config (its vision_config beside it).
  // MiniCPM-V 2.6 (remote code): Qwen2's language model at the top of the config, SigLIP and a resampler beside it.
  // MiniCPM (remote code): Llama's block with a tied head (its scale_emb and scale_depth multiply, holding no
  // parameters); MiniCPM-MoE: num_experts gated experts in every layer, top num_experts_per_tok.
  minicpm: {
    ...LLAMA_STYLE, name: 'MiniCPM', tiedByDefault: true,
    refine: ctx => ((ctx.int('num_experts', { allowZero: true }) ?? 0) > 0 ? { moe: everyLayerExperts(ctx) } : {}),
  },
  // MiniCPM-V 2.6's language model is Qwen2 (biased q, k and v); 2.0's is MiniCPM and 2.5's Llama 3 (no biases).
  minicpmv: {
    ...LLAMA_STYLE, name: 'MiniCPM-V', attentionBias: 'qkv',
    refine: ctx => ({ slidingLayers: qwenSlidingLayers(ctx), ...(ctx.has('vision_encoder') || (ctx.real('version') ?? 2.6) < 2.6 ? { attentionBias: 'none' as const } : {}) }),
  },
  qwen2_vl: { ...LLAMA_STYLE, name: 'Qwen2-VL', attentionBias: 'qkv', refine: ctx => ({ slidingLayers: qwenSlidingLayers(ctx) }) },
  qwen2_5_vl: { ...LLAMA_STYLE, name: 'Qwen2.5-VL', attentionBias: 'qkv', refine: ctx => ({ slidingLayers: qwenSlidingLayers(ctx) }) },
  qwen2_moe: { ...LLAMA_STYLE, name: 'Qwen2-MoE', attentionBias: 'qkv', refine: qwenMoeRefine(true) },
  qwen3: { ...LLAMA_STYLE, name: 'Qwen3', qkNorm: 'head', refine: ctx => ({ slidingLayers: qwenSlidingLayers(ctx) }) },
  qwen3_moe: { ...LLAMA_STYLE, name: 'Qwen3-MoE', qkNorm: 'head', refine: qwenMoeRefine(false) },
  // Qwen3-VL's language models (its text_config): Qwen3's and Qwen3-MoE's blocks.
  qwen3_vl_text: { ...LLAMA_STYLE, name: 'Qwen3-VL', qkNorm: 'head' },
  qwen3_vl_moe_text: { ...LLAMA_STYLE, name: 'Qwen3-VL-MoE', qkNorm: 'head', refine: qwenMoeRefine(false) },
  // Qwen3-Next: Gated DeltaNet (linear attention) layers with gated full attention every full_attention_interval
  // layers; Qwen2-MoE's experts with a gated shared expert; per-head q/k norms; an untied head.
  qwen3_next: { ...LLAMA_STYLE, name: 'Qwen3-Next (linear-attention hybrid, mixture of experts)', qkNorm: 'head', tiedByDefault: false, refine: qwen3NextRefine },
  // Qwen3.5's MoE language model: Qwen3-Next's layers (its Gated DeltaNet projections unfused, the same tensors); with
  // experts in every layer, its config needs no dense intermediate_size.
  qwen3_5_moe_text: {
    ...LLAMA_STYLE, name: 'Qwen3.5-MoE (linear-attention hybrid, mixture of experts)', qkNorm: 'head', tiedByDefault: false,
    refine: ctx => ({ ...qwen3NextRefine(ctx), ...(ctx.intermediateSize === undefined ? { intermediateSize: ctx.int('moe_intermediate_size') } : {}) }),
  },
  // Qwen3.5's dense language models: Qwen3-Next's layers (Gated DeltaNet and gated attention) with a dense MLP.
  qwen3_5_text: {
    ...LLAMA_STYLE, name: 'Qwen3.5 (linear-attention hybrid)', qkNorm: 'head', tiedByDefault: false,
    refine: ctx => {
      const { moe: _none, ...hybrid } = qwen3NextRefine(ctx);
      return hybrid;
    },
  },
  phi3: { ...LLAMA_STYLE, name: 'Phi-3' },
  // Phi-3-vision / Phi-3.5-vision (remote code): Phi-3's language model, with the CLIP tower its img_processor names.
  phi3_v: { ...LLAMA_STYLE, name: 'Phi-3-vision' },
  gemma: { ...LLAMA_STYLE, name: 'Gemma', tiedByDefault: true },
  // Gemma 2/3: a norm before and after both attention and MLP; local (sliding) and global layers interleaved.
  gemma2: {
    ...LLAMA_STYLE, name: 'Gemma 2', tiedByDefault: true, normsPerLayer: 4,
    refine: ctx => ({ slidingLayers: Math.ceil(ctx.numLayers / 2) }),
  },
  gemma3_text: {
    ...LLAMA_STYLE, name: 'Gemma 3', tiedByDefault: true, normsPerLayer: 4, qkNorm: 'head',
    refine: ctx => {
      const pattern = ctx.int('sliding_window_pattern') ?? 6;
      return { slidingLayers: ctx.numLayers - Math.floor(ctx.numLayers / pattern) };
    },
  },
  gemma4_text: { ...LLAMA_STYLE, name: 'Gemma 4', tiedByDefault: true, normsPerLayer: 4, qkNorm: 'head', refine: gemma4Refine },
  stablelm: {
    ...LLAMA_STYLE, name: 'StableLM', norm: 'layernorm',
    refine: ctx => ({ attentionBias: ctx.bool('use_qkv_bias') ? 'qkv' : 'none' }),
  },
  starcoder2: {
    ...GPT_STYLE, name: 'StarCoder2', positions: 'rotary', dropout: false, pythonGelu: false,
    refine: ctx => ({ attentionBias: ctx.bool('use_bias') === false ? 'none' : 'all', mlpBias: ctx.bool('use_bias') !== false }),
  },
  // OLMo 1: LayerNorms without weight or bias (elementwise_affine=False), so norms hold no parameters.
  olmo: { ...LLAMA_STYLE, name: 'OLMo', norm: 'layernorm-noparams' },
  // OLMo 2: norms after attention and after the MLP, and RMSNorm over the whole query and key projections.
  olmo2: { ...LLAMA_STYLE, name: 'OLMo 2', qkNorm: 'projection' },
  // OLMo 3: OLMo 2's block; three layers in four attend within a sliding window, the fourth over the whole context.
  olmo3: { ...LLAMA_STYLE, name: 'OLMo 3', qkNorm: 'projection', refine: ctx => ({ slidingLayers: ctx.numLayers - Math.floor(ctx.numLayers / 4) }) },
  // Granite 3.x: Llama's block; its embedding, residual, attention and logit multipliers hold no parameters.
  granite: { ...LLAMA_STYLE, name: 'Granite', tiedByDefault: true },
  // Command R / R7B: attention and MLP in parallel from one bias-free LayerNorm; tied head.
  cohere: { ...LLAMA_STYLE, name: 'Command R', norm: 'layernorm-nobias', normsPerLayer: 1, tiedByDefault: true, refine: ctx => ({ qkNorm: ctx.bool('use_qk_norm') ? 'projection' : false }) },
  cohere2: { ...LLAMA_STYLE, name: 'Command R7B', norm: 'layernorm-nobias', normsPerLayer: 1, tiedByDefault: true },
  // InternLM2 / 2.5 (trust_remote_code): Llama's tensors, q/k/v packed in one wqkv; `bias` switches their biases.
  internlm2: { ...LLAMA_STYLE, name: 'InternLM2', refine: ctx => ({ attentionBias: ctx.bool('bias') ? 'all' : 'none' }) },
  // SmolLM3: Llama's block (some layers skip rotary embeddings, which hold no parameters); tied head.
  smollm3: { ...LLAMA_STYLE, name: 'SmolLM3', tiedByDefault: true },
  // gpt-oss: biased attention with a learned sink per head, sliding and full layers alternating, and in every layer
  // num_local_experts biased SwiGLU experts behind a biased router.
  gpt_oss: {
    ...LLAMA_STYLE, name: 'gpt-oss (mixture of experts)', attentionBias: 'all', mlpBias: true,
    refine: ctx => ({
      attentionSinks: true,
      fusedExperts: true,
      slidingLayers: Math.floor(ctx.numLayers / 2),
      moe: {
        numExperts: ctx.int('num_local_experts') ?? 32,
        expertsPerToken: ctx.int('num_experts_per_tok') ?? ctx.int('experts_per_token') ?? 4,
        expertIntermediate: ctx.intermediateSize ?? 0,
        sharedIntermediate: 0,
        sharedExpertGate: false,
        moeLayers: ctx.numLayers,
        routerBias: true,
      },
    }),
  },
  // Qwen (1, trust_remote_code): a biased fused c_attn, and an intermediate_size that counts both w1 and w2, each half.
  // MiMo (remote code): Qwen2's block, and num_nextn_predict_layers multi-token-prediction layers it loads with it.
  mimo: { ...LLAMA_STYLE, name: 'MiMo', attentionBias: 'qkv', refine: ctx => ({ mtpLayers: ctx.int('num_nextn_predict_layers', { allowZero: true }) ?? 0 }) },
  qwen: { ...LLAMA_STYLE, name: 'Qwen (1)', attentionBias: 'qkv', refine: ctx => ({ intermediateSize: Math.floor((ctx.intermediateSize ?? 0) / 2) }) },
  // Molmo (remote code): OLMo-style blocks with Qwen2's or OLMo's sizes: a fused ff_proj of intermediate_size (gate and
  // up), biased qkv when qkv_bias, embedding_size rows plus additional_vocab_size new ones, an untied ff_out head.
  molmo: {
    ...LLAMA_STYLE, name: 'Molmo',
    refine: ctx => ({
      intermediateSize: Math.floor((ctx.intermediateSize ?? 0) / 2),
      attentionBias: ctx.bool('qkv_bias') ? 'qkv' : 'none',
      vocabSize: ctx.int('embedding_size') ?? ctx.int('vocab_size'),
      extraEmbeddingRows: ctx.int('additional_vocab_size') ?? 128,
    }),
  },
  // ChatGLM 2/3 and GLM-4 (trust_remote_code): grouped queries when multi_query_attention (multi_query_group_num
  // groups), a biased fused query_key_value, an unbiased rest, RMSNorm unless told otherwise.
  chatglm: {
    ...LLAMA_STYLE, name: 'ChatGLM / GLM-4',
    refine: ctx => ({
      numKvHeads: ctx.bool('multi_query_attention') ? (ctx.int('multi_query_group_num') ?? 1) : ctx.numHeads,
      attentionBias: ctx.bool('add_bias_linear') ? 'all' : ctx.bool('add_qkv_bias') ? 'qkv' : 'none',
      mlpBias: ctx.bool('add_bias_linear') ?? false,
      norm: ctx.bool('rmsnorm') === false ? 'layernorm' : 'rmsnorm',
      finalNorm: ctx.bool('post_layer_norm') !== false,
    }),
  },
  // OLMoE: OLMo 2's q/k norms over the whole projections, and every layer's MLP num_experts routed experts.
  olmoe: { ...LLAMA_STYLE, name: 'OLMoE (mixture of experts)', qkNorm: 'projection', refine: ctx => ({ moe: everyLayerExperts(ctx) }) },
  // FlexOlmo: OLMoE's tensors in OLMo 2's layer (its two norms after attention and MLP rather than before).
  flex_olmo: { ...LLAMA_STYLE, name: 'FlexOlmo (mixture of experts)', qkNorm: 'projection', refine: ctx => ({ moe: everyLayerExperts(ctx) }) },
  // Phi-3.5-MoE: LayerNorms, attention and head biased where attention_bias / lm_head_bias say (its config says so),
  // and every layer's MLP num_local_experts experts.
  phimoe: {
    ...LLAMA_STYLE, name: 'Phi-3.5-MoE (mixture of experts)', norm: 'layernorm',
    refine: ctx => ({ attentionBias: ctx.bool('attention_bias') ? 'all' : 'none', lmHeadBias: ctx.bool('lm_head_bias') ?? false, moe: everyLayerExperts(ctx) }),
  },
  deepseek: { ...LLAMA_STYLE, name: 'DeepSeekMoE (mixture of experts)', refine: deepseekMoeRefine },
  // Granite 3.x MoE: Granite's block with every layer's MLP num_local_experts gated experts (fused input_linear).
  granitemoe: { ...LLAMA_STYLE, name: 'Granite MoE (mixture of experts)', tiedByDefault: true, refine: ctx => ({ moe: everyLayerExperts(ctx) }) },
  // Granite MoE with a shared gated MLP of shared_intermediate_size beside the experts in every layer.
  granitemoeshared: {
    ...LLAMA_STYLE, name: 'Granite MoE shared (mixture of experts)', tiedByDefault: true,
    refine: ctx => ({ moe: { ...everyLayerExperts(ctx)!, sharedIntermediate: ctx.int('shared_intermediate_size', { allowZero: true }) ?? 0 } }),
  },
  // BART: LayerNorm blocks with biased attention and a biased GELU MLP; per stack a learned position table of
  // max_position_embeddings + 2 rows and a LayerNorm on the embeddings; the head tied to the shared embedding.
  bart: {
    ...GPT_STYLE, name: 'BART (encoder–decoder)', encoderDecoder: true, pythonGelu: false,
    refine: ctx => {
      const rows = (ctx.int('max_position_embeddings') ?? 1024) + 2;
      return { positionTables: [rows, rows] };
    },
  },
  // mBART: BART with a final LayerNorm per stack too (add_final_layer_norm).
  mbart: {
    ...GPT_STYLE, name: 'mBART (encoder–decoder)', encoderDecoder: true, pythonGelu: false,
    refine: ctx => {
      const rows = (ctx.int('max_position_embeddings') ?? 1024) + 2;
      return { positionTables: [rows, rows], stackNorms: 4 };
    },
  },
  // Marian: BART's blocks with sinusoidal position tables of max_position_embeddings rows (nn.Embedding parameters,
  // frozen), no embedding or final LayerNorms; the head tied to the shared embedding.
  marian: {
    ...GPT_STYLE, name: 'Marian (encoder–decoder)', encoderDecoder: true, pythonGelu: false,
    refine: ctx => {
      const rows = ctx.int('max_position_embeddings') ?? 1024;
      return { positionTables: [rows, rows], stackNorms: 0 };
    },
  },
  // Pegasus: Marian's sinusoidal tables, with a final LayerNorm per stack.
  pegasus: {
    ...GPT_STYLE, name: 'Pegasus (encoder–decoder)', encoderDecoder: true, pythonGelu: false,
    refine: ctx => {
      const rows = ctx.int('max_position_embeddings') ?? 1024;
      return { positionTables: [rows, rows] };
    },
  },
  // Whisper: two convolutions over the mel frames, then BART's blocks with k_proj unbiased, a position table per
  // stack (max_source_positions audio frames, max_target_positions tokens), a final LayerNorm per stack, a tied head.
  whisper: {
    ...GPT_STYLE, name: 'Whisper (speech encoder–decoder)', encoderDecoder: true, attentionBias: 'all-but-k', pythonGelu: false, dropout: false,
    refine: ctx => {
      const frames = ctx.int('max_source_positions') ?? 1500;
      const mels = ctx.int('num_mel_bins') ?? 80;
      const h = ctx.hiddenSize;
      return {
        positionTables: [frames, ctx.int('max_target_positions') ?? 448],
        maxPositions: frames,
        patchEmbeddingParams: mels * h * 3 + h + h * h * 3 + h,
      };
    },
  },
  llama4_text: LLAMA4_TEXT,
  mllama_text_model: MLLAMA_TEXT,
  llama4: LLAMA4_TEXT,
  deepseek_v2: { ...LLAMA_STYLE, name: 'DeepSeek-V2 (MLA + mixture of experts)', refine: deepseekRefine },
  // DeepSeek-VL2 / DeepSeek-OCR: a DeepSeek-V2 language model (its keys written beside language_config too); the
  // vision encoder is not counted, and a warning says so.
  deepseek_vl_v2: { ...LLAMA_STYLE, name: 'DeepSeek-VL2 (its language model)', refine: deepseekRefine },
  deepseek_v3: { ...LLAMA_STYLE, name: 'DeepSeek-V3 (MLA + mixture of experts)', refine: deepseekRefine },
  seed_oss: { ...LLAMA_STYLE, name: 'Seed-OSS', refine: seedOssRefine },
  // Apertus: Llama's attention with per-head q/k norms, an MLP of up_proj and down_proj around xIELU (its alpha_p and
  // alpha_n learned, two scalars a layer).
  apertus: { ...LLAMA_STYLE, name: 'Apertus', qkNorm: 'head', mlp: 'plain', refine: ctx => ({ ...LLAMA_STYLE.refine!(ctx), activationParams: 2 }) },
  nemotron_h: { ...LLAMA_STYLE, name: 'Nemotron-H (Mamba2–attention hybrid)', normsPerLayer: 1, mlp: 'plain', refine: nemotronHRefine },
  // Arcee AFM: Llama's attention with Nemotron's MLP (up_proj and down_proj around relu², no gate).
  arcee: { ...LLAMA_STYLE, name: 'Arcee AFM', mlp: 'plain' },
  // Helium (Kyutai) and Code World Model (cwm, its sliding layers as layer_types lists them): Llama's tensors.
  helium: { ...LLAMA_STYLE, name: 'Helium' },
  cwm: { ...LLAMA_STYLE, name: 'Code World Model' },
  // Nemotron (Nemotron-4, Minitron): LayerNorms with a bias (LayerNorm1P), Llama's attention, an MLP of up_proj and
  // down_proj around relu² (no gate); biases where attention_bias and mlp_bias say.
  nemotron: { ...LLAMA_STYLE, name: 'Nemotron', norm: 'layernorm', mlp: 'plain' },
  lfm2: { ...LLAMA_STYLE, name: 'LFM2 (convolution–attention hybrid)', qkNorm: 'head', tiedByDefault: true, refine: lfm2Refine },
  // dots.llm1: Qwen3's attention (per-head q/k norms) with DeepSeek-V3's experts (dense FFNs in the first
  // first_k_dense_replace layers; the router's correction bias a buffer).
  dots1: {
    ...LLAMA_STYLE, name: 'dots.llm1 (mixture of experts)', qkNorm: 'head',
    refine: ctx => ({ moe: deepseekMoe(ctx, HF_DEEPSEEK_MOE, false), attentionBias: ctx.bool('attention_bias') ? 'all' : 'none' }),
  },
  // MiniMax-M2: Mixtral's experts in every layer (256 of intermediate_size, 8 per token; the router's correction bias a
  // buffer) around grouped-query attention with q/k norms over the whole projections; an untied head.
  // DeepSeek-V4: the attention and hyper-connections are the layout's; RMSNorms before attention and the experts.
  deepseek_v4: { ...LLAMA_STYLE, name: 'DeepSeek-V4 (compressed sparse attention, hyper-connections, mixture of experts)', refine: deepseekV4Refine },
  longcat_flash: { ...LLAMA_STYLE, name: 'LongCat-Flash (MLA, shortcut-connected mixture of experts with zero-computation experts)', refine: longcatFlashRefine },
  minimax: { ...LLAMA_STYLE, name: MINIMAX_01, refine: minimaxRefine },
  minimax_text_01: { ...LLAMA_STYLE, name: MINIMAX_01, refine: minimaxRefine },
  minimax_m1: { ...LLAMA_STYLE, name: MINIMAX_01, refine: minimaxRefine },
  minimax_m2: { ...LLAMA_STYLE, name: 'MiniMax-M2 (mixture of experts)', qkNorm: 'projection', refine: ctx => ({ moe: everyLayerExperts(ctx, { experts: 256, topK: 8 }) }) },
  // Hunyuan (Tencent): Llama's block with per-head query and key norms (query_layernorm / key_layernorm, after the
  // rotary embedding), dense (Hunyuan-0.5B to 7B) or with Hunyuan's experts (Hunyuan-A13B).
  hunyuan_v1_dense: { ...LLAMA_STYLE, name: 'Hunyuan', qkNorm: 'head' },
  hunyuan_v1_moe: { ...LLAMA_STYLE, name: 'Hunyuan MoE (mixture of experts)', qkNorm: 'head', refine: hunyuanMoeRefine },
  ernie4_5: { ...LLAMA_STYLE, name: 'ERNIE 4.5', tiedByDefault: true, refine: ernieBiasRefine },
  ernie4_5_moe: { ...LLAMA_STYLE, name: 'ERNIE 4.5 MoE (mixture of experts)', tiedByDefault: true, refine: ernieMoeRefine },
  exaone4: { ...LLAMA_STYLE, name: 'EXAONE 4.0', qkNorm: 'head', refine: exaone4Refine },
  // GLM-4 (`glm`: GLM-4-9B-Chat in transformers) and GLM-4-0414 (`glm4`, which adds a norm after attention and one
  // after the MLP): Llama's tensors with q/k/v biases (attention_bias, on by default) and gate/up fused in one matrix.
  glm: { ...LLAMA_STYLE, name: 'GLM-4', refine: glmAttentionRefine },
  glm4: { ...LLAMA_STYLE, name: 'GLM-4-0414', normsPerLayer: 4, refine: glmAttentionRefine },
  // GLM-4.1V / 4.6V-Flash's language model (glm4v_text): GLM-4-0414's layers.
  glm4v_text: { ...LLAMA_STYLE, name: 'GLM-4.1V (its language model)', normsPerLayer: 4, refine: glmAttentionRefine },
  // GLM-4.5 / 4.6 / 4.7: DeepSeek-V3's mixture of experts around grouped-query attention.
  glm4_moe: { ...LLAMA_STYLE, name: 'GLM-4.5 (mixture of experts)', refine: glm4MoeRefine },
  // GLM-4.5V / 4.6V's language model (glm4v_moe_text): GLM-4.5-Air's layers.
  glm4v_moe_text: { ...LLAMA_STYLE, name: 'GLM-4.5V (its language model)', refine: glm4MoeRefine },
  // DeepSeek-V3.2: DeepSeek-V3 with a lightning indexer in every layer choosing the tokens each query attends to.
  deepseek_v32: {
    ...LLAMA_STYLE, name: 'DeepSeek-V3.2 (sparse MLA + mixture of experts)',
    refine: ctx => {
      const v3 = deepseekRefine(ctx);
      return v3.mla ? { ...v3, mla: { ...v3.mla, indexer: { heads: ctx.int('index_n_heads') ?? 64, headDim: ctx.int('index_head_dim') ?? 128 } } } : v3;
    },
  },
  // GLM-5 (glm_moe_dsa): DeepSeek-V3.2's layers (latent attention with a lightning indexer, DeepSeek-V3's experts) in
  // GlmMoeDsaConfig's names and defaults.
  glm_moe_dsa: { ...LLAMA_STYLE, name: 'GLM-5 (sparse MLA + mixture of experts)', refine: glmLatentRefine(GLM_DSA) },
  // GLM-4.7-Flash (glm4_moe_lite): the same layers without the indexer, smaller.
  glm4_moe_lite: { ...LLAMA_STYLE, name: 'GLM-4.7-Flash (MLA + mixture of experts)', refine: glmLatentRefine(GLM_MOE_LITE) },
  // Moonshot's Kimi K2: DeepSeek-V3's architecture (DeepseekV3ForCausalLM), with 384 experts and 64 heads.
  kimi_k2: { ...LLAMA_STYLE, name: 'Kimi K2 (the DeepSeek-V3 architecture: MLA + mixture of experts)', refine: deepseekRefine },
  // Ling 2.0 (Bailing MoE V2): Llama's block with a fused QKV, q/k norms, DeepSeek-style shared and routed experts.
  bailing_moe: { ...LLAMA_STYLE, name: 'Ling (Bailing MoE, mixture of experts)', tiedByDefault: false, refine: bailingRefine },
  bailing_moe_v2: { ...LLAMA_STYLE, name: 'Ling 2.0 (Bailing MoE V2, mixture of experts)', tiedByDefault: false, refine: bailingV2Refine },
  // Nemotron-NAS (DeciLM): Llama's layers, each built by its own block_configs entry.
  'nemotron-nas': { ...LLAMA_STYLE, name: 'Nemotron-NAS (Llama layers of their own shapes)', tiedByDefault: false, refine: nemotronNasRefine },
  kimi_linear: { ...LLAMA_STYLE, name: 'Kimi Linear (Kimi Delta Attention–MLA hybrid, mixture of experts)', tiedByDefault: false, refine: kimiLinearRefine },
};

/** The native DeepSeek-V3 repository's config names (`dim`, `inter_dim`, `n_dense_layers`…), without model_type. */
export const DEEPSEEK_NATIVE: Family = { ...LLAMA_STYLE, name: 'DeepSeek (native config: MLA + mixture of experts)', refine: deepseekRefine };

/**
 * Meta's own `params.json` (the `original/` folder of Llama 1/2/3 checkpoints): Llama's block, its FFN width derived
 * as Meta's model code derives it — two thirds of 4·dim, times `ffn_dim_multiplier`, rounded up to `multiple_of`.
 * `vocab_size: -1` (Llama 1/2) leaves the vocabulary to the tokenizer: SentencePiece's 32,000.
 */
export const META_NATIVE: Family = {
  ...LLAMA_STYLE,
  name: "Llama (Meta's params.json)",
  defaultVocabSize: 32_000,
  refine: ctx => {
    const multiple = ctx.int('multiple_of') ?? 256;
    const multiplier = ctx.real('ffn_dim_multiplier') ?? 1;
    const base = Math.floor((2 * 4 * ctx.hiddenSize) / 3);
    const scaled = Math.floor(base * multiplier);
    return { intermediateSize: multiple * Math.ceil(scaled / multiple) };
  },
};

/**
 * Mistral's own `params.json` (mistral-inference): Llama's block with `hidden_dim` as the FFN width, and for Mixtral
 * a `moe` section of `num_experts` experts of that width, `num_experts_per_tok` routed.
 */
export const MISTRAL_NATIVE: Family = {
  ...LLAMA_STYLE,
  name: "Mistral (its own params.json)",
  refine: ctx => {
    const hidden = ctx.int('hidden_dim');
    const experts = ctx.int('moe.num_experts');
    return {
      ...(hidden !== undefined ? { intermediateSize: hidden } : {}),
      ...(experts !== undefined
        ? {
            moe: {
              numExperts: experts,
              expertsPerToken: ctx.int('moe.num_experts_per_tok') ?? 2,
              expertIntermediate: hidden ?? 0,
              sharedIntermediate: 0,
              sharedExpertGate: false,
              moeLayers: ctx.numLayers,
              routerBias: false,
            },
          }
        : {}),
    };
  },
};

/** A decoder whose family is not known, written with HF-style keys: the common modern block is assumed. */
export const GENERIC_MODERN_DECODER: Family = {
  ...LLAMA_STYLE,
  name: 'Generic decoder (Llama-style block assumed)',
  generic: true,
};

/** A config written with the plain textbook names (`d_model`, `n_heads`, `n_layers`): the classic block. */
export const GENERIC_CLASSIC_DECODER: Family = {
  ...GPT_STYLE,
  name: 'Generic decoder (GPT-style block assumed)',
  generic: true,
  // No position table unless the config gives a context length (then learned, as in nanoGPT).
  positions: 'none',
  pythonGelu: false,
};

/** An encoder config without `model_type` (early transformers releases wrote none): BERT's block. */
export const GENERIC_ENCODER: Family = { ...BERT_STYLE, name: 'Generic encoder (BERT-style block assumed)', generic: true };

/**
 * Keys of structures the generic families do not model. A config of an unknown family that has them gets no
 * estimate, rather than a number for a model it is not.
 */
export const UNMODELLED_KEYS: readonly string[] = [
  'kv_lora_rank', 'q_lora_rank', 'moe_intermediate_size', 'moe_inter_dim', 'n_routed_experts', 'num_local_experts',
  'num_experts', 'n_shared_experts', 'shared_expert_intermediate_size', 'first_k_dense_replace', 'state_size',
  'ssm_cfg', 'mamba_d_state', 'd_state', 'conv_kernel', 'attn_layer_period', 'expert_layer_period',
];

export interface FamilyChoice {
  readonly family: Family;
  readonly modelType: string | undefined;
}

export function familyFor(
  modelType: string | undefined,
  hints: {
    readonly classicNames: boolean;
    readonly deepseekNative: boolean;
    readonly encoderKeys: boolean;
    readonly nanoGpt: boolean;
    readonly gptNeoxYaml: boolean;
    /** Megatron-LM's arguments (a pretrain script's command line), with their positions. */
    readonly megatron?: 'learned' | 'rope';
    /** NeMo's Megatron GPT `model:` section, with its positions. */
    readonly nemo?: 'learned' | 'rope';
    readonly litgpt: boolean;
    readonly metaNative?: boolean;
    readonly mistralNative?: boolean;
  },
): Family {
  if (modelType !== undefined) {
    const known = FAMILIES[modelType] ?? FAMILIES[modelType.toLowerCase()];
    if (known) {
      return known;
    }
  }
  if (hints.deepseekNative) {
    return DEEPSEEK_NATIVE;
  }
  if (modelType === undefined && hints.mistralNative) {
    return MISTRAL_NATIVE;
  }
  if (modelType === undefined && hints.metaNative) {
    return META_NATIVE;
  }
  if (modelType === undefined && hints.litgpt) {
    return LITGPT;
  }
  if (modelType === undefined && hints.nanoGpt) {
    return NANOGPT;
  }
  if (modelType === undefined && hints.megatron) {
    return MEGATRON_GPT_FAMILIES[hints.megatron];
  }
  if (modelType === undefined && hints.nemo) {
    return NEMO_GPT_FAMILIES[hints.nemo];
  }
  if (modelType === undefined && hints.gptNeoxYaml) {
    return GPT_NEOX_YAML;
  }
  if (modelType === undefined && hints.encoderKeys) {
    return GENERIC_ENCODER;
  }
  return hints.classicNames ? GENERIC_CLASSIC_DECODER : GENERIC_MODERN_DECODER;
}
