// The engine's entry point for a document: settings plus the file's own values, one estimate and verdict per config, and the checks that refuse what no model or run can be.
import { findCheckpointIndex, type CheckpointIndex } from './checkpoint';
import type { ConfigDocument, ParseProblem } from './configTree';
import type { AnalysisOptions } from './options';
import { modelParallelGroup } from './parallelism';
import { cudaTotalBytes, findGpu, GPUS, gpuMemoryBytes, groupName, type Gpu } from './gpus';
import { diffusionImage } from './diffusion';
import { imageCost } from './vision';
import { estimate, MIB } from './memory';
import { formatInteger } from './format';
import { resolveIa3Targets } from './ia3';
import { configIntent, type ConfigIntent } from './intent';
import { configOfModelName, launchesIn, locateModelConfigs, problemSpan, resolveSpec, uncountedDiffusersModel, type CatalogReference, type FoundConfig, type UnresolvedName } from './spec';
import { planLlamaCpp, type LlamaOptions, type LlamaPlan } from './llamacpp';
import { planServing, servingHeadroomBytes, unplannedAdvice, unplannedCard, unplannedReason, type DraftModel, type ServingOptions, type ServingPlan, type UnplannedCard } from './serving';
import type { ServingFromFile } from './servingKeys';
import { FRAMEWORK_NAMES, type TrainingFramework } from './trainingKeys';
import type {
  Estimate,
  ModelSpec,
  PreferenceRun,
  RunSettings,
  Span,
} from './types';

/** The GPUs a target name is looked up in: the user's own first, then the built-in list. */
export function gpuList(options: Pick<AnalysisOptions, 'customGpus'>): readonly Gpu[] {
  return options.customGpus && options.customGpus.length > 0 ? [...options.customGpus, ...GPUS] : GPUS;
}

export const DEFAULT_OPTIONS: AnalysisOptions = {
  mode: 'both',
  targetGpu: 'RTX 4090',
  batchSize: 1,
  sequenceLength: undefined,
  newTokens: 0,
  precision: 'bf16-mixed',
  optimizer: 'adamw',
  attention: 'sdpa',
  checkpointing: 'none',
  gradientAccumulationSteps: 1,
  quantization: undefined,
  lora: undefined,
  gpus: 1,
  zeroStage: 0,
  offloadOptimizer: false,
  tensorParallel: 1,
  pipelineParallel: 1,
  kvCacheType: 'auto',
  serving: 'hf',
  torchMajor: 2,
  quantGroupSize: 128,
  allocatorReserve: undefined,
  cudaOverheadMiB: 770,
};

/** More parameters than this is no model (the largest published are about 2·10^12): the values hold a typo. */
export const MAX_PARAMETERS = 1e14;

/** Sequence length used when neither the settings nor the file say, and the model's context is long. */
export const DEFAULT_MAX_SEQUENCE = 4096;
/** Sequence length used when the model does not state a context length at all. */
export const DEFAULT_SEQUENCE_WITHOUT_CONTEXT = 1024;

export interface Problem {
  readonly severity: 'error' | 'warning' | 'info';
  readonly message: string;
  readonly span: Span;
  /** A stable identifier, used as the diagnostic code. */
  readonly code: string;
}

export interface Verdict {
  readonly gpu: Gpu;
  readonly inference: boolean;
  readonly training: boolean;
  readonly inferenceHeadroomBytes: number;
  readonly trainingHeadroomBytes: number;
}

export interface ConfigAnalysis {
  readonly config: FoundConfig;
  /** What the config's file is for: it decides the modes the config is judged in (judgedModes). */
  readonly intent: ConfigIntent;
  readonly spec: ModelSpec | undefined;
  readonly estimate: Estimate | undefined;
  /** The verdict for the target GPU; undefined when the target is unknown or there is no estimate. */
  readonly verdict: Verdict | undefined;
  readonly problems: readonly Problem[];
  /** The serving engine's plan on one target GPU, when the file starts vLLM or SGLang, and the options it was made with. */
  readonly serving?: ServingPlan;
  readonly servingOptions?: ServingOptions;
  /** The llama.cpp or Ollama plan on the target GPU, when the file starts one, and the options it was made with. */
  readonly local?: LlamaPlan;
  readonly localOptions?: LlamaOptions;
}

/**
 * Model configs estimated per file. Real files hold one to a few dozen; past this a file is data, and estimating
 * every entry would cost the editor seconds per edit. The rest are counted and named in one summary.
 */
export const MAX_CONFIGS_PER_FILE = 100;

