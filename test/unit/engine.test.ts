import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { cheapestGpuFor, gpusNeeded, largestBatch, largestShape, longestSequence, savings, sensitivities } from '../../src/core/advise';
import { largestFitting, smallestFitting } from '../../src/core/search';
import { analyzeConfig, DEFAULT_OPTIONS } from '../../src/core/analyze';
import type { AnalysisOptions } from '../../src/core/options';
import { findGpu } from '../../src/core/gpus';
import { weightBytes } from '../../src/core/memory';
import { findModelConfigs } from '../../src/core/spec';
import { loraParameters } from '../../src/core/tensors';
import type { LoraTarget } from '../../src/core/weightTensor';
import { parseConfig } from '../../src/parse';
import { onlyConfig, PUBLIC, readReference, ROOT } from './helpers';

const llamaText = () => readReference('configs/json/llama-2-7b-chat-hf.config.json');
const llamaConfig = () => findModelConfigs(parseConfig(llamaText(), 'json').root)[0];
const fixture = (name: string) => fs.readFileSync(path.join(ROOT, 'test', 'fixtures', 'configs', name), 'utf8');
const ALL: AnalysisOptions['lora'] = { rank: 16, targets: ['q', 'k', 'v', 'o', 'gate', 'up', 'down'], dropout: true };

describe('quantized weights', () => {
  const spec = () => onlyConfig(llamaText()).spec!;
  // Llama-2-7B: 6,476,005,376 parameters in linear layers; embeddings and head 2 × 131,072,000; norms 266,240.
  const linear = 6_476_005_376;
  const kept16 = (2 * 131_072_000 + 266_240) * 2;

  it('NF4 keeps 4 bits + an fp32 absmax per 64 weights (0.5625 B), embeddings and head in 16 bits', () => {
    assert.strictEqual(weightBytes(spec(), 2, 'nf4'), linear * 0.5625 + kept16);
  });

  it('double quantization stores the absmax in 8 bits (≈ 0.127 bit per weight instead of 0.5)', () => {
    const dq = weightBytes(spec(), 2, 'nf4-dq');
    assert.strictEqual(dq, Math.round(linear * (0.5 + 1 / 64 + 4 / (64 * 256)) + kept16));
    assert.ok(dq < weightBytes(spec(), 2, 'nf4'));
  });

  it('LLM.int8 stores one byte per weight plus an fp32 scale per output row', () => {
    const bytes = weightBytes(spec(), 2, 'int8');
    const rowScales = 4 * 32 * (4096 * 4 + 11008 * 2 + 4096);
    assert.strictEqual(bytes, linear + rowScales + kept16);
  });

  it('GGUF Q8_0 is 34 bytes per 32 weights for every matrix, 1-D tensors in fp32', () => {
    const bytes = weightBytes(spec(), 2, 'q8_0');
    assert.strictEqual(bytes, ((linear + 2 * 131_072_000) / 32) * 34 + 266_240 * 4);
  });

  it('Llama-2-7B at Q4_K_M is about the size of the published GGUF file (4.08 GB)', () => {
    const gb = weightBytes(spec(), 2, 'q4_k_m') / 1e9;
    assert.ok(gb > 3.9 && gb < 4.2, String(gb));
  });

  it('quantization never grows the weights: 16-bit > int8 > 4-bit', () => {
    const s = spec();
    assert.ok(weightBytes(s, 2, undefined) > weightBytes(s, 2, 'int8'));
    assert.ok(weightBytes(s, 2, 'int8') > weightBytes(s, 2, 'gptq-int4'));
    assert.ok(weightBytes(s, 2, 'gptq-int4') > weightBytes(s, 2, 'q4_0'));
  });
});

