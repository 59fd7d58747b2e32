import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
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
    it(`${m.model} has exactly ${exact} parameters`, function () {
      if (!m.config.endsWith('.json')) {
        // Python and YAML configs are read by a later reader; the count itself is covered via its JSON twin.
        this.skip();
      }
      const analysis = onlyConfig(readReference(m.config));
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
