// GGUF for llama.cpp and Ollama users: GGML's block sizes, llama.cpp's per-tensor quantization recipe for a named file type (Q4_K_M keeps some tensors at Q6_K), and the reader of a local .gguf's header (metadata and tensor infos, never the weights).
import { NAS_LINEAR_ATTENTION, NAS_LINEAR_FFN, nasFfnPrefix, weightTensors } from './tensors';
import { numel, type WeightTensor } from './weightTensor';
import type { ModelSpec, NasBlock } from './types';

/** A GGML tensor type: its id in a GGUF file, and [elements per block, bytes per block] (gguf-py GGML_QUANT_SIZES). */
interface GgmlType {
  readonly id: number;
  readonly block: number;
  readonly bytes: number;
}

export const GGML_TYPES: Readonly<Record<string, GgmlType>> = {
  F32: { id: 0, block: 1, bytes: 4 }, F16: { id: 1, block: 1, bytes: 2 }, Q4_0: { id: 2, block: 32, bytes: 18 }, Q4_1: { id: 3, block: 32, bytes: 20 },
  Q5_0: { id: 6, block: 32, bytes: 22 }, Q5_1: { id: 7, block: 32, bytes: 24 }, Q8_0: { id: 8, block: 32, bytes: 34 }, Q8_1: { id: 9, block: 32, bytes: 36 },
  Q2_K: { id: 10, block: 256, bytes: 84 }, Q3_K: { id: 11, block: 256, bytes: 110 }, Q4_K: { id: 12, block: 256, bytes: 144 },
  Q5_K: { id: 13, block: 256, bytes: 176 }, Q6_K: { id: 14, block: 256, bytes: 210 }, Q8_K: { id: 15, block: 256, bytes: 292 },
  IQ2_XXS: { id: 16, block: 256, bytes: 66 }, IQ2_XS: { id: 17, block: 256, bytes: 74 }, IQ3_XXS: { id: 18, block: 256, bytes: 98 },
  IQ1_S: { id: 19, block: 256, bytes: 50 }, IQ4_NL: { id: 20, block: 32, bytes: 18 }, IQ3_S: { id: 21, block: 256, bytes: 110 },
  IQ2_S: { id: 22, block: 256, bytes: 82 }, IQ4_XS: { id: 23, block: 256, bytes: 136 }, I8: { id: 24, block: 1, bytes: 1 },
  I16: { id: 25, block: 1, bytes: 2 }, I32: { id: 26, block: 1, bytes: 4 }, I64: { id: 27, block: 1, bytes: 8 }, F64: { id: 28, block: 1, bytes: 8 },
  IQ1_M: { id: 29, block: 256, bytes: 56 }, BF16: { id: 30, block: 1, bytes: 2 }, TQ1_0: { id: 34, block: 256, bytes: 54 },
  TQ2_0: { id: 35, block: 256, bytes: 66 }, MXFP4: { id: 39, block: 32, bytes: 17 },
};

const TYPE_BY_ID: ReadonlyMap<number, string> = new Map(Object.entries(GGML_TYPES).map(([name, t]) => [t.id, name]));

/** Bytes of `elements` weights of a GGML type, in whole blocks. */
export function ggmlBytes(type: string, elements: number): number {
  const t = GGML_TYPES[type];
  return Math.ceil(elements / t.block) * t.bytes;
}

/**
 * The file types llama.cpp's `llama-quantize` writes (its LLAMA_FTYPE names, as file names spell them), each with the
 * type most tensors get.
 */
export const GGUF_FILE_TYPES: Readonly<Record<string, string>> = {
  F32: 'F32', F16: 'F16', BF16: 'BF16', Q8_0: 'Q8_0', Q4_0: 'Q4_0', Q4_1: 'Q4_1', Q5_0: 'Q5_0', Q5_1: 'Q5_1',
  Q2_K: 'Q2_K', Q2_K_S: 'Q2_K', Q3_K_S: 'Q3_K', Q3_K_M: 'Q3_K', Q3_K_L: 'Q3_K', Q4_K_S: 'Q4_K', Q4_K_M: 'Q4_K',
  Q5_K_S: 'Q5_K', Q5_K_M: 'Q5_K', Q6_K: 'Q6_K', IQ2_XXS: 'IQ2_XXS', IQ2_XS: 'IQ2_XS', IQ2_S: 'IQ2_XS', IQ2_M: 'IQ2_S',
  IQ3_XXS: 'IQ3_XXS', IQ3_XS: 'IQ3_S', IQ3_S: 'IQ3_S', IQ3_M: 'IQ3_S', IQ1_S: 'IQ1_S', IQ1_M: 'IQ1_M', IQ4_NL: 'IQ4_NL', IQ4_XS: 'IQ4_XS',
  TQ1_0: 'TQ1_0', TQ2_0: 'TQ2_0', MXFP4_MOE: 'MXFP4',
};

