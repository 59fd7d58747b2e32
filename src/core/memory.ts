// The memory model: weights, KV cache, activations, gradients and optimizer states per component, each with its source.
import { isDiffusionRun } from './diffusion';
import { countParameters } from './params';
import { isMegatronLmFamily } from './families';
import { formatBytes, ordinal } from './format';
import { describeRwkvState, rwkvActivationBytesPerToken, rwkvStateBytes } from './rwkv';
import { mambaLayerState, mixerKind, ssmActivationBytesPerToken, ssmStateElements, type MixerKind } from './stateSpace';
import { ALONE, convNetInferenceActivationBytes, convNetNote, convNetTrainingActivationBytes } from './unet';
import { safetyCheckerTensors, vaeUpcast } from './pipeline';
import { audioTensors, imageCost, TOWER_NAMES, towerActivationBytes } from './vision';
import { describeIa3 } from './ia3';
import { expertWidth, ia3Width, loraAdapters, nasAttentionLayers, weightTensors } from './tensors';
import { numel, type LoraTarget, type WeightTensor } from './weightTensor';
import { dataParallelDegree } from './parallelism';
import type {
  DeepseekV4Layout,
  LoraSettings,
  Estimate,
  InferenceComponent,
  KvCacheType,
  Gemma4Layout,
  MemoryEstimate,
  ModelSpec,
  ParameterBreakdown,
  PipelineComponent,
  Precision,
  PreferenceRun,
  Quantization,
  RunSettings,
  TrainingComponent,
  TrainingLoss,
} from './types';

export const MIB = 1024 * 1024;
export const GIB = 1024 * MIB;

/**
 * Share of allocated memory that PyTorch's caching allocator holds on top of live tensors (block rounding and
 * cached free blocks): max_memory_reserved exceeded max_memory_allocated by 4-12 % (training) and 3-10 %
 * (inference) in the H100 measurements in bench/data/h100-measured.json.
 */
export const TRAINING_ALLOCATOR_RESERVE = 0.08;
export const INFERENCE_ALLOCATOR_RESERVE = 0.06;

/** Bytes per element of each tensor class under a precision recipe. */
export interface PrecisionLayout {
  /** The weights the optimizer updates (fp32 master weights under AMP). */
  readonly weightBytes: number;
  readonly gradientBytes: number;
  /** Optimizer states follow the dtype of the parameters they belong to. */
  readonly stateBytes: number;
  /** Matmul inputs/outputs saved for backward. */
  readonly computeBytes: number;
  /** The residual stream and norm inputs (fp32 under AMP, where norms run in fp32). */
  readonly residualBytes: number;
  /** Under AMP, linear layers save low-precision copies of the fp32 weights for backward (bytes each). */
  readonly autocastCopyBytes: number;
}

export function precisionLayout(precision: Precision): PrecisionLayout {
  switch (precision) {
    case '32-true':
      return { weightBytes: 4, gradientBytes: 4, stateBytes: 4, computeBytes: 4, residualBytes: 4, autocastCopyBytes: 0 };
    case '16-mixed':
    case 'bf16-mixed':
      return { weightBytes: 4, gradientBytes: 4, stateBytes: 4, computeBytes: 2, residualBytes: 4, autocastCopyBytes: 2 };
    case 'fp8':
      return { weightBytes: 4, gradientBytes: 4, stateBytes: 4, computeBytes: 2, residualBytes: 4, autocastCopyBytes: 1 };
    case '16-true':
    case 'bf16-true':
      return { weightBytes: 2, gradientBytes: 2, stateBytes: 2, computeBytes: 2, residualBytes: 2, autocastCopyBytes: 0 };
  }
}

/** Bytes of one weight element at inference (and of a frozen base model under LoRA). */
export function inferenceWeightBytes(precision: Precision): number {
  return precision === '32-true' ? 4 : precision === 'fp8' ? 1 : 2;
}