export interface DocumentAnalysis {
  readonly configs: readonly ConfigAnalysis[];
  /** Model configs past MAX_CONFIGS_PER_FILE, not estimated: how many, and where the first of them is. */
  readonly omitted?: { readonly count: number; readonly span: Span };
  /** Set when the file is a sharded checkpoint's index rather than a config. */
  readonly checkpoint?: CheckpointIndex;
  readonly problems: readonly Problem[];
  readonly gpu: Gpu | undefined;
  readonly options: AnalysisOptions;
  /** Model names the file writes that nothing resolves (each also an `unknown-model` problem). */
  readonly unresolved?: readonly UnresolvedName[];
  /** The recipe files a launch script's launches name, for the host to read. */
  readonly launched?: readonly string[];
}

/**
 * The one framework line of a recipe's report, for the framework the file belongs to, in place of HF transformers'
 * eager modules: one entry per framework, so a new framework cannot fall through to another's line.
 */
const FRAMEWORK_LINES: Readonly<Record<TrainingFramework, (run: string, gpus: number) => string>> = {
  mlx: run => `Framework: mlx-lm (Apple MLX: the model in its stored dtype, fp32 LoRA adapters, the loss in 16 bits; a block keeps what HF's eager block keeps, not measured on MLX), ${run}`,
  torchtune: run => `Framework: torchtune (its own TransformerDecoder; a layer keeps what HF's eager block keeps, less what the recipe's memory switches save), ${run}`,
  torchtitan: run => `Framework: torchtitan (its own Transformer, FSDP2 over the data-parallel GPUs; a layer keeps what HF's eager block keeps, less what the job's switches save), ${run}`,
  llamafactory: run => `Framework: LLaMA-Factory (HF transformers and PEFT underneath), ${run}`,
  gptneox: run =>
    `Framework: GPT-NeoX (Megatron-style tensor parallelism on DeepSpeed; with pipe_parallel_size DeepSpeed's pipeline engine runs each train_micro_batch_size_per_gpu through the stages; a layer keeps what HF's eager block keeps), ${run}`,
  litgpt: (run, gpus) =>
    `Framework: LitGPT (its own model code: fused tanh-GELU, an output head of its own even where HF ties it), ${run}${gpus > 1 ? ' On several devices it shards with FSDP and checkpoints every transformer block.' : ''}`,
};

function frameworkLine(framework: TrainingFramework, assumption: string, gpus: number): string {
  const hf = /^Framework: PyTorch with HF transformers \(eager modules\), (.*)$/.exec(assumption);
  return hf ? FRAMEWORK_LINES[framework](hf[1], gpus) : assumption;
}

/**
 * What a host (the CLI, the editor) should look up for a document, beyond the catalog: the model names it writes —
 * those nothing resolved (`unresolved`, the only ones worth asking the Hub), and those the catalog did, since a local
 * folder of that name wins — and the files its recipes name (DeepSpeed configs). Home-relative names (`~/…`) are
 * left alone.
 */
export function lookupsFor(analysis: DocumentAnalysis): { readonly names: string[]; readonly files: string[]; readonly unresolved: ReadonlySet<string> } {
  const unresolved = new Set((analysis.unresolved ?? []).map(u => u.name));
  const written = [...unresolved, ...analysis.configs.map(c => (c.config.catalog?.external ? undefined : c.config.catalog?.name))];
  const names = [...new Set(written.filter((n): n is string => n !== undefined && n !== '' && !n.startsWith('~')))];
  const files = [...new Set([...analysis.configs.flatMap(c => c.config.training.names ?? []), ...(analysis.launched ?? [])])];
  return { names, files, unresolved };
}

/** Where a named model's architecture comes from, for the report. */
function architectureNote(ref: CatalogReference): string {
  if (ref.external) {
    return `Architecture: read from ${ref.model.source} (named by \`${ref.key}\`).`;
  }
  const why = ref.match ? `, matched by ${ref.match.why}` : '';
  return `Architecture: ${ref.model.id} from the built-in catalog (named by \`${ref.key}\`${why}; ${ref.model.source}).`;
}

/** What the file can do about a model name nothing resolves. */
export function unknownModelMessage(u: UnresolvedName, failure?: string): string {
  const what = u.unreadable ? `The model \`${u.key}\` loads cannot be read (${u.unreadable})` : `Unknown model "${u.name}"`;
  return `${what}: ${UNKNOWN_MODEL_WAYS}.${failure ? ` Hub lookup: ${failure}.` : ''}`;
}

/** The ways out for a model name nothing resolves, as the diagnostic and the CodeLens say them. */
export const UNKNOWN_MODEL_WAYS = 'point to its config.json, enable Hub lookup, or add it to `vramLens.models`';

