// The engine's shared types: spans, model specs, run settings and estimates.

/** A scalar as a config file writes it: a number, a string or a boolean. */
export type RawValue = number | string | boolean;
/** A half-open character range [start, end) in the source text. */
export interface Span {
  readonly start: number;
  readonly end: number;
}

/** Where a value used by the estimate came from. */
export type Origin =
  | { readonly kind: 'file'; readonly key: string; readonly keySpan: Span; readonly valueSpan: Span }
  | { readonly kind: 'family-default'; readonly family: string }
  | { readonly kind: 'setting'; readonly setting: string }
  | { readonly kind: 'derived'; readonly from: string };

/** The hyperparameters that the estimator reads, by their canonical name. */
export type SpecField =
  | 'hiddenSize'
  | 'numLayers'
  | 'numHeads'
  | 'numKvHeads'
  | 'headDim'
  | 'vocabSize'
  | 'intermediateSize'
  | 'maxPositions'
  | 'typeVocabSize'
  | 'numExperts'
  | 'expertsPerToken'
  | 'expertIntermediateSize'
  | 'numDecoderLayers'
  | 'relativeAttentionBuckets'
  | 'tieWordEmbeddings'
  | 'dtype'
  | 'modelType'
  | 'slidingWindow';

/** LayerNorm (weight and bias), LayerNorm without bias (nanoGPT's bias=False), RMSNorm (weight only). */
/** `layernorm-noparams`: LayerNorm without weight or bias (OLMo 1's elementwise_affine=False). */
export type NormKind = 'layernorm' | 'layernorm-nobias' | 'layernorm-noparams' | 'rmsnorm';
export type PositionKind = 'learned' | 'rotary' | 'alibi' | 'relative' | 'none';
/** Which attention projections are biased: none, all four, q/k/v only, or all but k (Whisper). */
export type AttentionBias = 'none' | 'all' | 'qkv' | 'all-but-k' | 'o';
export type MlpKind = 'plain' | 'gated';
export type HeadKind = 'lm' | 'none';

/** The architecture of a model, fully resolved: every shape and every structural choice. */
/**
 * Gemma 4's decoder (transformers' modeling_gemma4): its sliding layers have the spec's head_dim and KV heads; its
 * full-attention (global) layers their own head width and, where keys serve as values (attention_k_eq_v), their own
 * KV heads and no value projection. The last num_kv_shared_layers layers reuse an earlier layer's keys and values
 * (no K/V projections, no cache) and may have an MLP twice as wide; E2B / E4B add per-layer embeddings.
 */
export interface Gemma4Layout {
  readonly globalHeadDim: number;
  readonly globalKvHeads: number;
  /** Global layers' keys serve as their values: no v_proj (the cache still holds both). */
  readonly keysAsValues: boolean;
  /** KV-shared layers among the sliding and among the global ones. */
  readonly sharedSliding: number;
  readonly sharedGlobal: number;
  /** KV-shared layers' MLPs are twice intermediate_size (use_double_wide_mlp). */
  readonly doubleWideShared: boolean;
  /** Per-layer embeddings: each layer's width (hidden_size_per_layer_input, 0 for none) and their vocabulary. */
  readonly perLayerWidth: number;
  readonly perLayerVocab: number;
}

/**
 * Gemma 4's audio encoder (Gemma4AudioModel, a Universal Speech Model conformer): two strided convolutions of
 * subsampling_conv_channels, num_hidden_layers conformer layers hidden_size wide, the output projection to
 * output_proj_dims, and the model's projection of that into the language model (embed_audio).
 */
export interface AudioTower {
  readonly kind: 'gemma4';
  readonly hiddenSize: number;
  readonly numLayers: number;
  readonly heads: number;
  readonly convChannels: readonly [number, number];
  readonly convKernel: number;
  readonly outputDim: number;
}

