// The weight-tensor inventory of a model: every matrix and vector it allocates, for parameters, quantization, LoRA and sharding.
import type { DeepseekV4Layout, Gemma4Layout, Ia3Layout, ModelSpec, NasBlock } from './types';
import { numel, type LoraTarget, type ParameterComponent, type WeightTensor } from './weightTensor';
import { crossDitTensors, ditTensors, mmditTensors } from './diffusion';
import { rwkvTensors } from './rwkv';
import { mambaMixerTensors, ssmTensors } from './stateSpace';
import { convNetTensors } from './unet';
import { safetyCheckerTensors } from './pipeline';
import { audioTensors, visionTensors } from './vision';

/** Parameters of one norm layer of width `width`: LayerNorm has a weight and a bias, RMSNorm a weight only. */
export function normParams(spec: ModelSpec, width: number = spec.hiddenSize): number {
  return spec.norm === 'layernorm' ? 2 * width : spec.norm === 'layernorm-noparams' ? 0 : width;
}

/** A tensor before weightTensors files it under its component (built with a placeholder, for one object shape). */
type Untagged = WeightTensor;

/** Files a freshly built tensor under its component, in place: the inventory is built on every estimate. */
function tag(t: Untagged, component: ParameterComponent): WeightTensor {
  (t as { component: ParameterComponent }).component = component;
  return t;
}

function linear(name: string, inFeatures: number, outFeatures: number, count: number, target?: LoraTarget, expert = false): Untagged {
  return { name, inFeatures, outFeatures, count, linear: true, target, expert, embeddingOrHead: false, component: 'other' };
}

/** An embedding table: 2-D (Adafactor factors it) but not a linear layer (bitsandbytes keeps it in 16 bits). */
function table(name: string, rows: number, width: number): Untagged {
  return { name, inFeatures: width, outFeatures: rows, count: 1, linear: false, target: undefined, expert: false, embeddingOrHead: true, component: 'other' };
}

function vector(name: string, length: number, count: number, expert = false): Untagged {
  return { name, inFeatures: 1, outFeatures: length, count, linear: false, target: undefined, expert, embeddingOrHead: false, component: 'other' };
}

/** Attention tensors; DeepSeek's latent-attention layernorms are filed with the norms. */
function attentionTensors(spec: ModelSpec, layers: number, prefix: string): WeightTensor[] {
  return attentionUntagged(spec, layers, prefix).map(t => tag(t, t.name.endsWith('layernorm') ? 'norms' : 'attention'));
}

function attentionUntagged(spec: ModelSpec, layers: number, prefix: string): Untagged[] {
  const h = spec.hiddenSize;
  const a = spec.numHeads;
  const out: Untagged[] = [];
  if (spec.mla) {
    const m = spec.mla;
    const qk = m.qkNopeHeadDim + m.qkRopeHeadDim;
    if (m.qLoraRank > 0) {
      out.push(linear(`${prefix}q_a_proj`, h, m.qLoraRank, layers, 'q'), vector(`${prefix}q_a_layernorm`, m.qLoraRank, layers));
      out.push(linear(`${prefix}q_b_proj`, m.qLoraRank, a * qk, layers, 'q'));
    } else {
      out.push(linear(`${prefix}q_proj`, h, a * qk, layers, 'q'));
    }
    out.push(linear(`${prefix}kv_a_proj_with_mqa`, h, m.kvLoraRank + m.qkRopeHeadDim, layers, 'k'));
    out.push(vector(`${prefix}kv_a_layernorm`, m.kvLoraRank, layers));
    out.push(linear(`${prefix}kv_b_proj`, m.kvLoraRank, a * (m.qkNopeHeadDim + m.vHeadDim), layers, 'v'));
    out.push(linear(`${prefix}o_proj`, a * m.vHeadDim, h, layers, 'o'));
    if (m.outputGate) {
      out.push(linear(`${prefix}g_proj`, h, a * m.vHeadDim, layers));
    }
    if (m.indexer) {
      const { heads, headDim } = m.indexer;
      out.push(linear(`${prefix}indexer.wq_b`, m.qLoraRank, heads * headDim, layers), linear(`${prefix}indexer.wk`, h, headDim, layers));
      out.push(vector(`${prefix}indexer.k_norm`, 2 * headDim, layers), linear(`${prefix}indexer.weights_proj`, h, heads, layers));
    }
    return out;
  }
  const qDim = a * spec.headDim;
  const kvDim = spec.numKvHeads * spec.headDim;
  out.push(
    linear(`${prefix}q_proj`, h, spec.gatedAttention ? 2 * qDim : qDim, layers, 'q'),
    linear(`${prefix}k_proj`, h, kvDim, layers, 'k'),
    linear(`${prefix}v_proj`, h, kvDim, layers, 'v'),
    linear(`${prefix}o_proj`, qDim, h, layers, 'o'),
  );
  if (spec.attentionBias === 'all-but-k') {
    out.push(vector(`${prefix}q/v bias`, qDim + kvDim, layers));
  } else if (spec.attentionBias === 'all' || spec.attentionBias === 'qkv') {
    out.push(vector(`${prefix}qkv bias`, qDim + 2 * kvDim, layers));
  }
  if (spec.attentionBias === 'all' || spec.attentionBias === 'all-but-k' || spec.attentionBias === 'o') {
    out.push(vector(`${prefix}o_proj bias`, h, layers));
  }
  if (spec.attentionSinks) {
    out.push(vector(`${prefix}attention sinks`, a, layers));
  }
  if (spec.qkNorm === 'head') {
    out.push(vector(`${prefix}q/k norms`, normParams(spec, spec.headDim), 2 * layers));
  } else if (spec.qkNorm === 'projection') {
    out.push(vector(`${prefix}q norm`, normParams(spec, qDim), layers), vector(`${prefix}k norm`, normParams(spec, kvDim), layers));
  }
  return out;
}

