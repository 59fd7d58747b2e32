// The CLI's JSON report of a config (the contract) and the advice it carries.
import { judgedModes, type ConfigIntent } from './intent';
import { fixesJson, type FixJson } from './configFixes';
import { planLlamaCpp, type LlamaPlan } from './llamacpp';
import { fewestStartingSplit, planServing, type ServingPlan } from './serving';
import { isDiffusionRun } from './diffusion';
import { cheapestGpuFor, estimateWithDoubled, gpusNeeded, largestBatch, largestImage, largestShape, longestSequence, peakIn, savings, sensitivities, smallestGpuFor, type FitMode, type MultiGpuPlan } from './advise';
import { analyzeConfig, configVerdict, verdictFor, type ConfigAnalysis, type DocumentAnalysis } from './analyze';
import { CATALOG } from './catalog';
import { configOfModelName } from './spec';
import { ALL_LINEAR_TARGETS } from './weightTensor';
import type { AnalysisOptions } from './options';
import { cloudVsBuy, throughputOn, type CloudVsBuy, type Throughput } from './throughput';

import { GPUS, isGpuGroup, isUnifiedMemory, type Gpu } from './gpus';
import { sampleShape } from './format';
import type { Estimate, InferenceComponent, RunSettings, SpecField, TrainingComponent, TrainingLoss } from './types';

/** The request the throughput figures assume: a 512-token prompt and a 256-token answer. */
export const DEFAULT_PROMPT_TOKENS = 512;
export const DEFAULT_ANSWER_TOKENS = 256;
/** Configs per file that get advice (each is a search over many estimates); the rest get their estimates only. */
export const MAX_ADVISED_CONFIGS = 10;

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

export interface GpuFit {
  readonly gpu: string;
  readonly memoryMiB: number;
  readonly inference: boolean;
  readonly training: boolean;
}

/** One listed GPU against an estimate: whether each mode fits, and by how much it is spare or over. */
export interface GpuRow {
  readonly gpu: Gpu;
  readonly inference: { readonly fits: boolean; readonly headroomBytes: number };
  readonly training: { readonly fits: boolean; readonly headroomBytes: number };
}

/**
 * Every GPU of a list against one config, in the list's order: what "Compare GPUs", the report and the CLI show. A
 * serving command is judged by its engine on each card (the cards VRAM Lens does not plan the engine on are left out).
 */
export function gpuRows(a: VerdictInputs, gpus: readonly Gpu[]): GpuRow[] {
  return gpus.flatMap(gpu => {
    const v = configVerdict(a, gpu);
    return v ? [{ gpu, inference: { fits: v.inference, headroomBytes: v.inferenceHeadroomBytes }, training: { fits: v.training, headroomBytes: v.trainingHeadroomBytes } }] : [];
  });
}

/** What a config's verdict on another card is computed from. */
type VerdictInputs = Parameters<typeof configVerdict>[0];

/** How many of one card a config needs in each mode where one is not enough (null: it fits on one). */
export interface MultiGpuRow {
  readonly gpu: string;
  readonly inference: MultiGpuPlan | null;
  readonly training: MultiGpuPlan | null;
}

/** The cards (not unified memory) one of which does not hold the config in some mode, with the fewest that do. */
export function multiGpuRows(a: ConfigAnalysis, options: AnalysisOptions, gpus: readonly Gpu[]): MultiGpuRow[] {
  if (!a.estimate) {
    return [];
  }
  const cards = gpus.filter(g => !isUnifiedMemory(g));
  if (a.servingOptions && a.spec) {
    // A serving command: the fewest in tensor parallel its engine starts on; training is not what it is for.
    const { spec, servingOptions } = a;
    return gpuRows(a, cards)
      .filter(r => !r.inference.fits)
      .map(r => ({ gpu: r.gpu.name, inference: servingSplit(fewestStartingSplit(spec, servingOptions, r.gpu)), training: null }));
  }
  return gpuRows(a, cards)
    .filter(r => !(r.inference.fits && r.training.fits))
    .map(r => ({
      gpu: r.gpu.name,
      inference: r.inference.fits ? null : gpusNeeded(a.config, options, r.gpu, 'inference'),
      training: r.training.fits ? null : gpusNeeded(a.config, options, r.gpu, 'training'),
    }));
}

