// Diffusion transformers (FLUX.1's FluxTransformer2DModel, as diffusers and torchtitan build it; SD3's SD3Transformer2DModel; PixArt's and Sana's cross-attention DiTs): the spec the memory model reads, and the exact tensors.
import { weightTensor as tensor, type WeightTensor } from './weightTensor';
import type { CrossDitShape, DitShape, MmditShape, ModelSpec, RunSettings } from './types';
import { LATENT_SCALE } from './unet';

/** diffusers' class names of the transformers read here. */
export const DIT_CLASSES: ReadonlySet<string> = new Set(['FluxTransformer2DModel']);

/** FluxTransformer2DModel's defaults for what its config.json leaves out. */
export const FLUX_DEFAULTS = {
  patch_size: 1, in_channels: 64, num_layers: 19, num_single_layers: 38, attention_head_dim: 128, num_attention_heads: 24,
  joint_attention_dim: 4096, pooled_projection_dim: 768,
} as const;

/** The MLP width of every block: four times the model's width (diffusers' mlp_ratio, not a config key). */
const MLP_RATIO = 4;

/** The side FLUX.1's pipeline makes by default (1024 × 1024). */
const FLUX_SIDE = 1024;

/** Image tokens for a square image of `side` pixels: the VAE's 8× downsampling, then 2 × 2 patches packed per token. */
export function fluxImageTokens(side: number): number {
  return Math.floor(side / 16) ** 2;
}

/** The text tokens FLUX.1 encodes its prompt into (T5's max_sequence_length in diffusers' pipeline). */
const TEXT_TOKENS = 512;

/** A config value as a positive whole number; undefined (with the reason) when it is no size. */
type SizeReader = (key: keyof typeof FLUX_DEFAULTS) => number | undefined;

/**
 * The spec of a FLUX.1 transformer from its config values. Its blocks run over image and text tokens together, so
 * the memory model counts them as transformer layers over those tokens: approximate, and said so.
 */
export function fluxSpec(size: SizeReader, guidance: boolean, outChannels: number | undefined, dtype: string | undefined): ModelSpec | undefined {
  const heads = size('num_attention_heads');
  const headDim = size('attention_head_dim');
  const double = size('num_layers');
  const single = size('num_single_layers');
  const inChannels = size('in_channels');
  const patch = size('patch_size');
  const joint = size('joint_attention_dim');
  const pooled = size('pooled_projection_dim');
  if ([heads, headDim, double, single, inChannels, patch, joint, pooled].some(v => v === undefined)) {
    return undefined;
  }
  const hidden = heads! * headDim!;
  const dit: DitShape = {
    doubleBlocks: double!, singleBlocks: single!, inChannels: inChannels!, outChannels: outChannels ?? inChannels!, patchSize: patch!,
    jointAttentionDim: joint!, pooledProjectionDim: pooled!, guidanceEmbeds: guidance, imageTokens: fluxImageTokens(FLUX_SIDE), textTokens: TEXT_TOKENS,
  };
  return {
    family: 'FLUX.1 (diffusion transformer)', generic: false, encoderDecoder: false, encoderOnly: true,
    hiddenSize: hidden, numLayers: double! + single!, numDecoderLayers: 0, numHeads: heads!, numKvHeads: heads!, headDim: headDim!,
    vocabSize: 0, intermediateSize: MLP_RATIO * hidden, maxPositions: undefined, typeVocabSize: 0, moe: undefined, mla: undefined,
    qkNorm: 'head', relativeAttentionBuckets: 0, positionOffset: 0, wordEmbedProjDim: undefined, pythonGelu: false,
    tieWordEmbeddings: false, norm: 'layernorm-noparams', normsPerLayer: 2, positions: 'rotary', attentionBias: 'all', mlp: 'plain',
    mlpBias: true, embeddingNorm: false, pooler: false, lmHeadBias: false, finalNorm: false, dropout: false, head: 'none',
    slidingWindow: undefined, slidingLayers: 0, storedDtype: dtype, patchEmbeddingParams: 0,
    dit, defaultSequence: dit.imageTokens + dit.textTokens,
    approximate: `FLUX.1's ${double} double- and ${single} single-stream blocks counted as transformer layers over image and text tokens`,
  };
}