/** The CodeLens on a model name nothing resolves. */
export function unknownModelLensTitle(u: UnresolvedName): string {
  const what = u.unreadable ? `the model ${u.key} loads cannot be read` : `unknown model ${u.name}`;
  return `VRAM Lens: ${what} — ${UNKNOWN_MODEL_WAYS.replace(/`/g, '')}`;
}

/** The sequence VRAM Lens assumes when nothing sets one: the model's context up to DEFAULT_MAX_SEQUENCE. */
function contextDefault(spec: ModelSpec): number {
  return spec.maxPositions !== undefined ? Math.min(spec.maxPositions, DEFAULT_MAX_SEQUENCE) : DEFAULT_SEQUENCE_WITHOUT_CONTEXT;
}

export function runSettingsFor(spec: ModelSpec, options: AnalysisOptions): RunSettings {
  // A diffusion model works on an image: its side (the config's own unless set) gives its positions per sample.
  const image = diffusionImage(spec, options.imageSide);
  const sequenceLength =
    options.sequenceLength ??
    image?.tokens ??
    spec.defaultSequence ??
    contextDefault(spec);
  const { mode, targetGpu, sequenceLength: requested, cudaOverheadMiB, customGpus, ...run } = options;
  const gpu = resolveTarget(options).gpu;
  const diffusion = image ? { imageSide: image.side, guidance: options.guidance ?? image.guidanceByDefault } : { imageSide: undefined, guidance: undefined };
  // A multimodal model's images join each sample's sequence as tokens; the tower encodes their patches.
  const images = options.imagesPerSample ?? 0;
  const cost = spec.vision && images > 0 ? imageCost(spec.vision, options.imageSide) : undefined;
  const vision = cost
    ? {
        imageTokens: images * cost.tokens, imagePatches: images * cost.patches, ...(cost.crossTokens ? { crossAttentionTokens: images * cost.crossTokens } : {}),
        ...(options.imageSide !== undefined ? { imageSide: options.imageSide } : {}),
      }
    : { imageTokens: undefined, imagePatches: undefined };
  // Expert parallelism splits routed experts: a dense model has none, whatever the file says.
  const experts = spec.moe ? {} : { expertParallel: undefined };
  const preference = options.preference && { preference: preferenceAsRun(options.preference, options.lora !== undefined) };
  return {
    ...run, ...diffusion, ...vision, ...experts, ...preference, sequenceLength: sequenceLength + (vision.imageTokens ?? 0),
    cudaOverheadBytes: Math.max(0, cudaOverheadMiB) * MIB, blasWorkspaceBytes: blasWorkspaceBytes(gpu),
    // unsloth's fused loss sizes its chunks by the memory free on the card at its first step.
    ...(run.loss === 'fused-chunked' && gpu ? { deviceBytes: cudaTotalBytes(gpu) } : {}),
  };
}

/**
 * A preference run's reference as the run is now: a copy TRL makes of a model trained whole is, once the run has LoRA
 * adapters (the file's, a quick fix's or a setting's), the model with its adapters off; a reference handed to the
 * trainer stays a copy.
 */
function preferenceAsRun(p: PreferenceRun, lora: boolean): PreferenceRun {
  return p.reference === 'copy' && !p.given && lora ? { reference: 'adapters' } : p;
}

/**
 * PyTorch's default cuBLAS workspace on the target (CUBLAS_WORKSPACE_CONFIG unset, CublasHandlePool.cpp): 32 MiB on
 * Hopper (sm_90), ":4096:2:16:8" = 8.125 MiB on other NVIDIA GPUs; hipBLAS 128 MiB on MI300 (gfx94x).
 */
function blasWorkspaceBytes(gpu: Gpu | undefined): number {
  if (gpu?.generation === 'Hopper') {
    return 32 * MIB;
  }
  if (gpu?.generation === 'CDNA 3') {
    return 128 * MIB;
  }
  return 4096 * 1024 * 2 + 16 * 1024 * 8;
}

export function verdictFor(est: Estimate, gpu: Gpu): Verdict {
  const capacity = gpuMemoryBytes(gpu);
  return {
    gpu,
    inference: est.inference.peakBytes <= capacity,
    training: est.training.peakBytes <= capacity,
    inferenceHeadroomBytes: capacity - est.inference.peakBytes,
    trainingHeadroomBytes: capacity - est.training.peakBytes,
  };
}

/** The options for one config: the user's settings, then what the file states, then what is forced (CLI flags). */
export function effectiveOptions(config: FoundConfig, options: AnalysisOptions, forced: Partial<AnalysisOptions> = {}): AnalysisOptions {
  const merged = { ...options, ...config.training.options, ...forced };
  // A tensor × pipeline × context split runs on at least that many GPUs (torchtitan states the degrees, the launcher
  // the count); a count the file states itself stays, and a layout it cannot hold is a problem on it.
  const group = modelParallelGroup(merged);
  const stated = 'gpus' in config.training.options || 'gpus' in forced;
  const withGroup = merged.gpus < group && !stated ? { ...merged, gpus: group } : merged;
  // torchtune's distributed recipes shard with FSDP2 over every GPU, resharding after forward (ZeRO-3) by default.
  const torchtuneSharded = config.training.framework === 'torchtune' && withGroup.gpus > 1 && !('zeroStage' in config.training.options) && !('zeroStage' in forced);
  return torchtuneSharded ? { ...withGroup, zeroStage: 3 } : withGroup;
}

/** Resolves and estimates one config; used for the document and for "what if" variations of it. */
export function analyzeConfig(
  config: FoundConfig,
  options: AnalysisOptions,
  gpu: Gpu | undefined,
  forced: Partial<AnalysisOptions> = {},
): ConfigAnalysis {
  const resolved = resolveSpec(config);
  const intent = configIntent(config);
  const problems: Problem[] = resolved.problems.map(p => ({
    severity: p.severity,
    message: p.message,
    span: problemSpan(config, p),
    code: p.severity === 'error' ? 'invalid-value' : 'questionable-value',
  }));
  // A run value no run can have (`micro_batch_size: -1`) is an error on its key, never a silent default.
  // A key the serving reader reads (`--tensor-parallel-size`) gets its message alone, not a training reader's too.
  const servingKeys = new Set((config.serving?.problems ?? []).map(p => p.keySpan.start));
  const trainingProblems = (config.training.problems ?? []).filter(p => !servingKeys.has(p.keySpan.start));
  for (const p of [...trainingProblems, ...(config.serving?.problems ?? [])]) {
    problems.push({ severity: 'error', message: p.message, span: { start: p.keySpan.start, end: p.valueSpan.end }, code: 'invalid-value' });
  }
  // A dynamic quant's approximation is moot where the local file's header gives its exact types.
  const servingWarnings = (config.serving?.warnings ?? []).filter(w => !(w.moot === 'with-gguf-header' && config.catalog?.model.gguf));
  for (const p of [...(config.training.warnings ?? []), ...servingWarnings]) {
    problems.push({ severity: 'warning', message: p.message, span: { start: p.keySpan.start, end: p.valueSpan.end }, code: 'questionable-value' });
  }
  for (const p of config.training.notices ?? []) {
    problems.push({ severity: 'info', message: p.message, span: { start: p.keySpan.start, end: p.valueSpan.end }, code: 'uncounted-generation' });
  }
  if (!resolved.spec || problems.some(p => p.severity === 'error')) {
    return { config, intent, spec: resolved.spec, estimate: undefined, verdict: undefined, problems };
  }
  const failed = (problem: Problem): ConfigAnalysis => ({ config, intent, spec: resolved.spec, estimate: undefined, verdict: undefined, problems: [...problems, problem] });
  const merged = effectiveOptions(config, options, forced);
  // (IA)³ left to PEFT's defaults scales the layers PEFT picks for the model's architecture.
  const ia3 = resolveIa3Targets(merged.lora, resolved.spec.family);
  if ('problem' in ia3) {
    return failed(problemOn(config, 'lora', 'invalid-value', ia3.problem));
  }
  const effective = ia3.lora === merged.lora ? merged : { ...merged, lora: ia3.lora };
  const layout = layoutProblem(resolved.spec, effective, config);
  if (layout) {
    return failed(layout);
  }
  // LitGPT's own model code uses PyTorch's fused tanh-GELU where HF's GPT-2 and Phi use a Python formula, and its
  // GPT class holds the output head as its own tensor even where HF ties it to the embedding (Gemma, Falcon).
  // LitGPT loads the language model of a multimodal checkpoint alone.
  const spec = config.training.framework === 'litgpt' ? { ...resolved.spec, pythonGelu: false, tieWordEmbeddings: false, vision: undefined } : resolved.spec;
  let est = estimate(spec, runSettingsFor(spec, effective));
  if (est.parameters.total > MAX_PARAMETERS) {
    const span = { start: config.span.start, end: config.span.start + 1 };
    const message = `These values make a model of ${est.parameters.total.toExponential(2)} parameters, more than 10^14, which no model comes near: check them for a typo.`;
    return { config, intent, spec, estimate: undefined, verdict: undefined, problems: [...problems, { severity: 'error', code: 'invalid-value', span, message }] };
  }
  const notes: string[] = [];
  if (config.catalog) {
    notes.push(architectureNote(config.catalog));
    const exact = config.catalog.external ? config.catalog.model.parameters : undefined;
    if (exact !== undefined && exact !== est.parameters.total) {
      notes.push(`The checkpoint's safetensors headers hold ${exact.toLocaleString('en-US')} parameters; the estimate counts ${est.parameters.total.toLocaleString('en-US')} from its config (tensors the modelling code adds or drops).`);
    }
  }
  const fromFile = config.training.sources.filter(s => !(s.option in forced));
  const defaults = config.training.frameworkDefaults ?? [];
  const framework = config.training.framework;
  const whose = framework ? `${FRAMEWORK_NAMES[framework]}'s defaults` : '';
  if (fromFile.length > 0) {
    notes.push(`From the file: ${fromFile.map(s => `${s.setting} (\`${s.key}\`)`).join(', ')}; the rest from ${defaults.length > 0 ? `${whose} and ` : ''}settings.`);
  }
  if (config.classDefaults) {
    notes.push(`${config.classDefaults.configClass}'s defaults for what the config leaves out: ${config.classDefaults.keys.join(', ')}.`);
  }
  if (defaults.length > 0) {
    notes.push(`${whose} for what the file leaves out: ${defaults.join(', ')}.`);
  }
  const shape = config.serving ? [] : shapeNotes(spec, effective, { ...options, ...forced }, config.training.options, defaults.length > 0);
  if (notes.length > 0 || shape.length > 0 || framework) {
    const own = est.assumptions.map(a => (framework ? frameworkLine(framework, a, effective.gpus) : a));
    // Where the batch and sequence come from, beside the line that states them.
    const at = own.findIndex(a => a.startsWith('Framework:')) + 1 || own.length;
    est = { ...est, assumptions: [...notes, ...own.slice(0, at), ...shape, ...own.slice(at)] };
  }
  const engine = gpu ? engineOptions(config, effective, options.engineVersion) : {};
  if (gpu && unplannedArchitecture(spec) && (engine.servingOptions || engine.localOptions)) {
    return { config, intent, spec, estimate: undefined, verdict: undefined, problems: [...problems, unplannedArchitectureProblem(config, spec)], ...engine };
  }
  const target = gpu ? planOnCard({ spec, ...engine }, gpu) : undefined;
  if (gpu && engine.servingOptions && target?.kind === 'unplanned') {
    return { config, intent, spec, estimate: undefined, verdict: undefined, problems: [...problems, unplannedEngineProblem(config, engine.servingOptions, gpu, target.card)], ...engine };
  }
  const plans = target?.kind === 'server' ? { serving: target.plan } : target?.kind === 'local' ? { local: target.plan } : {};
  return { config, intent, spec, estimate: est, verdict: gpu ? planVerdict(est, gpu, target) : undefined, problems, ...engine, ...plans };
}

