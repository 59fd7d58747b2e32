import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { analyzeDocument, DEFAULT_OPTIONS, type ConfigAnalysis } from '../../src/core/analyze';
import type { AnalysisOptions } from '../../src/core/options';
import { diagnose, SERVING_DOES_NOT_START } from '../../src/core/diagnose';
import { localLensTitle } from '../../src/core/explain';
import { findGpu } from '../../src/core/gpus';
import { planLlamaCpp } from '../../src/core/llamacpp';
import { localFixes } from '../../src/core/servingFixes';
import { ggufConfig, ggufFileType, ggufTensors, readGgufHeader } from '../../src/core/gguf';
import { ollamaModel } from '../../src/core/ollama';
import { main } from '../../src/cli/main';
import { parseConfig } from '../../src/parse';
import type { ConfigFormat } from '../../src/parse/limits';
import { ggufBytes, tinyDeepseekGguf, tinyLlamaGguf } from './ggufFixture';

const MIB = 1024 * 1024;

function only(text: string, format: ConfigFormat = 'shell', options: Partial<AnalysisOptions> = {}): ConfigAnalysis {
  const doc = analyzeDocument(parseConfig(text, format), { ...DEFAULT_OPTIONS, targetGpu: 'RTX 4090', ...options });
  assert.strictEqual(doc.configs.length, 1, 'one config');
  return doc.configs[0];
}

function specOf(model: string) {
  return only(`model: ${model}\n`, 'yaml').spec!;
}

describe("llama.cpp planner: a hybrid's layers and recurrent states", () => {
  it("Qwen3.5-0.8B under llama-server: the 18 Gated DeltaNet layers' states for its 4 default slots are the log's RS buffer (77.06 MiB), beside the 6 attention layers' KV (3,072 MiB at 262,144 cells)", () => {
    // A public llama-server log of Qwen3.5-0.8B Q4_K_M: "llama_memory_recurrent: CPU RS buffer size = 77.06 MiB ...
    // (4 cells, 24 layers, 4 seqs), R (f32): 5.06 MiB, S (f32): 72.00 MiB" and "KV buffer size = 3072.00 MiB
    // (262144 cells, 6 layers, 4/1 seqs)"; the catalog's Qwen3.5-0.8B has the layout its GGUF metadata states.
    const p = only('llama-server -m Qwen3.5-0.8B-Q4_K_M.gguf -c 262144 -ngl 99\n').local!;
    const rs = 4 * 18 * (6144 * 3 + 16 * 128 * 128) * 4;
    assert.strictEqual((rs / MIB).toFixed(2), '77.06');
    assert.strictEqual(p.kvCacheBytes, 3072 * MIB + rs);
    const one = only('llama-server -m Qwen3.5-0.8B-Q4_K_M.gguf -c 262144 -ngl 99 -np 1\n').local!;
    assert.strictEqual(p.kvCacheBytes - one.kvCacheBytes, (rs * 3) / 4, 'one state per slot');
  });

  it("Qwen3.6-35B-A3B (the catalog's Qwen3.5-35B-A3B layout) at 65,536 cells and one slot: a public Ollama log's KV 1,280.00 MiB and recurrent states 62.81 MiB", () => {
    // "llama_kv_cache: size = 1280.00 MiB ( 65536 cells, 10 layers, 1/1 seqs)" and "llama_memory_recurrent: size =
    // 62.81 MiB ( 1 cells, 40 layers, 1 seqs)": 30 Gated DeltaNet layers of (8,192 × 3 + 32 × 128 × 128) f32.
    const p = only('llama-server -m Qwen3.6-35B-A3B-Q4_K_M.gguf -c 65536 -np 1 -ngl 99\n', 'shell', { targetGpu: 'H100 80GB' }).local!;
    assert.strictEqual((p.recurrentStateBytes! / MIB).toFixed(2), '62.81');
    assert.strictEqual(((p.kvCacheBytes - p.recurrentStateBytes!) / MIB).toFixed(2), '1280.00');
  });

  it("a state-space model (Mamba-2.8B) caches no keys or values: its KV buffer is its recurrent states alone, and only the token embedding stays on the host", () => {
    // llama.cpp's recurrent memory per slot and layer: (d_conv − 1) × d_inner convolution inputs and d_inner × d_state
    // SSM states, in f32 — 64 layers of (3 × 5,120 + 5,120 × 16) × 4 bytes, for llama-server's 4 default slots.
    const p = only('llama-server -m mamba-2.8b-hf-Q8_0.gguf -c 8192 -ngl 99\n').local!;
    const rs = 4 * 64 * (3 * 5120 + 5120 * 16) * 4;
    assert.strictEqual(p.recurrentStateBytes, rs);
    assert.strictEqual(p.kvCacheBytes, rs, 'no attention layer, no KV cells');
    const tensors = ggufTensors(specOf('state-spaces/mamba-2.8b-hf'), 'Q8_0');
    assert.strictEqual(p.hostModelBytes, tensors.find(t => t.role === 'token_embd')!.bytes);
    assert.strictEqual(p.hostModelBytes, (50280 * 2560 * 34) / 32, 'Q8_0: 34 bytes per 32 weights');
  });

  it("a hybrid's attention and recurrent layers load on the GPU with their blocks, not in host memory; -ngl splits them by block", () => {
    const all = only('llama-server -hf unsloth/Qwen3.5-27B-GGUF:Q4_K_M -c 32768 -ngl 99\n').local!;
    const tensors = ggufTensors(specOf('Qwen/Qwen3.5-27B'), 'Q4_K_M');
    const embedding = tensors.find(t => t.role === 'token_embd')!.bytes;
    assert.ok(tensors.every(t => t.role !== 'other'), 'every tensor is a block\'s, the embedding or the head');
    assert.strictEqual(all.hostModelBytes, embedding, 'only the token embedding stays on the host');
    const half = only('llama-server -hf unsloth/Qwen3.5-27B-GGUF:Q4_K_M -c 32768 -ngl 32\n').local!;
    const ratio = (half.deviceModelBytes - 0) / (all.deviceModelBytes - tensors.find(t => t.role === 'output')!.bytes);
    assert.ok(ratio > 0.45 && ratio < 0.55, `${ratio}`);
  });
});

