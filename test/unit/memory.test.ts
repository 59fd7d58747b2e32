import * as assert from 'assert';
import { sensitivities } from '../../src/core/advise';
import { DEFAULT_OPTIONS, runSettingsFor } from '../../src/core/analyze';
import { activationBytesPerLayer, GIB, kvCacheBytes, lossBytes, lossBytesPerLogit, MIB, OFFLOAD_STASH } from '../../src/core/memory';
import type { ModelSpec } from '../../src/core/types';
import { onlyConfig, readReference } from './helpers';

const llama = () => readReference('configs/json/llama-2-7b-chat-hf.config.json');
const P_LLAMA = 6_738_415_616;

describe('inference memory', () => {
  it('Llama-2-7B in bfloat16 holds 2 bytes per parameter of weights', () => {
    const est = onlyConfig(llama()).estimate!;
    assert.strictEqual(est.inference.components.weights, 2 * P_LLAMA);
  });

  it('Llama-2-7B KV cache at 4,096 tokens, batch 1, bf16 is exactly 2 GiB (2·32 layers·32 heads·128·4096·2 B)', () => {
    const est = onlyConfig(llama(), { sequenceLength: 4096 }).estimate!;
    assert.strictEqual(est.inference.components.kvCache, 2 * GIB);
  });

  it('grouped-query attention shrinks the cache by heads / KV heads (Mixtral: 8 KV heads of 32)', () => {
    const mixtral = onlyConfig(readReference('configs/json/mixtral-8x7b-v0.1.config.json'), { sequenceLength: 4096 });
    assert.strictEqual(mixtral.estimate!.inference.components.kvCache, (2 * GIB) / 4);
  });

  it('the KV cache grows linearly with batch and context', () => {
    const spec = onlyConfig(llama()).spec!;
    const base = kvCacheBytes(spec, runSettingsFor(spec, { ...DEFAULT_OPTIONS, sequenceLength: 1000 }));
    const both = kvCacheBytes(spec, runSettingsFor(spec, { ...DEFAULT_OPTIONS, sequenceLength: 2000, batchSize: 3 }));
    assert.strictEqual(both, 6 * base);
  });

  it('an encoder-only model (BERT) has no KV cache', () => {
    const est = onlyConfig(readReference('configs/json/bert-base-uncased.config.json')).estimate!;
    assert.strictEqual(est.inference.components.kvCache, 0);
  });

  it('nvidia-smi level = allocated + allocator reserve + CUDA context', () => {
    const est = onlyConfig(llama(), { cudaOverheadMiB: 700 }).estimate!;
    const c = est.inference.components;
    assert.strictEqual(c.cudaContext, 700 * MIB);
    assert.strictEqual(est.inference.allocatedBytes, c.weights + c.kvCache + c.activations);
    assert.strictEqual(est.inference.peakBytes, est.inference.allocatedBytes + c.allocatorReserve + c.cudaContext);
  });

  it('allocated memory counts PyTorch\'s cuBLAS workspace on the target: 32 MiB on Hopper, 8.125 MiB before it', () => {
    const on = (targetGpu: string) => onlyConfig(llama(), { targetGpu }).estimate!;
    const hopper = on('H100 80GB');
    const ada = on('RTX 4090');
    const delta = 32 * MIB - (4096 * 1024 * 2 + 16 * 1024 * 8);
    assert.strictEqual(hopper.inference.allocatedBytes - ada.inference.allocatedBytes, delta);
    assert.strictEqual(hopper.training.allocatedBytes - ada.training.allocatedBytes, delta);
    assert.ok(hopper.assumptions.some(a => /cuBLAS workspace on the target GPU \(32 MiB\)/.test(a)));
  });
});

