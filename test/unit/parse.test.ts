import * as assert from 'assert';
import { parseConfig } from '../../src/parse';
import { mayHoldModelConfig } from '../../src/core/vocabulary';
import { analyzeJson, onlyConfig, readReference } from './helpers';

describe('reading JSON configs', () => {
  it('keeps the source range of every recognised key', () => {
    const text = '{\n  "hidden_size": 4096,\n  "num_hidden_layers": 32,\n  "num_attention_heads": 32,\n  "vocab_size": 32000, "intermediate_size": 11008\n}';
    const a = onlyConfig(text);
    const hidden = a.config.keys.find(k => k.field === 'hiddenSize')!;
    assert.strictEqual(text.slice(hidden.keySpan.start, hidden.keySpan.end), '"hidden_size"');
    assert.strictEqual(text.slice(hidden.valueSpan.start, hidden.valueSpan.end), '4096');
  });

  it('reads JSONC with comments and trailing commas', () => {
    const a = onlyConfig('// my model\n{ "n_embd": 768, "n_layer": 12, "n_head": 12, "vocab_size": 50257, "n_positions": 1024, /* gpt2 */ "model_type": "gpt2", }');
    assert.strictEqual(a.estimate?.parameters.total, 124_439_808);
  });

  it('still annotates a config while it is being typed (an unfinished property, a missing brace)', () => {
    const a = onlyConfig('{ "model_type": "gpt2", "n_embd": 768, "n_layer": 12, "n_head": 12, "vocab_size": 50257, "n_positions": 1024, "n_inn');
    assert.strictEqual(a.estimate?.parameters.total, 124_439_808);
  });

  it('gives nothing for JSON that is not a model config', () => {
    assert.deepStrictEqual(analyzeJson('{"name": "vram-lens", "version": "1.0.0", "scripts": {"test": "mocha"}}'), []);
    assert.deepStrictEqual(analyzeJson('{"compilerOptions": {"strict": true, "target": "es2022"}}'), []);
    assert.deepStrictEqual(analyzeJson('[1, 2, 3]'), []);
    assert.deepStrictEqual(analyzeJson(''), []);
    assert.deepStrictEqual(analyzeJson('not json at all {{{'), []);
  });

  it('skips a large tokenizer-like file without building a tree', () => {
    const vocab: Record<string, number> = {};
    for (let i = 0; i < 200_000; i++) {
      vocab[`tok${i}`] = i;
    }
    const text = JSON.stringify({ model: { type: 'BPE', vocab } });
    assert.ok(text.length > 2_000_000);
    assert.strictEqual(mayHoldModelConfig(text), false);
    assert.strictEqual(parseConfig(text, 'json').root, undefined);
  });

  it('refuses 10,000-deep nesting with a message instead of overflowing the stack', () => {
    const text = '{"hidden_size": 1, "a": ' + '['.repeat(10_000) + ']'.repeat(10_000) + '}';
    const doc = parseConfig(text, 'json');
    assert.strictEqual(doc.root, undefined);
    assert.match(doc.problems[0].message, /nests more than/);
  });

  it('finds a config nested inside another object', () => {
    const configs = analyzeJson('{"run": {"model": {"d_model": 128, "n_layers": 2, "n_heads": 4, "vocab_size": 1000}}}');
    assert.strictEqual(configs.length, 1);
    assert.strictEqual(configs[0].estimate?.parameters.total, 1000 * 128 + 2 * (12 * 128 * 128 + 13 * 128) + 2 * 128);
  });
});