export function describePrecision(precision: Precision): string {
  switch (precision) {
    case '32-true':
      return '32-true: weights, gradients, optimizer states and activations in float32';
    case '16-mixed':
      return '16-mixed: PyTorch AMP (float16 autocast) over float32 weights, gradients and optimizer states';
    case 'bf16-mixed':
      return 'bf16-mixed: PyTorch AMP (bfloat16 autocast) over float32 weights, gradients and optimizer states';
    case 'fp8':
      return 'fp8: float8 matmuls over float32 master weights (training, as bf16-mixed with 1-byte weight copies); float8 weights (inference)';
    case '16-true':
      return '16-true: weights, gradients and optimizer states in float16';
    case 'bf16-true':
      return 'bf16-true: weights, gradients and optimizer states in bfloat16';
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Weights, quantized or not

/** GGUF block layouts: [weights per block, bytes per block] (llama.cpp gguf-py constants GGML_QUANT_SIZES). */
const GGUF_BLOCKS: Readonly<Record<string, readonly [number, number]>> = {
  q4_0: [32, 18], q4_1: [32, 20], q5_0: [32, 22], q5_1: [32, 24], q8_0: [32, 34],
  q2_k: [256, 84], q3_k: [256, 110], q4_k: [256, 144], q5_k: [256, 176], q6_k: [256, 210],
};

function ggufBytes(type: string, elements: number): number {
  const [per, bytes] = GGUF_BLOCKS[type];
  return Math.ceil(elements / per) * bytes;
}

/** MLX's affine quantization (mlx_lm.convert -q): weights in groups of 64, each with a 16-bit scale and bias. */
export const MLX_GROUP = 64;

export function isMlx(q: Quantization | undefined): q is 'mlx-q4' | 'mlx-q8' {
  return q === 'mlx-q4' || q === 'mlx-q8';
}

function mlxBits(q: 'mlx-q4' | 'mlx-q8'): number {
  return q === 'mlx-q4' ? 4 : 8;
}

/** HQQ's packed bytes per weight: 3 bits go ten to a 32-bit word, the others pack evenly. */
function hqqBytesPerWeight(q: 'hqq-8' | 'hqq-4' | 'hqq-3' | 'hqq-2' | 'hqq-1'): number {
  return q === 'hqq-3' ? 4 / 10 : Number(q.slice(4)) / 8;
}

export function isGguf(q: Quantization | undefined): boolean {
  return q !== undefined && (q in GGUF_BLOCKS || q === 'q4_k_m' || q === 'q5_k_m');
}

/** Bytes of one group of linear weights under a quantization scheme (weights plus their scales/zeros). */
function quantizedLinearBytes(t: WeightTensor, q: Quantization, index: { layerShare: number; groupSize: number }): number {
  const n = numel(t);
  switch (q) {
    case 'int8':
    case 'experts-int8':
      return n + 4 * t.outFeatures * t.count; // int8 weights + one fp32 scale per output row (LLM.int8 SCB; vLLM's experts_int8)
    case 'nf4':
    case 'fp4':
      return n / 2 + (n / 64) * 4; // 4 bits + an fp32 absmax per 64 weights
    case 'nf4-dq':
    case 'fp4-dq':
      return n / 2 + n / 64 + (n / (64 * 256)) * 4; // absmax in 8 bits, with an fp32 constant per 256 blocks
    case 'gptq-int4':
      return n / 2 + (n / index.groupSize) * 2.5 + 4 * t.inFeatures * t.count; // fp16 scale + int4 zero per group, g_idx
    case 'awq-int4':
      return n / 2 + (n / index.groupSize) * 2.5;
    case 'mxfp4':
      return n / 2 + n / 32; // FP4 (E2M1) weights with a one-byte E8M0 scale per 32
    case 'nvfp4':
      return n / 2 + n / 16 + 4 * t.count; // FP4 (E2M1) weights, an FP8 (E4M3) scale per 16 and an fp32 scale per tensor
    case 'mlx-q4':
    case 'mlx-q8':
      return (n * mlxBits(q)) / 8 + (n / MLX_GROUP) * 4; // a 16-bit scale and a 16-bit bias per group of 64
    case 'fp8-block': {
      // FP8 (E4M3) weights with an fp32 scale per groupSize × groupSize block (DeepSeek-V3's weight_scale_inv).
      const blocks = Math.ceil(t.outFeatures / index.groupSize) * Math.ceil(t.inFeatures / index.groupSize) * t.count;
      return n + 4 * blocks;
    }
    case 'fp8-channel':
      return n + 2 * t.outFeatures * t.count; // FP8 weights, a 16-bit scale per output channel (compressed-tensors)
    case 'fp8-tensor':
      return n + 4 * t.count; // FP8 weights, one fp32 scale per tensor
    case 'int8-channel':
      return n + 2 * t.outFeatures * t.count; // int8 weights, a 16-bit scale per output channel (W8A8)
    case 'w4a16':
      return n / 2 + (n / index.groupSize) * 2; // int4 packed, a 16-bit scale per group (compressed-tensors, symmetric)
    case 'hqq-8':
    case 'hqq-4':
    case 'hqq-3':
    case 'hqq-2':
    case 'hqq-1':
      return n * hqqBytesPerWeight(q) + (n / index.groupSize) * 4; // packed weights, a 16-bit scale and zero per group
    case 'q4_k_m':
    case 'q5_k_m': {
      // llama.cpp's _M mixtures keep attn_v and ffn_down at Q6_K in about half of the layers.
      const base = q === 'q4_k_m' ? 'q4_k' : 'q5_k';
      const upgraded = t.target === 'v' || t.target === 'down' ? index.layerShare : 0;
      return upgraded * ggufBytes('q6_k', n) + (1 - upgraded) * ggufBytes(base, n);
    }
    default:
      return ggufBytes(q, n);
  }
}

/**
 * Bytes of all weights at a given element size, with linear layers quantized when asked. bitsandbytes, GPTQ and
 * AWQ keep embeddings, the output head, norms and biases in 16 bits; GGUF quantizes every 2-D tensor (the output
 * head at Q6_K in the _M mixtures) and keeps 1-D tensors in fp32.
 */
export function weightBytes(spec: ModelSpec, elementBytes: number, quantization: Quantization | undefined, layout: WeightLayout = {}): number {
  const buffers = (spec.bufferElements ?? 0) * (quantization ? 2 : elementBytes);
  const { groupSize = 128, quantizeHead = false, float16 = false, quantizeVision = true } = layout;
  return buffers + parameterBytes(spec, elementBytes, quantization, groupSize, quantizeHead, quantizeVision) + keptInFp32Bytes(spec, elementBytes, quantization, float16, groupSize);
}

/**
 * How a run lays its weights out beyond their element size: the quantization's group, whether the head and the vision
 * tower are quantized with the rest, whether the model loads in float16 (`_keep_in_fp32_modules`).
 */
export interface WeightLayout {
  readonly groupSize?: number;
  readonly quantizeHead?: boolean;
  readonly float16?: boolean;
  readonly quantizeVision?: boolean;
}

/** A run's weight layout, from its settings. */
export function weightLayout(settings: RunSettings): WeightLayout {
  return {
    groupSize: settings.quantGroupSize,
    quantizeHead: settings.quantizeHead === true,
    float16: loadsInFloat16(settings.precision),
    quantizeVision: settings.quantizeVision !== false,
  };
}

/**
 * Whether transformers keeps the model's `_keep_in_fp32_modules` (T5's `wo`) in float32 for this load: it does when
 * it loads in float16 or through bitsandbytes.
 */
function keepsFp32Modules(spec: ModelSpec, elementBytes: number, quantization: Quantization | undefined, float16: boolean): boolean {
  return (spec.keptInFp32 ?? []).length > 0 && (isBitsandbytes(quantization) || (!quantization && float16 && elementBytes === 2));
}

/** What the modules a model keeps in float32 add beyond their count at the loaded precision (or quantized). */
function keptInFp32Bytes(spec: ModelSpec, elementBytes: number, quantization: Quantization | undefined, float16: boolean, groupSize: number): number {
  if (!keepsFp32Modules(spec, elementBytes, quantization, float16)) {
    return 0;
  }
  const kept = spec.keptInFp32!;
  const tensors = weightTensors(spec).filter(t => t.target !== undefined && kept.includes(t.target));
  return tensors.reduce((sum, t) => sum + numel(t) * 4 - (quantization ? quantizedLinearBytes(t, quantization, { layerShare: 0.5, groupSize }) : numel(t) * elementBytes), 0);
}

/** Whether weights load in float16 (not bfloat16): what transformers' `_keep_in_fp32_modules` answers to. */
export function loadsInFloat16(precision: Precision): boolean {
  return precision === '16-mixed' || precision === '16-true';
}

function parameterBytes(spec: ModelSpec, elementBytes: number, quantization: Quantization | undefined, groupSize: number, quantizeHead: boolean, quantizeVision: boolean): number {
  if (!quantization) {
    return countParameters(spec).total * elementBytes;
  }
  const rule = { quantization, groupSize, quantizeHead, quantizeVision };
  return Math.round(weightTensors(spec).reduce((bytes, t) => bytes + storedTensorBytes(t, rule), 0));
}

/** Bytes of some of a model's tensors as a checkpoint of `quantization` (or of `elementBytes` each, unquantized) stores them. */
export function tensorsBytes(tensors: readonly WeightTensor[], elementBytes: number, quantization: Quantization | undefined): number {
  const rule = quantization ? { quantization, groupSize: 128, quantizeHead: false, quantizeVision: true } : undefined;
  return Math.round(tensors.reduce((bytes, t) => bytes + (rule ? storedTensorBytes(t, rule) : numel(t) * elementBytes), 0));
}

/** How a quantized checkpoint stores each tensor: the method, its group, and whether the head and vision tower are quantized. */
interface StorageRule {
  readonly quantization: Quantization;
  readonly groupSize: number;
  readonly quantizeHead: boolean;
  readonly quantizeVision: boolean;
}

/** One weight tensor's bytes in a quantized checkpoint. */
function storedTensorBytes(t: WeightTensor, { quantization, groupSize, quantizeHead, quantizeVision }: StorageRule): number {
  const twoD = t.inFeatures > 1;
  if (!quantizeVision && t.component === 'vision') {
    return numel(t) * 2; // the checkpoint's quantization leaves its vision tower out (llm_int8_skip_modules, ignore)
  }
  if (isGguf(quantization)) {
    if (!twoD) {
      return 4 * numel(t);
    }
    return t.embeddingOrHead && t.target === 'head' && (quantization === 'q4_k_m' || quantization === 'q5_k_m')
      ? ggufBytes('q6_k', numel(t))
      : quantizedLinearBytes(t, quantization, { layerShare: 0.5, groupSize });
  }
  if (isMlx(quantization)) {
    // MLX quantizes every Linear and Embedding (nn.quantize), the output head included; norms stay in 16 bits.
    return twoD && (t.linear || t.embeddingOrHead) ? quantizedLinearBytes(t, quantization, { layerShare: 0.5, groupSize }) : numel(t) * 2;
  }
  if (quantization === 'mxfp4' || quantization === 'experts-int8') {
    // gpt-oss and Kimi K3 store only their routed experts in MXFP4, and vLLM's experts_int8 quantizes only the experts as it loads them;
    // attention, the router, embeddings and head stay in 16 bits.
    return t.linear && t.expert ? quantizedLinearBytes(t, quantization, { layerShare: 0.5, groupSize }) : numel(t) * 2;
  }
  return t.linear && (!t.embeddingOrHead || (quantizeHead && t.target === 'head')) ? quantizedLinearBytes(t, quantization, { layerShare: 0.5, groupSize }) : numel(t) * 2;
}

/** The bytes of the weight tensors `pick` selects: their parameters at `elementBytes`, or as the quantized checkpoint stores them. */
function tensorShareBytes(spec: ModelSpec, elementBytes: number, quantization: Quantization | undefined, pick: (t: WeightTensor) => boolean): number {
  const rule = quantization ? { quantization, groupSize: 128, quantizeHead: false, quantizeVision: true } : undefined;
  return Math.round(weightTensors(spec).filter(pick).reduce((bytes, t) => bytes + (rule ? storedTensorBytes(t, rule) : numel(t) * elementBytes), 0));
}

/** The routed experts' share of the weights (what expert parallelism, or vLLM's data-parallel expert group, splits over more GPUs than the rest). */
export function routedExpertBytes(spec: ModelSpec, elementBytes: number, quantization: Quantization | undefined): number {
  return tensorShareBytes(spec, elementBytes, quantization, t => t.expert === true);
}

/** The vision tower's share of the weights (what vLLM's `--language-model-only` leaves unloaded). */
export function visionWeightBytes(spec: ModelSpec, elementBytes: number, quantization: Quantization | undefined): number {
  return tensorShareBytes(spec, elementBytes, quantization, t => t.component === 'vision');
}

/** The attention projections' share of the weights (what SGLang's data-parallel attention splits over fewer GPUs than the rest). */
export function attentionWeightBytes(spec: ModelSpec, elementBytes: number, quantization: Quantization | undefined): number {
  return tensorShareBytes(spec, elementBytes, quantization, t => t.component === 'attention');
}

export function describeQuantization(q: Quantization): string {
  switch (q) {
    case 'int8':
      return 'LLM.int8 (bitsandbytes): linear weights in int8 with fp32 row scales';
    case 'nf4':
    case 'fp4':
      return `bitsandbytes ${q.toUpperCase()}: linear weights in 4 bits with an fp32 absmax per 64`;
    case 'nf4-dq':
    case 'fp4-dq':
      return `${q.slice(0, 3).toUpperCase()} with double quantization, as bitsandbytes and torchao store it (≈ 4.13 bits per weight)`;
    case 'gptq-int4':
      return 'GPTQ int4 (fp16 scales and int4 zeros per group, g_idx)';
    case 'awq-int4':
      return 'AWQ int4 (fp16 scales and int4 zeros per group)';
    case 'fp8-block':
      return 'FP8 (E4M3) linear weights with an fp32 scale per square block (weight_block_size), as the checkpoint ships them';
    case 'fp8-channel':
      return 'FP8 (E4M3) linear weights with a scale per output channel (compressed-tensors), as the checkpoint ships them';
    case 'fp8-tensor':
      return 'FP8 (E4M3) linear weights with one scale per tensor, as the checkpoint ships them';
    case 'int8-channel':
      return 'int8 linear weights with a scale per output channel (compressed-tensors W8A8), as the checkpoint ships them';
    case 'w4a16':
      return 'int4 linear weights with a 16-bit scale per group (compressed-tensors W4A16), as the checkpoint ships them';
    case 'hqq-8':
    case 'hqq-4':
    case 'hqq-3':
    case 'hqq-2':
    case 'hqq-1':
      return `HQQ ${q.slice(4)}-bit linear weights with a 16-bit scale and zero per group (the head and embeddings in 16 bits)`;
    case 'mlx-q4':
    case 'mlx-q8':
      return `MLX ${mlxBits(q)}-bit (a 16-bit scale and bias per ${MLX_GROUP} weights, ${mlxBits(q) + 0.5} bits per weight; embeddings and head included)`;
    case 'nvfp4':
      return 'NVFP4 linear weights (4-bit E2M1 with an FP8 scale per 16 and an fp32 scale per tensor, ≈ 4.5 bits per weight), as the checkpoint ships them; embeddings and head in 16 bits';
    case 'experts-int8':
      return "vLLM's experts_int8: the experts' weights quantized to int8 as they load, with an fp32 scale per output row; the rest in 16 bits";
    case 'mxfp4':
      return 'MXFP4 experts (4-bit E2M1 with a shared 8-bit scale per 32, ≈ 4.25 bits per weight) as gpt-oss and Kimi K3 are published; the rest in bf16';
    default:
      return `GGUF ${q.toUpperCase()} (llama.cpp block sizes; 1-D tensors in fp32)`;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Optimizer

/**
 * bitsandbytes' paged optimizers take the state buffers of each tensor of at least this many elements from CUDA
 * unified memory (cudaMallocManaged, outside PyTorch's allocator); smaller tensors' states are ordinary tensors
 * (bitsandbytes/optim/optimizer.py, get_state_buffer).
 */
const PAGED_MIN_ELEMENTS = 1e5;

const isPaged = (settings: RunSettings): boolean => settings.optimizer === 'paged-adamw' || settings.optimizer === 'paged-adamw-8bit';

/** Optimizer state bytes for the trainable tensors; with a paged optimizer, those that stay on PyTorch's allocator. */
function optimizerStateBytes(settings: RunSettings, layout: PrecisionLayout, trainable: readonly WeightTensor[]): number {
  return stateBytes(settings, layout, isPaged(settings) ? trainable.filter(t => !pagedTensor(t)) : trainable);
}

/** A paged optimizer's state bytes in CUDA unified memory: the states of its tensors of at least 100,000 elements. */
function pagedStateBytes(settings: RunSettings, layout: PrecisionLayout, trainable: readonly WeightTensor[]): number {
  return isPaged(settings) ? stateBytes(settings, layout, trainable.filter(pagedTensor)) : 0;
}

const pagedTensor = (t: WeightTensor): boolean => t.inFeatures * t.outFeatures >= PAGED_MIN_ELEMENTS;

/** The optimizer's state bytes for these tensors. */
function stateBytes(settings: RunSettings, layout: PrecisionLayout, trainable: readonly WeightTensor[]): number {
  const trainableCount = trainable.reduce((sum, t) => sum + numel(t), 0);
  switch (settings.optimizer) {
    case 'adamw':
      return 2 * layout.stateBytes * trainableCount;
    case 'paged-adamw':
      // bitsandbytes' 32-bit optimizers keep fp32 states whatever the parameters' dtype.
      return 2 * 4 * trainableCount;
    case 'adamw-8bit':
    case 'paged-adamw-8bit': {
      // bitsandbytes keeps 32-bit states for tensors under 4,096 elements (min_8bit_size).
      let bytes = 0;
      for (const t of trainable) {
        const each = t.inFeatures * t.outFeatures;
        bytes += (each < 4096 ? 8 : 2) * numel(t);
      }
      return bytes;
    }
    case 'sgd':
    case 'lion':
      return layout.stateBytes * trainableCount; // momentum / Lion's single moment
    case 'sgd-no-momentum':
      return 0;
    case 'adafactor': {
      // HF Adafactor without momentum: factored second moments (one row and one column vector) for 2-D tensors.
      let bytes = 0;
      for (const t of trainable) {
        bytes += t.inFeatures > 1 ? (t.inFeatures + t.outFeatures) * t.count * layout.stateBytes : numel(t) * layout.stateBytes;
      }
      return bytes;
    }
  }
}

/**
 * Temporaries of the optimizer step. torch.optim.AdamW's default foreach implementation allocates
 * sqrt(exp_avg_sq) for every parameter at once; Adafactor works one tensor at a time (a few copies of the
 * largest); SGD, Lion and bitsandbytes' Adam kernels (8-bit, paged) update in place.
 */
function optimizerStepTemporaryBytes(settings: RunSettings, layout: PrecisionLayout, trainable: readonly WeightTensor[], trainableCount: number): number {
  const largest = trainable.reduce((m, t) => Math.max(m, t.inFeatures * t.outFeatures), 0);
  if (settings.torchMajor === 1 && settings.optimizer === 'adamw') {
    return 2 * largest * layout.stateBytes; // PyTorch 1.x stepped one tensor at a time
  }
  if (settings.optimizer === 'adamw' && !settings.fusedOptimizer) {
    return layout.stateBytes * trainableCount;
  }
  if (settings.optimizer === 'adafactor') {
    return 3 * largest * layout.stateBytes;
  }
  return 0;
}

export function describeOptimizer(settings: RunSettings): string {
  switch (settings.optimizer) {
    case 'adamw':
      return `AdamW (two states per trainable parameter, torch ${settings.fusedOptimizer ? 'fused' : 'foreach'} step)`;
    case 'paged-adamw':
      return 'bitsandbytes paged AdamW (two fp32 states per trainable parameter)';
    case 'adamw-8bit':
      return 'bitsandbytes 8-bit AdamW (two 1-byte states per trainable parameter)';
    case 'paged-adamw-8bit':
      return 'bitsandbytes paged 8-bit AdamW (two 1-byte states per trainable parameter)';
    case 'sgd':
      return 'SGD with momentum (one state per trainable parameter)';
    case 'sgd-no-momentum':
      return 'SGD without momentum (no optimizer state; PyTorch\'s default)';
    case 'lion':
      return 'Lion (one momentum state per trainable parameter)';
    case 'adafactor':
      return 'Adafactor (factored second moments: a row and a column vector per matrix, no momentum)';
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Activations

/**
 * Whether the frozen, quantized base layers of a QLoRA run keep their inputs for backward, where a frozen nn.Linear
 * keeps none (bitsandbytes/autograd/_functions.py): LLM.int8()'s matmul does whenever the input needs a gradient;
 * bitsandbytes' 4-bit matmul keeps only its packed weight since 0.43.2 (before, its input too); torchao's NF4 linear
 * (torchtune) keeps only the weight.
 */
export function quantizedBaseSavesInput(settings: RunSettings): boolean {
  if (settings.lora === undefined || settings.qloraKernel === 'torchao' || !isBitsandbytes(settings.quantization)) {
    return false;
  }
  return settings.quantization === 'int8' || settings.legacyBitsandbytes === true;
}

function isBitsandbytes(q: Quantization | undefined): boolean {
  return q === 'int8' || q === 'nf4' || q === 'nf4-dq' || q === 'fp4' || q === 'fp4-dq';
}

/** Which linear layers keep their input for backward: all when fully trained, the adapted ones under LoRA. */
function savesInput(settings: RunSettings, target: 'q' | 'k' | 'v' | 'o' | 'gate' | 'up' | 'down'): boolean {
  return !settings.lora || (!settings.lora.ia3 && settings.lora.targets.includes(target));
}

/** Adapted linear modules a token passes through in an average block (the output head is not in a block). */
function adaptedModulesPerLayer(spec: ModelSpec, targets: readonly LoraTarget[], width: (t: WeightTensor) => number = () => 1): number {
  const layers = Math.max(1, totalLayers(spec));
  const expertShare = spec.moe ? spec.moe.expertsPerToken / spec.moe.numExperts : 1;
  let modules = 0;
  for (const t of weightTensors(spec)) {
    if (t.linear && t.target && t.target !== 'head' && targets.includes(t.target)) {
      modules += (t.count / layers) * (t.expert ? expertShare : 1) * width(t);
    }
  }
  return modules;
}

/**
 * Bytes one transformer layer keeps for backward: each op's saved tensors, as PyTorch autograd keeps them for
 * the HF implementation of the block. Korthikanti et al. 2022 give `sbh(34 + 5as/h)` for a 16-bit GPT block;
 * this derivation reproduces that term by term and extends it to RMSNorm, gated MLPs, GQA, fp32 and AMP
 * (where norms and softmax stay fp32, and separate q/k/v projections each save their own 16-bit input copy),
 * and to LoRA (frozen linear layers need no saved input; adapted ones keep a dropped-out copy).
 */
export function activationBytesPerLayer(spec: ModelSpec, settings: RunSettings, tokens: number): number {
  const recurrent = recurrentTerms(spec);
  if (recurrent) {
    return (recurrent.savedPerToken(precisionLayout(settings.precision).computeBytes) * tokens) / Math.max(1, settings.tensorParallel);
  }
  if (settings.checkpointing === 'selective' && settings.selectiveOps && !spec.moe && !settings.lora) {
    return perOpSelectiveBytes(spec, settings, tokens);
  }
  if (runsUnslothKernels(spec, settings)) {
    return unslothLayerBytes(spec, tokens) / Math.max(1, settings.tensorParallel);
  }
  if (settings.megatronCore && !settings.lora) {
    return megatronLayerBytes(spec, settings, tokens);
  }
  const layer = layerTerms(spec, settings, tokens);
  // What sequence parallelism splits over the tensor-parallel GPUs (whole on each without it): the norms, the
  // dropout masks and the inputs of the first linear layers of attention and the MLP. The rest splits over TP.
  let sequenceWide = normBytes(layer) + attentionInputBytes(layer);
  let bytes = attentionBytes(layer);
  sequenceWide += layer.dropoutMask * layer.bsh;
  const mlp = mlpBytes(layer);
  bytes += mlp.bytes;
  sequenceWide += mlp.sequenceWide;
  sequenceWide += layer.dropoutMask * layer.bsh;
  bytes += adapterBytes(layer);
  const tp = Math.max(1, settings.tensorParallel);
  return bytes / tp + sequenceWide / sequenceSplit(settings);
}

/** One transformer layer's shapes and the run's element sizes, as the terms of its saved activations read them. */
interface LayerTerms {
  readonly spec: ModelSpec;
  readonly settings: RunSettings;
  readonly tokens: number;
  /** Bytes of a 16-bit (or compute-dtype) element, and of a residual-stream element. */
  readonly c: number;
  readonly r: number;
  readonly autocast: boolean;
  readonly compiled: boolean;
  readonly bsh: number;
  readonly bsInner: number;
  readonly bsI: number;
  readonly dropoutMask: number;
  /**
   * Bytes per input element kept for the linear layers that read one input tensor (q/k/v, gate/up, or one
   * projection). A trained layer keeps that tensor, or under AMP its own 16-bit cast when `ownCasts`; LoRA dropout
   * gives every adapted layer its own dropped-out copy and a 1-byte mask; frozen 16-bit layers keep nothing.
   */
  readonly inputBytes: (targets: readonly ('q' | 'k' | 'v' | 'o' | 'gate' | 'up' | 'down')[], ownCasts?: boolean) => number;
}

function layerTerms(spec: ModelSpec, settings: RunSettings, tokens: number): LayerTerms {
  const layout = precisionLayout(settings.precision);
  const c = layout.computeBytes;
  const lora = settings.lora;
  // A bitsandbytes LLM.int8() base layer keeps its own input, frozen or not: its matmul saves the input whenever
  // the input needs a gradient, which under LoRA it does.
  const quantSaves = quantizedBaseSavesInput(settings);
  return {
    spec,
    settings,
    tokens,
    c,
    r: layout.residualBytes,
    autocast: layout.autocastCopyBytes > 0,
    compiled: settings.compiled === true,
    bsh: tokens * spec.hiddenSize,
    bsInner: tokens * spec.numHeads * spec.headDim,
    bsI: tokens * spec.intermediateSize,
    dropoutMask: spec.dropout ? 1 : 0,
    inputBytes: (targets, ownCasts = false) => {
      const keeping = targets.filter(t => savesInput(settings, t)).length;
      const copies = lora?.dropout ? keeping * (c + 1) : ownCasts ? keeping * c : 0;
      const shared = (!lora?.dropout && !ownCasts && keeping > 0) || quantSaves;
      return copies + (shared ? c : 0);
    },
  };
}

/**
 * Norm inputs; HF's RMSNorm saves an fp32 upcast of its input, and its normalised output for the weight's gradient
 * (not needed when the weight is frozen under LoRA). Compiled, a fused norm keeps only its input (and a per-token
 * scale) and recomputes the rest in backward.
 */
function normBytes(layer: LayerTerms): number {
  const { spec, settings, r, bsh } = layer;
  const perNorm = spec.norm === 'rmsnorm' && !layer.compiled ? (settings.lora ? 4 : r + 4) : r;
  return spec.normsPerLayer * perNorm * bsh;
}

/** Linear inputs feeding attention: one tensor, or under AMP one 16-bit cast per separate projection. */
function attentionInputBytes(layer: LayerTerms): number {
  const fusedQkv = layer.spec.family === 'GPT-2' || layer.spec.family === 'BLOOM';
  return layer.inputBytes(['q', 'k', 'v'], layer.autocast && !fusedQkv) * layer.bsh;
}

/** The attention core's saved tensors (or, recomputed selectively, its inputs) and the output projection's input. */
function attentionBytes(layer: LayerTerms): number {
  const { spec, settings, tokens, c, bsInner } = layer;
  const b = settings.batchSize;
  const s = tokens / b;
  // PyTorch ≥ 2.5 SDPA takes grouped K/V heads as they are (transformers passes enable_gqa), so k and v are
  // saved at the KV width; eager attention repeats them to every query head first.
  const bsKv = tokens * (spec.mla ? spec.numHeads * spec.headDim : spec.numKvHeads * spec.headDim);
  const attentionCore =
    settings.attention === 'sdpa'
      ? // q and the output at the query width, k and v at the KV width; fp32 log-sum-exp.
        2 * c * bsInner + 2 * c * bsKv + 4 * b * spec.numHeads * s
      : // q, k, v; softmax output in fp32, its 16-bit cast, and dropout mask and output.
        3 * c * bsInner + (4 + (spec.dropout ? 1 + c : c === 4 ? 0 : c)) * b * spec.numHeads * s * s;
  let bytes = 0;
  // Selective recomputation (Korthikanti et al.) keeps only the core's inputs, q, k and v, and recomputes the
  // rest (scores, softmax, the kernel's own output) in backward.
  bytes += settings.checkpointing === 'selective' ? c * (bsInner + 2 * bsKv) : attentionCore;
  // The contiguous copy of the attention output that o_proj saves.
  bytes += layer.inputBytes(['o']) * bsInner;
  return bytes;
}

/** The MLP (or an average layer's mixture of experts): what splits over TP, and its first linear input, which is sequence-wide. */
function mlpBytes(layer: LayerTerms): { bytes: number; sequenceWide: number } {
  const { spec, tokens, c, compiled, autocast, inputBytes } = layer;
  const h = spec.hiddenSize;
  const ffnInput = (inputTokens: number, width = h): number => (spec.mlp === 'gated' ? inputBytes(['gate', 'up'], autocast) : inputBytes(['up'])) * inputTokens * width;
  const ffn = (intermediateTokens: number): number => {
    if (spec.mlp === 'gated') {
      // gate and up inputs (two casts under AMP, in ffnInput), gate output, up output, activation output, product.
      // Compiled, the activation is fused into the product and recomputed from the gate output in backward.
      return ((compiled ? 2 : 3) * c + inputBytes(['down'])) * intermediateTokens;
    }
    // fc1 input (in ffnInput), activation input and output; a Python tanh-GELU keeps three more intermediates
    // (tanh output, 0.5·x and 1 + tanh), in fp32 under AMP since pow autocasts to fp32 (fused away when compiled).
    const geluExtra = spec.pythonGelu && !compiled ? (autocast ? 4 + c + 4 : 3 * c) : 0;
    return (c + geluExtra + inputBytes(['down'])) * intermediateTokens;
  };
  if (!spec.moe) {
    return { bytes: ffn(layer.bsI), sequenceWide: ffnInput(tokens) };
  }
  // An average layer: experts' share of the layers, each token through its top-k experts and the shared ones.
  const m = spec.moe;
  const moeShare = m.moeLayers / spec.numLayers;
  const routed = tokens * m.expertsPerToken;
  const shared = m.sharedIntermediate > 0;
  // The routed experts' inputs are the tokens dispatched to them; the shared experts read the sequence.
  const moeBytes = ffn(routed * m.expertIntermediate) + ffnInput(routed, expertWidth(spec)) + (shared ? ffn(tokens * m.sharedIntermediate) : 0) + 4 * tokens * m.numExperts;
  return {
    bytes: moeShare * moeBytes + (1 - moeShare) * ffn(layer.bsI),
    sequenceWide: (moeShare * (shared ? 1 : 0) + (1 - moeShare)) * ffnInput(tokens),
  };
}

/** What adapters keep beside the layer: (IA)³'s scaled tensors, LoRA's r-wide intermediates, DoRA's outputs. */
function adapterBytes(layer: LayerTerms): number {
  const { spec, tokens, c } = layer;
  const lora = layer.settings.lora;
  if (lora?.ia3) {
    // (IA)³: each vector's multiply keeps the tensor it scales, cast to its fp32 (PEFT's Linear forward).
    const ia3 = lora.ia3;
    return adaptedModulesPerLayer(spec, lora.targets, t => ia3Width(t, ia3)) * tokens * 4;
  }
  if (!lora) {
    return 0;
  }
  // Each adapter keeps its r-wide intermediate for lora_B: one per adapted module that exists in the block (a
  // fused qkv projection is one module; routed experts see only their top-k share of the tokens).
  let bytes = adaptedModulesPerLayer(spec, lora.targets) * tokens * lora.rank * (lora.fp32Adapters ? 4 : c);
  // DoRA scales the layer's output and the LoRA branch's by the magnitude: both kept for its gradient.
  if (lora.dora) {
    bytes += adaptedModulesPerLayer(spec, lora.targets, t => t.outFeatures) * tokens * (c + (lora.fp32Adapters ? 4 : c));
  }
  return bytes;
}

/** Over how many GPUs the sequence-wide activations (norms, block inputs) split: the tensor-parallel group under sequence parallelism. */
function sequenceSplit(settings: RunSettings): number {
  return settings.sequenceParallel === false ? 1 : Math.max(1, settings.tensorParallel);
}

/**
 * One Megatron-Core block as its Transformer Engine modules keep it for backward (Korthikanti et al. 2022's accounting,
 * which Megatron-LM's theoretical_memory_usage uses): each fused norm-and-linear keeps its input and its normalized
 * output; attention keeps q, k and v (at the KV width) and its output, and the fp32 log-sum-exp unless selective
 * recompute brings it back; the MLP keeps its first linear layer's output (both halves when gated) and the
 * activation's output, and a routed expert keeps its dispatched input too. Sequence parallelism splits the norm terms
 * over the tensor-parallel GPUs; tensor parallelism always splits the rest.
 */
function megatronLayerBytes(spec: ModelSpec, settings: RunSettings, tokens: number): number {
  const c = precisionLayout(settings.precision).computeBytes;
  const h = spec.hiddenSize;
  const q = spec.numHeads * spec.headDim;
  const kv = spec.numKvHeads * spec.headDim;
  const norms = spec.normsPerLayer * 2 * c * h;
  const logSumExp = settings.checkpointing === 'selective' ? 0 : 4 * spec.numHeads;
  const attention = c * (2 * q + 2 * kv) + logSumExp;
  const ffn = (width: number) => c * ((spec.mlp === 'gated' ? 2 : 1) * width + width);
  let mlp = ffn(spec.intermediateSize);
  if (spec.moe) {
    const m = spec.moe;
    const moeShare = m.moeLayers / spec.numLayers;
    const routed = m.expertsPerToken * (c * h + ffn(m.expertIntermediate)) + ffn(m.sharedIntermediate) + 4 * m.numExperts;
    mlp = moeShare * routed + (1 - moeShare) * mlp;
  }
  return (tokens * (attention + mlp)) / Math.max(1, settings.tensorParallel) + (tokens * norms) / sequenceSplit(settings);
}

/**
 * torchtitan's per-op selective checkpointing (selective_ac_option "op"): a layer keeps its input, the attention
 * kernel's output and log-sum-exp, and the output of every other matmul in the order the layer runs them (q, k, v, o,
 * then gate, up, down, or fc1, fc2: it saves q, v, gate and down, or q, v and fc1); backward recomputes the rest.
 */
function perOpSelectiveBytes(spec: ModelSpec, settings: RunSettings, tokens: number): number {
  const layout = precisionLayout(settings.precision);
  const c = layout.computeBytes;
  const h = spec.hiddenSize;
  const heads = spec.numHeads * spec.headDim;
  const kv = spec.numKvHeads * spec.headDim;
  const outputs = spec.mlp === 'gated' ? [heads, kv, kv, h, spec.intermediateSize, spec.intermediateSize, h] : [heads, kv, kv, h, spec.intermediateSize, h];
  const savedMatmuls = outputs.filter((_, i) => i % 2 === 0).reduce((sum, width) => sum + width, 0);
  const attention = c * heads + 4 * spec.numHeads;
  return (tokens * (layout.residualBytes * h + c * savedMatmuls + attention)) / Math.max(1, settings.tensorParallel);
}

/**
 * Whether a layer runs unsloth's kernels: unsloth patched the model, its LoRA adapters have no dropout (with dropout
 * unsloth leaves PEFT's layers), and the block is the RMSNorm, rotary, gated-MLP kind its kernels are written for.
 */
function runsUnslothKernels(spec: ModelSpec, settings: RunSettings): boolean {
  return settings.unslothKernels === true && settings.lora !== undefined && !settings.lora.dropout && !settings.lora.ia3 && spec.norm === 'rmsnorm' && spec.mlp === 'gated' && !spec.moe;
}

/**
 * What one block keeps for backward under unsloth's kernels (unsloth/kernels: fast_rms_layernorm, LoRA_QKV, LoRA_W,
 * LoRA_MLP): each RMSNorm its input and its fp32 inverse root per token, and its output, which the LoRA projections
 * after it keep as their input; attention its rotated q and k, v, output and log-sum-exp; the gated MLP the gate's and
 * the up projection's outputs (its SwiGLU product is recomputed in backward, in place). Nothing else: the adapters
 * keep no inputs of their own.
 */
function unslothLayerBytes(spec: ModelSpec, tokens: number): number {
  const heads = spec.numHeads * spec.headDim;
  const kv = spec.numKvHeads * spec.headDim;
  const norms = 2 * (2 * spec.hiddenSize + 2 * spec.hiddenSize + 4);
  const attention = 2 * (heads + 2 * kv) + 2 * heads + 4 * spec.numHeads;
  const mlp = 2 * 2 * spec.intermediateSize;
  return tokens * (norms + attention + mlp);
}

/**
 * The gradients one block's backward allocates under unsloth's kernels, which write most of theirs in place: the
 * gradient of its input and output on the residual stream, and those of q, k, v and the attention output.
 */
function unslothBackwardBytes(spec: ModelSpec, tokens: number): number {
  const heads = spec.numHeads * spec.headDim;
  const kv = spec.numKvHeads * spec.headDim;
  return tokens * (2 * 2 * spec.hiddenSize + 2 * (2 * heads + 2 * kv));
}

/** The chunks torchtune's chunked losses split the tokens into (their num_output_chunks default). */
export const LOSS_CHUNKS = 8;

/**
 * Bytes per logit (one token × one vocabulary entry) the loss holds at its peak, by how it meets the logits:
 * - the whole logits at once (HF, torch.nn.CrossEntropyLoss): the logits upcast to fp32 and log-softmax saves its
 *   fp32 output; backward then holds that output, its gradient and the gradient of the logits, three fp32 buffers
 *   (measured on an H100 with GPT-2: 12 bytes per logit). Compiled (torchtune compiles the loss, not the upcast
 *   before it), the fused loss keeps its fp32 input and writes one fp32 gradient, cast to 16 bits: 4 + 4 + 2.
 * - CEWithChunkedOutputLoss: the 16-bit logits (2) and every chunk's fp32 log-softmax output (4) at the end of
 *   forward. Compiled, each chunk's upcast is inside the fused loss, which keeps only the 16-bit logits (2) and
 *   writes one chunk's 16-bit gradient at a time (2 / chunks).
 * - mlx-lm's cross-entropy stays in the logits' 16-bit dtype: the logits kept for backward, their softmax and
 *   their gradient, 2 bytes each.
 * - LinearCrossEntropyLoss: the output projection runs per chunk, so the 16-bit logits are never whole; eager,
 *   each chunk's fp32 log-softmax output stays (4), and backward adds one chunk's two fp32 gradients and their
 *   16-bit cast ((4 + 4 + 2) / chunks). Compiled, as the chunked loss: the 16-bit logits and one chunk's gradient.
 */
export function lossBytesPerLogit(loss: TrainingLoss | undefined, compiled: boolean): number {
  switch (loss) {
    case 'chunked-output':
      return compiled ? 2 + 2 / LOSS_CHUNKS : 2 + 4;
    case 'linear-chunked':
      return compiled ? 2 + 2 / LOSS_CHUNKS : 4 + 10 / LOSS_CHUNKS;
    case 'cross-entropy-16bit':
      return 2 + 2 + 2;
    case 'vocab-parallel':
      return 2 + 4;
    default:
      return compiled ? 4 + 4 + 2 : 12;
  }
}

/** The loss at its peak, at the end of forward or the start of backward: batch × sequence × vocabulary logits. */
export function lossBytes(
  spec: ModelSpec,
  tokens: number,
  settings: Pick<RunSettings, 'loss' | 'compiled' | 'compiledLoss'> & Partial<Pick<RunSettings, 'precision' | 'lora' | 'trainedLayers'>>,
  freeBytes = Infinity,
): number {
  if (spec.head !== 'lm') {
    return 0;
  }
  if (settings.loss === 'fused-chunked') {
    return fusedLossBytes(spec, tokens, freeBytes);
  }
  if (settings.loss === 'trl-chunked') {
    return trlChunkedLossBytes(spec, tokens, settings);
  }
  return lossBytesPerLogit(settings.loss, (settings.compiledLoss ?? settings.compiled) === true) * tokens * spec.vocabSize;
}

/** The most fp32 logits one chunk of unsloth's fused loss is sized for: 4 GiB (unsloth_zoo caps its target there). */
export const FUSED_LOSS_TARGET_BYTES = 4 * 2 ** 30;

/** Bytes per logit of a chunk of unsloth's fused loss, compiled: its 16-bit logits and their 16-bit gradient. */
const FUSED_LOSS_CHUNK_BYTES = 2 + 2;

/**
 * unsloth's fused cross-entropy (unsloth_zoo's UnslothFusedLoss): the output projection and the loss run chunk by
 * chunk with their gradient taken in forward, so the logits are never whole and none are kept for backward. What it
 * holds: the gradient of the hidden states it hands back (one 16-bit hidden vector per token) and one chunk's logits
 * and their gradient. Its chunks (get_chunk_size): as many as keep a chunk's fp32 logits under the target, half the
 * free memory at its first step and at most 4 GiB, rounded up to a multiple of four (one where one is enough).
 */
function fusedLossBytes(spec: ModelSpec, tokens: number, freeBytes: number): number {
  const target = Math.max(1, Math.min(FUSED_LOSS_TARGET_BYTES, freeBytes / 2));
  const exact = (tokens * spec.vocabSize * 4) / target;
  const chunks = exact <= 1 ? 1 : Math.ceil(exact / 4) * 4;
  return tokens * spec.hiddenSize * 2 + Math.ceil(tokens / chunks) * spec.vocabSize * FUSED_LOSS_CHUNK_BYTES;
}

/** The tokens of one chunk of TRL's chunked_nll loss (sft_trainer's _CHUNKED_LM_HEAD_CHUNK_SIZE). */
export const TRL_LOSS_CHUNK = 256;

/**
 * Bytes per logit of one chunk of TRL's chunked_nll, recomputed in backward: its 16-bit logits, their fp32 log-softmax
 * and the entropy's exponent and product, then the log-softmax's and the logits' gradients.
 */
const TRL_LOSS_CHUNK_BYTES = 16;

/**
 * TRL's chunked_nll (sft_trainer's _chunked_cross_entropy_loss): the valid tokens' hidden states reordered to the
 * front (and their gradient), then the output projection and the loss chunk by chunk under checkpointing, so the
 * logits are never whole. A chunk's matmul takes the head's weight through `.float()` and autocast: a 16-bit working
 * copy of fp32 weights (of 16-bit ones, an fp32 copy and its 16-bit cast), and, where the head is trained, that
 * copy's gradient, before it reaches the head's own.
 */
function trlChunkedLossBytes(spec: ModelSpec, tokens: number, settings: Partial<Pick<RunSettings, 'precision' | 'lora' | 'trainedLayers'>>): number {
  const layout = precisionLayout(settings.precision ?? 'bf16-mixed');
  const copy = layout.autocastCopyBytes > 0 ? layout.computeBytes : layout.weightBytes === 2 ? 4 + 2 : 0;
  const headTrained = !settings.lora && settings.trainedLayers === undefined;
  const copyGradient = headTrained && copy > 0 ? layout.computeBytes : 0;
  const chunk = Math.min(tokens, TRL_LOSS_CHUNK) * spec.vocabSize * TRL_LOSS_CHUNK_BYTES;
  return spec.vocabSize * spec.hiddenSize * (copy + copyGradient) + chunk + tokens * spec.hiddenSize * 2 * 2;
}

/** Parameters of the routed experts (not the shared ones or the router): what expert parallelism splits. */
function routedExpertParams(spec: ModelSpec): number {
  return weightTensors(spec).reduce((sum, t) => sum + (t.expert ? numel(t) : 0), 0);
}

function totalLayers(spec: ModelSpec): number {
  return spec.numLayers + spec.numDecoderLayers;
}

// ---------------------------------------------------------------------------------------------------------------
// Training

export interface TrainingBreakdown extends MemoryEstimate<TrainingComponent> {
  readonly trainableParameters: number;
  /** A paged optimizer's states in CUDA unified memory, outside PyTorch's allocator and the peak. */
  readonly pagedStateBytes: number;
  /** The pipeline stage the figures are for (the one that needs the most), and the other end stage's peak. */
  readonly stage: PipelineStage;
  readonly otherStagePeakBytes?: number;
}

function trainableTensors(spec: ModelSpec, settings: RunSettings): { tensors: readonly WeightTensor[]; count: number } {
  const all = settings.lora ? loraAdapters(spec, settings.lora.rank, settings.lora.targets, settings.lora.dora, settings.lora.ia3) : weightTensors(spec);
  const tensors = settings.trainedLayers === undefined ? all : inTrainedLayers(spec, all, settings.trainedLayers, !settings.lora);
  return { tensors, count: tensors.reduce((sum, t) => sum + numel(t), 0) };
}

/**
 * The share of `tensors` in the last `trained` blocks: a block's tensors are held once per layer (or per expert of
 * every layer). A full run there trains only the blocks; LoRA adapters outside the blocks (on the head) stay.
 */
function inTrainedLayers(spec: ModelSpec, tensors: readonly WeightTensor[], trained: number, blocksOnly: boolean): WeightTensor[] {
  const layers = Math.max(1, totalLayers(spec));
  const share = Math.min(trained, layers) / layers;
  // The copies held once per block (a norm tensor's count can add the final norm: 2·layers + 1).
  const perBlock = (t: WeightTensor) => (t.embeddingOrHead ? 0 : Math.floor(t.count / layers) * layers);
  return tensors
    .map(t => ({ t, blocks: perBlock(t) }))
    .filter(({ blocks }) => blocks > 0 || !blocksOnly)
    .map(({ t, blocks }) => (blocks > 0 ? { ...t, count: blocks * share + (blocksOnly ? 0 : t.count - blocks) } : t));
}

/**
 * Blocks a run passes through: a text-only run skips Llama 3.2 Vision's cross-attention layers; with images they
 * run, over the text tokens, and are counted as layers of their own (approximate: their keys and values come from the
 * images, counted apart).
 */
function textLayers(spec: ModelSpec, settings: RunSettings): number {
  return totalLayers(spec) - (settings.crossAttentionTokens ? 0 : (spec.crossAttentionLayers ?? 0));
}

/** Blocks that keep activations for backward: all, or the last `trainedLayers` (nothing before them needs a gradient). */
function blocksInBackward(spec: ModelSpec, settings: RunSettings): number {
  const layers = textLayers(spec, settings);
  return settings.trainedLayers === undefined ? layers : Math.min(layers, settings.trainedLayers);
}

/** The embedding and head tensors a LoRA run trains in full (modules_to_save); a tied head is the embedding, once. */
function savedModuleTensors(spec: ModelSpec, lora: LoraSettings | undefined): WeightTensor[] {
  if (!lora?.saved) {
    return [];
  }
  const wanted = lora.saved.modules;
  const copied = (t: WeightTensor) =>
    t.name === 'embed_tokens' ? wanted.includes('embeddings') || (spec.tieWordEmbeddings && wanted.includes('head')) : t.name === 'lm_head' && wanted.includes('head');
  return weightTensors(spec).filter(copied);
}

/**
 * Saved tensors torchtune's activation offloading keeps on the GPU while their copies to CPU memory are in flight
 * (OffloadActivations' max_fwd_stash_size default).
 */
export const OFFLOAD_STASH = 5;

/** GPUs in a node when nothing says: the 8 of an HGX or DGX board. */
const GPUS_PER_NODE = 8;

/** The GPUs ZeRO / FSDP shards over: all the data-parallel ones, or under hybrid sharding the file's group or a node's. */
function shardGroup(settings: RunSettings, dp: number): number {
  return settings.hybridShard ? Math.min(dp, settings.shardGroup ?? settings.gpusPerNode ?? GPUS_PER_NODE) : dp;
}

/** An interleaved schedule's first stage holds 1 + (p − 1) / (p · v) times 1F1B's activations (Megatron-LM's accounting). */
function interleavingPenalty(settings: RunSettings, pp: number): number {
  return pp > 1 && settings.virtualPipelineStages ? 1 + (pp - 1) / (pp * settings.virtualPipelineStages) : 1;
}

/** Which pipeline stage an estimate is for: the first (the embedding, the most micro-batches in flight), the last (the head and the loss), or the only one. */
export type PipelineStage = 'first' | 'last' | 'only';

/**
 * Training memory on one GPU. Under pipeline parallelism, on the stage that needs the most: the first holds the
 * embedding and a micro-batch in flight per stage, the last the output head, its gradient and the loss.
 */
export function estimateTraining(spec: ModelSpec, params: ParameterBreakdown, settings: RunSettings): TrainingBreakdown {
  if (Math.max(1, settings.pipelineParallel) === 1) {
    return trainingOnStage(spec, params, settings, 'only');
  }
  const first = trainingOnStage(spec, params, settings, 'first');
  const last = trainingOnStage(spec, params, settings, 'last');
  const worst = last.peakBytes > first.peakBytes ? last : first;
  return { ...worst, otherStagePeakBytes: worst === last ? first.peakBytes : last.peakBytes };
}

function trainingOnStage(spec: ModelSpec, params: ParameterBreakdown, runSettings: RunSettings, stage: PipelineStage): TrainingBreakdown {
  // Preference pairs run their chosen and rejected sequences through the model together: twice the sequences, whose
  // log-probabilities TRL takes from the 16-bit logits row by row (selective_log_softmax), not through an fp32 loss.
  const settings = runSettings.preference ? { ...runSettings, batchSize: runSettings.batchSize * 2, loss: runSettings.loss ?? ('cross-entropy-16bit' as const) } : runSettings;
  const shares = stageShares(spec, params, settings, stage);
  const states = modelStates(spec, params, settings, shares);
  const { activations, backwardWorkspace, headGradient } = stageActivations(spec, settings, stage, shares, states);
  const { gradients, optimizer, paged, stepTemporaries, trainable, savedCount, accumulatedGradients } = states;
  // DPO's reference model, where it is a frozen copy: the model's weights again, as they are held (TRL deep-copies the
  // model, and under ZeRO-3 prepares the copy with the same sharding).
  const weights = states.weights * (runSettings.preference?.reference === 'copy' ? 2 : 1);
  const { zero } = shares;
  // PyTorch's cuBLAS workspace is allocated at the first matmul and stays, through the optimizer step too.
  const blasWorkspace = settings.blasWorkspaceBytes ?? 0;

  // Peak: after forward (activations, plus gradients kept across accumulation steps) or at the optimizer
  // step (gradients plus step temporaries), over the weights and optimizer states that are always there.
  const keptGradients = !settings.optimizerInBackward && (settings.gradientAccumulationSteps > 1 || settings.torchMajor === 1) ? accumulatedGradients : 0;
  // DPO's reference forward runs (without gradients) while the policy's activations are held: its 16-bit logits over
  // every pair's tokens are alive at once, on the stage with the head.
  const reference = runSettings.preference?.reference;
  const referenceLogits = reference !== undefined && reference !== 'none' && spec.head === 'lm' && stage !== 'first' ? shares.tokens * spec.vocabSize * 2 : 0;
  const forwardPeak = activations + referenceLogits + backwardWorkspace + (settings.optimizerInBackward ? gradients : Math.max(keptGradients, headGradient));
  const stepPeak = gradients + stepTemporaries;
  // DeepSpeed's gradient reduce buffer: ZeRO-3 allocates it once, ZeRO-1/2 for each backward.
  const reduceBuffer = deepspeedReduceBufferBytes(spec, settings, zero);
  const held = zero >= 3 ? reduceBuffer : 0;
  const allocatedBytes = Math.round(weights + optimizer + blasWorkspace + held + Math.max(forwardPeak + reduceBuffer - held, stepPeak));

  const allocatorReserve = Math.round(allocatedBytes * (settings.allocatorReserve ?? TRAINING_ALLOCATOR_RESERVE));
  const cudaContext = settings.cudaOverheadBytes;
  return {
    components: {
      weights: Math.round(weights),
      gradients: Math.round(Math.max(gradients, keptGradients) + reduceBuffer),
      optimizer: Math.round(optimizer),
      activations: Math.round(activations + referenceLogits + backwardWorkspace + blasWorkspace),
      allocatorReserve,
      cudaContext,
    },
    allocatedBytes,
    peakBytes: allocatedBytes + allocatorReserve + cudaContext,
    trainableParameters: trainable + savedCount,
    pagedStateBytes: Math.round(paged),
    stage,
  };
}

/** How a stage's model divides over its GPUs: the parallel degrees, and the share of the model one GPU holds. */
interface StageShares {
  readonly tp: number;
  readonly pp: number;
  readonly dp: number;
  /** The ZeRO stage in effect (none on one data-parallel GPU). */
  readonly zero: number;
  readonly layers: number;
  /** Tokens per GPU: the micro-batch's, over context parallelism. */
  readonly tokens: number;
  /** The stage's share of the whole model, over tensor parallelism. */
  readonly modelShare: number;
  /** The same, less the routed experts other expert-parallel GPUs hold. */
  readonly heldShare: number;
  /** The routed expert parameters of the whole model that other expert-parallel GPUs hold. */
  readonly routedElsewhere: number;
  /** The share held before ZeRO shards from `shardedFrom` on. */
  readonly shareUnder: (shardedFrom: number) => number;
}

function stageShares(spec: ModelSpec, params: ParameterBreakdown, settings: RunSettings, stage: PipelineStage): StageShares {
  const tp = Math.max(1, settings.tensorParallel);
  const pp = Math.max(1, settings.pipelineParallel);
  const dp = dataParallelDegree(settings);
  // One data-parallel GPU leaves ZeRO nothing to shard, but DeepSpeed runs its own layout there too: 16-bit weights and
  // gradients, the fp32 master weights with the optimizer, its buffers, its offload.
  const zero = dp > 1 || settings.deepspeed ? settings.zeroStage : 0;
  // Context parallelism splits every sequence over its group: each GPU holds its share of the tokens.
  const tokens = (settings.batchSize * settings.sequenceLength) / Math.max(1, settings.contextParallel ?? 1);
  const layers = totalLayers(spec);
  // Model-parallel share held by one GPU: its 1/pp of the blocks and, on the first (or last) pipeline stage, the
  // embedding (or the output head, whichever is larger), all split over tensor parallelism.
  const blockParams = params.total - params.embeddings - params.head;
  // The last stage's head is the embedding's tied copy where the model ties them.
  const ends = stage === 'first' ? params.embeddings : stage === 'last' ? (params.head > 0 ? params.head : params.embeddings) : 0;
  const stageParams = stage === 'only' ? params.total : blockParams / pp + ends;
  const modelShare = stageParams / Math.max(1, params.total) / tp;
  // Expert parallelism: the routed experts of the stage split over the expert-parallel GPUs. What ZeRO shards over
  // every data-parallel GPU is the same either way (expert states shard over the 1/ep of them that share experts).
  const ep = spec.moe ? Math.max(1, settings.expertParallel ?? 1) : 1;
  // The routed expert parameters of the whole model that other expert-parallel GPUs hold (a stage holds 1/pp of them).
  const routedElsewhere = ep > 1 ? routedExpertParams(spec) * (1 - 1 / ep) : 0;
  const heldShare = ((stageParams - routedElsewhere / pp) / Math.max(1, params.total)) / tp;
  const shareUnder = (shardedFrom: number) => (zero >= shardedFrom ? modelShare : heldShare);
  return { tp, pp, dp, zero, layers, tokens, modelShare, heldShare, routedElsewhere, shareUnder };
}

/** The model states one GPU holds, as LoRA, mixed precision, ZeRO / FSDP sharding and offload leave them. */
interface ModelStates {
  readonly weights: number;
  readonly gradients: number;
  /** Gradients held between micro-batches: sharded, unless FSDP accumulates them whole (no_sync). */
  readonly accumulatedGradients: number;
  readonly optimizer: number;
  readonly paged: number;
  readonly stepTemporaries: number;
  /** Autocast's 16-bit copies of fp32 weights, kept from forward to backward. */
  readonly autocastCopies: number;
  /** Weights gathered for compute under ZeRO-3 / FSDP, or brought back from CPU memory. */
  readonly gatheredWeights: number;
  readonly trainable: number;
  /** Parameters of the modules PEFT trains whole beside the adapters (modules_to_save). */
  readonly savedCount: number;
  readonly gradientBytesPerParam: number;
}

function modelStates(spec: ModelSpec, params: ParameterBreakdown, settings: RunSettings, shares: StageShares): ModelStates {
  return shardedStates(spec, params, settings, shares, unshardedStates(spec, params, settings, shares));
}

/** The states before ZeRO / FSDP shards them, and the share of the trainable tensors one GPU holds. */
type UnshardedStates = Omit<ModelStates, 'accumulatedGradients' | 'gatheredWeights'> & { readonly trainableShare: number };

/** The states before ZeRO / FSDP shards them: trained weights or LoRA's frozen base, gradients, optimizer states. */
function unshardedStates(spec: ModelSpec, params: ParameterBreakdown, settings: RunSettings, shares: StageShares): UnshardedStates {
  const layout = precisionLayout(settings.precision);
  const { zero, modelShare, heldShare, shareUnder } = shares;
  const { tensors: trainableList, count: trainable } = trainableTensors(spec, settings);
  // DeepSpeed/FSDP mixed precision: 16-bit weights and gradients, fp32 master weights with the optimizer
  // (ZeRO paper: 2 + 2 + K bytes per parameter, K = 12 for Adam). Megatron-Core lays its weights out so whether
  // or not its distributed optimizer shards them (16-bit weights, fp32 main weights in the optimizer).
  const shardedMixed = !settings.lora && (zero > 0 || settings.megatronCore === true) && layout.autocastCopyBytes > 0;
  // Share of the trainable tensors one GPU holds (LoRA adapters are small and counted whole), of their gradients
  // and of their optimizer states, before ZeRO shards them.
  const trainableShare = settings.lora ? 1 : shareUnder(3);
  const gradientShare = settings.lora ? 1 : shareUnder(2);
  const stateShare = settings.lora ? 1 : shareUnder(1);
  // mlx-lm's adapters are fp32 whatever the base dtype, and so are their gradients and optimizer states.
  const trainLayout = settings.lora?.fp32Adapters ? { ...layout, weightBytes: 4, gradientBytes: 4, stateBytes: 4 } : layout;
  const gradientBytesPerParam = shardedMixed ? (settings.fp32Gradients ? 4 : 2) : trainLayout.gradientBytes;

  // Weights: fully trained in the recipe's dtype; under LoRA the frozen base stays in 16 bits (or quantized).
  let weights: number;
  let autocastCopies = 0;
  if (settings.lora) {
    const frozenBytes = inferenceWeightBytes(settings.precision === 'fp8' ? 'bf16-mixed' : settings.precision);
    const frozenBase = weightBytes(spec, frozenBytes, settings.quantization, weightLayout(settings));
    weights = frozenBase * shareUnder(3) + trainable * trainLayout.weightBytes;
  } else if (shardedMixed) {
    weights = params.total * 2 * trainableShare;
  } else {
    weights = params.total * layout.weightBytes * trainableShare;
    // FSDP's own mixed precision (accelerate's, even where one GPU leaves nothing to shard) casts each unit's weights
    // as it gathers them and lets them go after its forward: autocast finds 16-bit weights and keeps no copies.
    autocastCopies = settings.fsdpVersion === undefined ? layout.autocastCopyBytes * (params.total - params.embeddings) * heldShare : 0;
  }
  let gradients = trainable * gradientBytesPerParam * gradientShare;
  let optimizer = optimizerStateBytes(settings, trainLayout, trainableList) * stateShare;
  if (shardedMixed) {
    optimizer += trainable * 4 * stateShare; // fp32 master weights live with the optimizer states
  }
  let paged = pagedStateBytes(settings, trainLayout, trainableList) * stateShare;
  let stepTemporaries = optimizerStepTemporaryBytes(settings, trainLayout, trainableList, trainable) * stateShare;
  // modules_to_save: PEFT keeps the original frozen and trains a full copy, with its gradient and optimizer states,
  // in the dtype the model was loaded in.
  const saved = savedModuleTensors(spec, settings.lora);
  const savedCount = saved.reduce((sum, t) => sum + numel(t), 0);
  if (savedCount > 0) {
    const bytes = settings.lora!.saved!.bytes;
    const savedLayout = { ...layout, weightBytes: bytes, gradientBytes: bytes, stateBytes: bytes };
    weights += savedCount * bytes * modelShare;
    gradients += savedCount * bytes * modelShare;
    optimizer += optimizerStateBytes(settings, savedLayout, saved) * modelShare;
    paged += pagedStateBytes(settings, savedLayout, saved) * modelShare;
    stepTemporaries += optimizerStepTemporaryBytes(settings, savedLayout, saved, savedCount) * modelShare;
  }

  // Optimizer in backward (torchtune): each parameter is stepped, and its gradient freed, as soon as that gradient
  // is ready; one parameter's gradient (and its step's temporaries) at a time, at most the largest.
  if (settings.optimizerInBackward) {
    const largest = [...trainableList, ...saved].reduce((m, t) => Math.max(m, t.inFeatures * t.outFeatures), 0);
    gradients = largest * gradientBytesPerParam * trainableShare;
    stepTemporaries = Math.min(stepTemporaries, largest * layout.stateBytes * trainableShare);
  }
  // ZeRO-Offload keeps the optimizer states (with the master weights) in CPU memory and steps there.
  if (settings.offloadOptimizer) {
    optimizer = 0;
    paged = 0;
    stepTemporaries = 0;
  }
  return { weights, gradients, optimizer, paged, stepTemporaries, autocastCopies, trainable, savedCount, gradientBytesPerParam, trainableShare };
}

/**
 * The states as ZeRO partitions them over the data-parallel GPUs: optimizer states (1), then gradients (2), then
 * weights (3), each layer's weights gathered for compute; with parameters offloaded, only the gathered layers stay.
 */
function shardedStates(spec: ModelSpec, params: ParameterBreakdown, settings: RunSettings, shares: StageShares, held: UnshardedStates): ModelStates {
  const { tp, dp, zero, layers, modelShare, routedElsewhere } = shares;
  const { trainableShare, gradientBytesPerParam, autocastCopies, trainable, savedCount } = held;
  let { weights, gradients, optimizer, paged, stepTemporaries } = held;
  let gatheredWeights = 0;
  // Hybrid sharding shards within a node and replicates across nodes.
  const shards = shardGroup(settings, dp);
  if (zero >= 1) {
    optimizer /= shards;
    paged /= shards;
    stepTemporaries /= shards;
  }
  const unshardedGradients = gradients;
  if (zero >= 2) {
    gradients /= shards;
  }
  // Gradients held between micro-batches: sharded under ZeRO-2/3, unless FSDP accumulates them unsharded (no_sync).
  let accumulatedGradients = settings.unshardedAccumulation && settings.gradientAccumulationSteps > 1 ? unshardedGradients : gradients;
  const perLayerParams = (params.total - params.embeddings - params.head - params.vision) / Math.max(1, layers);
  // Gathered for compute, in 16 bits: FSDP's current and prefetched layer; DeepSpeed's current module and its
  // prefetch bucket.
  // Under expert parallelism a layer gathers only the routed experts its GPU holds.
  const perLayerGathered = perLayerParams - routedElsewhere / Math.max(1, layers);
  // Float8 all-gather: FSDP gathers the linear weights (nearly all of a block's) in 1 byte.
  const gatheredBytes = settings.float8AllGather ? 1 : 2;
  const gathered = settings.deepspeed ? deepspeedGatheredBytes(spec, settings) / tp : Math.min(2, layers) * perLayerGathered * gatheredBytes * modelShare;
  if (zero >= 3) {
    const unsharded = weights;
    weights /= shards;
    gatheredWeights = Math.min(gathered, unsharded - weights); // never more than was sharded away
  }
  // Parameters offloaded to CPU memory (FSDP CPUOffload, ZeRO-3's offload_param): only the gathered layers are on the GPU.
  if (settings.offloadParameters) {
    gatheredWeights = gathered;
    weights = 0;
  }
  const lastTwoLayers = Math.min(2, layers) * perLayerParams * gradientBytesPerParam * trainableShare;
  ({ gradients, accumulatedGradients } = offloadedGradients(spec, settings, shares, { gradients, accumulatedGradients, unshardedGradients, gradientBytesPerParam, lastTwoLayers, shards }));
  return { weights, gradients, accumulatedGradients, optimizer, paged, stepTemporaries, autocastCopies, gatheredWeights, trainable, savedCount, gradientBytesPerParam };
}

/** The gradients a GPU holds at their peak and between micro-batches, before offload has its say. */
interface HeldGradients {
  readonly gradients: number;
  readonly accumulatedGradients: number;
  /** The gradients before ZeRO-2/3 shards them. */
  readonly unshardedGradients: number;
  readonly gradientBytesPerParam: number;
  /** The current and the previous layer's gradients: what is on its way out when each leaves as backward makes it. */
  readonly lastTwoLayers: number;
  /** The GPUs ZeRO / FSDP shards over (shardGroup). */
  readonly shards: number;
}

/**
 * The gradients a GPU holds once offload sends them to CPU memory.
 * - Parameters offloaded (FSDP2's CPUOffloadPolicy, ZeRO-3's offload_param): each layer's gradients leave as backward
 *   produces them, the current and the previous layer's at most. FSDP1 copies each unit's reduced shard to CPU memory
 *   but keeps it on the GPU, in the parameters' dtype, until backward ends (`_saved_grad_shard`; on one GPU, which it
 *   runs NO_SHARD, the whole gradient); between micro-batches they are in CPU memory unless no_sync keeps them whole.
 * - DeepSpeed's ZeRO-Offload (offload_optimizer under ZeRO-2/3) accumulates the gradient partitions in CPU memory, where
 *   the optimizer steps: they leave through the reduce buckets (DeepSpeed's buffers, counted apart), under ZeRO-2
 *   through a buffer the size of the largest parameter too, and none stays on the GPU between micro-batches.
 */
function offloadedGradients(spec: ModelSpec, settings: RunSettings, shares: StageShares, held: HeldGradients): { gradients: number; accumulatedGradients: number } {
  const { tp, dp, zero } = shares;
  if (settings.deepspeed && settings.offloadOptimizer && zero >= 2) {
    return { gradients: zero === 2 ? (largestTensorElements(spec) * (settings.precision === '32-true' ? 4 : 2)) / tp : 0, accumulatedGradients: 0 };
  }
  if (!settings.offloadParameters) {
    return held;
  }
  if (settings.fsdpVersion === 1) {
    return {
      gradients: ((held.unshardedGradients / Math.max(1, held.gradientBytesPerParam)) * precisionLayout(settings.precision).weightBytes) / (zero >= 2 ? held.shards : 1),
      accumulatedGradients: settings.unshardedAccumulation && dp > 1 ? held.accumulatedGradients : 0,
    };
  }
  return { gradients: Math.min(held.gradients, held.lastTwoLayers), accumulatedGradients: held.accumulatedGradients };
}

/** What a stage keeps from forward for backward, what backward's first steps allocate, and the head's gradient. */
function stageActivations(
  spec: ModelSpec,
  settings: RunSettings,
  stage: PipelineStage,
  shares: StageShares,
  states: ModelStates,
): { activations: number; backwardWorkspace: number; headGradient: number } {
  const layout = precisionLayout(settings.precision);
  const { tp, pp, layers, tokens } = shares;
  const { autocastCopies, gatheredWeights, gradientBytesPerParam } = states;
  const perLayer = activationBytesPerLayer(spec, settings, tokens);
  // What one layer saves without any recomputation: what checkpointing brings back, one layer at a time.
  const perLayerFull = settings.checkpointing === 'none' ? perLayer : activationBytesPerLayer(spec, { ...settings, checkpointing: 'none' }, tokens);
  // Pipeline parallelism: the first stage holds its L/p layers for the micro-batches in flight. 1F1B: one per stage
  // (no more than the step has), the last stage only the one it is computing; GPipe: every micro-batch of the step on
  // every stage.
  const interleaving = interleavingPenalty(settings, pp);
  const microbatches = Math.max(1, settings.gradientAccumulationSteps);
  const inFlightOnStage = settings.pipelineSchedule === 'gpipe' ? microbatches : stage === 'first' ? Math.min(pp, microbatches) * interleaving : 1;
  const layersHeld = stage === 'only' ? blocksInBackward(spec, settings) : (layers / pp) * inFlightOnStage;
  // Full checkpointing keeps each layer's input; the first layer's input is the embedding output, counted below.
  // Offloaded to CPU memory, only the inputs still being copied stay on the GPU.
  const checkpointsOnGpu = settings.activationOffloading ? Math.min(OFFLOAD_STASH, layersHeld - 1) : layersHeld - 1;
  // torchtitan's layer-wise selective checkpointing (selective_ac_option "k"): every k-th block is checkpointed whole,
  // the others keep everything.
  const everyK = settings.checkpointing === 'selective' ? (settings.checkpointEvery ?? 0) : 0;
  const wholeBlocks = everyK > 0 ? Math.floor(layersHeld / everyK) : 0;
  const residual = (layout.residualBytes * tokens * spec.hiddenSize) / sequenceSplit(settings);
  // Megatron-LM's recompute methods: a group of N blocks per kept input (uniform), or only N blocks of each stage
  // recomputed (block), for each micro-batch in flight.
  const group = settings.checkpointing === 'full' && settings.recomputeMethod ? Math.max(1, settings.recomputeLayers ?? 1) : 1;
  const blocksPerStage = pp > 1 ? layers / pp : layersHeld;
  const inFlight = layersHeld / Math.max(1, blocksPerStage);
  const recomputedBlocks = settings.recomputeMethod === 'block' ? Math.min(group, blocksPerStage) : blocksPerStage;
  const layerActivations =
    settings.checkpointing === 'full' && settings.recomputeMethod === 'block'
      ? inFlight * (recomputedBlocks * residual + (blocksPerStage - recomputedBlocks) * perLayerFull)
      : settings.checkpointing === 'full'
      ? Math.max(0, group > 1 ? Math.ceil(layersHeld / group) : checkpointsOnGpu) * residual
      : everyK > 0
        ? wholeBlocks * residual + (layersHeld - wholeBlocks) * perLayerFull
        : layersHeld * perLayer;
  const embeddingOutput = residual;
  // Backward starts with the loss buffers (on the last pipeline stage); each layer's backward then allocates
  // gradients about the size of what that layer saved, after recomputing what it did not keep (all of it under
  // full checkpointing, the attention core under selective).
  // What the card has free when the loss first runs (unsloth's fused loss sizes its chunks by it): no optimizer state yet.
  const freeAtLoss = (settings.deviceBytes ?? Infinity) - settings.cudaOverheadBytes - states.weights - gatheredWeights - layerActivations - embeddingOutput;
  const loss = stage === 'first' ? 0 : lossBytes(spec, tokens, settings, freeAtLoss) / tp;
  const recomputed = perLayerFull - (settings.checkpointing === 'full' || everyK > 0 ? 0 : perLayer);
  // A uniform group of N blocks is recomputed at once: N blocks' activations while its backward runs.
  const recomputedGroup = settings.recomputeMethod === 'uniform' ? group : 1;
  // unsloth's kernels write most of their gradients in place: far less than the layer kept.
  const gradientsInBackward = runsUnslothKernels(spec, settings) ? unslothBackwardBytes(spec, tokens) / tp : perLayerFull * recomputedGroup;
  const backwardWorkspace = spec.convnet ? 0 : Math.max(gradientsInBackward + recomputed, loss);
  // Fully trained, the output head's gradient is there from the start of backward (LoRA's head adapter is tiny).
  const headGradient = spec.head === 'lm' && stage !== 'first' && !settings.lora && settings.trainedLayers === undefined ? (spec.vocabSize * spec.hiddenSize * gradientBytesPerParam) / tp : 0;
  // A quantized base layer's backward dequantizes its weight into a 16-bit buffer, one layer at a time (MLX's
  // quantized matmul reads the packed weights as they are); a quantized bitsandbytes head also keeps its input.
  const dequantBuffer = settings.lora && settings.quantization && !isGguf(settings.quantization) && !isMlx(settings.quantization) ? (largestLinear(spec, settings.quantizeHead) * layout.computeBytes) / tp : 0;
  const headInput = settings.quantizeHead && spec.head === 'lm' && quantizedBaseSavesInput(settings) ? (layout.computeBytes * tokens * spec.hiddenSize) / tp : 0;
  // A UNet or a VAE keeps feature maps, not per-token layer activations: counted per block (unet.ts), approximate.
  const convnet = spec.convnet ? convNetTrainingActivationBytes(spec, settings, layout.computeBytes) : undefined;
  const activations =
    (convnet ?? layerActivations + embeddingOutput + dequantBuffer + headInput) + autocastCopies + gatheredWeights + towerActivations(spec, settings, true) + imageStates(spec, settings, true);
  return { activations, backwardWorkspace, headGradient };
}

// ---------------------------------------------------------------------------------------------------------------
// Inference

/** Tokens the KV cache holds per sequence in a full-attention layer, and in a sliding-window layer. */
export function cachedTokens(spec: ModelSpec, settings: RunSettings): { full: number; sliding: number } {
  const total = settings.sequenceLength + settings.newTokens;
  return { full: total, sliding: spec.slidingWindow !== undefined ? Math.min(spec.slidingWindow, total) : total };
}

/**
 * Cached elements per token per layer. HF transformers caches latent attention (DeepSeek MLA) expanded to full
 * per-head keys and values; vLLM, SGLang and llama.cpp cache the compressed latent (kv_lora_rank + rope dims).
 */
export function kvCacheElementsPerToken(spec: ModelSpec, settings?: Pick<RunSettings, 'serving'>): number {
  if (spec.mla) {
    if (settings && settings.serving !== 'hf') {
      return spec.mla.kvLoraRank + spec.mla.qkRopeHeadDim;
    }
    return spec.numHeads * (spec.mla.qkNopeHeadDim + spec.mla.qkRopeHeadDim + spec.mla.vHeadDim);
  }
  return 2 * spec.numKvHeads * spec.headDim;
}

/** Bytes per cached element: the compute dtype, fp8, or llama.cpp's block-quantized cache types. */
export function kvElementBytes(type: KvCacheType, precision: Precision, headDim = 128): number {
  switch (type) {
    case 'fp8':
      return 1;
    case 'token-head-8bit':
      return 1 + 4 / headDim;
    case 'q8_0':
      return 34 / 32;
    case 'q4_0':
      return 18 / 32;
    case 'auto':
      return precision === '32-true' ? 4 : 2;
  }
}

/**
 * What a recurrent model (Mamba, Mamba2, RWKV) has in place of attention's terms: the state one sequence carries (at
 * `elementBytes` for what is not fp32), the bytes a block keeps for backward per token, and the widest transient of a
 * block per prompt token, in elements (Mamba's input projection's two streams and the scan over them; RWKV's time-mix
 * projections or its channel mix's key and square).
 */
interface RecurrentTerms {
  stateBytes(elementBytes: number): number;
  savedPerToken(computeBytes: number): number;
  readonly transientWidth: number;
}

function recurrentTerms(spec: ModelSpec): RecurrentTerms | undefined {
  if (spec.ssm) {
    return { stateBytes: e => ssmStateElements(spec) * e, savedPerToken: c => ssmActivationBytesPerToken(spec, c), transientWidth: 4 * spec.ssm.inner };
  }
  if (spec.rwkv) {
    const r = spec.rwkv;
    return { stateBytes: e => rwkvStateBytes(spec, e), savedPerToken: c => rwkvActivationBytesPerToken(spec, c), transientWidth: Math.max(5 * r.attention, 2 * r.intermediate) };
  }
  return undefined;
}

/**
 * Gemma 4's caching layers, counted in layers of its sliding kind: the sliding layers that keep keys and values of
 * their own (KV-shared layers read an earlier layer's), and the global ones, each as its width per token over a
 * sliding layer's (a 31B global layer, 4 KV heads of 512 against 16 of 256, as half a layer; one whose keys serve as
 * values still caches both), with each kind's heads on one GPU under tensor parallelism (at least one).
 */
export function gemma4CachedLayers(spec: ModelSpec, g: Gemma4Layout, tensorParallel = 1): { sliding: number; global: number } {
  const here = (heads: number) => Math.max(1, Math.floor(heads / Math.max(1, tensorParallel)));
  const width = (here(g.globalKvHeads) * g.globalHeadDim) / (here(spec.numKvHeads) * spec.headDim);
  return { sliding: spec.slidingLayers - g.sharedSliding, global: (spec.numLayers - spec.slidingLayers - g.sharedGlobal) * width };
}

/**
 * The layers a serving engine caches keys and values in for every token, counted in layers of the model's own kind: a
 * hybrid's attention layers (its recurrent ones keep none; a state-space model has none), less Llama 3.2 Vision's
 * cross-attention layers (they cache the image, not the tokens), Gemma 4's at their width in sliding layers with each
 * kind's heads on one GPU under `tensorParallel` (gemma4CachedLayers).
 */
export function cachedAttentionLayers(spec: ModelSpec, tensorParallel = 1): number {
  if (spec.gemma4) {
    const g = gemma4CachedLayers(spec, spec.gemma4, tensorParallel);
    return g.sliding + g.global;
  }
  const stateSpaceOnly = !spec.hybrid && spec.ssm !== undefined;
  return stateSpaceOnly ? 0 : attentionLayersOf(spec) - (spec.crossAttentionLayers ?? 0);
}

/** The layers with attention: a hybrid's attention layers, Nemotron-NAS's blocks with attention, else every layer. */
function attentionLayersOf(spec: ModelSpec): number {
  return spec.hybrid?.attentionLayers ?? (spec.nas ? nasAttentionLayers(spec.nas) : spec.numLayers);
}

/**
 * DeepSeek-V4's cache of one sequence of `tokens` in transformers' layout, in elements: in every layer the shared key and
 * value of the last sliding_window − 1 tokens; in a CSA layer one compressed entry and one indexer key per csaRate
 * tokens, in an HCA layer one compressed entry per hcaRate tokens (the tokens of a window still open, fewer than a
 * window, aside).
 */
function deepseekV4CacheElements(spec: ModelSpec, v: DeepseekV4Layout, tokens: number): number {
  const window = Math.min(tokens, v.slidingWindow - 1);
  return spec.numLayers * window * spec.headDim + v.csaLayers * Math.floor(tokens / v.csaRate) * (spec.headDim + v.indexHeadDim) + v.hcaLayers * Math.floor(tokens / v.hcaRate) * spec.headDim;
}

/** KV cache: 2 (K and V) · layers · KV heads · head dim · tokens · batch · bytes, in the framework's layout. */
export function kvCacheBytes(spec: ModelSpec, settings: RunSettings): number {
  if (spec.encoderOnly) {
    return 0;
  }
  const recurrent = recurrentTerms(spec);
  if (recurrent) {
    // A recurrent model keeps no keys or values: each sequence carries its state, whatever its length.
    return Math.round((recurrent.stateBytes(kvElementBytes('auto', settings.precision)) * settings.batchSize) / Math.max(1, settings.tensorParallel));
  }
  const elementBytes = kvElementBytes(settings.kvCacheType, settings.precision);
  const tp = Math.max(1, settings.tensorParallel);
  if (spec.deepseekV4) {
    return Math.round((deepseekV4CacheElements(spec, spec.deepseekV4, cachedTokens(spec, settings).full) * elementBytes * settings.batchSize) / tp);
  }
  const perToken = kvCacheElementsPerToken(spec, settings) * elementBytes * settings.batchSize;
  if (spec.encoderDecoder) {
    // Decoder self-attention over generated tokens plus cross-attention over the encoded input.
    return Math.round((spec.numDecoderLayers * perToken * (settings.newTokens + settings.sequenceLength)) / tp);
  }
  // vLLM allocates the cache in blocks of 16 tokens.
  const blocks = (n: number) => (settings.serving === 'vllm' ? Math.ceil(n / 16) * 16 : n);
  const { full, sliding } = cachedTokens(spec, settings);
  if (spec.gemma4) {
    const g = gemma4CachedLayers(spec, spec.gemma4);
    return Math.round((perToken * (g.sliding * blocks(sliding) + g.global * blocks(full))) / tp);
  }
  // A hybrid's Mamba layers keep no keys or values, but a recurrent state per sequence, whatever its length.
  const mambaLayers = spec.hybrid?.mambaLayers ?? 0;
  const attentionLayers = attentionLayersOf(spec);
  const tokenLayers = (attentionLayers - (spec.crossAttentionLayers ?? 0) - spec.slidingLayers) * blocks(full) + spec.slidingLayers * blocks(sliding);
  // Llama 3.2 Vision's cross-attention layers cache the keys and values of the images' tiles, once per sequence.
  const imageLayers = (spec.crossAttentionLayers ?? 0) * (settings.crossAttentionTokens ?? 0);
  const state = spec.hybrid ? mambaLayers * mambaLayerState(spec.hybrid.mixer) * kvElementBytes('auto', settings.precision) * settings.batchSize : 0;
  return Math.round((perToken * (tokenLayers + imageLayers) + state) / tp);
}

/** The largest transient workspace of one layer during prefill, plus the logits of the last position. */
function inferenceActivationBytes(spec: ModelSpec, settings: RunSettings): number {
  if ((spec.dit || spec.mmdit || spec.crossDit) && settings.guidance) {
    // Classifier-free guidance runs each denoising step over the batch twice, with and without the prompt.
    return inferenceActivationBytes(spec, { ...settings, batchSize: 2 * settings.batchSize, guidance: false });
  }
  if (spec.convnet) {
    return convNetInferenceActivationBytes(spec, settings, settings.precision === '32-true' ? 4 : 2);
  }
  const recurrent = recurrentTerms(spec);
  if (recurrent) {
    // A recurrent block's largest transient over the prompt, beside its input and output, plus the last logits.
    const c = settings.precision === '32-true' ? 4 : 2;
    const tokens = settings.batchSize * settings.sequenceLength;
    return (c * tokens * (2 * spec.hiddenSize + recurrent.transientWidth) + settings.batchSize * spec.vocabSize * (c + 4)) / Math.max(1, settings.tensorParallel);
  }
  const c = settings.precision === '32-true' ? 4 : 2;
  const b = settings.batchSize;
  const s = settings.sequenceLength;
  const tokens = b * s;
  const h = spec.hiddenSize;
  const residual = 2 * c * tokens * h;
  const attnInner = spec.numHeads * spec.headDim;
  const attention =
    settings.attention === 'sdpa'
      ? 4 * c * tokens * attnInner
      : 3 * c * tokens * attnInner + (c + 4 + c) * b * spec.numHeads * s * s;
  const routedTokens = spec.moe ? tokens * spec.moe.expertsPerToken : tokens;
  const ffnWidth = spec.moe ? Math.max(spec.moe.expertIntermediate, spec.intermediateSize / spec.moe.expertsPerToken) : spec.intermediateSize;
  // Live FFN tensors at once: gate, up and their product; or fc1 output and activation output, with two more
  // temporaries when the activation is a Python tanh-GELU formula.
  const ffnTensors = spec.mlp === 'gated' ? 3 : spec.pythonGelu ? 4 : 2;
  const mlp = ffnTensors * c * routedTokens * ffnWidth;
  // A quantized model dequantizes one linear layer at a time into a 16-bit buffer.
  const dequantBuffer = settings.quantization && !isGguf(settings.quantization) ? largestLinear(spec, settings.quantizeHead) * 2 : 0;
  const logits = spec.head === 'lm' ? b * spec.vocabSize * (c + 4) : 0;
  return (residual + Math.max(attention, mlp) + dequantBuffer + logits) / Math.max(1, settings.tensorParallel);
}

/** DeepSpeed's values for the buffers its config leaves unset (deepspeed/runtime/zero/config.py). */
const DEEPSPEED_DEFAULTS = { reduceBucket: 5e8, prefetchBucket: 5e7, maxLiveParameters: 1e9 } as const;

/** A DeepSpeed bucket size: as written, HF Trainer's 'auto' (from the hidden size), or DeepSpeed's default. */
function bucketElements(written: number | 'auto' | undefined, auto: number, fallback: number): number {
  return written === 'auto' ? auto : written ?? fallback;
}

/** DeepSpeed's gradient reduce buffer: `reduce_bucket_size` elements, and how many such buffers. */
function deepspeedReduceBuffer(spec: ModelSpec, settings: RunSettings, zero: number): { elements: number; buffers: number } {
  const elements = bucketElements(settings.reduceBucketSize, spec.hiddenSize ** 2, DEEPSPEED_DEFAULTS.reduceBucket);
  return { elements, buffers: zero <= 2 && settings.overlapComm === true ? 2 : 1 };
}

/**
 * DeepSpeed's gradient reduce buffer, bytes: `reduce_bucket_size` gradient elements in the parameters' 16-bit dtype,
 * doubled by `overlap_comm` under ZeRO-1/2 (stage_1_and_2.py's setup_buckets; stage3.py allocates one). 0 unless
 * DeepSpeed shards the run (`zero` > 0) with `contiguous_gradients`.
 */
function deepspeedReduceBufferBytes(spec: ModelSpec, settings: RunSettings, zero: number): number {
  if (!settings.deepspeed || zero === 0 || settings.contiguousGradients === false) {
    return 0;
  }
  const { elements, buffers } = deepspeedReduceBuffer(spec, settings, zero);
  return elements * (settings.precision === '32-true' ? 4 : 2) * buffers;
}

/** The elements of the model's largest weight tensor (the embedding or head included), which DeepSpeed sizes buffers by. */
function largestTensorElements(spec: ModelSpec): number {
  return weightTensors(spec).reduce((m, t) => Math.max(m, t.inFeatures * t.outFeatures), 0);
}

/**
 * What DeepSpeed's ZeRO-3 holds gathered, bytes (before tensor parallelism): the module being computed — the largest
 * is the worst, the embedding or head included — and the prefetch bucket ahead of it, within
 * `stage3_max_live_parameters` (which never stops the current module from being gathered).
 */
function deepspeedGatheredBytes(spec: ModelSpec, settings: RunSettings): number {
  const largest = largestTensorElements(spec);
  const prefetch = bucketElements(settings.prefetchBucketSize, Math.floor(0.9 * spec.hiddenSize ** 2), DEEPSPEED_DEFAULTS.prefetchBucket);
  const live = settings.maxLiveParameters ?? DEEPSPEED_DEFAULTS.maxLiveParameters;
  return Math.max(largest, Math.min(live, largest + prefetch)) * 2;
}

/** What DeepSpeed's buffers hold, with the config keys that size them. */
function deepspeedNote(spec: ModelSpec, settings: RunSettings): string {
  const zero = settings.zeroStage;
  const { elements, buffers } = deepspeedReduceBuffer(spec, settings, zero);
  const bytes = deepspeedReduceBufferBytes(spec, settings, zero);
  const reduce = bytes === 0 ? 'no reduce buffer (`contiguous_gradients` off)' : `gradients reduce through ${formatBytes(bytes)} of buffer (\`reduce_bucket_size\` ${Math.round(elements).toLocaleString('en-US')} elements${buffers > 1 ? ', twice for `overlap_comm`' : ''}${zero >= 3 ? ', allocated once' : ', during backward'})`;
  const gathered = zero >= 3 || settings.offloadParameters
    ? `; parameters are gathered module by module, the largest with its prefetch bucket (\`stage3_prefetch_bucket_size\`) within \`stage3_max_live_parameters\`: ${formatBytes(deepspeedGatheredBytes(spec, settings) / Math.max(1, settings.tensorParallel))} at most`
    : '';
  return `DeepSpeed ZeRO-${zero}: ${reduce}${gathered}. Its "auto" values are the ones HF's Trainer writes in (hidden size² and 0.9 × hidden size²).${zero3InitNote(spec, settings)}`;
}

/** What accelerate's `zero3_init_flag` changes: where the model is whole while it loads (CPU memory, not the GPU). */
function zero3InitNote(spec: ModelSpec, settings: RunSettings): string {
  if (settings.zeroStage < 3 || settings.zero3Init === undefined) {
    return '';
  }
  if (settings.zero3Init) {
    return ' ZeRO-3 init (`zero3_init_flag`): the model is sharded as it is built, so no process holds it whole.';
  }
  const perProcess = countParameters(spec).total * inferenceWeightBytes(settings.precision);
  const perNode = Math.min(settings.gpus, settings.gpusPerNode ?? 8);
  return ` Without ZeRO-3 init (\`zero3_init_flag\` false), each process first loads the whole model into CPU memory before DeepSpeed shards it: ${formatBytes(perProcess)} each, ${formatBytes(perProcess * perNode)} on a node of ${perNode} (host memory; the GPU peak is as shown).`;
}

/** The largest quantized linear layer (the output head only where it is quantized too). */
function largestLinear(spec: ModelSpec, quantizeHead = false): number {
  return weightTensors(spec).reduce(
    (m, t) => (t.linear && (!t.embeddingOrHead || (quantizeHead && t.target === 'head')) ? Math.max(m, t.inFeatures * t.outFeatures) : m),
    0,
  );
}

export function estimateInference(spec: ModelSpec, settings: RunSettings): MemoryEstimate<InferenceComponent> {
  const tp = Math.max(1, settings.tensorParallel);
  const weights = Math.round(
    weightBytes(spec, inferenceWeightBytes(settings.precision), settings.quantization, weightLayout(settings)) / tp,
  );
  const kvCache = kvCacheBytes(spec, settings);
  const activations = Math.round(inferenceActivationBytes(spec, settings) + towerActivations(spec, settings, false) + imageStates(spec, settings, false) + (settings.blasWorkspaceBytes ?? 0));
  const allocatedBytes = weights + kvCache + activations;
  const allocatorReserve = Math.round(allocatedBytes * (settings.allocatorReserve ?? INFERENCE_ALLOCATOR_RESERVE));
  const cudaContext = settings.cudaOverheadBytes;
  return {
    components: { weights, kvCache, activations, allocatorReserve, cudaContext },
    allocatedBytes,
    peakBytes: allocatedBytes + allocatorReserve + cudaContext,
  };
}

// ---------------------------------------------------------------------------------------------------------------

/**
 * The vision tower's activations over the batch's images: what its layers keep for backward when a full fine-tune
 * trains it, else one layer's working tensors.
 */
function towerActivations(spec: ModelSpec, settings: RunSettings, training: boolean): number {
  if (!spec.vision || !settings.imagePatches) {
    return 0;
  }
  const trained = training && !settings.lora && settings.trainedLayers === undefined;
  return towerActivationBytes(spec.vision, settings.batchSize * settings.imagePatches, precisionLayout(settings.precision).computeBytes, trained);
}

/**
 * Llama 3.2 Vision's image states: the projected tiles (cross_attention_states) the cross-attention layers read, and
 * in training each such layer's keys and values over them, kept for backward.
 */
function imageStates(spec: ModelSpec, settings: RunSettings, training: boolean): number {
  const positions = (settings.crossAttentionTokens ?? 0) * settings.batchSize;
  if (!spec.crossAttentionLayers || positions === 0) {
    return 0;
  }
  const c = precisionLayout(settings.precision).computeBytes;
  const keysAndValues = training ? spec.crossAttentionLayers * 2 * spec.numKvHeads * spec.headDim : 0;
  return (positions * (spec.hiddenSize + keysAndValues) * c) / Math.max(1, settings.tensorParallel);
}

/** An audio encoder's parameters (with its projection into the language model). */
function audioParameters(spec: ModelSpec): number {
  return audioTensors(spec.audio!, spec.hiddenSize).reduce((sum, t) => sum + numel(t), 0);
}

/** What the estimate counts of an audio encoder beside the language model: its weights, and no audio in the run. */
function audioNote(spec: ModelSpec): string {
  const a = spec.audio!;
  return `Audio encoder: Gemma 4's conformer, ${a.numLayers} layers of width ${a.hiddenSize}, with its projector: ${audioParameters(spec).toLocaleString('en-US')} parameters, counted in the weights (frozen under LoRA); the run holds no audio, so no audio tokens or encoder activations are counted.`;
}

/** What the estimate counts of a multimodal checkpoint's vision encoder. */
function visionNote(spec: ModelSpec, settings: RunSettings): string {
  const v = spec.vision!;
  // The towers' parameters less an audio encoder's, which has its own note.
  const n = countParameters(spec).vision - (spec.audio ? audioParameters(spec) : 0);
  const tower = TOWER_NAMES[v.kind];
  const cross = !spec.crossAttentionLayers
    ? ''
    : settings.crossAttentionTokens
      ? ` Its ${spec.crossAttentionLayers} cross-attention layers read ${settings.crossAttentionTokens.toLocaleString('en-US')} image positions per sample: their keys and values are in the cache, and the layers' activations are counted as layers over the text (approximate).`
      : ` The ${spec.crossAttentionLayers} cross-attention layers see no image and are skipped, as transformers skips them: no cache or activations of theirs.`;
  const images = settings.imagesPerSample ?? 0;
  const cost = images > 0 ? imageCost(v, settings.imageSide) : undefined;
  const run = images === 0
    ? 'the run is text-only, so no image tokens and no encoder activations are counted (set images per sample to count them)'
    : cost
      ? `${images === 1 ? '1 image per sample adds' : `${images} images per sample add`} ${settings.imageTokens!.toLocaleString('en-US')} tokens to its sequence (${cost.how}), in the KV cache and the activations; the encoder's activations over ${settings.imagePatches!.toLocaleString('en-US')} patches are counted`
      : `images are not counted for this tower (its tokens per image depend on tiling VRAM Lens does not model, or never enter the sequence): the run is estimated text-only`;
  return `Vision encoder: ${tower}, ${v.numLayers} layers of width ${v.hiddenSize}, with its projector: ${n.toLocaleString('en-US')} parameters, counted in the weights (frozen under LoRA); ${run}.${cross}`;
}

/** " in the last N of L blocks", when only those are trained (mlx-lm's num_layers). */
function trainedBlocks(spec: ModelSpec, settings: RunSettings): string {
  const layers = totalLayers(spec);
  const trained = blocksInBackward(spec, settings);
  return settings.trainedLayers === undefined ? '' : trained >= layers ? ` in all ${layers} blocks` : ` in the last ${trained} of ${layers} blocks`;
}

/** What the memory switches a training recipe turns on change, one line each (none when all are off). */
function trainingSwitchNotes(settings: RunSettings): string[] {
  const notes: string[] = [];
  notes.push(lossNote(settings));
  if (settings.compiled && settings.checkpointing === 'selective' && settings.selectiveOps) {
    notes.push("torch.compile: under per-op selective checkpointing what it saves is not modelled (torchtitan's published Llama 3.1 8B run used 5.4 GiB less with it), so the training figure may be high by about that much.");
  } else if (settings.compiled) {
    notes.push('torch.compile: each fused norm keeps only its input and the MLP activation is recomputed in backward.');
  }
  if (settings.float8Linear) {
    notes.push(`Float8 linear layers: matmuls in float8, each keeping its 16-bit input for backward, so activations are as in bf16${settings.float8AllGather ? "; FSDP gathers their weights in float8, 1 byte each instead of 2" : ''}.`);
  }
  if (settings.asyncTensorParallel && settings.tensorParallel > 1) {
    notes.push("Async tensor parallelism: read, but what it saves is not modelled (torchtitan's published Llama 3.1 70B run used 4.3 GiB less with it), so the training figure may be high by about that much.");
  }
  if (settings.optimizerInBackward) {
    notes.push('Optimizer in backward: each parameter is stepped as soon as its gradient is ready, so one gradient (at most the largest tensor\'s) is held at a time.');
  }
  if (settings.activationOffloading && settings.checkpointing === 'full') {
    notes.push(`Activation offloading: the checkpointed layer inputs go to CPU memory; ${OFFLOAD_STASH} stay on the GPU while their copies are in flight.`);
  }
  return notes;
}

/** The loss in one line: how it meets the logits and what it holds at its peak. */
function lossNote(settings: RunSettings): string {
  if (settings.loss === 'trl-chunked') {
    return `Loss: TRL's chunked_nll (SFTConfig's default loss_type): the output projection and the loss run over chunks of ${TRL_LOSS_CHUNK} tokens, each recomputed in backward, so the logits are never whole; it holds one chunk's logits (${TRL_LOSS_CHUNK_BYTES} bytes per logit) and the head's working copy${!settings.lora && settings.trainedLayers === undefined ? ' and its gradient' : ''}.`;
  }
  if (settings.loss === 'fused-chunked') {
    return `Loss: unsloth's fused cross-entropy: the output projection and the loss run in chunks whose fp32 logits stay under half the free memory at its first step and under ${FUSED_LOSS_TARGET_BYTES / 2 ** 30} GiB, their gradient taken in forward; it holds the hidden states' gradient and one chunk's 16-bit logits and gradient (${FUSED_LOSS_CHUNK_BYTES} bytes per logit)${settings.deviceBytes === undefined ? '; with no known target card, chunks sized for 4 GiB' : ''}.`;
  }
  const bytes = +lossBytesPerLogit(settings.loss, (settings.compiledLoss ?? settings.compiled) === true).toFixed(2);
  const loss =
    settings.loss === 'chunked-output'
      ? `cross-entropy over the logits in ${LOSS_CHUNKS} chunks, each upcast to fp32 on its own`
      : settings.loss === 'linear-chunked'
        ? `linear cross-entropy: the output projection and the loss run over ${LOSS_CHUNKS} chunks of tokens, so the logits are never whole`
        : settings.loss === 'cross-entropy-16bit'
          ? 'cross-entropy over the whole logits, in their 16-bit dtype'
          : settings.loss === 'vocab-parallel'
            ? "Megatron's vocab-parallel cross-entropy (Megatron-Core, GPT-NeoX): the 16-bit logits and one fp32 copy, its softmax turned into the gradient in place"
            : 'cross-entropy over the whole logits, upcast to fp32';
  const compiledNote = !settings.compiled ? '' : settings.compiledLoss === false ? ', not compiled with the layers' : ', compiled';
  return `Loss: ${loss}; ${bytes} bytes per logit at its peak${compiledNote}.`;
}

/** Which pipeline stage training's figures are for, and what the other end stage needs. */
function pipelineStageNote(stage: PipelineStage, peak: number, other: number): string {
  const [worst, otherName] = stage === 'last' ? ['last', 'first'] : ['first', 'last'];
  const why = stage === 'last' ? 'the output head, its gradient and the loss' : 'the embedding and a micro-batch in flight per stage';
  return `Pipeline stages: training's figures are the ${worst} stage's (${why}), the one that needs the most: ${formatBytes(peak)} at nvidia-smi level; the ${otherName} needs ${formatBytes(other)}.`;
}

/** Where a paged optimizer's large states live, and why the peak leaves them out. */
function pagedStatesNote(bytes: number): string {
  return `Paged optimizer: ${formatBytes(bytes)} of states (those of tensors of ${PAGED_MIN_ELEMENTS.toLocaleString('en-US')} elements or more) live in CUDA unified memory, outside PyTorch's allocator: on the GPU while it has room, paged to CPU memory when it has none. Training's peak does not count them.`;
}

/**
 * What an estimate rests on, one sentence each, in the order the report lists them: what the model is (where that is
 * unusual), how the run trains, the memory rules behind the figures, the parallel layout, and how the architecture
 * keeps its state.
 */
export function assumptionsFor(spec: ModelSpec, settings: RunSettings): string[] {
  return [...architectureLeadNotes(spec), ...runNotes(spec, settings), ...memoryRuleNotes(spec, settings), ...layoutNotes(spec, settings), ...architectureTailNotes(spec, settings)];
}

/** The framework the figures assume, with the batch and sequence (or image size) per GPU. */
function frameworkNote(spec: ModelSpec, settings: RunSettings): string {
  if (isDiffusionRun(settings) && settings.imageSide !== undefined) {
    return `Framework: PyTorch with diffusers, batch ${settings.batchSize} per GPU, images of ${settings.imageSide.toLocaleString('en-US')} × ${settings.imageSide.toLocaleString('en-US')} pixels (${settings.sequenceLength.toLocaleString('en-US')} positions per sample)${settings.guidance ? '; classifier-free guidance runs each denoising step over the batch twice (inference)' : ''}.`;
  }
  const run = `batch ${settings.batchSize} per GPU, sequence length ${settings.sequenceLength.toLocaleString('en-US')} tokens.`;
  if (settings.megatronCore) {
    return `Framework: Megatron-Core (Megatron-LM, NeMo): Transformer Engine layers, micro-batch ${settings.batchSize} per GPU, sequence length ${settings.sequenceLength.toLocaleString('en-US')} tokens.`;
  }
  if (runsUnslothKernels(spec, settings)) {
    return `Framework: unsloth over HF transformers (its LoRA, RMSNorm, RoPE and SwiGLU kernels: a layer keeps its norms' inputs and outputs, q, k, v, the attention output and the gate and up outputs, and backward writes its gradients in place), ${run}`;
  }
  return settings.unslothKernels
    ? `Framework: unsloth over HF transformers; its layer kernels are not counted here (${!settings.lora ? 'they are LoRA kernels, and this run trains the whole model' : settings.lora.dropout ? "LoRA dropout leaves PEFT's layers" : 'this block is not the RMSNorm, gated-MLP kind they are written for'}), so a layer keeps what HF's eager block keeps, ${run}`
    : `Framework: PyTorch with HF transformers (eager modules), ${run}`;
}

function precisionNote(settings: RunSettings): string {
  return settings.megatronCore && settings.precision === 'bf16-mixed'
    ? 'Training precision: bf16-mixed as Megatron-Core runs it: bfloat16 weights and activations, fp32 main weights in the optimizer (a line below says how Megatron-Core lays them out).'
    : `Training precision: ${describePrecision(settings.precision)}${settings.fsdpVersion !== undefined && precisionLayout(settings.precision).autocastCopyBytes > 0 ? `; FSDP${settings.fsdpVersion === 2 ? '2' : ''}'s mixed precision casts each unit's weights as it gathers them and frees them after its forward, so autocast keeps no 16-bit copies` : ''}.`;
}

/** What a quantized base layer keeps for backward, by the kernel that runs it ('' when the base is not quantized). */
function quantizedBaseNote(settings: RunSettings): string {
  if (quantizedBaseSavesInput(settings)) {
    return `; the quantized layers run on bitsandbytes, whose ${settings.quantization === 'int8' ? 'LLM.int8() matmul' : 'matmul (before 0.43.2)'} keeps each layer input for backward`;
  }
  if (settings.quantization && settings.qloraKernel === 'torchao') {
    return '; the quantized layers run on torchao, which keeps only the weight for backward';
  }
  return settings.quantization && isBitsandbytes(settings.quantization) ? '; the quantized layers run on bitsandbytes, whose 4-bit matmul keeps only the packed weight for backward' : '';
}

/** What is trained: (IA)³ vectors, LoRA or QLoRA adapters, some blocks, or everything. */
function fineTuningNote(spec: ModelSpec, settings: RunSettings): string {
  const lora = settings.lora;
  const frozenBase = settings.quantization ? ` and quantized (${describeQuantization(settings.quantization)})` : ' in 16 bits';
  if (lora?.ia3) {
    return `Fine-tuning: ${describeIa3(lora.targets, lora.ia3)}${trainedBlocks(spec, settings)} (PEFT's fp32 vectors, with fp32 gradients and optimizer states); each multiply keeps the tensor it scales in fp32 for its vector's gradient; the base model is frozen${frozenBase}.`;
  }
  if (lora) {
    const fp32 = lora.fp32Adapters ? ' (adapters, their gradients and optimizer states in fp32)' : '';
    const dora = lora.dora ? " with DoRA (a magnitude vector per adapted layer; each adapted layer's output and its LoRA branch's kept for the magnitude's gradient)" : '';
    return `Fine-tuning: ${settings.quantization ? 'QLoRA' : 'LoRA'} rank ${lora.rank} on ${lora.targets.join(', ')}${trainedBlocks(spec, settings)}${fp32}${dora}; the base model is frozen${frozenBase}${quantizedBaseNote(settings)}.`;
  }
  return settings.trainedLayers !== undefined
    ? `Fine-tuning: all parameters${trainedBlocks(spec, settings)}; the embeddings, the head and the blocks before them are frozen and keep nothing for backward.`
    : 'Fine-tuning: all parameters trainable.';
}

/** What training on preference pairs adds: twice the sequences, and the reference model as the run has it. */
function preferenceNote(source: PreferenceRun['reference'], pairs: number): string {
  const reference =
    source === 'copy'
      ? "the reference model is a frozen copy of the model (TRL's create_reference_model), its weights counted again, and its forward's 16-bit logits are held beside the policy's activations"
      : source === 'adapters'
        ? "the reference model is the model with its adapters off (no copy), its forward's 16-bit logits held beside the policy's activations"
        : 'no reference model runs on the GPU (its log-probabilities precomputed, or a reference-free loss)';
  return `Preference pairs (DPO): each micro-batch of ${pairs} pair${pairs === 1 ? '' : 's'} runs its chosen and rejected sequences together (${2 * pairs} sequences), their log-probabilities taken from the 16-bit logits row by row (TRL's selective_log_softmax: the logits, their log-softmax and its gradient, 2 bytes each); ${reference}. Not measured on a GPU.`;
}

function optimizerNote(settings: RunSettings): string {
  return `Optimizer: ${describeOptimizer(settings)}${offloadNote(settings)}.`;
}

/** What offload sends to CPU memory, as the framework that offloads does it ('' without offload). */
function offloadNote(settings: RunSettings): string {
  const zeroOffload = settings.deepspeed === true && settings.zeroStage >= 2;
  const states = settings.offloadOptimizer
    ? `; its states are offloaded to CPU memory (not counted on the GPU)${zeroOffload ? ', with the gradient partitions, which leave through DeepSpeed\'s reduce buckets' : ''}`
    : '';
  if (!settings.offloadParameters) {
    return states;
  }
  const parameters = settings.fsdpVersion === 1
    ? `; parameters are offloaded too: the GPU holds the two layers being computed, and FSDP1 keeps each layer's reduced gradient (${settings.gpus > 1 ? 'its shard' : 'whole, as it runs NO_SHARD on one GPU'}) on the GPU until backward ends, as well as in CPU memory`
    : settings.deepspeed
      ? '; parameters are offloaded too: the GPU holds the module being computed and its prefetch bucket'
      : '; parameters and gradients are offloaded too: the GPU holds the two layers being computed and their gradients on their way out';
  return states + parameters;
}

/** Which activations gradient checkpointing keeps, in the words of the framework's policy. */
function checkpointingNote(settings: RunSettings): string {
  if (settings.checkpointing === 'full') {
    if (settings.recomputeMethod === 'block') {
      return `Gradient checkpointing: full for the first ${settings.recomputeLayers ?? 1} blocks of each pipeline stage (Megatron-LM's block recompute); the others keep all their activations.`;
    }
    return settings.recomputeMethod === 'uniform' && (settings.recomputeLayers ?? 1) > 1
      ? `Gradient checkpointing: full, in groups of ${settings.recomputeLayers} blocks (Megatron-LM's uniform recompute): the input of each group is kept, and a group is recomputed at once.`
      : 'Gradient checkpointing: full (only each layer input is kept; one layer recomputed at a time).';
  }
  if (settings.checkpointing === 'selective') {
    if ((settings.checkpointEvery ?? 0) > 0) {
      return `Gradient checkpointing: every ${settings.checkpointEvery === 1 ? '' : `${ordinal(settings.checkpointEvery!)} `}block checkpointed whole (torchtitan's selective_ac_option "${settings.checkpointEvery}"), the others keep all their activations.`;
    }
    return settings.selectiveOps
      ? "Gradient checkpointing: selective per op (torchtitan's \"op\" policy: each layer keeps its input, the attention output and every other matmul's output; the rest is recomputed)."
      : 'Gradient checkpointing: selective (the attention core is recomputed, linear-layer activations kept).';
  }
  return 'Gradient checkpointing: off.';
}

/** How the run trains: framework, precision, what is trained, optimizer, attention, checkpointing and the framework's switches. */
function runNotes(spec: ModelSpec, settings: RunSettings): string[] {
  return [
    frameworkNote(spec, settings),
    precisionNote(settings),
    fineTuningNote(spec, settings),
    ...(settings.preference ? [preferenceNote(settings.preference.reference, settings.batchSize)] : []),
    optimizerNote(settings),
    `Attention kernel: ${settings.attention === 'sdpa' ? 'SDPA / FlashAttention (no s×s score matrix kept)' : 'eager (s×s scores and softmax kept for backward)'}.`,
    checkpointingNote(settings),
    ...trainingSwitchNotes(settings),
    ...(spec.vision ? [visionNote(spec, settings)] : []),
    ...(spec.audio ? [audioNote(spec)] : []),
    ...(settings.quantization && settings.quantizeVision === false && spec.vision
      ? ["Weights left in 16 bits: the vision tower and its projector, which the checkpoint's quantization_config leaves out (its skip or ignore list names them)."]
      : []),
    ...(keepsFp32Modules(spec, 2, settings.quantization, loadsInFloat16(settings.precision))
      ? [`Weights kept in float32: the FFN output projections (\`wo\`) of ${spec.family}, as transformers keeps them when it loads in float16 or through bitsandbytes (\`_keep_in_fp32_modules\`).`]
      : []),
  ];
}

/** The inference run, the allocator and context terms, and how the training peak and the verdict are formed. */
function memoryRuleNotes(spec: ModelSpec, settings: RunSettings): string[] {
  const inferenceDtype = settings.quantization
    ? describeQuantization(settings.quantization)
    : settings.precision === '32-true' ? 'float32' : settings.precision === 'fp8' ? 'float8' : 'bfloat16';
  return [
    `Inference: weights in ${inferenceDtype}, KV cache for ${cachedTokens(spec, settings).full.toLocaleString('en-US')} tokens${spec.slidingLayers > 0 && !spec.deepseekV4 ? ` (${spec.slidingLayers} of ${spec.numLayers} layers keep only the last ${spec.slidingWindow!.toLocaleString('en-US')})` : ''} (${settings.kvCacheType === 'auto' ? 'compute dtype' : settings.kvCacheType}) in the ${settings.serving === 'hf' ? 'HF transformers' : settings.serving} layout, logits for the last position only.`,
    settings.allocatorReserve === undefined
      ? `Allocator reserve: ${TRAINING_ALLOCATOR_RESERVE * 100} % of allocated memory in training, ${INFERENCE_ALLOCATOR_RESERVE * 100} % in inference (PyTorch's caching allocator; adjustable).`
      : `Allocator reserve: ${Math.round(settings.allocatorReserve * 1000) / 10} % of allocated memory (as set).`,
    `CUDA context and libraries: ${Math.round(settings.cudaOverheadBytes / MIB)} MiB (setting vramLens.cudaOverheadMiB).`,
    ...(settings.blasWorkspaceBytes
      ? [`Activations include PyTorch's cuBLAS workspace on the target GPU (${+(settings.blasWorkspaceBytes / MIB).toFixed(3)} MiB), which it takes from its caching allocator.`]
      : []),
    'Training peak = weights + optimizer states + the larger of (gradients + optimizer-step temporaries) and (activations + gradients kept across accumulation steps): gradients and activations are not all live at once.',
    settings.torchMajor === 1
      ? 'PyTorch 1.x defaults: optimizers step one tensor at a time; zero_grad() keeps gradient buffers allocated.'
      : 'PyTorch 2 defaults: foreach optimizer steps; zero_grad() frees gradients between steps.',
    '"Fits" compares the nvidia-smi figure (allocated + reserve + context) with the memory the card reports.',
  ];
}

/** The GPUs as tensor × pipeline × data parallel, and what each split and schedule does to a GPU's share. */
function parallelismNote(settings: RunSettings): string {
  const tp = settings.tensorParallel;
  const pp = settings.pipelineParallel;
  const dp = dataParallelDegree(settings);
  const sharded = settings.zeroStage > 0 && dp > 1;
  const parts = [
    `Parallelism: ${settings.gpus} GPUs = tensor ${tp} × pipeline ${pp} × data ${dp}`,
    (settings.contextParallel ?? 1) > 1 ? ` (${settings.contextParallel} of them context-parallel: each holds 1/${settings.contextParallel} of every sequence's activations and loss)` : '',
    sharded
      ? `, ZeRO stage ${settings.zeroStage} over the data-parallel GPUs (${
          precisionLayout(settings.precision).autocastCopyBytes > 0
            ? 'DeepSpeed/FSDP mixed precision: 16-bit weights and gradients, fp32 master weights with the optimizer'
            : `weights, gradients and optimizer states sharded in ${settings.precision}`
        })`
      : '',
    settings.hybridShard && sharded
      ? settings.shardGroup !== undefined
        ? `; hybrid sharding: sharded within groups of ${shardGroup(settings, dp)} GPUs, replicated across the groups`
        : `; hybrid sharding: sharded within each node's ${shardGroup(settings, dp)} GPUs${settings.gpusPerNode === undefined ? ' (8 per node assumed)' : ''}, replicated across nodes`
      : '',
    settings.zeroStage >= 2 && dp > 1 && settings.unshardedAccumulation && settings.gradientAccumulationSteps > 1
      ? `; FSDP accumulates full, unsharded gradients over the ${settings.gradientAccumulationSteps} micro-batches of a step (no_sync) and shards them at the last`
      : '',
    tp > 1
      ? settings.sequenceParallel === false
        ? '; tensor parallel without sequence parallelism, so the norms and block inputs are whole on each GPU'
        : '; tensor parallel with sequence parallelism, so activations are split too'
      : '',
    pipelineScheduleNote(settings, pp),
    pp > 1 && settings.virtualPipelineStages
      ? `; an interleaved pipeline schedule with ${settings.virtualPipelineStages} model chunks per stage holds ${+interleavingPenalty(settings, pp).toFixed(3)}× 1F1B's activations on the first stage`
      : '',
    pp > 1 ? '; figures are per GPU, on the pipeline stage that needs the most.' : '; figures are per GPU.',
  ];
  return parts.join('');
}

/** What the pipeline schedule makes the first stage hold ('' without one, or where it holds what 1F1B holds). */
function pipelineScheduleNote(settings: RunSettings, pp: number): string {
  const steps = settings.gradientAccumulationSteps;
  if (pp > 1 && settings.pipelineSchedule === 'gpipe') {
    return `; the GPipe schedule runs all ${steps} micro-batches of a step forward first, so every stage holds them all`;
  }
  return pp > 1 && steps < pp ? `; the step's ${steps} micro-batch${steps === 1 ? '' : 'es'} fill${steps === 1 ? 's' : ''} fewer than the ${pp} stages, so the first holds no more` : '';
}

/** The parallel layout, Megatron-Core's accounting and DeepSpeed's, where the run has them. */
function layoutNotes(spec: ModelSpec, settings: RunSettings): string[] {
  const notes: string[] = [];
  if (settings.gpus > 1 || settings.tensorParallel > 1 || settings.pipelineParallel > 1) {
    notes.push(parallelismNote(settings));
  }
  if (settings.megatronCore) {
    notes.push(
      `${isMegatronLmFamily(spec.family) ? 'Megatron-LM' : 'NeMo (Megatron-Core)'}: weights, fp32 main gradients (unless reduced in bf16) and the distributed optimizer as Megatron-Core lays them, the first pipeline stage holding the embedding; activations as its Transformer Engine layers keep them (Korthikanti et al.'s accounting, which Megatron-LM's own estimate uses; not measured on a GPU)${settings.tensorParallel > 1 ? (settings.sequenceParallel === false ? ', whole on each tensor-parallel GPU outside attention and the MLP (no sequence parallelism)' : ', split over the tensor-parallel GPUs with sequence parallelism') : ''}${(settings.expertParallel ?? 1) > 1 ? `; routed experts split over ${settings.expertParallel} expert-parallel GPUs` : ''}.`,
    );
  }
  if (settings.deepspeed && settings.zeroStage > 0 && dataParallelDegree(settings) > 1) {
    notes.push(deepspeedNote(spec, settings));
  }
  return notes;
}

/** What the model is, first where it is not a transformer language model or its family is not recognised. */
function architectureLeadNotes(spec: ModelSpec): string[] {
  const notes: string[] = [];
  if (spec.convnet) {
    notes.push(convNetNote(spec));
  }
  if (spec.crossDit) {
    const d = spec.crossDit;
    const model = d.kind === 'sana' ? "Sana's" : "PixArt's";
    notes.push(
      `Diffusion transformer (approximate): ${model} ${spec.numLayers} blocks counted as transformer layers over each sample's image tokens (a ${d.latentScale * d.patchSize} × ${d.latentScale * d.patchSize}-pixel patch each), the prompt's ${d.textTokens} tokens read by cross-attention${d.kind === 'sana' ? '; its self-attention is linear, with no score matrix' : ''}; one denoising step${ALONE}.`,
    );
  }
  if (spec.mmdit) {
    const d = spec.mmdit;
    notes.push(
      `Diffusion transformer (approximate): SD3's ${spec.numLayers} joint blocks${d.dualAttentionLayers > 0 ? ` (${d.dualAttentionLayers} with a second image attention)` : ''} counted as transformer layers over each sample's image tokens (a ${8 * d.patchSize} × ${8 * d.patchSize}-pixel patch each) and ${d.textTokens} text tokens (CLIP's 77 and T5's 256); one denoising step; its ${d.positionGrid} × ${d.positionGrid} position grid (${(d.positionGrid ** 2 * spec.hiddenSize).toLocaleString('en-US')} values, a buffer, not a parameter) is in the weights${ALONE}.`,
    );
  }
  if (spec.dit) {
    const d = spec.dit;
    notes.push(
      `Diffusion transformer (approximate): ${d.doubleBlocks} double- and ${d.singleBlocks} single-stream blocks counted as ${spec.numLayers} transformer layers over each sample's image tokens (a 16 × 16-pixel patch each) and ${d.textTokens} text tokens; one denoising step${ALONE}.`,
    );
  }
  if (spec.generic) {
    notes.push(`Architecture: ${spec.family}; the family was not recognised, so its block structure is assumed.`);
  }
  return notes;
}

/** How the notes name a hybrid by its recurrent mixer, and the mixer itself. */
const HYBRID_NAMES: Readonly<Record<MixerKind, { readonly hybrid: string; readonly recurrent: string }>> = {
  'gated-deltanet': { hybrid: 'Linear-attention', recurrent: 'linear-attention (Gated DeltaNet)' },
  'kimi-delta': { hybrid: 'Linear-attention', recurrent: 'linear-attention (Kimi Delta Attention)' },
  lightning: { hybrid: 'Linear-attention', recurrent: 'linear-attention (lightning attention)' },
  'short-conv': { hybrid: 'Convolution–attention', recurrent: 'short-convolution' },
  mamba: { hybrid: 'Attention–Mamba', recurrent: 'Mamba' },
};

/** How the architecture keeps its state (recurrent, hybrid, encoder–decoder, latent attention), last. */
function architectureTailNotes(spec: ModelSpec, settings: RunSettings): string[] {
  const notes: string[] = [];
  if (spec.ssm) {
    const shape = spec.ssm.mamba2
      ? `per layer a ${spec.ssm.convKernel}-step convolution window over x, B and C and ${spec.ssm.mamba2.heads} heads × ${spec.ssm.inner / spec.ssm.mamba2.heads} channels × ${spec.ssm.state} state values`
      : `layers × ${spec.ssm.inner.toLocaleString('en-US')} channels × (a ${spec.ssm.convKernel}-step convolution window + ${spec.ssm.state} state values)`;
    notes.push(`State-space model (${spec.ssm.mamba2 ? 'Mamba2' : 'Mamba'}): no KV cache; each sequence carries a recurrent state of ${ssmStateElements(spec).toLocaleString('en-US')} elements (${shape}), whatever its length; training activations approximate (not measured).`);
  }
  if (spec.rwkv) {
    notes.push(`Recurrent model (RWKV-${spec.rwkv.version}): no KV cache; each sequence carries a recurrent state of ${formatBytes(rwkvStateBytes(spec, kvElementBytes('auto', settings.precision)))} (${describeRwkvState(spec)}), whatever its length; training activations approximate (not measured).`);
  }
  if (spec.hybrid) {
    const h = spec.hybrid;
    const { hybrid, recurrent } = HYBRID_NAMES[mixerKind(h.mixer)];
    const side = h.attentionLayers + h.mambaLayers > spec.numLayers ? ', side by side in every layer' : '';
    notes.push(`${hybrid} hybrid${side}: ${h.attentionLayers} attention layers cache keys and values; ${h.mambaLayers} ${recurrent} mixers keep none, but a recurrent state of ${(h.mambaLayers * mambaLayerState(h.mixer)).toLocaleString('en-US')} elements per sequence, whatever its length; training activations approximate (its ${recurrent} mixers counted as attention, not measured).`);
  }
  if (spec.moe?.zeroExperts) {
    const m = spec.moe;
    notes.push(`Zero-computation experts: each token's ${m.expertsPerToken} routed picks are made among ${m.numExperts} experts and ${m.zeroExperts} zero-computation ones, which run nothing; the parameters active per token count all ${m.expertsPerToken} picks as real experts (the most a token runs), and the memory estimates run them all.`);
  }
  if (spec.deepseekV4) {
    const v = spec.deepseekV4;
    notes.push(`DeepSeek-V4: every layer caches one shared key-value head of ${spec.headDim} for its last ${v.slidingWindow - 1} tokens; ${v.csaLayers} compressed sparse attention layers add an entry and an indexer key (${v.indexHeadDim} wide) per ${v.csaRate} tokens, ${v.hcaLayers} heavily compressed ones an entry per ${v.hcaRate}, as transformers' cache keeps them; its ${v.hcMult} hyper-connection streams widen the residual, whose activations are not counted.`);
  }
  if (spec.encoderDecoder) {
    notes.push(`Encoder–decoder: the encoder reads ${settings.sequenceLength.toLocaleString('en-US')} positions; in training the decoder's activations are counted at that length too, and its cache holds the generated tokens and the encoder's output for cross-attention.`);
  }
  if (spec.encoderOnly && spec.pooler) {
    notes.push('Parameters count the base encoder with its pooler; task heads are not counted.');
  }
  if (spec.mla && settings.serving === 'hf') {
    notes.push('DeepSeek latent attention: HF transformers caches full per-head keys and values; vLLM and llama.cpp cache the compressed latent (set the serving framework to compare).');
  }
  return notes;
}

/**
 * A diffusers pipeline's estimate: its denoiser's run, with every other component resident beside it in the
 * inference dtype (frozen in training, as diffusers' training scripts keep the text encoders and the VAE); inference
 * peaks at the larger of a denoising step and the VAE's decode of the batch.
 */
function estimatePipeline(spec: ModelSpec, settings: RunSettings): Estimate {
  const { components } = spec.pipeline!;
  const denoiser = components.find(c => c.role === 'denoiser')!.spec;
  const own = estimate(denoiser, settings);
  const fp16 = loadsInFloat16(settings.precision);
  const upcast = vaeUpcast(spec, fp16);
  const elementBytes = inferenceWeightBytes(settings.precision);
  let frozen = 0;
  let decode = 0;
  for (const c of components.filter(c => c.role !== 'denoiser')) {
    const vaeBytes = c.role === 'vae' && upcast ? 4 : elementBytes;
    frozen += weightBytes(c.spec, vaeBytes, settings.quantization, weightLayout(settings));
    if (c.role === 'vae' && c.spec.convnet) {
      decode = Math.max(decode, convNetInferenceActivationBytes(c.spec, { ...settings, guidance: false }, upcast ? 4 : settings.precision === '32-true' ? 4 : 2));
    }
  }
  const tp = Math.max(1, settings.tensorParallel);
  frozen = Math.round(frozen / tp);
  const reserve = settings.allocatorReserve ?? INFERENCE_ALLOCATOR_RESERVE;
  const inference = settings.pipelineOffload
    ? oneComponentAtATime(spec, settings, own.inference, decode, upcast, reserve)
    : withFrozen(own.inference, frozen, Math.max(0, Math.round(decode + (settings.blasWorkspaceBytes ?? 0)) - own.inference.components.activations), reserve);
  const training = withFrozen(own.training, frozen, 0, settings.allocatorReserve ?? TRAINING_ALLOCATOR_RESERVE);
  const denoiserNotes = own.assumptions.map(a => a.replace(ALONE, ''));
  return { ...own, parameters: countParameters(spec), inference, training, assumptions: [pipelineNote(spec, settings, upcast), ...denoiserNotes] };
}

/**
 * Inference with the pipeline offloaded to the CPU between uses: the GPU holds one component with its working memory
 * at a time, so the peak is the largest of them (the denoiser and a step, the VAE and its decode, a text encoder).
 */
function oneComponentAtATime(spec: ModelSpec, settings: RunSettings, denoiser: MemoryEstimate<InferenceComponent>, decode: number, upcast: boolean, reserve: number): MemoryEstimate<InferenceComponent> {
  const blas = settings.blasWorkspaceBytes ?? 0;
  const parts = [{ weights: denoiser.components.weights, activations: denoiser.components.activations }];
  for (const c of spec.pipeline!.components.filter(c => c.role !== 'denoiser')) {
    const weights = Math.round(
      weightBytes(c.spec, c.role === 'vae' && upcast ? 4 : inferenceWeightBytes(settings.precision), settings.quantization, weightLayout(settings)),
    );
    parts.push({ weights, activations: Math.round((c.role === 'vae' ? decode : 0) + blas) });
  }
  const peak = parts.reduce((a, b) => (b.weights + b.activations > a.weights + a.activations ? b : a));
  const allocatedBytes = peak.weights + peak.activations;
  const allocatorReserve = Math.round(allocatedBytes * reserve);
  const cudaContext = denoiser.components.cudaContext;
  return { components: { weights: peak.weights, kvCache: 0, activations: peak.activations, allocatorReserve, cudaContext }, allocatedBytes, peakBytes: allocatedBytes + allocatorReserve + cudaContext };
}

/** An estimate with frozen weights added (and its activations raised to a larger peak), its reserve recomputed. */
function withFrozen<E extends MemoryEstimate<InferenceComponent> | MemoryEstimate<TrainingComponent>>(e: E, frozen: number, moreActivations: number, reserve: number): E {
  const allocatedBytes = e.allocatedBytes + frozen + moreActivations;
  const allocatorReserve = Math.round(allocatedBytes * reserve);
  const c = e.components;
  const components = { ...c, weights: c.weights + frozen, activations: c.activations + moreActivations, allocatorReserve };
  return { ...e, components, allocatedBytes, peakBytes: allocatedBytes + allocatorReserve + c.cudaContext };
}

/** A pipeline component's parameters: its spec's, with what a safety checker holds beyond its vision tower. */
function componentParameters(c: PipelineComponent): number {
  return countParameters(c.spec).total + (c.role === 'safety-checker' ? safetyCheckerTensors(c).reduce((sum, t) => sum + numel(t), 0) : 0);
}

/** The pipeline's components in one line of the report. */
function pipelineNote(spec: ModelSpec, settings: RunSettings, upcast: boolean): string {
  const p = spec.pipeline!;
  const parts = p.components.map(c => `${c.name} (${c.className}) ${componentParameters(c).toLocaleString('en-US')}`);
  const resident = settings.pipelineOffload === 'model'
    ? 'offloaded to the CPU between uses (enable_model_cpu_offload): inference holds one component at a time, and its peak is the largest of them with its working memory'
    : settings.pipelineOffload === 'sequential'
      ? 'offloaded layer by layer (enable_sequential_cpu_offload), counted as one component at a time, which overstates it'
      : 'all components resident on the GPU (no CPU offload)';
  return `Pipeline ${p.className}: ${parts.join(', ')} parameters; ${resident}${upcast ? '; the VAE is upcast to fp32 for its decode, as SDXL does in fp16' : ''}. Training fine-tunes the denoiser with the others frozen; inference peaks at the larger of a denoising step and the VAE's decode of ${settings.batchSize} image${settings.batchSize === 1 ? '' : 's'}; the text encoders' own activations (one pass over the prompt) are not counted.`;
}

export function estimate(spec: ModelSpec, settings: RunSettings): Estimate {
  if (spec.pipeline) {
    return estimatePipeline(spec, settings);
  }
  const parameters = countParameters(spec);
  const training = estimateTraining(spec, parameters, settings);
  const { trainableParameters, pagedStateBytes: paged, stage, otherStagePeakBytes, ...trainingEstimate } = training;
  const stageNote = otherStagePeakBytes === undefined ? [] : [pipelineStageNote(stage, trainingEstimate.peakBytes, otherStagePeakBytes)];
  return {
    parameters,
    trainableParameters,
    inference: estimateInference(spec, settings),
    training: trainingEstimate,
    settings,
    assumptions: [...assumptionsFor(spec, settings), ...stageNote, ...(paged > 0 ? [pagedStatesNote(paged)] : [])],
  };
}

