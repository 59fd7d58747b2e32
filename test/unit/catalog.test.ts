// Every built-in catalog entry, run through the engine: its family, a clean estimate, and its exact parameter count.
import * as assert from 'assert';
import { analyzeDocument, DEFAULT_OPTIONS } from '../../src/core/analyze';
import { CATALOG, findCatalogModel, matchCatalogModel } from '../../src/core/catalog';
import { parseConfig } from '../../src/parse';
import { draftLayerTensors } from '../../src/core/tensors';
import { numel } from '../../src/core/weightTensor';
import type { ConfigObject } from '../../src/core/configTree';

/** An entry's config analyzed as a file; a pipeline's with its components' configs beside it, as a host reads them. */
function analyzeEntry(config: object, components?: Readonly<Record<string, object>>) {
  const attachedConfigs = components && new Map(Object.entries(components).map(([key, c]) => [`${key}/config.json`, parseConfig(JSON.stringify(c), 'json').root as ConfigObject]));
  return analyzeDocument(parseConfig(JSON.stringify(config), 'json'), { ...DEFAULT_OPTIONS, ...(attachedConfigs ? { attachedConfigs } : {}) }).configs[0];
}

/** A count written the way a model page rounds it: as many decimals and the same unit as `published`. */
function roundedAs(count: number, published: string): string {
  const match = /^\d+(?:\.(\d+))?([MBT])$/.exec(published);
  assert.ok(match, `published size ${published} is not written like "12.2B"`);
  const [, decimals, unit] = match;
  return `${(count / { M: 1e6, B: 1e9, T: 1e12 }[unit as 'M' | 'B' | 'T']).toFixed(decimals?.length ?? 0)}${unit}`;
}

describe('catalog entries', () => {
  it('holds more than 200 models, each with a source and a unique id', () => {
    assert.ok(CATALOG.length > 200, `${CATALOG.length} entries`);
    const ids = new Set(CATALOG.map(m => m.id.toLowerCase()));
    assert.strictEqual(ids.size, CATALOG.length);
    for (const m of CATALOG) {
      assert.ok(m.source.length > 10, `${m.id} has no source`);
    }
  });

  for (const model of CATALOG) {
    it(`${model.id}: its own family, no problem, ${model.parameters ? 'the exact count' : 'a count'}`, () => {
      const a = analyzeEntry(model.config, model.components);
      assert.ok(a?.estimate, `${model.id}: ${a?.problems.map(p => p.message).join('; ')}`);
      assert.strictEqual(a.spec?.generic, false, `${model.id} falls back to a generic family`);
      assert.deepStrictEqual(a.problems.filter(p => p.severity !== 'info').map(p => p.message), []);
      if (model.parameters !== undefined) {
        assert.strictEqual(a.estimate.parameters.total, model.parameters);
      }
      if (model.publishedSize !== undefined) {
        assert.strictEqual(roundedAs(a.estimate.parameters.total, model.publishedSize), model.publishedSize);
      }
    });
  }

  it('every entry named by a file counts what its own config.json does (multimodal checkpoints through their text_config)', () => {
    const differ: string[] = [];
    for (const model of CATALOG.filter(m => m.components === undefined)) {
      const asFile = analyzeEntry(model.config)?.estimate?.parameters.total;
      const named = analyzeDocument(parseConfig(`base_model: ${model.id}\n`, 'yaml'), DEFAULT_OPTIONS).configs[0]?.estimate?.parameters.total;
      if (asFile !== named) {
        differ.push(`${model.id}: ${asFile} as a file, ${named} by name`);
      }
    }
    assert.deepStrictEqual(differ, []);
  });

  it('every id and alias resolves to its own entry', () => {
    for (const model of CATALOG) {
      for (const name of [model.id, ...model.aliases]) {
        assert.strictEqual(findCatalogModel(name)?.id, model.id, name);
      }
    }
  });
});

