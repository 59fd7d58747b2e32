// The `vram-lens` command line: flags and files in, the estimate table or the JSON contract out, for terminals and CI.
import { INTENT_WORDS, judgedModes } from '../core/intent';
import * as fs from 'fs';
import * as path from 'path';
import { parseArgs } from 'util';
import { analyzeDocument, DEFAULT_OPTIONS, lookupsFor, resolveTarget, type DocumentAnalysis, type Problem } from '../core/analyze';
import type { AnalysisOptions } from '../core/options';
import { MIB } from '../core/memory';
import type { ConfigDocument } from '../core/configTree';
import type { ExternalModel } from '../core/modelNames';
import { lookUp, type Lookup, type LookupSources } from '../parse/lookups';
import { MAX_NOTEBOOK_BYTES, notebookCode, type NotebookCode } from '../parse/notebook';
import { readUserModels, type UserModelValue } from '../parse/userModels';
import { defaultHubCacheFolder, folderHubCache, hubToken, NODE_FILES } from './nodeFiles';
import { GPUS, isGpuGroup } from '../core/gpus';
import { RUN_LIMITS } from '../core/runLimits';
import { formatBytes, formatCount, formatInteger } from '../core/format';
import { checkpointLensTitle, localEngineName, localRows, localVerdict, omittedConfigsMessage, servingRows, servingVerdict } from '../core/explain';
import { layersOnGpuText, type LlamaPlan } from '../core/llamacpp';
import { engineName, parseEngineVersion, planGpus, type ServingPlan } from '../core/serving';
import { documentReport, INFERENCE_LABELS, lineOf, MAX_ADVISED_CONFIGS, TRAINING_LABELS, type ConfigReport } from '../core/report';
import { ALL_LINEAR_TARGETS, LORA_TARGETS, type LoraTarget } from '../core/weightTensor';
import {
  OPTIMIZERS,
  PRECISIONS,
  QUANTIZATIONS,
  type AttentionKernel,
  type Checkpointing,
  type KvCacheType,
  type Mode,
  type OptimizerName,
  type Precision,
  type Quantization,
  type ServingFramework,
  type TrainingLoss,
} from '../core/types';
import { formatFor, MAX_CONFIG_BYTES, parseConfig } from '../parse';

const EXIT_OK = 0;
const EXIT_USAGE = 2;
const EXIT_DOES_NOT_FIT = 3;

