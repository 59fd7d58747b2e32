// Python training and inference scripts as people write them: the model a call loads, and the run its arguments describe.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { analyzeDocument, DEFAULT_OPTIONS, type ConfigAnalysis } from '../../src/core/analyze';
import { lossBytes, TRL_LOSS_CHUNK } from '../../src/core/memory';
import { parseConfig } from '../../src/parse';
import { ROOT } from './helpers';

const SCRIPTS = path.join(ROOT, 'test', 'fixtures', 'scripts');

/** The QLoRA script is also the real-VS-Code tests' (in their workspace folder). */
const WORKSPACE = path.join(ROOT, 'test', 'fixtures', 'workspace');

function analyzeScript(name: string): { analysis: ConfigAnalysis; text: string; problems: string[] } {
  const file = fs.existsSync(path.join(SCRIPTS, name)) ? path.join(SCRIPTS, name) : path.join(WORKSPACE, name);
  const text = fs.readFileSync(file, 'utf8');
  const doc = analyzeDocument(parseConfig(text, 'python'), DEFAULT_OPTIONS);
  assert.strictEqual(doc.configs.length, 1, `${name}: ${doc.configs.map(c => c.config.name).join(', ')}`);
  return { analysis: doc.configs[0], text, problems: doc.problems.map(p => p.message) };
}

const lineOf = (text: string, offset: number) => text.slice(0, offset).split('\n').length;
const origins = (a: ConfigAnalysis) => Object.fromEntries(a.config.training.sources.map(s => [s.option, s.key]));