/** An MLP of `intermediate` channels on `h` (the hidden size unless latent experts work narrower), `count` of them. */
function mlpTensors(spec: ModelSpec, intermediate: number, count: number, prefix: string, expert = false, h = spec.hiddenSize): Untagged[] {
  const out: Untagged[] = [];
  if (spec.mlp === 'gated') {
    out.push(linear(`${prefix}gate_proj`, h, intermediate, count, 'gate', expert));
  }
  out.push(linear(`${prefix}up_proj`, h, intermediate, count, 'up', expert), linear(`${prefix}down_proj`, intermediate, h, count, 'down', expert));
  if (spec.mlpBias) {
    out.push(vector(`${prefix}mlp biases`, (spec.mlp === 'gated' ? 2 : 1) * intermediate + h, count, expert));
  }
  return out;
}

/**
 * A pipeline's tensors: its denoiser's as they are, then every other component's under its name, with no LoRA target
 * (adapters go on the denoiser).
 */
function pipelineTensors(spec: ModelSpec): WeightTensor[] {
  return spec.pipeline!.components.flatMap(c => [
    ...(c.role === 'denoiser' ? weightTensors(c.spec) : weightTensors(c.spec).map(t => ({ ...t, name: `${c.name}.${t.name}`, target: undefined }))),
    ...(c.role === 'safety-checker' ? safetyCheckerTensors(c) : []),
  ]);
}

/**
 * Every weight tensor of the model, grouped and filed under its component, following what HF transformers'
 * modeling code allocates: the parameter count and its breakdown are their sum (countParameters), and
 * quantization, LoRA, Adafactor and ZeRO-3 read their shapes.
 */
export function weightTensors(spec: ModelSpec): readonly WeightTensor[] {
  let tensors = INVENTORIES.get(spec);
  if (!tensors) {
    tensors = Object.freeze(buildInventory(spec));
    INVENTORIES.set(spec, tensors);
  }
  return tensors;
}

/**
 * Each spec's inventory, built once: a report's searches (largest batch, longest sequence, GPUs needed) estimate one
 * spec hundreds of times, and a spec is never changed once resolved (a changed shape is a new spec object).
 */
const INVENTORIES = new WeakMap<ModelSpec, readonly WeightTensor[]>();

function buildInventory(spec: ModelSpec): WeightTensor[] {
  const own = ownInventory(spec);
  if (own) {
    return own;
  }
  const out = [...embeddingTensors(spec), ...(spec.encoderDecoder ? encoderDecoderStack(spec) : decoderStack(spec)), ...headTensors(spec)];
  if (spec.vision) {
    out.push(...visionTensors(spec.vision, spec.hiddenSize));
  }
  if (spec.audio) {
    out.push(...audioTensors(spec.audio, spec.hiddenSize));
  }
  return out.filter(t => t.count > 0 && t.outFeatures > 0);
}