/** A serving command on one card as its engine runs it: vLLM's or SGLang's start, llama.cpp's or Ollama's load, or the kind of card VRAM Lens does not plan the engine on. */
export type CardPlan =
  | { readonly kind: 'server'; readonly plan: ServingPlan }
  | { readonly kind: 'local'; readonly plan: LlamaPlan }
  | { readonly kind: 'unplanned'; readonly card: UnplannedCard };

/** The engine's plan for a serving command on a card (its own split and context); undefined for any other config. */
export function planOnCard(a: Pick<ConfigAnalysis, 'spec' | 'servingOptions' | 'localOptions'>, gpu: Gpu): CardPlan | undefined {
  if (!a.spec || unplannedArchitecture(a.spec)) {
    return undefined;
  }
  if (a.localOptions) {
    return { kind: 'local', plan: planLlamaCpp(a.spec, a.localOptions, gpu) };
  }
  if (!a.servingOptions) {
    return undefined;
  }
  const card = unplannedCard(gpu);
  return card ? { kind: 'unplanned', card } : { kind: 'server', plan: planServing(a.spec, a.servingOptions, gpu) };
}

/**
 * A config's verdict on one card: a serving command's is its engine's there (vLLM and SGLang start, llama.cpp and
 * Ollama load, with the command's own layout), any other config's is its estimate's. Undefined without an estimate,
 * or where VRAM Lens does not plan the command's engine on that card (see unplannedCard).
 */
