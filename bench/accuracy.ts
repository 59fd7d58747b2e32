// Compares VRAM Lens' estimates with GPU memory measured on real hardware, like with like:
// torch.cuda.max_memory_allocated against allocatedBytes, max_memory_reserved against allocatedBytes plus the
// allocator reserve, nvidia-smi "used" against peakBytes.
//   npm run bench:accuracy
//
// Sets: bench/data/h100-measured.json (measured by bench/gpu/measure_peak_memory.py), bench/data/h200-bitsandbytes.json
// and h100-adapters.json (bench/gpu/measure_adapters.py), torchtune's recipes as torchtune runs them
// (bench/data/torchtune-h200.json, bench/gpu/measure_torchtune.py), and the published
// measurements in test/fixtures/public/reference/measured-memory.json (HF's bert-large runs, LitGPT's fine-tuning recipes),
// plus more rows of LitGPT's published table in bench/data/litgpt-readme.json, torchtune's published "Optimization
// flags" table posed as its recipes (bench/data/torchtune-readme.json), and torchtitan's published benchmark posed as
// its TOML jobs (bench/data/torchtitan-benchmarks.json, bench/data/torchtitan/).
import * as fs from 'fs';
import * as path from 'path';
import { analyzeDocument, DEFAULT_OPTIONS } from '../src/core/analyze';
import type { AnalysisOptions } from '../src/core/options';
import { findGpu, gpuMemoryBytes } from '../src/core/gpus';
import type { LoraTarget } from '../src/core/weightTensor';
import type { OptimizerName, Precision, Quantization } from '../src/core/types';
import { parseConfig } from '../src/parse';
import { errorSummary } from './errors';
import { TORCHTUNE_README_GPU, torchtuneReadmeRows, torchtuneRecipe } from './torchtuneReadme';

const root = path.resolve(__dirname, '..', '..');
/** Public configs and published measurements, copied into the repository with their sources. */
const publicFiles = path.join(root, 'test', 'fixtures', 'public');
const MIB = 1024 * 1024;

interface Case {
  set: string;
  id: string;
  /** What is compared: a measured peak (allocated, reserved, nvidia-smi), or Megatron-LM's formula (its weights and optimizer, its total). */
  metric: 'allocated' | 'reserved' | 'nvml' | 'weights+optimizer' | 'total';
  measuredMiB: number;
  estimatedMiB: number | undefined;
  note?: string;
  /** A published run that completed: the memory of the GPU it ran on, and the estimate's nvidia-smi peak there. */
  ran?: { gpuMiB: number; peakMiB: number | undefined };
}

function estimateFor(configPath: string, task: string | undefined, mode: 'inference' | 'training', options: Partial<AnalysisOptions>) {
  let text = fs.readFileSync(configPath, 'utf8');
  if (task === 'sequence-classification') {
    // The measured model is BertForSequenceClassification: no vocabulary logits.
    const json = JSON.parse(text);
    json.architectures = ['BertForSequenceClassification'];
    text = JSON.stringify(json);
  }
  const doc = analyzeDocument(parseConfig(text, 'json'), { ...DEFAULT_OPTIONS, ...options });
  const est = doc.configs[0]?.estimate;
  return est ? est[mode] : undefined;
}

const cases: Case[] = [];

// --- H100 set, measured by VRAM Lens ---
interface H100Row {
  id: string; config: string; task?: string; mode: 'inference' | 'training'; precision: Precision; batch: number; seq: number;
  attention: 'sdpa' | 'eager'; gradientCheckpointing: boolean; maxAllocatedMiB: number; nvmlUsedMiB: number;
}
const h100 = JSON.parse(fs.readFileSync(path.join(root, 'bench', 'data', 'h100-measured.json'), 'utf8')) as { rows: H100Row[] };
for (const r of h100.rows) {
  const est = estimateFor(path.join(publicFiles, r.config), r.task, r.mode, {
    targetGpu: 'H100 80GB', precision: r.precision, batchSize: r.batch, sequenceLength: r.seq, attention: r.attention,
    checkpointing: r.gradientCheckpointing ? 'full' : 'none',
  });
  cases.push({ set: 'H100', id: r.id, metric: 'allocated', measuredMiB: r.maxAllocatedMiB, estimatedMiB: est && est.allocatedBytes / MIB });
  cases.push({ set: 'H100', id: r.id, metric: 'nvml', measuredMiB: r.nvmlUsedMiB, estimatedMiB: est && est.peakBytes / MIB });
}