/** The split a serving engine starts with, as the multi-GPU table gives it. */
function servingSplit(tp: number | undefined): MultiGpuPlan {
  return tp === undefined ? { count: null, how: 'it does not start on up to 8 of them' } : { count: tp, how: `tensor parallel over ${tp} GPUs` };
}

/** What Fits' LoRA run: r=16 on every linear layer at 2,048 tokens, in pure bf16. */
const WHAT_FITS_LORA = { sequenceLength: 2048, batchSize: 1, precision: 'bf16-true', lora: { rank: 16, targets: ALL_LINEAR_TARGETS, dropout: true } } as const;

/** The runs "What Fits" sizes every catalog model for. */
export const WHAT_FITS_RUNS = {
  inference: { sequenceLength: 4096, batchSize: 1 },
  lora: WHAT_FITS_LORA,
  // QLoRA as it is usually run: PEFT's prepare_model_for_kbit_training turns gradient checkpointing on.
  qlora: { ...WHAT_FITS_LORA, quantization: 'nf4-dq', checkpointing: 'full' },
  full: { sequenceLength: 2048, batchSize: 1, precision: 'bf16-mixed', optimizer: 'adamw', lora: undefined, quantization: undefined },
} as const satisfies Readonly<Record<string, Partial<AnalysisOptions>>>;

/** One catalog model's peak in each of the What Fits runs. */
export interface CatalogFit {
  readonly id: string;
  readonly parameters: number;
  readonly peaks: Readonly<Record<keyof typeof WHAT_FITS_RUNS, number>>;
}

/** Every catalog model in the What Fits runs (to be judged against one card). */
export function catalogFits(options: AnalysisOptions): CatalogFit[] {
  const out: CatalogFit[] = [];
  for (const model of CATALOG) {
    const found = configOfModelName(model.id);
    if (!found) {
      continue;
    }
    const peak = (patch: Partial<AnalysisOptions>, mode: FitMode) => peakIn(analyzeConfig(found, options, undefined, patch).estimate, mode);
    out.push({
      id: model.id,
      parameters: analyzeConfig(found, options, undefined).estimate?.parameters.total ?? 0,
      peaks: {
        inference: peak(WHAT_FITS_RUNS.inference, 'inference'),
        lora: peak(WHAT_FITS_RUNS.lora, 'training'),
        qlora: peak(WHAT_FITS_RUNS.qlora, 'training'),
        full: peak(WHAT_FITS_RUNS.full, 'training'),
      },
    });
  }
  return out;
}

/** The largest model of a config's shape a card holds in each mode: more layers at its width, or wider at its depth. */
export function shapeLimits(a: ConfigAnalysis, options: AnalysisOptions, gpu: Gpu): { readonly inference: { layers: number; hiddenSize: number }; readonly training: { layers: number; hiddenSize: number } } | undefined {
  const inference = largestShape(a.config, options, gpu, 'inference');
  const training = largestShape(a.config, options, gpu, 'training');
  return inference && training ? { inference, training } : undefined;
}

/** What two nearby values of a serving flag would give: the engine's plan at each (vLLM / SGLang, or llama.cpp / Ollama). */
export type FlagWhatIf =
  | { readonly value: number; readonly engine: 'server'; readonly plan: ServingPlan }
  | { readonly value: number; readonly engine: 'local'; readonly plan: LlamaPlan };

/** Two values around the current one: a step of 0.05 for a memory fraction, else half and double. */
function nearbyValues(option: string, value: number): number[] {
  if (option === 'gpuMemoryUtilization' || option === 'memFractionStatic') {
    return [Math.round((value - 0.05) * 100) / 100, Math.min(0.99, Math.round((value + 0.05) * 100) / 100)].filter(v => v > 0 && v !== value);
  }
  return [Math.max(1, Math.floor(value / 2)), value * 2].filter(v => v !== value);
}

