// Searches over estimates for the advice and quick fixes: largest batch, longest sequence, smallest GPU, GPUs needed, what each change saves.
import { ALL_LINEAR_TARGETS } from './weightTensor';
import { analyzeConfig } from './analyze';
import type { AnalysisOptions } from './options';
import { bySizeThenPrice, GPUS, gpuMemoryBytes, type Gpu } from './gpus';
import { withRawValue, type FoundConfig } from './spec';
import { largestFitting } from './search';
import type { Estimate, SpecField } from './types';

export type FitMode = 'inference' | 'training';

/** The nvidia-smi peak of an estimate in one mode; Infinity when there is no estimate. */
export function peakIn(est: Estimate | undefined, mode: FitMode): number {
  if (!est) {
    return Infinity;
  }
  return mode === 'inference' ? est.inference.peakBytes : est.training.peakBytes;
}

/**
 * Estimates the config with some settings changed. The changes win over what the file states (a probe for the
 * largest batch must change the batch even where the file sets one); `forced` carries the caller's own overrides.
 */
function variant(config: FoundConfig, options: AnalysisOptions, forced: Partial<AnalysisOptions>, patch: Partial<AnalysisOptions>): Estimate | undefined {
  return analyzeConfig(config, options, undefined, { ...forced, ...patch }).estimate;
}

function fitsWith(config: FoundConfig, options: AnalysisOptions, gpu: Gpu, mode: FitMode, forced: Partial<AnalysisOptions>, patch: Partial<AnalysisOptions> = {}): boolean {
  return peakIn(variant(config, options, forced, patch), mode) <= gpuMemoryBytes(gpu);
}

/** Largest micro-batch that fits, exact to the unit (0 when batch 1 does not fit). */
export function largestBatch(config: FoundConfig, options: AnalysisOptions, gpu: Gpu, mode: FitMode, forced: Partial<AnalysisOptions> = {}, limit = 1 << 16): number {
  return largestFitting(b => fitsWith(config, options, gpu, mode, forced, { batchSize: b }), limit);
}

/** Longest sequence that fits at the current batch, exact to the token, up to `limit`. */
export function longestSequence(config: FoundConfig, options: AnalysisOptions, gpu: Gpu, mode: FitMode, limit: number, forced: Partial<AnalysisOptions> = {}): number {
  return largestFitting(s => fitsWith(config, options, gpu, mode, forced, { sequenceLength: s }), limit);
}

/** Image sides are searched in steps of 64 pixels (every diffusers pipeline accepts them), up to 8,192. */
const IMAGE_STEP = 64;
const IMAGE_LIMIT = 8192;

/** Largest square image side a diffusion model fits at the current batch, in steps of 64 pixels (0: none). */
export function largestImage(config: FoundConfig, options: AnalysisOptions, gpu: Gpu, mode: FitMode, forced: Partial<AnalysisOptions> = {}): number {
  return IMAGE_STEP * largestFitting(k => fitsWith(config, options, gpu, mode, forced, { imageSide: k * IMAGE_STEP }), IMAGE_LIMIT / IMAGE_STEP);
}

/** The listed GPU with the least memory (then the lowest price) that holds `bytes`, if any does. */
export function smallestGpuFor(bytes: number, gpus: readonly Gpu[] = GPUS): Gpu | undefined {
  return [...gpus]
    .filter(g => gpuMemoryBytes(g) >= bytes)
    .sort(bySizeThenPrice)[0];
}

export function cheapestGpuFor(bytes: number, gpus: readonly Gpu[] = GPUS): Gpu | undefined {
  return gpus
    .filter(g => gpuMemoryBytes(g) >= bytes && g.priceUsd !== null)
    .sort((a, b) => (a.priceUsd ?? 0) - (b.priceUsd ?? 0))[0];
}

export interface MultiGpuPlan {
  /** Null when no number of these GPUs is enough. */
  readonly count: number | null;
  readonly how: string;
}

/**
 * How many GPUs of one kind the config needs: tensor parallelism for inference (a power of two that divides
 * the KV heads, as vLLM requires), ZeRO-3 / FSDP data parallelism for training. A null count says why none is enough.
 */
