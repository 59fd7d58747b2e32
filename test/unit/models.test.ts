// Models named outside the catalog: local folders (config.json and safetensors headers), PEFT adapters, names nothing resolves.
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { analyzeDocument, DEFAULT_OPTIONS } from '../../src/core/analyze';
import { main } from '../../src/cli/main';
import { NODE_FILES } from '../../src/cli/nodeFiles';
import { parseConfig } from '../../src/parse';
import { joinPath, resolveLocalModel, safetensorsCounts, searchFolders } from '../../src/parse/localModels';
import { PUBLIC } from './helpers';
import { llamaTensors, writeShardedHeaders } from './safetensorsFixture';

const LLAMA_3B = path.join(PUBLIC, 'configs-public', 'hf', 'meta-llama__Llama-3.2-3B__config_from-md.json');

describe('local models', () => {
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vram-lens-local-'));
    const model = path.join(dir, 'models', 'my-llama');
    fs.mkdirSync(model, { recursive: true });
    fs.copyFileSync(LLAMA_3B, path.join(model, 'config.json'));
    writeShardedHeaders(model, llamaTensors(JSON.parse(fs.readFileSync(LLAMA_3B, 'utf8'))));
    fs.mkdirSync(path.join(dir, 'recipes', 'qlora'), { recursive: true });
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('paths join and climb as POSIX paths, to the root given and no further', () => {
    assert.strictEqual(joinPath('/w/recipes', '../models/./x/'), '/w/models/x');
    assert.deepStrictEqual(searchFolders('/w/a/b', '/w'), ['/w/a/b', '/w/a', '/w']);
  });

  it('reads a named folder from a parent of the file: config.json, and the exact count from the safetensors headers', async () => {
    const folder = dir.split(path.sep).join('/');
    const model = await resolveLocalModel(NODE_FILES, 'models/my-llama', `${folder}/recipes/qlora`, folder);
    assert.ok(model);
    assert.strictEqual(model.parameters, 3_212_749_824);
    assert.strictEqual(model.config.torch_dtype, 'bfloat16');
    assert.strictEqual(await resolveLocalModel(NODE_FILES, 'models/my-llama', `${folder}/recipes/qlora`, `${folder}/recipes`), undefined);
  });

  it('the CLI reads ./models/my-llama for a recipe beside it, ahead of the catalog', async () => {
    const recipe = path.join(dir, 'recipes', 'qlora', 'axolotl.yml');
    fs.writeFileSync(recipe, 'base_model: ../../models/my-llama\nadapter: qlora\nlora_r: 8\nmicro_batch_size: 2\n');
    let out = '';
    assert.strictEqual(await main([recipe, '--json'], s => (out += s), () => undefined), 0);
    const config = JSON.parse(out).files[0].configs[0];
    assert.strictEqual(config.parameters.total, 3_212_749_824);
    assert.match(config.assumptions[0], /read from \.\.\/\.\.\/models\/my-llama\/config\.json, with 3,212,749,824 parameters in its safetensors headers/);
  });

  it("a named folder's quantization_config ships its weights so: an FP8 export is counted in FP8, said in the report", async () => {
    const fp8 = path.join(dir, 'models', 'my-llama-fp8');
    fs.mkdirSync(fp8, { recursive: true });
    const config = JSON.parse(fs.readFileSync(LLAMA_3B, 'utf8'));
    fs.writeFileSync(path.join(fp8, 'config.json'), JSON.stringify({ ...config, quantization_config: { quant_method: 'fp8', weight_block_size: [128, 128] } }));
    const recipe = path.join(dir, 'recipes', 'serve.yml');
    fs.writeFileSync(recipe, 'model_name_or_path: ../models/my-llama-fp8\n');
    let out = '';
    assert.strictEqual(await main([recipe, '--json', '--mode', 'inference'], s => (out += s), () => undefined), 0);
    const report = JSON.parse(out).files[0].configs[0];
    assert.strictEqual(report.settings.quantization, 'fp8-block');
    assert.ok(report.inference.components.weights < 0.6 * 2 * 3_212_749_824);
    assert.ok(report.assumptions.some((a: string) => /quantization \(as the checkpoint ships it\) \(`model_name_or_path`\)/.test(a)));
  });

  it('headers with packed quantized weights give no count (their shapes are not parameters)', () => {
    assert.deepStrictEqual(safetensorsCounts({ a: { dtype: 'BF16', shape: [2, 3] }, b: { dtype: 'U8', shape: [4] } }), new Map([['BF16', 6], ['U8', 4]]));
    assert.strictEqual(safetensorsCounts({ a: { dtype: 'BF16', shape: [2, -3] } }), undefined);
  });
});