/** nn.Linear(in, out) with its bias, `count` of them. */
function biased(name: string, inFeatures: number, outFeatures: number, count: number, component: WeightTensor['component'], target?: WeightTensor['target']): WeightTensor[] {
  return [tensor(name, inFeatures, outFeatures, count, true, component, target), tensor(`${name} bias`, 1, outFeatures, count, false, component)];
}

/** diffusers' TimestepEmbedding (and its text and guidance twins): two biased linears, `from` → h → h. */
function timeEmbedder(name: string, from: number, h: number): WeightTensor[] {
  return [...biased(`${name}.linear_1`, from, h, 1, 'embeddings'), ...biased(`${name}.linear_2`, h, h, 1, 'embeddings')];
}

/**
 * Every tensor of FluxTransformer2DModel: the embedders of the latents, timestep (and guidance), pooled text and T5
 * context; double-stream blocks (an AdaLN modulation per stream, q/k/v and outputs per stream with per-head RMSNorms on
 * q and k, a GELU MLP per stream); single-stream blocks (a modulation, q/k/v with their norms, the MLP's input and a
 * joint output); the final modulation and projection back to latent channels.
 */
export function ditTensors(spec: ModelSpec): WeightTensor[] {
  const d = spec.dit!;
  const h = spec.hiddenSize;
  const m = spec.intermediateSize;
  const n2 = d.doubleBlocks;
  const n1 = d.singleBlocks;
  return [
    ...biased('x_embedder', d.inChannels * d.patchSize * d.patchSize, h, 1, 'embeddings'),
    ...timeEmbedder('time_text_embed.timestep_embedder', 256, h),
    ...(d.guidanceEmbeds ? timeEmbedder('time_text_embed.guidance_embedder', 256, h) : []),
    ...timeEmbedder('time_text_embed.text_embedder', d.pooledProjectionDim, h),
    ...biased('context_embedder', d.jointAttentionDim, h, 1, 'embeddings'),
    ...biased('transformer_blocks.norm1(_context).linear', h, 6 * h, 2 * n2, 'other'),
    ...biased('transformer_blocks.attn.to_q/add_q_proj', h, h, 2 * n2, 'attention', 'q'),
    ...biased('transformer_blocks.attn.to_k/add_k_proj', h, h, 2 * n2, 'attention', 'k'),
    ...biased('transformer_blocks.attn.to_v/add_v_proj', h, h, 2 * n2, 'attention', 'v'),
    ...biased('transformer_blocks.attn.to_out/to_add_out', h, h, 2 * n2, 'attention', 'o'),
    tensor('transformer_blocks.attn q/k norms', 1, spec.headDim, 4 * n2, false, 'norms'),
    ...biased('transformer_blocks.ff(_context).net.0', h, m, 2 * n2, 'mlp', 'up'),
    ...biased('transformer_blocks.ff(_context).net.2', m, h, 2 * n2, 'mlp', 'down'),
    ...biased('single_transformer_blocks.norm.linear', h, 3 * h, n1, 'other'),
    ...biased('single_transformer_blocks.attn.to_q', h, h, n1, 'attention', 'q'),
    ...biased('single_transformer_blocks.attn.to_k', h, h, n1, 'attention', 'k'),
    ...biased('single_transformer_blocks.attn.to_v', h, h, n1, 'attention', 'v'),
    tensor('single_transformer_blocks.attn q/k norms', 1, spec.headDim, 2 * n1, false, 'norms'),
    ...biased('single_transformer_blocks.proj_mlp', h, m, n1, 'mlp', 'up'),
    ...biased('single_transformer_blocks.proj_out', h + m, h, n1, 'mlp', 'down'),
    ...biased('norm_out.linear', h, 2 * h, 1, 'other'),
    ...biased('proj_out', h, d.patchSize * d.patchSize * d.outChannels, 1, 'other'),
  ];
}

