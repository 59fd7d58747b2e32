import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { analyzeDocument, DEFAULT_OPTIONS, gpuList, UNPLANNED_ENGINE, type ConfigAnalysis } from '../../src/core/analyze';
import type { AnalysisOptions } from '../../src/core/options';
import { diagnose, SERVING_DOES_NOT_START } from '../../src/core/diagnose';
import { catalogHoverMarkdown, compareGpusMarkdown, gpuFitDetail, lensTitle, reportMarkdown, servingHoverMarkdown, servingLensTitle, servingRows, statusVerdict, whatFitsMarkdown } from '../../src/core/explain';
import { fixesJson } from '../../src/core/configFixes';
import { formatUsage } from '../../src/core/format';
import { findGpu, GPUS, isUnifiedMemory } from '../../src/core/gpus';
import { parseEngineVersion, planServing, stageLayers, vllmStatePageBytes } from '../../src/core/serving';
import { servingFixes } from '../../src/core/servingFixes';
import { servingFlagHelp } from '../../src/core/servingKeys';
import { main } from '../../src/cli/main';
import { parseConfig } from '../../src/parse';
import type { ConfigFormat } from '../../src/parse/limits';

const GIB = 1024 ** 3;

function analyze(text: string, format: ConfigFormat, options: Partial<AnalysisOptions> = {}) {
  return analyzeDocument(parseConfig(text, format), { ...DEFAULT_OPTIONS, targetGpu: 'H100 80GB', ...options });
}

function only(text: string, format: ConfigFormat, options: Partial<AnalysisOptions> = {}): ConfigAnalysis {
  const doc = analyze(text, format, options);
  assert.strictEqual(doc.configs.length, 1, 'one config');
  return doc.configs[0];
}

