import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { analyzeDocument, DEFAULT_OPTIONS } from '../../src/core/analyze';
import { weightTensors } from '../../src/core/tensors';
import { imageCost } from '../../src/core/vision';
import { numel } from '../../src/core/weightTensor';
import { formatFor, parseConfig } from '../../src/parse';
import { onlyConfig, readReference, REFERENCE, ROOT } from './helpers';

interface ReferenceModel {
  config: string;
  model: string;
  totalParams: number;
}

const reference = JSON.parse(readReference('parameters.json')) as { models: ReferenceModel[] };

describe('parameter counts match the published numbers exactly', () => {
  for (const m of reference.models) {
    const exact = m.totalParams.toLocaleString('en-US');
    it(`${m.model} has exactly ${exact} parameters`, () => {
      const format = formatFor(m.config)!;
      const configs = analyzeDocument(parseConfig(readReference(m.config), format), DEFAULT_OPTIONS).configs;
      assert.strictEqual(configs.length, 1);
      const analysis = configs[0];
      assert.ok(analysis.estimate, `no estimate: ${analysis.problems.map(p => p.message).join('; ')}`);
      assert.strictEqual(analysis.estimate.parameters.total, m.totalParams);
    });
  }

  it('Mixtral-8x7B activates about 12.9B parameters per token (2 of 8 experts)', () => {
    const est = onlyConfig(readReference('configs/json/mixtral-8x7b-v0.1.config.json')).estimate!;
    assert.strictEqual(est.parameters.activePerToken, 12_879_925_248);
  });

  it('splits Llama-2-7B into embeddings, attention, MLP, norms and an untied head', () => {
    const p = onlyConfig(readReference('configs/json/llama-2-7b-chat-hf.config.json')).estimate!.parameters;
    assert.strictEqual(p.embeddings, 32000 * 4096);
    assert.strictEqual(p.head, 32000 * 4096);
    assert.strictEqual(p.attention, 32 * 4 * 4096 * 4096);
    assert.strictEqual(p.mlp, 32 * 3 * 4096 * 11008);
    assert.strictEqual(p.norms, 65 * 4096);
    assert.strictEqual(p.embeddings + p.attention + p.mlp + p.norms + p.head, p.total);
  });

  it('counts the seed document\'s plain names as a generic decoder, and says so', () => {
    const a = onlyConfig('{"vocab_size": 15000, "d_model": 512, "n_heads": 8, "n_layers": 6}');
    assert.ok(a.spec?.generic);
    assert.match(a.spec!.family, /Generic/);
    // tied embedding 15000·512, 6 GPT blocks of 12h² + 13h, final LayerNorm 2h
    assert.strictEqual(a.estimate!.parameters.total, 15000 * 512 + 6 * (12 * 512 * 512 + 13 * 512) + 2 * 512);
    assert.ok(a.estimate!.assumptions.some(s => s.includes('not recognised')));
  });
});

describe('parameter counts match what transformers allocates for models built from public configs', () => {
  // sum(p.numel()) of AutoModelForCausalLM.from_config(config) in transformers 5.17, measured with
  // bench/gpu/measure_peak_memory.py (bench/data/h100-measured.json).
  const measured = JSON.parse(fs.readFileSync(path.join(ROOT, 'bench', 'data', 'h100-measured.json'), 'utf8')) as {
    rows: { id: string; config: string; task?: string; parameters: number }[];
  };
  const seen = new Set<string>();
  for (const row of measured.rows) {
    if (row.task || seen.has(row.config)) {
      continue; // classification heads are not part of the base-model count
    }
    seen.add(row.config);
    it(`${row.config.split('/').pop()} has exactly ${row.parameters.toLocaleString('en-US')} parameters`, () => {
      const text = fs.readFileSync(path.join(REFERENCE, '..', row.config), 'utf8');
      assert.strictEqual(onlyConfig(text).estimate?.parameters.total, row.parameters);
    });
  }
});

describe('parameter counts match transformers for every supported family', () => {
  const dir = path.join(ROOT, 'test', 'fixtures', 'configs');
  const expected = JSON.parse(fs.readFileSync(path.join(dir, 'parameters.json'), 'utf8')) as {
    transformers: Record<string, number>;
    published: Record<string, { parameters: number; source: string }>;
  };
  const all: [string, number][] = [
    ...Object.entries(expected.transformers),
    ...Object.entries(expected.published).map(([f, p]) => [f, p.parameters] as [string, number]),
  ];
  for (const [file, count] of all) {
    it(`${file.replace('.config.json', '')} has exactly ${count.toLocaleString('en-US')} parameters`, () => {
      const a = onlyConfig(fs.readFileSync(path.join(dir, file), 'utf8'));
      assert.ok(a.estimate, a.problems.map(p => p.message).join('; '));
      assert.strictEqual(a.spec?.generic, false, `${file} is recognised as its own family`);
      assert.strictEqual(a.estimate.parameters.total, count);
    });
  }

  it('DeepSeek-V3 activates 37.5B of its 671B parameters per token (8 of 256 routed experts + 1 shared)', () => {
    const a = onlyConfig(fs.readFileSync(path.join(dir, 'deepseek-v3.config.json'), 'utf8'));
    const active = a.estimate!.parameters.activePerToken;
    assert.ok(active > 37.4e9 && active < 37.6e9, String(active));
  });

  it('DeepSeek-V3\'s own config format (inference/configs/config_671B.json) counts its router biases as parameters', () => {
    const native = onlyConfig(fs.readFileSync(path.join(REFERENCE, '..', 'configs-public', 'native', 'deepseek-ai__DeepSeek-V3__inference__config_671B.json'), 'utf8'));
    assert.strictEqual(native.estimate?.parameters.total, 671_026_419_200);
    assert.match(native.spec!.family, /DeepSeek/);
  });

  it('an unknown family with mixture-of-experts or latent-attention keys gets no number, and a reason', () => {
    const text = JSON.stringify({ model_type: 'my_moe', hidden_size: 2048, num_hidden_layers: 24, num_attention_heads: 16, vocab_size: 32000, intermediate_size: 8192, n_routed_experts: 64, moe_intermediate_size: 1408 });
    const a = onlyConfig(text);
    assert.strictEqual(a.estimate, undefined);
    assert.match(a.problems[0].message, /"my_moe" is not a family VRAM Lens knows.*`moe_intermediate_size`, `n_routed_experts`/);
  });

  it('an unknown family with the usual keys gets a generic decoder estimate, labelled as such', () => {
    const a = onlyConfig(JSON.stringify({ model_type: 'brand_new', hidden_size: 1024, num_hidden_layers: 8, num_attention_heads: 8, vocab_size: 32000, intermediate_size: 4096 }));
    assert.strictEqual(a.spec?.generic, true);
    assert.match(a.spec!.family, /Generic decoder \(Llama-style block assumed\)/);
    assert.ok(a.estimate!.parameters.total > 0);
  });
});

describe('the weight-tensor inventory adds up to the exact parameter count', () => {
  const dir = path.join(ROOT, 'test', 'fixtures', 'configs');
  for (const file of fs.readdirSync(dir).filter(f => f.endsWith('.config.json'))) {
    it(file.replace('.config.json', ''), () => {
      const a = onlyConfig(fs.readFileSync(path.join(dir, file), 'utf8'));
      const sum = weightTensors(a.spec!).reduce((s, t) => s + numel(t), 0);
      assert.strictEqual(sum, a.estimate!.parameters.total);
    });
  }
});

describe('multimodal checkpoints: the vision encoder and projector are counted beside the language model', () => {
  // Llama-4-Scout-17B-16E-Instruct's config.json values (text_config and vision_config), written for the test. Its
  // safetensors metadata holds 108,641,793,536 parameters: the language model 107,769,861,120, the vision encoder and
  // projector 871,932,416.
  const scout = {
    architectures: ['Llama4ForConditionalGeneration'], model_type: 'llama4', tie_word_embeddings: false, torch_dtype: 'bfloat16',
    text_config: {
      attention_chunk_size: 8192, head_dim: 128, hidden_size: 5120, interleave_moe_layer_step: 1, intermediate_size: 8192,
      intermediate_size_mlp: 16384, max_position_embeddings: 10485760, model_type: 'llama4_text', num_attention_heads: 40,
      num_experts_per_tok: 1, num_hidden_layers: 48, num_key_value_heads: 8, num_local_experts: 16, use_qk_norm: true, vocab_size: 202048,
    },
    vision_config: {
      hidden_size: 1408, image_size: 336, intermediate_size: 5632, model_type: 'llama4_vision_model', num_attention_heads: 16,
      num_channels: 3, num_hidden_layers: 34, patch_size: 14, pixel_shuffle_ratio: 0.5, projector_input_dim: 4096,
      projector_output_dim: 4096, vision_output_dim: 4096,
    },
  };

  it('Llama 4 Scout: 108,641,793,536 parameters, 871,932,416 of them the vision side, 17.2B active per text token', () => {
    const a = onlyConfig(JSON.stringify(scout));
    const p = a.estimate!.parameters;
    assert.strictEqual(p.total, 108_641_793_536);
    assert.strictEqual(p.vision, 871_932_416);
    assert.strictEqual(p.activePerToken, 17_172_894_720);
    // Three layers in four attend within 8,192-token chunks, and cache no more.
    assert.deepStrictEqual([a.spec!.slidingLayers, a.spec!.slidingWindow], [36, 8192]);
    assert.ok(a.estimate!.assumptions.some(x => /^Vision encoder: Llama 4, 34 layers of width 1408, with its projector: 871,932,416 parameters/.test(x)));
  });

  it('Llama 4 Maverick: every other layer is a mixture of 128 experts, the rest dense MLPs of intermediate_size_mlp', () => {
    const maverick = { ...scout, text_config: { ...scout.text_config, interleave_moe_layer_step: 2, num_local_experts: 128 } };
    assert.strictEqual(onlyConfig(JSON.stringify(maverick)).estimate!.parameters.total, 401_583_781_376);
  });

  it('a vision_config of no known tower is left out, and a bad size in a known one is an error on the tower', () => {
    const unknownTower = { ...scout, vision_config: { ...scout.vision_config, model_type: 'some_vision_model' } };
    assert.strictEqual(onlyConfig(JSON.stringify(unknownTower)).estimate!.parameters.total, 107_769_861_120);
    const bad = { ...scout, vision_config: { ...scout.vision_config, hidden_size: -3 } };
    const a = onlyConfig(JSON.stringify(bad));
    assert.strictEqual(a.estimate, undefined);
    assert.ok(a.problems.some(p => /`vision_config\.hidden_size` must be a whole number/.test(p.message)));
  });

  it('a LitGPT recipe and a torchtitan flavor build the language model alone', () => {
    const [lit] = analyzeDocument(parseConfig('checkpoint_dir: checkpoints/google/gemma-3-4b-it\nlora_r: 8\n', 'yaml'), DEFAULT_OPTIONS).configs;
    assert.strictEqual(lit.estimate!.parameters.vision, 0);
    const [titan] = analyzeDocument(parseConfig('[model]\nname = "llama4"\nflavor = "17bx16e"\n', 'toml'), DEFAULT_OPTIONS).configs;
    assert.strictEqual(titan.estimate!.parameters.total, 107_769_861_120);
  });

  // google/gemma-3-4b-it's config.json as published: its text_config names four sizes and leaves the rest to
  // Gemma3TextConfig's defaults. Its safetensors metadata holds 4,300,079,472 parameters; gemma-3-12b-it's 12,187,325,040.
  const gemma3 = (text: Record<string, unknown>) => JSON.stringify({
    architectures: ['Gemma3ForConditionalGeneration'], boi_token_index: 255999, eoi_token_index: 256000, eos_token_id: [1, 106],
    image_token_index: 262144, initializer_range: 0.02, mm_tokens_per_image: 256, model_type: 'gemma3',
    text_config: { ...text, model_type: 'gemma3_text', rope_scaling: { factor: 8.0, rope_type: 'linear' }, sliding_window: 1024 },
    torch_dtype: 'bfloat16', transformers_version: '4.50.0.dev0',
    vision_config: {
      hidden_size: 1152, image_size: 896, intermediate_size: 4304, model_type: 'siglip_vision_model', num_attention_heads: 16,
      num_hidden_layers: 27, patch_size: 14, vision_use_head: false,
    },
  });

  it('Gemma 3 as published: a sparse text_config filled as Gemma3TextConfig fills it, and the SigLIP tower with its projector', () => {
    const four = onlyConfig(gemma3({ hidden_size: 2560, intermediate_size: 10240, num_hidden_layers: 34 }));
    assert.strictEqual(four.estimate!.parameters.total, 4_300_079_472);
    // SigLIP so400m without its pooling head (416,866,032) and the projector into 2,560 wide (2,950,272).
    assert.strictEqual(four.estimate!.parameters.vision, 416_866_032 + 2_950_272);
    assert.ok(four.estimate!.assumptions.some(x => x.startsWith("Gemma3TextConfig's defaults for what the config leaves out: vocab_size 262,208, num_attention_heads 8, num_key_value_heads 4, head_dim 256")));
    const twelve = onlyConfig(gemma3({ hidden_size: 3840, intermediate_size: 15360, num_attention_heads: 16, num_hidden_layers: 48, num_key_value_heads: 8 }));
    assert.strictEqual(twelve.estimate!.parameters.total, 12_187_325_040);
  });

  it('Llama 3.2 Vision (mllama): cross-attention layers with q/k norms and gates, 8 extra embedding rows, the tiled encoder', () => {
    // meta-llama/Llama-3.2-11B-Vision-Instruct's config.json values, written for the test; 10,670,220,835 parameters.
    const config = {
      architectures: ['MllamaForConditionalGeneration'], image_token_index: 128256, model_type: 'mllama', torch_dtype: 'bfloat16',
      text_config: {
        cross_attention_layers: [3, 8, 13, 18, 23, 28, 33, 38], hidden_size: 4096, intermediate_size: 14336, max_position_embeddings: 131072,
        model_type: 'mllama_text_model', num_attention_heads: 32, num_hidden_layers: 40, num_key_value_heads: 8, tie_word_embeddings: false, vocab_size: 128256,
      },
      vision_config: {
        attention_heads: 16, hidden_size: 1280, image_size: 560, intermediate_layers_indices: [3, 7, 15, 23, 30], intermediate_size: 5120,
        max_num_tiles: 4, model_type: 'mllama_vision_model', num_channels: 3, num_global_layers: 8, num_hidden_layers: 32, patch_size: 14,
        supported_aspect_ratios: [[1, 1], [1, 2], [1, 3], [1, 4], [2, 1], [2, 2], [3, 1], [4, 1]], vision_output_dim: 7680,
      },
    };
    const a = onlyConfig(JSON.stringify(config), { sequenceLength: 4096 });
    assert.strictEqual(a.estimate!.parameters.total, 10_670_220_835);
    // A text-only run skips the 8 cross-attention layers: the cache holds the other 32 (2 · 8 heads · 128 · 2 bytes each).
    assert.strictEqual(a.estimate!.inference.components.kvCache, 32 * 2 * 8 * 128 * 2 * 4096);
    assert.ok(a.estimate!.assumptions.some(x => /The 8 cross-attention layers see no image and are skipped/.test(x)));
  });

  it('Mistral Small 3.1 (Mistral 3): the Pixtral encoder and a patch-merging projector without biases; as LLaVA, two biased linears', () => {
    // mistralai/Mistral-Small-3.1-24B-Instruct-2503's config.json values, written for the test; 24,011,361,280 parameters.
    const config = {
      architectures: ['Mistral3ForConditionalGeneration'], image_token_index: 10, model_type: 'mistral3', multimodal_projector_bias: false,
      spatial_merge_size: 2, torch_dtype: 'bfloat16',
      text_config: {
        head_dim: 128, hidden_size: 5120, intermediate_size: 32768, max_position_embeddings: 131072, model_type: 'mistral', num_attention_heads: 32,
        num_hidden_layers: 40, num_key_value_heads: 8, sliding_window: null, vocab_size: 131072,
      },
      vision_config: {
        head_dim: 64, hidden_size: 1024, image_size: 1540, intermediate_size: 4096, model_type: 'pixtral', num_attention_heads: 16,
        num_channels: 3, num_hidden_layers: 24, patch_size: 14,
      },
    };
    const a = onlyConfig(JSON.stringify(config));
    assert.strictEqual(a.estimate!.parameters.total, 24_011_361_280);
    // The same tower under LLaVA: no norm or merger, and biases on both linears (5,120 + 5,120).
    const llava = onlyConfig(JSON.stringify({ ...config, model_type: 'llava', multimodal_projector_bias: undefined }));
    assert.strictEqual(llava.estimate!.parameters.vision - a.estimate!.parameters.vision, 2 * 5120 - 1024 - 4096 * 1024);
  });
});

describe("native params.json: Meta's and Mistral's own formats, counted as their model code builds them", () => {
  // The params.json files of meta-llama/Llama-2-7b, meta-llama/Llama-3.1-8B (original/), mistralai/Mistral-7B-v0.3 and
  // mistralai/Mixtral-8x7B-v0.1, as published; their HF checkpoints hold the counts asserted.
  it("Meta's: the FFN width from multiple_of and ffn_dim_multiplier, the vocabulary from the tokenizer where it says -1", () => {
    const llama2 = onlyConfig('{"dim": 4096, "multiple_of": 256, "n_heads": 32, "n_layers": 32, "norm_eps": 1e-05, "vocab_size": -1}');
    assert.strictEqual(llama2.estimate!.parameters.total, 6_738_415_616);
    assert.ok(llama2.problems.some(p => p.severity === 'warning' && /`vocab_size` is -1/.test(p.message)));
    const llama31 = onlyConfig('{"dim": 4096, "ffn_dim_multiplier": 1.3, "multiple_of": 1024, "n_heads": 32, "n_kv_heads": 8, "n_layers": 32, "norm_eps": 1e-05, "rope_theta": 500000.0, "use_scaled_rope": true, "vocab_size": 128256}');
    assert.strictEqual(llama31.estimate!.parameters.total, 8_030_261_248);
    assert.strictEqual(llama31.spec!.intermediateSize, 14336);
  });

  it("Mistral's: hidden_dim as the FFN width, and a moe section of experts", () => {
    const mistral = onlyConfig('{"dim": 4096, "n_layers": 32, "head_dim": 128, "hidden_dim": 14336, "n_heads": 32, "n_kv_heads": 8, "norm_eps": 1e-05, "vocab_size": 32768, "rope_theta": 1000000.0}');
    assert.strictEqual(mistral.estimate!.parameters.total, 7_248_023_552);
    const mixtral = onlyConfig('{"dim": 4096, "n_layers": 32, "head_dim": 128, "hidden_dim": 14336, "n_heads": 32, "n_kv_heads": 8, "norm_eps": 1e-05, "vocab_size": 32000, "moe": {"num_experts_per_tok": 2, "num_experts": 8}}');
    assert.strictEqual(mixtral.estimate!.parameters.total, 46_702_792_704);
  });
});

