// Gemma 4's decoder held to the model card: global layers of their own width, KV-shared layers, per-layer embeddings, the MoE block.
import * as assert from 'assert';
import { DEFAULT_OPTIONS } from '../../src/core/analyze';
import { ggufTensors } from '../../src/core/gguf';
import { findGpu } from '../../src/core/gpus';
import { planLlamaCpp } from '../../src/core/llamacpp';
import { kvCacheBytes } from '../../src/core/memory';
import { planVllm } from '../../src/core/serving';
import { imageCost } from '../../src/core/vision';
import { onlyConfig } from './helpers';

const KIB = 1024;

/** Five sliding layers to one global, as the releases' layer_types write them. */
const layerTypes = (n: number, period = 6) => Array.from({ length: n }, (_, i) => ((i + 1) % period === 0 ? 'full_attention' : 'sliding_attention'));

/**
 * The 31B release's config.json (as a public listing of google/gemma-4-31B-it prints it, with its safetensors: 1,188
 * tensors, 31,273,088,876 elements) and the 26B A4B's text_config (as public serving ports transcribe it).
 */
const TEXT_COMMON = {
  model_type: 'gemma4_text', attention_bias: false, attention_k_eq_v: true, global_head_dim: 512, head_dim: 256, hidden_size_per_layer_input: 0,
  max_position_embeddings: 262_144, num_kv_shared_layers: 0, sliding_window: 1024, tie_word_embeddings: true, use_double_wide_mlp: false,
  vocab_size: 262_144, vocab_size_per_layer_input: 262_144,
};
const VISION_31B = {
  model_type: 'gemma4_vision', attention_bias: false, head_dim: 72, hidden_size: 1152, intermediate_size: 4304, num_attention_heads: 16, num_hidden_layers: 27,
  num_key_value_heads: 16, patch_size: 16, pooling_kernel_size: 3, position_embedding_size: 10_240, standardize: true, use_clipped_linears: false,
};
const checkpoint = (text: Record<string, unknown>) =>
  JSON.stringify({ architectures: ['Gemma4ForConditionalGeneration'], model_type: 'gemma4', tie_word_embeddings: true, text_config: { ...TEXT_COMMON, ...text }, vision_config: VISION_31B, vision_soft_tokens_per_image: 280 });
const G31 = checkpoint({ enable_moe_block: false, hidden_size: 5376, intermediate_size: 21_504, num_attention_heads: 32, num_global_key_value_heads: 4, num_hidden_layers: 60, num_key_value_heads: 16, layer_types: layerTypes(60) });
const G26 = JSON.stringify({
  ...TEXT_COMMON, architectures: ['Gemma4ForCausalLM'], enable_moe_block: true, hidden_size: 2816, intermediate_size: 2112, moe_intermediate_size: 704, num_attention_heads: 16, num_experts: 128, top_k_experts: 8,
  num_global_key_value_heads: 2, num_hidden_layers: 30, num_key_value_heads: 8, layer_types: layerTypes(30),
});
const vllm = (config: string, tensorParallel: number) =>
  planVllm(onlyConfig(config).spec!, { engine: 'vllm', tensorParallel, pipelineParallel: 1, precision: 'bf16-true', kvCacheType: 'auto', maxModelLen: 32_768 }, findGpu('H100 80GB')!);

