// How a run's GPUs divide among its parallel layouts: the data-parallel degree, for the memory model, the fixes and the recipe readers.
import type { RunSettings } from './types';

/**
 * The GPUs that hold the same slice of the model: gpus / (tensor × pipeline parallel), at least 1. ZeRO and FSDP shard
 * the model states over these (context-parallel ranks among them, as FSDP2 and Megatron's distributed optimizer do).
 */
export function dataParallelDegree(s: Pick<RunSettings, 'gpus' | 'tensorParallel' | 'pipelineParallel'>): number {
  return Math.max(1, Math.floor(s.gpus / (Math.max(1, s.tensorParallel) * Math.max(1, s.pipelineParallel))));
}

/** The ranks that each take their own samples: the data-parallel degree less context parallelism (its ranks split one sequence). */
export function sampleParallelDegree(s: Pick<RunSettings, 'gpus' | 'tensorParallel' | 'pipelineParallel' | 'contextParallel'>): number {
  return Math.max(1, Math.floor(dataParallelDegree(s) / Math.max(1, s.contextParallel ?? 1)));
}

/** The fewest GPUs a run's split needs: one of each tensor, pipeline and context-parallel rank. */
export function modelParallelGroup(s: Pick<RunSettings, 'tensorParallel' | 'pipelineParallel' | 'contextParallel'>): number {
  return Math.max(1, s.tensorParallel) * Math.max(1, s.pipelineParallel) * Math.max(1, s.contextParallel ?? 1);
}
