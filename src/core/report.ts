import type { ConfigAnalysis, DocumentAnalysis } from './analyze';
import { GPUS, gpuMemoryBytes, type Gpu } from './gpus';
import type { InferenceComponent, TrainingComponent } from './types';

/** 1-based line of a character offset. */
export function lineOf(text: string, offset: number): number {
  let line = 1;
  const end = Math.min(offset, text.length);
  for (let i = 0; i < end; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
    }
  }
  return line;
}

export const INFERENCE_LABELS: Readonly<Record<InferenceComponent, string>> = {
  weights: 'Weights',
  kvCache: 'KV cache',
  activations: 'Activations (prefill workspace + logits)',
  allocatorReserve: 'Allocator reserve',
  cudaContext: 'CUDA context',
};

export const TRAINING_LABELS: Readonly<Record<TrainingComponent, string>> = {
  weights: 'Weights',
  gradients: 'Gradients',
  optimizer: 'Optimizer states',
  activations: 'Activations (+ loss, backward workspace)',
  allocatorReserve: 'Allocator reserve',
  cudaContext: 'CUDA context',
};

/** The JSON the CLI prints for one config (the contract in the architecture doc). */
export interface ConfigReport {
  readonly name: string;
  readonly line: number;
  readonly format: string;
  readonly architecture: string | null;
  readonly generic: boolean;
  readonly parameters: {
    readonly total: number;
    readonly trainable: number;
    readonly activePerToken: number;
    readonly breakdown: Readonly<Record<string, number>>;
  } | null;
  readonly settings: Readonly<Record<string, unknown>> | null;
  readonly inference: { readonly peakBytes: number; readonly allocatedBytes: number; readonly components: Readonly<Record<string, number>> } | null;
  readonly training: { readonly peakBytes: number; readonly allocatedBytes: number; readonly components: Readonly<Record<string, number>> } | null;
  readonly fits: readonly { readonly gpu: string; readonly memoryMiB: number; readonly inference: boolean; readonly training: boolean }[];
  readonly assumptions: readonly string[];
  readonly problems: readonly { readonly severity: string; readonly message: string; readonly line: number }[];
}

export function configReport(text: string, format: string, a: ConfigAnalysis, gpus: readonly Gpu[] = GPUS): ConfigReport {
  const est = a.estimate;
  const { embeddings, attention, mlp, experts, norms, head, other } = est?.parameters ?? ({} as Record<string, number>);
  return {
    name: a.config.name,
    line: lineOf(text, a.config.span.start),
    format,
    architecture: a.spec?.family ?? null,
    generic: a.spec?.generic ?? false,
    parameters: est
      ? {
          total: est.parameters.total,
          trainable: est.trainableParameters,
          activePerToken: est.parameters.activePerToken,
          breakdown: { embeddings, attention, mlp, experts, norms, head, other },
        }
      : null,
    settings: est ? { ...est.settings } : null,
    inference: est
      ? { peakBytes: est.inference.peakBytes, allocatedBytes: est.inference.allocatedBytes, components: est.inference.components }
      : null,
    training: est
      ? { peakBytes: est.training.peakBytes, allocatedBytes: est.training.allocatedBytes, components: est.training.components }
      : null,
    fits: est
      ? gpus.map(g => ({
          gpu: g.name,
          memoryMiB: g.memoryMiB,
          inference: est.inference.peakBytes <= gpuMemoryBytes(g),
          training: est.training.peakBytes <= gpuMemoryBytes(g),
        }))
      : [],
    assumptions: est?.assumptions ?? [],
    problems: a.problems.map(p => ({ severity: p.severity, message: p.message, line: lineOf(text, p.span.start) })),
  };
}

export function documentReport(text: string, format: string, doc: DocumentAnalysis): ConfigReport[] {
  return doc.configs.map(c => configReport(text, format, c));
}

/** The cheapest listed GPU (by memory, then price) whose memory holds `bytes`, if any does. */
export function smallestGpuFor(bytes: number, gpus: readonly Gpu[] = GPUS): Gpu | undefined {
  return [...gpus]
    .filter(g => gpuMemoryBytes(g) >= bytes)
    .sort((a, b) => a.memoryMiB - b.memoryMiB || (a.priceUsd ?? Infinity) - (b.priceUsd ?? Infinity))[0];
}
