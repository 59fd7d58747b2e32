// State-space language models (Mamba and Mamba2, as transformers builds MambaForCausalLM and Mamba2ForCausalLM): the spec the memory model reads, the exact tensors, and the recurrent state that takes the KV cache's place.
import { weightTensor as tensor, type WeightTensor } from './weightTensor';
import type { DeltaNetShape, HybridLayers, HybridMixer, LightningShape, ModelSpec, RawValue, ShortConvShape, SsmShape } from './types';

/** MambaConfig's defaults for what a config.json leaves out. */
export const MAMBA_DEFAULTS = { state_size: 16, expand: 2, conv_kernel: 4 } as const;

/** Mamba2Config's defaults. */
export const MAMBA2_DEFAULTS = { state_size: 128, expand: 2, conv_kernel: 4, n_groups: 8, head_dim: 64 } as const;

/** A config value as a positive whole number; undefined (with the reason) when it is no size. */
export type SizeReader = (key: string, fallback?: number) => number | undefined;

/**
 * The spec of a Mamba model from its config values: Mamba blocks of an RMSNorm and a mixer (input projection to two
 * streams of intermediate_size, a depthwise causal convolution, the selective scan's projections and its A and D),
 * a final RMSNorm, a head tied to the embedding unless the config unties it.
 */
export function mambaSpec(size: SizeReader, tied: boolean, dtype: string | undefined, bias: { readonly linear: boolean; readonly conv: boolean }): ModelSpec | undefined {
  const hidden = size('hidden_size');
  const layers = size('num_hidden_layers');
  const vocab = size('vocab_size');
  const expand = size('expand', MAMBA_DEFAULTS.expand);
  const state = size('state_size', MAMBA_DEFAULTS.state_size);
  const kernel = size('conv_kernel', MAMBA_DEFAULTS.conv_kernel);
  if ([hidden, layers, vocab, expand, state, kernel].some(v => v === undefined)) {
    return undefined;
  }
  const inner = size('intermediate_size', expand! * hidden!);
  const rank = size('time_step_rank', Math.ceil(hidden! / 16));
  if (inner === undefined || rank === undefined) {
    return undefined;
  }
  const ssm: SsmShape = { inner, state: state!, convKernel: kernel!, timeStepRank: rank, linearBias: bias.linear, convBias: bias.conv };
  return {
    family: 'Mamba (state-space)', generic: false, encoderDecoder: false, encoderOnly: false,
    hiddenSize: hidden!, numLayers: layers!, numDecoderLayers: 0, numHeads: 1, numKvHeads: 1, headDim: hidden!,
    vocabSize: vocab!, intermediateSize: inner, maxPositions: undefined, typeVocabSize: 0, moe: undefined, mla: undefined,
    qkNorm: false, relativeAttentionBuckets: 0, positionOffset: 0, wordEmbedProjDim: undefined, pythonGelu: false,
    tieWordEmbeddings: tied, norm: 'rmsnorm', normsPerLayer: 1, positions: 'none', attentionBias: 'none', mlp: 'plain',
    mlpBias: false, embeddingNorm: false, pooler: false, lmHeadBias: false, finalNorm: true, dropout: false, head: 'lm',
    slidingWindow: undefined, slidingLayers: 0, storedDtype: dtype, patchEmbeddingParams: 0, ssm,
    approximate: "Mamba's training activations counted from its blocks' saved tensors, not measured",
  };
}

/**
 * Every tensor of MambaForCausalLM and Mamba2ForCausalLM: the embedding; per block an RMSNorm and the mixer; the final
 * norm; the head unless tied.
 */
export function ssmTensors(spec: ModelSpec): WeightTensor[] {
  const h = spec.hiddenSize;
  const n = spec.numLayers;
  return [
    { ...tensor('embed_tokens', h, spec.vocabSize, 1, false, 'embeddings'), embeddingOrHead: true },
    tensor('norm', 1, h, n + 1, false, 'norms'),
    ...mambaMixerTensors(spec.ssm!, h, n),
    ...(spec.tieWordEmbeddings ? [] : [{ ...tensor('lm_head', h, spec.vocabSize, 1, true, 'head', 'head'), embeddingOrHead: true }]),
  ];
}