describe('remote-code families, exact rather than generic', () => {
  // Qwen/Qwen-7B's and THUDM/chatglm2-6b's config.json values, as published; GLM-4-9B's differ from ChatGLM2's in
  // depth and vocabulary. Their checkpoints hold the counts asserted.
  it("Baichuan2-7B (a fused W_pack, an untied head) is 7,505,973,248; EXAONE-3.5-7.8B (num_layers) 7,818,448,896, each as published", () => {
    assert.strictEqual(onlyConfig('{"architectures": ["BaichuanForCausalLM"], "auto_map": {"AutoConfig": "configuration_baichuan.BaichuanConfig", "AutoModelForCausalLM": "modeling_baichuan.BaichuanForCausalLM"}, "tokenizer_class": "BaichuanTokenizer", "bos_token_id": 1, "eos_token_id": 2, "hidden_act": "silu", "hidden_size": 4096, "initializer_range": 0.02, "intermediate_size": 11008, "max_position_embeddings": 4096, "model_max_length": 4096, "model_type": "baichuan", "num_attention_heads": 32, "num_hidden_layers": 32, "pad_token_id": 0, "rms_norm_eps": 1e-06, "_from_model_config": true, "tie_word_embeddings": false, "torch_dtype": "bfloat16", "transformers_version": "4.29.2", "use_cache": true, "vocab_size": 125696}').estimate!.parameters.total, 7_505_973_248);
    assert.strictEqual(onlyConfig('{"activation_function": "silu", "architectures": ["ExaoneForCausalLM"], "attention_dropout": 0.0, "auto_map": {"AutoConfig": "configuration_exaone.ExaoneConfig", "AutoModelForCausalLM": "modeling_exaone.ExaoneForCausalLM"}, "bos_token_id": 1, "embed_dropout": 0.0, "eos_token_id": 361, "head_dim": 128, "hidden_size": 4096, "initializer_range": 0.02, "intermediate_size": 14336, "layer_norm_epsilon": 1e-05, "max_position_embeddings": 32768, "model_type": "exaone", "num_attention_heads": 32, "num_key_value_heads": 8, "num_layers": 32, "pad_token_id": 0, "rope_scaling": {"factor": 8.0, "high_freq_factor": 4.0, "low_freq_factor": 1.0, "original_max_position_embeddings": 8192, "rope_type": "llama3"}, "rope_theta": 1000000.0, "tie_word_embeddings": false, "torch_dtype": "bfloat16", "transformers_version": "4.43.0", "use_cache": true, "vocab_size": 102400}').estimate!.parameters.total, 7_818_448_896);
  });

  it('Qwen (1): intermediate_size counts both halves of its gated MLP, and c_attn is biased', () => {
    const qwen = onlyConfig('{"architectures": ["QWenLMHeadModel"], "hidden_size": 4096, "intermediate_size": 22016, "kv_channels": 128, "max_position_embeddings": 8192, "model_type": "qwen", "no_bias": true, "num_attention_heads": 32, "num_hidden_layers": 32, "seq_length": 8192, "tie_word_embeddings": false, "vocab_size": 151936}');
    assert.strictEqual(qwen.estimate!.parameters.total, 7_721_324_544);
  });

  it('ChatGLM2 and GLM-4: two query groups, a biased query_key_value, padded_vocab_size', () => {
    const glm2 = { model_type: 'chatglm', add_bias_linear: false, add_qkv_bias: true, ffn_hidden_size: 13696, hidden_size: 4096, kv_channels: 128, multi_query_attention: true, multi_query_group_num: 2, num_attention_heads: 32, num_layers: 28, padded_vocab_size: 65024, post_layer_norm: true, rmsnorm: true, seq_length: 32768 };
    assert.strictEqual(onlyConfig(JSON.stringify(glm2)).estimate!.parameters.total, 6_243_584_000);
    assert.strictEqual(onlyConfig(JSON.stringify({ ...glm2, num_layers: 40, padded_vocab_size: 151552, seq_length: 131072 })).estimate!.parameters.total, 9_399_951_360);
  });
});

describe('mixtures of experts beyond Mixtral, Qwen and DeepSeek-V2/V3', () => {
  // The config.json values of allenai/OLMoE-1B-7B-0924, microsoft/Phi-3.5-MoE-instruct and
  // deepseek-ai/deepseek-moe-16b-base; their checkpoints hold the counts asserted.
  it("DBRX (databricks/dbrx-base's config.json): attn_config and ffn_config read, 16 experts of 10,752, top 4; 131,596,523,520 as published, 36.5B active", () => {
    const a = onlyConfig('{"architectures": ["DbrxForCausalLM"], "attn_config": {"clip_qkv": 8, "kv_n_heads": 8, "model_type": "", "rope_theta": 500000}, "d_model": 6144, "emb_pdrop": 0.0, "ffn_config": {"ffn_hidden_size": 10752, "model_type": "", "moe_jitter_eps": 0.01, "moe_loss_weight": 0.05, "moe_num_experts": 16, "moe_top_k": 4}, "initializer_range": 0.02, "max_seq_len": 32768, "model_type": "dbrx", "n_heads": 48, "n_layers": 40, "output_router_logits": false, "resid_pdrop": 0.0, "router_aux_loss_coef": 0.05, "tie_word_embeddings": false, "torch_dtype": "bfloat16", "transformers_version": "4.38.2", "use_cache": true, "vocab_size": 100352}');
    assert.deepStrictEqual([a.estimate!.parameters.total, a.estimate!.parameters.activePerToken], [131_596_523_520, 36_469_708_800]);
  });

  it("MiniCPM and MiniCPM-MoE (openbmb/MiniCPM-MoE-8x2B's config.json): a tied head, 8 experts in every layer", () => {
    // openbmb publishes counts without the embedding: 2.4B for MiniCPM-2B, 13.6B for MiniCPM-MoE-8x2B.
    const moe = onlyConfig('{"architectures": ["MiniCPMForCausalLM"], "bos_token_id": 1, "eos_token_id": 2, "hidden_act": "silu", "hidden_size": 2304, "initializer_range": 0.1, "intermediate_size": 5760, "max_position_embeddings": 4096, "num_attention_heads": 36, "num_hidden_layers": 40, "num_key_value_heads": 36, "rms_norm_eps": 1e-05, "rope_scaling": null, "torch_dtype": "bfloat16", "transformers_version": "4.36.0", "use_cache": true, "vocab_size": 122753, "scale_emb": 12, "dim_model_base": 256, "scale_depth": 1.4, "num_experts": 8, "num_experts_per_tok": 2, "model_type": "minicpm"}').estimate!.parameters;
    assert.deepStrictEqual([moe.total, moe.total - moe.embeddings], [13_873_291_776, 13_590_468_864]);
    const { num_experts: _experts, num_experts_per_tok: _topK, ...dense } = JSON.parse('{"architectures": ["MiniCPMForCausalLM"], "bos_token_id": 1, "eos_token_id": 2, "hidden_act": "silu", "hidden_size": 2304, "initializer_range": 0.1, "intermediate_size": 5760, "max_position_embeddings": 4096, "num_attention_heads": 36, "num_hidden_layers": 40, "num_key_value_heads": 36, "rms_norm_eps": 1e-05, "rope_scaling": null, "torch_dtype": "bfloat16", "transformers_version": "4.36.0", "use_cache": true, "vocab_size": 122753, "scale_emb": 12, "dim_model_base": 256, "scale_depth": 1.4, "num_experts": 8, "num_experts_per_tok": 2, "model_type": "minicpm"}') as Record<string, unknown>;
    const two = onlyConfig(JSON.stringify(dense)).estimate!.parameters;
    assert.deepStrictEqual([two.total, two.total - two.embeddings], [2_724_880_896, 2_442_057_984]);
  });

  it('OLMoE: 64 experts of 1,024 in every layer, q/k norms over the projections', () => {
    const a = onlyConfig('{"architectures": ["OlmoeForCausalLM"], "hidden_size": 2048, "intermediate_size": 1024, "max_position_embeddings": 4096, "model_type": "olmoe", "num_attention_heads": 16, "num_experts": 64, "num_experts_per_tok": 8, "num_hidden_layers": 16, "num_key_value_heads": 16, "tie_word_embeddings": false, "vocab_size": 50304}');
    assert.strictEqual(a.estimate!.parameters.total, 6_919_161_856);
  });

  it('Phi-3.5-MoE: 16 experts, biased attention, LayerNorms and a biased head', () => {
    const a = onlyConfig('{"architectures": ["PhiMoEForCausalLM"], "attention_bias": true, "hidden_size": 4096, "intermediate_size": 6400, "lm_head_bias": true, "max_position_embeddings": 131072, "model_type": "phimoe", "num_attention_heads": 32, "num_experts_per_tok": 2, "num_hidden_layers": 32, "num_key_value_heads": 8, "num_local_experts": 16, "tie_word_embeddings": false, "vocab_size": 32064}');
    assert.strictEqual(a.estimate!.parameters.total, 41_873_153_344);
  });

  it("DeepSeek-V3.2 (its config.json as transformers keeps it): DeepSeek-V3 and a lightning indexer in each of 61 layers; 671,877,929,216 as a Megatron-Bridge conversion counts it", () => {
    const config = { architectures: ['DeepseekV32ForCausalLM'], first_k_dense_replace: 3, hidden_size: 7168, index_head_dim: 128, index_n_heads: 64, index_topk: 2048, intermediate_size: 18432, kv_lora_rank: 512, max_position_embeddings: 163840, model_type: 'deepseek_v32', moe_intermediate_size: 2048, moe_layer_freq: 1, n_group: 8, n_routed_experts: 256, n_shared_experts: 1, num_attention_heads: 128, num_experts_per_tok: 8, num_hidden_layers: 61, num_key_value_heads: 128, q_lora_rank: 1536, qk_nope_head_dim: 128, qk_rope_head_dim: 64, tie_word_embeddings: false, topk_method: 'noaux_tc', v_head_dim: 128, vocab_size: 129280 };
    const v32 = onlyConfig(JSON.stringify(config));
    assert.strictEqual(v32.estimate!.parameters.total, 671_877_929_216);
    // The indexer per layer: wq_b 1,536 × 8,192, wk 7,168 × 128, its LayerNorm 256, weights_proj 7,168 × 64.
    const v3 = onlyConfig(JSON.stringify({ ...config, model_type: 'deepseek_v3', architectures: ['DeepseekV3ForCausalLM'] }));
    assert.strictEqual(v32.estimate!.parameters.total - v3.estimate!.parameters.total, 61 * (1536 * 8192 + 7168 * 128 + 256 + 7168 * 64));
  });

  it("GLM-5 (GlmMoeDsaConfig's defaults): DeepSeek-V3.2's layers in GLM's shapes; 743,911,199,232 as transformers reloads a converted GLM-5", () => {
    const config = { architectures: ['GlmMoeDsaForCausalLM'], model_type: 'glm_moe_dsa', hidden_size: 6144, intermediate_size: 12288, moe_intermediate_size: 2048, num_hidden_layers: 78, num_attention_heads: 64, num_key_value_heads: 64, n_shared_experts: 1, n_routed_experts: 256, kv_lora_rank: 512, q_lora_rank: 2048, qk_rope_head_dim: 64, qk_nope_head_dim: 192, v_head_dim: 256, num_experts_per_tok: 8, vocab_size: 154880, tie_word_embeddings: false, index_head_dim: 128, index_n_heads: 32 };
    assert.strictEqual(onlyConfig(JSON.stringify(config)).estimate!.parameters.total, 743_911_199_232);
    // The config class's defaults are GLM-5's: a config that writes only the model type counts the same.
    assert.strictEqual(onlyConfig('{"model_type": "glm_moe_dsa", "hidden_size": 6144, "num_hidden_layers": 78, "num_attention_heads": 64, "vocab_size": 154880, "intermediate_size": 12288}').estimate!.parameters.total, 743_911_199_232);
  });

  it("GLM-4.7-Flash's class (glm4_moe_lite): GLM-5's layers without the indexer, one dense layer, Glm4MoeLiteConfig's defaults", () => {
    const lite = { architectures: ['Glm4MoeLiteForCausalLM'], model_type: 'glm4_moe_lite', hidden_size: 2048, intermediate_size: 10240, num_hidden_layers: 47, num_attention_heads: 20, num_key_value_heads: 20, vocab_size: 154880, tie_word_embeddings: false };
    const a = onlyConfig(JSON.stringify(lite));
    assert.deepStrictEqual([a.spec!.moe!.numExperts, a.spec!.moe!.moeLayers, a.spec!.mla!.qLoraRank, a.spec!.mla!.indexer], [64, 46, 768, undefined]);
    // The same shapes as GLM-5 (its 3 dense layers and 8 experts a token set to the lite's) add only the indexer.
    const dsa = onlyConfig(JSON.stringify({ ...lite, model_type: 'glm_moe_dsa', architectures: ['GlmMoeDsaForCausalLM'], first_k_dense_replace: 1, q_lora_rank: 768, n_routed_experts: 64, moe_intermediate_size: 1536, num_experts_per_tok: 4 }));
    assert.strictEqual(dsa.estimate!.parameters.total - a.estimate!.parameters.total, 47 * (768 * 32 * 128 + 2048 * 128 + 256 + 2048 * 32));
  });

  it('DeepSeekMoE 16B (v1): a dense first layer, then 64 routed and 2 shared experts; 2.83B active per token', () => {
    const a = onlyConfig('{"architectures": ["DeepseekForCausalLM"], "first_k_dense_replace": 1, "hidden_size": 2048, "intermediate_size": 10944, "max_position_embeddings": 4096, "model_type": "deepseek", "moe_intermediate_size": 1408, "moe_layer_freq": 1, "n_routed_experts": 64, "n_shared_experts": 2, "num_attention_heads": 16, "num_experts_per_tok": 6, "num_hidden_layers": 28, "num_key_value_heads": 16, "tie_word_embeddings": false, "vocab_size": 102400}');
    assert.deepStrictEqual([a.estimate!.parameters.total, a.estimate!.parameters.activePerToken], [16_375_728_128, 2_828_650_496]);
  });
});

describe('GLM: GLM-4, GLM-4-0414 and GLM-4.5 as transformers builds them', () => {
  const glm4 = { hidden_size: 4096, intermediate_size: 13696, num_hidden_layers: 40, num_attention_heads: 32, num_key_value_heads: 2, head_dim: 128, vocab_size: 151552, tie_word_embeddings: false, partial_rotary_factor: 0.5 };

  it("GLM-4.5-Air (its config.json as ms-swift prints it): DeepSeek-V3's experts around biased grouped-query attention; 106,852,245,504 as transformers counts it", () => {
    // The count public training notes give for Glm4MoeForCausalLM, the multi-token-prediction layer 46 left out.
    const config = { architectures: ['Glm4MoeForCausalLM'], attention_bias: true, first_k_dense_replace: 1, head_dim: 128, hidden_size: 4096, intermediate_size: 10944, max_position_embeddings: 131072, model_type: 'glm4_moe', moe_intermediate_size: 1408, n_group: 1, n_routed_experts: 128, n_shared_experts: 1, norm_topk_prob: true, num_attention_heads: 96, num_experts_per_tok: 8, num_hidden_layers: 46, num_key_value_heads: 8, num_nextn_predict_layers: 1, partial_rotary_factor: 0.5, routed_scaling_factor: 1.0, tie_word_embeddings: false, topk_group: 1, use_qk_norm: false, vocab_size: 151552 };
    const air = onlyConfig(JSON.stringify(config));
    assert.strictEqual(air.spec?.generic, false);
    assert.strictEqual(air.estimate!.parameters.total, 106_852_245_504);
    // GLM-4.5's per-head q/k norms: two 128-wide norms a layer.
    const qkNorm = onlyConfig(JSON.stringify({ ...config, use_qk_norm: true }));
    assert.strictEqual(qkNorm.estimate!.parameters.total - air.estimate!.parameters.total, 46 * 2 * 128);
    // Glm4MoeConfig's defaults are GLM-4.5-Air's mixture: a config that leaves them out counts the same.
    const { first_k_dense_replace: _k, n_routed_experts: _e, n_shared_experts: _s, num_experts_per_tok: _t, moe_intermediate_size: _m, ...bare } = config;
    assert.strictEqual(onlyConfig(JSON.stringify(bare)).estimate!.parameters.total, 106_852_245_504);
  });

  it("GLM-4.5V / 4.6V and GLM-4.1V: their language models (glm4v_moe_text, glm4v_text) counted as GLM-4.5-Air's and GLM-4-0414's, and their tower", () => {
    const moe = { model_type: 'glm4v_moe_text', attention_bias: true, first_k_dense_replace: 1, head_dim: 128, hidden_size: 4096, intermediate_size: 10944, moe_intermediate_size: 1408, n_routed_experts: 128, n_shared_experts: 1, num_attention_heads: 96, num_experts_per_tok: 8, num_hidden_layers: 46, num_key_value_heads: 8, vocab_size: 151552, tie_word_embeddings: false };
    // GLM-4.1V-9B-Thinking's vision_config; GLM-4.5V's the same but a merger of 10,944.
    const tower = { depth: 24, hidden_size: 1536, intermediate_size: 13696, num_heads: 12, patch_size: 14, image_size: 336, out_hidden_size: 4096, spatial_merge_size: 2, temporal_patch_size: 2, in_channels: 3, attention_bias: false };
    // As transformers' Glm4vVisionModel builds it: the biased 3-D patch convolution (3 × 2 × 14 × 14 → 1,536) and its
    // norm, 576 learned positions; 24 blocks of two norms, qkv, proj and a gated MLP 4,096 wide; the final norm; the
    // biased 2 × 2 convolution into 4,096; the merger's square projection, LayerNorm and gated MLP of intermediate_size.
    const glmTower = (merger: number) =>
      (3 * 2 * 14 * 14 * 1536 + 1536) + 1536 + 576 * 1536 + 24 * (2 * 1536 + 1536 * 4608 + 1536 * 1536 + 3 * 1536 * 4096) + 1536
      + (1536 * 4 * 4096 + 4096) + 4096 * 4096 + 2 * 4096 + 3 * 4096 * merger;
    const v = onlyConfig(JSON.stringify({ architectures: ['Glm4vMoeForConditionalGeneration'], model_type: 'glm4v_moe', text_config: moe, vision_config: { model_type: 'glm4v_moe', ...tower, intermediate_size: 10944 } }));
    assert.strictEqual(v.estimate!.parameters.vision, glmTower(10944));
    // GLM-4.5V: 107.71B, the card's 108B.
    assert.strictEqual(v.estimate!.parameters.total, 106_852_245_504 + glmTower(10944));
    assert.ok(!v.problems.some(p => /vision tower VRAM Lens does not count/.test(p.message)));
    const text = onlyConfig(JSON.stringify({ model_type: 'glm4v_text', attention_bias: true, ...glm4 }));
    assert.strictEqual(text.estimate!.parameters.total, 9_400_279_040);
    // GLM-4.1V-9B-Thinking: 10,292,777,472, the card's 10.3B.
    const v41 = onlyConfig(JSON.stringify({ architectures: ['Glm4vForConditionalGeneration'], model_type: 'glm4v', text_config: { ...glm4, model_type: 'glm4v_text', attention_bias: true }, vision_config: { model_type: 'glm4v', ...tower } }));
    assert.strictEqual(glmTower(13696), 892_498_432);
    assert.strictEqual(v41.estimate!.parameters.total, 9_400_279_040 + 892_498_432);
  });

  it("GLM-4-9B-Chat in transformers (glm) counts what its remote code (chatglm) does: 9,399,951,360", () => {
    const a = onlyConfig(JSON.stringify({ architectures: ['GlmForCausalLM'], model_type: 'glm', attention_bias: true, ...glm4 }));
    assert.strictEqual(a.estimate!.parameters.total, 9_399_951_360);
    assert.strictEqual(onlyConfig(JSON.stringify({ architectures: ['GlmForCausalLM'], model_type: 'glm', attention_bias: false, ...glm4 })).estimate!.parameters.total, 9_399_951_360 - 40 * (4096 + 2 * 256));
  });

  it("GLM-4-0414 (glm4): a norm after attention and one after the MLP; 9,400,279,040, what llama-server reports for these shapes", () => {
    const a = onlyConfig(JSON.stringify({ architectures: ['Glm4ForCausalLM'], model_type: 'glm4', attention_bias: true, ...glm4 }));
    assert.strictEqual(a.estimate!.parameters.total, 9_400_279_040);
  });
});

