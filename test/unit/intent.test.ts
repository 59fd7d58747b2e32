import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { analyzeDocument, DEFAULT_OPTIONS } from '../../src/core/analyze';
import type { AnalysisOptions } from '../../src/core/options';
import { diagnose } from '../../src/core/diagnose';
import { lensTitle } from '../../src/core/explain';
import { findGpu } from '../../src/core/gpus';
import { judgedModes } from '../../src/core/intent';
import { parseConfig, type ConfigFormat } from '../../src/parse';
import { main } from '../../src/cli/main';
import { PUBLIC, readReference } from './helpers';

const analyze = (text: string, format: ConfigFormat, options: Partial<AnalysisOptions> = {}) => analyzeDocument(parseConfig(text, format), { ...DEFAULT_OPTIONS, ...options });
const intentOf = (text: string, format: ConfigFormat) => analyze(text, format).configs.map(c => c.intent);
const heldout = (name: string) => fs.readFileSync(path.join(PUBLIC, 'heldout', name), 'utf8');

const script = (body: string) => `import torch\nfrom transformers import AutoModelForCausalLM, AutoTokenizer\nmodel = AutoModelForCausalLM.from_pretrained("meta-llama/Llama-3.1-8B", torch_dtype=torch.bfloat16)\n${body}`;

