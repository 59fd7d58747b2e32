// The run settings a training file states (LitGPT, torchtune, axolotl, DeepSpeed, torchtitan, nanoGPT, HF), with where each is written and what no run can have.
import type { AnalysisOptions } from './options';
import { entryOf, floatText, shownValue, type ConfigEntry, type ConfigObject, type ConfigValue } from './configTree';
import { RUN_LIMITS } from './runLimits';
import { sampleParallelDegree } from './parallelism';
import { ACCELERATOR_CONFIG_KEY, LAUNCH_KEYS, MEGATRON_SCRIPT_KEY, MODEL_SECTION_KEYS, NEMO_RECIPE_KEY, ONLINE_RL_KEY, PREFERENCE_REFERENCE_KEY, RUN_PURPOSE_KEY, UNSLOTH_RUN_KEY } from './vocabulary';
import { isNemoGpt, NEMO_RECOMPUTE } from './nemo';
import { FSDP_SHARDING } from './launchers';
import { ALL_LINEAR_TARGETS, MLP_TARGETS, type LoraTarget } from './weightTensor';
import type { Checkpointing, LoraSettings, OptimizerName, Precision, PreferenceRun, Quantization, Span, TrainingLoss } from './types';

/** One run setting read from the file, with where it is written. */
export interface SettingSource {
  /** The setting it sets, as the report names it. */
  readonly setting: string;
  /** The option it sets. */
  readonly option: keyof AnalysisOptions;
  /** The key path in the file ("train.micro_batch_size"). */
  readonly key: string;
  readonly keySpan: Span;
  readonly valueSpan: Span;
  /**
   * The key states the option only through something else (the degrees it multiplies, a local batch split into
   * microbatches, a switch, a file it names): a fix does not write the option's value there, and a setting cannot
   * stand in for it (the file's value wins).
   */
  readonly derived?: true;
}

/** A value a training file states that no run can have (`micro_batch_size: -1`, `lora_r: 0`), on its key. */
export interface TrainingProblem {
  readonly message: string;
  readonly keySpan: Span;
  readonly valueSpan: Span;
}

/** Frameworks whose own code runs the model, when a file's keys say so. */
export type TrainingFramework = 'litgpt' | 'torchtune' | 'torchtitan' | 'llamafactory' | 'mlx' | 'gptneox';

/** Each framework as its users call it. */
export const FRAMEWORK_NAMES: Readonly<Record<TrainingFramework, string>> = { litgpt: 'LitGPT', torchtune: 'torchtune', torchtitan: 'torchtitan', llamafactory: 'LLaMA-Factory', mlx: 'mlx-lm', gptneox: 'GPT-NeoX' };

export interface TrainingFromFile {
  readonly options: Partial<AnalysisOptions>;
  readonly sources: readonly SettingSource[];
  /** Values that cannot be a run: the config gets no estimate until they are fixed (never a silent default). */
  readonly problems?: readonly TrainingProblem[];
  /** What the file says that the estimate cannot take into account (a quantization_config it cannot read): warnings. */
  readonly warnings?: readonly TrainingProblem[];
  /** The framework the file is written for, when its keys say so (its model code differs from HF's). */
  readonly framework?: TrainingFramework;
  /** The framework's own defaults for what the file leaves unsaid, as "key value" (mlx-lm's CONFIG_DEFAULTS). */
  readonly frameworkDefaults?: readonly string[];
  /** The file loads a quantized checkpoint dequantized (axolotl's `Mxfp4Config` with `dequantize: true`). */
  readonly dequantized?: boolean;
  /** Files the recipe names that hold more of its run (a DeepSpeed config), for the host to read and supply. */
  readonly names?: readonly string[];
  /**
   * What the file says it runs, when a key says so: inference for an evaluation (`eval_only = True`, `do_train: false`)
   * or a script that only generates; training for a script that builds a trainer or steps an optimizer.
   */
  readonly purpose?: 'training' | 'inference';
  /** What the estimate leaves out that the file's run does (an online RL trainer's generation), said on its key. */
  readonly notices?: readonly TrainingProblem[];
}

/** An online RL trainer's generation, which the estimate of its training step leaves out: said on the trainer. */
function onlineRlNotices(obj: ConfigObject): TrainingProblem[] {
  const e = entryAt(obj, ONLINE_RL_KEY);
  if (e?.value.kind !== 'string') {
    return [];
  }
  const message =
    `${e.value.value} also generates completions for its prompts (several per prompt; with use_vllm, a vLLM engine holds ` +
    'its own share of the GPU) and may hold a reference model (beta above 0): the estimate is the policy\'s training step alone.';
  return [{ message, keySpan: e.keySpan, valueSpan: e.value.span }];
}

/** What a file says it runs (TrainingFromFile's purpose), from its evaluation switches or a script reader's mark. */
function runPurpose(obj: ConfigObject): TrainingFromFile['purpose'] {
  const value = (path: string) => entryAt(obj, path)?.value;
  const marked = value(RUN_PURPOSE_KEY);
  if (marked?.kind === 'string' && (marked.value === 'training' || marked.value === 'inference')) {
    return marked.value;
  }
  const evalOnly = value('eval_only');
  const doTrain = value('do_train');
  return (evalOnly?.kind === 'boolean' && evalOnly.value) || (doTrain?.kind === 'boolean' && !doTrain.value) ? 'inference' : undefined;
}

/**
 * torchtitan's FSDP degree (data_parallel_shard_degree, with the replicate and context degrees). FSDP2 shards
 * parameters, gradients and optimizer states (ZeRO-3) over the shard and context-parallel GPUs together (its
 * dp_shard_cp mesh): when they come to more than 1, the run takes the product of every stated degree in GPUs, replicas
 * hybrid-sharding (dataParallelMesh); at -1 (its default) over whatever GPUs the launcher, or the GPUs setting, leaves. Under pipeline parallelism FSDP2 does not
 * reshard after forward, so a stage's parameters stay gathered across its microbatches: ZeRO-2.
 */
function shardedDataParallel(obj: ConfigObject, options: { -readonly [K in keyof AnalysisOptions]?: AnalysisOptions[K] }, sources: SettingSource[]): void {
  const written = (name: string) => {
    const path = ['parallelism', 'training', 'experimental'].map(section => `${section}.${name}`).find(p => entryAt(obj, p));
    const e = path === undefined ? undefined : entryAt(obj, path);
    return path && e?.value.kind === 'number' ? { e, n: e.value.value, path } : undefined;
  };
  const degree = (name: string) => {
    const d = written(name);
    return d && Number.isInteger(d.n) && d.n >= 1 && d.n <= RUN_LIMITS.parallelDegree ? { n: d.n, at: { keySpan: d.e.keySpan, valueSpan: d.e.value.span, key: d.path } } : undefined;
  };
  const shard = written('data_parallel_shard_degree');
  const cp = degree('context_parallel_degree')?.n ?? 1;
  const leftToLauncher = shard?.n === -1;
  if (!shard || !(leftToLauncher || (degree('data_parallel_shard_degree') && shard.n * cp >= 2))) {
    return;
  }
  if (options.zeroStage === undefined) {
    const pipelined = (options.pipelineParallel ?? 1) > 1;
    options.zeroStage = pipelined ? 2 : 3;
    const over = leftToLauncher ? 'the GPUs data_parallel_shard_degree = -1 leaves' : 'data_parallel_shard_degree';
    sources.push({ setting: `ZeRO stage (FSDP2 over ${over}${pipelined ? ', not resharding after forward under pipeline parallelism' : ''})`, option: 'zeroStage', keySpan: shard.e.keySpan, valueSpan: shard.e.value.span, key: shard.path, derived: true });
  }
  if (!leftToLauncher) {
    dataParallelMesh(options, sources, degree('data_parallel_shard_degree'), degree('data_parallel_replicate_degree'));
  }
}

/**
 * axolotl's N-D parallelism (accelerate's ParallelismConfig): dp_shard_size and dp_replicate_size, read as FSDP's
 * device mesh (dataParallelMesh); its FSDP itself is what the fsdp keys say.
 */
function axolotlDataParallel(obj: ConfigObject, options: { -readonly [K in keyof AnalysisOptions]?: AnalysisOptions[K] }, sources: SettingSource[]): void {
  const degree = (path: string) => {
    const e = entryAt(obj, path);
    return e?.value.kind === 'number' && Number.isInteger(e.value.value) && e.value.value >= 1 && e.value.value <= RUN_LIMITS.parallelDegree
      ? { n: e.value.value, at: { keySpan: e.keySpan, valueSpan: e.value.span, key: path } }
      : undefined;
  };
  dataParallelMesh(options, sources, degree('dp_shard_size'), degree('dp_replicate_size'));
}

/** A parallel degree a file writes, and where. */
interface WrittenDegree {
  readonly n: number;
  readonly at: Pick<SettingSource, 'key' | 'keySpan' | 'valueSpan'>;
}

/**
 * FSDP's device mesh as a file states its shard and replicate degrees (torchtitan's and axolotl's alike): shard ×
 * replicate × context × tensor × pipeline GPUs, FSDP sharding within each shard × context group and, with replicas,
 * replicating across the groups (hybrid sharding, HSDP).
 */
function dataParallelMesh(options: { -readonly [K in keyof AnalysisOptions]?: AnalysisOptions[K] }, sources: SettingSource[], shard: WrittenDegree | undefined, replicate: WrittenDegree | undefined): void {
  const first = shard ?? replicate;
  if (!first) {
    return;
  }
  const group = (shard?.n ?? 1) * (options.contextParallel ?? 1);
  const product = group * (replicate?.n ?? 1) * (options.tensorParallel ?? 1) * (options.pipelineParallel ?? 1);
  if (options.gpus === undefined && product <= RUN_LIMITS.gpus) {
    options.gpus = product;
    sources.push({ setting: 'GPUs (the product of the parallel degrees)', option: 'gpus', ...first.at, derived: true });
  }
  if (replicate && replicate.n > 1 && group > 1 && options.hybridShard === undefined) {
    options.hybridShard = true;
    options.shardGroup = group;
    sources.push({ setting: `hybrid sharding (sharded within ${shard?.at.key ?? 'one'} × context-parallel GPUs, replicated ${replicate.at.key} times)`, option: 'hybridShard', ...replicate.at, derived: true });
  }
}

/**
 * torchtitan's pipeline microbatches: a stage runs microbatches of pipeline_parallel_microbatch_size (1 unless set), or
 * in its 2024 layout pipeline_parallel_microbatches of them (the pipeline degree unless set), out of the local batch.
 * The micro-batch VRAM Lens estimates is that microbatch; the rest are the schedule's accumulation steps, over which
 * FSDP keeps unsharded gradients. (Megatron-LM's and NeMo's micro-batch is the microbatch already.)
 */