export interface ModelSpec {
  /** Display name of the architecture family (e.g. "Llama", "GPT-2"). */
  readonly family: string;
  /** True when the family was not recognised and a generic decoder is assumed. */
  readonly generic: boolean;
  readonly encoderDecoder: boolean;
  readonly encoderOnly: boolean;
  readonly hiddenSize: number;
  readonly numLayers: number;
  /** Decoder layers of an encoder-decoder model; 0 otherwise. */
  readonly numDecoderLayers: number;
  readonly numHeads: number;
  readonly numKvHeads: number;
  readonly headDim: number;
  readonly vocabSize: number;
  readonly intermediateSize: number;
  readonly maxPositions: number | undefined;
  readonly typeVocabSize: number;
  /** Mixture-of-experts layout; undefined for dense models. */
  readonly moe: MoeShape | undefined;
  /** Multi-head latent attention (DeepSeek-V2/V3); undefined for ordinary attention. */
  readonly mla: MlaShape | undefined;
  /**
   * RMSNorm on queries and keys: per head, of head_dim (Qwen3, Gemma 3), or over the whole projection, of
   * heads × head_dim (OLMo 2); false without.
   */
  readonly qkNorm: false | 'head' | 'projection';
  /** A learned attention sink (a logit per head) in every layer (gpt-oss). */
  readonly attentionSinks?: boolean;
  /**
   * The experts are fused parameters, not nn.Linear modules (gpt-oss): PEFT's target_modules cannot adapt them
   * (it would need target_parameters), so LoRA on "all linear" layers leaves them out.
   */
  readonly fusedExperts?: boolean;
  readonly relativeAttentionBuckets: number;
  /** Extra rows of a learned position table (OPT reserves 2). */
  readonly positionOffset: number;
  /** Width of the token embedding when it is projected to the hidden size (OPT-350m). */
  readonly wordEmbedProjDim: number | undefined;
  /** The FFN activation is a Python formula whose intermediates autograd keeps (GPT-2's gelu_new). */
  readonly pythonGelu: boolean;
  readonly tieWordEmbeddings: boolean;
  readonly norm: NormKind;
  /** Norms inside each transformer block (2 for pre-norm blocks, 1 for parallel attention+MLP blocks). */
  readonly normsPerLayer: number;
  readonly positions: PositionKind;
  readonly attentionBias: AttentionBias;
  readonly mlp: MlpKind;
  readonly mlpBias: boolean;
  readonly embeddingNorm: boolean;
  readonly pooler: boolean;
  readonly lmHeadBias: boolean;
  readonly finalNorm: boolean;
  /** True when the block uses dropout during training (masks are kept for backward). */
  readonly dropout: boolean;
  readonly head: HeadKind;
  readonly slidingWindow: number | undefined;
  /** Layers that attend within the sliding window (the others attend to the whole context). */
  readonly slidingLayers: number;
  /** dtype the checkpoint is stored in, as the config says (`torch_dtype`), if it does. */
  readonly storedDtype: string | undefined;
  /** Input embedding weights other than tables: a vision tower's patch convolution and class token. */
  readonly patchEmbeddingParams: number;
  /** The vision encoder a multimodal checkpoint holds beside its language model (Gemma 3, Llama 4), with its projector. */
  readonly vision?: VisionTower;
  /**
   * Layers among numLayers that cross-attend to image features (Llama 3.2 Vision's cross_attention_layers): each with
   * q/k norms and two gates besides the usual tensors; a text-only run skips them.
   */
  readonly crossAttentionLayers?: number;
  /** Embedding rows beyond the vocabulary the head predicts (Llama 3.2 Vision's 8). */
  readonly extraEmbeddingRows?: number;
  /** A bias-free score head of this many outputs in place of the vocabulary head (a reward model); head is 'none'. */
  readonly scoreLabels?: number;
  /**
   * A hybrid of attention and recurrent layers (Jamba, Granite 4, Qwen3-Next): `mambaLayers` layers run a Mamba (or
   * linear-attention) mixer and `attentionLayers` run attention with its KV cache, in place of each other, or both in
   * every layer side by side (Falcon-H1); each mixer keeps its recurrent state per sequence.
   */
  readonly hybrid?: HybridLayers;
  /** Qwen3-Next's gated attention: q_proj also yields a sigmoid gate per query value, doubling its outputs. */
  readonly gatedAttention?: boolean;
  /**
   * A rotary cos/sin cache vLLM builds its own way (MiniMax-01): in float32 over `rotaryDim` values per position, for
   * the positions up to max_model_len only. Unset: the model's dtype over the head dimension and every trained position.
   */
  readonly ropeCache?: { readonly rotaryDim: number };
  /** A state-space model's mixer (Mamba): its tensors and its recurrent state come from here. */
  readonly ssm?: SsmShape;
  /**
   * Zamba2's shared transformer blocks: `blocks` blocks of attention over the concatenated hidden state and embedding
   * (2 × hidden_size wide) and a gated MLP, visited in turn by its hybrid layers, each of which adds its own linear and
   * low-rank adapters (`rank`; the attention's only with `attentionAdapters`).
   */
  readonly sharedBlocks?: { readonly blocks: number; readonly rank: number; readonly attentionAdapters: boolean };
  /**
   * Multi-token-prediction layers the model loads beside its decoder (MiMo's `num_nextn_predict_layers`): each a
   * decoder layer with a projection from the embedding and hidden state (2 × hidden_size in) and three more norms.
   */
  readonly mtpLayers?: number;
  /**
   * Kimi K3's block attention residuals (attn_res_block_size): every layer mixes the earlier blocks' outputs before
   * its attention and before its MLP, each mix an RMSNorm and a one-output projection of the hidden size; the stack's
   * output is mixed once more the same way.
   */
  readonly blockResiduals?: { readonly blockSize: number };
  /**
   * Multi-token-prediction layers the checkpoint holds but the model does not load (Qwen3.5's mtp_num_hidden_layers,
   * DeepSeek-V3's and GLM-4.5's num_nextn_predict_layers): not in the count; vLLM loads them as the draft of MTP
   * speculative decoding.
   */
  readonly draftLayers?: number;
  /**
   * Layers with a dense MLP where not every layer has one (Nemotron-H, whose blocks each hold one mixer: Mamba2,
   * attention, an MLP or experts); otherwise every layer without experts has one.
   */
  readonly mlpLayers?: number;
  /** Learnable scalars of each layer's MLP activation (Apertus's xIELU: alpha_p and alpha_n), 0 or absent for most. */
  readonly activationParams?: number;
  /** Gemma 4's layers: global layers of their own geometry, layers that reuse earlier layers' keys and values, per-layer embeddings. */
  readonly gemma4?: Gemma4Layout;
  /** DeepSeek-V4's attention, compressors and hyper-connection streams, which take the place of Llama's attention. */
  readonly deepseekV4?: DeepseekV4Layout;
  /** Nemotron-NAS's layers in order, each with its own attention and FFN (or none, or one linear layer in their place). */
  readonly nas?: readonly NasBlock[];
  /** An audio encoder beside the language model (Gemma 4 E2B / E4B), counted with the towers. */
  readonly audio?: AudioTower;
  /** An RWKV model's time and channel mixes: its tensors and its recurrent state come from here. */
  readonly rwkv?: RwkvShape;
  /** A diffusion transformer's structure (FLUX.1): its tensors come from here, not from the decoder fields. */
  readonly dit?: DitShape;
  /**
   * Elements of persistent buffers the checkpoint stores beside the parameters and loads with them (SD3's
   * position-embedding grid): in the weights' memory, not in the parameter count.
   */
  readonly bufferElements?: number;
  /**
   * Weights transformers keeps in float32 when it loads the model in float16 or through bitsandbytes
   * (`_keep_in_fp32_modules`: T5's FFN output projection `wo`), by their tensor target.
   */
  readonly keptInFp32?: readonly ('q' | 'k' | 'v' | 'o' | 'gate' | 'up' | 'down' | 'head')[];
  /**
   * A diffusers pipeline (model_index.json): every component with its own spec; the fields above are its denoiser's.
   * Its parameters are their sum; its memory holds them all, trains the denoiser, and peaks at the larger of a
   * denoising step and the VAE's decode.
   */
  readonly pipeline?: { readonly className: string; readonly components: readonly PipelineComponent[] };
  /** CLIPTextModelWithProjection's bias-free text_projection (SigLIP's text head, biased): its output width. */
  readonly textProjection?: number;
  readonly textProjectionBias?: boolean;
  /** SD3's MMDiT (SD3Transformer2DModel): its tensors come from here, not from the decoder fields. */
  readonly mmdit?: MmditShape;
  /** PixArt's or Sana's cross-attention DiT: its tensors come from here, not from the decoder fields. */
  readonly crossDit?: CrossDitShape;
  /** A convolutional diffusers model (a UNet or a VAE): its tensors and activations come from here. */
  readonly convnet?: ConvNetShape;
  /** Tokens per sample when the settings give none (a diffusion transformer's image and text tokens). */
  readonly defaultSequence?: number;
  /** Why the memory estimate is approximate, when it is (said in the lens and the report). */
  readonly approximate?: string;
  /**
   * An encoder–decoder's learned position tables, one per stack, by rows (BART's max_position_embeddings + 2 each;
   * Whisper's 1,500 audio frames and 448 tokens), in place of one shared table.
   */
  readonly positionTables?: readonly [encoder: number, decoder: number];
  /**
   * An encoder–decoder's norms outside its blocks: 2 by default (T5's final norm per stack, BART's embedding
   * LayerNorms), 4 for mBART (both), 0 for Marian (neither).
   */
  readonly stackNorms?: number;
  /** An image classifier's biased head over this many labels (ViTForImageClassification), in place of a pooler. */
  readonly classifierLabels?: number;
  /** A relative-position bias in every layer (UMT5), not only in each stack's first (T5). */
  readonly relativeBiasPerLayer?: boolean;
}

/** A hybrid's layers: how many run attention, how many a recurrent mixer, which mixer, and how its state is kept. */
export interface HybridLayers {
  readonly mixer: HybridMixer;
  readonly mambaLayers: number;
  readonly attentionLayers: number;
  /** The recurrent state's dtype where the config sets one (Qwen3.5's `mamba_ssm_dtype: float32`); else the model's. */
  readonly stateDtype?: 'float32' | 'float16' | 'bfloat16';
  /** A Mamba2 mixer's scan chunk (`mamba_chunk_size` / `chunk_size`), which vLLM aligns its blocks to under prefix caching. */
  readonly chunkSize?: number;
}

