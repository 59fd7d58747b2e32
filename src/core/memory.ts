import { countParameters } from './params';
import type {
  Estimate,
  InferenceComponent,
  MemoryEstimate,
  ModelSpec,
  ParameterBreakdown,
  Precision,
  RunSettings,
  TrainingComponent,
} from './types';

export const MIB = 1024 * 1024;
export const GIB = 1024 * MIB;

/**
 * Share of allocated memory that PyTorch's caching allocator holds on top of live tensors (block rounding and
 * cached free blocks): max_memory_reserved exceeded max_memory_allocated by 4-12 % (training) and 3-10 %
 * (inference) in the H100 measurements in bench/data/h100-measured.jsonl.
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
  /** Under AMP, linear layers save 16-bit copies of the fp32 weights for backward. */
  readonly autocast: boolean;
}

export function precisionLayout(precision: Precision): PrecisionLayout {
  switch (precision) {
    case '32-true':
      return { weightBytes: 4, gradientBytes: 4, stateBytes: 4, computeBytes: 4, residualBytes: 4, autocast: false };
    case '16-mixed':
    case 'bf16-mixed':
      return { weightBytes: 4, gradientBytes: 4, stateBytes: 4, computeBytes: 2, residualBytes: 4, autocast: true };
    case '16-true':
    case 'bf16-true':
      return { weightBytes: 2, gradientBytes: 2, stateBytes: 2, computeBytes: 2, residualBytes: 2, autocast: false };
  }
}

export function describePrecision(precision: Precision): string {
  switch (precision) {
    case '32-true':
      return '32-true: weights, gradients, optimizer states and activations in float32';
    case '16-mixed':
      return '16-mixed: PyTorch AMP (float16 autocast) over float32 weights, gradients and optimizer states';
    case 'bf16-mixed':
      return 'bf16-mixed: PyTorch AMP (bfloat16 autocast) over float32 weights, gradients and optimizer states';
    case '16-true':
      return '16-true: weights, gradients and optimizer states in float16';
    case 'bf16-true':
      return 'bf16-true: weights, gradients and optimizer states in bfloat16';
  }
}

/** Optimizer states per trainable parameter, in elements of the parameter dtype (8-bit Adam: bytes). */
function optimizerStateBytesPerParam(settings: RunSettings, layout: PrecisionLayout): number {
  switch (settings.optimizer) {
    case 'adamw':
      return 2 * layout.stateBytes;
    case 'sgd':
      return layout.stateBytes;
    case 'adamw-8bit':
      return 2;
  }
}

/**
 * Temporaries of the optimizer step. torch.optim.AdamW's default foreach implementation allocates
 * sqrt(exp_avg_sq) for every parameter at once; SGD and bitsandbytes' 8-bit Adam update in place.
 */
function optimizerStepTemporaryBytesPerParam(settings: RunSettings, layout: PrecisionLayout): number {
  return settings.optimizer === 'adamw' ? layout.stateBytes : 0;
}

/**
 * Bytes one transformer layer keeps for backward: each op's saved tensors, as PyTorch autograd keeps them for
 * the HF implementation of the block. Korthikanti et al. 2022 give `sbh(34 + 5as/h)` for a 16-bit GPT block;
 * this derivation reproduces that term by term and extends it to RMSNorm, gated MLPs, GQA, fp32 and AMP
 * (where norms and softmax stay fp32, and separate q/k/v projections each save their own 16-bit input copy).
 */
export function activationBytesPerLayer(spec: ModelSpec, settings: RunSettings, tokens: number): number {
  const layout = precisionLayout(settings.precision);
  const c = layout.computeBytes;
  const r = layout.residualBytes;
  const b = settings.batchSize;
  const s = tokens / b;
  const h = spec.hiddenSize;
  const bsh = tokens * h;
  const attnInner = spec.numHeads * spec.headDim;
  const bsInner = tokens * attnInner;
  const bsI = tokens * spec.intermediateSize;
  const dropoutMask = spec.dropout ? 1 : 0;

  // Norm inputs; HF's RMSNorm also saves an fp32 upcast of its input and its 16-bit normalised output.
  const perNorm = spec.norm === 'rmsnorm' ? r + 4 : r;
  let bytes = spec.normsPerLayer * perNorm * bsh;

  // Linear inputs feeding attention: one tensor, or under AMP one 16-bit cast per separate projection.
  const fusedQkv = spec.family === 'GPT-2' || spec.family === 'BLOOM';
  bytes += (layout.autocast && !fusedQkv ? 3 : 1) * c * bsh;

  if (settings.attention === 'sdpa') {
    // q, k, v (expanded to all query heads), the output, and its contiguous copy for o_proj; fp32 log-sum-exp.
    bytes += 5 * c * bsInner + 4 * b * spec.numHeads * s;
  } else {
    // q, k, v, o_proj input; softmax output in fp32, its 16-bit cast, and dropout mask and output.
    const scores = b * spec.numHeads * s * s;
    const probs = 4 + (spec.dropout ? 1 + c : c === 4 ? 0 : c);
    bytes += 4 * c * bsInner + probs * scores;
  }
  bytes += dropoutMask * bsh;

  const mlpPerExpertCall = (intermediateTokens: number, inputTokens: number): number => {
    if (spec.mlp === 'gated') {
      // gate and up inputs (two casts under AMP), gate output, up output, activation output, product.
      return (layout.autocast ? 2 : 1) * c * inputTokens * h + 4 * c * intermediateTokens;
    }
    // fc1 input, activation input and output; a Python tanh-GELU keeps three more intermediates
    // (tanh output, 0.5·x and 1 + tanh), in fp32 under AMP since pow autocasts to fp32.
    const geluExtra = spec.pythonGelu ? (layout.autocast ? 4 + c + 4 : 3 * c) : 0;
    return c * inputTokens * h + (2 * c + geluExtra) * intermediateTokens;
  };
  if (spec.moe) {
    // An average layer: experts' share of the layers, each token through its top-k experts and the shared ones.
    const m = spec.moe;
    const moeShare = m.moeLayers / spec.numLayers;
    const routed = tokens * m.expertsPerToken;
    const moeBytes =
      mlpPerExpertCall(routed * m.expertIntermediate, routed) +
      (m.sharedIntermediate > 0 ? mlpPerExpertCall(tokens * m.sharedIntermediate, tokens) : 0) +
      4 * tokens * m.numExperts;
    bytes += moeShare * moeBytes + (1 - moeShare) * mlpPerExpertCall(bsI, tokens);
  } else {
    bytes += mlpPerExpertCall(bsI, tokens);
  }
  bytes += dropoutMask * bsh;
  return bytes;
}