describe('LoRA and QLoRA', () => {
  it('counts r·(in + out) per adapted linear: Llama-2-7B, r=8 on q and v → 4,194,304 trainable', () => {
    assert.strictEqual(loraParameters(onlyConfig(llamaText()).spec!, 8, ['q', 'v']), 32 * 2 * 8 * (4096 + 4096));
  });

  it('grouped-query attention makes k and v adapters narrower (Mistral-7B: 1024-wide k/v)', () => {
    const spec = onlyConfig(fixture('mistral-7b.config.json')).spec!;
    assert.strictEqual(loraParameters(spec, 8, ['k']), 32 * 8 * (4096 + 1024));
  });

  it('QLoRA ≤ LoRA ≤ full fine-tuning, for every family and batch size, when the quantized layers keep no inputs (torchao)', () => {
    for (const file of ['mistral-7b.config.json', 'phi-3-mini.config.json', 'gemma-2-9b.config.json', 'qwen3-30b-a3b.config.json', 'opt-125m.config.json']) {
      for (const batchSize of [1, 4]) {
        const full = onlyConfig(fixture(file), { batchSize }).estimate!.training.peakBytes;
        const lora = onlyConfig(fixture(file), { batchSize, lora: ALL }).estimate!.training.peakBytes;
        const qlora = onlyConfig(fixture(file), { batchSize, lora: ALL, quantization: 'nf4-dq', qloraKernel: 'torchao' }).estimate!.training.peakBytes;
        assert.ok(qlora <= lora && lora <= full, `${file} b${batchSize}: ${qlora} ≤ ${lora} ≤ ${full}`);
      }
    }
  });

  it('bitsandbytes 4-bit QLoRA keeps only the packed weights for backward, as torchao does; LLM.int8() and bitsandbytes before 0.43.2 keep each layer input', () => {
    // Llama-2-7B, r=8 on q and v without dropout, batch 1 × 512 tokens, bf16. q and v already keep the attention
    // input; a layer that keeps its own input adds o_proj's input (4096 wide), the MLP input (4096) and down_proj's
    // input (11,008), 2 bytes each, in all 32 layers.
    const lora = { rank: 8, targets: ['q', 'v'] as LoraTarget[], dropout: false };
    const run = { batchSize: 1, sequenceLength: 512, precision: 'bf16-true' as const, lora, quantization: 'nf4' as const };
    const activations = (more: Partial<AnalysisOptions>) => onlyConfig(llamaText(), { ...run, ...more }).estimate!.training.components.activations;
    const torchao = activations({ qloraKernel: 'torchao' });
    assert.strictEqual(activations({}), torchao);
    assert.strictEqual(activations({ legacyBitsandbytes: true }) - torchao, 32 * 512 * 2 * (4096 + 4096 + 11008));
    assert.strictEqual(activations({ quantization: 'int8' }) - torchao, 32 * 512 * 2 * (4096 + 4096 + 11008));
  });

  it('QLoRA on bitsandbytes before 0.43.2 can need more than LoRA once the kept inputs outweigh the 4-bit savings; today it cannot', () => {
    // LitGPT publishes such a pair for phi-2 (same recipe, batch 4 × 512, bitsandbytes 0.41): LoRA 13.98 GB, QLoRA 14.27 GB.
    const at = (batchSize: number, sequenceLength: number, legacyBitsandbytes: boolean) => {
      const lora = onlyConfig(fixture('mistral-7b.config.json'), { batchSize, sequenceLength, lora: ALL }).estimate!.training.peakBytes;
      const qlora = onlyConfig(fixture('mistral-7b.config.json'), { batchSize, sequenceLength, lora: ALL, quantization: 'nf4', legacyBitsandbytes }).estimate!.training.peakBytes;
      return { lora, qlora };
    };
    const small = at(1, 512, true);
    const large = at(8, 4096, true);
    assert.ok(small.qlora < small.lora, `short run: ${small.qlora} < ${small.lora}`);
    assert.ok(large.qlora > large.lora, `long run: ${large.qlora} > ${large.lora}`);
    const today = at(8, 4096, false);
    assert.ok(today.qlora < today.lora, `long run today: ${today.qlora} < ${today.lora}`);
  });

  it('trainable parameters in the JSON contract are the adapters when LoRA is on', () => {
    const est = onlyConfig(llamaText(), { lora: { rank: 8, targets: ['q', 'v'], dropout: false } }).estimate!;
    assert.strictEqual(est.trainableParameters, 4_194_304);
    assert.strictEqual(est.parameters.total, 6_738_415_616);
  });
});