/** The tensors of an architecture that is not a transformer stack with embeddings and a head, listed by its own builder. */
function ownInventory(spec: ModelSpec): WeightTensor[] | undefined {
  if (spec.pipeline) {
    return pipelineTensors(spec);
  }
  if (spec.dit) {
    return ditTensors(spec);
  }
  if (spec.convnet) {
    return convNetTensors(spec);
  }
  if (spec.mmdit) {
    return mmditTensors(spec);
  }
  if (spec.crossDit) {
    return crossDitTensors(spec);
  }
  if (spec.ssm) {
    return ssmTensors(spec);
  }
  if (spec.rwkv) {
    return rwkvTensors(spec);
  }
  return spec.sharedBlocks && spec.hybrid ? zamba2Tensors(spec) : undefined;
}

/** Tensors tagged with the component of the parameter breakdown they count toward. */
function tagged(component: ParameterComponent, ...tensors: Untagged[]): WeightTensor[] {
  return tensors.map(t => tag(t, component));
}

/** The token table (and its projections), position and token-type tables, a patch embedding, the embedding norm and T5's relative-position biases. */
function embeddingTensors(spec: ModelSpec): WeightTensor[] {
  const h = spec.hiddenSize;
  const tokenWidth = spec.wordEmbedProjDim ?? h;
  const out = tagged('embeddings', table('embed_tokens', spec.vocabSize + (spec.extraEmbeddingRows ?? 0), tokenWidth));
  if (spec.wordEmbedProjDim !== undefined) {
    out.push(...tagged('embeddings', linear('project_in', spec.wordEmbedProjDim, h, 1), linear('project_out', h, spec.wordEmbedProjDim, 1)));
  }
  if (spec.positionTables) {
    out.push(...tagged('embeddings', table('encoder position embeddings', spec.positionTables[0], h), table('decoder position embeddings', spec.positionTables[1], h)));
  } else if (spec.positions === 'learned' && spec.maxPositions !== undefined) {
    out.push(...tagged('embeddings', table('position embeddings', spec.maxPositions + spec.positionOffset, h)));
  }
  if (spec.typeVocabSize > 0) {
    out.push(...tagged('embeddings', table('token type embeddings', spec.typeVocabSize, h)));
  }
  if (spec.patchEmbeddingParams > 0) {
    out.push(...tagged('embeddings', vector('patch embedding and class token', spec.patchEmbeddingParams, 1)));
  }
  if (spec.embeddingNorm) {
    out.push(...tagged('norms', vector('embedding norm', normParams(spec), 1)));
  }
  if (spec.relativeAttentionBuckets > 0) {
    // T5: one relative-position bias per stack (its first layer); UMT5: one in every layer.
    const biases = spec.relativeBiasPerLayer ? spec.numLayers + spec.numDecoderLayers : spec.encoderDecoder ? 2 : 1;
    out.push(...tagged('attention', vector('relative attention bias', spec.relativeAttentionBuckets * spec.numHeads, biases)));
  }
  return out;
}

/** T5: encoder blocks (self-attention, FFN), decoder blocks (self-attention, cross-attention, FFN), a final norm per stack. */
function encoderDecoderStack(spec: ModelSpec): WeightTensor[] {
  return [
    ...attentionTensors(spec, spec.numLayers + 2 * spec.numDecoderLayers, ''),
    ...tagged('mlp', ...mlpTensors(spec, spec.intermediateSize, spec.numLayers + spec.numDecoderLayers, '')),
    ...tagged('norms', vector('norms', normParams(spec), spec.numLayers * 2 + spec.numDecoderLayers * 3 + (spec.stackNorms ?? 2))),
  ];
}

/** The names of the linear layers Nemotron-NAS puts in place of attention or an FFN (replace_with_linear). */
export const NAS_LINEAR_ATTENTION = 'self_attn (linear)';
export const NAS_LINEAR_FFN = 'mlp (linear)';
/** How the tensors of Nemotron-NAS's FFNs of one width begin (`mlp 28672.gate_proj`), which tells llama.cpp's blocks apart. */
export function nasFfnPrefix(width: number): string {
  return `mlp ${width}.`;
}

/**
 * Nemotron-NAS's layers, each built as its block says: grouped-query attention or a linear layer in its place, a gated
 * MLP of its own width (the layers of one width together, widest first) or a linear layer, each present part with its
 * RMSNorm; the final norm.
 */