describe("Qwen3.5: Qwen3-Next's hybrid layers with a dense MLP, Qwen3-VL's tower without DeepStack", () => {
  // Qwen3.5-27B's config.json as public serving tests write it out; keras-hub's qwen3_5_presets.py counts 27,356,728,560,
  // public notes split it as 26,895,998,464 for the language model and 460,730,096 for the tower.
  const text = { model_type: 'qwen3_5_text', full_attention_interval: 4, head_dim: 256, hidden_size: 5120, intermediate_size: 17408, linear_conv_kernel_dim: 4, linear_key_head_dim: 128, linear_num_key_heads: 16, linear_num_value_heads: 48, linear_value_head_dim: 128, num_attention_heads: 24, num_hidden_layers: 64, num_key_value_heads: 4, tie_word_embeddings: false, vocab_size: 248320, mtp_num_hidden_layers: 1 };
  const vision = { model_type: 'qwen3_5_vision', deepstack_visual_indexes: [], depth: 27, hidden_size: 1152, intermediate_size: 4304, num_heads: 16, num_position_embeddings: 2304, out_hidden_size: 5120, patch_size: 16, spatial_merge_size: 2, temporal_patch_size: 2, in_channels: 3 };

  it('Qwen3.5-27B: 27,356,728,560, the tower 460,730,096', () => {
    const a = onlyConfig(JSON.stringify({ architectures: ['Qwen3_5ForConditionalGeneration'], model_type: 'qwen3_5', tie_word_embeddings: false, text_config: text, vision_config: vision }));
    assert.strictEqual(a.spec?.generic, false);
    assert.deepStrictEqual([a.estimate!.parameters.total, a.estimate!.parameters.vision], [27_356_728_560, 460_730_096]);
    // Its config class drops deepstack_visual_indexes: a config without the key has no DeepStack mergers either.
    const { deepstack_visual_indexes: _none, ...withoutKey } = vision;
    assert.strictEqual(onlyConfig(JSON.stringify({ model_type: 'qwen3_5', text_config: text, vision_config: withoutKey })).estimate!.parameters.total, 27_356_728_560);
  });

  it("Qwen3.5-9B (Qwen3_5TextConfig's defaults): 9,409,813,744 as keras-hub counts it", () => {
    const nine = { ...text, hidden_size: 4096, intermediate_size: 12288, num_hidden_layers: 32, num_attention_heads: 16, linear_num_value_heads: 32 };
    const a = onlyConfig(JSON.stringify({ model_type: 'qwen3_5', text_config: nine, vision_config: { ...vision, out_hidden_size: 4096 } }));
    assert.strictEqual(a.estimate!.parameters.total, 9_409_813_744);
  });
});

describe('Seed-OSS and EXAONE 4.0 as transformers builds them', () => {
  it("Seed-OSS-36B: Llama's block with q/k/v biases and none on o_proj; 36,151,104,512 as its checkpoint index gives it", () => {
    const config = { architectures: ['SeedOssForCausalLM'], model_type: 'seed_oss', hidden_size: 5120, num_hidden_layers: 64, intermediate_size: 27648, num_attention_heads: 80, num_key_value_heads: 8, head_dim: 128, vocab_size: 155136, max_position_embeddings: 524288, attention_bias: true, attention_out_bias: false, mlp_bias: false, tie_word_embeddings: false };
    const a = onlyConfig(JSON.stringify(config));
    assert.strictEqual(a.estimate!.parameters.total, 36_151_104_512);
    const withOut = onlyConfig(JSON.stringify({ ...config, attention_out_bias: true }));
    assert.strictEqual(withOut.estimate!.parameters.total - a.estimate!.parameters.total, 64 * 5120);
  });

  it("Ministral and Ministral 3 (Mistral 3's language model): Mistral's tensors, no generic warning", () => {
    const text = { hidden_size: 4096, intermediate_size: 14336, num_hidden_layers: 34, num_attention_heads: 32, num_key_value_heads: 8, head_dim: 128, vocab_size: 131072, tie_word_embeddings: false };
    const mistral = onlyConfig(JSON.stringify({ model_type: 'mistral', ...text })).estimate!.parameters.total;
    for (const type of ['ministral', 'ministral3']) {
      const a = onlyConfig(JSON.stringify({ model_type: type, ...text }));
      assert.strictEqual(a.spec?.generic, false, type);
      assert.strictEqual(a.estimate!.parameters.total, mistral, type);
    }
  });

  it("Arcee AFM and Nemotron: Nemotron's MLP of up_proj and down_proj (no gate); Nemotron's LayerNorms with a bias", () => {
    const text = { hidden_size: 2560, intermediate_size: 18432, num_hidden_layers: 36, num_attention_heads: 20, num_key_value_heads: 4, head_dim: 128, vocab_size: 128004, tie_word_embeddings: false };
    const llama = onlyConfig(JSON.stringify({ model_type: 'llama', ...text })).estimate!.parameters.total;
    const arcee = onlyConfig(JSON.stringify({ model_type: 'arcee', ...text }));
    assert.strictEqual(arcee.spec?.generic, false);
    assert.strictEqual(llama - arcee.estimate!.parameters.total, 36 * 2560 * 18432);
    // 36 × 2 + 1 norms, each with a bias beside its weight.
    assert.strictEqual(onlyConfig(JSON.stringify({ model_type: 'nemotron', ...text })).estimate!.parameters.total - arcee.estimate!.parameters.total, 73 * 2560);
  });

  it('Granite MoE shared: a gated shared MLP beside the experts; FlexOlmo: OLMoE\'s tensors; Helium and Code World Model: Llama\'s', () => {
    const moe = { hidden_size: 1024, intermediate_size: 512, num_hidden_layers: 24, num_attention_heads: 16, num_key_value_heads: 8, vocab_size: 49155, num_local_experts: 32, num_experts_per_tok: 8 };
    const plain = onlyConfig(JSON.stringify({ model_type: 'granitemoe', ...moe })).estimate!.parameters.total;
    const shared = onlyConfig(JSON.stringify({ model_type: 'granitemoeshared', shared_intermediate_size: 1024, ...moe }));
    assert.strictEqual(shared.estimate!.parameters.total - plain, 24 * 3 * 1024 * 1024);
    const olmoe = { hidden_size: 2048, intermediate_size: 1024, num_hidden_layers: 16, num_attention_heads: 16, num_experts: 64, num_experts_per_tok: 8, vocab_size: 50304, tie_word_embeddings: false };
    assert.strictEqual(onlyConfig(JSON.stringify({ model_type: 'flex_olmo', ...olmoe })).estimate!.parameters.total, onlyConfig(JSON.stringify({ model_type: 'olmoe', ...olmoe })).estimate!.parameters.total);
    const dense = { hidden_size: 2048, intermediate_size: 8192, num_hidden_layers: 24, num_attention_heads: 16, num_key_value_heads: 8, vocab_size: 48000, tie_word_embeddings: false };
    const llama = onlyConfig(JSON.stringify({ model_type: 'llama', ...dense })).estimate!.parameters.total;
    for (const type of ['helium', 'cwm']) {
      const a = onlyConfig(JSON.stringify({ model_type: type, ...dense }));
      assert.deepStrictEqual([a.spec?.generic, a.estimate!.parameters.total], [false, llama], type);
    }
  });

  it("FalconMamba-7B (falcon_mamba): Mamba's tensors, its mixer norms weightless; 7.27B as published", () => {
    const config = { model_type: 'falcon_mamba', architectures: ['FalconMambaForCausalLM'], hidden_size: 4096, intermediate_size: 8192, num_hidden_layers: 64, state_size: 16, conv_kernel: 4, time_step_rank: 256, vocab_size: 65024, use_bias: false, use_conv_bias: true, tie_word_embeddings: false };
    const a = onlyConfig(JSON.stringify(config));
    assert.strictEqual((a.estimate!.parameters.total / 1e9).toFixed(2), '7.27');
    assert.strictEqual(a.estimate!.parameters.total, onlyConfig(JSON.stringify({ ...config, model_type: 'mamba' })).estimate!.parameters.total);
  });

  it("Apertus-8B: q/k norms, an MLP of up and down projections around xIELU and its two learned scalars a layer; 8,053,338,176 as transformers loads it", () => {
    const a = onlyConfig('{"architectures": ["ApertusForCausalLM"], "model_type": "apertus", "hidden_size": 4096, "intermediate_size": 21504, "num_hidden_layers": 32, "num_attention_heads": 32, "num_key_value_heads": 8, "vocab_size": 131072, "tie_word_embeddings": false}');
    assert.strictEqual(a.estimate!.parameters.total, 8_053_338_176);
  });

  it("GPT-Neo: GPT-2's block with unbiased q, k and v; GPT-Neo-125M 125,198,592 as GPTNeoForCausalLM loads it", () => {
    const a = onlyConfig('{"model_type": "gpt_neo", "architectures": ["GPTNeoForCausalLM"], "hidden_size": 768, "num_layers": 12, "num_heads": 12, "max_position_embeddings": 2048, "vocab_size": 50257, "attention_types": [[["global", "local"], 6]]}');
    assert.deepStrictEqual([a.spec?.generic, a.estimate!.parameters.total], [false, 125_198_592]);
  });

  it("CodeGen: GPT-J's tensors", () => {
    const dims = { n_embd: 1024, n_layer: 20, n_head: 16, n_positions: 2048, vocab_size: 51200, rotary_dim: 32 };
    const a = onlyConfig(JSON.stringify({ model_type: 'codegen', ...dims }));
    assert.deepStrictEqual([a.spec?.generic, a.estimate!.parameters.total], [false, onlyConfig(JSON.stringify({ model_type: 'gptj', ...dims })).estimate!.parameters.total]);
  });

  it('GPTBigCode (StarCoder): GPT-2 with one key-value head; StarCoder-1B 1,137,207,296 and 15B 15,517,456,384 as published', () => {
    const one = onlyConfig('{"model_type": "gpt_bigcode", "n_embd": 2048, "n_layer": 24, "n_head": 16, "n_positions": 8192, "vocab_size": 49152, "multi_query": true, "n_inner": 8192}');
    assert.deepStrictEqual([one.spec?.generic, one.spec!.numKvHeads, one.estimate!.parameters.total], [false, 1, 1_137_207_296]);
    // GPTBigCodeConfig's multi_query defaults to true.
    assert.strictEqual(onlyConfig('{"model_type": "gpt_bigcode", "n_embd": 6144, "n_layer": 40, "n_head": 48, "n_positions": 8192, "vocab_size": 49152, "n_inner": 24576}').estimate!.parameters.total, 15_517_456_384);
  });

  it("MiniMax-M2 (MiniMaxM2Config's defaults, as Megatron ports write them): 256 experts of 1,536 in all 62 layers, q/k norms over the projections", () => {
    const a = onlyConfig('{"architectures": ["MiniMaxM2ForCausalLM"], "model_type": "minimax_m2", "hidden_size": 3072, "intermediate_size": 1536, "num_hidden_layers": 62, "num_attention_heads": 48, "num_key_value_heads": 8, "head_dim": 128, "num_local_experts": 256, "num_experts_per_tok": 8, "vocab_size": 200064, "tie_word_embeddings": false}');
    // Per layer: attention 44,040,192 + q/k norms 6,144 + 1,024 + norms 6,144 + experts 3,623,878,656 + router 786,432.
    assert.strictEqual(a.estimate!.parameters.total, 2 * 200064 * 3072 + 62 * 3_668_718_592 + 3072);
    assert.strictEqual(a.spec!.moe!.numExperts, 256);
  });

  it("dots.llm1 (its config.json as public ports write it): Qwen3's attention with DeepSeek-V3's experts; 142.8B (its model card's 142B)", () => {
    const a = onlyConfig('{"architectures": ["Dots1ForCausalLM"], "model_type": "dots1", "hidden_size": 4096, "num_hidden_layers": 62, "intermediate_size": 10944, "num_attention_heads": 32, "num_key_value_heads": 32, "vocab_size": 152064, "first_k_dense_replace": 1, "moe_intermediate_size": 1408, "n_routed_experts": 128, "n_shared_experts": 2, "num_experts_per_tok": 6, "attention_bias": false, "tie_word_embeddings": false}');
    // Per layer: attention 67,108,864 + q/k norms 256 + norms 8,192; the dense MLP 134,479,872; 61 × (experts
    // 2,214,592,512 + shared 34,603,008 + router 524,288).
    assert.strictEqual(a.estimate!.parameters.total, 2 * 152064 * 4096 + 62 * 67_117_312 + 134_479_872 + 61 * 2_249_719_808 + 4096);
  });

  it("EXAONE 4.0-32B (its config as TensorRT-LLM's test writes it): post-norms, per-head q/k norms, three sliding layers in four; 30.95B without the embeddings", () => {
    const config = { architectures: ['Exaone4ForCausalLM'], model_type: 'exaone4', head_dim: 128, hidden_size: 5120, intermediate_size: 27392, max_position_embeddings: 131072, num_attention_heads: 40, num_hidden_layers: 64, num_key_value_heads: 8, sliding_window: 4096, sliding_window_pattern: 4, tie_word_embeddings: false, vocab_size: 102400 };
    const a = onlyConfig(JSON.stringify(config));
    const p = a.estimate!.parameters;
    assert.strictEqual(p.total, 32_003_216_384);
    assert.strictEqual(((p.total - p.embeddings - p.head) / 1e9).toFixed(2), '30.95');
    assert.strictEqual(a.spec!.slidingLayers, 48);
    // The pattern written as letters, and a null window (EXAONE 4.0-1.2B: every layer global).
    assert.strictEqual(onlyConfig(JSON.stringify({ ...config, sliding_window_pattern: 'LLGL' })).spec!.slidingLayers, 48);
    assert.strictEqual(onlyConfig(JSON.stringify({ ...config, sliding_window: null })).spec!.slidingLayers, 0);
  });

  it("Hunyuan-A13B (hunyuan_v1_moe, its settings written per layer): 64 experts of 3,072 and a shared MLP in all 32 layers, per-head q/k norms; 80.39B, 12.75B active (its card's 80B and 13B)", () => {
    const perLayer = (value: number) => Array.from({ length: 32 }, () => value);
    const config = { architectures: ['HunYuanMoEV1ForCausalLM'], model_type: 'hunyuan_v1_moe', hidden_size: 4096, num_hidden_layers: 32, num_attention_heads: 32, num_key_value_heads: 8, head_dim: 128, intermediate_size: 3072, vocab_size: 128167, num_experts: 64, moe_intermediate_size: perLayer(3072), moe_topk: perLayer(8), num_shared_expert: perLayer(1), use_qk_norm: true, tie_word_embeddings: true };
    const a = onlyConfig(JSON.stringify(config));
    // Per layer (transformers' modeling_hunyuan_v1_moe): attention 41,943,040 + query/key norms 256 + norms 8,192;
    // 64 experts 2,415,919,104 + the shared MLP 37,748,736 + the router 262,144.
    const layer = 41_943_040 + 256 + 8192 + 2_415_919_104 + 37_748_736 + 262_144;
    assert.strictEqual(a.estimate!.parameters.total, 128167 * 4096 + 32 * layer + 4096);
    assert.strictEqual(((a.estimate!.parameters.activePerToken) / 1e9).toFixed(2), '12.75');
    assert.deepStrictEqual(a.problems, []);
    const uneven = onlyConfig(JSON.stringify({ ...config, moe_topk: [...perLayer(8).slice(1), 4] }));
    assert.ok(uneven.problems.some(p => /`moe_topk` differs from layer to layer/.test(p.message)));
  });

  it('Hunyuan dense (hunyuan_v1_dense): Llama\'s block with per-head query and key norms', () => {
    const config = { architectures: ['HunYuanDenseV1ForCausalLM'], model_type: 'hunyuan_v1_dense', hidden_size: 4096, num_hidden_layers: 32, num_attention_heads: 32, num_key_value_heads: 8, head_dim: 128, intermediate_size: 14336, vocab_size: 128167, tie_word_embeddings: true };
    const a = onlyConfig(JSON.stringify(config));
    const llama = onlyConfig(JSON.stringify({ ...config, architectures: ['LlamaForCausalLM'], model_type: 'llama' }));
    assert.strictEqual(a.estimate!.parameters.total - llama.estimate!.parameters.total, 32 * 2 * 128);
    assert.ok(!a.problems.some(p => /not a family VRAM Lens knows/.test(p.message)));
  });
});

describe('LFM2: short convolutions beside grouped-query attention', () => {
  // LFM2-1.2B's config.json values; 1,170,340,608 and LFM2-350M's 354,483,968 as LiquidAI's model cards give them.
  const config = { architectures: ['Lfm2ForCausalLM'], model_type: 'lfm2', hidden_size: 2048, block_ff_dim: 12288, block_multiple_of: 256, block_ffn_dim_multiplier: 1.0, block_auto_adjust_ff_dim: true, num_hidden_layers: 16, num_attention_heads: 32, num_key_value_heads: 8, vocab_size: 65536, conv_L_cache: 3, conv_bias: false, full_attn_idxs: [2, 5, 8, 10, 12, 14], tie_word_embeddings: true };

  it('LFM2-1.2B: 10 convolutions and 6 attention layers, the MLP two thirds of block_ff_dim rounded to 256; 1,170,340,608', () => {
    const a = onlyConfig(JSON.stringify(config));
    assert.deepStrictEqual([a.estimate!.parameters.total, a.spec!.intermediateSize, a.spec!.hybrid!.attentionLayers], [1_170_340_608, 8192, 6]);
  });

  it('LFM2-350M, its layers named by layer_types: 354,483,968', () => {
    const types = Array.from({ length: 16 }, (_, i) => ([2, 5, 8, 10, 12, 14].includes(i) ? 'full_attention' : 'conv'));
    const { full_attn_idxs: _list, ...rest } = config;
    const a = onlyConfig(JSON.stringify({ ...rest, hidden_size: 1024, block_ff_dim: 6656, num_attention_heads: 16, layer_types: types }));
    assert.strictEqual(a.estimate!.parameters.total, 354_483_968);
  });
});