describe('scripts', () => {
  it('an HF Trainer QLoRA script is QLoRA, not full fine-tuning (Mistral-7B, 4-bit, r=16 all linear, batch 4)', () => {
    const { analysis, text, problems } = analyzeScript('train_qlora.py');
    assert.strictEqual(analysis.config.catalog?.model.id, 'mistralai/Mistral-7B-v0.1');
    const s = analysis.estimate!.settings;
    assert.deepStrictEqual([s.quantization, s.batchSize, s.sequenceLength, s.gradientAccumulationSteps, s.optimizer, s.checkpointing, s.precision], ['nf4-dq', 4, 1024, 4, 'paged-adamw-8bit', 'full', 'bf16-mixed']);
    assert.deepStrictEqual(s.lora?.targets, ['q', 'k', 'v', 'o', 'gate', 'up', 'down']);
    assert.strictEqual(s.lora?.rank, 16);
    // Full fine-tuning of this model in bf16-mixed is ~146 GiB; QLoRA fits a 16 GB card.
    assert.ok(analysis.estimate!.training.peakBytes < 12 * 2 ** 30, `${analysis.estimate!.training.peakBytes}`);
    // The lens sits on the call that loads the model; reassigning `model` is not a duplicate-key warning.
    assert.strictEqual(lineOf(text, analysis.config.span.start), 14);
    assert.deepStrictEqual(problems, []);
    assert.strictEqual(origins(analysis).batchSize, 'TrainingArguments(per_device_train_batch_size)');
    assert.strictEqual(origins(analysis).checkpointing, 'prepare_model_for_kbit_training(…)');
    assert.strictEqual(analysis.config.catalog?.key, 'AutoModelForCausalLM.from_pretrained(…)');
  });

  it('main() with argparse: the default of --model_name, --batch-size and --lora_r; gradient_checkpointing_enable()', () => {
    const { analysis } = analyzeScript('argparse_main_qlora.py');
    assert.strictEqual(analysis.config.catalog?.model.id, 'meta-llama/Llama-3.1-8B');
    const s = analysis.estimate!.settings;
    assert.deepStrictEqual([s.quantization, s.batchSize, s.gradientAccumulationSteps, s.checkpointing, s.optimizer, s.lora?.rank], ['nf4', 2, 8, 'full', 'paged-adamw', 64]);
    assert.deepStrictEqual(s.lora?.targets, ['q', 'v']);
  });

  it('unsloth: FastLanguageModel.from_pretrained(load_in_4bit, max_seq_length) and get_peft_model(r, targets)', () => {
    const { analysis } = analyzeScript('unsloth_sft.py');
    assert.strictEqual(analysis.config.catalog?.model.id, 'meta-llama/Llama-3.1-8B');
    const s = analysis.estimate!.settings;
    assert.deepStrictEqual([s.quantization, s.sequenceLength, s.batchSize, s.optimizer, s.checkpointing, s.lora?.rank], ['nf4-dq', 2048, 2, 'adamw-8bit', 'full', 16]);
    assert.strictEqual(s.lora?.dropout, false);
  });

  it("unsloth's get_peft_model defaults: its targets by the finetune_* switches, no dropout, its own offloaded checkpointing; its fused loss", () => {
    const { analysis } = analyzeScript('unsloth_fastmodel_defaults.py');
    const s = analysis.estimate!.settings;
    // finetune_mlp_modules = False leaves the attention projections.
    assert.deepStrictEqual(s.lora?.targets, ['q', 'k', 'v', 'o']);
    assert.deepStrictEqual([s.lora?.rank, s.lora?.dropout, s.checkpointing, s.activationOffloading, s.loss], [8, false, 'full', true, 'fused-chunked']);
    assert.strictEqual(origins(analysis).checkpointing, 'FastModel.get_peft_model(…) default use_gradient_checkpointing="unsloth"');
    assert.ok(analysis.estimate!.assumptions.some(x => x.startsWith("Loss: unsloth's fused cross-entropy")));
    assert.ok(analysis.estimate!.assumptions.some(x => x.startsWith('Framework: unsloth over HF transformers (its LoRA, RMSNorm, RoPE and SwiGLU kernels')));
    // The explicit script: use_gradient_checkpointing="unsloth" is the same offloaded checkpointing.
    const explicit = analyzeScript('unsloth_sft.py').analysis.estimate!.settings;
    assert.deepStrictEqual([explicit.checkpointing, explicit.activationOffloading, explicit.loss], ['full', true, 'fused-chunked']);
  });

  it("unsloth's fused loss sizes its chunks by the card's free memory: smaller on a T4 than on an H100, and never the whole logits at 12 bytes", () => {
    const text = fs.readFileSync(path.join(SCRIPTS, 'unsloth_sft.py'), 'utf8');
    const on = (targetGpu: string) => analyzeDocument(parseConfig(text, 'python'), { ...DEFAULT_OPTIONS, targetGpu }).configs[0].estimate!;
    const t4 = on('T4');
    const h100 = on('H100 80GB');
    assert.ok(t4.training.components.activations < h100.training.components.activations, `${t4.training.components.activations} vs ${h100.training.components.activations}`);
    // 2 × 2,048 tokens × 128,256 logits: 6.3 GB at the 12 bytes per logit of HF's loss; the fused loss holds at most a third.
    const hfLoss = 12 * 4096 * 128256;
    assert.ok(h100.training.components.activations < hfLoss / 2, `${h100.training.components.activations}`);
  });

  it("PEFT's LoraConfig without lora_dropout has none (PEFT's default 0.0): no dropped-out input copies", () => {
    const script = [
      'from transformers import AutoModelForCausalLM',
      'from peft import LoraConfig, get_peft_model',
      'model = AutoModelForCausalLM.from_pretrained("meta-llama/Llama-3.2-1B")',
      'model = get_peft_model(model, LoraConfig(r=16, target_modules=["q_proj", "v_proj"]))',
      'model.train()',
    ].join('\n');
    const a = analyzeDocument(parseConfig(script, 'python'), DEFAULT_OPTIONS).configs[0];
    assert.strictEqual(a.estimate!.settings.lora?.dropout, false);
    const withDropout = analyzeDocument(parseConfig(script.replace('r=16,', 'r=16, lora_dropout=0.05,'), 'python'), DEFAULT_OPTIONS).configs[0];
    assert.strictEqual(withDropout.estimate!.settings.lora?.dropout, true);
    assert.ok(withDropout.estimate!.training.components.activations > a.estimate!.training.components.activations);
  });

  it("unsloth's kernels keep less per layer than PEFT's layers, which it falls back to when the adapters have dropout", () => {
    // At 16,384 tokens a layer's backward, not the loss, is the largest transient.
    const text = fs.readFileSync(path.join(SCRIPTS, 'unsloth_sft.py'), 'utf8').replace('max_seq_length = 2048', 'max_seq_length = 16384');
    const at = (script: string) => analyzeDocument(parseConfig(script, 'python'), { ...DEFAULT_OPTIONS, targetGpu: 'H100 80GB' }).configs[0].estimate!;
    const kernels = at(text);
    const peft = at(text.replace('lora_dropout = 0,', 'lora_dropout = 0.05,'));
    assert.strictEqual(kernels.settings.lora?.dropout, false);
    assert.strictEqual(peft.settings.lora?.dropout, true);
    assert.ok(kernels.training.components.activations < 0.75 * peft.training.components.activations, `${kernels.training.components.activations} vs ${peft.training.components.activations}`);
  });

  it('TRL: SFTTrainer(model=<dataclass default>), SFTConfig(max_length=<dataclass field>), LoraConfig("all-linear")', () => {
    const { analysis } = analyzeScript('trl_dataclass_sft.py');
    assert.strictEqual(analysis.config.catalog?.model.id, 'Qwen/Qwen3-8B');
    const s = analysis.estimate!.settings;
    assert.deepStrictEqual([s.sequenceLength, s.batchSize, s.gradientAccumulationSteps, s.checkpointing, s.lora?.rank], [4096, 1, 16, 'full', 32]);
    assert.deepStrictEqual(s.lora?.targets, ['q', 'k', 'v', 'o', 'gate', 'up', 'down']);
  });

  it("TRL's own defaults: its configs checkpoint, its SFT loss runs in chunks of 256 tokens; a script for the TRL of 2024 gets neither", () => {
    // TRL's quickstart, as its README writes it.
    const quickstart = [
      'from datasets import load_dataset', 'from trl import SFTConfig, SFTTrainer', '',
      'dataset = load_dataset("trl-lib/Capybara", split="train")',
      'training_args = SFTConfig(output_dir="Qwen2.5-0.5B-SFT", per_device_train_batch_size=8)',
      'trainer = SFTTrainer(model="Qwen/Qwen2.5-0.5B", train_dataset=dataset, args=training_args)', 'trainer.train()', '',
    ].join('\n');
    const run = (text: string) => analyzeDocument(parseConfig(text, 'python'), DEFAULT_OPTIONS).configs[0];
    const a = run(quickstart);
    const s = a.estimate!.settings;
    assert.deepStrictEqual([s.checkpointing, s.loss, s.sequenceLength, s.batchSize, s.precision], ['full', 'trl-chunked', 1024, 8, 'bf16-mixed']);
    assert.deepStrictEqual([origins(a).checkpointing, origins(a).loss], ["SFTConfig(…): TRL's default gradient_checkpointing", "SFTConfig(…): TRL's default loss_type"]);
    // What the loss holds: the head's 16-bit working copy and its gradient, one chunk's logits, the hidden states reordered.
    const spec = a.spec!;
    assert.strictEqual(lossBytes(spec, 8 * 1024, { loss: 'trl-chunked', precision: 'bf16-mixed' }), spec.vocabSize * spec.hiddenSize * 4 + TRL_LOSS_CHUNK * spec.vocabSize * 16 + 8 * 1024 * spec.hiddenSize * 4);
    // Said otherwise in the config: the plain loss over the whole logits, no checkpointing; far more memory.
    const stated = run(quickstart.replace('per_device_train_batch_size=8)', 'per_device_train_batch_size=8, gradient_checkpointing=False, loss_type="nll")'));
    assert.deepStrictEqual([stated.estimate!.settings.checkpointing, stated.estimate!.settings.loss], ['none', 'cross-entropy']);
    const plainLoss = run(quickstart.replace('per_device_train_batch_size=8)', 'per_device_train_batch_size=8, loss_type="nll")')).estimate!;
    assert.ok(plainLoss.training.peakBytes > a.estimate!.training.peakBytes + 8 * 1024 * spec.vocabSize * 8, `${plainLoss.training.peakBytes} vs ${a.estimate!.training.peakBytes}`);
    // Liger's kernels: TRL's loss is then nll (and Liger's), not the chunked one.
    assert.notStrictEqual(run(quickstart.replace('per_device_train_batch_size=8)', 'per_device_train_batch_size=8, use_liger_kernel=True)')).estimate!.settings.loss, 'trl-chunked');
    // transformers' TrainingArguments handed to SFTTrainer keep their own gradient_checkpointing=False; the loss is still TRL's.
    const hf = run(quickstart.replace('from trl import SFTConfig, SFTTrainer', 'from trl import SFTTrainer\nfrom transformers import TrainingArguments').replace('SFTConfig(', 'TrainingArguments(')).estimate!.settings;
    assert.deepStrictEqual([hf.checkpointing, hf.loss], ['none', 'trl-chunked']);
    // A script for TRL before 0.20 (SFTTrainer(max_seq_length=…)) runs as that TRL did.
    const legacy = run(quickstart.replace('args=training_args)', 'args=training_args, max_seq_length=1024)')).estimate!.settings;
    assert.deepStrictEqual([legacy.checkpointing, legacy.loss], ['none', undefined]);
    // DPO checkpoints by TRL's default too; its loss is its own.
    const dpo = run(quickstart.replace(/SFTConfig/g, 'DPOConfig').replace(/SFTTrainer/g, 'DPOTrainer')).estimate!.settings;
    assert.strictEqual(dpo.checkpointing, 'full');
    assert.notStrictEqual(dpo.loss, 'trl-chunked');
  });

  it('vLLM: LLM(model=, max_model_len=, tensor_parallel_size=) is one run, not two configs', () => {
    const { analysis } = analyzeScript('vllm_offline.py');
    assert.strictEqual(analysis.config.catalog?.model.id, 'Qwen/Qwen2.5-7B');
    assert.deepStrictEqual([analysis.estimate!.settings.sequenceLength, analysis.estimate!.settings.tensorParallel], [8192, 2]);
  });

  it('a model loaded in bf16 and trained whole with bf16=True keeps bf16 weights, gradients and states (bf16-true)', () => {
    const { analysis } = analyzeScript('full_finetune_bf16.py');
    assert.strictEqual(analysis.config.catalog?.model.id, 'meta-llama/Llama-3.2-1B');
    assert.strictEqual(analysis.estimate!.settings.precision, 'bf16-true');
    assert.strictEqual(analysis.estimate!.settings.lora, undefined);
  });

  it('a value the script cannot settle is not guessed: a name assigned two different ids', () => {
    const text = 'from transformers import AutoModelForCausalLM\nif big:\n    name = "meta-llama/Llama-2-13b-hf"\nelse:\n    name = "meta-llama/Llama-2-7b-hf"\nmodel = AutoModelForCausalLM.from_pretrained(name)\n';
    const doc = analyzeDocument(parseConfig(text, 'python'), DEFAULT_OPTIONS);
    assert.ok(doc.configs.every(c => c.estimate === undefined), doc.configs.map(c => c.config.name).join());
  });

  it('tokenizers and processors do not name the model; a script without a model loader has no run', () => {
    const text = 'from transformers import AutoTokenizer\ntok = AutoTokenizer.from_pretrained("meta-llama/Llama-2-7b-hf")\n';
    assert.deepStrictEqual(analyzeDocument(parseConfig(text, 'python'), DEFAULT_OPTIONS).configs, []);
  });
});