describe('llama.cpp planner', () => {
  // An RTX 3070 loading a Llama 3 8B Q4_K_M with llama-cpp-python printed: CPU 281.81 MiB, CUDA0 4403.49 MiB,
  // KV 64.00 MiB at n_ctx 512, compute 258.50 MiB without flash attention (bench/data/llamacpp-load-logs.json).
  it("lays a Q4_K_M file out as llama-quantize does and splits it as llama.cpp loads it, to the MiB of a published log", () => {
    const p = only('llama-cli -m Meta-Llama-3-8B-Instruct-Q4_K_M.gguf -c 512 -ngl 99 -fa off\n', 'shell', { targetGpu: 'RTX 3070' }).local!;
    assert.strictEqual((p.deviceModelBytes / MIB).toFixed(2), '4403.49');
    assert.strictEqual((p.hostModelBytes / MIB).toFixed(2), '281.81');
    assert.strictEqual((p.kvCacheBytes / MIB).toFixed(2), '64.00');
    assert.strictEqual((p.computeBytes / MIB).toFixed(2), '258.50');
    assert.strictEqual(p.fits, true);
    assert.match(localLensTitle(p), /^llama\.cpp Q4_K_M: 4\.6\d GiB on GPU \(all layers, 512 context\) \+ 2\d\d MiB host · ✓ loads on RTX 3070$/);
  });

  it('keeps the per-tensor recipe of each file type (file sizes of published logs, to 0.01 GiB)', () => {
    const gib = (model: string, type: string) => (ggufTensors(specOf(model), type).reduce((a, t) => a + t.bytes, 0) / 1024 ** 3).toFixed(2);
    assert.strictEqual(gib('Qwen/Qwen3-30B-A3B', 'Q4_K_M'), '17.28');
    assert.strictEqual(gib('meta-llama/Llama-3.1-70B', 'Q4_0'), '37.22');
    assert.strictEqual(gib('Qwen/Qwen2.5-14B', 'Q4_K_M'), '8.37');
    const types = ggufTensors(specOf('meta-llama/Llama-3.1-8B'), 'Q4_K_M').filter(t => t.type !== 'F32');
    assert.strictEqual(types.filter(t => t.type === 'Q6_K').length, 33, 'half the attn_v and ffn_down, and the output, at Q6_K');
    assert.strictEqual(types.filter(t => t.type === 'Q4_K').length, 193);
  });

  // llama.cpp's CI on a V100 (bench/data/llamacpp-load-logs.json): llama-quantize's tensor types for Pythia 2.8B,
  // whose GGUF keeps query, key and value as one attn_qkv tensor per layer, and the buffers it loaded them into.
  it('types a fused attn_qkv tensor as llama-quantize does (Pythia 2.8B: the type counts and buffers of the CI logs)', () => {
    const counts = (type: string) => {
      const c: Record<string, number> = {};
      for (const t of ggufTensors(specOf('EleutherAI/pythia-2.8b'), type).filter(t => t.type !== 'F32')) {
        c[t.type] = (c[t.type] ?? 0) + 1;
      }
      return c;
    };
    assert.deepStrictEqual(counts('Q4_K_M'), { Q4_K: 81, Q5_K: 32, Q6_K: 17 });
    assert.deepStrictEqual(counts('Q3_K_M'), { Q3_K: 33, Q4_K: 94, Q5_K: 2, Q6_K: 1 });
    assert.deepStrictEqual(counts('Q2_K'), { Q2_K: 65, Q3_K: 64, Q6_K: 1 });
    const p = only('llama-cli -m pythia-2.8b-Q5_K_M.gguf -ngl 99 -c 0 -fa off\n', 'shell', { targetGpu: 'V100 16GB' }).local!;
    assert.strictEqual((p.deviceModelBytes / MIB).toFixed(2), '1887.64');
    assert.strictEqual((p.hostModelBytes / MIB).toFixed(2), '84.43');
  });

  it('sizes the compute buffer by the largest phase: attention scores with their mask and projections, or the head (published logs)', () => {
    // Log Detective's Mistral 7B v0.2 without flash attention: 164.00 MiB at 2,048 tokens, 2,144.00 MiB at 32,768.
    for (const [ctx, mib] of [[2048, '164.00'], [32768, '2144.00']] as const) {
      const p = only(`llama-server -m mistral-7b-instruct-v0.2.Q4_K_S.gguf -ngl 99 -c ${ctx} -fa off\n`, 'shell', { targetGpu: 'A100 80GB' }).local!;
      assert.strictEqual((p.computeBytes / MIB).toFixed(2), mib, `${ctx} tokens`);
    }
    // Pythia 2.8B Q4_0 with flash attention: the logits phase, 103.25 MiB. With 10 of 33 layers on the GPU the head
    // stays in host memory, yet its matmul runs on the GPU from a copy of its weights: 203.99 MiB, and 200 MiB of KV.
    const fa = only('llama-cli -m pythia-2.8b-Q4_0.gguf -ngl 99 -c 0 -fa on\n', 'shell', { targetGpu: 'V100 16GB' }).local!;
    assert.strictEqual((fa.computeBytes / MIB).toFixed(2), '103.25');
    const partial = only('llama-cli -m pythia-2.8b-Q4_0.gguf -ngl 10 -c 0 -fa off\n', 'shell', { targetGpu: 'V100 16GB' }).local!;
    assert.strictEqual(Math.round(partial.computeBytes / MIB), 204);
    assert.strictEqual((partial.kvDeviceBytes / MIB).toFixed(2), '200.00');
    assert.strictEqual((partial.deviceModelBytes / MIB).toFixed(2), '423.14');
  });

  it('copies a tied embedding to the GPU as the output head, and keeps the token embedding on the host', () => {
    const p = only('llama-server -m Llama-3.2-1B-Instruct-Q8_0.gguf -ngl 99\n').local!;
    assert.ok(p.deviceModelBytes > 1.0 * p.hostModelBytes + 0.6 * 1024 ** 3, `device ${p.deviceModelBytes}, host ${p.hostModelBytes}`);
    const cpuOnly = only('llama-server -m Llama-3.2-1B-Instruct-Q8_0.gguf -ngl 0\n').local!;
    assert.strictEqual(cpuOnly.deviceModelBytes, 0);
    assert.strictEqual(cpuOnly.computeBytes, 0);
  });

  it('without flash attention at 32K the attention scores take about 2 GiB; KV types and -nkvo change the KV buffer', () => {
    const base = 'llama-server -m Meta-Llama-3.1-8B-Instruct-Q4_K_M.gguf -c 32768 -ngl 99';
    const off = only(`${base} -fa off\n`).local!;
    const on = only(`${base} -fa on\n`).local!;
    assert.ok(off.computeBytes > 1.9 * 1024 ** 3 && off.computeBytes < 2.2 * 1024 ** 3, `${off.computeBytes}`);
    assert.ok(on.computeBytes < 0.4 * 1024 ** 3);
    const q8 = only(`${base} -fa -ctk q8_0 -ctv q8_0\n`).local!;
    assert.strictEqual(q8.flashAttention, true, 'a bare -fa is on');
    assert.strictEqual(q8.kvCacheBytes * 32, on.kvCacheBytes * 17);
    const host = only(`${base} -nkvo\n`).local!;
    assert.ok(host.deviceTotalBytes < on.deviceTotalBytes - 3.9 * 1024 ** 3);
    assert.ok(host.hostTotalBytes > 4 * 1024 ** 3);
  });

  it('a 128K context of an 8B Q4_K_M loads on a 24 GB card with flash attention', () => {
    const p = only('llama-server -m Meta-Llama-3.1-8B-Instruct-Q4_K_M.gguf -c 131072 -ngl 99 -fa on\n').local!;
    assert.ok(p.fits);
    assert.ok(p.deviceTotalBytes > 20 * 1024 ** 3 && p.deviceTotalBytes < 21 * 1024 ** 3);
  });

  it('reads `-hf REPO:QUANT`, and a load that does not fit is a diagnostic on -c', () => {
    const text = 'llama-server -hf bartowski/Meta-Llama-3.1-70B-Instruct-GGUF:Q4_K_M -c 8192 -ngl 99\n';
    const p = only(text).local!;
    assert.strictEqual(p.fileType, 'Q4_K_M');
    assert.strictEqual(p.fits, false);
    const d = diagnose(analyzeDocument(parseConfig(text, 'shell'), { ...DEFAULT_OPTIONS, targetGpu: 'RTX 4090' })).find(x => x.code === SERVING_DOES_NOT_START)!;
    assert.strictEqual(text.slice(d.span.start, d.span.end), '-c 8192');
  });

  it("sliding-window layers keep only their window and a micro-batch (Gemma 3: 5 of 6 layers), unless --swa-full", () => {
    const base = 'llama-server -m gemma-3-12b-it-Q4_K_M.gguf -c 32768 -ngl 99';
    const swa = only(`${base}\n`).local!;
    const full = only(`${base} --swa-full\n`).local!;
    const perCell = 8 * 256 * 2 * 2;
    // 8 of 48 layers hold the 32,768 cells; 40 hold 1,024 + 512 padded to 1,536.
    assert.strictEqual(swa.kvCacheBytes, perCell * (8 * 32_768 + 40 * 1536));
    assert.strictEqual(full.kvCacheBytes, perCell * 48 * 32_768);
    assert.ok(Math.abs(ggufTensors(specOf('google/gemma-3-12b-it'), 'Q4_K_M').reduce((a, t) => a + t.bytes, 0) / 1e9 - 7.29) < 0.01, 'the vision tower ships in its own file');
  });

  it("llama-cpp-python's Llama(...): its own defaults (512 context, no GPU layers, no flash attention), and the published RTX 3070 load", () => {
    const cpu = only('from llama_cpp import Llama\nllm = Llama(model_path="Meta-Llama-3-8B-Instruct-Q4_K_M.gguf")\n', 'python').local!;
    assert.strictEqual(cpu.contextSize, 512);
    assert.strictEqual(cpu.gpuLayers, 0);
    assert.strictEqual(cpu.deviceModelBytes, 0);
    const gpu = only('from llama_cpp import Llama\nllm = Llama(model_path="Meta-Llama-3-8B-Instruct-Q4_K_M.gguf", n_gpu_layers=-1)\n', 'python', { targetGpu: 'RTX 3070' }).local!;
    assert.strictEqual((gpu.deviceModelBytes / MIB).toFixed(2), '4403.49');
    assert.strictEqual((gpu.computeBytes / MIB).toFixed(2), '258.50');
    assert.strictEqual(gpu.fileType, 'Q4_K_M');
  });

  it('knows file types by file name', () => {
    assert.strictEqual(ggufFileType('Meta-Llama-3.1-8B-Instruct-Q4_K_M.gguf'), 'Q4_K_M');
    assert.strictEqual(ggufFileType('qwen2.5-7b-instruct-iq4_xs.gguf'), 'IQ4_XS');
    assert.strictEqual(ggufFileType('model-Q8_0-00001-of-00002.gguf'), 'Q8_0');
    assert.strictEqual(ggufFileType('model.gguf'), undefined);
  });
});