describe('optimizers', () => {
  it('Adafactor keeps a row and a column vector per matrix, far less than Adam', () => {
    const est = onlyConfig(llamaText(), { optimizer: 'adafactor' }).estimate!;
    // 32 layers × (4 attention 4096×4096 + 2 of 4096×11008 + 11008×4096) factored, 2 tables, norm vectors; fp32 states.
    const factored = 32 * (4 * 8192 + 3 * (4096 + 11008)) + 2 * (32000 + 4096) + 266_240;
    assert.strictEqual(est.training.components.optimizer, 4 * factored);
  });

  it('Lion and SGD keep one state, 8-bit AdamW two bytes (fp32 for tensors under 4,096 elements)', () => {
    const p = 6_738_415_616;
    assert.strictEqual(onlyConfig(llamaText(), { optimizer: 'lion' }).estimate!.training.components.optimizer, 4 * p);
    const eightBit = onlyConfig(llamaText(), { optimizer: 'adamw-8bit' }).estimate!.training.components.optimizer;
    assert.ok(eightBit >= 2 * p && eightBit < 2.01 * p);
  });

  it("bitsandbytes' paged optimizers keep the states of tensors of 100,000 elements or more in unified memory, outside the peak, and say how much", () => {
    // Llama-2-7B: every matrix is far above 100,000 elements; the 65 norm vectors (4,096 elements each) stay on the
    // allocator, with 8-bit states (two bytes: 32-bit states start below 4,096 elements).
    const run = (optimizer: 'adamw-8bit' | 'paged-adamw-8bit' | 'paged-adamw') => onlyConfig(llamaText(), { optimizer, precision: 'bf16-true' }).estimate!;
    const plain = run('adamw-8bit');
    const paged = run('paged-adamw-8bit');
    const norms = 65 * 4096;
    assert.strictEqual(paged.training.components.optimizer, 2 * norms);
    assert.strictEqual(plain.training.allocatedBytes - paged.training.allocatedBytes, plain.training.components.optimizer - 2 * norms);
    assert.ok(paged.assumptions.some(a => /^Paged optimizer: 12\.\d+ GiB of states .* live in CUDA unified memory/.test(a)));
    assert.ok(!plain.assumptions.some(a => a.startsWith('Paged optimizer')));
    // Paged 32-bit AdamW keeps fp32 states whatever the parameters' dtype, and steps in place (no foreach temporary).
    const paged32 = run('paged-adamw');
    assert.strictEqual(paged32.training.components.optimizer, 8 * norms);
    assert.ok(paged32.assumptions.some(a => /^Paged optimizer: 50\.\d+ GiB of states/.test(a)));
  });
});