function pipelineMicrobatches(r: SettingsRead): void {
  const { obj, sources } = r;
  const options = r.options as { -readonly [K in keyof AnalysisOptions]?: AnalysisOptions[K] };
  const pp = options.pipelineParallel ?? 1;
  const local = options.batchSize;
  // Megatron-Core's micro_batch_size already is the pipeline's microbatch, and so is the micro-batch of GPT-NeoX
  // (DeepSpeed's pipeline engine runs gradient_accumulation_steps of train_micro_batch_size_per_gpu through it).
  if (pp < 2 || local === undefined || options.megatronCore || r.framework === 'gptneox') {
    return;
  }
  const size = entryAt(obj, 'parallelism.pipeline_parallel_microbatch_size')?.value;
  const count = entryAt(obj, 'experimental.pipeline_parallel_microbatches')?.value;
  const micro = size?.kind === 'number' && Number.isInteger(size.value) && size.value >= 1
    ? size.value
    : count?.kind === 'number' && Number.isInteger(count.value) && count.value >= 1
      ? Math.max(1, Math.floor(local / count.value))
      : entryAt(obj, 'experimental.pipeline_parallel_degree') ? Math.max(1, Math.floor(local / pp)) : 1;
  if (micro >= local) {
    return;
  }
  options.batchSize = micro;
  options.gradientAccumulationSteps = Math.max(1, Math.floor(local / micro)) * (options.gradientAccumulationSteps ?? 1);
  // PyTorch's pipeline schedules defer FSDP's gradient reduce-scatter to the last microbatch: until then each stage
  // accumulates its unsharded gradients.
  if ((options.zeroStage ?? 0) >= 2) {
    options.unshardedAccumulation = true;
  }
  const e = entryAt(obj, 'parallelism.pipeline_parallel_microbatch_size') ?? entryAt(obj, 'experimental.pipeline_parallel_microbatches') ?? entryAt(obj, 'experimental.pipeline_parallel_degree') ?? entryAt(obj, 'parallelism.pipeline_parallel_degree');
  if (e) {
    const at = { keySpan: e.keySpan, valueSpan: e.value.span, key: e.key };
    sources.push({ setting: `pipeline microbatch (${micro} of the local batch of ${local})`, option: 'batchSize', ...at, derived: true });
  }
}

function entryAt(obj: ConfigObject, path: string): ConfigEntry | undefined {
  let current: ConfigValue = obj;
  let found: ConfigEntry | undefined;
  for (const part of path.split('.')) {
    if (current.kind !== 'object') {
      return undefined;
    }
    found = entryOf(current, part);
    if (!found) {
      return undefined;
    }
    current = found.value;
  }
  return found;
}

const PRECISION_NAMES: Readonly<Record<string, Precision>> = {
  '32-true': '32-true', '32': '32-true', fp32: '32-true', float32: '32-true',
  '16-mixed': '16-mixed', '16': '16-mixed', 'bf16-mixed': 'bf16-mixed', 'bf16-true': 'bf16-true', '16-true': '16-true',
  bf16: 'bf16-true', bfloat16: 'bf16-mixed', float16: '16-mixed', fp16: '16-mixed', 'transformer-engine': 'fp8', fp8: 'fp8',
};

const QUANTIZE_NAMES: Readonly<Record<string, Quantization>> = {
  'bnb.nf4': 'nf4', 'bnb.nf4-dq': 'nf4-dq', 'bnb.fp4': 'fp4', 'bnb.fp4-dq': 'fp4-dq', 'bnb.int8': 'int8', 'bnb.int8-training': 'int8',
  // vLLM's `quantization` names (LLM(quantization="awq"), --quantization).
  awq: 'awq-int4', gptq: 'gptq-int4', bitsandbytes: 'nf4',
};

/** Optimizer names as PyTorch, bitsandbytes, HF Trainer and axolotl write them. */
function optimizerOf(name: string): OptimizerName | undefined {
  const n = name.toLowerCase();
  if (/paged.*(8bit|8_bit)/.test(n)) {
    return 'paged-adamw-8bit';
  }
  if (/paged/.test(n)) {
    return 'paged-adamw';
  }
  if (/(8bit|8_bit|bnb)/.test(n) && /adam/.test(n)) {
    return 'adamw-8bit';
  }
  if (/adafactor/.test(n)) {
    return 'adafactor';
  }
  if (/lion/.test(n)) {
    return 'lion';
  }
  if (/sgd/.test(n)) {
    return 'sgd';
  }
  if (/adam/.test(n)) {
    return 'adamw';
  }
  return undefined;
}

/** Why a stated value cannot be used: reported on its key instead of falling back to a default. */
class Invalid {
  constructor(readonly why: string) {}
}

/** A whole number from 1 to `limit`; null leaves the setting unsaid. */
const wholeNumber = (limit: number) => (v: ConfigValue): number | Invalid | undefined => {
  if (v.kind === 'null') {
    return undefined;
  }
  if (v.kind === 'number' && Number.isInteger(v.value) && v.value >= 1 && v.value <= limit) {
    // 2.0 is a float to Python, and the frameworks reject it where they count.
    return floatText(v) === undefined ? v.value : new Invalid(`should be a whole number, not ${v.raw}`);
  }
  return new Invalid(v.kind === 'number' ? `must be a whole number from 1 to ${limit.toLocaleString('en-US')} (it is ${v.raw})` : `should be a whole number, not ${shownValue(v)}`);
};

/** GPUs per node × nodes, when no more than any run has (a larger product is a typo, said on the key). */
const nodesTimes = (perNode: number, nodes: number): number | Invalid =>
  perNode * nodes <= RUN_LIMITS.gpus ? perNode * nodes : new Invalid(`× ${nodes.toLocaleString('en-US')} nodes is ${(perNode * nodes).toLocaleString('en-US')} GPUs, more than ${RUN_LIMITS.gpus.toLocaleString('en-US')}`);

/** A probability, from 0 up to 1 (dropout); what is not a number leaves it unsaid. */
const probability = (v: ConfigValue): number | Invalid | undefined =>
  v.kind !== 'number' ? undefined : v.value >= 0 && v.value < 1 ? v.value : new Invalid(`is a probability, from 0 up to 1 (it is ${v.raw})`);

/**
 * The run settings a training file states (LitGPT, torchtune, axolotl, nanoGPT, HF TrainingArguments names).
 * They take precedence over the user's settings, which fill only what the file leaves unsaid.
 */
export function readTrainingSettings(obj: ConfigObject, attached?: (path: string) => ConfigObject | undefined): TrainingFromFile {
  const r = settingsRead(obj);
  readBatchAndSequence(r);
  readPrecisionAndQuantization(r);
  readOptimizerAndKernels(r);
  readTorchtuneSwitches(obj, r.take, r.options, r.problems);
  readTorchtitanSwitches(r.take, r.options);
  const mlx = isMlxRecipe(obj) ? readMlxRecipe(obj, r.take, r.judge, r.options, r.sources) : undefined;
  const named = readGpusAndSharding(r, attached);
  readParallelLayout(r);
  readLora(r);
  readPreference(r);
  const own = readFrameworkDefaults(r);
  const framework = own?.framework ?? (mlx ? ('mlx' as const) : undefined);
  const defaults = [...(mlx ?? []), ...(own?.defaults ?? [])];
  const { options, sources, problems } = r;
  const dequantize = entryAt(obj, 'model_quantization_config_kwargs.dequantize')?.value ?? entryAt(obj, 'dequantize')?.value;
  const purpose = runPurpose(obj);
  const notices = onlineRlNotices(obj);
  return {
    options: options as Partial<AnalysisOptions>,
    sources,
    ...(purpose ? { purpose } : {}),
    ...(notices.length > 0 ? { notices } : {}),
    ...(dequantize?.kind === 'boolean' && dequantize.value ? { dequantized: true } : {}),
    ...(named?.value.kind === 'string' && /\.json$/i.test(named.value.value) ? { names: [named.value.value] } : {}),
    ...(problems.length > 0 ? { problems } : {}),
    ...(framework ? { framework } : {}),
    ...(defaults.length > 0 ? { frameworkDefaults: defaults } : {}),
  };
}

/** Preference losses that need no reference model (the pairs still run together). */
const REFERENCE_FREE_LOSSES = new Set(['orpo', 'simpo']);

/**
 * Training on preference pairs (DPO): a script's DPOTrainer (marked by its reader), LLaMA-Factory's `stage: dpo` or
 * axolotl's `rl: dpo` / `ipo` / `orpo` / `simpo`. The reference model is the model with its adapters off under LoRA,
 * none for a reference-free loss (`pref_loss: orpo`, `rl: simpo`), else a frozen copy.
 */
function readPreference(r: SettingsRead): void {
  const { obj, take } = r;
  const text = (path: string) => {
    const v = entryAt(obj, path)?.value;
    return v?.kind === 'string' ? v.value.toLowerCase() : undefined;
  };
  // A LoRA run's 'copy' is its model with the adapters off, as the run is resolved (analyze.ts).
  const reference = (loss: string | undefined): PreferenceRun['reference'] => (loss && REFERENCE_FREE_LOSSES.has(loss) ? 'none' : 'copy');
  // A script's mark: 'given' is a reference model handed to the trainer, a copy whatever the run adapts.
  take('preference pairs (DPO)', 'preference', PREFERENCE_REFERENCE_KEY, v => {
    if (v.kind !== 'string') {
      return undefined;
    }
    return v.value === 'given' ? { reference: 'copy' as const, given: true } : ['copy', 'adapters', 'none'].includes(v.value) ? { reference: v.value as PreferenceRun['reference'] } : undefined;
  });
  take('preference pairs (LLaMA-Factory DPO)', 'preference', 'stage', v => (v.kind === 'string' && v.value.toLowerCase() === 'dpo' ? { reference: reference(text('pref_loss')) } : undefined));
  take('preference pairs (axolotl)', 'preference', 'rl', v => (v.kind === 'string' && ['dpo', 'ipo', 'orpo', 'simpo'].includes(v.value.toLowerCase()) ? { reference: reference(v.value.toLowerCase()) } : undefined));
}

/** What each step of reading a training file shares: the file, what has been read so far, and how a key is read. */
interface SettingsRead {
  readonly obj: ConfigObject;
  /** The framework the file's keys are written for, detected once (mlx-lm's recipes are read on their own). */
  readonly framework: Exclude<TrainingFramework, 'mlx'> | undefined;
  readonly options: Record<string, unknown>;
  readonly sources: SettingSource[];
  readonly problems: TrainingProblem[];
  readonly judge: Judge;
  readonly take: Take;
}