// ---------------------------------------------------------------------------------------------------------------
// SD3's MMDiT

export const MMDIT_CLASS = 'SD3Transformer2DModel';

/** SD3Transformer2DModel's defaults for what its config.json leaves out. */
export const SD3_DEFAULTS = {
  sample_size: 128, patch_size: 2, in_channels: 16, num_layers: 18, attention_head_dim: 64, num_attention_heads: 18, joint_attention_dim: 4096,
  caption_projection_dim: 1152, pooled_projection_dim: 2048, out_channels: 16, pos_embed_max_size: 96,
} as const;

/** SD3's pipeline encodes the prompt into CLIP's 77 tokens and T5's 256 (max_sequence_length), side by side. */
const SD3_TEXT_TOKENS = 77 + 256;
/** diffusers' feed-forward width: four times the model's width. */
const SD3_MLP_RATIO = 4;

type Sd3SizeReader = (key: keyof typeof SD3_DEFAULTS) => number | undefined;

/** The spec of an SD3 / SD3.5 MMDiT from its config values; like FLUX.1's, its memory counts transformer layers over image and text tokens. */
export function sd3Spec(size: Sd3SizeReader, dualLayers: number, qkNorm: boolean, dtype: string | undefined): ModelSpec | undefined {
  const keys = Object.keys(SD3_DEFAULTS) as (keyof typeof SD3_DEFAULTS)[];
  const v = Object.fromEntries(keys.map(k => [k, size(k)])) as Record<keyof typeof SD3_DEFAULTS, number | undefined>;
  if (keys.some(k => v[k] === undefined)) {
    return undefined;
  }
  const n = v as Record<keyof typeof SD3_DEFAULTS, number>;
  const hidden = n.num_attention_heads * n.attention_head_dim;
  const side = n.sample_size * LATENT_SCALE;
  const mmdit: MmditShape = {
    inChannels: n.in_channels, outChannels: n.out_channels, patchSize: n.patch_size, jointAttentionDim: n.joint_attention_dim,
    captionProjectionDim: n.caption_projection_dim, pooledProjectionDim: n.pooled_projection_dim, dualAttentionLayers: Math.min(dualLayers, n.num_layers), qkNorm,
    positionGrid: n.pos_embed_max_size, imageSide: side, imageTokens: Math.floor(side / (LATENT_SCALE * n.patch_size)) ** 2, textTokens: SD3_TEXT_TOKENS,
  };
  return {
    family: 'SD3 (MMDiT)', generic: false, encoderDecoder: false, encoderOnly: true,
    hiddenSize: hidden, numLayers: n.num_layers, numDecoderLayers: 0, numHeads: n.num_attention_heads, numKvHeads: n.num_attention_heads, headDim: n.attention_head_dim,
    vocabSize: 0, intermediateSize: SD3_MLP_RATIO * hidden, maxPositions: undefined, typeVocabSize: 0, moe: undefined, mla: undefined,
    qkNorm: qkNorm ? 'head' : false, relativeAttentionBuckets: 0, positionOffset: 0, wordEmbedProjDim: undefined, pythonGelu: false,
    tieWordEmbeddings: false, norm: 'layernorm-noparams', normsPerLayer: 2, positions: 'learned', attentionBias: 'all', mlp: 'plain',
    mlpBias: true, embeddingNorm: false, pooler: false, lmHeadBias: false, finalNorm: false, dropout: false, head: 'none',
    slidingWindow: undefined, slidingLayers: 0, storedDtype: dtype, patchEmbeddingParams: 0,
    mmdit, bufferElements: n.pos_embed_max_size ** 2 * hidden, defaultSequence: mmdit.imageTokens + mmdit.textTokens,
    approximate: `SD3's ${n.num_layers} joint blocks counted as transformer layers over image and text tokens`,
  };
}