describe('bad values give a clear message and no number', () => {
  const base = { model_type: 'llama', num_hidden_layers: 32, num_attention_heads: 32, vocab_size: 32000, intermediate_size: 11008 };
  const cases: [string, string, RegExp][] = [
    ['negative', '-4096', /whole number between 1 and/],
    ['zero', '0', /whole number between 1 and/],
    ['fractional', '4096.5', /whole number between 1 and/],
    ['overflowing 1e400', '1e400', /too large to represent/],
    ['a string', '"4096"', /should be a whole number, not "4096"/],
    ['absurdly large', '1e12', /whole number between 1 and/],
  ];
  for (const [what, value, message] of cases) {
    it(`hidden_size ${what}`, () => {
      const text = JSON.stringify(base).replace('{', `{"hidden_size": ${value}, `);
      const a = onlyConfig(text);
      assert.strictEqual(a.estimate, undefined);
      assert.match(a.problems.map(p => p.message).join('\n'), message);
      const span = a.problems[0].span;
      assert.ok(text.slice(span.start, span.end).startsWith('"hidden_size"'));
    });
  }

  it('hidden size not divisible by heads (and no head_dim) is an error, not a guess', () => {
    const a = onlyConfig(JSON.stringify({ ...base, hidden_size: 1000, num_attention_heads: 3 }));
    assert.strictEqual(a.estimate, undefined);
    assert.match(a.problems[0].message, /not divisible/);
  });

  it('a missing vocabulary size is reported', () => {
    const a = onlyConfig('{"hidden_size": 512, "num_hidden_layers": 4, "num_attention_heads": 8, "intermediate_size": 2048}');
    assert.strictEqual(a.estimate, undefined);
    assert.match(a.problems[0].message, /`vocab_size` is missing/);
  });
});

describe('configs that cannot run as written', () => {
  it('a head_dim that a GPT-2-style family ignores is a warning on its key, and the count uses hidden / heads', () => {
    const text = JSON.stringify({ model_type: 'gpt2', n_embd: 768, n_layer: 12, n_head: 12, vocab_size: 50257, n_positions: 1024, head_dim: 80 });
    const a = onlyConfig(text);
    assert.strictEqual(a.estimate?.parameters.total, 124_439_808);
    const p = a.problems.find(x => /ignores it/.test(x.message))!;
    assert.strictEqual(p.severity, 'warning');
    assert.ok(text.slice(p.span.start, p.span.end).startsWith('"head_dim"'));
  });

  it('KV heads that do not divide the query heads are an error on num_key_value_heads, with no number', () => {
    const text = JSON.stringify({ model_type: 'llama', hidden_size: 4096, num_hidden_layers: 2, num_attention_heads: 32, num_key_value_heads: 5, vocab_size: 32000, intermediate_size: 11008 });
    const a = onlyConfig(text);
    const p = a.problems[0];
    assert.strictEqual(p.severity, 'error');
    assert.match(p.message, /`num_key_value_heads` \(5\) must divide `num_attention_heads` \(32\)/);
    assert.ok(text.slice(p.span.start, p.span.end).startsWith('"num_key_value_heads"'));
    assert.strictEqual(a.estimate, undefined);
  });
});

describe('checkpoint indexes', () => {
  it('model.safetensors.index.json: the weights\' total size, tensors and shards, and whether they load', async () => {
    const { analyzeDocument, DEFAULT_OPTIONS } = await import('../../src/core/analyze');
    const { checkpointLensTitle } = await import('../../src/core/explain');
    const text = readReference('../configs-public/hf_index/meta-llama__Llama-2-7b-chat-hf__pytorch_model.bin.index.json');
    const doc = analyzeDocument(parseConfig(text, 'json'), DEFAULT_OPTIONS);
    assert.deepStrictEqual(doc.configs, []);
    assert.strictEqual(doc.checkpoint?.totalSizeBytes, 2 * 6_738_415_616);
    assert.strictEqual(doc.checkpoint?.tensors, 291);
    assert.match(checkpointLensTitle(doc.checkpoint!, doc.gpu, 0), /^Checkpoint: 12\.6 GiB of weights in 291 tensors \(6\.74B parameters if 16-bit, 3\.37B if fp32\) — ✓ loads on RTX 4090$/);
  });
});