/**
 * DeepSeek-V4 as transformers' DeepseekV4ForCausalLM builds it: in every layer, shared-KV multi-query attention (one
 * key-value head of head_dim serving as keys and values) with a query LoRA, per-head sinks and a grouped low-rank output
 * projection (oGroups groups to oLoraRank each, then one projection to the width), over a sliding window of
 * slidingWindow tokens; beside it in csaLayers, compressed sparse attention (one entry per csaRate tokens, pooled over
 * overlapping windows, chosen by a lightning indexer of indexHeads heads of indexHeadDim), in hcaLayers heavily
 * compressed attention (one entry per hcaRate tokens). hcMult residual streams are mixed around each block
 * (hyper-connections) and collapsed before the final norm.
 */
export interface DeepseekV4Layout {
  readonly qLoraRank: number;
  readonly oGroups: number;
  readonly oLoraRank: number;
  readonly indexHeads: number;
  readonly indexHeadDim: number;
  readonly hcMult: number;
  readonly slidingWindow: number;
  readonly csaRate: number;
  readonly hcaRate: number;
  readonly csaLayers: number;
  readonly hcaLayers: number;
}

/**
 * One Nemotron-NAS layer as its block_configs entry builds it: grouped-query attention (at numKvHeads, the model's one
 * key-value width), a linear layer in its place (`replace_with_linear`) or none; an FFN of its width, a linear layer
 * or none.
 */
export interface NasBlock {
  readonly attention: 'grouped' | 'linear' | 'none';
  readonly ffn: number | 'linear' | 'none';
}

/** The recurrent mixer a hybrid runs in place of attention: Mamba / Mamba2, a Gated DeltaNet, a short convolution or lightning attention. */
export type HybridMixer = SsmShape | DeltaNetShape | ShortConvShape | LightningShape;

/**
 * MiniMax-01's lightning attention: a fused qkv_proj (SiLU on q, k and v), a sigmoid output gate, an RMSNorm over
 * the heads and out_proj; `heads` heads of `headDim`, decaying linear attention whose state per sequence is each
 * head's headDim × headDim matrix, with no convolution.
 */
export interface LightningShape {
  readonly kind: 'lightning';
  readonly heads: number;
  readonly headDim: number;
}

/**
 * LFM2's gated short convolution: in_proj to three times the width (B, C and x), a depthwise convolution of `kernel`
 * over the width, out_proj; biases where conv_bias says. Its state per sequence is the convolution's window.
 */
export interface ShortConvShape {
  readonly kind: 'short-conv';
  readonly channels: number;
  readonly kernel: number;
  readonly bias: boolean;
}

/**
 * A delta-rule linear attention: Qwen3-Next's Gated DeltaNet, or Kimi Linear's Kimi Delta Attention (`kimi-delta`,
 * its own projections: separate q, k and v, low-rank decay and output gates, β per head). `keyHeads` key heads and
 * `valueHeads` value heads of keyDim and valueDim, a depthwise convolution over q, k and v, a recurrent state of
 * valueHeads × keyDim × valueDim per sequence.
 */
export interface DeltaNetShape {
  readonly kind: 'gated-deltanet' | 'kimi-delta';
  readonly keyHeads: number;
  readonly valueHeads: number;
  readonly keyDim: number;
  readonly valueDim: number;
  readonly convKernel: number;
  /**
   * Kimi K3's Kimi Delta Attention (linear_attn_config.use_full_rank_gate): a full-rank output gate (g_proj, hidden
   * size to every value channel) in place of the low-rank g_a_proj / g_b_proj, and A_log with one entry per head
   * channel, as its checkpoint stores it.
   */
  readonly fullRankGate?: boolean;
}

/**
 * RWKV's mixes: the generation, the time mix's width (attention_hidden_size; RWKV-7's key width), its head size (0 for
 * RWKV-4, which has no heads), the channel mix's width, and the low-rank projections RWKV-6 (token shift, decay) and
 * RWKV-7 (decay, gate, in-context learning rate, value residual) add.
 */
export interface RwkvShape {
  readonly version: 4 | 5 | 6 | 7;
  readonly attention: number;
  readonly headSize: number;
  readonly intermediate: number;
  readonly ranks?: { readonly mix: number; readonly decay: number } | { readonly decay: number; readonly gate: number; readonly a: number; readonly v: number };
}

/** Mamba's mixer: intermediate channels, SSM state size, convolution window, time-step rank, and its biases. */
export interface SsmShape {
  readonly inner: number;
  readonly state: number;
  readonly convKernel: number;
  readonly timeStepRank: number;
  readonly linearBias: boolean;
  readonly convBias: boolean;
  /**
   * Mamba2's multi-head mixer: `heads` heads of intermediate / heads channels, B and C shared in `groups` groups,
   * a scalar A, D and time-step bias per head, a gated RMSNorm before out_proj (no x_proj or dt_proj).
   */
  readonly mamba2?: { readonly heads: number; readonly groups: number };
  /** Jamba's RMSNorms on the time step, B and C inside its Mamba mixer. */
  readonly innerNorms?: boolean;
  /** Falcon-H1: out_proj's bias by its own switch (projectors_bias), and the gated RMSNorm optional (mamba_rms_norm). */
  readonly outBias?: boolean;
  readonly gatedNorm?: boolean;
}

/**
 * FLUX.1's transformer (diffusers' FluxTransformer2DModel): double-stream blocks over the image and text tokens
 * side by side, then single-stream blocks over both, each modulated by the timestep, guidance and pooled text.
 */
export interface DitShape {
  readonly doubleBlocks: number;
  readonly singleBlocks: number;
  readonly inChannels: number;
  readonly outChannels: number;
  readonly patchSize: number;
  readonly jointAttentionDim: number;
  readonly pooledProjectionDim: number;
  readonly guidanceEmbeds: boolean;
  /** Image tokens at the default 1024 × 1024 (the VAE's 8× and the 2 × 2 patch packing) and text tokens (T5's 512). */
  readonly imageTokens: number;
  readonly textTokens: number;
}

/** One component of a diffusers pipeline: its key in model_index.json, its class, what it does, and its spec. */
export interface PipelineComponent {
  readonly name: string;
  readonly className: string;
  readonly role: 'denoiser' | 'text-encoder' | 'vae' | 'safety-checker';
  /** The safety checker's spec is its CLIP vision tower's; its projection width (the config's projection_dim). */
  readonly spec: ModelSpec;
  readonly projection?: number;
}

/**
 * SD3's MMDiT (diffusers' SD3Transformer2DModel): joint blocks over image and text tokens, each stream with its own
 * projections; the last block updates no text; SD3.5 Medium's first blocks add a second, image-only attention.
 */