describe('Nemotron-H: blocks of one mixer each', () => {
  // NVIDIA-Nemotron-Nano-9B-v2's config.json values; its safetensors metadata counts 8,888,227,328.
  const config = { architectures: ['NemotronHForCausalLM'], model_type: 'nemotron_h', num_hidden_layers: 56, hidden_size: 4480, intermediate_size: 15680, num_attention_heads: 40, num_key_value_heads: 8, head_dim: 128, vocab_size: 131072, hybrid_override_pattern: 'M-M-M-MM-M-M-M*-M-M-M*-M-M-M-M*-M-M-M-M*-M-MM-M-M-M-M-M-', ssm_state_size: 128, conv_kernel: 4, n_groups: 8, mamba_num_heads: 128, mamba_head_dim: 80, tie_word_embeddings: false };

  it('Nemotron Nano 9B v2: 27 Mamba2 blocks, 4 attention, 25 MLPs (up and down around relu²), a norm each; 8,888,227,328', () => {
    const a = onlyConfig(JSON.stringify(config));
    assert.strictEqual(a.estimate!.parameters.total, 8_888_227_328);
    assert.deepStrictEqual([a.spec!.hybrid!.mambaLayers, a.spec!.hybrid!.attentionLayers, a.spec!.mlpLayers], [27, 4, 25]);
  });

  it("Nemotron 3 Nano 30B-A3B: 23 Mamba2, 23 expert and 6 attention blocks; llama-server's 31,577,940,288 less its 23 routers' correction biases, buffers in transformers", () => {
    const a = onlyConfig('{"architectures": ["NemotronHForCausalLM"], "attention_bias": false, "conv_kernel": 4, "head_dim": 128, "hidden_size": 2688, "hybrid_override_pattern": "MEMEM*EMEMEM*EMEMEM*EMEMEM*EMEMEM*EMEMEMEM*EMEMEMEME", "intermediate_size": 1856, "mamba_head_dim": 64, "mamba_num_heads": 64, "mlp_bias": false, "model_type": "nemotron_h", "moe_intermediate_size": 1856, "moe_shared_expert_intermediate_size": 3712, "n_groups": 8, "n_routed_experts": 128, "n_shared_experts": 1, "num_attention_heads": 32, "num_experts_per_tok": 6, "num_hidden_layers": 52, "num_key_value_heads": 2, "ssm_state_size": 128, "tie_word_embeddings": false, "use_bias": false, "use_conv_bias": true, "vocab_size": 131072}');
    assert.deepStrictEqual([a.spec!.hybrid!.mambaLayers, a.spec!.moe!.moeLayers, a.spec!.hybrid!.attentionLayers, a.spec!.mlpLayers], [23, 23, 6, 0]);
    assert.strictEqual(a.estimate!.parameters.total + 23 * 128, 31_577_940_288);
  });

  it('the pattern as a layers_block_type list counts the same; one that misspells a block is an error on its key', () => {
    const types = [...config.hybrid_override_pattern].map(c => ({ M: 'mamba', '*': 'attention', '-': 'mlp' })[c]);
    const { hybrid_override_pattern: _pattern, ...rest } = config;
    assert.strictEqual(onlyConfig(JSON.stringify({ ...rest, layers_block_type: types })).estimate!.parameters.total, 8_888_227_328);
    const text = JSON.stringify({ ...config, hybrid_override_pattern: 'M-M-X' });
    const bad = onlyConfig(text);
    assert.strictEqual(bad.estimate, undefined);
    assert.ok(bad.problems.some(p => p.severity === 'error' && text.slice(p.span.start, p.span.end).startsWith('"hybrid_override_pattern"')));
  });
});

describe('ERNIE 4.5 as transformers builds it', () => {
  // ERNIE-4.5-21B-A3B's config.json values as public serving tests write them out.
  const moe = { architectures: ['Ernie4_5_MoeForCausalLM'], model_type: 'ernie4_5_moe', hidden_size: 2560, intermediate_size: 12288, moe_intermediate_size: 1536, num_hidden_layers: 28, num_attention_heads: 20, num_key_value_heads: 4, head_dim: 128, moe_num_experts: 64, moe_num_shared_experts: 2, moe_k: 6, moe_layer_start_index: 1, moe_layer_end_index: 27, moe_layer_interval: 1, vocab_size: 103424, tie_word_embeddings: true, use_bias: false };

  it("ERNIE-4.5-21B-A3B: a dense first layer, then 64 experts of 1,536 and two shared, the router's correction bias a parameter; 21.8B", () => {
    const a = onlyConfig(JSON.stringify(moe));
    assert.strictEqual(a.spec?.generic, false);
    // Embedding 264,765,440; 28 × (attention 15,728,640 + norms 5,120); the dense MLP 94,371,840; 27 × (experts
    // 754,974,720 + shared 23,592,960 + router 163,840 + its bias 64); the final norm.
    assert.strictEqual(a.estimate!.parameters.total, 21_825_437_888);
    // moe_layer_end_index -1 is the last layer; every second layer holds experts at interval 2.
    assert.strictEqual(onlyConfig(JSON.stringify({ ...moe, moe_layer_end_index: -1 })).estimate!.parameters.total, 21_825_437_888);
    const everyOther = onlyConfig(JSON.stringify({ ...moe, moe_layer_interval: 2 })).spec!.moe!;
    assert.strictEqual(everyOther.moeLayers, 14);
  });

  it('ERNIE-4.5-0.3B (ernie4_5): a Llama block with a tied head; 360,748,032', () => {
    const a = onlyConfig(JSON.stringify({ architectures: ['Ernie4_5ForCausalLM'], model_type: 'ernie4_5', hidden_size: 1024, intermediate_size: 3072, num_hidden_layers: 18, num_attention_heads: 16, num_key_value_heads: 2, head_dim: 128, vocab_size: 103424, tie_word_embeddings: true, use_bias: false }));
    assert.strictEqual(a.spec?.generic, false);
    assert.strictEqual(a.estimate!.parameters.total, 360_748_032);
  });
});

describe('T5 as the text encoder of Flux and SD3', () => {
  it("T5EncoderModel (FLUX.1's text_encoder_2 config.json): the encoder stack alone, 4,762,310,656 of T5-XXL's 11,135,332,352", () => {
    const config = {
      architectures: ['T5EncoderModel'], d_ff: 10240, d_kv: 64, d_model: 4096, dense_act_fn: 'gelu_new', feed_forward_proj: 'gated-gelu', is_encoder_decoder: true,
      model_type: 't5', num_decoder_layers: 24, num_heads: 64, num_layers: 24, relative_attention_num_buckets: 32, tie_word_embeddings: false, vocab_size: 32128,
    };
    const encoder = onlyConfig(JSON.stringify(config));
    assert.strictEqual(encoder.estimate!.parameters.total, 4_762_310_656);
    assert.strictEqual(encoder.estimate!.inference.components.kvCache, 0);
    assert.ok(!encoder.problems.some(p => /far outside/.test(p.message)));
    const whole = onlyConfig(JSON.stringify({ ...config, architectures: ['T5ForConditionalGeneration'] }));
    assert.strictEqual(whole.estimate!.parameters.total, 11_135_332_352);
  });
});

describe('encoder–decoder: mT5, UMT5, mBART, Marian, Pegasus', () => {
  // Each config.json as published on the Hub (google/mt5-base, google/umt5-small, facebook/mbart-large-50,
  // Helsinki-NLP/opus-mt-en-de, google/pegasus-large).
  it("mT5: T5 v1.1's gated, untied blocks over a 250,112-token vocabulary; mt5-base is 582,401,280", () => {
    assert.strictEqual(onlyConfig('{"architectures": ["MT5ForConditionalGeneration"], "d_ff": 2048, "d_kv": 64, "d_model": 768, "decoder_start_token_id": 0, "dropout_rate": 0.1, "eos_token_id": 1, "feed_forward_proj": "gated-gelu", "initializer_factor": 1.0, "is_encoder_decoder": true, "layer_norm_epsilon": 1e-06, "model_type": "mt5", "num_decoder_layers": 12, "num_heads": 12, "num_layers": 12, "output_past": true, "pad_token_id": 0, "relative_attention_num_buckets": 32, "tie_word_embeddings": false, "tokenizer_class": "T5Tokenizer", "vocab_size": 250112}').estimate!.parameters.total, 582_401_280);
  });

  it('UMT5: a relative-position bias in every layer; umt5-small is 306,601,984', () => {
    assert.strictEqual(onlyConfig('{"architectures": ["UMT5ForConditionalGeneration"], "classifier_dropout": 0.0, "d_ff": 1024, "d_kv": 64, "d_model": 512, "decoder_start_token_id": 0, "dense_act_fn": "gelu_new", "dropout_rate": 0.1, "eos_token_id": 1, "feed_forward_proj": "gated-gelu", "initializer_factor": 1.0, "is_encoder_decoder": true, "is_gated_act": true, "layer_norm_epsilon": 1e-06, "model_type": "umt5", "num_decoder_layers": 8, "num_heads": 6, "num_layers": 8, "pad_token_id": 0, "relative_attention_max_distance": 128, "relative_attention_num_buckets": 32, "scalable_attention": true, "tie_word_embeddings": false, "tokenizer_class": "T5Tokenizer", "use_cache": true, "vocab_size": 256384}').estimate!.parameters.total, 306_601_984);
  });

  it("mBART: BART's blocks with embedding and final LayerNorms in both stacks; mbart-large-50 is 610,879,488", () => {
    assert.strictEqual(onlyConfig('{"activation_dropout": 0.0, "activation_function": "gelu", "add_bias_logits": false, "add_final_layer_norm": true, "architectures": ["MBartForConditionalGeneration"], "attention_dropout": 0.0, "d_model": 1024, "decoder_attention_heads": 16, "decoder_ffn_dim": 4096, "decoder_layerdrop": 0.0, "decoder_layers": 12, "dropout": 0.1, "encoder_attention_heads": 16, "encoder_ffn_dim": 4096, "encoder_layerdrop": 0.0, "encoder_layers": 12, "is_encoder_decoder": true, "max_position_embeddings": 1024, "model_type": "mbart", "normalize_before": true, "normalize_embedding": true, "num_hidden_layers": 12, "scale_embedding": true, "static_position_embeddings": false, "vocab_size": 250054}').estimate!.parameters.total, 610_879_488);
  });

  it('Marian and Pegasus: sinusoidal position tables (frozen nn.Embedding parameters, as transformers allocates them)', () => {
    // opus-mt-en-de: 58,101 × 512 shared embeddings, two 512 × 512 tables, 6 + 6 blocks, no stack norms.
    assert.strictEqual(onlyConfig('{"activation_dropout": 0.0, "activation_function": "swish", "add_bias_logits": false, "add_final_layer_norm": false, "architectures": ["MarianMTModel"], "attention_dropout": 0.0, "bos_token_id": 0, "classif_dropout": 0.0, "classifier_dropout": 0.0, "d_model": 512, "decoder_attention_heads": 8, "decoder_ffn_dim": 2048, "decoder_layerdrop": 0.0, "decoder_layers": 6, "decoder_start_token_id": 58100, "decoder_vocab_size": 58101, "dropout": 0.1, "encoder_attention_heads": 8, "encoder_ffn_dim": 2048, "encoder_layerdrop": 0.0, "encoder_layers": 6, "eos_token_id": 0, "forced_eos_token_id": 0, "init_std": 0.02, "is_encoder_decoder": true, "max_length": 512, "max_position_embeddings": 512, "model_type": "marian", "normalize_before": false, "normalize_embedding": false, "num_beams": 4, "num_hidden_layers": 6, "pad_token_id": 58100, "scale_embedding": true, "share_encoder_decoder_embeddings": true, "static_position_embeddings": true, "tie_word_embeddings": true, "vocab_size": 58101}').estimate!.parameters.total, 74_410_496);
    // pegasus-large: 96,103 × 1,024 shared embeddings, two 1,024 × 1,024 tables, 16 + 16 blocks, a final norm per stack.
    assert.strictEqual(onlyConfig('{"activation_dropout": 0.1, "activation_function": "relu", "add_bias_logits": false, "add_final_layer_norm": true, "architectures": ["PegasusForConditionalGeneration"], "attention_dropout": 0.1, "d_model": 1024, "decoder_attention_heads": 16, "decoder_ffn_dim": 4096, "decoder_layerdrop": 0.0, "decoder_layers": 16, "dropout": 0.1, "encoder_attention_heads": 16, "encoder_ffn_dim": 4096, "encoder_layerdrop": 0.0, "encoder_layers": 16, "is_encoder_decoder": true, "max_position_embeddings": 1024, "model_type": "pegasus", "normalize_before": true, "normalize_embedding": false, "num_hidden_layers": 16, "scale_embedding": true, "static_position_embeddings": true, "vocab_size": 96103}').estimate!.parameters.total, 570_797_056);
    // A Marian model with a decoder vocabulary of its own is refused on the key, not counted short.
    const unshared = onlyConfig('{"d_model": 512, "decoder_attention_heads": 8, "decoder_ffn_dim": 2048, "decoder_layers": 6, "decoder_vocab_size": 60000, "encoder_attention_heads": 8, "encoder_ffn_dim": 2048, "encoder_layers": 6, "is_encoder_decoder": true, "max_position_embeddings": 512, "model_type": "marian", "share_encoder_decoder_embeddings": false, "vocab_size": 58101}');
    assert.deepStrictEqual([unshared.estimate, unshared.problems.map(p => p.severity)], [undefined, ['error']]);
  });
});

describe('speech encoders: Wav2Vec2 and HuBERT', () => {
  // facebook/wav2vec2-base-960h's config.json as published: 94,396,320 parameters.
  const base = '{"activation_dropout": 0.1, "apply_spec_augment": true, "architectures": ["Wav2Vec2ForCTC"], "attention_dropout": 0.1, "bos_token_id": 1, "conv_bias": false, "conv_dim": [512, 512, 512, 512, 512, 512, 512], "conv_kernel": [10, 3, 3, 3, 3, 2, 2], "conv_stride": [5, 2, 2, 2, 2, 2, 2], "ctc_loss_reduction": "sum", "ctc_zero_infinity": false, "do_stable_layer_norm": false, "eos_token_id": 2, "feat_extract_activation": "gelu", "feat_extract_dropout": 0.0, "feat_extract_norm": "group", "feat_proj_dropout": 0.1, "final_dropout": 0.1, "gradient_checkpointing": false, "hidden_act": "gelu", "hidden_dropout": 0.1, "hidden_dropout_prob": 0.1, "hidden_size": 768, "initializer_range": 0.02, "intermediate_size": 3072, "layer_norm_eps": 1e-05, "layerdrop": 0.1, "mask_feature_length": 10, "mask_feature_prob": 0.0, "mask_time_length": 10, "mask_time_prob": 0.05, "model_type": "wav2vec2", "num_attention_heads": 12, "num_conv_pos_embedding_groups": 16, "num_conv_pos_embeddings": 128, "num_feat_extract_layers": 7, "num_hidden_layers": 12, "pad_token_id": 0, "transformers_version": "4.4.0.dev0", "vocab_size": 32}';

  it('the convolutional feature encoder, the projection, the weight-normed positional convolution, BERT-like layers and the CTC head', () => {
    assert.strictEqual(onlyConfig(base).estimate!.parameters.total, 94_396_320);
    // HubertModel has the same body without the head over 32 characters (768 × 32 + 32).
    const hubert = { ...JSON.parse(base), architectures: ['HubertModel'], model_type: 'hubert' };
    assert.strictEqual(onlyConfig(JSON.stringify(hubert)).estimate!.parameters.total, 94_396_320 - (768 * 32 + 32));
  });

  it("Wav2Vec2ForPreTraining adds the Gumbel quantizer, project_hid and project_q: facebook/wav2vec2-base (its published 95M) is 95,044,608", () => {
    // Counted by hand from transformers' modules: 94,396,320 less the CTC head (768 × 32 + 32), plus the codevectors
    // (640 × 128), the quantizer's biased 512 → 640 linear, project_hid (768 → 256) and project_q (256 → 256), biased.
    const pretraining = { ...JSON.parse(base), architectures: ['Wav2Vec2ForPreTraining'], codevector_dim: 256, num_codevector_groups: 2, num_codevectors_per_group: 320, proj_codevector_dim: 256 };
    assert.strictEqual(onlyConfig(JSON.stringify(pretraining)).estimate!.parameters.total, 94_396_320 - (768 * 32 + 32) + 640 * 128 + (512 * 640 + 640) + (768 * 256 + 256) + (256 * 256 + 256));
    assert.strictEqual(onlyConfig(JSON.stringify(pretraining)).estimate!.parameters.total, 95_044_608);
  });

  it("the large models' biased convolutions with a LayerNorm each (feat_extract_norm: layer)", () => {
    const large = { ...JSON.parse(base), conv_bias: true, feat_extract_norm: 'layer', do_stable_layer_norm: true, hidden_size: 1024, intermediate_size: 4096, num_attention_heads: 16, num_hidden_layers: 24 };
    // Per convolution its bias and a LayerNorm of 512: 7 × 3 × 512 more than one GroupNorm's 1,024, in the feature encoder.
    const body = 24 * (4 * (1024 * 1024 + 1024) + 2 * 1024 * 4096 + 4096 + 1024 + 4 * 1024) + 2 * 1024;
    const front = 5120 + 4 * 786_432 + 2 * 524_288 + 7 * 3 * 512 + 1024 + 512 * 1024 + 1024 + 1024 + (1024 * 64 * 128 + 128 + 1024);
    assert.strictEqual(onlyConfig(JSON.stringify(large)).estimate!.parameters.total, body + front + 1024 * 32 + 32);
  });
});