/** The engine's plan at two other values of the flag a hover is on, where the flag is a number the plan reads. */
export function flagWhatIfs(a: ConfigAnalysis, option: string | undefined, gpu: Gpu | undefined): FlagWhatIf[] {
  if (!option || !gpu || !a.spec) {
    return [];
  }
  const spec = a.spec;
  if (a.local && a.localOptions) {
    const current = (a.localOptions as unknown as Record<string, unknown>)[option];
    const local = a.localOptions;
    return typeof current === 'number' ? nearbyValues(option, current).map(value => ({ value, engine: 'local' as const, plan: planLlamaCpp(spec, { ...local, [option]: value }, gpu) })) : [];
  }
  if (a.serving && a.servingOptions) {
    const current = (a.servingOptions as unknown as Record<string, unknown>)[option];
    const serving = a.servingOptions;
    return typeof current === 'number' ? nearbyValues(option, current).map(value => ({ value, engine: 'server' as const, plan: planServing(spec, { ...serving, [option]: value }, gpu) })) : [];
  }
  return [];
}

/** The JSON the CLI prints for one config (the contract in the architecture doc). */
export interface ConfigReport {
  readonly name: string;
  /** 1-based line of the config; in a notebook, of its cell. */
  readonly line: number;
  /** In a notebook (.ipynb): the 1-based cell the config's model is loaded in. */
  readonly cell?: number;
  readonly format: string;
  /** What the config's file is for: a training run, an inference run (serving, evaluation, generation) or a bare model. */
  readonly intent: ConfigIntent;
  readonly architecture: string | null;
  readonly generic: boolean;
  readonly parameters: {
    readonly total: number;
    readonly trainable: number;
    readonly activePerToken: number;
    readonly breakdown: Readonly<Record<string, number>>;
  } | null;
  readonly settings: Readonly<Record<string, unknown>> | null;
  /** The settings in words, as the editor shows them. */
  readonly summary: string | null;
  readonly inference: { readonly peakBytes: number; readonly allocatedBytes: number; readonly components: Readonly<Record<string, number>> } | null;
  readonly training: { readonly peakBytes: number; readonly allocatedBytes: number; readonly components: Readonly<Record<string, number>> } | null;
  readonly fits: readonly GpuFit[];
  /** The verdict for the target GPU (for `2× RTX 4090`, per card of the split model); null when unknown. */
  readonly target: GpuFit | null;
  readonly assumptions: readonly string[];
  /** Advice for the target GPU (absent without an estimate or a known target). */
  readonly advice?: Advice;
  /** The serving engine's plan per GPU, when the file starts vLLM or SGLang (the JSON contract's field names). */
  readonly serving?: ServingJson;
  /**
   * The quick fixes the editor offers, for each judged mode the config does not fit in (or its serving engine's
   * refusal), best first; empty when it fits or is past the first MAX_ADVISED_CONFIGS of its file.
   */
  readonly fixes: readonly FixJson[];
  readonly problems: readonly { readonly severity: string; readonly message: string; readonly line: number }[];
}

/** A serving plan as the CLI's JSON gives it: the contract's fields, then the settings it assumed. */
export type ServingJson = Omit<ServingPlan, 'assumptions'> | Omit<LlamaPlan, 'assumptions'>;

/** A plan without its assumptions, which the report lists with the config's own. */
function planJson<P extends { readonly assumptions: readonly string[] }>(plan: P): Omit<P, 'assumptions'> {
  const { assumptions, ...json } = plan;
  void assumptions;
  return json;
}

/** What doubling one of the file's model keys does, as its hover says it (the rest of the config unchanged). */
export interface KeyWhatIf {
  readonly inferencePeakBytes: number;
  readonly trainingPeakBytes: number;
  /** The doubled peak over the current one. */
  readonly inferenceRatio: number;
  readonly trainingRatio: number;
}

export function keyWhatIf(a: ConfigAnalysis, field: SpecField, options: AnalysisOptions): KeyWhatIf | undefined {
  const est = a.estimate;
  const doubled = est && estimateWithDoubled(a.config, field, options);
  return doubled && est
    ? {
        inferencePeakBytes: doubled.inference.peakBytes,
        trainingPeakBytes: doubled.training.peakBytes,
        inferenceRatio: doubled.inference.peakBytes / est.inference.peakBytes,
        trainingRatio: doubled.training.peakBytes / est.training.peakBytes,
      }
    : undefined;
}