function nasStack(spec: ModelSpec, blocks: readonly NasBlock[]): WeightTensor[] {
  const h = spec.hiddenSize;
  const count = (pred: (b: NasBlock) => boolean) => blocks.filter(pred).length;
  const linearAttention = count(b => b.attention === 'linear');
  const linearFfn = count(b => b.ffn === 'linear');
  const widths = [...new Set(blocks.flatMap(b => (typeof b.ffn === 'number' ? [b.ffn] : [])))].sort((a, b) => b - a);
  const parts = count(b => b.attention !== 'none') + count(b => b.ffn !== 'none');
  return [
    ...attentionTensors(spec, nasAttentionLayers(blocks), ''),
    ...(linearAttention > 0 ? tagged('attention', linear(NAS_LINEAR_ATTENTION, h, h, linearAttention, 'o')) : []),
    ...widths.flatMap(width => tagged('mlp', ...mlpTensors(spec, width, count(b => b.ffn === width), nasFfnPrefix(width)))),
    ...(linearFfn > 0 ? tagged('mlp', linear(NAS_LINEAR_FFN, h, h, linearFfn, 'down')) : []),
    ...tagged('norms', vector('norms', normParams(spec), parts + (spec.finalNorm ? 1 : 0))),
  ];
}

/** How many Nemotron-NAS layers have grouped-query attention: the layers that cache keys and values. */
export function nasAttentionLayers(blocks: readonly NasBlock[]): number {
  return blocks.filter(b => b.attention === 'grouped').length;
}

/** A decoder (or encoder) stack: attention (and a hybrid's Mamba mixers), dense MLPs, experts, norms, MiMo's MTP layers, Llama 3.2 Vision's cross-attention extras. */
function decoderStack(spec: ModelSpec): WeightTensor[] {
  if (spec.nas) {
    return nasStack(spec, spec.nas);
  }
  const h = spec.hiddenSize;
  const norm = normParams(spec);
  const out = spec.gemma4 ? gemma4Attention(spec, spec.gemma4) : spec.deepseekV4 ? deepseekV4Attention(spec, spec.deepseekV4) : attentionTensors(spec, spec.hybrid ? spec.hybrid.attentionLayers : spec.numLayers, '');
  if (spec.hybrid) {
    out.push(...mambaMixerTensors(spec.hybrid.mixer, h, spec.hybrid.mambaLayers));
  }
  const moeLayers = spec.moe?.moeLayers ?? 0;
  const mlpLayers = spec.mlpLayers ?? spec.numLayers - moeLayers;
  // Gemma 4's KV-shared layers may have an MLP twice as wide.
  const wide = spec.gemma4?.doubleWideShared ? Math.min(mlpLayers, spec.gemma4.sharedSliding + spec.gemma4.sharedGlobal) : 0;
  if (mlpLayers - wide > 0) {
    out.push(...tagged('mlp', ...mlpTensors(spec, spec.intermediateSize, mlpLayers - wide, '')));
  }
  if (wide > 0) {
    out.push(...tagged('mlp', ...mlpTensors(spec, 2 * spec.intermediateSize, wide, 'wide.')));
  }
  if (spec.gemma4) {
    out.push(...gemma4Extras(spec, spec.gemma4));
  }
  if (spec.activationParams) {
    out.push(...tagged('mlp', vector('activation parameters', spec.activationParams, mlpLayers)));
  }
  if (spec.moe && moeLayers > 0) {
    out.push(...expertTensors(spec, spec.moe, moeLayers));
  }
  out.push(...tagged('norms', vector('norms', norm, spec.numLayers * spec.normsPerLayer + (spec.finalNorm ? 1 : 0))));
  if (spec.blockResiduals) {
    out.push(...blockResidualTensors(spec));
  }
  if (spec.mtpLayers) {
    // MiMo's multi-token-prediction layers: a decoder layer each, its input projection, and token, hidden and final norms.
    out.push(...attentionTensors(spec, spec.mtpLayers, 'mtp_layers.'));
    out.push(...tagged('mlp', ...mlpTensors(spec, spec.intermediateSize, spec.mtpLayers, 'mtp_layers.')));
    out.push(...tagged('other', linear('mtp_layers.input_proj', 2 * h, h, spec.mtpLayers)));
    out.push(...tagged('norms', vector('mtp_layers norms', norm, (spec.normsPerLayer + 3) * spec.mtpLayers)));
  }
  if (spec.crossAttentionLayers) {
    // Llama 3.2 Vision's cross-attention layers: an RMSNorm over each head's queries and keys, and two scalar gates.
    out.push(...tagged('attention', vector('cross-attention q/k norms', 2 * spec.headDim, spec.crossAttentionLayers), vector('cross-attention gates', 2, spec.crossAttentionLayers)));
  }
  return out;
}

