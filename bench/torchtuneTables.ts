// torchtune's published memory for its own switches (README "Optimization flags", Llama 3.2 3B on an A100), each row
// posed as the torchtune recipe that ran it and estimated through the CLI, against torchtune's logged peak.
//   npm run bench:torchtune
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { main } from '../src/cli/main';
import { errorSummary } from './errors';
import { TORCHTUNE_README_GPU, torchtuneReadmeRows, torchtuneRecipe, type TorchtuneRow } from './torchtuneReadme';

const root = path.resolve(__dirname, '..', '..');
const GIB = 1024 ** 3;

async function estimate(dir: string, r: TorchtuneRow): Promise<number | undefined> {
  const file = path.join(dir, `${r.id}.yaml`);
  fs.writeFileSync(file, torchtuneRecipe(r));
  let out = '';
  await main([file, '--json', '--gpu', TORCHTUNE_README_GPU], s => (out += s), () => undefined);
  return JSON.parse(out).files[0].configs[0]?.training?.allocatedBytes as number | undefined;
}

async function run(): Promise<void> {
  const rows = torchtuneReadmeRows(root);
  const today = new Map(
    (JSON.parse(fs.readFileSync(path.join(root, 'bench', 'data', 'torchtune-h200.json'), 'utf8')) as { rows: { id: string; peakActiveMiB: number }[] }).rows.map(r => [r.id, r.peakActiveMiB * 2 ** 20]),
  );
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vram-lens-torchtune-'));
  const errors: number[] = [];
  const todayErrors: number[] = [];
  const gib = (bytes: number) => `${(bytes / GIB).toFixed(2)} GiB`;
  const pct = (e: number) => `${(e * 100).toFixed(1)} %`;
  console.log(`${'row (Llama 3.2 3B, batch 2 × 4,096)'.padEnd(40)} ${'published'.padStart(10)} ${'estimate'.padStart(10)} ${'error'.padStart(8)}   ${'same recipe today (H200)'.padStart(24)} ${'error'.padStart(8)}`);
  try {
    for (const r of rows) {
      const allocated = await estimate(dir, r);
      if (allocated === undefined) {
        console.log(`${r.technique.padEnd(40)} ${`${r.measuredGiB.toFixed(1)} GiB`.padStart(10)} no estimate`);
        errors.push(Number.POSITIVE_INFINITY);
        continue;
      }
      const error = allocated / (r.measuredGiB * GIB) - 1;
      errors.push(error);
      const now = r.measuredToday === undefined ? undefined : today.get(r.measuredToday);
      if (now !== undefined) {
        todayErrors.push(allocated / now - 1);
      }
      const todayColumns = now === undefined ? '' : `   ${gib(now).padStart(24)} ${pct(allocated / now - 1).padStart(8)}`;
      console.log(`${r.technique.padEnd(40)} ${`${r.measuredGiB.toFixed(1)} GiB`.padStart(10)} ${gib(allocated).padStart(10)} ${pct(error).padStart(8)}${todayColumns}`);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const { median, worst, within } = errorSummary(errors);
  console.log('');
  console.log(`rows: ${errors.length}, estimated: ${errors.filter(Number.isFinite).length}`);
  console.log(`against the published table: median |error| ${(median * 100).toFixed(1)} %, worst ${(worst * 100).toFixed(1)} %, within 10 %: ${within(0.1)} of ${errors.length}`);
  const now = errorSummary(todayErrors);
  console.log(`against the same recipes measured today (${todayErrors.length} rows): median |error| ${(now.median * 100).toFixed(1)} %, worst ${(now.worst * 100).toFixed(1)} %, within 10 %: ${now.within(0.1)} of ${todayErrors.length}`);
}

void run();