// --- H100 LoRA / optimizer set, measured by VRAM Lens ---
interface AdapterRow {
  id: string; config: string; precision: Precision; batch: number; seq: number; optimizer: OptimizerName;
  lora?: { rank: number; targets: LoraTarget[]; dropout: boolean }; maxAllocatedMiB: number; trainable: number;
}
const adapters = JSON.parse(fs.readFileSync(path.join(root, 'bench', 'data', 'h100-adapters.json'), 'utf8')) as {
  rows: AdapterRow[];
};
for (const r of adapters.rows) {
  const text = fs.readFileSync(path.join(publicFiles, r.config), 'utf8');
  const doc = analyzeDocument(parseConfig(text, 'json'), {
    ...DEFAULT_OPTIONS, targetGpu: 'H100 80GB', precision: r.precision, batchSize: r.batch, sequenceLength: r.seq, optimizer: r.optimizer, lora: r.lora,
  });
  const est = doc.configs[0]?.estimate;
  const trainableNote = est && est.trainableParameters !== r.trainable ? `trainable ${est.trainableParameters} vs ${r.trainable}` : undefined;
  cases.push({ set: 'H100 LoRA/opt', id: r.id, metric: 'allocated', measuredMiB: r.maxAllocatedMiB, estimatedMiB: est && est.training.allocatedBytes / MIB, note: trainableNote });
}

// --- H200 bitsandbytes set (quantized inference, QLoRA, 8-bit AdamW), measured by VRAM Lens ---
interface BitsandbytesRow {
  id: string; config: string; mode: 'inference' | 'training'; batch: number; seq: number; quantization?: Quantization;
  precision?: Precision; optimizer?: OptimizerName; lora?: AdapterRow['lora']; trainable?: number; maxAllocatedMiB: number;
}
const bitsandbytes = JSON.parse(fs.readFileSync(path.join(root, 'bench', 'data', 'h200-bitsandbytes.json'), 'utf8')) as { rows: BitsandbytesRow[] };
for (const r of bitsandbytes.rows) {
  const est = estimateFor(path.join(publicFiles, r.config), undefined, r.mode, {
    targetGpu: 'H200', precision: r.precision ?? 'bf16-true', batchSize: r.batch, sequenceLength: r.seq, quantization: r.quantization,
    optimizer: r.optimizer, lora: r.lora,
  });
  cases.push({ set: 'H200 bitsandbytes', id: r.id, metric: 'allocated', measuredMiB: r.maxAllocatedMiB, estimatedMiB: est && est.allocatedBytes / MIB });
}

// --- H200 torchtune set: its recipes run by torchtune's own code, measured by VRAM Lens; each row is its recipe file ---
interface TorchtuneRow { id: string; recipe: string; peakActiveMiB: number; trainable: number }
const torchtune = JSON.parse(fs.readFileSync(path.join(root, 'bench', 'data', 'torchtune-h200.json'), 'utf8')) as { rows: TorchtuneRow[] };
for (const r of torchtune.rows) {
  const doc = analyzeDocument(parseConfig(fs.readFileSync(path.join(root, r.recipe), 'utf8'), 'yaml'), { ...DEFAULT_OPTIONS, targetGpu: 'H200' });
  const est = doc.configs[0]?.estimate;
  const trainableNote = est && est.trainableParameters !== r.trainable ? `trainable ${est.trainableParameters} vs ${r.trainable}` : undefined;
  cases.push({ set: 'torchtune (H200)', id: r.id, metric: 'allocated', measuredMiB: r.peakActiveMiB, estimatedMiB: est && est.training.allocatedBytes / MIB, note: trainableNote });
}

