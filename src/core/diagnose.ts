// The diagnostics of a document: its problems, and a config that does not fit the target GPU, with the numbers.
import type { ConfigAnalysis, DocumentAnalysis, Problem } from './analyze';
import { formatBytes, sampleShape } from './format';
import { gpuMemoryBytes } from './gpus';
import { engineName, planGpus } from './serving';
import { servingShares } from './explain';
import type { Span } from './types';
import { judgedModes, type JudgedMode } from './intent';

export const EXCEEDS_INFERENCE = 'exceeds-gpu-inference';
export const EXCEEDS_TRAINING = 'exceeds-gpu-training';

/**
 * Where a config-level diagnostic points: the line that defines the model — its hidden-size key in a model config,
 * the key or call that names it in a recipe or script (`base_model`, `from_pretrained(…)`, a torchtune builder, a
 * torchtitan flavor) — else the config's first key, else the config's first character.
 */
export function configAnchor(a: ConfigAnalysis): Span {
  const key = a.config.keys.find(k => k.field === 'hiddenSize') ?? a.config.catalog ?? a.config.keys[0];
  return key ? { start: key.keySpan.start, end: Math.max(key.valueSpan.end, key.keySpan.end) } : { start: a.config.span.start, end: a.config.span.start + 1 };
}

export const SERVING_DOES_NOT_START = 'serving-does-not-start';
/** A local engine loads the model only as its own fitting placed it (a shorter context, layers on the CPU). */
export const SERVING_FITTED = 'serving-fitted';

/** The first of these serving flags the command states, else the command itself. */
function flagSpan(a: ConfigAnalysis, options: readonly string[]): Span {
  const source = options.map(o => a.config.serving?.sources.find(s => s.option === o)).find(s => s !== undefined);
  return source ? { start: source.keySpan.start, end: source.valueSpan.end } : { start: a.config.span.start, end: a.config.span.start + 1 };
}

/** Where a serving refusal points: the flag it is about (max_model_len, gpu_memory_utilization), else the command. */
function servingAnchor(a: ConfigAnalysis): Span {
  return flagSpan(a, [/max seq len|max_model_len/.test(a.serving!.reason) ? 'maxModelLen' : 'gpuMemoryUtilization']);
}

/** Where a llama.cpp load that does not fit points: its context or GPU-layers flag, else the command. */
function localAnchor(a: ConfigAnalysis): Span {
  return flagSpan(a, ['contextSize', 'gpuLayers']);
}

/** The refusal as the diagnostic says it: the engine's own words, with the numbers behind them. */
function servingRefusalMessage(plan: NonNullable<ConfigAnalysis['serving']>): string {
  const split = `budget ${formatBytes(plan.budgetBytes)}: ${servingShares(plan)} · KV pool ${formatBytes(plan.kvCacheBytes)} per GPU`;
  return `${engineName(plan)} ${plan.version} would not start on ${planGpus(plan)} (${split}): ${plan.reason}`;
}

function components(parts: [string, number][]): string {
  return parts.filter(([, v]) => v > 0).map(([k, v]) => `${k} ${formatBytes(v)}`).join(', ');
}

/**
 * Problems to show in the editor: unreadable values, and a config that does not fit the target GPU in each mode it is
 * judged in (what its file is for, or both for a bare model config), each with its own diagnostic and fixes.
 */
export function diagnose(doc: DocumentAnalysis): Problem[] {
  const out: Problem[] = [...doc.problems];
  const mode = doc.options.mode;
  for (const a of doc.configs) {
    out.push(...a.problems);
    if (a.serving) {
      // A serving command is judged by whether its engine starts, not by a transformers estimate.
      if (!a.serving.starts) {
        out.push({ severity: 'warning', code: SERVING_DOES_NOT_START, span: servingAnchor(a), message: servingRefusalMessage(a.serving) });
      }
      continue;
    }
    if (a.local) {
      if (!a.local.fits) {
        out.push({ severity: 'warning', code: SERVING_DOES_NOT_START, span: localAnchor(a), message: a.local.reason });
      } else if (a.local.note) {
        // It loads, but not as written: the engine shrank the context or left layers on the CPU.
        out.push({ severity: 'info', code: SERVING_FITTED, span: localAnchor(a), message: a.local.note });
      }
      continue;
    }
    out.push(...fitDiagnostics(a, judgedModes(a.intent, mode)));
  }
  return out;
}

/**
 * A config's fit diagnostics, one per judged mode it does not fit in. A bare model config is judged in both: its
 * training figure is information beside the inference one, which is what such a file is mostly read for.
 */
function fitDiagnostics(a: ConfigAnalysis, modes: readonly JudgedMode[]): Problem[] {
  const est = a.estimate;
  const v = a.verdict;
  if (!est || !v) {
    return [];
  }
  const out: Problem[] = [];
  const gpu = v.gpu;
  const capacity = `${gpu.name}'s ${formatBytes(gpuMemoryBytes(gpu))}`;
  const s = est.settings;
  const assumed = `batch ${s.batchSize}, ${sampleShape(s)}, ${s.precision}`;
  if (modes.includes('inference') && !v.inference) {
    const c = est.inference.components;
    out.push({
      severity: 'warning',
      code: EXCEEDS_INFERENCE,
      span: configAnchor(a),
      message:
        `Inference needs ≈ ${formatBytes(est.inference.peakBytes)}, more than the ${capacity}: ` +
        `${components([['weights', c.weights], ['KV cache', c.kvCache], ['activations', c.activations], ['reserve + CUDA context', c.allocatorReserve + c.cudaContext]])} ` +
        `(${assumed}).`,
    });
  }
  if (modes.includes('training') && !v.training) {
    const c = est.training.components;
    out.push({
      severity: modes.length > 1 ? 'info' : 'warning',
      code: EXCEEDS_TRAINING,
      span: configAnchor(a),
      message:
        `Training needs ≈ ${formatBytes(est.training.peakBytes)}, more than the ${capacity}: ` +
        `${components([['weights', c.weights], ['gradients', c.gradients], ['optimizer states', c.optimizer], ['activations', c.activations]])} ` +
        `(${assumed}, ${s.optimizer}).`,
    });
  }
  return out;
}