export interface MmditShape {
  readonly inChannels: number;
  readonly outChannels: number;
  readonly patchSize: number;
  readonly jointAttentionDim: number;
  readonly captionProjectionDim: number;
  readonly pooledProjectionDim: number;
  /** Blocks (by index) with the second attention (dual_attention_layers). */
  readonly dualAttentionLayers: number;
  /** Per-head RMSNorms on queries and keys (SD3.5's qk_norm "rms_norm"). */
  readonly qkNorm: boolean;
  /** The persistent position-embedding buffer's side (pos_embed_max_size): stored in the checkpoint, not a parameter. */
  readonly positionGrid: number;
  /** The image side its config is built for (sample_size × 8) and its tokens there. */
  readonly imageSide: number;
  readonly imageTokens: number;
  readonly textTokens: number;
}

/**
 * A DiT that reads its prompt through cross-attention, modulated by one AdaLN-single shared by its blocks: PixArt-α / Σ
 * (PixArtTransformer2DModel: softmax self-attention, a GELU MLP) or Sana (SanaTransformer2DModel: linear
 * self-attention, a gated convolutional MLP, an RMSNorm on the projected caption).
 */
export interface CrossDitShape {
  readonly kind: 'pixart' | 'sana';
  readonly inChannels: number;
  readonly outChannels: number;
  readonly patchSize: number;
  /** The text encoder's width (T5's 4,096 for PixArt, Gemma 2's 2,304 for Sana), projected to the model's. */
  readonly captionChannels: number;
  /** Cross-attention: the keys' and values' input width, its heads and their width. */
  readonly crossAttentionDim: number;
  readonly crossHeads: number;
  readonly crossHeadDim: number;
  /** Biased q, k and v in self-attention (`attention_bias`). */
  readonly attentionBias: boolean;
  /** PixArt's resolution and aspect-ratio embedders (use_additional_conditions: its 1,024-pixel models). */
  readonly sizeConditions: boolean;
  /** Sana Sprint's guidance embedder (guidance_embeds): distilled, no classifier-free guidance. */
  readonly guidanceEmbeds: boolean;
  /** Sana 1.5's RMSNorms over all heads' queries and keys (qk_norm "rms_norm_across_heads"). */
  readonly qkNorm: boolean;
  /** The VAE's downsampling (PixArt's AutoencoderKL: 8; Sana's DC-AE: 32), the side its config is built for and its tokens there. */
  readonly latentScale: number;
  readonly imageSide: number;
  readonly imageTokens: number;
  readonly textTokens: number;
}

/**
 * A diffusers UNet (UNet2DConditionModel: Stable Diffusion 1.x / 2.x / XL) or VAE (AutoencoderKL), as its
 * config.json builds it: per resolution level, its channels, ResNet blocks and transformer blocks.
 */
export interface ConvNetShape {
  readonly kind: 'unet' | 'vae';
  readonly inChannels: number;
  readonly outChannels: number;
  readonly blockOutChannels: readonly number[];
  readonly layersPerBlock: readonly number[];
  /** UNet: whether each down block (in order) and each up block (in order) has cross-attention transformers. */
  readonly downAttention: readonly boolean[];
  readonly upAttention: readonly boolean[];
  /** UNet: transformer blocks per attention, by down block (the up blocks take them reversed). */
  readonly transformerLayers: readonly number[];
  /** UNet: attention heads by down block (diffusers reads the config's attention_head_dim as the number of heads). */
  readonly attentionHeads: readonly number[];
  /** UNet: the width of the text features each level cross-attends to (by down block). */
  readonly crossAttentionDim: readonly number[];
  /** UNet: the mid block's transformers (UNetMidBlock2DCrossAttn), or none. */
  readonly midBlock: boolean;
  /** UNet: SDXL's added time and text embedding input (projection_class_embeddings_input_dim), when there is one. */
  readonly addEmbeddingInput?: number;
  readonly convInKernel: number;
  readonly convOutKernel: number;
  /** VAE: latent channels, its 1 × 1 quant convolutions, and the mid block's attention. */
  readonly latentChannels: number;
  readonly quantConv: boolean;
  readonly postQuantConv: boolean;
  readonly midAttention: boolean;
  /** VAE: force_upcast (diffusers' default true): SDXL's pipeline decodes in fp32 when it runs in fp16. */
  readonly forceUpcast: boolean;
  /** Image side in pixels the config is built for (UNet: sample_size × 8; VAE: sample_size). */
  readonly imageSide: number;
  /** Tokens of text the UNet cross-attends to (CLIP's 77). */
  readonly textTokens: number;
}

/**
 * A vision encoder beside the language model, as the checkpoint holds it: counted in the parameters and the
 * weights, frozen under LoRA; a text-only run sends no image through it.
 */
