// vLLM startup logs against the serving planner: each row's command (a shell line or an `LLM(...)` script) read as a
// user's file is, planned on the logged GPU total and release, and compared with what vLLM printed.
//   npm run bench:serving
import * as fs from 'fs';
import * as path from 'path';
import { analyzeDocument, DEFAULT_OPTIONS } from '../src/core/analyze';
import { findGpu } from '../src/core/gpus';
import type { ServingPlan } from '../src/core/serving';
import { parseConfig } from '../src/parse';
import { errorSummary } from './errors';

const root = path.resolve(__dirname, '..', '..');
const GIB = 1024 ** 3;

interface Measured {
  readonly weightsGiB: number | null;
  readonly activationGiB: number | null;
  readonly nonTorchGiB: number | null;
  readonly kvCacheGiB: number | null;
  readonly kvTokens: number | null;
  readonly maxConcurrency: number | null;
  readonly starts: boolean;
}

interface Row {
  readonly id: string;
  readonly version: string;
  readonly cudaTotalGiB: number;
  readonly command?: string;
  readonly python?: string;
  readonly measured: Measured;
}

/** The plan for a row, read from its file as the editor reads it, on a GPU with the logged CUDA total. */
function plan(r: Row): ServingPlan | undefined {
  const base = findGpu('H100 80GB')!;
  const gpu = { ...base, name: `logged GPU (${r.cudaTotalGiB} GiB)`, model: 'logged', cudaTotalGiB: r.cudaTotalGiB };
  const doc = r.python !== undefined ? parseConfig(r.python, 'python') : parseConfig(`#!/bin/bash\n${r.command}\n`, 'shell');
  const analysis = analyzeDocument(doc, { ...DEFAULT_OPTIONS, targetGpu: gpu.name, customGpus: [gpu], engineVersion: r.version });
  return analysis.configs[0]?.serving;
}

function pct(estimate: number, measured: number): number {
  return ((estimate - measured) / measured) * 100;
}

function cell(e: number | undefined): string {
  return e === undefined ? '—'.padStart(8) : `${e >= 0 ? '+' : ''}${e.toFixed(1)} %`.padStart(8);
}

function run(): void {
  const data = JSON.parse(fs.readFileSync(path.join(root, 'bench', 'data', 'vllm-startup-logs.json'), 'utf8')) as { rows: Row[] };
  const errors: Record<'weights' | 'activation' | 'kv' | 'tokens', number[]> = { weights: [], activation: [], kv: [], tokens: [] };
  let verdicts = 0;
  let verdictsRight = 0;
  console.log('vLLM startup logs: error of the plan against what vLLM printed (per GPU)\n');
  console.log(`${'row'.padEnd(22)}${'version'.padStart(8)}${'weights'.padStart(9)}${'act.'.padStart(9)}${'KV GiB'.padStart(9)}${'tokens'.padStart(9)}  verdict`);
  for (const r of data.rows) {
    const p = plan(r);
    const m = r.measured;
    if (!p) {
      console.log(`${r.id.padEnd(22)} no plan`);
      for (const k of Object.keys(errors) as (keyof typeof errors)[]) {
        errors[k].push(Infinity);
      }
      continue;
    }
    const e = {
      weights: m.weightsGiB !== null ? pct(p.weightsBytes / GIB, m.weightsGiB) : undefined,
      activation: m.activationGiB !== null ? pct(p.activationPeakBytes / GIB, m.activationGiB) : undefined,
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
    console.log(`${r.id.padEnd(22)}${r.version.padStart(8)}${cell(e.weights)} ${cell(e.activation)} ${cell(e.kv)} ${cell(e.tokens)}  ${verdict}`);
  }
  console.log('');
  for (const [k, list] of Object.entries(errors)) {
    if (list.length > 0) {
      const s = errorSummary(list);
      console.log(`${k.padEnd(11)} ${list.length} rows: median |error| ${s.median.toFixed(1)} %, worst ${s.worst.toFixed(1)} %, within 5 %: ${s.within(5)}/${list.length}`);
    }
  }
  console.log(`start verdicts: ${verdictsRight}/${verdicts} right`);
}

run();
