// Speed of the analysis every editor feature runs (parse + estimate + the lens, hover and diagnostic texts),
// and the cost of JSON files that are not model configs, measured side by side with JSON.parse.
//   npm run bench
import * as fs from 'fs';
import * as path from 'path';
import { medianMs } from './timing';
import { analyzeDocument, DEFAULT_OPTIONS } from '../src/core/analyze';
import { diagnose } from '../src/core/diagnose';
import { hoverMarkdown, lensTitle } from '../src/core/explain';
import { MAX_CONFIG_BYTES, parseConfig } from '../src/parse';

const root = path.resolve(__dirname, '..', '..');


function analyzeForEditor(text: string): number {
  const doc = analyzeDocument(parseConfig(text, 'json'), DEFAULT_OPTIONS);
  let chars = 0;
  for (const a of doc.configs) {
    chars += lensTitle(a, DEFAULT_OPTIONS, doc.gpu).length;
    const key = a.config.keys[0];
    if (key) {
      chars += hoverMarkdown({ analysis: a, field: key.field, key: key.key, value: key.value, options: DEFAULT_OPTIONS, gpu: doc.gpu }).length;
    }
  }
  return chars + diagnose(doc).length;
}

const rows: [string, string][] = [];
for (const name of ['llama-2-7b-chat-hf.config.json', 'gpt2.config.json', 'mixtral-8x7b-v0.1.config.json']) {
  const text = fs.readFileSync(path.join(root, 'examples', name), 'utf8');
  const ms = medianMs(() => analyzeForEditor(text), 2000);
  rows.push([`${name}: parse + estimate + lens/hover/diagnostic texts (median)`, `${(ms * 1000).toFixed(0)} µs`]);
}

// Tokenizer-like JSON without any model keys: skipped after one scan (under 1 MiB), or by size alone (above).
for (const entries of [17_000, 35_000, 190_000]) {
  const vocab: Record<string, number> = {};
  for (let i = 0; i < entries; i++) {
    vocab[`token_${i}_${(i * 2654435761) % 1000}`] = i;
  }
  const tokenizer = JSON.stringify({ version: '1.0', model: { type: 'BPE', vocab } });
  // The same size, but with a model key in it, so the tree must really be built (when under the size limit).
  const withKey = tokenizer.replace('"version":"1.0"', '"version":"1.0","hidden_size":"x"');
  const parseMs = medianMs(() => JSON.parse(tokenizer), 15);
  const skipMs = medianMs(() => analyzeForEditor(tokenizer), 15);
  const fullMs = medianMs(() => analyzeForEditor(withKey), 5);
  const mb = (tokenizer.length / 1e6).toFixed(1);
  rows.push([`${mb} MB tokenizer-like JSON: JSON.parse (reference)`, `${parseMs.toFixed(1)} ms`]);
  rows.push([`${mb} MB tokenizer-like JSON: VRAM Lens skips it`, `${skipMs.toFixed(2)} ms (${(skipMs / parseMs).toFixed(3)}× JSON.parse)`]);
  const read = parseConfig(withKey, 'json').root !== undefined;
  rows.push([`${mb} MB JSON with a hidden_size key (${read ? 'read through' : `over the ${MAX_CONFIG_BYTES.json / 1024} KiB limit: not read`})`, `${fullMs.toFixed(2)} ms (${(fullMs / parseMs).toFixed(2)}× JSON.parse)`]);
}

for (const bundle of ['dist/extension.js', 'dist/web/extension.js', 'dist/cli.js']) {
  const file = path.join(root, bundle);
  if (fs.existsSync(file)) {
    rows.push([`bundle ${bundle}`, `${(fs.statSync(file).size / 1024).toFixed(0)} KiB`]);
  }
}

const width = Math.max(...rows.map(r => r[0].length));
for (const [k, v] of rows) {
  console.log(`${k.padEnd(width)}  ${v}`);
}