/** A run setting the file states, one step either way, and the estimate with it: what the hover on its key says. */
export interface SettingWhatIf {
  /** The changed value as the report words it ("micro-batch 8", "no checkpointing", "16 GPUs"). */
  readonly label: string;
  readonly inferencePeakBytes: number;
  readonly trainingPeakBytes: number;
}

interface SettingStep {
  readonly label: string;
  readonly patch: Partial<AnalysisOptions>;
}

/** Half and twice a count, the ones that differ from it and are at least 1. */
function halfAndDouble(n: number): number[] {
  return [Math.floor(n / 2), n * 2].filter(x => x >= 1 && x !== n);
}

/** The steps either way of each run setting a file can state, as an engineer would try them. */
const SETTING_STEPS: Partial<Record<keyof AnalysisOptions, (s: RunSettings) => SettingStep[]>> = {
  batchSize: s => halfAndDouble(s.batchSize).map(n => ({ label: `micro-batch ${n}`, patch: { batchSize: n } })),
  sequenceLength: s => halfAndDouble(s.sequenceLength).map(n => ({ label: `sequence ${n.toLocaleString('en-US')}`, patch: { sequenceLength: n } })),
  checkpointing: s => (['none', 'full'] as const).filter(c => c !== s.checkpointing).map(c => ({ label: c === 'none' ? 'no checkpointing' : 'full checkpointing', patch: { checkpointing: c } })),
  gpus: s => halfAndDouble(s.gpus).filter(n => n % (s.tensorParallel * s.pipelineParallel) === 0).map(n => ({ label: `${n} GPUs`, patch: { gpus: n } })),
  // A wider split over as many more GPUs: the data-parallel degree stays.
  tensorParallel: s => halfAndDouble(s.tensorParallel).map(n => ({ label: `tensor parallel ${n} (${(s.gpus / s.tensorParallel) * n} GPUs)`, patch: { tensorParallel: n, gpus: (s.gpus / s.tensorParallel) * n } })),
  pipelineParallel: s => halfAndDouble(s.pipelineParallel).map(n => ({ label: `pipeline parallel ${n} (${(s.gpus / s.pipelineParallel) * n} GPUs)`, patch: { pipelineParallel: n, gpus: (s.gpus / s.pipelineParallel) * n } })),
  zeroStage: s => ([0, 1, 2, 3] as const).filter(z => z !== s.zeroStage && s.gpus > 1).map(z => ({ label: z === 0 ? 'no ZeRO sharding' : `ZeRO-${z}`, patch: { zeroStage: z } })),
  offloadOptimizer: s => [{ label: s.offloadOptimizer ? 'optimizer states on the GPU' : 'optimizer states offloaded to the CPU', patch: { offloadOptimizer: !s.offloadOptimizer } }],
  lora: s => (s.lora ? halfAndDouble(s.lora.rank).map(rank => ({ label: `LoRA rank ${rank}`, patch: { lora: { ...s.lora!, rank } } })) : []),
  // The frameworks' memory switches (torchtune's recipes), each the other way.
  compiled: s => [{ label: s.compiled ? 'without torch.compile' : 'with torch.compile', patch: { compiled: !s.compiled } }],
  optimizerInBackward: s => [{ label: s.optimizerInBackward ? 'without the optimizer step in backward' : 'with the optimizer step in backward', patch: { optimizerInBackward: !s.optimizerInBackward } }],
  activationOffloading: s => [{ label: s.activationOffloading ? 'without activation offloading' : 'with activation offloading', patch: { activationOffloading: !s.activationOffloading } }],
  // unsloth's fused loss is its library's, not a setting of the file: no other loss to switch to there.
  // TRL's chunked loss switches to its plain one (loss_type "nll"), not to torchtune's.
  loss: s =>
    s.loss === 'fused-chunked'
      ? []
      : s.loss === 'trl-chunked'
        ? [{ label: 'TRL\'s plain loss over the whole logits (loss_type "nll")', patch: { loss: 'cross-entropy' } }]
        : LOSS_STEPS.filter(l => l.loss !== (s.loss ?? 'cross-entropy')).map(l => ({ label: l.label, patch: { loss: l.loss } })),
};

