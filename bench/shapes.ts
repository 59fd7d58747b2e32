// Hostile and extreme file shapes, per format, for the parse benchmark and the hostile-input campaign: each a
// function of a size, so a reader's cost can be checked to grow linearly with the file.
import type { ConfigFormat } from '../src/parse';

export interface Shape {
  readonly name: string;
  readonly format: ConfigFormat;
  /** The file at about `bytes` bytes. */
  readonly text: (bytes: number) => string;
}

const MODEL_JSON = '"hidden_size": 4096, "num_hidden_layers": 32, "num_attention_heads": 32, "vocab_size": 32000';
const MODEL_YAML = 'hidden_size: 4096\nnum_hidden_layers: 32\nnum_attention_heads: 32\nvocab_size: 32000\n';
const MODEL_PY = 'hidden_size = 4096\nnum_hidden_layers = 32\nnum_attention_heads = 32\nvocab_size = 32000\n';
const MODEL_TOML = '[model]\nname = "llama3"\nflavor = "8B"\n';

/** `unit` repeated to fill about `bytes` bytes. */
const fill = (unit: string, bytes: number) => unit.repeat(Math.max(1, Math.floor(bytes / unit.length)));
/** `count` items made by `item`, joined. */
const many = (count: number, item: (i: number) => string, sep = '') => Array.from({ length: Math.max(1, count) }, (_, i) => item(i)).join(sep);

export const SHAPES: readonly Shape[] = [
  // JSON
  { name: 'JSON: a model, then a dense array of numbers', format: 'json', text: b => `{${MODEL_JSON}, "data": [${fill('1,', b)}1]}` },
  { name: 'JSON: a model, then one object of many keys', format: 'json', text: b => `{${MODEL_JSON}, ${many(b / 12, i => `"k${i}": ${i}`, ', ')}}` },
  { name: 'JSON: many model configs in a list', format: 'json', text: b => `{"models": [${many(b / 95, i => `{${MODEL_JSON}, "name": "m${i}"}`, ', ')}]}` },
  { name: 'JSON: a model key, then spaces', format: 'json', text: b => `{${MODEL_JSON},${' '.repeat(b)}"a": 1}` },
  { name: 'JSON: cut at a value (syntax error)', format: 'json', text: b => `{${MODEL_JSON}, "data": [${fill('1,', b)}` },
  // YAML
  { name: 'YAML: a model, then a long block sequence', format: 'yaml', text: b => `${MODEL_YAML}data:\n${fill('  - 1\n', b)}` },
  { name: 'YAML: a model, then a flow sequence', format: 'yaml', text: b => `${MODEL_YAML}data: [${fill('1, ', b)}1]\n` },
  { name: 'YAML: a model, then many keys', format: 'yaml', text: b => `${MODEL_YAML}${many(b / 10, i => `k${i}: ${i}`, '\n')}\n` },
  { name: 'YAML: many documents of a model', format: 'yaml', text: b => many(b / MODEL_YAML.length, () => MODEL_YAML, '---\n') },
  { name: 'YAML: list items, then aliases of one anchor', format: 'yaml', text: b => `base: &b {x: 1}\n${MODEL_YAML}list:\n${fill('  - item\n', b / 2)}refs:\n${fill('  - *b\n', b / 2)}` },
  { name: 'YAML: aliases in a model file', format: 'yaml', text: b => `hidden_size: &h 4096\nnum_hidden_layers: 32\nnum_attention_heads: 32\nvocab_size: 32000\nx:\n${many(b / 12, i => `  k${i}: *h`, '\n')}\n` },
  { name: 'YAML: an alias bomb', format: 'yaml', text: () => `${MODEL_YAML}a: &a [x, x, x, x, x, x, x, x, x]\n${many(9, i => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${many(9, () => `*${String.fromCharCode(97 + i)}`, ', ')}]`, '\n')}\n` },
  { name: 'YAML: comments', format: 'yaml', text: b => `${MODEL_YAML}${fill('# a comment about the run\n', b)}` },
  // Python
  { name: 'Python: many configs in a list', format: 'python', text: b => `CONFIGS = [\n${many(b / 90, i => `    dict(hidden_size=${64 * ((i % 50) + 1)}, num_hidden_layers=2, num_attention_heads=4, vocab_size=1000),`, '\n')}\n]\n` },
  { name: 'Python: a model, then a long list of numbers', format: 'python', text: b => `${MODEL_PY}data = [${fill('1, ', b)}1]\n` },
  { name: 'Python: a model, then many assignments', format: 'python', text: b => `${MODEL_PY}${many(b / 10, i => `k${i} = ${i}`, '\n')}\n` },
  { name: 'Python: a script calling from_pretrained in every line of a function', format: 'python', text: b => `from transformers import AutoModelForCausalLM\ndef main():\n${many(b / 60, i => `    m${i % 7} = AutoModelForCausalLM.from_pretrained("gpt2", device_map=d)`, '\n')}\n` },
  { name: 'Python: a script, then many assignments in one function', format: 'python', text: b => `from transformers import AutoModelForCausalLM\ndef main():\n${many(b / 14, i => `    k${i} = ${i}`, '\n')}\n    m = AutoModelForCausalLM.from_pretrained("gpt2")\n` },
  { name: 'Python: a model, then deep brackets', format: 'python', text: b => `${MODEL_PY}x = ${'['.repeat(b / 2)}${']'.repeat(b / 2)}\n` },
  { name: 'Python: a model, then an unclosed string', format: 'python', text: b => `${MODEL_PY}x = "${'a'.repeat(b)}\n` },
  // TOML
  { name: 'TOML: spaces inside a string', format: 'toml', text: b => `${MODEL_TOML}x = "a${' '.repeat(b)}b"\n` },
  { name: 'TOML: spaces inside a nested array', format: 'toml', text: b => `${MODEL_TOML}x = [[1,${' '.repeat(b / 2)}2],${' '.repeat(b / 2)}[3]]\n` },
  { name: 'TOML: many tables', format: 'toml', text: b => `${MODEL_TOML}${many(b / 30, i => `[[items]]\nname = "i${i}"\nv = ${i}`, '\n')}\n` },
  { name: 'TOML: a long array', format: 'toml', text: b => `${MODEL_TOML}[data]\nx = [${fill('1, ', b)}1]\n` },
];