// --- Published: HF docs, bert-large on a V100 (nvidia-smi, with its measured 1,343 MiB CUDA context) ---
interface PublishedRow {
  id: string; batch?: number; gradAccum?: number; gradientCheckpointing?: boolean; precision?: string; optimizer?: string; measured: number;
}
const published = JSON.parse(fs.readFileSync(path.join(publicFiles, 'reference', 'measured-memory.json'), 'utf8')) as {
  sets: { name: string; rows: PublishedRow[]; common: { seqLen?: number } }[];
};
const bertSet = published.sets.find(s => s.name.startsWith('bert-large'));
if (bertSet) {
  const context = bertSet.rows.find(r => r.id === 'cuda-context')?.measured ?? 0;
  for (const r of bertSet.rows) {
    if (r.batch === undefined) {
      continue;
    }
    const optimizer: OptimizerName | undefined = !r.optimizer
      ? 'adamw'
      : r.optimizer.startsWith('adamw-8bit') ? 'adamw-8bit' : r.optimizer === 'adafactor' ? 'adafactor' : undefined;
    const precision: Precision = r.precision === 'fp16-mixed' ? '16-mixed' : '32-true';
    const est = optimizer
      ? estimateFor(path.join(publicFiles, 'reference', 'configs', 'json', 'bert-large-uncased.config.json'), 'sequence-classification', 'training', {
          targetGpu: 'V100 16GB', precision, optimizer, batchSize: r.batch, sequenceLength: bertSet.common.seqLen ?? 512, attention: 'eager',
          checkpointing: r.gradientCheckpointing === true ? 'full' : 'none', gradientAccumulationSteps: r.gradAccum ?? 1, cudaOverheadMiB: context,
          // HF's docs measured these with PyTorch 1.x (2021-2022): per-tensor AdamW steps, gradients kept.
          torchMajor: 1,
        })
      : undefined;
    cases.push({
      set: 'V100 (HF docs)', id: r.id, metric: 'nvml', measuredMiB: r.measured, estimatedMiB: est && est.peakBytes / MIB,
      note: optimizer ? undefined : `optimizer ${r.optimizer} not modelled yet`,
    });
  }
}
// LitGPT's published runs were on A10Gs: device-level assumptions (the cuBLAS workspace) follow the target GPU. Its
// tables (config_hub/finetune/README.md, March 2024) ran the bitsandbytes LitGPT pinned then, 0.41.0, whose 4-bit
// matmul still kept each quantized layer's input (removed in 0.43.2).
const A10G: AnalysisOptions = { ...DEFAULT_OPTIONS, targetGpu: 'A10G', legacyBitsandbytes: true };
/** The training estimate of a LitGPT recipe among the public files, read from its YAML alone (optionally with one line changed). */
const litgptEstimate = (config: string, edit?: { from: string; to: string }) => {
  const original = fs.readFileSync(path.join(publicFiles, config), 'utf8');
  // A recipe that differs from a public one by one line is that file with the line changed.
  const text = edit ? original.replace(edit.from, edit.to) : original;
  if (edit && text === original) {
    throw new Error(`${config}: "${edit.from.trim()}" not found`);
  }
  return analyzeDocument(parseConfig(text, 'yaml'), A10G).configs[0]?.estimate;
};

// --- Published: LitGPT config_hub recipes on an A10G (torch max_memory_allocated, GB = 1e9 bytes) ---
for (const s of published.sets.filter(x => x !== bertSet)) {
  for (const r of s.rows as unknown as { config: string; measured: number }[]) {
    const est = litgptEstimate(path.join('reference', r.config));
    cases.push({
      set: 'LitGPT (A10G)',
      id: r.config.split('/').pop()!,
      metric: 'allocated',
      measuredMiB: (r.measured * 1e9) / MIB,
      estimatedMiB: est && est.training.allocatedBytes / MIB,
    });
  }
}

