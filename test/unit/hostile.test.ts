// Specification of how VRAM Lens treats hostile and malformed files: linear readers, caps with a message, and no number it cannot stand behind.
import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { analyzeDocument, DEFAULT_OPTIONS, MAX_CONFIGS_PER_FILE, type DocumentAnalysis } from '../../src/core/analyze';
import { MAX_CONFIG_ITEMS, parseConfig, type ConfigFormat } from '../../src/parse';
import { main } from '../../src/cli/main';
import { ROOT } from './helpers';

const analyze = (text: string, format: ConfigFormat): DocumentAnalysis => analyzeDocument(parseConfig(text, format), DEFAULT_OPTIONS);
const LLAMA_YAML = 'model_type: llama\nhidden_size: 4096\nnum_hidden_layers: 32\nnum_attention_heads: 32\nintermediate_size: 11008\nvocab_size: 32000\n';
const LLAMA_7B = 6_738_415_616;
const LLAMA_80_LAYERS = 16_452_816_896;

async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(args, s => (out += s + '\n'), s => (err += s + '\n'));
  return { code, out, err };
}

describe('readers stay linear on hostile shapes', () => {
  it('TOML: 500,000 spaces inside a string or a nested array are read, and the model with them', () => {
    const spaces = ' '.repeat(250_000);
    for (const text of [`[model]\nname = "llama3"\nflavor = "8B"\nx = "a${spaces}${spaces}b"\n`, `[model]\nname = "llama3"\nflavor = "8B"\nx = [[1,${spaces}2],${spaces}[3]]\n`]) {
      const doc = analyze(text, 'toml');
      assert.strictEqual(doc.configs.length, 1);
      assert.strictEqual(doc.configs[0].config.catalog?.model.id, 'meta-llama/Meta-Llama-3-8B');
    }
  });

  it('YAML: aliases after thousands of list items, and hundreds of aliases in a model file, resolve to their anchors', () => {
    const items = Array.from({ length: 1_500 }, (_, i) => `  - item${i}`).join('\n');
    const refs = Array.from({ length: 1_000 }, () => '  - *b').join('\n');
    const doc = analyze(`base: &b {x: 1}\n${LLAMA_YAML}list:\n${items}\nrefs:\n${refs}\n`, 'yaml');
    assert.strictEqual(doc.configs[0].estimate?.parameters.total, LLAMA_7B);
    const aliased = `hidden_size: &h 4096\nmodel_type: llama\nnum_hidden_layers: 32\nnum_attention_heads: 32\nintermediate_size: 11008\nvocab_size: 32000\nx:\n${Array.from({ length: 900 }, (_, i) => `  k${i}: *h`).join('\n')}\n`;
    assert.strictEqual(analyze(aliased, 'yaml').configs[0].estimate?.parameters.total, LLAMA_7B);
  });

  it('YAML: an alias bomb is refused with a message, not expanded', () => {
    const levels = Array.from({ length: 9 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(9).fill(`*${String.fromCharCode(97 + i)}`).join(', ')}]`);
    const doc = analyze(`${LLAMA_YAML}a: &a [x, x, x, x, x, x, x, x, x]\n${levels.join('\n')}\n`, 'yaml');
    assert.strictEqual(doc.configs.length, 0);
    assert.match(doc.problems[0].message, /expands more aliases than a config file would/);
  });

  it('a file with more entries than any config is refused with a message', () => {
    const yaml = `${LLAMA_YAML}data:\n${'  - 1\n'.repeat(MAX_CONFIG_ITEMS.yaml)}`;
    assert.match(analyze(yaml, 'yaml').problems[0].message, /more than 4,000 entries/);
    const json = `{"hidden_size": 4096, "num_hidden_layers": 32, "num_attention_heads": 32, "vocab_size": 32000, "data": [${'1,'.repeat(MAX_CONFIG_ITEMS.json)}1]}`;
    assert.match(analyze(json, 'json').problems[0].message, /more than 50,000 entries/);
    const python = `hidden_size = 4096\nnum_hidden_layers = 32\nnum_attention_heads = 32\nvocab_size = 32000\ndata = [${'1, '.repeat(MAX_CONFIG_ITEMS.python)}]\n`;
    assert.match(analyze(python, 'python').problems[0].message, /more than 60,000 Python tokens/);
  });

  it(`estimates the first ${MAX_CONFIGS_PER_FILE} configs of a file and counts the rest`, () => {
    const many = `CONFIGS = [\n${Array.from({ length: 2_500 }, (_, i) => `    dict(hidden_size=${64 * ((i % 8) + 1)}, num_hidden_layers=2, num_attention_heads=4, vocab_size=1000),`).join('\n')}\n]\n`;
    const doc = analyze(many, 'python');
    assert.strictEqual(doc.configs.length, MAX_CONFIGS_PER_FILE);
    assert.strictEqual(doc.omitted?.count, 2_500 - MAX_CONFIGS_PER_FILE);
    const yaml = Array(2_500).fill('hidden_size: 512\nnum_hidden_layers: 2\nnum_attention_heads: 4\nvocab_size: 1000\n').join('---\n').slice(0, 40_000);
    assert.strictEqual(analyze(yaml, 'yaml').configs.length, MAX_CONFIGS_PER_FILE);
  });
});

describe('never a confident wrong number', () => {
  it('a duplicated key: the last value wins, as Python and transformers read it, with a warning on the earlier one', () => {
    const json = '{"model_type": "llama", "hidden_size": 4096, "num_hidden_layers": 32, "num_hidden_layers": 80, "num_attention_heads": 32, "intermediate_size": 11008, "vocab_size": 32000}';
    const yaml = LLAMA_YAML.replace('num_hidden_layers: 32\n', 'num_hidden_layers: 32\nnum_hidden_layers: 80\n');
    const python = 'config = dict(model_type="llama", hidden_size=4096, num_hidden_layers=32, num_attention_heads=32, intermediate_size=11008, vocab_size=32000)\nconfig = {"model_type": "llama", "hidden_size": 4096, "num_hidden_layers": 32, "num_hidden_layers": 80, "num_attention_heads": 32, "intermediate_size": 11008, "vocab_size": 32000}\n';
    for (const [text, format] of [[json, 'json'], [yaml, 'yaml'], [python, 'python']] as const) {
      const doc = analyze(text, format);
      const a = doc.configs[doc.configs.length - 1];
      assert.strictEqual(a.spec?.numLayers, 80, format);
      assert.strictEqual(a.estimate?.parameters.total, LLAMA_80_LAYERS, format);
      const warning = a.problems.find(p => p.code === 'duplicate-key');
      assert.ok(warning, `${format}: a duplicate-key warning`);
      assert.strictEqual(text.slice(warning.span.start, warning.span.start + 20).replace(/"/g, '').startsWith('num_hidden_layers'), true);
      assert.match(warning.message, /last value \(80\)/);
    }
  });

  it('YAML merge keys are merged; keys the mapping sets itself win, as PyYAML reads them', () => {
    const doc = analyze(`base: &base\n${LLAMA_YAML.replace(/^/gm, '  ').trimEnd()}\nbig:\n  <<: *base\n  num_hidden_layers: 80\n`, 'yaml');
    assert.deepStrictEqual(doc.configs.map(c => c.spec?.numLayers), [32, 80]);
    assert.strictEqual(doc.configs[1].estimate?.parameters.total, LLAMA_80_LAYERS);
  });

  it('a JSON file cut off at a value gives the syntax error and no number; a key still being typed does not', () => {
    const cut = analyze('{"model_type": "llama", "hidden_size": 4096, "num_hidden_layers": 32, "num_attention_heads": 32, "intermediate_size": 11008, "vocab_size": 32', 'json');
    assert.strictEqual(cut.configs[0].estimate, undefined);
    assert.ok(cut.configs[0].problems.some(p => p.code === 'syntax-error' && /closing brace/.test(p.message)));
    assert.ok(cut.configs[0].problems.some(p => /`vocab_size` cannot be read: it is cut off by a syntax error/.test(p.message)));
    const typing = analyze('{"model_type": "llama", "hidden_size": 4096, "num_hidden_layers": 32, "num_attention_heads": 32, "intermediate_size": 11008, "vocab_size": 32000, "rms_no', 'json');
    assert.strictEqual(typing.configs[0].estimate?.parameters.total, LLAMA_7B);
  });
});

describe('the CLI reads only regular files under the size limit', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vram-lens-hostile-'));

  it('a link to /dev/zero, a FIFO and a directory are refused without being read', async function () {
    if (process.platform === 'win32') {
      this.skip();
    }
    const zero = path.join(dir, 'zero.json');
    fs.symlinkSync('/dev/zero', zero);
    const fifo = path.join(dir, 'pipe.yaml');
    execFileSync('mkfifo', [fifo]);
    const folder = path.join(dir, 'folder.json');
    fs.mkdirSync(folder);
    const r = await cli(zero, fifo, folder, '--json');
    assert.strictEqual(r.code, 2);
    const errors = (JSON.parse(r.out) as { files: { errors: string[] }[] }).files.map(f => f.errors.join(' '));
    assert.match(errors[0], /not a regular file \(a device or socket\)/);
    assert.match(errors[1], /not a regular file \(a pipe\)/);
    assert.match(errors[2], /not a regular file \(a directory\)/);
  });

  it('a file over the size limit is refused from its size, with the limit in the message', async () => {
    const big = path.join(dir, 'big.json');
    fs.writeFileSync(big, `{"hidden_size": 1, "x": "${'a'.repeat(600 * 1024)}"}`);
    const r = await cli(big);
    assert.strictEqual(r.code, 2);
    assert.match(r.out, /larger than any config VRAM Lens reads \(512 KiB\)/);
  });

  it('exits 2 with the message when a config has an error, and prints no estimate for it', async () => {
    const file = path.join(ROOT, 'test', 'fixtures', 'workspace', 'broken.json');
    const r = await cli(file);
    assert.strictEqual(r.code, 2, r.out);
    assert.match(r.out, /no estimate/);
  });
});

describe('values are checked together', () => {
  const llama = (patch: Record<string, unknown>) =>
    analyze(JSON.stringify({ model_type: 'llama', hidden_size: 4096, num_hidden_layers: 32, num_attention_heads: 32, intermediate_size: 11008, vocab_size: 32000, ...patch }), 'json').configs[0];

  it('a hidden size the heads do not divide is an error on hidden_size, with the near value that divides', () => {
    const text = '{"model_type": "llama", "hidden_size": 4906, "num_hidden_layers": 32, "num_attention_heads": 32, "intermediate_size": 11008, "vocab_size": 32000}';
    const a = analyze(text, 'json').configs[0];
    assert.strictEqual(a.estimate, undefined);
    const p = a.problems.find(x => x.severity === 'error')!;
    assert.match(p.message, /did you mean 4096\?/);
    assert.ok(text.slice(p.span.start).startsWith('"hidden_size"'));
    // A round width points at the heads instead: 33 heads was most likely 32.
    const heads = '{"model_type": "llama", "hidden_size": 4096, "num_hidden_layers": 32, "num_attention_heads": 33, "intermediate_size": 11008, "vocab_size": 32000}';
    const h = analyze(heads, 'json').configs[0].problems[0];
    assert.match(h.message, /did you mean 32 heads\?/);
    assert.ok(heads.slice(h.span.start).startsWith('"num_attention_heads"'));
  });

  it('a size written as a float (4096.0, 4.096e3) is an error: Python reads a float, no layer has that size', () => {
    for (const [text, format] of [
      ['{"model_type": "llama", "hidden_size": 4096.0, "num_hidden_layers": 32, "num_attention_heads": 32, "intermediate_size": 11008, "vocab_size": 32000}', 'json'],
      [LLAMA_YAML.replace('num_hidden_layers: 32', 'num_hidden_layers: 3.2e1'), 'yaml'],
      ['config = LlamaConfig(hidden_size=4096, num_hidden_layers=32, num_attention_heads=32, intermediate_size=11008.0, vocab_size=32000)\n', 'python'],
    ] as const) {
      const a = analyze(text, format).configs[0];
      assert.strictEqual(a.estimate, undefined, format);
      assert.match(a.problems[0].message, /should be a whole number, not (4096\.0|3\.2e1|11008\.0): Python reads a float/, format);
    }
    assert.strictEqual(llama({ num_hidden_layers: 32 }).estimate?.parameters.total, LLAMA_7B);
  });

  it('a switch written as a string ("false") is an error: Python takes any non-empty string as true', () => {
    for (const patch of [{ tie_word_embeddings: 'false' }, { attention_bias: 'false' }]) {
      const a = llama(patch);
      assert.strictEqual(a.estimate, undefined);
      assert.match(a.problems[0].message, /should be true or false, not "false" \(Python takes "false" as true\)/);
    }
    assert.strictEqual(llama({ tie_word_embeddings: 0 }).estimate?.parameters.total, LLAMA_7B);
  });

  it('more experts per token than experts is an error on the experts-per-token key', () => {
    const text = JSON.stringify({ model_type: 'mixtral', hidden_size: 4096, num_hidden_layers: 32, num_attention_heads: 32, num_key_value_heads: 8, intermediate_size: 14336, vocab_size: 32000, num_local_experts: 8, num_experts_per_tok: 12 });
    const a = analyze(text, 'json').configs[0];
    assert.strictEqual(a.estimate, undefined);
    const p = a.problems[0];
    assert.match(p.message, /routed to 12 experts, more than the 8/);
    assert.ok(text.slice(p.span.start).startsWith('"num_experts_per_tok"'));
  });

  it('a head_dim no attention head can have is an error; one far from hidden / heads a warning', () => {
    assert.match(llama({ head_dim: 100_000 }).problems[0].message, /wider than any attention head/);
    const far = llama({ head_dim: 4096 });
    assert.ok(far.estimate);
    assert.match(far.problems[0].message, /far from the hidden size 4096/);
  });

  it('a value far outside its family is a warning, not an error: 322 layers on a Mistral', () => {
    const a = analyze(JSON.stringify({ model_type: 'mistral', hidden_size: 4096, num_hidden_layers: 322, num_attention_heads: 32, num_key_value_heads: 8, intermediate_size: 14336, vocab_size: 32000 }), 'json').configs[0];
    assert.ok(a.estimate);
    assert.strictEqual(a.problems[0].severity, 'warning');
    assert.match(a.problems[0].message, /`num_hidden_layers` \(322\) is far outside what published Mistral models use/);
    assert.deepStrictEqual(llama({}).problems, []);
  });

  it('a total above 10^14 parameters is refused', () => {
    const a = llama({ hidden_size: 1_000_000, num_attention_heads: 1000, intermediate_size: 10_000_000, num_hidden_layers: 10_000 });
    assert.strictEqual(a.estimate, undefined);
    assert.match(a.problems.map(p => p.message).join(' '), /more than 10\^14/);
  });

  it('a checkpoint index whose total_size cannot be its weights gets an error, not a size', () => {
    const index = (total: unknown) => analyze(JSON.stringify({ metadata: { total_size: total }, weight_map: { 'a.weight': 'model-1.safetensors', 'b.weight': 'model-1.safetensors' } }), 'json');
    assert.strictEqual(index(13_476_839_424).checkpoint?.totalSizeBytes, 13_476_839_424);
    for (const bad of [1, 1e18, -5, '13476839424']) {
      const doc = index(bad);
      assert.strictEqual(doc.checkpoint, undefined);
      assert.match(doc.problems[0].message, /cannot be the size of 2 tensors' weights/);
    }
  });
});

describe('nonsense a file states is a problem on its key, never a silent default', () => {
  it('micro_batch_size: -1, lora_r: 0, lora_dropout: 1.5, zero stage 4 are errors on their keys, with no number', () => {
    const base = 'checkpoint_dir: checkpoints/meta-llama/Llama-2-7b-hf\nlora_r: 8\nlora_dropout: 0.05\ntrain:\n  micro_batch_size: 2\n';
    const cases: [string, string, RegExp][] = [
      ['micro_batch_size: 2', 'micro_batch_size: -1', /`train\.micro_batch_size` must be a whole number from 1 to 1,000,000 \(it is -1\)/],
      ['lora_r: 8', 'lora_r: 0', /`lora_r` \(the LoRA rank\) must be a whole number from 1 to 65,536 \(it is 0\)/],
      ['lora_dropout: 0.05', 'lora_dropout: 1.5', /`lora_dropout` is a probability, from 0 up to 1 \(it is 1\.5\)/],
      ['micro_batch_size: 2', 'micro_batch_size: "4"', /should be a whole number, not "4"/],
    ];
    assert.ok(analyze(base, 'yaml').configs[0].estimate);
    for (const [from, to, message] of cases) {
      const text = base.replace(from, to);
      const a = analyze(text, 'yaml').configs[0];
      assert.strictEqual(a.estimate, undefined, to);
      const p = a.problems.find(x => message.test(x.message));
      assert.ok(p, `${to}: ${a.problems.map(x => x.message).join(' | ')}`);
      assert.ok(text.slice(p.span.start, p.span.end).includes(to.split(':')[0].trim()), to);
    }
    const zero = analyze('{"model_type": "llama", "hidden_size": 4096, "num_hidden_layers": 32, "num_attention_heads": 32, "intermediate_size": 11008, "vocab_size": 32000, "zero_optimization": {"stage": 4}}', 'json').configs[0];
    assert.strictEqual(zero.estimate, undefined);
    assert.match(zero.problems[0].message, /`zero_optimization\.stage` must be 0, 1, 2 or 3 \(it is 4\)/);
    // Lightning's devices "auto" or -1 count the GPUs there are: a count the file leaves to the setting.
    assert.ok(analyze(base + 'devices: auto\n', 'yaml').configs[0].estimate);
  });

  it('Python the reader does not evaluate (lambda, :=, a name from elsewhere) on a config line gives a message, not a vanished model', () => {
    const kw = (value: string) => `config = LlamaConfig(hidden_size=4096, num_hidden_layers=32, num_attention_heads=32, intermediate_size=11008, vocab_size=${value}, act=lambda x: x)\n`;
    const reasons: [string, RegExp][] = [['(v := 32000)', /an assignment expression, :=/], ['lambda: 32000', /a lambda/], ['VOCAB', /the name `VOCAB`, which this file does not define/], ['32000 if big else 100', /a conditional expression/], ['args.vocab', /`args\.vocab`, a value this file does not write/]];
    for (const [value, why] of reasons) {
      const [a] = analyze(kw(value), 'python').configs;
      assert.ok(a, value);
      assert.strictEqual(a.estimate, undefined, value);
      assert.match(a.problems[0].message, /`vocab_size` cannot be read: it /);
      assert.match(a.problems[0].message, why, value);
    }
    // What the estimate does not read may be any Python; torch dtypes are names, not code.
    assert.strictEqual(analyze(kw('32000').replace('act=', 'torch_dtype=torch.bfloat16, act='), 'python').configs[0].estimate?.parameters.total, LLAMA_7B);
  });

  it('Python that changes a value is followed as Python runs it: += applied; a value also set inside an if block is unreadable', () => {
    const base = 'model_type = "llama"\nhidden_size = 4096\nnum_attention_heads = 32\nintermediate_size = 11008\nvocab_size = 32000\n';
    const [grown] = analyze(`${base}num_hidden_layers = 40\nnum_hidden_layers += 40\n`, 'python').configs;
    assert.strictEqual(grown.spec?.numLayers, 80);
    assert.strictEqual(grown.estimate?.parameters.total, LLAMA_80_LAYERS);
    const [branched] = analyze(`${base}num_hidden_layers = 32\nif big:\n    num_hidden_layers = 80\n`, 'python').configs;
    assert.strictEqual(branched.estimate, undefined);
    assert.match(branched.problems[0].message, /`num_hidden_layers` cannot be read: it is assigned again inside an `if` block/);
    // So is a value read from it later.
    const [referenced] = analyze(`${base.replace('hidden_size = 4096', 'width = 4096\nif big:\n    width = 8192\nhidden_size = width')}num_hidden_layers = 32\n`, 'python').configs;
    assert.strictEqual(referenced.estimate, undefined);
    assert.match(referenced.problems[0].message, /`hidden_size` cannot be read: it reads `width`, which is assigned again inside an `if` block/);
    // A value set after the block is the one that holds.
    const after = analyze(`${base}num_hidden_layers = 80\nif big:\n    num_hidden_layers = 48\nnum_hidden_layers = 32\n`, 'python').configs[0];
    assert.strictEqual(after.estimate?.parameters.total, LLAMA_7B);
    // A function's own variables are not the module's.
    const [local] = analyze(`${base}num_hidden_layers = 32\ndef f():\n    num_hidden_layers = 80\n`, 'python').configs;
    assert.strictEqual(local.estimate?.parameters.total, LLAMA_7B);
  });

  it('YAML is read as PyYAML reads it (YAML 1.1): 4_096 is 4096, yes is true', () => {
    const [a] = analyze(LLAMA_YAML.replace('4096', '4_096') + 'gradient_checkpointing: yes\n', 'yaml').configs;
    assert.strictEqual(a.spec?.hiddenSize, 4096);
    assert.strictEqual(a.estimate?.settings.checkpointing, 'full');
  });
});

describe('parallel layouts the model cannot be split into', () => {
  it('tensor parallelism must divide the heads, pipeline stages need a layer each, GPUs whole groups', () => {
    const text = '{"model_type": "llama", "hidden_size": 4096, "num_hidden_layers": 32, "num_attention_heads": 32, "intermediate_size": 11008, "vocab_size": 32000}';
    const with_ = (o: object) => analyzeDocument(parseConfig(text, 'json'), { ...DEFAULT_OPTIONS, ...o }).configs[0];
    assert.match(with_({ gpus: 3, tensorParallel: 3 }).problems[0].message, /3 does not divide the 32 heads/);
    assert.match(with_({ gpus: 64, pipelineParallel: 64 }).problems[0].message, /needs a layer per stage; the model has 32/);
    assert.match(with_({ gpus: 6, tensorParallel: 4 }).problems[0].message, /6 GPUs cannot form whole groups/);
    assert.ok(with_({ gpus: 8, tensorParallel: 4 }).estimate);
    assert.strictEqual(with_({ targetGpu: '3× RTX 4090' }).estimate, undefined);
  });

  it('CLI flags outside their bounds are usage errors with the bound in the message', async () => {
    const llama = path.join(ROOT, 'test', 'fixtures', 'public', 'reference', 'configs', 'json', 'llama-2-7b-chat-hf.config.json');
    for (const [flag, value, message] of [
      ['--tp', '5000', /--tp must be a whole number from 1 to 4,096/],
      ['--pp', '0', /--pp must be a whole number from 1 to 4,096/],
      ['--gpus', '1e9', /--gpus must be a whole number from 1 to 100,000/],
      ['--batch', '10000000', /--batch must be a whole number from 1 to 1,000,000/],
      ['--seq=-5', '', /--seq must be a whole number/],
      ['--overhead-mib', '99999999', /--overhead-mib must be a whole number from 0 to 1,048,576/],
      ['--zero', '', /--zero must be 0, 1, 2 or 3/],
    ] as const) {
      const r = value === '' && flag.includes('=') ? await cli(llama, flag) : await cli(llama, flag, value);
      assert.strictEqual(r.code, 2, `${flag} ${value}`);
      assert.match(r.err, message);
    }
    const tp = await cli(llama, '--tp', '3', '--json');
    assert.strictEqual(tp.code, 2);
    assert.match(tp.out, /3 does not divide the 32 heads/);
  });

  it('the settings share the limits of the CLI and the files (package.json maxima)', async () => {
    const { RUN_LIMITS } = await import('../../src/core/runLimits');
    const props = (JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { contributes: { configuration: { properties: Record<string, { maximum?: number }> } } }).contributes.configuration.properties;
    assert.strictEqual(props['vramLens.batchSize'].maximum, RUN_LIMITS.batchSize);
    assert.strictEqual(props['vramLens.sequenceLength'].maximum, RUN_LIMITS.sequenceLength);
    assert.strictEqual(props['vramLens.gpus'].maximum, RUN_LIMITS.gpus);
    assert.strictEqual(props['vramLens.loraRank'].maximum, RUN_LIMITS.loraRank);
    assert.strictEqual(props['vramLens.cudaOverheadMiB'].maximum, RUN_LIMITS.cudaOverheadMiB);
  });
});