/**
 * Kimi K3's block attention residuals: before each layer's attention and its MLP, and once after the stack, an RMSNorm
 * and a one-output projection (kept in 16 bits, like a router) that weigh the earlier blocks' outputs.
 */
function blockResidualTensors(spec: ModelSpec): WeightTensor[] {
  const mixes = 2 * spec.numLayers + 1;
  return [
    ...tagged('norms', vector('attention residual norms', normParams(spec), mixes)),
    ...tagged('other', { ...linear('attention residual projections', spec.hiddenSize, 1, mixes), linear: false }),
  ];
}

/**
 * Gemma 4's attention: the sliding layers at head_dim with the spec's KV heads, the global ones at their own head width
 * and KV heads (no v_proj where keys serve as values); KV-shared layers keep only q_proj, o_proj and the query norm.
 */
function gemma4Attention(spec: ModelSpec, g: Gemma4Layout): WeightTensor[] {
  const h = spec.hiddenSize;
  const a = spec.numHeads;
  const global = spec.numLayers - spec.slidingLayers;
  const kinds = [
    { prefix: '', d: spec.headDim, kv: spec.numKvHeads, layers: spec.slidingLayers, shared: g.sharedSliding, values: true },
    { prefix: 'global.', d: g.globalHeadDim, kv: g.globalKvHeads, layers: global, shared: g.sharedGlobal, values: !g.keysAsValues },
  ];
  const out: Untagged[] = [];
  for (const k of kinds) {
    const own = k.layers - k.shared;
    out.push(linear(`${k.prefix}q_proj`, h, a * k.d, k.layers, 'q'), linear(`${k.prefix}o_proj`, a * k.d, h, k.layers, 'o'), vector(`${k.prefix}q norm`, normParams(spec, k.d), k.layers));
    out.push(linear(`${k.prefix}k_proj`, h, k.kv * k.d, own, 'k'), vector(`${k.prefix}k norm`, normParams(spec, k.d), own));
    if (k.values) {
      out.push(linear(`${k.prefix}v_proj`, h, k.kv * k.d, own, 'v'));
    }
  }
  return tagged('attention', ...out);
}

/**
 * DeepSeek-V4's attention in every layer (q_a_proj, q_norm, q_b_proj; kv_proj and kv_norm to one shared key-value head;
 * the grouped o_a_proj and o_b_proj; a sink per head), its compressors (kv_proj, gate_proj and a position bias per
 * window slot, twice as wide in CSA layers for their overlapping windows, and a kv_norm; CSA's lightning indexer at its
 * own head width, with q_b_proj from the query LoRA and weights_proj), and its hyper-connections (two mixes per layer
 * and the final collapse, each a projection of the hcMult streams with its base and scales).
 */
function deepseekV4Attention(spec: ModelSpec, v: DeepseekV4Layout): WeightTensor[] {
  const h = spec.hiddenSize;
  const n = spec.numLayers;
  const d = spec.headDim;
  const heads = spec.numHeads * d;
  const i = v.indexHeadDim;
  const mix = (2 + v.hcMult) * v.hcMult;
  return [
    ...tagged('attention',
      linear('self_attn.q_a_proj', h, v.qLoraRank, n, 'q'), linear('self_attn.q_b_proj', v.qLoraRank, heads, n, 'q'), linear('self_attn.kv_proj', h, d, n, 'k'),
      linear('self_attn.o_a_proj (grouped)', heads / v.oGroups, v.oGroups * v.oLoraRank, n, 'o'), linear('self_attn.o_b_proj', v.oGroups * v.oLoraRank, h, n, 'o'),
      linear('compressor.kv_proj, gate_proj (CSA)', h, 4 * d, v.csaLayers), linear('compressor.kv_proj, gate_proj (HCA)', h, 2 * d, v.hcaLayers),
      linear('indexer.kv_proj, gate_proj', h, 4 * i, v.csaLayers), linear('indexer.q_b_proj', v.qLoraRank, v.indexHeads * i, v.csaLayers), linear('indexer.weights_proj', h, v.indexHeads, v.csaLayers)),
    ...tagged('norms', vector('self_attn.q_norm, kv_norm', v.qLoraRank + d, n), vector('compressor.kv_norm', d, v.csaLayers + v.hcaLayers), vector('indexer.kv_norm', i, v.csaLayers)),
    ...tagged('other',
      vector('self_attn.sinks', spec.numHeads, n),
      vector('compressor.position_bias (CSA)', v.csaRate * (2 * d + 2 * i), v.csaLayers), vector('compressor.position_bias (HCA)', v.hcaRate * d, v.hcaLayers),
      { ...linear('attn_hc, ffn_hc', v.hcMult * h, mix, 2 * n), linear: false }, vector('attn_hc, ffn_hc base and scales', mix + 3, 2 * n),
      { ...linear('hc_head', v.hcMult * h, v.hcMult, 1), linear: false }, vector('hc_head base and scale', v.hcMult + 1, 1)),
  ];
}

