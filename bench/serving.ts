// Serving engines' startup logs against the planners: vLLM's (each row's command, a shell line or an `LLM(...)` script,
// read as a user's file is, planned on the logged GPU total and release), SGLang's default static share, and
// llama.cpp's (buffers and file sizes).
//   npm run bench:serving
import * as fs from 'fs';
import * as path from 'path';
import { analyzeDocument, DEFAULT_OPTIONS } from '../src/core/analyze';
import { findGpu } from '../src/core/gpus';
import type { ServingPlan } from '../src/core/serving';
import type { ExternalModel } from '../src/core/modelNames';
import { parseConfig } from '../src/parse';
import { errorSummary } from './errors';

const root = path.resolve(__dirname, '..', '..');
const GIB = 1024 ** 3;

interface Measured {
  readonly weightsGiB: number | null;
  readonly activationGiB: number | null;
  readonly nonTorchGiB: number | null;
  /** The CUDA graph pool once captured, where the log prints it (vLLM 0.19). */
  readonly cudaGraphGiB?: number;
  readonly kvCacheGiB: number | null;
  readonly kvTokens: number | null;
  readonly maxConcurrency: number | null;
  readonly starts: boolean;
}

interface Row {
  readonly id: string;
  readonly version: string;
  /** The total CUDA reported, where the log prints it; otherwise the GPU data's own figure for `gpu`. */
  readonly cudaTotalGiB?: number;
  /** The GPU the log ran on, where not an H100 80GB. */
  readonly gpu?: string;
  readonly command?: string;
  readonly python?: string;
  readonly measured: Measured;
}

/** The plan for a row, read from its file as the editor reads it, on a GPU with the logged CUDA total. */
function plan(r: Row): ServingPlan | undefined {
  const base = findGpu(r.gpu ?? 'H100 80GB')!;
  const gpu = r.cudaTotalGiB === undefined ? base : { ...base, name: `logged GPU (${r.cudaTotalGiB} GiB)`, model: 'logged', cudaTotalGiB: r.cudaTotalGiB };
  const doc = r.python !== undefined ? parseConfig(r.python, 'python') : parseConfig(`#!/bin/bash\n${r.command}\n`, 'shell');
  const analysis = analyzeDocument(doc, { ...DEFAULT_OPTIONS, targetGpu: gpu.name, customGpus: [gpu], engineVersion: r.version });
  return analysis.configs[0]?.serving;
}

function pct(estimate: number, measured: number): number {
  // A pool of nothing (the engine refused) is matched only by nothing.
  if (measured === 0) {
    return estimate === 0 ? 0 : Infinity;
  }
  return ((estimate - measured) / measured) * 100;
}

function cell(e: number | undefined): string {
  return e === undefined ? '—'.padStart(8) : `${e >= 0 ? '+' : ''}${e.toFixed(1)} %`.padStart(8);
}

function run(): void {
  const data = JSON.parse(fs.readFileSync(path.join(root, 'bench', 'data', 'vllm-startup-logs.json'), 'utf8')) as { rows: Row[] };
  const errors: Record<'weights' | 'activation' | 'graphs' | 'kv' | 'tokens', number[]> = { weights: [], activation: [], graphs: [], kv: [], tokens: [] };
  let verdicts = 0;
  let verdictsRight = 0;
  console.log('vLLM startup logs: error of the plan against what vLLM printed (per GPU)\n');
  console.log(`${'row'.padEnd(22)}${'version'.padStart(8)}${'weights'.padStart(9)}${'act.'.padStart(9)}${'graphs'.padStart(9)}${'KV GiB'.padStart(9)}${'tokens'.padStart(9)}  verdict`);
  const unplanned: string[] = [];
  for (const r of data.rows) {
    const p = plan(r);
    const m = r.measured;
    if (!p) {
      console.log(`${r.id.padEnd(22)} no plan`);
      unplanned.push(r.id);
      continue;
    }
    const e = {
      weights: m.weightsGiB !== null ? pct(p.weightsBytes / GIB, m.weightsGiB) : undefined,
      activation: m.activationGiB !== null ? pct(p.activationPeakBytes / GIB, m.activationGiB) : undefined,
      graphs: m.cudaGraphGiB !== undefined ? pct(p.cudaGraphBytes / GIB, m.cudaGraphGiB) : undefined,
      kv: m.kvCacheGiB !== null ? pct(p.kvCacheBytes / GIB, m.kvCacheGiB) : undefined,
      tokens: m.kvTokens !== null ? pct(p.kvTokens, m.kvTokens) : undefined,
    };
    for (const k of Object.keys(e) as (keyof typeof e)[]) {
      if (e[k] !== undefined) {
        errors[k].push(e[k]!);
      }
    }
    verdicts++;
    verdictsRight += p.starts === m.starts ? 1 : 0;
    const verdict = `${p.starts ? 'starts' : 'refuses'}${p.starts === m.starts ? '' : ` (vLLM: ${m.starts ? 'started' : 'refused'})`}`;
    console.log(`${r.id.padEnd(22)}${r.version.padStart(8)}${cell(e.weights)} ${cell(e.activation)} ${cell(e.graphs)} ${cell(e.kv)} ${cell(e.tokens)}  ${verdict}`);
  }
  console.log('');
  for (const [k, list] of Object.entries(errors)) {
    if (list.length > 0) {
      const s = errorSummary(list);
      console.log(`${k.padEnd(11)} ${list.length} rows: median |error| ${s.median.toFixed(1)} %, worst ${s.worst.toFixed(1)} %, within 5 %: ${s.within(5)}/${list.length}`);
    }
  }
  console.log(`start verdicts: ${verdictsRight}/${verdicts} right`);
  const without = unplanned.length > 0 ? `; no plan, the model not being in the offline catalog: ${unplanned.join(', ')}` : '';
  console.log(`planned: ${data.rows.length - unplanned.length}/${data.rows.length} rows (the errors above are over these)${without}`);
}