/** The losses a recipe can name, as a switch of one to another reads. */
const LOSS_STEPS: readonly { readonly loss: TrainingLoss; readonly label: string }[] = [
  { loss: 'cross-entropy', label: 'the plain cross-entropy loss' },
  { loss: 'chunked-output', label: 'the chunked-output cross-entropy loss' },
  { loss: 'linear-chunked', label: 'the linear cross-entropy loss' },
];

/** The run settings a file states whose effect the report lists: its memory switches, each the other way. */
const SWITCH_OPTIONS: readonly (keyof AnalysisOptions)[] = ['checkpointing', 'compiled', 'optimizerInBackward', 'activationOffloading', 'loss', 'offloadOptimizer'];

/** A memory switch the file states, the other way, and the estimate with it: the report's "what the file's switches do". */
export interface SwitchEffect extends SettingWhatIf {
  /** The key in the file ("optimizer_in_bwd"). */
  readonly key: string;
}

/** Each memory switch the file states, the other way (its first key where several state one option), over the CLI's flags. */
export function switchEffects(a: ConfigAnalysis, options: AnalysisOptions, forced: Partial<AnalysisOptions> = {}): SwitchEffect[] {
  const seen = new Set<keyof AnalysisOptions>();
  return a.config.training.sources.flatMap(source => {
    if (!SWITCH_OPTIONS.includes(source.option) || seen.has(source.option)) {
      return [];
    }
    seen.add(source.option);
    return settingWhatIfs(a, source.option, options, forced).map(w => ({ key: source.key, ...w }));
  });
}

/** The estimate with a run setting the file states one step either way, the CLI's flags kept (none for a serving engine's plan). */
export function settingWhatIfs(a: ConfigAnalysis, option: keyof AnalysisOptions, options: AnalysisOptions, forced: Partial<AnalysisOptions> = {}): SettingWhatIf[] {
  const est = a.estimate;
  const steps = SETTING_STEPS[option];
  if (!est || !steps || a.serving || a.local) {
    return [];
  }
  return steps(est.settings).flatMap(step => {
    const changed = analyzeConfig(a.config, options, undefined, { ...forced, ...step.patch }).estimate;
    return changed ? [{ label: step.label, inferencePeakBytes: changed.inference.peakBytes, trainingPeakBytes: changed.training.peakBytes }] : [];
  });
}

/** The smallest listed single GPU each mode fits on: the advice's, or (for a config past MAX_ADVISED_CONFIGS) the list's. */
export function smallestGpus(est: Estimate, advice: Advice | undefined): { readonly inference: string | null; readonly training: string | null } {
  return {
    inference: advice ? advice.inference.smallestGpu : (smallestGpuFor(est.inference.peakBytes)?.name ?? null),
    training: advice ? advice.training.smallestGpu : (smallestGpuFor(est.training.peakBytes)?.name ?? null),
  };
}

export interface ModeAdvice {
  readonly fits: boolean;
  readonly headroomBytes: number;
  /** Largest micro-batch that fits at the current sequence length (0: none). */
  readonly largestBatch: number;
  /** Longest sequence that fits at the current batch, up to the model's context (0: none; 0 for a diffusion model). */
  readonly longestSequence: number;
  /** A diffusion model's largest square image side that fits at the current batch, in steps of 64 (null for others). */
  readonly largestImage: number | null;
  readonly smallestGpu: string | null;
  readonly cheapestGpu: string | null;
  /** GPUs of the target kind needed, and how they are used. */
  readonly gpusNeeded: { readonly count: number | null; readonly how: string };
  /** The largest model of this shape that fits: more layers at this width, or a wider model at this depth. */
  readonly largestShape: { readonly layers: number; readonly hiddenSize: number } | null;
}