export function gpusNeeded(config: FoundConfig, options: AnalysisOptions, gpu: Gpu, mode: FitMode, forced: Partial<AnalysisOptions> = {}): MultiGpuPlan {
  if (mode === 'inference') {
    for (let n = 1; n <= 1024; n *= 2) {
      if (fitsWith(config, options, gpu, mode, forced, { gpus: n, tensorParallel: n, pipelineParallel: 1, zeroStage: 0 })) {
        return { count: n, how: n === 1 ? 'one GPU' : `tensor parallel over ${n} GPUs` };
      }
    }
    return { count: null, how: 'more than 1,024 GPUs in tensor parallel' };
  }
  if (fitsWith(config, options, gpu, mode, forced, { gpus: 1, tensorParallel: 1, pipelineParallel: 1, zeroStage: 0 })) {
    return { count: 1, how: 'one GPU' };
  }
  const sharded = (k: number): Partial<AnalysisOptions> => ({ gpus: k, tensorParallel: 1, pipelineParallel: 1, zeroStage: 3 });
  const n = largestFitting(k => !fitsWith(config, options, gpu, mode, forced, sharded(k)), 1024) + 1;
  if (n > 1024 || !fitsWith(config, options, gpu, mode, forced, sharded(n))) {
    // What no number of GPUs divides: the gradients FSDP keeps whole between micro-batches (no_sync), or the activations.
    const far = variant(config, options, forced, sharded(1024))?.settings;
    const whole = far?.unshardedAccumulation === true && far.gradientAccumulationSteps > 1;
    return {
      count: null,
      how: whole
        ? 'no number: the whole model\'s gradients, which FSDP keeps unsharded between micro-batches (no_sync), exceed one GPU (try syncing every micro-batch, or one micro-batch per step)'
        : 'no number: activations alone exceed one GPU under ZeRO-3 (try checkpointing or a shorter sequence)',
    };
  }
  return { count: n, how: `ZeRO-3 / FSDP over ${n} GPUs` };
}

export interface ShapeLimit {
  /** Most layers at the current width. */
  readonly layers: number;
  /** Widest hidden size at the current depth (a multiple of the head dimension, heads scaled with it). */
  readonly hiddenSize: number;
}

/** "What can my GPU run?": the largest model of the current shape family that fits, by depth and by width. */
export function largestShape(config: FoundConfig, options: AnalysisOptions, gpu: Gpu, mode: FitMode, forced: Partial<AnalysisOptions> = {}): ShapeLimit | undefined {
  const base = analyzeConfig(config, options, undefined, forced);
  const spec = base.spec;
  if (!spec) {
    return undefined;
  }
  const layers = largestFitting(l => fitsWith(withRawValue(config, 'numLayers', l), options, gpu, mode, forced), 4096);
  const headDim = spec.headDim;
  const kvRatio = spec.numHeads / spec.numKvHeads;
  const ffnRatio = spec.intermediateSize / spec.hiddenSize;
  const widened = (heads: number): FoundConfig => {
    let c = withRawValue(config, 'hiddenSize', heads * headDim);
    c = withRawValue(c, 'numHeads', heads);
    if (config.raw.numKvHeads !== undefined) {
      c = withRawValue(c, 'numKvHeads', Math.max(1, Math.round(heads / kvRatio)));
    }
    if (config.raw.intermediateSize !== undefined) {
      c = withRawValue(c, 'intermediateSize', Math.round(heads * headDim * ffnRatio));
    }
    return c; // without an explicit head_dim it stays hidden / heads

  };
  const heads = largestFitting(a => fitsWith(widened(a), options, gpu, mode, forced), 4096);
  return { layers, hiddenSize: heads * headDim };
}

/** The estimate when one hyperparameter in the file is doubled (the config is otherwise unchanged). */
export function estimateWithDoubled(
  config: FoundConfig,
  field: SpecField,
  options: AnalysisOptions,
  forced: Partial<AnalysisOptions> = {},
): Estimate | undefined {
  const value = config.raw[field];
  return typeof value === 'number' ? variant(withRawValue(config, field, value * 2), options, forced, {}) : undefined;
}

export interface Sensitivity {
  /** The hyperparameter in the file; undefined for the run settings (batch size, sequence length). */
  readonly field: SpecField | undefined;
  readonly key: string;
  readonly value: number;
  readonly inference: number;
  readonly training: number;
}