/** A reader of one training file: each key is read once into its option, with its source, or refused with a problem. */
function settingsRead(obj: ConfigObject): SettingsRead {
  const options: Record<string, unknown> = {};
  const sources: SettingSource[] = [];
  const problems: TrainingProblem[] = [];
  /**
   * The value of an entry through `convert`; undefined, with a problem on its key, when no run can have it (or the
   * reader could not read it). `what` says what the key is when its name does not.
   */
  const judge = <T>(e: ConfigEntry, label: string, convert: (v: ConfigValue) => T | Invalid | undefined, what?: string): T | undefined => {
    const value = e.value.kind === 'null' && e.value.unreadable ? new Invalid(`cannot be read: ${e.value.unreadable}`) : convert(e.value);
    if (value instanceof Invalid) {
      problems.push({ message: `\`${label}\`${what ? ` (${what})` : ''} ${value.why}.`, keySpan: e.keySpan, valueSpan: e.value.span });
      return undefined;
    }
    return value;
  };
  /** Options whose stated value is invalid: no later key fills them in its place. */
  const refused = new Set<string>();
  /**
   * Reads `path` into `option` unless already set. With `from`, from a file the recipe names (a DeepSpeed config):
   * the setting then points at the key that names it.
   */
  const take: Take = (setting, option, path, convert, via): void => {
    const from = typeof via === 'object' ? via : undefined;
    if (options[option] !== undefined || refused.has(option)) {
      return;
    }
    const found = entryAt(from?.obj ?? obj, path);
    if (!found) {
      return;
    }
    const e = from ? { ...found, key: `${from.by.key}: ${path}`, keySpan: from.by.keySpan, value: { ...found.value, span: from.by.value.span } as ConfigValue } : found;
    const before = problems.length;
    const value = judge(e, from ? `${shownValue(from.by.value)} ${path}` : path, convert);
    if (problems.length > before) {
      refused.add(option);
    }
    if (value === undefined) {
      return;
    }
    options[option] = value;
    sources.push({ setting, option, key: from ? `${from.by.key} (${shownValue(from.by.value)}): ${path}` : path, keySpan: e.keySpan, valueSpan: e.value.span, ...(via ? { derived: true as const } : {}) });
  };
  return { obj, framework: keysFramework(obj), options, sources, problems, judge, take };
}

/** A switch as the frameworks write it: a boolean, or "true" / "auto" (DeepSpeed's and HF's strings). */
function truthy(v: ConfigValue): boolean | undefined {
  return v.kind === 'boolean' ? v.value : v.kind === 'string' ? v.value === 'auto' || v.value === 'true' : undefined;
}

/** The micro-batch, the sequence length and the accumulation steps, under each framework's names. */
function readBatchAndSequence(r: SettingsRead): void {
  const { obj, take, options } = r;
  // Micro-batch size per GPU.
  for (const path of ['train.micro_batch_size', 'micro_batch_size', 'per_device_train_batch_size', 'train_micro_batch_size_per_gpu', 'batch_size', 'training.batch_size', 'training.local_batch_size']) {
    take('micro-batch size', 'batchSize', path, wholeNumber(RUN_LIMITS.batchSize));
  }
  readNemo(obj, take, options);
  // Sequence length.
  for (const path of ['train.max_seq_length', 'sequence_len', 'max_seq_length', 'max_seq_len', 'tokenizer.max_seq_len', 'dataset.max_seq_len', 'block_size', 'seq_length', 'training.seq_len', 'seq-length', 'cutoff_len', 'encoder_seq_length']) {
    take('sequence length', 'sequenceLength', path, wholeNumber(RUN_LIMITS.sequenceLength));
  }
  // `accumulate_steps`: another name hand-written run configs give it.
  for (const path of ['gradient_accumulation_steps', 'train.gradient_accumulation_iters', 'accumulate_steps', 'grad_accumulation_steps']) {
    take('gradient accumulation', 'gradientAccumulationSteps', path, wholeNumber(RUN_LIMITS.gradientAccumulationSteps));
  }
  // LitGPT: accumulation = global batch / (micro-batch × devices).
  take('gradient accumulation', 'gradientAccumulationSteps', 'train.global_batch_size', v => {
    const global = wholeNumber(RUN_LIMITS.batchSize * RUN_LIMITS.gpus)(v);
    if (global instanceof Invalid) {
      return global;
    }
    const micro = options.batchSize as number | undefined;
    const devices = entryAt(obj, 'devices')?.value;
    const n = devices?.kind === 'number' && devices.value >= 1 ? devices.value : 1;
    return global !== undefined && micro !== undefined ? Math.max(1, Math.floor(global / (micro * n))) : undefined;
  }, 'derived');
}

/** The precision (mixed or pure 16-bit, fp8) and the base model's quantization. */
function readPrecisionAndQuantization(r: SettingsRead): void {
  const { obj, take } = r;
  // Precision: LitGPT / torchtitan names, torchtune's dtype, nanoGPT's dtype, HF's bf16/fp16 flags.
  // A model trained in its 16-bit dtype without autocast (`use_amp: false`, as PEFT's method comparison runs it):
  // pure 16-bit when every weight trains (PEFT keeps adapters in fp32, which the mixed layout counts).
  const dtype = entryAt(obj, 'dtype')?.value;
  const half = dtype?.kind === 'string' ? ({ bfloat16: 'bf16', float16: '16' } as Record<string, string>)[dtype.value] : undefined;
  if (half && !entryAt(obj, 'peft_type')) {
    take('precision', 'precision', 'use_amp', v => (v.kind === 'boolean' && !v.value ? `${half}-true` : undefined));
  }
  for (const path of ['precision', 'dtype', 'training.mixed_precision_param', 'mixed_precision']) {
    take('precision', 'precision', path, v => (v.kind === 'string' ? PRECISION_NAMES[v.value.toLowerCase()] : undefined));
  }
  take('precision', 'precision', 'bf16', v => (truthy(v) ? 'bf16-mixed' : undefined));
  take('precision', 'precision', 'fp16', v => (truthy(v) ? '16-mixed' : undefined));
  take('precision', 'precision', 'use_fp16', v => (truthy(v) ? '16-mixed' : undefined));
  take('precision', 'precision', 'bf16.enabled', v => (truthy(v) ? 'bf16-mixed' : undefined));
  take('precision', 'precision', 'fp16.enabled', v => (truthy(v) ? '16-mixed' : undefined));
  // Quantization of the base model.
  take('quantization', 'quantization', 'quantize', v => (v.kind === 'string' ? QUANTIZE_NAMES[v.value.toLowerCase()] : undefined));
  take('quantization', 'quantization', 'load_in_4bit', v => (truthy(v) ? 'nf4' : undefined));
  take('quantization', 'quantization', 'load_in_8bit', v => (truthy(v) ? 'int8' : undefined));
  // LLaMA-Factory: quantization_bit 4 is bitsandbytes NF4, double-quantized unless double_quantization is false.
  const doubleQuant = entryAt(obj, 'double_quantization')?.value;
  take('quantization', 'quantization', 'quantization_bit', v =>
    v.kind !== 'number' ? undefined : v.value === 4 ? (doubleQuant?.kind === 'boolean' && !doubleQuant.value ? 'nf4' : 'nf4-dq') : v.value === 8 ? 'int8' : new Invalid(`must be 4 or 8 (it is ${v.raw})`),
  );
  // torchtune's QLoRA builders quantize with torchao: NF4 in blocks of 64 with int8 block scales (double quantized).
  take('quantization', 'quantization', 'model._component_', v => (v.kind === 'string' && /\.qlora_/.test(v.value) ? 'nf4-dq' : undefined));
  take('QLoRA kernel', 'qloraKernel', 'model._component_', v => (v.kind === 'string' && /^torchtune\..*\.qlora_/.test(v.value) ? 'torchao' : undefined));
}

/** The optimizer, the attention kernel, a diffusers call's image settings, activation checkpointing. */
function readOptimizerAndKernels(r: SettingsRead): void {
  const { obj, take } = r;
  // Optimizer.
  // PyTorch's SGD keeps a momentum buffer only when momentum > 0 (its default is 0; HF Trainer's "sgd" too).
  const momentum = ['optimizer.init_args.momentum', 'optimizer.momentum', 'momentum'].map(p => entryAt(obj, p)?.value).find(v => v?.kind === 'number');
  const sgdKind = (): OptimizerName => (momentum?.kind === 'number' && momentum.value > 0 ? 'sgd' : 'sgd-no-momentum');
  for (const path of ['optimizer.class_path', 'optimizer._component_', 'optimizer', 'optim', 'optimizer.name']) {
    take('optimizer', 'optimizer', path, v => {
      const o = v.kind === 'string' ? optimizerOf(v.value) : undefined;
      return o === 'sgd' ? sgdKind() : o;
    });
  }
  // Attention kernel: HF's attn_implementation (eager materializes the attention scores; sdpa and flash do not).
  for (const path of ['attn_implementation', 'model.attn_implementation']) {
    take('attention', 'attention', path, v => (v.kind === 'string' ? (v.value === 'eager' ? 'eager' : /^(sdpa|flash_attention_[23]|flex_attention|kernels-community\/.*)$/.test(v.value) ? 'sdpa' : undefined) : undefined));
  }
  // A diffusers pipeline's call: its image side, its images per prompt, guidance turned off.
  take('image size', 'imageSide', 'image_size', wholeNumber(RUN_LIMITS.imageSide));
  take('micro-batch size', 'batchSize', 'num_images_per_prompt', wholeNumber(RUN_LIMITS.batchSize));
  take('classifier-free guidance', 'guidance', 'guidance', v => (v.kind === 'boolean' ? v.value : undefined));
  // A diffusers pipeline offloaded to the CPU between uses (a script's enable_model_cpu_offload()).
  take('CPU offload (diffusers)', 'pipelineOffload', 'cpu_offload', v => (v.kind === 'string' && (v.value === 'model' || v.value === 'sequential') ? v.value : undefined));

  // Activation checkpointing.
  // FSDP's own (axolotl's and HF's fsdp_config.activation_checkpointing, accelerate's fsdp_activation_checkpointing)
  // checkpoints every wrapped layer whatever gradient_checkpointing says, which FSDP2 recipes leave off beside it.
  for (const path of ['fsdp_config.activation_checkpointing', 'fsdp_config.fsdp_activation_checkpointing']) {
    take('checkpointing (FSDP)', 'checkpointing', path, v => (v.kind === 'boolean' && v.value ? ('full' as Checkpointing) : undefined));
  }
  // `checkpoint_layers`: another name hand-written run configs give it.
  for (const path of ['gradient_checkpointing', 'enable_activation_checkpointing', 'activation_checkpoint.mode', 'checkpoint_activations', 'checkpoint-activations', 'checkpoint_layers', 'grad_checkpoint']) {
    take('checkpointing', 'checkpointing', path, v => {
      if (v.kind === 'boolean') {
        return (v.value ? 'full' : 'none') as Checkpointing;
      }
      if (v.kind === 'string' && ['none', 'selective', 'full'].includes(v.value)) {
        return v.value as Checkpointing;
      }
      return v.kind === 'string' && OFFLOADED_CHECKPOINTING.has(v.value) ? 'full' : undefined;
    });
  }
  // unsloth's own checkpointing ("unsloth") and axolotl's "offload" send each checkpointed layer input to CPU memory;
  // axolotl's `activation_offloading` does the same beside its checkpointing.
  take('activation offloading', 'activationOffloading', 'gradient_checkpointing', v => (v.kind === 'string' && OFFLOADED_CHECKPOINTING.has(v.value) ? true : undefined));
  take('activation offloading', 'activationOffloading', 'activation_offloading', v => (v.kind === 'boolean' ? v.value : undefined));
  // unsloth computes the loss fused with the output head, in chunks, its gradient within forward.
  // TRL's SFT loss: chunked_nll (its default), or the whole logits at once (nll, and DFT's reweighting of it).
  take('loss', 'loss', 'loss_type', v => (v.kind === 'string' ? (v.value === 'chunked_nll' ? 'trl-chunked' : v.value === 'nll' || v.value === 'dft' ? 'cross-entropy' : undefined) : undefined));
  take('loss', 'loss', UNSLOTH_RUN_KEY, v => (v.kind === 'string' && v.value === 'true' ? 'fused-chunked' : undefined));
  take('unsloth kernels', 'unslothKernels', UNSLOTH_RUN_KEY, v => (v.kind === 'string' && v.value === 'true' ? true : undefined));  // LLaMA-Factory checkpoints every block unless told not to: its switch says the opposite of the others'.
  take('checkpointing', 'checkpointing', 'disable_gradient_checkpointing', v => (v.kind === 'boolean' ? (v.value ? 'none' : 'full') : undefined), 'derived');

}

