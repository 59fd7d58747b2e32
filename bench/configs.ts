// Held-out real model folders (HF configs, remote code, diffusers components and pipelines, checkpoint indexes and
// the files beside them): is each counted exactly, or said to be approximate, or left without a number — never wrong
// without a warning?   npm run bench:configs
//
// Files: test/fixtures/public/heldout-configs (SOURCES.tsv names each one's repository, commit and path).
// Expectations: bench/data/heldout-configs.json, each with its source. Each file goes through the command line's own
// path (`vram-lens FILE --json`), so a model_index.json is summed from the component configs beside it.
import * as fs from 'fs';
import * as path from 'path';
import { main } from '../src/cli/main';

const root = path.resolve(__dirname, '..', '..');
const folder = path.join(root, 'test', 'fixtures', 'public', 'heldout-configs');

type Expected =
  | {
      readonly kind: 'model';
      readonly parameters?: number;
      readonly publishedSize?: string;
      readonly source: string;
      readonly weightsAsShipped?: { readonly index: string; readonly totalSizeBytes: number; readonly note: string };
    }
  | { readonly kind: 'uncounted' | 'none' | 'invalid-checkpoint'; readonly source: string }
  | { readonly kind: 'checkpoint'; readonly totalSizeBytes: number; readonly source: string };

interface Row {
  readonly file: string;
  /** 1: the files the engine was fixed on; 2: files gathered after those fixes. */
  readonly batch: 1 | 2;
  readonly expected: Expected;
}

interface Report {
  readonly name: string;
  readonly parameters: { readonly total: number } | null;
  readonly inference: { readonly components: { readonly weights: number } } | null;
  readonly problems: readonly { readonly severity: string; readonly message: string }[];
}

interface FileOutput {
  readonly configs: readonly Report[];
  readonly checkpoint?: { readonly totalSizeBytes: number };
}

/** How a file came out: right (exact or within 1 %, or no number where none is due), warned, or wrong. */
type Outcome = 'right' | 'warned' | 'wrong';

/** How far a count is from the expectation: exact counts compared exactly, a page's rounded size by its rounding. */
function countError(total: number, e: { readonly parameters?: number; readonly publishedSize?: string }): number {
  if (e.parameters !== undefined) {
    return Math.abs(total - e.parameters) / e.parameters;
  }
  const m = /^(\d+(?:\.\d+)?)([MB])$/.exec(e.publishedSize ?? '')!;
  const unit = m[2] === 'B' ? 1e9 : 1e6;
  const halfStep = 0.5 * 10 ** -(m[1].split('.')[1]?.length ?? 0) * unit;
  return Math.max(0, Math.abs(total - Number(m[1]) * unit) - halfStep) / (Number(m[1]) * unit);
}

async function analyze(file: string): Promise<FileOutput> {
  let out = '';
  await main([file, '--json'], s => (out += s), () => undefined);
  return JSON.parse(out).files[0] as FileOutput;
}

/** The config the row is about: the first one with a number, else the first. */
function mainConfig(output: FileOutput): Report | undefined {
  return output.configs.find(c => c.parameters) ?? output.configs[0];
}

function warned(c: Report | undefined): boolean {
  return (c?.problems ?? []).some(p => p.severity === 'warning' || p.severity === 'error');
}

const percent = (x: number) => `${(x * 100).toFixed(x === 0 ? 0 : 2)} %`;

function judgeModel(e: Extract<Expected, { kind: 'model' }>, c: Report | undefined): [Outcome, string] {
  if (!c?.parameters) {
    return ['warned', 'no number'];
  }
  const error = countError(c.parameters.total, e);
  const shown = `${c.parameters.total.toLocaleString('en-US')}`;
  if (error > 0.01) {
    return [warned(c) ? 'warned' : 'wrong', `${shown}: off by ${percent(error)}${warned(c) ? ', with a warning' : ' WITHOUT A WARNING'}`];
  }
  const w = e.weightsAsShipped;
  if (w) {
    const bytes = c.inference?.components.weights ?? 0;
    const off = Math.abs(bytes - w.totalSizeBytes) / w.totalSizeBytes;
    const said = `weights ${bytes.toLocaleString('en-US')} B vs the checkpoint's ${w.totalSizeBytes.toLocaleString('en-US')} B (${percent(off)})`;
    if (off > 0.01) {
      return [warned(c) ? 'warned' : 'wrong', `${shown} ${error === 0 ? 'exact' : `within ${percent(error)}`}; ${said}`];
    }
    return ['right', `${shown} ${error === 0 ? 'exact' : `within ${percent(error)}`}; ${said}`];
  }
  return ['right', `${shown} ${error === 0 ? 'exact' : `within ${percent(error)}`}`];
}