export function configVerdict(a: Pick<ConfigAnalysis, 'spec' | 'estimate' | 'servingOptions' | 'localOptions'>, gpu: Gpu): Verdict | undefined {
  const plan = planOnCard(a, gpu);
  return a.estimate && plan?.kind !== 'unplanned' ? planVerdict(a.estimate, gpu, plan) : undefined;
}

/** The verdict from the engine's plan where the config has one; the inference headroom is then the engine's. */
function planVerdict(est: Estimate, gpu: Gpu, plan: CardPlan | undefined): Verdict {
  const v = verdictFor(est, gpu);
  if (plan?.kind === 'server') {
    return { ...v, inference: plan.plan.starts, inferenceHeadroomBytes: servingHeadroomBytes(plan.plan) };
  }
  if (plan?.kind === 'local') {
    return { ...v, inference: plan.plan.fits, inferenceHeadroomBytes: gpuMemoryBytes(gpu) - plan.plan.deviceTotalBytes };
  }
  return v;
}

/**
 * An architecture whose cache the serving engines lay out in ways VRAM Lens does not plan: DeepSeek-V4's compressed
 * attention (vLLM and SGLang page its sliding window, compressed entries and indexer keys in pools of their own).
 */
function unplannedArchitecture(spec: ModelSpec): boolean {
  return spec.deepseekV4 !== undefined;
}

