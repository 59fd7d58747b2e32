// Held-out real recipes, scripts and notebooks nobody here wrote: does VRAM Lens name the right model, count it
// exactly, read the run each file states, and never stay silent?   npm run bench:heldout
//
// Files: test/fixtures/public/heldout (SOURCES.tsv names each one's repository, commit and path). Expectations:
// bench/data/heldout.json, read by hand from each file. Each file goes through the command line's own path
// (`vram-lens FILE --json`): readers, name resolution, local lookups.
import * as fs from 'fs';
import * as path from 'path';
import { main } from '../src/cli/main';

const root = path.resolve(__dirname, '..', '..');
const publicFiles = path.join(root, 'test', 'fixtures', 'public');

interface Expected {
  readonly model: string;
  readonly parameters?: number;
  readonly publishedSize?: string;
  readonly note?: string;
}
interface Row {
  readonly file: string;
  readonly expected: Expected;
  readonly run: { readonly batch?: number; readonly seq?: number; readonly rank?: number | null; readonly quant?: string };
}

interface Report {
  name: string;
  parameters: { total: number } | null;
  settings: { batchSize: number; sequenceLength: number; quantization?: string; lora?: { rank: number } } | null;
}

/** How far a count is from the expectation: exact counts compared exactly, a page's rounded size by its rounding. */
function countError(total: number, e: Expected): number {
  if (e.parameters !== undefined) {
    return Math.abs(total - e.parameters) / e.parameters;
  }
  const m = /^(\d+(?:\.\d+)?)([MB])$/.exec(e.publishedSize ?? '')!;
  const published = Number(m[1]) * (m[2] === 'B' ? 1e9 : 1e6);
  const halfStep = 0.5 * 10 ** -(m[1].split('.')[1]?.length ?? 0) * (m[2] === 'B' ? 1e9 : 1e6);
  return Math.max(0, Math.abs(total - published) - halfStep) / published;
}

const QUANT_FAMILY: Readonly<Record<string, string>> = { nf4: '4bit', 'nf4-dq': '4bit', fp4: '4bit', 'fp4-dq': '4bit', int8: 'int8', 'awq-int4': 'awq', 'gptq-int4': 'gptq' };

/** The stated settings the engine read differently, as `setting: read ≠ stated`. */
function runMismatches(r: Report, run: Row['run']): string[] {
  const s = r.settings;
  if (!s) {
    return ['no run'];
  }
  const out: string[] = [];
  const check = (name: string, read: unknown, stated: unknown) => {
    if (stated !== undefined && read !== stated) {
      out.push(`${name} ${String(read)} ≠ ${String(stated)}`);
    }
  };
  check('batch', s.batchSize, run.batch);
  check('seq', s.sequenceLength, run.seq);
  check('rank', s.lora?.rank ?? null, run.rank);
  check('quant', s.quantization ? (QUANT_FAMILY[s.quantization] ?? s.quantization) : 'none', run.quant);
  return out;
}

async function analyze(file: string): Promise<{ configs: Report[]; notes: string[] }> {
  let out = '';
  await main([file, '--json'], s => (out += s), () => undefined);
  const result = JSON.parse(out).files[0];
  return { configs: result.configs, notes: [...(result.notes ?? []), ...(result.errors ?? [])] };
}

async function run(): Promise<void> {
  const data = JSON.parse(fs.readFileSync(path.join(root, 'bench', 'data', 'heldout.json'), 'utf8')) as { files: Row[] };
  let exact = 0;
  let ownRun = 0;
  let both = 0;
  let silent = 0;
  const lines: string[] = [];
  for (const row of data.files) {
    const { configs, notes } = await analyze(path.join(publicFiles, row.file));
    const c = configs[0];
    const said = notes.some(n => /Unknown model|cannot be read/.test(n));
    let verdict: string;
    if (!c?.parameters) {
      silent += said ? 0 : 1;
      verdict = said ? 'no estimate; the name gets an unknown-model note' : 'SILENT';
    } else {
      const error = countError(c.parameters.total, row.expected);
      const mismatches = runMismatches(c, row.run);
      const countOk = error <= 0.01;
      exact += countOk ? 1 : 0;
      ownRun += mismatches.length === 0 ? 1 : 0;
      both += countOk && mismatches.length === 0 ? 1 : 0;
      verdict = `${countOk ? (error === 0 ? 'exact' : `within ${(error * 100).toFixed(2)} %`) : `count off by ${(error * 100).toFixed(1)} %`}; ` +
        `${mismatches.length === 0 ? 'run as stated' : mismatches.join(', ')}`;
    }
    lines.push(`${path.basename(row.file).padEnd(66)} ${(c?.name ?? '—').padEnd(44)} ${verdict}`);
  }
  const n = data.files.length;
  const pct = (k: number) => `${k}/${n} (${((100 * k) / n).toFixed(0)} %)`;
  console.log(lines.join('\n'));
  console.log('');
  console.log(`files: ${n} (axolotl, LLaMA-Factory, torchtune, unsloth notebooks, PEFT scripts)`);
  console.log(`exact or within 1 % parameter count: ${pct(exact)}`);
  console.log(`the file's own run (micro-batch, sequence, LoRA rank, quantization as stated): ${pct(ownRun)}`);
  console.log(`both (the target is at least 90 %): ${pct(both)}`);
  console.log(`silent (no estimate and no word on the name): ${silent} (the target is 0)`);
  await publishedT4Runs(data.files.map(r => path.join(publicFiles, r.file)));
}

/** What a notebook says of itself when it runs on Colab's free T4 (unsloth's notebooks open with it). */
const FREE_T4 = /on a \*\*free\*\* Tesla T4 Google Colab instance/;

/**
 * The files that say they run on a free Colab T4, estimated there as written: a published outcome ("it trains on a
 * T4") each estimate should agree with.
 */
async function publishedT4Runs(files: readonly string[]): Promise<void> {
  const claimed = files.filter(f => FREE_T4.test(fs.readFileSync(f, 'utf8')));
  let fits = 0;
  console.log('');
  console.log('files that say they run on a free Colab T4 (15 GB), estimated there:');
  for (const file of claimed) {
    let out = '';
    await main([file, '--json', '--gpu', 'T4'], s => (out += s), () => undefined);
    const c = JSON.parse(out).files[0].configs[0] as { training: { peakBytes: number } | null; target: { training: boolean } | null; summary: string | null };
    const ok = c?.target?.training === true;
    fits += ok ? 1 : 0;
    const peak = c?.training ? `${(c.training.peakBytes / 2 ** 30).toFixed(1)} GiB` : '—';
    console.log(`  ${path.basename(file).padEnd(52)} ${peak.padStart(9)} ${ok ? 'fits' : 'DOES NOT FIT'}  (${c?.summary ?? 'no estimate'})`);
  }
  console.log(`published T4 runs the estimate says fit a T4: ${fits} of ${claimed.length}`);
}

void run();