// --- Published: more LitGPT recipes from the same README (bench/data/litgpt-readme.json) ---
interface ReadmeRow { id: string; config: string; measuredGB: number; edit?: { from: string; to: string } }
const readme = JSON.parse(fs.readFileSync(path.join(root, 'bench', 'data', 'litgpt-readme.json'), 'utf8')) as {
  rows: ReadmeRow[];
  outOfMemory: { id: string; config: string; gpu: string }[];
  notComparable: { id: string; reason: string }[];
};
for (const r of readme.rows) {
  const est = litgptEstimate(r.config, r.edit);
  cases.push({ set: 'LitGPT README', id: r.id, metric: 'allocated', measuredMiB: (r.measuredGB * 1e9) / MIB, estimatedMiB: est && est.training.allocatedBytes / MIB });
}
for (const r of readme.notComparable) {
  cases.push({ set: 'LitGPT README', id: r.id, metric: 'allocated', measuredMiB: NaN, estimatedMiB: undefined, note: r.reason });
}
const oomLines = readme.outOfMemory.map(r => {
  const gpu = findGpu(r.gpu);
  const est = litgptEstimate(r.config);
  if (!gpu || !est) {
    return `${r.id}: published out of memory; no estimate`;
  }
  const need = est.training.peakBytes / 2 ** 30;
  const has = gpuMemoryBytes(gpu) / 2 ** 30;
  return `${r.id}: published out of memory; estimated ${need.toFixed(1)} GiB per GPU against ${has.toFixed(1)} GiB: ${need > has ? 'agrees' : 'DISAGREES'}`;
});

// --- Published: torchtune's README table (peak active bytes on one A100), each row posed as its recipe ---
for (const r of torchtuneReadmeRows(root)) {
  const est = analyzeDocument(parseConfig(torchtuneRecipe(r), 'yaml'), { ...DEFAULT_OPTIONS, targetGpu: TORCHTUNE_README_GPU }).configs[0]?.estimate?.training;
  cases.push({
    set: 'torchtune README', id: r.id, metric: 'allocated', measuredMiB: (r.measuredGiB * 2 ** 30) / MIB, estimatedMiB: est && est.allocatedBytes / MIB,
    ran: { gpuMiB: gpuMemoryBytes(findGpu(TORCHTUNE_README_GPU)!) / MIB, peakMiB: est && est.peakBytes / MIB },
  });
}

// --- Published: torchtitan's benchmark (max reserved, the maximum across GPUs), each row posed as its TOML job ---
interface TitanRow {
  id: string; table: string; file: string; measuredGiB: number;
}
/** torchtitan's H100s: 96 GB of HBM2e (bench/data/torchtitan-benchmarks.json), a card not in the GPU list. */
const TITAN_GPU_BYTES = 96e9;
const titan = JSON.parse(fs.readFileSync(path.join(root, 'bench', 'data', 'torchtitan-benchmarks.json'), 'utf8')) as { rows: TitanRow[] };
for (const r of titan.rows) {
  const doc = analyzeDocument(parseConfig(fs.readFileSync(path.join(root, r.file), 'utf8'), 'toml'), { ...DEFAULT_OPTIONS, targetGpu: 'H100 80GB' });
  const est = doc.configs[0]?.estimate?.training;
  cases.push({
    set: `torchtitan ${r.table}`, id: r.id, metric: 'reserved', measuredMiB: (r.measuredGiB * 2 ** 30) / MIB,
    estimatedMiB: est && (est.allocatedBytes + est.components.allocatorReserve) / MIB,
    ran: { gpuMiB: TITAN_GPU_BYTES / MIB, peakMiB: est && est.peakBytes / MIB },
  });
}

// --- PEFT's method comparison (Llama-3.2-3B on MetaMathQA), each run posed as its experiment's files ---
interface PeftRow { id: string; file: string; measuredBytes: number; trainableParameters: number }
const peft = JSON.parse(fs.readFileSync(path.join(root, 'bench', 'data', 'peft-method-comparison.json'), 'utf8')) as { rows: PeftRow[] };
let peftEvalMiB: number | undefined;
for (const r of peft.rows) {
  const text = fs.readFileSync(path.join(root, r.file), 'utf8');
  const a = analyzeDocument(parseConfig(text, 'json'), { ...DEFAULT_OPTIONS, targetGpu: 'A100 80GB' }).configs[0];
  const est = a?.estimate;
  const trainable = est?.trainableParameters;
  cases.push({
    set: 'PEFT method comparison', id: r.id, metric: 'reserved', measuredMiB: r.measuredBytes / MIB,
    estimatedMiB: est && (est.training.allocatedBytes + est.training.components.allocatorReserve) / MIB,
    note: !est
      ? (a?.problems.find(x => x.severity === 'error')?.message ?? 'no estimate')
      : (a.problems.find(x => x.severity === 'warning')?.message ?? (trainable !== r.trainableParameters ? `trainable ${trainable} vs PEFT's ${r.trainableParameters}` : undefined)),
  });
  // The evaluations generate at batch 50 up to 800 tokens: the same file at the evaluation's batch and length.
  const evaluation = JSON.stringify({ ...JSON.parse(text), batch_size: 50, max_seq_length: 800 });
  const generation = analyzeDocument(parseConfig(evaluation, 'json'), DEFAULT_OPTIONS).configs[0]?.estimate?.inference;
  peftEvalMiB ??= generation && (generation.allocatedBytes + generation.components.allocatorReserve) / MIB;
}

