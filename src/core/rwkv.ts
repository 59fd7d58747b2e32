// RWKV language models (RWKV-4 as transformers builds RwkvForCausalLM; RWKV-5 and -6 as their Hugging Face remote code builds them; RWKV-7 as flash-linear-attention builds it): the spec, the exact tensors, and the recurrent state that takes the KV cache's place.
import { weightTensor as tensor, type WeightTensor } from './weightTensor';
import type { SizeReader } from './stateSpace';
import type { ModelSpec, RwkvShape } from './types';

/** The RWKV generation a config's model_type names, or undefined when it names none. */
export function rwkvVersion(modelType: unknown): RwkvShape['version'] | undefined {
  switch (modelType) {
    case 'rwkv':
      return 4;
    case 'rwkv5':
      return 5;
    case 'rwkv6':
      return 6;
    case 'rwkv7':
    case 'rwkv7_fla':
      return 7;
    default:
      return undefined;
  }
}

/** RWKV-5 and -6 widen the channel mix to 3.5 × hidden_size, rounded down to a multiple of 32, when the config leaves it out. */
function eagleIntermediate(hidden: number): number {
  return Math.floor((hidden * 3.5) / 32) * 32;
}

/**
 * The mixer's shape from the config: attention_hidden_size (RWKV-4/5/6) or the key width (RWKV-7, hidden_size), the
 * head size, the channel-mix width, and RWKV-6's and RWKV-7's low-rank projections with the defaults their code uses.
 */
function rwkvShape(version: RwkvShape['version'], hidden: number, size: SizeReader): RwkvShape | undefined {
  if (version === 4) {
    const attention = size('attention_hidden_size', hidden);
    const intermediate = size('intermediate_size', 4 * hidden);
    return attention === undefined || intermediate === undefined ? undefined : { version, attention, headSize: 0, intermediate };
  }
  if (version === 7) {
    const headSize = size('head_dim', 64);
    const ratio = size('hidden_ratio', 4);
    if (headSize === undefined || ratio === undefined) {
      return undefined;
    }
    const intermediate = size('intermediate_size', Math.ceil((hidden * ratio) / 32) * 32);
    const ranks = { decay: size('decay_low_rank_dim', 64), gate: size('gate_low_rank_dim', 128), a: size('a_low_rank_dim', 64), v: size('v_low_rank_dim', 16) };
    if (intermediate === undefined || Object.values(ranks).some(r => r === undefined)) {
      return undefined;
    }
    return { version, attention: hidden, headSize, intermediate, ranks: { decay: ranks.decay!, gate: ranks.gate!, a: ranks.a!, v: ranks.v! } };
  }
  const attention = size('attention_hidden_size', hidden);
  const headSize = size('head_size', 64);
  const intermediate = size('intermediate_size', eagleIntermediate(hidden));
  if (attention === undefined || headSize === undefined || intermediate === undefined) {
    return undefined;
  }
  // RWKV-6's token-shift and decay projections: 32 and 64 wide, 64 and 128 at hidden_size 4,096 (its 7B).
  const ranks = version === 6 ? { mix: hidden === 4096 ? 64 : 32, decay: hidden === 4096 ? 128 : 64 } : undefined;
  return { version, attention, headSize, intermediate, ...(ranks ? { ranks } : {}) };
}

/**
 * The spec of an RWKV model from its config values: blocks of two LayerNorms (a third before the first block), a time
 * mix and a channel mix; a final LayerNorm; an output head that is not tied to the embedding unless the config ties it.
 * A head size that does not divide the mixer's width is refused on `head_size`.
 */