export interface Advice {
  readonly gpu: string;
  /**
   * First-order serving speed on the target GPU (bandwidth-bound decode, compute-bound prefill); null where inference
   * does not fit, or the config fits in none of the modes it is judged in.
   */
  readonly throughput: Throughput | null;
  /** Cloud rental versus buying the target GPU; null where the config fits in none of the modes it is judged in. */
  readonly cost: CloudVsBuy | null;
  readonly inference: ModeAdvice;
  readonly training: ModeAdvice;
  readonly sensitivity: readonly { readonly key: string; readonly value: number; readonly inference: number; readonly training: number }[];
  readonly savings: readonly { readonly label: string; readonly inferencePeakBytes: number; readonly trainingPeakBytes: number }[];
  /** The memory switches the file states, each the other way. */
  readonly switches: readonly SwitchEffect[];
}

/** Everything VRAM Lens can advise about one config on one GPU. */
export function adviceFor(a: ConfigAnalysis, options: AnalysisOptions, gpu: Gpu, forced: Partial<AnalysisOptions> = {}): Advice | undefined {
  const est = a.estimate;
  // A serving command is judged by its engine's plan: transformers advice (largest batch, training fixes) does not apply.
  if (!est || !a.spec || a.serving || a.local) {
    return undefined;
  }
  const contextLimit = Math.max(est.settings.sequenceLength, a.spec.maxPositions ?? 0, 1);
  // With several cards as the target, the peaks are per card of a split model: no single card compares.
  const several = isGpuGroup(gpu.name);
  const verdict = verdictFor(est, gpu);
  const doesTheJob = judgedModes(a.intent, options.mode).some(m => verdict[m]);
  const forMode = (mode: FitMode): ModeAdvice => {
    const peak = peakIn(est, mode);
    const smallest = several ? undefined : smallestGpuFor(peak);
    const cheapest = several ? undefined : cheapestGpuFor(peak);
    // A diffusion model is sized by its image, not by a sequence or a deeper or wider stack of blocks.
    const diffusion = isDiffusionRun(est.settings);
    const shape = diffusion ? undefined : largestShape(a.config, options, gpu, mode, forced);
    return {
      fits: mode === 'inference' ? verdict.inference : verdict.training,
      headroomBytes: mode === 'inference' ? verdict.inferenceHeadroomBytes : verdict.trainingHeadroomBytes,
      largestBatch: largestBatch(a.config, options, gpu, mode, forced),
      longestSequence: diffusion ? 0 : longestSequence(a.config, options, gpu, mode, contextLimit, forced),
      largestImage: diffusion ? largestImage(a.config, options, gpu, mode, forced) : null,
      smallestGpu: smallest?.name ?? null,
      cheapestGpu: cheapest?.name ?? null,
      gpusNeeded: several ? { count: null, how: 'the target is already several GPUs' } : gpusNeeded(a.config, options, gpu, mode, forced),
      largestShape: shape ?? null,
    };
  };
  return {
    gpu: gpu.name,
    // Speed and price only where the card does the job the file is for (and, for speed, runs the model).
    throughput: doesTheJob && verdict.inference ? (throughputOn(est, gpu, DEFAULT_PROMPT_TOKENS, DEFAULT_ANSWER_TOKENS) ?? null) : null,
    cost: doesTheJob ? (cloudVsBuy(gpu) ?? null) : null,
    inference: forMode('inference'),
    training: forMode('training'),
    sensitivity: sensitivities(a.config, options, forced).map(({ key, value, inference, training }) => ({ key, value, inference, training })),
    savings: savings(a.config, options, forced),
    switches: switchEffects(a, options, forced),
  };
}