describe('scripts: what a run without arguments does', () => {
  const run = (text: string) => analyzeDocument(parseConfig(text, 'python'), DEFAULT_OPTIONS).configs[0];

  it('skips the branch of a switch that defaults off (action="store_true") and takes its else', () => {
    const text = [
      'import argparse',
      'from transformers import AutoModelForCausalLM, BitsAndBytesConfig',
      'def train(base_model, quantize):',
      '    if quantize:',
      '        model = AutoModelForCausalLM.from_pretrained(base_model, quantization_config=BitsAndBytesConfig(load_in_4bit=True))',
      '    else:',
      '        model = AutoModelForCausalLM.from_pretrained(base_model)',
      'if __name__ == "__main__":',
      '    parser = argparse.ArgumentParser()',
      '    parser.add_argument("--base_model", default="meta-llama/Llama-3.2-3B")',
      '    parser.add_argument("--quantize", action="store_true")',
      '',
    ].join('\n');
    const a = run(text);
    assert.strictEqual(a.config.catalog?.model.id, 'meta-llama/Llama-3.2-3B');
    assert.strictEqual(a.estimate?.settings.quantization, undefined);
    assert.strictEqual(a.config.span.start, text.indexOf('AutoModelForCausalLM.from_pretrained(base_model)'));
  });

  it('attn_implementation chooses the attention kernel: eager keeps the score matrices, sdpa and flash do not', () => {
    const load = (impl: string) => run(`from transformers import AutoModelForCausalLM\nm = AutoModelForCausalLM.from_pretrained("gpt2", attn_implementation="${impl}")\n`);
    assert.deepStrictEqual(['eager', 'sdpa', 'flash_attention_2'].map(i => load(i).estimate?.settings.attention), ['eager', 'sdpa', 'sdpa']);
    assert.ok(load('eager').estimate!.training.peakBytes > load('sdpa').estimate!.training.peakBytes);
  });

  it('the length the data is tokenized to is the sequence, when nothing else says', () => {
    const text = 'from transformers import AutoModelForCausalLM\nMAX = 512\nmodel = AutoModelForCausalLM.from_pretrained("Qwen/Qwen2.5-0.5B")\nenc = tokenizer(batch["text"], truncation=True, max_length=MAX, padding="max_length")\n';
    assert.strictEqual(run(text).estimate?.settings.sequenceLength, 512);
  });
});