export interface VisionTower {
  /**
   * Whose encoder: SigLIP's (Gemma 3's vision_config), Llama 4's, Llama 3.2 Vision's (mllama), Pixtral's (Mistral Small
   * 3.1), CLIP's (LLaVA), Qwen2-VL's / Qwen2.5-VL's / Qwen3-VL's, GLM-4.1V's / GLM-4.5V's, InternViT (InternVL) or MoonViT (Kimi-VL).
   */
  readonly kind: 'siglip' | 'llama4' | 'mllama' | 'pixtral' | 'clip' | 'qwen2vl' | 'qwen25vl' | 'qwen3vl' | 'glm4v' | 'internvit' | 'moonvit' | 'gemma4';
  readonly hiddenSize: number;
  readonly numLayers: number;
  readonly intermediateSize: number;
  readonly imageSize: number;
  readonly patchSize: number;
  readonly channels: number;
  /** SigLIP's attention-pooling head (`vision_use_head`); Gemma 3's tower has none. */
  readonly poolingHead: boolean;
  /** Llama 4's pixel-shuffle adapter widths (`projector_input_dim`, `projector_output_dim`) and its output width. */
  readonly adapter?: { readonly inputDim: number; readonly outputDim: number; readonly visionOutputDim: number };
  /** Llama 3.2 Vision's tiles: gated global layers, tiles per image, aspect ratios, and the width fed to the projector. */
  readonly tiles?: { readonly globalLayers: number; readonly maxTiles: number; readonly aspectRatios: number; readonly visionOutputDim: number };
  /**
   * InternViT's switches (InternVL): biased qkv, q/k norms, RMSNorm rather than LayerNorm, and the pixel shuffle that
   * concatenates pixelShuffle² patches before the projector.
   */
  readonly internVit?: {
    readonly qkvBias: boolean;
    readonly qkNorm: boolean;
    readonly rmsNorm: boolean;
    readonly pixelShuffle: number;
    /** InternVL's dynamic tiling (dynamic_image_size): min_dynamic_patch to max_dynamic_patch tiles, and a thumbnail. */
    readonly dynamicTiles?: { readonly min: number; readonly max: number; readonly thumbnail: boolean };
  };
  /**
   * MiniCPM-V's projector: a perceiver resampler of `queries` learned queries (in place of SigLIP's projector); in
   * MiniCPM-V 2.0 its queries' 2-D positions are a parameter too.
   */
  readonly resampler?: { readonly queries: number; readonly learnedPositions?: boolean };
  /**
   * Kimi-VL's MoonViT: learned positions on a grid of init_pos_emb_height × init_pos_emb_width patches (interpolated
   * to each image's own grid), and merge_kernel_size patches merged into one token before its projector.
   */
  readonly moonVit?: {
    readonly positionRows: number;
    readonly positionCols: number;
    readonly mergeRows: number;
    readonly mergeCols: number;
    /**
     * Kimi K3's MoonViT: unbiased blocks with a fused qkv of qkvWidth per projection (qkv_hidden_size), RMSNorms unless
     * norm_type says layernorm, and the patchmergerv2 projector from mm_hidden_size features (projectorInput).
     */
    readonly k3?: { readonly qkvWidth: number; readonly projectorInput: number; readonly rmsNorm: boolean };
  };
  /**
   * Gemma 4's tower: its heads (num_attention_heads of head_dim, as many KV heads), the two axes' position tables of
   * position_embedding_size, whether its output is standardized, and the soft tokens an image becomes
   * (vision_soft_tokens_per_image), each pooling_kernel_size² patches.
   */
  readonly gemma4?: { readonly heads: number; readonly headDim: number; readonly positions: number; readonly standardize: boolean; readonly pooling: number; readonly softTokens: number };
  /**
   * Qwen2-VL's patch merger: spatial_merge_size² patches into one token of the language model's width; frames per patch.
   * Qwen3-VL adds learned positions (`num_position_embeddings`) and one more merger per DeepStack layer.
   */
  readonly merger?: {
    readonly spatialMergeSize: number;
    readonly temporalPatchSize: number;
    readonly outputDim: number;
    readonly positions?: number;
    readonly deepstackMergers?: number;
    /** GLM-4.1V's / GLM-4.5V's biased qkv (attention_bias); their blocks' MLP is outputDim wide, their merger intermediateSize. */
    readonly qkvBias?: boolean;
  };
  /**
   * The projector of Pixtral and CLIP towers: Mistral 3's (an RMSNorm, a patch merger over spatial_merge_size² patches,
   * two linears) or LLaVA's (two linears), biased or not (multimodal_projector_bias); LLaVA-NeXT adds an image_newline
   * vector of the language model's width; Phi-3-vision's (two linears from four patch features, and two separator
   * vectors of that width); PaliGemma's one biased linear; Idefics3's and SmolVLM's pixel shuffle of spatialMergeSize²
   * patches and one unbiased linear; CLIPModel's own (style 'clip'), both towers projected to `dim`; SiglipModel's
   * (style 'siglip'), only its logit scale and bias (each tower has its own head).
   */
  /**
   * LLaVA-NeXT's and OneVision's anyres tiling: the grid resolutions a processed image may take (`image_grid_pinpoints`,
   * as [height, width]), whether each tile's features carry a class token, and OneVision's cap on the features of an
   * image (`anyres_max_N`: N tiles' worth, downscaled beyond 1.1 times that).
   */
  readonly anyres?: { readonly pinpoints: readonly (readonly [number, number])[]; readonly classToken: boolean; readonly maxTiles?: number };
  readonly projector?: {
    readonly style: 'mistral3' | 'llava' | 'phi3v' | 'paligemma' | 'clip' | 'idefics3' | 'siglip' | 'molmo';
    readonly spatialMergeSize: number;
    readonly bias: boolean;
    readonly imageNewline?: boolean;
    /** CLIPModel's projection width; Molmo's SwiGLU projector width. */
    readonly dim?: number;
    /** LLaVA's projector over several layers' features (`vision_feature_layer` a list, Granite Vision): how many. */
    readonly featureLayers?: number;
  };
}

export interface MoeShape {
  readonly numExperts: number;
  readonly expertsPerToken: number;
  /** FFN width of each routed expert. */
  readonly expertIntermediate: number;
  /** FFN width of the always-active shared expert(s) together; 0 when there are none. */
  readonly sharedIntermediate: number;
  /** Qwen2-MoE gates its shared expert with a 1-output linear layer. */
  readonly sharedExpertGate: boolean;
  /** Layers whose FFN is a mixture of experts; the others are dense FFNs of intermediateSize. */
  readonly moeLayers: number;
  /** The router keeps a per-expert score-correction bias (DeepSeek-V3). */
  readonly routerBias: boolean;
  /**
   * LongCat-Flash's zero-computation (identity) experts: the router scores them beside the routed ones, and a token
   * routed to one skips its FFN; they hold no weights. Unset: none.
   */
  readonly zeroExperts?: number;
  /**
   * Kimi K3's latent experts (routed_expert_hidden_size): the routed experts work at `width`, between a projection
   * from the hidden size down to it and one back up, shared by the layer's experts; `norm` (latent_moe_use_norm) an
   * RMSNorm on the latent.
   */
  readonly latent?: { readonly width: number; readonly norm: boolean };
}

export interface MlaShape {
  /** 0 when queries are projected directly (DeepSeek-V2-Lite). */
  readonly qLoraRank: number;
  readonly kvLoraRank: number;
  readonly qkNopeHeadDim: number;
  readonly qkRopeHeadDim: number;
  readonly vHeadDim: number;
  /**
   * DeepSeek-V3.2's lightning indexer (sparse attention): index_n_heads query heads of index_head_dim from the query
   * latent, one shared key, a LayerNorm on it, and a per-head weight; it caches one key per token.
   */
  readonly indexer?: { readonly heads: number; readonly headDim: number };
  /** Kimi K3's gated latent attention (mla_use_output_gate): a gate (g_proj) from the hidden size over every head's values. */
  readonly outputGate?: boolean;
}

export type Precision = '32-true' | '16-mixed' | 'bf16-mixed' | '16-true' | 'bf16-true' | 'fp8';
export const PRECISIONS: readonly Precision[] = ['32-true', '16-mixed', 'bf16-mixed', '16-true', 'bf16-true', 'fp8'];

/** 'sgd' keeps a momentum buffer; 'sgd-no-momentum' is PyTorch's default SGD, which keeps no state. */
export type OptimizerName = 'adamw' | 'adamw-8bit' | 'paged-adamw' | 'paged-adamw-8bit' | 'sgd' | 'sgd-no-momentum' | 'adafactor' | 'lion';
export const OPTIMIZERS: readonly OptimizerName[] = ['adamw', 'adamw-8bit', 'paged-adamw', 'paged-adamw-8bit', 'sgd', 'sgd-no-momentum', 'adafactor', 'lion'];

export type AttentionKernel = 'sdpa' | 'eager';
export type Checkpointing = 'none' | 'selective' | 'full';
export type Mode = 'inference' | 'training' | 'both';