/**
 * Every tensor of SD3Transformer2DModel: the patch embedding, timestep and pooled-text embedders, the context
 * embedder; per joint block an AdaLN-Zero modulation per stream (the last block's text stream a continuous one),
 * q/k/v and outputs per stream (the last block has no text output), SD3.5's second image attention and q/k RMSNorms,
 * a GELU MLP per stream (none for the last block's text); the final modulation and projection.
 */
export function mmditTensors(spec: ModelSpec): WeightTensor[] {
  const d = spec.mmdit!;
  const h = spec.hiddenSize;
  const m = spec.intermediateSize;
  const n = spec.numLayers;
  const dual = d.dualAttentionLayers;
  const hd = spec.headDim;
  return [
    tensor('pos_embed.proj', d.inChannels * d.patchSize * d.patchSize, h, 1, false, 'embeddings'),
    tensor('pos_embed.proj bias', 1, h, 1, false, 'embeddings'),
    ...timeEmbedder('time_text_embed.timestep_embedder', 256, h),
    ...timeEmbedder('time_text_embed.text_embedder', d.pooledProjectionDim, h),
    ...biased('context_embedder', d.jointAttentionDim, d.captionProjectionDim, 1, 'embeddings'),
    ...biased('transformer_blocks.norm1.linear', h, 6 * h, n - dual, 'other'),
    ...biased('transformer_blocks.norm1.linear (SD3.5 dual)', h, 9 * h, dual, 'other'),
    ...biased('transformer_blocks.norm1_context.linear', h, 6 * h, n - 1, 'other'),
    ...biased('transformer_blocks.norm1_context.linear (last)', h, 2 * h, 1, 'other'),
    ...biased('transformer_blocks.attn.to_q/add_q_proj', h, h, 2 * n, 'attention', 'q'),
    ...biased('transformer_blocks.attn.to_k/add_k_proj', h, h, 2 * n, 'attention', 'k'),
    ...biased('transformer_blocks.attn.to_v/add_v_proj', h, h, 2 * n, 'attention', 'v'),
    ...biased('transformer_blocks.attn.to_out/to_add_out', h, h, 2 * n - 1, 'attention', 'o'),
    ...(d.qkNorm ? [tensor('transformer_blocks.attn q/k norms', 1, hd, 4 * n, false, 'norms')] : []),
    ...biased('transformer_blocks.attn2.to_q', h, h, dual, 'attention', 'q'),
    ...biased('transformer_blocks.attn2.to_k', h, h, dual, 'attention', 'k'),
    ...biased('transformer_blocks.attn2.to_v', h, h, dual, 'attention', 'v'),
    ...biased('transformer_blocks.attn2.to_out', h, h, dual, 'attention', 'o'),
    ...(d.qkNorm ? [tensor('transformer_blocks.attn2 q/k norms', 1, hd, 2 * dual, false, 'norms')] : []),
    ...biased('transformer_blocks.ff(_context).net.0.proj', h, m, 2 * n - 1, 'mlp', 'up'),
    ...biased('transformer_blocks.ff(_context).net.2', m, h, 2 * n - 1, 'mlp', 'down'),
    ...biased('norm_out.linear', h, 2 * h, 1, 'other'),
    ...biased('proj_out', h, d.patchSize * d.patchSize * d.outChannels, 1, 'other'),
  ];
}

// ---------------------------------------------------------------------------------------------------------------
// PixArt-α / Σ and Sana: cross-attention DiTs under one AdaLN-single