export function configReport(text: string, format: string, a: ConfigAnalysis, gpus: readonly Gpu[] = GPUS, advice?: Advice, fixes: readonly FixJson[] = []): ConfigReport {
  const est = a.estimate;
  const { embeddings, attention, mlp, experts, norms, head, other, vision } = est?.parameters ?? ({} as Record<string, number>);
  return {
    name: a.config.name,
    line: lineOf(text, a.config.span.start),
    format,
    intent: a.intent,
    architecture: a.spec?.family ?? null,
    generic: a.spec?.generic ?? false,
    parameters: est
      ? {
          total: est.parameters.total,
          trainable: est.trainableParameters,
          activePerToken: est.parameters.activePerToken,
          breakdown: { embeddings, attention, mlp, experts, norms, head, other, vision },
        }
      : null,
    settings: est ? { ...est.settings } : null,
    summary: est ? settingsSummary(est) : null,
    inference: est
      ? { peakBytes: est.inference.peakBytes, allocatedBytes: est.inference.allocatedBytes, components: est.inference.components }
      : null,
    training: est
      ? { peakBytes: est.training.peakBytes, allocatedBytes: est.training.allocatedBytes, components: est.training.components }
      : null,
    fits: est ? gpuRows(a, gpus).map(r => ({ gpu: r.gpu.name, memoryMiB: r.gpu.memoryMiB, inference: r.inference.fits, training: r.training.fits })) : [],
    target: a.verdict
      ? { gpu: a.verdict.gpu.name, memoryMiB: a.verdict.gpu.memoryMiB, inference: a.verdict.inference, training: a.verdict.training }
      : null,
    assumptions: [...(est?.assumptions ?? []), ...(a.serving?.assumptions ?? []), ...(a.local?.assumptions ?? [])],
    ...(advice ? { advice } : {}),
    ...(a.serving ? { serving: planJson(a.serving) } : a.local ? { serving: planJson(a.local) } : {}),
    fixes,
    problems: a.problems.map(p => ({ severity: p.severity, message: p.message, line: lineOf(text, p.span.start) })),
  };
}

/**
 * The CLI's report of a document: every estimated config, advice and fixes for the first MAX_ADVISED_CONFIGS.
 * `reanalyze` re-reads an edited text, as the editor does before it offers an edit.
 */
export function documentReport(
  text: string,
  format: string,
  doc: DocumentAnalysis,
  forced: Partial<AnalysisOptions> = {},
  reanalyze?: (editedText: string) => DocumentAnalysis,
): ConfigReport[] {
  return doc.configs.map((c, i) => {
    const advised = doc.gpu !== undefined && i < MAX_ADVISED_CONFIGS;
    const advice = advised ? adviceFor(c, doc.options, doc.gpu!, forced) : undefined;
    return configReport(text, format, c, GPUS, advice, advised ? fixesJson(doc, c, text, reanalyze, forced) : []);
  });
}

/** The run settings in one line: batch, sequence, precision, adapters, optimizer, parallelism. */
export function settingsSummary(est: Pick<Estimate, 'settings'>): string {
  const s = est.settings;
  const parts = [`batch ${s.batchSize}`, sampleShape(s), s.precision];
  if (s.quantization) {
    parts.push(s.quantization);
  }
  if (s.lora?.ia3) {
    parts.push(`(IA)³ (${s.lora.targets.map(t => (s.lora?.ia3?.feedforward.includes(t) ? `${t} input` : t)).join(',')})`);
  } else if (s.lora) {
    parts.push(`${s.quantization ? 'QLoRA' : 'LoRA'}${s.lora.dora ? ' (DoRA)' : ''} r=${s.lora.rank} (${s.lora.targets.join(',')})`);
  }
  parts.push(s.optimizer, `attention ${s.attention}`);
  if (s.checkpointing !== 'none') {
    const how = s.checkpointing === 'selective' && s.selectiveOps ? 'per-op selective' : s.checkpointing === 'selective' && s.checkpointEvery ? `every-${s.checkpointEvery}-block` : s.checkpointing;
    parts.push(`${how} checkpointing`);
  }
  if (s.gpus > 1 || s.tensorParallel > 1 || s.pipelineParallel > 1) {
    parts.push(`${s.gpus} GPUs (TP ${s.tensorParallel}, PP ${s.pipelineParallel}${(s.contextParallel ?? 1) > 1 ? `, CP ${s.contextParallel}` : ''}${(s.expertParallel ?? 1) > 1 ? `, EP ${s.expertParallel}` : ''}${s.tensorParallel > 1 && s.sequenceParallel === false ? ', no SP' : ''}${s.zeroStage > 0 ? `, ZeRO-${s.zeroStage}` : ''})`);
  }
  if (s.kvCacheType !== 'auto') {
    parts.push(`KV cache ${s.kvCacheType}`);
  }
  if (s.serving !== 'hf') {
    parts.push(s.serving);
  }
  return parts.join(', ');
}
