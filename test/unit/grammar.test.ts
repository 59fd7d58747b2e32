import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { KEY_ALIASES } from '../../src/core/vocabulary';
import { ROOT } from './helpers';

describe('the hyperparameter grammar', () => {
  it('scopes every key the engine recognises (so the colours and the estimate cannot drift apart)', () => {
    const grammar = JSON.parse(fs.readFileSync(path.join(ROOT, 'syntaxes', 'vram-lens.injection.json'), 'utf8'));
    const pattern = new RegExp(`^${grammar.repository['yaml-key'].match.replace('^\\s*(?:-\\s+)?', '').replace(/\(\?=.*$/, '')}$`);
    for (const keys of Object.values(KEY_ALIASES)) {
      for (const key of keys.filter(k => k !== 'dim')) {
        assert.ok(pattern.test(key), key);
      }
    }
  });
});