/**
 * The tensors of `n` Mamba mixers of width `h`: in_proj to x and z, the depthwise conv1d, x_proj to the time step and
 * B and C, dt_proj, A_log, D, out_proj; Jamba's RMSNorms on the time step, B and C.
 */
export function mambaMixerTensors(m: HybridMixer, h: number, n: number): WeightTensor[] {
  if ('kind' in m) {
    switch (m.kind) {
      case 'short-conv': return shortConvTensors(m, n);
      case 'kimi-delta': return kimiDeltaTensors(m, h, n);
      case 'lightning': return lightningTensors(m, h, n);
      default: return deltaNetTensors(m, h, n);
    }
  }
  if (m.mamba2) {
    return mamba2MixerTensors(m, h, n);
  }
  const d = m.inner;
  return [
    tensor('mixer.in_proj', h, 2 * d, n, true, 'mlp', 'up'),
    ...(m.linearBias ? [tensor('mixer.in_proj bias', 1, 2 * d, n, false, 'mlp'), tensor('mixer.out_proj bias', 1, h, n, false, 'mlp')] : []),
    tensor('mixer.conv1d', m.convKernel, d, n, false, 'other'),
    ...(m.convBias ? [tensor('mixer.conv1d bias', 1, d, n, false, 'other')] : []),
    tensor('mixer.x_proj', d, m.timeStepRank + 2 * m.state, n, true, 'other'),
    tensor('mixer.dt_proj', m.timeStepRank, d, n, true, 'other'),
    tensor('mixer.dt_proj bias', 1, d, n, false, 'other'),
    tensor('mixer.A_log', m.state, d, n, false, 'other'),
    tensor('mixer.D', 1, d, n, false, 'other'),
    tensor('mixer.out_proj', d, h, n, true, 'mlp', 'down'),
    ...(m.innerNorms ? [tensor('mixer.dt/b/c_layernorm', 1, m.timeStepRank + 2 * m.state, n, false, 'norms')] : []),
  ];
}

/** Which recurrent mixer a hybrid runs: the kind its shape names, Mamba / Mamba2 for an SSM shape (which names none). */
export type MixerKind = Exclude<HybridMixer, SsmShape>['kind'] | 'mamba';
export function mixerKind(m: HybridMixer): MixerKind {
  return 'kind' in m ? m.kind : 'mamba';
}

/**
 * The recurrent state of one Mamba layer per sequence: a convolution window and an SSM state per channel; Mamba2's
 * window covers x, B and C; lightning attention keeps each head's matrix alone.
 */
export function mambaLayerState(m: HybridMixer): number {
  if ('kind' in m) {
    switch (m.kind) {
      case 'short-conv': return m.channels * m.kernel;
      case 'lightning': return m.heads * m.headDim * m.headDim;
      default: return deltaNetConvChannels(m) * m.convKernel + m.valueHeads * m.keyDim * m.valueDim;
    }
  }
  return m.mamba2 ? mamba2ConvChannels(m) * m.convKernel + m.inner * m.state : m.inner * (m.convKernel + m.state);
}

/**
 * A model's recurrent layers and their mixer: a hybrid's recurrent mixers, or every layer of a state-space model
 * (Mamba); undefined for a model that keeps no recurrent state.
 */
export function recurrentLayersOf(spec: ModelSpec): { readonly mixer: HybridMixer; readonly layers: number } | undefined {
  const mixer = spec.hybrid?.mixer ?? spec.ssm;
  const layers = spec.hybrid ? spec.hybrid.mambaLayers : spec.ssm ? spec.numLayers : 0;
  return mixer && layers > 0 ? { mixer, layers } : undefined;
}

/** Bytes of one recurrent-state element in a dtype the engines name (`float32`, `float16`, `bfloat16`). */
export function stateDtypeBytes(dtype: 'float32' | 'float16' | 'bfloat16'): number {
  return dtype === 'float32' ? 4 : 2;
}