const USAGE = `Usage: vram-lens FILE... [options]

Estimates the GPU memory each model config in FILE needs for inference and training. FILE is a model config,
a training recipe, a Python script, a Jupyter notebook (.ipynb) or a launch script (.sh: tune run, torchrun).

Options:
  --json                   print the JSON report instead of a table
  --check                  exit 3 when a config does not fit the GPU (in the chosen mode)
  --gpu NAME               target GPU (default "RTX 4090"); names match loosely: "A100 40GB", "a100-40gb";
                           "2x RTX 4090" is two cards in tensor parallel
  --mode MODE              inference | training | both (default both)
  --batch N                micro-batch size per GPU (default 1)
  --seq N                  sequence length in tokens (default: the model's context, at most 4096)
  --new-tokens N           tokens generated after the prompt, for the KV cache (default 0)
  --image-size N           image side in pixels: what a diffusion model makes (default: its config's
                           sample_size), what Qwen2-VL or Pixtral reads (default 448 / the tower's image_size)
  --images N               images per sample of a multimodal model: their tokens join the sequence and the
                           vision encoder's activations are counted (default 0: text only)
  --guidance on|off        classifier-free guidance: each denoising step runs the batch twice (default: on
                           for Stable Diffusion UNets and SD3, off for FLUX.1)
  --precision P            32-true | 16-mixed | bf16-mixed | 16-true | bf16-true | fp8 (default bf16-mixed)
  --quantization Q         int8 | nf4 | nf4-dq | fp4 | fp4-dq | gptq-int4 | awq-int4 | mxfp4 | nvfp4 | hqq-4 (hqq-1, -2,
                           -3, -8) | a GGUF type
                           (q4_0 q4_1 q5_0 q5_1 q8_0 q2_k q3_k q4_k q5_k q6_k q4_k_m q5_k_m)
  --group-size G           GPTQ/AWQ group size (default 128)
  --optimizer O            adamw | adamw-8bit | paged-adamw | paged-adamw-8bit | sgd (momentum) | sgd-no-momentum | adafactor | lion
  --lora-rank R            train LoRA adapters of rank R instead of all weights (with --quantization: QLoRA)
  --lora-targets LIST      q,k,v,o,gate,up,down,head or all (default q,v)
  --lora-dropout P         LoRA dropout probability (default 0.05; 0 keeps no dropped-out input copies)
  --qlora-kernel K         bitsandbytes | torchao: the library of QLoRA's quantized layers (default bitsandbytes)
  --bitsandbytes-legacy    bitsandbytes before 0.43.2, whose 4-bit matmul keeps each layer input for backward
  --checkpointing C        none | selective | full (default none)
  --attention A            sdpa | flash | eager (default sdpa)
  --grad-accum N           gradient accumulation steps (default 1)
  --gpus N                 GPUs in all (default 1); data parallel = N / (tp · pp)
  --zero S                 ZeRO stage 0-3 over the data-parallel GPUs (3 also stands for FSDP)
  --fsdp-no-sync           FSDP accumulates unsharded gradients between optimizer steps (no_sync; LitGPT does)
  --offload-optimizer      keep optimizer states in CPU memory (DeepSpeed ZeRO-Offload)
  --loss L                 cross-entropy | chunked-output | linear-chunked: how the loss meets the logits
                           (torchtune's CEWithChunkedOutputLoss, LinearCrossEntropyLoss; default cross-entropy)
  --compile                layers and loss under torch.compile (fused norms and activations keep less)
  --optimizer-in-backward  step each parameter inside backward (torchtune optimizer_in_bwd; no gradient set)
  --activation-offloading  checkpointed layer inputs go to CPU memory (torchtune; needs --checkpointing full)
  --tp N                   tensor-parallel size (default 1)
  --pp N                   pipeline-parallel size (default 1)
  --kv-cache T             auto | fp8 | q8_0 | q4_0 (default auto: the compute dtype)
  --serving F              hf | vllm | llama.cpp: the KV cache layout (default hf)
  --engine-version V       the vLLM or SGLang release whose memory accounting a serving command gets
                           (e.g. 0.6.3, 0.19; default the current release)
  --torch 1|2              PyTorch major version's defaults (default 2; 1: per-tensor optimizer steps,
                           zero_grad keeps gradients)
  --overhead-mib N         CUDA context and libraries in MiB (default 770)
  --reserve-pct P          allocator reserve as % of allocated memory (default 8 training, 6 inference)
  --fix-margin P           the % of the GPU quick fixes leave free (default 5); the fixes of a config that does
                           not fit are listed under it and in its JSON (configs[].fixes)
  --models FILE            a JSON file mapping model names to a catalog name, a config.json path or config
                           values (as the vramLens.models setting does)
  --hub                    look up names the catalog lacks on the Hugging Face Hub: config.json and the
                           safetensors headers, cached in ~/.cache/vram-lens/hub (VRAM_LENS_CACHE); honours
                           HF_TOKEN and the token file of \`huggingface-cli login\`
  --hub-endpoint URL       the Hub or a mirror (default HF_ENDPOINT, else https://huggingface.co)
  --list-gpus              print the GPUs VRAM Lens knows and exit
  -h, --help               print this help

Exit codes: 0 success, 2 bad usage, unreadable input or a config with an error (printed), 3 with --check when
something does not fit.`;

class UsageError extends Error {}

function positiveInt(name: string, value: string | undefined, fallback: number | undefined, limit: number): number | undefined {
  if (value === undefined) {
    return fallback;
  }
  const n = Number(value);
  if (!/^\s*\d+\s*$/.test(value) || !Number.isSafeInteger(n) || n < 1 || n > limit) {
    throw new UsageError(`--${name} must be a whole number from 1 to ${formatInteger(limit)} (got "${value}")`);
  }
  return n;
}

