import type { ModelSpec, ParameterBreakdown } from './types';

/** Parameters of one norm layer of width `width`: LayerNorm has a weight and a bias, RMSNorm a weight only. */
export function normParams(spec: ModelSpec, width: number = spec.hiddenSize): number {
  return spec.norm === 'layernorm' ? 2 * width : width;
}

/**
 * One attention block. Ordinary attention: q, k, v, o projections (GQA/MQA through the KV head count) with the
 * family's biases and optional per-head q/k norms. Multi-head latent attention (DeepSeek): low-rank query and
 * joint key-value projections with their norms (Megatron-LM theoretical_memory_usage.py; HF modeling_deepseek_v3).
 */
export function attentionParams(spec: ModelSpec): number {
  const h = spec.hiddenSize;
  const a = spec.numHeads;
  if (spec.mla) {
    const m = spec.mla;
    const qkHead = m.qkNopeHeadDim + m.qkRopeHeadDim;
    const q = m.qLoraRank > 0 ? h * m.qLoraRank + m.qLoraRank + m.qLoraRank * a * qkHead : h * a * qkHead;
    const kv = h * (m.kvLoraRank + m.qkRopeHeadDim) + m.kvLoraRank + m.kvLoraRank * a * (m.qkNopeHeadDim + m.vHeadDim);
    return q + kv + a * m.vHeadDim * h;
  }
  const qDim = a * spec.headDim;
  const kvDim = spec.numKvHeads * spec.headDim;
  const weights = h * qDim + 2 * h * kvDim + qDim * h;
  const qkvBias = qDim + 2 * kvDim;
  const bias = spec.attentionBias === 'all' ? qkvBias + h : spec.attentionBias === 'qkv' ? qkvBias : 0;
  const qkNorms = spec.qkNorm ? 2 * normParams(spec, spec.headDim) : 0;
  return weights + bias + qkNorms;
}

/** One feed-forward block of width `intermediate`: two matrices, or three when gated (SwiGLU/GeGLU). */
export function mlpParams(spec: ModelSpec, intermediate: number = spec.intermediateSize): number {
  const h = spec.hiddenSize;
  if (spec.mlp === 'gated') {
    return 3 * h * intermediate + (spec.mlpBias ? 2 * intermediate + h : 0);
  }
  return 2 * h * intermediate + (spec.mlpBias ? intermediate + h : 0);
}

/** The FFN of one mixture-of-experts layer: routed experts, shared experts, router (and its extras). */
export function moeLayerParams(spec: ModelSpec): { routed: number; always: number } {
  const m = spec.moe!;
  const h = spec.hiddenSize;
  const routed = m.numExperts * mlpParams(spec, m.expertIntermediate);
  const shared = m.sharedIntermediate > 0 ? mlpParams(spec, m.sharedIntermediate) : 0;
  const router = h * m.numExperts + (m.routerBias ? m.numExperts : 0);
  return { routed, always: shared + router + (m.sharedExpertGate ? h : 0) };
}

/**
 * Exact parameter count, split by component, following what HF transformers' modeling code allocates.
 * Tied input/output embeddings are counted once; task heads other than the LM head are not counted.
 */
export function countParameters(spec: ModelSpec): ParameterBreakdown {
  const h = spec.hiddenSize;
  const norm = normParams(spec);

  const tokenWidth = spec.wordEmbedProjDim ?? h;
  let embeddings = spec.vocabSize * tokenWidth;
  if (spec.wordEmbedProjDim !== undefined) {
    embeddings += 2 * spec.wordEmbedProjDim * h; // project_in and project_out (OPT-350m)
  }
  if (spec.positions === 'learned' && spec.maxPositions !== undefined) {
    embeddings += (spec.maxPositions + spec.positionOffset) * h;
  }
  embeddings += spec.typeVocabSize * h + spec.patchEmbeddingParams;
  let norms = spec.embeddingNorm ? norm : 0;

  const attn = attentionParams(spec);
  const relativeBias = spec.relativeAttentionBuckets * spec.numHeads;
  const mlaNorms = spec.mla ? (spec.mla.qLoraRank > 0 ? spec.mla.qLoraRank : 0) + spec.mla.kvLoraRank : 0;
  let attention = 0;
  let mlp = 0;
  let experts = 0;
  let inactive = 0;

  if (spec.encoderDecoder) {
    // T5: encoder blocks (self-attention, FFN), decoder blocks (self-attention, cross-attention, FFN);
    // each stack has its own relative-position bias (first layer only) and final norm.
    attention += spec.numLayers * attn + spec.numDecoderLayers * 2 * attn + 2 * relativeBias;
    mlp += (spec.numLayers + spec.numDecoderLayers) * mlpParams(spec);
    norms += spec.numLayers * 2 * norm + spec.numDecoderLayers * 3 * norm + 2 * norm;
  } else {
    // The MLA norms are inside the attention projections; they are reported with the norms.
    attention += spec.numLayers * (attn - mlaNorms) + relativeBias;
    norms += spec.numLayers * mlaNorms;
    const moeLayers = spec.moe ? spec.moe.moeLayers : 0;
    mlp += (spec.numLayers - moeLayers) * mlpParams(spec);
    if (spec.moe) {
      const layer = moeLayerParams(spec);
      experts += moeLayers * (layer.routed + layer.always);
      const m = spec.moe;
      inactive = moeLayers * (m.numExperts - m.expertsPerToken) * mlpParams(spec, m.expertIntermediate);
    }
    norms += spec.numLayers * spec.normsPerLayer * norm + (spec.finalNorm ? norm : 0);
  }

  const other = spec.pooler ? h * h + h : 0;
  let head = 0;
  if (spec.head === 'lm' && !spec.encoderOnly) {
    head = (spec.tieWordEmbeddings ? 0 : spec.vocabSize * tokenWidth) + (spec.lmHeadBias ? spec.vocabSize : 0);
  }

  const total = embeddings + attention + mlp + experts + norms + head + other;
  return { embeddings, attention, mlp, experts, norms, head, other, total, activePerToken: total - inactive };
}
