// What a quick fix is (its kinds, the settings it may change) and what every fix of one config is computed against, for the fix builders.
import type { FitMode } from './advise';
import type { ConfigAnalysis } from './analyze';
import type { AnalysisOptions } from './options';
import type { Gpu } from './gpus';
import type { Estimate, Span } from './types';

/** A change to the file: replace a value's text (the key stays as written, in the file's own syntax). */
export interface FileEdit {
  readonly span: Span;
  readonly newText: string;
}

/** The VRAM Lens settings a quick fix may change; the editor's apply command accepts these and no others. */
export const FIX_SETTINGS = [
  'batchSize',
  'sequenceLength',
  'gradientCheckpointing',
  'precision',
  'optimizer',
  'targetGpu',
  'fineTuning',
  'quantization',
  'gpus',
  'zeroStage',
  'imageSize',
] as const;
export type FixSetting = (typeof FIX_SETTINGS)[number];

/** A change to a VRAM Lens setting, for what the file does not say (an HF config.json has no batch size). */
export interface SettingChange {
  readonly setting: FixSetting;
  readonly value: unknown;
}

/**
 * What a fix changes, as the CLI's JSON names it (`configs[].fixes[].kind`). Weight quantization kinds contain
 * "quant"; the serving engines' own fixes (vLLM, SGLang, llama.cpp) have theirs.
 */
export type FixKind =
  | 'quant-8bit'
  | 'quant-4bit'
  | 'quant-4bit-shorter-sequence'
  | 'quant-fp8'
  | 'quant-more-gpus'
  | 'lora-target-gpu'
  | 'qlora-target-gpu'
  | 'micro-batch'
  | 'sequence-length'
  | 'image-size'
  | 'checkpointing'
  | 'precision'
  | 'optimizer-8bit'
  | 'gradient-sync'
  | 'zero-stage'
  | 'gpus'
  | 'tensor-parallel'
  | 'lora'
  | 'qlora'
  | 'more-gpus'
  | 'target-gpu'
  | 'max-model-len'
  | 'gpu-memory-utilization'
  | 'mem-fraction-static'
  | 'kv-cache-fp8'
  | 'kv-cache-q8_0'
  | 'kv-cache-memory'
  | 'cpu-offload'
  | 'cpu-moe'
  | 'context'
  | 'flash-attention'
  | 'gpu-layers';

export interface Fix {
  readonly kind: FixKind;
  readonly title: string;
  /** The value the fix sets: a micro-batch, a precision, a quantization, a GPU count or name, as its key or setting takes it. */
  readonly value: string | number | boolean;
  readonly edit?: FileEdit;
  readonly setting?: SettingChange;
  /** Settings changed with the first (more GPUs, and the ZeRO stage that shards over them). */
  readonly alsoSettings?: readonly SettingChange[];
  /** The peak after the fix, in the failing mode (for a serving command, the engine's budget). */
  readonly peakBytes: number;
  /** What the peak is held against: one GPU of the target the fix leaves (the same card, or the card it switches to). */
  readonly capacityBytes: number;
  /** The first fix that fits is preferred. */
  readonly preferred: boolean;
}

/** Whether a fix's estimate is within its GPU (every offered fix is; the CLI's JSON says so per fix). */
export function fixFits(fix: Fix): boolean {
  return fix.peakBytes <= fix.capacityBytes;
}

/** The share of the card a quick fix may leave free by default: estimates are within a few percent of measured peaks. */
export const DEFAULT_FIX_MARGIN_PCT = 5;

/** What every candidate of one config's fixes is computed against. */
export interface FixContext {
  readonly a: ConfigAnalysis;
  readonly s: Estimate['settings'];
  readonly options: AnalysisOptions;
  readonly forced: Partial<AnalysisOptions>;
  readonly gpu: Gpu;
  /** The card less the safety margin: what every search and every fix must fit. */
  readonly budgetGpu: Gpu;
  readonly budget: number;
  readonly capacity: number;
  readonly mode: FitMode;
  readonly text: string;
  /** Where the file states an option, if it does. */
  readonly sourceOf: (option: keyof AnalysisOptions) => ConfigAnalysis['config']['training']['sources'][number] | undefined;
  readonly peakWith: (patch: Partial<AnalysisOptions>) => number;
  /** The first choice whose patch fits the budget (the lowest ZeRO stage, the fewest GPUs), with its peak. */
  readonly firstFitting: <T>(choices: readonly T[], patchOf: (choice: T) => Partial<AnalysisOptions>) => { choice: T; peak: number } | undefined;
}

/** Training recipes whose framework decides what the file leaves out: a fix is written in their keys, never a setting. */
export type RecipeDialect = 'axolotl' | 'llamafactory' | 'trl';

/** The recipe's framework, by the key that names its model and the keys beside it. */
export function recipeDialect(a: ConfigAnalysis): RecipeDialect | undefined {
  const t = a.config.training;
  if (t.framework === 'llamafactory') {
    return 'llamafactory';
  }
  if (t.framework !== undefined || a.intent !== 'training') {
    return undefined;
  }
  const key = a.config.catalog?.key;
  if (key === 'base_model') {
    return 'axolotl';
  }
  return key === 'model_name_or_path' && t.sources.some(x => x.key === 'per_device_train_batch_size') ? 'trl' : undefined;
}

/** Frameworks that train the whole model with their own optimizer: no LoRA, no 4-bit base, no bitsandbytes optimizer. */
export function trainsWholeModel(c: FixContext): boolean {
  const framework = c.a.config.training.framework;
  return c.s.megatronCore === true || framework === 'torchtitan' || framework === 'gptneox';
}

/** Whether quantizing the weights makes them smaller: fp8 weights are 8-bit already, only 4-bit shrinks them. */
export function quantizationShrinks(s: Estimate['settings'], quantization: 'int8' | 'nf4'): boolean {
  return quantization !== 'int8' || s.precision !== 'fp8';
}