/** The state dtypes a config may name for its recurrent mixers (`mamba_ssm_dtype`). */
const STATE_DTYPES: Readonly<Record<string, HybridLayers['stateDtype']>> = { float32: 'float32', fp32: 'float32', float16: 'float16', fp16: 'float16', bfloat16: 'bfloat16', bf16: 'bfloat16' };

/** The vLLM default scan chunk of a Mamba2 mixer whose config names none. */
const MAMBA2_CHUNK_DEFAULT = 256;

/**
 * How a hybrid's config keeps its recurrent state, beyond the mixer's shape: the state dtype it names
 * (`mamba_ssm_dtype`) and a Mamba2 mixer's scan chunk (`mamba_chunk_size`, or `chunk_size` as Nemotron-H writes it).
 */
export function hybridStateKeeping(value: (key: string) => RawValue | null | undefined, hybrid: HybridLayers): Pick<HybridLayers, 'stateDtype' | 'chunkSize'> {
  const dtype = value('mamba_ssm_dtype');
  const stateDtype = typeof dtype === 'string' ? STATE_DTYPES[dtype.toLowerCase()] : undefined;
  const chunk = [value('mamba_chunk_size'), value('chunk_size')].find((v): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 1);
  const mamba2 = !('kind' in hybrid.mixer) && hybrid.mixer.mamba2 !== undefined;
  return { ...(stateDtype ? { stateDtype } : {}), ...(mamba2 ? { chunkSize: chunk ?? MAMBA2_CHUNK_DEFAULT } : {}) };
}

/**
 * One recurrent layer's state per sequence on one of `tp` GPUs, as vLLM shapes it (its MambaStateShapeCalculator):
 * the convolution keeps its last kernel − 1 inputs, the state its heads' matrices, both split over tensor parallelism
 * (a Mamba2 mixer's groups widened to the GPUs when they do not divide); lightning attention keeps its heads' matrices
 * and no window; under speculative decoding a Gated DeltaNet's or Mamba2's window keeps `speculative` more inputs.
 * Elements of each.
 */
export function vllmStateElements(m: HybridMixer, tp: number, speculative = 0): { readonly conv: number; readonly state: number } {
  const split = (n: number) => Math.ceil(n / tp);
  if ('kind' in m) {
    switch (m.kind) {
      case 'short-conv': return { conv: split(m.channels) * (m.kernel - 1), state: 0 };
      case 'lightning': return { conv: 0, state: split(m.heads) * m.headDim * m.headDim };
      default: return { conv: split(deltaNetConvChannels(m)) * (m.convKernel - 1 + speculative), state: split(m.valueHeads) * m.keyDim * m.valueDim };
    }
  }
  if (!m.mamba2) {
    return { conv: split(m.inner) * (m.convKernel - 1), state: split(m.inner) * m.state };
  }
  const groups = m.mamba2.groups % tp === 0 ? m.mamba2.groups : tp;
  return { conv: split(m.inner + 2 * groups * m.state) * (m.convKernel - 1 + speculative), state: split(m.mamba2.heads) * (m.inner / m.mamba2.heads) * m.state };
}

/** The tensors of `n` LFM2 short convolutions: in_proj to B, C and x, the depthwise conv, out_proj (biased with conv_bias). */
function shortConvTensors(m: ShortConvShape, n: number): WeightTensor[] {
  const c = m.channels;
  return [
    tensor('conv.in_proj', c, 3 * c, n, true, 'attention'),
    tensor('conv.conv', m.kernel, c, n, false, 'other'),
    tensor('conv.out_proj', c, c, n, true, 'attention'),
    ...(m.bias ? [tensor('conv biases', 1, 3 * c + 2 * c, n, false, 'other')] : []),
  ];
}

/** The Gated DeltaNet's convolution channels: its queries, keys and values. */
function deltaNetConvChannels(m: DeltaNetShape): number {
  return 2 * m.keyHeads * m.keyDim + m.valueHeads * m.valueDim;
}

/**
 * The tensors of `n` Gated DeltaNet mixers of width `h`: in_proj_qkvz (q, k, v and the output gate z), in_proj_ba
 * (β and the decay per value head), the bias-free depthwise conv1d, dt_bias and A_log per value head, the gated
 * RMSNorm of one value head's width, out_proj.
 */