/** For each numeric hyperparameter in the file: the VRAM multiplier when it doubles (the seed's table, made true). */
export function sensitivities(config: FoundConfig, options: AnalysisOptions, forced: Partial<AnalysisOptions> = {}): Sensitivity[] {
  const base = variant(config, options, forced, {});
  if (!base) {
    return [];
  }
  const out: Sensitivity[] = [];
  for (const k of config.keys) {
    const value = config.raw[k.field];
    // The context length only caps the default sequence length; the sequence-length row covers it.
    if (typeof value !== 'number' || k.field === 'maxPositions' || k.key !== config.keys.find(x => x.field === k.field)?.key) {
      continue;
    }
    const doubled = estimateWithDoubled(config, k.field, options, forced);
    if (!doubled) {
      continue;
    }
    out.push({
      field: k.field,
      key: k.key,
      value,
      inference: doubled.inference.peakBytes / base.inference.peakBytes,
      training: doubled.training.peakBytes / base.training.peakBytes,
    });
  }
  // The run settings double too: batch and sequence length.
  for (const [key, patch] of [
    ['batch size', { batchSize: base.settings.batchSize * 2 }],
    ['sequence length', { sequenceLength: base.settings.sequenceLength * 2 }],
  ] as const) {
    const doubled = variant(config, options, forced, patch)!;
    out.push({
      field: undefined,
      key,
      value: key === 'batch size' ? base.settings.batchSize : base.settings.sequenceLength,
      inference: doubled.inference.peakBytes / base.inference.peakBytes,
      training: doubled.training.peakBytes / base.training.peakBytes,
    });
  }
  return out;
}

export interface Saving {
  readonly label: string;
  readonly trainingPeakBytes: number;
  readonly inferencePeakBytes: number;
}

/** What each optimisation would do to this config's peaks (the seed's "memory optimization tricks", measured). */
export function savings(config: FoundConfig, options: AnalysisOptions, forced: Partial<AnalysisOptions> = {}): Saving[] {
  const variants: [string, Partial<AnalysisOptions>][] = [
    ['as configured', {}],
    ['full gradient checkpointing', { checkpointing: 'full' }],
    ['pure bf16 (bf16-true) instead of mixed precision', { precision: 'bf16-true' }],
    ['8-bit AdamW', { optimizer: 'adamw-8bit' }],
    ['LoRA r=16 on all linear layers', { lora: { rank: 16, targets: ALL_LINEAR_TARGETS, dropout: true }, quantization: undefined }],
    ['QLoRA (NF4 + double quantization) r=16 on all linear layers', { lora: { rank: 16, targets: ALL_LINEAR_TARGETS, dropout: true }, quantization: 'nf4-dq' }],
    ['ZeRO-2 over 8 GPUs', { gpus: 8, zeroStage: 2, tensorParallel: 1, pipelineParallel: 1 }],
    ['ZeRO-3 / FSDP over 8 GPUs', { gpus: 8, zeroStage: 3, tensorParallel: 1, pipelineParallel: 1 }],
    ['4-bit weights for inference (AWQ int4)', { quantization: 'awq-int4' }],
    ['tensor parallel over 2 GPUs', { gpus: 2, tensorParallel: 2, pipelineParallel: 1, zeroStage: 0 }],
  ];
  const out: Saving[] = [];
  const base = variant(config, options, forced, {});
  // A paged optimizer's states are outside the peak; the plain 8-bit one's are in it, which can make this row higher.
  const paged = base?.settings.optimizer === 'paged-adamw' || base?.settings.optimizer === 'paged-adamw-8bit';
  for (const [name, patch] of variants) {
    const label = paged && name === '8-bit AdamW' ? '8-bit AdamW, not paged (its states in the peak)' : name;
    // A switch the run already has is its "as configured" row again.
    if (base && label !== 'as configured' && alreadyRuns(base.settings, patch)) {
      continue;
    }
    const est = variant(config, options, forced, patch);
    if (est) {
      out.push({ label, trainingPeakBytes: est.training.peakBytes, inferencePeakBytes: est.inference.peakBytes });
    }
  }
  return out;
}

/** Whether a run's settings already are what a patch sets (LoRA by its rank and targets). */
function alreadyRuns(settings: Estimate['settings'], patch: Partial<AnalysisOptions>): boolean {
  return Object.entries(patch).every(([key, value]) => {
    const current = (settings as unknown as Record<string, unknown>)[key];
    if (key === 'lora') {
      const want = value as AnalysisOptions['lora'];
      return settings.lora !== undefined && want !== undefined && settings.lora.rank === want.rank && settings.lora.targets.join() === want.targets.join();
    }
    return JSON.stringify(current) === JSON.stringify(value);
  });
}