/**
 * unsloth's dynamic quants (`UD-Q4_K_XL`, `UD-IQ1_S`): types chosen layer by layer around a base type, which VRAM Lens
 * lays the file out as (a local file's header gives the exact types). By the name's type, its base.
 */
const DYNAMIC_QUANT_BASES: Readonly<Record<string, string>> = {
  Q2_K_XL: 'Q2_K', Q3_K_XL: 'Q3_K_M', Q4_K_XL: 'Q4_K_M', Q5_K_XL: 'Q5_K_M', Q6_K_XL: 'Q6_K', Q8_K_XL: 'Q8_0',
};

/** The base type of a dynamic quant's type (`Q4_K_XL` → `Q4_K_M`), any case; undefined for any other type. */
export function dynamicQuantBase(type: string): string | undefined {
  return DYNAMIC_QUANT_BASES[type.toUpperCase()];
}

/** A dynamic quant a file name or `-hf` tag states: the type as written and the base type it is laid out as. */
export function dynamicQuant(reference: string): { readonly type: string; readonly base: string } | undefined {
  const m = /(?:^|[.\-_:])((?:UD[-_])?(?:I?Q\d(?:_[A-Z0-9]+)*))(?:-\d{5}-of-\d{5})?(?:\.gguf)?$/i.exec(reference);
  if (!m) {
    return undefined;
  }
  const written = m[1].toUpperCase().replace(/^UD_/, 'UD-');
  const bare = written.replace(/^UD-/, '');
  const base = dynamicQuantBase(bare) ?? (written.startsWith('UD-') && bare in GGUF_FILE_TYPES ? bare : undefined);
  return base ? { type: written, base } : undefined;
}

/** The file type a GGUF file's name states (`Llama-3.1-8B-Instruct-Q4_K_M.gguf`, `model.iq4_xs.gguf`), if any. */
export function ggufFileType(fileName: string): string | undefined {
  const m = /[.\-_]((?:i?q|tq)\d(?:_[a-z0-9]+)*|f16|bf16|f32|mxfp4_moe)(?:-\d{5}-of-\d{5})?\.gguf$/i.exec(fileName);
  const type = m?.[1].toUpperCase();
  return type !== undefined && type in GGUF_FILE_TYPES ? type : undefined;
}

/** A model tensor as llama.cpp names and places it: its role, its block (layer) index, its elements and its type. */
export interface GgufTensor {
  readonly role: 'token_embd' | 'output' | 'output_norm' | 'layer' | 'other';
  /** The layer it belongs to (repeating layers only). */
  readonly layer?: number;
  readonly elements: number;
  readonly type: string;
  readonly bytes: number;
  /** The tensor's GGUF name where tensor overrides (`-ot`) may match it: a header's every tensor, a layout's routed experts. */
  readonly name?: string;
}

/** What a local GGUF's header says of its weights. */
export interface LocalGguf {
  readonly tensors: readonly GgufTensor[];
  readonly fileType?: string;
  /**
   * A DeepSeek-V2/V3 GGUF converted before llama.cpp cached MLA's latent (its header has no key_length_mla): llama.cpp
   * caches every head's keys and values, as for multi-head attention.
   */
  readonly cachesEveryHead?: boolean;
}

/** llama.cpp's "more bits" layers of the _M mixtures: the first and last eighth, and every third between. */
function useMoreBits(i: number, n: number): boolean {
  return i < Math.floor(n / 8) || i >= Math.floor((7 * n) / 8) || (i - Math.floor(n / 8)) % 3 === 2;
}

interface RecipeContext {
  readonly ftype: string;
  readonly layers: number;
  readonly gqa: number;
  readonly experts: number;
  /** llama.cpp's LLM_TYPE_70B (Llama 2 / 3 70B: 80 layers), whose attn_v gets more bits. */
  readonly is70b: boolean;
}

const IQ_LOW = new Set(['IQ2_XXS', 'IQ2_XS', 'IQ2_S', 'IQ2_M', 'IQ1_S', 'IQ1_M']);

/** The type llama-quantize gives the output head (and tied token embeddings). */
function outputType(c: RecipeContext, columns: number, base: string): string {
  if (columns % GGML_TYPES[base].block !== 0) {
    return 'Q8_0';
  }
  if (IQ_LOW.has(c.ftype) || c.ftype === 'IQ3_XXS') {
    return 'Q5_K';
  }
  return base === 'Q8_0' || base === 'F16' || base === 'BF16' || base === 'F32' ? base : 'Q6_K';
}

/** The type of the token embedding table when the model has an output head of its own. */
function tokenEmbeddingType(c: RecipeContext, base: string): string {
  if (c.ftype === 'IQ2_XXS' || c.ftype === 'IQ2_XS' || c.ftype === 'IQ1_S' || c.ftype === 'IQ1_M') {
    return 'Q2_K';
  }
  if (c.ftype === 'IQ2_S' || c.ftype === 'IQ2_M' || c.ftype === 'IQ3_XXS') {
    return 'IQ3_S';
  }
  return c.ftype === 'TQ1_0' || c.ftype === 'TQ2_0' ? 'Q4_K' : base;
}