describe('training memory', () => {
  it('bf16-mixed AdamW keeps 4 B weights + 4 B gradients + 8 B optimizer states per parameter', () => {
    const c = onlyConfig(llama()).estimate!.training.components;
    assert.strictEqual(c.weights, 4 * P_LLAMA);
    assert.strictEqual(c.gradients, 4 * P_LLAMA);
    assert.strictEqual(c.optimizer, 8 * P_LLAMA);
  });

  it('bf16-true halves weights, gradients and AdamW states (8 B per parameter)', () => {
    const c = onlyConfig(llama(), { precision: 'bf16-true' }).estimate!.training.components;
    assert.strictEqual(c.weights + c.gradients + c.optimizer, 8 * P_LLAMA);
  });

  it('SGD keeps one state and 8-bit AdamW two bytes per parameter', () => {
    assert.strictEqual(onlyConfig(llama(), { optimizer: 'sgd' }).estimate!.training.components.optimizer, 4 * P_LLAMA);
    assert.strictEqual(onlyConfig(llama(), { optimizer: 'adamw-8bit' }).estimate!.training.components.optimizer, 2 * P_LLAMA);
  });

  it('a 16-bit GPT block reproduces Korthikanti et al. sbh·34 + as²b·5, with the fp32 softmax HF keeps (+2 as²b)', () => {
    const spec: ModelSpec = {
      ...onlyConfig(readReference('configs/json/bloom-176b.config.json')).spec!,
      hiddenSize: 1024, numHeads: 16, numKvHeads: 16, headDim: 64, intermediateSize: 4096, dropout: true,
    };
    const settings = { ...runSettingsFor(spec, DEFAULT_OPTIONS), precision: 'bf16-true' as const, attention: 'eager' as const, batchSize: 2 };
    const s = 512, b = 2, h = 1024, a = 16;
    const bytes = activationBytesPerLayer(spec, settings, b * s);
    assert.strictEqual(bytes, s * b * h * 34 + 7 * a * s * s * b);
  });

  it('SDPA drops the s² attention term, so long sequences cost far less than eager attention', () => {
    const eager = onlyConfig(llama(), { attention: 'eager', sequenceLength: 4096 }).estimate!.training.components.activations;
    const sdpa = onlyConfig(llama(), { attention: 'sdpa', sequenceLength: 4096 }).estimate!.training.components.activations;
    assert.ok(sdpa < eager / 2, `sdpa ${sdpa} vs eager ${eager}`);
  });

  it('gradient checkpointing never increases the training peak, and shrinks activations', () => {
    for (const batchSize of [1, 4, 16]) {
      const off = onlyConfig(llama(), { batchSize }).estimate!.training;
      const on = onlyConfig(llama(), { batchSize, checkpointing: 'full' }).estimate!.training;
      assert.ok(on.allocatedBytes <= off.allocatedBytes);
      assert.ok(on.components.activations < off.components.activations);
    }
  });

  it('training peak grows with batch size, and is at least weights + gradients + optimizer states', () => {
    let previous = 0;
    for (const batchSize of [1, 2, 4, 8]) {
      const t = onlyConfig(llama(), { batchSize }).estimate!.training;
      assert.ok(t.allocatedBytes >= previous);
      assert.ok(t.allocatedBytes >= t.components.weights + t.components.gradients + t.components.optimizer);
      previous = t.allocatedBytes;
    }
  });

  it('the fp32 loss buffers (12 bytes per logit) dominate small-model training with a large vocabulary', () => {
    // Gemma-2B: 256,000-token vocabulary; at 2,048 tokens the loss alone holds 12·2048·256000 bytes (5.9 GiB).
    const est = onlyConfig(readReference('configs/json/gemma-2b-it.config.json'), { sequenceLength: 2048 }).estimate!;
    assert.strictEqual(lossBytes(onlyConfig(readReference('configs/json/gemma-2b-it.config.json')).spec!, 2048, {}), 12 * 2048 * 256000);
    assert.ok(est.training.components.activations > 12 * 2048 * 256000);
  });

  it('torchtune\'s losses hold 12, 6 or 5.25 bytes per logit eager, and compiled 10, or 2.25 where the upcast is inside the fused loss', () => {
    assert.deepStrictEqual(
      [undefined, 'cross-entropy', 'chunked-output', 'linear-chunked'].map(l => [lossBytesPerLogit(l as never, false), lossBytesPerLogit(l as never, true)]),
      [[12, 10], [12, 10], [6, 2.25], [5.25, 2.25]],
    );
  });

  it('compiled, a layer keeps neither the norms\' fp32 copies nor the MLP activation (Llama-2-7B, bf16, 4,096 tokens)', () => {
    const spec = onlyConfig(llama()).spec!;
    const settings = runSettingsFor(spec, { ...DEFAULT_OPTIONS, precision: 'bf16-true', sequenceLength: 4096 });
    const eager = activationBytesPerLayer(spec, settings, 4096);
    const compiled = activationBytesPerLayer(spec, { ...settings, compiled: true }, 4096);
    // Two RMSNorms: an fp32 upcast (4 bytes) each; the SiLU output: 2 bytes per intermediate element.
    assert.strictEqual(eager - compiled, 4096 * (2 * 4 * 4096 + 2 * 11008));
  });

  it('optimizer in backward holds one gradient at a time (the largest tensor\'s), and offloading keeps only the stash of layer inputs', () => {
    const spec = onlyConfig(llama()).spec!;
    const options = { ...DEFAULT_OPTIONS, precision: 'bf16-true' as const, sequenceLength: 2048, checkpointing: 'full' as const, fusedOptimizer: true };
    const base = onlyConfig(llama(), options).estimate!.training;
    const inBackward = onlyConfig(llama(), { ...options, optimizerInBackward: true }).estimate!.training;
    // Llama-2-7B's largest tensors are its 32,000 × 4,096 embedding and head, 2 bytes per gradient in bf16.
    assert.strictEqual(inBackward.components.gradients, 32000 * 4096 * 2);
    assert.strictEqual(base.components.gradients, P_LLAMA * 2);
    assert.ok(inBackward.allocatedBytes < base.allocatedBytes);
    const offloaded = onlyConfig(llama(), { ...options, activationOffloading: true }).estimate!.training;
    // 31 checkpointed layer inputs on the GPU become OFFLOAD_STASH: 2 bytes × 2,048 tokens × 4,096 each.
    assert.strictEqual(base.components.activations - offloaded.components.activations, (31 - OFFLOAD_STASH) * 2 * 2048 * 4096);
    assert.strictEqual(spec.numLayers, 32);
  });

  it('MLX 4-bit weights: 4.5 bits per weight for every linear layer and the embedding, norms in 16 bits', () => {
    const spec = onlyConfig(llama()).spec!;
    const est = onlyConfig(llama(), { quantization: 'mlx-q4' }).estimate!;
    const norms = est.parameters.norms;
    assert.strictEqual(est.inference.components.weights, Math.round(((P_LLAMA - norms) * 4.5) / 8 + norms * 2));
    assert.strictEqual(spec.vocabSize, 32000);
  });
});