/** Weight quantization: bitsandbytes (int8, nf4, fp4, with double quantization), GPTQ/AWQ int4, GGUF types. */
export type Quantization =
  | 'int8' | 'nf4' | 'nf4-dq' | 'fp4' | 'fp4-dq' | 'gptq-int4' | 'awq-int4' | 'mxfp4' | 'nvfp4' | 'mlx-q4' | 'mlx-q8'
  | 'fp8-block' | 'fp8-channel' | 'fp8-tensor' | 'int8-channel' | 'w4a16' | 'hqq-8' | 'hqq-4' | 'hqq-3' | 'hqq-2' | 'hqq-1'
  | 'q4_0' | 'q4_1' | 'q5_0' | 'q5_1' | 'q8_0' | 'q2_k' | 'q3_k' | 'q4_k' | 'q5_k' | 'q6_k' | 'q4_k_m' | 'q5_k_m'
  // vLLM's online `--quantization experts_int8`: a serving flag, not a checkpoint's format, so not among QUANTIZATIONS.
  | 'experts-int8';
export const QUANTIZATIONS: readonly Quantization[] = [
  'int8', 'nf4', 'nf4-dq', 'fp4', 'fp4-dq', 'gptq-int4', 'awq-int4', 'mxfp4', 'nvfp4', 'mlx-q4', 'mlx-q8',
  'fp8-block', 'fp8-channel', 'fp8-tensor', 'int8-channel', 'w4a16', 'hqq-8', 'hqq-4', 'hqq-3', 'hqq-2', 'hqq-1',
  'q4_0', 'q4_1', 'q5_0', 'q5_1', 'q8_0', 'q2_k', 'q3_k', 'q4_k', 'q5_k', 'q6_k', 'q4_k_m', 'q5_k_m',
];

/** How the training loss meets the logits: all at once, or in chunks (torchtune's chunked losses). */
export type TrainingLoss = 'cross-entropy' | 'chunked-output' | 'linear-chunked' | 'cross-entropy-16bit' | 'vocab-parallel' | 'fused-chunked' | 'trl-chunked';

/** KV cache element type: the compute dtype, fp8, or llama.cpp's quantized cache types. */
/** 'token-head-8bit': vLLM's int8_per_token_head / fp8_per_token_head, one byte a value and an fp32 scale per token and head. */
export type KvCacheType = 'auto' | 'fp8' | 'q8_0' | 'q4_0' | 'token-head-8bit';
/** How the serving framework lays out the KV cache (MLA is expanded by HF, compressed by vLLM and llama.cpp). */
export type ServingFramework = 'hf' | 'vllm' | 'llama.cpp';

/**
 * PEFT's (IA)³ adapters: a scaling vector per targeted layer instead of LoRA's matrices, on the layer's output, or on
 * its input for the feedforward modules (feedforward_modules).
 */
export interface Ia3Layout {
  readonly feedforward: LoraSettings['targets'];
  /** target_modules left unset: PEFT's default for the architecture, filled in with the model (targets empty until then). */
  readonly byArchitecture?: boolean;
}

export interface LoraSettings {
  /** LoRA's rank; 0 for (IA)³, which trains vectors. */
  readonly rank: number;
  readonly targets: readonly ('q' | 'k' | 'v' | 'o' | 'gate' | 'up' | 'down' | 'head')[];
  /** LoRA dropout > 0 keeps a dropped-out copy of each adapted layer's input for backward. */
  readonly dropout: boolean;
  /**
   * PEFT's modules_to_save: full trainable copies of the token embedding and/or the output head (new tokens, a chat
   * template), in the dtype the model was loaded in (2 bytes in bf16/fp16, 4 when upcast for k-bit training).
   */
  readonly saved?: { readonly modules: readonly ('embeddings' | 'head')[]; readonly bytes: 2 | 4 };
  /**
   * Adapters kept in fp32 whatever the base model's dtype, with fp32 gradients and optimizer states (mlx-lm creates
   * its LoRA matrices in float32). Undefined: in the training precision's own layout.
   */
  readonly fp32Adapters?: boolean;
  /**
   * DoRA (PEFT's use_dora): a trained magnitude vector per adapted layer, and in forward the layer's output and the
   * LoRA branch's output kept for the magnitude's gradient (its weight norm is computed and detached, not kept).
   */
  readonly dora?: boolean;
  /**
   * (IA)³ in place of LoRA's matrices: PEFT creates its vectors in fp32, and each multiply keeps the tensor it scales,
   * cast to fp32, for the vector's gradient; the targeted layers stay frozen and keep no input of their own.
   */
  readonly ia3?: Ia3Layout;
}

/**
 * Training on preference pairs as TRL's DPOTrainer (and LLaMA-Factory's and axolotl's DPO, built on it) runs it: each
 * micro-batch of pairs goes through the model as its chosen and rejected sequences together, twice the sequences; the
 * reference model's log-probabilities come from a frozen copy of the model (`copy`), from the model itself with its
 * adapters off (`adapters`, a PEFT run), or from nowhere on the GPU (`none`: computed before training, or a loss with no
 * reference such as ORPO or SimPO).
 */
export interface PreferenceRun {
  readonly reference: 'copy' | 'adapters' | 'none';
  /**
   * The trainer is handed its reference model (`ref_model=`): a copy even under PEFT. Otherwise a copy only of a model
   * trained whole: a run given LoRA adapters (by a fix or a setting) takes its reference with them off, as TRL does.
   */
  readonly given?: boolean;
}