describe('what each file is for', () => {
  it('a bare model config is a model; a recipe or trainer script is training; serving, evaluation and generation are inference', () => {
    assert.deepStrictEqual(intentOf(readReference('configs/json/llama-2-7b-chat-hf.config.json'), 'json'), ['model']);
    assert.deepStrictEqual(intentOf(heldout('torchtune__recipes__configs__llama3_1__8B_qlora_single_device.yaml'), 'yaml'), ['training']);
    assert.deepStrictEqual(intentOf(heldout('axolotl__examples__llama-3__qlora.yml'), 'yaml'), ['training']);
    // nanoGPT's evaluation config: the model is named by init_from, eval_only says it never trains.
    assert.deepStrictEqual(intentOf(readReference('configs/python/eval-gpt2-xl.py'), 'python'), ['inference']);
    // An HF evaluation recipe (LLaMA-Factory's do_train: false).
    assert.deepStrictEqual(intentOf('model_name_or_path: meta-llama/Llama-3.1-8B\ndo_train: false\ndo_predict: true\nper_device_eval_batch_size: 8\n', 'yaml'), ['inference']);
    assert.deepStrictEqual(intentOf('vllm serve meta-llama/Llama-3.1-8B --max-model-len 8192\n', 'shell'), ['inference']);
    assert.deepStrictEqual(intentOf(script('out = model.generate(**inputs, max_new_tokens=128)\n'), 'python'), ['inference']);
    assert.deepStrictEqual(intentOf(script('opt = torch.optim.AdamW(model.parameters())\nloss.backward()\n'), 'python'), ['training']);
    assert.deepStrictEqual(intentOf(script('from transformers import Trainer, TrainingArguments\nargs = TrainingArguments(per_device_train_batch_size=4)\ntrainer = Trainer(model=model, args=args)\ntrainer.train()\nmodel.generate(**inputs)\n'), 'python'), ['training']);
    // A script that loads a model and does nothing more says nothing about what it is for.
    assert.deepStrictEqual(intentOf(script(''), 'python'), ['model']);
  });

  it('the modes judged: what the file is for, both for a bare model, and the user\'s mode when it names one', () => {
    assert.deepStrictEqual(judgedModes('training', 'both'), ['training']);
    assert.deepStrictEqual(judgedModes('inference', 'both'), ['inference']);
    assert.deepStrictEqual(judgedModes('model', 'both'), ['inference', 'training']);
    assert.deepStrictEqual(judgedModes('training', 'inference'), ['inference']);
  });

  it('a training recipe that does not fit gets the training diagnostic alone, as a warning, and a lens on training', () => {
    const doc = analyze(heldout('axolotl__examples__llama-3__fft-8b.yaml'), 'yaml', { targetGpu: 'RTX 4090' });
    const problems = diagnose(doc).filter(p => p.code.startsWith('exceeds-gpu'));
    assert.deepStrictEqual(problems.map(p => [p.code, p.severity]), [['exceeds-gpu-training', 'warning']]);
    assert.match(lensTitle(doc.configs[0], doc.options, findGpu('RTX 4090')), /^VRAM ≈ [\d.]+ GiB training \(b\d+ · [\d,k²]+\) — ✗ does not fit RTX 4090$/);
  });

  it('a diagnostic sits on the line that defines the model: the name key, the builder, the flavor, the loading call', () => {
    const lineOf = (text: string, format: ConfigFormat, gpu: string) => {
      const problem = diagnose(analyze(text, format, { targetGpu: gpu })).find(p => p.code.startsWith('exceeds-gpu'));
      assert.ok(problem, 'a diagnostic');
      const start = text.lastIndexOf('\n', problem.span.start - 1) + 1;
      return text.slice(start, text.indexOf('\n', problem.span.end)).trim();
    };
    assert.strictEqual(lineOf(heldout('axolotl__examples__llama-3__fft-8b.yaml'), 'yaml', 'RTX 4090'), 'base_model: NousResearch/Meta-Llama-3.1-8B');
    assert.strictEqual(lineOf(heldout('torchtune__recipes__configs__qwen3__8B_lora_single_device.yaml'), 'yaml', 'T4'), '_component_: torchtune.models.qwen3.lora_qwen3_8b_instruct');
    assert.strictEqual(lineOf('# torchtitan job\n[job]\ndump_folder = "./outputs"\n\n[model]\nname = "llama3"\nflavor = "8B"\n\n[training]\nlocal_batch_size = 8\nseq_len = 8192\n', 'toml', 'RTX 4090'), 'flavor = "8B"');
    assert.strictEqual(lineOf(script('opt = torch.optim.AdamW(model.parameters())\nloss.backward()\n'), 'python', 'T4'), 'model = AutoModelForCausalLM.from_pretrained("meta-llama/Llama-3.1-8B", torch_dtype=torch.bfloat16)');
    // A model config points at its width, the line a reader knows the model by.
    assert.strictEqual(lineOf(readReference('configs/json/llama-2-7b-chat-hf.config.json'), 'json', 'T4'), '"hidden_size": 4096,');
  });

  it('an evaluation config is judged on inference only: no training verdict where it never trains', () => {
    const doc = analyze(readReference('configs/python/eval-gpt2-xl.py'), 'python', { targetGpu: 'RTX 3060' });
    assert.deepStrictEqual(diagnose(doc).filter(p => p.code.startsWith('exceeds-gpu')), []);
    assert.match(lensTitle(doc.configs[0], doc.options, findGpu('RTX 3060')), /^VRAM ≈ [\d.]+ GiB inference \(b\d+ · [\d,k²]+\) — ✓ fits RTX 3060 12GB$/);
  });

  it("the CLI's JSON gives each config's intent, and its text and exit code follow it", async () => {
    const dir = fs.mkdtempSync(path.join(require('os').tmpdir(), 'vram-intent-'));
    const recipe = path.join(dir, 'fft-8b.yaml');
    fs.writeFileSync(recipe, heldout('axolotl__examples__llama-3__fft-8b.yaml'));
    const model = path.join(dir, 'config.json');
    fs.writeFileSync(model, readReference('configs/json/llama-2-7b-chat-hf.config.json'));
    let out = '';
    await main([recipe, model, '--json', '--gpu', 'H100'], s => (out += s), () => undefined);
    const files = JSON.parse(out).files;
    assert.deepStrictEqual(files.map((f: { configs: { intent: string }[] }) => f.configs.map(c => c.intent)), [['training'], ['model']]);
    let text = '';
    await main([recipe, '--gpu', 'H100'], s => (text += s), () => undefined);
    assert.match(text, /\(line \d+, Llama, training run\)/);
    assert.match(text, /H100 [^\n]*: ✗ training\n/);
    assert.doesNotMatch(text, /inference/);
  });
});
