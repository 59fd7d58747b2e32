import type { ModelSpec, ParameterBreakdown } from './types';

/** Parameters of one norm layer: LayerNorm has a weight and a bias, RMSNorm (and T5's LayerNorm) a weight only. */
export function normParams(spec: ModelSpec): number {
  return spec.norm === 'layernorm' ? 2 * spec.hiddenSize : spec.hiddenSize;
}

/** One attention block: q, k, v, o projections (GQA/MQA through the KV head count), with the family's biases. */
export function attentionParams(spec: ModelSpec): number {
  const h = spec.hiddenSize;
  const qDim = spec.numHeads * spec.headDim;
  const kvDim = spec.numKvHeads * spec.headDim;
  const weights = h * qDim + 2 * h * kvDim + qDim * h;
  const qkvBias = qDim + 2 * kvDim;
  const bias = spec.attentionBias === 'all' ? qkvBias + h : spec.attentionBias === 'qkv' ? qkvBias : 0;
  return weights + bias;
}

/** One feed-forward block of width `intermediate`: two matrices, or three when gated (SwiGLU/GeGLU). */
export function mlpParams(spec: ModelSpec, intermediate: number = spec.intermediateSize): number {
  const h = spec.hiddenSize;
  if (spec.mlp === 'gated') {
    return 3 * h * intermediate + (spec.mlpBias ? 2 * intermediate + h : 0);
  }
  return 2 * h * intermediate + (spec.mlpBias ? intermediate + h : 0);
}

/**
 * Exact parameter count, split by component, following what HF transformers' modeling code allocates.
 * Tied input/output embeddings are counted once; task heads other than the LM head are not counted.
 */
export function countParameters(spec: ModelSpec): ParameterBreakdown {
  const h = spec.hiddenSize;
  const norm = normParams(spec);

  let embeddings = spec.vocabSize * h;
  if (spec.positions === 'learned' && spec.maxPositions !== undefined) {
    embeddings += spec.maxPositions * h;
  }
  embeddings += spec.typeVocabSize * h;
  let norms = spec.embeddingNorm ? norm : 0;

  const attn = attentionParams(spec);
  const relativeBias = spec.relativeAttentionBuckets * spec.numHeads;
  let attention = 0;
  let mlp = 0;
  let experts = 0;

  if (spec.encoderDecoder) {
    // T5: encoder blocks (self-attention, FFN), decoder blocks (self-attention, cross-attention, FFN);
    // each stack has its own relative-position bias (first layer only) and final norm.
    attention += spec.numLayers * attn + spec.numDecoderLayers * 2 * attn + 2 * relativeBias;
    mlp += (spec.numLayers + spec.numDecoderLayers) * mlpParams(spec);
    norms += spec.numLayers * 2 * norm + spec.numDecoderLayers * 3 * norm + 2 * norm;
  } else {
    attention += spec.numLayers * attn + relativeBias;
    if (spec.numExperts > 0) {
      const router = h * spec.numExperts;
      experts += spec.numLayers * (spec.numExperts * mlpParams(spec) + router);
    } else {
      mlp += spec.numLayers * mlpParams(spec);
    }
    norms += spec.numLayers * spec.normsPerLayer * norm + (spec.finalNorm ? norm : 0);
  }

  const other = spec.pooler ? h * h + h : 0;
  let head = 0;
  if (spec.head === 'lm' && !spec.encoderOnly && !spec.tieWordEmbeddings) {
    head = spec.vocabSize * h + (spec.lmHeadBias ? spec.vocabSize : 0);
  } else if (spec.head === 'lm' && !spec.encoderOnly && spec.lmHeadBias) {
    head = spec.vocabSize;
  }

  const total = embeddings + attention + mlp + experts + norms + head + other;
  const inactiveExperts =
    spec.numExperts > 0
      ? spec.numLayers * (spec.numExperts - spec.expertsPerToken) * mlpParams(spec)
      : 0;
  return {
    embeddings,
    attention,
    mlp,
    experts,
    norms,
    head,
    other,
    total,
    activePerToken: total - inactiveExperts,
  };
}