/** attn_v's type: more bits for the GQA-heavy and the _M / _L mixtures (llama-quant.cpp's llama_tensor_get_type). */
function attentionValueType(c: RecipeContext, i: number, base: string): string {
  const f = c.ftype;
  let t = base;
  if (f === 'Q2_K') {t = c.gqa >= 4 ? 'Q4_K' : 'Q3_K';}
  else if (f === 'Q2_K_S' && c.gqa >= 4) {t = 'Q4_K';}
  else if (f === 'IQ3_XXS') {t = c.gqa >= 4 ? 'Q4_K' : 'IQ3_S';}
  else if ((f === 'IQ3_XS' || f === 'IQ3_S') && c.gqa >= 4) {t = 'Q4_K';}
  else if (f === 'IQ3_M') {t = 'Q4_K';}
  else if (f === 'Q3_K_M') {t = i < 2 ? 'Q5_K' : 'Q4_K';}
  else if (f === 'Q3_K_L') {t = 'Q5_K';}
  else if ((f === 'IQ4_NL' || f === 'IQ4_XS') && c.gqa >= 4) {t = 'Q5_K';}
  else if ((f === 'Q4_K_M' || f === 'Q5_K_M') && useMoreBits(i, c.layers)) {t = 'Q6_K';}
  else if (f === 'Q4_K_S' && i < 4) {t = 'Q5_K';}
  else if (IQ_LOW.has(f)) {t = c.gqa >= 4 || c.experts >= 4 ? (f === 'IQ2_S' || f === 'IQ2_M' ? 'IQ3_S' : 'Q4_K') : base;}
  if (c.is70b && (t === 'Q3_K' || t === 'Q4_K')) {t = 'Q5_K';}
  return c.experts === 8 ? 'Q8_0' : t;
}

/** ffn_down's type, by layer. */
function ffnDownType(c: RecipeContext, i: number, base: string): string {
  const f = c.ftype;
  const n = c.layers;
  if (f === 'Q2_K') {return 'Q3_K';}
  if (f === 'Q2_K_S') {return i < n / 8 ? 'Q4_K' : base;}
  if (f === 'IQ3_XXS') {return i < n / 8 ? 'Q4_K' : 'Q3_K';}
  if (f === 'Q3_K_M') {return i < n / 16 ? 'Q5_K' : 'Q4_K';}
  if (f === 'IQ3_M' && i < n / 8) {return 'Q4_K';}
  if (f === 'Q3_K_L') {return 'Q5_K';}
  if (f === 'Q4_K_M') {return useMoreBits(i, n) ? 'Q6_K' : base;}
  if ((f === 'IQ4_NL' || f === 'IQ4_XS') && i < n / 8) {return 'Q5_K';}
  if (f === 'Q5_K_M' && useMoreBits(i, n)) {return 'Q6_K';}
  if (f === 'Q4_K_S' && i < n / 8) {return 'Q5_K';}
  if (IQ_LOW.has(f) && (f === 'IQ2_M' || f === 'IQ2_S')) {return i < n / 8 ? 'Q4_K' : base;}
  return base;
}

/** attn_qkv's type, for the architectures llama.cpp stores with one fused query-key-value projection. */
function fusedQkvType(c: RecipeContext, base: string): string {
  if (IQ_LOW.has(c.ftype) || c.ftype === 'IQ3_XXS') {
    return base;
  }
  return ({ Q3_K_M: 'Q4_K', Q3_K_L: 'Q4_K', IQ3_M: 'Q4_K', Q4_K_M: 'Q5_K', Q5_K_M: 'Q6_K' } as Record<string, string>)[c.ftype] ?? base;
}

/**
 * Families whose GGUF keeps each layer's query, key and value projections as one `attn_qkv` tensor (llama.cpp's
 * gpt2, gptneox, bloom, falcon, mpt, phi3, dbrx, persimmon and chatglm architectures), which the recipe types as one.
 */
const FUSED_QKV_FAMILIES = new Set(['GPT-2', 'GPT-NeoX', 'BLOOM', 'Falcon', 'Falcon (RefinedWeb)', 'MPT', 'Phi-3', 'Phi-3-vision', 'DBRX (mixture of experts)', 'Persimmon', 'ChatGLM / GLM-4']);

/** attn_output's type. */
function attentionOutputType(c: RecipeContext, base: string): string {
  const f = c.ftype;
  if (c.experts === 8) {
    return ['Q2_K', 'IQ3_XS', 'IQ3_XXS', 'Q3_K_S', 'Q3_K_M', 'IQ4_NL', 'Q4_K_S', 'Q4_K_M', 'IQ3_S', 'IQ3_M', 'IQ4_XS'].includes(f) ? 'Q5_K' : base;
  }
  return ({ Q2_K: 'Q3_K', IQ3_XXS: 'IQ3_S', Q3_K_M: 'Q4_K', Q3_K_L: 'Q5_K', IQ3_M: 'Q4_K' } as Record<string, string>)[f] ?? base;
}