/** How the model is run: everything the estimate depends on that is not the architecture. */
export interface RunSettings {
  readonly batchSize: number;
  /** Prompt (inference) or training sequence length, in tokens. */
  readonly sequenceLength: number;
  /** Tokens generated after the prompt (inference only). */
  readonly newTokens: number;
  /** A diffusion model's image side in pixels (square); unset, the size its config is built for. */
  readonly imageSide?: number;
  /**
   * A diffusers pipeline's components kept in CPU memory between uses (enable_model_cpu_offload: one component on the
   * GPU at a time; enable_sequential_cpu_offload: one layer).
   */
  readonly pipelineOffload?: 'model' | 'sequential';
  /** Images in each sample of a multimodal model (0 or unset: a text-only run). */
  readonly imagesPerSample?: number;
  /**
   * Tokens those images add to each sample's sequence (the tower's tokens per image × images), counted in the sequence
   * length; set by the analysis, not by the user.
   */
  readonly imageTokens?: number;
  /** Patches the vision tower encodes for those images, per sample; set by the analysis with imageTokens. */
  readonly imagePatches?: number;
  /**
   * Image positions the cross-attention layers read, per sample (Llama 3.2 Vision's tiles): not in the sequence, but
   * in those layers' cache and activations.
   */
  readonly crossAttentionTokens?: number;
  /**
   * Classifier-free guidance (diffusers runs it when guidance_scale > 1): each denoising step runs the batch twice,
   * with and without the prompt. Unset, on for a UNet or SD3 (their pipelines' default), off for FLUX.1 (distilled).
   */
  readonly guidance?: boolean;
  readonly precision: Precision;
  readonly optimizer: OptimizerName;
  readonly attention: AttentionKernel;
  readonly checkpointing: Checkpointing;
  readonly gradientAccumulationSteps: number;
  readonly quantization: Quantization | undefined;
  readonly lora: LoraSettings | undefined;
  /** GPUs in all; the data-parallel degree is gpus / (tensorParallel · pipelineParallel). */
  readonly gpus: number;
  /** Optimizer states (and fp32 master weights) kept in CPU memory (DeepSpeed offload_optimizer / ZeRO-Offload). */
  readonly offloadOptimizer: boolean;
  /**
   * Parameters and gradients kept in CPU memory too (FSDP's CPUOffload, torchtune's `fsdp_cpu_offload`, DeepSpeed's
   * offload_param): the GPU holds the layers being computed and their gradients on their way out.
   */
  readonly offloadParameters?: boolean;
  /** ZeRO stage over the data-parallel GPUs (3 also stands for FSDP full sharding). */
  readonly zeroStage: 0 | 1 | 2 | 3;
  readonly tensorParallel: number;
  readonly pipelineParallel: number;
  readonly kvCacheType: KvCacheType;
  readonly serving: ServingFramework;
  /**
   * PyTorch major version's defaults: 2 (foreach optimizer steps; zero_grad frees gradients) or 1 (optimizers
   * step one tensor at a time; zero_grad keeps gradient buffers allocated across steps).
   */
  readonly torchMajor: 1 | 2;
  /**
   * bitsandbytes before 0.43.2 (July 2024), whose 4-bit matmul kept each quantized layer's input for backward
   * (bitsandbytes#1270 removed it); later versions keep only the packed weight. For runs measured on those versions.
   */
  readonly legacyBitsandbytes?: boolean;
  /** GPTQ/AWQ quantization group size (weights per scale and zero point). */
  readonly quantGroupSize: number;
  /**
   * The library that runs a QLoRA base model's quantized layers: bitsandbytes (PEFT, LitGPT, axolotl; the
   * default) or torchao (torchtune). They differ in what backward keeps.
   */
  readonly qloraKernel?: 'bitsandbytes' | 'torchao';
  /**
   * The output head is quantized with the other linear layers (LitGPT's bitsandbytes plugin replaces every
   * nn.Linear); transformers and PEFT keep it in 16 bits.
   */
  readonly quantizeHead?: boolean;
  /**
   * False when the checkpoint's quantization leaves the vision tower in 16 bits (`llm_int8_skip_modules`,
   * `modules_to_not_convert`, compressed-tensors' `ignore` naming it).
   */
  readonly quantizeVision?: boolean;
  /**
   * Selective checkpointing per op, as torchtitan's "op" policy saves: each layer's input, the attention kernel's
   * output and every other matmul's output (with checkpointing 'selective').
   */
  readonly selectiveOps?: boolean;
  /**
   * torchtitan's float8 linear layers (torchao's Float8Linear): matmuls in float8, each keeping its 16-bit input for
   * backward, so activations are as in bf16; with `float8AllGather`, FSDP gathers their weights in float8 (1 byte).
   */
  readonly float8Linear?: boolean;
  readonly float8AllGather?: boolean;
  /**
   * torchtitan's async tensor parallelism (enable_async_tensor_parallel): matmuls overlapped with their collectives.
   * What it saves is not modelled; the report says so.
   */
  readonly asyncTensorParallel?: boolean;
  /** torchtitan's layer-wise selective checkpointing (selective_ac_option "k"): every k-th block checkpointed whole. */
  readonly checkpointEvery?: number;
  /** Whether torch.compile covers the loss too (torchtune compiles it; torchtitan's 2024 compile did not); `compiled` when unset. */
  readonly compiledLoss?: boolean;
  /**
   * Context-parallel degree (torchtitan's context_parallel_degree, Megatron's context_parallel_size): each GPU holds
   * 1 / cp of every sequence's activations and loss; the GPU count includes it.
   */
  readonly contextParallel?: number;
  /**
   * Expert-parallel degree (Megatron's expert_model_parallel_size): each GPU holds the routed experts of its stage
   * split over this many GPUs, taken from the data-parallel ones; their optimizer states still shard over every
   * data-parallel GPU under a distributed optimizer. Other weights and the activations are as without it.
   */
  readonly expertParallel?: number;
  /**
   * False where tensor parallelism runs without sequence parallelism (Megatron-LM without `--sequence-parallel`,
   * NeMo's `sequence_parallel: false`): each GPU of the group keeps the whole of the activations outside attention
   * and the MLP — norm inputs, dropout masks, the inputs of the first linear layers, the block inputs that
   * checkpointing keeps. Unset: sequence parallel (torchtitan's tensor parallelism always is).
   */
  readonly sequenceParallel?: boolean;
  /**
   * The run is Megatron-Core's (Megatron-LM's, NeMo's, a NeMo 2 recipe's, whatever the checkpoint's family): its
   * blocks' activations as Transformer Engine keeps them, 16-bit weights with fp32 main weights in the optimizer,
   * only the distributed optimizer to shard with.
   */
  readonly megatronCore?: boolean;
  /**
   * Gradients accumulate unsharded between optimizer steps: FSDP's no_sync(), which Lightning Fabric's
   * no_backward_sync uses, keeps full-size gradients until the last micro-batch reduce-scatters them.
   * Otherwise (DeepSpeed, FSDP syncing every micro-batch) sharded gradients accumulate.
   */
  readonly unshardedAccumulation?: boolean;
  /**
   * DeepSpeed's ZeRO runs the sharding (a DeepSpeed config's `zero_optimization` was read): its communication buffers
   * and its module-by-module gathering, not FSDP's layer by layer.
   */
  readonly deepspeed?: boolean;
  /**
   * DeepSpeed's `reduce_bucket_size`: gradient elements reduced at a time, through a buffer of that many 16-bit values
   * (two with `overlap_comm`, under ZeRO-1/2). 'auto': what HF's Trainer writes in, hidden size². Unset: 5e8.
   */
  readonly reduceBucketSize?: number | 'auto';
  /**
   * Gradients accumulate in an fp32 buffer beside 16-bit weights (Megatron-LM's main gradients; off with
   * `--grad-reduce-in-bf16`): 4 bytes per parameter where sharded mixed precision would keep 2.
   */
  readonly fp32Gradients?: boolean;
  /**
   * Model chunks per pipeline stage under an interleaved schedule (Megatron-LM's virtual pipeline stages): the first
   * stage holds 1 + (p − 1) / (p · v) times the activations 1F1B holds.
   */
  readonly virtualPipelineStages?: number;
  /**
   * 'gpipe' (torchtitan's pipeline_parallel_schedule "GPipe"): every micro-batch of a step runs forward before any
   * runs backward, so each stage holds all of them. Unset: one-forward-one-backward (1F1B), where the first stage
   * holds at most one per stage.
   */
  readonly pipelineSchedule?: 'gpipe';
  /**
   * How full checkpointing groups the blocks (Megatron-LM's `--recompute-method` with `--recompute-num-layers N`):
   * 'uniform' keeps the input of every N-th block and recomputes N blocks at once; 'block' recomputes only the first
   * N blocks of each pipeline stage and keeps everything of the others. Unset: every block on its own.
   */
  readonly recomputeMethod?: 'uniform' | 'block';
  readonly recomputeLayers?: number;
  /**
   * FSDP's hybrid sharding (HYBRID_SHARD): shards within the GPUs of one node and replicates across nodes, so a GPU
   * holds 1 / (GPUs per node) of what is sharded, however many nodes there are.
   */
  readonly hybridShard?: boolean;
  /** GPUs per node (a launcher's processes per node): the group hybrid sharding shards over. Unset: 8. */
  readonly gpusPerNode?: number;
  /** The group hybrid sharding shards over where the file states it (its shard × context-parallel degrees: torchtitan's, axolotl's), instead of a node. */
  readonly shardGroup?: number;
  /**
   * The PyTorch FSDP that HF's Trainer (through accelerate) wraps the model in: 1 (FullyShardedDataParallel,
   * accelerate's default) or 2 (fully_shard). Unset where accelerate's FSDP does not shard the run (DeepSpeed, or a
   * framework's own sharding: torchtitan, torchtune, LitGPT).
   */
  readonly fsdpVersion?: 1 | 2;
  /** DeepSpeed's `overlap_comm`: ZeRO-1/2 double their reduce buffer. Unset: on under ZeRO-3 only, DeepSpeed's default. */
  readonly overlapComm?: boolean;
  /** DeepSpeed's `contiguous_gradients`: false, no reduce buffer is allocated. Unset: true, DeepSpeed's default. */
  readonly contiguousGradients?: boolean;
  /**
   * accelerate's `zero3_init_flag`: ZeRO-3 shards the model as it is built (deepspeed.zero.Init), or, false, each
   * process first loads it whole into CPU memory. Host memory only: the GPU peak is the same.
   */
  readonly zero3Init?: boolean;
  /**
   * DeepSpeed's `stage3_prefetch_bucket_size`: parameter elements ZeRO-3 gathers ahead of the module that needs them.
   * 'auto': HF's Trainer's 0.9 × hidden size². Unset: 5e7.
   */
  readonly prefetchBucketSize?: number | 'auto';
  /** DeepSpeed's `stage3_max_live_parameters`: the most gathered parameter elements ZeRO-3 keeps. Unset: 1e9. */
  readonly maxLiveParameters?: number;
  /**
   * How the training loss meets the logits (torchtune's `loss`): undefined or 'cross-entropy', the whole
   * batch × sequence × vocabulary logits upcast to fp32 at once; 'chunked-output' (CEWithChunkedOutputLoss), 16-bit
   * logits upcast one chunk at a time; 'linear-chunked' (LinearCrossEntropyLoss), the output projection itself run
   * one chunk of tokens at a time; 'cross-entropy-16bit' (mlx-lm), the whole logits in the model's 16-bit dtype;
   * 'vocab-parallel' (Megatron-Core), the 16-bit logits and one fp32 copy that becomes the gradient in place;
   * 'trl-chunked' (TRL's SFT `loss_type="chunked_nll"`), the output projection and the loss over chunks of 256
   * tokens, each recomputed in backward, so only one chunk's logits and the head's working copy are ever there.
   */
  readonly loss?: TrainingLoss;
  /**
   * The transformer layers and the loss run under torch.compile (torchtune's `compile`): Inductor fuses the
   * pointwise ops, so a norm keeps only its input and a gated MLP no activation output for backward.
   */
  readonly compiled?: boolean;
  /**
   * The optimizer steps each parameter as soon as its gradient is ready, inside backward (torchtune's
   * `optimizer_in_bwd`): no full set of gradients is ever held, and no accumulation is possible.
   */
  readonly optimizerInBackward?: boolean;
  /**
   * What checkpointing keeps (each layer's input) is copied to CPU memory in forward and brought back in backward
   * (torchtune's `enable_activation_offloading`); a few tensors stay on the GPU while their copies are in flight.
   */
  readonly activationOffloading?: boolean;
  /**
   * unsloth has patched the model (FastLanguageModel, FastModel): LoRA layers without dropout run its fused kernels
   * (fast_lora's LoRA_QKV, LoRA_W and LoRA_MLP, its RMSNorm, RoPE and SwiGLU), which keep fewer tensors for backward
   * and compute their gradients in place.
   */
  readonly unslothKernels?: boolean;
  /** Training on preference pairs (DPO), as TRL runs it: see PreferenceRun. */
  readonly preference?: PreferenceRun;
  /**
   * Only the last this many transformer blocks are trained (mlx-lm's `num_layers`): LoRA adapters, or the blocks'
   * own weights, there only; the blocks before them need no gradient and keep nothing for backward.
   */
  readonly trainedLayers?: number;
  /**
   * AdamW steps with PyTorch's fused kernel (`fused=True`, HF's `adamw_torch_fused`): it updates the states in
   * place, without the foreach step's temporary the size of one state.
   */
  readonly fusedOptimizer?: boolean;
  /** Allocator reserve as a share of allocated memory; undefined: 8 % in training, 6 % in inference. */
  readonly allocatorReserve: number | undefined;
  /** CUDA context and libraries, bytes. */
  readonly cudaOverheadBytes: number;
  /**
   * PyTorch's cuBLAS workspace, which it takes from its caching allocator (so max_memory_allocated counts it):
   * 32 MiB on Hopper, 8.125 MiB on other NVIDIA GPUs, 128 MiB on MI300. Undefined: none counted.
   */
  readonly blasWorkspaceBytes?: number;
  /**
   * The total CUDA reports on the target card, where the run sizes something by the memory it finds free (unsloth's
   * fused loss chunks its logits by it). Undefined: no such sizing, or no known target.
   */
  readonly deviceBytes?: number;
}

