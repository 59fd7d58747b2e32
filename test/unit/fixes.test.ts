import * as assert from 'assert';
import { analyzeDocument, DEFAULT_OPTIONS } from '../../src/core/analyze';
import type { AnalysisOptions } from '../../src/core/options';
import { compareGpusMarkdown, whatFitsMarkdown } from '../../src/core/explain';
import { fixesFor } from '../../src/core/fixes';
import { ALL_LINEAR_TARGETS } from '../../src/core/weightTensor';
import * as fs from 'fs';
import * as path from 'path';
import { customGpu, MAX_CUSTOM_GPUS, MAX_GPU_MIB, MAX_GPU_NAME, findGpu, GPUS, GPUS_FILE, gpuMemoryBytes, gpusFromFile } from '../../src/core/gpus';
import { cloudVsBuy, throughputOn } from '../../src/core/throughput';
import { parseConfig, type ConfigFormat } from '../../src/parse';
import { PUBLIC, readReference, ROOT } from './helpers';

function apply(text: string, span: { start: number; end: number }, newText: string): string {
  return text.slice(0, span.start) + newText + text.slice(span.end);
}

function analyze(text: string, format: ConfigFormat, options: Partial<AnalysisOptions> = {}) {
  return analyzeDocument(parseConfig(text, format), { ...DEFAULT_OPTIONS, ...options });
}

/** A file's first config and its training fixes (every listed card offered), each edit judged by re-reading the text. */
function trainingFixes(text: string, format: ConfigFormat, options: AnalysisOptions) {
  const reanalyze = (t: string) => analyzeDocument(parseConfig(t, format), options);
  const doc = reanalyze(text);
  const a = doc.configs[0];
  return { a, reanalyze, fixes: fixesFor(a, options, doc.gpu!, 'training', text, GPUS, reanalyze) };
}