/** The type llama-quantize gives one quantizable tensor (by its LoRA-target role) of layer `i`. */
function layerTensorType(c: RecipeContext, target: WeightTensor['target'], i: number, base: string): string {
  switch (target) {
    case 'v':
      return attentionValueType(c, i, base);
    case 'k':
      return c.experts === 8 ? 'Q8_0' : c.ftype === 'IQ3_XS' ? 'IQ3_XXS' : c.ftype === 'IQ2_S' || c.ftype === 'IQ2_M' ? 'IQ2_S' : base;
    case 'q':
      return c.ftype === 'IQ3_XS' ? 'IQ3_XXS' : c.ftype === 'IQ2_S' || c.ftype === 'IQ2_M' ? 'IQ2_S' : base;
    case 'o':
      return attentionOutputType(c, base);
    case 'down':
      return ffnDownType(c, i, base);
    case 'gate':
    case 'up':
      return c.ftype === 'IQ3_XS' && i >= c.layers / 8 && i < (7 * c.layers) / 8 ? 'IQ3_XXS' : base;
    default:
      return base;
  }
}

/**
 * The bytes of a model's vision tower as its mmproj GGUF holds it (`mmproj-F16.gguf`, `mmproj-Q8_0.gguf`): its matrices
 * at the file's type, its norms and biases in F32. 0 for a model without one.
 */
export function mmprojBytes(spec: ModelSpec, type: string): number {
  return weightTensors(spec)
    .filter(t => t.component === 'vision')
    .reduce((bytes, t) => bytes + (t.inFeatures > 1 && t.linear ? ggmlBytes(type, numel(t)) : 4 * numel(t)), 0);
}

/**
 * Which of `layers` blocks hold a kind of layer that `count` of them are: every n-th block where the count divides them
 * evenly (Llama 4 Maverick's MoE layers, Qwen3.5's attention, Gemma 4's global layers), else the last `count`.
 */
function everyNthElseLast(layers: number, count: number): (i: number) => boolean {
  const step = layers / count;
  return Number.isInteger(step) ? i => (i + 1) % step === 0 : i => i >= layers - count;
}

/**
 * The layers a tensor of an MoE whose MoE layers are not all its layers sits in: the experts, shared experts and
 * router in the MoE layers, the dense MLP in the others; undefined for every other tensor. MoE layers every `step`
 * layers (Llama 4 Maverick's every second) are interleaved; otherwise the dense ones lead (DeepSeek's
 * first_k_dense_replace, GLM-4.5's).
 */
function layersHolding(spec: ModelSpec, t: WeightTensor): number[] | undefined {
  const hybrid = hybridLayersHolding(spec, t) ?? gemma4LayersHolding(spec, t) ?? nasLayersHolding(spec, t);
  if (hybrid) {
    return hybrid;
  }
  const moe = spec.moe?.moeLayers ?? 0;
  const layers = spec.numLayers;
  if (moe === 0 || moe >= layers || (t.component !== 'experts' && t.component !== 'mlp')) {
    return undefined;
  }
  const isMoe = everyNthElseLast(layers, moe);
  const all = Array.from({ length: layers }, (_, i) => i);
  return t.component === 'experts' ? all.filter(isMoe) : all.filter(i => !isMoe(i));
}

/**
 * The blocks holding a Gemma 4 tensor that not every block has: a global layer's (every n-th block, as its layers
 * interleave, else the last ones) or a sliding layer's; keys and values only in blocks that are not KV-shared (the
 * last num_kv_shared_layers), a double-wide MLP only in those. Undefined for any other tensor.
 */
function gemma4LayersHolding(spec: ModelSpec, t: WeightTensor): number[] | undefined {
  const g = spec.gemma4;
  const layers = spec.numLayers;
  if (!g || t.count <= 0 || t.count === layers || (t.component !== 'attention' && !t.name.startsWith('wide.'))) {
    return undefined;
  }
  const isGlobal = everyNthElseLast(layers, layers - spec.slidingLayers);
  const firstShared = layers - g.sharedSliding - g.sharedGlobal;
  const all = Array.from({ length: layers }, (_, i) => i);
  if (t.name.startsWith('wide.')) {
    return all.filter(i => i >= firstShared);
  }
  const kind = all.filter(i => isGlobal(i) === t.name.startsWith('global.'));
  const own = kind.filter(i => i < firstShared);
  const set = t.count === kind.length ? kind : t.count === own.length ? own : undefined;
  return set && set.length > 0 ? set : undefined;
}