describe('encoder–decoder and speech: BART and Whisper', () => {
  it("BART: per-stack position tables of max_position_embeddings + 2 and embedding LayerNorms; bart-large's config.json", () => {
    const a = onlyConfig('{"activation_function": "gelu", "architectures": ["BartModel"], "d_model": 1024, "decoder_attention_heads": 16, "decoder_ffn_dim": 4096, "decoder_layers": 12, "encoder_attention_heads": 16, "encoder_ffn_dim": 4096, "encoder_layers": 12, "is_encoder_decoder": true, "max_position_embeddings": 1024, "model_type": "bart", "num_hidden_layers": 12, "scale_embedding": false, "vocab_size": 50265}');
    assert.strictEqual(a.estimate!.parameters.total, 406_291_456);
  });

  it("Whisper: the mel convolutions, an unbiased k_proj, 1,500 audio frames; whisper-large-v3's config.json", () => {
    const a = onlyConfig('{"architectures": ["WhisperForConditionalGeneration"], "d_model": 1280, "decoder_attention_heads": 20, "decoder_ffn_dim": 5120, "decoder_layers": 32, "encoder_attention_heads": 20, "encoder_ffn_dim": 5120, "encoder_layers": 32, "is_encoder_decoder": true, "max_source_positions": 1500, "max_target_positions": 448, "model_type": "whisper", "num_mel_bins": 128, "vocab_size": 51866}', { newTokens: 448 });
    assert.strictEqual(a.estimate!.parameters.total, 1_543_490_560);
    // 30 s of audio: 1,500 frames; the decoder's cache holds its 448 tokens and the 1,500 encoded frames, per layer.
    assert.strictEqual(a.estimate!.settings.sequenceLength, 1500);
    assert.strictEqual(a.estimate!.inference.components.kvCache, 32 * 2 * 1280 * 2 * (448 + 1500));
  });

  it("Qwen2.5-VL and Qwen2-VL: the vision transformer and patch merger under vision_config, known by the model holding them", () => {
    // Qwen/Qwen2.5-VL-7B-Instruct's config.json as published: 8,292,166,656 parameters, 676,550,144 of them the vision side.
    const config = JSON.parse('{"architectures": ["Qwen2_5_VLForConditionalGeneration"], "attention_dropout": 0.0, "bos_token_id": 151643, "eos_token_id": 151645, "vision_start_token_id": 151652, "vision_end_token_id": 151653, "vision_token_id": 151654, "image_token_id": 151655, "video_token_id": 151656, "hidden_act": "silu", "hidden_size": 3584, "initializer_range": 0.02, "intermediate_size": 18944, "max_position_embeddings": 128000, "max_window_layers": 28, "model_type": "qwen2_5_vl", "num_attention_heads": 28, "num_hidden_layers": 28, "num_key_value_heads": 4, "rms_norm_eps": 1e-06, "rope_theta": 1000000.0, "sliding_window": 32768, "tie_word_embeddings": false, "torch_dtype": "bfloat16", "transformers_version": "4.41.2", "use_cache": true, "use_sliding_window": false,  "vision_config": {"depth": 32, "hidden_act": "silu", "hidden_size": 1280, "intermediate_size": 3420, "num_heads": 16, "in_chans": 3, "out_hidden_size": 3584, "patch_size": 14, "spatial_merge_size": 2, "spatial_patch_size": 14, "window_size": 112, "fullatt_block_indexes": [7, 15, 23, 31], "tokens_per_second": 2, "temporal_patch_size": 2},  "rope_scaling": {"type": "mrope", "mrope_section": [16, 24, 24]}, "vocab_size": 152064}');
    const a = onlyConfig(JSON.stringify(config));
    assert.deepStrictEqual([a.estimate!.parameters.total, a.estimate!.parameters.vision], [8_292_166_656, 676_550_144]);
    // Qwen2-VL-7B: LayerNorms and a plain GELU MLP of mlp_ratio × embed_dim; its vision_config's hidden_size is the merger's output.
    const v2 = { ...config, model_type: 'qwen2_vl', vision_config: { depth: 32, embed_dim: 1280, mlp_ratio: 4, num_heads: 16, in_chans: 3, hidden_size: 3584, patch_size: 14, spatial_merge_size: 2, temporal_patch_size: 2 } };
    assert.strictEqual(onlyConfig(JSON.stringify(v2)).estimate!.parameters.total, 8_291_375_616);
  });

  it("Phi-3.5-vision (phi3_v): the CLIP tower its img_processor names, and a projector from four patch features", () => {
    // microsoft/Phi-3.5-vision-instruct's config.json values; 4,146,621,440 parameters.
    const phi = '{"architectures": ["Phi3VForCausalLM"], "auto_map": {"AutoConfig": "configuration_phi3_v.Phi3VConfig"}, "embd_layer": {"embedding_cls": "image", "hd_transform_order": "sub_glb", "projection_cls": "mlp", "use_hd_transform": true, "with_learnable_separator": true}, "hidden_size": 3072, "img_processor": {"image_dim_out": 1024, "model_name": "openai/clip-vit-large-patch14-336", "name": "clip_vision_model", "num_img_tokens": 144}, "intermediate_size": 8192, "max_position_embeddings": 131072, "model_type": "phi3_v", "num_attention_heads": 32, "num_hidden_layers": 32, "num_key_value_heads": 32, "original_max_position_embeddings": 4096, "tie_word_embeddings": false, "torch_dtype": "bfloat16", "vocab_size": 32064}';
    assert.strictEqual(onlyConfig(phi).estimate!.parameters.total, 4_146_621_440);
    // An image through the HD transform at the processor's num_crops of 4: 2 × 2 crops and the whole, 144 tokens each,
    // a separator per row of 12 (3 rows) and one between: 757 tokens; the tower runs over all 5 crop slots.
    const run = onlyConfig(phi, { sequenceLength: 512, imagesPerSample: 1 }).estimate!;
    assert.deepStrictEqual([run.settings.imageTokens, run.settings.imagePatches], [5 * 144 + 1 + 3 * 12, 5 * 577]);
    assert.ok(run.assumptions.some(a => /HD transform: a square image as 2 × 2 crops/.test(a)));
  });
});

describe('InternVL: InternViT and the mlp1 projector beside the llm_config', () => {
  // OpenGVLab/InternVL2_5-8B's config.json values (InternLM2.5-7B under llm_config); 8,075,365,376 parameters. The 1B's
  // language model is Qwen2.5-0.5B with an untied 151,674-row vocabulary: 938,193,024.
  const config = JSON.parse('{"architectures": ["InternVLChatModel"], "downsample_ratio": 0.5, "model_type": "internvl_chat", "template": "internvl2_5", "torch_dtype": "bfloat16", "llm_config": {"architectures": ["InternLM2ForCausalLM"], "bias": false, "hidden_size": 4096, "intermediate_size": 14336, "max_position_embeddings": 32768, "model_type": "internlm2", "num_attention_heads": 32, "num_hidden_layers": 32, "num_key_value_heads": 8, "tie_word_embeddings": false, "vocab_size": 92553}, "vision_config": {"architectures": ["InternVisionModel"], "hidden_size": 1024, "image_size": 448, "intermediate_size": 4096, "model_type": "intern_vit_6b", "norm_type": "layer_norm", "num_attention_heads": 16, "num_channels": 3, "num_hidden_layers": 24, "patch_size": 14, "qk_normalization": false, "qkv_bias": true, "use_flash_attn": true}}');
  it("an image at a size is tiled as InternVL's dynamic_preprocess tiles it: up to max_dynamic_patch tiles and a thumbnail, 256 tokens each", () => {
    const run = (side: number) => onlyConfig(JSON.stringify({ ...config, max_dynamic_patch: 12, use_thumbnail: true, dynamic_image_size: true }), { sequenceLength: 512, imagesPerSample: 1, imageSide: side }).estimate!.settings;
    // 448 px: one tile. 800 px covers more than half of a 2 × 2 grid (896²): 4 tiles and the thumbnail. 1,024 px covers
    // more than half of 3 × 3 (1,344²): 9 and the thumbnail.
    assert.deepStrictEqual([448, 800, 1024].map(side => run(side).imageTokens), [256, 5 * 256, 10 * 256]);
    assert.strictEqual(run(1024).imagePatches, 10 * 1024);
    // max_dynamic_patch 4 caps a 1,024-pixel image at 2 × 2; dynamic_image_size false keeps one tile.
    const capped = onlyConfig(JSON.stringify({ ...config, max_dynamic_patch: 4 }), { sequenceLength: 512, imagesPerSample: 1, imageSide: 1024 }).estimate!.settings;
    const single = onlyConfig(JSON.stringify({ ...config, dynamic_image_size: false }), { sequenceLength: 512, imagesPerSample: 1, imageSide: 1024 }).estimate!.settings;
    assert.deepStrictEqual([capped.imageTokens, single.imageTokens], [5 * 256, 256]);
  });

  it('is one model: the language model, the tower and the projector over the pixel-shuffled features', () => {
    assert.strictEqual(onlyConfig(JSON.stringify(config)).estimate!.parameters.total, 8_075_365_376);
    const small = { ...config, llm_config: { architectures: ['Qwen2ForCausalLM'], hidden_size: 896, intermediate_size: 4864, max_position_embeddings: 32768, model_type: 'qwen2', num_attention_heads: 14, num_hidden_layers: 24, num_key_value_heads: 2, tie_word_embeddings: false, vocab_size: 151674 } };
    assert.strictEqual(onlyConfig(JSON.stringify(small)).estimate!.parameters.total, 938_193_024);
  });
});

describe('CLIP and ViT as models of their own', () => {
  it("CLIPModel: the text and vision towers, both projections and the logit scale; openai/clip-vit-large-patch14 427,616,513, clip-vit-base-patch32 151,277,313", () => {
    const large = onlyConfig('{"_name_or_path": "clip-vit-large-patch14/", "architectures": ["CLIPModel"], "initializer_factor": 1.0, "logit_scale_init_value": 2.6592, "model_type": "clip", "projection_dim": 768, "text_config": {"hidden_size": 768, "intermediate_size": 3072, "max_position_embeddings": 77, "model_type": "clip_text_model", "num_attention_heads": 12, "num_hidden_layers": 12, "projection_dim": 768, "vocab_size": 49408}, "torch_dtype": "float32", "transformers_version": null, "vision_config": {"hidden_size": 1024, "image_size": 224, "intermediate_size": 4096, "model_type": "clip_vision_model", "num_attention_heads": 16, "num_hidden_layers": 24, "patch_size": 14, "projection_dim": 768}}');
    assert.deepStrictEqual([large.spec!.family, large.estimate!.parameters.total], ['CLIP (text and vision towers)', 427_616_513]);
    assert.strictEqual(onlyConfig('{"architectures": ["CLIPModel"], "initializer_factor": 1.0, "logit_scale_init_value": 2.6592, "model_type": "clip", "projection_dim": 512, "text_config": {"hidden_size": 512, "intermediate_size": 2048, "max_position_embeddings": 77, "model_type": "clip_text_model", "num_attention_heads": 8, "num_hidden_layers": 12, "projection_dim": 512, "vocab_size": 49408}, "torch_dtype": "float32", "vision_config": {"hidden_size": 768, "image_size": 224, "intermediate_size": 3072, "model_type": "clip_vision_model", "num_attention_heads": 12, "num_hidden_layers": 12, "patch_size": 32, "projection_dim": 512}}').estimate!.parameters.total, 151_277_313);
  });

  it("SiglipModel (google/siglip-so400m-patch14-384's config.json): both towers with their heads, the logit scale and bias", () => {
    // Counted by hand from Siglip's modules: the text tower 449,734,896 (64 positions, a biased head of its width), the
    // vision tower 428,225,600 (729 patches, the attention-pooling head), and 2.
    const a = onlyConfig('{"architectures": ["SiglipModel"], "initializer_factor": 1.0, "model_type": "siglip", "text_config": {"hidden_size": 1152, "intermediate_size": 4304, "model_type": "siglip_text_model", "num_attention_heads": 16, "num_hidden_layers": 27, "max_position_embeddings": 64, "vocab_size": 32000}, "torch_dtype": "float32", "transformers_version": "4.37.0.dev0", "vision_config": {"hidden_size": 1152, "image_size": 384, "intermediate_size": 4304, "model_type": "siglip_vision_model", "num_attention_heads": 16, "num_hidden_layers": 27, "patch_size": 14}}');
    assert.deepStrictEqual([a.spec!.family, a.estimate!.parameters.total], ['SigLIP (text and vision towers)', 877_960_498]);
  });

  it('ViT: google/vit-base-patch16-224 with its 1,000-label classifier 86,567,656; the in21k ViTModel with its pooler 86,389,248', () => {
    const config = JSON.parse('{"architectures": ["ViTForImageClassification"], "attention_probs_dropout_prob": 0.0, "hidden_act": "gelu", "hidden_dropout_prob": 0.0, "hidden_size": 768, "image_size": 224, "initializer_range": 0.02, "intermediate_size": 3072, "layer_norm_eps": 1e-12, "model_type": "vit", "num_attention_heads": 12, "num_channels": 3, "num_hidden_layers": 12, "patch_size": 16, "qkv_bias": true}') as Record<string, unknown>;
    const id2label = Object.fromEntries([...Array(1000).keys()].map(i => [String(i), `label ${i}`]));
    assert.strictEqual(onlyConfig(JSON.stringify({ ...config, id2label })).estimate!.parameters.total, 86_567_656);
    assert.strictEqual(onlyConfig(JSON.stringify({ ...config, architectures: ['ViTModel'] })).estimate!.parameters.total, 86_389_248);
  });
});

describe('Idefics3 and SmolVLM: SigLIP without its head, a pixel-shuffle connector, Llama', () => {
  it("HuggingFaceM4/Idefics3-8B-Llama3's config.json: 8,462,086,384 parameters, 169 tokens per 364-pixel tile", () => {
    const a = onlyConfig('{"architectures": ["Idefics3ForConditionalGeneration"], "image_token_id": 128257, "model_type": "idefics3", "scale_factor": 2, "text_config": {"architectures": ["LlamaForCausalLM"], "hidden_size": 4096, "intermediate_size": 14336, "max_position_embeddings": 131072, "model_type": "llama", "num_attention_heads": 32, "num_hidden_layers": 32, "num_key_value_heads": 8, "rms_norm_eps": 1e-05, "rope_theta": 500000.0, "tie_word_embeddings": false, "vocab_size": 128259}, "tie_word_embeddings": false, "torch_dtype": "bfloat16", "transformers_version": "4.44.0.dev0", "vision_config": {"hidden_size": 1152, "image_size": 364, "intermediate_size": 4304, "model_type": "idefics3", "num_attention_heads": 16, "num_hidden_layers": 27, "patch_size": 14}}', { sequenceLength: 512, imagesPerSample: 1 });
    // SigLIP at 364 px: 26 × 26 patches, 27 layers, no pooling head; the connector reads 2 × 2 shuffled patches (4,608 wide).
    assert.deepStrictEqual([a.estimate!.parameters.total, a.estimate!.parameters.vision], [8_462_086_384, 431_800_560]);
    assert.deepStrictEqual([a.estimate!.settings.imageTokens, a.estimate!.settings.sequenceLength], [169, 512 + 169]);
  });
});

describe('PaliGemma: SigLIP and one biased projector beside Gemma', () => {
  it("google/paligemma-3b-pt-224's config.json (a sparse text_config filled as GemmaConfig fills it): 2,923,466,480 parameters", () => {
    assert.strictEqual(onlyConfig('{"_name_or_path": "final_hf_model", "architectures": ["PaliGemmaForConditionalGeneration"], "bos_token_id": 2, "eos_token_id": 1, "hidden_size": 2048, "ignore_index": -100, "image_token_index": 257152, "model_type": "paligemma", "pad_token_id": 0, "projection_dim": 2048, "text_config": {"hidden_size": 2048, "intermediate_size": 16384, "model_type": "gemma", "num_attention_heads": 8, "num_hidden_layers": 18, "num_image_tokens": 256, "num_key_value_heads": 1, "torch_dtype": "float32", "vocab_size": 257216}, "torch_dtype": "float32", "transformers_version": "4.41.0.dev0", "vision_config": {"hidden_size": 1152, "intermediate_size": 4304, "model_type": "siglip_vision_model", "num_attention_heads": 16, "num_hidden_layers": 27, "num_image_tokens": 256, "patch_size": 14, "projection_dim": 2048, "projector_hidden_act": "gelu_fast", "vision_use_head": false}}').estimate!.parameters.total, 2_923_466_480);
  });
});

describe('Qwen3-VL: a vision transformer with learned positions and DeepStack mergers beside Qwen3', () => {
  // Qwen/Qwen3-VL-8B-Instruct's config.json values. Counted by hand from transformers' Qwen3-VL modules: the tower
  // 576,388,336 (a biased 3-D patch convolution, 2,304 learned positions, 27 blocks, the merger and 3 DeepStack
  // mergers normed after the shuffle) and Qwen3-8B's published 8,190,735,360.
  const config = {
    architectures: ['Qwen3VLForConditionalGeneration'], model_type: 'qwen3_vl', tie_word_embeddings: false,
    text_config: { head_dim: 128, hidden_size: 4096, intermediate_size: 12288, max_position_embeddings: 262144, model_type: 'qwen3_vl_text', num_attention_heads: 32, num_hidden_layers: 36, num_key_value_heads: 8, vocab_size: 151936, dtype: 'bfloat16' },
    vision_config: { deepstack_visual_indexes: [8, 16, 24], depth: 27, hidden_size: 1152, in_channels: 3, intermediate_size: 4304, model_type: 'qwen3_vl', num_heads: 16, num_position_embeddings: 2304, out_hidden_size: 4096, patch_size: 16, spatial_merge_size: 2, temporal_patch_size: 2 },
  };

  it('counts the tower, its mergers and the language model: 8,767,123,696', () => {
    const a = onlyConfig(JSON.stringify(config));
    assert.deepStrictEqual([a.estimate!.parameters.total, a.estimate!.parameters.vision], [8_767_123_696, 576_388_336]);
  });

  it('a 1,024-pixel image is 4,096 patches of 16 pixels, merged 2 × 2 into 1,024 tokens; fewer DeepStack layers, fewer mergers', () => {
    const run = onlyConfig(JSON.stringify(config), { sequenceLength: 512, imagesPerSample: 1, imageSide: 1024 }).estimate!;
    assert.deepStrictEqual([run.settings.imageTokens, run.settings.imagePatches], [1024, 4096]);
    const merger = 2 * 4608 + 4608 * 4608 + 4608 + 4608 * 4096 + 4096;
    const one = onlyConfig(JSON.stringify({ ...config, vision_config: { ...config.vision_config, deepstack_visual_indexes: [8] } }));
    assert.strictEqual(one.estimate!.parameters.total, 8_767_123_696 - 2 * merger);
  });
});

describe('MiniCPM-V 2.0: the timm SigLIP it names, a resampler with learned positions, MiniCPM', () => {
  it("openbmb/MiniCPM-V-2's config.json values: 3,434,965,792 parameters, as its checkpoint holds", () => {
    // vit_so400m_patch14_siglip_384 without its last block (drop_vision_last_layer) or pooling head: 397,747,744; the
    // resampler over 64 queries with their positions: 29,514,240; MiniCPM-2.4B without biases: 3,007,703,808.
    const config = '{"architectures": ["MiniCPMV"], "dim_model_base": 256, "drop_vision_last_layer": true, "hidden_size": 2304, "image_size": 448, "intermediate_size": 5760, "max_position_embeddings": 4096, "model_type": "minicpmv", "num_attention_heads": 36, "num_hidden_layers": 40, "num_key_value_heads": 36, "patch_size": 14, "query_num": 64, "scale_depth": 1.4, "scale_emb": 12, "tie_word_embeddings": false, "torch_dtype": "bfloat16", "vision_encoder": "vit_so400m_patch14_siglip_384.webli", "vocab_size": 122753}';
    const a = onlyConfig(config);
    assert.deepStrictEqual([a.estimate!.parameters.total, a.estimate!.parameters.vision], [3_434_965_792, 397_747_744 + 29_514_240]);
    // A query count that is no count is an error on query_num, not a number.
    const bad = onlyConfig(config.replace('"query_num": 64', '"query_num": -5'));
    assert.deepStrictEqual([bad.estimate, bad.problems.map(p => p.message)], [undefined, ['`query_num` must be a whole number between 1 and 1,000,000 (it is -5).']]);
  });
});