/**
 * The cross-entropy loss at its peak, at the start of backward: HF upcasts the logits to fp32 and log-softmax
 * saves its fp32 output; backward then holds that output, its gradient and the gradient of the logits, three
 * fp32 buffers of batch × sequence × vocabulary (measured on an H100 with GPT-2: 12 bytes per logit).
 */
export function lossBytes(spec: ModelSpec, tokens: number): number {
  return spec.head === 'lm' ? 12 * tokens * spec.vocabSize : 0;
}

function totalLayers(spec: ModelSpec): number {
  return spec.numLayers + spec.numDecoderLayers;
}

export function estimateTraining(
  spec: ModelSpec,
  params: ParameterBreakdown,
  settings: RunSettings,
): MemoryEstimate<TrainingComponent> {
  const layout = precisionLayout(settings.precision);
  const trainable = params.total;
  const tokens = settings.batchSize * settings.sequenceLength;
  const layers = totalLayers(spec);

  const weights = params.total * layout.weightBytes;
  const gradients = trainable * layout.gradientBytes;
  const optimizer = trainable * optimizerStateBytesPerParam(settings, layout);
  const stepTemporaries = trainable * optimizerStepTemporaryBytesPerParam(settings, layout);

  const perLayer = activationBytesPerLayer(spec, settings, tokens);
  const layerActivations = settings.gradientCheckpointing
    ? layers * layout.residualBytes * tokens * spec.hiddenSize
    : layers * perLayer;
  const embeddingOutput = layout.residualBytes * tokens * spec.hiddenSize;
  const autocastWeightCopies = layout.autocast ? (params.total - params.embeddings) * 2 : 0;
  // Backward starts with the loss buffers; each layer's backward then allocates gradients about the size of
  // what that layer saved. The two do not overlap.
  // With checkpointing, a layer's backward first recomputes its activations, then allocates its gradients.
  const backwardWorkspace = Math.max((settings.gradientCheckpointing ? 2 : 1) * perLayer, lossBytes(spec, tokens));
  const headGradient = spec.head === 'lm' ? spec.vocabSize * spec.hiddenSize * layout.gradientBytes : 0;
  const activations = layerActivations + embeddingOutput + autocastWeightCopies;

  // Peak: after forward (activations, plus gradients kept across accumulation steps) or at the optimizer
  // step (gradients plus step temporaries), over the weights and optimizer states that are always there.
  const keptGradients = settings.gradientAccumulationSteps > 1 ? gradients : 0;
  const forwardPeak = activations + backwardWorkspace + Math.max(keptGradients, headGradient);
  const stepPeak = gradients + stepTemporaries;
  const allocatedBytes = weights + optimizer + Math.max(forwardPeak, stepPeak);

  const allocatorReserve = Math.round(allocatedBytes * TRAINING_ALLOCATOR_RESERVE);
  const cudaContext = settings.cudaOverheadBytes;
  return {
    components: {
      weights,
      gradients,
      optimizer,
      activations: activations + backwardWorkspace,
      allocatorReserve,
      cudaContext,
    },
    allocatedBytes,
    peakBytes: allocatedBytes + allocatorReserve + cudaContext,
  };
}

/** Tokens the KV cache holds per sequence. */
export function cachedTokens(spec: ModelSpec, settings: RunSettings): number {
  const total = settings.sequenceLength + settings.newTokens;
  return spec.slidingWindow !== undefined ? Math.min(spec.slidingWindow, total) : total;
}