/**
 * The blocks of a Nemotron-NAS model that hold a tensor of its attention or FFN: grouped-query attention's, the linear
 * layer in attention's place, an FFN of one width (its tensors named by nasFfnPrefix), the linear layer in an FFN's place.
 * Undefined for any other tensor.
 */
function nasLayersHolding(spec: ModelSpec, t: WeightTensor): number[] | undefined {
  const blocks = spec.nas;
  if (!blocks || (t.component !== 'attention' && t.component !== 'mlp')) {
    return undefined;
  }
  const holds = (b: NasBlock) =>
    t.component === 'attention' ? b.attention === (t.name === NAS_LINEAR_ATTENTION ? 'linear' : 'grouped')
      : typeof b.ffn === 'number' ? t.name.startsWith(nasFfnPrefix(b.ffn)) : b.ffn === 'linear' && t.name === NAS_LINEAR_FFN;
  const set = blocks.flatMap((b, i) => (holds(b) ? [i] : []));
  return set.length > 0 ? set : undefined;
}

/** A recurrent mixer's tensor (Gated DeltaNet, Mamba, short convolution), by the names the inventory gives them. */
const MIXER_TENSOR = /^(linear_attn|mixer|conv)\./;

/**
 * The blocks of a hybrid that hold a tensor of its attention or recurrent layers, where they are not every block:
 * attention every n-th block when the blocks divide evenly (Qwen3.5's every 4th), else its last ones; the recurrent
 * mixers spread over the others (Nemotron-H's MLP blocks the rest). Undefined for any other tensor.
 */
function hybridLayersHolding(spec: ModelSpec, t: WeightTensor): number[] | undefined {
  const h = spec.hybrid;
  const layers = spec.numLayers;
  if (!h || t.count <= 0 || t.count % layers === 0 || h.attentionLayers + h.mambaLayers > layers) {
    return undefined;
  }
  const isAttention = everyNthElseLast(layers, h.attentionLayers);
  const all = Array.from({ length: layers }, (_, i) => i);
  const attention = all.filter(isAttention);
  const others = all.filter(i => !isAttention(i));
  // The mixers spread evenly over the blocks that are not attention.
  const mixers = others.filter((_, j) => Math.floor(((j + 1) * h.mambaLayers) / others.length) > Math.floor((j * h.mambaLayers) / others.length));
  const set = MIXER_TENSOR.test(t.name) ? mixers : t.component === 'attention' ? attention : t.component === 'mlp' && spec.mlpLayers !== undefined && !spec.moe ? others.filter(i => !mixers.includes(i)) : undefined;
  return set && set.length > 0 && t.count % set.length === 0 ? set : undefined;
}

/**
 * Every tensor of the model as a GGUF of `ftype` holds it: llama.cpp's per-tensor recipe (llama-quant.cpp) over the
 * model's weight inventory. 1-D tensors (norms, biases) and the MoE router stay in F32; a tied model's output head is
 * its token embedding, which takes the head's type.
 */
export function ggufTensors(spec: ModelSpec, ftype: string): GgufTensor[] {
  const base = GGUF_FILE_TYPES[ftype] ?? 'F16';
  const layers = spec.numLayers;
  const c: RecipeContext = { ftype, layers, gqa: spec.numHeads / Math.max(1, spec.numKvHeads), experts: spec.moe?.numExperts ?? 0, is70b: layers === 80 && spec.hiddenSize === 8192 };
  const out: GgufTensor[] = [];
  const push = (role: GgufTensor['role'], elements: number, type: string, layer?: number, name?: string) =>
    out.push({ role, elements, type, bytes: ggmlBytes(type, elements), ...(layer !== undefined ? { layer } : {}), ...(name ? { name } : {}) });
  // A routed expert's projection as llama.cpp names it (blk.N.ffn_gate_exps.weight), for -ot and --n-cpu-moe.
  const expertName = (t: WeightTensor, i: number) => (t.expert && t.target ? `blk.${i}.ffn_${t.target}_exps.weight` : undefined);
  const fused = FUSED_QKV_FAMILIES.has(spec.family);
  // A fused family's query, key and value projections, per layer, until they are pushed as one attn_qkv tensor.
  let qkvPerLayer = 0;
  for (const t of weightTensors(spec)) {
    // A vision tower ships as its own GGUF (the mmproj file), not with the language model.
    if (t.component === 'vision') {
      continue;
    }
    const n = numel(t);
    const twoD = t.inFeatures > 1;
    const holding = layersHolding(spec, t);
    if (holding && t.count % holding.length === 0 && t.count > 0) {
      // An MoE's expert and router tensors on its MoE layers, the dense MLP on the others (DeepSeek's first layers).
      const perLayer = numel({ ...t, count: t.count / holding.length });
      const f32 = !twoD || !t.linear || /router|gate_inp/.test(t.name);
      for (const i of holding) {
        push('layer', perLayer, f32 ? 'F32' : layerTensorType(c, t.target, i, base), i, expertName(t, i));
      }
    } else if (t.component === 'embeddings' && t.name === 'embed_tokens') {
      push('token_embd', n, spec.tieWordEmbeddings ? outputType(c, t.inFeatures, base) : tokenEmbeddingType(c, base));
    } else if (t.name === 'embed_tokens_per_layer') {
      // Gemma 4's per-layer embeddings (per_layer_token_embd): an input table llama.cpp keeps in host memory.
      push('other', n, tokenEmbeddingType(c, base));
    } else if (t.target === 'head') {
      push('output', n, outputType(c, t.inFeatures, base));
    } else if (!twoD || !t.linear || /router|gate_inp/.test(t.name)) {
      // Norms and biases in F32: a layer's own go with its block (blk.N.attn_norm), the final norm with the output head.
      const perLayer = Math.floor(t.count / layers);
      const one = numel({ ...t, count: 1 });
      for (let i = 0; i < layers && perLayer > 0; i++) {
        push('layer', one * perLayer, 'F32', i);
      }
      if (t.count - perLayer * layers > 0) {
        push(t.component === 'norms' ? 'output_norm' : 'other', one * (t.count - perLayer * layers), 'F32');
      }
    } else if (fused && (t.target === 'q' || t.target === 'k' || t.target === 'v') && t.count === layers) {
      qkvPerLayer += numel({ ...t, count: 1 });
    } else if (t.count % layers === 0 && t.count > 0) {
      // One tensor per layer (a routed MoE's experts as one 3-D tensor per layer): the recipe goes by layer.
      const perLayer = numel({ ...t, count: t.count / layers });
      for (let i = 0; i < layers; i++) {
        push('layer', perLayer, layerTensorType(c, t.target, i, base), i, expertName(t, i));
      }
    } else {
      push('other', n, base);
    }
  }
  for (let i = 0; i < layers && qkvPerLayer > 0; i++) {
    push('layer', qkvPerLayer, fusedQkvType(c, base), i);
  }
  return out;
}