describe('Gemma 4', () => {
  it("31B: global layers of 4 KV heads of 512 whose keys serve as values beside 16-head sliding layers; its language model 30,697,345,280 (the card's 30.7B), with its tower the checkpoint's count", () => {
    const a = onlyConfig(G31);
    // Sliding layer: q 44,040,192, k and v 22,020,096 each, o 44,040,192, q/k norms 512; global layer: q 88,080,384,
    // k 11,010,048, no v, o 88,080,384, norms 1,024; each an MLP of 346,816,512 and four norms of 5,376.
    const ffn = 346_816_512 + 4 * 5376;
    const sliding = 2 * 44_040_192 + 2 * 22_020_096 + 512 + ffn;
    const global = 2 * 88_080_384 + 11_010_048 + 1024 + ffn;
    const p = a.estimate!.parameters;
    assert.strictEqual(p.total - p.vision, 262_144 * 5376 + 50 * sliding + 10 * global + 5376);
    assert.strictEqual(p.total - p.vision, 30_697_345_280);
    // The tower: the patch projection 768 × 1,152, two position tables of 10,240 × 1,152, 27 layers of 20,187,792, the
    // standardizing bias and scale, and the projection 1,152 × 5,376 into the language model: the checkpoint's
    // 31,273,088,876 elements less its 60 layer_scalar buffers (not parameters).
    assert.strictEqual(p.vision, 768 * 1152 + 2 * 10_240 * 1152 + 27 * 20_187_792 + 2 * 1152 + 1152 * 5376);
    assert.strictEqual(p.total, 31_273_088_876 - 60);
    assert.deepStrictEqual(a.problems, []);
    // An image: vision_soft_tokens_per_image tokens in the sequence, each pooled from 3 × 3 patches.
    const cost = imageCost(a.spec!.vision!, undefined)!;
    assert.deepStrictEqual([cost.tokens, cost.patches], [280, 2520]);
  });

  it("26B A4B: a dense MLP beside 128 experts of 704 in every layer, three more norms and the router's scales; 25.23B, 3.82B active (the card's 25.2B and 3.8B)", () => {
    const a = onlyConfig(G26);
    assert.strictEqual(a.estimate!.parameters.total, 25_233_141_760);
    assert.strictEqual((a.estimate!.parameters.activePerToken / 1e9).toFixed(2), '3.82');
    // The release (transformers' conversion script) adds the 31B's tower, projected into 2,816: 569,550,384 + 3,244,032.
    assert.strictEqual(onlyConfig(JSON.stringify({ architectures: ['Gemma4ForConditionalGeneration'], model_type: 'gemma4', tie_word_embeddings: true, text_config: JSON.parse(G26), vision_config: VISION_31B, vision_soft_tokens_per_image: 280 })).estimate!.parameters.total, 25_233_141_760 + 569_550_384 + 1152 * 2816);
  });

  it('the KV cache: each kind of layer at its own width, the sliding ones only their window (transformers); vLLM pages the global layers as sliding-layer equivalents', () => {
    const spec = onlyConfig(G31).spec!;
    const settings = { ...DEFAULT_OPTIONS, sequenceLength: 8192, batchSize: 1, newTokens: 0, serving: 'hf' as const, kvCacheType: 'auto' as const, precision: 'bf16-true' as const, tensorParallel: 1 };
    // 50 sliding layers × 2 × 16 × 256 over the 1,024-token window; 10 global layers × 2 × 4 × 512 over all 8,192; bf16.
    assert.strictEqual(kvCacheBytes(spec, settings as never), (50 * 2 * 16 * 256 * 1024 + 10 * 2 * 4 * 512 * 8192) * 2);
    assert.strictEqual(vllm(G31, 1).kvBytesPerToken, 50 * 16 * KIB + 10 * 8 * KIB);
    const moe = vllm(G26, 2);
    // Under TP 2: 4 sliding KV heads of 256 and one global of 512 per GPU: 25 × 4 KiB + 5 × 2 KiB.
    assert.strictEqual(moe.kvBytesPerToken, 25 * 4 * KIB + 5 * 2 * KIB);
  });

  it('llama.cpp: the global layers\' tensors on their own blocks (every sixth), nothing but the token embedding in host memory', () => {
    const spec = onlyConfig(G31).spec!;
    const tensors = ggufTensors(spec, 'Q4_K_M');
    assert.ok(tensors.every(t => t.role !== 'other'), tensors.filter(t => t.role === 'other').map(t => t.elements).join());
    const block5 = tensors.filter(t => t.layer === 5).reduce((s, t) => s + t.elements, 0);
    const block0 = tensors.filter(t => t.layer === 0).reduce((s, t) => s + t.elements, 0);
    assert.strictEqual(block0, 478_959_104, 'a sliding block');
    assert.strictEqual(block5, 534_009_856, 'a global block');
    const plan = planLlamaCpp(spec, { engine: 'llama.cpp', fileType: 'Q4_K_M', contextSize: 32_768, parallel: 1 }, findGpu('RTX 5090')!);
    assert.strictEqual(plan.hostModelBytes, tensors.find(t => t.role === 'token_embd')!.bytes);
    // 50 sliding layers × 16 KiB over the window and a micro-batch (1,024 + 512 cells), 10 global × 8 KiB over 32,768.
    assert.strictEqual(plan.kvCacheBytes, 50 * 16 * KIB * 1536 + 10 * 8 * KIB * 32_768);
  });

  it("E2B with its towers (transformers' conversion script): the on-device vision tower and the conformer audio encoder, 5,104,297,504 (the card's 5.1B); an audio tower VRAM Lens does not know is a warning", () => {
    const a = onlyConfig('{"base_model": "google/gemma-4-E2B-it"}');
    const p = a.estimate!.parameters;
    // Vision: 16 layers of 9,440,384, the patch projection 768 × 768, two position tables of 10,240 × 768, the
    // projection 768 × 1,536. Audio: the subsampling (convolutions 1,152 + 36,864, norms 160, projection 1,024 × 1,024),
    // 12 layers of 25,180,288, the output projection 1,024 × 1,536 and its bias, the projection 1,536 × 1,536.
    const vision = 16 * 9_440_384 + 768 * 768 + 2 * 10_240 * 768 + 768 * 1536;
    const audio = 1152 + 36_864 + 160 + 1024 * 1024 + 12 * 25_180_288 + 1024 * 1536 + 1536 + 1536 * 1536;
    assert.strictEqual(p.vision, vision + audio);
    assert.strictEqual(p.total, 5_104_297_504);
    assert.ok(a.estimate!.assumptions.some(n => /^Audio encoder: Gemma 4's conformer, 12 layers of width 1024, with its projector: 307,183,904 parameters/.test(n)), a.estimate!.assumptions.join('\n'));
    const unknown = onlyConfig(JSON.stringify({ architectures: ['Gemma4ForConditionalGeneration'], model_type: 'gemma4', text_config: JSON.parse(G26), audio_config: { model_type: 'whisper_encoder' } }));
    assert.ok(unknown.problems.some(q => /`audio_config` \(whisper_encoder\) is an audio tower VRAM Lens does not count/.test(q.message)));
    assert.strictEqual(unknown.estimate!.parameters.total, 25_233_141_760);
    const bad = onlyConfig(JSON.stringify({ architectures: ['Gemma4ForConditionalGeneration'], model_type: 'gemma4', text_config: JSON.parse(G26), audio_config: { model_type: 'gemma4_audio', hidden_size: -4, subsampling_conv_channels: [128] } }));
    assert.deepStrictEqual(bad.problems.filter(q => q.severity === 'error').map(q => q.message), [
      '`audio_config.subsampling_conv_channels` must be two whole numbers, the channels of its two subsampling convolutions ([128, 32]).',
      '`audio_config.hidden_size` must be a whole number between 1 and 1,000,000 (it is -4).',
    ]);
    assert.strictEqual(bad.estimate, undefined, 'no number from a tower that cannot be built');
  });

  it("KV-shared layers (E2B's shape): no key or value projections and no cache, a double-wide MLP; per-layer embeddings; its effective 2.28B (the card's 2.3B)", () => {
    const config = {
      architectures: ['Gemma4ForCausalLM'], model_type: 'gemma4_text', hidden_size: 1536, intermediate_size: 6144, num_hidden_layers: 35, num_attention_heads: 8,
      num_key_value_heads: 1, head_dim: 256, global_head_dim: 512, attention_k_eq_v: false, vocab_size: 262_144, vocab_size_per_layer_input: 262_144,
      hidden_size_per_layer_input: 256, num_kv_shared_layers: 20, use_double_wide_mlp: true, sliding_window: 512, layer_types: layerTypes(35, 5), tie_word_embeddings: true,
    };
    const a = onlyConfig(JSON.stringify(config));
    // Attention: 12 sliding layers with keys and values (7,078,400), 16 without (6,291,712); 3 global with (14,156,800),
    // 4 without (12,583,424). MLPs: 15 of 6,144 (28,311,552), 20 of 12,288 (56,623,104). Per-layer embeddings: the
    // table 262,144 × 35 × 256, the projection 1,536 × 8,960 and its norm, each layer's gate and projection and norm.
    const attention = 12 * 7_078_400 + 16 * 6_291_712 + 3 * 14_156_800 + 4 * 12_583_424;
    const mlp = 15 * 28_311_552 + 20 * 56_623_104;
    const table = 262_144 * 35 * 256;
    const perLayer = table + 1536 * 8960 + 256 + 35 * (2 * 1536 * 256 + 1536);
    const total = 262_144 * 1536 + attention + mlp + 35 * 4 * 1536 + 1536 + perLayer;
    assert.strictEqual(a.estimate!.parameters.total, total);
    assert.strictEqual(((total - table) / 1e9).toFixed(2), '2.28');
    const spec = a.spec!;
    const settings = { ...DEFAULT_OPTIONS, sequenceLength: 4096, batchSize: 1, newTokens: 0, serving: 'hf' as const, kvCacheType: 'auto' as const, precision: 'bf16-true' as const, tensorParallel: 1 };
    // Only the 12 sliding and 3 global layers with their own keys and values cache them.
    assert.strictEqual(kvCacheBytes(spec, settings as never), (12 * 2 * 256 * 512 + 3 * 2 * 512 * 4096) * 2);
  });
});