describe('MiniCPM-V 2.6: SigLIP and a resampler beside Qwen2', () => {
  it("openbmb/MiniCPM-V-2_6's config.json values: 8,099,175,152 parameters", () => {
    const config = '{"architectures": ["MiniCPMV"], "hidden_size": 3584, "intermediate_size": 18944, "max_position_embeddings": 32768, "model_type": "minicpmv", "num_attention_heads": 28, "num_hidden_layers": 28, "num_key_value_heads": 4, "query_num": 64, "tie_word_embeddings": false, "torch_dtype": "bfloat16", "vocab_size": 151666, "vision_config": {"hidden_size": 1152, "image_size": 980, "intermediate_size": 4304, "model_type": "siglip", "num_attention_heads": 16, "num_hidden_layers": 27, "patch_size": 14}}';
    assert.strictEqual(onlyConfig(config).estimate!.parameters.total, 8_099_175_152);
  });
});

describe('cross-attention DiTs: PixArt and Sana', () => {
  // PixArt-alpha/PixArt-XL-2-1024-MS's transformer/config.json (diffusers' generic class with PixArt's AdaLN-single),
  // counted by hand from diffusers' modules: 611,349,152 (the paper's 0.6B).
  const pixart = { _class_name: 'Transformer2DModel', activation_fn: 'gelu-approximate', attention_bias: true, attention_head_dim: 72, caption_channels: 4096, cross_attention_dim: 1152, in_channels: 4, norm_elementwise_affine: false, norm_type: 'ada_norm_single', num_attention_heads: 16, num_embeds_ada_norm: 1000, num_layers: 28, out_channels: 8, patch_size: 2, sample_size: 128 };
  // Efficient-Large-Model/Sana_1600M_1024px_diffusers's transformer/config.json: 1,604,462,752.
  const sana = { _class_name: 'SanaTransformer2DModel', attention_bias: false, attention_head_dim: 32, caption_channels: 2304, cross_attention_dim: 2240, cross_attention_head_dim: 112, in_channels: 32, mlp_ratio: 2.5, num_attention_heads: 70, num_cross_attention_heads: 20, num_layers: 20, out_channels: 32, patch_size: 1, sample_size: 32 };

  it('PixArt: the patch convolution, one AdaLN-single with size embedders, the caption projection, 28 blocks of self- and cross-attention', () => {
    const a = onlyConfig(JSON.stringify(pixart));
    assert.deepStrictEqual([a.spec!.family, a.estimate!.parameters.total], ['PixArt (DiT)', 611_349_152]);
    assert.strictEqual(onlyConfig(JSON.stringify({ ...pixart, _class_name: 'PixArtTransformer2DModel' })).estimate!.parameters.total, 611_349_152);
    // At 512 pixels (sample_size 64) the resolution and aspect-ratio embedders are gone: 2 × (256 × 384 + 384 + 384² + 384).
    assert.strictEqual(onlyConfig(JSON.stringify({ ...pixart, sample_size: 64 })).estimate!.parameters.total, 611_349_152 - 2 * 246_528);
    // 1,024 pixels: 8× latents in 2 × 2 patches, 4,096 tokens; classifier-free guidance on by default.
    assert.deepStrictEqual([a.estimate!.settings.imageSide, a.estimate!.settings.sequenceLength, a.estimate!.settings.guidance], [1024, 4096, true]);
  });

  it("Sana: linear self-attention, cross-attention of its own width, a gated convolutional MLP; DC-AE's 32× latents", () => {
    const a = onlyConfig(JSON.stringify(sana));
    assert.deepStrictEqual([a.spec!.family, a.estimate!.parameters.total], ['Sana (linear-attention DiT)', 1_604_462_752]);
    assert.deepStrictEqual([a.estimate!.settings.sequenceLength, a.estimate!.settings.guidance], [1024, true]);
    // Sana 1.5's RMSNorms over all heads' queries and keys, in both attentions: 20 × 2 × (2,240 + 2,240).
    assert.strictEqual(onlyConfig(JSON.stringify({ ...sana, qk_norm: 'rms_norm_across_heads' })).estimate!.parameters.total, 1_604_462_752 + 20 * 2 * 4480);
    const odd = onlyConfig(JSON.stringify({ ...sana, qk_norm: 'layer_norm' }));
    assert.deepStrictEqual([odd.estimate, odd.problems.map(p => p.severity)], [undefined, ['error']]);
  });

  it('a legacy Transformer2DModel without PixArt\'s AdaLN-single is not taken for PixArt', () => {
    const unet = analyzeDocument(parseConfig(JSON.stringify({ _class_name: 'Transformer2DModel', _diffusers_version: '0.20.0', in_channels: 4, num_attention_heads: 8, attention_head_dim: 64 }), 'json'), DEFAULT_OPTIONS);
    assert.deepStrictEqual([unet.configs.length, unet.problems.map(p => p.code)], [0, ['uncounted-model']]);
  });
});

describe('diffusion transformers: FLUX.1', () => {
  // black-forest-labs/FLUX.1-dev's transformer/config.json as published; its safetensors hold 11,901,408,320 parameters,
  // FLUX.1-schnell's (no guidance embedder) 11,891,178,560.
  const dev = { _class_name: 'FluxTransformer2DModel', _diffusers_version: '0.30.0.dev0', attention_head_dim: 128, guidance_embeds: true, in_channels: 64, joint_attention_dim: 4096, num_attention_heads: 24, num_layers: 19, num_single_layers: 38, patch_size: 1, pooled_projection_dim: 768 };

  it("the transformer's tensors, exact; 4,096 image and 512 text tokens by default; no KV cache; said to be approximate", () => {
    const a = onlyConfig(JSON.stringify(dev));
    assert.strictEqual(a.estimate!.parameters.total, 11_901_408_320);
    assert.strictEqual(onlyConfig(JSON.stringify({ ...dev, guidance_embeds: false })).estimate!.parameters.total, 11_891_178_560);
    assert.strictEqual(a.estimate!.settings.sequenceLength, 4096 + 512);
    assert.strictEqual(a.estimate!.inference.components.kvCache, 0);
    assert.ok(a.estimate!.assumptions.some(x => /^Diffusion transformer \(approximate\): 19 double- and 38 single-stream blocks/.test(x)));
  });

  it("torchtitan's flux-dev flavor names it, with the recipe's local_batch_size", () => {
    const [a] = analyzeDocument(parseConfig('[model]\nname = "flux"\nflavor = "flux-dev"\n[training]\nlocal_batch_size = 4\n', 'toml'), DEFAULT_OPTIONS).configs;
    assert.deepStrictEqual([a.config.catalog?.model.id, a.estimate!.parameters.total, a.estimate!.settings.batchSize], ['black-forest-labs/FLUX.1-dev-transformer', 11_901_408_320, 4]);
  });
});

describe('Falcon-40B as first published (remote-code RefinedWeb)', () => {
  it('is the new decoder architecture without saying so: two LayerNorms per layer and 8 KV heads; 41,303,293,952', () => {
    // tiiuae/falcon-40b's first config.json; its .bin index holds 41,835,970,560 bf16 values, the tied lm_head among them.
    const rw = '{"alibi": false, "architectures": ["RWForCausalLM"], "bias": false, "hidden_size": 8192, "model_type": "RefinedWeb", "n_head": 128, "n_head_kv": 8, "n_layer": 60, "parallel_attn": true, "torch_dtype": "bfloat16", "vocab_size": 65024}';
    assert.strictEqual(onlyConfig(rw).estimate!.parameters.total, 41_835_970_560 - 65024 * 8192);
  });
});

describe('what has no number says why', () => {
  it("a StableDiffusionSafetyChecker's config alone is an error on architectures, not the whole CLIP model", () => {
    const checker = analyzeDocument(parseConfig('{"architectures": ["StableDiffusionSafetyChecker"], "model_type": "clip", "projection_dim": 768, "text_config": {"hidden_size": 768, "intermediate_size": 3072, "max_position_embeddings": 77, "model_type": "clip_text_model", "num_attention_heads": 12, "num_hidden_layers": 12, "vocab_size": 49408}, "vision_config": {"hidden_size": 1024, "image_size": 224, "intermediate_size": 4096, "model_type": "clip_vision_model", "num_attention_heads": 16, "num_hidden_layers": 24, "patch_size": 14}}', 'json'), DEFAULT_OPTIONS);
    assert.ok(checker.configs.every(c => c.estimate === undefined));
    assert.ok(checker.configs.some(c => c.problems.some(p => p.severity === 'error' && /runs only the vision tower/.test(p.message))));
  });

  it('a diffusers model VRAM Lens does not count (UNet2DModel) gets a note on its _class_name', () => {
    const unet = analyzeDocument(parseConfig('{"_class_name": "UNet2DModel", "_diffusers_version": "0.11.1", "block_out_channels": [128, 256], "in_channels": 3, "sample_size": 128}', 'json'), DEFAULT_OPTIONS);
    assert.deepStrictEqual([unet.configs.length, unet.problems.map(p => [p.severity, p.code])], [0, [['info', 'uncounted-model']]]);
    assert.match(unet.problems[0].message, /UNet2DModel is a diffusers model VRAM Lens does not count yet/);
  });
});

describe('remote-code models counted from their modules', () => {
  it("Molmo-7B-D: Qwen2-sized OLMo blocks with 128 new embedding rows, CLIP ViT-L/14's first 23 blocks, attention pooling and a SwiGLU projector", () => {
    // allenai/Molmo-7B-D-0924's config.json values; its checkpoint index's total_parameters: 8,021,025,280.
    const molmo = '{"architectures": ["MolmoForCausalLM"], "attention_layer_norm": false, "clip_qkv": null, "embedding_size": 152064, "hidden_size": 3584, "intermediate_size": 37888, "layer_norm_type": "rms", "max_position_embeddings": 4096, "model_type": "molmo", "norm_after": false, "num_attention_heads": 28, "num_hidden_layers": 28, "num_key_value_heads": 4, "qkv_bias": true, "tie_word_embeddings": false, "torch_dtype": "float32", "vocab_size": 152064, "weight_tying": false}';
    const a = onlyConfig(molmo);
    assert.deepStrictEqual([a.estimate!.parameters.total, a.estimate!.parameters.vision], [8_021_025_280, 404_950_016]);
  });

  it('Fuyu-8B: Persimmon (q/k LayerNorms, biased everything) and a biased linear from each 30 × 30 patch', () => {
    // adept/fuyu-8b's config.json values; its checkpoint index's total_size / 2: 9,408,238,592.
    const fuyu = '{"architectures": ["FuyuForCausalLM"], "hidden_act": "relu2", "hidden_size": 4096, "image_size": 300, "intermediate_size": 16384, "max_position_embeddings": 16384, "model_type": "fuyu", "num_attention_heads": 64, "num_channels": 3, "num_hidden_layers": 36, "partial_rotary_factor": 0.5, "patch_size": 30, "qk_layernorm": true, "text_config": {"model_type": "persimmon"}, "tie_word_embeddings": false, "torch_dtype": "bfloat16", "vocab_size": 262144}';
    assert.strictEqual(onlyConfig(fuyu).estimate!.parameters.total, 9_408_238_592);
  });

  it('MiMo-7B: Qwen2 blocks and its multi-token-prediction layer (a decoder layer, a 2h → h projection, three norms)', () => {
    // XiaomiMiMo/MiMo-7B-Base's config.json values; its checkpoint index's total_size / 2: 7,833,409,536.
    const mimo = JSON.parse('{"architectures": ["MiMoForCausalLM"], "attention_bias": true, "head_dim": 128, "hidden_size": 4096, "intermediate_size": 11008, "max_position_embeddings": 32768, "model_type": "mimo", "num_attention_heads": 32, "num_hidden_layers": 36, "num_key_value_heads": 8, "num_nextn_predict_layers": 1, "tie_word_embeddings": false, "torch_dtype": "bfloat16", "vocab_size": 151680}') as Record<string, unknown>;
    assert.strictEqual(onlyConfig(JSON.stringify(mimo)).estimate!.parameters.total, 7_833_409_536);
    const layer = 4096 * 4096 * 2 + 4096 * 1024 * 2 + 4096 + 2 * 1024 + 3 * 4096 * 11008 + 2 * 4096;
    assert.strictEqual(onlyConfig(JSON.stringify({ ...mimo, num_nextn_predict_layers: 0 })).estimate!.parameters.total, 7_833_409_536 - layer - 8192 * 4096 - 3 * 4096);
  });
});

describe('more families a held-out batch of real folders named', () => {
  it("MPT (mosaicml/mpt-7b's config.json values): ALiBi, no biases or position table, a tied head: 6,649,286,656 (its published 6.7B)", () => {
    // Counted from the modules: 32 layers of 12 × 4,096² and two 4,096-wide LayerNorm weights, the tied 50,432-row embedding, a final norm.
    assert.strictEqual(32 * (12 * 4096 * 4096 + 2 * 4096) + 50432 * 4096 + 4096, 6_649_286_656);
    const mpt = '{"architectures": ["MPTForCausalLM"], "attn_config": {"alibi": true, "attn_type": "multihead_attention", "qk_ln": false}, "d_model": 4096, "expansion_ratio": 4, "learned_pos_emb": true, "max_seq_len": 2048, "model_type": "mpt", "n_heads": 32, "n_layers": 32, "no_bias": true, "norm_type": "low_precision_layernorm", "vocab_size": 50432}';
    assert.strictEqual(onlyConfig(mpt).estimate!.parameters.total, 6_649_286_656);
  });

  it("CLIPVisionModelWithProjection (an image variations pipeline's image encoder): the tower and its visual_projection", () => {
    const encoder = '{"architectures": ["CLIPVisionModelWithProjection"], "hidden_size": 1024, "image_size": 224, "intermediate_size": 4096, "model_type": "clip_vision_model", "num_attention_heads": 16, "num_hidden_layers": 24, "patch_size": 14, "projection_dim": 768}';
    assert.strictEqual(onlyConfig(encoder).estimate!.parameters.total, 303_179_776 + 1024 * 768);
  });

  it("DeepSeek-VL2's language model without MLA (use_mla: false): multi-head attention beside DeepSeekMoE, the tower said not to be counted", () => {
    // deepseek-ai/DeepSeek-OCR-2's config.json values: 12 layers 1,280 wide, the first dense (6,848), then 64 experts of
    // 896 and 2 shared; an untied 129,280-row vocabulary.
    const a = onlyConfig('{"architectures": ["DeepseekOCR2ForCausalLM"], "model_type": "deepseek_vl_v2", "first_k_dense_replace": 1, "hidden_size": 1280, "intermediate_size": 6848, "kv_lora_rank": null, "moe_intermediate_size": 896, "n_routed_experts": 64, "n_shared_experts": 2, "num_attention_heads": 10, "num_experts_per_tok": 6, "num_hidden_layers": 12, "num_key_value_heads": 10, "q_lora_rank": null, "qk_nope_head_dim": 0, "qk_rope_head_dim": 0, "use_mla": false, "v_head_dim": 0, "vocab_size": 129280, "vision_config": {"image_size": 1024, "model_name": "deepencoderv2", "model_type": "vision"}}');
    const moeLayer = 64 * 3 * 1280 * 896 + 3 * 1280 * 2 * 896 + 1280 * 64;
    assert.strictEqual(a.estimate!.parameters.total, 2 * 129280 * 1280 + 12 * (4 * 1280 * 1280 + 2 * 1280) + 3 * 1280 * 6848 + 11 * moeLayer + 1280);
    assert.ok(a.problems.some(p => p.severity === 'warning' && /`vision_config` \(vision\) is a vision tower VRAM Lens does not count/.test(p.message)));
  });

  it('a vision_config whose tower VRAM Lens does not count is a warning: the count is the language model alone', () => {
    const a = onlyConfig('{"architectures": ["LocateAnythingForConditionalGeneration"], "model_type": "locateanything", "text_config": {"hidden_size": 2048, "intermediate_size": 11008, "model_type": "qwen2", "num_attention_heads": 16, "num_hidden_layers": 36, "num_key_value_heads": 2, "tie_word_embeddings": true, "vocab_size": 152681}, "vision_config": {"hidden_size": 1152, "intermediate_size": 4304, "model_type": "moonvit", "num_attention_heads": 16, "num_hidden_layers": 27, "patch_size": 14}}');
    assert.ok(a.estimate);
    assert.ok(a.problems.some(p => p.severity === 'warning' && /`vision_config` \(moonvit\) is a vision tower VRAM Lens does not count/.test(p.message)));
  });

  it("Granite Vision (LLaVA-NeXT around SigLIP): the head kept, the projector over the four feature layers' 4 × 1,152 features, image_newline", () => {
    // SigLIP so400m at 384 px: patch conv 678,528 + 729 positions 839,808 + 27 blocks × 15,239,504 + post norm 2,304 +
    // head 15,238,352 = 428,225,600; projector 4,608 × 2,048 + 2,048, 2,048 × 2,048 + 2,048, image_newline 2,048 = 13,637,632.
    const config = {
      architectures: ['LlavaNextForConditionalGeneration'], model_type: 'llava_next', vision_feature_layer: [-24, -20, -12, -1], image_grid_pinpoints: [[384, 768], [768, 384]],
      text_config: { model_type: 'granite', hidden_size: 2048, intermediate_size: 8192, num_hidden_layers: 40, num_attention_heads: 32, num_key_value_heads: 8, vocab_size: 49156, tie_word_embeddings: true },
      vision_config: { model_type: 'siglip_vision_model', hidden_size: 1152, image_size: 384, intermediate_size: 4304, num_attention_heads: 16, num_hidden_layers: 27, patch_size: 14 },
    };
    const a = onlyConfig(JSON.stringify(config));
    assert.strictEqual(a.estimate!.parameters.vision, 441_863_232);
    const single = onlyConfig(JSON.stringify({ ...config, vision_feature_layer: -1 }));
    assert.strictEqual(a.estimate!.parameters.vision - single.estimate!.parameters.vision, 3 * 1152 * 2048);
  });

  it('a vision_feature_layer list outside the tower, or empty, is an error on that key, with no count', () => {
    const config = {
      architectures: ['LlavaNextForConditionalGeneration'], model_type: 'llava_next',
      text_config: { model_type: 'granite', hidden_size: 2048, intermediate_size: 8192, num_hidden_layers: 40, num_attention_heads: 32, num_key_value_heads: 8, vocab_size: 49156 },
      vision_config: { model_type: 'siglip_vision_model', hidden_size: 1152, image_size: 384, intermediate_size: 4304, num_attention_heads: 16, num_hidden_layers: 27, patch_size: 14 },
    };
    for (const [layers, said] of [[[-24, -40], 'it holds -40'], [[], 'it is empty'], [[-1, 'last'], 'it holds "last"'], [[2.5, -1], 'it holds 2.5']] as const) {
      const text = JSON.stringify({ ...config, vision_feature_layer: layers });
      const a = onlyConfig(text);
      const problem = a.problems.find(p => text.slice(p.span.start, p.span.end).startsWith('"vision_feature_layer"'));
      assert.strictEqual(problem?.severity, 'error', JSON.stringify(layers));
      assert.ok(problem!.message.includes('27-layer vision tower') && problem!.message.includes(said), problem!.message);
      assert.strictEqual(a.estimate?.parameters.vision, undefined);
    }
  });

  it("Kimi-VL: MoonViT with Kimi-VL's projector, and DeepSeek's own router bias under its remote code", () => {
    // MoonViT: patch conv 678,528 + 64 × 64 positions 4,718,592 + 27 blocks × 15,239,504 + final norm 2,304; projector
    // pre-norm 2,304 + 4,608 × 4,608 + 4,608 + 4,608 × 2,048 + 2,048 = 30,679,808.
    const text = { model_type: 'deepseek_v3', hidden_size: 2048, intermediate_size: 11264, moe_intermediate_size: 1408, num_hidden_layers: 27, num_attention_heads: 16, num_key_value_heads: 16, n_routed_experts: 64, n_shared_experts: 2, num_experts_per_tok: 6, first_k_dense_replace: 1, kv_lora_rank: 512, q_lora_rank: null, qk_nope_head_dim: 128, qk_rope_head_dim: 64, v_head_dim: 128, vocab_size: 163840, tie_word_embeddings: false };
    const vision = { model_type: 'moonvit', hidden_size: 1152, intermediate_size: 4304, num_hidden_layers: 27, num_attention_heads: 16, patch_size: 14, init_pos_emb_height: 64, init_pos_emb_width: 64, merge_kernel_size: [2, 2] };
    const kimi = onlyConfig(JSON.stringify({ architectures: ['KimiVLForConditionalGeneration'], model_type: 'kimi_vl', text_config: text, vision_config: vision }));
    assert.strictEqual(kimi.estimate!.parameters.vision, 447_545_840);
    // The same language model in transformers' own class keeps the router's bias as a buffer: 26 MoE layers × 64 fewer.
    const hf = onlyConfig(JSON.stringify({ architectures: ['DeepseekV3ForCausalLM'], ...text }));
    assert.strictEqual(kimi.estimate!.parameters.total - kimi.estimate!.parameters.vision - hf.estimate!.parameters.total, 26 * 64);
    // Its images at their own resolution, padded to whole 2 × 2 kernels of 14-pixel patches: 1,000 px is 36 × 36 tokens.
    const tower = kimi.spec!.vision!;
    assert.deepStrictEqual([imageCost(tower, 448)?.tokens, imageCost(tower, 448)?.patches], [256, 1024]);
    assert.deepStrictEqual([imageCost(tower, 1000)?.tokens, imageCost(tower, 1000)?.patches], [1296, 5184]);
  });

  it("a MoonViT merge_kernel_size that is not two whole numbers is an error on that key, with no count", () => {
    const text = { model_type: 'deepseek_v3', hidden_size: 2048, intermediate_size: 11264, moe_intermediate_size: 1408, num_hidden_layers: 27, num_attention_heads: 16, n_routed_experts: 64, n_shared_experts: 2, num_experts_per_tok: 6, first_k_dense_replace: 1, kv_lora_rank: 512, q_lora_rank: null, qk_nope_head_dim: 128, qk_rope_head_dim: 64, v_head_dim: 128, vocab_size: 163840 };
    const vision = { model_type: 'moonvit', hidden_size: 1152, intermediate_size: 4304, num_hidden_layers: 27, num_attention_heads: 16, patch_size: 14, init_pos_emb_height: 64, init_pos_emb_width: 64 };
    for (const merge of [[2], [0, 2], 'two', [2, 2.5]]) {
      const written = JSON.stringify({ architectures: ['KimiVLForConditionalGeneration'], model_type: 'kimi_vl', text_config: text, vision_config: { ...vision, merge_kernel_size: merge } });
      const a = onlyConfig(written);
      const problem = a.problems.find(p => written.slice(p.span.start, p.span.end).startsWith('"merge_kernel_size"'));
      assert.strictEqual(problem?.severity, 'error', JSON.stringify(merge));
      assert.strictEqual(a.estimate?.parameters.vision, undefined);
    }
  });

  it("Qwen3.5's MoE language model: Qwen3-Next's layers, experts in every one, no dense intermediate_size needed", () => {
    // A Qwen3.5-35B-A3B pruned to 128 experts (its text config); its checkpoint's total_size / 2: 18,543,997,568.
    const layerTypes = Array.from({ length: 40 }, (_, i) => ((i + 1) % 4 === 0 ? 'full_attention' : 'linear_attention'));
    const config = { architectures: ['Qwen3_5MoeForConditionalGeneration'], attn_output_gate: true, full_attention_interval: 4, head_dim: 256, hidden_size: 2048, layer_types: layerTypes, linear_conv_kernel_dim: 4, linear_key_head_dim: 128, linear_num_key_heads: 16, linear_num_value_heads: 32, linear_value_head_dim: 128, model_type: 'qwen3_5_moe_text', moe_intermediate_size: 512, num_attention_heads: 16, num_experts: 128, num_experts_per_tok: 8, num_hidden_layers: 40, num_key_value_heads: 2, shared_expert_intermediate_size: 512, tie_word_embeddings: false, vocab_size: 248320 };
    assert.strictEqual(onlyConfig(JSON.stringify(config)).estimate!.parameters.total, 18_543_997_568);
  });
});

