// LitGPT's published resource table (LoRA and QLoRA on one A100 40GB), each row posed as a LitGPT recipe whose
// checkpoint folder holds LitGPT's own model_config.yaml, so the estimate uses LitGPT's model code as LitGPT does.
//   npm run bench:litgpt
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { main } from '../src/cli/main';
import { errorSummary } from './errors';

const root = path.resolve(__dirname, '..', '..');
const data = path.join(root, 'bench', 'data');

interface Row {
  readonly model: string;
  readonly checkpoint: string;
  readonly longestExample: number;
  readonly quantize: string | null;
  readonly microBatch: number;
  readonly maxGpuRamGB: number;
  readonly trainable: number;
}

/** The recipe LitGPT ran for a row: its finetune_lora defaults of the time, the row's micro-batch and quantization. */
function recipe(r: Row): string {
  return [
    `checkpoint_dir: checkpoints/${r.checkpoint}`,
    'precision: bf16-true',
    ...(r.quantize ? [`quantize: ${r.quantize}`] : []),
    'lora_r: 8', 'lora_alpha: 16', 'lora_dropout: 0.05',
    'lora_query: true', 'lora_key: false', 'lora_value: true', 'lora_projection: false', 'lora_mlp: false', 'lora_head: false',
    'train:', `  micro_batch_size: ${r.microBatch}`, `  max_seq_length: ${r.longestExample}`, '',
  ].join('\n');
}

async function estimate(dir: string, r: Row): Promise<{ allocated: number; trainable: number; framework: string } | undefined> {
  const file = path.join(dir, `${r.checkpoint.replace('/', '_')}-${r.quantize ?? 'none'}-${r.microBatch}.yaml`);
  fs.writeFileSync(file, recipe(r));
  let out = '';
  // The table states bitsandbytes 0.41.1, whose 4-bit matmul still kept each quantized layer's input.
  await main([file, '--json', '--gpu', 'A100 40GB', '--bitsandbytes-legacy'], s => (out += s), () => undefined);
  const c = JSON.parse(out).files[0].configs[0];
  return c?.training && { allocated: c.training.allocatedBytes, trainable: c.parameters.trainable, framework: c.assumptions.find((a: string) => a.startsWith('Architecture')) ?? '' };
}

async function run(): Promise<void> {
  const table = JSON.parse(fs.readFileSync(path.join(data, 'litgpt-resource-tables.json'), 'utf8')) as { rows: Row[] };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vram-lens-litgpt-'));
  fs.cpSync(path.join(data, 'litgpt-checkpoints'), path.join(dir, 'checkpoints'), { recursive: true });
  const errors: number[] = [];
  console.log(`${'row'.padEnd(40)} ${'measured'.padStart(9)} ${'estimate'.padStart(9)} ${'error'.padStart(7)}  trainable`);
  try {
    for (const r of table.rows) {
      const e = await estimate(dir, r);
      const id = `${r.model}, ${r.quantize ?? 'bf16'}, micro-batch ${r.microBatch}`;
      if (!e) {
        console.log(`${id.padEnd(40)} ${`${r.maxGpuRamGB.toFixed(2)} GB`.padStart(9)} no estimate`);
        errors.push(Number.POSITIVE_INFINITY);
        continue;
      }
      const error = e.allocated / (r.maxGpuRamGB * 1e9) - 1;
      errors.push(error);
      const trainable = e.trainable === r.trainable ? `${e.trainable.toLocaleString('en-US')} (as published)` : `${e.trainable.toLocaleString('en-US')} ≠ ${r.trainable.toLocaleString('en-US')}`;
      console.log(`${id.padEnd(40)} ${`${r.maxGpuRamGB.toFixed(2)} GB`.padStart(9)} ${`${(e.allocated / 1e9).toFixed(2)} GB`.padStart(9)} ${`${(error * 100).toFixed(1)} %`.padStart(7)}  ${trainable}`);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const { median, worst } = errorSummary(errors);
  console.log('');
  console.log(`rows: ${errors.length}, estimated: ${errors.filter(Number.isFinite).length}`);
  console.log(`median |error| ${(median * 100).toFixed(1)} % (target ≤ 5 %), worst ${(worst * 100).toFixed(1)} % (target ≤ 12 %)`);
}

void run();