/** Checkpointing modes that keep the checkpointed layer inputs in CPU memory: unsloth's own, axolotl's "offload". */
const OFFLOADED_CHECKPOINTING: ReadonlySet<string> = new Set(['unsloth', 'offload']);

/** The GPUs, ZeRO / FSDP sharding and offload, from the recipe or the DeepSpeed config it names (returned, to be read by the host). */
function readGpusAndSharding(r: SettingsRead, attached: ((path: string) => ConfigObject | undefined) | undefined): ConfigEntry | undefined {
  const { obj, take, options } = r;
  // GPUs and ZeRO.
  // A NeMo 2 recipe's GPUs: its trainer's devices (GPUs per node) × nodes.
  if (entryAt(obj, NEMO_RECIPE_KEY)) {
    trainerGpus(obj, take, options, '');
  }
  // Lightning's devices: a count, or "auto" / -1 for every GPU there is (a count the file does not state).
  take('GPUs', 'gpus', 'devices', v => ((v.kind === 'string' && v.value === 'auto') || (v.kind === 'number' && v.value === -1) ? undefined : wholeNumber(RUN_LIMITS.gpus)(v)));
  // `gpus`: the GPU count as hand-written run configs name it (`num_gpus` in many scripts).
  for (const path of ['gpus', 'num_gpus']) {
    take('GPUs', 'gpus', path, wholeNumber(RUN_LIMITS.gpus));
  }
  const zeroStage = (v: ConfigValue) =>
    v.kind === 'number' && [0, 1, 2, 3].includes(v.value) ? v.value : v.kind === 'string' && v.value === 'auto' ? undefined : new Invalid(`must be 0, 1, 2 or 3 (it is ${shownValue(v)})`);
  const offloaded = (v: ConfigValue) => (v.kind === 'string' ? v.value === 'cpu' || v.value === 'nvme' : undefined);
  take('ZeRO stage', 'zeroStage', 'zero_optimization.stage', zeroStage);
  // A DeepSpeed config the recipe names (axolotl, LLaMA-Factory, TrainingArguments(deepspeed=…)), when it was read.
  const named = entryAt(obj, 'deepspeed');
  const ds = named?.value.kind === 'string' ? attached?.(named.value.value) : undefined;
  if (named && ds) {
    const from = { obj: ds, by: named };
    readDeepspeedBuffers(take, from);
    take('ZeRO stage', 'zeroStage', 'zero_optimization.stage', zeroStage, from);
    take('optimizer offload', 'offloadOptimizer', 'zero_optimization.offload_optimizer.device', offloaded, from);
    take('parameter offload', 'offloadParameters', 'zero_optimization.offload_param.device', offloaded, from);
    take('micro-batch size', 'batchSize', 'train_micro_batch_size_per_gpu', v => (v.kind === 'string' && v.value === 'auto' ? undefined : wholeNumber(RUN_LIMITS.batchSize)(v)), from);
    take('gradient accumulation', 'gradientAccumulationSteps', 'gradient_accumulation_steps', v => (v.kind === 'string' && v.value === 'auto' ? undefined : wholeNumber(RUN_LIMITS.gradientAccumulationSteps)(v)), from);
  }
  readDeepspeedBuffers(take);
  take('ZeRO-3 init', 'zero3Init', 'zero3_init_flag', v => (v.kind === 'boolean' ? v.value : undefined));
  take('ZeRO stage', 'zeroStage', 'deepspeed', v => (v.kind === 'string' ? (/zero3|z3/.test(v.value) ? 3 : /zero2|z2/.test(v.value) ? 2 : /zero1|z1/.test(v.value) ? 1 : undefined) : undefined));
  // HF Trainer's fsdp: "full_shard" shards parameters, gradients and optimizer states (ZeRO-3), "shard_grad_op" the
  // latter two; axolotl writes the same words as a list (`fsdp: [full_shard, auto_wrap]`), or in fsdp_config.
  take('ZeRO stage', 'zeroStage', FSDP_KEYS.words, v => fsdpStage(fsdpWords(v)));
  take('hybrid sharding', 'hybridShard', FSDP_KEYS.words, v => (/hybrid_shard/.test(fsdpWords(v) ?? '') ? true : undefined));
  for (const path of FSDP_KEYS.strategy) {
    take('ZeRO stage', 'zeroStage', path, v => fsdpStage(fsdpWords(v)));
    take('hybrid sharding', 'hybridShard', path, v => (/hybrid_shard/.test(fsdpWords(v) ?? '') ? true : undefined));
  }
  // FSDP2 (axolotl's fsdp_version: 2) shards fully, keeping parameters gathered from forward to backward only when told.
  for (const path of FSDP_KEYS.fsdp2Reshard) {
    take('ZeRO stage', 'zeroStage', path, v => (v.kind === 'boolean' ? (v.value ? 3 : 2) : undefined));
  }
  readTrainerFsdp(r);
  take('GPUs per node', 'gpusPerNode', LAUNCH_KEYS.gpusPerNode, wholeNumber(RUN_LIMITS.gpus));
  take('optimizer offload', 'offloadOptimizer', 'zero_optimization.offload_optimizer.device', offloaded);
  take('optimizer offload', 'offloadOptimizer', 'offload_optimizer', v => (v.kind === 'boolean' ? v.value : undefined));
  // ZeRO-3's parameter offload (ZeRO-Infinity): parameters in CPU memory (or NVMe), gathered layer by layer.
  take('parameter offload', 'offloadParameters', 'zero_optimization.offload_param.device', offloaded);
  // HF Trainer's fsdp "full_shard offload" (or fsdp_config's offload_params): parameters, gradients and optimizer states in CPU memory.
  const fsdpOffload = (v: ConfigValue) => (/\boffload\b/.test(fsdpWords(v) ?? '') ? true : undefined);
  take('FSDP CPU offload', 'offloadParameters', FSDP_KEYS.words, fsdpOffload);
  take('FSDP CPU offload', 'offloadOptimizer', FSDP_KEYS.words, fsdpOffload);
  for (const path of ['fsdp_config.offload_params', 'fsdp_config.fsdp_offload_params']) {
    take('FSDP CPU offload', 'offloadParameters', path, v => (v.kind === 'boolean' ? v.value : undefined));
    take('FSDP CPU offload', 'offloadOptimizer', path, v => (v.kind === 'boolean' ? v.value : undefined));
  }
  return named;
}

/**
 * The keys that give a run HF Trainer's (accelerate's) FSDP, as opposed to a DeepSpeed config or a framework's own:
 * its `fsdp` words, a sharding strategy in `fsdp_config`, or FSDP2's reshard switch (which says FSDP2 as well).
 */
const FSDP_KEYS = {
  words: 'fsdp',
  strategy: ['fsdp_config.fsdp_sharding_strategy', 'fsdp_config.sharding_strategy'],
  fsdp2Reshard: ['fsdp_config.reshard_after_forward', 'fsdp_config.fsdp_reshard_after_forward'],
} as const;
const TRAINER_FSDP_KEYS: ReadonlySet<string> = new Set([FSDP_KEYS.words, ...FSDP_KEYS.strategy, ...FSDP_KEYS.fsdp2Reshard]);

/**
 * FSDP as HF's Trainer runs it (through accelerate), where a key of its own asks for it: which FSDP, and how it meets
 * gradient accumulation. Every micro-batch but a step's last runs under `no_sync` (FSDP2:
 * `set_requires_gradient_sync(False)`), so each GPU keeps the full, unsharded gradients until the step's last backward,
 * unless `accelerator_config`'s `gradient_accumulation_kwargs.sync_each_batch` reduces them after every micro-batch.
 */
function readTrainerFsdp(r: SettingsRead): void {
  const { take, options, sources } = r;
  const fsdp = sources.find(s => s.option === 'zeroStage' && TRAINER_FSDP_KEYS.has(s.key));
  if (!fsdp) {
    return;
  }
  take('gradient sync on every micro-batch (`sync_each_batch`)', 'unshardedAccumulation', ACCELERATOR_CONFIG_KEY, v => {
    const each = syncEachBatch(v);
    return each === undefined ? undefined : !each;
  });
  if (options.unshardedAccumulation === undefined) {
    options.unshardedAccumulation = true;
    sources.push({ ...fsdp, setting: "unsharded gradients between micro-batches (HF Trainer's FSDP no_sync)", option: 'unshardedAccumulation', derived: true });
  }
  // Which FSDP: accelerate's fsdp_version (axolotl's at the top level too), FSDP2's own keys, else accelerate's FSDP1.
  for (const path of ['fsdp_version', 'fsdp_config.fsdp_version', 'fsdp_config.version']) {
    take('FSDP version', 'fsdpVersion', path, v => {
      const version = v.kind === 'number' ? v.value : v.kind === 'string' ? Number(v.value) : NaN;
      return version === 1 || version === 2 ? version : new Invalid(`must be 1 or 2 (it is ${shownValue(v)})`);
    });
  }
  options.fsdpVersion ??= (FSDP_KEYS.fsdp2Reshard as readonly string[]).includes(fsdp.key) ? 2 : 1;
}

/** accelerate's `sync_each_batch` in an `accelerator_config` mapping, or in the JSON text a command line passes. */
function syncEachBatch(v: ConfigValue): boolean | undefined {
  if (v.kind === 'object') {
    const kwargs = entryOf(v, 'gradient_accumulation_kwargs')?.value;
    const each = kwargs?.kind === 'object' ? entryOf(kwargs, 'sync_each_batch')?.value : undefined;
    return each?.kind === 'boolean' ? each.value : undefined;
  }
  if (v.kind !== 'string') {
    return undefined;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(v.value);
  } catch {
    return undefined;
  }
  const each = (parsed as { gradient_accumulation_kwargs?: { sync_each_batch?: unknown } } | null)?.gradient_accumulation_kwargs?.sync_each_batch;
  return typeof each === 'boolean' ? each : undefined;
}