describe('Kimi Linear: Kimi Delta Attention beside latent attention, DeepSeek-V3 experts', () => {
  // moonshotai/Kimi-Linear-48B-A3B-Instruct's config.json (its KimiLinearForCausalLM remote code, 1-based layer lists).
  const KIMI_LINEAR = {
    architectures: ['KimiLinearForCausalLM'], model_type: 'kimi_linear', hidden_size: 2304, intermediate_size: 9216, num_hidden_layers: 27,
    num_attention_heads: 32, num_key_value_heads: 32, vocab_size: 163840, model_max_length: 1048576, tie_word_embeddings: false,
    q_lora_rank: null, kv_lora_rank: 512, qk_nope_head_dim: 128, qk_rope_head_dim: 64, v_head_dim: 128, mla_use_nope: true,
    num_experts: 256, num_experts_per_token: 8, num_shared_experts: 1, moe_intermediate_size: 1024, first_k_dense_replace: 1, moe_layer_freq: 1,
    routed_scaling_factor: 2.446, moe_router_activation_func: 'sigmoid', num_nextn_predict_layers: 0,
    linear_attn_config: { full_attn_layers: [4, 8, 12, 16, 20, 24, 27], head_dim: 128, kda_layers: [1, 2, 3, 5, 6, 7, 9, 10, 11, 13, 14, 15, 17, 18, 19, 21, 22, 23, 25, 26], num_heads: 32, short_conv_kernel_size: 4 },
  };

  it('49,122,681,728 parameters, as llama.cpp counts the converted checkpoint (llama-bench: 49.12 B)', () => {
    const a = onlyConfig(JSON.stringify(KIMI_LINEAR));
    assert.strictEqual(a.estimate!.parameters.total, 49_122_681_728);
    const h = a.spec!.hybrid!;
    assert.deepStrictEqual([h.attentionLayers, h.mambaLayers], [7, 20]);
    assert.strictEqual(a.spec!.maxPositions, 1_048_576);
    // Per delta-attention layer: q, k, v and o (4 × 2,304 × 4,096), the low-rank decay and output gates
    // (2 × (2,304 × 128 + 128 × 4,096)), β (2,304 × 32), three 4-step convolutions, A_log, dt_bias and the gated norm.
    const perLayer = 4 * 2304 * 4096 + 2 * (2304 * 128 + 128 * 4096) + 2304 * 32 + 3 * 4096 * 4 + 32 + 4096 + 128;
    const delta = weightTensors(a.spec!).filter(t => t.name.startsWith('self_attn.')).reduce((n, t) => n + numel(t), 0);
    assert.strictEqual(delta, 20 * perLayer);
  });

  it('caches keys and values in its 7 latent-attention layers only; the 20 others keep a recurrent state per sequence', () => {
    const a = onlyConfig(JSON.stringify(KIMI_LINEAR), { sequenceLength: 4096 });
    // transformers' remote code caches full heads (192 key and 128 value values each) in bf16, and per delta layer a
    // convolution window over q, k and v (3 × 4,096 × 4) and 32 heads of 128 × 128.
    const kv = 7 * 32 * (192 + 128) * 2 * 4096;
    const state = 20 * (3 * 4096 * 4 + 32 * 128 * 128) * 2;
    assert.strictEqual(a.estimate!.inference.components.kvCache, kv + state);
    assert.ok(a.estimate!.assumptions.some(n => /20 linear-attention \(Kimi Delta Attention\) mixers/.test(n)));
  });

  it('refuses a linear_attn_config without its kda_layers, on the key', () => {
    /** The config's text and the error each problem underlines there. */
    const refused = (config: object) => {
      const text = JSON.stringify(config);
      const a = onlyConfig(text);
      return { estimate: a.estimate, errors: a.problems.filter(p => p.severity === 'error').map(p => ({ at: text.slice(p.span!.start, p.span!.end), message: p.message })) };
    };
    // Kimi K3's switches written off add nothing.
    assert.strictEqual(refused({ ...KIMI_LINEAR, mla_use_output_gate: false, latent_moe_use_norm: false }).estimate!.parameters.total, 49_122_681_728);
    const { kda_layers: _listed, ...noList } = KIMI_LINEAR.linear_attn_config;
    const missing = refused({ ...KIMI_LINEAR, linear_attn_config: noList });
    assert.strictEqual(missing.estimate, undefined);
    // Shown on the section's num_heads (a list is no key of its own to underline).
    assert.ok(missing.errors.some(e => e.at.startsWith('"num_heads"') && /kda_layers/.test(e.message)), JSON.stringify(missing.errors));
  });
});

describe('Kimi K3: Kimi Linear with latent experts, gated attention, block attention residuals, and its MoonViT', () => {
  // moonshotai/Kimi-K3's config.json as a public model-information report of its checkpoint prints it (the keys that
  // size it), beside every tensor's shape and dtype across its 96 safetensors files.
  const FULL = [4, 8, 12, 16, 20, 24, 28, 32, 36, 40, 44, 48, 52, 56, 60, 64, 68, 72, 76, 80, 84, 88, 92, 93];
  const KIMI_K3 = {
    architectures: ['KimiK3ForConditionalGeneration'], model_type: 'kimi_k3', tie_word_embeddings: false,
    text_config: {
      architectures: ['KimiLinearForCausalLM'], model_type: 'kimi_linear', attn_res_block_size: 12, first_k_dense_replace: 1, hidden_act: 'situ', hidden_size: 7168,
      intermediate_size: 33792, kv_lora_rank: 512, latent_moe_use_norm: true, max_position_embeddings: 1048576, mla_use_nope: true, mla_use_output_gate: true,
      linear_attn_config: { full_attn_layers: FULL, gate_lower_bound: -5.0, head_dim: 128, kda_layers: Array.from({ length: 93 }, (_, i) => i + 1).filter(i => !FULL.includes(i)), num_heads: 96, short_conv_kernel_size: 4, use_full_rank_gate: true },
      moe_intermediate_size: 3072, moe_layer_freq: 1, moe_router_activation_func: 'sigmoid', num_attention_heads: 96, num_experts: 896, num_experts_per_token: 16, num_hidden_layers: 93,
      num_key_value_heads: 96, num_nextn_predict_layers: 0, num_shared_experts: 2, q_lora_rank: 1536, qk_nope_head_dim: 128, qk_rope_head_dim: 64, routed_expert_hidden_size: 3584,
      tie_word_embeddings: false, v_head_dim: 128, vocab_size: 163840,
      quantization_config: {
        config_groups: { group_0: { format: 'mxfp4-pack-quantized', targets: ['Linear'], weights: { group_size: 32, num_bits: 4, scale_dtype: 'torch.uint8', strategy: 'group', symmetric: true, type: 'float' } } },
        format: 'mxfp4-pack-quantized', ignore: ['re:.*self_attn.*', 're:.*shared_experts.*', 're:.*mlp\\.(gate|up|gate_up|down)_proj.*', 're:.*lm_head.*', 're:.*vision_tower.*', 're:.*mm_projector.*'],
        quant_method: 'compressed-tensors', quantization_status: 'compressed',
      },
    },
    vision_config: {
      attn_bias: false, init_pos_emb_height: 64, init_pos_emb_time: 4, init_pos_emb_width: 64, linear_bias: false, merge_kernel_size: [2, 2], mlp_type: 'mlp2', mm_hidden_size: 1024,
      mm_projector_type: 'patchmergerv2', norm_type: 'rmsnorm', patch_embed_proj_bias: false, patch_size: 14, pos_emb_type: 'divided_fixed', qkv_hidden_size: 1536,
      vt_hidden_size: 1024, vt_intermediate_size: 4096, vt_num_attention_heads: 12, vt_num_hidden_layers: 27,
    },
  };

  it('2,779,931,837,184 parameters: the checkpoint\'s tensors, its MXFP4 experts unpacked', () => {
    const a = onlyConfig(JSON.stringify(KIMI_K3));
    const p = a.estimate!.parameters;
    assert.strictEqual(p.total, 2_779_931_837_184);
    // The tower (27 blocks: wqkv 4,608 × 1,024, wo, fc0 and fc1, two RMSNorms; the patch convolution, the 64 × 64
    // position grid, the final norm) and the projector (4,096², 4,096 → 7,168, its RMSNorm).
    assert.strictEqual(p.vision, 401_214_464 + 46_144_512);
    const tensors = weightTensors(a.spec!);
    const sum = (pick: (name: string) => boolean) => tensors.filter(t => pick(t.name)).reduce((n, t) => n + numel(t), 0);
    // Per delta-attention layer: q, k, v, the full-rank gate g_proj and o (5 × 7,168 × 12,288), the decay gate
    // (7,168 × 128 + 128 × 12,288), β (7,168 × 96), three 4-step convolutions, A_log as stored (128), dt_bias, the norm.
    assert.strictEqual(sum(n => n.startsWith('self_attn.')), 69 * (5 * 7168 * 12288 + 7168 * 128 + 128 * 12288 + 7168 * 96 + 3 * 12288 * 4 + 128 + 12288 + 128));
    // Every MoE layer's 896 experts at the 3,584-wide latent (w1, w3: 3,584 → 3,072; w2 back), the projections to
    // and from it and its norm.
    assert.strictEqual(sum(n => n.startsWith('experts.')), 92 * 896 * 3 * 3072 * 3584);
    assert.strictEqual(sum(n => n.startsWith('routed_expert_')), 92 * (2 * 7168 * 3584 + 3584));
    // Before each layer's attention and MLP, and after the stack: an RMSNorm and a one-output projection.
    assert.strictEqual(sum(n => n.startsWith('attention residual')), (2 * 93 + 1) * 2 * 7168);
    // 16 of 896 experts per token: the rest of the text model is always active.
    assert.strictEqual(p.activePerToken, p.total - p.vision - (92 * (896 - 16) * 3 * 3072 * 3584));
  });

  it('its stored bytes match the report: MXFP4 routed experts, the rest in 16 bits (1453.66 GiB of tensors)', () => {
    const a = onlyConfig(JSON.stringify(KIMI_K3));
    assert.strictEqual(a.estimate!.settings.quantization, 'mxfp4');
    // The report's tensors: 1,560,860,324,864 bytes, of which ≈ 22 MB fp32 vectors VRAM Lens counts in 16 bits.
    const stored = 1_560_860_324_864;
    const weights = a.estimate!.inference.components.weights;
    assert.ok(Math.abs(weights - stored) / stored < 1e-4, `${weights} vs ${stored}`);
  });

  it('refuses a tower it does not count, on the key', () => {
    const text = JSON.stringify({ ...KIMI_K3, vision_config: { ...KIMI_K3.vision_config, linear_bias: true } });
    const a = onlyConfig(text);
    assert.strictEqual(a.estimate, undefined);
    const error = a.problems.find(p => p.severity === 'error');
    assert.ok(error && text.slice(error.span!.start, error.span!.end).startsWith('"linear_bias"') && /Kimi K3/.test(error.message), JSON.stringify(a.problems));
  });
});

describe('MiniMax-01: lightning attention beside softmax attention, Mixtral experts in every layer', () => {
  // MiniMaxAI/MiniMax-M1-80k's config.json (its MiniMaxM1ForCausalLM remote code): every eighth layer softmax attention.
  const ATTN_TYPES = Array.from({ length: 80 }, (_, i) => ((i + 1) % 8 === 0 ? 1 : 0));
  const MINIMAX_M1 = {
    architectures: ['MiniMaxM1ForCausalLM'], model_type: 'minimax_m1', attn_type_list: ATTN_TYPES, head_dim: 128, hidden_act: 'silu', hidden_size: 6144,
    intermediate_size: 9216, layernorm_full_attention_alpha: 3.5565588200778455, layernorm_linear_attention_alpha: 3.5565588200778455, layernorm_mlp_alpha: 3.5565588200778455,
    max_position_embeddings: 10240000, num_attention_heads: 64, num_experts_per_tok: 2, num_hidden_layers: 80, num_key_value_heads: 8, num_local_experts: 32,
    postnorm: true, rms_norm_eps: 1e-05, rope_theta: 10000000, rotary_dim: 64, shared_intermediate_size: 0, shared_moe_mode: 'sigmoid', tie_word_embeddings: false, vocab_size: 200064,
  };
  /** The config's estimate and the errors its problems underline. */
  const read = (config: object) => {
    const text = JSON.stringify(config);
    const a = onlyConfig(text);
    return { a, errors: a.problems.filter(p => p.severity === 'error').map(p => ({ at: text.slice(p.span!.start, p.span!.end), message: p.message })) };
  };

  it('456,089,655,296 parameters, the Hub\'s safetensors total for both M1 checkpoints; 70 lightning and 10 softmax attention layers', () => {
    const { a } = read(MINIMAX_M1);
    assert.strictEqual(a.estimate!.parameters.total, 456_089_655_296);
    const h = a.spec!.hybrid!;
    assert.deepStrictEqual([h.attentionLayers, h.mambaLayers], [10, 70]);
    // Per lightning layer: qkv_proj (6,144 × 3 × 8,192), output_gate and out_proj (6,144 × 8,192 each), the norm over 8,192.
    const lightning = weightTensors(a.spec!).filter(t => t.name.startsWith('self_attn.')).reduce((n, t) => n + numel(t), 0);
    assert.strictEqual(lightning, 70 * (6144 * 3 * 8192 + 2 * 6144 * 8192 + 8192));
  });

  it('caches keys and values in its 10 softmax layers; each lightning layer keeps 64 heads of 128 × 128 per sequence', () => {
    const { a } = read(MINIMAX_M1);
    const kv = 10 * 2 * 8 * 128 * 2 * 4096;
    const state = 70 * 64 * 128 * 128 * 2;
    assert.strictEqual(a.estimate!.inference.components.kvCache, kv + state);
    assert.ok(a.estimate!.assumptions.some(n => /70 linear-attention \(lightning attention\) mixers/.test(n)));
  });

  it("reads transformers' conversion (minimax, layer_types), which alternates from a softmax first layer when it lists none", () => {
    const { attn_type_list: _list, ...rest } = MINIMAX_M1;
    const layerTypes = ATTN_TYPES.map(k => (k === 1 ? 'full_attention' : 'linear_attention'));
    const hf = { ...rest, architectures: ['MiniMaxForCausalLM'], model_type: 'minimax', layer_types: layerTypes, block_size: 256 };
    assert.strictEqual(read(hf).a.estimate!.parameters.total, 456_089_655_296);
    const { layer_types: _types, ...unlisted } = hf;
    const h = read(unlisted).a.spec!.hybrid!;
    assert.deepStrictEqual([h.attentionLayers, h.mambaLayers], [40, 40]);
  });

  it('refuses on the key a shared expert, a layer kind other than 0 or 1, and remote code without its layer list', () => {
    const shared = read({ ...MINIMAX_M1, shared_intermediate_size: 4096 });
    assert.strictEqual(shared.a.estimate, undefined);
    assert.ok(shared.errors.some(e => e.at.startsWith('"shared_intermediate_size"') && /shared expert/.test(e.message)), JSON.stringify(shared.errors));
    const kinds = read({ ...MINIMAX_M1, attn_type_list: ATTN_TYPES.map(k => k * 2) });
    assert.strictEqual(kinds.a.estimate, undefined);
    // A list is no key of its own to underline: shown on model_type.
    assert.ok(kinds.errors.some(e => e.at.startsWith('"model_type"') && /`attn_type_list` must give each layer 0/.test(e.message)), JSON.stringify(kinds.errors));
    const { attn_type_list: _list, ...unlisted } = MINIMAX_M1;
    const missing = read(unlisted);
    assert.strictEqual(missing.a.estimate, undefined);
    assert.ok(missing.errors.some(e => e.at.startsWith('"model_type"') && /`attn_type_list` is missing/.test(e.message)), JSON.stringify(missing.errors));
  });
});

