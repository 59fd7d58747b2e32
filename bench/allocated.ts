// VRAM Lens' parameter counts against what transformers and diffusers allocate for the same configs, for the
// engineers who change the counting.   npm run bench:allocated
//
// Data: bench/data/library-allocated.json (each config built by its own class on the meta device,
// bench/gpu/count_allocated.py). Each file goes through the command line's own path (`vram-lens FILE --json`); a
// config written inline in a unit test is analysed from its text.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { main } from '../src/cli/main';

const root = path.resolve(__dirname, '..', '..');

interface Row {
  readonly file?: string;
  readonly id?: string;
  readonly config?: unknown;
  readonly library: 'transformers' | 'diffusers';
  readonly class: string;
  readonly parameters: number;
}

interface Counted {
  readonly total: number | undefined;
  readonly warned: boolean;
}

/** The engine's count for a file, through the CLI: the first config with a number, and whether it carries a warning. */
async function engineCount(file: string): Promise<Counted> {
  let out = '';
  await main([file, '--json'], s => (out += s), () => undefined);
  const configs = (JSON.parse(out).files[0]?.configs ?? []) as {
    parameters: { total: number } | null;
    problems: { severity: string }[];
  }[];
  const c = configs.find(x => x.parameters) ?? configs[0];
  return { total: c?.parameters?.total, warned: (c?.problems ?? []).some(p => p.severity !== 'info') };
}

/** The row's config as a file the CLI can read: its own, or the inline one written to a temporary file. */
function fileOf(row: Row, scratch: string): string {
  if (row.file) {
    return path.join(root, row.file);
  }
  const file = path.join(scratch, `${row.id}.json`);
  fs.writeFileSync(file, JSON.stringify(row.config));
  return file;
}

async function run(): Promise<void> {
  const data = JSON.parse(fs.readFileSync(path.join(root, 'bench', 'data', 'library-allocated.json'), 'utf8')) as { source: string; rows: Row[] };
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'vram-lens-allocated-'));
  let exact = 0;
  let near = 0;
  const off: string[] = [];
  for (const row of data.rows) {
    const { total, warned } = await engineCount(fileOf(row, scratch));
    const name = (row.file ?? row.id!).replace('test/fixtures/public/', '');
    const error = total === undefined ? undefined : (total - row.parameters) / row.parameters;
    const shown = total === undefined ? 'no number' : `${total.toLocaleString('en-US')} (${error === 0 ? 'exact' : `${(100 * error!).toFixed(2)} %`})`;
    if (error === 0) {
      exact += 1;
    } else if (error !== undefined && Math.abs(error) <= 0.01) {
      near += 1;
    }
    if (error !== 0) {
      off.push(`${name.padEnd(92)} ${row.class.padEnd(36)} ${row.parameters.toLocaleString('en-US').padStart(16)}  VRAM Lens ${shown}${warned ? ', with a warning' : ''}`);
    }
  }
  fs.rmSync(scratch, { recursive: true, force: true });
  console.log(`${data.source}\n`);
  console.log(off.length ? `Not exact:\n${off.join('\n')}\n` : 'Every count exact.\n');
  const n = data.rows.length;
  console.log(`${n} configs: ${exact} exact (${((100 * exact) / n).toFixed(1)} %), ${near} within 1 %, ${n - exact - near} further off or without a number`);
}

void run();