/**
 * HF Trainer's FSDP words as one string (`"full_shard auto_wrap"`), from that string, axolotl's list of them, or a
 * sharding strategy as accelerate writes it (`FULL_SHARD`, `2`).
 */
function fsdpWords(v: ConfigValue): string | undefined {
  const word = (w: string) => FSDP_SHARDING[w.toUpperCase()] ?? w.toLowerCase();
  if (v.kind === 'string') {
    return word(v.value);
  }
  if (v.kind === 'number') {
    return FSDP_SHARDING[String(v.value)];
  }
  return v.kind === 'array' ? v.items.flatMap(i => (i.kind === 'string' ? [word(i.value)] : [])).join(' ') : undefined;
}

/** The ZeRO stage FSDP's sharding strategy amounts to: parameters, gradients and optimizer states sharded (3), or the latter two (2). */
function fsdpStage(words: string | undefined): 2 | 3 | undefined {
  return words === undefined ? undefined : /shard_grad_op|hybrid_shard_zero2/.test(words) ? 2 : /full_shard|hybrid_shard/.test(words) ? 3 : undefined;
}

/** Tensor, pipeline, context and expert parallel degrees (torchtitan's two layouts, Megatron's and NeMo's names), pipeline schedule and microbatches. */
function readParallelLayout(r: SettingsRead): void {
  const { obj, take, options, sources } = r;
  // torchtitan's degrees: under [parallelism], or (its 2024 layout) under [training] and [experimental].
  // GPT-NeoX names Megatron's two degrees model_parallel_size and pipe_parallel_size (dashed or not).
  for (const path of ['parallelism.tensor_parallel_degree', 'training.tensor_parallel_degree', 'tensor_parallel_size', 'tensor_model_parallel_size', 'model_parallel_size', 'model-parallel-size']) {
    take('tensor parallel', 'tensorParallel', path, wholeNumber(RUN_LIMITS.parallelDegree));
  }
  for (const path of ['parallelism.pipeline_parallel_degree', 'experimental.pipeline_parallel_degree', 'pipeline_model_parallel_size', 'pipe_parallel_size', 'pipe-parallel-size']) {
    take('pipeline parallel', 'pipelineParallel', path, wholeNumber(RUN_LIMITS.parallelDegree));
  }
  // Context parallelism: each GPU of a context-parallel group holds its share of every sequence (axolotl's ring
  // attention was sequence_parallel_degree before it became context_parallel_size).
  for (const path of ['parallelism.context_parallel_degree', 'experimental.context_parallel_degree', 'context_parallel_size', 'sequence_parallel_degree']) {
    take('context parallel', 'contextParallel', path, wholeNumber(RUN_LIMITS.parallelDegree));
  }
  // Expert parallelism: the routed experts split over GPUs taken from the data-parallel ones.
  for (const path of ['parallelism.expert_parallel_degree', 'expert_model_parallel_size']) {
    take('expert parallel', 'expertParallel', path, wholeNumber(RUN_LIMITS.parallelDegree));
  }
  // Megatron-LM's and NeMo's runs are Megatron-Core's: tensor parallelism without sequence parallelism unless told
  // (torchtitan's always has it), and Megatron-Core's vocab-parallel cross entropy.
  if (entryAt(obj, MEGATRON_SCRIPT_KEY) || entryAt(obj, NEMO_RECIPE_KEY) || isNemoGpt(obj)) {
    options.megatronCore = true;
    take('sequence parallel', 'sequenceParallel', 'sequence_parallel', v => (v.kind === 'boolean' ? v.value : undefined));
    options.sequenceParallel ??= false;
    options.loss ??= 'vocab-parallel';
  }
  // GPT-NeoX splits layers as Megatron does, with sequence parallelism only when asked (sequence_parallel), and
  // takes its loss with Megatron's vocab-parallel cross entropy over an fp32 copy of the logits.
  if (r.framework === 'gptneox') {
    take('sequence parallel', 'sequenceParallel', 'sequence_parallel', v => (v.kind === 'boolean' ? v.value : undefined));
    options.sequenceParallel ??= false;
    options.loss ??= 'vocab-parallel';
  }
  shardedDataParallel(obj, options, sources);
  axolotlDataParallel(obj, options, sources);
  pipelineMicrobatches(r);
  for (const path of ['parallelism.pipeline_parallel_schedule', 'experimental.pipeline_parallel_schedule']) {
    take('pipeline schedule', 'pipelineSchedule', path, v => (v.kind === 'string' && v.value.toLowerCase() === 'gpipe' ? 'gpipe' : undefined));
  }
  readMegatron(obj, take, options);
  if (isNemoGpt(obj)) {
    megatronAccumulation(take, options);
  }
}

/**
 * Whether LoRA has dropout when the file states none, by its framework's default: none in LLaMA-Factory
 * (`finetuning_type`), axolotl (an `adapter` key) and torchtune's builders (all 0.0); LitGPT's and TRL's 0.05 otherwise.
 */
function defaultLoraDropout(obj: ConfigObject, factoryType: string | undefined, adapter: ConfigEntry | undefined): boolean {
  return factoryType === undefined && adapter === undefined && !torchtuneLoraBuilder(obj);
}

/** LoRA, QLoRA, DoRA or (IA)³ adapters: rank, targets, dropout, saved modules, from PEFT, LitGPT, axolotl, torchtune, LLaMA-Factory or TRL keys. */
function readLora(r: SettingsRead): void {
  const { obj, judge, options, sources, problems } = r;
  // LoRA: rank from LitGPT / axolotl / torchtune names; targets from their switches or module lists.
  // A PEFT adapter_config.json writes the rank as `r`, beside peft_type "LORA". Another PEFT method's adapters
  // (IA3, prompt tuning, BOFT…) train and keep other things: no number, rather than full fine-tuning's.
  const peftEntry = entryAt(obj, 'peft_type');
  const peft = peftEntry?.value;
  const peftLora = peft?.kind === 'string' && /^(LORA|QLORA|DORA)$/i.test(peft.value);
  const peftIa3 = peft?.kind === 'string' && /^IA3$/i.test(peft.value);
  if (peftEntry && peftIa3) {
    readIa3(obj, peftEntry, options, sources, problems);
  } else if (peftEntry && peft?.kind === 'string' && !peftLora) {
    problems.push({ message: `PEFT's ${peft.value} adapters are not modelled (VRAM Lens models LoRA, QLoRA, DoRA and (IA)³ adapters), so there is no estimate for this run`, keySpan: peftEntry.keySpan, valueSpan: peft.span });
  }
  const rankEntry = peftIa3 ? undefined : entryAt(obj, 'lora_r') ?? entryAt(obj, 'model.lora_rank') ?? entryAt(obj, 'lora_rank') ?? (peftLora ? entryAt(obj, 'r') : undefined);
  const adapter = entryAt(obj, 'adapter');
  // LLaMA-Factory: `finetuning_type: lora` (rank 8 unless lora_rank says), `full` or `freeze` (no adapters).
  const finetuning = entryAt(obj, 'finetuning_type');
  const factoryType = finetuning?.value.kind === 'string' ? finetuning.value.value : undefined;
  // TRL's ModelConfig: use_peft without lora_r is rank 16.
  const peftSwitch = entryAt(obj, 'use_peft');
  const trlPeft = peftSwitch?.value.kind === 'boolean' && peftSwitch.value.value ? peftSwitch : undefined;
  const rank = rankEntry ? judge(rankEntry, rankEntry.key, wholeNumber(RUN_LIMITS.loraRank), 'the LoRA rank') : factoryType === 'lora' ? 8 : trlPeft ? 16 : undefined;
  const adapterSaysLora = (adapter?.value.kind === 'string' && /lora/.test(adapter.value.value)) || factoryType === 'lora';
  // TRL's ModelConfig (alignment-handbook and TRL recipe YAML): LoRA only with use_peft: true.
  const usePeft = peftSwitch?.value;
  const isLora =
    rank !== undefined && !(usePeft?.kind === 'boolean' && !usePeft.value) &&
    (adapterSaysLora || entryAt(obj, 'lora_query') !== undefined || entryAt(obj, 'model.lora_rank') !== undefined ||
      torchtuneLoraBuilder(obj) || !adapter);
  const rankSource = rankEntry ?? (factoryType === 'lora' ? finetuning : trlPeft);
  // axolotl has no default rank (its lora_r is None, which PEFT refuses): adapters with no rank are no number at all,
  // rather than the whole model trained.
  if (adapter?.value.kind === 'string' && /lora/.test(adapter.value.value) && rank === undefined && factoryType === undefined) {
    problems.push({ message: `\`adapter: ${adapter.value.value}\` states no \`lora_r\` (axolotl has no default LoRA rank), so there is no estimate for this run`, keySpan: adapter.keySpan, valueSpan: adapter.value.span });
  }
  if (isLora && rankSource && rank !== undefined && factoryType !== 'full' && factoryType !== 'freeze') {
    const targets = loraTargets(obj);
    const dropoutEntry = entryAt(obj, 'lora_dropout') ?? entryAt(obj, 'model.lora_dropout');
    const p = dropoutEntry ? judge(dropoutEntry, dropoutEntry.key, probability) : undefined;
    const dropout = p !== undefined ? p > 0 : defaultLoraDropout(obj, factoryType, adapter);
    const saved = savedModules(obj, options.quantization !== undefined);
    // DoRA (PEFT's use_dora, axolotl's peft_use_dora): a magnitude vector per adapted layer, and the outputs it scales.
    const doraEntry = entryAt(obj, 'use_dora') ?? entryAt(obj, 'peft_use_dora');
    const dora = doraEntry !== undefined && switchedOn(obj, doraEntry.key);
    options.lora = { rank, targets, dropout, ...(saved ? { saved } : {}), ...(dora ? { dora } : {}) };
    sources.push({ setting: `LoRA rank ${rank} on ${targets.join(', ')}`, option: 'lora', key: rankSource.key === 'lora_rank' && entryAt(obj, 'model.lora_rank') === rankSource ? 'model.lora_rank' : rankSource.key, keySpan: rankSource.keySpan, valueSpan: rankSource.value.span });
    if (adapter?.value.kind === 'string' && adapter.value.value === 'qlora' && options.quantization === undefined) {
      options.quantization = 'nf4';
      sources.push({ setting: 'quantization', option: 'quantization', key: 'adapter', keySpan: adapter.keySpan, valueSpan: adapter.value.span });
    }
  }
  // LLaMA-Factory's full or frozen-layer fine-tuning is the file's choice too: no adapters, where a fix would switch it.
  if (finetuning && (factoryType === 'full' || factoryType === 'freeze')) {
    sources.push({ setting: `${factoryType} fine-tuning`, option: 'lora', key: 'finetuning_type', keySpan: finetuning.keySpan, valueSpan: finetuning.value.span });
  }
}