describe('serving planner: vLLM', () => {
  // vLLM 0.19 on an H100 printed: weights 14.99 GiB, activation 1.89, non-torch 0.25, KV 58.11 GiB, 476,016 tokens
  // (llm-d-planner accuracy/results/v0.19.0; bench/data/vllm-startup-logs.json).
  const LLAMA_H100 = '#!/bin/bash\nvllm serve meta-llama/Llama-3.1-8B-Instruct --max-model-len 8192 --gpu-memory-utilization 0.95\n';

  it("reads `vllm serve` and plans the pool within 1 % of vLLM 0.19's log", () => {
    const a = only(LLAMA_H100, 'shell', { engineVersion: '0.19' });
    const p = a.serving!;
    assert.strictEqual(p.engine, 'vllm');
    assert.ok(Math.abs(p.weightsBytes / GIB - 14.99) / 14.99 < 0.01, `weights ${p.weightsBytes / GIB}`);
    assert.ok(Math.abs(p.kvTokens - 476_016) / 476_016 < 0.01, `tokens ${p.kvTokens}`);
    assert.strictEqual(p.kvBytesPerToken, 32 * 2 * 8 * 128 * 2);
    assert.strictEqual(p.kvTokens % 16, 0, 'whole blocks of 16');
    assert.ok(Math.abs(p.maxConcurrency - p.kvTokens / 8192) < 0.01);
    assert.strictEqual(p.starts, true);
    assert.match(servingLensTitle(p), /^vLLM: KV pool [\d,]+ tokens · 58× at 8,192 · ✓ starts on H100 80GB$/);
  });

  it("DeepSeek-V3.2: the indexer's 132-byte key beside the latent, per token and layer, and a note that says the count is approximate", () => {
    const v32 = only('vllm serve deepseek-ai/DeepSeek-V3.2 -tp 8 --max-model-len 65536\n', 'shell', { targetGpu: 'H200' }).serving!;
    const v3 = only('vllm serve deepseek-ai/DeepSeek-V3 -tp 8 --max-model-len 65536\n', 'shell', { targetGpu: 'H200' }).serving!;
    assert.strictEqual(v3.kvBytesPerToken, 61 * (512 + 64) * 2);
    assert.strictEqual(v32.kvBytesPerToken, 61 * ((512 + 64) * 2 + 128 + 4));
    assert.ok(v32.assumptions.some(n => /indexer's key \(132 bytes\).*approximate/.test(n)));
    assert.ok(!v3.assumptions.some(n => /indexer/.test(n)));
  });

  it('splits weights and KV heads over tensor parallelism, and NCCL takes its share on each GPU', () => {
    const one = only(LLAMA_H100, 'shell').serving!;
    const two = only(LLAMA_H100.replace('0.95', '0.95 -tp 2'), 'shell').serving!;
    assert.strictEqual(two.gpus, 2);
    assert.ok(Math.abs(two.weightsBytes * 2 - one.weightsBytes) / one.weightsBytes < 0.01);
    assert.strictEqual(two.kvBytesPerToken * 2, one.kvBytesPerToken);
    assert.ok(two.nonTorchBytes > one.nonTorchBytes);
    assert.ok(two.kvTokens > 2 * one.kvTokens);
  });

  it("int8_per_token_head and fp8_per_token_head keep a byte a value and an fp32 scale per token and head; other new types get a message, not a number", () => {
    const perToken = (dtype: string) => only(LLAMA_H100.replace('0.95', `0.95 --kv-cache-dtype ${dtype}`), 'shell').serving!.kvBytesPerToken;
    assert.strictEqual(perToken('int8_per_token_head'), 32 * 2 * 8 * (128 + 4));
    assert.strictEqual(perToken('fp8_per_token_head'), 32 * 2 * 8 * (128 + 4));
    const nvfp4 = only(LLAMA_H100.replace('0.95', '0.95 --kv-cache-dtype nvfp4'), 'shell');
    assert.strictEqual(nvfp4.serving, undefined);
    assert.ok(nvfp4.problems.some(p => p.severity === 'error' && /does not plan int4_per_token_head, nvfp4/.test(p.message)));
  });

  it('fp8 KV cache doubles the tokens in the same pool', () => {
    const auto = only(LLAMA_H100, 'shell').serving!;
    const fp8 = only(LLAMA_H100.replace('0.95', '0.95 --kv-cache-dtype fp8'), 'shell').serving!;
    assert.strictEqual(fp8.kvCacheBytes === auto.kvCacheBytes || Math.abs(fp8.kvTokens - 2 * auto.kvTokens) <= 16, true);
  });

  it("refuses, in vLLM's words, a max_model_len one request cannot fit, and names the longest that starts", () => {
    const a = only('vllm serve meta-llama/Llama-3.1-8B-Instruct --max-model-len 131072\n', 'shell', { targetGpu: 'L4' });
    const p = a.serving!;
    assert.strictEqual(p.starts, false);
    assert.match(p.reason, /^To serve at least one request with the models's max seq len \(131072\), .* the estimated maximum model length is \d+\./);
    assert.ok(p.longestStartingLen > 0 && p.longestStartingLen < 131_072);
    const problems = diagnose(analyze('vllm serve meta-llama/Llama-3.1-8B-Instruct --max-model-len 131072\n', 'shell', { targetGpu: 'L4' }));
    const refusal = problems.find(x => x.code === SERVING_DOES_NOT_START)!;
    assert.ok(refusal, 'a diagnostic says it does not start');
    const text = 'vllm serve meta-llama/Llama-3.1-8B-Instruct --max-model-len 131072\n';
    assert.strictEqual(text.slice(refusal.span.start, refusal.span.end), 'max-model-len 131072');
    const fixes = servingFixes(a, findGpu('L4')!, text);
    const shorter = fixes.find(f => /max_model_len/.test(f.title))!;
    assert.ok(shorter.preferred);
    const offload = fixes.find(f => /cpu_offload_gb/.test(f.title))!;
    const offloaded = text.slice(0, offload.edit!.span.start) + offload.edit!.newText + text.slice(offload.edit!.span.end);
    assert.match(offloaded, /--max-model-len 131072 --cpu-offload-gb \d+\n$/);
    assert.strictEqual(only(offloaded, 'shell', { targetGpu: 'L4' }).serving!.starts, true);
    const fixed = text.slice(0, shorter.edit!.span.start) + shorter.edit!.newText + text.slice(shorter.edit!.span.end);
    assert.strictEqual(only(fixed, 'shell', { targetGpu: 'L4' }).serving!.starts, true, fixed);
    // 48K needs 6 GiB of 16-bit KV on an L4, 3 GiB in fp8: the fp8 fix adds the flag to the command.
    const half = 'vllm serve meta-llama/Llama-3.1-8B-Instruct --max-model-len 49152\n';
    const fp8 = servingFixes(only(half, 'shell', { targetGpu: 'L4' }), findGpu('L4')!, half).find(f => f.kind === 'kv-cache-fp8')!;
    const withFp8 = half.slice(0, fp8.edit!.span.start) + fp8.edit!.newText + half.slice(fp8.edit!.span.end);
    assert.strictEqual(withFp8, 'vllm serve meta-llama/Llama-3.1-8B-Instruct --max-model-len 49152 --kv-cache-dtype fp8\n');
    assert.strictEqual(only(withFp8, 'shell', { targetGpu: 'L4' }).serving!.starts, true);
  });

  it('offers the fewest GPUs in tensor parallel that start a model one GPU cannot load (Llama 3.1 70B on H100s: four, not two)', () => {
    const text = 'vllm serve meta-llama/Llama-3.1-70B-Instruct --max-model-len 131072 --gpu-memory-utilization 0.9\n';
    const a = only(text, 'shell', { targetGpu: 'H100 80GB' });
    assert.strictEqual(a.serving!.starts, false);
    const fixes = servingFixes(a, findGpu('H100 80GB')!, text);
    const split = fixes.find(f => f.kind === 'tensor-parallel');
    assert.ok(split, fixes.map(f => f.title).join('; '));
    assert.strictEqual(split.value, 4);
    const edited = text.slice(0, split.edit!.span.start) + split.edit!.newText + text.slice(split.edit!.span.end);
    assert.match(edited, /--gpu-memory-utilization 0\.9 --tensor-parallel-size 4\n$/);
    assert.strictEqual(only(edited, 'shell', { targetGpu: 'H100 80GB' }).serving!.starts, true);
    // Two are not enough: half the weights leave no room for one 131,072-token request.
    assert.strictEqual(only(text.replace('\n', ' -tp 2\n'), 'shell', { targetGpu: 'H100 80GB' }).serving!.starts, false);
  });

  it('offers 4-bit bitsandbytes weights as they load where the GPU has no fp8 (an A100), fp8 where it has (an H100)', () => {
    const text = 'vllm serve Qwen/Qwen2.5-72B-Instruct --max-model-len 32768\n';
    const on = (targetGpu: string) => servingFixes(only(text, 'shell', { targetGpu }), findGpu(targetGpu)!, text);
    const a100 = on('A100 80GB');
    const nf4 = a100.find(f => f.kind === 'quant-4bit');
    assert.ok(nf4 && nf4.preferred, a100.map(f => f.title).join('; '));
    const edited = text.slice(0, nf4.edit!.span.start) + nf4.edit!.newText + text.slice(nf4.edit!.span.end);
    assert.strictEqual(edited, 'vllm serve Qwen/Qwen2.5-72B-Instruct --max-model-len 32768 --quantization bitsandbytes\n');
    assert.strictEqual(only(edited, 'shell', { targetGpu: 'A100 80GB' }).serving!.starts, true);
    assert.ok(on('H100 80GB').every(f => f.kind !== 'quant-4bit'));
    // vLLM before 0.7 also needed --load-format bitsandbytes: no one-flag fix there.
    assert.ok(servingFixes(only(text, 'shell', { targetGpu: 'A100 80GB', engineVersion: '0.6.3' }), findGpu('A100 80GB')!, text).every(f => f.kind !== 'quant-4bit'));
  });

  it("on AMD offers fp8 where the card computes in it (MI300X) and never bitsandbytes, which vLLM does not run there", () => {
    const onMi300x = 'vllm serve meta-llama/Llama-3.1-405B-Instruct --max-model-len 8192 -tp 4\n';
    const fixes = servingFixes(only(onMi300x, 'shell', { targetGpu: 'MI300X' }), findGpu('MI300X')!, onMi300x);
    const fp8 = fixes.find(f => f.kind === 'quant-fp8');
    assert.ok(fp8?.preferred, fixes.map(f => f.title).join('; '));
    const edited = onMi300x.slice(0, fp8.edit!.span.start) + fp8.edit!.newText + onMi300x.slice(fp8.edit!.span.end);
    assert.strictEqual(only(edited, 'shell', { targetGpu: 'MI300X' }).serving!.starts, true);
    // The MI250 (CDNA 2) has no fp8, and vLLM's bitsandbytes kernels are NVIDIA's: more GPUs or host memory only.
    const onMi250 = 'vllm serve meta-llama/Llama-3.1-70B-Instruct --max-model-len 8192\n';
    const kinds = servingFixes(only(onMi250, 'shell', { targetGpu: 'MI250' }), findGpu('MI250')!, onMi250).map(f => f.kind);
    assert.ok(kinds.length > 0 && !kinds.some(k => k.includes('quant')), kinds.join(', '));
  });

  it('refuses a max_model_len past the model\'s positions, as vLLM does', () => {
    const p = only('vllm serve microsoft/phi-2 --max-model-len 8192\n', 'shell').serving!;
    assert.strictEqual(p.starts, false);
    assert.match(p.reason, /^User-specified max_model_len \(8192\) is greater than the derived max_model_len \(max_position_embeddings=2048/);
    assert.strictEqual(only('vllm serve microsoft/phi-2 --max-model-len 2048\n', 'shell').serving!.starts, true);
  });

  it("takes the release's own default share when the command leaves gpu_memory_utilization out: 0.92 from 0.21, 0.9 before", () => {
    const text = 'vllm serve meta-llama/Llama-3.1-8B-Instruct --max-model-len 8192\n';
    const share = (engineVersion: string) => only(text, 'shell', { engineVersion }).serving!.budgetBytes / (79.19 * GIB);
    assert.ok(Math.abs(share('0.29') - 0.92) < 1e-6, `0.29: ${share('0.29')}`);
    assert.ok(Math.abs(share('0.21') - 0.92) < 1e-6, `0.21: ${share('0.21')}`);
    assert.ok(Math.abs(share('0.20') - 0.9) < 1e-6, `0.20: ${share('0.20')}`);
    assert.ok(Math.abs(share('0.6.3') - 0.9) < 1e-6, `0.6.3: ${share('0.6.3')}`);
    const written = only(text.replace('8192', '8192 --gpu-memory-utilization 0.9'), 'shell').serving!;
    assert.ok(Math.abs(written.budgetBytes / (79.19 * GIB) - 0.9) < 1e-6, 'a written share wins');
  });

  it('refuses a budget above the free memory at start (V1), but not on V0', () => {
    const text = 'vllm serve Qwen/Qwen2.5-0.5B --gpu-memory-utilization 0.999\n';
    assert.match(only(text, 'shell').serving!.reason, /^Free memory on device \([\d.]+\/79\.19 GiB\) on startup is less than desired GPU memory utilization \(0\.999/);
    assert.doesNotMatch(only(text, 'shell', { engineVersion: '0.6.3' }).serving!.reason, /Free memory/);
  });

  it('reads a vLLM --config YAML (dashed keys) and LLM(...) in Python', () => {
    const yaml = only('model: Qwen/Qwen2.5-7B-Instruct\ngpu-memory-utilization: 0.9\nmax-model-len: 32768\ntensor-parallel-size: 2\n', 'yaml').serving!;
    assert.strictEqual(yaml.gpus, 2);
    assert.strictEqual(yaml.maxModelLen, 32_768);
    assert.strictEqual(yaml.maxNumBatchedTokens, 8192, 'the API server default on an H100');
    const py = only('from vllm import LLM\nllm = LLM(model="Qwen/Qwen2.5-7B-Instruct", max_model_len=4096, gpu_memory_utilization=0.8)\n', 'python').serving!;
    assert.strictEqual(py.maxModelLen, 4096);
    assert.strictEqual(py.maxNumBatchedTokens, 16_384, "LLM(...)'s default on an H100");
    assert.ok(Math.abs(py.budgetBytes - 0.8 * 79.19 * GIB) < 1e6);
  });

  it("a quantized checkpoint's name sets the weights vLLM loads: W8A8 int8, FP8-dynamic, W4A16", () => {
    const weights = (model: string) => only(`vllm serve ${model} --max-model-len 8192\n`, 'shell').serving!.weightsBytes;
    const bf16 = weights('meta-llama/Llama-3.1-8B-Instruct');
    for (const [model, low, high] of [['RedHatAI/Meta-Llama-3.1-8B-Instruct-quantized.w8a8', 0.5, 0.6], ['RedHatAI/Meta-Llama-3.1-8B-Instruct-FP8-dynamic', 0.5, 0.6], ['neuralmagic/Meta-Llama-3.1-8B-Instruct-quantized.w4a16', 0.3, 0.4]] as const) {
      const share = weights(model) / bf16;
      assert.ok(share > low && share < high, `${model}: ${share}`);
    }
  });

  it('--cpu-offload-gb keeps that much of the weights in host memory, and the pool grows by it', () => {
    const base = only(LLAMA_H100, 'shell').serving!;
    const offload = only(LLAMA_H100.replace('0.95', '0.95 --cpu-offload-gb 4'), 'shell').serving!;
    assert.strictEqual(base.weightsBytes - offload.weightsBytes, 4 * GIB);
    assert.ok(Math.abs(offload.kvCacheBytes - base.kvCacheBytes - 4 * GIB) < 2 * 1024 * 1024);
  });

  it('reads token counts as vLLM does: 32k is 32,000 and 32K is 32,768', () => {
    assert.strictEqual(only('vllm serve meta-llama/Llama-3.1-8B-Instruct --max-model-len 32k\n', 'shell').serving!.maxModelLen, 32_000);
    assert.strictEqual(only('vllm serve meta-llama/Llama-3.1-8B-Instruct --max-model-len 32K\n', 'shell').serving!.maxModelLen, 32_768);
    assert.ok(only('vllm serve meta-llama/Llama-3.1-8B-Instruct --max-model-len 32q\n', 'shell').problems.some(p => /max-model-len/.test(p.message)));
  });

  it('a value no engine accepts is an error on its key, and no plan', () => {
    const a = only('vllm serve meta-llama/Llama-3.1-8B-Instruct --gpu-memory-utilization 1.5\n', 'shell');
    assert.ok(a.problems.some(p => p.severity === 'error' && /gpu-memory-utilization/.test(p.message)));
    assert.strictEqual(a.serving, undefined);
  });

  it('accounts V0 and V1 differently, and knows releases as numbers', () => {
    assert.deepStrictEqual(parseEngineVersion('0.6.3.post1'), [0, 6, 3]);
    assert.strictEqual(parseEngineVersion('latest'), undefined);
    const v0 = only(LLAMA_H100, 'shell', { engineVersion: '0.6.3' }).serving!;
    const v1 = only(LLAMA_H100, 'shell', { engineVersion: '0.19' }).serving!;
    assert.notStrictEqual(v0.activationPeakBytes, v1.activationPeakBytes);
    assert.strictEqual(v0.maxNumSeqs, 256);
    assert.strictEqual(v1.maxNumSeqs, 1024);
  });

  it("vLLM 0.6.4 on an RTX 3090: 20K starts, 29K is refused, 35K starts again once chunked prefill turns on (vllm#10517)", () => {
    const gpu = { ...findGpu('RTX 3090')!, name: 'RTX 3090 (23.58 GiB)', model: 'logged', cudaTotalGiB: 23.58 };
    const plan = (len: number) => only(`vllm serve meta-llama/Llama-3.1-8B-Instruct --max-model-len ${len}\n`, 'shell', { engineVersion: '0.6.4', targetGpu: gpu.name, customGpus: [gpu] }).serving!;
    assert.strictEqual(plan(20_000).starts, true);
    assert.ok(Math.abs(plan(20_000).kvTokens - 31_232) / 31_232 < 0.03, `${plan(20_000).kvTokens}`);
    assert.strictEqual(plan(29_000).starts, false);
    assert.match(plan(29_000).reason, /^The model's max seq len \(29000\) is larger than the maximum number of tokens that can be stored in KV cache \(2\d,\d{3}|^The model's max seq len \(29000\) is larger than the maximum number of tokens that can be stored in KV cache \(2\d{4}\)/);
    assert.strictEqual(plan(35_000).starts, true);
  });

  // "CUDA graph pool memory: X GiB (actual)" in llm-d-planner's vLLM 0.19 logs on H100s (bench/data/vllm-startup-logs.json).
  it('sizes the CUDA graph pool by the layers on each GPU, more for MoE layers routing to 4 or more experts (vLLM 0.19 logs)', () => {
    const graphs = (command: string) => only(`#!/bin/bash\n${command} --max-model-len 8192 --gpu-memory-utilization 0.95\n`, 'shell', { engineVersion: '0.19' }).serving!.cudaGraphBytes / GIB;
    const logged: [string, number][] = [
      ['vllm serve meta-llama/Llama-3.1-8B-Instruct', 0.91],
      ['vllm serve meta-llama/Llama-3.1-8B-Instruct -pp 4', 0.51],
      ['vllm serve Qwen/Qwen2.5-72B-Instruct -tp 2', 1.61],
      ['vllm serve google/gemma-2-2b-it', 0.71],
      ['vllm serve Qwen/Qwen3-30B-A3B', 1.41],
      ['vllm serve mistralai/Mixtral-8x7B-Instruct-v0.1 -tp 2', 0.93],
    ];
    for (const [command, gib] of logged) {
      // The fit's worst row is 0.43 GiB off (gpt-oss); a flat 1 GiB was 0.85 off.
      assert.ok(Math.abs(graphs(command) - gib) < 0.4, `${command}: ${graphs(command).toFixed(2)} GiB, logged ${gib}`);
    }
    assert.ok(Math.abs(graphs(logged[0][0]) - logged[0][1]) < 0.1);
    assert.strictEqual(only(`${LLAMA_H100.trimEnd()} --enforce-eager\n`, 'shell', { engineVersion: '0.19' }).serving!.cudaGraphBytes, 0);
  });

  it('from 0.21 the CUDA graphs come out of the budget before the pool', () => {
    const before = only(LLAMA_H100, 'shell', { engineVersion: '0.20' }).serving!;
    const after = only(LLAMA_H100, 'shell', { engineVersion: '0.21' }).serving!;
    assert.ok(Math.abs(before.kvCacheBytes - after.kvCacheBytes - after.cudaGraphBytes) < 2 * 1024 * 1024);
  });

  // vLLM 0.19 on H100s (llm-d-planner's logs, bench/data/vllm-startup-logs.json): Qwen3-14B at -tp 5 failed with
  // "AssertionError: 151936 is not divisible by 5"; Mixtral 8x7B at -tp 2 profiled 1.21 GiB of activations.
  it("refuses, in vLLM's words, a vocabulary tensor parallelism cannot split (its heads can be: 40 over 5)", () => {
    const vocab = only('vllm serve Qwen/Qwen3-14B --max-model-len 8192 --gpu-memory-utilization 0.95 -tp 5\n', 'shell', { engineVersion: '0.19' }).serving!;
    assert.strictEqual(vocab.starts, false);
    assert.match(vocab.reason, /^AssertionError: 151936 is not divisible by 5/);
    assert.strictEqual(only('vllm serve Qwen/Qwen3-14B -tp 4\n', 'shell').serving!.reason, '');
    // Its quick fixes: the nearest degrees vLLM can split it over.
    const text = 'vllm serve Qwen/Qwen3-14B --max-model-len 8192 -tp 5\n';
    const a = only(text, 'shell');
    const titles = servingFixes(a, findGpu('H100 80GB')!, text).map(f => f.title);
    assert.ok(titles.some(t => t.startsWith('Split the model over 4 GPUs')), titles.join('; '));
    assert.ok(titles.some(t => t.startsWith('Split the model over 8 GPUs')), titles.join('; '));
  });

  // Llama 4 Scout at -tp 4 (vLLM 0.19): "Model loading took 53.12 GiB" per GPU, 365,968 KV tokens. Its 10,485,760
  // positions keep a 2.5 GiB rotary cos/sin cache on every GPU beside its quarter of the weights.
  it('keeps the rotary cache of every trained position on each GPU, unsplit (Llama 4 Scout at TP 4)', () => {
    const p = only('vllm serve meta-llama/Llama-4-Scout-17B-16E-Instruct --max-model-len 8192 --gpu-memory-utilization 0.95 -tp 4\n', 'shell', { engineVersion: '0.19' }).serving!;
    assert.ok(Math.abs(p.weightsBytes / GIB - 53.12) / 53.12 < 0.01, `weights ${p.weightsBytes / GIB}`);
    assert.ok(Math.abs(p.kvTokens - 365_968) / 365_968 < 0.02, `tokens ${p.kvTokens}`);
  });

  // vLLM 0.19 (llm-d-planner's logs): Llama 3.1 8B's last stage at -pp 2 profiled 2.01 GiB (one GPU: 1.89) and the
  // pool held 1,075,312 tokens; gpt-oss-20b's MXFP4 experts kept no workspace: 2.87 GiB, the sampler's alone.
  it("a later pipeline stage holds the activations it received; MXFP4 experts keep no fused-kernel workspace", () => {
    const pp = only('vllm serve meta-llama/Llama-3.1-8B-Instruct --max-model-len 8192 --gpu-memory-utilization 0.95 -pp 2\n', 'shell', { engineVersion: '0.19' }).serving!;
    assert.ok(Math.abs(pp.activationPeakBytes / GIB - 2.01) / 2.01 < 0.02, `activation ${pp.activationPeakBytes / GIB}`);
    assert.ok(Math.abs(pp.kvTokens - 1_075_312) / 1_075_312 < 0.01, `tokens ${pp.kvTokens}`);
    const oss = only('vllm serve openai/gpt-oss-20b --max-model-len 8192 -tp 2\n', 'shell', { engineVersion: '0.19' }).serving!;
    assert.ok(Math.abs(oss.activationPeakBytes / GIB - 2.87) / 2.87 < 0.05, `activation ${oss.activationPeakBytes / GIB}`);
  });

  // vLLM 0.19 on H100s: "Model loading took 13.64 GiB" at -tp 1, 7.01 GiB per GPU at -tp 2, where the checkpoint's
  // MXFP4 experts, bf16 attention, embedding and head come to 12.84 and 6.42 GiB: triton_kernels' Hopper layout pads.
  it("lays gpt-oss's MXFP4 experts out as vLLM's TRITON backend does on Hopper, padded, and only there", () => {
    const plan = (tp: number, options: Record<string, unknown> = {}) =>
      only(`vllm serve openai/gpt-oss-20b --max-model-len 8192 --gpu-memory-utilization 0.95 -tp ${tp}\n`, 'shell', { engineVersion: '0.19', ...options }).serving!;
    for (const [tp, logged] of [[1, 13.64], [2, 7.01]] as const) {
      const weights = plan(tp).weightsBytes / GIB;
      assert.ok(Math.abs(weights - logged) / logged < 0.025, `-tp ${tp}: ${weights} GiB`);
    }
    const hopper = plan(1).weightsBytes;
    // Before PyTorch 2.9 (vLLM 0.10) the experts stay unswizzled; an A100 runs them through Marlin.
    assert.ok(hopper - plan(1, { engineVersion: '0.10.2' }).weightsBytes > 0.5 * GIB);
    assert.ok(hopper - plan(1, { targetGpu: 'A100 80GB' }).weightsBytes > 0.5 * GIB);
  });

  // vLLM 0.19 on H100s (llm-d-planner's logs): gpt-oss-20b at --gpu-memory-utilization 0.95 ran out of memory warming
  // its sampler up, at -tp 1 and 2, with 1.78 and 1.62 GiB reserved but unallocated; at -tp 2 and 0.9 it started.
  // Llama 4 Scout at -tp 4 and 0.95, with what its GPUs held before the budget (2.05 GiB), started.
  it("refuses gpt-oss's MXFP4 experts on Hopper where what vLLM's accounting misses leaves the sampler's warm-up no room", () => {
    const plan = (flags: string, gpu = 'H100 80GB') => only(`vllm serve openai/gpt-oss-20b --max-model-len 8192 --no-enable-prefix-caching ${flags}\n`, 'shell', { engineVersion: '0.19', targetGpu: gpu }).serving!;
    for (const flags of ['--gpu-memory-utilization 0.95', '--gpu-memory-utilization 0.95 -tp 2']) {
      const refused = plan(flags);
      assert.strictEqual(refused.starts, false, flags);
      assert.match(refused.reason, /^CUDA out of memory occurred when warming up sampler with 1024 dummy requests\. Please try lowering `max_num_seqs` or `gpu_memory_utilization`/);
      assert.ok(refused.assumptions.some(n => /beyond vLLM's accounting/.test(n)));
    }
    // The fix lowers the share to the most that starts.
    const text = 'vllm serve openai/gpt-oss-20b --max-model-len 8192 --gpu-memory-utilization 0.95\n';
    const a = only(text, 'shell', { engineVersion: '0.19', targetGpu: 'H100 80GB' });
    const fix = servingFixes(a, findGpu('H100 80GB')!, text).find(f => f.kind === 'gpu-memory-utilization');
    assert.ok(fix && typeof fix.value === 'number' && fix.value < 0.95 && fix.value >= 0.9, JSON.stringify(fix));
    assert.ok(only(text.replace('0.95', String(fix.value)), 'shell', { engineVersion: '0.19', targetGpu: 'H100 80GB' }).serving!.starts);
    assert.ok(plan('-tp 2').starts, plan('-tp 2').reason);
    // Without the Hopper layout (an A100 runs the experts through Marlin) nothing is missed.
    assert.ok(plan('--gpu-memory-utilization 0.95', 'A100 80GB').starts);
    // vllm#33155: gpt-oss-120b at 0.97 on one H100 started on vLLM 0.11.2 (100 sequences, 85K) and not on 0.14.1 (1, 5K).
    const big = (version: string, seqs: number, len: number) =>
      only(`vllm serve openai/gpt-oss-120b --gpu-memory-utilization 0.97 --max_num_seqs ${seqs} --max-model-len ${len}\n`, 'shell', { engineVersion: version, targetGpu: 'H100 80GB' }).serving!;
    assert.ok(big('0.11.2', 100, 87040).starts, big('0.11.2', 100, 87040).reason);
    assert.strictEqual(big('0.14.1', 1, 5120).starts, false);
    const scout = only('vllm serve meta-llama/Llama-4-Scout-17B-16E-Instruct --max-model-len 8192 --gpu-memory-utilization 0.95 --no-enable-prefix-caching -tp 4\n', 'shell', { engineVersion: '0.19' }).serving!;
    assert.ok(scout.starts, scout.reason);
  });

  it("counts a routed MoE's expert copies once, as its fused kernel's workspaces (Mixtral 8x7B at TP 2: 1.21 GiB)", () => {
    const p = only('vllm serve mistralai/Mixtral-8x7B-Instruct-v0.1 --max-model-len 8192 --gpu-memory-utilization 0.95 -tp 2\n', 'shell', { engineVersion: '0.19' }).serving!;
    assert.ok(Math.abs(p.activationPeakBytes / GIB - 1.21) / 1.21 < 0.1, `activation ${p.activationPeakBytes / GIB}`);
  });

  it('splits layers over pipeline stages as vLLM does', () => {
    assert.deepStrictEqual(stageLayers(32, 4), [8, 8, 8, 8]);
    assert.deepStrictEqual(stageLayers(30, 4), [7, 8, 8, 7]);
  });
});

describe("serving planner: a hybrid's recurrent states in vLLM's pool", () => {
  const plan = (command: string, options: Partial<AnalysisOptions> = {}) => only(`${command}\n`, 'shell', { targetGpu: 'H200', ...options }).serving!;
  // Qwen3.5-27B's 48 Gated DeltaNet layers keep, per sequence on one GPU, a convolution window of 10,240 channels × 3
  // in bf16 and a 48 × 128 × 128 state in float32 (the config's mamba_ssm_dtype): 3,207,168 bytes.
  const STATE = 10_240 * 3 * 2 + 48 * 128 * 128 * 4;
  const ATTENTION_TOKEN = 2 * 4 * 256 * 2;

  it('Qwen3.5-27B on vLLM 0.19: 784-token blocks so one attention page holds a state, groups of 16 layers, and the log\'s 290,864 tokens and 33.04× (vllm#40691)', () => {
    // The log printed 290,864 tokens (371 blocks per group of the 4) and 33.04× at 32,768: a pool of 1,487 blocks.
    const blockBytes = 784 * ATTENTION_TOKEN * 16;
    const p = plan(`vllm serve Qwen/Qwen3.5-27B --max-model-len 32768 --max-num-seqs 16 --max-num-batched-tokens 16384 --kv-cache-memory-bytes ${1487 * blockBytes}`, { engineVersion: '0.19' });
    assert.strictEqual(p.blockSize, 16 * Math.ceil(STATE / (16 * ATTENTION_TOKEN)));
    assert.strictEqual(p.blockSize, 784);
    assert.strictEqual(p.kvTokens, 290_864);
    assert.strictEqual(p.maxConcurrency, 33.04);
    assert.strictEqual(p.kvBytesPerToken, 16 * ATTENTION_TOKEN, 'the KV bytes per token are the attention layers\'');
    const note = p.assumptions.find(n => n.startsWith('Recurrent state:'));
    assert.match(note ?? '', /48 recurrent layers keeps 3\.06 MiB per sequence per GPU .*float32, as the config's mamba_ssm_dtype says.*block size 784 tokens.*groups of 16 layers \(1 attention, 3 recurrent\), each request holding 1 state block/);
  });

  it('a smaller state dtype (--mamba-ssm-cache-dtype bfloat16) shrinks the blocks; a larger --block-size stands', () => {
    const base = 'vllm serve Qwen/Qwen3.5-27B --max-model-len 32768';
    assert.strictEqual(plan(`${base} --mamba-ssm-cache-dtype bfloat16`).blockSize, 16 * Math.ceil((10_240 * 3 * 2 + 48 * 128 * 128 * 2) / (16 * ATTENTION_TOKEN)));
    assert.strictEqual(plan(`${base} --block-size 1024`).blockSize, 1024);
    assert.strictEqual(plan(`${base} --block-size 16`).blockSize, 784, 'too small a block is raised, as vLLM does');
    assert.ok(plan(`${base} --block-size 1024`).assumptions.some(n => /block size 1,024 tokens \(as set\)/.test(n)));
  });

  it('prefix caching (on by default from vLLM 0.20) holds two state blocks per request and recurrent group: the concurrency falls, the pool does not', () => {
    const base = 'vllm serve Qwen/Qwen3.5-27B --max-model-len 32768 --kv-cache-memory-bytes 40G';
    const off = plan(`${base} --no-enable-prefix-caching`);
    const on = plan(base);
    const stated = plan(`${base} --enable-prefix-caching`);
    assert.deepStrictEqual([stated.kvTokens, stated.maxConcurrency, stated.blockSize], [on.kvTokens, on.maxConcurrency, on.blockSize]);
    assert.ok(plan(base, { engineVersion: '0.19' }).maxConcurrency > on.maxConcurrency, 'off by default before 0.20');
    const blocks = Math.floor((40 * GIB) / (784 * ATTENTION_TOKEN * 16));
    assert.strictEqual(off.kvCacheBytes, on.kvCacheBytes);
    assert.ok(Math.abs(off.maxConcurrency - blocks / (42 + 3)) < 0.01 && Math.abs(on.maxConcurrency - blocks / (42 + 6)) < 0.01, `${off.maxConcurrency} / ${on.maxConcurrency}`);
    assert.ok(on.assumptions.some(n => /2 state blocks per recurrent group \(prefix caching, on by default from vLLM 0\.20: the "align" mode\)/.test(n)));
    assert.ok(off.assumptions.some(n => /1 state block per recurrent group \(prefix caching off\)/.test(n)));
  });

  it('Granite 4.0-H Small (Mamba2): 528-token blocks, 768 under prefix caching, aligned to its 256-token scan chunk', () => {
    // vllm-project/vllm-gaudi#1453: "528 is required for Granite 4.0-H (granitemoehybrid) without prefix caching
    // (16-token FA alignment), 768 with prefix caching (chunk-aligned)". The config's values the paging reads:
    const kinds = Array.from({ length: 40 }, (_, i) => ([5, 15, 25, 35].includes(i) ? 'attention' : 'mamba'));
    const config = {
      architectures: ['GraniteMoeHybridForCausalLM'], model_type: 'granitemoehybrid', hidden_size: 4096, num_hidden_layers: 40, num_attention_heads: 32, num_key_value_heads: 8,
      intermediate_size: 1536, num_local_experts: 72, num_experts_per_tok: 10, shared_intermediate_size: 8192, mamba_n_heads: 128, mamba_d_head: 64, mamba_d_state: 128,
      mamba_n_groups: 1, mamba_d_conv: 4, mamba_expand: 2, mamba_chunk_size: 256, layer_types: kinds, vocab_size: 100352, max_position_embeddings: 131072,
    };
    const models = new Map([['ibm-granite/granite-4.0-h-small', { config, source: 'test' }]]);
    const granite = (flags: string) => plan(`vllm serve ibm-granite/granite-4.0-h-small --max-model-len 32768 ${flags}`, { models });
    assert.strictEqual(granite('--no-enable-prefix-caching').blockSize, 528);
    assert.strictEqual(granite('--enable-prefix-caching').blockSize, 768);
    assert.strictEqual(granite('').blockSize, 768, "vLLM's default");
    assert.ok(granite('').assumptions.some(n => /groups of 4 layers \(1 attention, 9 recurrent\)/.test(n)));
  });

  it("before vLLM 0.10 the state is not counted, and said so; from 0.21 the tokens are the concurrency × max_model_len", () => {
    const old = plan('vllm serve Qwen/Qwen3-Next-80B-A3B-Instruct -tp 4 --max-model-len 32768', { engineVersion: '0.9.2' });
    assert.strictEqual(old.blockSize, 16);
    assert.ok(old.assumptions.some(n => /recurrent layers' per-sequence state is not counted for this vLLM release/.test(n)));
    const gptOss = (version: string) => plan('vllm serve openai/gpt-oss-20b --max-model-len 131072', { engineVersion: version });
    const before = gptOss('0.19');
    const after = gptOss('0.21');
    assert.strictEqual(before.kvTokens % 16, 0, 'blocks over the groups × the block size');
    assert.ok(Math.abs(after.kvTokens / 131_072 - after.maxConcurrency) < 0.01, `${after.kvTokens} tokens, ${after.maxConcurrency}×`);
    assert.ok(after.kvTokens > before.kvTokens * 1.5, "the sliding-window groups' blocks count as whole requests' tokens");
  });
});

describe("serving planner: vLLM's quantization methods", () => {
  const plan = (command: string) => only(`${command}\n`, 'shell', { targetGpu: 'RTX 5090' });

  it('a checkpoint\'s own method (modelopt, auto-round, quark) is accepted; a name that states no bits is planned in 16 bits, and the plan says so', () => {
    const bf16 = plan('vllm serve Qwen/Qwen3-8B --max-model-len 32768').serving!;
    for (const method of ['modelopt', 'auto_round', 'auto-round', 'quark', 'moe_wna16']) {
      const a = plan(`vllm serve Qwen/Qwen3-8B --max-model-len 32768 --quantization ${method}`);
      assert.deepStrictEqual(a.problems.map(p => p.message), [], method);
      assert.strictEqual(a.serving!.weightsBytes, bf16.weightsBytes, method);
      assert.ok(a.serving!.assumptions.some(n => /neither the checkpoint's name nor the catalog says how many bits/.test(n)), method);
    }
    assert.ok(plan('vllm serve Qwen/Qwen3-8B --quantization int3').problems.some(p => /`--quantization` must be a quantization method vLLM knows/.test(p.message)));
  });

  it('NVFP4: a -NVFP4 checkpoint or --quantization modelopt_fp4 stores the linear layers in 4.5 bits, the embedding and head in 16', () => {
    const bf16 = plan('vllm serve Qwen/Qwen3-8B --max-model-len 32768').serving!;
    const named = plan('vllm serve RedHatAI/Qwen3-8B-NVFP4 --quantization compressed-tensors --max-model-len 32768');
    const flagged = plan('vllm serve Qwen/Qwen3-8B --quantization modelopt_fp4 --max-model-len 32768').serving!;
    assert.strictEqual(named.serving!.weightsBytes, flagged.weightsBytes);
    assert.ok(!named.serving!.assumptions.some(n => /neither the checkpoint's name/.test(n)));
    // Qwen3-8B: 151,936 × 4,096 embedding and head in bf16 (2.49 GB); the rest (6.95B) at 4.5 bits.
    const tables = 2 * 151_936 * 4096 * 2;
    const linear = (bf16.weightsBytes - tables) / 2;
    assert.ok(Math.abs(flagged.weightsBytes - (tables + linear * 4.5 / 8)) / flagged.weightsBytes < 0.01, `${flagged.weightsBytes / GIB} GiB`);
  });
});

describe('serving planner: a state-space model without attention (Mamba)', () => {
  // Mamba-2.8B: 64 layers of a 5,120-wide mixer, each keeping 3 convolution inputs and a 16-wide state per channel.
  const STATE = 64 * 5120 * (3 + 16) * 2;

  it('vLLM pages only its states, one block of max_model_len tokens a request; no bytes per token', () => {
    const p = only('vllm serve state-spaces/mamba-2.8b-hf --max-model-len 8192\n', 'shell', { targetGpu: 'RTX 4090' }).serving!;
    assert.strictEqual(p.kvBytesPerToken, 0);
    assert.strictEqual(p.stateBytesPerSequence, STATE);
    assert.strictEqual(p.blockSize, 8192);
    const requests = Math.floor(p.kvCacheBytes / STATE);
    assert.strictEqual(p.kvTokens, requests * 8192);
    assert.strictEqual(p.maxConcurrency, requests);
    const old = only('vllm serve state-spaces/mamba-2.8b-hf --max-model-len 8192\n', 'shell', { targetGpu: 'RTX 4090', engineVersion: '0.6.4' }).serving!;
    assert.ok(Number.isFinite(old.kvTokens) && old.kvTokens > 0 && old.kvBytesPerToken === 0);
  });

  it('SGLang gives it the whole pool as state slots (float32 states), never an unbounded pool', () => {
    const p = only('python -m sglang.launch_server --model-path state-spaces/mamba-2.8b-hf\n', 'shell', { targetGpu: 'RTX 4090' }).serving!;
    const perRequest = 64 * 5120 * (3 * 2 + 16 * 4);
    assert.strictEqual(p.stateBytesPerSequence, perRequest);
    assert.ok(Number.isFinite(p.kvTokens) && Number.isFinite(p.maxConcurrency));
    assert.strictEqual(p.maxNumSeqs, Math.floor(p.kvCacheBytes / perRequest));
    assert.match(servingRows(p).find(r => r.label === 'KV pool')!.note!, /no keys or values/);
  });
});

describe("serving planner: a hybrid's recurrent states in SGLang's pool", () => {
  const plan = (flags: string) => only(`python -m sglang.launch_server --model-path Qwen/Qwen3.5-27B --tp 2 --context-length 131072 ${flags}\n`, 'shell', { targetGpu: 'H100 80GB' }).serving!;
  // Per request on one of 2 GPUs: 48 layers × (5,120 × 3 bf16 + 24 × 128 × 128 float32).
  const PER_REQUEST = 48 * (5120 * 3 * 2 + 24 * 128 * 128 * 4);

  /** The state slots a plan says SGLang keeps. */
  const slotsOf = (p: ReturnType<typeof plan>) => Number(/^Recurrent state: SGLang keeps ([\d,]+) slots/.exec(p.assumptions.find(n => n.startsWith('Recurrent state'))!)![1].replace(/,/g, ''));

  // SGLang's prefix cache keeps three state slots per running request (MAMBA_CACHE_SIZE_MAX_RUNNING_REQUESTS_RATIO),
  // five under speculative decoding: 40 slots ran 8 requests with a 3-step draft (jpezzulli/sglang-rtxpro6000#5).
  it('the states take 0.9 / 1.9 of the pool by default (--mamba-full-memory-ratio), the KV the rest; a request runs for every three slots', () => {
    const p = plan('');
    assert.strictEqual(p.stateBytesPerSequence, PER_REQUEST);
    const slots = slotsOf(p);
    const pool = p.kvCacheBytes + slots * PER_REQUEST;
    assert.ok(Math.abs((slots * PER_REQUEST) / pool - 0.9 / 1.9) < 0.01, `${slots} slots`);
    assert.strictEqual(p.maxNumSeqs, Math.floor(slots / 3));
    assert.strictEqual(p.maxConcurrency, Math.min(Math.round((p.kvTokens / 131072) * 100) / 100, Math.floor(slots / 3)));
    assert.ok(p.assumptions.some(n => new RegExp(`^Recurrent state: SGLang keeps ${slots.toLocaleString('en-US')} slots .*--mamba-full-memory-ratio 0\\.9: 47 % of the pool.*a request runs for every 3 slots \\(${Math.floor(slots / 3)} at once\\)`).test(n)));
    const speculative = plan('--speculative-algorithm NEXTN --mem-fraction-static 0.83');
    assert.strictEqual(speculative.maxNumSeqs, Math.min(48, Math.floor(slotsOf(speculative) / 5)));
    assert.strictEqual(plan('--speculative-algorithm NEXTN --max-mamba-cache-size 40 --max-running-requests 64').maxNumSeqs, 8);
    // Planned as a release before 0.5.3, ahead of the hybrid prefix cache: a request per slot.
    const older = only('python -m sglang.launch_server --model-path Qwen/Qwen3.5-27B --tp 2 --context-length 131072 --max-mamba-cache-size 64\n', 'shell', { targetGpu: 'H100 80GB', engineVersion: '0.5.2' }).serving!;
    assert.strictEqual(older.maxNumSeqs, 64);
  });

  it('--max-mamba-cache-size, or --max-running-requests with the radix cache disabled, sets the slots; the KV pool grows by what they leave', () => {
    const auto = plan('');
    const set = plan('--max-mamba-cache-size 64');
    assert.strictEqual(slotsOf(set), 64);
    assert.strictEqual(set.maxNumSeqs, 21);
    // The state bytes the smaller pool frees go to the KV pool, to within one token's bytes.
    assert.ok(Math.abs(set.kvCacheBytes - auto.kvCacheBytes - (slotsOf(auto) - 64) * PER_REQUEST) < 2 * set.kvBytesPerToken);
    assert.ok(set.kvTokens > auto.kvTokens * 1.6);
    const noRadix = plan('--disable-radix-cache --max-running-requests 16');
    assert.strictEqual(noRadix.maxNumSeqs, 16);
    assert.ok(noRadix.kvTokens > set.kvTokens);
    assert.ok(plan('--mamba-ssm-dtype bfloat16').stateBytesPerSequence! < PER_REQUEST * 0.6);
  });
});

describe('serving planner: Nemotron-NAS (Llama-3.3-Nemotron-Super-49B), whose layers differ', () => {
  // 49 of its 80 layers have attention (8 key-value heads of 128); the others cache nothing.
  const PER_TOKEN = 49 * 8 * 128 * 2 * 2;

  it('vLLM pages keys and values for its 49 attention layers only', () => {
    const p = only('vllm serve nvidia/Llama-3_3-Nemotron-Super-49B-v1_5 --max-model-len 32768 -tp 2\n', 'shell').serving!;
    assert.strictEqual(p.kvBytesPerToken * 2, PER_TOKEN);
    assert.ok(p.starts);
  });

  it('llama.cpp places each layer on its own block: every tensor on the GPU with -ngl 99 but the token embedding, the KV buffer for 49 layers', () => {
    const a = only('llama-server -m Llama-3_3-Nemotron-Super-49B-v1_5-Q4_K_M.gguf -c 16384 -ngl 99\n', 'shell', { targetGpu: 'H100 80GB' });
    const l = a.local!;
    assert.strictEqual(l.kvCacheBytes, PER_TOKEN * 16384);
    // The host keeps the token embedding alone (128,256 × 8,192 at Q4_K_M's embedding type) and nothing of the layers.
    assert.ok(l.hostModelBytes < 0.6 * 2 ** 30 && l.deviceModelBytes > 27 * 2 ** 30, `${l.hostModelBytes} on the host, ${l.deviceModelBytes} on the GPU`);
  });
});

describe('serving planner: Kimi Linear (Kimi Delta Attention and latent attention) in vLLM', () => {
  const plan = (flags: string) => only(`vllm serve moonshotai/Kimi-Linear-48B-A3B-Instruct --trust-remote-code ${flags}\n`, 'shell', { targetGpu: 'H100 80GB' });

  it("pages the latent per token in its 7 attention layers and a float32 delta state per sequence in the 20 others, whatever --mamba-ssm-cache-dtype says", () => {
    const a = plan('-tp 8 --max-model-len 131072');
    // 576 latent values (512 + 64 rotary) in bf16, in each of the 7 MLA layers, on every TP GPU.
    assert.strictEqual(a.serving!.kvBytesPerToken, 7 * 576 * 2);
    // vLLM's kda_state_shape on one of 8 GPUs: 4 heads of 128 × 128 in float32 (2^18 bytes) and a 3-input window over
    // q, k and v (12,288 / 8 channels) in bf16.
    const layer = 4 * 128 * 128 * 4 + (12288 / 8) * 3 * 2;
    assert.strictEqual(vllmStatePageBytes(a.spec!, a.servingOptions!), layer);
    assert.strictEqual(vllmStatePageBytes(a.spec!, { ...a.servingOptions!, mambaSsmCacheDtype: 'bfloat16' }), layer);
    assert.ok(a.serving!.starts && a.serving!.stateBytesPerSequence! >= 20 * layer, `${a.serving!.stateBytesPerSequence}`);
    // The note says why the state is float32 (its config names no mamba_ssm_dtype), with the flag set or not.
    for (const flags of ['-tp 8', '-tp 8 --mamba-ssm-cache-dtype bfloat16']) {
      const note = plan(flags).serving!.assumptions.find(n => n.startsWith('Recurrent state:'));
      assert.match(note ?? '', /the state in float32, as vLLM keeps Kimi Delta Attention's state whatever --mamba-ssm-cache-dtype says/);
    }
  });
});

describe('serving planner: Kimi K3 (Kimi Linear with latent experts, in compressed-tensors MXFP4) in vLLM', () => {
  const plan = (gpu: string) => only('vllm serve moonshotai/Kimi-K3 --trust-remote-code -tp 16 --max-model-len 131072\n', 'shell', { targetGpu: gpu });

  it('pages the latent in its 24 gated attention layers and a float32 delta state in the 69 others; its experts load as stored on any GPU', () => {
    const hopper = plan('H200');
    // 576 latent values in bf16 per MLA layer; per KDA layer on one of 16 GPUs, 6 heads of 128 × 128 in float32 and
    // the 3-input convolution window over q, k and v (3 × 12,288 / 16 channels) in bf16.
    assert.strictEqual(hopper.serving!.kvBytesPerToken, 24 * 576 * 2);
    assert.strictEqual(vllmStatePageBytes(hopper.spec!, hopper.servingOptions!), 6 * 128 * 128 * 4 + ((3 * 12288) / 16) * 3 * 2);
    // The checkpoint's 1,560,860,324,864 bytes over 16 GPUs, and more (the embedding and head split, the norms and
    // the tower whole on each); compressed-tensors MXFP4 takes no triton_kernels layout on Hopper, unlike gpt-oss's.
    const weights = hopper.serving!.weightsBytes;
    assert.ok(weights > 1_560_860_324_864 / 16 && weights < 1.05 * (1_560_860_324_864 / 16), `${weights}`);
    assert.strictEqual(plan('B200').serving!.weightsBytes, weights);
    assert.ok(hopper.serving!.starts, hopper.serving!.reason);
  });
});

describe('serving planner: MiniMax-M1 (lightning attention and softmax attention) in vLLM', () => {
  const plan = (flags: string, gpu = 'H100 80GB') => only(`vllm serve MiniMaxAI/MiniMax-M1-80k --trust-remote-code -tp 8 ${flags}\n`, 'shell', { targetGpu: gpu });

  it("pages keys and values in its 10 softmax layers and each lightning layer's heads per sequence, in the model's dtype unless --mamba-cache-dtype says", () => {
    const a = plan('--max-model-len 4096');
    // One of the 8 key-value heads of 128 per GPU, keys and values in bf16, in each of the 10 softmax layers.
    assert.strictEqual(a.serving!.kvBytesPerToken, 10 * 2 * 128 * 2);
    // vLLM's linear_attention_state_shape on one of 8 GPUs: 8 heads of 128 × 128, no convolution.
    const layer = 8 * 128 * 128 * 2;
    assert.strictEqual(vllmStatePageBytes(a.spec!, a.servingOptions!), layer);
    assert.strictEqual(vllmStatePageBytes(a.spec!, { ...a.servingOptions!, mambaSsmCacheDtype: 'float32' }), layer, '--mamba-ssm-cache-dtype is not read');
    assert.strictEqual(vllmStatePageBytes(a.spec!, { ...a.servingOptions!, mambaCacheDtype: 'float32' }), 2 * layer);
    // But vLLM has no float32 lightning kernel: it refuses the flag.
    const fp32 = plan('--max-model-len 4096 --mamba-cache-dtype float32').serving!;
    assert.deepStrictEqual([fp32.starts, fp32.reason], [false, 'ValueError: fp32 state for minimax is not yet supported']);
    const note = a.serving!.assumptions.find(n => n.startsWith('Recurrent state:'));
    assert.match(note ?? '', /\(the state in the model's dtype, as vLLM keeps lightning attention's state unless --mamba-cache-dtype says otherwise\)/);
  });

  it("--quantization experts_int8, as MiniMax's vLLM guide serves it on 8 GPUs of 80 GB: the experts in int8 with a row scale, the rest in bf16; without it the weights do not fit", () => {
    const a = plan('--quantization experts_int8 --max-model-len 4096 --dtype bfloat16');
    const experts = 80 * 32 * 3 * 6144 * 9216;
    const rowScales = 80 * 32 * (2 * 9216 + 6144) * 4;
    // The rotary cache: float32 over rotary_dim (64) for the 4,096 positions max_model_len allows, whole on each GPU.
    const rope = 4096 * 64 * 4;
    assert.strictEqual(a.serving!.weightsBytes, Math.round((experts + rowScales + (456_089_655_296 - experts) * 2) / 8 + rope));
    assert.ok(a.serving!.starts, a.serving!.reason);
    assert.ok(a.serving!.assumptions.some(n => /experts' weights quantized to int8 as they load/.test(n)));
    assert.ok(a.serving!.assumptions.some(n => /rotary cos\/sin cache in float32 over the positions up to max_model_len, 1 MiB/.test(n)));
    const bf16 = plan('--max-model-len 4096').serving!;
    assert.ok(!bf16.starts && /while loading the weights/.test(bf16.reason), bf16.reason);
    // On a dense model experts_int8 changes nothing: vLLM quantizes only fused experts.
    const dense = (flags: string) => only(`vllm serve Qwen/Qwen3-8B --max-model-len 32768 ${flags}\n`, 'shell', { targetGpu: 'RTX 5090' }).serving!.weightsBytes;
    assert.strictEqual(dense('--quantization experts_int8'), dense(''));
  });
});

describe('serving planner: LongCat-Flash in vLLM and SGLang', () => {
  it("pages one latent per token in each of its 56 attention sublayers; BF16 needs more than one node of 8 H200s, its FP8 checkpoint fits", () => {
    const plan = (command: string) => only(`${command}\n`, 'shell', { targetGpu: 'H200' }).serving!;
    const bf16 = plan('vllm serve meituan-longcat/LongCat-Flash-Chat --trust-remote-code -tp 8 --max-model-len 131072');
    // 512 latent + 64 rotary values in bf16, whole on every TP GPU.
    assert.strictEqual(bf16.kvBytesPerToken, 56 * 576 * 2);
    assert.ok(!bf16.starts, 'its 1.12 TB of bf16 weights are 131 GiB per GPU');
    const fp8 = plan('python3 -m sglang.launch_server --model meituan-longcat/LongCat-Flash-Chat-FP8 --trust-remote-code --tp 8');
    assert.ok(fp8.starts, fp8.reason);
    assert.ok(fp8.weightsBytes < bf16.weightsBytes * 0.55, `${fp8.weightsBytes / GIB} GiB`);
  });
});

describe('serving planner: DeepSeek-V4 is not planned', () => {
  it('a vLLM command on a DeepSeek-V4 checkpoint says why it gets no number, instead of paging its cache as MLA or MQA', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vram-lens-v4-'));
    const ratios = [0, 0, ...Array.from({ length: 41 }, (_, i) => (i % 2 === 0 ? 4 : 128))];
    fs.mkdirSync(path.join(dir, 'model'));
    fs.writeFileSync(path.join(dir, 'model', 'config.json'), JSON.stringify({ architectures: ['DeepseekV4ForCausalLM'], model_type: 'deepseek_v4', num_hidden_layers: 43, hidden_size: 4096, num_attention_heads: 64, vocab_size: 129280, compress_ratios: ratios }));
    const file = path.join(dir, 'serve.sh');
    fs.writeFileSync(file, `vllm serve ${path.join(dir, 'model')} -tp 8\n`);
    try {
      let out = '';
      await main([file, '--json', '--gpu', 'H200'], s => (out += s), () => undefined);
      const config = JSON.parse(out).files[0].configs[0];
      assert.strictEqual(config.serving, undefined);
      assert.ok(config.architecture.startsWith('DeepSeek-V4'), config.architecture);
      assert.ok((config.problems as { message: string }[]).some(p => /DeepSeek-V4's cache \(a sliding window, compressed entries and indexer keys\) is laid out by the serving engines in pools VRAM Lens does not plan yet/.test(p.message)), JSON.stringify(config.problems));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('serving planner: MTP speculative decoding in vLLM', () => {
  const plan = (command: string, options: Partial<AnalysisOptions> = {}) => only(`${command}\n`, 'shell', { targetGpu: 'H200', ...options });
  const MTP = `--speculative-config '{"method": "mtp", "num_speculative_tokens": 3}'`;

  it("Qwen3.6-27B with an MTP draft over two GPUs: the draft's KV layer and three more state blocks a request give the log's 612,157 tokens and 2.34× (club-3090#487)", () => {
    const pool = Math.round(10.85 * GIB);
    const a = plan(`vllm serve Qwen/Qwen3.6-27B --dtype float16 --max-model-len 262144 -tp 2 --kv-cache-dtype fp8_e5m2 --enable-prefix-caching --max-num-seqs 2 ${MTP} --kv-cache-memory-bytes ${pool}`, { engineVersion: '0.21' });
    const p = a.serving!;
    // The convolution keeps 3 + 3 inputs: (5,120 × 6 × 2 + 24 × 128 × 128 × 4) bytes, 1,600 tokens of 1 KiB a layer.
    assert.strictEqual(p.blockSize, 1600);
    assert.strictEqual(p.kvTokens, 612_157);
    assert.strictEqual(p.maxConcurrency, 2.34);
    assert.strictEqual(p.kvBytesPerToken, 17 * 1024, "the draft's attention layer beside the model's 16");
    assert.ok(!a.problems.some(w => /Speculative decoding is not counted/.test(w.message)));
    assert.ok(p.assumptions.some(n => /^Speculative decoding \(MTP, 3 tokens a step\).*3 more recurrent-state blocks per recurrent group/.test(n)));
  });

  it("the draft's weights are the checkpoint's MTP module (Qwen3.5-27B: 424,699,392 parameters), split over TP", () => {
    const base = 'vllm serve Qwen/Qwen3.5-27B --max-model-len 32768 -tp 2';
    const without = plan(base).serving!;
    const withMtp = plan(`${base} ${MTP}`).serving!;
    assert.strictEqual(withMtp.weightsBytes - without.weightsBytes, (424_699_392 * 2) / 2);
  });

  it("DeepSeek-V3's draft is an MoE layer, loaded in FP8 as its checkpoint stores it; n-gram drafts cost no weights; a draft model the catalog lacks keeps the warning", () => {
    const base = 'vllm serve deepseek-ai/DeepSeek-V3 -tp 8 --max-model-len 32768';
    const plain = plan(base).serving!;
    const mtp = plan(`${base} --speculative-config '{"method": "deepseek_mtp", "num_speculative_tokens": 1}'`).serving!;
    const added = (mtp.weightsBytes - plain.weightsBytes) * 8;
    assert.ok(added > 10.5e9 && added < 12.5e9, `${added / 1e9} GB over 8 GPUs`);
    assert.strictEqual(mtp.kvBytesPerToken, plain.kvBytesPerToken / 61 * 62);
    const ngram = plan(`${base} --speculative-config '{"method": "ngram", "num_speculative_tokens": 4, "prompt_lookup_max": 4}'`);
    assert.strictEqual(ngram.serving!.weightsBytes, plain.weightsBytes);
    assert.ok(!ngram.problems.some(w => /Speculative decoding is not counted/.test(w.message)));
    const draftModel = plan(`${base} --speculative-config '{"model": "someone/private-draft", "num_speculative_tokens": 3}'`);
    assert.strictEqual(draftModel.serving!.weightsBytes, plain.weightsBytes);
    assert.ok(draftModel.problems.some(w => /Speculative decoding is not counted/.test(w.message)));
    assert.ok(plan(`${base} --speculative-config '{"num_speculative_tokens": 3}'`).problems.some(p => /--speculative-config` must be a JSON object with "method"/.test(p.message)));
  });
});

describe('serving planner: EAGLE speculative decoding in vLLM', () => {
  const plan = (command: string, gpu = 'H100 80GB') => only(`${command}\n`, 'shell', { targetGpu: gpu });
  const base = 'vllm serve meta-llama/Llama-3.1-8B-Instruct --max-model-len 8192';
  const eagle3 = `--speculative-config '{"method": "eagle3", "model": "yuhuili/EAGLE3-LLaMA3.1-Instruct-8B", "num_speculative_tokens": 3}'`;

  it("a public vLLM log's pool (vllm-ascend#2667): the EAGLE-3 head's attention layer pages with the model's 32, 252,800 tokens exactly, and the weights it loads", () => {
    // "Available memory: 34184553369", "GPU KV cache size: 252,800 tokens" in blocks of 128, "Loading model weights
    // took 15.7847 GB" (GiB) for Llama-3.1-8B-Instruct and EAGLE3-LLaMA3.1-Instruct-8B, whose head shares the embedding.
    const command = `vllm serve meta-llama/Llama-3.1-8B-Instruct --max-model-len 128 --max-num-seqs 1 --enforce-eager --block-size 128 --kv-cache-memory-bytes 34184553369 --engine-version 0.9.1`;
    const p = plan(`${command} --speculative-config '{"method": "eagle3", "model": "vllm-ascend/EAGLE3-LLaMA3.1-Instruct-8B", "num_speculative_tokens": 2}'`).serving!;
    assert.strictEqual(p.kvTokens, 252_800);
    assert.strictEqual(p.kvBytesPerToken, 33 * 2 * 8 * 128 * 2);
    assert.ok(Math.abs(p.weightsBytes / GIB / 15.7847 - 1) < 0.005, `${p.weightsBytes / GIB} GiB`);
    assert.strictEqual(plan(command).serving!.kvTokens, 260_736, 'without the head, 32 layers would page more');
  });

  it("the head's weights as vLLM builds them: EAGLE-3 a layer reading 2 × hidden, a 3 × hidden fusion and a 32,000-token head; EAGLE the model's head; per GPU under TP", () => {
    const plain = plan(base).serving!;
    const three = plan(`${base} ${eagle3}`);
    // q, k, v from 8,192 inputs (33,554,432 + 2 × 8,388,608), o 16,777,216, the MLP 176,160,768, four norms 16,384,
    // fc 50,331,648, lm_head 131,072,000: 424,689,664 bf16 parameters.
    assert.strictEqual(three.serving!.weightsBytes - plain.weightsBytes, 424_689_664 * 2);
    assert.ok(!three.problems.some(w => /Speculative decoding is not counted/.test(w.message)), 'counted, no warning');
    assert.ok(three.serving!.assumptions.some(n => /^Speculative decoding \(EAGLE-3, 3 tokens a step, yuhuili\/EAGLE3-LLaMA3\.1-Instruct-8B\): the draft head adds 0\.79 GiB of weights per GPU/.test(n)));
    // Without a method, vLLM names it from the checkpoint: "EAGLE-" an EAGLE head (a layer and a 2 × hidden fusion).
    const one = plan(`${base} --speculative-config '{"model": "yuhuili/EAGLE-LLaMA3-Instruct-8B", "num_speculative_tokens": 5}'`).serving!;
    assert.strictEqual(one.weightsBytes - plain.weightsBytes, 251_662_336 * 2);
    assert.strictEqual(one.kvBytesPerToken, (plain.kvBytesPerToken / 32) * 33);
    const tp2 = plan(`${base} -tp 2 ${eagle3}`).serving!;
    const plainTp2 = plan(`${base} -tp 2`).serving!;
    const fc = 3 * 4096 * 4096 * 2;
    assert.strictEqual(tp2.weightsBytes - plainTp2.weightsBytes, (424_689_664 * 2 - fc) / 2 + fc, 'the fusion projection is replicated');
  });

  it('a quantized model keeps its EAGLE head in 16 bits; the dotted form of the flag reads the same', () => {
    const fp8 = plan('vllm serve RedHatAI/Llama-3.3-70B-Instruct-fp8-dynamic -tp 2 --max-model-len 8192').serving!;
    const withHead = plan(`vllm serve RedHatAI/Llama-3.3-70B-Instruct-fp8-dynamic -tp 2 --max-model-len 8192 --speculative-config '{"method": "eagle3", "model": "yuhuili/EAGLE3-LLaMA3.3-Instruct-70B", "num_speculative_tokens": 3}'`).serving!;
    const h = 8192;
    const sharded = (2 * h * (h + 2 * 1024) + h * h + 3 * h * 28672 + 4 * h + 32000 * h) * 2;
    assert.strictEqual(withHead.weightsBytes - fp8.weightsBytes, sharded / 2 + 3 * h * h * 2);
    const dotted = plan(`${base} --speculative-config.method eagle3 --speculative-config.model yuhuili/EAGLE3-LLaMA3.1-Instruct-8B --speculative-config.num_speculative_tokens 3`).serving!;
    assert.strictEqual(dotted.weightsBytes, plan(`${base} ${eagle3}`).serving!.weightsBytes);
  });
});

describe('serving planner: a draft model for speculative decoding in vLLM', () => {
  const plan = (command: string, gpu = 'H100 80GB') => only(`${command}\n`, 'shell', { targetGpu: gpu });
  const base = 'vllm serve Qwen/Qwen3-8B --max-model-len 8192';

  it("Qwen3-0.6B drafting for Qwen3-8B: its whole weights and its 28 layers' KV cache in the same pool", () => {
    const plain = plan(base).serving!;
    const drafted = plan(`${base} --speculative-config '{"method": "draft_model", "model": "Qwen/Qwen3-0.6B", "num_speculative_tokens": 5}'`);
    // Qwen3-0.6B: 596,049,920 bf16 parameters and its rotary cache (40,960 positions × 128 × 2 bytes) on the GPU.
    assert.strictEqual(drafted.serving!.weightsBytes - plain.weightsBytes, 596_049_920 * 2 + 40_960 * 128 * 2);
    // 36 layers × 8 KV heads × 128 × 2 × 2 bytes, and the draft's 28 layers of the same shape.
    assert.strictEqual(plain.kvBytesPerToken, 36 * 4096);
    assert.strictEqual(drafted.serving!.kvBytesPerToken, (36 + 28) * 4096);
    assert.ok(drafted.serving!.kvTokens < plain.kvTokens * (36 / 64) * 1.001, `${drafted.serving!.kvTokens} tokens`);
    assert.deepStrictEqual(drafted.problems.map(p => p.message), [], 'counted: no warning');
    assert.ok(drafted.serving!.assumptions.some(n => /^Speculative decoding \(draft model Qwen\/Qwen3-0\.6B, 5 tokens a step\): the draft adds 1\.12 GiB of weights per GPU/.test(n)));
  });

  it('a draft named without a method is a draft model (vLLM\'s rule); it splits over tensor parallelism; a draft the catalog lacks keeps the warning', () => {
    const named = plan(`${base} --speculative-config '{"model": "Qwen/Qwen3-0.6B", "num_speculative_tokens": 5}'`).serving!;
    const explicit = plan(`${base} --speculative-config '{"method": "draft_model", "model": "Qwen/Qwen3-0.6B", "num_speculative_tokens": 5}'`).serving!;
    assert.strictEqual(named.weightsBytes, explicit.weightsBytes);
    const tp2 = plan(`${base} -tp 2 --speculative-config '{"model": "Qwen/Qwen3-0.6B", "num_speculative_tokens": 5}'`).serving!;
    const plainTp2 = plan(`${base} -tp 2`).serving!;
    assert.strictEqual(tp2.weightsBytes - plainTp2.weightsBytes, (596_049_920 * 2) / 2 + 40_960 * 128 * 2);
    const unknown = plan(`${base} --speculative-config '{"model": "someone/private-draft-1b", "num_speculative_tokens": 5}'`);
    assert.strictEqual(unknown.serving!.weightsBytes, plan(base).serving!.weightsBytes);
    assert.ok(unknown.problems.some(w => /^Speculative decoding is not counted/.test(w.message)));
  });
});

describe('serving planner: data parallelism, expert parallelism and a pool set by hand', () => {
  const plan = (command: string, gpu = 'H200') => only(`${command}\n`, 'shell', { targetGpu: gpu }).serving!;

  it('data parallelism adds engines of the same plan for a dense model: more GPUs, the same pool per engine', () => {
    const one = plan('vllm serve meta-llama/Llama-3.1-8B-Instruct --max-model-len 8192');
    const four = plan('vllm serve meta-llama/Llama-3.1-8B-Instruct --max-model-len 8192 -dp 4');
    assert.strictEqual(four.gpus, 4);
    assert.strictEqual(four.weightsBytes, one.weightsBytes);
    assert.strictEqual(four.kvTokens, one.kvTokens);
    assert.ok(four.assumptions.some(n => /^Data parallelism: 4 engines of 1 GPU each, each with its own KV pool/.test(n)));
  });

  it("an MoE's routed experts are split over TP × DP GPUs, the rest over TP; -ep is --enable-expert-parallel", () => {
    const tp1 = plan('vllm serve Qwen/Qwen3-30B-A3B --max-model-len 8192');
    const dp2 = plan('vllm serve Qwen/Qwen3-30B-A3B --max-model-len 8192 -dp 2 -ep');
    const tp2 = plan('vllm serve Qwen/Qwen3-30B-A3B --max-model-len 8192 -tp 2');
    assert.strictEqual(dp2.gpus, 2);
    // The experts halve either way; under DP the attention, embedding and head stay whole on each GPU.
    assert.ok(dp2.weightsBytes < tp1.weightsBytes * 0.6 && dp2.weightsBytes > tp2.weightsBytes, `${dp2.weightsBytes / GIB} GiB`);
    assert.ok(dp2.kvBytesPerToken > tp2.kvBytesPerToken, 'each DP engine keeps every KV head');
    assert.ok(dp2.assumptions.some(n => /routed experts are split over all 2 GPUs of a stage \(expert parallel/.test(n)));
    assert.ok(dp2.nonTorchBytes > tp1.nonTorchBytes, 'the expert group communicates over NCCL');
  });

  it('DeepSeek-R1 loads as its FP8 checkpoint: TP 8 starts on H200s, DP 8 with expert parallelism holds whole attention on each GPU', () => {
    const tp8 = plan('vllm serve deepseek-ai/DeepSeek-R1 -tp 8 --max-model-len 32768');
    // 671B parameters, the linear layers in FP8 with a scale per 128 × 128 block: about 78 GiB per GPU at TP 8, where
    // bf16 would be 156. vLLM's Gaudi fork printed 79.41 GiB per device for this checkpoint at TP 8 (HabanaAI/vllm-fork#809).
    assert.ok(Math.abs(tp8.weightsBytes / GIB - 79.41) / 79.41 < 0.02, `${tp8.weightsBytes / GIB} GiB`);
    assert.strictEqual(tp8.starts, true);
    const dp8 = plan('vllm serve deepseek-ai/DeepSeek-R1 -dp 8 --enable-expert-parallel --max-model-len 32768');
    assert.strictEqual(dp8.gpus, 8);
    assert.ok(dp8.weightsBytes > tp8.weightsBytes, 'attention is replicated on each GPU under DP');
    assert.strictEqual(dp8.starts, true);
    assert.strictEqual(plan('vllm serve deepseek-ai/DeepSeek-R1 -dp 8 --enable-expert-parallel --max-model-len 32768', 'H100 80GB').starts, false);
  });

  it("Kimi K2 is DeepSeek-V3's architecture in block FP8: 16 GPUs of 80 GB at its 128K context, as vLLM's recipe says, and -dcp shares the KV", () => {
    const k2 = (flags: string) => plan(`vllm serve moonshotai/Kimi-K2-Instruct --trust-remote-code ${flags}`, 'H100 80GB');
    const tp8 = k2('-tp 8');
    assert.strictEqual(tp8.starts, false);
    assert.match(tp8.reason, /^CUDA out of memory while loading the weights/);
    const twoNodes = k2('-tp 8 -pp 2');
    assert.strictEqual(twoNodes.gpus, 16);
    assert.strictEqual(twoNodes.starts, true, twoNodes.reason);
    assert.strictEqual(twoNodes.maxModelLen, 131_072);
    // Decode context parallelism: MLA's latent cache, whole on each TP GPU, is interleaved over 8 of them.
    const tp16 = k2('-tp 16');
    const dcp8 = k2('-tp 16 -dcp 8');
    assert.strictEqual(dcp8.kvBytesPerToken * 8, tp16.kvBytesPerToken);
    assert.ok(Math.abs(dcp8.kvTokens / tp16.kvTokens - 8) < 0.01, `${dcp8.kvTokens} / ${tp16.kvTokens}`);
    assert.match(k2('-tp 16 -dcp 3').reason, /tensor_parallel_size \(16\) to be a multiple of decode_context_parallel_size \(3\)/);
  });

  it('--kv-cache-memory-bytes sets the pool per GPU in whole blocks, and refuses a pool that does not fit beside the rest', () => {
    const llama = 'vllm serve meta-llama/Llama-3.1-8B-Instruct --max-model-len 8192';
    const set = plan(`${llama} --kv-cache-memory-bytes 20G`);
    const page = set.kvBytesPerToken * set.blockSize;
    assert.strictEqual(set.kvCacheBytes, Math.floor((20 * GIB) / page) * page);
    assert.strictEqual(set.kvTokens, Math.floor((20 * GIB) / page) * set.blockSize);
    assert.strictEqual(plan(`${llama} --kv-cache-memory=21474836480`).kvTokens, set.kvTokens, "vLLM's own suggestion, --kv-cache-memory=N");
    assert.ok(set.assumptions.some(n => n.startsWith('KV pool: 20.00 GiB per GPU as kv_cache_memory_bytes sets it')));
    const tooBig = plan(`${llama} --kv-cache-memory-bytes 130G`);
    assert.strictEqual(tooBig.starts, false);
    assert.match(tooBig.reason, /^CUDA out of memory: the KV cache set by kv_cache_memory_bytes \(130\.00 GiB\)/);
    // Its fix writes the flag's value: the most whole GiB that fit beside the rest, which then starts.
    const text = `${llama} --kv-cache-memory-bytes 130G\n`;
    const fix = servingFixes(only(text, 'shell', { targetGpu: 'H200' }), findGpu('H200')!, text).find(f => f.kind === 'kv-cache-memory')!;
    assert.ok(fix && fix.preferred, 'the pool set by hand is the fix offered first');
    const edited = text.slice(0, fix.edit!.span.start) + fix.edit!.newText + text.slice(fix.edit!.span.end);
    assert.match(edited, /--kv-cache-memory-bytes \d+G\n$/);
    assert.strictEqual(plan(edited.trim()).starts, true);
    const oneMore = edited.replace(/(\d+)G\n$/, (_, n) => `${Number(n) + 1}G`);
    assert.strictEqual(plan(oneMore).starts, false, 'one GiB more does not fit');
    // A pool too small for one request gets the fewest GiB that hold one.
    const small = `vllm serve meta-llama/Llama-3.1-8B-Instruct --max-model-len 131072 --kv-cache-memory-bytes 4G\n`;
    assert.strictEqual(plan(small.trim()).starts, false);
    const grow = servingFixes(only(small, 'shell', { targetGpu: 'H200' }), findGpu('H200')!, small).find(f => f.kind === 'kv-cache-memory')!;
    assert.strictEqual(grow.value, 16 * GIB, '131,072 tokens × 128 KiB = 16 GiB');
    const bad = only(`${llama} --kv-cache-memory-bytes 20GB\n`, 'shell');
    assert.strictEqual(bad.serving, undefined);
    assert.ok(bad.problems.some(p => p.severity === 'error' && /`--kv-cache-memory-bytes` must be a whole number of bytes/.test(p.message)));
  });
});

describe('serving planner: what a command changes that the plan does not count, and --language-model-only', () => {
  it('speculative decoding gets a warning on its flag (vLLM and SGLang), and the plan is still given', () => {
    const vllm = only(`vllm serve meta-llama/Llama-3.1-8B-Instruct --max-model-len 8192 --speculative-config '{"model": "someone/private-draft-1b", "num_speculative_tokens": 5}'\n`, 'shell');
    const warning = vllm.problems.find(p => p.severity === 'warning')!;
    assert.match(warning.message, /^Speculative decoding is not counted/);
    assert.ok(vllm.serving && vllm.serving.starts);
    const sglang = only('python -m sglang.launch_server --model-path meta-llama/Llama-3.1-8B-Instruct --speculative-algorithm STANDALONE --speculative-draft-model-path someone/private-draft-1b\n', 'shell');
    assert.strictEqual(sglang.problems.filter(p => /^Speculative decoding's draft is not counted: SGLang sizes the KV pool as without it/.test(p.message)).length, 1, 'one warning for the two flags');
    assert.ok(sglang.serving && sglang.serving.starts);
    const eagle = only('python -m sglang.launch_server --model-path meta-llama/Llama-3.1-8B-Instruct --speculative-algorithm EAGLE --speculative-draft-model-path lmsys/sglang-EAGLE-LLaMA3-Instruct-8B\n', 'shell');
    assert.strictEqual(eagle.problems.length, 0, 'an EAGLE head is counted');
    assert.strictEqual(only('vllm serve meta-llama/Llama-3.1-8B-Instruct --max-model-len 8192\n', 'shell').problems.length, 0);
  });

  // SGLang gives the draft worker a pool of as many tokens as the model's (model_runner: draft_runner_cache_size), in
  // what mem_fraction_static leaves: a 2026 log shows the draft's pool allocated after the model's, with the same
  // #tokens (noonghunna/club-3090#1261). Recent releases load the draft's weights before the pool is sized: their least
  // mem_fraction_static counts them (SemiAnalysisAI/InferenceX#2128). Its server_args reset an unset
  // --max-running-requests to 48 ("Max running requests is reset to 48 for speculative decoding").
  it('SGLang speculative decoding: the draft weights before the pool, its KV cache in the unreserved share, 48 requests at once unless set', () => {
    const launch = 'python -m sglang.launch_server --model-path meta-llama/Llama-3.1-8B-Instruct --mem-fraction-static 0.83';
    const h100 = { targetGpu: 'H100' };
    const eagle3 = '--speculative-algorithm eagle3 --speculative-draft-model-path jamesliu1/sglang-EAGLE3-Llama-3.1-Instruct-8B';
    const plain = only(`${launch}\n`, 'shell', h100).serving!;
    const eagle = only(`${launch} ${eagle3}\n`, 'shell', h100).serving!;
    // The EAGLE-3 head as vLLM's planner counts it: the same head under vLLM adds the same weights.
    const vllm = (flags: string) => only(`vllm serve meta-llama/Llama-3.1-8B-Instruct ${flags}\n`, 'shell', h100).serving!;
    const head = vllm(`--speculative-config '{"method": "eagle3", "model": "jamesliu1/sglang-EAGLE3-Llama-3.1-Instruct-8B"}'`).weightsBytes - vllm('').weightsBytes;
    assert.strictEqual(eagle.weightsBytes - plain.weightsBytes, head);
    assert.ok(Math.abs(plain.kvTokens - eagle.kvTokens - head / plain.kvBytesPerToken) <= 1, 'the pool smaller by the head');
    // Its one attention layer caches 8 KV heads of 128 in bf16 for as many tokens as the pool.
    assert.strictEqual(eagle.draftBytes, eagle.kvTokens * 8 * 128 * 2 * 2);
    assert.strictEqual(eagle.maxNumSeqs, 48);
    assert.ok(plain.maxNumSeqs > 48);
    assert.ok(eagle.activationPeakBytes < plain.activationPeakBytes, 'the sampler over 48 rows, not thousands');
    const note = eagle.assumptions.find(a => a.startsWith('Speculative decoding (EAGLE3); SGLang runs at most 48 requests at once'))!;
    assert.ok(note.includes(`an EAGLE-3 head at the model's width`) && note.includes(`its ${(head / GIB).toFixed(2)} GiB of weights load with the model's, before the pool is sized`), note);
    assert.ok(eagle.starts);
    // Under an earlier release's accounting the weights load after the pool, beside its KV cache.
    const older = only(`${launch} ${eagle3}\n`, 'shell', { ...h100, engineVersion: '0.4.9' }).serving!;
    assert.strictEqual(older.kvTokens, only(`${launch}\n`, 'shell', { ...h100, engineVersion: '0.4.9' }).serving!.kvTokens);
    assert.strictEqual(older.draftBytes, head + older.kvTokens * 8 * 128 * 2 * 2);
    // Left unset, SGLang's default share keeps 2 GiB more back for a draft (none for n-grams).
    const share = (flags: string) => /mem_fraction_static ([\d.]+) \(its default/.exec(only(`python -m sglang.launch_server --model-path meta-llama/Llama-3.1-8B-Instruct ${flags}\n`, 'shell', h100).serving!.assumptions[0])![1];
    assert.strictEqual(share(''), '0.835');
    assert.strictEqual(share(eagle3), String(Math.round(((81_559 - 13_440 - 2048) / 81_559) * 1000) / 1000));
    assert.strictEqual(share('--speculative-algorithm NGRAM'), '0.835');
    const set = only(`${launch} --speculative-algorithm NGRAM --max-running-requests 128\n`, 'shell', h100).serving!;
    assert.strictEqual(set.maxNumSeqs, 128);
    assert.strictEqual(set.draftBytes, undefined);
    assert.ok(set.assumptions.some(a => a === 'Speculative decoding (NGRAM): its proposals come from the prompt, with no draft on the GPU.'));
    const bad = only(`${launch} --speculative-algorithm '{}'\n`, 'shell');
    assert.ok(bad.problems.some(p => p.severity === 'error' && /`--speculative-algorithm` must be an algorithm name/.test(p.message)));
  });

  it("SGLang's STANDALONE draft model keeps a KV pool as large as the model's: it does not load where the unreserved share cannot hold it", () => {
    const launch = (fraction: number) => `python -m sglang.launch_server --model-path Qwen/Qwen3-8B --speculative-algorithm STANDALONE --speculative-draft-model-path Qwen/Qwen3-0.6B --mem-fraction-static ${fraction}\n`;
    const tight = only(launch(0.88), 'shell', { targetGpu: 'H100' });
    assert.strictEqual(tight.problems.filter(p => p.severity === 'warning').length, 0, 'a draft the catalog knows is counted');
    const plan = tight.serving!;
    // Qwen3-0.6B caches 28 layers of 8 KV heads of 128 a token: its pool as many tokens as the model's.
    assert.strictEqual(plan.starts, false);
    assert.match(plan.reason, /^CUDA out of memory loading the speculative draft: its KV cache \([\d.]+ GiB\) exceeds the 9\.50 GiB mem_fraction_static 0\.88 leaves unreserved\.$/);
    assert.strictEqual(plan.draftBytes, plan.kvTokens * 28 * 8 * 128 * 2 * 2);
    // The fix lowers the static share until the draft, the activations and the graphs fit beside the pool.
    const fix = servingFixes(tight, findGpu('H100')!, launch(0.88)).find(f => f.preferred)!;
    assert.match(fix.title, /^Set mem_fraction_static to 0\.\d+ \(the least at which the pool holds one 40,960-token request, leaving the activations and the speculative draft their share\)$/);
    assert.ok(typeof fix.value === 'number' && fix.value < 0.88);
    const fixed = only(launch(fix.value as number), 'shell', { targetGpu: 'H100' }).serving!;
    assert.ok(fixed.starts && fixed.draftBytes! + fixed.activationPeakBytes + fixed.cudaGraphBytes <= (fixed.budgetBytes / (fix.value as number)) * (1 - (fix.value as number)));
    assert.ok(servingRows(fixed).some(r => r.label === 'Speculative draft (in the unreserved share)' && r.bytes === fixed.draftBytes));
    const roomy = only(launch(0.5), 'shell', { targetGpu: 'H100' }).serving!;
    assert.strictEqual(roomy.starts, true);
    assert.ok(roomy.assumptions.some(a => /The draft is the draft model Qwen\/Qwen3-0\.6B: per GPU, its [\d.]+ GiB of weights load with the model's/.test(a)));
  });

  it("--language-model-only leaves a multimodal model's vision tower unloaded", () => {
    const plan = (flags: string) => only(`vllm serve google/gemma-3-4b-it --max-model-len 8192 ${flags}\n`, 'shell').serving!;
    const whole = plan('');
    const text = plan('--language-model-only');
    // Gemma 3's SigLIP tower and projector, about 0.42B parameters in bf16.
    const saved = (whole.weightsBytes - text.weightsBytes) / GIB;
    assert.ok(saved > 0.7 && saved < 0.85, `${saved} GiB`);
    assert.ok(text.kvTokens > whole.kvTokens);
  });
});

describe("serving planner: vLLM's LoRA slots", () => {
  const plan = (flags: string) => only(`vllm serve meta-llama/Llama-3.1-8B-Instruct --max-model-len 8192 ${flags}\n`, 'shell', { targetGpu: 'H100 80GB' }).serving!;

  it('--enable-lora allocates max_loras slots of max_lora_rank on every projection at load, in the weights', () => {
    const base = plan('');
    const one = plan('--enable-lora');
    // Per layer and slot of rank 16: q, k, v, o, gate, up, down as lora_a (rank × input) + lora_b (output × rank):
    // 16 × (4096 + 4096) + 2 × 16 × (4096 + 1024) + 16 × (4096 + 4096) + 2 × 16 × (4096 + 14336) + 16 × (14336 + 4096)
    // = 1,310,720 parameters, × 32 layers × 2 bytes = 80 MiB.
    assert.strictEqual(one.weightsBytes - base.weightsBytes, 83_886_080);
    const eight = plan('--enable-lora --max-loras 8 --max-lora-rank 64');
    assert.strictEqual(eight.weightsBytes - base.weightsBytes, 32 * 83_886_080);
    assert.ok(eight.kvTokens < base.kvTokens, 'the slots come out of the KV pool');
    assert.ok(eight.assumptions.some(n => n.startsWith('LoRA: 8 adapter slots (max_loras) of rank 64 (max_lora_rank)')));
    const split = only('vllm serve meta-llama/Llama-3.1-8B-Instruct --max-model-len 8192 -tp 2 --enable-lora --max-loras 8 --max-lora-rank 64\n', 'shell').serving!;
    const splitBase = only('vllm serve meta-llama/Llama-3.1-8B-Instruct --max-model-len 8192 -tp 2\n', 'shell').serving!;
    const perGpu = split.weightsBytes - splitBase.weightsBytes;
    assert.ok(perGpu > 16 * 83_886_080 && perGpu < 32 * 83_886_080, 'under TP each GPU keeps one side of each slot whole');
    assert.strictEqual(plan('--max-loras 8').weightsBytes, base.weightsBytes, 'no slots without --enable-lora');
  });
});

describe('serving planner: the report', () => {
  it("reports a serving command as its engine lays memory out, with the plan's assumptions", () => {
    const text = 'vllm serve meta-llama/Llama-3.1-8B-Instruct --max-model-len 8192\n';
    // Markdown escapes (`0\\.29`) set aside, as a reader sees the text.
    const plain = (markdown: string) => markdown.replace(/\\(.)/g, '$1');
    const md = plain(reportMarkdown('serve.sh', analyzeDocument(parseConfig(text, 'shell'), { ...DEFAULT_OPTIONS, targetGpu: 'H100 80GB' })));
    assert.match(md, /### vLLM 0\.29 on H100 80GB, per GPU/);
    assert.match(md, /\| KV pool \| [\d.]+ GiB \([\d,]+ tokens, 128 KiB per token\) \|/);
    assert.match(md, /✓ starts · \d+ requests of 8,192 tokens at once/);
    assert.match(md, /- vLLM 0\.29 \(V1 engine\): budget = gpu_memory_utilization \(0\.92, this release's default\) × 79\.19 GiB/);
    assert.doesNotMatch(md, /Training/);
    const hover = plain(catalogHoverMarkdown(analyzeDocument(parseConfig(text, 'shell'), { ...DEFAULT_OPTIONS, targetGpu: 'H100 80GB' }).configs[0], findGpu('H100 80GB')));
    assert.match(hover, /names \*\*meta-llama\/Llama-3\.1-8B\*\*[\s\S]*### vLLM 0\.29 on H100 80GB, per GPU/);
    assert.doesNotMatch(hover, /Training/);
    const local = plain(reportMarkdown('Modelfile', analyzeDocument(parseConfig('FROM llama3.1:8b\n', 'modelfile'), { ...DEFAULT_OPTIONS, targetGpu: 'RTX 4090' })));
    assert.match(local, /### Ollama Q4_K_M on RTX 4090/);
    assert.match(local, /\| Model buffer in host memory \| 2\d\d MiB \|/);
  });
});

describe('serving planner: a flag written in another spelling', () => {
  it("names the flag as the command writes it (SGLang's --tp, vLLM's -tp), marks its name as written, and says it once", () => {
    const cases: [string, string, string][] = [
      ['python -m sglang.launch_server --model-path Qwen/Qwen3-8B --tp two', '`--tp` must be a whole number of GPUs.', 'tp'],
      ['python -m sglang.launch_server --model-path Qwen/Qwen3-8B --context-length abc', '`--context-length` must be a whole number of tokens (32768, 32k, 32K).', 'context-length'],
      ['vllm serve Qwen/Qwen3-8B -tp two', '`-tp` must be a whole number of GPUs.', 'tp'],
      ['vllm serve Qwen/Qwen3-8B --tensor-parallel-size two', '`--tensor-parallel-size` must be a whole number of GPUs.', 'tensor-parallel-size'],
    ];
    for (const [command, message, name] of cases) {
      const text = `${command}\n`;
      const a = only(text, 'shell', { targetGpu: 'H100 80GB' });
      assert.deepStrictEqual(a.problems.map(p => p.message), [message], command);
      const span = a.problems[0].span;
      assert.strictEqual(text.slice(span.start, span.start + name.length), name, command);
    }
    // A short flag's value still reads: -tp 2 is two GPUs.
    assert.strictEqual(only('vllm serve Qwen/Qwen3-8B -tp 2\n', 'shell', { targetGpu: 'H100 80GB' }).serving!.gpus, 2);
  });
});

describe('serving planner: SGLang', () => {
  it('reads `python -m sglang.launch_server` and sizes the pool from mem_fraction_static', () => {
    const a = only('python -m sglang.launch_server --model-path Qwen/Qwen2.5-7B-Instruct --tp 2 --mem-fraction-static 0.85\n', 'shell').serving!;
    assert.strictEqual(a.engine, 'sglang');
    assert.strictEqual(a.gpus, 2);
    assert.ok(Math.abs(a.budgetBytes - 0.85 * 79.19 * GIB) < 1e6);
    assert.ok(a.kvTokens > 0 && a.starts);
    const capped = only('python -m sglang.launch_server --model-path Qwen/Qwen2.5-7B-Instruct --max-total-tokens 100000\n', 'shell').serving!;
    assert.strictEqual(capped.kvTokens, 100_000);
  });

  it("answers SGLang's \"increase --mem-fraction-static\" with the least share that holds one full request and leaves the activations theirs", () => {
    const text = 'python -m sglang.launch_server --model-path Qwen/Qwen2.5-32B-Instruct --mem-fraction-static 0.7\n';
    const a = only(text, 'shell', { targetGpu: 'A100 80GB' });
    assert.match(a.serving!.reason, /increase --mem-fraction-static/);
    const fixes = servingFixes(a, findGpu('A100 80GB')!, text);
    const share = fixes.find(f => f.kind === 'mem-fraction-static');
    assert.ok(share, fixes.map(f => f.title).join('; '));
    const edited = text.slice(0, share.edit!.span.start) + share.edit!.newText + text.slice(share.edit!.span.end);
    assert.strictEqual(edited, `python -m sglang.launch_server --model-path Qwen/Qwen2.5-32B-Instruct --mem-fraction-static ${share.value}\n`);
    const plan = only(edited, 'shell', { targetGpu: 'A100 80GB' }).serving!;
    assert.ok(plan.starts && plan.kvTokens >= plan.maxModelLen, `${plan.kvTokens} tokens`);
    const below = only(text.replace('0.7', String(Number(share.value) - 0.01)), 'shell', { targetGpu: 'A100 80GB' }).serving!;
    assert.ok(below.kvTokens < below.maxModelLen, 'a hundredth less holds no full request');
  });

  // SGLang 0.4.3 serving QwQ-32B over 4× L4 (PCIe): NCCL took 0.13 GB, weights 15.54 GB and 46,611 KV tokens per GPU.
  // On H100s NCCL's NVLink SHARP buffers take about 2.1 GiB per GPU instead.
  it('sizes NCCL by the interconnect: small over PCIe (4× L4), about 2.1 GiB with NVLink SHARP (H100)', () => {
    // The L4 log is SGLang 0.4.3's, whose default share went by tensor parallelism.
    const cmd = 'python3 -m sglang.launch_server --model-path Qwen/QwQ-32B --tensor-parallel-size 4\n';
    const l4 = only(cmd, 'shell', { targetGpu: 'L4', engineVersion: '0.4.3' }).serving!;
    assert.ok(Math.abs(l4.kvTokens - 46_611) / 46_611 < 0.02, `tokens ${l4.kvTokens}`);
    assert.ok(l4.nonTorchBytes < 0.2 * GIB);
    assert.ok(Math.abs(only(cmd, 'shell').serving!.nonTorchBytes / GIB - 2.1) < 0.01);
  });

  // SGLang's server_args from 0.5.3 (sgl-project/sglang#10975): the share is nvidia-smi's MiB less a reserve for the
  // chunked prefill (1.5 MiB a token), the CUDA graphs (2 MiB a batch) and TP / 8 GiB, at least 10 GiB above 60 GiB.
  // A 2026 build was reported at 0.828 on an H100 for Qwen3-32B (sgl-project/sglang#29092), its piecewise CUDA graphs
  // reserving a little more than this gives (0.835).
  it("SGLang's default mem_fraction_static from 0.5.3: the GPU's memory less what it reserves; before, by tensor parallelism", () => {
    const plan = (model: string, gpu: string, flags = '', engineVersion?: string) =>
      only(`python -m sglang.launch_server --model-path ${model} ${flags}\n`, 'shell', { targetGpu: gpu, ...(engineVersion ? { engineVersion } : {}) }).serving!;
    const fraction = (p: ReturnType<typeof plan>) => Number(/mem_fraction_static ([\d.]+)/.exec(p.assumptions[0])![1]);
    // H100 (81,559 MiB): 512 + 8,192 × 1.5 + 256 × 2 + 128 = 13,440 MiB reserved.
    const h100 = plan('Qwen/Qwen3-32B', 'H100');
    assert.strictEqual(fraction(h100), Math.round(((81_559 - 13_440) / 81_559) * 1000) / 1000);
    assert.strictEqual(h100.maxNumBatchedTokens, 8192);
    assert.ok(Math.abs(h100.budgetBytes - 0.835 * 79.19 * GIB) < 1024);
    // TP 4: batch 512 and 4/8 GiB: 512 + 12,288 + 1,024 + 512 = 14,336 MiB.
    assert.strictEqual(fraction(plan('Qwen/Qwen3-32B', 'H100', '--tp 4')), Math.round(((81_559 - 14_336) / 81_559) * 1000) / 1000);
    // --cuda-graph-max-bs 64 reserves 2 MiB a batch: 13,440 − 512 + 128 MiB.
    assert.strictEqual(fraction(plan('Qwen/Qwen3-32B', 'H100', '--cuda-graph-max-bs 64')), Math.round(((81_559 - 13_056) / 81_559) * 1000) / 1000);
    // An RTX 4090 (24,564 MiB): chunks of 2,048 and batch 24, no 10 GiB floor: 512 + 3,072 + 48 + 128 = 3,760 MiB.
    const rtx = plan('Qwen/Qwen3-8B', 'RTX 4090');
    assert.strictEqual(fraction(rtx), Math.round(((24_564 - 3_760) / 24_564) * 1000) / 1000);
    assert.strictEqual(rtx.maxNumBatchedTokens, 2048);
    // An L40S (46,068 MiB) takes chunks of 4,096; a B200 chunks of 16,384.
    assert.strictEqual(plan('Qwen/Qwen3-8B', 'L40S').maxNumBatchedTokens, 4096);
    assert.strictEqual(plan('Qwen/Qwen3-8B', 'B200').maxNumBatchedTokens, 16384);
    // A chunk set on the command changes the reserve: 1,024 tokens reserve 2,048 × 1.5 (its floor), under the 10 GiB on an H100.
    assert.strictEqual(fraction(plan('Qwen/Qwen3-32B', 'H100', '--chunked-prefill-size 1024')), Math.round(((81_559 - 10_240) / 81_559) * 1000) / 1000);
    // Gemma 3's SigLIP tower (27 layers 1,152 wide): 0.95 × (1 − 0.1 × (27 × 1152² / (24 × 1024²) − 1)).
    const ratio = (27 * 1152 ** 2) / (24 * 1024 ** 2);
    assert.strictEqual(fraction(plan('google/gemma-3-27b-it', 'H100')), Math.round(0.835 * 0.95 * (1 - 0.1 * (ratio - 1)) * 1000) / 1000);
    // A public SGLang log on an MI355X (288 GB, not in the GPU list: its nominal 294,912 MiB here) printed
    // "mem_fraction_static 0.911" for Qwen3-30B-A3B on one GPU (sgl-project/sglang#18263): chunks of 16,384 and batch
    // 512 reserve 512 + 24,576 + 1,024 + 128 = 26,240 MiB. Any total from about 293,000 to 296,000 MiB rounds the same.
    const a = only('python -m sglang.launch_server --model-path Qwen/Qwen3-30B-A3B\n', 'shell', { targetGpu: 'MI325X' });
    const { cudaTotalGiB: _reading, cudaTotalSource: _source, ...mi325x } = findGpu('MI325X')!;
    const mi355x = { ...mi325x, name: 'MI355X', model: 'mi355x', memoryGb: 288, memoryMiB: 294_912 };
    const onMi355x = planServing(a.spec!, a.servingOptions!, mi355x);
    assert.strictEqual(fraction(onMi355x), 0.911);
    assert.strictEqual(onMi355x.maxNumBatchedTokens, 16384);
    // Releases before 0.5.3: 0.88 on one GPU, 0.85 at TP 4.
    assert.strictEqual(fraction(plan('Qwen/Qwen3-32B', 'H100', '', '0.5.2')), 0.88);
    assert.strictEqual(fraction(plan('Qwen/Qwen3-32B', 'H100', '--tp 4', '0.4.9')), 0.85);
  });

  it("--disable-cuda-graph is SGLang's --enforce-eager: no graph memory", () => {
    const graphs = (flags: string) => only(`python -m sglang.launch_server --model-path Qwen/Qwen3-32B --tp 2 ${flags}\n`, 'shell').serving!.cudaGraphBytes;
    assert.ok(graphs('') > 0);
    assert.strictEqual(graphs('--disable-cuda-graph'), 0);
  });

  it('--dp copies the model onto more GPUs; with --enable-dp-attention the groups share the TP GPUs and keep attention whole over fewer', () => {
    const sglang = (flags: string) => only(`python3 -m sglang.launch_server --model-path ${flags}\n`, 'shell', { targetGpu: 'H200' }).serving!;
    const one = sglang('meta-llama/Llama-3.1-8B-Instruct');
    const copies = sglang('meta-llama/Llama-3.1-8B-Instruct --dp 2');
    assert.strictEqual(copies.gpus, 2);
    assert.strictEqual(copies.kvTokens, one.kvTokens);
    const tp8 = sglang('deepseek-ai/DeepSeek-V3 --tp 8 --trust-remote-code');
    const dpAttention = sglang('deepseek-ai/DeepSeek-V3 --tp 8 --dp 8 --enable-dp-attention --trust-remote-code');
    assert.strictEqual(dpAttention.gpus, 8);
    // MLA's attention, about 11B parameters in FP8, whole on each GPU instead of an eighth: about 9 GiB more weights.
    const more = (dpAttention.weightsBytes - tp8.weightsBytes) / GIB;
    assert.ok(more > 8 && more < 10.5, `${more} GiB`);
    assert.ok(dpAttention.kvTokens < tp8.kvTokens);
    assert.ok(dpAttention.assumptions.some(n => n.startsWith('DP attention: 8 groups of 1 GPU among the 8')));
    assert.match(sglang('meta-llama/Llama-3.1-70B-Instruct --tp 8 --dp-size 3 --enable-dp-attention').reason, /--tp \(8\) to be a multiple of --dp \(3\)/);
  });
});

describe('serving planner: the CLI', () => {
  it("gives `serving` per config with the contract's names, --engine-version, and --check on a refusal", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vram-serving-'));
    const file = path.join(dir, 'serve.sh');
    fs.writeFileSync(file, 'vllm serve meta-llama/Llama-3.1-8B-Instruct --max-model-len 131072\n');
    let out = '';
    const code = await main([file, '--json', '--gpu', 'L4', '--engine-version', '0.7.3', '--check'], s => (out += s), () => undefined);
    assert.strictEqual(code, 3);
    const serving = JSON.parse(out).files[0].configs[0].serving;
    for (const k of ['engine', 'version', 'gpu', 'gpus', 'budgetBytes', 'weightsBytes', 'activationPeakBytes', 'nonTorchBytes', 'cudaGraphBytes', 'kvCacheBytes', 'kvBytesPerToken', 'kvTokens', 'maxConcurrency', 'starts', 'reason']) {
      assert.ok(k in serving, k);
    }
    assert.strictEqual(serving.version, '0.7.3');
    assert.match(serving.reason, /^The model's max seq len \(131072\) is larger than the maximum number of tokens that can be stored in KV cache/);
    let err = '';
    assert.strictEqual(await main([file, '--engine-version', 'latest'], () => undefined, s => (err += s)), 2);
    assert.match(err, /--engine-version must be a release/);
  });
});

describe('the hover on a serving flag', () => {
  it('every flag this planner reads has a hover, as written on the command line', () => {
    const vllm = 'vllm serve deepseek-ai/DeepSeek-R1 -dp 2 -ep -dcp 2 -tp 4 --kv-cache-memory-bytes 20G --enable-lora --max-loras 2 --max-lora-rank 32 --language-model-only\n';
    const llama = 'llama-server -m Qwen3-30B-A3B-Instruct-2507-Q4_K_M.gguf -ot exps=CPU --n-cpu-moe 8 --mmproj mmproj-F16.gguf --no-mmproj-offload\n';
    const sglang = 'python -m sglang.launch_server --model-path Qwen/Qwen3-32B --tp 2 --dp 2 --enable-dp-attention --disable-cuda-graph\n';
    for (const text of [vllm, llama, sglang]) {
      const doc = analyzeDocument(parseConfig(text, 'shell'), { ...DEFAULT_OPTIONS, targetGpu: 'H200' });
      const sources = doc.configs[0].config.serving!.sources;
      assert.ok(sources.length >= 3, text);
      for (const source of sources) {
        const md = servingHoverMarkdown(doc.configs[0], source.key, doc.gpu);
        const says = servingFlagHelp(source.key);
        assert.ok(says && md.replace(/\\(.)/g, '$1').includes(says), `${source.key}: ${md}`);
      }
    }
  });

  it('gives the pool at two nearby values of gpu_memory_utilization, and llama.cpp\'s load at half and double the context', () => {
    const text = 'vllm serve meta-llama/Llama-3.1-8B-Instruct --gpu-memory-utilization 0.9 --max-model-len 8192\n';
    const doc = analyzeDocument(parseConfig(text, 'shell'), { ...DEFAULT_OPTIONS, targetGpu: 'H100 80GB' });
    const utilization = doc.configs[0].config.serving!.sources.find(s => s.option === 'gpuMemoryUtilization')!;
    const md = servingHoverMarkdown(doc.configs[0], utilization.key, doc.gpu);
    const pools = [...md.matchAll(/^- At (0\.\d+): KV pool ([\d,]+) tokens, /gm)].map(m => [Number(m[1]), Number(m[2].replace(/,/g, ''))]);
    assert.deepStrictEqual(pools.map(p => p[0]), [0.85, 0.95], md);
    assert.ok(pools[0][1] < doc.configs[0].serving!.kvTokens && doc.configs[0].serving!.kvTokens < pools[1][1], md);
    const local = analyzeDocument(parseConfig('llama-server -m Llama-3.1-8B-Instruct-Q4_K_M.gguf -c 32768 -ngl 99 -fa on\n', 'shell'), { ...DEFAULT_OPTIONS, targetGpu: 'RTX 4090' });
    const flag = local.configs[0].config.serving!.sources.find(s => s.option === 'contextSize')!;
    const localMd = servingHoverMarkdown(local.configs[0], flag.key, local.gpu);
    const lines = [...localMd.matchAll(/^- At ([\d,]+): ([\d.]+) GiB on the GPU, (loads|does not load)$/gm)].map(m => Number(m[1].replace(/,/g, '')));
    assert.deepStrictEqual(lines, [16384, 65536]);
    // Each hover closes on its verdict, short enough for VS Code's hover box.
    for (const hover of [md, localMd]) {
      assert.match(hover.split('\n').at(-1)!, /^\*\*[✓✗] /);
      assert.ok(hover.split('\n').length <= 10, hover);
    }
  });
});

describe('serving planner: one verdict per command, on every card', () => {
  // Llama 3.1 8B at its full 131,072 tokens: its KV for one request (16 GiB) is more than an RTX 4090's pool, though a
  // transformers run at 4,096 tokens would fit there; the verdict must be vLLM's everywhere it is shown.
  const LONG = 'vllm serve meta-llama/Llama-3.1-8B-Instruct --max-model-len 131072\n';

  it("makes the target's verdict, the JSON's fits rows and the status bar vLLM's start on each card", async () => {
    const doc = analyze(LONG, 'shell', { targetGpu: 'RTX 4090' });
    const a = doc.configs[0];
    assert.strictEqual(a.serving!.starts, false);
    assert.strictEqual(a.verdict!.inference, false, 'the target verdict is the engine refusal');
    assert.ok(a.verdict!.inferenceHeadroomBytes < 0);
    const status = statusVerdict(doc)!;
    assert.strictEqual(status.level, 'error');
    assert.strictEqual(status.text, 'vLLM ✗ does not start');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vram-serving-'));
    const file = path.join(dir, 'serve.sh');
    fs.writeFileSync(file, LONG);
    let out = '';
    await main([file, '--json', '--gpu', 'RTX 4090'], s => (out += s), () => undefined);
    const report = JSON.parse(out).files[0].configs[0];
    assert.strictEqual(report.target.inference, false);
    const rows = report.fits as { gpu: string; inference: boolean }[];
    for (const name of ['RTX 4090', 'L40S', 'H100 80GB', 'MI300X']) {
      const row = rows.find(r => r.gpu === name)!;
      assert.strictEqual(row.inference, planServing(a.spec!, a.servingOptions!, findGpu(name)!).starts, name);
    }
    assert.deepStrictEqual([rows.find(r => r.gpu === 'RTX 4090')!.inference, rows.find(r => r.gpu === 'H100 80GB')!.inference], [false, true]);
    assert.ok(!rows.some(r => isUnifiedMemory(findGpu(r.gpu)!) || r.gpu === 'GTX 1080'), 'no Apple silicon or Pascal row for a vLLM command');
  });

  it('compares every CUDA and ROCm card as vLLM runs the command there, with the fewest of a card it starts on', () => {
    const doc = analyze(LONG, 'shell', { targetGpu: 'RTX 4090' });
    const a = doc.configs[0];
    const md = compareGpusMarkdown('serve.sh', doc, gpuList(doc.options));
    const starts = new Map([...md.matchAll(/^\| ([^|]+?) \| [^|]+ \| [^|]+ \| [^|]+ \| ([✓✗]) \| ([\d,]+) tokens \|/gm)].map(m => [m[1].replace(/\\/g, ''), m[2] === '✓']));
    const planned = GPUS.filter(g => !isUnifiedMemory(g) && g.generation !== 'Pascal');
    assert.strictEqual(starts.size, planned.length, md);
    for (const g of planned) {
      assert.strictEqual(starts.get(g.name), planServing(a.spec!, a.servingOptions!, g).starts, g.name);
    }
    assert.match(md, /Not planned on Apple silicon \(M4 Pro 24GB, /);
    assert.match(md, /Not planned on Pascal \(GTX 1080\): /);
    // The RTX 4090 does not hold one 131,072-token request; two of them in tensor parallel do.
    const split = /^\| RTX 4090 \| (\d+)× \(tensor parallel\) \|$/m.exec(md);
    assert.ok(split, md);
    assert.strictEqual(Number(split[1]), 2);
    assert.ok(planServing(a.spec!, { ...a.servingOptions!, tensorParallel: 2 }, findGpu('RTX 4090')!).starts);
    // The picker's line for each card says the same.
    const onH100 = /^vLLM ✓ starts · ([\d.]+)× at 131,072$/.exec(gpuFitDetail(a, findGpu('H100 80GB')!, 'both') ?? '');
    assert.ok(onH100 && Math.abs(Number(onH100[1]) - planServing(a.spec!, a.servingOptions!, findGpu('H100 80GB')!).maxConcurrency) < 0.01);
    assert.strictEqual(gpuFitDetail(a, findGpu('RTX 4090')!, 'both'), 'vLLM ✗ does not start');
    assert.strictEqual(gpuFitDetail(a, findGpu('M4 Max 128GB')!, 'both'), 'vLLM: not planned on Apple silicon');
  });

  it('gives a vLLM command no number on Apple silicon, and says why on the command; llama.cpp there keeps its plan', () => {
    const text = 'vllm serve meta-llama/Llama-3.1-8B-Instruct --max-model-len 16384\nllama-server -m Meta-Llama-3.1-8B-Instruct-Q4_K_M.gguf -c 32768 -ngl 99 -fa on\n';
    const doc = analyze(text, 'shell', { targetGpu: 'M4 Pro 24GB' });
    const [vllm, local] = doc.configs;
    assert.strictEqual(vllm.estimate, undefined);
    assert.strictEqual(vllm.serving, undefined);
    assert.strictEqual(vllm.verdict, undefined);
    const note = vllm.problems.find(p => p.code === UNPLANNED_ENGINE)!;
    assert.strictEqual(note.severity, 'info');
    assert.match(note.message, /^This command gets no number on the M4 Pro 24GB: on Apple silicon vLLM runs through the vLLM-Metal plugin on MLX/);
    assert.strictEqual(text.slice(note.span.start, note.span.start + 4), 'vllm');
    assert.ok(diagnose(doc).some(p => p.code === UNPLANNED_ENGINE), 'shown in the editor');
    assert.strictEqual(lensTitle(vllm, doc.options, doc.gpu), 'vLLM: not planned on the M4 Pro 24GB (Apple silicon) — pick a CUDA or ROCm target GPU');
    assert.ok(local.local!.fits);
    assert.strictEqual(statusVerdict(doc)!.text, `llama.cpp ${formatUsage(local.local!.deviceTotalBytes, findGpu('M4 Pro 24GB')!.memoryMiB * 2 ** 20)}`);
    // Nor does it offer CUDA fixes there: nothing was planned to fix.
    assert.deepStrictEqual(fixesJson(doc, vllm, text), []);
    // Nor on a Pascal card, below the compute capability vLLM's kernels are built for.
    const pascal = analyze(text, 'shell', { targetGpu: 'GTX 1080' }).configs[0];
    assert.strictEqual(pascal.estimate, undefined);
    assert.match(pascal.problems.find(p => p.code === UNPLANNED_ENGINE)!.message, /vLLM runs on NVIDIA GPUs of compute capability 7\.0 \(Volta\) and newer/);
    assert.strictEqual(gpuFitDetail(vllm, findGpu('GTX 1080')!, 'both'), 'vLLM: not planned on Pascal');
  });
});

describe('What Fits on a serving command', () => {
  it("says whether the engine starts on the card and the longest max_model_len that does, not a transformers model's shape", () => {
    const doc = analyze('vllm serve meta-llama/Llama-3.1-8B-Instruct --max-model-len 131072\n', 'shell', { targetGpu: 'RTX 4090' });
    const gpu = findGpu('RTX 4090')!;
    const md = whatFitsMarkdown('serve.sh', doc, gpu, doc.options);
    const longest = doc.configs[0].serving!.longestStartingLen;
    assert.ok(longest > 0 && longest < 131072);
    assert.ok(md.includes(`vLLM does not start; the longest max_model_len that starts is ${longest.toLocaleString('en-US')}.`), md.slice(0, 400));
    assert.doesNotMatch(md.split('Catalog models')[0], /layers for inference/);
  });
});