/** What a GGUF header says: its metadata (scalars and array lengths) and each tensor's name, shape and type. */
export interface GgufHeader {
  readonly metadata: ReadonlyMap<string, string | number | boolean | bigint | { readonly arrayLength: number }>;
  readonly tensors: readonly { readonly name: string; readonly elements: number; readonly type: string; readonly bytes: number }[];
}

/** The most tensors and metadata entries a header may declare: far beyond any model, short of a hostile count. */
const MAX_HEADER_ITEMS = 1_000_000;

/**
 * Reads a GGUF header (version 2 or 3, little-endian) from its first bytes: metadata and tensor infos, never the
 * weights. Returns a message instead when the bytes are not a GGUF header or end before it does (read more bytes).
 */
export function readGgufHeader(bytes: Uint8Array): GgufHeader | { readonly error: string; readonly needMore?: boolean } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 0;
  const need = (n: number) => {
    if (at + n > bytes.byteLength) {
      throw new RangeError('short');
    }
  };
  const u32 = () => (need(4), (at += 4), view.getUint32(at - 4, true));
  const u64 = () => (need(8), (at += 8), view.getBigUint64(at - 8, true));
  const count = () => {
    const n = u64();
    if (n > BigInt(MAX_HEADER_ITEMS)) {
      throw new Error(`declares ${n} items, more than any model has`);
    }
    return Number(n);
  };
  const text = () => {
    const n = count();
    need(n);
    at += n;
    return new TextDecoder().decode(bytes.subarray(at - n, at));
  };
  const scalar = (type: number): string | number | boolean | bigint => {
    switch (type) {
      case 0: return (need(1), view.getUint8(at++));
      case 1: return (need(1), view.getInt8(at++));
      case 2: return (need(2), (at += 2), view.getUint16(at - 2, true));
      case 3: return (need(2), (at += 2), view.getInt16(at - 2, true));
      case 4: return u32();
      case 5: return (need(4), (at += 4), view.getInt32(at - 4, true));
      case 6: return (need(4), (at += 4), view.getFloat32(at - 4, true));
      case 7: return (need(1), view.getUint8(at++) !== 0);
      case 8: return text();
      case 10: return u64();
      case 11: return (need(8), (at += 8), view.getBigInt64(at - 8, true));
      case 12: return (need(8), (at += 8), view.getFloat64(at - 8, true));
      default: throw new Error(`unknown metadata type ${type}`);
    }
  };
  try {
    if (bytes.byteLength < 4 || new TextDecoder().decode(bytes.subarray(0, 4)) !== 'GGUF') {
      return { error: 'not a GGUF file (no GGUF magic)' };
    }
    at = 4;
    const version = u32();
    if (version < 2 || version > 3) {
      return { error: `GGUF version ${version}, which VRAM Lens does not read (2 and 3 it does)` };
    }
    const tensorCount = count();
    const kvCount = count();
    const metadata = new Map<string, string | number | boolean | bigint | { arrayLength: number }>();
    for (let i = 0; i < kvCount; i++) {
      const key = text();
      const type = u32();
      if (type === 9) {
        const itemType = u32();
        const length = count();
        for (let j = 0; j < length; j++) {
          scalar(itemType);
        }
        metadata.set(key, { arrayLength: length });
      } else {
        metadata.set(key, scalar(type));
      }
    }
    const tensors: { name: string; elements: number; type: string; bytes: number }[] = [];
    for (let i = 0; i < tensorCount; i++) {
      const name = text();
      const dims = u32();
      if (dims > 8) {
        return { error: `tensor ${name} has ${dims} dimensions` };
      }
      let elements = 1;
      for (let d = 0; d < dims; d++) {
        elements *= Number(u64());
      }
      const type = TYPE_BY_ID.get(u32());
      u64(); // offset
      if (!type) {
        return { error: `tensor ${name} has a type VRAM Lens does not know` };
      }
      tensors.push({ name, elements, type, bytes: ggmlBytes(type, elements) });
    }
    return { metadata, tensors };
  } catch (e) {
    return e instanceof RangeError ? { error: 'the header continues past the bytes read', needMore: true } : { error: (e as Error).message };
  }
}

