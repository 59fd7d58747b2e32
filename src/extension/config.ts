// The user's VRAM Lens settings as analysis options, each checked against the same limits the CLI and the files use.
import { ALL_LINEAR_TARGETS } from '../core/weightTensor';
import { parseEngineVersion } from '../core/serving';
import * as vscode from 'vscode';
import { DEFAULT_OPTIONS } from '../core/analyze';
import type { AnalysisOptions } from '../core/options';
import { customGpu, MAX_CUSTOM_GPUS, type Gpu } from '../core/gpus';
import { RUN_LIMITS } from '../core/runLimits';
import type { AttentionKernel, Mode, OptimizerName, Precision } from '../core/types';

export const SECTION = 'vramLens';

function pick<T extends string>(value: unknown, allowed: readonly T[], fallback: T): T {
  return typeof value === 'string' && (allowed as readonly string[]).includes(value) ? (value as T) : fallback;
}

/** A whole number from 1 to `limit` (the same limits as the CLI's flags and a file's values), else the fallback. */
function positiveInteger(value: unknown, fallback: number, limit: number): number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= limit ? value : fallback;
}

/**
 * The user's settings as analysis options; invalid values fall back to the defaults instead of throwing.
 * `folderGpus` are the GPUs the resource's workspace folder lists in its vram-lens.gpus.json.
 */
export function readOptions(scope: vscode.Uri | undefined, folderGpus: readonly Gpu[] = []): AnalysisOptions {
  const c = vscode.workspace.getConfiguration(SECTION, scope);
  const seq = c.get<unknown>('sequenceLength');
  const overhead = c.get<unknown>('cudaOverheadMiB');
  return {
    ...DEFAULT_OPTIONS,
    targetGpu: String(c.get<unknown>('targetGpu') ?? DEFAULT_OPTIONS.targetGpu),
    mode: pick<Mode>(c.get('mode'), ['inference', 'training', 'both'], DEFAULT_OPTIONS.mode),
    batchSize: positiveInteger(c.get('batchSize'), DEFAULT_OPTIONS.batchSize, RUN_LIMITS.batchSize),
    sequenceLength: seq === null || seq === undefined ? undefined : positiveInteger(seq, 1024, RUN_LIMITS.sequenceLength),
    precision: pick<Precision>(c.get('precision'), ['32-true', '16-mixed', 'bf16-mixed', '16-true', 'bf16-true'], DEFAULT_OPTIONS.precision),
    optimizer: pick<OptimizerName>(c.get('optimizer'), ['adamw', 'sgd', 'sgd-no-momentum', 'adamw-8bit'], DEFAULT_OPTIONS.optimizer),
    attention: pick<AttentionKernel>(c.get('attention'), ['sdpa', 'eager'], DEFAULT_OPTIONS.attention),
    checkpointing: c.get<unknown>('gradientCheckpointing') === true ? 'full' : 'none',
    gpus: positiveInteger(c.get('gpus'), DEFAULT_OPTIONS.gpus, RUN_LIMITS.gpus),
    zeroStage: zeroStage(c.get('zeroStage')),
    cudaOverheadMiB: typeof overhead === 'number' && overhead >= 0 && overhead <= RUN_LIMITS.cudaOverheadMiB ? overhead : DEFAULT_OPTIONS.cudaOverheadMiB,
    customGpus: [...readCustomGpus(c), ...folderGpus],
    ...fixMargin(c),
    ...engineVersion(c),
    ...fineTuning(c),
    ...images(c),
  };
}

/** vramLens.serving.engineVersion: the vLLM or SGLang release whose accounting serving commands get ("" or unset: the current). */
function engineVersion(c: vscode.WorkspaceConfiguration): Pick<AnalysisOptions, 'engineVersion'> {
  const v = c.get<unknown>('serving.engineVersion');
  return typeof v === 'string' && parseEngineVersion(v) ? { engineVersion: v.trim() } : {};
}

/** vramLens.imageSize, .imagesPerSample and .guidance: the images a diffusion or multimodal model makes or reads. */
function images(c: vscode.WorkspaceConfiguration): Pick<AnalysisOptions, 'imageSide' | 'imagesPerSample' | 'guidance'> {
  const side = c.get<unknown>('imageSize');
  const perSample = c.get<unknown>('imagesPerSample');
  const guidance = c.get<unknown>('guidance');
  return {
    imageSide: typeof side === 'number' && Number.isInteger(side) && side >= 8 && side <= RUN_LIMITS.imageSide ? side : undefined,
    imagesPerSample: typeof perSample === 'number' && Number.isInteger(perSample) && perSample >= 0 && perSample <= RUN_LIMITS.imagesPerSample ? perSample : undefined,
    guidance: guidance === 'on' ? true : guidance === 'off' ? false : undefined,
  };
}

function zeroStage(value: unknown): 0 | 1 | 2 | 3 {
  return value === 1 || value === 2 || value === 3 ? value : 0;
}


/** vramLens.fixMargin: the share of the card quick fixes leave free, 0 to 50 %. */
function fixMargin(c: vscode.WorkspaceConfiguration): Pick<AnalysisOptions, 'fixMarginPct'> {
  const v = c.get<unknown>('fixMargin');
  return typeof v === 'number' && v >= 0 && v <= RUN_LIMITS.fixMarginPct ? { fixMarginPct: v } : {};
}

/**
 * vramLens.fineTuning: LoRA or QLoRA (NF4 with double quantization) on every linear layer, or full training; and
 * vramLens.quantization, the weights of a model whose file does not choose (QLoRA's NF4 wins).
 */
function fineTuning(c: vscode.WorkspaceConfiguration): Pick<AnalysisOptions, 'lora' | 'quantization'> {
  const mode = c.get<unknown>('fineTuning');
  if (mode !== 'lora' && mode !== 'qlora') {
    const weights = c.get<unknown>('quantization');
    return { lora: undefined, quantization: weights === 'int8' || weights === 'nf4' ? weights : undefined };
  }
  const rank = positiveInteger(c.get('loraRank'), 16, RUN_LIMITS.loraRank);
  return { lora: { rank, targets: ALL_LINEAR_TARGETS, dropout: true }, quantization: mode === 'qlora' ? 'nf4-dq' : undefined };
}

function readCustomGpus(c: vscode.WorkspaceConfiguration): Gpu[] {
  const list = c.get<unknown>('customGpus');
  return Array.isArray(list) ? list.slice(0, MAX_CUSTOM_GPUS).map(customGpu).filter((g): g is Gpu => g !== undefined) : [];
}

/** Whether a feature is switched on (vramLens.codeLens.enabled, vramLens.diagnostics.enabled…). */
export function isEnabled(feature: 'codeLens' | 'diagnostics' | 'statusBar', scope?: vscode.ConfigurationScope): boolean {
  return vscode.workspace.getConfiguration(SECTION, scope).get<unknown>(`${feature}.enabled`) !== false;
}