/** What LitGPT's scripts do unasked (quantize the head, FSDP with checkpointing on several devices); the framework the file is for. */
function readFrameworkDefaults(r: SettingsRead): { framework: Exclude<TrainingFramework, 'mlx'>; defaults?: string[] } | undefined {
  const { options, framework } = r;
  // LLaMA-Factory enables gradient checkpointing on every model it trains (disable_gradient_checkpointing: false).
  if (framework === 'llamafactory') {
    if (options.checkpointing === undefined) {
      options.checkpointing = 'full';
      return { framework: 'llamafactory', defaults: ['gradient checkpointing (disable_gradient_checkpointing false)'] };
    }
    return { framework: 'llamafactory' };
  }
  const litgpt = framework === 'litgpt';
  // LitGPT's bitsandbytes plugin replaces every nn.Linear, the output head included.
  if (litgpt && options.quantization !== undefined) {
    options.quantizeHead = true;
  }
  // LitGPT's finetune and pretrain scripts shard with FSDP whenever they run on more than one device, and then
  // checkpoint every transformer block (FSDPStrategy(auto_wrap_policy={Block}, activation_checkpointing_policy={Block})).
  // Its training loops accumulate under Fabric's no_backward_sync, which is FSDP's no_sync: full-size gradients.
  if (litgpt && typeof options.gpus === 'number' && options.gpus > 1) {
    options.zeroStage ??= 3;
    options.checkpointing ??= 'full';
    options.unshardedAccumulation ??= true;
  }
  return framework && { framework };
}

/** The framework a training file's keys are written for, if they say (LLaMA-Factory first: its keys overlap HF's). */
function keysFramework(obj: ConfigObject): Exclude<TrainingFramework, 'mlx'> | undefined {
  if (isLlamaFactoryRecipe(obj)) {
    return 'llamafactory';
  }
  if (entryAt(obj, 'checkpoint_dir') !== undefined || entryAt(obj, 'lora_query') !== undefined) {
    return 'litgpt';
  }
  return isTorchtuneRecipe(obj) ? 'torchtune' : isTorchtitanJob(obj) ? 'torchtitan' : isGptNeoxConfig(obj) ? 'gptneox' : undefined;
}

/** A LLaMA-Factory recipe: its fine-tuning type, its cutoff length, or a training stage with a chat template. */
function isLlamaFactoryRecipe(obj: ConfigObject): boolean {
  return entryAt(obj, 'finetuning_type') !== undefined || entryAt(obj, 'cutoff_len') !== undefined || (entryAt(obj, 'stage') !== undefined && entryAt(obj, 'template') !== undefined);
}

/** A GPT-NeoX config: its pipeline degree is pipe_parallel_size (or pipe-parallel-size), a key only it writes. */
function isGptNeoxConfig(obj: ConfigObject): boolean {
  return entryAt(obj, 'pipe_parallel_size') !== undefined || entryAt(obj, 'pipe-parallel-size') !== undefined;
}

/** A torchtitan job: its model is a name and a flavor of torchtitan's registry (`[model] name = "llama3"`, `flavor = "8B"`). */
function isTorchtitanJob(obj: ConfigObject): boolean {
  const name = entryAt(obj, `model.${MODEL_SECTION_KEYS.torchtitanName}`)?.value;
  const flavor = entryAt(obj, `model.${MODEL_SECTION_KEYS.torchtitanFlavor}`)?.value;
  return name?.kind === 'string' && flavor?.kind === 'string';
}

/** An mlx-lm LoRA config (mlx_lm.lora -c): its LoRA settings or fine-tuning type, or its adapter folder and iterations. */
export function isMlxRecipe(obj: ConfigObject): boolean {
  const type = entryAt(obj, 'fine_tune_type')?.value;
  return (
    entryAt(obj, 'lora_parameters')?.value.kind === 'object' ||
    (type?.kind === 'string' && ['lora', 'dora', 'full'].includes(type.value)) ||
    (entryAt(obj, 'adapter_path') !== undefined && entryAt(obj, 'iters') !== undefined)
  );
}

/** mlx-lm's CONFIG_DEFAULTS for what drives memory, applied where an mlx-lm config leaves a key out. */
const MLX_DEFAULTS = { batchSize: 4, sequenceLength: 2048, trainedLayers: 16, rank: 8 } as const;

type Judge = <T>(e: ConfigEntry, label: string, convert: (v: ConfigValue) => T | Invalid | undefined, what?: string) => T | undefined;

/**
 * An mlx-lm LoRA config, as mlx_lm.lora runs it: LoRA (or DoRA) adapters of `lora_parameters.rank` on
 * `lora_parameters.keys` (q_proj and v_proj by default) in the last `num_layers` blocks, or those blocks trained in
 * full; fp32 adapters over a base in its stored dtype; a 16-bit loss. Returns the defaults it applied, as "key value".
 */
function readMlxRecipe(obj: ConfigObject, take: Take, judge: Judge, options: Record<string, unknown>, sources: SettingSource[]): string[] {
  const applied: string[] = [];
  const fallback = (option: string, value: unknown, said: string) => {
    if (options[option] === undefined) {
      options[option] = value;
      applied.push(said);
    }
  };
  take('trained blocks', 'trainedLayers', 'num_layers', v => (v.kind === 'number' && v.value === -1 ? RUN_LIMITS.trainedLayers : wholeNumber(RUN_LIMITS.trainedLayers)(v)));
  take('trained blocks', 'trainedLayers', 'lora_layers', wholeNumber(RUN_LIMITS.trainedLayers));
  fallback('trainedLayers', MLX_DEFAULTS.trainedLayers, `num_layers ${MLX_DEFAULTS.trainedLayers}`);
  fallback('batchSize', MLX_DEFAULTS.batchSize, `batch_size ${MLX_DEFAULTS.batchSize}`);
  fallback('sequenceLength', MLX_DEFAULTS.sequenceLength, `max_seq_length ${MLX_DEFAULTS.sequenceLength}`);
  // mlx-lm trains in the checkpoint's own dtype, without autocast.
  options.precision ??= 'bf16-true';
  options.loss ??= 'cross-entropy-16bit';
  const type = entryAt(obj, 'fine_tune_type');
  if (type?.value.kind === 'string' && type.value.value === 'full') {
    sources.push({ setting: 'full fine-tuning of the last blocks', option: 'lora', key: 'fine_tune_type', keySpan: type.keySpan, valueSpan: type.value.span });
    return applied;
  }
  const rankEntry = entryAt(obj, 'lora_parameters.rank');
  const rank = rankEntry ? judge(rankEntry, rankEntry.key, wholeNumber(RUN_LIMITS.loraRank), 'the LoRA rank') : MLX_DEFAULTS.rank;
  if (rank === undefined) {
    return applied;
  }
  const keys = entryAt(obj, 'lora_parameters.keys')?.value;
  const named = keys?.kind === 'array' ? keys.items.flatMap(k => (k.kind === 'string' ? mlxTargets(k.value) : [])) : [];
  const targets = named.length > 0 ? [...new Set(named)] : (['q', 'v'] as LoraTarget[]);
  const dropoutEntry = entryAt(obj, 'lora_parameters.dropout');
  const dropout = (dropoutEntry ? judge(dropoutEntry, dropoutEntry.key, probability) : 0) ?? 0;
  options.lora = { rank, targets, dropout: dropout > 0, fp32Adapters: true };
  const source = rankEntry ?? type ?? entryAt(obj, 'lora_parameters');
  if (source) {
    sources.push({ setting: `LoRA rank ${rank} on ${targets.join(', ')}`, option: 'lora', key: source.key, keySpan: source.keySpan, valueSpan: source.value.span });
  }
  if (!rankEntry) {
    applied.push(`LoRA rank ${MLX_DEFAULTS.rank}`);
  }
  if (named.length === 0) {
    applied.push('lora_parameters.keys [self_attn.q_proj, self_attn.v_proj]');
  }
  return applied;
}

/** The LoRA targets an mlx-lm key names ("self_attn.q_proj", "mlp.down_proj", a fused "self_attn.qkv_proj"). */
function mlxTargets(key: string): LoraTarget[] {
  const last = key.split('.').pop() ?? '';
  if (/^(qkv_proj|query_key_value|c_attn|Wqkv|wqkv|att_proj)$/.test(last)) {
    return ['q', 'k', 'v'];
  }
  if (/^gate_up_proj$/.test(last)) {
    return ['gate', 'up'];
  }
  const t = MODULE_TARGETS[last];
  return t ? [t] : [];
}

/** A torchtune recipe whose model is a LoRA (or QLoRA) builder (`lora_llama3_2_3b`, `qlora_llama3_2_3b`). */
function torchtuneLoraBuilder(obj: ConfigObject): boolean {
  const builder = entryAt(obj, 'model._component_')?.value;
  return builder?.kind === 'string' && /lora_/.test(builder.value);
}

/** A torchtune recipe: its model is a torchtune builder. */
function isTorchtuneRecipe(obj: ConfigObject): boolean {
  const builder = entryAt(obj, 'model._component_')?.value;
  return builder?.kind === 'string' && builder.value.startsWith('torchtune.');
}

/** torchtune's loss components, by how they meet the logits. */
const TORCHTUNE_LOSSES: Readonly<Record<string, TrainingLoss>> = {
  CrossEntropyLoss: 'cross-entropy',
  CEWithChunkedOutputLoss: 'chunked-output',
  LinearCrossEntropyLoss: 'linear-chunked',
};

/**
 * Where a key's value stands for its option other than as written: in a file the recipe names (read from that file,
 * pointed at the key naming it), or through a conversion no fix can write back (a switch, a global batch).
 */
type Via = { readonly obj: ConfigObject; readonly by: ConfigEntry } | 'derived';

/** Reads `path` into `option` through `convert` unless the option is already set, noting the key as its source. */
type Take = (setting: string, option: keyof AnalysisOptions, path: string, convert: (v: ConfigValue) => unknown, via?: Via) => void;

/**
 * torchtitan's switches in its TOML layouts: [activation_checkpoint] selective_ac_option ("op": per-op selective
 * checkpointing; a number k: every k-th block checkpointed whole), and torch.compile ([compile] enable, or the 2024 [training] compile), which compiles the blocks and,
 * only where [compile] lists it among its components, the loss.
 */