function deltaNetTensors(m: DeltaNetShape, h: number, n: number): WeightTensor[] {
  const keys = m.keyHeads * m.keyDim;
  const values = m.valueHeads * m.valueDim;
  return [
    tensor('linear_attn.in_proj_qkvz', h, 2 * keys + 2 * values, n, true, 'attention', 'q'),
    tensor('linear_attn.in_proj_ba', h, 2 * m.valueHeads, n, true, 'attention'),
    tensor('linear_attn.conv1d', m.convKernel, deltaNetConvChannels(m), n, false, 'other'),
    tensor('linear_attn.dt_bias, A_log', 1, 2 * m.valueHeads, n, false, 'other'),
    tensor('linear_attn.norm (gated)', 1, m.valueDim, n, false, 'norms'),
    tensor('linear_attn.out_proj', values, h, n, true, 'attention', 'o'),
  ];
}

/**
 * The tensors of `n` Kimi Delta Attention mixers of width `h`, as Kimi Linear's modeling code builds them: q_proj,
 * k_proj and v_proj; a bias-free depthwise convolution of each; A_log per head; the decay gate's low-rank f_a_proj /
 * f_b_proj and its dt_bias per channel; b_proj (β per head); the output gate (kimiGateTensors); the gated RMSNorm
 * of one head's width; o_proj.
 */
function kimiDeltaTensors(m: DeltaNetShape, h: number, n: number): WeightTensor[] {
  const keys = m.keyHeads * m.keyDim;
  const values = m.valueHeads * m.valueDim;
  return [
    tensor('self_attn.q_proj', h, keys, n, true, 'attention', 'q'),
    tensor('self_attn.k_proj', h, keys, n, true, 'attention', 'k'),
    tensor('self_attn.v_proj', h, values, n, true, 'attention', 'v'),
    tensor('self_attn.q/k/v_conv1d', m.convKernel, deltaNetConvChannels(m), n, false, 'other'),
    ...kimiGateTensors(m, h, n),
    tensor('self_attn.b_proj', h, m.valueHeads, n, true, 'attention'),
    // Kimi K3's checkpoint stores A_log with one entry per head channel.
    tensor('self_attn.A_log, dt_bias', 1, (m.fullRankGate ? m.valueDim : m.valueHeads) + values, n, false, 'other'),
    tensor('self_attn.o_norm (gated)', 1, m.valueDim, n, false, 'norms'),
    tensor('self_attn.o_proj', values, h, n, true, 'attention', 'o'),
  ];
}

/**
 * Kimi Delta Attention's gates: the decay gate's low-rank f_a_proj / f_b_proj always; the output gate low-rank too
 * (g_a_proj / g_b_proj), or full-rank (g_proj) in Kimi K3.
 */
function kimiGateTensors(m: DeltaNetShape, h: number, n: number): WeightTensor[] {
  const values = m.valueHeads * m.valueDim;
  if (m.fullRankGate) {
    return [
      tensor('self_attn.f_a_proj', h, m.valueDim, n, true, 'attention'),
      tensor('self_attn.f_b_proj', m.valueDim, values, n, true, 'attention'),
      tensor('self_attn.g_proj', h, values, n, true, 'attention'),
    ];
  }
  return [
    tensor('self_attn.f_a_proj, g_a_proj', h, 2 * m.valueDim, n, true, 'attention'),
    tensor('self_attn.f_b_proj, g_b_proj', m.valueDim, 2 * values, n, true, 'attention'),
  ];
}

/**
 * The tensors of `n` lightning-attention mixers of width `h`, as MiniMax-01's modeling code builds them: qkv_proj to
 * the heads' queries, keys and values, output_gate, the RMSNorm over every head, out_proj; no biases.
 */
function lightningTensors(m: LightningShape, h: number, n: number): WeightTensor[] {
  const inner = m.heads * m.headDim;
  return [
    tensor('self_attn.qkv_proj', h, 3 * inner, n, true, 'attention', 'q'),
    tensor('self_attn.output_gate', h, inner, n, true, 'attention'),
    tensor('self_attn.norm', 1, inner, n, false, 'norms'),
    tensor('self_attn.out_proj', inner, h, n, true, 'attention', 'o'),
  ];
}

