import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { main } from '../../src/cli/main';
import { REFERENCE, ROOT } from './helpers';

async function run(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(args, s => (out += s + '\n'), s => (err += s + '\n'));
  return { code, out, err };
}

const LLAMA = path.join(REFERENCE, 'configs/json/llama-2-7b-chat-hf.config.json');

describe('command line', () => {
  it('prints the JSON contract: parameters, inference and training bytes, fits, problems', async () => {
    const { code, out } = await run(LLAMA, '--json');
    assert.strictEqual(code, 0);
    const report = JSON.parse(out);
    const config = report.files[0].configs[0];
    assert.strictEqual(report.files[0].file, LLAMA);
    assert.strictEqual(config.line, 1);
    assert.strictEqual(config.format, 'json');
    assert.strictEqual(config.architecture, 'Llama');
    assert.strictEqual(config.parameters.total, 6_738_415_616);
    assert.strictEqual(config.parameters.trainable, 6_738_415_616);
    for (const mode of ['inference', 'training']) {
      assert.ok(config[mode].peakBytes > config[mode].allocatedBytes, `${mode} peak above allocated`);
      assert.ok(Number.isInteger(config[mode].components.weights));
    }
    const rtx4090 = config.fits.find((f: { gpu: string }) => f.gpu === 'RTX 4090');
    assert.deepStrictEqual([rtx4090.inference, rtx4090.training], [true, false]);
    assert.deepStrictEqual(config.target, { gpu: 'RTX 4090', memoryMiB: 24564, inference: true, training: false });
    assert.deepStrictEqual(config.problems, []);
    assert.ok(config.assumptions.length > 5);
    assert.deepStrictEqual(report.files[0].errors, []);
  });

  it('settings flags change the estimate (batch, sequence, precision, GPU)', async () => {
    const base = JSON.parse((await run(LLAMA, '--json')).out).files[0].configs[0];
    const big = JSON.parse((await run(LLAMA, '--json', '--batch', '4', '--seq', '1024')).out).files[0].configs[0];
    // KV cache: batch ×4, sequence ÷4 → the same size
    assert.strictEqual(big.inference.components.kvCache, base.inference.components.kvCache);
    const fp32 = JSON.parse((await run(LLAMA, '--json', '--precision', '32-true')).out).files[0].configs[0];
    assert.strictEqual(fp32.inference.components.weights, 2 * base.inference.components.weights);
  });

  it('--check exits 3 when a config does not fit, 0 when it does', async () => {
    assert.strictEqual((await run(LLAMA, '--check', '--mode', 'inference', '--gpu', 'RTX 3060')).code, 3);
    assert.strictEqual((await run(LLAMA, '--check', '--mode', 'inference', '--gpu', 'a100-80gb')).code, 0);
    assert.strictEqual((await run(LLAMA, '--check', '--gpu', 'H100')).code, 3); // training does not fit one H100
  });

  it('prints a readable table by default', async () => {
    const { code, out } = await run(path.join(ROOT, 'examples', 'seed-3-production.json'));
    assert.strictEqual(code, 0);
    assert.match(out, /Production \(nib scale\)\s+\(line 1, Generic decoder \(GPT-style block assumed\), model config\)/);
    assert.match(out, /parameters 26\.6M \(26,595,328\)/);
    assert.match(out, /Peak \(nvidia-smi\)\s+\d/);
    assert.match(out, /RTX 4090 \(24\.0 GiB\): ✓ inference · ✓ training/);
  });

  it('exits 2 on bad usage and unreadable input, with a message', async () => {
    assert.strictEqual((await run()).code, 2);
    const badFlag = await run(LLAMA, '--batch', '0');
    assert.strictEqual(badFlag.code, 2);
    assert.match(badFlag.err, /--batch must be a whole number/);
    assert.match((await run(LLAMA, '--gpu', 'Voodoo 2')).err, /unknown GPU "Voodoo 2"/);
    assert.strictEqual((await run(LLAMA, '--no-such-flag')).code, 2);
    const missing = await run(path.join(os.tmpdir(), 'no-such-config.json'), '--json');
    assert.strictEqual(missing.code, 2);
    assert.match(JSON.parse(missing.out).files[0].errors[0], /ENOENT/);
  });

  it('lists the fixes of each judged mode that does not fit, quantized weights first, under a 5 % margin', async () => {
    const { code, out } = await run(LLAMA, '--json', '--gpu', 'T4');
    assert.strictEqual(code, 0);
    const config = JSON.parse(out).files[0].configs[0];
    assert.strictEqual(config.intent, 'model');
    assert.deepStrictEqual([...new Set(config.fixes.map((f: { mode: string }) => f.mode))], ['inference', 'training']);
    for (const f of config.fixes) {
      assert.deepStrictEqual(Object.keys(f).sort(), ['fits', 'kind', 'mode', 'peakBytes', 'title', 'value']);
      assert.ok(Number.isInteger(f.peakBytes) && f.peakBytes > 0, f.title);
    }
    const inference = config.fixes.filter((f: { mode: string }) => f.mode === 'inference');
    assert.match(inference[0].kind, /quant/);
    const t4Bytes = 15_360 * 1024 * 1024;
    for (const f of config.fixes.filter((x: { kind: string; fits: boolean }) => x.fits && x.kind !== 'target-gpu')) {
      assert.ok(f.peakBytes <= 0.95 * t4Bytes, `${f.title}: ${f.peakBytes} over 95 % of the T4`);
    }
    const text = await run(LLAMA, '--gpu', 'T4');
    assert.match(text.out, new RegExp(`fix \\(inference\\): ${inference[0].title.replace(/`/g, '').replace(/[()[\]{}.*+?^$|\\]/g, '\\$&')}`));
  });

  it('--fix-margin sets how much of the card a fix leaves free, and is checked', async () => {
    const fixes = async (margin: string) => JSON.parse((await run(LLAMA, '--json', '--gpu', 'T4', '--mode', 'inference', '--fix-margin', margin)).out).files[0].configs[0].fixes;
    const tight = await fixes('0');
    const wide = await fixes('40');
    const t4Bytes = 15_360 * 1024 * 1024;
    const sameCard = (f: { kind: string; fits: boolean }) => f.fits && f.kind !== 'target-gpu';
    assert.ok(wide.filter(sameCard).every((f: { peakBytes: number }) => f.peakBytes <= 0.6 * t4Bytes));
    assert.ok(wide.filter((f: { kind: string }) => f.kind === 'quant-8bit').length < tight.filter((f: { kind: string }) => f.kind === 'quant-8bit').length, '8-bit weights need 68 % of the card');
    const bad = await run(LLAMA, '--fix-margin', '80');
    assert.strictEqual(bad.code, 2);
    assert.match(bad.err, /--fix-margin must be a percentage from 0 to 50/);
  });

  it('a JSON file without a model config is fine and reports no configs', async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'vram-')), 'package.json');
    fs.writeFileSync(file, '{"name": "x", "version": "1.0.0"}');
    const { code, out } = await run(file, '--json');
    assert.strictEqual(code, 0);
    assert.deepStrictEqual(JSON.parse(out).files[0].configs, []);
    assert.match(JSON.parse(out).files[0].notes[0], /no model config found/);
  });
});

describe('command line with training files', () => {
  const LORA = path.join(REFERENCE, 'configs/yaml/litgpt-llama-2-7b_lora.yaml');

  it('--qlora-kernel, --bitsandbytes-legacy and --fsdp-no-sync reach the engine and the JSON settings', async () => {
    const qlora = path.join(REFERENCE, 'configs/yaml/litgpt-llama-2-7b_qlora.yaml');
    const legacy = JSON.parse((await run(qlora, '--json', '--bitsandbytes-legacy')).out).files[0].configs[0];
    const torchao = JSON.parse((await run(qlora, '--json', '--qlora-kernel', 'torchao')).out).files[0].configs[0];
    assert.deepStrictEqual([torchao.settings.qloraKernel, legacy.settings.legacyBitsandbytes], ['torchao', true]);
    assert.ok(torchao.training.components.activations < legacy.training.components.activations);
    const flags = ['--json', '--gpus', '4', '--zero', '3', '--grad-accum', '4', '--precision', 'bf16-true'];
    const sharded = JSON.parse((await run(LLAMA, ...flags)).out).files[0].configs[0];
    const noSync = JSON.parse((await run(LLAMA, ...flags, '--fsdp-no-sync')).out).files[0].configs[0];
    assert.strictEqual(noSync.training.components.gradients, 4 * sharded.training.components.gradients);
    assert.strictEqual((await run(LLAMA, '--qlora-kernel', 'foo')).code, 2);
  });

  it('torchtune\'s memory switches as flags: --loss, --compile, --optimizer-in-backward, --activation-offloading', async () => {
    const flags = ['--json', '--mode', 'training', '--precision', 'bf16-true', '--checkpointing', 'full', '--seq', '2048'];
    const config = (...more: string[]) => run(LLAMA, ...flags, ...more).then(r => JSON.parse(r.out).files[0].configs[0]);
    const plain = await config();
    const switched = await config('--loss', 'chunked-output', '--compile', '--optimizer-in-backward', '--activation-offloading');
    assert.deepStrictEqual(
      [switched.settings.loss, switched.settings.compiled, switched.settings.optimizerInBackward, switched.settings.activationOffloading],
      ['chunked-output', true, true, true],
    );
    assert.ok(switched.training.components.activations < plain.training.components.activations);
    assert.ok(switched.training.components.gradients < plain.training.components.gradients);
    assert.ok(switched.assumptions.some((a: string) => /^Loss: cross-entropy over the logits in 8 chunks/.test(a)));
    const bad = await run(LLAMA, '--loss', 'focal');
    assert.strictEqual(bad.code, 2);
    assert.match(bad.err, /--loss/);
  });

  it('reads the run from the file, and a flag overrides what the file says', async () => {
    const fromFile = JSON.parse((await run(LORA, '--json')).out).files[0].configs[0];
    assert.strictEqual(fromFile.settings.batchSize, 2);
    assert.strictEqual(fromFile.parameters.trainable, 16_777_216);
    const flagged = JSON.parse((await run(LORA, '--json', '--batch', '8')).out).files[0].configs[0];
    assert.strictEqual(flagged.settings.batchSize, 8);
    assert.strictEqual(flagged.settings.sequenceLength, 512, 'the rest still comes from the file');
  });

  it('--gpus, --tp and --pp each override only themselves: a file\'s own split stays under --gpus', async () => {
    const neox = path.join(ROOT, 'test', 'fixtures', 'public', 'configs-public', 'yaml', 'gpt-neox__20B.yml');
    const settings = async (...flags: string[]) => JSON.parse((await run(neox, '--json', '--gpu', 'A100 40GB', ...flags)).out).files[0].configs[0].settings;
    const own = await settings();
    assert.deepStrictEqual([own.gpus, own.tensorParallel, own.pipelineParallel], [8, 2, 4]);
    // GPT-NeoX-20B as it was trained: 96 GPUs, data parallel 12 over the file's tensor 2 × pipeline 4.
    const cluster = await settings('--gpus', '96');
    assert.deepStrictEqual([cluster.gpus, cluster.tensorParallel, cluster.pipelineParallel], [96, 2, 4]);
    const wider = await settings('--tp', '4');
    assert.deepStrictEqual([wider.gpus, wider.tensorParallel, wider.pipelineParallel], [16, 4, 4]);
  });

  it('the largest batch for a file that sets its own batch is still searched, not pinned to the file', async () => {
    const c = JSON.parse((await run(LORA, '--json', '--gpu', 'A100 80GB')).out).files[0].configs[0];
    assert.ok(c.advice.training.largestBatch > 2, String(c.advice.training.largestBatch));
  });
});

describe('command line: Jupyter notebooks', () => {
  it('reads the code cells together, in order, and says which cell loads the model', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vram-lens-nb-'));
    const notebook = {
      cells: [
        { cell_type: 'markdown', source: ['# Fine-tune'] },
        { cell_type: 'code', source: ['!pip install unsloth\n', 'model_id = "Qwen/Qwen2.5-7B"\n'] },
        { cell_type: 'code', source: ['from unsloth import FastLanguageModel\n', 'model, tok = FastLanguageModel.from_pretrained(\n', '    model_name=model_id, load_in_4bit=True, max_seq_length=2048)\n'] },
      ],
      metadata: {}, nbformat: 4, nbformat_minor: 5,
    };
    const file = path.join(dir, 'train.ipynb');
    fs.writeFileSync(file, JSON.stringify(notebook));
    const { code, out } = await run(file, '--json');
    assert.strictEqual(code, 0);
    const [config] = JSON.parse(out).files[0].configs;
    assert.deepStrictEqual([config.name, config.cell, config.line, config.settings.quantization, config.settings.sequenceLength], ['Qwen/Qwen2.5-7B', 3, 2, 'nf4-dq', 2048]);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe('command line: launch scripts', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vram-lens-launch-'));
  fs.mkdirSync(path.join(dir, 'recipes'));
  fs.writeFileSync(path.join(dir, 'recipes', 'llama3_2_3B_full.yaml'), [
    'model:', '  _component_: torchtune.models.llama3_2.llama3_2_3b', 'batch_size: 2',
    'tokenizer:', '  _component_: torchtune.models.llama3.llama3_tokenizer', '  max_seq_len: 4096',
    'enable_activation_checkpointing: True', 'dtype: bf16', '',
  ].join('\n'));
  fs.writeFileSync(path.join(dir, 'llama3_8b.toml'), '[model]\nname = "llama3"\nflavor = "8B"\n[training]\nbatch_size = 2\nseq_len = 8192\n[parallelism]\ndata_parallel_shard_degree = -1\n[activation_checkpoint]\nmode = "full"\n');
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** The JSON report of a script written beside the recipes. */
  const launched = async (name: string, text: string) => {
    fs.writeFileSync(path.join(dir, name), text);
    const { code, out } = await run(path.join(dir, name), '--json');
    assert.strictEqual(code, 0);
    return JSON.parse(out).files[0];
  };

  it("a `tune run` line: the recipe it names, its GPUs and its key=value overrides, at the launch's line", async () => {
    const [config] = (await launched('train.sh', '#!/bin/bash\n# full fine-tune\nNGPU=${NGPU:-8}\ntune run --nproc_per_node $NGPU full_finetune_distributed \\\n  --config ./recipes/llama3_2_3B_full.yaml \\\n  batch_size=4 tokenizer.max_seq_len=2048\n')).configs;
    const s = config.settings;
    assert.deepStrictEqual([config.name, config.line, s.gpus, s.zeroStage, s.batchSize, s.sequenceLength], ['meta-llama/Llama-3.2-3B', 4, 8, 3, 4, 2048]);
  });

  it("torchtitan's run_train.sh: torchrun's processes, the job file and its --section.key overrides", async () => {
    const text = '#!/usr/bin/bash\nNGPU=${NGPU:-"8"}\nCONFIG_FILE=${CONFIG_FILE:-"./llama3_8b.toml"}\ntorchrun --nproc_per_node=${NGPU} --rdzv_backend c10d \\\n-m torchtitan.train --job.config_file ${CONFIG_FILE} --training.batch_size 1 --parallelism.tensor_parallel_degree=2 "$@"\n';
    const [config] = (await launched('run_train.sh', text)).configs;
    const s = config.settings;
    // data_parallel_shard_degree = -1: FSDP2 over the 4 GPUs tensor parallelism leaves.
    assert.deepStrictEqual([config.name, config.line, s.gpus, s.tensorParallel, s.zeroStage, s.batchSize], ['meta-llama/Meta-Llama-3-8B', 4, 8, 2, 3, 1]);
  });

  it('a training script under accelerate launch: its model and run, the accelerate config\'s processes, precision and FSDP, the command line\'s arguments', async () => {
    fs.mkdirSync(path.join(dir, 'configs'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'train.py'), [
      'from transformers import AutoModelForCausalLM, HfArgumentParser, Trainer, TrainingArguments',
      'parser = HfArgumentParser((TrainingArguments,))', '(args,) = parser.parse_args_into_dataclasses()',
      'model = AutoModelForCausalLM.from_pretrained(args.model_name_or_path)', 'Trainer(model=model, args=args).train()', '',
    ].join('\n'));
    fs.writeFileSync(path.join(dir, 'configs', 'fsdp.yaml'), 'distributed_type: FSDP\nfsdp_config:\n  fsdp_sharding_strategy: FULL_SHARD\nmixed_precision: bf16\nnum_processes: 8\n');
    const text = '#!/bin/bash\naccelerate launch --config_file configs/fsdp.yaml train.py \\\n  --model_name_or_path meta-llama/Llama-2-7b-hf --per_device_train_batch_size 4 --gradient_checkpointing --max_seq_length 2048\n';
    const [config] = (await launched('accelerate.sh', text)).configs;
    const s = config.settings;
    assert.deepStrictEqual([config.name, config.line, s.gpus, s.zeroStage, s.precision, s.batchSize, s.sequenceLength, s.checkpointing], ['meta-llama/Llama-2-7b-hf', 2, 8, 3, 'bf16-mixed', 4, 2048, 'full']);
  });

  it("an FSDP launch that accumulates keeps full gradients between micro-batches; accelerate's sync_each_batch, the fix, shards them", async () => {
    const line = 'accelerate launch --config_file configs/fsdp.yaml train.py \\\n  --model_name_or_path meta-llama/Llama-2-7b-hf --per_device_train_batch_size 2 --gradient_accumulation_steps 4 --gradient_checkpointing --max_seq_length 2048\n';
    const [held] = (await launched('accumulate.sh', line)).configs;
    const params = held.parameters.total;
    assert.deepStrictEqual([held.settings.gpus, held.settings.gradientAccumulationSteps, held.settings.unshardedAccumulation, held.training.components.gradients], [8, 4, true, params * 2]);
    const sync = held.fixes.find((f: { kind: string }) => f.kind === 'gradient-sync');
    assert.ok(sync, held.fixes.map((f: { title: string }) => f.title).join('\n'));
    const flag = `--accelerator_config '{"gradient_accumulation_kwargs":{"sync_each_batch":true}}'`;
    assert.ok(sync.title.includes(`: ${flag} → `), sync.title);
    const edited = line.replace('--gradient_accumulation_steps', `${flag} --gradient_accumulation_steps`);
    const [synced] = (await launched('synced.sh', edited)).configs;
    assert.deepStrictEqual([synced.settings.unshardedAccumulation, synced.training.components.gradients, synced.training.peakBytes], [false, (params * 2) / 8, sync.peakBytes]);
  });

  it('the deepspeed launcher and a DeepSpeed config, named on the command line or by the accelerate config', async () => {
    fs.writeFileSync(path.join(dir, 'ds_z3.json'), JSON.stringify({ zero_optimization: { stage: 3, reduce_bucket_size: 'auto', offload_optimizer: { device: 'cpu' } }, train_micro_batch_size_per_gpu: 'auto' }));
    fs.writeFileSync(path.join(dir, 'configs', 'ds.yaml'), 'distributed_type: DEEPSPEED\ndeepspeed_config:\n  deepspeed_config_file: ds_z3.json\nnum_processes: 4\n');
    const text = 'deepspeed --num_gpus 8 train.py --deepspeed ds_z3.json --model_name_or_path meta-llama/Llama-2-7b-hf --per_device_train_batch_size 2\n'
      + 'accelerate launch --config_file configs/ds.yaml train.py --model_name_or_path meta-llama/Llama-2-7b-hf\n';
    const [direct, viaAccelerate] = (await launched('deepspeed.sh', text)).configs;
    const shape = (c: { settings: Record<string, unknown> }) => [c.settings.gpus, c.settings.zeroStage, c.settings.deepspeed, c.settings.offloadOptimizer];
    assert.deepStrictEqual(shape(direct), [8, 3, true, true]);
    assert.deepStrictEqual(shape(viaAccelerate), [4, 3, true, true]);
    assert.strictEqual(direct.settings.batchSize, 2);
  });

  it('a launched script that is not there is said on its path', async () => {
    const result = await launched('nowhere.sh', 'accelerate launch --num_processes 2 missing_train.py --per_device_train_batch_size 2\n');
    assert.deepStrictEqual(result.configs, []);
    assert.ok(result.notes.some((n: string) => /from the script it runs, and could not read missing_train\.py/.test(n)), result.notes.join('\n'));
  });

  it('a script that launches nothing, or names a recipe that is not there, gets no number', async () => {
    assert.deepStrictEqual((await launched('setup.sh', '#!/bin/bash\npip install torchtune\necho done\n')).configs, []);
    const result = await launched('missing.sh', 'tune run lora_finetune_single_device --config ./recipes/nowhere.yaml\n');
    assert.deepStrictEqual(result.configs, []);
    assert.ok(result.notes.some((n: string) => /could not read \.\/recipes\/nowhere\.yaml/.test(n)));
  });
});