function readTorchtitanSwitches(take: Take, options: Record<string, unknown>): void {
  const flag = (v: ConfigValue) => (v.kind === 'boolean' ? v.value : undefined);
  take('selective checkpointing per op', 'selectiveOps', 'activation_checkpoint.selective_ac_option', v => (v.kind === 'string' ? v.value === 'op' : undefined));
  take('selective checkpointing per block', 'checkpointEvery', 'activation_checkpoint.selective_ac_option', v =>
    v.kind === 'string' && /^[1-9]\d{0,3}$/.test(v.value) ? Number(v.value) : v.kind === 'number' && Number.isInteger(v.value) && v.value >= 1 ? v.value : undefined,
  );
  // Float8 linear layers: the 2024 switch, or a model converter (`float8`, later `quantize.linear.float8`); FSDP's
  // float8 all-gather under either section.
  take('float8 linear layers', 'float8Linear', 'float8.enable_float8_linear', flag);
  take('float8 linear layers', 'float8Linear', 'model.converters', v => (v.kind === 'array' ? v.items.some(i => i.kind === 'string' && /(^|\.)float8$/.test(i.value)) || undefined : undefined));
  // The all-gather is float8 only where the layers are.
  for (const path of ['float8.enable_fsdp_float8_all_gather', 'quantize.linear.float8.enable_fsdp_float8_all_gather']) {
    take('float8 all-gather', 'float8AllGather', path, v => (options.float8Linear === true ? flag(v) : undefined));
  }
  for (const path of ['parallelism.enable_async_tensor_parallel', 'experimental.enable_async_tensor_parallel']) {
    take('async tensor parallel', 'asyncTensorParallel', path, flag);
  }
  take('torch.compile', 'compiled', 'training.compile', flag);
  take('torch.compile', 'compiled', 'compile.enable', flag);
  // torchtitan's 2024 compile covered the transformer blocks, not the loss; [compile] names its components.
  take('torch.compile of the loss', 'compiledLoss', 'training.compile', v => (v.kind === 'boolean' ? false : undefined));
  take('torch.compile of the loss', 'compiledLoss', 'compile.components', v => (v.kind === 'array' ? v.items.some(i => i.kind === 'string' && i.value === 'loss') : undefined));
}

/**
 * Megatron-LM's run (a pretrain script's arguments): its distributed optimizer shards the fp32 main weights and Adam
 * states over the data-parallel GPUs (ZeRO-1); it keeps fp32 main gradients unless `--grad-reduce-in-bf16`;
 * `--recompute-granularity` full or selective (or the older `--recompute-activations`); and the micro-batches of a
 * step, global batch / (micro-batch × data-parallel GPUs).
 */
function readMegatron(obj: ConfigObject, take: Take, options: Record<string, unknown>): void {
  if (!entryAt(obj, MEGATRON_SCRIPT_KEY) && !entryAt(obj, NEMO_RECIPE_KEY)) {
    return;
  }
  const flag = (v: ConfigValue) => (v.kind === 'boolean' ? v.value : undefined);
  take('distributed optimizer', 'zeroStage', 'use_distributed_optimizer', v => (flag(v) === undefined ? undefined : flag(v) ? 1 : 0), 'derived');
  // A NeMo 2 recipe trains with Megatron-Core's distributed optimizer in bf16_mixed, unless it turns the optimizer off
  // (its Llama-family LoRA fine-tunes do).
  if (entryAt(obj, NEMO_RECIPE_KEY)) {
    options.zeroStage ??= 1;
    options.precision ??= 'bf16-mixed';
  }
  take('fp32 main gradients', 'fp32Gradients', 'grad_reduce_in_bf16', v => (flag(v) ? false : undefined));
  options.fp32Gradients ??= true;
  take('checkpointing', 'checkpointing', 'recompute_granularity', v => (v.kind === 'string' && (v.value === 'full' || v.value === 'selective') ? v.value : undefined));
  take('checkpointing', 'checkpointing', 'recompute_activations', v => (flag(v) ? 'selective' : undefined));
  take('recompute method', 'recomputeMethod', 'recompute_method', v => (v.kind === 'string' && (v.value === 'uniform' || v.value === 'block') ? v.value : undefined));
  take('recompute method', 'recomputeLayers', 'recompute_num_layers', wholeNumber(RUN_LIMITS.parallelDegree));
  take('virtual pipeline stages', 'virtualPipelineStages', 'virtual_pipeline_model_parallel_size', wholeNumber(RUN_LIMITS.parallelDegree));
  take('virtual pipeline stages', 'virtualPipelineStages', 'num_layers_per_virtual_pipeline_stage', v => {
    const per = v.kind === 'number' && Number.isInteger(v.value) && v.value >= 1 ? v.value : undefined;
    const layers = entryAt(obj, 'num_layers')?.value;
    const pp = (options.pipelineParallel as number | undefined) ?? 1;
    return per !== undefined && layers?.kind === 'number' && pp > 1 ? Math.max(1, Math.floor(layers.value / pp / per)) : undefined;
  });
  megatronAccumulation(take, options);
}

/**
 * A Lightning trainer's GPUs, as NeMo configures it (`trainer:` in its YAML, a recipe's trainer): `devices` per node ×
 * `num_nodes`, and the devices as the GPUs per node.
 */
function trainerGpus(obj: ConfigObject, take: Take, options: Record<string, unknown>, section: '' | 'trainer.'): void {
  const nodes = entryAt(obj, `${section}num_nodes`)?.value;
  const n = nodes?.kind === 'number' && Number.isInteger(nodes.value) && nodes.value >= 1 ? nodes.value : 1;
  const perNode = wholeNumber(RUN_LIMITS.gpus);
  take('GPUs', 'gpus', `${section}devices`, v => {
    const devices = perNode(v);
    return typeof devices === 'number' ? nodesTimes(devices, n) : devices;
  });
  if (options.gpus !== undefined) {
    take('GPUs per node', 'gpusPerNode', `${section}devices`, perNode);
  }
}

/** Megatron's micro-batches per step: global batch / (micro-batch × data-parallel GPUs), as Megatron-LM and NeMo count them. */
function megatronAccumulation(take: Take, options: Record<string, unknown>): void {
  take('gradient accumulation', 'gradientAccumulationSteps', 'global_batch_size', v => {
    const global = v.kind === 'number' && Number.isInteger(v.value) && v.value >= 1 ? v.value : undefined;
    const micro = (options.batchSize as number | undefined) ?? 1;
    const degree = (option: string) => (options[option] as number | undefined) ?? 1;
    const dp = sampleParallelDegree({ gpus: degree('gpus'), tensorParallel: degree('tensorParallel'), pipelineParallel: degree('pipelineParallel'), contextParallel: degree('contextParallel') });
    return global === undefined ? undefined : Math.max(1, Math.floor(global / (micro * dp)));
  }, 'derived');
}

/**
 * NeMo's Megatron GPT run (its `model:` section with the file's `trainer:`): GPUs = trainer.devices × trainer.num_nodes;
 * the sequence length of `data.seq_length`;
 * trainer.precision (bf16 and 16 are mixed precision: Megatron's 16-bit weights with fp32 main weights under
 * megatron_amp_O2, autocast over fp32 weights otherwise); a distributed optimizer (`optim.name`
 * distributed_fused_adam or mcore_distributed_optim) shards the fp32 main weights and Adam states, its gradients
 * reduced in fp32 unless `optim.grad_sync_dtype` says bf16; Megatron-Core's recompute under NeMo's names. Read
 * before the generic keys: NeMo's `precision: bf16` is mixed precision. (The micro-batches of a step are read with
 * Megatron-LM's, once the parallel sizes are known.)
 */
function readNemo(obj: ConfigObject, take: Take, options: Record<string, unknown>): void {
  if (!isNemoGpt(obj)) {
    return;
  }
  trainerGpus(obj, take, options, 'trainer.');
  // The length the data loader cuts sequences to; encoder_seq_length (read later) is the model's.
  take('sequence length', 'sequenceLength', 'data.seq_length', wholeNumber(RUN_LIMITS.sequenceLength));
  take('precision', 'precision', 'trainer.precision', v => {
    const name = v.kind === 'number' ? String(v.value) : v.kind === 'string' ? v.value.toLowerCase() : undefined;
    return name === 'bf16' || name === 'bf16-mixed' ? 'bf16-mixed' : name === '16' || name === '16-mixed' ? '16-mixed' : name === '32' || name === '32-true' ? '32-true' : undefined;
  });
  take('distributed optimizer', 'zeroStage', 'optim.name', v => (v.kind === 'string' && /^(distributed_fused_adam|mcore_distributed_optim)$/.test(v.value) ? 1 : undefined), 'derived');
  take('fp32 main gradients', 'fp32Gradients', 'optim.grad_sync_dtype', v => (v.kind === 'string' ? /^(fp32|float32)$/.test(v.value) : undefined));
  options.fp32Gradients ??= true;
  take('checkpointing', 'checkpointing', NEMO_RECOMPUTE.granularity, v => (v.kind === 'string' && (v.value === 'full' || v.value === 'selective') ? v.value : undefined));
  take('recompute method', 'recomputeMethod', NEMO_RECOMPUTE.method, v => (options.checkpointing === 'full' && v.kind === 'string' && (v.value === 'uniform' || v.value === 'block') ? v.value : undefined));
  // The method and its layers apply to full recompute only (NeMo ignores them otherwise).
  if (options.recomputeMethod !== undefined) {
    take('recompute method', 'recomputeLayers', NEMO_RECOMPUTE.layers, wholeNumber(RUN_LIMITS.parallelDegree));
  }
  take('virtual pipeline stages', 'virtualPipelineStages', 'virtual_pipeline_model_parallel_size', wholeNumber(RUN_LIMITS.parallelDegree));
}

/** A DeepSpeed bucket size: a count of elements (5e8 is one), or "auto", which HF's Trainer fills in. */
function bucketSize(v: ConfigValue): number | 'auto' | Invalid | undefined {
  if (v.kind === 'string' && v.value === 'auto') {
    return 'auto';
  }
  const n = v.kind === 'number' ? v.value : v.kind === 'string' && /^\d+(\.\d+)?([eE]\d+)?$/.test(v.value) ? Number(v.value) : undefined;
  return n !== undefined && Number.isFinite(n) && n >= 0 && n <= 1e12 ? Math.round(n) : new Invalid(`must be a count of elements (5e8) or "auto" (it is ${shownValue(v)})`);
}

/**
 * A DeepSpeed config's ZeRO buffers (`zero_optimization`): that DeepSpeed shards the run, its reduce bucket and
 * `overlap_comm`, and ZeRO-3's prefetch bucket and live-parameter limit. With `from`, in a config the recipe names.
 */
function readDeepspeedBuffers(take: Take, from?: Via): void {
  take('DeepSpeed ZeRO', 'deepspeed', 'zero_optimization', v => (v.kind === 'object' ? true : undefined), from);
  take('DeepSpeed reduce bucket', 'reduceBucketSize', 'zero_optimization.reduce_bucket_size', bucketSize, from);
  take('DeepSpeed overlap_comm', 'overlapComm', 'zero_optimization.overlap_comm', v => (v.kind === 'boolean' ? v.value : undefined), from);
  take('DeepSpeed contiguous_gradients', 'contiguousGradients', 'zero_optimization.contiguous_gradients', v => (v.kind === 'boolean' ? v.value : undefined), from);
  take('ZeRO-3 prefetch bucket', 'prefetchBucketSize', 'zero_optimization.stage3_prefetch_bucket_size', bucketSize, from);
  take('ZeRO-3 live parameters', 'maxLiveParameters', 'zero_optimization.stage3_max_live_parameters', v => {
    const n = bucketSize(v);
    return n === 'auto' ? undefined : n;
  }, from);
}