/** Gemma 4's per-layer embeddings (the table, the model's projection into them and its norm; each layer's gate, projection and norm) and its routers' scales. */
function gemma4Extras(spec: ModelSpec, g: Gemma4Layout): WeightTensor[] {
  const h = spec.hiddenSize;
  const n = spec.numLayers;
  const out: WeightTensor[] = [];
  if (g.perLayerWidth > 0) {
    const p = g.perLayerWidth;
    out.push(...tagged('embeddings', table('embed_tokens_per_layer', g.perLayerVocab, n * p)));
    out.push(...tagged('other', linear('per_layer_model_projection', h, n * p, 1), vector('per_layer_projection_norm', normParams(spec, p), 1)));
    out.push(...tagged('other', linear('per_layer_input_gate', h, p, n), linear('per_layer_projection', p, h, n)));
    out.push(...tagged('norms', vector('post_per_layer_input_norm', normParams(spec), n)));
  }
  if (spec.moe && spec.moe.moeLayers > 0) {
    // The router's scale over the hidden state and its per-expert scale (its norm has no weight).
    out.push(...tagged('experts', vector('router scales', h + spec.moe.numExperts, spec.moe.moeLayers)));
  }
  return out;
}

/**
 * The multi-token-prediction layers a checkpoint holds beside the model (`mtp_num_hidden_layers`,
 * `num_nextn_predict_layers`) that speculative decoding loads as its draft: each a full-attention decoder layer (its
 * FFN the model's experts where it has them), the projection of the embedding and hidden state (2 × hidden_size in)
 * and three more norms; the embedding and head are the model's own.
 */
export function draftLayerTensors(spec: ModelSpec, layers: number): WeightTensor[] {
  const h = spec.hiddenSize;
  const ffn = spec.moe && spec.moe.moeLayers > 0 ? expertTensors(spec, spec.moe, layers) : tagged('mlp', ...mlpTensors(spec, spec.intermediateSize, layers, 'mtp.'));
  return [
    ...attentionTensors(spec, layers, 'mtp.'),
    ...ffn,
    ...tagged('other', linear('mtp.eh_proj', 2 * h, h, layers)),
    ...tagged('norms', vector('mtp norms', normParams(spec), (spec.normsPerLayer + 3) * layers)),
  ];
}

/** The speculative heads vLLM builds from an EAGLE checkpoint: EAGLE(-2) and EAGLE-3. */
export type EagleMethod = 'eagle' | 'eagle3';

/**
 * An EAGLE draft head as vLLM builds it (llama_eagle.py, llama_eagle3.py), at the model's width: one decoder layer
 * (dense, at the model's intermediate size) and the projection of the model's hidden states — 2 × hidden_size in for
 * EAGLE, three of the model's layers' (3 × hidden_size) for EAGLE-3, whose layer's attention also reads the embedding
 * beside the hidden state (2 × hidden_size in). EAGLE borrows the model's embedding and head; EAGLE-3 borrows the
 * embedding and keeps a head of its own over its draft vocabulary. Without the head's own config, these are the
 * shapes its public checkpoints have.
 */
export function eagleHeadTensors(spec: ModelSpec, method: EagleMethod, draftVocab: number): WeightTensor[] {
  const h = spec.hiddenSize;
  const eagle3 = method === 'eagle3';
  const attention = attentionTensors(spec, 1, 'eagle.').map(t => (eagle3 && t.inFeatures === h && !t.name.endsWith('o_proj') ? { ...t, inFeatures: 2 * h } : t));
  const out = [
    ...attention,
    ...tagged('mlp', ...mlpTensors(spec, spec.intermediateSize, 1, 'eagle.')),
    ...tagged('other', linear('eagle.fc', (eagle3 ? 3 : 2) * h, h, 1)),
    // EAGLE drops its layer's input norm; EAGLE-3 keeps it, adds a norm of the hidden state and a final norm.
    ...tagged('norms', vector('eagle norms', normParams(spec), eagle3 ? 4 : 1)),
  ];
  if (eagle3) {
    out.push(...tagged('head', { ...linear('eagle.lm_head', h, draftVocab, 1), embeddingOrHead: true }));
  }
  return out;
}