describe('scripts that build their model', () => {
  it("nanoGPT's train.py: the written-out config is estimated, and `GPT.from_pretrained(init_from)` with init_from = 'scratch' names no model", () => {
    const text = [
      "from model import GPTConfig, GPT", "init_from = 'scratch'", 'batch_size = 12', 'block_size = 1024', 'n_layer = 12', 'n_head = 12', 'n_embd = 768',
      'bias = False', 'model_args = dict(n_layer=n_layer, n_head=n_head, n_embd=n_embd, block_size=block_size, bias=bias, vocab_size=None)',
      "if init_from == 'scratch':", '    model = GPT(GPTConfig(**model_args))', "elif init_from.startswith('gpt2'):", '    model = GPT.from_pretrained(init_from, dict(dropout=0.0))', '',
    ].join('\n');
    const doc = analyzeDocument(parseConfig(text, 'python'), DEFAULT_OPTIONS);
    assert.deepStrictEqual(doc.problems.filter(p => p.code === 'unknown-model'), []);
    assert.strictEqual(doc.configs[0]?.estimate?.parameters.total, 124_373_760);
  });
});

describe("LoraConfig(modules_to_save=…)", () => {
  const script = (dtype: string, quantized: boolean, saved: string) => [
    'import torch',
    'from transformers import AutoModelForCausalLM, BitsAndBytesConfig, TrainingArguments',
    'from peft import LoraConfig, get_peft_model, prepare_model_for_kbit_training',
    `model = AutoModelForCausalLM.from_pretrained("meta-llama/Meta-Llama-3-8B"${dtype}${quantized ? ', quantization_config=BitsAndBytesConfig(load_in_4bit=True, bnb_4bit_quant_type="nf4")' : ''})`,
    ...(quantized ? ['model = prepare_model_for_kbit_training(model)'] : []),
    `config = LoraConfig(r=16, target_modules=["q_proj", "v_proj"]${saved})`,
    'args = TrainingArguments(output_dir="o", per_device_train_batch_size=1, bf16=True)', '',
  ].join('\n');
  const train = (text: string) => analyzeDocument(parseConfig(text, 'python'), DEFAULT_OPTIONS).configs[0].estimate!;
  // Llama-3-8B's embedding and head: 128,256 × 4,096 each.
  const table = 128_256 * 4_096;

  it('trains full copies of the embedding and head: their weights, gradients and AdamW states in the dtype the model was loaded in', () => {
    const plain = train(script(', torch_dtype=torch.bfloat16', false, ''));
    const saved = train(script(', torch_dtype=torch.bfloat16', false, ', modules_to_save=["lm_head", "embed_tokens"]'));
    assert.strictEqual(saved.trainableParameters - plain.trainableParameters, 2 * table);
    // bf16 copies: 2 bytes of weights, 2 of gradients and 2 × 2 of AdamW states per element.
    assert.strictEqual(saved.training.components.weights - plain.training.components.weights, 2 * table * 2);
    assert.strictEqual(saved.training.components.optimizer - plain.training.components.optimizer, 2 * table * 4);
  });

  it('under k-bit training the copies are fp32 (prepare_model_for_kbit_training upcasts them first)', () => {
    const plain = train(script('', true, ''));
    const saved = train(script('', true, ', modules_to_save=["lm_head"]'));
    assert.strictEqual(saved.training.components.weights - plain.training.components.weights, table * 4);
    assert.strictEqual(saved.training.components.optimizer - plain.training.components.optimizer, table * 8);
  });
});