describe('quick fixes that really fit', () => {
  it('a LitGPT YAML that does not fit gets file edits in YAML, each of which fits once applied', () => {
    const text = readReference('configs/yaml/litgpt-tiny-llama_full.yaml');
    const options = { ...DEFAULT_OPTIONS, targetGpu: 'RTX 4060' };
    const doc = analyze(text, 'yaml', options);
    const gpu = doc.gpu!;
    const fixes = fixesFor(doc.configs[0], options, gpu, 'training', text);
    assert.ok(fixes.length > 0);
    assert.ok(fixes[0].preferred);
    for (const f of fixes) {
      assert.ok(f.peakBytes <= gpuMemoryBytes(gpu) || f.setting?.setting === 'targetGpu', f.title);
      if (f.edit) {
        const edited = apply(text, f.edit.span, f.edit.newText);
        const after = analyze(edited, 'yaml', options).configs[0].estimate!;
        assert.ok(after.training.peakBytes <= gpuMemoryBytes(gpu), `${f.title}: ${after.training.peakBytes}`);
      }
    }
  });

  it("a Megatron-LM launch script's fixes edit its arguments in place: the micro-batch, selective recompute made full (with the method Megatron-Core requires), more tensor parallelism", () => {
    const text = fs.readFileSync(path.join(ROOT, 'bench', 'data', 'megatron', 'llama3-8b-tp2-sp-selective.sh'), 'utf8');
    const options = { ...DEFAULT_OPTIONS, targetGpu: 'H100 80GB' };
    const doc = analyze(text, 'shell', options);
    const fixes = fixesFor(doc.configs[0], options, doc.gpu!, 'training', text, undefined, t => analyze(t, 'shell', options));
    const edits = fixes.filter(f => f.edit).map(f => [text.slice(f.edit!.span.start, f.edit!.span.end), f.edit!.newText]);
    assert.deepStrictEqual(edits, [['2', '1'], ['selective', 'full --recompute-method uniform --recompute-num-layers 1'], ['2', '4']]);
    for (const f of fixes.filter(x => x.edit)) {
      const after = analyze(apply(text, f.edit!.span, f.edit!.newText), 'shell', options).configs[0].estimate!;
      assert.ok(after.training.peakBytes <= gpuMemoryBytes(doc.gpu!), f.title);
    }
    const recompute = fixes.find(f => f.edit?.newText.startsWith('full'))!;
    const s = analyze(apply(text, recompute.edit!.span, recompute.edit!.newText), 'shell', options).configs[0].estimate!.settings;
    assert.deepStrictEqual([s.checkpointing, s.recomputeMethod, s.recomputeLayers], ['full', 'uniform', 1]);
    // Megatron-Core shards with its distributed optimizer alone, and a pretraining run is not switched to adapters.
    assert.ok(!fixes.some(f => /ZeRO stage [23]|LoRA|8-bit AdamW/.test(f.title)), fixes.map(f => f.title).join('\n'));
  });

  it("a NeMo config's tensor parallelism is edited in its YAML over the GPUs it has; a torchtitan file whose degrees fix its GPU count gets no such edit", () => {
    const text = fs.readFileSync(path.join(ROOT, 'test', 'fixtures', 'public', 'configs-public', 'yaml', 'NVIDIA__NeMo-Framework-Launcher__training_llama_llama3_70b.yaml'), 'utf8');
    const options = { ...DEFAULT_OPTIONS, targetGpu: 'A100 40GB' };
    const doc = analyze(text, 'yaml', options);
    const fixes = fixesFor(doc.configs[0], options, doc.gpu!, 'training', text, undefined, t => analyze(t, 'yaml', options));
    const tp = fixes.find(f => f.title.startsWith('Split each layer'))!;
    assert.strictEqual(text.slice(tp.edit!.span.start, tp.edit!.span.end), '4');
    const after = analyze(apply(text, tp.edit!.span, tp.edit!.newText), 'yaml', options).configs[0].estimate!;
    assert.deepStrictEqual([after.settings.tensorParallel, after.settings.gpus], [Number(tp.edit!.newText), 1024]);
    assert.ok(after.training.peakBytes <= gpuMemoryBytes(doc.gpu!));
    assert.ok(!fixes.some(f => /ZeRO stage [23]|LoRA|8-bit AdamW|tensor parallel \(setting/.test(f.title)), fixes.map(f => f.title).join('\n'));
    // Full recompute is NeMo's three keys at once, in one edit that keeps the lines between them.
    const recompute = fixes.find(f => f.title.startsWith('Enable gradient checkpointing'))!;
    assert.strictEqual(recompute.edit!.newText, 'full\n  activations_checkpoint_method: uniform\n  activations_checkpoint_num_layers: 1');
    const recomputed = analyze(apply(text, recompute.edit!.span, recompute.edit!.newText), 'yaml', options).configs[0].estimate!;
    assert.deepStrictEqual([recomputed.settings.checkpointing, recomputed.settings.recomputeMethod, recomputed.settings.recomputeLayers], ['full', 'uniform', 1]);
    assert.ok(recomputed.training.peakBytes <= gpuMemoryBytes(doc.gpu!));
    // torchtitan: data_parallel_shard_degree × tensor_parallel_degree is the GPU count, so a wider split needs more GPUs.
    const titan = fs.readFileSync(path.join(ROOT, 'bench', 'data', 'torchtitan', 't1-8b-fsdp8.toml'), 'utf8');
    const titanDoc = analyze(titan, 'toml', options);
    const titanFixes = fixesFor(titanDoc.configs[0], options, titanDoc.gpu!, 'training', titan, undefined, t => analyze(t, 'toml', options));
    assert.ok(!titanFixes.some(f => f.title.startsWith('Split each layer')), titanFixes.map(f => f.title).join('\n'));
  });

  it('raises the ZeRO stage the file states, to the lowest stage that fits, and the edit fits once applied', () => {
    // A training config with the model's shape and DeepSpeed's keys beside it (a saved checkpoint config, which
    // names its architectures, is not read for training keys).
    const { architectures, transformers_version, torch_dtype, ...model } = JSON.parse(readReference('configs/json/llama-2-7b-chat-hf.config.json'));
    assert.ok(architectures && transformers_version && torch_dtype);
    const text = JSON.stringify({ ...model, train_micro_batch_size_per_gpu: 1, zero_optimization: { stage: 1 } }, null, 2);
    const options = { ...DEFAULT_OPTIONS, targetGpu: 'A100 80GB', gpus: 8, sequenceLength: 1024 };
    const doc = analyze(text, 'json', options);
    assert.strictEqual(doc.configs[0].estimate!.settings.zeroStage, 1);
    const fixes = fixesFor(doc.configs[0], options, doc.gpu!, 'training', text);
    const zero = fixes.find(f => f.title.startsWith('Raise the ZeRO stage'));
    assert.ok(zero?.edit, fixes.map(f => f.title).join('\n'));
    const stage = Number(zero.edit.newText);
    assert.ok(stage === 2 || stage === 3);
    const edited = apply(text, zero.edit.span, zero.edit.newText);
    const after = analyze(edited, 'json', options);
    assert.strictEqual(after.configs[0].estimate!.settings.zeroStage, stage);
    assert.ok(after.configs[0].estimate!.training.peakBytes <= gpuMemoryBytes(doc.gpu!));
    if (stage === 3) {
      // Stage 2 would not have been enough, or it would have been offered instead.
      const two = analyze(apply(text, zero.edit.span, '2'), 'json', options).configs[0].estimate!;
      assert.ok(two.training.peakBytes > gpuMemoryBytes(doc.gpu!));
    }
  });

  it('DeepSpeed on one GPU runs its own layout, and ZeRO-Offload keeps the gradient partitions in CPU memory', () => {
    const { architectures, transformers_version, torch_dtype, ...model } = JSON.parse(readReference('configs/json/llama-2-7b-chat-hf.config.json'));
    assert.ok(architectures && transformers_version && torch_dtype);
    const run = (zero: object, gpus = 1) => analyze(JSON.stringify({ ...model, train_micro_batch_size_per_gpu: 1, gradient_accumulation_steps: 4, zero_optimization: zero }), 'json', { ...DEFAULT_OPTIONS, gpus, sequenceLength: 2048 }).configs[0].estimate!;
    const P = 6_738_415_616;
    const bucket = 5e8 * 2; // reduce_bucket_size's default, in 16 bits
    // ZeRO-2 on one GPU: bf16 weights and gradients, fp32 master weights with Adam's two states; no autocast copies.
    const two = run({ stage: 2 });
    assert.deepStrictEqual([two.training.components.weights, two.training.components.optimizer, two.training.components.gradients], [P * 2, P * 12, P * 2 + bucket]);
    assert.strictEqual(two.training.components.activations, run({ stage: 2 }, 2).training.components.activations);
    // ZeRO-Offload: the states in CPU memory, and the gradient partitions too, through a buffer of the largest tensor.
    const offload = run({ stage: 2, offload_optimizer: { device: 'cpu' } });
    assert.deepStrictEqual([offload.training.components.optimizer, offload.training.components.gradients], [0, 32000 * 4096 * 2 + bucket]);
    // ZeRO-3 with both offloads: weights gathered module by module, gradients only through the reduce bucket.
    const infinity = run({ stage: 3, offload_optimizer: { device: 'cpu' }, offload_param: { device: 'cpu' } });
    assert.deepStrictEqual([infinity.training.components.weights, infinity.training.components.optimizer, infinity.training.components.gradients], [0, 0, bucket]);
    // What is left is the activations (no checkpointing here): the model states add only their buffers to them.
    const c = infinity.training.components;
    assert.ok(infinity.training.allocatedBytes - c.activations < 2 * 2 ** 30, JSON.stringify(c));
  });

  it('a file name of a DeepSpeed config keeps its form: zero2.json becomes zero3.json', () => {
    // An axolotl-style full fine-tune of Llama-2-7B on 4 A100s, named through its DeepSpeed file.
    const yaml = 'base_model: meta-llama/Llama-2-7b-hf\nmicro_batch_size: 1\nsequence_len: 2048\nbf16: true\ndeepspeed: deepspeed_configs/zero2.json\n';
    const options = { ...DEFAULT_OPTIONS, targetGpu: 'A100 80GB', gpus: 4 };
    const doc = analyze(yaml, 'yaml', options);
    const fixes = fixesFor(doc.configs[0], options, doc.gpu!, 'training', yaml);
    const zero = fixes.find(f => f.title.startsWith('Raise the ZeRO stage to 3'));
    assert.ok(zero?.edit, fixes.map(f => f.title).join('\n'));
    assert.strictEqual(zero.edit.newText, 'deepspeed_configs/zero3.json');
  });

  it('one GPU that is too small: train on the fewest GPUs that fit with ZeRO-3, in the file (LitGPT devices) or in settings', () => {
    const text = readReference('configs/yaml/litgpt-tiny-llama_full.yaml');
    const options = { ...DEFAULT_OPTIONS, targetGpu: 'RTX 4060' };
    const doc = analyze(text, 'yaml', options);
    // Re-read like the editor does: LitGPT's devices also bring FSDP, checkpointing and a new accumulation count.
    const fixes = fixesFor(doc.configs[0], options, doc.gpu!, 'training', text, undefined, t => analyze(t, 'yaml', options));
    const multi = fixes.find(f => f.title.startsWith('Train on'));
    assert.ok(multi?.edit, fixes.map(f => f.title).join('\n'));
    const edited = apply(text, multi.edit.span, multi.edit.newText);
    assert.match(edited, new RegExp(`devices: ${multi.edit.newText}\\b`));
    const after = analyze(edited, 'yaml', options).configs[0].estimate!;
    assert.strictEqual(after.settings.zeroStage, 3);
    assert.strictEqual(after.settings.checkpointing, 'full');
    assert.strictEqual(multi.peakBytes, after.training.peakBytes, 'the fix previews the edited file\'s own estimate');
    assert.ok(after.training.peakBytes <= gpuMemoryBytes(doc.gpu!));

    const hf = readReference('configs/json/llama-2-7b-chat-hf.config.json');
    const hfOptions = { ...DEFAULT_OPTIONS, targetGpu: 'A100 80GB', sequenceLength: 1024 };
    const hfDoc = analyze(hf, 'json', hfOptions);
    const hfMulti = fixesFor(hfDoc.configs[0], hfOptions, hfDoc.gpu!, 'training', hf).find(f => f.title.startsWith('Train on'));
    assert.ok(hfMulti && !hfMulti.edit);
    assert.strictEqual(hfMulti.alsoSettings?.[0].setting, 'zeroStage');
    assert.strictEqual(hfMulti.alsoSettings?.[0].value, 3);
    const n = hfMulti.setting!.value as number;
    const applied = analyze(hf, 'json', { ...hfOptions, gpus: n, zeroStage: 3 }).configs[0].estimate!;
    assert.ok(applied.training.peakBytes <= gpuMemoryBytes(hfDoc.gpu!), hfMulti.title);
  });

  it('a run already sharded over several GPUs gets more of them, in its own key (LitGPT devices: 4 → 8)', () => {
    const text = fs.readFileSync(path.join(PUBLIC, 'configs-public', 'yaml', 'litgpt__finetune__llama-2-7b_full.yaml'), 'utf8');
    const options = { ...DEFAULT_OPTIONS, targetGpu: 'RTX 4090' };
    const doc = analyze(text, 'yaml', options);
    assert.strictEqual(doc.configs[0].estimate!.settings.gpus, 4);
    assert.strictEqual(doc.configs[0].verdict?.training, false);
    const fixes = fixesFor(doc.configs[0], options, doc.gpu!, 'training', text, undefined, t => analyze(t, 'yaml', options));
    const more = fixes.find(f => f.kind === 'gpus');
    assert.ok(more?.edit, fixes.map(f => f.title).join('\n'));
    assert.strictEqual(more.edit.newText, '8');
    const after = analyze(apply(text, more.edit.span, more.edit.newText), 'yaml', options).configs[0].estimate!;
    assert.strictEqual(after.settings.gpus, 8);
    assert.ok(after.training.peakBytes <= 0.95 * gpuMemoryBytes(doc.gpu!), more.title);
  });

  it('inference too big for any one card: quantized weights over several GPUs, the user\'s own first, and the setting really fits', () => {
    const bloom = readReference('configs/json/bloom-176b.config.json');
    const run = (text: string, targetGpu: string) => {
      const options = { ...DEFAULT_OPTIONS, targetGpu };
      const doc = analyze(text, 'json', options);
      return { options, doc, fixes: fixesFor(doc.configs[0], options, doc.gpu!, 'inference', text, GPUS) };
    };
    const { options, fixes } = run(bloom, 'RTX 4090');
    assert.strictEqual(fixes.length, 1, fixes.map(f => f.title).join('\n'));
    const [fix] = fixes;
    assert.strictEqual(fix.kind, 'quant-more-gpus');
    assert.deepStrictEqual([fix.setting, ...(fix.alsoSettings ?? [])], [{ setting: 'quantization', value: 'nf4' }, { setting: 'targetGpu', value: '8× RTX 4090' }]);
    const applied = analyze(bloom, 'json', { ...options, quantization: 'nf4', targetGpu: '8× RTX 4090' });
    assert.strictEqual(applied.configs[0].verdict?.inference, true);
    assert.strictEqual(applied.configs[0].estimate!.inference.peakBytes, fix.peakBytes);
    assert.ok(fix.peakBytes <= 0.95 * fix.capacityBytes);
    // fp8 weights are 8-bit already: where several of the user's cards are not enough even in 4-bit, the cheapest
    // group of one card of the same vendor holds them as they are.
    const v3 = fs.readFileSync(path.join(PUBLIC, 'configs-public', 'native', 'deepseek-ai__DeepSeek-V3__inference__config_671B.json'), 'utf8');
    const small = run(v3, 'RTX 4090');
    assert.strictEqual(small.doc.configs[0].estimate!.settings.precision, 'fp8');
    assert.ok(small.fixes.every(f => !/8-bit/.test(f.title)), small.fixes.map(f => f.title).join('\n'));
    const group = small.fixes.find(f => f.kind === 'more-gpus');
    assert.ok(group && /^8× /.test(String(group.value)), small.fixes.map(f => f.title).join('\n'));
    const cards = analyze(v3, 'json', { ...small.options, targetGpu: String(group.value) });
    assert.strictEqual(cards.configs[0].verdict?.inference, true, group.title);
    assert.strictEqual(findGpu(String(group.value).replace(/^8× /, ''))?.vendor, 'NVIDIA');
  });

  it('inference too big for the user\'s card: the fewest of its own cards with quantized weights first (where fewer than hold it as it is), then more of them, then another card', () => {
    const mixtral = readReference('configs/json/mixtral-8x7b-v0.1.config.json');
    const options = { ...DEFAULT_OPTIONS, targetGpu: 'RTX 3060 12GB' };
    const doc = analyze(mixtral, 'json', options);
    const fixes = fixesFor(doc.configs[0], options, doc.gpu!, 'inference', mixtral, GPUS);
    const titles = fixes.map(f => f.title).join('\n');
    assert.deepStrictEqual(fixes.map(f => f.kind), ['quant-more-gpus', 'target-gpu'], titles);
    const [own] = fixes;
    // 8-bit needs eight of them; 4-bit holds it on four, the fewer cards.
    assert.deepStrictEqual([own.setting, ...(own.alsoSettings ?? [])], [{ setting: 'quantization', value: 'nf4' }, { setting: 'targetGpu', value: '4× RTX 3060 12GB' }]);
    const applied = analyze(mixtral, 'json', { ...options, quantization: 'nf4', targetGpu: '4× RTX 3060 12GB' }).configs[0];
    assert.strictEqual(applied.verdict?.inference, true);
    assert.strictEqual(applied.estimate!.inference.peakBytes, own.peakBytes);
    assert.ok(own.peakBytes <= 0.95 * own.capacityBytes, own.title);
    assert.ok(analyze(mixtral, 'json', { ...options, quantization: 'nf4', targetGpu: '2× RTX 3060 12GB' }).configs[0].verdict?.inference === false);
    // Where eight cards hold it as it is but two hold it in 4 bits, the two come first (RTX 4090s).
    const big = { ...DEFAULT_OPTIONS, targetGpu: 'RTX 4090' };
    const on4090 = analyze(mixtral, 'json', big);
    const theirs = fixesFor(on4090.configs[0], big, on4090.gpu!, 'inference', mixtral, GPUS);
    assert.deepStrictEqual(theirs.map(f => [f.kind, f.value]).slice(0, 2), [['quant-more-gpus', '2× RTX 4090'], ['more-gpus', '8× RTX 4090']], theirs.map(f => f.title).join('\n'));
    // Where one of the user's cards holds the quantized weights, that fix says so and no group of them is offered.
    const llama = readReference('configs/json/llama-2-7b-chat-hf.config.json');
    const single = analyze(llama, 'json', options);
    const its = fixesFor(single.configs[0], options, single.gpu!, 'inference', llama, GPUS);
    assert.ok(its[0].kind === 'quant-8bit' && its.every(f => f.kind !== 'quant-more-gpus'), its.map(f => f.title).join('\n'));
  });

  it('a fix that switches the card states the peak the report then gives on that card (whose cuBLAS workspace is its own)', () => {
    // GPT-J 6B trained on an RTX 3060: the H200 is the card that holds it, and an H200's workspace is larger.
    const gptj = fs.readFileSync(path.join(PUBLIC, 'configs-public/hf/EleutherAI__gpt-j-6b__config_from-mlc-preset.json'), 'utf8');
    const options = { ...DEFAULT_OPTIONS, targetGpu: 'RTX 3060 12GB' };
    const doc = analyze(gptj, 'json', options);
    const fixes = fixesFor(doc.configs[0], options, doc.gpu!, 'training', gptj, GPUS).filter(f => f.kind === 'target-gpu');
    assert.strictEqual(fixes.length, 1, fixes.map(f => f.title).join('\n'));
    const there = analyze(gptj, 'json', { ...options, targetGpu: String(fixes[0].value) }).configs[0].estimate!.training.peakBytes;
    assert.notStrictEqual(there, doc.configs[0].estimate!.training.peakBytes);
    assert.strictEqual(fixes[0].peakBytes, there, fixes[0].title);
  });

  it('training a model no fix fits on the user\'s card: LoRA or QLoRA on the cheapest card of its vendor that holds it', () => {
    const mixtral = readReference('configs/json/mixtral-8x7b-v0.1.config.json');
    const options = { ...DEFAULT_OPTIONS, targetGpu: 'RTX 4090' };
    const doc = analyze(mixtral, 'json', options);
    const fixes = fixesFor(doc.configs[0], options, doc.gpu!, 'training', mixtral, GPUS);
    assert.strictEqual(fixes.length, 1, fixes.map(f => f.title).join('\n'));
    const [fix] = fixes;
    assert.strictEqual(fix.kind, 'qlora-target-gpu');
    const settings = [fix.setting!, ...(fix.alsoSettings ?? [])];
    assert.deepStrictEqual(settings.map(x => x.setting), ['fineTuning', 'gradientCheckpointing', 'targetGpu']);
    const card = findGpu(String(fix.value))!;
    assert.strictEqual(card.vendor, 'NVIDIA');
    // Applied as the settings would be read: QLoRA on every linear layer, checkpointing, the other card.
    const applied = analyze(mixtral, 'json', { ...options, targetGpu: card.name, lora: { rank: 16, targets: ALL_LINEAR_TARGETS, dropout: true }, quantization: 'nf4-dq', checkpointing: 'full' });
    assert.strictEqual(applied.configs[0].estimate!.training.peakBytes, fix.peakBytes);
    assert.ok(fix.peakBytes <= 0.95 * gpuMemoryBytes(card), fix.title);
    // No cheaper card of the vendor holds it with fewer compromises.
    for (const g of GPUS.filter(x => x.vendor === 'NVIDIA' && x.priceUsd !== null && x.priceUsd < card.priceUsd!)) {
      assert.ok(fix.peakBytes > 0.95 * gpuMemoryBytes(g), `${g.name} would hold it`);
    }
  });

  it('pure 16-bit training is fp16 on cards without bf16, and only Lightning precision names are rewritten', () => {
    const text = readReference('configs/yaml/litgpt-tiny-llama_full.yaml').replace('precision: bf16-true', 'precision: bf16-mixed');
    const on = (gpu: string, fixMarginPct?: number) => {
      const options = { ...DEFAULT_OPTIONS, targetGpu: gpu, fixMarginPct };
      const doc = analyze(text, 'yaml', options);
      return fixesFor(doc.configs[0], options, doc.gpu!, 'training', text, undefined, t => analyze(t, 'yaml', options)).find(f => /Train in pure/.test(f.title));
    };
    assert.strictEqual(on('A10G')?.edit?.newText, 'bf16-true');
    // Pure fp16 needs 14.5 GiB of the T4's 15 GiB: above the 95 % a fix may take by default, offered with no margin.
    assert.strictEqual(on('T4'), undefined);
    const t4 = on('T4', 0);
    assert.strictEqual(t4?.edit?.newText, '16-true', 'the T4 (Turing) has no bf16');
    assert.match(t4.title, /fp16 \(16-true; the T4 has no bf16\)/);
    // axolotl's bf16: true is HF's autocast switch; "bf16-true" written there would be nonsense.
    const axolotl = 'base_model: meta-llama/Llama-2-7b-hf\nmicro_batch_size: 1\nsequence_len: 2048\nbf16: true\n';
    const options = { ...DEFAULT_OPTIONS, targetGpu: 'A100 80GB' };
    const doc = analyze(axolotl, 'yaml', options);
    const fixes = fixesFor(doc.configs[0], options, doc.gpu!, 'training', axolotl, undefined, t => analyze(t, 'yaml', options));
    assert.ok(fixes.length > 0);
    assert.ok(!fixes.some(f => /Train in pure/.test(f.title)), fixes.map(f => f.title).join('\n'));
  });

  it('the 8-bit optimizer is written in the file\'s own vocabulary: a LitGPT class path, HF Trainer\'s name', () => {
    const litgpt = readReference('configs/yaml/litgpt-tiny-llama_full.yaml');
    // A 13 GiB card: TinyLlama's recipe needs 14.5 GiB with AdamW, 12.3 GiB with 8-bit AdamW.
    const card = customGpu({ name: 'Lab 13G', memoryMiB: 13 * 1024 })!;
    const options = { ...DEFAULT_OPTIONS, targetGpu: 'Lab 13G', customGpus: [card] };
    const doc = analyze(litgpt, 'yaml', options);
    const all = fixesFor(doc.configs[0], options, doc.gpu!, 'training', litgpt, undefined, t => analyze(t, 'yaml', options));
    const fix = all.find(f => /8-bit AdamW/.test(f.title));
    assert.strictEqual(fix?.edit?.newText, 'bitsandbytes.optim.AdamW8bit', all.map(f => f.title).join('\n'));
    const edited = analyze(apply(litgpt, fix.edit.span, fix.edit.newText), 'yaml', options).configs[0].estimate!;
    assert.strictEqual(edited.settings.optimizer, 'adamw-8bit');
    assert.strictEqual(fix.peakBytes, edited.training.peakBytes);

    // axolotl (HF Trainer's names): Llama-3.2-1B needs 25.6 GiB with AdamW, 13.2 GiB with 8-bit AdamW.
    const axolotl = 'base_model: meta-llama/Llama-3.2-1B\nmicro_batch_size: 1\nsequence_len: 512\noptimizer: adamw_torch\n';
    const axOptions = { ...DEFAULT_OPTIONS, targetGpu: 'Lab 16G', customGpus: [customGpu({ name: 'Lab 16G', memoryMiB: 16 * 1024 })!] };
    const ax = analyze(axolotl, 'yaml', axOptions);
    const axFix = fixesFor(ax.configs[0], axOptions, ax.gpu!, 'training', axolotl, undefined, t => analyze(t, 'yaml', axOptions)).find(f => /8-bit AdamW/.test(f.title));
    assert.strictEqual(axFix?.edit?.newText, 'adamw_bnb_8bit');
    assert.ok(!axFix.setting, 'the file states the optimizer, so a setting would change nothing');
    assert.strictEqual(analyze(apply(axolotl, axFix.edit.span, axFix.edit.newText), 'yaml', axOptions).configs[0].estimate!.settings.optimizer, 'adamw-8bit');
  });

  it('the batch fix writes the number where the file keeps it (train.micro_batch_size)', () => {
    const text = readReference('configs/yaml/litgpt-llama-2-7b_lora.yaml');
    const options = { ...DEFAULT_OPTIONS, targetGpu: 'A10G' };
    const doc = analyze(text.replace('micro_batch_size: 2', 'micro_batch_size: 16'), 'yaml', options);
    const edited = text.replace('micro_batch_size: 2', 'micro_batch_size: 16');
    const fixes = fixesFor(doc.configs[0], options, doc.gpu!, 'training', edited);
    const batch = fixes.find(f => f.title.startsWith('Set the micro-batch'))!;
    assert.ok(batch.edit, 'edits the file');
    assert.match(edited.slice(batch.edit.span.start - 18, batch.edit.span.end), /micro_batch_size: 16$/);
    assert.match(batch.edit.newText, /^\d+$/);
  });

  it('an HF config.json has no batch key: the fixes change VRAM Lens settings instead', () => {
    const text = readReference('configs/json/llama-2-7b-chat-hf.config.json');
    const options = { ...DEFAULT_OPTIONS, targetGpu: 'RTX 4090', batchSize: 8 };
    const doc = analyze(text, 'json', options);
    const fixes = fixesFor(doc.configs[0], options, doc.gpu!, 'inference', text);
    assert.ok(fixes.every(f => f.setting && !f.edit));
    // The largest power of two whose peak is within 95 % of the card: 2 (batch 4 would take more).
    const batch = fixes.find(f => f.kind === 'micro-batch')!;
    assert.deepStrictEqual(batch.setting, { setting: 'batchSize', value: 2 });
    const card = gpuMemoryBytes(doc.gpu!);
    assert.ok(batch.peakBytes <= 0.95 * card);
    assert.ok(analyze(text, 'json', { ...options, batchSize: 4 }).configs[0].estimate!.inference.peakBytes > 0.95 * card);
  });

  it('offers the cheapest GPU that fits as the last resort', () => {
    const text = readReference('configs/json/llama-2-7b-chat-hf.config.json');
    const options = { ...DEFAULT_OPTIONS, targetGpu: 'RTX 3060' };
    const doc = analyze(text, 'json', options);
    const fixes = fixesFor(doc.configs[0], options, doc.gpu!, 'inference', text);
    const gpu = fixes.find(f => f.setting?.setting === 'targetGpu' && !String(f.setting.value).includes('×'))!;
    assert.strictEqual(gpu.setting!.value, 'RTX 3090');
  });
});

describe('GPU comparisons and what fits', () => {
  it('compares every listed GPU with fit and headroom', () => {
    const doc = analyze(readReference('configs/json/gpt2.config.json'), 'json');
    const md = compareGpusMarkdown('gpt2.json', doc, GPUS);
    assert.strictEqual((md.match(/^\| (RTX|GTX|T4|V100|A10G|A100|A40|L4|L40|H100|H20|H200|B200|MI\d+X?|M\d (Pro|Max|Ultra))/gm) ?? []).length, GPUS.length);
    assert.match(md, /\| H100 80GB \| 79\.6 GiB \| \$25,000 \| \$2\.50 \| ✓ /);
  });

  it('says how many of each card a config needs where one is not enough: tensor parallel, ZeRO-3', () => {
    const doc = analyze(readReference('configs/json/llama-2-7b-chat-hf.config.json'), 'json');
    const md = compareGpusMarkdown('llama.json', doc, GPUS);
    assert.match(md, /\| RTX 3060 12GB \| 2× \(tensor parallel\) \| none is enough \|/);
    assert.match(md, /\| H100 80GB \| one \| 3× \(ZeRO-3 \/ FSDP\) \|/);
    assert.doesNotMatch(md, /\| (H200|MI300X|M4 Max 128GB) \| (one|\d+×)/, 'cards that hold it alone, and Apple machines, have no row');
  });

  it('lists which catalog models fit a 24 GB card for inference, QLoRA, LoRA and full fine-tuning', () => {
    const md = whatFitsMarkdown(undefined, undefined, findGpu('RTX 4090')!, DEFAULT_OPTIONS);
    // Llama-2-7B: inference and QLoRA fit 24 GB; 16-bit LoRA without checkpointing and full fine-tuning do not.
    assert.match(md, /\| meta\\-llama\/Llama\\-2\\-7b\\-hf \| 6\.74B \| ✓ [\d.]+ GiB \| ✓ [\d.]+ GiB \| ✗ [\d.]+ GiB \| ✗ [\d.]+ GiB \|/);
    assert.match(md, /\| meta\\-llama\/Llama\\-2\\-70b\\-hf \| 69\.0B \| ✗/);
  });

  it('a workspace vram-lens.gpus.json lists GPUs (comments allowed); bad entries are skipped and counted', () => {
    const good = gpusFromFile('{\n  // the lab\n  "gpus": [{ "name": "Lab A6000", "memoryMiB": 49140, "priceUsd": 4500 }, { "name": "no memory" }],\n}');
    assert.deepStrictEqual(good.gpus.map(g => [g.name, g.memoryMiB, g.priceUsd]), [['Lab A6000', 49140, 4500]]);
    assert.match(good.problem!, /1 of 2 entries skipped/);
    assert.deepStrictEqual(gpusFromFile('[1, 2]').gpus, []);
    assert.match(gpusFromFile('{"gpus": ').problem!, /should be an object with a "gpus" array/);
    assert.ok(gpusFromFile(' '.repeat(2 * 1024 * 1024)).problem);
  });

  it('the vram-lens.gpus.json schema describes a GPU exactly as the vramLens.customGpus setting does', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    const schema = JSON.parse(fs.readFileSync(path.join(ROOT, 'schemas', 'gpus.schema.json'), 'utf8'));
    assert.deepStrictEqual(schema.properties.gpus.items, pkg.contributes.configuration.properties['vramLens.customGpus'].items);
    const validation = pkg.contributes.jsonValidation.find((v: { url: string }) => v.url === './schemas/gpus.schema.json');
    assert.ok(validation.fileMatch.includes(GPUS_FILE));
    // What the schema requires is what the reader needs.
    assert.deepStrictEqual(schema.properties.gpus.items.required, ['name', 'memoryMiB']);
    assert.ok(customGpu({ name: 'x', memoryMiB: 1 }));
    assert.strictEqual(customGpu({ name: 'x' }), undefined);
    // And its limits are the reader's: a name of 1 to 100 characters, 1 MiB to 1 TiB, at most 1,000 GPUs.
    const item = schema.properties.gpus.items.properties;
    assert.deepStrictEqual([item.name.minLength, item.name.maxLength, item.memoryMiB.minimum, item.memoryMiB.maximum, schema.properties.gpus.maxItems], [1, MAX_GPU_NAME, 1, MAX_GPU_MIB, MAX_CUSTOM_GPUS]);
    assert.strictEqual(customGpu({ name: 'x'.repeat(MAX_GPU_NAME + 1), memoryMiB: 1 }), undefined);
    assert.strictEqual(customGpu({ name: 'x', memoryMiB: MAX_GPU_MIB + 1 }), undefined);
    assert.strictEqual(customGpu({ name: 'x', memoryMiB: 1e400 }), undefined);
    assert.match(gpusFromFile(JSON.stringify({ gpus: Array(MAX_CUSTOM_GPUS + 1).fill({ name: 'x', memoryMiB: 1 }) })).problem!, /more than 1000; not read/);
  });

  it('user-defined GPUs are validated, and found by name', () => {
    const mine = customGpu({ name: 'Lab A6000', memoryMiB: 49140, priceUsd: 4500 })!;
    assert.strictEqual(mine.memoryGb, 52);
    assert.strictEqual(customGpu({ name: '', memoryMiB: 100 }), undefined);
    assert.strictEqual(customGpu({ name: 'x', memoryMiB: -1 }), undefined);
    const doc = analyze(readReference('configs/json/gpt2.config.json'), 'json', { targetGpu: 'Lab A6000', customGpus: [mine] });
    assert.strictEqual(doc.gpu?.name, 'Lab A6000');
  });
});