describe('llama.cpp planner: MoE layers that are not all layers, and MLA', () => {
  it("places DeepSeek's experts on their MoE layers and its dense MLPs on the first three, all on the GPU with -ngl 99", () => {
    const p = only('llama-server -m DeepSeek-R1-Q4_K_M.gguf -c 8192 -ngl 99\n', 'shell', { targetGpu: 'H200' }).local!;
    // A Q4_K_M of DeepSeek-R1 is about 404 GB (376 GiB): all of it but the token embedding goes to the GPU.
    assert.ok(Math.abs(p.deviceModelBytes / 1024 ** 3 - 376) < 4, `${p.deviceModelBytes / 1024 ** 3} GiB on the GPU`);
    assert.ok(p.hostModelBytes < 1024 ** 3, 'the token embedding alone in host memory');
    assert.strictEqual(p.fits, false, 'more than one H200 holds');
    const tensors = ggufTensors(specOf('deepseek-ai/DeepSeek-V3'), 'Q4_K_M');
    assert.strictEqual(tensors.filter(t => t.role === 'other').length, 0, 'every tensor of a block belongs to its layer');
    const layerBytes = (i: number) => tensors.filter(t => t.role === 'layer' && t.layer === i).reduce((a, t) => a + t.bytes, 0);
    assert.ok(layerBytes(3) > 10 * layerBytes(2), 'layer 3 holds 256 experts, layer 2 a dense MLP');
  });

  it("interleaves Llama 4 Maverick's MoE layers (every second) with its dense ones", () => {
    const tensors = ggufTensors(specOf('meta-llama/Llama-4-Maverick-17B-128E'), 'Q4_K_M');
    const layerBytes = (i: number) => tensors.filter(t => t.role === 'layer' && t.layer === i).reduce((a, t) => a + t.bytes, 0);
    assert.ok(layerBytes(1) > 10 * layerBytes(0) && layerBytes(3) > 10 * layerBytes(2));
  });

  // ik_llama.cpp loading DeepSeek-R1 with a q8_0 latent cache at 32,768 cells printed "c^KV (q8_0): 1166.62 MiB"
  // (ikawrakow/ik_llama.cpp#259); llama.cpp's MLA cache is the same 576-wide row as K alone, V a view of it.
  it("caches MLA's latent and rope key alone: 576 values per layer and cell", () => {
    const q8 = only('llama-server -m DeepSeek-R1-Q2_K.gguf -c 32768 -ngl 99 -ctk q8_0\n', 'shell', { targetGpu: 'H200' }).local!;
    assert.strictEqual((q8.kvCacheBytes / MIB).toFixed(2), '1166.63');
    const f16 = only('llama-server -m DeepSeek-R1-Q2_K.gguf -c 32768 -ngl 99\n', 'shell', { targetGpu: 'H200' }).local!;
    assert.strictEqual(f16.kvCacheBytes, 32_768 * 61 * 576 * 2);
  });

  // llama.cpp loading a DeepSeek-R1 GGUF converted before its MLA cache printed, for every layer,
  // "n_embd_k_gqa = 24576, n_embd_v_gqa = 16384" (ggml-org/llama.cpp#11397): 128 heads of 192-wide keys and 128-wide values.
  it('a DeepSeek GGUF from before the MLA cache caches every head: 24,576 key and 16,384 value elements per layer and cell', () => {
    const spec = specOf('deepseek-ai/DeepSeek-V3');
    const options = { engine: 'llama.cpp' as const, fileType: 'Q2_K', contextSize: 4096, gpuLayers: 99 };
    const old = planLlamaCpp(spec, { ...options, cachesEveryHead: true }, findGpu('H200')!);
    assert.strictEqual(old.kvCacheBytes, 4096 * 61 * (24_576 + 16_384) * 2);
    assert.strictEqual(old.kvCacheBytes / MIB, 19_520);
    const latent = planLlamaCpp(spec, options, findGpu('H200')!);
    assert.strictEqual(latent.kvCacheBytes, 4096 * 61 * 576 * 2);
    assert.ok(old.assumptions.some(a => /converted before llama\.cpp cached MLA's latent .* all 128 heads, 80 KiB per token per layer, .* caches 1\.1 KiB \(71× less\)/.test(a)));
    assert.ok(!latent.assumptions.some(a => /converted before/.test(a)));
  });
});

describe('llama.cpp planner: experts in host memory (-ot, --n-cpu-moe, --cpu-moe)', () => {
  const qwen = (flags: string) => only(`llama-server -m Qwen3-235B-A22B-Instruct-2507-Q4_K_M.gguf -c 32768 -ngl 99 ${flags}\n`, 'shell', { targetGpu: 'RTX 4090' }).local!;

  it('-ot exps=CPU and --cpu-moe keep every routed expert in host memory; attention, KV and the rest stay on the GPU', () => {
    const all = qwen('');
    const ot = qwen('-ot ".ffn_.*_exps.=CPU"');
    const cpuMoe = qwen('--cpu-moe');
    assert.strictEqual(ot.deviceModelBytes, cpuMoe.deviceModelBytes);
    assert.strictEqual(ot.deviceModelBytes + ot.hostModelBytes, all.deviceModelBytes + all.hostModelBytes, 'the same tensors, moved');
    assert.ok(ot.deviceModelBytes < 0.05 * all.deviceModelBytes, `${ot.deviceModelBytes / 1024 ** 3} GiB left on the GPU`);
    assert.strictEqual(ot.kvDeviceBytes, all.kvDeviceBytes);
    assert.strictEqual(ot.fits, true);
    assert.ok(ot.assumptions.some(n => /of the offloaded layers' tensors \(the routed experts/.test(n)));
  });

  it('--n-cpu-moe N moves the first N layers\' experts; repeated -ot rules apply in order, the first match winning', () => {
    const all = qwen('');
    const none = qwen('--cpu-moe');
    const some = qwen('--n-cpu-moe 80');
    const experts = ggufTensors(specOf('Qwen/Qwen3-235B-A22B'), 'Q4_K_M').filter(t => t.name !== undefined && /_exps\./.test(t.name));
    const expertBytes = (keep: (layer: number) => boolean) => experts.filter(t => keep(t.layer!)).reduce((a, t) => a + t.bytes, 0);
    assert.strictEqual(all.deviceModelBytes - none.deviceModelBytes, expertBytes(() => true));
    assert.strictEqual(some.deviceModelBytes - none.deviceModelBytes, expertBytes(l => l >= 80), 'the last 14 layers keep theirs');
    const tenOnGpu = qwen('-ot "blk\\.(1[0-9])\\.ffn_.*=CUDA0" -ot exps=CPU');
    assert.strictEqual(tenOnGpu.deviceModelBytes - none.deviceModelBytes, expertBytes(l => l >= 10 && l <= 19), 'layers 10-19 keep their experts on CUDA0');
    const bad = only('llama-server -m Qwen3-235B-A22B-Instruct-2507-Q4_K_M.gguf -ot "exps=GPU"\n', 'shell');
    assert.ok(bad.problems.some(p => p.severity === 'error' && /must be PATTERN=BUFFER rules/.test(p.message)));
    // A repeated group that repeats can take exponential time on a name: refused, never run.
    const nested = only('llama-server -m Qwen3-235B-A22B-Instruct-2507-Q4_K_M.gguf -ot "(.*)*x=CPU"\n', 'shell');
    assert.ok(nested.problems.some(p => p.severity === 'error' && /without a repeated group that itself repeats/.test(p.message)));
  });

  it('offers --n-cpu-moe with the fewest layers whose experts in host memory let the rest fit, and the edit adds the flag', () => {
    const text = 'llama-server -m Qwen3-235B-A22B-Instruct-2507-Q4_K_M.gguf -c 32768 -ngl 99\n';
    const a = only(text, 'shell', { targetGpu: 'RTX 4090' });
    const fix = localFixes(a, findGpu('RTX 4090')!, text).find(f => f.kind === 'cpu-moe')!;
    assert.ok(fix, 'a --n-cpu-moe fix');
    const edited = text.slice(0, fix.edit!.span.start) + fix.edit!.newText + text.slice(fix.edit!.span.end);
    assert.match(edited, new RegExp(`--n-cpu-moe ${fix.value}`));
    assert.strictEqual(only(edited, 'shell', { targetGpu: 'RTX 4090' }).local!.fits, true);
    const fewer = edited.replace(`--n-cpu-moe ${fix.value}`, `--n-cpu-moe ${Number(fix.value) - 1}`);
    assert.strictEqual(only(fewer, 'shell', { targetGpu: 'RTX 4090' }).local!.fits, false, 'one layer fewer does not fit');
  });
});

describe('llama.cpp planner: the vision projector', () => {
  const gemma = (command: string) => only(`${command}\n`, 'shell', { targetGpu: 'RTX 4090' }).local!;

  // ggml-org's mmproj-model-f16.gguf for Gemma 3 4B is 851 MB: its SigLIP tower and projector in F16.
  it('--mmproj, and -hf for a model with a vision tower, load the projector on the GPU; --no-mmproj and --no-mmproj-offload do not', () => {
    const text = gemma('llama-server -m gemma-3-4b-it-Q4_K_M.gguf -c 8192');
    const withProjector = gemma('llama-server -m gemma-3-4b-it-Q4_K_M.gguf --mmproj mmproj-model-f16.gguf -c 8192');
    const projector = withProjector.deviceModelBytes - text.deviceModelBytes;
    assert.ok(Math.abs(projector / 1e6 - 851) / 851 < 0.03, `${projector / 1e6} MB`);
    assert.strictEqual(gemma('llama-server -hf ggml-org/gemma-3-4b-it-GGUF:Q4_K_M -c 8192').deviceModelBytes, withProjector.deviceModelBytes);
    assert.strictEqual(gemma('llama-server -hf ggml-org/gemma-3-4b-it-GGUF:Q4_K_M -c 8192 --no-mmproj').deviceModelBytes, text.deviceModelBytes);
    const onHost = gemma('llama-server -m gemma-3-4b-it-Q4_K_M.gguf --mmproj mmproj-model-f16.gguf --no-mmproj-offload -c 8192');
    assert.strictEqual(onHost.deviceModelBytes, text.deviceModelBytes);
    assert.strictEqual(onHost.hostModelBytes - text.hostModelBytes, projector);
    const q8 = gemma('llama-server -m gemma-3-4b-it-Q4_K_M.gguf --mmproj mmproj-Q8_0.gguf -c 8192');
    assert.ok(q8.deviceModelBytes - text.deviceModelBytes < 0.6 * projector, 'a Q8_0 projector is about half');
    assert.strictEqual(gemma('llama-server -hf ggml-org/Qwen2.5-7B-Instruct-GGUF:Q4_K_M -c 8192').assumptions.some(n => /vision projector/.test(n)), false, 'no tower, no projector');
  });
});

describe("llama.cpp planner: -hf's default file and unsloth's dynamic quants", () => {
  it('-hf REPO without a tag plans the Q4_K_M file, as llama.cpp picks it', () => {
    const untagged = only('llama-server -hf ggml-org/Qwen2.5-7B-Instruct-GGUF -c 8192\n').local!;
    const tagged = only('llama-server -hf ggml-org/Qwen2.5-7B-Instruct-GGUF:Q4_K_M -c 8192\n').local!;
    assert.strictEqual(untagged.fileType, 'Q4_K_M');
    assert.strictEqual(untagged.deviceModelBytes, tagged.deviceModelBytes);
  });

  it('UD-Q4_K_XL (a file name or an -hf tag) resolves its model and is laid out as Q4_K_M, with a warning that says so', () => {
    for (const command of ['llama-server -m Qwen3-30B-A3B-Instruct-2507-UD-Q4_K_XL.gguf -c 8192\n', 'llama-server -hf unsloth/Qwen3-30B-A3B-Instruct-2507-GGUF:Q4_K_XL -c 8192\n']) {
      const a = only(command);
      assert.strictEqual(a.config.name, 'Qwen/Qwen3-30B-A3B-Instruct-2507');
      assert.strictEqual(a.local!.fileType, 'Q4_K_M');
      assert.ok(a.problems.some(p => p.severity === 'warning' && /unsloth's dynamic quant.*lays it out as Q4_K_M/.test(p.message)), command);
    }
    assert.strictEqual(only('llama-server -m Qwen3-30B-A3B-Instruct-2507-Q4_K_M.gguf -c 8192\n').problems.length, 0, 'a plain file type, no warning');
  });
});

describe('Ollama', () => {
  it('knows library names and tags, and multiplies num_ctx by OLLAMA_NUM_PARALLEL', () => {
    assert.deepStrictEqual(ollamaModel('llama3.1:8b'), { id: 'meta-llama/Llama-3.1-8B', fileType: 'Q4_K_M' });
    assert.deepStrictEqual(ollamaModel('qwen2.5:7b-instruct-q8_0'), { id: 'Qwen/Qwen2.5-7B', fileType: 'Q8_0' });
    assert.strictEqual(ollamaModel('no-such-model:7b'), undefined);
    const one = only('export OLLAMA_CONTEXT_LENGTH=8192\nollama run llama3.1:8b\n').local!;
    const four = only('export OLLAMA_CONTEXT_LENGTH=8192\nOLLAMA_NUM_PARALLEL=4 ollama run llama3.1:8b\n').local!;
    assert.strictEqual(one.engine, 'ollama');
    assert.strictEqual(one.contextSize, 8192);
    assert.strictEqual(four.kvCacheBytes, 4 * one.kvCacheBytes);
  });

  it('offloads as many layers as fit, and says the rest run on the CPU (an information diagnostic, with fixes)', () => {
    const text = 'ollama run llama3.1:70b\n';
    const p = only(text).local!;
    assert.ok(p.gpuLayers > 0 && p.gpuLayers < p.layers, `${p.gpuLayers}`);
    assert.strictEqual(p.fits, true, 'it loads');
    assert.match(p.note ?? '', /^Ollama offloads \d+ of 80 layers to the RTX 4090; the rest run on the CPU/);
    const d = diagnose(analyzeDocument(parseConfig(text, 'shell'), { ...DEFAULT_OPTIONS, targetGpu: 'RTX 4090' })).find(x => x.code === 'serving-fitted')!;
    assert.strictEqual(d.severity, 'info');
  });

  it("llama.cpp without -c takes the model's training context, and --fit shrinks it to keep every layer on the GPU", () => {
    const full = only('llama-server -m Meta-Llama-3.1-8B-Instruct-Q4_K_M.gguf -ngl 99\n').local!;
    assert.strictEqual(full.contextSize, 131_072);
    assert.strictEqual(full.note, undefined);
    const small = only('llama-server -m Meta-Llama-3.1-8B-Instruct-Q4_K_M.gguf -ngl 99\n', 'shell', { targetGpu: 'RTX 4060' }).local!;
    assert.ok(small.fits && small.contextSize >= 4096 && small.contextSize < 131_072, `${small.contextSize}`);
    assert.match(small.note ?? '', /^llama\.cpp's --fit shrinks the context from the model's 131,072 to [\d,]+ so every layer stays on the RTX 4060\.$/);
    const off = only('llama-server -m Meta-Llama-3.1-8B-Instruct-Q4_K_M.gguf -ngl 99 --fit off\n', 'shell', { targetGpu: 'RTX 4060' }).local!;
    assert.strictEqual(off.fits, false);
  });
});

describe('GGUF header', () => {
  it('reads metadata and tensor infos, asks for more bytes when cut, and refuses what is not a header', () => {
    const file = tinyLlamaGguf();
    const header = readGgufHeader(file);
    assert.ok(!('error' in header));
    assert.strictEqual(header.metadata.get('general.architecture'), 'llama');
    assert.deepStrictEqual(header.metadata.get('tokenizer.ggml.tokens'), { arrayLength: 512 });
    assert.strictEqual(header.tensors.length, 21);
    assert.strictEqual(header.tensors.find(t => t.name === 'output.weight')!.bytes, (256 * 512 * 210) / 256);
    const cut = readGgufHeader(file.subarray(0, 200));
    assert.ok('error' in cut && cut.needMore);
    assert.ok('error' in readGgufHeader(new TextEncoder().encode('not a gguf file at all')));
    const hostile = readGgufHeader(ggufBytes({}, [], 10n ** 15n));
    assert.ok('error' in hostile && /more than any model/.test(hostile.error));
  });

  it("a local .gguf is read by its header: the CLI plans with its exact tensor types", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vram-gguf-'));
    fs.writeFileSync(path.join(dir, 'tiny-model.gguf'), tinyLlamaGguf());
    const script = path.join(dir, 'serve.sh');
    fs.writeFileSync(script, 'llama-server -m ./tiny-model.gguf -c 1024 -ngl 99\n');
    let out = '';
    assert.strictEqual(await main([script, '--json', '--gpu', 'RTX 4090'], s => (out += s), () => undefined), 0);
    const config = JSON.parse(out).files[0].configs[0];
    const s = config.serving;
    for (const k of ['engine', 'deviceModelBytes', 'hostModelBytes', 'kvCacheBytes', 'computeBytes', 'deviceTotalBytes', 'hostTotalBytes', 'fits', 'reason']) {
      assert.ok(k in s, k);
    }
    assert.strictEqual(s.engine, 'llama.cpp');
    assert.strictEqual(s.fileType, 'Q4_K_M');
    // The header's types: token_embd Q4_K on the host, everything else (layers, norm, Q6_K head) on the GPU.
    assert.strictEqual(s.hostModelBytes, (256 * 512 * 144) / 256);
    const layer = (256 * 256 * 144 + 256 * 128 * 144 + 256 * 128 * 210 + 256 * 256 * 144 + 2 * 256 * 512 * 144 + 512 * 256 * 210) / 256 + 2 * 256 * 4;
    assert.strictEqual(s.deviceModelBytes, 2 * layer + 256 * 4 + (256 * 512 * 210) / 256);
    assert.strictEqual(s.kvCacheBytes, 1024 * 2 * 2 * 64 * 2 * 2);
    assert.ok(config.assumptions.some((a: string) => /GGUF header's tensor types/.test(a)));
  });

  it("a local DeepSeek GGUF is read by its header as the MLA model it is, and its cache by how it was converted", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vram-gguf-'));
    const plan = async (latentCache: boolean) => {
      fs.writeFileSync(path.join(dir, 'tiny-deepseek.gguf'), tinyDeepseekGguf(latentCache));
      const script = path.join(dir, 'serve.sh');
      fs.writeFileSync(script, 'llama-server -m ./tiny-deepseek.gguf -c 1024 -ngl 99\n');
      let out = '';
      assert.strictEqual(await main([script, '--json', '--gpu', 'RTX 4090'], s => (out += s), () => undefined), 0);
      return JSON.parse(out).files[0].configs[0];
    };
    const current = await plan(true);
    const before = await plan(false);
    // The fixture's tensors, summed: the model as DeepseekV3 builds it from the header's keys counts them all.
    const attention = 2 * (256 * 4 * 48 + 256 * 80 + 64 * 4 * 64 + 4 * 32 * 256);
    const dense = 3 * 256 * 512;
    const experts = 3 * 256 * 64 * 4 + 3 * 256 * 64 + 256 * 4;
    const norms = 2 * (256 + 64 + 256) + 256;
    for (const config of [current, before]) {
      assert.match(config.architecture, /DeepSeek-V3/);
      assert.strictEqual(config.parameters.total, 2 * 256 * 512 + attention + dense + experts + norms);
      assert.strictEqual(config.parameters.breakdown.experts, experts);
    }
    // Current conversions cache the 64-wide latent and 16-wide rope key; older ones every head's 48-wide keys and 32-wide values.
    assert.strictEqual(current.serving.kvCacheBytes, 1024 * 2 * (64 + 16) * 2);
    assert.strictEqual(before.serving.kvCacheBytes, 1024 * 2 * 4 * (48 + 32) * 2);
    assert.ok(before.assumptions.some((a: string) => /converted before llama\.cpp cached MLA's latent \(its header has no key_length_mla\)/.test(a)));
    assert.ok(!current.assumptions.some((a: string) => /converted before/.test(a)));
    // A deepseek2 header without the latent's rank, or with keys no wider than their rope part, is not read as a model.
    const header = (extra: Record<string, { type: 'u32'; value: number }>) => {
      const h = readGgufHeader(ggufBytes({
        'general.architecture': { type: 'str', value: 'deepseek2' }, 'deepseek2.block_count': { type: 'u32', value: 2 }, 'deepseek2.embedding_length': { type: 'u32', value: 256 },
        'deepseek2.attention.head_count': { type: 'u32', value: 4 }, 'deepseek2.vocab_size': { type: 'u32', value: 512 }, 'deepseek2.rope.dimension_count': { type: 'u32', value: 16 },
        'deepseek2.attention.key_length': { type: 'u32', value: 48 }, 'deepseek2.attention.value_length': { type: 'u32', value: 32 }, ...extra,
      }, []));
      assert.ok(!('error' in h));
      return ggufConfig(h);
    };
    assert.strictEqual(header({}), undefined);
    assert.strictEqual(header({ 'deepseek2.attention.kv_lora_rank': { type: 'u32', value: 64 }, 'deepseek2.attention.key_length': { type: 'u32', value: 16 } }), undefined);
    assert.strictEqual(header({ 'deepseek2.attention.kv_lora_rank': { type: 'u32', value: 64 } })?.qk_nope_head_dim, 32);
  });
});
