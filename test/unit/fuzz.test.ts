import * as assert from 'assert';
import fc from 'fast-check';
import * as fs from 'fs';
import * as path from 'path';
import { analyzeDocument, DEFAULT_OPTIONS } from '../../src/core/analyze';
import { diagnose } from '../../src/core/diagnose';
import { hoverMarkdown, lensTitle, reportMarkdown } from '../../src/core/explain';
import { formatFor, parseConfig } from '../../src/parse';
import { REFERENCE, ROOT } from './helpers';

/** Real config files of every format, to mutate. */
function fixtures(): { name: string; text: string }[] {
  const dirs = [
    path.join(REFERENCE, 'configs', 'json'),
    path.join(REFERENCE, 'configs', 'yaml'),
    path.join(REFERENCE, 'configs', 'python'),
    path.join(ROOT, 'test', 'fixtures', 'configs'),
    path.join(ROOT, 'test', 'fixtures', 'diffusers'),
    path.join(ROOT, 'examples'),
  ];
  const out: { name: string; text: string }[] = [];
  for (const dir of dirs) {
    for (const f of fs.readdirSync(dir)) {
      if (formatFor(f)) {
        out.push({ name: f, text: fs.readFileSync(path.join(dir, f), 'utf8') });
      }
    }
  }
  out.push({ name: 'torchtitan.toml', text: '[model]\nname = "llama3"\nflavor = "8B"\n[training]\nbatch_size = 2\nseq_len = 4096\n' });
  return out;
}

/** Everything an editor feature does with a document: parse, estimate, and every text shown. */
function exercise(text: string, name: string): void {
  const doc = analyzeDocument(parseConfig(text, formatFor(name)!), DEFAULT_OPTIONS);
  diagnose(doc);
  reportMarkdown(name, doc);
  for (const a of doc.configs) {
    lensTitle(a, DEFAULT_OPTIONS, doc.gpu);
    for (const k of a.config.keys.slice(0, 3)) {
      hoverMarkdown({ analysis: a, field: k.field, key: k.key, value: k.value, options: DEFAULT_OPTIONS, gpu: doc.gpu });
    }
  }
}

const edit = fc.oneof(
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), text: fc.string({ maxLength: 12 }) }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), length: fc.nat({ max: 40 }) }),
  fc.record({ kind: fc.constant('digits' as const), at: fc.nat(), text: fc.constantFrom('0', '-1', '1e400', '"4096"', '99999999999', 'null', '[', '{', '}', ':', '&a *a', '\n  ', '(((') }),
);

function apply(text: string, edits: { kind: string; at: number; text?: string; length?: number }[]): string {
  let t = text;
  for (const e of edits) {
    const at = t.length === 0 ? 0 : e.at % (t.length + 1);
    t = e.kind === 'delete' ? t.slice(0, at) + t.slice(at + (e.length ?? 0)) : t.slice(0, at) + (e.text ?? '') + t.slice(at);
  }
  return t;
}

describe('every reader survives mutated real configs (fast-check)', () => {
  for (const f of fixtures()) {
    it(`${f.name}: never throws, always finishes quickly`, () => {
      fc.assert(
        fc.property(fc.array(edit, { minLength: 1, maxLength: 6 }), edits => {
          const mutated = apply(f.text, edits);
          const t0 = performance.now();
          exercise(mutated, f.name);
          assert.ok(performance.now() - t0 < 500, 'bounded time');
        }),
        { numRuns: 60, seed: 20261127 },
      );
    });
  }

  it('a 5 MB file of any format is skipped or read in bounded time', () => {
    const big = 'x'.repeat(5 * 1024 * 1024 + 1);
    for (const name of ['a.json', 'a.yaml', 'a.py', 'a.toml']) {
      const t0 = performance.now();
      exercise(big, name);
      assert.ok(performance.now() - t0 < 200, name);
    }
  });
});