describe('speed and cost, first order', () => {
  it('decoding is bounded by bandwidth: weights plus KV cache read once per token', () => {
    const doc = analyze(readReference('configs/json/llama-2-7b-chat-hf.config.json'), 'json', { targetGpu: 'H100' });
    const est = doc.configs[0].estimate!;
    const t = throughputOn(est, doc.gpu!, 512, 256)!;
    const bytes = est.inference.components.weights + est.inference.components.kvCache;
    assert.strictEqual(t.decodeTokensPerSecond, (3350e9 / bytes) * 1);
    assert.strictEqual(t.prefillTokensPerSecond, (989e12 * 0.5) / (2 * 6_738_415_616));
  });

  it('only active experts are read per token (Mixtral decodes like a 13B model, not a 47B one)', () => {
    const doc = analyze(readReference('configs/json/mixtral-8x7b-v0.1.config.json'), 'json', { targetGpu: 'H200' });
    const est = doc.configs[0].estimate!;
    const t = throughputOn(est, doc.gpu!, 512, 256)!;
    const dense = 4800e9 / (est.inference.components.weights + est.inference.components.kvCache);
    assert.ok(t.decodeTokensPerSecond > 3 * dense);
  });

  it('buying an RTX 4090 costs as much as renting one for about 3,550 hours', () => {
    const c = cloudVsBuy(findGpu('RTX 4090')!)!;
    assert.strictEqual(Math.round(c.breakEvenHours), Math.round(1599 / 0.45));
    assert.strictEqual(cloudVsBuy(findGpu('RTX 3060')!), undefined);
  });
});