/** The width a routed expert reads and writes: the hidden size, or Kimi K3's latent between its projections. */
export function expertWidth(spec: ModelSpec): number {
  return spec.moe?.latent?.width ?? spec.hiddenSize;
}

/** A mixture of experts' layers: routed and shared experts, the router (and its bias), Qwen2-MoE's shared-expert gate. */
function expertTensors(spec: ModelSpec, m: NonNullable<ModelSpec['moe']>, moeLayers: number): WeightTensor[] {
  const h = spec.hiddenSize;
  const out = tagged('experts', ...mlpTensors(spec, m.expertIntermediate, moeLayers * m.numExperts, 'experts.', true, expertWidth(spec)));
  if (m.latent) {
    out.push(...tagged('experts', ...latentProjections(m.latent, h, moeLayers)));
  }
  if (m.sharedIntermediate > 0) {
    out.push(...tagged('experts', ...mlpTensors(spec, m.sharedIntermediate, moeLayers, 'shared_experts.')));
  }
  // The router scores LongCat-Flash's zero-computation experts too.
  const scored = m.numExperts + (m.zeroExperts ?? 0);
  out.push(...tagged('experts', { ...linear('router', h, scored, moeLayers), linear: false }));
  if (m.routerBias) {
    out.push(...tagged('experts', vector('router bias', scored, moeLayers)));
  }
  if (m.sharedExpertGate) {
    out.push(...tagged('experts', { ...linear('shared_expert_gate', h, 1, moeLayers), linear: false }));
  }
  return out;
}

/** Kimi K3's latent experts' projections, one pair per MoE layer: the hidden size down to the latent, back up, and the latent's RMSNorm. */
function latentProjections(latent: NonNullable<NonNullable<ModelSpec['moe']>['latent']>, h: number, moeLayers: number): Untagged[] {
  return [
    linear('routed_expert_down_proj', h, latent.width, moeLayers),
    linear('routed_expert_up_proj', latent.width, h, moeLayers),
    ...(latent.norm ? [vector('routed_expert_norm', latent.width, moeLayers)] : []),
  ];
}

/** What follows the stack: a pooler, a classifier, a text projection, a score head, the LM head (once, when untied) and its bias. */
function headTensors(spec: ModelSpec): WeightTensor[] {
  const h = spec.hiddenSize;
  const tokenWidth = spec.wordEmbedProjDim ?? h;
  const out: WeightTensor[] = [];
  if (spec.pooler) {
    out.push(...tagged('other', linear('pooler', h, h, 1), vector('pooler bias', h, 1)));
  }
  if (spec.classifierLabels) {
    out.push(...tagged('head', linear('classifier', h, spec.classifierLabels, 1), vector('classifier bias', spec.classifierLabels, 1)));
  }
  if (spec.textProjection) {
    out.push(...tagged('head', linear('text_projection', tokenWidth, spec.textProjection, 1), ...(spec.textProjectionBias ? [vector('text head bias', spec.textProjection, 1)] : [])));
  }
  if (spec.scoreLabels) {
    out.push(...tagged('head', linear('score', tokenWidth, spec.scoreLabels, 1)));
  }
  if (spec.head === 'lm' && !spec.encoderOnly) {
    // Tied input/output embeddings are held (and counted) once.
    if (!spec.tieWordEmbeddings) {
      out.push(...tagged('head', { ...linear('lm_head', tokenWidth, spec.vocabSize, 1, 'head'), embeddingOrHead: true }));
    }
    if (spec.lmHeadBias) {
      out.push(...tagged('head', vector('lm_head bias', spec.vocabSize, 1)));
    }
  }
  return out;
}

/**
 * Every tensor of Zamba2ForCausalLM: the embedding; in every layer an RMSNorm and a Mamba2 mixer; the shared blocks
 * (attention from 2 × hidden_size with its RMSNorm, a gated MLP with its own); per hybrid layer the linear after the
 * shared block and its low-rank adapters (on gate_up always, on q, k and v when the config asks); the final norm; the
 * head unless tied. A shared block's weights are held once, however many layers visit it.
 */