export function rwkvSpec(version: RwkvShape['version'], size: SizeReader, tied: boolean, dtype: string | undefined, problem: (key: string, message: string) => void): ModelSpec | undefined {
  const hidden = size('hidden_size');
  const layers = size('num_hidden_layers');
  const vocab = size('vocab_size', version === 4 ? 50277 : version === 7 ? 32000 : 65536);
  if (hidden === undefined || layers === undefined || vocab === undefined) {
    return undefined;
  }
  const rwkv = rwkvShape(version, hidden, size);
  if (!rwkv) {
    return undefined;
  }
  if (rwkv.headSize > 0 && rwkv.attention % rwkv.headSize !== 0) {
    problem(version === 7 ? 'head_dim' : 'head_size', `The head size (${rwkv.headSize}) must divide the time mix's width (${rwkv.attention}).`);
    return undefined;
  }
  const heads = rwkv.headSize > 0 ? rwkv.attention / rwkv.headSize : 1;
  return {
    family: `RWKV-${version} (recurrent)`, generic: false, encoderDecoder: false, encoderOnly: false,
    hiddenSize: hidden, numLayers: layers, numDecoderLayers: 0, numHeads: heads, numKvHeads: heads, headDim: rwkv.headSize || hidden,
    vocabSize: vocab, intermediateSize: rwkv.intermediate, maxPositions: undefined, typeVocabSize: 0, moe: undefined, mla: undefined,
    qkNorm: false, relativeAttentionBuckets: 0, positionOffset: 0, wordEmbedProjDim: undefined, pythonGelu: false,
    tieWordEmbeddings: tied, norm: 'layernorm', normsPerLayer: 2, positions: 'none', attentionBias: 'none', mlp: 'plain',
    mlpBias: false, embeddingNorm: false, pooler: false, lmHeadBias: false, finalNorm: true, dropout: false, head: 'lm',
    slidingWindow: undefined, slidingLayers: 0, storedDtype: dtype, patchEmbeddingParams: 0, rwkv,
    approximate: `RWKV-${version}'s training activations counted from its time and channel mixes' saved tensors, not measured`,
  };
}

/** The time mix's interpolation vectors and per-channel decay terms, by generation. */
function timeMixVectors(r: RwkvShape, h: number, n: number): WeightTensor[] {
  const a = r.attention;
  switch (r.version) {
    case 4:
      // time_decay and time_first per channel; time_mix_key, _value and _receptance per input channel.
      return [tensor('attention.time_decay, time_first', 1, 2 * a, n, false, 'other'), tensor('attention.time_mix_k/v/r', 1, 3 * h, n, false, 'other')];
    case 5:
      // time_decay and time_faaaa per head and channel; time_mix_key, _value, _receptance and _gate.
      return [tensor('attention.time_decay, time_faaaa', 1, 2 * a, n, false, 'other'), tensor('attention.time_mix_k/v/r/g', 1, 4 * h, n, false, 'other')];
    case 6: {
      // time_maa_x, _w, _k, _v, _r, _g; the data-dependent token shift (w1: h × 5·mix, w2: 5 × mix × h) and decay
      // (w1: h × decay, w2: decay × width); time_decay and time_faaaa.
      const { mix, decay } = r.ranks as { mix: number; decay: number };
      return [
        tensor('attention.time_maa_*', 1, 6 * h, n, false, 'other'),
        tensor('attention.time_maa_w1', h, 5 * mix, n, false, 'other'),
        tensor('attention.time_maa_w2', 5 * mix, h, n, false, 'other'),
        tensor('attention.time_decay_w1', h, decay, n, false, 'other'),
        tensor('attention.time_decay_w2', decay, a, n, false, 'other'),
        tensor('attention.time_decay, time_faaaa', 1, 2 * a, n, false, 'other'),
      ];
    }
    case 7: {
      // x_r, x_w, x_k, x_v, x_a, x_g; k_k, k_a and r_k; the low-rank w, a and g projections (w and a with an output
      // bias); v's only after the first layer, which has no value residual.
      const k = r.ranks as { decay: number; gate: number; a: number; v: number };
      const lora = (name: string, rank: number, out: number, count: number, bias: boolean) => [
        tensor(`attention.${name}_lora (down)`, h, rank, count, false, 'other'),
        tensor(`attention.${name}_lora (up)`, rank, out, count, false, 'other'),
        ...(bias ? [tensor(`attention.${name}_lora bias`, 1, out, count, false, 'other')] : []),
      ];
      return [
        tensor('attention.x_r/w/k/v/a/g', 1, 6 * h, n, false, 'other'),
        tensor('attention.k_k, k_a, r_k', 1, 3 * a, n, false, 'other'),
        ...lora('w', k.decay, a, n, true),
        ...lora('a', k.a, a, n, true),
        ...lora('g', k.gate, a, n, false),
        ...lora('v', k.v, a, n - 1, true),
      ];
    }
  }
}