describe('several GPUs as the target', () => {
  it('"2× RTX 4090" is two cards in tensor parallel: each holds half the weights and KV cache', () => {
    const text = readReference('configs/json/llama-2-7b-chat-hf.config.json');
    const one = analyze(text, 'json', { targetGpu: 'RTX 4090' }).configs[0].estimate!;
    const doc = analyze(text, 'json', { targetGpu: '2x RTX 4090' });
    assert.strictEqual(doc.gpu?.name, '2× RTX 4090');
    assert.strictEqual(doc.gpu?.memoryMiB, 24564);
    const two = doc.configs[0].estimate!;
    assert.strictEqual(two.inference.components.weights, one.inference.components.weights / 2);
    assert.strictEqual(two.settings.tensorParallel, 2);
  });

  it('a config too big for one card is offered the fewest cards that fit', () => {
    const text = readReference('configs/json/llama-2-7b-chat-hf.config.json');
    const options = { ...DEFAULT_OPTIONS, targetGpu: 'RTX 3060' };
    const doc = analyze(text, 'json', options);
    const fixes = fixesFor(doc.configs[0], options, doc.gpu!, 'inference', text);
    assert.ok(fixes.some(f => f.setting?.value === '2× RTX 3060 12GB'), fixes.map(f => f.title).join(' | '));
  });
});