/** A header's tensors in the planner's roles (token embedding, output head, repeating layers by index, the rest). */
export function headerTensors(header: GgufHeader): GgufTensor[] {
  return header.tensors.map(t => {
    const layer = /^blk\.(\d+)\./.exec(t.name);
    const role: GgufTensor['role'] =
      t.name === 'token_embd.weight' ? 'token_embd' : t.name === 'output.weight' ? 'output' : t.name.startsWith('output_norm.') ? 'output_norm' : layer ? 'layer' : 'other';
    return { role, elements: t.elements, type: t.type, bytes: t.bytes, name: t.name, ...(layer ? { layer: Number(layer[1]) } : {}) };
  });
}

/** llama.cpp's LLAMA_FTYPE values (a GGUF's general.file_type), by the names files carry. */
const FILE_TYPE_IDS: Readonly<Record<number, string>> = {
  0: 'F32', 1: 'F16', 2: 'Q4_0', 3: 'Q4_1', 7: 'Q8_0', 8: 'Q5_0', 9: 'Q5_1', 10: 'Q2_K', 11: 'Q3_K_S', 12: 'Q3_K_M', 13: 'Q3_K_L',
  14: 'Q4_K_S', 15: 'Q4_K_M', 16: 'Q5_K_S', 17: 'Q5_K_M', 18: 'Q6_K', 19: 'IQ2_XXS', 20: 'IQ2_XS', 21: 'Q2_K_S', 22: 'IQ3_XS', 23: 'IQ3_XXS',
  24: 'IQ1_S', 25: 'IQ4_NL', 26: 'IQ3_S', 27: 'IQ3_M', 28: 'IQ2_S', 29: 'IQ2_M', 30: 'IQ4_XS', 31: 'IQ1_M', 32: 'BF16', 36: 'TQ1_0', 37: 'TQ2_0', 38: 'MXFP4_MOE',
};

/** The file type a header states (general.file_type), by name. */
export function headerFileType(header: GgufHeader): string | undefined {
  const id = header.metadata.get('general.file_type');
  return typeof id === 'number' ? FILE_TYPE_IDS[id] : undefined;
}

/** What a local GGUF's header says of its weights: its tensors, its file type, and how llama.cpp caches its MLA. */
export function localGguf(header: GgufHeader): LocalGguf {
  const fileType = headerFileType(header);
  const arch = header.metadata.get('general.architecture');
  const cachesEveryHead = arch === 'deepseek2' && !header.metadata.has('deepseek2.attention.key_length_mla');
  return { tensors: headerTensors(header), ...(fileType ? { fileType } : {}), ...(cachesEveryHead ? { cachesEveryHead } : {}) };
}

/** GGUF architectures VRAM Lens reads as transformers configs: the model_type and class each stands for. */
const ARCHITECTURES: Readonly<Record<string, readonly [string, string]>> = {
  llama: ['llama', 'LlamaForCausalLM'], qwen2: ['qwen2', 'Qwen2ForCausalLM'], qwen3: ['qwen3', 'Qwen3ForCausalLM'], qwen3moe: ['qwen3_moe', 'Qwen3MoeForCausalLM'],
  gemma: ['gemma', 'GemmaForCausalLM'], gemma2: ['gemma2', 'Gemma2ForCausalLM'], gemma3: ['gemma3_text', 'Gemma3ForCausalLM'], phi3: ['phi3', 'Phi3ForCausalLM'],
  mistral3: ['mistral', 'MistralForCausalLM'], granite: ['granite', 'GraniteForCausalLM'], olmo2: ['olmo2', 'Olmo2ForCausalLM'], starcoder2: ['starcoder2', 'Starcoder2ForCausalLM'],
  deepseek2: ['deepseek_v2', 'DeepseekV2ForCausalLM'],
};