/** A decimal number as written on a command line; NaN for anything else (an empty string is not 0). */
function decimal(value: string): number {
  return /^\s*[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?\s*$/i.test(value) ? Number(value) : NaN;
}

function oneOf<T extends string>(name: string, value: string | undefined, allowed: readonly T[], fallback: T): T {
  if (value === undefined) {
    return fallback;
  }
  const v = value.toLowerCase();
  if (!(allowed as readonly string[]).includes(v)) {
    throw new UsageError(`--${name} must be one of ${allowed.join(', ')} (got "${value}")`);
  }
  return v as T;
}

function loraTargets(value: string | undefined): LoraTarget[] {
  if (value === undefined) {
    return ['q', 'v'];
  }
  const names = value.toLowerCase().split(',').map(x => x.trim()).filter(Boolean);
  if (names.includes('all')) {
    return [...ALL_LINEAR_TARGETS];
  }
  for (const n of names) {
    if (!(LORA_TARGETS as readonly string[]).includes(n)) {
      throw new UsageError(`--lora-targets takes ${LORA_TARGETS.join(', ')} or all (got "${n}")`);
    }
  }
  if (names.length === 0) {
    throw new UsageError('--lora-targets needs at least one target');
  }
  return names as LoraTarget[];
}

/** The command line's flags, as node:util parseArgs reads them. */
const FLAGS = {
  json: { type: 'boolean' },
  check: { type: 'boolean' },
  gpu: { type: 'string' },
  mode: { type: 'string' },
  batch: { type: 'string' },
  seq: { type: 'string' },
  'new-tokens': { type: 'string' },
  'image-size': { type: 'string' },
  images: { type: 'string' },
  guidance: { type: 'string' },
  precision: { type: 'string' },
  quantization: { type: 'string' },
  optimizer: { type: 'string' },
  'lora-rank': { type: 'string' },
  'lora-targets': { type: 'string' },
  'lora-dropout': { type: 'string' },
  checkpointing: { type: 'string' },
  attention: { type: 'string' },
  'grad-accum': { type: 'string' },
  gpus: { type: 'string' },
  zero: { type: 'string' },
  tp: { type: 'string' },
  'offload-optimizer': { type: 'boolean' },
  'fsdp-no-sync': { type: 'boolean' },
  loss: { type: 'string' },
  compile: { type: 'boolean' },
  'optimizer-in-backward': { type: 'boolean' },
  'activation-offloading': { type: 'boolean' },
  'qlora-kernel': { type: 'string' },
  'bitsandbytes-legacy': { type: 'boolean' },
  pp: { type: 'string' },
  'kv-cache': { type: 'string' },
  serving: { type: 'string' },
  'engine-version': { type: 'string' },
  'overhead-mib': { type: 'string' },
  torch: { type: 'string' },
  'group-size': { type: 'string' },
  'reserve-pct': { type: 'string' },
  'fix-margin': { type: 'string' },
  'list-gpus': { type: 'boolean' },
  hub: { type: 'boolean' },
  'hub-endpoint': { type: 'string' },
  models: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

type Flags = ReturnType<typeof parseFlags>['values'];

function parseFlags(argv: string[]) {
  return parseArgs({ args: argv, allowPositionals: true, strict: true, options: FLAGS });
}

/** The flags whose value is checked against each other or a range before any override is taken from it. */
function checkedFlags(values: Flags) {
  const overhead = values['overhead-mib'];
  if (overhead !== undefined && !(/^\s*\d+\s*$/.test(overhead) && Number(overhead) <= RUN_LIMITS.cudaOverheadMiB)) {
    throw new UsageError(`--overhead-mib must be a whole number from 0 to ${formatInteger(RUN_LIMITS.cudaOverheadMiB)} (got "${overhead}")`);
  }
  const gpu = values.gpu ?? DEFAULT_OPTIONS.targetGpu;
  if (!resolveTarget({ ...DEFAULT_OPTIONS, targetGpu: gpu }).gpu) {
    throw new UsageError(`unknown GPU "${gpu}"; vram-lens --list-gpus shows the known ones`);
  }
  const zero = values.zero === undefined ? 0 : /^\s*[0-3]\s*$/.test(values.zero) ? Number(values.zero) : NaN;
  if (![0, 1, 2, 3].includes(zero)) {
    throw new UsageError(`--zero must be 0, 1, 2 or 3 (got "${values.zero}")`);
  }
  const gpus = positiveInt('gpus', values.gpus, 1, RUN_LIMITS.gpus)!;
  const tp = positiveInt('tp', values.tp, 1, RUN_LIMITS.parallelDegree)!;
  const pp = positiveInt('pp', values.pp, 1, RUN_LIMITS.parallelDegree)!;
  if (gpus % (tp * pp) !== 0 && !(values.gpus === undefined)) {
    throw new UsageError(`--gpus (${gpus}) must be a multiple of --tp × --pp (${tp * pp})`);
  }
  const loraDropout = values['lora-dropout'] === undefined ? 0.05 : decimal(values['lora-dropout']);
  if (!(loraDropout >= 0 && loraDropout < 1)) {
    throw new UsageError(`--lora-dropout must be a probability in [0, 1) (got "${values['lora-dropout']}")`);
  }
  const reserve = values['reserve-pct'] === undefined ? undefined : decimal(values['reserve-pct']);
  if (reserve !== undefined && !(reserve >= 0 && reserve <= 200)) {
    throw new UsageError(`--reserve-pct must be a percentage between 0 and 200 (got "${values['reserve-pct']}")`);
  }
  const fixMargin = values['fix-margin'] === undefined ? undefined : decimal(values['fix-margin']);
  if (fixMargin !== undefined && !(fixMargin >= 0 && fixMargin <= RUN_LIMITS.fixMarginPct)) {
    throw new UsageError(`--fix-margin must be a percentage from 0 to ${RUN_LIMITS.fixMarginPct} (got "${values['fix-margin']}")`);
  }
  const loraRank = positiveInt('lora-rank', values['lora-rank'], undefined, RUN_LIMITS.loraRank);
  if (loraRank === undefined && values['lora-targets'] !== undefined) {
    throw new UsageError('--lora-targets needs --lora-rank');
  }
  const engineVersion = values['engine-version'];
  if (engineVersion !== undefined && !parseEngineVersion(engineVersion)) {
    throw new UsageError(`--engine-version must be a release such as 0.6.3 or 0.19 (got "${engineVersion}")`);
  }
  return { overhead, gpu, zero, gpus, tp, pp, loraDropout, reserve, fixMargin, loraRank, engineVersion };
}

/** What the flags given on the command line set over what the file says (the defaults fill only what neither says). */
function forcedOptions(values: Flags, checked: ReturnType<typeof checkedFlags>): Partial<AnalysisOptions> {
  const attention = oneOf('attention', values.attention, ['sdpa', 'flash', 'eager'] as const, 'sdpa');
  const given = (flag: string) => (values as Record<string, unknown>)[flag] !== undefined;
  const forced: { -readonly [K in keyof AnalysisOptions]?: AnalysisOptions[K] } = {};
  const set = <K extends keyof AnalysisOptions>(flag: string, key: K, value: AnalysisOptions[K]) => {
    if (given(flag)) {
      forced[key] = value;
    }
  };
  set('batch', 'batchSize', positiveInt('batch', values.batch, DEFAULT_OPTIONS.batchSize, RUN_LIMITS.batchSize)!);
  set('seq', 'sequenceLength', positiveInt('seq', values.seq, undefined, RUN_LIMITS.sequenceLength));
  set('new-tokens', 'newTokens', positiveInt('new-tokens', values['new-tokens'], 0, RUN_LIMITS.newTokens)!);
  set('image-size', 'imageSide', positiveInt('image-size', values['image-size'], undefined, RUN_LIMITS.imageSide));
  set('images', 'imagesPerSample', values.images === '0' ? 0 : positiveInt('images', values.images, undefined, RUN_LIMITS.imagesPerSample));
  set('guidance', 'guidance', oneOf('guidance', values.guidance, ['on', 'off'] as const, 'on') === 'on');
  set('precision', 'precision', oneOf<Precision>('precision', values.precision, PRECISIONS, 'bf16-mixed'));
  set('quantization', 'quantization', oneOf<Quantization>('quantization', values.quantization, QUANTIZATIONS, 'nf4'));
  set('optimizer', 'optimizer', oneOf<OptimizerName>('optimizer', values.optimizer, OPTIMIZERS, 'adamw'));
  if (checked.loraRank !== undefined) {
    forced.lora = { rank: checked.loraRank, targets: loraTargets(values['lora-targets']), dropout: checked.loraDropout > 0 };
  }
  set('checkpointing', 'checkpointing', oneOf<Checkpointing>('checkpointing', values.checkpointing, ['none', 'selective', 'full'], 'none'));
  set('attention', 'attention', (attention === 'flash' ? 'sdpa' : attention) as AttentionKernel);
  set('grad-accum', 'gradientAccumulationSteps', positiveInt('grad-accum', values['grad-accum'], 1, RUN_LIMITS.gradientAccumulationSteps)!);
  // Each of the three overrides only itself: `--gpus 96` on a file that splits over TP 2 × PP 4 keeps its split (and
  // a count the flags leave out is at least their split, as effectiveOptions makes it).
  set('gpus', 'gpus', checked.gpus);
  set('tp', 'tensorParallel', checked.tp);
  set('pp', 'pipelineParallel', checked.pp);
  set('zero', 'zeroStage', checked.zero as 0 | 1 | 2 | 3);
  set('offload-optimizer', 'offloadOptimizer', values['offload-optimizer'] === true);
  set('fsdp-no-sync', 'unshardedAccumulation', values['fsdp-no-sync'] === true);
  set('loss', 'loss', oneOf<TrainingLoss>('loss', values.loss, ['cross-entropy', 'chunked-output', 'linear-chunked'], 'cross-entropy'));
  set('compile', 'compiled', values.compile === true);
  set('optimizer-in-backward', 'optimizerInBackward', values['optimizer-in-backward'] === true);
  set('activation-offloading', 'activationOffloading', values['activation-offloading'] === true);
  set('qlora-kernel', 'qloraKernel', oneOf('qlora-kernel', values['qlora-kernel'], ['bitsandbytes', 'torchao'] as const, 'bitsandbytes'));
  set('bitsandbytes-legacy', 'legacyBitsandbytes', values['bitsandbytes-legacy'] === true);
  set('kv-cache', 'kvCacheType', oneOf<KvCacheType>('kv-cache', values['kv-cache'], ['auto', 'fp8', 'q8_0', 'q4_0'], 'auto'));
  set('serving', 'serving', oneOf<ServingFramework>('serving', values.serving, ['hf', 'vllm', 'llama.cpp'], 'hf'));
  set('torch', 'torchMajor', oneOf('torch', values.torch, ['1', '2'] as const, '2') === '1' ? 1 : 2);
  set('group-size', 'quantGroupSize', positiveInt('group-size', values['group-size'], 128, RUN_LIMITS.quantGroupSize)!);
  set('reserve-pct', 'allocatorReserve', checked.reserve === undefined ? undefined : checked.reserve / 100);
  set('overhead-mib', 'cudaOverheadMiB', Number(checked.overhead));
  return forced;
}

function parse(argv: string[]) {
  const { values, positionals } = parseFlags(argv);
  const checked = checkedFlags(values);
  const forced = forcedOptions(values, checked);
  const options: AnalysisOptions = {
    ...DEFAULT_OPTIONS,
    ...(checked.engineVersion !== undefined ? { engineVersion: checked.engineVersion } : {}),
    ...(checked.fixMargin !== undefined ? { fixMarginPct: checked.fixMargin } : {}),
    targetGpu: checked.gpu,
    mode: oneOf<Mode>('mode', values.mode, ['inference', 'training', 'both'], 'both'),
  };
  return { values, positionals, options, forced };
}

/** The --models mapping, read and resolved, and the Hub's settings when --hub is given. */
async function modelSources(values: ReturnType<typeof parse>['values']): Promise<ModelSources> {
  let user = new Map<string, ExternalModel>();
  if (values.models !== undefined) {
    const text = await NODE_FILES.readText(values.models, 1024 * 1024);
    let mapping: unknown;
    try {
      mapping = text === undefined ? undefined : JSON.parse(text);
    } catch {
      mapping = undefined;
    }
    if (typeof mapping !== 'object' || mapping === null || Array.isArray(mapping)) {
      throw new Error(`--models ${values.models}: not a JSON object of model names (a readable file up to 1 MiB)`);
    }
    const read = await readUserModels(mapping as Record<string, UserModelValue>, NODE_FILES, path.resolve(path.dirname(values.models)).split(path.sep).join('/'));
    if (read.problems.length > 0) {
      throw new Error(read.problems.join('; '));
    }
    user = read.models;
  }
  const endpoint = values['hub-endpoint'] ?? process.env.HF_ENDPOINT ?? 'https://huggingface.co';
  if (values['hub-endpoint'] !== undefined && !/^https?:\/\/[^\s]+$/.test(endpoint)) {
    throw new Error(`--hub-endpoint must be an http(s) URL (got "${endpoint}")`);
  }
  const token = hubToken();
  const options = { endpoint, timeoutMs: 10_000, ...(token ? { token } : {}) };
  return { user, ...(values.hub ? { hub: { options, cache: folderHubCache(defaultHubCacheFolder()) } } : {}) };
}

/** What a file without a model config is told (in the table and in the JSON's notes). */
const NO_CONFIG = 'no model config found (VRAM Lens looks for a hidden size with a layer count and heads or a vocabulary, a key that names a model, or a checkpoint index)';

interface FileResult {
  readonly file: string;
  readonly configs: ConfigReport[];
  /** What the reader wants the user to know that is not an error (configs not estimated, advice not given). */
  readonly notes?: string[];
  /** Set for a sharded checkpoint's index: the size of its weights. */
  readonly checkpoint?: { readonly totalSizeBytes: number; readonly tensors: number; readonly shards: number; readonly summary: string };
  readonly errors: string[];
}

/** Where the CLI looks for models beyond the catalog: a --models file's mapping, and the Hub when asked. */
type ModelSources = LookupSources;

/**
 * Models for the names a file writes and the files its recipes name: the --models mapping, then the disk (from the
 * file's folder up to the filesystem root, then the working directory), then the Hub (lookUp's order).
 */
function lookUpModels(file: string, wanted: Parameters<typeof lookUp>[0], sources: ModelSources): Promise<Lookup> {
  const folder = path.resolve(path.dirname(file)).split(path.sep).join('/');
  const cwd = process.cwd().split(path.sep).join('/');
  return lookUp(wanted, { files: NODE_FILES, searches: [{ folder, root: undefined }, { folder: cwd, root: cwd }] }, sources);
}

/** A notebook's code cells as one Python text (as its kernel runs them), or why the file is not read. */
function readNotebook(file: string): NotebookCode | { error: string } {
  const read = readConfigFile(file, MAX_NOTEBOOK_BYTES);
  if (typeof read !== 'string') {
    return read;
  }
  return notebookCode(read) ?? { error: 'not a Jupyter notebook (no list of cells), so VRAM Lens does not read it' };
}

/** A config's line in the notebook's joined code, as its cell and the line within that cell. */
function inCell(report: ConfigReport, code: NotebookCode): ConfigReport {
  const lineStarts = code.cells.map(c => lineOf(code.text, c.start));
  let i = lineStarts.length - 1;
  while (i >= 0 && lineStarts[i] > report.line) {
    i--;
  }
  return i < 0 ? report : { ...report, cell: code.cells[i].index + 1, line: report.line - lineStarts[i] + 1 };
}

/** Lookup rounds at most: a launch's script, the accelerate config it names, the DeepSpeed config that one names. */
const LOOKUP_ROUNDS = 3;

/**
 * The document analysed with what it names looked up: each round looks up only what the last analysis newly named
 * (a file a launch reads may name another), until nothing new is named or LOOKUP_ROUNDS.
 */
async function analyzeWithLookups(file: string, doc: ConfigDocument, options: AnalysisOptions, forced: Partial<AnalysisOptions>, sources: ModelSources): Promise<DocumentAnalysis> {
  let analysis = analyzeDocument(doc, options, forced);
  const known: Lookup = { models: new Map(), failures: new Map(), attached: new Map() };
  const asked = new Set<string>();
  for (let round = 0; round < LOOKUP_ROUNDS; round++) {
    const wanted = lookupsFor(analysis);
    const names = wanted.names.filter(n => !asked.has(n));
    const files = wanted.files.filter(n => !asked.has(`file:${n}`));
    if (names.length === 0 && files.length === 0) {
      break;
    }
    names.forEach(n => asked.add(n));
    files.forEach(n => asked.add(`file:${n}`));
    const found = await lookUpModels(file, { names, files, unresolved: wanted.unresolved }, sources);
    found.models.forEach((v, k) => known.models.set(k, v));
    found.failures.forEach((v, k) => known.failures.set(k, v));
    found.attached.forEach((v, k) => known.attached.set(k, v));
    // Launches are re-read even when nothing was found, so that a file they name and could not be read is said.
    analysis = analyzeDocument(doc, { ...options, models: known.models, lookupFailures: known.failures, attachedConfigs: known.attached }, forced);
  }
  return analysis;
}

async function analyzeFile(file: string, options: AnalysisOptions, forced: Partial<AnalysisOptions>, sources: ModelSources): Promise<FileResult> {
  const notebook = /\.ipynb$/i.test(file) ? readNotebook(file) : undefined;
  const format = notebook ? 'python' : formatFor(file);
  if (!format) {
    return { file, configs: [], errors: [`${file}: not a file type VRAM Lens reads (JSON, JSONC, YAML, Python, TOML, Jupyter notebooks, shell launch scripts)`] };
  }
  const read = notebook ?? readConfigFile(file, MAX_CONFIG_BYTES[format]);
  if (typeof read !== 'string' && 'error' in read) {
    return { file, configs: [], errors: [`${file}: ${read.error}`] };
  }
  const text = typeof read === 'string' ? read : read.text;
  const doc = parseConfig(text, format);
  const analysis = await analyzeWithLookups(file, doc, options, forced, sources);
  const index = analysis.checkpoint;
  // A file-level problem is an error when it is one, or when it stopped the file from being read; else a note.
  const isError = (p: Problem) => p.severity === 'error' || p.code === 'unreadable-config';
  const errors = analysis.problems.filter(isError).map(p => p.message);
  const explained = analysis.problems.some(p => p.code === 'uncounted-model' || p.code === 'unread-recipe');
  const anything = analysis.configs.length > 0 || index !== undefined || errors.length > 0 || (analysis.unresolved ?? []).length > 0 || explained;
  const notes = [
    ...(anything ? [] : [NO_CONFIG]),
    ...analysis.problems.filter(p => !isError(p)).map(p => p.message),
    ...(analysis.omitted ? [omittedConfigsMessage(analysis.omitted)] : []),
    ...(analysis.configs.length > MAX_ADVISED_CONFIGS ? [`Advice is given for the first ${MAX_ADVISED_CONFIGS} configs of a file.`] : []),
  ].map(n => `${file}: ${n}`);
  return {
    file,
    configs: documentReport(text, format, analysis, forced, edited => analyzeDocument(parseConfig(edited, format), analysis.options, forced)).map(r => (notebook && !('error' in notebook) ? inCell(r, notebook) : r)),
    ...(notes.length > 0 ? { notes } : {}),
    ...(index
      ? { checkpoint: { totalSizeBytes: index.totalSizeBytes, tensors: index.tensors, shards: index.shards, summary: checkpointLensTitle(index, analysis.gpu, analysis.options.cudaOverheadMiB * 1024 * 1024) } }
      : {}),
    errors: errors.map(e => `${file}: ${e}`),
  };
}

/**
 * The text of a regular file no larger than `limit` bytes, or why it is not read: a device, a FIFO or a directory
 * (which could block or never end) is refused before it is opened, and no more than the limit is ever read.
 */
function readConfigFile(file: string, limit: number): string | { error: string } {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch (e) {
    return { error: (e as Error).message };
  }
  if (!stat.isFile()) {
    return { error: `not a regular file (${stat.isDirectory() ? 'a directory' : stat.isFIFO() ? 'a pipe' : 'a device or socket'}), so VRAM Lens does not read it` };
  }
  if (stat.size > limit) {
    return { error: `${formatInteger(stat.size)} bytes, larger than any config VRAM Lens reads (${formatInteger(limit / 1024)} KiB), so it is not read` };
  }
  let fd: number | undefined;
  try {
    fd = fs.openSync(file, 'r');
    const buffer = Buffer.alloc(limit + 1);
    let length = 0;
    for (let n = -1; n !== 0 && length <= limit; length += n) {
      n = fs.readSync(fd, buffer, length, limit + 1 - length, null);
    }
    if (length > limit) {
      return { error: `larger than any config VRAM Lens reads (${formatInteger(limit / 1024)} KiB), so it is not read` };
    }
    return buffer.toString('utf8', 0, length);
  } catch (e) {
    return { error: (e as Error).message };
  } finally {
    if (fd !== undefined) {
      fs.closeSync(fd);
    }
  }
}

function pad(s: string, n: number): string {
  return s.length >= n ? s : s + ' '.repeat(n - s.length);
}

function padLeft(s: string, n: number): string {
  return s.length >= n ? ` ${s}` : ' '.repeat(n - s.length) + s;
}

/** A llama.cpp or Ollama load: the GPU's buffers and the host's, then whether it loads. */
function localTable(plan: Omit<LlamaPlan, 'assumptions'>): string[] {
  const lines = [`    ${localEngineName(plan)} ${plan.fileType} on ${plan.gpu}. ${layersOnGpuText(plan)} on the GPU, ${formatInteger(plan.contextSize)} KV cells, flash attention ${plan.flashAttention ? 'on' : 'off'}`];
  for (const row of localRows(plan)) {
    lines.push(`    ${pad(row.label, 44)}${padLeft(formatBytes(row.bytes), 12)}`);
  }
  lines.push(`    ${localVerdict(plan)}`);
  return lines;
}

/** A serving command's plan: one GPU's memory at the engine's start, then whether it starts. */
function servingTable(plan: Omit<ServingPlan, 'assumptions'>): string[] {
  const lines = [`    ${engineName(plan)} ${plan.version} on ${planGpus(plan)}, per GPU (max_model_len ${formatInteger(plan.maxModelLen)}, ${formatInteger(plan.maxNumSeqs)} sequence${plan.maxNumSeqs === 1 ? '' : 's'}, ${formatInteger(plan.maxNumBatchedTokens)} batched tokens)`];
  for (const row of servingRows(plan)) {
    lines.push(`    ${pad(row.label, 44)}${padLeft(formatBytes(row.bytes), 12)}${row.note ? `  (${row.note})` : ''}`);
  }
  lines.push(`    ${servingVerdict(plan)}`);
  return lines;
}

/** The quick fixes of a config that does not fit, best first, as the editor offers them. */
function fixLines(r: ConfigReport): string[] {
  return r.fixes.map((f, i) => `    ${i === 0 || f.mode !== r.fixes[i - 1].mode ? `fix (${f.mode}):` : '           '.padEnd(`fix (${f.mode}):`.length)} ${f.title.replace(/`/g, '')}`);
}

function table(r: ConfigReport, options: AnalysisOptions): string {
  const body = configTable(r, options);
  return [body, ...fixLines(r)].join('\n');
}

function configTable(r: ConfigReport, options: AnalysisOptions): string {
  const lines: string[] = [];
  lines.push(`  ${r.name}  (${r.cell !== undefined ? `cell ${r.cell}, ` : ''}line ${r.line}, ${r.architecture ?? 'unrecognised'}, ${INTENT_WORDS[r.intent]})`);
  for (const p of r.problems) {
    lines.push(`    ${p.severity}: ${p.message.replace(/`/g, '')} (line ${p.line})`);
  }
  if (!r.parameters || !r.inference || !r.training || !r.settings) {
    lines.push('    no estimate');
    return lines.join('\n');
  }
  lines.push(
    `    parameters ${formatCount(r.parameters.total)} (${formatInteger(r.parameters.total)})` +
      (r.parameters.activePerToken !== r.parameters.total - (r.parameters.breakdown.vision ?? 0) ? `, ${formatCount(r.parameters.activePerToken)} active per token` : '') +
      (r.parameters.trainable !== r.parameters.total ? `, ${formatInteger(r.parameters.trainable)} trainable` : ''),
  );
  if (r.serving && 'deviceTotalBytes' in r.serving) {
    lines.push(...localTable(r.serving));
    return lines.join('\n');
  }
  if (r.serving) {
    lines.push(...servingTable(r.serving));
    return lines.join('\n');
  }
  lines.push(`    ${r.summary}`);
  const modes = judgedModes(r.intent, options.mode);
  const showInference = modes.includes('inference');
  const showTraining = modes.includes('training');
  const w = 44;
  lines.push(`    ${pad('', w)}${showInference ? padLeft('inference', 12) : ''}${showTraining ? padLeft('training', 12) : ''}`);
  const rows: [string, number | undefined, number | undefined][] = [
    ['Weights', r.inference.components.weights, r.training.components.weights],
    [TRAINING_LABELS.gradients, undefined, r.training.components.gradients],
    [TRAINING_LABELS.optimizer, undefined, r.training.components.optimizer],
    [INFERENCE_LABELS.kvCache, r.inference.components.kvCache, undefined],
    ['Activations', r.inference.components.activations, r.training.components.activations],
    ['Allocated at peak (torch max_memory_allocated)', r.inference.allocatedBytes, r.training.allocatedBytes],
    ['Allocator reserve', r.inference.components.allocatorReserve, r.training.components.allocatorReserve],
    ['CUDA context', r.inference.components.cudaContext, r.training.components.cudaContext],
    ['Peak (nvidia-smi)', r.inference.peakBytes, r.training.peakBytes],
  ];
  for (const [label, inf, tr] of rows) {
    const cell = (v: number | undefined) => padLeft(v === undefined ? '—' : formatBytes(v), 12);
    lines.push(`    ${pad(label, w)}${showInference ? cell(inf) : ''}${showTraining ? cell(tr) : ''}`);
  }
  const fit = r.target;
  if (!fit) {
    return lines.join('\n');
  }
  const verdicts = modes.map(m => `${fit[m] ? '✓' : '✗'} ${m}`);
  lines.push(`    ${fit.gpu} (${formatBytes(fit.memoryMiB * MIB)}): ${verdicts.join(' · ')}`);
  const advice = r.advice;
  if (advice) {
    const advised = modes.map(m => [m, advice[m]] as const);
    const headroom = (bytes: number) => (bytes >= 0 ? `${formatBytes(bytes)} to spare` : `${formatBytes(-bytes)} over`);
    lines.push(`    headroom: ${advised.map(([m, a]) => `${m} ${headroom(a.headroomBytes)}`).join(' · ')}`);
    lines.push(`    largest batch that fits: ${advised.map(([m, a]) => `${m} ${a.largestBatch}`).join(' · ')}`);
    if (advised.some(([, a]) => a.largestImage !== null)) {
      lines.push(`    largest image that fits: ${advised.map(([m, a]) => `${m} ${a.largestImage ? `${formatInteger(a.largestImage)} × ${formatInteger(a.largestImage)}` : 'none'}`).join(' · ')}`);
    } else {
      lines.push(`    longest sequence that fits (up to the model's context): ${advised.map(([m, a]) => `${m} ${a.longestSequence ? formatInteger(a.longestSequence) : 'none'}`).join(' · ')}`);
    }
    if (isGpuGroup(fit.gpu)) {
      return lines.join('\n');
    }
    lines.push(`    smallest listed GPU: ${advised.map(([m, a]) => `${m} ${a.smallestGpu ?? 'none (needs several)'}`).join(' · ')}`);
    lines.push(`    cheapest listed GPU: ${advised.map(([m, a]) => `${m} ${a.cheapestGpu ?? 'none'}`).join(' · ')}`);
    lines.push(`    ${fit.gpu}s needed: ${advised.map(([m, a]) => `${m} ${a.gpusNeeded.count === null ? a.gpusNeeded.how : `${a.gpusNeeded.count} (${a.gpusNeeded.how})`}`).join(' · ')}`);
  }
  return lines.join('\n');
}

function doesNotFit(r: ConfigReport, options: AnalysisOptions): boolean {
  // A serving command fails the check when its engine would refuse to start (or a GGUF would not load).
  if (r.serving) {
    return 'deviceTotalBytes' in r.serving ? !r.serving.fits : !r.serving.starts;
  }
  const fit = r.target;
  return fit !== null && judgedModes(r.intent, options.mode).some(m => !fit[m]);
}

export async function main(argv: string[], out: (s: string) => void, err: (s: string) => void): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (e) {
    err(`vram-lens: ${(e as Error).message}\n\n${USAGE}`);
    return EXIT_USAGE;
  }
  const { values, positionals, options, forced } = parsed;
  if (values.help) {
    out(USAGE);
    return EXIT_OK;
  }
  if (values['list-gpus']) {
    for (const g of GPUS) {
      out(`${pad(g.name, 16)}${padLeft(formatInteger(g.memoryMiB), 9)} MiB  ${pad(g.vendor, 7)}${pad(g.generation, 14)}${g.priceUsd === null ? '' : `$${formatInteger(g.priceUsd)}`}`);
    }
    return EXIT_OK;
  }
  if (positionals.length === 0) {
    err(`vram-lens: no input file\n\n${USAGE}`);
    return EXIT_USAGE;
  }
  let sources: ModelSources;
  try {
    sources = await modelSources(values);
  } catch (e) {
    err(`vram-lens: ${(e as Error).message}`);
    return EXIT_USAGE;
  }
  const results: FileResult[] = [];
  for (const f of positionals) {
    results.push(await analyzeFile(f, options, forced, sources));
  }
  // Bad input: a file that could not be read, or a config with an error (a syntax error, an impossible value).
  const unreadable = results.some(r => r.errors.length > 0 || r.configs.some(c => c.problems.some(p => p.severity === 'error')));
  if (values.json) {
    out(JSON.stringify({ files: results }, null, 2));
  } else {
    for (const r of results) {
      out(r.file);
      for (const e of r.errors) {
        out(`  error: ${e}`);
      }
      if (r.checkpoint) {
        out(`  ${r.checkpoint.summary}`);
      }
      for (const c of r.configs) {
        out(table(c, options));
      }
      for (const n of r.notes ?? []) {
        out(`  note: ${n}`);
      }
      out('');
    }
  }
  if (unreadable) {
    return EXIT_USAGE;
  }
  if (values.check && results.some(r => r.configs.some(c => doesNotFit(c, options)))) {
    return EXIT_DOES_NOT_FIT;
  }
  return EXIT_OK;
}