function zamba2Tensors(spec: ModelSpec): WeightTensor[] {
  const h = spec.hiddenSize;
  const shared = spec.sharedBlocks!;
  const hybrid = spec.hybrid!;
  const visits = hybrid.attentionLayers;
  const wide = 2 * h;
  const q = spec.numHeads * spec.headDim;
  const kv = spec.numKvHeads * spec.headDim;
  const r = shared.rank;
  const out: WeightTensor[] = [
    tag(table('embed_tokens', spec.vocabSize, h), 'embeddings'),
    tag(vector('mamba input_layernorm', h, spec.numLayers), 'norms'),
    ...mambaMixerTensors(hybrid.mixer, h, spec.numLayers),
    tag(linear('shared q_proj', wide, q, shared.blocks, 'q'), 'attention'),
    tag(linear('shared k_proj', wide, kv, shared.blocks, 'k'), 'attention'),
    tag(linear('shared v_proj', wide, kv, shared.blocks, 'v'), 'attention'),
    tag(linear('shared o_proj', q, h, shared.blocks, 'o'), 'attention'),
    ...mlpTensors(spec, spec.intermediateSize, shared.blocks, 'shared ').map(t => tag(t, 'mlp')),
    tag(vector('shared input_layernorm', wide, shared.blocks), 'norms'),
    tag(vector('shared pre_ff_layernorm', h, shared.blocks), 'norms'),
    tag(linear('hybrid linear', h, h, visits), 'other'),
    tag({ ...linear('gate_up_proj adapter (down)', h, r, visits), linear: false }, 'mlp'),
    tag({ ...linear('gate_up_proj adapter (up)', r, 2 * spec.intermediateSize, visits), linear: false }, 'mlp'),
    ...(shared.attentionAdapters
      ? [tag({ ...linear('q/k/v adapters (down)', wide, r, 3 * visits), linear: false }, 'attention'), tag({ ...linear('q/k/v adapters (up)', r, wide, 3 * visits), linear: false }, 'attention')]
      : []),
    tag(vector('final_layernorm', h, 1), 'norms'),
  ];
  if (!spec.tieWordEmbeddings) {
    out.push(tag({ ...linear('lm_head', h, spec.vocabSize, 1, 'head'), embeddingOrHead: true }, 'head'));
  }
  return out;
}

/**
 * The LoRA adapters of the targeted linear layers: A (in → r) and B (r → out) for each, as PEFT and LitGPT add them;
 * with DoRA, PEFT's magnitude vector (one value per output) too. With (IA)³, one vector per targeted layer instead:
 * as long as its input for a feedforward module, as its output otherwise.
 */
export function loraAdapters(spec: ModelSpec, rank: number, targets: readonly LoraTarget[], dora = false, ia3?: Ia3Layout): WeightTensor[] {
  const out: WeightTensor[] = [];
  for (const t of weightTensors(spec)) {
    if (!(t.linear && t.target && targets.includes(t.target) && !(t.expert && spec.fusedExperts))) {
      continue;
    }
    if (ia3) {
      out.push({ name: `${t.name}.ia3_l`, inFeatures: 1, outFeatures: ia3Width(t, ia3), count: t.count, linear: false, component: t.component });
    } else {
      out.push(
        { name: `${t.name}.lora_A`, inFeatures: t.inFeatures, outFeatures: rank, count: t.count, linear: false, component: t.component },
        { name: `${t.name}.lora_B`, inFeatures: rank, outFeatures: t.outFeatures, count: t.count, linear: false, component: t.component },
      );
      if (dora) {
        out.push({ name: `${t.name}.lora_magnitude_vector`, inFeatures: 1, outFeatures: t.outFeatures, count: t.count, linear: false, component: t.component });
      }
    }
  }
  return out;
}

/** The width an (IA)³ vector scales on a targeted layer: its input for a feedforward module, its output otherwise. */
export function ia3Width(t: WeightTensor, ia3: Ia3Layout): number {
  return t.target && ia3.feedforward.includes(t.target) ? t.inFeatures : t.outFeatures;
}

/** Trainable LoRA parameters: r·(in + out) for every targeted linear (+ out with DoRA). */
export function loraParameters(spec: ModelSpec, rank: number, targets: readonly LoraTarget[], dora = false): number {
  return loraAdapters(spec, rank, targets, dora).reduce((sum, t) => sum + numel(t), 0);
}