function judge(row: Row, output: FileOutput): [Outcome, string] {
  const e = row.expected;
  const c = mainConfig(output);
  switch (e.kind) {
    case 'model':
      return judgeModel(e, c);
    case 'uncounted':
      if (!c?.parameters) {
        return ['right', 'no number'];
      }
      return [warned(c) ? 'right' : 'wrong', `${c.parameters.total.toLocaleString('en-US')}${warned(c) ? ', with a warning' : ' WITHOUT A WARNING'}`];
    case 'checkpoint': {
      const shown = output.checkpoint?.totalSizeBytes;
      return shown === e.totalSizeBytes ? ['right', `${shown.toLocaleString('en-US')} B`] : ['wrong', `${shown ?? 'no size'} ≠ ${e.totalSizeBytes}`];
    }
    case 'invalid-checkpoint':
      return output.checkpoint ? ['wrong', 'a size for an index whose total_size cannot be one'] : ['right', 'no size'];
    case 'none':
      return c?.parameters ? ['wrong', `a number (${c.parameters.total}) for a file that holds no model`] : ['right', 'no number'];
  }
}

async function run(): Promise<void> {
  const data = JSON.parse(fs.readFileSync(path.join(root, 'bench', 'data', 'heldout-configs.json'), 'utf8')) as { files: Row[] };
  const tally = new Map<string, Record<Outcome, number>>();
  const batches = new Map<number, Record<Outcome, number>>();
  const count = (map: Map<string | number, Record<Outcome, number>>, key: string | number, outcome: Outcome) => {
    const t = map.get(key) ?? { right: 0, warned: 0, wrong: 0 };
    t[outcome] += 1;
    map.set(key, t);
  };
  const lines: string[] = [];
  for (const row of data.files) {
    const [outcome, said] = judge(row, await analyze(path.join(folder, row.file)));
    count(tally as Map<string | number, Record<Outcome, number>>, row.expected.kind === 'invalid-checkpoint' ? 'checkpoint' : row.expected.kind, outcome);
    count(batches as Map<string | number, Record<Outcome, number>>, row.batch, outcome);
    if (row.expected.kind !== 'none' || outcome !== 'right') {
      lines.push(`${outcome.toUpperCase().padEnd(7)} ${row.batch} ${row.file.padEnd(78)} ${said}`);
    }
  }
  console.log(lines.join('\n'));
  console.log('');
  const summary = (t: Record<Outcome, number>) => `${t.right + t.warned + t.wrong} files: ${t.right} right, ${t.warned} approximate or without a number (said so), ${t.wrong} wrong without a warning`;
  for (const [kind, t] of tally) {
    console.log(`${kind.padEnd(11)} ${summary(t)}`);
  }
  for (const [batch, t] of [...batches].sort()) {
    console.log(`batch ${batch}${batch === 1 ? ' (the engine was fixed on these)' : ' (gathered after those fixes)'}: ${summary(t)}`);
  }
  const all = [...tally.values()].reduce((a, t) => ({ right: a.right + t.right, warned: a.warned + t.warned, wrong: a.wrong + t.wrong }), { right: 0, warned: 0, wrong: 0 });
  const n = all.right + all.warned + all.wrong;
  console.log(`all files: ${n}; right (exact or within 1 %, or no number where none is due): ${all.right} (${((100 * all.right) / n).toFixed(1)} %; the target is at least 90 %)`);
  console.log(`wrong without a warning: ${all.wrong} (the target is 0)`);
}

void run();