describe('parallelism', () => {
  it('ZeRO stages shrink per-GPU memory in order, and more GPUs under ZeRO-3 never increase it', () => {
    const peaks = [0, 1, 2, 3].map(zeroStage => onlyConfig(llamaText(), { gpus: 8, zeroStage: zeroStage as 0 | 1 | 2 | 3 }).estimate!.training.allocatedBytes);
    assert.ok(peaks[0] >= peaks[1] && peaks[1] >= peaks[2] && peaks[2] >= peaks[3], peaks.join(' ≥ '));
    let previous = Infinity;
    for (const gpus of [1, 2, 4, 8, 16, 64, 256]) {
      const p = onlyConfig(llamaText(), { gpus, zeroStage: 3 }).estimate!.training.peakBytes;
      assert.ok(p <= previous, `${gpus} GPUs: ${p} > ${previous}`);
      previous = p;
    }
  });

  it('ZeRO-3 over 8 GPUs holds (2 + 2 + 12) / 8 bytes per parameter of model states (ZeRO paper)', () => {
    const c = onlyConfig(llamaText(), { gpus: 8, zeroStage: 3 }).estimate!.training.components;
    assert.strictEqual(c.weights + c.gradients + c.optimizer, Math.round((16 * 6_738_415_616) / 8));
  });

  it('FSDP accumulating without sync (no_sync) holds the full 16-bit gradients; DeepSpeed holds its shard', () => {
    const run = { gpus: 4, zeroStage: 3 as const, precision: 'bf16-true' as const, gradientAccumulationSteps: 4, batchSize: 1, sequenceLength: 512 };
    const deepspeed = onlyConfig(llamaText(), run).estimate!.training;
    const fsdp = onlyConfig(llamaText(), { ...run, unshardedAccumulation: true }).estimate!.training;
    assert.strictEqual(deepspeed.components.gradients, Math.round((2 * 6_738_415_616) / 4));
    assert.strictEqual(fsdp.components.gradients, 2 * 6_738_415_616);
    assert.strictEqual(fsdp.allocatedBytes - deepspeed.allocatedBytes, 2 * 6_738_415_616 - Math.round((2 * 6_738_415_616) / 4));
    // Without accumulation every micro-batch reduce-scatters: the same as DeepSpeed.
    const single = { ...run, gradientAccumulationSteps: 1 };
    assert.strictEqual(onlyConfig(llamaText(), { ...single, unshardedAccumulation: true }).estimate!.training.allocatedBytes, onlyConfig(llamaText(), single).estimate!.training.allocatedBytes);
  });

  it('tensor parallelism divides the weights and the KV cache', () => {
    const one = onlyConfig(llamaText()).estimate!.inference.components;
    const four = onlyConfig(llamaText(), { gpus: 4, tensorParallel: 4 }).estimate!.inference.components;
    assert.strictEqual(four.weights, one.weights / 4);
    assert.strictEqual(four.kvCache, one.kvCache / 4);
  });
});

describe('checkpointing and KV cache options', () => {
  it('checkpointing never increases the peak: none ≥ selective ≥ full', () => {
    for (const attention of ['sdpa', 'eager'] as const) {
      const [none, selective, full] = (['none', 'selective', 'full'] as const).map(
        checkpointing => onlyConfig(llamaText(), { attention, checkpointing, batchSize: 4 }).estimate!.training.allocatedBytes,
      );
      assert.ok(none >= selective && selective >= full, `${attention}: ${none} ≥ ${selective} ≥ ${full}`);
    }
  });

  it('an fp8 KV cache is half the bf16 one; q4_0 is 18/32 bytes per element', () => {
    const bf16 = onlyConfig(llamaText()).estimate!.inference.components.kvCache;
    assert.strictEqual(onlyConfig(llamaText(), { kvCacheType: 'fp8' }).estimate!.inference.components.kvCache, bf16 / 2);
    assert.strictEqual(onlyConfig(llamaText(), { kvCacheType: 'q4_0' }).estimate!.inference.components.kvCache, (bf16 / 2) * (18 / 32));
  });

  it('Gemma 2 keeps the whole context in half of its layers and a 4,096-token window in the other half', () => {
    const kv = onlyConfig(fixture('gemma-2-9b.config.json'), { sequenceLength: 8192 }).estimate!.inference.components.kvCache;
    assert.strictEqual(kv, 2 * 8 * 256 * 2 * (21 * 8192 + 21 * 4096));
  });

  it('Gemma 3 has five local layers to each global one; Mistral v0.1 windows every layer', () => {
    assert.strictEqual(onlyConfig(fixture('gemma-3-1b.config.json')).spec!.slidingLayers, 26 - 4);
    const mistral = onlyConfig(fixture('mistral-7b.config.json'), { sequenceLength: 8192 });
    assert.strictEqual(mistral.spec!.slidingLayers, 32);
    assert.strictEqual(mistral.estimate!.inference.components.kvCache, 32 * 2 * 8 * 128 * 2 * 4096);
  });

  it('Qwen2.5 ships sliding_window but uses full attention unless use_sliding_window is set', () => {
    const qwen = onlyConfig(fixture('qwen2.5-3b.config.json'));
    assert.strictEqual(qwen.spec!.slidingLayers, 0);
  });

  it('DeepSeek-V3 caches 576 latent values per token and layer in vLLM, 71× less than HF\'s expanded K and V', () => {
    const hf = onlyConfig(fixture('deepseek-v3.config.json'), { sequenceLength: 4096 }).estimate!.inference.components.kvCache;
    const vllm = onlyConfig(fixture('deepseek-v3.config.json'), { sequenceLength: 4096, serving: 'vllm' }).estimate!.inference.components.kvCache;
    assert.strictEqual(vllm, 61 * 576 * 2 * 4096);
    assert.strictEqual(Math.round(hf / vllm), 71);
  });
});

