// unsloth's published longest contexts for QLoRA of Llama 3.1 8B by GPU memory, posed as the scripts users write and
// estimated on a card of that memory at that context.   npm run bench:unsloth
//
// Data: bench/data/unsloth-context-lengths.json (with its source). Each published context is the longest that fit, so
// the estimate at it should come to the card's memory or just under; the memory per token between rows (the slope)
// checks the activations alone, whatever the fixed terms.
import * as fs from 'fs';
import * as path from 'path';
import { analyzeDocument, DEFAULT_OPTIONS } from '../src/core/analyze';
import { findGpu, gpuMemoryBytes } from '../src/core/gpus';
import { parseConfig } from '../src/parse';
import { errorSummary } from './errors';

const root = path.resolve(__dirname, '..', '..');
const GIB = 2 ** 30;

interface Row {
  readonly memoryGB: number;
  readonly card: string;
  readonly unsloth: number;
  readonly huggingface: number | null;
}

/** unsloth's way, as its notebooks write it: its loader, get_peft_model's defaults, 8-bit AdamW. */
const unslothScript = (model: string) => (tokens: number): string => {
  return [
    'from unsloth import FastLanguageModel',
    'from trl import SFTTrainer, SFTConfig',
    `model, tokenizer = FastLanguageModel.from_pretrained(model_name = "unsloth/${model}", max_seq_length = ${tokens}, load_in_4bit = True)`,
    'model = FastLanguageModel.get_peft_model(model, r = 32, lora_alpha = 32)',
    `trainer = SFTTrainer(model = model, train_dataset = dataset, args = SFTConfig(per_device_train_batch_size = 1, max_seq_length = ${tokens}, optim = "adamw_8bit"))`,
    'trainer.train()',
  ].join('\n');
};

/** Hugging Face's way: NF4 with double quantization, checkpointing by prepare_model_for_kbit_training, Flash Attention 2. */
const huggingFaceScript = (model: string) => (tokens: number): string => {
  return [
    'import torch',
    'from transformers import AutoModelForCausalLM, BitsAndBytesConfig',
    'from peft import LoraConfig, get_peft_model, prepare_model_for_kbit_training',
    'from trl import SFTTrainer, SFTConfig',
    'bnb = BitsAndBytesConfig(load_in_4bit = True, bnb_4bit_quant_type = "nf4", bnb_4bit_use_double_quant = True, bnb_4bit_compute_dtype = torch.bfloat16)',
    `model = AutoModelForCausalLM.from_pretrained("meta-llama/${model}", quantization_config = bnb, attn_implementation = "flash_attention_2")`,
    'model = prepare_model_for_kbit_training(model)',
    'model = get_peft_model(model, LoraConfig(r = 32, lora_alpha = 32, lora_dropout = 0, target_modules = ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"]))',
    `trainer = SFTTrainer(model = model, train_dataset = dataset, args = SFTConfig(per_device_train_batch_size = 1, max_seq_length = ${tokens}, optim = "adamw_8bit", bf16 = True))`,
    'trainer.train()',
  ].join('\n');
};

/** The training peak (nvidia-smi level) of a script on a card. */
function peakOn(script: string, card: string): number {
  const a = analyzeDocument(parseConfig(script, 'python'), { ...DEFAULT_OPTIONS, targetGpu: card }).configs[0];
  if (!a?.estimate) {
    throw new Error(`no estimate: ${a?.problems.map(p => p.message).join('; ')}`);
  }
  return a.estimate.training.peakBytes;
}

function pct(x: number): string {
  return `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)} %`;
}

function report(name: string, rows: readonly { card: string; tokens: number }[], script: (tokens: number) => string, published: { tokens: number; gb: number }[]): void {
  console.log(`${name}: the estimate at the published longest context, against the card`);
  const errors: number[] = [];
  let fits = 0;
  for (const r of rows) {
    const gpu = findGpu(r.card)!;
    const peak = peakOn(script(r.tokens), r.card);
    const error = peak / gpuMemoryBytes(gpu) - 1;
    errors.push(error);
    fits += error <= 0 ? 1 : 0;
    console.log(`  ${r.card.padEnd(17)} ${r.tokens.toLocaleString('en-US').padStart(8)} tokens  ${(peak / GIB).toFixed(1).padStart(6)} GiB of ${(gpuMemoryBytes(gpu) / GIB).toFixed(1).padStart(5)}  ${pct(error)}`);
  }
  const first = published[0];
  const last = published[published.length - 1];
  const estimated = (peakOn(script(last.tokens), rows[rows.length - 1].card) - peakOn(script(first.tokens), rows[rows.length - 1].card)) / (last.tokens - first.tokens);
  const perToken = ((last.gb - first.gb) * GIB) / (last.tokens - first.tokens);
  const { median, worst } = errorSummary(errors);
  const above = errors.filter(e => e > 0).length;
  console.log(`  median |error| ${(median * 100).toFixed(1)} %, worst ${(worst * 100).toFixed(1)} % (${above} of ${rows.length} above their card); estimated to fit their card: ${fits} of ${rows.length}`);
  console.log(`  memory per token from ${first.gb} to ${last.gb} GB: published ${(perToken / 1024).toFixed(0)} KiB (taking GB as GiB; ${((perToken * 1e9) / GIB / 1024).toFixed(0)} KiB as 10^9 bytes), estimated ${(estimated / 1024).toFixed(0)} KiB (${pct(estimated / perToken - 1)})`);
}

function run(): void {
  const data = JSON.parse(fs.readFileSync(path.join(root, 'bench', 'data', 'unsloth-context-lengths.json'), 'utf8')) as { rows: Row[]; rows70b: Row[]; source: string };
  console.log(`source: ${data.source}`);
  for (const [label, rows, unslothId, hfId] of [
    ['Llama 3.1 8B', data.rows, 'Meta-Llama-3.1-8B-Instruct', 'Llama-3.1-8B-Instruct'],
    ['Llama 3.3 70B', data.rows70b, 'Llama-3.3-70B-Instruct', 'Llama-3.3-70B-Instruct'],
  ] as const) {
    const slopeRows = (pick: (r: Row) => number | null) => {
      const usable = rows.filter(r => pick(r) !== null);
      const wide = usable.filter(r => r.memoryGB >= 40);
      return (wide.length >= 2 ? wide : usable).map(r => ({ tokens: pick(r)!, gb: r.memoryGB }));
    };
    report(`${label}, unsloth (FastLanguageModel, its offloaded checkpointing, kernels and fused loss)`, rows.map(r => ({ card: r.card, tokens: r.unsloth })), unslothScript(unslothId), slopeRows(r => r.unsloth));
    const hf = rows.filter(r => r.huggingface !== null).map(r => ({ card: r.card, tokens: r.huggingface! }));
    const hfSlope = slopeRows(r => r.huggingface);
    if (hfSlope.length >= 2) {
      report(`${label}, Hugging Face + FA2 (transformers, PEFT, bitsandbytes, checkpointing)`, hf, huggingFaceScript(hfId), hfSlope);
    } else {
      for (const r of hf) {
        const peak = peakOn(huggingFaceScript(hfId)(r.tokens), r.card);
        const cap = gpuMemoryBytes(findGpu(r.card)!);
        console.log(`${label}, Hugging Face + FA2: ${r.card} at ${r.tokens.toLocaleString('en-US')} tokens ${(peak / GIB).toFixed(1)} GiB of ${(cap / GIB).toFixed(1)}  ${pct(peak / cap - 1)}`);
      }
    }
  }
}

run();