export const PIXART_CLASS = 'PixArtTransformer2DModel';
export const SANA_CLASS = 'SanaTransformer2DModel';
/** PixArt-α's first configs name diffusers' generic class, with `norm_type: "ada_norm_single"` and a patch size. */
export const LEGACY_PIXART_CLASS = 'Transformer2DModel';

/** PixArtTransformer2DModel's defaults for what its config.json leaves out (caption_channels 0: no caption projection). */
export const PIXART_DEFAULTS = {
  num_attention_heads: 16, attention_head_dim: 72, in_channels: 4, out_channels: 8, num_layers: 28, cross_attention_dim: 1152,
  sample_size: 128, patch_size: 2, caption_channels: 0,
} as const;

/** SanaTransformer2DModel's defaults. */
export const SANA_DEFAULTS = {
  num_attention_heads: 70, attention_head_dim: 32, in_channels: 32, out_channels: 32, num_layers: 20, cross_attention_dim: 2240,
  num_cross_attention_heads: 20, cross_attention_head_dim: 112, caption_channels: 2304, sample_size: 32, patch_size: 1,
} as const;

/** Sana's MLP: a gated convolution `mlp_ratio` (2.5 by default) times the model's width. */
export const SANA_MLP_RATIO = 2.5;

/** The prompt tokens their pipelines encode (max_sequence_length: PixArt-Σ's and Sana's 300; PixArt-α's 120). */
const CROSS_DIT_TEXT_TOKENS = 300;

type CrossDitSizeReader = (key: keyof typeof SANA_DEFAULTS | keyof typeof PIXART_DEFAULTS) => number | undefined;

/** What a PixArt or Sana config says beyond its sizes. */
export interface CrossDitSwitches {
  readonly attentionBias: boolean;
  readonly sizeConditions: boolean;
  readonly guidanceEmbeds: boolean;
  readonly qkNorm: boolean;
  readonly mlpRatio: number;
}

/**
 * The spec of a PixArt or Sana transformer from its config values. Self-attention runs over the image's tokens, the
 * prompt enters through cross-attention; the memory model counts transformer layers over the image tokens:
 * approximate, and said so.
 */
export function crossDitSpec(kind: CrossDitShape['kind'], size: CrossDitSizeReader, switches: CrossDitSwitches, dtype: string | undefined): ModelSpec | undefined {
  const sana = kind === 'sana';
  const keys = ['num_attention_heads', 'attention_head_dim', 'in_channels', 'out_channels', 'num_layers', 'cross_attention_dim', 'sample_size', 'patch_size', 'caption_channels'] as const;
  const v = Object.fromEntries(keys.map(k => [k, size(k)])) as Record<(typeof keys)[number], number | undefined>;
  const crossHeads = sana ? size('num_cross_attention_heads') : v.num_attention_heads;
  const crossHeadDim = sana ? size('cross_attention_head_dim') : v.attention_head_dim;
  if (keys.some(k => v[k] === undefined) || crossHeads === undefined || crossHeadDim === undefined) {
    return undefined;
  }
  const n = v as Record<(typeof keys)[number], number>;
  const hidden = n.num_attention_heads * n.attention_head_dim;
  const latentScale = sana ? 32 : LATENT_SCALE;
  const side = n.sample_size * latentScale;
  const shape: CrossDitShape = {
    kind, inChannels: n.in_channels, outChannels: n.out_channels, patchSize: n.patch_size, captionChannels: n.caption_channels,
    crossAttentionDim: n.cross_attention_dim, crossHeads, crossHeadDim, attentionBias: switches.attentionBias, sizeConditions: switches.sizeConditions,
    guidanceEmbeds: switches.guidanceEmbeds, qkNorm: switches.qkNorm, latentScale, imageSide: side,
    imageTokens: Math.floor(side / (latentScale * n.patch_size)) ** 2, textTokens: CROSS_DIT_TEXT_TOKENS,
  };
  return {
    family: sana ? 'Sana (linear-attention DiT)' : 'PixArt (DiT)', generic: false, encoderDecoder: false, encoderOnly: true,
    hiddenSize: hidden, numLayers: n.num_layers, numDecoderLayers: 0, numHeads: n.num_attention_heads, numKvHeads: n.num_attention_heads,
    headDim: n.attention_head_dim, vocabSize: 0, intermediateSize: Math.floor((sana ? switches.mlpRatio : MLP_RATIO) * hidden), maxPositions: undefined,
    typeVocabSize: 0, moe: undefined, mla: undefined, qkNorm: false, relativeAttentionBuckets: 0, positionOffset: 0, wordEmbedProjDim: undefined,
    pythonGelu: false, tieWordEmbeddings: false, norm: 'layernorm-noparams', normsPerLayer: 2, positions: 'none', attentionBias: 'all', mlp: 'plain',
    mlpBias: true, embeddingNorm: false, pooler: false, lmHeadBias: false, finalNorm: false, dropout: false, head: 'none',
    slidingWindow: undefined, slidingLayers: 0, storedDtype: dtype, patchEmbeddingParams: 0,
    crossDit: shape, defaultSequence: shape.imageTokens,
    approximate: `${sana ? "Sana's" : "PixArt's"} ${n.num_layers} blocks counted as transformer layers over the image tokens, the prompt's cross-attention beside them`,
  };
}