// --- Megatron-LM's own theoretical_memory_usage on the same arguments, each job posed as its launch script or NeMo config ---
interface MegatronRow { id: string; file: string; weightAndOptimizerMiB: number; activationMiB: number; totalMiB: number; note?: string }
const megatron = JSON.parse(fs.readFileSync(path.join(root, 'bench', 'data', 'megatron-theoretical.json'), 'utf8')) as { rows: MegatronRow[] };
for (const r of megatron.rows) {
  const format = r.file.endsWith('.sh') ? 'shell' : r.file.endsWith('.py') ? 'python' : 'yaml';
  const est = analyzeDocument(parseConfig(fs.readFileSync(path.join(root, r.file), 'utf8'), format), { ...DEFAULT_OPTIONS, targetGpu: 'H100 80GB' }).configs[0]?.estimate?.training;
  const c = est?.components;
  cases.push({ set: 'Megatron-LM formula', id: r.id, metric: 'weights+optimizer', measuredMiB: r.weightAndOptimizerMiB, estimatedMiB: c && (c.weights + c.gradients + c.optimizer) / MIB });
  cases.push({ set: 'Megatron-LM formula', id: r.id, metric: 'total', measuredMiB: r.totalMiB, estimatedMiB: est && est.allocatedBytes / MIB });
}

// --- Table ---
const errorPct = (c: Case) => (c.estimatedMiB === undefined ? undefined : ((c.estimatedMiB - c.measuredMiB) / c.measuredMiB) * 100);
const lines = [
  ['set', 'case', 'metric', 'measured MiB', 'estimated MiB', 'error'],
  ...cases.map(c => {
    const e = errorPct(c);
    return [c.set, c.id, c.metric, Number.isNaN(c.measuredMiB) ? '—' : c.measuredMiB.toFixed(0), c.estimatedMiB === undefined ? '—' : c.estimatedMiB.toFixed(0),
      e === undefined ? `n/a (${c.note})` : `${e >= 0 ? '+' : ''}${e.toFixed(1)} %`];
  }),
];
const widths = lines[0].map((_, i) => Math.max(...lines.map(l => l[i].length)));
for (const l of lines) {
  console.log(l.map((x, i) => (i >= 3 && i <= 4 ? x.padStart(widths[i]) : i === l.length - 1 ? x : x.padEnd(widths[i]))).join('  '));
}