interface HybridRow {
  readonly id: string;
  readonly version: string;
  readonly gpu: string;
  readonly command: string;
  /** The log's "Available KV cache memory", set as the pool by hand: in GiB as most logs print it, or in bytes where one prints them. */
  readonly availableGiB?: number;
  readonly availableBytes?: number;
  /** The weights the log says were loaded (a speculative row's model and draft together), where it says. */
  readonly measured: { readonly blockSize: number | null; readonly kvTokens: number; readonly maxConcurrency: number; readonly weightsGiB?: number };
}

/**
 * Hybrid models' and speculative drafts' startup logs against how the plan pages their recurrent states and draft
 * layers: each row's pool set to what the log printed, the block size, KV tokens and concurrency (and the weights,
 * where the log gives them) compared with what vLLM printed.
 */
function runHybrid(): void {
  const data = JSON.parse(fs.readFileSync(path.join(root, 'bench', 'data', 'vllm-hybrid-pools.json'), 'utf8')) as { rows: HybridRow[]; models?: Record<string, ExternalModel> };
  // Models the catalog lacks, where a row names one: the config values its name resolves to.
  const models = new Map(Object.entries(data.models ?? {}));
  const tokens: number[] = [];
  const concurrency: number[] = [];
  const weights: number[] = [];
  console.log("\nvLLM hybrid models (attention beside recurrent layers) and speculative drafts: the paging of the logged pool\n");
  console.log(`${'row'.padEnd(26)}${'version'.padStart(8)}${'block'.padStart(8)}${'tokens'.padStart(11)}${'logged'.padStart(11)}${'error'.padStart(9)}${'conc.'.padStart(9)}${'logged'.padStart(9)}${'weights'.padStart(9)}`);
  for (const r of data.rows) {
    const pool = r.availableBytes ?? Math.round((r.availableGiB ?? 0) * GIB);
    const doc = parseConfig(`#!/bin/bash\n${r.command} --kv-cache-memory-bytes ${pool}\n`, 'shell');
    const p = analyzeDocument(doc, { ...DEFAULT_OPTIONS, targetGpu: r.gpu, engineVersion: r.version, models }).configs[0]?.serving;
    if (!p) {
      console.log(`${r.id.padEnd(26)} no plan`);
      tokens.push(Infinity);
      continue;
    }
    const e = pct(p.kvTokens, r.measured.kvTokens);
    tokens.push(e);
    concurrency.push(pct(p.maxConcurrency, r.measured.maxConcurrency));
    const w = r.measured.weightsGiB !== undefined ? pct(p.weightsBytes / GIB, r.measured.weightsGiB) : undefined;
    if (w !== undefined) {
      weights.push(w);
    }
    const block = `${p.blockSize}${r.measured.blockSize !== null && r.measured.blockSize !== p.blockSize ? ` (${r.measured.blockSize})` : ''}`;
    console.log(`${r.id.padEnd(26)}${r.version.padStart(8)}${block.padStart(8)}${p.kvTokens.toLocaleString('en-US').padStart(11)}${r.measured.kvTokens.toLocaleString('en-US').padStart(11)}${cell(e).padStart(9)}${p.maxConcurrency.toFixed(2).padStart(9)}${r.measured.maxConcurrency.toFixed(2).padStart(9)}${(w === undefined ? '—' : cell(w)).padStart(9)}`);
  }
  const t = errorSummary(tokens);
  const c = errorSummary(concurrency);
  console.log(`\ntokens      ${tokens.length} rows: median |error| ${t.median.toFixed(2)} %, worst ${t.worst.toFixed(2)} %`);
  console.log(`concurrency ${concurrency.length} rows: median |error| ${c.median.toFixed(2)} %, worst ${c.worst.toFixed(2)} % (vLLM prints two decimals)`);
  if (weights.length > 0) {
    const wSummary = errorSummary(weights);
    console.log(`weights     ${weights.length} row${weights.length > 1 ? 's' : ''}: median |error| ${wSummary.median.toFixed(2)} %, worst ${wSummary.worst.toFixed(2)} % (the model and its draft head together)`);
  }
}