describe('scripts are Python, not configs', () => {
  it('a module-level name assigned again (messages, inputs) gets no duplicate-key warning; in a config file it does', () => {
    const script = 'from transformers import AutoModelForCausalLM\nmodel = AutoModelForCausalLM.from_pretrained("gpt2")\nmessages = [1]\nmessages = [2]\n';
    assert.deepStrictEqual(parseConfig(script, 'python').problems, []);
    assert.strictEqual(parseConfig('n_layer = 12\nn_head = 12\nn_embd = 768\nn_layer = 24\n', 'python').problems[0]?.code, 'duplicate-key');
  });
});

describe('preference pairs (DPO), as TRL runs them', () => {
  const run = (text: string, format: 'python' | 'yaml' = 'python') => analyzeDocument(parseConfig(text, format), DEFAULT_OPTIONS).configs[0];
  const script = (trainer: 'SFT' | 'DPO', config = '', trainerArgs = '') =>
    [
      'from transformers import AutoModelForCausalLM',
      'from peft import LoraConfig',
      `from trl import ${trainer}Config, ${trainer}Trainer`,
      'model = AutoModelForCausalLM.from_pretrained("Qwen/Qwen2.5-0.5B-Instruct")',
      `args = ${trainer}Config(output_dir="out", per_device_train_batch_size=4, max_length=1024, bf16=True${config})`,
      `trainer = ${trainer}Trainer(model=model, args=args, train_dataset=ds${trainerArgs})`,
      'trainer.train()',
      '',
    ].join('\n');

  it('runs each pair as two sequences and holds a frozen copy of the model as the reference', () => {
    const sft = run(script('SFT')).estimate!;
    const dpo = run(script('DPO'));
    assert.deepStrictEqual(dpo.estimate!.settings.preference, { reference: 'copy' });
    assert.strictEqual(dpo.config.training.sources.find(s => s.option === 'preference')?.key, 'DPOTrainer(…)');
    // The same micro-batch of 4 (pairs), the same weights twice, the activations of 8 sequences.
    assert.strictEqual(dpo.estimate!.settings.batchSize, 4);
    assert.strictEqual(dpo.estimate!.training.components.weights, 2 * sft.training.components.weights);
    assert.ok(dpo.estimate!.training.components.activations > 1.3 * sft.training.components.activations);
    assert.ok(dpo.estimate!.assumptions.some(n => /^Preference pairs \(DPO\): each micro-batch of 4 pairs runs its chosen and rejected sequences together \(8 sequences\)/.test(n)));
  });

  it('under PEFT the reference is the model with its adapters off; precomputed, no reference forward at all', () => {
    const copy = run(script('DPO')).estimate!;
    const adapters = run(script('DPO', '', ', peft_config=LoraConfig(r=16, target_modules="all-linear")')).estimate!;
    assert.deepStrictEqual(adapters.settings.preference, { reference: 'adapters' });
    assert.ok(adapters.training.components.weights < copy.training.components.weights);
    const precomputed = run(script('DPO', ', precompute_ref_log_probs=True')).estimate!;
    assert.deepStrictEqual(precomputed.settings.preference, { reference: 'none' });
    // No copy and no reference logits beside the policy's activations.
    assert.strictEqual(precomputed.training.components.weights * 2, copy.training.components.weights);
    assert.ok(precomputed.training.components.activations < copy.training.components.activations);
    // A reference model handed to the trainer is a copy even under PEFT.
    const handed = run(script('DPO', '', ', ref_model=ref, peft_config=LoraConfig(r=16, target_modules="all-linear")')).estimate!;
    assert.deepStrictEqual(handed.settings.preference, { reference: 'copy', given: true });
    assert.ok(handed.training.components.weights > 1.9 * adapters.training.components.weights);
    // LoRA added to a whole-model DPO script (a quick fix, a setting) takes its reference with the adapters off.
    const lora = { rank: 16, targets: ['q', 'v'] as const, dropout: true };
    const withLora = analyzeDocument(parseConfig(script('DPO'), 'python'), { ...DEFAULT_OPTIONS, lora: { ...lora, targets: [...lora.targets] } }).configs[0].estimate!;
    assert.ok(withLora.training.components.weights < 0.6 * copy.training.components.weights, `${withLora.training.components.weights}`);
    assert.ok(withLora.assumptions.some(n => /the model with its adapters off/.test(n)));
  });

  it("reads LLaMA-Factory's stage: dpo and axolotl's rl, with their adapters and reference-free losses", () => {
    const factory = run('model_name_or_path: Qwen/Qwen2.5-7B-Instruct\nstage: dpo\nfinetuning_type: lora\nlora_rank: 8\ncutoff_len: 2048\nper_device_train_batch_size: 1\n', 'yaml');
    assert.deepStrictEqual(factory.estimate!.settings.preference, { reference: 'adapters' });
    const full = run('model_name_or_path: Qwen/Qwen2.5-7B-Instruct\nstage: dpo\nfinetuning_type: full\npref_loss: orpo\ncutoff_len: 2048\n', 'yaml');
    assert.deepStrictEqual(full.estimate!.settings.preference, { reference: 'none' });
    const sft = run('model_name_or_path: Qwen/Qwen2.5-7B-Instruct\nstage: sft\nfinetuning_type: lora\ncutoff_len: 2048\n', 'yaml');
    assert.strictEqual(sft.estimate!.settings.preference, undefined);
    const axolotl = run('base_model: Qwen/Qwen2.5-7B-Instruct\nrl: dpo\nadapter: qlora\nlora_r: 16\nload_in_4bit: true\nmicro_batch_size: 1\nsequence_len: 2048\n', 'yaml');
    assert.deepStrictEqual(axolotl.estimate!.settings.preference, { reference: 'adapters' });
    // axolotl has no default rank: adapters with none are no estimate, not the whole 4-bit model trained beside a copy.
    const rankless = run('base_model: Qwen/Qwen2.5-7B-Instruct\nrl: dpo\nadapter: qlora\nload_in_4bit: true\nmicro_batch_size: 1\nsequence_len: 2048\n', 'yaml');
    assert.strictEqual(rankless.estimate, undefined);
    assert.ok(rankless.problems.some(p => p.severity === 'error' && /^`adapter: qlora` states no `lora_r`/.test(p.message)));
  });

  it("says on an online RL trainer (GRPO) what its estimate leaves out, as information, not a warning", () => {
    const text = script('SFT').replace(/SFT/g, 'GRPO');
    const doc = analyzeDocument(parseConfig(text, 'python'), DEFAULT_OPTIONS);
    const notice = doc.configs[0].problems.find(p => p.code === 'uncounted-generation');
    assert.ok(notice && notice.severity === 'info', JSON.stringify(doc.configs[0].problems));
    assert.match(notice.message, /^GRPOTrainer also generates completions/);
    assert.strictEqual(text.slice(notice.span.start, notice.span.end).startsWith('GRPOTrainer('), true);
    assert.ok(doc.configs[0].estimate, 'the training step is still estimated');
    assert.ok(run(script('DPO')).problems.every(p => p.code !== 'uncounted-generation'));
  });

  it("cuts at TRL's default max_length (1,024) where the script states no length, and says so on the trainer", () => {
    const stated = run(script('SFT')).estimate!;
    assert.strictEqual(stated.settings.sequenceLength, 1024);
    const silent = run(script('SFT').replace(', max_length=1024', ''));
    assert.strictEqual(silent.estimate!.settings.sequenceLength, 1024);
    assert.strictEqual(silent.config.training.sources.find(s => s.option === 'sequenceLength')?.key, "SFTTrainer(…): TRL's default max_length");
    assert.strictEqual(run(script('SFT').replace('max_length=1024', 'max_length=2048')).estimate!.settings.sequenceLength, 2048);
  });
});