/** llama.cpp's expert_gating_func for a sigmoid router (DeepSeek-V3, Kimi K2); V2's softmax is 1. */
const SIGMOID_GATING = 2;

/**
 * A DeepSeek-V2/V3 header (llama.cpp's deepseek2, Kimi K2 too) as DeepseekV2/V3Config's keys: MLA's ranks and head
 * widths — key_length_mla and value_length_mla where the conversion caches the latent (key_length is then the
 * latent's 576), key_length and value_length before — and the shared and routed experts after the leading dense
 * layers. Undefined without the latent's rank, the head widths, or (with experts) the experts' width and count a token.
 */
function deepseek2Config(num: (key: string) => number | undefined, heads: number): Record<string, string | number | boolean | string[]> | undefined {
  const kvLoraRank = num('attention.kv_lora_rank');
  const rope = num('rope.dimension_count');
  const keyLength = num('attention.key_length_mla') ?? num('attention.key_length');
  const valueLength = num('attention.value_length_mla') ?? num('attention.value_length');
  if (kvLoraRank === undefined || rope === undefined || keyLength === undefined || valueLength === undefined || keyLength <= rope) {
    return undefined;
  }
  const v3 = num('expert_gating_func') === SIGMOID_GATING;
  const config: Record<string, string | number | boolean | string[]> = {
    model_type: v3 ? 'deepseek_v3' : 'deepseek_v2', architectures: [v3 ? 'DeepseekV3ForCausalLM' : 'DeepseekV2ForCausalLM'],
    num_key_value_heads: heads, kv_lora_rank: kvLoraRank, q_lora_rank: num('attention.q_lora_rank') ?? 0,
    qk_rope_head_dim: rope, qk_nope_head_dim: keyLength - rope, v_head_dim: valueLength,
  };
  const experts = num('expert_count');
  if (experts === undefined || experts === 0) {
    return config;
  }
  const expertWidth = num('expert_feed_forward_length');
  const used = num('expert_used_count');
  if (expertWidth === undefined || used === undefined) {
    return undefined;
  }
  return {
    ...config, n_routed_experts: experts, num_experts_per_tok: used, n_shared_experts: num('expert_shared_count') ?? 0,
    moe_intermediate_size: expertWidth, first_k_dense_replace: num('leading_dense_block_count') ?? 0,
  };
}

/**
 * A header's metadata as the config.json keys the engine reads ({arch}.block_count → num_hidden_layers…), or undefined
 * for an architecture VRAM Lens does not read from a GGUF. A header without an output tensor ties it to the embedding.
 */
export function ggufConfig(header: GgufHeader): Record<string, string | number | boolean | string[]> | undefined {
  const arch = header.metadata.get('general.architecture');
  const known = typeof arch === 'string' ? ARCHITECTURES[arch] : undefined;
  if (!known) {
    return undefined;
  }
  const num = (key: string) => {
    const v = header.metadata.get(`${arch}.${key}`);
    return typeof v === 'number' ? v : undefined;
  };
  const tokens = header.metadata.get('tokenizer.ggml.tokens');
  const vocab = num('vocab_size') ?? (typeof tokens === 'object' && tokens !== null && 'arrayLength' in tokens ? tokens.arrayLength : undefined);
  const layers = num('block_count');
  const hidden = num('embedding_length');
  const heads = num('attention.head_count');
  if (layers === undefined || hidden === undefined || heads === undefined || vocab === undefined) {
    return undefined;
  }
  // MoE's experts are counted from expert_count and the expert width (a 3-D tensor per layer).
  const experts = num('expert_count');
  const config: Record<string, string | number | boolean | string[]> = {
    model_type: known[0], architectures: [known[1]], num_hidden_layers: layers, hidden_size: hidden, num_attention_heads: heads,
    num_key_value_heads: num('attention.head_count_kv') ?? heads, vocab_size: vocab,
    intermediate_size: num('feed_forward_length') ?? 4 * hidden, tie_word_embeddings: !header.tensors.some(t => t.name === 'output.weight'),
  };
  const positions = num('context_length');
  if (positions !== undefined) {
    config.max_position_embeddings = positions;
  }
  if (arch === 'deepseek2') {
    const deepseek = deepseek2Config(num, heads);
    return deepseek ? { ...config, ...deepseek } : undefined;
  }
  const keyLength = num('attention.key_length');
  if (keyLength !== undefined) {
    config.head_dim = keyLength;
  }
  const window = num('attention.sliding_window');
  if (window !== undefined) {
    config.sliding_window = window;
  }
  if (experts !== undefined && experts > 0) {
    config.num_experts = experts;
    config.num_experts_per_tok = num('expert_used_count') ?? 2;
    config.moe_intermediate_size = num('expert_feed_forward_length') ?? config.intermediate_size;
  }
  return config;
}
