import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { analyzeDocument, DEFAULT_OPTIONS } from '../../src/core/analyze';
import { numel, weightTensors } from '../../src/core/tensors';
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