/**
 * Every tensor of an RWKV model: the embedding; per block two LayerNorms, the time mix (receptance, key, value and,
 * from RWKV-5 on, gate projections, the output, its vectors, and from RWKV-5 on a GroupNorm over heads) and the channel
 * mix (key to intermediate, value back, and before RWKV-7 a receptance gate); the first block's extra LayerNorm; the
 * final LayerNorm; the head unless tied.
 */
export function rwkvTensors(spec: ModelSpec): WeightTensor[] {
  const r = spec.rwkv!;
  const h = spec.hiddenSize;
  const n = spec.numLayers;
  const a = r.attention;
  const gated = r.version >= 5;
  const projections = r.version === 7 ? ['r', 'k', 'v'] : gated ? ['receptance', 'key', 'value', 'gate'] : ['receptance', 'key', 'value'];
  const target = (p: string): WeightTensor['target'] => (p.startsWith('r') ? 'q' : p.startsWith('k') ? 'k' : p.startsWith('v') ? 'v' : undefined);
  return [
    { ...tensor('embeddings', h, spec.vocabSize, 1, false, 'embeddings'), embeddingOrHead: true },
    tensor('ln1, ln2 (weight and bias)', 1, 4 * h, n, false, 'norms'),
    tensor('pre_ln, ln_out (weight and bias)', 1, 4 * h, 1, false, 'norms'),
    ...projections.map(p => tensor(`attention.${p}`, h, a, n, true, 'attention', target(p))),
    tensor('attention.output', a, h, n, true, 'attention', 'o'),
    ...timeMixVectors(r, h, n),
    ...(gated ? [tensor('attention.ln_x (GroupNorm weight and bias)', 1, 2 * a, n, false, 'norms')] : []),
    tensor('feed_forward.key', h, r.intermediate, n, true, 'mlp', 'up'),
    tensor('feed_forward.value', r.intermediate, h, n, true, 'mlp', 'down'),
    ...(r.version === 7 ? [] : [tensor('feed_forward.receptance', h, h, n, true, 'mlp', 'gate')]),
    tensor(r.version === 7 ? 'feed_forward.x_k' : 'feed_forward.time_mix_k/r', 1, (r.version === 7 ? 1 : 2) * h, n, false, 'other'),
    ...(spec.tieWordEmbeddings ? [] : [{ ...tensor('head', h, spec.vocabSize, 1, true, 'head', 'head'), embeddingOrHead: true }]),
  ];
}

/**
 * Bytes of the recurrent state one sequence carries, at `elementBytes` for the token-shift vectors: RWKV-4 keeps the
 * time and channel mixes' previous inputs and its numerator, denominator and running maximum (fp32) per channel;
 * RWKV-5 on keep the two previous inputs and an fp32 head_size × head_size matrix per head.
 */
export function rwkvStateBytes(spec: ModelSpec, elementBytes: number): number {
  const r = spec.rwkv!;
  const perLayer = r.version === 4 ? 2 * spec.hiddenSize * elementBytes + 3 * r.attention * 4 : 2 * spec.hiddenSize * elementBytes + r.attention * r.headSize * 4;
  return spec.numLayers * perLayer;
}

/** What the state holds, in words, for the report. */
export function describeRwkvState(spec: ModelSpec): string {
  const r = spec.rwkv!;
  return r.version === 4
    ? `per layer the two mixes' previous inputs and an fp32 numerator, denominator and maximum per channel`
    : `per layer the two mixes' previous inputs and ${r.attention / r.headSize} heads × an fp32 ${r.headSize} × ${r.headSize} matrix`;
}

/**
 * Bytes an RWKV block keeps for backward per token, at `c` bytes per element: both LayerNorms' inputs and outputs, the
 * token-shifted input and its mixes, the time mix's projections, its wkv output, gate and GroupNorm, and the channel
 * mix's key, squared ReLU, receptance and value.
 */
export function rwkvActivationBytesPerToken(spec: ModelSpec, c: number): number {
  const r = spec.rwkv!;
  const h = spec.hiddenSize;
  const timeMix = r.version === 4 ? 4 * h + 5 * r.attention : 7 * h + 8 * r.attention;
  const channelMix = 4 * h + 2 * r.intermediate;
  return c * (timeMix + channelMix);
}