/** Why a serving command on an architecture VRAM Lens does not plan gets no number, on the command. */
function unplannedArchitectureProblem(config: FoundConfig, spec: ModelSpec): Problem {
  const message = `This command gets no number: ${spec.family.replace(/ \(.*\)$/, '')}'s cache (a sliding window, compressed entries and indexer keys) is laid out by the serving engines in pools VRAM Lens does not plan yet. Its weights and parameters are counted: open its config.json for the estimate.`;
  return { severity: 'info', code: UNPLANNED_ARCHITECTURE, span: { start: config.span.start, end: config.span.start + 1 }, message };
}

/** The code of the note that VRAM Lens does not plan a serving command for the model's architecture. */
const UNPLANNED_ARCHITECTURE = 'architecture-not-planned';

/** Why a vLLM or SGLang command gets no number on the target GPU, on the command. */
function unplannedEngineProblem(config: FoundConfig, options: ServingOptions, gpu: Gpu, card: UnplannedCard): Problem {
  const message = `This command gets no number on the ${gpu.name}: ${unplannedReason(options, card)}. ${unplannedAdvice(options, card).full}`;
  return { severity: 'info', code: UNPLANNED_ENGINE, span: { start: config.span.start, end: config.span.start + 1 }, message };
}

/** The code of the note that VRAM Lens does not plan a command's engine on the target GPU. */
export const UNPLANNED_ENGINE = 'engine-not-planned-on-gpu';

/**
 * Where the batch and sequence come from when the file does not set them: the setting behind each, and for a
 * sequence VRAM Lens chose, why, with the model's full context to set instead.
 */
function shapeNotes(spec: ModelSpec, effective: AnalysisOptions, options: AnalysisOptions, fromFile: Partial<AnalysisOptions>, frameworkDefaults: boolean): string[] {
  const notes: string[] = [];
  const byFramework = (key: 'batchSize' | 'sequenceLength') => frameworkDefaults && effective[key] !== options[key];
  if (fromFile.batchSize === undefined && !byFramework('batchSize')) {
    notes.push(`Micro-batch ${formatInteger(effective.batchSize)}: the file sets none; setting vramLens.batchSize (CLI --batch), default ${DEFAULT_OPTIONS.batchSize}.`);
  }
  // A split the file states over more GPUs than the settings give: the fewest it runs on (the launcher decides).
  const group = modelParallelGroup(effective);
  if (fromFile.gpus === undefined && effective.gpus === group && group > options.gpus) {
    const context = (effective.contextParallel ?? 1) > 1 ? ` × context ${effective.contextParallel}` : '';
    notes.push(`GPUs ${formatInteger(group)}: the file states no count, and its split (tensor ${effective.tensorParallel} × pipeline ${effective.pipelineParallel}${context}) runs on at least that many; setting vramLens.gpus (CLI --gpus) for more data-parallel copies.`);
  }
  if (fromFile.sequenceLength !== undefined || byFramework('sequenceLength') || spec.defaultSequence !== undefined || diffusionImage(spec, effective.imageSide) !== undefined) {
    return notes;
  }
  if (options.sequenceLength !== undefined) {
    notes.push(`Sequence ${formatInteger(options.sequenceLength)} tokens: the file sets none; setting vramLens.sequenceLength (CLI --seq).`);
  } else if (spec.maxPositions !== undefined) {
    const chosen = contextDefault(spec);
    const why = `the file sets none and vramLens.sequenceLength (CLI --seq) is unset, so the model's context up to ${formatInteger(DEFAULT_MAX_SEQUENCE)}`;
    notes.push(
      spec.maxPositions > chosen
        ? `Sequence ${formatInteger(chosen)} tokens: ${why}; its full context is ${formatInteger(spec.maxPositions)} tokens (set vramLens.sequenceLength to ${spec.maxPositions} to estimate it).`
        : `Sequence ${formatInteger(chosen)} tokens, the model's full context: ${why}.`,
    );
  } else {
    notes.push(`Sequence ${formatInteger(DEFAULT_SEQUENCE_WITHOUT_CONTEXT)} tokens: neither the file nor the model's config gives one and vramLens.sequenceLength (CLI --seq) is unset.`);
  }
  return notes;
}

/** What a serving config's engine runs with: vLLM's or SGLang's options, or llama.cpp's or Ollama's; none for any other config. */
function engineOptions(config: FoundConfig, effective: AnalysisOptions, engineVersion: string | undefined): Pick<ConfigAnalysis, 'servingOptions' | 'localOptions'> {
  const read = config.serving;
  if (!read) {
    return {};
  }
  if (read.local) {
    // A local GGUF whose header was read gives its tensors' exact types; otherwise its name's file type, by recipe.
    const gguf = config.catalog?.model.gguf;
    const header = gguf ? { headerTensors: gguf.tensors, ...(gguf.fileType ? { fileType: gguf.fileType } : {}), ...(gguf.cachesEveryHead ? { cachesEveryHead: true } : {}) } : {};
    return { localOptions: { engine: read.engine === 'ollama' ? 'ollama' : 'llama.cpp', ...read.local, ...header } };
  }
  return { servingOptions: servingOptionsFor(read, effective, engineVersion) };
}