interface FractionRow {
  readonly id: string;
  readonly gpuName: string;
  readonly gpuMiB: number;
  readonly command: string;
  readonly printed: number;
}

/** SGLang's default mem_fraction_static as public logs print it, against the share the planner takes (its server_args heuristics). */
function runSglangFraction(): void {
  const data = JSON.parse(fs.readFileSync(path.join(root, 'bench', 'data', 'sglang-default-fraction.json'), 'utf8')) as { rows: FractionRow[] };
  console.log("\nSGLang's default mem_fraction_static (current release's heuristics) against the value logs print\n");
  console.log(`${'row'.padEnd(26)}${'GPU MiB'.padStart(9)}${'planned'.padStart(9)}${'printed'.padStart(9)}${'diff'.padStart(8)}`);
  for (const r of data.rows) {
    const base = findGpu(r.gpuName) ?? findGpu('MI325X')!;
    const gpu = { ...base, name: `${r.gpuName} (${r.gpuMiB} MiB)`, model: 'logged', memoryMiB: r.gpuMiB };
    const p = analyzeDocument(parseConfig(`#!/bin/bash\n${r.command}\n`, 'shell'), { ...DEFAULT_OPTIONS, targetGpu: gpu.name, customGpus: [gpu] }).configs[0]?.serving;
    const planned = p ? Number(/mem_fraction_static ([\d.]+)/.exec(p.assumptions[0])?.[1]) : NaN;
    const diff = `${planned - r.printed >= 0 ? '+' : ''}${(planned - r.printed).toFixed(3)}`;
    console.log(`${r.id.padEnd(26)}${r.gpuMiB.toLocaleString('en-US').padStart(9)}${planned.toFixed(3).padStart(9)}${r.printed.toFixed(3).padStart(9)}${diff.padStart(8)}`);
  }
}

interface LocalRow {
  readonly id: string;
  readonly gpu: string;
  /** A shell line, or a llama-cpp-python script. */
  readonly command?: string;
  readonly python?: string;
  readonly measured: {
    readonly deviceModelMiB: number | null;
    readonly hostModelMiB: number | null;
    readonly kvMiB: number | null;
    readonly computeMiB: number | null;
    readonly modelSizeGiB: number | null;
    readonly loads: boolean | null;
  };
}