describe("a checkpoint's quantization_config sets its weights as shipped", () => {
  // Llama-2-7B's shapes: 32 layers of 4 × 4096² attention and 3 × 4096 × 11008 MLP matrices; the embedding and head
  // (32,000 × 4,096 each) and the norms stay in 16 bits.
  const base = JSON.parse(readReference('configs/json/llama-2-7b-chat-hf.config.json'));
  const linear = 32 * (4 * 4096 * 4096 + 3 * 4096 * 11008);
  const rest = P_LLAMA - linear;
  const weightsWith = (quantization_config: unknown) => onlyConfig(JSON.stringify({ ...base, quantization_config })).estimate!;

  it('FP8 in 128 × 128 blocks (DeepSeek-V3, Qwen3-FP8): one byte per weight and an fp32 scale per block', () => {
    const est = weightsWith({ activation_scheme: 'dynamic', fmt: 'e4m3', quant_method: 'fp8', weight_block_size: [128, 128] });
    const blocks = 32 * (4 * 32 * 32 + 3 * 32 * 86); // 4096/128 = 32; 11008/128 = 86
    assert.strictEqual(est.inference.components.weights, linear + 4 * blocks + 2 * rest);
    assert.strictEqual(est.settings.quantization, 'fp8-block');
    assert.ok(est.assumptions.some(a => /quantization \(as the checkpoint ships it\) \(`quantization_config`\)/.test(a)));
  });

  it('compressed-tensors: FP8 per channel, W8A8 int8, W4A16 in groups of 128', () => {
    const scheme = (weights: Record<string, unknown>) => ({ quant_method: 'compressed-tensors', format: 'float-quantized', config_groups: { group_0: { targets: ['Linear'], weights } }, ignore: ['lm_head'] });
    const rows = 32 * (4 * 4096 + 2 * 11008 + 4096); // output channels: q, k, v, o; gate, up; down
    const fp8 = weightsWith(scheme({ num_bits: 8, type: 'float', strategy: 'channel', symmetric: true }));
    assert.strictEqual(fp8.inference.components.weights, linear + 2 * rows + 2 * rest);
    assert.strictEqual(weightsWith(scheme({ num_bits: 8, type: 'int', strategy: 'channel' })).settings.quantization, 'int8-channel');
    const w4 = weightsWith(scheme({ num_bits: 4, type: 'int', strategy: 'group', group_size: 128, symmetric: true }));
    assert.strictEqual(w4.inference.components.weights, linear / 2 + (linear / 128) * 2 + 2 * rest);
  });

  it('NVFP4 (compressed-tensors tensor_group of 16, or a ModelOpt export): 4 bits a weight, an FP8 scale per 16, an fp32 scale per tensor', () => {
    const scheme = { quant_method: 'compressed-tensors', format: 'nvfp4-pack-quantized', config_groups: { group_0: { targets: ['Linear'], weights: { num_bits: 4, type: 'float', strategy: 'tensor_group', group_size: 16, symmetric: true } } }, ignore: ['lm_head'] };
    const nvfp4 = weightsWith(scheme);
    // Llama-2-7B's 32 layers of 7 linear tensors each.
    assert.strictEqual(nvfp4.inference.components.weights, linear / 2 + linear / 16 + 4 * 32 * 7 + 2 * rest);
    assert.strictEqual(weightsWith({ quant_method: 'modelopt', quant_algo: 'NVFP4' }).settings.quantization, 'nvfp4');
    assert.strictEqual(weightsWith({ quant_method: 'modelopt', quant_algo: 'FP8' }).settings.quantization, 'fp8-tensor');
  });

  it('bitsandbytes re-saves, GPTQ and AWQ read as their formats; a format VRAM Lens cannot count is a warning, not a number', () => {
    assert.strictEqual(weightsWith({ quant_method: 'bitsandbytes', load_in_4bit: true, bnb_4bit_quant_type: 'nf4', bnb_4bit_use_double_quant: true }).settings.quantization, 'nf4-dq');
    assert.strictEqual(weightsWith({ quant_method: 'bitsandbytes', load_in_8bit: true }).settings.quantization, 'int8');
    const gptq = weightsWith({ quant_method: 'gptq', bits: 4, group_size: 32, desc_act: false });
    assert.deepStrictEqual([gptq.settings.quantization, gptq.settings.quantGroupSize], ['gptq-int4', 32]);
    assert.strictEqual(weightsWith({ quant_method: 'awq', bits: 4, group_size: 128, zero_point: true, version: 'gemm' }).settings.quantization, 'awq-int4');
    const unknown = onlyConfig(JSON.stringify({ ...base, quantization_config: { quant_method: 'eetq', weights: 'int8' } }));
    assert.strictEqual(unknown.estimate!.settings.quantization, undefined);
    assert.ok(unknown.problems.some(p => p.severity === 'warning' && /quant_method "eetq"\) is not one VRAM Lens reads/.test(p.message)));
  });

  it("T5 keeps its FFN output projections (wo) in float32 under bitsandbytes and in float16, as transformers loads it, not in bfloat16", () => {
    // FLUX.1's T5-XXL encoder as an NF4 re-save: 24 layers; wo is 10,240 × 4,096 per layer. Its checkpoint holds
    // 6,328,582,592 bytes (model.safetensors.index.json); the other linears in NF4 with an fp32 absmax per 64.
    const t5 = { architectures: ['T5EncoderModel'], d_ff: 10240, d_kv: 64, d_model: 4096, feed_forward_proj: 'gated-gelu', model_type: 't5', num_heads: 64, num_layers: 24, vocab_size: 32128 };
    const wo = 24 * 10240 * 4096;
    const nf4 = onlyConfig(JSON.stringify({ ...t5, quantization_config: { quant_method: 'bitsandbytes', load_in_4bit: true, bnb_4bit_quant_type: 'nf4' } })).estimate!;
    const quantized = 4762310656 - wo - 32128 * 4096 - (24 * 2 + 1) * 4096 - 32 * 64;
    assert.strictEqual(nf4.inference.components.weights, 4 * wo + quantized / 2 + (quantized / 64) * 4 + 2 * (4762310656 - wo - quantized));
    assert.ok(Math.abs(nf4.inference.components.weights - 6_328_582_592) / 6_328_582_592 < 1e-5);
    assert.ok(nf4.assumptions.some(a => /kept in float32: the FFN output projections \(`wo`\)/.test(a)));
    const fp16 = onlyConfig(JSON.stringify(t5), { precision: '16-mixed' }).estimate!;
    const bf16 = onlyConfig(JSON.stringify(t5), { precision: 'bf16-mixed' }).estimate!;
    assert.deepStrictEqual([fp16.inference.components.weights - bf16.inference.components.weights, bf16.inference.components.weights], [2 * wo, 2 * 4762310656]);
  });

  it("a quantization_config that leaves the vision tower out (llm_int8_skip_modules, compressed-tensors' ignore) keeps it in 16 bits, and says so", () => {
    // Molmo-7B-D as an NF4 re-save skipping model.vision_backbone: its checkpoint holds 6,661,964,712 bytes.
    const molmo = { architectures: ['MolmoForCausalLM'], embedding_size: 152064, hidden_size: 3584, intermediate_size: 37888, model_type: 'molmo', num_attention_heads: 28, num_hidden_layers: 28, num_key_value_heads: 4, qkv_bias: true, tie_word_embeddings: false, vocab_size: 152064 };
    const bnb = { quant_method: 'bitsandbytes', load_in_4bit: true, bnb_4bit_quant_type: 'nf4', llm_int8_skip_modules: ['model.vision_backbone', 'model.transformer.ff_out', 'model.transformer.ln_f'] };
    const skipped = onlyConfig(JSON.stringify({ ...molmo, quantization_config: bnb })).estimate!;
    const quantized = onlyConfig(JSON.stringify({ ...molmo, quantization_config: { ...bnb, llm_int8_skip_modules: ['model.transformer.ff_out'] } })).estimate!;
    assert.ok(Math.abs(skipped.inference.components.weights - 6_661_964_712) / 6_661_964_712 < 1e-5);
    assert.ok(skipped.inference.components.weights - quantized.inference.components.weights > 500e6);
    assert.ok(skipped.assumptions.some(a => /vision tower and its projector, which the checkpoint's quantization_config leaves out/.test(a)));
    const ignore = (list: string[]) => ({ quant_method: 'compressed-tensors', config_groups: { group_0: { targets: ['Linear'], weights: { num_bits: 8, type: 'float', strategy: 'channel' } } }, ignore: list });
    const fp8 = (list: string[]) => onlyConfig(JSON.stringify({ ...molmo, quantization_config: ignore(list) })).estimate!.inference.components.weights;
    assert.ok(fp8(['lm_head', 're:.*vision_backbone.*']) > fp8(['lm_head']));
  });

  it("HQQ (transformers' HqqConfig): nbits and group_size as saved, a 16-bit scale and zero per group; quantized metadata is a warning", () => {
    const hqq = weightsWith({ quant_method: 'hqq', quant_config: { weight_quant_params: { nbits: 4, group_size: 64, axis: 1, view_as_float: false }, scale_quant_params: null, zero_quant_params: null, offload_meta: false }, skip_modules: ['lm_head'] });
    assert.deepStrictEqual([hqq.settings.quantization, hqq.settings.quantGroupSize], ['hqq-4', 64]);
    assert.strictEqual(hqq.inference.components.weights, linear / 2 + (linear / 64) * 4 + 2 * rest);
    // 3 bits pack ten to a 32-bit word; an older save writes nbits directly under quant_config.
    assert.strictEqual(weightsWith({ quant_method: 'hqq', quant_config: { nbits: 3, group_size: 64 } }).inference.components.weights, Math.round(linear * 0.4 + (linear / 64) * 4 + 2 * rest));
    const metadata = onlyConfig(JSON.stringify({ ...base, quantization_config: { quant_method: 'hqq', quant_config: { weight_quant_params: { nbits: 4 }, scale_quant_params: { nbits: 8 } } } }));
    assert.ok(metadata.problems.some(p => p.severity === 'warning' && /HQQ with quantized scales or zeros/.test(p.message)));
  });
});

describe('state-space models: a recurrent state in place of the KV cache', () => {
  // state-spaces/mamba-130m-hf's config.json values: 129,135,360 parameters.
  const mamba = '{"architectures": ["MambaForCausalLM"], "conv_kernel": 4, "expand": 2, "hidden_size": 768, "intermediate_size": 1536, "model_type": "mamba", "num_hidden_layers": 24, "state_size": 16, "time_step_rank": 48, "use_bias": false, "use_conv_bias": true, "vocab_size": 50280}';

  it('Mamba: its mixer tensors, exact; a state of layers × channels × (window + state) per sequence, whatever its length', () => {
    const short = onlyConfig(mamba, { sequenceLength: 1024, batchSize: 2 }).estimate!;
    const long = onlyConfig(mamba, { sequenceLength: 65536, batchSize: 2 }).estimate!;
    assert.strictEqual(short.parameters.total, 129_135_360);
    assert.strictEqual(short.inference.components.kvCache, 2 * 24 * 1536 * (4 + 16) * 2);
    assert.strictEqual(long.inference.components.kvCache, short.inference.components.kvCache);
    assert.ok(short.assumptions.some(a => /^State-space model \(Mamba\): no KV cache/.test(a)));
  });

  it("Mamba2 (mistralai/Mamba-Codestral-7B-v0.1's config.json): its multi-head mixer, 7,285,403,648 parameters as published; its state per sequence", () => {
    const e = onlyConfig('{"architectures": ["Mamba2ForCausalLM"], "bos_token_id": 0, "chunk_size": 256, "conv_kernel": 4, "eos_token_id": 0, "expand": 2, "head_dim": 64, "hidden_act": "silu", "hidden_size": 4096, "initializer_range": 0.1, "layer_norm_epsilon": 1e-05, "model_type": "mamba2", "n_groups": 8, "norm_before_gate": true, "num_heads": 128, "num_hidden_layers": 64, "pad_token_id": 0, "rescale_prenorm_residual": false, "residual_in_fp32": true, "rms_norm": true, "state_size": 128, "tie_word_embeddings": false, "time_step_floor": 0.0001, "time_step_max": 0.1, "time_step_min": 0.001, "time_step_rank": 256, "transformers_version": "4.44.0.dev0", "use_bias": false, "use_cache": true, "use_conv_bias": true, "vocab_size": 32768}', { batchSize: 1 }).estimate!;
    assert.strictEqual(e.parameters.total, 7_285_403_648);
    // 64 layers × (a 4-step window over x, B and C: 8,192 + 2 × 8 × 128 channels; 128 heads × 64 × 128 state values), bf16.
    assert.strictEqual(e.inference.components.kvCache, 64 * ((8192 + 2 * 8 * 128) * 4 + 8192 * 128) * 2);
    assert.ok(e.assumptions.some(a => /^State-space model \(Mamba2\): no KV cache/.test(a)));
    const wrong = onlyConfig(JSON.stringify({ ...JSON.parse('{"architectures": ["Mamba2ForCausalLM"], "bos_token_id": 0, "chunk_size": 256, "conv_kernel": 4, "eos_token_id": 0, "expand": 2, "head_dim": 64, "hidden_act": "silu", "hidden_size": 4096, "initializer_range": 0.1, "layer_norm_epsilon": 1e-05, "model_type": "mamba2", "n_groups": 8, "norm_before_gate": true, "num_heads": 128, "num_hidden_layers": 64, "pad_token_id": 0, "rescale_prenorm_residual": false, "residual_in_fp32": true, "rms_norm": true, "state_size": 128, "tie_word_embeddings": false, "time_step_floor": 0.0001, "time_step_max": 0.1, "time_step_min": 0.001, "time_step_rank": 256, "transformers_version": "4.44.0.dev0", "use_bias": false, "use_cache": true, "use_conv_bias": true, "vocab_size": 32768}'), num_heads: 100 }));
    assert.deepStrictEqual([wrong.estimate, wrong.problems.map(p => p.severity)], [undefined, ['error']]);
  });

  it("Jamba (ai21labs/Jamba-v0.1's config.json): attention every 8th layer, experts every 2nd, Mamba elsewhere; 51,570,323,328 parameters, 12.1B active", () => {
    const e = onlyConfig('{"architectures": ["JambaForCausalLM"], "attention_dropout": 0.0, "attn_layer_offset": 4, "attn_layer_period": 8, "bos_token_id": 1, "eos_token_id": 2, "expert_layer_offset": 1, "expert_layer_period": 2, "hidden_act": "silu", "hidden_size": 4096, "initializer_range": 0.02, "intermediate_size": 14336, "mamba_conv_bias": true, "mamba_d_conv": 4, "mamba_d_state": 16, "mamba_dt_rank": 256, "mamba_expand": 2, "mamba_proj_bias": false, "max_position_embeddings": 262144, "model_type": "jamba", "num_attention_heads": 32, "num_experts": 16, "num_experts_per_tok": 2, "num_hidden_layers": 32, "num_key_value_heads": 8, "num_logits_to_keep": 1, "output_router_logits": false, "pad_token_id": 0, "rms_norm_eps": 1e-06, "router_aux_loss_coef": 0.001, "sliding_window": null, "tie_word_embeddings": false, "torch_dtype": "bfloat16", "transformers_version": "4.40.0.dev0", "use_cache": true, "use_mamba_kernels": true, "vocab_size": 65536}', { sequenceLength: 8192, batchSize: 1 }).estimate!;
    assert.deepStrictEqual([e.parameters.total, e.parameters.activePerToken], [51_570_323_328, 12_110_311_296]);
    // 4 attention layers cache 8 KV heads of 128 for every token; 28 Mamba layers hold 8,192 channels × (4 + 16) each, bf16.
    assert.strictEqual(e.inference.components.kvCache, 4 * 2 * 8 * 128 * 8192 * 2 + 28 * 8192 * 20 * 2);
    assert.ok(e.assumptions.some(a => /^Attention–Mamba hybrid: 4 attention layers cache keys and values; 28 Mamba mixers/.test(a)));
  });

  it('Granite 4 hybrid (granitemoehybrid): Mamba2 and attention layers as layer_types lists them, experts beside a shared MLP in every layer', () => {
    // A config of Granite 4.0-H-Tiny's shape: 40 layers (4 attention), 64 experts of 512 (6 active) and a shared MLP
    // of 1,024, a Mamba2 mixer of 48 heads × 64 with a 128-value state. Counted by hand from GraniteMoeHybrid's
    // modules: 154,140,672 embedding (tied), 25,165,824 attention, 36 × 14,642,576 Mamba2, 40 × 155,811,840 MLP, norms.
    const e = onlyConfig('{"architectures": ["GraniteMoeHybridForCausalLM"], "attention_bias": false, "embedding_multiplier": 12, "hidden_act": "silu", "hidden_size": 1536, "intermediate_size": 512, "layer_types": ["mamba", "mamba", "mamba", "mamba", "mamba", "attention", "mamba", "mamba", "mamba", "mamba", "mamba", "mamba", "mamba", "mamba", "mamba", "attention", "mamba", "mamba", "mamba", "mamba", "mamba", "mamba", "mamba", "mamba", "mamba", "attention", "mamba", "mamba", "mamba", "mamba", "mamba", "mamba", "mamba", "mamba", "mamba", "attention", "mamba", "mamba", "mamba", "mamba"], "mamba_chunk_size": 256, "mamba_conv_bias": true, "mamba_d_conv": 4, "mamba_d_head": 64, "mamba_d_state": 128, "mamba_expand": 2, "mamba_n_groups": 1, "mamba_n_heads": 48, "mamba_proj_bias": false, "max_position_embeddings": 131072, "model_type": "granitemoehybrid", "num_attention_heads": 12, "num_experts_per_tok": 6, "num_hidden_layers": 40, "num_key_value_heads": 4, "num_local_experts": 64, "position_embedding_type": "nope", "shared_intermediate_size": 1024, "tie_word_embeddings": true, "vocab_size": 100352}', { sequenceLength: 8192, batchSize: 1 }).estimate!;
    assert.strictEqual(e.parameters.total, 6_939_037_248);
    // 4 attention layers cache 4 KV heads of 128; 36 Mamba2 layers a window over 3,328 channels and 3,072 × 128 states, bf16.
    assert.strictEqual(e.inference.components.kvCache, 4 * 2 * 4 * 128 * 8192 * 2 + 36 * (3328 * 4 + 3072 * 128) * 2);
    const dense = onlyConfig(JSON.stringify({ ...JSON.parse('{"architectures": ["GraniteMoeHybridForCausalLM"], "attention_bias": false, "embedding_multiplier": 12, "hidden_act": "silu", "hidden_size": 1536, "intermediate_size": 512, "layer_types": ["mamba", "mamba", "mamba", "mamba", "mamba", "attention", "mamba", "mamba", "mamba", "mamba", "mamba", "mamba", "mamba", "mamba", "mamba", "attention", "mamba", "mamba", "mamba", "mamba", "mamba", "mamba", "mamba", "mamba", "mamba", "attention", "mamba", "mamba", "mamba", "mamba", "mamba", "mamba", "mamba", "mamba", "mamba", "attention", "mamba", "mamba", "mamba", "mamba"], "mamba_chunk_size": 256, "mamba_conv_bias": true, "mamba_d_conv": 4, "mamba_d_head": 64, "mamba_d_state": 128, "mamba_expand": 2, "mamba_n_groups": 1, "mamba_n_heads": 48, "mamba_proj_bias": false, "max_position_embeddings": 131072, "model_type": "granitemoehybrid", "num_attention_heads": 12, "num_experts_per_tok": 6, "num_hidden_layers": 40, "num_key_value_heads": 4, "num_local_experts": 64, "position_embedding_type": "nope", "shared_intermediate_size": 1024, "tie_word_embeddings": true, "vocab_size": 100352}'), num_local_experts: 0 })).estimate!;
    assert.strictEqual(e.parameters.total - dense.parameters.total, 40 * (64 * 3 * 1536 * 512 + 1536 * 64));
  });

  it("Qwen3-Next (Qwen/Qwen3-Next-80B-A3B-Instruct's config.json): Gated DeltaNet layers, gated attention every 4th, 512 experts and a gated shared one", () => {
    // Counted by hand from Qwen3Next's modules: embeddings and head 622,329,856; 12 attention layers of 27,263,488
    // (q_proj doubled for its gate); 36 Gated DeltaNet layers of 33,718,464; 48 MoE blocks of 1,614,809,088; norms.
    const e = onlyConfig('{"architectures": ["Qwen3NextForCausalLM"], "attention_bias": false, "attention_dropout": 0.0, "bos_token_id": 151643, "decoder_sparse_step": 1, "eos_token_id": 151645, "full_attention_interval": 4, "head_dim": 256, "hidden_act": "silu", "hidden_size": 2048, "initializer_range": 0.02, "intermediate_size": 5120, "linear_conv_kernel_dim": 4, "linear_key_head_dim": 128, "linear_num_key_heads": 16, "linear_num_value_heads": 32, "linear_value_head_dim": 128, "max_position_embeddings": 262144, "mlp_only_layers": [], "model_type": "qwen3_next", "moe_intermediate_size": 512, "norm_topk_prob": true, "num_attention_heads": 16, "num_experts": 512, "num_experts_per_tok": 10, "num_hidden_layers": 48, "num_key_value_heads": 2, "output_router_logits": false, "partial_rotary_factor": 0.25, "rms_norm_eps": 1e-06, "rope_scaling": null, "rope_theta": 10000000, "router_aux_loss_coef": 0.001, "shared_expert_intermediate_size": 512, "tie_word_embeddings": false, "torch_dtype": "bfloat16", "transformers_version": "4.57.0.dev0", "use_cache": true, "use_sliding_window": false, "vocab_size": 151936}', { sequenceLength: 8192, batchSize: 1 }).estimate!;
    assert.strictEqual(e.parameters.total, 79_674_391_296);
    // 12 attention layers cache 2 KV heads of 256; 36 DeltaNet layers a window over 8,192 channels and 32 × 128 × 128 states, bf16.
    assert.strictEqual(e.inference.components.kvCache, 12 * 2 * 2 * 256 * 8192 * 2 + 36 * (8192 * 4 + 32 * 128 * 128) * 2);
    assert.ok(e.assumptions.some(a => /^Linear-attention hybrid: 12 attention layers cache keys and values; 36 linear-attention \(Gated DeltaNet\) mixers/.test(a)));
  });

  it('Falcon-H1: a Mamba2 mixer beside attention in every layer, then a gated MLP', () => {
    // A config of Falcon-H1-0.5B's shape: 36 layers, attention of 8 heads (2 KV) of 64, a 1,536-wide mixer of 24 heads
    // with a 128-value state and no gated norm (mamba_rms_norm false). Counted by hand from FalconH1's modules: per
    // layer 1,310,720 attention + 5,014,344 mixer + 6,291,456 MLP + 2,048 norms; 67,141,632 embeddings and head.
    const e = onlyConfig('{"architectures": ["FalconH1ForCausalLM"], "attention_bias": false, "head_dim": 64, "hidden_act": "silu", "hidden_size": 1024, "intermediate_size": 2048, "mamba_chunk_size": 128, "mamba_conv_bias": true, "mamba_d_conv": 4, "mamba_d_head": 64, "mamba_d_ssm": 1536, "mamba_d_state": 128, "mamba_expand": 2, "mamba_n_groups": 1, "mamba_n_heads": 24, "mamba_norm_before_gate": false, "mamba_proj_bias": false, "mamba_rms_norm": false, "max_position_embeddings": 16384, "mlp_bias": false, "model_type": "falcon_h1", "num_attention_heads": 8, "num_hidden_layers": 36, "num_key_value_heads": 2, "projectors_bias": false, "tie_word_embeddings": false, "vocab_size": 32784}', { sequenceLength: 4096, batchSize: 1 }).estimate!;
    assert.strictEqual(e.parameters.total, 521_411_104);
    assert.strictEqual(e.inference.components.kvCache, 36 * 2 * 2 * 64 * 4096 * 2 + 36 * (1792 * 4 + 1536 * 128) * 2);
    assert.ok(e.assumptions.some(a => /^Attention–Mamba hybrid, side by side in every layer: 36 attention layers/.test(a)));
  });

  it('Zamba2: a Mamba2 mixer in every layer, shared attention blocks visited by its hybrid layers, each with its own linear and adapters', () => {
    // A config of Zamba2-2.7B's shape: 54 layers in Zamba2Config's default pattern (9 hybrid), two shared blocks whose
    // attention reads 2 × 2,560 channels in 32 heads of 160, MLP adapters of rank 128, a Mamba2 mixer of 80 heads.
    // Counted by hand from Zamba2's modules: 54 × 39,888,240 Mamba layers, 2 × 170,401,280 shared blocks,
    // 9 × 9,502,720 hybrid linears and adapters, the tied embedding (81,920,000) and the final norm.
    const zamba = '{"architectures": ["Zamba2ForCausalLM"], "adapter_rank": 128, "hidden_size": 2560, "mamba_d_state": 64, "mamba_headdim": 64, "model_type": "zamba2", "n_mamba_heads": 80, "num_attention_heads": 32, "num_hidden_layers": 54, "num_mem_blocks": 2, "use_shared_attention_adapter": false, "use_shared_mlp_adapter": true, "vocab_size": 32000}';
    const e = onlyConfig(zamba, { sequenceLength: 4096, batchSize: 1 }).estimate!;
    assert.strictEqual(e.parameters.total, 54 * 39_888_240 + 2 * 170_401_280 + 9 * 9_502_720 + 81_920_000 + 2560);
    // Each hybrid layer caches its own keys and values (32 heads of 160); every layer holds a Mamba2 state.
    assert.strictEqual(e.inference.components.kvCache, 9 * 2 * 32 * 160 * 4096 * 2 + 54 * ((5120 + 2 * 64) * 4 + 5120 * 64) * 2);
    // Attention adapters on q, k and v: per hybrid layer 3 × (5,120 × 128 + 128 × 5,120) more.
    const adapted = onlyConfig(zamba.replace('"use_shared_attention_adapter": false', '"use_shared_attention_adapter": true')).estimate!;
    assert.strictEqual(adapted.parameters.total - e.parameters.total, 9 * 3 * 2 * 5120 * 128);
    // The layer kinds as the config lists them; without the list, only Zamba2Config's own 54 layers are known.
    const listed = onlyConfig(zamba.replace('"num_hidden_layers": 54', '"num_hidden_layers": 4, "layers_block_type": ["mamba", "hybrid", "mamba", "hybrid"]')).estimate!;
    assert.strictEqual(listed.inference.components.kvCache > 0, true);
    const unknown = onlyConfig(zamba.replace('"num_hidden_layers": 54', '"num_hidden_layers": 38'));
    assert.deepStrictEqual([unknown.estimate, unknown.problems.map(p => p.severity)], [undefined, ['error']]);
    assert.match(unknown.problems[0].message, /layers_block_type/);
  });

  describe('RWKV: a time mix and a channel mix per block, a recurrent state per sequence', () => {
    // RWKV/rwkv-4-169m-pile's config.json (transformers' RwkvForCausalLM).
    const rwkv4 = '{"architectures": ["RwkvForCausalLM"], "attention_hidden_size": 768, "bos_token_id": 0, "context_length": 1024, "eos_token_id": 0, "hidden_size": 768, "intermediate_size": 3072, "layer_norm_epsilon": 1e-05, "model_type": "rwkv", "num_hidden_layers": 12, "rescale_every": 6, "tie_word_embeddings": false, "vocab_size": 50277}';
    // The shapes of RWKV-5 World 1.5B and RWKV-6 World 1.6B (their Hugging Face ports, remote code), and of the
    // 191M RWKV-7 flash-linear-attention ships; each intermediate_size left to the model code.
    const rwkv5 = '{"architectures": ["Rwkv5ForCausalLM"], "attention_hidden_size": 2048, "head_size": 64, "hidden_size": 2048, "intermediate_size": null, "layer_norm_epsilon": 1e-05, "model_type": "rwkv5", "num_hidden_layers": 24, "rescale_every": 6, "tie_word_embeddings": false, "vocab_size": 65536}';
    const rwkv6 = rwkv5.replace('Rwkv5ForCausalLM', 'Rwkv6ForCausalLM').replace('"rwkv5"', '"rwkv6"');
    const rwkv7 = '{"architectures": ["RWKV7ForCausalLM"], "a_low_rank_dim": 64, "decay_low_rank_dim": 64, "gate_low_rank_dim": 128, "head_dim": 64, "hidden_size": 768, "intermediate_size": 3072, "model_type": "rwkv7", "norm_first": true, "num_hidden_layers": 12, "tie_word_embeddings": false, "v_low_rank_dim": 32, "vocab_size": 65536}';

    it('RWKV-4 169M: 169,342,464 parameters, as its name says; counted by hand from RwkvForCausalLM', () => {
      // Per block: two LayerNorms (3,072), a time mix of four 768² projections and five vectors (2,363,136), a channel
      // mix of 768 × 3,072 twice, 768² and two vectors (5,309,952); 12 blocks; the first block's pre-LayerNorm, the
      // final one; an untied embedding and head of 50,277 × 768.
      const e = onlyConfig(rwkv4).estimate!;
      assert.strictEqual(e.parameters.total, 12 * (3072 + 2_363_136 + 5_309_952) + 2 * 1536 + 2 * 50277 * 768);
      assert.strictEqual(e.parameters.total, 169_342_464);
    });

    it('RWKV-5, -6 and -7: their gates, heads, low-rank projections and GroupNorms, exact against a count by hand', () => {
      // RWKV-5 1.5B: per block 8,192 norms, a time mix of 20,987,904 (five 2,048² projections, four mix vectors,
      // decay and bonus per head, GroupNorm) and a channel mix of 33,558,528 (3.5 × 2,048 = 7,168 wide).
      assert.strictEqual(onlyConfig(rwkv5).estimate!.parameters.total, 24 * (8192 + 20_987_904 + 33_558_528) + 8192 + 2 * 65536 * 2048);
      // RWKV-6 1.6B adds six mix vectors and its data-dependent token shift (2,048 × 160, 160 × 2,048) and decay
      // (2,048 × 64, 64 × 2,048) per block: 21,909,504 for the time mix.
      assert.strictEqual(onlyConfig(rwkv6).estimate!.parameters.total, 1_599_873_024);
      // RWKV-7 191M: per block r, k, v, o (2,359,296), the w, a and g low-rank projections (99,072 + 99,072 + 196,608),
      // vectors and GroupNorm (8,448), a 3,072-wide channel mix (4,719,360), norms (3,072); the value residual's
      // projection (49,920) in every block but the first.
      assert.strictEqual(onlyConfig(rwkv7).estimate!.parameters.total, 12 * 7_484_928 + 11 * 49_920 + 3072 + 2 * 65536 * 768);
      assert.strictEqual(onlyConfig(rwkv7).estimate!.parameters.total, 191_034_624);
    });

    it('the state replaces the KV cache: fp32 wkv matrices per head, the same at any length; a head size that does not divide is refused', () => {
      const short = onlyConfig(rwkv6, { sequenceLength: 1024, batchSize: 2 }).estimate!;
      const long = onlyConfig(rwkv6, { sequenceLength: 65536, batchSize: 2 }).estimate!;
      // 24 layers × (two 2,048-wide shift vectors in bf16 + 32 heads × 64 × 64 in fp32), two sequences.
      assert.strictEqual(short.inference.components.kvCache, 2 * 24 * (2 * 2048 * 2 + 2048 * 64 * 4));
      assert.strictEqual(long.inference.components.kvCache, short.inference.components.kvCache);
      assert.ok(long.training.components.activations > 32 * short.training.components.activations);
      assert.ok(short.assumptions.some(a => /^Recurrent model \(RWKV-6\): no KV cache/.test(a)));
      const v4 = onlyConfig(rwkv4, { batchSize: 1 }).estimate!;
      assert.strictEqual(v4.inference.components.kvCache, 12 * (2 * 768 * 2 + 3 * 768 * 4));
      const wrong = onlyConfig(rwkv6.replace('"head_size": 64', '"head_size": 60'));
      assert.deepStrictEqual([wrong.estimate, wrong.problems.map(p => p.severity)], [undefined, ['error']]);
      assert.match(wrong.problems[0].message, /head size \(60\) must divide the time mix's width \(2048\)/);
    });
  });

  it("a hover's what-if reaches it: doubling the layers of a Mamba or a FLUX.1 transformer grows its memory", () => {
    const flux = '{"_class_name": "FluxTransformer2DModel", "attention_head_dim": 128, "guidance_embeds": true, "in_channels": 64, "joint_attention_dim": 4096, "num_attention_heads": 24, "num_layers": 19, "num_single_layers": 38, "patch_size": 1, "pooled_projection_dim": 768}';
    for (const [text, key] of [[mamba, 'num_hidden_layers'], [flux, 'num_layers']]) {
      const a = onlyConfig(text);
      const layers = sensitivities(a.config, DEFAULT_OPTIONS).find(s => s.key === key);
      assert.ok(layers && layers.inference > 1.1, key);
    }
  });
});

describe('images in a multimodal run: their tokens join the sequence, the tower encodes their patches', () => {
  // google/gemma-3-4b-it's config.json as published.
  const gemma3 = '{"architectures": ["Gemma3ForConditionalGeneration"], "boi_token_index": 255999, "eoi_token_index": 256000, "eos_token_id": [1, 106], "image_token_index": 262144, "initializer_range": 0.02, "mm_tokens_per_image": 256, "model_type": "gemma3", "text_config": {"hidden_size": 2560, "intermediate_size": 10240, "model_type": "gemma3_text", "num_hidden_layers": 34, "rope_scaling": {"factor": 8.0, "rope_type": "linear"}, "sliding_window": 1024}, "torch_dtype": "bfloat16", "transformers_version": "4.50.0.dev0", "vision_config": {"hidden_size": 1152, "image_size": 896, "intermediate_size": 4304, "model_type": "siglip_vision_model", "num_attention_heads": 16, "num_hidden_layers": 27, "patch_size": 14, "vision_use_head": false}}';

  it("Gemma 3: 256 pooled tokens per image in the language model's sequence and cache; 4,096 patches through SigLIP", () => {
    const text = onlyConfig(gemma3, { sequenceLength: 1024 }).estimate!;
    const two = onlyConfig(gemma3, { sequenceLength: 1024, imagesPerSample: 2 }).estimate!;
    assert.deepStrictEqual([two.settings.sequenceLength, two.settings.imageTokens, two.settings.imagePatches], [1024 + 512, 512, 2 * 64 * 64]);
    // The cache holds the image tokens like any others (Gemma 3 4B: 34 layers, 4 KV heads of 256, bf16; 5 of each 6 layers sliding over 1,024).
    assert.ok(two.inference.components.kvCache > text.inference.components.kvCache);
    assert.ok(two.inference.components.activations > text.inference.components.activations);
    assert.ok(two.assumptions.some(a => /2 images per sample add 512 tokens to its sequence \(Gemma 3's 256 pooled tokens per 896-pixel image\)/.test(a)));
    assert.ok(text.assumptions.some(a => /the run is text-only/.test(a)));
  });

  it('a full fine-tune keeps the tower\'s activations for backward; LoRA, with the tower frozen, does not', () => {
    const options = { sequenceLength: 1024, imagesPerSample: 4, precision: 'bf16-true' as const };
    const full = (n: number) => onlyConfig(gemma3, { ...options, imagesPerSample: n }).estimate!.training.components.activations;
    const lora = (n: number) => onlyConfig(gemma3, { ...options, imagesPerSample: n, lora: { rank: 16, targets: ['q', 'v'], dropout: false } }).estimate!.training.components.activations;
    // SigLIP's 27 layers keep about 17 bf16 values per patch and width: 16,384 patches of width 1,152.
    const tower = 27 * 16384 * 1152 * 17 * 2;
    assert.ok(full(4) - full(0) >= tower, `${full(4) - full(0)} < ${tower}`);
    assert.ok(lora(4) - lora(0) < full(4) - full(0) - 0.9 * tower, `${lora(4) - lora(0)} vs ${full(4) - full(0)}`);
  });

  it("Qwen2-VL reads images at their own resolution: 896 pixels are 64 × 64 patches, merged 2 × 2 into 1,024 tokens", () => {
    const qwen = '{"architectures": ["Qwen2VLForConditionalGeneration"], "hidden_size": 1536, "intermediate_size": 8960, "max_position_embeddings": 32768, "model_type": "qwen2_vl", "num_attention_heads": 12, "num_hidden_layers": 28, "num_key_value_heads": 2, "tie_word_embeddings": true, "vision_config": {"depth": 32, "embed_dim": 1280, "mlp_ratio": 4, "num_heads": 16, "in_chans": 3, "hidden_size": 1536, "patch_size": 14, "spatial_merge_size": 2, "temporal_patch_size": 2}, "vocab_size": 151936}';
    assert.strictEqual(onlyConfig(qwen, { sequenceLength: 512, imagesPerSample: 1, imageSide: 896 }).estimate!.settings.imageTokens, 1024);
    assert.strictEqual(onlyConfig(qwen, { sequenceLength: 512, imagesPerSample: 1 }).estimate!.settings.imageTokens, 256);
  });

  it("LLaVA-NeXT's anyres tokens: the best pinpoint's tiles, unpadded to the image's shape, a newline per row, and the whole image", () => {
    // llava-hf/llava-v1.6-mistral-7b-hf's shapes: CLIP ViT-L/14 at 336 px (24 × 24 patches) beside Mistral 7B.
    const next = JSON.stringify({
      architectures: ['LlavaNextForConditionalGeneration'], model_type: 'llava_next',
      text_config: { architectures: ['MistralForCausalLM'], hidden_size: 4096, intermediate_size: 14336, max_position_embeddings: 32768, model_type: 'mistral', num_attention_heads: 32, num_hidden_layers: 32, num_key_value_heads: 8, vocab_size: 32064 },
      vision_config: { hidden_size: 1024, image_size: 336, intermediate_size: 4096, model_type: 'clip_vision_model', num_attention_heads: 16, num_hidden_layers: 24, patch_size: 14, projection_dim: 768 },
    });
    // 672 px: a 2 × 2 grid, 48 × 48 features, 48 newlines, and the whole image's 576.
    const large = onlyConfig(next, { sequenceLength: 512, imagesPerSample: 1 }).estimate!.settings;
    assert.deepStrictEqual([large.imageTokens, large.imagePatches], [576 + 48 * 49, 5 * 577]);
    // 336 px: the 1 × 2 pinpoint keeps it whole; its features unpad to 24 × 24.
    assert.strictEqual(onlyConfig(next, { sequenceLength: 512, imagesPerSample: 1, imageSide: 336 }).estimate!.settings.imageTokens, 576 + 24 * 25);
    // A config's own image_grid_pinpoints: with a 3 × 3 grid among them, a 1,008-pixel image is cut into 9 tiles.
    const wide = JSON.stringify({ ...JSON.parse(next), image_grid_pinpoints: [[336, 672], [672, 336], [672, 672], [1008, 1008]] });
    assert.strictEqual(onlyConfig(next, { sequenceLength: 512, imagesPerSample: 1, imageSide: 1008 }).estimate!.settings.imageTokens, 576 + 48 * 49);
    const nine = onlyConfig(wide, { sequenceLength: 512, imagesPerSample: 1, imageSide: 1008 }).estimate!.settings;
    assert.deepStrictEqual([nine.imageTokens, nine.imagePatches], [576 + 72 * 73, 10 * 577]);
  });

  it('LLaVA-OneVision: SigLIP without its head, LLaVA\'s projector and image_newline, anyres capped at 9 tiles\' worth of features', () => {
    // llava-hf/llava-onevision-qwen2-0.5b-ov-hf's shapes: SigLIP so400m at 384 px (27 × 27 patches, no class token)
    // beside Qwen2-0.5B; 36 pinpoints of 1 to 6 × 1 to 6 tiles (LlavaOnevisionConfig's default, left out here).
    const ov = JSON.stringify({
      architectures: ['LlavaOnevisionForConditionalGeneration'], model_type: 'llava_onevision', tie_word_embeddings: true, vision_aspect_ratio: 'anyres_max_9',
      text_config: { architectures: ['Qwen2ForCausalLM'], hidden_size: 896, intermediate_size: 4864, max_position_embeddings: 32768, model_type: 'qwen2', num_attention_heads: 14, num_hidden_layers: 24, num_key_value_heads: 2, tie_word_embeddings: true, vocab_size: 152000 },
      vision_config: { hidden_size: 1152, image_size: 384, intermediate_size: 4304, model_type: 'siglip_vision_model', num_attention_heads: 16, num_hidden_layers: 26, patch_size: 14, vision_use_head: false },
    });
    const e = onlyConfig(ov, { sequenceLength: 512, imagesPerSample: 1 }).estimate!;
    // The tower (397,747,744 counted by hand: patch and position embeddings, 26 blocks, post-LayerNorm), two biased
    // linears 1,152 → 896 → 896 and the image_newline.
    assert.strictEqual(e.parameters.vision, 397_747_744 + 1152 * 896 + 896 + 896 * 896 + 896 + 896);
    // 768 px: 2 × 2 tiles, 54 × 54 features and 54 newlines after the whole image's 729; 2,304 px: 6 × 6 tiles, 162 × 162
    // features downscaled by 2 to 81 × 81 (9 tiles' worth), the tower running over 37 tiles of 729 patches.
    assert.strictEqual(e.settings.imageTokens, 729 + 54 * 55);
    const large = onlyConfig(ov, { sequenceLength: 512, imagesPerSample: 1, imageSide: 2304 }).estimate!.settings;
    assert.deepStrictEqual([large.imageTokens, large.imagePatches], [729 + 81 * 82, 37 * 729]);
  });

  it('Llama 3.2 Vision cross-attends to its images: one <|image|> token in the sequence, the tiles in the cross-attention layers\' cache', () => {
    const mllama = '{"architectures": ["MllamaForConditionalGeneration"], "model_type": "mllama", "text_config": {"cross_attention_layers": [3, 8, 13, 18, 23, 28, 33, 38], "hidden_size": 4096, "intermediate_size": 14336, "max_position_embeddings": 131072, "model_type": "mllama_text_model", "num_attention_heads": 32, "num_hidden_layers": 40, "num_key_value_heads": 8, "vocab_size": 128256}, "vision_config": {"hidden_size": 1280, "image_size": 560, "intermediate_size": 5120, "max_num_tiles": 4, "model_type": "mllama_vision_model", "num_global_layers": 8, "num_hidden_layers": 32, "patch_size": 14, "vision_output_dim": 7680}}';
    // 560-pixel tiles of 14-pixel patches: 1,600 and the class token per tile, 4 tiles; the encoder pads each to 1,608.
    const e = onlyConfig(mllama, { sequenceLength: 512, imagesPerSample: 1 }).estimate!;
    assert.deepStrictEqual([e.settings.sequenceLength, e.settings.imageTokens, e.settings.imagePatches, e.settings.crossAttentionTokens], [513, 1, 4 * 1608, 4 * 1601]);
    // Each of the 8 cross-attention layers caches keys and values (8 heads of 128, bf16) for the 6,404 positions.
    const text = onlyConfig(mllama, { sequenceLength: 513 }).estimate!;
    assert.strictEqual(e.inference.components.kvCache - text.inference.components.kvCache, 8 * 6404 * 2 * 8 * 128 * 2);
    assert.ok(e.assumptions.some(a => /8 cross-attention layers read 6,404 image positions per sample/.test(a)));
    // Text-only, the cross-attention layers are skipped: no cache of theirs.
    assert.ok(text.assumptions.some(a => /cross-attention layers see no image and are skipped/.test(a)));
  });
});