describe('LongCat-Flash: two latent-attention sublayers and MLPs per block, a shortcut mixture with zero-computation experts', () => {
  // meituan-longcat/LongCat-Flash-Chat's sizes, as transformers' LongcatFlashConfig defaults to them.
  const LONGCAT = {
    architectures: ['LongcatFlashForCausalLM'], model_type: 'longcat_flash', hidden_size: 6144, ffn_hidden_size: 12288, expert_ffn_hidden_size: 2048, num_layers: 28,
    num_attention_heads: 64, kv_lora_rank: 512, q_lora_rank: 1536, qk_rope_head_dim: 64, qk_nope_head_dim: 128, v_head_dim: 128, n_routed_experts: 512,
    zero_expert_num: 256, moe_topk: 12, vocab_size: 131072, max_position_embeddings: 131072, routed_scaling_factor: 6.0, zero_expert_type: 'identity',
  };

  it("560,664,958,976 parameters (the card: 560B; none exact is published): per block two MLAs, two MLPs, four norms, 512 experts and a router over 768", () => {
    const a = onlyConfig(JSON.stringify(LONGCAT));
    const h = 6144;
    const mla = h * 1536 + 1536 + 1536 * 64 * 192 + h * (512 + 64) + 512 + 512 * 64 * 256 + 64 * 128 * h;
    const block = 2 * mla + 2 * 3 * h * 12288 + 4 * h + 512 * 3 * h * 2048 + h * 768;
    assert.strictEqual(a.estimate!.parameters.total, 28 * block + 2 * 131072 * h + h);
    assert.strictEqual(a.estimate!.parameters.total, 560_664_958_976);
    // Each sublayer caches its own latent: 56 layers of attention.
    assert.strictEqual(a.spec!.numLayers, 56);
    const router = weightTensors(a.spec!).find(t => t.name === 'router')!;
    assert.deepStrictEqual([router.outFeatures, router.count], [768, 28]);
    assert.ok(a.estimate!.assumptions.some(n => /^Zero-computation experts: each token's 12 routed picks are made among 512 experts and 256 zero-computation ones/.test(n)));
    // A null zero_expert_num is none, as LongcatFlashExperts reads it: the router scores the 512 routed experts alone.
    const none = onlyConfig(JSON.stringify({ ...LONGCAT, zero_expert_num: null }));
    assert.strictEqual(none.estimate!.parameters.total, 560_664_958_976 - 28 * h * 256);
  });
});

describe('Ling 1.x and the Ling 2.0 checkpoints: model_type bailing_moe, read by the class they name', () => {
  // inclusionAI/Ling-lite-1.5's config.json (BailingMoeForCausalLM, remote code).
  const LING_LITE = {
    architectures: ['BailingMoeForCausalLM'], model_type: 'bailing_moe', first_k_dense_replace: 0, hidden_act: 'silu', hidden_size: 2048, intermediate_size: 1408,
    max_position_embeddings: 32768, moe_intermediate_size: 1408, num_experts: 64, num_shared_experts: 2, norm_topk_prob: true, num_attention_heads: 16,
    num_experts_per_tok: 6, num_hidden_layers: 28, num_key_value_heads: 4, rms_norm_eps: 1e-6, rope_theta: 600000, tie_word_embeddings: false,
    use_bias: false, use_qkv_bias: false, vocab_size: 126464, norm_head: false,
  };

  it("Ling-lite-1.5: 16,801,974,272 parameters (the card's 16.8B): a fused QKV, 64 experts and two shared ones in every layer", () => {
    const a = onlyConfig(JSON.stringify(LING_LITE));
    const layer = 2048 * (16 + 2 * 4) * 128 + 2048 * 2048 + 64 * 3 * 2048 * 1408 + 3 * 2048 * 2 * 1408 + 2048 * 64 + 2 * 2048;
    assert.strictEqual(a.estimate!.parameters.total, 28 * layer + 2 * 126464 * 2048 + 2048);
    assert.strictEqual(a.estimate!.parameters.total, 16_801_974_272);
  });

  it("a Ling 2.0 checkpoint written as bailing_moe (Ling-mini-2.0) counts as Ling 2.0: the Hub's total less its routers' expert_bias buffers", () => {
    const mini = {
      architectures: ['BailingMoeV2ForCausalLM'], model_type: 'bailing_moe', num_hidden_layers: 20, hidden_size: 2048, intermediate_size: 5120, num_attention_heads: 16,
      num_key_value_heads: 4, head_dim: 128, num_experts: 256, num_experts_per_tok: 8, num_shared_experts: 1, moe_intermediate_size: 512, first_k_dense_replace: 1,
      use_qk_norm: true, use_qkv_bias: false, use_bias: false, vocab_size: 157184, tie_word_embeddings: false, num_nextn_predict_layers: 1,
    };
    // 16,255,643,392 in the Hub's safetensors total, of which 19 × 256 are the MoE layers' expert_bias buffers.
    assert.strictEqual(onlyConfig(JSON.stringify(mini)).estimate!.parameters.total, 16_255_643_392 - 19 * 256);
  });

  it('refuses a Ling 1.x config that leaves use_bias to its default (true), and one without its expert width', () => {
    const { use_bias: _unwritten, ...defaulted } = LING_LITE;
    const text = JSON.stringify(defaulted);
    const a = onlyConfig(text);
    assert.strictEqual(a.estimate, undefined);
    const error = a.problems.find(p => p.severity === 'error')!;
    assert.match(error.message, /`use_bias` is not written, and BailingMoeConfig defaults it to true/);
    assert.ok(text.slice(error.span!.start, error.span!.end).startsWith('"model_type"'));
    const { moe_intermediate_size: _width, ...widthless } = LING_LITE;
    assert.ok(onlyConfig(JSON.stringify(widthless)).problems.some(p => /`moe_intermediate_size` is missing/.test(p.message)));
  });
});

describe('DeepSeek-V4: shared-KV attention with compressed sparse and heavily compressed layers, hyper-connections, experts', () => {
  // deepseek-ai/DeepSeek-V4-Flash's sizes (DeepseekV4Config's defaults) and its legacy per-layer compress_ratios:
  // two sliding-window layers, then CSA (4) and HCA (128) in turn, and the MTP layer's 0 (not built by transformers).
  const RATIOS = [0, 0, ...Array.from({ length: 41 }, (_, i) => ((i + 2) % 2 === 0 ? 4 : 128)), 0];
  const FLASH = {
    architectures: ['DeepseekV4ForCausalLM'], model_type: 'deepseek_v4', vocab_size: 129280, hidden_size: 4096, moe_intermediate_size: 2048, n_routed_experts: 256,
    n_shared_experts: 1, num_hidden_layers: 43, num_attention_heads: 64, num_key_value_heads: 1, head_dim: 512, max_position_embeddings: 1048576, q_lora_rank: 1024,
    o_lora_rank: 1024, o_groups: 8, hc_mult: 4, index_n_heads: 64, index_head_dim: 128, index_topk: 512, sliding_window: 128, num_experts_per_tok: 6,
    num_hash_layers: 3, compress_ratios: RATIOS,
  };

  it("284,332,230,231 parameters (the card's 284B, 13B active), as transformers' modules add up", () => {
    const a = onlyConfig(JSON.stringify(FLASH));
    const h = 4096;
    // Every layer: q_a, q_norm, q_b, kv_proj, kv_norm, the grouped o_a (8 groups of 4,096 → 1,024) and o_b, 64 sinks;
    // 256 experts and a shared one of 2,048, the router, two RMSNorms, two hyper-connection mixes of 24 over 4 × 4,096.
    const layer = h * 1024 + 1024 + 1024 * 64 * 512 + h * 512 + 512 + 8 * 1024 * 4096 + 8 * 1024 * h + 64
      + 257 * 3 * h * 2048 + 256 * h + 2 * h + 2 * (24 * 4 * h + 24 + 3);
    // CSA: compressor (kv and gate to 2 × 512, a 4 × 1,024 position bias, a norm) and indexer (kv and gate to 2 × 128,
    // its 4 × 256 bias and norm, q_b from the query LoRA to 64 heads of 128, weights_proj); HCA: kv and gate to 512,
    // a 128 × 512 bias, a norm.
    const csa = 2 * h * 1024 + 4 * 1024 + 512 + 2 * h * 256 + 4 * 256 + 128 + 1024 * 64 * 128 + h * 64;
    const hca = 2 * h * 512 + 128 * 512 + 512;
    const total = 43 * layer + 21 * csa + 20 * hca + 2 * 129280 * h + h + (4 * 4 * h + 4 + 1);
    assert.strictEqual(a.estimate!.parameters.total, total);
    assert.strictEqual(total, 284_332_230_231);
    assert.deepStrictEqual([a.spec!.deepseekV4!.csaLayers, a.spec!.deepseekV4!.hcaLayers], [21, 20]);
  });

  it("caches, per sequence, each layer's last 127 shared keys-values and the compressed entries transformers keeps", () => {
    const a = onlyConfig(JSON.stringify(FLASH), { sequenceLength: 4096 });
    const elements = 43 * 127 * 512 + 21 * (4096 / 4) * (512 + 128) + 20 * (4096 / 128) * 512;
    assert.strictEqual(a.estimate!.inference.components.kvCache, elements * 2);
    assert.ok(a.estimate!.assumptions.some(n => /^DeepSeek-V4: every layer caches one shared key-value head of 512 for its last 127 tokens/.test(n)));
  });

  it("reads layer_types, or DeepseekV4Config's default schedule; a schedule that does not cover the layers is refused", () => {
    const { compress_ratios: _ratios, ...unlisted } = FLASH;
    const kinds = (config: object) => { const v = onlyConfig(JSON.stringify(config)).spec!.deepseekV4!; return [v.csaLayers, v.hcaLayers]; };
    // Default: two HCA layers, then HCA and CSA in turn over the other 41.
    assert.deepStrictEqual(kinds(unlisted), [20, 23]);
    const named = RATIOS.slice(0, 43).map(r => (r === 0 ? 'sliding_attention' : r === 4 ? 'compressed_sparse_attention' : 'heavily_compressed_attention'));
    assert.deepStrictEqual(kinds({ ...unlisted, layer_types: named }), [21, 20]);
    const short = onlyConfig(JSON.stringify({ ...FLASH, compress_ratios: [0, 4, 128] }));
    assert.strictEqual(short.estimate, undefined);
    assert.ok(short.problems.some(p => /`compress_ratios` must give each of the 43 layers/.test(p.message)));
  });
});

describe('Ling 2.0 (bailing_moe_v2): a fused QKV with q/k norms, a dense first layer, shared and routed experts', () => {
  // Megatron-Bridge's toy BailingMoeV2 config (tests/functional_tests/test_groups/models/bailing), the rest
  // BailingMoeV2Config's defaults: one shared expert, q/k norms, no biases.
  const TOY = {
    architectures: ['BailingMoeV2ForCausalLM'], model_type: 'bailing_moe_v2', hidden_size: 1024, intermediate_size: 2048, moe_intermediate_size: 512,
    num_hidden_layers: 2, num_attention_heads: 8, num_key_value_heads: 2, head_dim: 128, max_position_embeddings: 4096, vocab_size: 32000,
    num_experts: 8, num_experts_per_tok: 4, first_k_dense_replace: 1, num_nextn_predict_layers: 0, use_qkv_bias: false, tie_word_embeddings: false,
  };

  it('91,239,936 parameters, counted module by module', () => {
    // Embedding and head 2 × 32,000 × 1,024; per layer query_key_value 1,024 × (8 + 2 × 2) × 128, dense 1,024²,
    // q/k norms 2 × 128 and two RMSNorms; layer 0 a gated MLP of 2,048; layer 1 eight experts and one shared expert of
    // 512 with its router (8 × 1,024); the final norm.
    const attention = 1024 * 12 * 128 + 1024 * 1024 + 2 * 128;
    const expected = 2 * 32000 * 1024 + 2 * (attention + 2 * 1024) + 3 * 1024 * 2048 + 9 * 3 * 1024 * 512 + 8 * 1024 + 1024;
    assert.strictEqual(expected, 91_239_936);
    assert.strictEqual(onlyConfig(JSON.stringify(TOY)).estimate!.parameters.total, expected);
  });

  it('biases where use_qkv_bias and use_bias say, no q/k norms when use_qk_norm is false; its MTP layers are a draft, outside the count', () => {
    const a = onlyConfig(JSON.stringify({ ...TOY, use_qkv_bias: true, use_bias: true, use_qk_norm: false, num_nextn_predict_layers: 1 }));
    assert.strictEqual(a.estimate!.parameters.total, 91_239_936 + 2 * (12 * 128 + 1024 - 2 * 128));
    assert.strictEqual(a.spec!.draftLayers, 1);
  });
});

describe('Nemotron-NAS (DeciLM): Llama layers, each built by its own block_configs entry', () => {
  /** A block_configs entry: grouped attention (n_heads_in_group), linear or none; an FFN of ffn_mult, linear or none. */
  const block = (attention: number | 'linear' | 'none', ffn: number | 'linear' | 'none') => ({
    attention: attention === 'none' ? { no_op: true } : attention === 'linear' ? { replace_with_linear: true } : { n_heads_in_group: attention, no_op: false },
    ffn: ffn === 'none' ? { no_op: true } : ffn === 'linear' ? { replace_with_linear: true } : { ffn_mult: ffn, no_op: false },
  });
  const config = (blocks: unknown[]) => ({
    architectures: ['DeciLMForCausalLM'], model_type: 'nemotron-nas', hidden_size: 8192, num_attention_heads: 64, num_hidden_layers: blocks.length,
    num_key_value_heads: null, intermediate_size: null, vocab_size: 128256, max_position_embeddings: 131072, tie_word_embeddings: false, block_configs: blocks,
  });
  const FOUR = [block(8, 2.625), block('none', 1.0), block('linear', 1.3125), block(8, 'none')];

  it('counts each layer as its block builds it: 3,137,396,736 for four mixed blocks', () => {
    const a = onlyConfig(JSON.stringify(config(FOUR)));
    // Embedding and head 2 × 128,256 × 8,192; grouped attention (64 query and 8 key-value heads of 128) twice; a
    // linear layer in attention's place; FFNs of ffn_mult 2.625, 1.0 and 1.3125: 14,336, 5,632 (5,461 rounded up to 256)
    // and 7,168 wide; an RMSNorm before each present part, and the final one.
    const attention = 2 * 8192 * 8192 + 2 * 8192 * 1024;
    const expected = 2 * 128256 * 8192 + 2 * attention + 8192 * 8192 + 3 * 8192 * (14336 + 5632 + 7168) + (3 + 3 + 1) * 8192;
    assert.strictEqual(expected, 3_137_396_736);
    assert.strictEqual(a.estimate!.parameters.total, expected);
    // Only the two grouped-attention layers cache keys and values: 8 heads of 128, keys and values, bf16.
    const b = onlyConfig(JSON.stringify(config(FOUR)), { sequenceLength: 4096 });
    assert.strictEqual(b.estimate!.inference.components.kvCache, 2 * 2 * 8 * 128 * 2 * 4096);
  });

  it('refuses a block it cannot count, on block_configs', () => {
    const refused = (blocks: unknown[]) => onlyConfig(JSON.stringify(config(blocks)));
    const mixed = refused([block(8, 1.0), block(16, 1.0)]);
    assert.strictEqual(mixed.estimate, undefined);
    assert.ok(mixed.problems.some(p => /different key-value heads \(8, 4\)/.test(p.message)));
    const windowed = refused([{ attention: { n_heads_in_group: 8, window_length: 4096 }, ffn: { ffn_mult: 1.0 } }]);
    assert.ok(windowed.problems.some(p => /block_configs\[0\].*window_length/.test(p.message)));
    assert.ok(refused([block(8, 1.0), { attention: { n_heads_in_group: 8 }, ffn: {} }]).problems.some(p => /block_configs\[1\].*ffn_mult/.test(p.message)));
    assert.ok(refused([block(7, 1.0)]).problems.some(p => /n_heads_in_group must be a whole number dividing num_attention_heads \(64\)/.test(p.message)));
    const short = onlyConfig(JSON.stringify({ ...config(FOUR), num_hidden_layers: 5 }));
    assert.ok(short.problems.some(p => /each of the 5 layers.*lists 4/.test(p.message)));
    assert.ok(refused([1, 2]).problems.some(p => /each of the 2 layers an object.*not objects/.test(p.message)));
  });
});

describe("what transformers and diffusers allocate (bench/data/library-allocated.json, built on the meta device)", () => {
  // The configs the unit tests write inline: the families first counted by hand (Falcon-H1, Granite 4 hybrids,
  // Zamba2, Qwen3-VL, PixArt, Sana, RWKV-4, Jamba, Qwen3-Next, FLUX.1), each built by its own library class.
  const data = JSON.parse(fs.readFileSync(path.join(ROOT, 'bench', 'data', 'library-allocated.json'), 'utf8')) as {
    rows: { id?: string; config?: unknown; class: string; parameters: number }[];
  };
  for (const row of data.rows.filter(r => r.config !== undefined)) {
    it(`${row.id}: ${row.class}, ${row.parameters.toLocaleString('en-US')} parameters`, () => {
      assert.strictEqual(onlyConfig(JSON.stringify(row.config)).estimate!.parameters.total, row.parameters);
    });
  }
});