/**
 * The serving options for a config: the flags it states, then what the rest of the file and the settings say (a
 * quantization its model's name states, the KV cache type), then the engine's defaults.
 */
export function servingOptionsFor(read: ServingFromFile, effective: AnalysisOptions, engineVersion: string | undefined): ServingOptions {
  const o = read.options;
  const named = effective.precision === 'fp8' && effective.quantization === undefined ? 'fp8-tensor' : effective.quantization;
  const speculative = o.speculative?.method === 'draft_model' && o.speculative.model ? { ...o.speculative, draftModel: draftModelNamed(o.speculative.model) } : o.speculative;
  return {
    ...o,
    ...(speculative ? { speculative } : {}),
    engine: read.engine === 'sglang' ? 'sglang' : 'vllm',
    version: o.version ?? engineVersion,
    tensorParallel: o.tensorParallel ?? effective.tensorParallel,
    pipelineParallel: o.pipelineParallel ?? effective.pipelineParallel,
    precision: o.precision ?? 'bf16-true',
    quantization: o.quantization ?? named,
    kvCacheType: o.kvCacheType ?? effective.kvCacheType,
  };
}

/** Draft models by the name a command gives, as resolved once (the catalog is fixed; an edit re-plans every keystroke). */
const DRAFT_MODELS = new Map<string, DraftModel | undefined>();
/** Names remembered at most; past it the memory starts afresh. */
const DRAFT_MODELS_KEPT = 64;

/** A speculative draft model as the catalog knows it (its architecture and what its name says of its weights); undefined for a name it lacks. */
function draftModelNamed(name: string): DraftModel | undefined {
  if (DRAFT_MODELS.has(name)) {
    return DRAFT_MODELS.get(name);
  }
  const found = configOfModelName(name);
  const spec = found ? resolveSpec(found).spec : undefined;
  const model = found && spec ? { id: found.catalog?.model.id ?? name, spec, ...(found.catalog?.match?.quantization ? { quantization: found.catalog.match.quantization } : {}) } : undefined;
  if (DRAFT_MODELS.size >= DRAFT_MODELS_KEPT) {
    DRAFT_MODELS.clear();
  }
  DRAFT_MODELS.set(name, model);
  return model;
}

/**
 * A parallel layout the model cannot be split into: tensor parallelism splits the attention heads (vLLM, Megatron
 * and torchtitan refuse a degree that does not divide them), pipeline parallelism needs a layer per stage, and the
 * GPUs must form whole tensor × pipeline groups. On the key that sets it, or on the config when a setting does.
 */
function layoutProblem(spec: ModelSpec, run: AnalysisOptions, config: FoundConfig): Problem | undefined {
  const { tensorParallel: tp, pipelineParallel: pp, gpus } = run;
  const problem = (option: keyof AnalysisOptions, message: string): Problem => problemOn(config, option, 'invalid-layout', message);
  if (spec.numHeads % tp !== 0) {
    return problem('tensorParallel', `Tensor parallelism over ${tp} GPUs splits the attention heads, and ${tp} does not divide the ${spec.numHeads} heads (vLLM, Megatron and torchtitan refuse it).`);
  }
  if (pp > spec.numLayers + spec.numDecoderLayers) {
    return problem('pipelineParallel', `Pipeline parallelism over ${pp} stages needs a layer per stage; the model has ${spec.numLayers + spec.numDecoderLayers}.`);
  }
  if (gpus % (tp * pp) !== 0) {
    return problem('gpus', `${gpus} GPUs cannot form whole groups of tensor × pipeline parallel = ${tp} × ${pp}.`);
  }
  return undefined;
}

/** An error on the key that sets `option`, or on the config's first character when a setting does. */
function problemOn(config: FoundConfig, option: keyof AnalysisOptions, code: Problem['code'], message: string): Problem {
  const source = config.training.sources.find(s => s.option === option);
  const span: Span = source ? { start: source.keySpan.start, end: source.valueSpan.end } : { start: config.span.start, end: config.span.start + 1 };
  return { severity: 'error', code, span, message };
}

/**
 * The target GPU, and how many of them: "2× RTX 4090" (or "2x RTX 4090") is two cards used in tensor parallel,
 * each holding its share. The returned card's name says how many; its memory is one card's.
 */