/** llama.cpp load logs against the llama.cpp planner: the model buffers, KV, compute, and the file's tensor data. */
function runLocal(): void {
  const data = JSON.parse(fs.readFileSync(path.join(root, 'bench', 'data', 'llamacpp-load-logs.json'), 'utf8')) as { rows: LocalRow[] };
  const MIB = 1024 * 1024;
  const errors: Record<'model size' | 'GPU model' | 'host model' | 'KV' | 'compute' | 'GPU total', number[]> = { 'model size': [], 'GPU model': [], 'host model': [], KV: [], compute: [], 'GPU total': [] };
  let verdicts = 0;
  let right = 0;
  console.log('\nllama.cpp load logs: error of the plan against what llama.cpp printed\n');
  console.log(`${'row'.padEnd(26)}${'size'.padStart(9)}${'GPU mdl'.padStart(9)}${'host'.padStart(9)}${'KV'.padStart(9)}${'compute'.padStart(9)}${'total'.padStart(9)}`);
  for (const r of data.rows) {
    const doc = r.python !== undefined ? parseConfig(r.python, 'python') : parseConfig(`#!/bin/bash\n${r.command}\n`, 'shell');
    const p = analyzeDocument(doc, { ...DEFAULT_OPTIONS, targetGpu: r.gpu }).configs[0]?.local;
    const m = r.measured;
    if (!p) {
      console.log(`${r.id.padEnd(26)} no plan`);
      errors['model size'].push(Infinity);
      continue;
    }
    // The file's tensor data: both buffers (these models have an output head of their own, so nothing is counted twice).
    const size = (p.deviceModelBytes + p.hostModelBytes) / 1024 ** 3;
    const e = {
      'model size': m.modelSizeGiB !== null ? pct(size, m.modelSizeGiB) : undefined,
      'GPU model': m.deviceModelMiB !== null ? pct(p.deviceModelBytes / MIB, m.deviceModelMiB) : undefined,
      'host model': m.hostModelMiB !== null ? pct(p.hostModelBytes / MIB, m.hostModelMiB) : undefined,
      KV: m.kvMiB !== null ? pct(p.kvDeviceBytes / MIB, m.kvMiB) : undefined,
      compute: m.computeMiB !== null ? pct(p.computeBytes / MIB, m.computeMiB) : undefined,
      'GPU total': m.deviceModelMiB !== null && m.kvMiB !== null && m.computeMiB !== null ? pct(p.deviceTotalBytes / MIB, m.deviceModelMiB + m.kvMiB + m.computeMiB) : undefined,
    };
    for (const k of Object.keys(e) as (keyof typeof e)[]) {
      if (e[k] !== undefined) {
        errors[k].push(e[k]!);
      }
    }
    if (m.loads !== null) {
      verdicts++;
      right += p.fits === m.loads ? 1 : 0;
    }
    console.log(`${r.id.padEnd(26)}${cell(e['model size'])} ${cell(e['GPU model'])} ${cell(e['host model'])} ${cell(e.KV)} ${cell(e.compute)} ${cell(e['GPU total'])}`);
  }
  console.log('');
  for (const [k, list] of Object.entries(errors)) {
    if (list.length > 0) {
      const s = errorSummary(list);
      console.log(`${k.padEnd(11)} ${list.length} rows: median |error| ${s.median.toFixed(2)} %, worst ${s.worst.toFixed(2)} %`);
    }
  }
  console.log(`load verdicts: ${right}/${verdicts} right`);
}

/** Mean milliseconds of one analysis (parse + plan) of `text`, after a warm-up. */
function timeAnalysis(text: string, format: 'shell' | 'json' | 'modelfile'): number {
  const options = { ...DEFAULT_OPTIONS, targetGpu: 'RTX 4090' };
  for (let i = 0; i < 50; i++) {
    analyzeDocument(parseConfig(text, format), options);
  }
  const runs = 300;
  const start = process.hrtime.bigint();
  for (let i = 0; i < runs; i++) {
    analyzeDocument(parseConfig(text, format), options);
  }
  return Number(process.hrtime.bigint() - start) / 1e6 / runs;
}

/** The planners' cost beside a config.json's, measured side by side in this run. */
function runTiming(): void {
  const config = JSON.stringify({ architectures: ['LlamaForCausalLM'], hidden_size: 4096, intermediate_size: 14336, num_attention_heads: 32, num_hidden_layers: 32, num_key_value_heads: 8, vocab_size: 128256 });
  const base = timeAnalysis(config, 'json');
  console.log(`\nanalysis time, beside a Llama 3 8B config.json (${base.toFixed(3)} ms here):`);
  for (const [name, text, format] of [
    ['vllm serve', 'vllm serve meta-llama/Llama-3.1-8B-Instruct --max-model-len 32768\n', 'shell'],
    ['llama-server', 'llama-server -m Meta-Llama-3.1-8B-Instruct-Q4_K_M.gguf -c 32768 -ngl 99\n', 'shell'],
    ['ollama run (layers chosen)', 'ollama run llama3.1:70b\n', 'shell'],
    ['Modelfile', 'FROM llama3.1:8b\nPARAMETER num_ctx 32768\n', 'modelfile'],
  ] as const) {
    const ms = timeAnalysis(text, format);
    console.log(`  ${name.padEnd(28)} ${ms.toFixed(3)} ms  (${(ms / base).toFixed(1)}×)`);
  }
}

run();
runHybrid();
runSglangFraction();
runLocal();
runTiming();