describe('fine-tuning fixes', () => {
  it('full fine-tuning that does not fit is offered LoRA and QLoRA when the file does not choose, each computed to fit', () => {
    const text = readReference('configs/json/llama-2-7b-chat-hf.config.json');
    const options = { ...DEFAULT_OPTIONS, targetGpu: 'A100 40GB', sequenceLength: 2048 };
    const doc = analyze(text, 'json', options);
    const fixes = fixesFor(doc.configs[0], options, doc.gpu!, 'training', text);
    const lora = fixes.find(f => f.setting?.setting === 'fineTuning' && f.setting.value === 'lora')!;
    const qlora = fixes.find(f => f.setting?.setting === 'fineTuning' && f.setting.value === 'qlora')!;
    assert.ok(lora && qlora, fixes.map(f => f.title).join(' | '));
    assert.ok(qlora.peakBytes < lora.peakBytes && lora.peakBytes <= gpuMemoryBytes(doc.gpu!));
  });

  it('a recipe that already chooses LoRA is not offered another fine-tuning method', () => {
    const text = readReference('configs/yaml/litgpt-llama-2-7b_lora.yaml');
    const options = { ...DEFAULT_OPTIONS, targetGpu: 'RTX 4060' };
    const doc = analyze(text, 'yaml', options);
    const fixes = fixesFor(doc.configs[0], options, doc.gpu!, 'training', text);
    assert.ok(!fixes.some(f => f.setting?.setting === 'fineTuning'), fixes.map(f => f.title).join(' | '));
  });
});

