// torchtune's published memory for its own switches (README "Optimization flags", Llama 3.2 3B on an A100), each row
// posed as the torchtune recipe that ran it and estimated through the CLI, against torchtune's logged peak.
//   npm run bench:torchtune
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { main } from '../src/cli/main';
import { errorSummary } from './errors';

const root = path.resolve(__dirname, '..', '..');
const GIB = 1024 ** 3;

interface Row {
  readonly id: string;
  /** The same recipe measured by VRAM Lens with today's torchtune (bench/data/torchtune-h200.json). */
  readonly measuredToday?: string;
  readonly technique: string;
  readonly recipe: 'full' | 'lora' | 'qlora';
  readonly measuredGiB: number;
  readonly switches: {
    readonly optimizer: string;
    readonly loss: string;
    readonly compile: boolean;
    readonly enable_activation_checkpointing: boolean;
    readonly optimizer_in_bwd: boolean;
    readonly enable_activation_offloading: boolean;
  };
}

/** The model section of each recipe, as torchtune's llama3_2 3B configs write it. */
const MODEL: Readonly<Record<Row['recipe'], readonly string[]>> = {
  full: ['  _component_: torchtune.models.llama3_2.llama3_2_3b'],
  lora: ['  _component_: torchtune.models.llama3_2.lora_llama3_2_3b', "  lora_attn_modules: ['q_proj', 'v_proj', 'output_proj']", '  apply_lora_to_mlp: True', '  lora_rank: 64', '  lora_alpha: 128', '  lora_dropout: 0.0'],
  qlora: ['  _component_: torchtune.models.llama3_2.qlora_llama3_2_3b', "  lora_attn_modules: ['q_proj', 'v_proj', 'output_proj']", '  apply_lora_to_mlp: True', '  lora_rank: 64', '  lora_alpha: 128', '  lora_dropout: 0.0'],
};

/** The recipe a row ran: its config with the table's switches and the common batch, packing and length. */
function recipe(r: Row): string {
  const s = r.switches;
  const adamw = s.optimizer === 'torch.optim.AdamW';
  return [
    'model:', ...MODEL[r.recipe],
    'tokenizer:', '  _component_: torchtune.models.llama3.llama3_tokenizer', '  max_seq_len: 4096',
    'dataset:', '  _component_: torchtune.datasets.alpaca_cleaned_dataset', '  packed: True',
    'batch_size: 2', 'gradient_accumulation_steps: 1', 'dtype: bf16',
    'optimizer:', `  _component_: ${s.optimizer}`, ...(adamw ? ['  fused: True'] : []),
    'loss:', `  _component_: ${s.loss}`,
    `compile: ${s.compile}`, `optimizer_in_bwd: ${s.optimizer_in_bwd}`,
    `enable_activation_checkpointing: ${s.enable_activation_checkpointing}`, `enable_activation_offloading: ${s.enable_activation_offloading}`, '',
  ].join('\n');
}

async function estimate(dir: string, r: Row): Promise<number | undefined> {
  const file = path.join(dir, `${r.id}.yaml`);
  fs.writeFileSync(file, recipe(r));
  let out = '';
  await main([file, '--json', '--gpu', 'A100 80GB'], s => (out += s), () => undefined);
  return JSON.parse(out).files[0].configs[0]?.training?.allocatedBytes as number | undefined;
}

async function run(): Promise<void> {
  const table = JSON.parse(fs.readFileSync(path.join(root, 'bench', 'data', 'torchtune-readme.json'), 'utf8')) as { rows: Row[] };
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
    for (const r of table.rows) {
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