/** diffusers' Attention projections: q from the model's width, k and v from `kvFrom`, all `inner` wide, and the biased output. */
function attention(name: string, h: number, kvFrom: number, inner: number, count: number, bias: boolean): WeightTensor[] {
  const proj = (p: string, from: number, target: WeightTensor['target']) =>
    bias ? biased(`${name}.${p}`, from, inner, count, 'attention', target) : [tensor(`${name}.${p}`, from, inner, count, true, 'attention', target)];
  return [...proj('to_q', h, 'q'), ...proj('to_k', kvFrom, 'k'), ...proj('to_v', kvFrom, 'v'), ...biased(`${name}.to_out.0`, inner, h, count, 'attention', 'o')];
}

/**
 * Every tensor of PixArtTransformer2DModel or SanaTransformer2DModel: the patch convolution, the AdaLN-single
 * (timestep embedder, PixArt's resolution and aspect-ratio embedders or Sana Sprint's guidance embedder, and the shared
 * 6-way modulation), the caption projection (Sana: and its RMSNorm); per block self-attention, cross-attention (Sana
 * 1.5: RMSNorms across heads on their queries and keys), the MLP (PixArt: GELU; Sana: a 1 × 1 convolution to two
 * gated halves, a depthwise 3 × 3 and an unbiased 1 × 1 back) and a 6-row scale-shift table; the final table and
 * projection.
 */