describe('fixes an engineer would apply', () => {
  const LLAMA_13B = '{"model": "meta-llama/Llama-2-13b-hf"}\n';
  const fixesOf = (text: string, format: ConfigFormat, options: Partial<AnalysisOptions>, mode: 'inference' | 'training') => {
    const all = { ...DEFAULT_OPTIONS, ...options };
    const doc = analyze(text, format, all);
    return { doc, fixes: fixesFor(doc.configs[0], all, doc.gpu!, mode, text, GPUS, t => analyze(t, format, all)) };
  };

  it('inference that does not fit is offered quantized weights first: Llama-2-13B on an RTX 3060 gets 4-bit with a round shorter sequence, which fits once set', () => {
    const { doc, fixes } = fixesOf(LLAMA_13B, 'json', { targetGpu: 'RTX 3060' }, 'inference');
    assert.match(fixes[0].kind, /quant/);
    assert.ok(fixes[0].preferred);
    assert.deepStrictEqual([fixes[0].setting, fixes[0].alsoSettings?.[0].setting], [{ setting: 'quantization', value: 'nf4' }, 'sequenceLength']);
    const seq = fixes[0].alsoSettings![0].value as number;
    assert.ok(seq >= 2048 && seq < 4096 && seq % 1024 === 0, String(seq));
    const after = analyze(LLAMA_13B, 'json', { targetGpu: 'RTX 3060', quantization: 'nf4', sequenceLength: seq }).configs[0].estimate!;
    assert.strictEqual(after.inference.peakBytes, fixes[0].peakBytes);
    assert.ok(after.inference.peakBytes <= 0.95 * gpuMemoryBytes(doc.gpu!));
    // 4-bit at the model's full 4,096 tokens would take more than 95 % of the card: not offered alone.
    assert.ok(!fixes.some(f => f.kind === 'quant-4bit'), fixes.map(f => f.title).join('\n'));
  });

  it('more GPUs stay with the vendor of the card the user has: Mixtral on an RTX 4090 is not sent to an AMD MI300X', () => {
    const text = readReference('configs/json/mixtral-8x7b-v0.1.config.json');
    const { fixes } = fixesOf(text, 'json', { targetGpu: 'RTX 4090' }, 'inference');
    const switches = fixes.filter(f => f.kind === 'target-gpu' || f.kind === 'more-gpus');
    assert.ok(switches.length > 0);
    for (const f of switches) {
      assert.strictEqual(findGpu(String(f.value).replace(/^\d+× /, ''))?.vendor, 'NVIDIA', f.title);
    }
  });

  it('no fix takes more than 95 % of the card unless the margin setting says otherwise', () => {
    const cases: [string, ConfigFormat, string, 'inference' | 'training'][] = [
      [readReference('configs/json/llama-2-7b-chat-hf.config.json'), 'json', 'T4', 'inference'],
      [readReference('configs/json/llama-2-7b-chat-hf.config.json'), 'json', 'A100 40GB', 'training'],
      [readReference('configs/yaml/litgpt-llama-2-7b_lora.yaml'), 'yaml', 'RTX 4060', 'training'],
      [readReference('configs/yaml/litgpt-tiny-llama_full.yaml'), 'yaml', 'T4', 'training'],
    ];
    for (const [text, format, targetGpu, mode] of cases) {
      const { fixes } = fixesOf(text, format, { targetGpu }, mode);
      for (const f of fixes) {
        assert.ok(f.peakBytes <= 0.95 * f.capacityBytes, `${targetGpu}: ${f.title}`);
      }
    }
    const mixed = readReference('configs/yaml/litgpt-tiny-llama_full.yaml').replace('precision: bf16-true', 'precision: bf16-mixed');
    const strict = fixesOf(mixed, 'yaml', { targetGpu: 'T4', fixMarginPct: 0 }, 'training').fixes;
    assert.ok(strict.some(f => f.peakBytes > 0.95 * f.capacityBytes), 'with no margin a fix may use the whole card');
  });

  it('values an engineer would write: a micro-batch that is a power of two, no sequence below 256 tokens or half its own, rounded', () => {
    const recipes: [string, ConfigFormat][] = [
      [readReference('configs/yaml/litgpt-llama-2-7b_lora.yaml').replace('micro_batch_size: 2', 'micro_batch_size: 12'), 'yaml'],
      [readReference('configs/yaml/litgpt-tiny-llama_full.yaml'), 'yaml'],
      [readReference('configs/yaml/litgpt-phi-2_lora.yaml'), 'yaml'],
      ['base_model: meta-llama/Llama-2-7b-hf\nadapter: lora\nlora_r: 16\nmicro_batch_size: 6\nsequence_len: 3000\n', 'yaml'],
    ];
    let seen = 0;
    for (const [text, format] of recipes) {
      for (const targetGpu of ['T4', 'RTX 4060', 'RTX 3060', 'A10G']) {
        const { doc, fixes } = fixesOf(text, format, { targetGpu }, 'training');
        const s = doc.configs[0].estimate!.settings;
        for (const f of fixes) {
          if (f.kind === 'micro-batch') {
            seen++;
            assert.strictEqual(Math.log2(f.value as number) % 1, 0, f.title);
          }
          if (f.kind === 'sequence-length') {
            seen++;
            const seq = f.value as number;
            assert.ok(seq >= 256 && seq >= s.sequenceLength / 2, `${targetGpu}: ${f.title}`);
            assert.ok(Math.log2(seq) % 1 === 0 || seq % 1024 === 0, f.title);
          }
        }
      }
    }
    assert.ok(seen >= 4, `only ${seen} batch or sequence fixes were checked`);
  });

  it('only what the framework accepts: no devices on a LitGPT QLoRA recipe, no bitsandbytes optimizer in torchtitan', () => {
    const qlora = fixesOf(readReference('configs/yaml/litgpt-llama-2-7b_qlora.yaml'), 'yaml', { targetGpu: 'RTX 4060' }, 'training').fixes;
    assert.ok(qlora.length > 0);
    assert.ok(!qlora.some(f => f.kind === 'gpus' || f.kind === 'more-gpus'), qlora.map(f => f.title).join('\n'));
    const titan = '[model]\nname = "llama3"\nflavor = "8B"\n\n[optimizer]\nname = "AdamW"\nlr = 3e-4\n\n[training]\nbatch_size = 1\nseq_len = 2048\n';
    const { doc, fixes } = fixesOf(titan, 'toml', { targetGpu: 'A100 80GB' }, 'training');
    assert.strictEqual(doc.configs[0].verdict?.training, false);
    assert.ok(fixes.length > 0);
    assert.ok(!fixes.some(f => f.kind === 'optimizer-8bit'), fixes.map(f => f.title).join('\n'));
    // Where 8-bit AdamW is a name the framework takes (axolotl's optimizer), it is offered.
    const lab = customGpu({ name: 'Lab 16G', memoryMiB: 16 * 1024 })!;
    const axolotl = fixesOf('base_model: meta-llama/Llama-3.2-1B\nmicro_batch_size: 1\nsequence_len: 512\noptimizer: adamw_torch\n', 'yaml', { targetGpu: 'Lab 16G', customGpus: [lab] }, 'training').fixes;
    assert.ok(axolotl.some(f => f.kind === 'optimizer-8bit'), axolotl.map(f => f.title).join('\n'));
  });

  it("a recipe's multi-GPU layout too big for the user's card is offered the cheapest card that holds it, the GPU count kept", () => {
    // LitGPT's full fine-tune of Llama 2 7B on 4 devices: nothing in the file fits a 12 GB card.
    const text = fs.readFileSync(path.join(PUBLIC, 'configs-public', 'yaml', 'litgpt__finetune__llama-2-7b_full.yaml'), 'utf8');
    const { doc, fixes } = fixesOf(text, 'yaml', { targetGpu: 'RTX 3060 12GB' }, 'training');
    assert.strictEqual(doc.configs[0].estimate!.settings.gpus, 4);
    const card = fixes.find(f => f.kind === 'target-gpu');
    assert.ok(card, fixes.map(f => f.title).join('\n'));
    assert.match(card.title, /^Switch the target GPU to the (.+) \(cheapest listed NVIDIA GPU for this 4-GPU run; each GPU fits: [\d.]+ GiB of [\d.]+ GiB\)$/);
    // Set, the per-GPU peak of the same 4-GPU run is what the title promised, within the margin.
    const there = analyze(text, 'yaml', { ...DEFAULT_OPTIONS, targetGpu: String(card.value) }).configs[0].estimate!;
    assert.strictEqual(there.settings.gpus, 4);
    assert.strictEqual(there.training.peakBytes, card.peakBytes);
    assert.ok(card.peakBytes <= 0.95 * card.capacityBytes);
    // A group target ("2× RTX 3060 12GB") already names its cards: no single card is offered in its place.
    const group = fixesOf(text, 'yaml', { targetGpu: '2x RTX 3060 12GB' }, 'training').fixes;
    assert.ok(!group.some(f => f.kind === 'target-gpu'), group.map(f => f.title).join('\n'));
  });
});

