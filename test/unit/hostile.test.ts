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

function cli(...args: string[]): { code: number; out: string; err: string } {
  let out = '';
  let err = '';
  const code = main(args, s => (out += s + '\n'), s => (err += s + '\n'));
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
      assert.strictEqual(a.estimate?.parameters.total, 16_452_816_896, format);
      const warning = a.problems.find(p => p.code === 'duplicate-key');
      assert.ok(warning, `${format}: a duplicate-key warning`);
      assert.strictEqual(text.slice(warning.span.start, warning.span.start + 20).replace(/"/g, '').startsWith('num_hidden_layers'), true);
      assert.match(warning.message, /last value \(80\)/);
    }
  });

  it('YAML merge keys are merged; keys the mapping sets itself win, as PyYAML reads them', () => {
    const doc = analyze(`base: &base\n${LLAMA_YAML.replace(/^/gm, '  ').trimEnd()}\nbig:\n  <<: *base\n  num_hidden_layers: 80\n`, 'yaml');
    assert.deepStrictEqual(doc.configs.map(c => c.spec?.numLayers), [32, 80]);
    assert.strictEqual(doc.configs[1].estimate?.parameters.total, 16_452_816_896);
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

  it('a link to /dev/zero, a FIFO and a directory are refused without being read', function () {
    if (process.platform === 'win32') {
      this.skip();
    }
    const zero = path.join(dir, 'zero.json');
    fs.symlinkSync('/dev/zero', zero);
    const fifo = path.join(dir, 'pipe.yaml');
    execFileSync('mkfifo', [fifo]);
    const folder = path.join(dir, 'folder.json');
    fs.mkdirSync(folder);
    const r = cli(zero, fifo, folder, '--json');
    assert.strictEqual(r.code, 2);
    const errors = (JSON.parse(r.out) as { files: { errors: string[] }[] }).files.map(f => f.errors.join(' '));
    assert.match(errors[0], /not a regular file \(a device or socket\)/);
    assert.match(errors[1], /not a regular file \(a pipe\)/);
    assert.match(errors[2], /not a regular file \(a directory\)/);
  });

  it('a file over the size limit is refused from its size, with the limit in the message', () => {
    const big = path.join(dir, 'big.json');
    fs.writeFileSync(big, `{"hidden_size": 1, "x": "${'a'.repeat(600 * 1024)}"}`);
    const r = cli(big);
    assert.strictEqual(r.code, 2);
    assert.match(r.out, /larger than any config VRAM Lens reads \(512 KiB\)/);
  });

  it('exits 2 with the message when a config has an error, and prints no estimate for it', () => {
    const file = path.join(ROOT, 'test', 'fixtures', 'workspace', 'broken.json');
    const r = cli(file);
    assert.strictEqual(r.code, 2, r.out);
    assert.match(r.out, /no estimate/);
  });
});