export function resolveTarget(options: AnalysisOptions): { gpu: Gpu | undefined; count: number } {
  // The searches behind advice and quick fixes ask again for the same target hundreds of times: the last answer is kept.
  const list = gpuList(options);
  if (lastTarget && lastTarget.name === options.targetGpu && lastTarget.list === list) {
    return lastTarget.target;
  }
  const multi = /^\s*(\d{1,4})\s*[x×]\s*(.+)$/i.exec(options.targetGpu);
  const count = multi ? Number(multi[1]) : 1;
  const gpu = findGpu(multi ? multi[2] : options.targetGpu, list);
  const target = !gpu || count < 1 ? { gpu: undefined, count: 1 } : { gpu: count > 1 ? { ...gpu, name: groupName(gpu.name, count) } : gpu, count };
  lastTarget = { name: options.targetGpu, list, target };
  return target;
}

let lastTarget: { readonly name: string; readonly list: readonly Gpu[]; readonly target: { gpu: Gpu | undefined; count: number } } | undefined;

/** Whether a config's text holds an offset. */
function holds(config: FoundConfig, offset: number): boolean {
  return offset >= config.span.start && offset <= config.span.end;
}

/** The index of the config whose text holds an offset (the cursor, a diagnostic), if any. */
export function configIndexAt(doc: Pick<DocumentAnalysis, 'configs'>, offset: number): number | undefined {
  const i = doc.configs.findIndex(c => holds(c.config, offset));
  return i >= 0 ? i : undefined;
}

/** A problem met while reading the file, as the editor and the CLI show it. */
function asProblem(p: ParseProblem): Problem {
  return { severity: p.code === 'syntax-error' ? 'error' : 'warning', message: p.message, span: p.span, code: p.code ?? 'unreadable-config' };
}

export function analyzeDocument(doc: ConfigDocument, options: AnalysisOptions, forced: Partial<AnalysisOptions> = {}): DocumentAnalysis {
  const { gpu, count } = resolveTarget(options);
  const base = count > 1 ? { ...options, gpus: count, tensorParallel: count, pipelineParallel: 1 } : options;
  const found = locateModelConfigs(doc.root, MAX_CONFIGS_PER_FILE, doc.calls, options.models, options.attachedConfigs);
  const problems: Problem[] = [];
  const owned = new Map<FoundConfig, ParseProblem[]>();
  for (const p of doc.problems) {
    // A syntax error or duplicated key inside a config is that config's problem (listed with it); others are the file's.
    const owner = p.code ? found.configs.find(c => holds(c, p.span.start)) : undefined;
    if (owner) {
      owned.set(owner, [...(owned.get(owner) ?? []), p]);
    } else {
      problems.push(asProblem(p));
    }
  }
  const configs = found.configs.map(c => {
    const own = owned.get(c) ?? [];
    // A syntax error the reader could not place (YAML) may have cut any value: no number from this config.
    const a: ConfigAnalysis = own.some(p => p.invalidatesConfig)
      ? { config: c, intent: configIntent(c), spec: undefined, estimate: undefined, verdict: undefined, problems: [] }
      : analyzeConfig(c, base, gpu, forced);
    return own.length > 0 ? { ...a, problems: [...own.map(asProblem), ...a.problems] } : a;
  });
  const index = configs.length === 0 ? findCheckpointIndex(doc.root) : undefined;
  if (index && 'invalid' in index) {
    problems.push({ severity: 'error', code: 'invalid-value', message: index.invalid, span: index.span });
  }
  const checkpoint = index && !('invalid' in index) ? index : undefined;
  const uncounted = configs.length === 0 && !index ? uncountedDiffusersModel(doc.root) : undefined;
  if (uncounted?.value.kind === 'string') {
    const message = `${uncounted.value.value} is a diffusers model VRAM Lens does not count yet, so this file gets no number.`;
    problems.push({ severity: 'info', code: 'uncounted-model', message, span: uncounted.keySpan });
  }
  for (const u of found.unresolved) {
    problems.push({ severity: 'info', code: 'unknown-model', message: unknownModelMessage(u, options.lookupFailures?.get(u.name)), span: u.valueSpan });
  }
  const launches = launchesIn(doc.root);
  // Once the host has looked for the files a launch script names, one it could not read is said on its path.
  for (const { recipe, others } of options.attachedConfigs ? launches : []) {
    for (const file of [recipe, ...others]) {
      if (!options.attachedConfigs!.has(file.path)) {
        const what = file === recipe ? `the ${/\.py$/.test(file.path) ? 'script' : 'recipe'} it runs` : 'the files it names';
        const message = `VRAM Lens estimates this launch from ${what}, and could not read ${file.path} from this script's folder or those above it.`;
        problems.push({ severity: 'info', code: 'unread-recipe', message, span: file.span });
      }
    }
  }
  const launched = launches.flatMap(l => [l.recipe.path, ...l.others.map(f => f.path)]);
  return {
    configs, problems, gpu, options: base,
    ...(checkpoint ? { checkpoint } : {}), ...(found.more ? { omitted: found.more } : {}), ...(found.unresolved.length > 0 ? { unresolved: found.unresolved } : {}),
    ...(launched.length > 0 ? { launched } : {}),
  };
}