function summary(label: string, filter: (c: Case) => boolean): void {
  const errs = cases.filter(c => filter(c) && errorPct(c) !== undefined).map(c => ({ c, e: Math.abs(errorPct(c)!) }));
  if (errs.length === 0) {
    return;
  }
  const sorted = errs.map(x => x.e).sort((a, b) => a - b);
  const median = sorted.length % 2 ? sorted[(sorted.length - 1) / 2] : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
  const worst = errs.reduce((a, b) => (b.e > a.e ? b : a));
  console.log(`${label.padEnd(46)} n=${String(errs.length).padStart(2)}  median |error| ${median.toFixed(1)} %  worst ${worst.e.toFixed(1)} % (${worst.c.id}, ${worst.c.metric})`);
}
console.log('');
const isInference = (c: Case) => c.id.includes('infer');
const trainableMismatches = cases.filter(c => c.note?.startsWith('trainable'));
console.log(`Adapter trainable counts (LoRA, DoRA, (IA)³): ${trainableMismatches.length === 0 ? 'all equal to what PEFT reports' : trainableMismatches.map(c => `${c.id}: ${c.note}`).join('; ')}`);
summary('inference, allocated', c => isInference(c) && c.metric === 'allocated');
summary('inference, nvidia-smi', c => isInference(c) && c.metric === 'nvml');
summary('training, allocated (H100)', c => !isInference(c) && c.set.startsWith('H100') && c.metric === 'allocated');
summary('training, allocated (bitsandbytes, H200)', c => !isInference(c) && c.set === 'H200 bitsandbytes');
summary('training, allocated (torchtune, H200)', c => c.set === 'torchtune (H200)');
summary('training, allocated (torchtune README, published)', c => c.set === 'torchtune README');
summary('training, allocated (LitGPT, reference set)', c => c.set === 'LitGPT (A10G)');
summary('training, allocated (LitGPT, more README rows)', c => c.set === 'LitGPT README');
summary('training, nvidia-smi', c => !isInference(c) && c.metric === 'nvml');
const isTitan = (c: Case) => c.set.startsWith('torchtitan');
summary('training, reserved (torchtitan, published)', isTitan);
summary('  FSDP and context parallel (Tables 1-3)', c => isTitan(c) && /Table [123]$/.test(c.set));
summary('  tensor parallel, 70B (Table 4)', c => isTitan(c) && c.set.endsWith('Table 4'));
summary('  pipeline parallel, 405B (Tables 5-6)', c => isTitan(c) && /Table [56]$/.test(c.set));
summary('training, reserved (PEFT method comparison, published)', c => c.set === 'PEFT method comparison');
for (const c of cases.filter(x => x.set === 'PEFT method comparison' && x.note)) {
  console.log(`  ${c.id}: ${c.note}`);
}
if (peftEvalMiB !== undefined) {
  console.log(`  its evaluations (generation at batch 50, up to 800 tokens): ${peftEvalMiB.toFixed(0)} MiB estimated, below every training peak above`);
}
summary("Megatron-LM's formula: weights and optimizer", c => c.set.startsWith('Megatron') && c.metric === 'weights+optimizer');
summary("Megatron-LM's formula: total", c => c.set.startsWith('Megatron') && c.metric === 'total');
for (const r of megatron.rows.filter(x => x.note)) {
  console.log(`  ${r.id}: ${r.note}`);
}
const titanErrors = cases.filter(isTitan).map(errorPct).filter((e): e is number => e !== undefined);
console.log(`torchtitan rows within 15 %: ${titanErrors.filter(e => Math.abs(e) <= 15).length} of ${titanErrors.length}`);
frameworkTables();
for (const l of oomLines) {
  console.log(l);
}
const skipped = cases.filter(c => c.estimatedMiB === undefined).length;
console.log(`not comparable yet: ${skipped} cases (listed above with the reason)`);

/**
 * The training frameworks' own published tables (torchtune's README, torchtitan's benchmark, PEFT's method
 * comparison), taken together: every row estimated, the median and the share within 15 % of what each published.
 */
function frameworkTables(): void {
  const published = cases.filter(c => c.set === 'torchtune README' || isTitan(c) || c.set === 'PEFT method comparison');
  // A row with no estimate counts as an infinite error.
  const { median, within } = errorSummary(published.map(c => errorPct(c) ?? Number.POSITIVE_INFINITY).map(e => e / 100));
  const estimated = published.filter(c => c.estimatedMiB !== undefined).length;
  const close = within(0.15);
  const ran = published.filter(c => c.ran);
  const fit = ran.filter(c => c.ran!.peakMiB !== undefined && c.ran!.peakMiB <= c.ran!.gpuMiB);
  console.log(
    `frameworks' published tables (torchtune README, torchtitan, PEFT): ${estimated} of ${published.length} rows estimated; ` +
      `median |error| ${(median * 100).toFixed(1)} %; within 15 %: ${close} of ${published.length} (${Math.round((close / published.length) * 100)} %); ` +
      `runs they report completing that the estimate says fit their GPU: ${fit.length} of ${ran.length}`,
  );
  for (const c of ran.filter(x => !fit.includes(x))) {
    console.log(`  ${c.id}: ran on ${c.ran!.gpuMiB.toFixed(0)} MiB, estimated ${c.ran!.peakMiB?.toFixed(0) ?? 'nothing'}`);
  }
}