describe('names as files write them', () => {
  const cases: [name: string, id: string, quantization?: string][] = [
    ['unsloth/llama-3-8b-Instruct-bnb-4bit', 'meta-llama/Meta-Llama-3-8B', 'nf4-dq'],
    ['unsloth/Qwen2.5-7B-Instruct-unsloth-bnb-4bit', 'Qwen/Qwen2.5-7B', 'nf4-dq'],
    ['unsloth/gemma-2-9b-it-bnb-4bit', 'google/gemma-2-9b', 'nf4-dq'],
    ['TheBloke/Mistral-7B-Instruct-v0.2-AWQ', 'mistralai/Mistral-7B-Instruct-v0.2', 'awq-int4'],
    ['casperhansen/llama-3-8b-instruct-awq', 'meta-llama/Meta-Llama-3-8B', 'awq-int4'],
    ['TheBloke/Llama-2-7B-Chat-GPTQ', 'meta-llama/Llama-2-7b-hf', 'gptq-int4'],
    ['TheBloke/Llama-2-7B-Chat-GGUF', 'meta-llama/Llama-2-7b-hf'],
    ['llama-2-7b-chat.Q4_K_M.gguf', 'meta-llama/Llama-2-7b-hf', 'q4_k_m'],
    ['mlx-community/Meta-Llama-3-8B-Instruct-4bit', 'meta-llama/Meta-Llama-3-8B', 'mlx-q4'],
    ['mlx-community/Mistral-7B-Instruct-v0.3-8bit', 'mistralai/Mistral-7B-Instruct-v0.3', 'mlx-q8'],
    ['NousResearch/Meta-Llama-3-8B', 'meta-llama/Meta-Llama-3-8B'],
    ['meta-llama/Llama-3.1-8B-Instruct', 'meta-llama/Llama-3.1-8B'],
    ['google/gemma-3-4b-pt', 'google/gemma-3-4b-it'],
    ['google/medgemma-27b-text-it', 'google/medgemma-27b-text-it'],
    ['google/medgemma-27b-it', 'google/gemma-3-27b-it'],
    ['meta-llama/Llama-4-Scout-17B-16E-Instruct', 'meta-llama/Llama-4-Scout-17B-16E'],
    ['unsloth/Llama-4-Scout-17B-16E-Instruct-unsloth-bnb-4bit', 'meta-llama/Llama-4-Scout-17B-16E', 'nf4-dq'],
    ['meta-llama/Llama-4-Maverick-17B-128E-Instruct-FP8', 'meta-llama/Llama-4-Maverick-17B-128E'],
    ['Qwen/Qwen2.5-Coder-7B-Instruct', 'Qwen/Qwen2.5-Coder-7B'],
    ['deepseek-ai/DeepSeek-R1-Distill-Qwen-7B', 'Qwen/Qwen2.5-Math-7B'],
    ['allenai/OLMo-2-1124-7B-Instruct', 'allenai/OLMo-2-1124-7B'],
    ['allenai/Olmo-3-7B-Think', 'allenai/Olmo-3-1025-7B'],
    ['ibm-granite/granite-3.1-3b-a800m-instruct', 'ibm-granite/granite-3.0-3b-a800m-base'],
    ['mistralai/Mistral-Small-3.2-24B-Instruct-2506', 'mistralai/Mistral-Small-3.1-24B-Base-2503'],
    ['mistralai/Magistral-Small-2506', 'mistralai/Mistral-Small-24B-Base-2501'],
    ['allenai/Olmo-3.1-32B-Instruct', 'allenai/Olmo-3-1125-32B'],
    ['ibm-granite/granite-3.1-8b-instruct', 'ibm-granite/granite-3.1-8b-base'],
    ['microsoft/Phi-4-mini-instruct', 'microsoft/Phi-4-mini-instruct'],
    // A re-upload that prefixes the organisation to the name, as bartowski's GGUF repositories and files do.
    ['bartowski/Qwen_Qwen3-8B-GGUF', 'Qwen/Qwen3-8B'],
    ['nvidia_Llama-3_3-Nemotron-Super-49B-v1_5-Q4_K_M.gguf', 'nvidia/Llama-3_3-Nemotron-Super-49B-v1', 'q4_k_m'],
  ];
  for (const [name, id, quantization] of cases) {
    it(`${name} → ${id}${quantization ? ` (${quantization})` : ''}`, () => {
      const match = matchCatalogModel(name);
      assert.strictEqual(match?.model.id, id);
      assert.strictEqual(match.quantization, quantization);
    });
  }

  it('says why a name matched: the suffixes set aside and who published it', () => {
    const match = matchCatalogModel('unsloth/llama-3-8b-Instruct-bnb-4bit')!;
    assert.match(match.why, /`-instruct` \(a tuned or converted variant\) and `-bnb-4bit` \(bitsandbytes NF4/);
    assert.match(match.why, /published by unsloth/);
    assert.strictEqual(matchCatalogModel('neuralmagic/Meta-Llama-3.1-8B-Instruct-FP8')?.fp8, true);
  });

  it('a name with no entry under any suffix is not guessed', () => {
    // An organisation prefix is set aside only when the entry left is that organisation's.
    for (const name of ['not/a-model', 'my-org/llama-3-8b-but-bigger', 'Qwen/Qwen9-8B', 'bnb-4bit', '', 'bartowski/mistralai_Qwen3-8B-GGUF']) {
      assert.strictEqual(matchCatalogModel(name), undefined, name);
    }
  });
});

describe("Qwen3.5's large MoE checkpoints against llama.cpp's counts", () => {
  // llama-bench prints the language model's parameters for a GGUF: 396.35 B (397B-A17B) and 122.11 B (122B-A10B);
  // a 122B GGUF that keeps the multi-token-prediction layer reports model_n_params 124,635,206,144.
  const textModel = (id: string) => {
    const entry = CATALOG.find(m => m.id === id)!;
    const text = (entry.config as { text_config: object }).text_config;
    return analyzeEntry({ architectures: ['Qwen3_5MoeForCausalLM'], ...text })!;
  };

  it('397B-A17B: 396,346,350,336 in the language model', () => {
    assert.strictEqual(textModel('Qwen/Qwen3.5-397B-A17B').estimate!.parameters.total, 396_346_350_336);
  });

  it('122B-A10B: 122,111,526,912 in the language model, 124,635,206,144 with its MTP layer', () => {
    const a = textModel('Qwen/Qwen3.5-122B-A10B');
    assert.strictEqual(a.estimate!.parameters.total, 122_111_526_912);
    const mtp = draftLayerTensors(a.spec!, a.spec!.draftLayers!).reduce((n, t) => n + numel(t), 0);
    assert.strictEqual(a.estimate!.parameters.total + mtp, 124_635_206_144);
  });
});

describe('gpt-oss', () => {
  const yaml = (text: string) => analyzeDocument(parseConfig(text, 'yaml'), DEFAULT_OPTIONS).configs[0];

  it('counts its sinks, biased attention, biased router and experts: 20,914,757,184 (the model card: 21B)', () => {
    assert.strictEqual(yaml('base_model: openai/gpt-oss-20b\n').estimate?.parameters.total, 20_914_757_184);
    assert.strictEqual(yaml('base_model: openai/gpt-oss-120b\n').estimate?.parameters.total, 116_829_156_672);
  });

  it('is loaded as published, experts in MXFP4 (4.25 bits) and the rest in bf16, unless the file dequantizes it', () => {
    const a = yaml('base_model: openai/gpt-oss-20b\n');
    assert.strictEqual(a.estimate?.settings.quantization, 'mxfp4');
    // 24 layers × 32 experts × (2880 × 5760 + 2880 × 2880) expert weights at 4.25 bits; 1,556,491,584 other parameters in bf16.
    const experts = 24 * 32 * (2880 * 5760 + 2880 * 2880);
    const others = 20_914_757_184 - experts;
    assert.strictEqual(a.estimate?.inference.components.weights, Math.round(experts * (0.5 + 1 / 32) + others * 2));
    const dequantized = yaml('base_model: openai/gpt-oss-20b\nmodel_quantization_config: Mxfp4Config\nmodel_quantization_config_kwargs:\n  dequantize: true\n');
    assert.strictEqual(dequantized.estimate?.settings.quantization, undefined);
  });

  it('LoRA on "all linear" layers adapts attention only: its experts are fused parameters PEFT\'s target_modules cannot reach', () => {
    const a = yaml('base_model: openai/gpt-oss-20b\nadapter: lora\nlora_r: 8\nlora_target_linear: true\n');
    // r · (in + out) for q (2880 → 4096), k and v (2880 → 512), o (4096 → 2880), in each of 24 layers.
    assert.strictEqual(a.estimate?.trainableParameters, 24 * 8 * (2 * (2880 + 4096) + 2 * (2880 + 512)));
  });
});