/**
 * The spec of a Mamba2 model (Mamba2Config): Mamba2 blocks of an RMSNorm and a multi-head mixer, a final RMSNorm and
 * a head tied to the embedding only when the config ties it (Mamba2Config does not by default). A config whose heads do
 * not divide its channels is refused on `num_heads`.
 */
export function mamba2Spec(size: SizeReader, tied: boolean, dtype: string | undefined, bias: { readonly linear: boolean; readonly conv: boolean }, problem: (key: string, message: string) => void): ModelSpec | undefined {
  const hidden = size('hidden_size');
  const expand = size('expand', MAMBA2_DEFAULTS.expand);
  const headDim = size('head_dim', MAMBA2_DEFAULTS.head_dim);
  if (hidden === undefined || expand === undefined || headDim === undefined) {
    return undefined;
  }
  const inner = expand * hidden;
  const heads = size('num_heads', Math.floor(inner / headDim));
  const groups = size('n_groups', MAMBA2_DEFAULTS.n_groups);
  if (heads === undefined || groups === undefined) {
    return undefined;
  }
  if (heads * headDim !== inner) {
    problem('num_heads', `\`num_heads\` × \`head_dim\` (${heads} × ${headDim}) must equal expand × hidden_size (${inner}), the mixer's channels.`);
    return undefined;
  }
  const base = mambaSpec((key, fallback) => size(key, key === 'state_size' ? MAMBA2_DEFAULTS.state_size : fallback), tied, dtype, bias);
  return base && {
    ...base,
    family: 'Mamba2 (state-space)',
    ssm: { ...base.ssm!, inner, timeStepRank: 0, mamba2: { heads, groups } },
    approximate: "Mamba2's training activations counted from its blocks' saved tensors, not measured",
  };
}

/** Mamba2's convolution channels: x, B and C (B and C in groups). */
function mamba2ConvChannels(m: SsmShape): number {
  return m.inner + 2 * m.mamba2!.groups * m.state;
}

/** The tensors of `n` Mamba2 mixers of width `h` (Mamba2's, and Bamba's and Granite 4's hybrid layers). */
function mamba2MixerTensors(m: SsmShape, h: number, n: number): WeightTensor[] {
  const conv = mamba2ConvChannels(m);
  const projected = m.inner + conv + m.mamba2!.heads;
  return [
    tensor('mixer.in_proj', h, projected, n, true, 'mlp', 'up'),
    ...(m.linearBias ? [tensor('mixer.in_proj bias', 1, projected, n, false, 'mlp')] : []),
    ...(m.outBias ?? m.linearBias ? [tensor('mixer.out_proj bias', 1, h, n, false, 'mlp')] : []),
    tensor('mixer.conv1d', m.convKernel, conv, n, false, 'other'),
    ...(m.convBias ? [tensor('mixer.conv1d bias', 1, conv, n, false, 'other')] : []),
    tensor('mixer.dt_bias, A_log, D', 1, 3 * m.mamba2!.heads, n, false, 'other'),
    ...(m.gatedNorm === false ? [] : [tensor('mixer.norm (gated)', 1, m.inner, n, false, 'norms')]),
    tensor('mixer.out_proj', m.inner, h, n, true, 'mlp', 'down'),
  ];
}

/**
 * The recurrent state a Mamba model carries per sequence: a convolution window and an SSM state per channel and
 * layer; Mamba2's window covers x, B and C, its state is heads × head_dim × state_size.
 */
export function ssmStateElements(spec: ModelSpec): number {
  const m = spec.ssm!;
  return spec.numLayers * mambaLayerState(m);
}

/**
 * Bytes a Mamba block keeps for backward per token, at `c` bytes per element: the norm's input and output, the input
 * projection's two streams, the convolution's output, the time step, B and C, the scan's output and the gate product
 * that out_proj reads.
 */
export function ssmActivationBytesPerToken(spec: ModelSpec, c: number): number {
  const m = spec.ssm!;
  return c * (2 * spec.hiddenSize + 2 * m.inner + m.inner + m.inner + 2 * m.state + m.inner + m.inner);
}
