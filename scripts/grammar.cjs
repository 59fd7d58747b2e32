#!/usr/bin/env node
// Writes syntaxes/vram-lens.injection.json: the hyperparameter keys the engine recognises (KEY_ALIASES in
// src/core/vocabulary.ts) and the run-setting keys it reads, scoped in JSON, YAML and Python. The unit tests check
// that no recognised key is missing.   node scripts/grammar.cjs
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');
const src = fs.readFileSync(path.join(root, 'src', 'core', 'vocabulary.ts'), 'utf8');
const start = src.indexOf('export const KEY_ALIASES');
const block = src.slice(start, src.indexOf('};', start));
// `dim` is too common a word to colour everywhere.
const keys = [...block.matchAll(/'([^']+)'/g)].map(m => m[1]).filter(k => k !== 'dim');
const settings = ['checkpoint_dir', 'base_model', 'model_name_or_path', 'init_from', 'lora_r', 'lora_rank', 'micro_batch_size',
  'batch_size', 'max_seq_length', 'sequence_len', 'block_size', 'gradient_accumulation_steps', 'precision', 'quantize'];
const all = [...new Set([...keys, ...settings])].sort((a, b) => b.length - a.length || a.localeCompare(b));
const alt = all.map(k => k.replace(/[-.]/g, m => `\\${m}`)).join('|');
const SCOPE = 'variable.other.hyperparameter.vram-lens';
const grammar = {
  scopeName: 'vram-lens.hyperparameters.injection',
  injectionSelector: 'L:source.json, L:source.json.comments, L:source.yaml, L:source.python',
  patterns: [{ include: '#json-key' }, { include: '#yaml-key' }, { include: '#python-key' }],
  repository: {
    'json-key': {
      match: `(")(${alt})(")(?=\\s*:)`,
      captures: {
        1: { name: 'punctuation.support.type.property-name.begin.json' },
        2: { name: `support.type.property-name.json ${SCOPE}` },
        3: { name: 'punctuation.support.type.property-name.end.json' },
      },
    },
    'yaml-key': { match: `^\\s*(?:-\\s+)?(${alt})(?=\\s*:(?:\\s|$))`, captures: { 1: { name: `entity.name.tag.yaml ${SCOPE}` } } },
    'python-key': { match: `\\b(${alt})\\b(?=\\s*(?::[^=\\n]*)?=(?!=))`, captures: { 1: { name: SCOPE } } },
  },
};
fs.writeFileSync(path.join(root, 'syntaxes', 'vram-lens.injection.json'), JSON.stringify(grammar, null, 2) + '\n');
console.log(`${all.length} keys`);