/**
 * torchtune's memory switches, as its recipes read them: the loss component, `compile`, `optimizer_in_bwd`,
 * `enable_activation_offloading` and a fused AdamW. A combination its recipes refuse to start with is a problem on
 * the key, as torchtune words it.
 */
function readTorchtuneSwitches(obj: ConfigObject, take: Take, options: Record<string, unknown>, problems: TrainingProblem[]): void {
  const flag = (v: ConfigValue) => (v.kind === 'boolean' ? v.value : undefined);
  take('loss', 'loss', 'loss._component_', v => (v.kind === 'string' ? TORCHTUNE_LOSSES[v.value.split('.').pop() ?? ''] : undefined));
  take('fused optimizer step', 'fusedOptimizer', 'optimizer.fused', flag);
  take('fused optimizer step', 'fusedOptimizer', 'optim', v => (v.kind === 'string' && /^adamw_torch_fused$/.test(v.value) ? true : undefined));
  if (!isTorchtuneRecipe(obj)) {
    return;
  }
  take('torch.compile', 'compiled', 'compile', flag);
  // Most recipes call training.compile_loss without keeping what it returns: torchtune's own losses compile in place,
  // torch.nn.CrossEntropyLoss stays uncompiled; LoRA's single-device recipe, the usual home of a LoRA model, keeps it.
  if (switchedOn(obj, 'compile') && !torchtuneLoraBuilder(obj)) {
    take('torch.compile of the loss', 'compiledLoss', 'loss._component_', v => (v.kind === 'string' && v.value.split('.').pop() === 'CrossEntropyLoss' ? false : undefined));
  }
  // FSDP2 with CPUOffloadPolicy: parameters, gradients and optimizer states in CPU memory, the step on the CPU.
  take('FSDP CPU offload', 'offloadOptimizer', 'fsdp_cpu_offload', flag);
  take('FSDP CPU offload', 'offloadParameters', 'fsdp_cpu_offload', flag);
  // fsdp_reshard_after_forward: False keeps parameters gathered between forward and backward (SHARD_GRAD_OP).
  take('FSDP sharding', 'zeroStage', 'fsdp_reshard_after_forward', v => (v.kind === 'boolean' ? (v.value ? 3 : 2) : undefined), 'derived');
  take('optimizer in backward', 'optimizerInBackward', 'optimizer_in_bwd', flag);
  take('activation offloading', 'activationOffloading', 'enable_activation_offloading', flag);
  const refuse = (path: string, message: string): void => {
    const e = entryAt(obj, path);
    if (e) {
      problems.push({ message, keySpan: e.keySpan, valueSpan: e.value.span });
    }
  };
  const accumulation = options.gradientAccumulationSteps as number | undefined;
  if (options.optimizerInBackward === true && accumulation !== undefined && accumulation > 1) {
    refuse('optimizer_in_bwd', `\`optimizer_in_bwd: True\` cannot run with \`gradient_accumulation_steps: ${accumulation}\`: torchtune refuses to start ("Gradient accumulation is not supported with optimizer in bwd"); set one of them off.`);
  }
  if (options.activationOffloading === true && !switchedOn(obj, 'enable_activation_checkpointing')) {
    refuse('enable_activation_offloading', '`enable_activation_offloading: True` needs `enable_activation_checkpointing: True`: torchtune refuses to start without it.');
  }
}

const MODULE_TARGETS: Readonly<Record<string, LoraTarget>> = {
  q_proj: 'q', k_proj: 'k', v_proj: 'v', o_proj: 'o', output_proj: 'o', out_proj: 'o', dense: 'o',
  gate_proj: 'gate', up_proj: 'up', down_proj: 'down', w1: 'gate', w3: 'up', w2: 'down', fc1: 'up', fc2: 'down',
  c_fc: 'up', lm_head: 'head', output: 'head',
};

function loraTargets(obj: ConfigObject): LoraTarget[] {
  const targets = new Set<LoraTarget>();
  const flag = (path: string, fallback: boolean): boolean => {
    const e = entryAt(obj, path);
    return e?.value.kind === 'boolean' ? e.value.value : fallback;
  };
  if (entryAt(obj, 'lora_query') || entryAt(obj, 'lora_value') || entryAt(obj, 'lora_mlp')) {
    // LitGPT: query and value on by default.
    if (flag('lora_query', true)) {targets.add('q');}
    if (flag('lora_key', false)) {targets.add('k');}
    if (flag('lora_value', true)) {targets.add('v');}
    if (flag('lora_projection', false)) {targets.add('o');}
    if (flag('lora_mlp', false)) {MLP_TARGETS.forEach(t => targets.add(t));}
    if (flag('lora_head', false)) {targets.add('head');}
    return [...targets];
  }
  // LLaMA-Factory's lora_target: "all" (its default) or module names separated by commas.
  const factory = entryAt(obj, 'lora_target')?.value;
  if (flag('lora_target_linear', false) || (factory?.kind === 'string' && factory.value.trim() === 'all') || (!factory && entryAt(obj, 'finetuning_type'))) {
    return [...ALL_LINEAR_TARGETS];
  }
  if (factory?.kind === 'string') {
    factory.value.split(',').map(m => MODULE_TARGETS[m.trim()]).filter((t): t is LoraTarget => t !== undefined).forEach(t => targets.add(t));
    if (targets.size > 0) {
      return [...targets];
    }
  }
  const list = entryAt(obj, 'lora_target_modules') ?? entryAt(obj, 'model.lora_attn_modules') ?? entryAt(obj, 'target_modules');
  // PEFT's "all-linear" (TRL's lora_target_modules: all-linear): every linear layer of the blocks.
  if (list?.value.kind === 'string' && list.value.value === 'all-linear') {
    return [...ALL_LINEAR_TARGETS];
  }
  if (list?.value.kind === 'array') {
    for (const item of list.value.items) {
      if (item.kind === 'string' && MODULE_TARGETS[item.value]) {
        targets.add(MODULE_TARGETS[item.value]);
      }
    }
  }
  if (flag('model.apply_lora_to_mlp', false)) {MLP_TARGETS.forEach(t => targets.add(t));}
  if (flag('model.apply_lora_to_output', false)) {targets.add('head');}
  return targets.size > 0 ? [...targets] : ['q', 'v'];
}

/** PEFT's layer names for what (IA)³ scales, beyond the LoRA names: fused projections and each family's MLP output. */
const IA3_MODULES: Readonly<Record<string, readonly LoraTarget[]>> = {
  query_key_value: ['q', 'k', 'v'], c_attn: ['q', 'k', 'v'], Wqkv: ['q', 'k', 'v'], qkv_proj: ['q', 'k', 'v'],
  dense_4h_to_h: ['down'], 'mlp.c_proj': ['down'], c_proj: ['down'], fc_out: ['down'], dense_h_to_4h: ['up'], fc_in: ['up'],
};

/** The targets one of PEFT's module names stands for (`k_proj` → k; `query_key_value` → q, k, v); none when unknown. */
function ia3Modules(name: string): readonly LoraTarget[] {
  const known = MODULE_TARGETS[name];
  return known ? [known] : IA3_MODULES[name] ?? [];
}

/**
 * A PEFT (IA)³ config (adapter_config.json with peft_type "IA3", or IA3Config(…) in a script): the layers of
 * target_modules, those of feedforward_modules scaled on their input; both unset, PEFT's default for the architecture.
 */
function readIa3(obj: ConfigObject, peftEntry: ConfigEntry, options: Record<string, unknown>, sources: SettingSource[], problems: TrainingProblem[]): void {
  const names = (path: string): string[] | undefined => {
    const v = entryAt(obj, path)?.value;
    return v?.kind === 'array' ? v.items.flatMap(i => (i.kind === 'string' ? [i.value] : [])) : v?.kind === 'string' ? [v.value] : undefined;
  };
  const listed = names('target_modules');
  const targets = listed?.includes('all-linear') ? ALL_LINEAR_TARGETS : [...new Set((listed ?? []).flatMap(ia3Modules))];
  const feedforward = [...new Set((names('feedforward_modules') ?? []).flatMap(ia3Modules))];
  if (listed && targets.length === 0) {
    const entry = entryAt(obj, 'target_modules') ?? peftEntry;
    problems.push({ message: `None of target_modules names a layer of a transformer block VRAM Lens knows (q_proj, k_proj, v_proj, o_proj, gate_proj, up_proj, down_proj, their fused forms), so there is no (IA)³ estimate`, keySpan: entry.keySpan, valueSpan: entry.value.span });
    return;
  }
  const ia3 = listed ? { feedforward: feedforward.filter(t => targets.includes(t)) } : { feedforward, byArchitecture: true };
  options.lora = { rank: 0, targets, dropout: false, fp32Adapters: true, ia3 };
  const what = listed ? targets.join(', ') : "PEFT's default layers for the architecture";
  sources.push({ setting: `(IA)³ on ${what}`, option: 'lora', key: peftEntry.key, keySpan: peftEntry.keySpan, valueSpan: peftEntry.value.span });
}

/** True when the file sets a boolean switch on. */
function switchedOn(obj: ConfigObject, path: string): boolean {
  const v = entryAt(obj, path)?.value;
  return v?.kind === 'boolean' && v.value;
}

/** The modules a LoRA run trains in full (PEFT's modules_to_save, axolotl's lora_modules_to_save), by what they are. */
const SAVED_MODULES: Readonly<Record<string, 'embeddings' | 'head'>> = {
  embed_tokens: 'embeddings', wte: 'embeddings', tok_embeddings: 'embeddings', word_embeddings: 'embeddings', embed_in: 'embeddings',
  lm_head: 'head', output: 'head', embed_out: 'head',
};

/**
 * Full copies of the embedding or head a LoRA run trains, and their element size: the dtype the model was loaded in
 * (`torch_dtype`, or axolotl's bf16/fp16), except that k-bit training (QLoRA) upcasts them to fp32 first.
 */
function savedModules(obj: ConfigObject, quantized: boolean): LoraSettings['saved'] {
  const list = entryAt(obj, 'modules_to_save') ?? entryAt(obj, 'lora_modules_to_save');
  if (list?.value.kind !== 'array') {
    return undefined;
  }
  const modules = [...new Set(list.value.items.map(i => (i.kind === 'string' ? SAVED_MODULES[i.value.split('.').pop()!] : undefined)).filter(m => m !== undefined))];
  if (modules.length === 0) {
    return undefined;
  }
  const dtype = entryAt(obj, 'torch_dtype')?.value ?? entryAt(obj, 'dtype')?.value;
  const half = dtype?.kind === 'string' ? /^(bfloat16|float16|half|bf16|fp16)$/.test(dtype.value) : switchedOn(obj, 'bf16') || switchedOn(obj, 'fp16');
  return { modules, bytes: !quantized && half ? 2 : 4 };
}