/** Parameter counts, split by where they live. */
export interface ParameterBreakdown {
  readonly embeddings: number;
  readonly attention: number;
  readonly mlp: number;
  readonly experts: number;
  readonly norms: number;
  readonly head: number;
  readonly other: number;
  /** A multimodal checkpoint's vision encoder and projector (0 for a language model alone). */
  readonly vision: number;
  readonly total: number;
  /** Parameters touched per token (differs from total only for mixture-of-experts). */
  readonly activePerToken: number;
}

export type InferenceComponent = 'weights' | 'kvCache' | 'activations' | 'allocatorReserve' | 'cudaContext';
export type TrainingComponent =
  | 'weights'
  | 'gradients'
  | 'optimizer'
  | 'activations'
  | 'allocatorReserve'
  | 'cudaContext';

export interface MemoryEstimate<C extends string> {
  /** Bytes per component. In training, gradients and activations are not all live at the same moment, so the peak can be less than their sum. */
  readonly components: Readonly<Record<C, number>>;
  /** What `torch.cuda.max_memory_allocated` would report: live tensors at the peak. */
  readonly allocatedBytes: number;
  /** What nvidia-smi would report: allocated + allocator reserve + CUDA context. "Fits" compares this. */
  readonly peakBytes: number;
}

export interface Estimate {
  readonly parameters: ParameterBreakdown;
  /** Parameters that get gradients: all of them, or the LoRA adapters. */
  readonly trainableParameters: number;
  readonly inference: MemoryEstimate<InferenceComponent>;
  readonly training: MemoryEstimate<TrainingComponent>;
  readonly settings: RunSettings;
  /** Every assumption the numbers rest on, in words a user can check. */
  readonly assumptions: readonly string[];
}