describe('fixes write only where the file states the option itself', () => {
  it('a key that states an option through something else (a product of degrees, a microbatch, a file it names) is never edited for it', () => {
    const toml = '[model]\nname = "llama3"\nflavor = "8B"\n\n[training]\nlocal_batch_size = 8\nseq_len = 8192\n\n[parallelism]\ndata_parallel_shard_degree = 2\npipeline_parallel_degree = 2\npipeline_parallel_microbatch_size = 2\n';
    const options = { ...DEFAULT_OPTIONS, targetGpu: 'A100 80GB' };
    const doc = analyzeDocument(parseConfig(toml, 'toml'), options);
    const [a] = doc.configs;
    assert.strictEqual(a.config.training.framework, 'torchtitan');
    assert.ok(a.estimate!.assumptions.some(x => /^Framework: torchtitan \(its own Transformer/.test(x)), a.estimate!.assumptions.join('\n'));
    const derived = a.config.training.sources.filter(s => s.derived).map(s => `${s.option} ← ${s.key}`);
    assert.deepStrictEqual(derived.sort(), ['batchSize ← pipeline_parallel_microbatch_size', 'gpus ← parallelism.data_parallel_shard_degree', 'zeroStage ← parallelism.data_parallel_shard_degree']);
    const fixes = fixesFor(a, options, doc.gpu!, 'training', toml, GPUS, t => analyzeDocument(parseConfig(t, 'toml'), options));
    assert.ok(fixes.length > 0);
    const derivedSpans = a.config.training.sources.filter(s => s.derived).map(s => s.valueSpan.start);
    for (const f of fixes) {
      assert.ok(!f.edit || !derivedSpans.includes(f.edit.span.start), `${f.title} edits a key that states its option only through another`);
      assert.ok(!f.setting || !['zeroStage', 'gpus'].includes(f.setting.setting), `${f.title} changes a setting the file's degrees override`);
    }
    // torchtitan trains the whole model: no LoRA or QLoRA, no bitsandbytes optimizer.
    assert.deepStrictEqual(fixes.filter(f => ['lora', 'qlora', 'optimizer-8bit'].includes(f.kind)).map(f => f.title), []);
    assert.match(fixes[0].title, /^Enable gradient checkpointing/);
  });

  it('GPT-NeoX trains the whole model too: a run that does not fit gets no LoRA, QLoRA or bitsandbytes optimizer', () => {
    const text = fs.readFileSync(path.join(PUBLIC, 'configs-public', 'yaml', 'gpt-neox__pythia__410M.yml'), 'utf8');
    const options = { ...DEFAULT_OPTIONS, targetGpu: 'RTX 3060 12GB' };
    const doc = analyze(text, 'yaml', options);
    assert.strictEqual(doc.configs[0].verdict?.training, false);
    const fixes = fixesFor(doc.configs[0], options, doc.gpu!, 'training', text, GPUS, t => analyze(t, 'yaml', options));
    assert.ok(fixes.length > 0);
    assert.deepStrictEqual(fixes.filter(f => /lora|optimizer-8bit/.test(f.kind)).map(f => f.title), []);
  });
});

describe('fixes in a recipe are written in its framework\'s own keys', () => {
  it('a torchtune recipe spreads over more GPUs by its launcher alone: FSDP2 comes with the distributed recipe, no ZeRO setting rides along', () => {
    const text = fs.readFileSync(path.join(PUBLIC, 'configs-public', 'yaml', 'torchtune__llama3_1_8B_lora_single_device.yaml'), 'utf8');
    const options = { ...DEFAULT_OPTIONS, targetGpu: 'T4' };
    const doc = analyze(text, 'yaml', options);
    const fix = fixesFor(doc.configs[0], options, doc.gpu!, 'training', text, GPUS).find(f => f.kind === 'gpus');
    assert.ok(fix, 'a GPU-count fix');
    assert.match(fix.title, /tune run --nproc_per_node \d/);
    assert.strictEqual(fix.alsoSettings, undefined);
    const applied = analyze(text, 'yaml', { ...options, gpus: fix.value as number }).configs[0].estimate!;
    assert.strictEqual(applied.settings.zeroStage, 3);
    assert.strictEqual(applied.training.peakBytes, fix.peakBytes);
  });

  const heldout = (name: string) => fs.readFileSync(path.join(PUBLIC, 'heldout', name), 'utf8');
  const fixesOf = (text: string, format: ConfigFormat, gpu: string) => {
    const options = { ...DEFAULT_OPTIONS, targetGpu: gpu };
    const reanalyze = (t: string) => analyzeDocument(parseConfig(t, format), options);
    const doc = reanalyze(text);
    return { a: doc.configs[0], fixes: fixesFor(doc.configs[0], options, doc.gpu!, 'training', text, GPUS, reanalyze), reanalyze };
  };
  const applied = (text: string, edit: { span: { start: number; end: number }; newText: string }) => text.slice(0, edit.span.start) + edit.newText + text.slice(edit.span.end);

  it('LLaMA-Factory checkpoints every block unless told not to', () => {
    const recipe = heldout('LLaMA-Factory__examples__train_lora__qwen3_lora_sft.yaml');
    const { a } = fixesOf(recipe, 'yaml', 'RTX 4090');
    assert.strictEqual(a.config.training.framework, 'llamafactory');
    assert.strictEqual(a.estimate!.settings.checkpointing, 'full');
    assert.ok(a.estimate!.assumptions.some(x => /^LLaMA-Factory's defaults for what the file leaves out: gradient checkpointing/.test(x)), a.estimate!.assumptions.join('\n'));
    const off = fixesOf(`${recipe}\ndisable_gradient_checkpointing: true\n`, 'yaml', 'RTX 4090').a;
    assert.strictEqual(off.estimate!.settings.checkpointing, 'none');
  });

  it('LLaMA-Factory full fine-tuning switches to its own LoRA by finetuning_type, QLoRA with quantization_bit', () => {
    const recipe = heldout('LLaMA-Factory__examples__train_full__qwen3_full_sft.yaml');
    const { fixes, reanalyze } = fixesOf(recipe, 'yaml', 'RTX 3060');
    const qlora = fixes.find(f => f.kind === 'qlora');
    assert.ok(qlora?.edit, fixes.map(f => f.title).join('\n'));
    assert.match(qlora.title, /: finetuning_type = lora, quantization_bit = 4 → [\d.]+ GiB of 12\.0 GiB$/);
    const after = reanalyze(applied(recipe, qlora.edit)).configs[0];
    assert.strictEqual(after.estimate!.settings.lora?.rank, 8);
    assert.match(after.estimate!.settings.quantization ?? '', /^nf4/);
    assert.strictEqual(after.verdict!.training, true);
  });

  it('an axolotl full fine-tune gets adapter keys added; a training file gets no setting that stands in for its framework', () => {
    const recipe = heldout('axolotl__examples__deepseek-v2__fft-fsdp-16b.yaml');
    const { fixes, reanalyze } = fixesOf(recipe, 'yaml', 'RTX 3060');
    const lora = fixes.find(f => f.kind === 'lora');
    assert.ok(lora?.edit && lora.edit.span.start === recipe.length, fixes.map(f => f.title).join('\n'));
    assert.match(lora.edit.newText, /^adapter: lora\nlora_r: 16\nlora_alpha: 32\nlora_dropout: 0\.05\nlora_target_linear: true\n$/m);
    const after = reanalyze(applied(recipe, lora.edit));
    assert.deepStrictEqual(after.problems, []);
    assert.strictEqual(after.configs[0].estimate!.settings.lora?.rank, 16);
    assert.strictEqual(after.configs[0].verdict!.training, true);
    for (const f of fixes) {
      assert.ok(!f.setting || f.setting.setting === 'gpus' || f.setting.setting === 'targetGpu', `${f.title} changes a setting the recipe's framework would not read`);
    }
  });

  it('a TRL recipe gets use_peft and its LoRA keys, and gradient checkpointing as its switch', () => {
    const recipe = 'model_name_or_path: Qwen/Qwen2.5-7B\nbf16: true\nper_device_train_batch_size: 2\nmax_seq_length: 2048\nlearning_rate: 2.0e-05\noutput_dir: data/qwen-sft\n';
    const { a, fixes, reanalyze } = fixesOf(recipe, 'yaml', 'RTX 4090');
    assert.strictEqual(a.intent, 'training');
    const qlora = fixes.find(f => f.kind === 'qlora');
    assert.ok(qlora?.edit, fixes.map(f => f.title).join('\n'));
    // QLoRA alone is not enough at this batch: it comes with gradient checkpointing, in the same keys.
    assert.match(qlora.title, /with gradient checkpointing: use_peft = true, lora_r = 16, lora_alpha = 32, lora_target_modules = all-linear, load_in_4bit = true, gradient_checkpointing = true → /);
    assert.strictEqual(qlora.edit.newText, 'use_peft: true\nlora_r: 16\nlora_alpha: 32\nlora_target_modules: all-linear\nload_in_4bit: true\ngradient_checkpointing: true\n');
    const after = reanalyze(applied(recipe, qlora.edit)).configs[0].estimate!.settings;
    assert.deepStrictEqual([after.lora?.rank, after.lora?.targets.length, after.quantization, after.checkpointing], [16, 7, 'nf4', 'full']);
    assert.deepStrictEqual(fixes.filter(f => f.setting && f.setting.setting !== 'targetGpu').map(f => f.title), []);
  });

  it('a torchtitan job that leaves checkpointing off gets the section that turns it on', () => {
    const toml = '[model]\nname = "llama3"\nflavor = "8B"\n\n[training]\nlocal_batch_size = 2\nseq_len = 8192\n\n[parallelism]\ndata_parallel_shard_degree = 8\n';
    const { fixes, reanalyze } = fixesOf(toml, 'toml', 'H100 80GB');
    const on = fixes.find(f => f.kind === 'checkpointing');
    assert.ok(on?.edit, fixes.map(f => f.title).join('\n'));
    assert.strictEqual(on.edit.newText, '\n[activation_checkpoint]\nmode = "full"\n');
    assert.strictEqual(reanalyze(applied(toml, on.edit)).configs[0].estimate!.settings.checkpointing, 'full');
  });
});

describe("FSDP under HF's Trainer: full gradients between micro-batches, and accelerate's sync_each_batch", () => {
  const script = [
    'from transformers import AutoModelForCausalLM, Trainer, TrainingArguments',
    'model = AutoModelForCausalLM.from_pretrained("meta-llama/Llama-2-7b-hf")',
    'args = TrainingArguments(output_dir="out", per_device_train_batch_size=2, gradient_accumulation_steps=4, gradient_checkpointing=True, bf16=True, fsdp="full_shard auto_wrap")',
    'Trainer(model=model, args=args).train()', '',
  ].join('\n');
  const options = { ...DEFAULT_OPTIONS, targetGpu: 'RTX 5090', gpus: 8 };
  const reanalyze = (t: string) => analyzeDocument(parseConfig(t, 'python'), options);
  const gradientSync = (text: string, format: ConfigFormat = 'python') => trainingFixes(text, format, options).fixes.filter(f => f.kind === 'gradient-sync');

  it('every micro-batch but the last runs under no_sync: each GPU holds the whole model\'s 16-bit gradients, not an eighth', () => {
    const held = reanalyze(script).configs[0].estimate!;
    const params = held.parameters.total;
    assert.deepStrictEqual([held.settings.unshardedAccumulation, held.settings.fsdpVersion], [true, 1]);
    // FSDP2 named in the trainer's fsdp_config (set_requires_gradient_sync(False) under accelerate: the same).
    const two = reanalyze(script.replace('fsdp=', 'fsdp_config={"fsdp_version": 2}, fsdp=')).configs[0].estimate!;
    assert.deepStrictEqual([two.settings.fsdpVersion, two.training.components.gradients], [2, params * 2]);
    assert.strictEqual(held.training.components.gradients, params * 2);
    assert.match(held.assumptions.join(' '), /FSDP accumulates full, unsharded gradients over the 4 micro-batches of a step \(no_sync\)/);
    // sync_each_batch, as a dict or as the JSON text a command line passes: the gradients are an eighth.
    for (const config of ['{"gradient_accumulation_kwargs": {"sync_each_batch": True}}', '\'{"gradient_accumulation_kwargs":{"sync_each_batch":true}}\'']) {
      const synced = reanalyze(script.replace('fsdp=', `accelerator_config=${config}, fsdp=`)).configs[0].estimate!;
      assert.strictEqual(synced.settings.unshardedAccumulation, false, config);
      assert.strictEqual(synced.training.components.gradients, (params * 2) / 8, config);
    }
    // One micro-batch per step, or DeepSpeed (whose ZeRO-2/3 HF's Trainer never runs under no_sync): sharded.
    const once = reanalyze(script.replace('gradient_accumulation_steps=4', 'gradient_accumulation_steps=1')).configs[0].estimate!;
    assert.strictEqual(once.training.components.gradients, (params * 2) / 8);
    const ds = reanalyze(script.replace('fsdp="full_shard auto_wrap"', 'deepspeed="ds_zero3.json"')).configs[0].estimate!;
    assert.deepStrictEqual([ds.settings.zeroStage, ds.settings.unshardedAccumulation], [3, undefined]);
  });

  it('a run that fits only with its gradients reduced each micro-batch gets sync_each_batch, which fits once written', () => {
    const { a, fixes } = trainingFixes(script, 'python', options);
    assert.strictEqual(a.verdict!.training, false);
    const sync = fixes.find(f => f.kind === 'gradient-sync');
    assert.ok(sync?.edit, fixes.map(f => f.title).join('\n'));
    assert.strictEqual(sync, fixes[0]);
    const edited = apply(script, sync.edit.span, sync.edit.newText);
    assert.match(edited, /TrainingArguments\(output_dir="out", accelerator_config=\{"gradient_accumulation_kwargs": \{"sync_each_batch": True\}\}, per_device_train_batch_size=2,/);
    const after = reanalyze(edited).configs[0];
    assert.strictEqual(after.verdict!.training, true);
    assert.strictEqual(after.estimate!.training.peakBytes, sync.peakBytes);
    // A script that already passes accelerator_config is not given a second one.
    assert.deepStrictEqual(gradientSync(script.replace('fsdp=', 'accelerator_config={"split_batches": True}, fsdp=')), []);
  });

  it("FSDP1 with CPU offload keeps each unit's gradient shard on the GPU until backward ends (on one GPU, which it runs NO_SHARD, the whole gradient); FSDP2 lets it go", () => {
    const recipe = 'base_model: meta-llama/Llama-2-7b-hf\nbf16: true\nmicro_batch_size: 1\ngradient_accumulation_steps: 1\ngradient_checkpointing: true\nsequence_len: 2048\nfsdp:\n  - full_shard\n  - auto_wrap\nfsdp_config:\n  fsdp_offload_params: true\n';
    const at = (text: string, gpus: number) => analyzeDocument(parseConfig(text, 'yaml'), { ...DEFAULT_OPTIONS, gpus }).configs[0].estimate!;
    const one = at(recipe, 1);
    const eight = at(recipe, 8);
    const params = one.parameters.total;
    assert.deepStrictEqual([one.settings.fsdpVersion, one.training.components.weights, one.training.components.optimizer], [1, 0, 0]);
    // fp32 gradients (the parameters' dtype under bf16 mixed precision): whole on one GPU, an eighth on each of eight.
    assert.strictEqual(one.training.components.gradients, params * 4);
    assert.strictEqual(eight.training.components.gradients, (params * 4) / 8);
    // FSDP's mixed precision casts each unit as it gathers it: on one GPU too, autocast keeps no 16-bit copies.
    assert.strictEqual(one.training.components.activations, eight.training.components.activations);
    assert.match(one.assumptions.join(' '), /FSDP's mixed precision casts each unit's weights as it gathers them/);
    // Accumulating on one process: between micro-batches the gradients are in CPU memory (no_sync needs several).
    assert.strictEqual(at(recipe.replace('gradient_accumulation_steps: 1', 'gradient_accumulation_steps: 8'), 1).training.peakBytes, one.training.peakBytes);
    // FSDP2 (axolotl's fsdp_version: 2) sends each gradient to CPU memory as backward produces it: two layers' at most.
    const two = at(`${recipe}fsdp_version: 2\n`, 8);
    assert.strictEqual(two.settings.fsdpVersion, 2);
    assert.ok(two.training.components.gradients < (params * 4) / 8 / 4, String(two.training.components.gradients));
    // FSDP's own activation checkpointing counts where gradient_checkpointing is left off beside it (axolotl's FSDP2 way).
    const fsdpCheckpointed = recipe.replace('gradient_checkpointing: true', 'gradient_checkpointing: false').replace('fsdp_config:\n', 'fsdp_config:\n  activation_checkpointing: true\n');
    assert.strictEqual(at(fsdpCheckpointed, 8).settings.checkpointing, 'full');
    assert.strictEqual(at(fsdpCheckpointed.replace('activation_checkpointing: true', 'activation_checkpointing: false'), 8).settings.checkpointing, 'none');
    const bad = analyzeDocument(parseConfig(`${recipe}fsdp_version: 3\n`, 'yaml'), DEFAULT_OPTIONS).configs[0];
    assert.ok((bad.config.training.problems ?? []).some(p => /`fsdp_version` must be 1 or 2 \(it is 3\)/.test(p.message)), JSON.stringify(bad.config.training.problems));
  });

  it('a TRL recipe gets the keys appended; an axolotl recipe, whose schema is its own, gets none', () => {
    const recipe = 'model_name_or_path: meta-llama/Llama-2-7b-hf\nbf16: true\nper_device_train_batch_size: 2\ngradient_accumulation_steps: 4\ngradient_checkpointing: true\nmax_seq_length: 2048\nfsdp: full_shard auto_wrap\noutput_dir: out\n';
    const yaml = (t: string) => analyzeDocument(parseConfig(t, 'yaml'), options);
    const [sync] = gradientSync(recipe, 'yaml');
    assert.ok(sync?.edit);
    assert.strictEqual(sync.edit.newText, 'accelerator_config:\n  gradient_accumulation_kwargs:\n    sync_each_batch: true\n');
    assert.strictEqual(yaml(apply(recipe, sync.edit.span, sync.edit.newText)).configs[0].estimate!.settings.unshardedAccumulation, false);
    const axolotl = 'base_model: meta-llama/Llama-2-7b-hf\nbf16: true\nmicro_batch_size: 2\ngradient_accumulation_steps: 4\ngradient_checkpointing: true\nsequence_len: 2048\nfsdp:\n  - full_shard\n  - auto_wrap\n';
    const ax = yaml(axolotl);
    assert.strictEqual(ax.configs[0].estimate!.settings.unshardedAccumulation, true);
    assert.deepStrictEqual(gradientSync(axolotl, 'yaml'), []);
  });
});

describe('fixes in a training script', () => {
  it('gradient checkpointing is added to the trainer arguments the script passes, in Python', () => {
    const script = 'import torch\nfrom transformers import AutoModelForCausalLM, Trainer, TrainingArguments\nmodel = AutoModelForCausalLM.from_pretrained("meta-llama/Llama-3.2-1B", torch_dtype=torch.bfloat16)\nargs = TrainingArguments(output_dir="out", per_device_train_batch_size=8, bf16=True)\ntrainer = Trainer(model=model, args=args)\ntrainer.train()\n';
    const options = { ...DEFAULT_OPTIONS, targetGpu: 'A100 40GB', sequenceLength: 2048 };
    const { a, fixes, reanalyze } = trainingFixes(script, 'python', options);
    assert.strictEqual(a.verdict!.training, false);
    const on = fixes.find(f => f.kind === 'checkpointing');
    assert.ok(on?.edit, fixes.map(f => f.title).join('\n'));
    assert.match(on.title, /^Enable gradient checkpointing: TrainingArguments\(gradient_checkpointing=True\) → /);
    const edited = script.slice(0, on.edit.span.start) + on.edit.newText + script.slice(on.edit.span.end);
    assert.match(edited, /TrainingArguments\(output_dir="out", gradient_checkpointing=True, per_device_train_batch_size=8, bf16=True\)/);
    assert.strictEqual(reanalyze(edited).configs[0].estimate!.settings.checkpointing, 'full');
    // A script that names its model by a `base_model` variable (as PEFT's examples do) is still a script, not a recipe.
    const named = script.replace('from_pretrained("meta-llama/Llama-3.2-1B"', 'from_pretrained(base_model').replace('model = ', 'base_model = "meta-llama/Llama-3.2-1B"\nmodel = ');
    const onAgain = trainingFixes(named, 'python', options).fixes.find(f => f.kind === 'checkpointing');
    assert.match(onAgain?.title ?? '', /: TrainingArguments\(gradient_checkpointing=True\) → /);
  });

  it("unsloth's checkpointing written off is turned back on where it is written, not in the trainer arguments", () => {
    const script = fs.readFileSync(path.join(ROOT, 'test', 'fixtures', 'scripts', 'unsloth_sft.py'), 'utf8').replace('use_gradient_checkpointing = "unsloth"', 'use_gradient_checkpointing = False');
    const options = { ...DEFAULT_OPTIONS, targetGpu: 'T4' };
    const reanalyze = (t: string) => analyzeDocument(parseConfig(t, 'python'), options);
    const doc = reanalyze(script);
    const [a] = doc.configs;
    assert.strictEqual(a.estimate!.settings.checkpointing, 'none');
    assert.strictEqual(a.verdict!.training, false);
    const on = fixesFor(a, options, doc.gpu!, 'training', script, GPUS, reanalyze).find(f => f.kind === 'checkpointing');
    assert.ok(on?.edit, 'a checkpointing fix');
    assert.match(on.title, /^Enable gradient checkpointing: FastLanguageModel\.get_peft_model\(use_gradient_checkpointing\) = True → /);
    const edited = script.slice(0, on.edit.span.start) + on.edit.newText + script.slice(on.edit.span.end);
    assert.match(edited, /use_gradient_checkpointing = True,/);
    assert.doesNotMatch(edited, /gradient_checkpointing=True/);
    assert.strictEqual(reanalyze(edited).configs[0].estimate!.settings.checkpointing, 'full');
  });
});