describe('names nothing resolves', () => {
  it('get an Information problem on the name, with what to do', () => {
    const text = 'base_model: my-org/secret-llama-13b\nmicro_batch_size: 2\n';
    const doc = analyzeDocument(parseConfig(text, 'yaml'), DEFAULT_OPTIONS);
    assert.deepStrictEqual(doc.configs, []);
    const [p] = doc.problems;
    assert.deepStrictEqual([p.severity, p.code, text.slice(p.span.start, p.span.end)], ['info', 'unknown-model', 'my-org/secret-llama-13b']);
    assert.match(p.message, /^Unknown model "my-org\/secret-llama-13b": point to its config\.json, enable Hub lookup, or add it to `vramLens\.models`\.$/);
  });

  it('a script whose model comes from an argument without a default says so on the argument', () => {
    const text = 'from transformers import AutoModelForCausalLM\nmodel = AutoModelForCausalLM.from_pretrained(args.model_path)\n';
    const [p] = analyzeDocument(parseConfig(text, 'python'), DEFAULT_OPTIONS).problems;
    assert.strictEqual(p.code, 'unknown-model');
    assert.strictEqual(text.slice(p.span.start, p.span.end), 'args.model_path');
    assert.match(p.message, /`args\.model_path`, a value this file does not write/);
  });

  it('keys that hold other things are not taken for model names (an API model, a file, a sentence)', () => {
    for (const text of ['model: gpt-4o\n', 'model_name: my model\n', 'model: data/train.jsonl\n', 'init_from: scratch\n']) {
      assert.deepStrictEqual(analyzeDocument(parseConfig(text, 'yaml'), DEFAULT_OPTIONS).problems, [], text);
    }
  });

  it("values supplied for the name (vramLens.models) resolve it", () => {
    const text = 'base_model: my-org/secret-llama-13b\n';
    const models = new Map([['my-org/secret-llama-13b', { config: { model_type: 'llama', hidden_size: 5120, num_hidden_layers: 40, num_attention_heads: 40, intermediate_size: 13824, vocab_size: 32000 }, source: 'vramLens.models' }]]);
    const doc = analyzeDocument(parseConfig(text, 'yaml'), { ...DEFAULT_OPTIONS, models });
    assert.strictEqual(doc.configs[0].estimate?.parameters.total, 13_015_864_320);
    assert.deepStrictEqual(doc.problems, []);
  });
});

describe('PEFT adapter_config.json', () => {
  it('is a fine-tuning run of its own: the base model, rank and targets give the trainable count', () => {
    const text = '{"base_model_name_or_path": "meta-llama/Llama-3.1-8B", "peft_type": "LORA", "r": 16, "lora_alpha": 32, "lora_dropout": 0.05, "target_modules": ["q_proj", "k_proj", "v_proj", "o_proj"], "task_type": "CAUSAL_LM"}';
    const [a] = analyzeDocument(parseConfig(text, 'json'), DEFAULT_OPTIONS).configs;
    assert.strictEqual(a.config.catalog?.model.id, 'meta-llama/Llama-3.1-8B');
    assert.deepStrictEqual(a.estimate?.settings.lora, { rank: 16, targets: ['q', 'k', 'v', 'o'], dropout: true });
    // r·(in + out) per adapted projection: q and o are 4096 → 4096, k and v 4096 → 1024, over 32 layers.
    assert.strictEqual(a.estimate?.trainableParameters, 32 * 16 * (2 * (4096 + 4096) + 2 * (4096 + 1024)));
  });
});

describe('a DeepSpeed config a recipe names', () => {
  it('is read beside the recipe: its ZeRO stage, optimizer offload and (unless "auto") micro-batch apply', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vram-lens-ds-'));
    fs.mkdirSync(path.join(dir, 'ds'));
    fs.writeFileSync(path.join(dir, 'ds', 'offload.json'), JSON.stringify({ train_micro_batch_size_per_gpu: 'auto', zero_optimization: { stage: 3, offload_optimizer: { device: 'cpu' } } }));
    fs.writeFileSync(path.join(dir, 'recipe.yaml'), 'model_name_or_path: Qwen/Qwen3-8B\nfinetuning_type: full\ndeepspeed: ds/offload.json\nper_device_train_batch_size: 2\n');
    let out = '';
    await main([path.join(dir, 'recipe.yaml'), '--json', '--gpus', '4'], s => (out += s), () => undefined);
    const config = JSON.parse(out).files[0].configs[0];
    assert.deepStrictEqual([config.settings.zeroStage, config.settings.offloadOptimizer, config.settings.batchSize], [3, true, 2]);
    assert.match(config.assumptions.join('\n'), /optimizer offload \(`deepspeed \("ds\/offload\.json"\): zero_optimization\.offload_optimizer\.device`\)/);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe('builders and flavors VRAM Lens does not know', () => {
  it('are said on the builder or flavor, and vramLens.models can map them', () => {
    const toml = '[model]\nname = "qwen3"\nflavor = "debugmodel"\n';
    const doc = analyzeDocument(parseConfig(toml, 'toml'), DEFAULT_OPTIONS);
    assert.deepStrictEqual(doc.problems.map(p => [p.code, toml.slice(p.span.start, p.span.end)]), [['unknown-model', '"debugmodel"']]);
    const models = new Map([['qwen3 debugmodel', { config: { model_type: 'llama', hidden_size: 4096, num_hidden_layers: 32, num_attention_heads: 32, intermediate_size: 11008, vocab_size: 32000 }, source: 'vramLens.models' }]]);
    const mapped = analyzeDocument(parseConfig(toml, 'toml'), { ...DEFAULT_OPTIONS, models });
    assert.strictEqual(mapped.configs[0]?.estimate?.parameters.total, 6_738_415_616);
  });
});