/**
 * Cached elements per token per layer. HF transformers caches latent attention (DeepSeek MLA) expanded to full
 * per-head keys and values; vLLM and SGLang cache the compressed latent (kv_lora_rank + rope dims) instead.
 */
export function kvCacheElementsPerToken(spec: ModelSpec): number {
  if (spec.mla) {
    return spec.numHeads * (spec.mla.qkNopeHeadDim + spec.mla.qkRopeHeadDim + spec.mla.vHeadDim);
  }
  return 2 * spec.numKvHeads * spec.headDim;
}

/** KV cache: 2 (K and V) · layers · KV heads · head dim · tokens · batch · bytes (HF transformers layout). */
export function kvCacheBytes(spec: ModelSpec, settings: RunSettings): number {
  if (spec.encoderOnly) {
    return 0;
  }
  const c = settings.precision === '32-true' ? 4 : 2;
  const perToken = kvCacheElementsPerToken(spec) * c * settings.batchSize;
  if (spec.encoderDecoder) {
    // Decoder self-attention over generated tokens plus cross-attention over the encoded input.
    return spec.numDecoderLayers * perToken * (settings.newTokens + settings.sequenceLength);
  }
  return spec.numLayers * perToken * cachedTokens(spec, settings);
}

/** The largest transient workspace of one layer during prefill, plus the logits of the last position. */
function inferenceActivationBytes(spec: ModelSpec, settings: RunSettings): number {
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
  const logits = spec.head === 'lm' ? b * spec.vocabSize * (c + 4) : 0;
  return residual + Math.max(attention, mlp) + logits;
}

export function estimateInference(
  spec: ModelSpec,
  params: ParameterBreakdown,
  settings: RunSettings,
): MemoryEstimate<InferenceComponent> {
  const weightBytes = settings.precision === '32-true' ? 4 : 2;
  const weights = params.total * weightBytes;
  const kvCache = kvCacheBytes(spec, settings);
  const activations = inferenceActivationBytes(spec, settings);
  const allocatedBytes = weights + kvCache + activations;
  const allocatorReserve = Math.round(allocatedBytes * INFERENCE_ALLOCATOR_RESERVE);
  const cudaContext = settings.cudaOverheadBytes;
  return {
    components: { weights, kvCache, activations, allocatorReserve, cudaContext },
    allocatedBytes,
    peakBytes: allocatedBytes + allocatorReserve + cudaContext,
  };
}

export function assumptionsFor(spec: ModelSpec, settings: RunSettings): string[] {
  const inferenceDtype = settings.precision === '32-true' ? 'float32' : 'bfloat16';
  const list = [
    `Framework: PyTorch with HF transformers (eager modules), batch ${settings.batchSize}, sequence length ${settings.sequenceLength.toLocaleString('en-US')} tokens.`,
    `Training precision: ${describePrecision(settings.precision)}.`,
    `Optimizer: ${describeOptimizer(settings)}; all parameters trainable.`,
    `Attention kernel: ${settings.attention === 'sdpa' ? 'SDPA / FlashAttention (no s×s score matrix kept)' : 'eager (s×s scores and softmax kept for backward)'}.`,
    settings.gradientCheckpointing
      ? 'Gradient checkpointing: full (only each layer input is kept; one layer recomputed at a time).'
      : 'Gradient checkpointing: off.',
    `Inference: weights in ${inferenceDtype}, KV cache for ${cachedTokens(spec, settings).toLocaleString('en-US')} tokens in the HF transformers layout, logits for the last position only.`,
    `Allocator reserve: ${TRAINING_ALLOCATOR_RESERVE * 100} % of allocated memory in training, ${INFERENCE_ALLOCATOR_RESERVE * 100} % in inference.`,
    `CUDA context and libraries: ${Math.round(settings.cudaOverheadBytes / MIB)} MiB (setting vramLens.cudaOverheadMiB).`,
    'Training peak = weights + optimizer states + the larger of (gradients + optimizer-step temporaries) and (activations + gradients kept across accumulation steps): gradients and activations are not all live at once.',
    '"Fits" compares the nvidia-smi figure (allocated + reserve + context) with the memory the card reports.',
  ];
  if (spec.generic) {
    list.unshift(`Architecture: ${spec.family}; the family was not recognised, so its block structure is assumed.`);
  }
  if (spec.encoderOnly && spec.pooler) {
    list.push('Parameters count the base encoder with its pooler; task heads are not counted.');
  }
  return list;
}

function describeOptimizer(settings: RunSettings): string {
  switch (settings.optimizer) {
    case 'adamw':
      return 'AdamW (two states per parameter, torch foreach step)';
    case 'sgd':
      return 'SGD with momentum (one state per parameter)';
    case 'adamw-8bit':
      return 'bitsandbytes 8-bit AdamW (two 1-byte states per parameter)';
  }
}

export function estimate(spec: ModelSpec, settings: RunSettings): Estimate {
  const parameters = countParameters(spec);
  return {
    parameters,
    trainableParameters: parameters.total,
    inference: estimateInference(spec, parameters, settings),
    training: estimateTraining(spec, parameters, settings),
    settings,
    assumptions: assumptionsFor(spec, settings),
  };
}
