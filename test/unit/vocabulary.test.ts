// Specification of the one key vocabulary: every alias the engine reads, every key that names a model, in every format.
import * as assert from 'assert';
import { findModelConfigs } from '../../src/core/spec';
import type { SpecField } from '../../src/core/types';
import { INDICATOR_KEYS, KEY_ALIASES, MODEL_NAME_KEYS, mayHoldModelConfig } from '../../src/core/vocabulary';
import { parseConfig, type ConfigFormat } from '../../src/parse';

type Scalar = number | string | boolean;

/** A Llama-like config in canonical HF names; each test swaps one field's key for an alias. */
const BASE: Readonly<Record<string, Scalar>> = { hidden_size: 4096, num_hidden_layers: 32, num_attention_heads: 32, vocab_size: 32000 };

/** A value for each field, different from BASE's, so that reading the alias is what puts it there. */
const VALUE: Readonly<Record<SpecField, Scalar>> = {
  hiddenSize: 2048, numLayers: 24, numHeads: 16, numKvHeads: 8, headDim: 128, vocabSize: 50000, intermediateSize: 8192,
  maxPositions: 2048, typeVocabSize: 2, numExperts: 8, expertsPerToken: 2, expertIntermediateSize: 1024, numDecoderLayers: 6,
  relativeAttentionBuckets: 32, tieWordEmbeddings: true, dtype: 'bfloat16', modelType: 'llama', slidingWindow: 4096,
};

const pythonValue = (v: Scalar) => (typeof v === 'boolean' ? (v ? 'True' : 'False') : typeof v === 'string' ? JSON.stringify(v) : String(v));
const isIdentifier = (k: string) => /^[A-Za-z_]\w*$/.test(k);

/** The same flat config written the ways each format writes one. */
function renderings(config: Readonly<Record<string, Scalar>>): [string, ConfigFormat, string][] {
  const entries = Object.entries(config);
  const out: [string, ConfigFormat, string][] = [
    ['JSON object', 'json', JSON.stringify(config, null, 2)],
    ['YAML mapping', 'yaml', entries.map(([k, v]) => `${k}: ${typeof v === 'string' ? JSON.stringify(v) : v}`).join('\n')],
    ['TOML table', 'toml', entries.map(([k, v]) => `${isIdentifier(k) ? k : JSON.stringify(k)} = ${typeof v === 'string' ? JSON.stringify(v) : v}`).join('\n')],
    ['Python dict literal', 'python', `config = {\n${entries.map(([k, v]) => `    ${JSON.stringify(k)}: ${pythonValue(v)},`).join('\n')}\n}`],
  ];
  if (entries.every(([k]) => isIdentifier(k))) {
    out.push(['Python module-level assignments', 'python', entries.map(([k, v]) => `${k} = ${pythonValue(v)}`).join('\n')]);
    out.push(['Python keyword arguments', 'python', `config = LlamaConfig(${entries.map(([k, v]) => `${k}=${pythonValue(v)}`).join(', ')})`]);
  }
  return out;
}

describe('one vocabulary decides, for every format, whether a file may hold a model config', () => {
  for (const [field, aliases] of Object.entries(KEY_ALIASES) as [SpecField, readonly string[]][]) {
    for (const alias of aliases) {
      const canonical = aliases[0];
      const config: Record<string, Scalar> = { ...BASE };
      delete config[canonical];
      config[alias] = VALUE[field];
      // multi_query: true means one key/value head.
      const expected = alias === 'multi_query' ? 1 : VALUE[field];
      if (alias === 'multi_query') {
        config[alias] = true;
      }
      for (const [shape, format, text] of renderings(config)) {
        it(`${field} written as "${alias}" is read from a ${shape}`, () => {
          assert.ok(mayHoldModelConfig(text), 'the pre-filter lets the file through');
          const found = findModelConfigs(parseConfig(text, format).root);
          assert.strictEqual(found.length, 1, 'one model config');
          assert.ok(found[0].keys.some(k => k.key === alias && k.field === field), `${alias} is a recognised key`);
          assert.strictEqual(found[0].raw[field], expected);
        });
      }
    }
  }

  for (const key of MODEL_NAME_KEYS) {
    for (const [shape, format, text] of renderings({ [key]: 'meta-llama/Llama-2-7b-hf', learning_rate: 0.0002 })) {
      it(`a model named by "${key}" in a ${shape} resolves through the catalog`, () => {
        const found = findModelConfigs(parseConfig(text, format).root);
        assert.strictEqual(found.length, 1);
        assert.strictEqual(found[0].catalog?.model.id, 'meta-llama/Llama-2-7b-hf');
        assert.strictEqual(found[0].catalog?.key, key);
      });
    }
  }

  const sections: [string, ConfigFormat, string, string][] = [
    ['torchtune builder in YAML', 'yaml', 'model:\n  _component_: torchtune.models.llama2.lora_llama2_7b\n  lora_rank: 8\n', 'meta-llama/Llama-2-7b-hf'],
    ['torchtune builder in JSON', 'json', '{"model": {"_component_": "torchtune.models.llama2.llama2_7b"}}', 'meta-llama/Llama-2-7b-hf'],
    ['torchtitan flavor in TOML', 'toml', '[model]\nname = "llama3"\nflavor = "8B"\n', 'meta-llama/Meta-Llama-3-8B'],
    ['torchtitan flavor in YAML', 'yaml', 'model:\n  name: llama3\n  flavor: 8B\n', 'meta-llama/Meta-Llama-3-8B'],
    ['torchtitan flavor in Python', 'python', 'model = dict(name="llama3", flavor="8B")\n', 'meta-llama/Meta-Llama-3-8B'],
  ];
  for (const [shape, format, text, id] of sections) {
    it(`a ${shape} names its model`, () => {
      const found = findModelConfigs(parseConfig(text, format).root);
      assert.strictEqual(found.length, 1);
      assert.strictEqual(found[0].catalog?.model.id, id);
    });
  }

  it('every indicator key is one the engine reads', () => {
    const engineKeys = new Set([...KEY_ALIASES.hiddenSize, ...MODEL_NAME_KEYS, 'hf_config', '_component_', 'flavor', 'weight_map', '_class_name']);
    assert.deepStrictEqual(new Set(INDICATOR_KEYS), engineKeys);
  });

  it('files without any of them are not read: package.json, a CI workflow, an ordinary script, a tokenizer', () => {
    const texts = [
      '{"name": "app", "version": "1.0.0", "dependencies": {"left-pad": "^1.0.0"}}',
      'on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make test\n',
      'import os\n\ndef main():\n    dims = 3\n    print(os.getcwd(), dims)\n',
      '{"model": {"type": "BPE", "vocab": {"model": 1, "hello": 2}}}',
      '[tool.black]\nline-length = 100\n',
    ];
    for (const text of texts) {
      assert.strictEqual(mayHoldModelConfig(text), false, text);
    }
  });
});