describe('advice', () => {
  const gpu = findGpu('RTX 4090')!;

  it('the largest batch is exact: it fits, one more does not', () => {
    const config = llamaConfig();
    const options = { ...DEFAULT_OPTIONS, sequenceLength: 2048 };
    const b = largestBatch(config, options, gpu, 'inference');
    assert.ok(b > 1);
    const peak = (batchSize: number) => analyzeConfig(config, { ...options, batchSize }, undefined).estimate!.inference.peakBytes;
    assert.ok(peak(b) <= 24_564 * 1024 * 1024);
    assert.ok(peak(b + 1) > 24_564 * 1024 * 1024);
  });

  it('the longest sequence is exact to the token', () => {
    const config = llamaConfig();
    const s = longestSequence(config, DEFAULT_OPTIONS, gpu, 'inference', 1 << 20);
    const peak = (sequenceLength: number) => analyzeConfig(config, { ...DEFAULT_OPTIONS, sequenceLength }, undefined).estimate!.inference.peakBytes;
    assert.ok(peak(s) <= 24_564 * 1024 * 1024 && peak(s + 1) > 24_564 * 1024 * 1024, String(s));
  });

  it('monotone search finds the boundary and says 0 when nothing fits', () => {
    assert.strictEqual(largestFitting(n => n <= 37, 1000), 37);
    assert.strictEqual(largestFitting(() => true, 1000), 1000);
    assert.strictEqual(largestFitting(() => false, 1000), 0);
  });

  it('the smallest value a test starts to accept, and none when it never does', () => {
    assert.strictEqual(smallestFitting(n => n >= 37, 1000), 37);
    assert.strictEqual(smallestFitting(() => true, 1000), 1);
    assert.strictEqual(smallestFitting(n => n >= 1000, 1000), 1000);
    assert.strictEqual(smallestFitting(() => false, 1000), undefined);
  });

  it('how many H100s: Llama-2-7B full training needs several under ZeRO-3, inference one', () => {
    const h100 = findGpu('H100')!;
    assert.deepStrictEqual(gpusNeeded(llamaConfig(), DEFAULT_OPTIONS, h100, 'inference'), { count: 1, how: 'one GPU' });
    const training = gpusNeeded(llamaConfig(), DEFAULT_OPTIONS, h100, 'training');
    assert.ok(training.count !== null && training.count >= 2 && training.count <= 8, JSON.stringify(training));
    const perGpu = (gpus: number) => analyzeConfig(llamaConfig(), { ...DEFAULT_OPTIONS, gpus, zeroStage: 3 }, undefined).estimate!.training.peakBytes;
    assert.ok(perGpu(training.count) <= 81_559 * 1024 * 1024);
    assert.ok(perGpu(training.count - 1) > 81_559 * 1024 * 1024, 'one fewer does not fit');
  });

  it('says when no number of GPUs is enough: activations alone exceed a 24 GB card', () => {
    const plan = gpusNeeded(llamaConfig(), DEFAULT_OPTIONS, gpu, 'training');
    assert.strictEqual(plan.count, null);
    assert.match(plan.how, /activations alone exceed one GPU/);
  });

  it('the cheapest GPU for 16 GiB is a consumer card, not a data-centre one', () => {
    assert.strictEqual(cheapestGpuFor(16 * 2 ** 30)?.name, 'RTX 3090');
  });

  it('"what can my GPU run": deeper or wider versions of the same shape, each fitting', () => {
    const limit = largestShape(llamaConfig(), DEFAULT_OPTIONS, gpu, 'inference')!;
    assert.ok(limit.layers > 32 && limit.layers < 64, String(limit.layers));
    assert.ok(limit.hiddenSize > 4096 && limit.hiddenSize % 128 === 0, String(limit.hiddenSize));
  });

  it('doubling the hidden size costs more than doubling the heads, for this model', () => {
    const byKey = new Map(sensitivities(llamaConfig(), DEFAULT_OPTIONS).map(s => [s.key, s]));
    // intermediate_size stays as written, so only attention grows with h²: ×2.6, not ×4.
    assert.ok(byKey.get('hidden_size')!.training > 2.5);
    // More query heads over the same 32 KV heads: head_dim halves, so the KV cache halves.
    assert.ok(byKey.get('num_attention_heads')!.inference < 1);
    assert.ok(byKey.get('vocab_size')!.training < 1.1);
    assert.ok(byKey.get('num_hidden_layers')!.training > 1.8);
    assert.ok(byKey.has('batch size') && byKey.has('sequence length'));
  });

  it('a switch the run already has is not offered again as a saving', () => {
    const all = savings(llamaConfig(), DEFAULT_OPTIONS).map(s => s.label);
    assert.ok(all.includes('full gradient checkpointing') && all.includes('pure bf16 (bf16-true) instead of mixed precision'));
    const set = savings(llamaConfig(), { ...DEFAULT_OPTIONS, checkpointing: 'full', precision: 'bf16-true', optimizer: 'adamw-8bit' }).map(s => s.label);
    for (const label of ['full gradient checkpointing', 'pure bf16 (bf16-true) instead of mixed precision', '8-bit AdamW']) {
      assert.ok(!set.includes(label), label);
    }
    assert.strictEqual(set[0], 'as configured');
    // A paged 8-bit run keeps its states outside the peak: the plain 8-bit row says it puts them back in.
    const paged = savings(llamaConfig(), { ...DEFAULT_OPTIONS, optimizer: 'paged-adamw-8bit' });
    const plain = paged.find(s => s.label.startsWith('8-bit AdamW'))!;
    assert.strictEqual(plain.label, '8-bit AdamW, not paged (its states in the peak)');
    assert.ok(plain.trainingPeakBytes > paged[0].trainingPeakBytes);
  });

  it('every training optimisation the seed lists saves memory on a 7B model at batch 4', () => {
    const list = savings(llamaConfig(), { ...DEFAULT_OPTIONS, batchSize: 4 });
    const base = list[0].trainingPeakBytes;
    for (const s of list.slice(1, 8)) {
      assert.ok(s.trainingPeakBytes < base, `${s.label}: ${s.trainingPeakBytes} vs ${base}`);
    }
  });
});

describe('LoRA adapters match what PEFT creates', () => {
  const data = JSON.parse(fs.readFileSync(path.join(ROOT, 'bench', 'data', 'h100-adapters.json'), 'utf8')) as {
    rows: { id: string; config: string; lora?: { rank: number; targets: LoraTarget[] }; trainable: number }[];
  };
  for (const row of data.rows.filter(r => r.lora)) {
    it(`${row.id}: ${row.trainable.toLocaleString('en-US')} trainable parameters, as PEFT counted them`, () => {
      const text = fs.readFileSync(path.join(PUBLIC, row.config), 'utf8');
      const spec = onlyConfig(text).spec!;
      assert.strictEqual(loraParameters(spec, row.lora!.rank, row.lora!.targets), row.trainable);
    });
  }
});