export function crossDitTensors(spec: ModelSpec): WeightTensor[] {
  const d = spec.crossDit!;
  const h = spec.hiddenSize;
  const n = spec.numLayers;
  const m = spec.intermediateSize;
  const sana = d.kind === 'sana';
  const inner = spec.numHeads * spec.headDim;
  const crossInner = d.crossHeads * d.crossHeadDim;
  const sizeEmbedding = Math.floor(h / 3);
  const mlp = sana
    ? [
        tensor('transformer_blocks.ff.conv_inverted', h, 2 * m, n, false, 'mlp'),
        tensor('transformer_blocks.ff.conv_inverted bias', 1, 2 * m, n, false, 'mlp'),
        tensor('transformer_blocks.ff.conv_depth', 9, 2 * m, n, false, 'mlp'),
        tensor('transformer_blocks.ff.conv_depth bias', 1, 2 * m, n, false, 'mlp'),
        tensor('transformer_blocks.ff.conv_point', m, h, n, false, 'mlp'),
      ]
    : [...biased('transformer_blocks.ff.net.0.proj', h, m, n, 'mlp', 'up'), ...biased('transformer_blocks.ff.net.2', m, h, n, 'mlp', 'down')];
  return [
    tensor('pos_embed.proj', d.inChannels * d.patchSize * d.patchSize, h, 1, false, 'embeddings'),
    tensor('pos_embed.proj bias', 1, h, 1, false, 'embeddings'),
    ...timeEmbedder('adaln_single.emb.timestep_embedder', 256, h),
    ...(d.sizeConditions ? [...timeEmbedder('adaln_single.emb.resolution_embedder', 256, sizeEmbedding), ...timeEmbedder('adaln_single.emb.aspect_ratio_embedder', 256, sizeEmbedding)] : []),
    ...(d.guidanceEmbeds ? timeEmbedder('time_embed.guidance_embedder', 256, h) : []),
    ...biased('adaln_single.linear', h, 6 * h, 1, 'other'),
    ...(d.captionChannels > 0 ? [...biased('caption_projection.linear_1', d.captionChannels, h, 1, 'embeddings'), ...biased('caption_projection.linear_2', h, h, 1, 'embeddings')] : []),
    ...(sana ? [tensor('caption_norm', 1, h, 1, false, 'norms')] : []),
    ...attention('transformer_blocks.attn1', h, h, inner, n, d.attentionBias),
    ...attention('transformer_blocks.attn2', h, d.crossAttentionDim, crossInner, n, sana || d.attentionBias),
    ...(d.qkNorm ? [tensor('transformer_blocks.attn1/attn2 norm_q and norm_k', 1, 2 * (inner + crossInner), n, false, 'norms')] : []),
    ...mlp,
    tensor('transformer_blocks.scale_shift_table', 6, h, n, false, 'other'),
    tensor('scale_shift_table', 2, h, 1, false, 'other'),
    ...biased('proj_out', h, d.patchSize * d.patchSize * d.outChannels, 1, 'other'),
  ];
}

// ---------------------------------------------------------------------------------------------------------------
// The image a run makes

/** What a diffusion model's run works on: its image side in pixels and the positions one sample is at that side. */
export interface DiffusionImage {
  readonly side: number;
  readonly tokens: number;
  /** Whether classifier-free guidance runs by default (its pipelines' guidance_scale > 1): not for FLUX.1, distilled. */
  readonly guidanceByDefault: boolean;
}

/** A diffusion model's image at a side (its config's own when unset); undefined for any other model. */
export function diffusionImage(spec: ModelSpec, side: number | undefined): DiffusionImage | undefined {
  if (spec.dit) {
    const s = side ?? FLUX_SIDE;
    return { side: s, tokens: fluxImageTokens(s) + spec.dit.textTokens, guidanceByDefault: false };
  }
  if (spec.mmdit) {
    const m = spec.mmdit;
    const s = side ?? m.imageSide;
    return { side: s, tokens: Math.floor(s / (LATENT_SCALE * m.patchSize)) ** 2 + m.textTokens, guidanceByDefault: true };
  }
  if (spec.crossDit) {
    const d = spec.crossDit;
    const s = side ?? d.imageSide;
    return { side: s, tokens: Math.floor(s / (d.latentScale * d.patchSize)) ** 2, guidanceByDefault: !d.guidanceEmbeds };
  }
  if (spec.convnet) {
    const n = spec.convnet;
    const s = side ?? n.imageSide;
    const scale = n.kind === 'unet' ? LATENT_SCALE : 2 ** (n.blockOutChannels.length - 1);
    return { side: s, tokens: Math.ceil(s / scale) ** 2, guidanceByDefault: n.kind === 'unet' };
  }
  return undefined;
}

/** Whether a run makes images (a diffusion model's), rather than reading them as tokens (a multimodal model's) or none. */
export function isDiffusionRun(s: Pick<RunSettings, 'imageSide' | 'imageTokens'>): boolean {
  return s.imageSide !== undefined && s.imageTokens === undefined;
}
