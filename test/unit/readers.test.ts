import * as assert from 'assert';
import { activationBytesPerLayer } from '../../src/core/memory';
import { analyzeDocument, DEFAULT_OPTIONS, type ConfigAnalysis } from '../../src/core/analyze';
import type { ConfigEntry, ConfigObject, ConfigValue } from '../../src/core/configTree';
import { findCatalogModel, torchtuneModel } from '../../src/core/catalog';
import { formatFor, parseConfig, type ConfigFormat } from '../../src/parse';
import { parsePython } from '../../src/parse/python';
import { parseShell } from '../../src/parse/shell';
import { accelerateRun } from '../../src/core/launchers';
import { parseYaml } from '../../src/parse/yaml';
import { PUBLIC, readReference, REFERENCE, ROOT } from './helpers';
import * as fs from 'fs';
import * as path from 'path';

function readShared(relative: string): string {
  return fs.readFileSync(path.join(REFERENCE, '..', relative), 'utf8');
}

function analyze(text: string, format: ConfigFormat, options = {}): ConfigAnalysis[] {
  return [...analyzeDocument(parseConfig(text, format), { ...DEFAULT_OPTIONS, ...options }).configs];
}

describe('YAML', () => {
  it('LitGPT: the model comes from checkpoint_dir, the run from precision, quantize, lora_*, train.*', () => {
    const [a] = analyze(readReference('configs/yaml/litgpt-llama-2-7b_qlora.yaml'), 'yaml');
    assert.strictEqual(a.config.catalog?.model.id, 'meta-llama/Llama-2-7b-hf');
    assert.strictEqual(a.estimate?.parameters.total, 6_738_415_616);
    const s = a.estimate!.settings;
    assert.deepStrictEqual([s.precision, s.quantization, s.batchSize, s.sequenceLength, s.gradientAccumulationSteps], ['bf16-true', 'nf4', 2, 512, 4]);
    assert.deepStrictEqual(s.lora, { rank: 32, targets: ['q', 'v'], dropout: true });
    assert.strictEqual(a.estimate!.trainableParameters, 32 * 32 * 2 * (4096 + 4096));
    assert.ok(a.estimate!.assumptions.some(x => /From the file: .*micro-batch size \(`train\.micro_batch_size`\)/.test(x)));
  });

  it('torchtune: the model builder names the model, with its batch, dtype, checkpointing and optimizer', () => {
    const [a] = analyze(readReference('configs/yaml/torchtune-llama3_2_3B_full_single_device.yaml'), 'yaml');
    assert.strictEqual(a.config.catalog?.model.id, 'meta-llama/Llama-3.2-3B');
    assert.strictEqual(a.estimate?.parameters.total, 3_212_749_824);
    assert.strictEqual(a.estimate!.settings.checkpointing, 'full');
    assert.strictEqual(a.estimate!.settings.precision, 'bf16-true');
  });

  it('LitGPT\'s own model: an untied output head (Gemma), quantized with the rest under bnb.nf4', () => {
    const [gemma] = analyze(readReference('configs/yaml/litgpt-gemma-2b_lora.yaml'), 'yaml');
    // HF's Gemma-2B ties its head (2,506,172,416); LitGPT's GPT class holds lm_head as its own 256,000 × 2,048.
    assert.strictEqual(gemma.estimate!.parameters.total, 2_506_172_416 + 256_000 * 2048);
    const [lit] = analyze(readReference('configs/yaml/litgpt-llama-2-7b_qlora.yaml'), 'yaml');
    const s = lit.estimate!.settings;
    const [hf] = analyze(readReference('configs/json/llama-2-7b-chat-hf.config.json'), 'json', {
      precision: s.precision, quantization: s.quantization, lora: s.lora, batchSize: s.batchSize, sequenceLength: s.sequenceLength,
    });
    // The 32,000 × 4,096 head in NF4 (half a byte and an fp32 absmax per 64) instead of bf16.
    const head = 32000 * 4096;
    assert.strictEqual(hf.estimate!.training.components.weights - lit.estimate!.training.components.weights, head * 2 - (head / 2 + (head / 64) * 4));
  });

  it('torchtune: its memory switches (loss, compile, optimizer_in_bwd, activation offloading, fused AdamW) drive the run, each named in the report', () => {
    const text = readShared('configs-public/yaml/torchtune__llama3_2_3B_full_single_device.yaml');
    const [a] = analyze(text, 'yaml');
    const s = a.estimate!.settings;
    assert.deepStrictEqual([s.loss, s.compiled, s.optimizerInBackward, s.activationOffloading], ['linear-chunked', false, true, false]);
    assert.ok(a.estimate!.assumptions.some(x => /From the file: .*loss \(`loss\._component_`\).*optimizer in backward \(`optimizer_in_bwd`\)/.test(x)));
    assert.ok(a.estimate!.assumptions.some(x => /^Loss: linear cross-entropy/.test(x)));
    assert.ok(a.estimate!.assumptions.some(x => /^Optimizer in backward: /.test(x)));
    const switched = text
      .replace('compile: False', 'compile: True')
      .replace('enable_activation_offloading: False', 'enable_activation_offloading: True')
      .replace('LinearCrossEntropyLoss', 'CEWithChunkedOutputLoss')
      .replace(/_component_: bitsandbytes\.optim\.PagedAdamW8bit/, '_component_: torch.optim.AdamW\n  fused: True');
    const [b] = analyze(switched, 'yaml');
    const t = b.estimate!.settings;
    assert.deepStrictEqual([t.loss, t.compiled, t.activationOffloading, t.optimizer, t.fusedOptimizer], ['chunked-output', true, true, 'adamw', true]);
    assert.ok(b.estimate!.assumptions.some(x => /^Activation offloading: /.test(x)));
    // A file outside torchtune does not take torchtune's switch names.
    const [hf] = analyze('{"hidden_size": 512, "num_hidden_layers": 2, "num_attention_heads": 8, "vocab_size": 1000, "intermediate_size": 1024, "model_type": "llama", "compile": true, "optimizer_in_bwd": true}', 'json');
    assert.deepStrictEqual([hf.estimate!.settings.compiled, hf.estimate!.settings.optimizerInBackward], [undefined, undefined]);
  });


  it("torchtune's full recipes compile their own losses in place but leave torch.nn.CrossEntropyLoss uncompiled; the LoRA recipe compiles it", () => {
    // recipes/full_finetune_single_device.py calls training.compile_loss without keeping its result.
    const recipe = (builder: string, loss: string) =>
      `model:\n  _component_: ${builder}\nbatch_size: 2\ndtype: bf16\ntokenizer:\n  max_seq_len: 4096\ndataset:\n  packed: True\nloss:\n  _component_: ${loss}\ncompile: True\n`;
    const settings = (builder: string, loss: string) => analyze(recipe(builder, loss), 'yaml')[0].estimate!.settings;
    assert.deepStrictEqual([settings('torchtune.models.llama3_2.llama3_2_3b', 'torch.nn.CrossEntropyLoss').compiledLoss, settings('torchtune.models.llama3_2.llama3_2_3b', 'torch.nn.CrossEntropyLoss').compiled], [false, true]);
    assert.strictEqual(settings('torchtune.models.llama3_2.llama3_2_3b', 'torchtune.modules.loss.CEWithChunkedOutputLoss').compiledLoss, undefined);
    assert.strictEqual(settings('torchtune.models.llama3_2.lora_llama3_2_3b', 'torch.nn.CrossEntropyLoss').compiledLoss, undefined);
    assert.ok(analyze(recipe('torchtune.models.llama3_2.llama3_2_3b', 'torch.nn.CrossEntropyLoss'), 'yaml')[0].estimate!.assumptions.some(x => /^Loss: cross-entropy over the whole logits, upcast to fp32; 12 bytes per logit at its peak, not compiled with the layers\./.test(x)));
  });
  it('torchtune: a switch combination its recipes refuse to start with is an error on the key, in torchtune\'s terms', () => {
    const text = readShared('configs-public/yaml/torchtune__llama3_2_3B_full_single_device.yaml');
    const accumulating = text.replace('gradient_accumulation_steps: 1', 'gradient_accumulation_steps: 8');
    const [a] = analyze(accumulating, 'yaml');
    assert.strictEqual(a.estimate, undefined);
    const p = a.problems.find(x => /optimizer_in_bwd: True` cannot run with `gradient_accumulation_steps: 8`/.test(x.message));
    assert.ok(p, a.problems.map(x => x.message).join('\n'));
    assert.strictEqual(accumulating.slice(p.span.start, p.span.start + 'optimizer_in_bwd'.length), 'optimizer_in_bwd');
    const offloading = text.replace('enable_activation_checkpointing: True', 'enable_activation_checkpointing: False').replace('enable_activation_offloading: False', 'enable_activation_offloading: True');
    const [b] = analyze(offloading, 'yaml');
    assert.strictEqual(b.estimate, undefined);
    assert.ok(b.problems.some(x => /needs `enable_activation_checkpointing: True`/.test(x.message) && offloading.slice(x.span.start).startsWith('enable_activation_offloading')));
  });

  it('mlx-lm: LoRA of lora_parameters.rank on its keys in the last num_layers blocks, fp32 adapters, a 16-bit loss', () => {
    const text = readShared('configs-public/yaml/mlx-lm__lora_config.yaml').replace('model: "mlx_model"', 'model: "mlx-community/Llama-3.2-3B-Instruct-4bit"');
    const [a] = analyze(text, 'yaml');
    const s = a.estimate!.settings;
    assert.strictEqual(a.config.catalog?.model.id, 'meta-llama/Llama-3.2-3B');
    assert.deepStrictEqual(s.lora, { rank: 8, targets: ['q', 'v'], dropout: false, fp32Adapters: true });
    assert.deepStrictEqual([s.trainedLayers, s.batchSize, s.sequenceLength, s.precision, s.loss, s.quantization], [16, 4, 2048, 'bf16-true', 'cross-entropy-16bit', 'mlx-q4']);
    // Rank 8 on q (3,072 → 3,072) and v (3,072 → 1,024) in 16 of Llama-3.2-3B's 28 blocks.
    const trainable = 8 * (3072 + 3072 + 3072 + 1024) * 16;
    assert.strictEqual(a.estimate!.trainableParameters, trainable);
    // fp32 adapters: 4 bytes of gradient and two 4-byte AdamW states each.
    assert.strictEqual(a.estimate!.training.components.gradients, 4 * trainable);
    assert.strictEqual(a.estimate!.training.components.optimizer, 8 * trainable);
    assert.ok(a.estimate!.assumptions.some(x => /^Framework: mlx-lm/.test(x)));
    assert.ok(a.estimate!.assumptions.some(x => /in the last 16 of 28 blocks \(adapters, their gradients and optimizer states in fp32\)/.test(x)));
    // Every block trained (-1): more adapters, and every block keeps its activations.
    const [all] = analyze(text.replace('num_layers: 16', 'num_layers: -1'), 'yaml');
    assert.strictEqual(all.estimate!.trainableParameters, (trainable / 16) * 28);
    assert.ok(all.estimate!.training.components.activations > a.estimate!.training.components.activations);
  });

  it('mlx-lm: what the file leaves out takes mlx-lm\'s defaults, and says so; full fine-tuning trains only the last blocks', () => {
    const [a] = analyze('model: mlx-community/Llama-3.2-3B-Instruct-4bit\nlora_parameters:\n  scale: 20.0\n', 'yaml');
    const s = a.estimate!.settings;
    assert.deepStrictEqual([s.trainedLayers, s.batchSize, s.sequenceLength, s.lora?.rank, s.lora?.targets], [16, 4, 2048, 8, ['q', 'v']]);
    assert.ok(a.estimate!.assumptions.some(x => x.startsWith("mlx-lm's defaults for what the file leaves out: num_layers 16, batch_size 4, max_seq_length 2048, LoRA rank 8")));
    const [full] = analyze('model: meta-llama/Llama-3.2-3B-Instruct\nfine_tune_type: full\nnum_layers: 4\niters: 100\n', 'yaml');
    const blocks = full.estimate!.parameters.total - full.estimate!.parameters.embeddings - 3072; // all but the tied embedding and the final norm
    assert.strictEqual(full.estimate!.settings.lora, undefined);
    assert.strictEqual(full.estimate!.trainableParameters, (blocks / 28) * 4);
    // The name alone, without a recipe: mlx_model is an mlx-lm config's model folder, never silent.
    const [unknown] = analyze('model: "mlx_model"\nfine_tune_type: lora\n', 'yaml');
    assert.strictEqual(unknown, undefined);
    const document = analyzeDocument(parseConfig('model: "mlx_model"\nfine_tune_type: lora\n', 'yaml'), DEFAULT_OPTIONS);
    assert.deepStrictEqual(document.unresolved?.map(u => u.name), ['mlx_model']);
  });

  it('torchtune on several GPUs: FSDP2 full sharding by default, and fsdp_cpu_offload keeps parameters, gradients and optimizer states in CPU memory', () => {
    const recipe = 'model:\n  _component_: torchtune.models.llama3_1.llama3_1_70b\nbatch_size: 2\ndtype: bf16\nenable_activation_checkpointing: True\n';
    const [sharded] = analyze(recipe, 'yaml', { gpus: 8 });
    const total = sharded.estimate!.parameters.total;
    assert.strictEqual(sharded.estimate!.settings.zeroStage, 3);
    assert.strictEqual(sharded.estimate!.training.components.weights, Math.round((total * 2) / 8));
    const [offloaded] = analyze(`${recipe}fsdp_cpu_offload: True\n`, 'yaml', { gpus: 8 });
    const t = offloaded.estimate!.training.components;
    assert.deepStrictEqual([t.weights, t.optimizer], [0, 0]);
    // At most the two layers in flight keep their gradients on the GPU: Llama 3.1 70B's 80 layers, 2 bytes each.
    assert.ok(t.gradients <= (2 * total * 2) / 80);
    assert.ok(offloaded.estimate!.assumptions.some(a => /parameters and gradients are offloaded too/.test(a)));
    // fsdp_reshard_after_forward: False shards gradients and optimizer states only (ZeRO-2).
    assert.strictEqual(analyze(`${recipe}fsdp_reshard_after_forward: False\n`, 'yaml', { gpus: 8 })[0].estimate!.settings.zeroStage, 2);
  });

  it("axolotl's FSDP: its list of HF Trainer's words, fsdp_config's sharding strategy (by name or number) and FSDP2's reshard_after_forward", () => {
    const recipe = 'base_model: meta-llama/Llama-3.1-8B\nsequence_len: 2048\nmicro_batch_size: 1\nbf16: true\ngradient_checkpointing: true\n';
    const stage = (extra: string) => analyze(recipe + extra, 'yaml', { gpus: 8 })[0].estimate!.settings.zeroStage;
    assert.strictEqual(stage(''), 0);
    assert.strictEqual(stage('fsdp:\n  - full_shard\n  - auto_wrap\n'), 3);
    assert.strictEqual(stage('fsdp:\n  - shard_grad_op\n  - auto_wrap\n'), 2);
    assert.strictEqual(stage('fsdp_config:\n  fsdp_sharding_strategy: FULL_SHARD\n'), 3);
    assert.strictEqual(stage('fsdp_config:\n  fsdp_sharding_strategy: 2\n'), 2);
    assert.strictEqual(stage('fsdp_version: 2\nfsdp_config:\n  reshard_after_forward: true\n'), 3);
    assert.strictEqual(stage('fsdp_version: 2\nfsdp_config:\n  reshard_after_forward: false\n'), 2);
    // The whole model's fp32 gradients on every GPU was what an unread list left: sharded, they are an eighth.
    const [list] = analyze(`${recipe}fsdp:\n  - full_shard\n  - auto_wrap\nfsdp_config:\n  fsdp_offload_params: true\n`, 'yaml', { gpus: 8 });
    const [ddp] = analyze(recipe, 'yaml', { gpus: 8 });
    assert.ok(list.estimate!.training.components.gradients < ddp.estimate!.training.components.gradients / 4);
    assert.deepStrictEqual([list.estimate!.training.components.weights, list.estimate!.training.components.optimizer], [0, 0]);
  });

  it("axolotl's N-D parallelism: dp_shard_size × dp_replicate_size × context_parallel_size × tensor_parallel_size GPUs, FSDP within each shard group", () => {
    const text = readShared('heldout/axolotl__examples__distributed-parallel__qwen3-8b-fsdp-tp-cp.yaml');
    const [a] = analyze(text, 'yaml');
    const s = a.estimate!.settings;
    assert.deepStrictEqual([s.gpus, s.tensorParallel, s.contextParallel, s.zeroStage], [8, 2, 2, 3]);
    // bf16 weights over tensor 2 × the 4 GPUs of dp_shard_size 2 × context_parallel_size 2.
    const total = a.estimate!.parameters.total;
    assert.ok(Math.abs(a.estimate!.training.components.weights - (total * 2) / 8) < total * 0.001, `${a.estimate!.training.components.weights}`);
    assert.ok(a.config.training.sources.some(x => x.option === 'gpus' && x.key === 'dp_shard_size'));
    // dp_replicate_size copies the shard group: the same per-GPU share on twice the GPUs, said as hybrid sharding.
    const [replicated] = analyze(text.replace('# dp_replicate_size: 1', 'dp_replicate_size: 2'), 'yaml');
    const r = replicated.estimate!.settings;
    assert.deepStrictEqual([r.gpus, r.hybridShard, r.shardGroup], [16, true, 4]);
    assert.strictEqual(replicated.estimate!.training.components.weights, a.estimate!.training.components.weights);
    assert.ok(replicated.estimate!.assumptions.some(x => x.includes('hybrid sharding: sharded within groups of 4 GPUs, replicated across the groups')));
  });

  it("torchtitan's HSDP: data_parallel_replicate_degree copies the shard group, which FSDP2 shards within, as axolotl's replicas do", () => {
    const job = (replicate: number) => `[model]\nname = "llama3"\nflavor = "8B"\n[training]\nlocal_batch_size = 1\nseq_len = 8192\n[parallelism]\ndata_parallel_shard_degree = 8\ndata_parallel_replicate_degree = ${replicate}\n`;
    const [one] = analyze(job(1), 'toml');
    const [four] = analyze(job(4), 'toml');
    assert.deepStrictEqual([one.estimate!.settings.gpus, one.estimate!.settings.hybridShard], [8, undefined]);
    assert.deepStrictEqual([four.estimate!.settings.gpus, four.estimate!.settings.hybridShard, four.estimate!.settings.shardGroup], [32, true, 8]);
    // Each GPU holds an eighth of the model states either way: the replicas hold copies, not smaller shards.
    assert.strictEqual(four.estimate!.training.components.weights, one.estimate!.training.components.weights);
    assert.strictEqual(four.estimate!.training.components.optimizer, one.estimate!.training.components.optimizer);
  });

  it('a context-parallel split with no GPU count runs on at least tensor × pipeline × context GPUs', () => {
    const [a] = analyze('base_model: meta-llama/Llama-3.1-8B\nsequence_len: 8192\nmicro_batch_size: 1\nbf16: true\ntensor_parallel_size: 2\ncontext_parallel_size: 2\n', 'yaml');
    assert.strictEqual(a.estimate!.settings.gpus, 4);
    assert.ok(a.estimate!.assumptions.some(x => x.startsWith('GPUs 4: the file states no count, and its split (tensor 2 × pipeline 1 × context 2) runs on at least that many')));
    // axolotl's earlier name for its ring-attention context parallelism.
    const [older] = analyze('base_model: meta-llama/Llama-3.1-8B\nsequence_len: 8192\nmicro_batch_size: 1\nbf16: true\nsequence_parallel_degree: 4\n', 'yaml');
    assert.deepStrictEqual([older.estimate!.settings.contextParallel, older.estimate!.settings.gpus], [4, 4]);
  });

  it('torchtune QLoRA runs on torchao: NF4 with double quantization, and its layers keep no inputs', () => {
    const [a] = analyze(readShared('configs-public/yaml/torchtune__llama3_1_8B_qlora_single_device.yaml'), 'yaml');
    const s = a.estimate!.settings;
    assert.deepStrictEqual([s.quantization, s.qloraKernel], ['nf4-dq', 'torchao']);
    assert.ok(a.estimate!.assumptions.some(x => /torchao, which keeps only the weight/.test(x)));
  });

  it('SGD keeps a momentum buffer only when the file gives momentum > 0 (PyTorch\'s default is none)', () => {
    const base = readReference('configs/yaml/litgpt-tiny-llama_full.yaml').replace(/class_path: torch\.optim\.AdamW/, 'class_path: torch.optim.SGD');
    assert.notStrictEqual(base, readReference('configs/yaml/litgpt-tiny-llama_full.yaml'));
    const plain = analyze(base, 'yaml')[0].estimate!;
    const withMomentum = analyze(base.replace(/(\n\s+)lr:/, '$1momentum: 0.9$1lr:'), 'yaml')[0].estimate!;
    assert.strictEqual(plain.settings.optimizer, 'sgd-no-momentum');
    assert.strictEqual(plain.training.components.optimizer, 0);
    assert.strictEqual(withMomentum.settings.optimizer, 'sgd');
    // bf16-true: one 2-byte momentum per parameter.
    assert.strictEqual(withMomentum.training.components.optimizer, 2 * withMomentum.parameters.total);
  });

  it('keeps source ranges through nested maps and multiple documents', () => {
    const text = 'name: a\n---\nmodel:\n  hidden_size: 64\n  num_hidden_layers: 2\n  num_attention_heads: 4\n  vocab_size: 100\n  intermediate_size: 128\n';
    const [a] = analyze(text, 'yaml');
    const key = a.config.keys.find(k => k.key === 'hidden_size')!;
    assert.strictEqual(text.slice(key.keySpan.start, key.keySpan.end), 'hidden_size');
    assert.strictEqual(text.slice(key.valueSpan.start, key.valueSpan.end), '64');
  });

  it('an alias bomb is cut off quickly with a message', () => {
    let text = 'a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n';
    for (let i = 1; i < 12; i++) {
      text += `a${i}: &a${i} [${Array(10).fill(`*a${i - 1}`).join(', ')}]\n`;
    }
    text += 'hidden_size: 1\n';
    const t0 = Date.now();
    const doc = parseYaml(text);
    assert.ok(Date.now() - t0 < 2000);
    assert.match(doc.problems[0].message, /aliases/);
  });

  it('10,000-deep nesting does not overflow the stack', () => {
    const text = 'hidden_size: 1\nx: ' + '['.repeat(10_000) + ']'.repeat(10_000) + '\n';
    assert.doesNotThrow(() => parseConfig(text, 'yaml'));
  });

  it('GPT-NeoX YAML (dash or underscore names): vocabulary padded from the tokenizer as GPT-NeoX pads it', () => {
    const shared = (f: string) => readReference(`../configs-public/yaml/${f}`);
    const [pythia] = analyze(shared('pythia__pythia-410m.yml'), 'yaml');
    assert.strictEqual(pythia.estimate?.parameters.total, 405_334_016);
    const [neox] = analyze(shared('gpt-neox__20B.yml'), 'yaml');
    // GPT-NeoX-20B's published size, with 50,277 tokens padded to a multiple of 128 × 2 model-parallel ranks.
    assert.strictEqual(neox.estimate?.parameters.total, 20_554_567_680);
    assert.match(neox.problems[0].message, /HFTokenizer's vocabulary of 50,432 \(padded\)/);
  });
});

describe('Python (read, never executed)', () => {
  it('nanoGPT config/*.py: module-level values, nanoGPT defaults for what the file leaves out', () => {
    const [a] = analyze(readReference('configs/python/char-gpt.py'), 'python');
    assert.strictEqual(a.spec?.family, 'nanoGPT');
    // 6 layers of 384 with bias=False: 12h² per block; LayerNorms without bias; 256 positions; 50,304 tokens tied.
    const h = 384;
    assert.strictEqual(a.estimate?.parameters.total, 50304 * h + 256 * h + 6 * (12 * h * h + 2 * h) + h);
    assert.deepStrictEqual([a.estimate!.settings.batchSize, a.estimate!.settings.sequenceLength], [64, 256]);
    assert.match(a.problems[0].message, /default of 50,304/);
  });

  it('keyword arguments of a config class (LlamaConfig(...)) and references between names', () => {
    const text = 'from transformers import LlamaConfig\nh = 1024\ncfg = LlamaConfig(hidden_size=h, intermediate_size=h * 4, num_hidden_layers=2, num_attention_heads=8, vocab_size=32000)\n';
    const [a] = analyze(text, 'python');
    assert.strictEqual(a.spec?.family, 'Llama');
    assert.strictEqual(a.spec?.intermediateSize, 4096);
  });

  it('LitGPT-style lists of configs give one config per entry', () => {
    const text = 'configs = [\n  dict(name="a", hidden_size=64, num_hidden_layers=2, num_attention_heads=4, vocab_size=100, intermediate_size=128),\n  dict(name="b", hidden_size=128, num_hidden_layers=2, num_attention_heads=4, vocab_size=100, intermediate_size=256),\n]\n';
    assert.deepStrictEqual(analyze(text, 'python').map(c => c.config.name), ['a', 'b']);
  });

  it('dataclass field defaults (nanoGPT GPTConfig)', () => {
    const text = '@dataclass\nclass GPTConfig:\n    block_size: int = 1024\n    vocab_size: int = 50304\n    n_layer: int = 12\n    n_head: int = 12\n    n_embd: int = 768\n    dropout: float = 0.0\n    bias: bool = True\n';
    const [a] = analyze(text, 'python');
    assert.strictEqual(a.estimate?.parameters.total, 50304 * 768 + 1024 * 768 + 12 * (12 * 768 * 768 + 13 * 768) + 2 * 768);
  });

  it('a half-typed file still yields the parts that parse', () => {
    const text = 'n_layer = 12\nn_head = 12\nn_embd = 7\nbroken = (1 +\nn_embd = 768\nvocab_size = 50304\n';
    const doc = parsePython(text);
    assert.ok(doc.root && doc.root.kind === 'object' && doc.root.entries.some(e => e.key === 'vocab_size'));
  });

  it('never runs code: os.system, imports and calls are only read', () => {
    const text = 'import os\nos.system("touch /tmp/vram-lens-pwned")\n__import__("os").remove("x")\nn_layer = 2\nn_head = 2\nn_embd = 64\n';
    assert.doesNotThrow(() => analyze(text, 'python'));
    const [a] = analyze(text, 'python');
    assert.ok(a.estimate);
  });

  it('hostile input: 10,000-deep brackets, 1e400, negative sizes, strings for numbers', () => {
    assert.doesNotThrow(() => parseConfig('n_embd = ' + '('.repeat(10_000) + '1' + ')'.repeat(10_000) + '\n', 'python'));
    const [big] = analyze('n_layer = 2\nn_head = 2\nn_embd = 1e400\n', 'python');
    assert.strictEqual(big.estimate, undefined);
    const [neg] = analyze('n_layer = -2\nn_head = 2\nn_embd = 64\n', 'python');
    assert.strictEqual(neg.estimate, undefined);
    const [str] = analyze('n_layer = "12"\nn_head = 2\nn_embd = 64\n', 'python');
    assert.match(str.problems[0].message, /should be a whole number/);
  });
});

describe('launch scripts (read, never run)', () => {
  it("reads each launch's recipe file, GPUs and overrides: variables with defaults, quotes, continuations, comments", () => {
    const text = [
      '#!/bin/bash', 'set -e', 'export RECIPE="./configs/8B_lora.yaml"   # the recipe', 'N=${N:-4}',
      'tune run --nproc_per_node $N --nnodes 2 lora_finetune_distributed --config "$RECIPE" \\', '   batch_size=8 optimizer.lr=2e-5 compile=True && echo ok',
      'tune run --nproc_per_node=1 lora_finetune_single_device --config ./configs/8B_lora.yaml epochs=1',
      '# tune run --config ./commented.yaml', 'tune ls',
    ].join('\n');
    const root = parseShell(text).root;
    assert.ok(root?.kind === 'object');
    assert.deepStrictEqual(root.entries.map(e => e.key), ['tune run', 'tune run (2)']);
    const first = root.entries[0].value;
    assert.ok(first.kind === 'object');
    const plain = (v: ConfigValue): unknown => (v.kind === 'object' ? Object.fromEntries(v.entries.map(e => [e.key, plain(e.value)])) : 'value' in v ? v.value : null);
    assert.deepStrictEqual(plain(first), { launch_config_file: './configs/8B_lora.yaml', num_gpus: 8, gpus_per_node: 4, batch_size: 8, optimizer: { lr: 2e-5 }, compile: true });
    // Each override points at its word: a hover on `batch_size=8` is on that key.
    const batch = first.entries.find(e => e.key === 'batch_size')!;
    assert.strictEqual(text.slice(batch.keySpan.start, batch.keySpan.end), 'batch_size');
    assert.strictEqual(parseShell('#!/bin/bash\npython train.py --lr 1e-4\n').root, undefined);
  });

  it('a training script under accelerate, deepspeed or torchrun: the script, the GPUs, accelerate\'s config and flags, the script\'s own arguments', () => {
    // Plain `python script.py` is a launch when its arguments name a model or a training run, not otherwise.
    const single = parseShell('python train.py --model_name_or_path gpt2 --per_device_train_batch_size 8\npython prepare.py --out data\n').root;
    assert.ok(single?.kind === 'object');
    assert.deepStrictEqual(single.entries.map(e => e.key), ['python']);
    const text = [
      'accelerate launch --config_file configs/fsdp.yaml --mixed_precision=bf16 --num_processes 4 train.py \\',
      '  --model_name_or_path meta-llama/Llama-2-7b-hf --per_device_train_batch_size 4 --gradient_checkpointing --bf16 True',
      'deepspeed --num_gpus 8 --num_nodes 2 sft.py --deepspeed ds_z3.json --max-seq-length=1024',
      'torchrun --nproc_per_node 2 finetune.py --fsdp "full_shard auto_wrap"',
      'accelerate launch -m trl.cli sft',
    ].join('\n');
    const root = parseShell(text).root;
    assert.ok(root?.kind === 'object');
    assert.deepStrictEqual(root.entries.map(e => e.key), ['accelerate launch', 'deepspeed', 'torchrun']);
    const plain = (v: ConfigValue): unknown => (v.kind === 'object' ? Object.fromEntries(v.entries.map(e => [e.key, plain(e.value)])) : 'value' in v ? v.value : null);
    assert.deepStrictEqual(plain(root.entries[0].value), {
      launch_config_file: 'train.py', launch_accelerate_config: 'configs/fsdp.yaml', launch_accelerate: { mixed_precision: 'bf16', num_processes: 4 },
      model_name_or_path: 'meta-llama/Llama-2-7b-hf', per_device_train_batch_size: 4, gradient_checkpointing: true, bf16: true,
    });
    assert.deepStrictEqual(plain(root.entries[1].value), { launch_config_file: 'sft.py', num_gpus: 16, gpus_per_node: 8, deepspeed: 'ds_z3.json', max_seq_length: 1024 });
    assert.deepStrictEqual(plain(root.entries[2].value), { launch_config_file: 'finetune.py', num_gpus: 2, fsdp: 'full_shard auto_wrap' });
    // A script argument points at its word.
    const batch = (root.entries[0].value as ConfigObject).entries.find(e => e.key === 'per_device_train_batch_size')!;
    assert.strictEqual(text.slice(batch.keySpan.start, batch.keySpan.end), 'per_device_train_batch_size');
  });
});

describe("Megatron-LM's launch scripts: a pretrain script's arguments are the model and the run", () => {
  const shell = (name: string) => fs.readFileSync(path.join(ROOT, 'test', 'fixtures', 'public', 'configs-public', 'shell', name), 'utf8');

  it("its Llama 3 8B example (bash arrays, +=, variables): Llama 3 8B's 8,030,261,248 parameters, 8 GPUs, the distributed optimizer", () => {
    const [a] = analyze(shell('NVIDIA__Megatron-LM__llama_train_llama3_8b_h100_fp8.sh'), 'shell');
    assert.strictEqual(a.estimate!.parameters.total, 8_030_261_248);
    const s = a.estimate!.settings;
    // Global batch 128 over micro-batch 1 × 8 data-parallel GPUs: 16 micro-batches a step; --grad-reduce-in-bf16.
    assert.deepStrictEqual([s.gpus, s.tensorParallel, s.zeroStage, s.batchSize, s.sequenceLength, s.gradientAccumulationSteps, s.fp32Gradients], [8, 1, 1, 1, 8192, 16, false]);
    // Bf16 weights and gradients, fp32 main weights and Adam states over 8 GPUs: 2 + 2 + 12 / 8 bytes per parameter.
    const c = a.estimate!.training.components;
    assert.strictEqual(c.weights + c.gradients + c.optimizer, Math.round(8_030_261_248 * 2) + Math.round(8_030_261_248 * 2) + Math.round((8_030_261_248 * 12) / 8));
    // A hover on an argument in its array points at it.
    const text = shell('NVIDIA__Megatron-LM__llama_train_llama3_8b_h100_fp8.sh');
    const layers = a.config.keys.find(k => k.field === 'numLayers')!;
    assert.strictEqual(text.slice(layers.keySpan.start, layers.keySpan.end), 'num-layers');
  });

  it('its GPT-3 175B example names no vocabulary on its command line: an error that says so, no number', () => {
    const [a] = analyze(shell('NVIDIA__Megatron-LM__gpt3_train_gpt3_175b_distributed.sh'), 'shell');
    assert.strictEqual(a.estimate, undefined);
    assert.ok(a.problems.some(p => /the vocabulary is not on the command line: .*--vocab-size N/.test(p.message)));
  });

  it('an interleaved schedule holds 1 + (p − 1) / (p · v) times the activations on the first stage; that stage holds the embedding', () => {
    const job = (more: string) => `MODEL=(\n  --num-layers 80 --hidden-size 8192 --ffn-hidden-size 28672 --num-attention-heads 64\n  --group-query-attention --num-query-groups 8 --swiglu --normalization RMSNorm --disable-bias-linear\n  --untie-embeddings-and-output-weights --position-embedding-type rope --vocab-size 128256\n)\ntorchrun --nproc_per_node 8 --nnodes 8 pretrain_gpt.py \${MODEL[@]} --seq-length 4096 --micro-batch-size 1 --global-batch-size 128 --bf16 --tensor-model-parallel-size 8 --pipeline-model-parallel-size 4 --sequence-parallel --recompute-granularity selective --use-distributed-optimizer ${more}\n`;
    const plain = analyze(job(''), 'shell')[0].estimate!;
    const interleaved = analyze(job('--num-layers-per-virtual-pipeline-stage 5'), 'shell')[0].estimate!;
    assert.strictEqual(interleaved.settings.virtualPipelineStages, 4);
    assert.ok(interleaved.training.components.activations > plain.training.components.activations);
    // Llama 3 70B's 80 blocks over 4 stages, with the 128,256 × 8,192 embedding on the first, over 8 tensor-parallel GPUs.
    const blocks = plain.parameters.total - plain.parameters.embeddings - plain.parameters.head;
    const stage = (blocks / 4 + plain.parameters.embeddings) / 8;
    assert.strictEqual(plain.training.components.weights, Math.round(stage * 2));
  });
});

describe("NeMo's Megatron GPT configs: the model section as Megatron-Core builds it, the run as its trainer says", () => {
  const nemo = (name: string) => fs.readFileSync(path.join(ROOT, 'test', 'fixtures', 'public', 'configs-public', 'yaml', name), 'utf8');
  const launcher = (name: string) => nemo(`NVIDIA__NeMo-Framework-Launcher__training_${name}.yaml`);
  const lineAt = (text: string, offset: number) => text.slice(text.lastIndexOf('\n', offset - 1) + 1, text.indexOf('\n', offset)).trim();

  it("the launcher's Llama 3 8B: Llama 3 8B's 8,030,261,248 parameters, 16 nodes × 8 GPUs with context parallel 2, the distributed optimizer", () => {
    const text = launcher('llama_llama3_8b');
    const [a] = analyze(text, 'yaml');
    assert.strictEqual(a.config.name, 'llama3_8b');
    assert.strictEqual(a.estimate!.parameters.total, 8_030_261_248);
    const s = a.estimate!.settings;
    // Global batch 2,048 over micro-batch 1 × 64 data-parallel groups (128 GPUs / context parallel 2): 32 micro-batches.
    assert.deepStrictEqual(
      [s.gpus, s.tensorParallel, s.contextParallel, s.zeroStage, s.batchSize, s.sequenceLength, s.gradientAccumulationSteps, s.fp32Gradients, s.precision, s.sequenceParallel, s.loss],
      [128, 1, 2, 1, 1, 8192, 32, true, 'bf16-mixed', false, 'vocab-parallel'],
    );
    // Bf16 weights, fp32 main gradients, fp32 main weights and Adam states over the 128 GPUs of data and context parallelism.
    const c = a.estimate!.training.components;
    const p = 8_030_261_248;
    assert.strictEqual(c.weights + c.gradients + c.optimizer, Math.round(p * 2) + Math.round(p * 4) + Math.round((p * 12) / 128));
    // The vocabulary is its tokenizer's, said on the key that names it.
    const warning = a.problems.find(x => /NeMo takes the vocabulary from the tokenizer/.test(x.message))!;
    assert.match(warning.message, /meta-llama\/Meta-Llama-3-8B's, padded to 128,256/);
    assert.strictEqual(lineAt(text, warning.span.start), 'type: meta-llama/Meta-Llama-3-8B');
  });

  it("GPT-3 5B: the GPT-2 tokenizer's vocabulary padded to 50,304 and an OmegaConf interpolation (ffn_hidden_size: ${multiply:4, ${.hidden_size}}) resolved", () => {
    const [a] = analyze(launcher('gpt3_5b'), 'yaml');
    const h = 4096;
    const layers = 24;
    // Each block: fused qkv and output projections with biases, a 4h MLP with biases, two LayerNorms (weight and bias);
    // the 50,304-row embedding (tied), 2,048 learned positions, the final LayerNorm.
    const block = 4 * h * h + 4 * h + 2 * h * 4 * h + 4 * h + h + 2 * 2 * h;
    assert.strictEqual(a.estimate!.parameters.total, layers * block + 50_304 * h + 2048 * h + 2 * h);
    assert.strictEqual(a.spec!.intermediateSize, 16_384);
  });

  it("NeMo's own example config: interpolations relative to their section and from the root (${model.encoder_seq_length}), one GPU, fused Adam", () => {
    const [a] = analyze(nemo('NVIDIA__NeMo__megatron_gpt_config.yaml'), 'yaml');
    assert.strictEqual(a.config.name, 'megatron_gpt');
    const s = a.estimate!.settings;
    assert.deepStrictEqual([s.gpus, s.zeroStage, s.sequenceLength, s.batchSize, s.gradientAccumulationSteps], [1, 0, 512, 4, 2]);
    assert.strictEqual(a.spec!.maxPositions, 512);
  });

  it('an interpolation that leads to another follows it from where that one is written', () => {
    const text = [
      'trainer:', '  devices: 1', '  precision: bf16',
      'model:', '  mcore_gpt: true', '  encoder_seq_length: ${.max_position_embeddings}', '  max_position_embeddings: 1024',
      '  num_layers: 4', '  hidden_size: 256', '  ffn_hidden_size: 1024', '  num_attention_heads: 4', '  micro_batch_size: 1', '  global_batch_size: 1',
      '  tokenizer:', '    library: megatron', '    type: GPT2BPETokenizer',
      '  data:', '    seq_length: ${model.encoder_seq_length}', '',
    ].join('\n');
    const [a] = analyze(text, 'yaml');
    assert.strictEqual(a.estimate!.settings.sequenceLength, 1024);
  });

  it("Mixtral 8x7B: 46,702,792,704 parameters; expert parallel 8 holds an eighth of the routed experts, and the optimizer states are what they would be without it", () => {
    const text = launcher('mixtral_mixtral_8x7b');
    const [a] = analyze(text, 'yaml');
    assert.strictEqual(a.estimate!.parameters.total, 46_702_792_704);
    const s = a.estimate!.settings;
    assert.deepStrictEqual([s.gpus, s.pipelineParallel, s.expertParallel, s.fp32Gradients], [64, 4, 8, false]);
    const [one] = analyze(text.replace('expert_model_parallel_size: 8', 'expert_model_parallel_size: 1'), 'yaml');
    const c8 = a.estimate!.training.components;
    const c1 = one.estimate!.training.components;
    assert.strictEqual(c8.optimizer, c1.optimizer);
    // The first of 4 stages holds 8 of the 32 layers' 8 experts × 3 × 4,096 × 14,336 weights; 7/8 of them go elsewhere.
    const routedOnStage = (32 / 4) * 8 * 3 * 4096 * 14_336;
    assert.strictEqual(c1.weights - c8.weights, Math.round(routedOnStage * 2) - Math.round(routedOnStage * 2 / 8) + (c1.weights - Math.round(c1.weights)));
    assert.ok(a.estimate!.assumptions.some(x => /routed experts split over 8 expert-parallel GPUs/.test(x)));
  });

  it("Falcon's block (name: megatron_falcon_gpt) and a SentencePiece tokenizer file: errors on the key, no number", () => {
    const falconText = launcher('falcon_falcon_7b');
    const [falcon] = analyze(falconText, 'yaml');
    assert.strictEqual(falcon.estimate, undefined);
    const block = falcon.problems.find(p => /megatron_falcon_gpt block .* not modelled/.test(p.message))!;
    assert.strictEqual(lineAt(falconText, block.span.start), 'name: megatron_falcon_gpt');
    const llama2Text = launcher('llama_llama2_7b');
    const [llama2] = analyze(llama2Text, 'yaml');
    assert.strictEqual(llama2.estimate, undefined);
    const vocab = llama2.problems.find(p => /NeMo takes it from the tokenizer model file it names, which VRAM Lens does not open/.test(p.message))!;
    assert.match(lineAt(llama2Text, vocab.span.start), /^model: .*llama_tokenizer\.model$/);
  });
});

describe("NeMo's Hydra launches: the YAML a NeMo script names, with the command line's overrides over it", () => {
  const yaml = fs.readFileSync(path.join(ROOT, 'test', 'fixtures', 'public', 'configs-public', 'yaml', 'NVIDIA__NeMo__megatron_gpt_config.yaml'), 'utf8');
  const script = [
    'torchrun --nproc_per_node=8 examples/megatron_gpt_pretraining.py \\',
    '    --config-path=conf --config-name=megatron_gpt_config \\',
    '    trainer.devices=8 model.micro_batch_size=8 model.global_batch_size=256 \\',
    '    model.tensor_model_parallel_size=2 ++model.sequence_parallel=true model.encoder_seq_length=2048',
  ].join('\n');

  it('names examples/conf/megatron_gpt_config.yaml (the config path beside the script) and nests the key=value overrides', () => {
    const root = parseShell(script).root;
    assert.ok(root?.kind === 'object');
    const launch = root.entries[0].value;
    assert.ok(launch.kind === 'object');
    const file = launch.entries.find(e => e.key === 'launch_config_file')!.value;
    assert.ok(file.kind === 'string' && file.value === 'examples/conf/megatron_gpt_config.yaml');
    const model = launch.entries.find(e => e.key === 'model')!.value;
    assert.ok(model.kind === 'object');
    assert.deepStrictEqual(model.entries.map(e => e.key), ['micro_batch_size', 'global_batch_size', 'tensor_model_parallel_size', 'sequence_parallel', 'encoder_seq_length']);
  });

  it('estimated as NeMo would run it: TP 2 with sequence parallelism, 8 GPUs, 2,048 tokens through the file\'s own interpolation', () => {
    const attachedConfigs = new Map([['examples/conf/megatron_gpt_config.yaml', parseYaml(yaml).root as ConfigObject]]);
    const [a] = analyzeDocument(parseConfig(script, 'shell'), { ...DEFAULT_OPTIONS, attachedConfigs }).configs;
    const s = a.estimate!.settings;
    assert.deepStrictEqual(
      [s.gpus, s.tensorParallel, s.sequenceParallel, s.batchSize, s.sequenceLength, s.gradientAccumulationSteps],
      [8, 2, true, 8, 2048, 8],
    );
    // GPT-2 BPE padded to a multiple of 128 × 2 for tensor parallelism.
    assert.strictEqual(a.spec!.vocabSize, 50_432);
  });
});

describe("NeMo 2's pre-training recipes in a Python script", () => {
  const script = () => fs.readFileSync(path.join(ROOT, 'test', 'fixtures', 'scripts', 'nemo2_pretrain_llama3_70b.py'), 'utf8');

  it('a recipe set by its attributes: the parser keeps each as a call to the attribute with its value', () => {
    const calls = parsePython(script()).calls!.map(c => [c.callee, c.args[0]?.kind === 'number' ? c.args[0].value : undefined]);
    assert.deepStrictEqual(calls.slice(0, 3), [
      ['llm.llama3_70b.pretrain_recipe', undefined], ['recipe.trainer.strategy.tensor_model_parallel_size=', 8], ['recipe.trainer.strategy.context_parallel_size=', 1],
    ]);
  });

  it("llama3_70b's recipe with TP 8, CP 1 and a shorter sequence set on it, on 4 nodes (the function's default): Megatron-Core's run", () => {
    const [a] = analyze(script(), 'python');
    // Llama 3 70B with its vocabulary padded to a multiple of 128 × 8, as NeMo pads it: 768 more rows in the
    // embedding and in the head.
    assert.strictEqual(a.estimate!.parameters.total, 70_553_706_496 + 768 * 8192 * 2);
    const s = a.estimate!.settings;
    assert.deepStrictEqual(
      [s.gpus, s.tensorParallel, s.pipelineParallel, s.virtualPipelineStages, s.contextParallel, s.sequenceParallel, s.sequenceLength, s.batchSize, s.gradientAccumulationSteps, s.zeroStage, s.precision, s.megatronCore],
      [32, 8, 4, 5, 1, true, 4096, 1, 128, 1, 'bf16-mixed', true],
    );
    assert.ok(a.estimate!.assumptions.some(x => x.startsWith('NeMo (Megatron-Core)')));
    // Its framework and precision lines say Megatron-Core's, not HF transformers' AMP over fp32 weights.
    assert.ok(a.estimate!.assumptions.some(x => x.startsWith('Framework: Megatron-Core')));
    assert.ok(!a.estimate!.assumptions.some(x => x.includes('HF transformers (eager modules)') || x.includes('over float32 weights')));
  });

  it("each recipe's model at its published count, its vocabulary padded as NeMo pads it (Phi-3 mini's 32,064 to 32,128)", () => {
    const count = (recipe: string, nodes = 1) => analyze(`from nemo.collections import llm\nrecipe = llm.${recipe}.pretrain_recipe(num_nodes=${nodes})\n`, 'python')[0].estimate!.parameters.total;
    assert.strictEqual(count('llama3_8b'), 8_030_261_248);
    assert.strictEqual(count('llama2_7b'), 6_738_415_616);
    assert.strictEqual(count('mistral_7b'), 7_241_732_096);
    assert.strictEqual(count('mixtral_8x7b'), 46_702_792_704);
    assert.strictEqual(count('phi3_mini_4k_instruct'), 3_821_079_552 + 64 * 3072 * 2);
    assert.strictEqual(count('deepseek_v2_lite'), 15_706_484_224);
  });

  // NeMo at 8cfedd7 (September 2025): qwen25_7b's pretrain_recipe takes tensor_parallelism=2, micro_batch_size=2,
  // global_batch_size=32 and seq_length=4096 as its own arguments; llama3_8b_64k fixes TP 4 × PP 2 × CP 4 on 4 nodes.
  it('recipes that take their run as arguments (Qwen 2.5 / 3, Gemma 2, StarCoder2) and the long-context ones, each on its default nodes', () => {
    const settings = (call: string) => analyze(`from nemo.collections import llm\nrecipe = llm.${call}\n`, 'python')[0].estimate!.settings;
    const qwen = settings('qwen25_7b.pretrain_recipe()');
    assert.deepStrictEqual([qwen.gpus, qwen.tensorParallel, qwen.batchSize, qwen.sequenceLength, qwen.gradientAccumulationSteps, qwen.megatronCore], [8, 2, 2, 4096, 4, true]);
    const asked = settings('qwen25_7b.pretrain_recipe(tensor_parallelism=4, seq_length=8192, micro_batch_size=1)');
    assert.deepStrictEqual([asked.tensorParallel, asked.sequenceLength, asked.batchSize, asked.gradientAccumulationSteps], [4, 8192, 1, 16]);
    const long = settings('llama3_8b_64k.pretrain_recipe()');
    assert.deepStrictEqual([long.gpus, long.tensorParallel, long.pipelineParallel, long.contextParallel, long.sequenceParallel, long.sequenceLength], [32, 4, 2, 4, true, 65536]);
    // A pipeline's microbatch is Megatron-Core's micro_batch_size: qwen25_32b keeps 2 on TP 8 × PP 2 over 2 nodes.
    const piped = settings('qwen25_32b.pretrain_recipe()');
    assert.deepStrictEqual([piped.gpus, piped.pipelineParallel, piped.batchSize, piped.gradientAccumulationSteps], [16, 2, 2, 16]);
  });

  // NeMo at 8cfedd7: llama3_8b's finetune_recipe is LoRA by default (dim 8 on LoRA's own targets, the distributed
  // optimizer off, TP 1) over default_finetune_recipe's SQuAD data (2,048 tokens, global batch 128, micro-batch 1);
  // peft_scheme='none' fine-tunes every weight on TP 2. Mixtral's LoRA adapts attention only, at dim 32.
  it('fine-tuning recipes: LoRA by default with its rank, targets and optimizer, or a full fine-tune, each in its layout', () => {
    const first = (text: string, format: 'python' | 'shell' = 'python') => analyze(text, format)[0];
    const lora = first("from nemo.collections import llm\nrecipe = llm.llama3_8b.finetune_recipe(name='ft', num_nodes=1)\n").estimate!;
    const s = lora.settings;
    assert.deepStrictEqual([s.gpus, s.tensorParallel, s.sequenceLength, s.batchSize, s.gradientAccumulationSteps, s.zeroStage, s.lora?.rank, s.megatronCore], [8, 1, 2048, 1, 16, 0, 8, true]);
    // Rank 8 on q, k, v, o, gate, up and down of each of the 32 layers.
    assert.strictEqual(lora.trainableParameters, 32 * 8 * ((4096 + 4096) + 2 * (4096 + 1024) + (4096 + 4096) + 3 * (4096 + 14336)));
    const full = first("from nemo.collections import llm\nrecipe = llm.llama3_8b.finetune_recipe(peft_scheme='none')\n").estimate!;
    assert.deepStrictEqual([full.settings.tensorParallel, full.settings.zeroStage, full.trainableParameters], [2, 1, 8_030_261_248]);
    const mixtral = first('from nemo.collections import llm\nrecipe = llm.mixtral_8x7b.finetune_recipe()\n').estimate!;
    assert.strictEqual(mixtral.settings.lora?.rank, 32);
    assert.deepStrictEqual([...mixtral.settings.lora!.targets].sort(), ['k', 'o', 'q', 'v']);
    // From the command line, and its own nodes: llama3_70b's full fine-tune takes 4 nodes for TP 8 × PP 4.
    const cli = first(`nemo llm finetune --factory "llama3_70b(peft_scheme='none')" -y\n`, 'shell').estimate!.settings;
    assert.deepStrictEqual([cli.gpus, cli.tensorParallel, cli.pipelineParallel], [32, 8, 4]);
    // A scheme VRAM Lens does not model (DoRA) gives no run of its own.
    assert.deepStrictEqual(analyze("from nemo.collections import llm\nrecipe = llm.llama3_8b.finetune_recipe(peft_scheme='dora')\n", 'python'), []);
  });

  it('the same recipes from the command line: `nemo llm pretrain --factory "llama3_8b(num_nodes=2)"` with key=value overrides', () => {
    const text = 'nemo llm pretrain --factory "llama3_8b(num_nodes=2)" \\\n  trainer.strategy.tensor_model_parallel_size=2 data.micro_batch_size=2 data.global_batch_size=256 -y\n';
    const [a] = analyze(text, 'shell');
    assert.strictEqual(a.estimate!.parameters.total, 8_030_261_248);
    const s = a.estimate!.settings;
    // 2 nodes × 8 GPUs over TP 2 × CP 2: 4 data-parallel groups; 256 / (2 × 4) = 32 micro-batches a step.
    assert.deepStrictEqual([s.gpus, s.tensorParallel, s.contextParallel, s.batchSize, s.gradientAccumulationSteps, s.megatronCore], [16, 2, 2, 2, 32, true]);
    // A recipe VRAM Lens does not know is no launch of its own.
    assert.deepStrictEqual(analyze('nemo llm pretrain --factory my_recipe\n', 'shell'), []);
  });

  it('a run on fewer GPUs than its layout needs is an error on the GPU count, not a silent larger run', () => {
    const text = script().replace('nodes: int = 4', 'nodes: int = 2');
    const [a] = analyze(text, 'python');
    assert.strictEqual(a.estimate, undefined);
    const e = a.problems.find(p => p.severity === 'error')!;
    assert.match(e.message, /^16 GPUs cannot form whole groups of tensor × pipeline parallel = 8 × 4/);
  });
});

describe('sequence parallelism and expert parallelism in Megatron-LM launches', () => {
  const job = (more: string) =>
    `M=( --num-layers 32 --hidden-size 4096 --ffn-hidden-size 14336 --num-attention-heads 32 --group-query-attention --num-query-groups 8 --swiglu --normalization RMSNorm --disable-bias-linear --position-embedding-type rope --vocab-size 128256 )\ntorchrun --nproc_per_node 8 pretrain_gpt.py \${M[@]} --seq-length 4096 --micro-batch-size 1 --global-batch-size 8 --bf16 --use-distributed-optimizer ${more}\n`;
  const activations = (more: string) => analyze(job(more), 'shell')[0].estimate!.training.components.activations;

  it('without --sequence-parallel, each tensor-parallel GPU keeps the norms whole: more activations; with one GPU per group it changes nothing', () => {
    assert.ok(activations('--tensor-model-parallel-size 4') > activations('--tensor-model-parallel-size 4 --sequence-parallel'));
    assert.strictEqual(activations(''), activations('--sequence-parallel'));
    const [a] = analyze(job('--tensor-model-parallel-size 4'), 'shell');
    assert.ok(a.estimate!.assumptions.some(x => /whole on each tensor-parallel GPU outside attention and the MLP \(no sequence parallelism\)/.test(x)));
  });

  it("Megatron-LM's Mixtral example: its expert parallelism read, its Llama 2 tokenizer file named as what is missing", () => {
    const text = fs.readFileSync(path.join(ROOT, 'test', 'fixtures', 'public', 'configs-public', 'shell', 'NVIDIA__Megatron-LM__mixtral_train_mixtral_8x7b_distributed.sh'), 'utf8');
    const [a] = analyze(text, 'shell');
    assert.strictEqual(a.estimate, undefined);
    assert.ok(a.problems.some(p => /the vocabulary is not on the command line/.test(p.message)));
    const [sized] = analyze(text.replace('--tokenizer-type Llama2Tokenizer', '--vocab-size 32000'), 'shell');
    assert.strictEqual(sized.estimate!.parameters.total, 46_702_792_704);
    assert.strictEqual(sized.estimate!.settings.expertParallel, 8);
  });
});

describe("torchtitan's expert parallelism", () => {
  const job = (name: string, flavor: string, ep: number) => `[model]\nname = "${name}"\nflavor = "${flavor}"\n[parallelism]\nexpert_parallel_degree = ${ep}\ndata_parallel_shard_degree = 8\n`;

  it('FSDP shards the same either way; a layer gathers only the routed experts its GPU holds; a dense model has no experts to split', () => {
    const [one] = analyze(job('deepseek_v3', '16B', 1), 'toml');
    const [eight] = analyze(job('deepseek_v3', '16B', 8), 'toml');
    const [c1, c8] = [one.estimate!.training.components, eight.estimate!.training.components];
    assert.deepStrictEqual([c8.weights, c8.gradients, c8.optimizer], [c1.weights, c1.gradients, c1.optimizer]);
    assert.ok(c8.activations < c1.activations, `${c8.activations} < ${c1.activations}`);
    assert.strictEqual(eight.estimate!.settings.expertParallel, 8);
    const [dense] = analyze(job('qwen3', '32B', 8), 'toml');
    assert.strictEqual(dense.estimate!.settings.expertParallel, undefined);
  });
});

describe("torchtitan's pipeline schedules", () => {
  const job = (batch: number, schedule?: string) =>
    `[model]\nname = "llama3"\nflavor = "8B"\n[training]\nlocal_batch_size = ${batch}\nseq_len = 4096\n[parallelism]\npipeline_parallel_degree = 4\npipeline_parallel_microbatch_size = 1\n${schedule ? `pipeline_parallel_schedule = "${schedule}"\n` : ''}`;
  const activations = (text: string) => analyze(text, 'toml')[0].estimate!.training.components.activations;

  it('1F1B: the first stage holds a micro-batch per stage, no more than the step has; GPipe: every micro-batch of the step', () => {
    // Without checkpointing the first stage, its blocks' activations for each micro-batch in flight, needs the most.
    const two = activations(job(2));
    const four = activations(job(4));
    const eight = activations(job(8));
    assert.ok(two < four, `${two} < ${four}`);
    assert.strictEqual(eight, four);
    assert.ok(activations(job(8, 'GPipe')) > eight);
    const [a] = analyze(job(2), 'toml');
    assert.ok(a.estimate!.assumptions.some(x => /the step's 2 micro-batches fill fewer than the 4 stages, so the first holds no more/.test(x)));
  });
});

describe("torchtitan's float8 linear layers", () => {
  it('read in either layout; FSDP gathers their weights in 1 byte, halving the gathered layers; activations otherwise as in bf16', () => {
    const base = '[model]\nname = "llama3"\nflavor = "8B"\n[training]\nbatch_size = 2\nseq_len = 8192\n[parallelism]\ndata_parallel_shard_degree = 8\n';
    const activations = (text: string) => analyze(text, 'toml')[0].estimate!.training.components.activations;
    const plain = activations(base);
    const older = activations(`${base}[float8]\nenable_float8_linear = true\nenable_fsdp_float8_all_gather = true\n`);
    const converters = activations(base.replace('flavor = "8B"', 'flavor = "8B"\nconverters = ["float8"]') + '[float8]\nenable_fsdp_float8_all_gather = true\n');
    const layersOnly = activations(`${base}[float8]\nenable_float8_linear = true\n`);
    assert.strictEqual(older, converters);
    assert.strictEqual(layersOnly, plain);
    // Two of Llama 3 8B's 32 blocks gathered whole at a time: one byte saved per parameter of each.
    const [a] = analyze(base, 'toml');
    const p = a.estimate!.parameters;
    const perLayer = (p.total - p.embeddings - p.head) / 32;
    assert.ok(Math.abs(plain - older - 2 * perLayer) < 2, `${plain - older} vs ${2 * perLayer}`);
    // An all-gather switch without float8 layers gathers in 16 bits.
    assert.strictEqual(activations(`${base}[float8]\nenable_fsdp_float8_all_gather = true\n`), plain);
  });
});

describe("torchtitan's async tensor parallelism", () => {
  it('read, and the report says its saving is not modelled; the figures are as without it', () => {
    const text = fs.readFileSync(path.join(ROOT, 'bench', 'data', 'torchtitan', 't4-70b-2d-asynctp.toml'), 'utf8');
    const [async] = analyze(text, 'toml');
    const [plain] = analyze(text.replace('enable_async_tensor_parallel = true', 'enable_async_tensor_parallel = false'), 'toml');
    assert.ok(async.estimate!.assumptions.some(x => /^Async tensor parallelism: read, but what it saves is not modelled/.test(x)));
    assert.ok(!plain.estimate!.assumptions.some(x => x.startsWith('Async tensor parallelism')));
    assert.strictEqual(async.estimate!.training.peakBytes, plain.estimate!.training.peakBytes);
  });
});

describe("PEFT's adapters: LoRA and DoRA are estimated, other methods refused on their key", () => {
  const experiment = (name: string) => fs.readFileSync(path.join(ROOT, 'bench', 'data', 'peft-method-comparison', `${name}.json`), 'utf8');

  it("PEFT's method comparison, LoRA r=32 on q and v: PEFT's 9,175,040 trainable parameters, batch 4 × 768 tokens, fp32 adapters over the bf16 model", () => {
    const [a] = analyze(experiment('lora--llama-3.2-3B-rank32'), 'json');
    assert.strictEqual(a.estimate!.trainableParameters, 9_175_040);
    const s = a.estimate!.settings;
    assert.deepStrictEqual([s.batchSize, s.sequenceLength, s.precision, s.lora?.rank, s.lora?.dropout], [4, 768, 'bf16-mixed', 32, false]);
  });

  it('full fine-tuning in the weights\' bf16 without autocast (use_amp: false) is pure bf16: 2 + 2 + 4 bytes per parameter', () => {
    const text = experiment('full-finetuning--llama-3.2-3B-lr_0.00001');
    const [a] = analyze(text, 'json');
    assert.strictEqual(a.estimate!.settings.precision, 'bf16-true');
    const c = a.estimate!.training.components;
    const p = a.estimate!.parameters.total;
    assert.strictEqual(c.weights + c.gradients + c.optimizer, Math.round(p * 2) + Math.round(p * 2) + Math.round(p * 4));
    // With autocast the fp32 weights are the master copy.
    const [amp] = analyze(text.replace('"use_amp": false', '"use_amp": true'), 'json');
    assert.strictEqual(amp.estimate!.settings.precision, 'bf16-mixed');
  });

  it("use_dora: PEFT's magnitude vectors counted (its 9,289,728 trainable parameters), and the outputs DoRA scales kept for their gradient", () => {
    const [dora] = analyze(experiment('lora--llama-3.2-3B-rank32-dora'), 'json');
    const [lora] = analyze(experiment('lora--llama-3.2-3B-rank32'), 'json');
    assert.strictEqual(dora.estimate!.trainableParameters, 9_289_728);
    assert.strictEqual(dora.estimate!.settings.lora?.dora, true);
    // Llama-3.2-3B's q (3,072 outputs) and v (1,024) in each of 28 layers, 4 × 768 tokens: the layer's output and the
    // LoRA branch's, 2 bytes each.
    const extra = 28 * (3072 + 1024) * 4 * 768 * (2 + 2);
    const [a, b] = [dora.estimate!.training.components.activations, lora.estimate!.training.components.activations];
    assert.ok(Math.abs(a - b - extra) < 2, `${a - b} vs ${extra}`);
    assert.ok(dora.estimate!.assumptions.some(x => /with DoRA \(a magnitude vector per adapted layer/.test(x)));
  });

  it("(IA)³ left to PEFT's defaults on Llama: its 286,720 trainable vectors on k, v and down's input, each scaled tensor kept in fp32", () => {
    const text = experiment('ia3--llama-3.2-3B-default');
    const [a] = analyze(text, 'json');
    const est = a.estimate!;
    assert.strictEqual(est.trainableParameters, 286_720);
    assert.deepStrictEqual(est.settings.lora?.targets, ['k', 'v', 'down']);
    assert.deepStrictEqual(est.settings.lora?.ia3?.feedforward, ['down']);
    assert.ok(est.assumptions.some(x => /^Fine-tuning: \(IA\)³ scaling vectors on the outputs of k, v and the input of down/.test(x)), est.assumptions.join('\n'));
    // Scaling k alone drops v's output (1,024 wide) and down's input (8,192) from each of 28 layers: 4 × 768 tokens, 4 bytes each.
    const [k] = analyze(text.replace('"target_modules": null', '"target_modules": ["k_proj"]'), 'json');
    const dropped = 28 * (1024 + 8192) * 4 * 768 * 4;
    const [all, kOnly] = [est.training.components.activations, k.estimate!.training.components.activations];
    assert.ok(Math.abs(all - kOnly - dropped) < 2, `${all - kOnly} vs ${dropped}`);
    assert.strictEqual(k.estimate!.trainableParameters, 28 * 1024);
    // The frozen layers keep no input of their own: (IA)³ on k keeps less than LoRA would on the same layer.
    const [lora] = analyze(experiment('lora--llama-3.2-3B-rank32'), 'json');
    assert.ok(all > lora.estimate!.training.components.activations);
  });

  it("IA3Config(…) in a script is read for its layers; a family PEFT has no default for, or layers VRAM Lens does not know, is an error on the key", () => {
    const script = (config: string, model = 'meta-llama/Llama-3.2-3B') =>
      `import torch\nfrom transformers import AutoModelForCausalLM\nfrom peft import IA3Config, get_peft_model\nmodel = AutoModelForCausalLM.from_pretrained("${model}", torch_dtype=torch.bfloat16)\nmodel = get_peft_model(model, ${config})\n`;
    const [s] = analyze(script('IA3Config(target_modules=["k_proj", "v_proj", "down_proj"], feedforward_modules=["down_proj"])'), 'python');
    assert.strictEqual(s.estimate!.trainableParameters, 286_720);
    // Without feedforward_modules every layer is scaled on its output: down's is 3,072 wide, not 8,192.
    const [outputs] = analyze(script('IA3Config(target_modules=["k_proj", "v_proj", "down_proj"])'), 'python');
    assert.strictEqual(outputs.estimate!.trainableParameters, 28 * (1024 + 1024 + 3072));
    // Phi-3 (model_type phi3) is not in PEFT's (IA)³ mapping: PEFT stops, and so does the estimate.
    const phi3 = script('IA3Config()', 'microsoft/Phi-3-mini-4k-instruct');
    const [p] = analyze(phi3, 'python');
    assert.strictEqual(p.estimate, undefined);
    const e = p.problems.find(x => x.severity === 'error')!;
    assert.match(e.message, /^PEFT has no default \(IA\)³ layers for Phi-3 models/);
    assert.match(phi3.slice(e.span.start, e.span.end), /^IA3Config\(/);
    const [unknown] = analyze(script('IA3Config(target_modules=["wq", "wk"])'), 'python');
    assert.strictEqual(unknown.estimate, undefined);
    assert.match(unknown.problems.find(x => x.severity === 'error')!.message, /^None of target_modules names a layer/);
  });

  it("another PEFT method (LoHa) is an error on its peft_type, and no full fine-tuning number in its place", () => {
    const text = experiment('ia3--llama-3.2-3B-default').replace('"peft_type": "IA3"', '"peft_type": "LOHA"');
    const [a] = analyze(text, 'json');
    assert.strictEqual(a.estimate, undefined);
    const e = a.problems.find(p => p.severity === 'error')!;
    assert.match(e.message, /^PEFT's LOHA adapters are not modelled/);
    assert.strictEqual(text.slice(e.span.start, e.span.end), '"peft_type": "LOHA"');
  });
});

describe("Megatron-LM's recompute methods", () => {
  const job = (recompute: string) =>
    `M=( --num-layers 32 --hidden-size 4096 --ffn-hidden-size 14336 --num-attention-heads 32 --group-query-attention --num-query-groups 8 --swiglu --normalization RMSNorm --disable-bias-linear --position-embedding-type rope --vocab-size 128256 )\ntorchrun --nproc_per_node 1 pretrain_gpt.py \${M[@]} --seq-length 4096 --micro-batch-size 1 --global-batch-size 8 --bf16 ${recompute}\n`;
  const activations = (recompute: string) => analyze(job(recompute), 'shell')[0].estimate!.training.components.activations;

  it('uniform with one layer is plain full recompute; groups of 4 keep fewer inputs and recompute 4 blocks at once; block recomputes only its first N', () => {
    const full = activations('--recompute-granularity full');
    assert.strictEqual(activations('--recompute-granularity full --recompute-method uniform --recompute-num-layers 1'), full);
    // Groups of 4: 8 kept inputs instead of 31; recomputing a group (4 blocks) stays under the whole-vocabulary loss here.
    const uniform4 = analyze(job('--recompute-granularity full --recompute-method uniform --recompute-num-layers 4'), 'shell')[0].estimate!;
    assert.ok(uniform4.training.components.activations < full);
    assert.ok(uniform4.assumptions.some(x => /^Gradient checkpointing: full, in groups of 4 blocks \(Megatron-LM's uniform recompute\)/.test(x)));
    const none = activations('');
    const block8 = activations('--recompute-granularity full --recompute-method block --recompute-num-layers 8');
    // 24 of the 32 blocks keep everything: between full recompute and none.
    assert.ok(full < block8 && block8 < none, `${full} < ${block8} < ${none}`);
    const a = analyze(job('--recompute-granularity full --recompute-method block --recompute-num-layers 8'), 'shell')[0].estimate!;
    assert.ok(a.assumptions.some(x => /^Gradient checkpointing: full for the first 8 blocks of each pipeline stage \(Megatron-LM's block recompute\)/.test(x)));
  });
});

describe('pipeline stages: the figures are the stage that needs the most', () => {
  const job = (pp: number, recompute: string, seq = 8192) =>
    `M=( --num-layers 32 --hidden-size 4096 --ffn-hidden-size 14336 --num-attention-heads 32 --group-query-attention --num-query-groups 8 --swiglu --normalization RMSNorm --disable-bias-linear --untie-embeddings-and-output-weights --position-embedding-type rope --vocab-size 128256 )\ntorchrun --nproc_per_node ${pp} pretrain_gpt.py \${M[@]} --seq-length ${seq} --micro-batch-size 1 --global-batch-size 8 --bf16 --pipeline-model-parallel-size ${pp} ${recompute}\n`;

  it('with every block recomputed, the last stage (its head, the head\'s gradient, the whole-vocabulary loss) needs more than the first, and is the one shown', () => {
    const a = analyze(job(2, '--recompute-granularity full', 32768), 'shell')[0].estimate!;
    const note = a.assumptions.find(x => x.startsWith('Pipeline stages'))!;
    assert.match(note, /^Pipeline stages: training's figures are the last stage's \(the output head, its gradient and the loss\), the one that needs the most: [\d.]+ GiB at nvidia-smi level; the first needs [\d.]+ GiB\.$/);
  });

  it('keeping every activation, the first stage (a micro-batch in flight per stage) needs the most', () => {
    const a = analyze(job(4, ''), 'shell')[0].estimate!;
    assert.ok(a.assumptions.some(x => /^Pipeline stages: training's figures are the first stage's/.test(x)));
    // One GPU has no stages to compare.
    assert.ok(!analyze(job(1, ''), 'shell')[0].estimate!.assumptions.some(x => x.startsWith('Pipeline stages')));
  });
});

describe("accelerate's settings, as the run keys a training script is read from", () => {
  const yaml = (text: string) => parseYaml(text).root as ConfigObject;
  const plain = (entries: readonly ConfigEntry[]): unknown => Object.fromEntries(entries.map(e => [e.key, e.value.kind === 'object' ? plain(e.value.entries) : 'value' in e.value ? e.value.value : null]));
  const at = { start: 0, end: 1 };

  it('FSDP: its sharding strategy (by name or number) and CPU offload as HF Trainer\'s fsdp; processes as GPUs; bf16', () => {
    const file = yaml('distributed_type: FSDP\nfsdp_config:\n  fsdp_sharding_strategy: 2\n  fsdp_offload_params: true\nmixed_precision: bf16\nnum_machines: 2\nnum_processes: 16\n');
    assert.deepStrictEqual(plain(accelerateRun(file, undefined, at)), { num_gpus: 16, gpus_per_node: 8, bf16: true, fsdp: 'shard_grad_op offload' });
    const hybrid = yaml('distributed_type: FSDP\nfsdp_config:\n  fsdp_sharding_strategy: HYBRID_SHARD\n');
    assert.deepStrictEqual(plain(accelerateRun(hybrid, undefined, at)), { fsdp: 'hybrid_shard' });
    // FSDP2 (fsdp_version: 2), from the file or accelerate launch's --fsdp_version.
    const two = yaml('distributed_type: FSDP\nfsdp_config:\n  fsdp_version: 2\n  fsdp_reshard_after_forward: true\n');
    assert.deepStrictEqual(plain(accelerateRun(two, undefined, at)), { fsdp: 'full_shard', fsdp_version: 2 });
    assert.deepStrictEqual(plain(accelerateRun(hybrid, yaml('fsdp_version: 2\n'), at)), { fsdp: 'hybrid_shard', fsdp_version: 2 });
    // FSDP's own activation checkpointing, as a recipe's fsdp_config names it.
    const checkpointed = yaml('distributed_type: FSDP\nfsdp_config:\n  fsdp_activation_checkpointing: true\n');
    assert.deepStrictEqual(plain(accelerateRun(checkpointed, undefined, at)), { fsdp: 'full_shard', fsdp_config: { fsdp_activation_checkpointing: true } });
  });

  it("hybrid sharding shards within a node's GPUs and replicates across nodes: on 4 nodes a GPU holds 1/8, not 1/32", () => {
    const run = (fsdp: string, more = '') => analyze(`base_model: meta-llama/Llama-2-7b-hf\ndevices: 32\nfsdp: ${fsdp}\n${more}`, 'yaml')[0].estimate!;
    const full = run('full_shard');
    const hybrid = run('hybrid_shard');
    const p = full.parameters.total;
    // bf16-mixed under FSDP: 16-bit weights, sharded; fp32 master weights and Adam states, sharded.
    assert.strictEqual(full.training.components.weights, Math.round((p * 2) / 32));
    assert.strictEqual(hybrid.training.components.weights, Math.round((p * 2) / 8));
    assert.ok(hybrid.assumptions.some(x => /hybrid sharding: sharded within each node's 8 GPUs \(8 per node assumed\), replicated across nodes/.test(x)));
    const four = run('hybrid_shard', 'gpus_per_node: 4\n');
    assert.strictEqual(four.training.components.weights, Math.round((p * 2) / 4));
    assert.strictEqual(run('hybrid_shard_zero2').settings.zeroStage, 2);
  });

  it('DeepSpeed: the config file it names, or a zero_optimization from zero_stage and the offload devices; flags over the file', () => {
    const named = yaml('distributed_type: DEEPSPEED\ndeepspeed_config:\n  deepspeed_config_file: ds.json\n  zero3_init_flag: true\nnum_processes: 8\n');
    assert.deepStrictEqual(plain(accelerateRun(named, undefined, at)), { num_gpus: 8, zero3_init_flag: true, deepspeed: 'ds.json' });
    const inline = yaml('distributed_type: DEEPSPEED\ndeepspeed_config:\n  zero_stage: 2\n  offload_optimizer_device: cpu\n  offload_param_device: none\n  gradient_accumulation_steps: 4\nnum_processes: 8\n');
    assert.deepStrictEqual(plain(accelerateRun(inline, undefined, at)), { num_gpus: 8, zero_optimization: { stage: 2, offload_optimizer: { device: 'cpu' } } });
    const flags = yaml('use_deepspeed: true\nzero_stage: 3\nnum_processes: 4\nmixed_precision: fp16\n');
    assert.deepStrictEqual(plain(accelerateRun(inline, flags, at)), { num_gpus: 4, fp16: true, zero_optimization: { stage: 3, offload_optimizer: { device: 'cpu' } } });
    assert.deepStrictEqual(plain(accelerateRun(yaml('distributed_type: MULTI_GPU\nnum_processes: 2\nmixed_precision: "no"\n'), undefined, at)), { num_gpus: 2 });
  });

  it('ZeRO-3 without zero3_init_flag: the report says each process loads the whole model into CPU memory first, and the GPU peak is the same', () => {
    const { architectures, transformers_version, torch_dtype, ...model } = JSON.parse(readReference('configs/json/llama-2-7b-chat-hf.config.json'));
    assert.ok(architectures && transformers_version && torch_dtype);
    const run = (init: boolean) => analyze(JSON.stringify({ ...model, bf16: true, num_gpus: 8, zero3_init_flag: init, zero_optimization: { stage: 3 } }), 'json')[0].estimate!;
    const [without, withInit] = [run(false), run(true)];
    const note = without.assumptions.find(x => x.startsWith('DeepSpeed ZeRO-3'))!;
    // Llama-2-7B's 6,738,415,616 parameters in bf16: 12.6 GiB per process, 8 on the node.
    assert.match(note, /Without ZeRO-3 init \(`zero3_init_flag` false\), each process first loads the whole model into CPU memory before DeepSpeed shards it: 12\.6 GiB each, 100 GiB on a node of 8/);
    assert.ok(withInit.assumptions.some(x => /ZeRO-3 init \(`zero3_init_flag`\): the model is sharded as it is built/.test(x)));
    assert.strictEqual(without.training.peakBytes, withInit.training.peakBytes);
  });
});

describe('TOML', () => {
  it('torchtitan: [model] name and flavor name the model; [training] gives batch and sequence', () => {
    const text = '[job]\ndescription = "Llama 3 8B training"\n\n[model]\nname = "llama3"\nflavor = "8B"\n\n[training]\nbatch_size = 1\nseq_len = 8192\nmixed_precision_param = "bfloat16"\n\n[parallelism]\ntensor_parallel_degree = 2\n';
    const [a] = analyze(text, 'toml');
    assert.strictEqual(a.config.catalog?.model.id, 'meta-llama/Meta-Llama-3-8B');
    assert.deepStrictEqual([a.estimate!.settings.batchSize, a.estimate!.settings.sequenceLength, a.estimate!.settings.tensorParallel], [1, 8192, 2]);
    const span = a.config.catalog!.valueSpan;
    assert.strictEqual(text.slice(span.start, span.end), '"8B"');
  });

  it("torchtitan's 2024 layout ([training] and [experimental] degrees) and its FSDP degree: ZeRO-3 over the product of the degrees", () => {
    const old = '[model]\nname = "llama3"\nflavor = "70B"\n[training]\nbatch_size = 8\nseq_len = 8192\ndata_parallel_degree = -1\ntensor_parallel_degree = 8\n[experimental]\npipeline_parallel_degree = 2\n';
    const [a] = analyze(old, 'toml');
    assert.deepStrictEqual([a.estimate!.settings.tensorParallel, a.estimate!.settings.pipelineParallel, a.estimate!.settings.gpus], [8, 2, 16]);
    const fsdp = '[model]\nname = "llama3"\nflavor = "70B"\n[training]\nlocal_batch_size = 1\nseq_len = 8192\n[parallelism]\ndata_parallel_shard_degree = 8\ntensor_parallel_degree = 8\n';
    const [b] = analyze(fsdp, 'toml');
    assert.deepStrictEqual([b.estimate!.settings.gpus, b.estimate!.settings.zeroStage, b.estimate!.settings.tensorParallel], [64, 3, 8]);
    assert.ok(b.config.training.sources.some(x => x.key === 'parallelism.data_parallel_shard_degree' && x.option === 'gpus'));
    // -1 leaves the count to the launcher: no GPUs are made up, but the GPUs it gives shard with FSDP2. On the 8 GPUs
    // tensor parallelism needs, nothing is left to shard over; with 16 from the setting, FSDP2 shards over 2.
    const [c] = analyze(fsdp.replace('= 8\ntensor', '= -1\ntensor'), 'toml');
    assert.deepStrictEqual([c.estimate!.settings.gpus, c.estimate!.settings.zeroStage], [8, 3]);
    const [d] = analyze(fsdp.replace('= 8\ntensor', '= -1\ntensor'), 'toml', { gpus: 16 });
    // Sharded over 2, each GPU holds half of the fp32 master weights and Adam states: 12 bytes per parameter over 2,
    // where unsharded it holds the 8 bytes of Adam states beside its 16-bit weights.
    assert.deepStrictEqual([d.estimate!.settings.gpus, d.estimate!.settings.zeroStage], [16, 3]);
    assert.strictEqual(Math.round((d.estimate!.training.components.optimizer / c.estimate!.training.components.optimizer) * 100), 75);
  });

  it("torchtitan's per-op selective checkpointing, context parallelism and compile, as its jobs set them", () => {
    // Llama 3.1 8B on 8 GPUs, local batch 2 at 8,192 tokens (torchtitan's published benchmark, Table 1).
    const job = '[model]\nname = "llama3"\nflavor = "8B"\n[training]\nbatch_size = 2\nseq_len = 8192\ndata_parallel_shard_degree = 8\ncompile = true\n[activation_checkpoint]\nmode = "selective"\nselective_ac_option = "op"\n';
    const [a] = analyze(job, 'toml');
    assert.deepStrictEqual([a.estimate!.settings.checkpointing, a.estimate!.settings.selectiveOps, a.estimate!.settings.compiled, a.estimate!.settings.compiledLoss], ['selective', true, true, false]);
    // Per op: each layer keeps its input (the residual stream, fp32 in the bf16-mixed layout), the attention output
    // and log-sum-exp, and q, v, gate and down (bf16).
    const perToken = 4 * 4096 + 2 * (4096 + 1024 + 14336 + 4096) + 2 * 4096 + 4 * 32;
    assert.strictEqual(activationBytesPerLayer(a.spec!, a.estimate!.settings, 16384), perToken * 16384);
    // selective_ac_option "2": every 2nd block checkpointed whole (16 of 32), the other 16 keep everything.
    const everyOther = analyze(job.replace('selective_ac_option = "op"', 'selective_ac_option = "2"'), 'toml')[0];
    const none = analyze(job.replace('mode = "selective"', 'mode = "none"'), 'toml')[0];
    const full = analyze(job.replace('mode = "selective"', 'mode = "full"'), 'toml')[0];
    const act = (x: ConfigAnalysis) => x.estimate!.training.components.activations;
    assert.strictEqual(everyOther.estimate!.settings.checkpointEvery, 2);
    assert.ok(act(full) < act(everyOther) && act(everyOther) < act(none) && act(a) < act(everyOther));
    assert.ok(everyOther.estimate!.assumptions.some(x => /every 2nd block checkpointed whole/.test(x)));
    assert.ok(a.estimate!.assumptions.some(x => /selective per op \(torchtitan's "op" policy/.test(x)));
    // Context parallel 8 at 262,144 tokens: FSDP over the 8 GPUs, each with 32,768 tokens of every sequence.
    const cp = '[model]\nname = "llama3"\nflavor = "8B"\n[training]\nbatch_size = 1\nseq_len = 262144\ndata_parallel_shard_degree = 1\n[experimental]\ncontext_parallel_degree = 8\n[activation_checkpoint]\nmode = "full"\n';
    const [c] = analyze(cp, 'toml');
    const short = analyze(cp.replace('262144', '32768').replace('context_parallel_degree = 8', 'context_parallel_degree = 1').replace('data_parallel_shard_degree = 1', 'data_parallel_shard_degree = 8'), 'toml')[0];
    assert.deepStrictEqual([c.estimate!.settings.gpus, c.estimate!.settings.zeroStage, c.estimate!.settings.contextParallel], [8, 3, 8]);
    assert.strictEqual(c.estimate!.training.components.activations, short.estimate!.training.components.activations);
  });

  it("torchtitan's pipeline parallelism: the local batch as microbatches, FSDP keeping the stage gathered, gradients unsharded until the last microbatch", () => {
    // Llama 3.1 405B, FSDP 8 × TP 8 × PP 8, local batch 32: the 2024 layout splits it into pipeline_parallel_degree microbatches.
    const job = '[model]\nname = "llama3"\nflavor = "405B"\n[training]\nbatch_size = 32\nseq_len = 8192\ndata_parallel_shard_degree = 8\ntensor_parallel_degree = 8\n[experimental]\npipeline_parallel_degree = 8\n[activation_checkpoint]\nmode = "full"\n';
    const [a] = analyze(job, 'toml');
    const s = a.estimate!.settings;
    assert.deepStrictEqual([s.gpus, s.batchSize, s.gradientAccumulationSteps, s.zeroStage, s.unshardedAccumulation], [512, 4, 8, 2, true]);
    // The 2025 layout's pipeline_parallel_microbatch_size sets the microbatch itself.
    const sized = analyze(job.replace('[experimental]\npipeline_parallel_degree = 8', '[parallelism]\npipeline_parallel_degree = 8\npipeline_parallel_microbatch_size = 2'), 'toml')[0].estimate!.settings;
    assert.deepStrictEqual([sized.batchSize, sized.gradientAccumulationSteps], [2, 16]);
  });

  it('malformed TOML gives a message, not an exception', () => {
    const doc = parseConfig('[model\nname = "llama3"\nflavor = ', 'toml');
    assert.strictEqual(doc.root, undefined);
  });
});

describe('catalog', () => {
  it('resolves HF ids, LitGPT checkpoint directories, short names and chat variants', () => {
    assert.strictEqual(findCatalogModel('checkpoints/meta-llama/Llama-2-7b-hf')?.id, 'meta-llama/Llama-2-7b-hf');
    assert.strictEqual(findCatalogModel('meta-llama/Llama-2-7b-chat-hf')?.id, 'meta-llama/Llama-2-7b-hf');
    assert.strictEqual(findCatalogModel('gpt2-xl')?.id, 'openai-community/gpt2-xl');
    assert.strictEqual(findCatalogModel('Qwen/Qwen2.5-7B-Instruct')?.id, 'Qwen/Qwen2.5-7B');
    assert.strictEqual(findCatalogModel('not/a-model'), undefined);
    assert.strictEqual(torchtuneModel('torchtune.models.llama3_1.lora_llama3_1_8b')?.id, 'meta-llama/Llama-3.1-8B');
  });

  it('every catalog model resolves to an exact estimate of its own family', () => {
    for (const id of ['gpt2', 'bert-base-uncased', 't5-11b', 'llama-2-70b', 'llama-3.1-405b', 'mixtral-8x22b', 'qwen2.5-72b', 'gemma-2-27b', 'phi-3-mini', 'falcon-40b', 'deepseek-v3', 'tinyllama-1.1b', 'stablelm-2-1.6b']) {
      const [a] = analyze(`base_model: ${id}\n`, 'yaml');
      assert.ok(a?.estimate, `${id}: ${a?.problems.map(p => p.message).join('; ')}`);
      assert.strictEqual(a.spec?.generic, false, id);
    }
  });

  it('known sizes: Llama-3.1-405B, Mixtral-8x22B, Qwen2.5-72B, TinyLlama', () => {
    const total = (id: string) => analyze(`base_model: ${id}\n`, 'yaml')[0].estimate!.parameters.total;
    assert.strictEqual(total('llama-3.1-405b'), 405_853_388_800);
    assert.strictEqual(total('mixtral-8x22b'), 140_630_071_296);
    assert.strictEqual(total('qwen2.5-72b'), 72_706_203_648);
    assert.strictEqual(total('tinyllama-1.1b'), 1_100_048_384);
  });
});

describe('formats', () => {
  it('picks the reader by language id or file name', () => {
    assert.deepStrictEqual(['json', 'jsonc', 'yaml', 'python', 'x.yml', 'train.toml', 'model.py', 'a.txt'].map(formatFor), ['json', 'json', 'yaml', 'python', 'yaml', 'toml', 'python', undefined]);
  });

  it('ordinary scripts and manifests are not parsed at all', () => {
    assert.strictEqual(parseConfig('import numpy as np\nprint(np.zeros(3))\n', 'python').root, undefined);
    assert.strictEqual(parseConfig('name: ci\non: [push]\njobs: {}\n', 'yaml').root, undefined);
  });
});

describe('more config shapes', () => {
  it('LitGPT config.py entries: Config defaults (n_embd 4096, n_head 32), padded vocabulary, block classes', () => {
    const text = 'configs = [\n  dict(\n    name="Llama-2-7b{}-hf",\n    hf_config=dict(org="meta-llama", name="Llama-2-7b{}-hf"),\n    vocab_size=32000,\n    padding_multiple=64,\n    n_layer=32,\n    parallel_residual=False,\n    bias=False,\n    norm_class_name="RMSNorm",\n    mlp_class_name="LLaMAMLP",\n    intermediate_size=11008,\n  ),\n  dict(name="pythia-410m", hf_config=dict(org="EleutherAI", name="pythia-410m"), block_size=2048, n_layer=24, n_embd=1024, n_head=16, padding_multiple=128),\n]\n';
    const [llama, pythia] = analyze(text, 'python');
    assert.strictEqual(llama.estimate?.parameters.total, 6_738_415_616);
    assert.strictEqual(pythia.estimate?.parameters.total, 405_334_016);
    assert.strictEqual(llama.config.name, 'Llama-2-7b{}-hf');
  });

  it('a LLaVA config is one model: its text model with the CLIP tower and projector; a CLIP config alone is its own', () => {
    const clipTower = { model_type: 'clip_vision_model', hidden_size: 1024, num_hidden_layers: 24, num_attention_heads: 16, intermediate_size: 4096, image_size: 336, patch_size: 14 };
    const text = JSON.stringify({
      model_type: 'llava',
      vision_config: clipTower,
      text_config: { model_type: 'llama', hidden_size: 4096, num_hidden_layers: 32, num_attention_heads: 32, intermediate_size: 11008, vocab_size: 32000 },
    });
    const configs = analyze(text, 'json');
    assert.strictEqual(configs.length, 1);
    // CLIP ViT-L/14 at 336 px: 577 positions (24² patches + the class token); LLaVA's projector: 1,024 → 4,096 → 4,096, biased.
    const tower = 303_179_776 + (577 - 257) * 1024;
    const projector = 1024 * 4096 + 4096 + 4096 * 4096 + 4096;
    assert.strictEqual(configs[0].estimate?.parameters.total, 6_738_415_616 + tower + projector);
    const [alone] = analyze(JSON.stringify(clipTower), 'json');
    assert.strictEqual(alone.estimate?.parameters.total, tower);
    assert.strictEqual(alone.estimate?.settings.sequenceLength, 577);
    const other = analyze(JSON.stringify({ vision_config: { model_type: 'some_vit', hidden_size: 768, num_hidden_layers: 12, num_attention_heads: 12 } }), 'json');
    assert.deepStrictEqual(other, []);
  });

  it("LLaVA-1.5-7B's config.json as published: a sparse text_config filled as LlamaConfig fills it, 7,063,427,072 parameters", () => {
    const config = {
      architectures: ['LlavaForConditionalGeneration'], ignore_index: -100, image_token_index: 32000, model_type: 'llava', pad_token_id: 32001, projector_hidden_act: 'gelu',
      text_config: { _name_or_path: 'lmsys/vicuna-7b-v1.5', architectures: ['LlamaForCausalLM'], max_position_embeddings: 4096, model_type: 'llama', rms_norm_eps: 1e-05, torch_dtype: 'float16', vocab_size: 32064 },
      tie_word_embeddings: false, torch_dtype: 'float16', transformers_version: '4.36.0.dev0',
      vision_config: { hidden_size: 1024, image_size: 336, intermediate_size: 4096, model_type: 'clip_vision_model', num_attention_heads: 16, num_hidden_layers: 24, patch_size: 14, projection_dim: 768, vocab_size: 32000 },
      vision_feature_layer: -2, vision_feature_select_strategy: 'default', vocab_size: 32064,
    };
    const [a] = analyze(JSON.stringify(config), 'json');
    assert.strictEqual(a.estimate?.parameters.total, 7_063_427_072);
    assert.ok(a.estimate!.assumptions.some(x => x.startsWith("LlamaConfig's defaults for what the config leaves out: hidden_size 4,096")));
    // LLaVA-NeXT adds a learned image_newline of the language model's width.
    const [next] = analyze(JSON.stringify({ ...config, model_type: 'llava_next' }), 'json');
    assert.strictEqual(next.estimate!.parameters.total - a.estimate!.parameters.total, 4096);
  });

  it('DeepSpeed keys beside the model: ZeRO stage, micro-batch, accumulation, bf16, optimizer offload', () => {
    const text = 'base_model: meta-llama/Llama-2-7b-hf\ndevices: 8\nzero_optimization:\n  stage: 3\n  offload_optimizer:\n    device: cpu\ntrain_micro_batch_size_per_gpu: 2\ngradient_accumulation_steps: 4\nbf16:\n  enabled: true\n';
    const [a] = analyze(text, 'yaml');
    const s = a.estimate!.settings;
    assert.deepStrictEqual([s.zeroStage, s.offloadOptimizer, s.batchSize, s.gradientAccumulationSteps, s.precision, s.gpus], [3, true, 2, 4, 'bf16-mixed', 8]);
    assert.strictEqual(a.estimate!.training.components.optimizer, 0);
  });

  it("DeepSpeed's buffers: ZeRO-3 holds one reduce bucket and gathers module by module with its prefetch bucket; ZeRO-1/2 double the bucket under overlap_comm", () => {
    // Llama-2-7B on 8 GPUs, bf16. Its largest module is the 32,000 × 4,096 embedding (and head): 131,072,000 elements.
    const run = (zero: string) => analyze(`base_model: meta-llama/Llama-2-7b-hf\ndevices: 8\ntrain_micro_batch_size_per_gpu: 1\nbf16:\n  enabled: true\nzero_optimization:\n${zero}`, 'yaml')[0].estimate!;
    const fsdp = analyze('base_model: meta-llama/Llama-2-7b-hf\ndevices: 8\ntrain_micro_batch_size_per_gpu: 1\nbf16:\n  enabled: true\nfsdp: full_shard\n', 'yaml')[0].estimate!;
    const defaults = run('  stage: 3\n');
    const auto = run('  stage: 3\n  reduce_bucket_size: auto\n  stage3_prefetch_bucket_size: auto\n');
    const small = run('  stage: 3\n  reduce_bucket_size: 5e7\n  stage3_prefetch_bucket_size: 0\n');
    assert.deepStrictEqual([defaults.settings.deepspeed, fsdp.settings.deepspeed], [true, undefined]);
    // DeepSpeed's defaults: a 5e8-element reduce bucket in bf16, allocated once; 131,072,000 + 5e7 elements gathered.
    assert.strictEqual(defaults.training.components.gradients - small.training.components.gradients, (5e8 - 5e7) * 2);
    assert.strictEqual(defaults.training.allocatedBytes - small.training.allocatedBytes, (5e8 - 5e7) * 2 + 5e7 * 2);
    // HF Trainer's "auto": hidden size² for the bucket, 0.9 × hidden size² ahead.
    assert.strictEqual(defaults.training.allocatedBytes - auto.training.allocatedBytes, (5e8 - 4096 ** 2) * 2 + (5e7 - Math.floor(0.9 * 4096 ** 2)) * 2);
    assert.ok(defaults.assumptions.some(x => /^DeepSpeed ZeRO-3: gradients reduce through 954 MiB of buffer \(`reduce_bucket_size` 500,000,000 elements, allocated once\); parameters are gathered module by module/.test(x)), defaults.assumptions.join('\n'));
    // ZeRO-2: the bucket lives through backward, twice with overlap_comm.
    const two = run('  stage: 2\n  reduce_bucket_size: 2e8\n');
    const overlapped = run('  stage: 2\n  reduce_bucket_size: 2e8\n  overlap_comm: true\n');
    assert.strictEqual(overlapped.training.components.gradients - two.training.components.gradients, 2e8 * 2);
    const off = run('  stage: 2\n  reduce_bucket_size: 2e8\n  contiguous_gradients: false\n');
    assert.strictEqual(two.training.components.gradients - off.training.components.gradients, 2e8 * 2);
    const bad = analyze('base_model: meta-llama/Llama-2-7b-hf\ndevices: 8\nzero_optimization:\n  stage: 3\n  reduce_bucket_size: lots\n', 'yaml')[0];
    assert.ok(bad.problems.some(p => /`zero_optimization\.reduce_bucket_size` must be a count of elements \(5e8\) or "auto"/.test(p.message)));
  });

  it("ZeRO-3's parameter offload (offload_param) and HF Trainer's fsdp \"full_shard offload\" keep the weights in CPU memory", () => {
    const text = 'base_model: meta-llama/Llama-2-7b-hf\ndevices: 8\nzero_optimization:\n  stage: 3\n  offload_optimizer:\n    device: cpu\n  offload_param:\n    device: nvme\ntrain_micro_batch_size_per_gpu: 2\n';
    const [a] = analyze(text, 'yaml');
    assert.deepStrictEqual([a.estimate!.settings.offloadParameters, a.estimate!.training.components.weights], [true, 0]);
    const script = 'from transformers import AutoModelForCausalLM, TrainingArguments\nmodel = AutoModelForCausalLM.from_pretrained("meta-llama/Llama-2-7b-hf")\nargs = TrainingArguments(output_dir="o", per_device_train_batch_size=1, fsdp="full_shard offload auto_wrap", bf16=True)\n';
    const [b] = analyze(script, 'python', { gpus: 8 });
    assert.deepStrictEqual([b.estimate!.settings.zeroStage, b.estimate!.settings.offloadParameters, b.estimate!.settings.offloadOptimizer], [3, true, true]);
  });
});

describe('axolotl', () => {
  it('base_model, adapter qlora, lora_target_linear, micro_batch_size, sequence_len, gradient_checkpointing, bf16, optimizer', () => {
    const text = [
      'base_model: NousResearch/Llama-2-7b-hf',
      'model_type: LlamaForCausalLM',
      'load_in_4bit: true',
      'adapter: qlora',
      'lora_r: 32',
      'lora_alpha: 16',
      'lora_dropout: 0.05',
      'lora_target_linear: true',
      'sequence_len: 4096',
      'micro_batch_size: 2',
      'gradient_accumulation_steps: 4',
      'optimizer: paged_adamw_32bit',
      'bf16: auto',
      'gradient_checkpointing: true',
      '',
    ].join('\n');
    const [a] = analyze(text, 'yaml');
    assert.strictEqual(a.config.catalog?.model.id, 'meta-llama/Llama-2-7b-hf');
    const s = a.estimate!.settings;
    assert.deepStrictEqual(
      [s.quantization, s.lora?.rank, s.lora?.targets.length, s.sequenceLength, s.batchSize, s.gradientAccumulationSteps, s.optimizer, s.precision, s.checkpointing],
      ['nf4', 32, 7, 4096, 2, 4, 'paged-adamw', 'bf16-mixed', 'full'],
    );
  });

  it('the BLOOM reference model resolves through the catalog to its published size', () => {
    const [a] = analyze('base_model: bigscience/bloom\n', 'yaml');
    assert.strictEqual(a.estimate?.parameters.total, 176_247_271_424);
  });
});

describe('recipes as each framework writes them', () => {
  it('LLaMA-Factory: finetuning_type, lora_rank, lora_target "all", quantization_bit, cutoff_len', () => {
    const text = 'model_name_or_path: meta-llama/Meta-Llama-3-8B-Instruct\nquantization_bit: 4\nfinetuning_type: lora\nlora_rank: 8\nlora_target: all\ncutoff_len: 2048\nper_device_train_batch_size: 1\nbf16: true\n';
    const [a] = analyze(text, 'yaml');
    const s = a.estimate!.settings;
    assert.deepStrictEqual([s.quantization, s.lora?.rank, s.lora?.targets.length, s.lora?.dropout, s.sequenceLength, s.batchSize], ['nf4-dq', 8, 7, false, 2048, 1]);
    const full = analyze(text.replace('finetuning_type: lora', 'finetuning_type: full').replace('quantization_bit: 4\n', ''), 'yaml')[0];
    assert.strictEqual(full.estimate!.settings.lora, undefined);
    const some = analyze(text.replace('lora_target: all', 'lora_target: q_proj,v_proj'), 'yaml')[0];
    assert.deepStrictEqual(some.estimate!.settings.lora?.targets, ['q', 'v']);
  });

  it("the original VRAM note's own names drive the estimate: checkpoint_layers, use_fp16, accumulate_steps, gpus", () => {
    const text = 'model_name = "meta-llama/Llama-2-7b-hf"\ncheckpoint_layers = True\nuse_fp16 = True\nbatch_size = 8\naccumulate_steps = 4\ngpus = 2\n';
    const s = analyze(text, 'python')[0].estimate!.settings;
    assert.deepStrictEqual([s.checkpointing, s.precision, s.batchSize, s.gradientAccumulationSteps, s.gpus], ['full', '16-mixed', 8, 4, 2]);
  });

  it('torchtune: every builder family of its registry names its model', () => {
    const cases: [string, string][] = [
      ['lora_qwen3_8b_instruct', 'Qwen/Qwen3-8B'], ['qwen2_5_0_5b', 'Qwen/Qwen2.5-0.5B'], ['qlora_llama3_1_8b', 'meta-llama/Llama-3.1-8B'],
      ['gemma2_27b', 'google/gemma-2-27b'], ['lora_phi4_14b', 'microsoft/phi-4'], ['smollm2_1_7b', 'HuggingFaceTB/SmolLM2-1.7B'],
      ['lora_llama3_2_1b', 'meta-llama/Llama-3.2-1B'], ['mistral_7b', 'mistralai/Mistral-7B-v0.1'], ['phi3_mini', 'microsoft/Phi-3-mini-4k-instruct'],
      ['lora_llama4_scout_17b_16e', 'meta-llama/Llama-4-Scout-17B-16E'], ['llama4_maverick_17b_128e', 'meta-llama/Llama-4-Maverick-17B-128E'],
      ['qlora_llama3_2_vision_11b', 'meta-llama/Llama-3.2-11B-Vision'], ['llama3_2_vision_90b', 'meta-llama/Llama-3.2-90B-Vision'],
      ['t5_v1_1_xxl_encoder', 'google/t5-v1_1-xxl (encoder)'], ['clip_text_vit_large_patch14', 'openai/clip-vit-large-patch14-text'],
    ];
    for (const [builder, id] of cases) {
      assert.strictEqual(torchtuneModel(`torchtune.models.x.${builder}`)?.id, id, builder);
    }
    // Reward builders: the base model with a bias-free one-score head in place of the 32,000 × 4,096 vocabulary head.
    for (const [builder, base] of [['lora_llama2_reward_7b', 6_738_415_616], ['mistral_reward_7b', 7_241_732_096]] as const) {
      const [reward] = analyze(`model:\n  _component_: torchtune.models.x.${builder}\n`, 'yaml');
      assert.strictEqual(reward.estimate!.parameters.total, base - 32000 * 4096 + 4096, builder);
      assert.strictEqual(reward.estimate!.training.components.activations < analyze(`model:\n  _component_: torchtune.models.x.${builder.replace('_reward', '')}\n`, 'yaml')[0].estimate!.training.components.activations, true);
    }
    // Flux's text encoders: T5-XXL's encoder stack (4,762,310,656) and CLIP-L's text transformer (123,060,480).
    assert.strictEqual(analyze('model:\n  _component_: torchtune.models.t5.t5_v1_1_xxl_encoder\n', 'yaml')[0].estimate!.parameters.total, 4_762_310_656);
    assert.strictEqual(analyze('model:\n  _component_: torchtune.models.clip.clip_text_vit_large_patch14\n', 'yaml')[0].estimate!.parameters.total, 123_060_480);
    const unknown = analyzeDocument(parseConfig('model:\n  _component_: torchtune.models.clip.clip_vision_encoder\n', 'yaml'), DEFAULT_OPTIONS);
    assert.deepStrictEqual(unknown.problems.map(p => p.code), ['unknown-model']);
  });
});

describe('GPT-NeoX YAML as its own model code builds it', () => {
  it("a Llama-2 recipe: swiglu takes 2/3 of intermediate_size, split between gate and up and rounded to mlp_multiple_of", () => {
    const [a] = analyze(fs.readFileSync(path.join(PUBLIC, 'configs-public', 'yaml', 'gpt-neox__llama2__7B.yml'), 'utf8'), 'yaml');
    assert.strictEqual(a.spec?.intermediateSize, 11_008);
    assert.strictEqual(a.spec?.mlp, 'gated');
    // HF's Llama-2-7B (6,738,415,616) with the file's differences: the GPT-NeoX-20B vocabulary the file leaves in
    // place (50,277 tokens, untied: 2 × 18,277 × 4,096 more) and MLP biases (use_bias_in_mlp is on by default).
    assert.strictEqual(a.estimate?.parameters.total, 6_738_415_616 + 2 * 18_277 * 4_096 + 32 * (22_016 + 4_096));
    assert.match(a.problems.map(p => p.message).join('\n'), /GPT-NeoX's default of 50,277/);
  });

  it('its parallel layout as GPT-NeoX runs it: model_parallel_size × pipe_parallel_size GPUs, each micro-batch through the pipeline, no sequence parallelism', () => {
    const text = fs.readFileSync(path.join(PUBLIC, 'configs-public', 'yaml', 'gpt-neox__20B.yml'), 'utf8');
    const [a] = analyze(text, 'yaml');
    const s = a.estimate!.settings;
    assert.deepStrictEqual([s.tensorParallel, s.pipelineParallel, s.gpus, s.batchSize, s.sequenceParallel, s.checkpointing, s.zeroStage], [2, 4, 8, 4, false, 'full', 1]);
    assert.strictEqual(a.config.training.framework, 'gptneox');
    assert.ok(a.estimate!.assumptions.some(x => /^Framework: GPT-NeoX /.test(x)), a.estimate!.assumptions.join('\n'));
    // The GPU count is the launcher's: the report says the 8 are the fewest the split runs on, and the setting for more.
    assert.ok(a.estimate!.assumptions.includes('GPUs 8: the file states no count, and its split (tensor 2 × pipeline 4) runs on at least that many; setting vramLens.gpus (CLI --gpus) for more data-parallel copies.'), a.estimate!.assumptions.join('\n'));
    // Read as one GPU holding all 20.6B parameters, the run needed over 400 GiB; split eight ways it is a fraction.
    assert.ok(a.estimate!.training.peakBytes < 80 * 1024 ** 3, String(a.estimate!.training.peakBytes));
    // The dashed names GPT-NeoX also accepts.
    const [dashed] = analyze(text.replace('"pipe_parallel_size"', '"pipe-parallel-size"').replace('"model_parallel_size"', '"model-parallel-size"').replace('"checkpoint_activations"', '"checkpoint-activations"'), 'yaml');
    assert.deepStrictEqual([dashed.estimate!.settings.tensorParallel, dashed.estimate!.settings.pipelineParallel, dashed.estimate!.settings.checkpointing], [2, 4, 'full']);
  });

  it('the vocabulary comes from tokenizer_type when vocab_size is not set', () => {
    const text = fs.readFileSync(path.join(PUBLIC, 'configs-public', 'yaml', 'gpt-neox__llama2__7B.yml'), 'utf8').replace('"norm": "rmsnorm",', '"norm": "rmsnorm",\n  "tokenizer_type": "SPMTokenizer",\n  "use_bias_in_mlp": false,');
    const [a] = analyze(text, 'yaml');
    assert.strictEqual(a.estimate?.parameters.total, 6_738_415_616);
  });
});

describe('TRL and alignment-handbook recipe YAML', () => {
  it('use_peft with lora_r and "all-linear" targets, load_in_4bit, per-device batch, max_length', () => {
    const text = 'model_name_or_path: Qwen/Qwen2.5-7B\ntorch_dtype: bfloat16\nuse_peft: true\nlora_r: 64\nlora_target_modules: all-linear\nload_in_4bit: true\nper_device_train_batch_size: 4\ngradient_accumulation_steps: 4\ngradient_checkpointing: true\nmax_seq_length: 2048\nbf16: true\n';
    const s = analyze(text, 'yaml')[0].estimate!.settings;
    assert.deepStrictEqual([s.lora?.rank, s.lora?.targets.length, s.quantization, s.batchSize, s.sequenceLength, s.checkpointing], [64, 7, 'nf4', 4, 2048, 'full']);
    assert.strictEqual(analyze(text.replace('use_peft: true', 'use_peft: false'), 'yaml')[0].estimate!.settings.lora, undefined);
    assert.strictEqual(analyze(text.replace('lora_r: 64\n', ''), 'yaml')[0].estimate!.settings.lora?.rank, 16);
  });
});

describe('LoRA dropout a recipe leaves unsaid', () => {
  const dropoutOf = (text: string) => analyzeDocument(parseConfig(text, 'yaml'), DEFAULT_OPTIONS).configs[0].estimate!.settings.lora?.dropout;

  it("is each framework's default: none in axolotl and torchtune, LitGPT's 0.05", () => {
    assert.strictEqual(dropoutOf('base_model: meta-llama/Llama-3.2-1B\nadapter: lora\nlora_r: 16\nmicro_batch_size: 1\nsequence_len: 1024\n'), false);
    assert.strictEqual(dropoutOf('model:\n  _component_: torchtune.models.llama3_2.lora_llama3_2_1b\n  lora_rank: 8\nbatch_size: 1\n'), false);
    assert.strictEqual(dropoutOf('checkpoint_dir: checkpoints/meta-llama/Llama-2-7b-hf\nlora_r: 8\nlora_query: true\nlora_value: true\n'), true);
    // A stated value wins either way.
    assert.strictEqual(dropoutOf('base_model: meta-llama/Llama-3.2-1B\nadapter: lora\nlora_r: 16\nlora_dropout: 0.05\n'), true);
  });
});
