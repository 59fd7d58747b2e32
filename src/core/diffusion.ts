// Diffusion transformers (FLUX.1's FluxTransformer2DModel, as diffusers and torchtitan build it): the spec the memory model reads, and the exact tensors.
import type { WeightTensor } from './tensors';
import type { DitShape, ModelSpec } from './types';

/** diffusers' class names of the transformers read here. */
export const DIT_CLASSES: ReadonlySet<string> = new Set(['FluxTransformer2DModel']);

/** FluxTransformer2DModel's defaults for what its config.json leaves out. */
export const FLUX_DEFAULTS = {
  patch_size: 1, in_channels: 64, num_layers: 19, num_single_layers: 38, attention_head_dim: 128, num_attention_heads: 24,
  joint_attention_dim: 4096, pooled_projection_dim: 768,
} as const;

/** The MLP width of every block: four times the model's width (diffusers' mlp_ratio, not a config key). */
const MLP_RATIO = 4;

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
    jointAttentionDim: joint!, pooledProjectionDim: pooled!, guidanceEmbeds: guidance, imageTokens: fluxImageTokens(1024), textTokens: TEXT_TOKENS,
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

function tensor(name: string, inFeatures: number, outFeatures: number, count: number, linear: boolean, component: WeightTensor['component'], target?: WeightTensor['target']): WeightTensor {
  return { name, inFeatures, outFeatures, count, linear, target, expert: false, embeddingOrHead: false, component };
}

/** nn.Linear(in, out) with its bias, `count` of them. */
function biased(name: string, inFeatures: number, outFeatures: number, count: number, component: WeightTensor['component'], target?: WeightTensor['target']): WeightTensor[] {
  return [tensor(name, inFeatures, outFeatures, count, true, component, target), tensor(`${name} bias`, 1, outFeatures, count, false, component)];
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
  const embedder = (name: string, from: number) => [...biased(`${name}.linear_1`, from, h, 1, 'embeddings'), ...biased(`${name}.linear_2`, h, h, 1, 'embeddings')];
  return [
    ...biased('x_embedder', d.inChannels * d.patchSize * d.patchSize, h, 1, 'embeddings'),
    ...embedder('time_text_embed.timestep_embedder', 256),
    ...(d.guidanceEmbeds ? embedder('time_text_embed.guidance_embedder', 256) : []),
    ...embedder('time_text_embed.text_embedder', d.pooledProjectionDim),
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
