// Parse + analyse time per format, as a ratio to the format's plain parser, on the reference files and on large
// files that are not model configs.   npm run bench:parse
import * as fs from 'fs';
import * as path from 'path';
import { medianMs } from './timing';
import { parse as parseTomlPlain } from 'smol-toml';
import { parse as parseYamlPlain } from 'yaml';
import { analyzeDocument, DEFAULT_OPTIONS } from '../src/core/analyze';
import { formatFor, MAX_CONFIG_BYTES, parseConfig, type ConfigFormat } from '../src/parse';
import { SHAPES } from './shapes';

const root = path.resolve(__dirname, '..', '..');
const reference = path.join(root, 'test', 'fixtures', 'public', 'reference', 'configs');


const plain: Record<ConfigFormat, ((text: string) => unknown) | undefined> = {
  json: text => JSON.parse(text),
  yaml: text => parseYamlPlain(text),
  toml: text => parseTomlPlain(text),
  python: undefined, // no plain Python parser in JavaScript to compare with
  shell: undefined, // nor a shell parser
  dockerfile: undefined,
  modelfile: undefined,
};

const analyse = (text: string, format: ConfigFormat) => analyzeDocument(parseConfig(text, format), DEFAULT_OPTIONS);

const fmt = (ms: number) => (ms < 1 ? `${(ms * 1000).toFixed(0)} µs` : `${ms.toFixed(1)} ms`);
const rows: string[][] = [['file', 'format', 'VRAM Lens (median)', 'plain parse', 'ratio']];
function row(name: string, text: string, format: ConfigFormat, runs: number): void {
  const ours = medianMs(() => analyse(text, format), runs);
  const p = plain[format];
  let base: number | undefined;
  if (p) {
    try {
      base = medianMs(() => p(text), runs);
    } catch {
      base = undefined; // not valid in the strict parser (JSONC comments)
    }
  }
  rows.push([name, format, fmt(ours), base === undefined ? '—' : fmt(base), base === undefined ? '—' : `${(ours / base).toFixed(2)}×`]);
}

const torchtitan = '[job]\ndescription = "Llama 3 8B"\n[model]\nname = "llama3"\nflavor = "8B"\n[training]\nbatch_size = 1\nseq_len = 8192\n';
for (const dir of ['json', 'yaml', 'python']) {
  for (const f of fs.readdirSync(path.join(reference, dir))) {
    row(f, fs.readFileSync(path.join(reference, dir, f), 'utf8'), formatFor(f)!, 500);
  }
}
row('torchtitan llama3_8b.toml', torchtitan, 'toml', 500);

// Large files that are not model configs.
const entries = Array.from({ length: 60_000 }, (_, i) => ({ name: `item_${i}`, value: i, tags: ['a', 'b'] }));
const bigJson = JSON.stringify({ items: entries });
const bigYaml = entries.map(e => `- name: ${e.name}\n  value: ${e.value}\n  tags: [a, b]\n`).join('');
const bigToml = entries.slice(0, 20_000).map(e => `[[items]]\nname = "${e.name}"\nvalue = ${e.value}\n`).join('');
const bigPython = entries.map(e => `${e.name} = ${e.value}  # a long generated module\n`).join('');
row(`${(bigJson.length / 1e6).toFixed(1)} MB JSON, no model`, bigJson, 'json', 10);
row(`${(bigYaml.length / 1e6).toFixed(1)} MB YAML, no model`, bigYaml, 'yaml', 5);
row(`${(bigToml.length / 1e6).toFixed(1)} MB TOML, no model`, bigToml, 'toml', 5);
row(`${(bigPython.length / 1e6).toFixed(1)} MB Python, no model`, bigPython, 'python', 5);
// The same Python with a model word in it must be read through.
row(`${(bigPython.length / 1e6).toFixed(1)} MB Python, with hidden_size`, 'hidden_size = 1\n' + bigPython, 'python', 3);
row(`${(bigYaml.length / 1e6).toFixed(1)} MB YAML, with hidden_size`, 'hidden_size: 1\nitems:\n' + bigYaml.replace(/^/gm, '  '), 'yaml', 3);

printTable(rows);

// Hostile and extreme shapes at each format's size limit: whether VRAM Lens reads the file or refuses it (past the
// entry caps), what one edit costs the editor (parse + estimate), the format's own parser on the same text, and how
// the cost grows from a quarter of the limit to the limit (4× is linear; less where the larger file is refused).
const shapeRows: string[][] = [['shape', 'size', 'read', 'per edit', 'plain parse', 'ratio', 'growth ¼→1']];
for (const shape of SHAPES) {
  const limit = MAX_CONFIG_BYTES[shape.format] - 64;
  const full = sized(shape.text, limit);
  const quarter = sized(shape.text, limit / 4);
  const runs = 5;
  const ours = medianMs(() => analyse(full, shape.format), runs);
  const oursQuarter = medianMs(() => analyse(quarter, shape.format), runs);
  const p = plain[shape.format];
  let base: number | undefined;
  if (p) {
    base = medianMs(() => {
      try {
        p(full);
      } catch {
        // the shape may be invalid for the strict parser: its time to fail is still its cost
      }
    }, runs);
  }
  const read = parseConfig(full, shape.format).root !== undefined ? 'read' : 'refused';
  shapeRows.push([shape.name, `${(full.length / 1024).toFixed(0)} KiB`, read, fmt(ours), base === undefined ? '—' : fmt(base), base === undefined ? '—' : `${(ours / base).toFixed(2)}×`, `${(ours / oursQuarter).toFixed(1)}×`]);
}
console.log('');
printTable(shapeRows);

/** The shape's text at no more than `bytes` (generators are approximate). */
function sized(text: (bytes: number) => string, bytes: number): string {
  const first = text(bytes);
  return first.length <= bytes ? first : text((bytes * bytes) / first.length);
}

function printTable(table: string[][]): void {
  const widths = table[0].map((_, i) => Math.max(...table.map(r => r[i].length)));
  for (const r of table) {
    console.log(r.map((x, i) => (i >= 2 && x !== 'read' && x !== 'refused' ? x.padStart(widths[i]) : x.padEnd(widths[i]))).join('  '));
  }
}
