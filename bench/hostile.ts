// The hostile-input campaign: the CLI on hundreds of malformed, extreme and adversarial files and flags, each case in
// a process of its own, judged on what a user is owed: an exit code of 0, 2 or 3 with a message, at most 2 s of CPU
// and 500 MB, no stack trace, nothing executed, and no number for nonsense (or a number different from what
// Python and transformers read, unless a problem says so).
//   npm run bench:hostile
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { gpusFromFile } from '../src/core/gpus';
import { SHAPES } from './shapes';

const root = path.resolve(__dirname, '..', '..');
const cliPath = path.join(root, 'dist', 'cli.js');
const preload = path.join(root, 'bench', 'rusage.cjs');
const CPU_LIMIT_S = 2;
const RSS_LIMIT_MB = 500;
const LLAMA_7B = 6_738_415_616;
const LLAMA_80_LAYERS = 16_452_816_896;

/** What a case must end in, besides the limits every case shares. */
type Expect =
  | { readonly kind: 'refuse' } // no estimate for any config (a message says why)
  | { readonly kind: 'parameters'; readonly total: number } // the first config's exact count
  | { readonly kind: 'estimate' } // some estimate: the input is valid
  | { readonly kind: 'any' } // only the shared limits
  | { readonly kind: 'usage' } // exit 2 with a message on stderr
  | { readonly kind: 'syntax-or-exact'; readonly total: number }; // a truncated file: no number, a syntax error, or the exact count

interface Case {
  readonly category: string;
  readonly name: string;
  /** Files to write, by name; the CLI reads the first unless `args` names others. */
  readonly files: Readonly<Record<string, string | Buffer>>;
  readonly args?: readonly string[];
  readonly expect: Expect;
  /** Set up what cannot be a plain file (a FIFO, a link), in the case's folder. */
  readonly setup?: (dir: string) => void;
}

const cases: Case[] = [];
const add = (c: Case) => cases.push(c);

// --- A Llama-2-7B config in every format, the base of the value and structure cases ---
const LLAMA: Record<string, number | string> = { model_type: 'llama', hidden_size: 4096, num_hidden_layers: 32, num_attention_heads: 32, intermediate_size: 11008, vocab_size: 32000 };
const json = (o: Record<string, unknown>) => JSON.stringify(o, null, 2);
const yamlOf = (o: Record<string, unknown>) => Object.entries(o).map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`).join('\n') + '\n';
const pyOf = (o: Record<string, unknown>) => `config = dict(${Object.entries(o).map(([k, v]) => `${k}=${typeof v === 'string' ? JSON.stringify(v) : v === true ? 'True' : v === false ? 'False' : v === null ? 'None' : JSON.stringify(v)}`).join(', ')})\n`;
const tomlOf = (o: Record<string, unknown>) => `[model]\n${Object.entries(o).map(([k, v]) => `${k} = ${JSON.stringify(v)}`).join('\n')}\n`;

add({ category: 'values', name: 'Llama-2-7B in JSON (control)', files: { 'config.json': json(LLAMA) }, expect: { kind: 'parameters', total: LLAMA_7B } });
add({ category: 'values', name: 'Llama-2-7B in YAML (control)', files: { 'config.yaml': yamlOf(LLAMA) }, expect: { kind: 'parameters', total: LLAMA_7B } });
add({ category: 'values', name: 'Llama-2-7B in Python (control)', files: { 'config.py': pyOf(LLAMA) }, expect: { kind: 'parameters', total: LLAMA_7B } });
add({ category: 'values', name: 'Llama-2-7B in TOML (control)', files: { 'config.toml': tomlOf(LLAMA) }, expect: { kind: 'parameters', total: LLAMA_7B } });

// --- Values: every size key with values no model can have, in JSON, YAML and Python ---
const BAD_JSON_VALUES: readonly [string, unknown][] = [
  ['negative', -4096], ['zero', 0], ['fractional', 40.96], ['a string', '4096'], ['a boolean', true], ['a list', [4096]], ['an object', { v: 4096 }],
  ['1e400', 'RAW:1e400'], ['1e20', 1e20], ['-0', 'RAW:-0'], ['NaN text', 'NaN'], ['a float of whole value', 'RAW:4096.0'], ['an exponent', 'RAW:4.096e3'],
];
for (const key of ['hidden_size', 'num_hidden_layers', 'num_attention_heads', 'vocab_size', 'intermediate_size']) {
  for (const [what, value] of BAD_JSON_VALUES) {
    const text = json({ ...LLAMA, [key]: typeof value === 'string' && value.startsWith('RAW:') ? '@@' : value }).replace('"@@"', String(value).slice(4));
    add({ category: 'values', name: `${key} ${what} (JSON)`, files: { 'config.json': text }, expect: { kind: 'refuse' } });
  }
  add({ category: 'values', name: `${key}: -1 (YAML)`, files: { 'config.yaml': yamlOf({ ...LLAMA, [key]: -1 }) }, expect: { kind: 'refuse' } });
  add({ category: 'values', name: `${key}: .inf (YAML)`, files: { 'config.yaml': yamlOf({ ...LLAMA, [key]: '.inf' }) }, expect: { kind: 'refuse' } });
  add({ category: 'values', name: `${key}=10**400 (Python)`, files: { 'config.py': pyOf(LLAMA).replace(`${key}=${LLAMA[key]}`, `${key}=10**400`) }, expect: { kind: 'refuse' } });
  add({ category: 'values', name: `${key}="4096" (Python)`, files: { 'config.py': pyOf({ ...LLAMA, [key]: String(LLAMA[key]) }) }, expect: { kind: 'refuse' } });
}
for (const [name, patch] of [
  ['KV heads that do not divide the heads', { num_key_value_heads: 5 }],
  ['more KV heads than heads', { num_key_value_heads: 64 }],
  ['KV heads 0', { num_key_value_heads: 0 }],
  ['head_dim 1e6', { head_dim: 1_000_000 }],
  ['hidden size the heads do not divide', { hidden_size: 4906 }],
  ['10^15 parameters', { hidden_size: 1_000_000, num_attention_heads: 1000, intermediate_size: 10_000_000, num_hidden_layers: 10_000 }],
  ['max_position_embeddings -1', { max_position_embeddings: -1 }],
  ['sliding_window 0', { sliding_window: 0 }],
  ['tie_word_embeddings "false" (a string Python takes as true)', { tie_word_embeddings: 'false' }],
  ['attention_bias "false"', { attention_bias: 'false' }],
] as const) {
  add({ category: 'values', name, files: { 'config.json': json({ ...LLAMA, ...patch }) }, expect: { kind: 'refuse' } });
}
add({ category: 'values', name: 'experts per token above experts (Mixtral)', files: { 'config.json': json({ ...LLAMA, model_type: 'mixtral', num_key_value_heads: 8, num_local_experts: 8, num_experts_per_tok: 12 }) }, expect: { kind: 'refuse' } });
add({ category: 'values', name: '322 layers on a Mistral: a warning and its number', files: { 'config.json': json({ ...LLAMA, model_type: 'mistral', num_hidden_layers: 322 }) }, expect: { kind: 'estimate' } });
add({ category: 'values', name: 'a checkpoint index of 10^18 bytes', files: { 'model.safetensors.index.json': json({ metadata: { total_size: 1e18 }, weight_map: { 'a.weight': 'x.safetensors' } }) }, expect: { kind: 'refuse' } });
add({ category: 'values', name: 'a checkpoint index with a string total', files: { 'model.safetensors.index.json': json({ metadata: { total_size: '13476839424' }, weight_map: { 'a.weight': 'x.safetensors' } }) }, expect: { kind: 'refuse' } });

// --- Recipe values: nonsense a training file states ---
const RECIPE = 'checkpoint_dir: checkpoints/meta-llama/Llama-2-7b-hf\nprecision: bf16-true\nlora_r: 8\nlora_alpha: 16\nlora_dropout: 0.05\ntrain:\n  micro_batch_size: 2\n  max_seq_length: 512\n  global_batch_size: 16\n';
add({ category: 'recipes', name: 'LitGPT LoRA recipe (control)', files: { 'lora.yaml': RECIPE }, expect: { kind: 'estimate' } });
for (const [from, to] of [
  ['micro_batch_size: 2', 'micro_batch_size: -1'], ['micro_batch_size: 2', 'micro_batch_size: 0'], ['micro_batch_size: 2', 'micro_batch_size: 2.5'],
  ['micro_batch_size: 2', 'micro_batch_size: "2"'], ['micro_batch_size: 2', 'micro_batch_size: 1e12'], ['micro_batch_size: 2', 'micro_batch_size: 2.0'], ['max_seq_length: 512', 'max_seq_length: -512'],
  ['max_seq_length: 512', 'max_seq_length: 1e10'], ['lora_r: 8', 'lora_r: 0'], ['lora_r: 8', 'lora_r: -8'], ['lora_r: 8', 'lora_r: 1e6'],
  ['lora_dropout: 0.05', 'lora_dropout: 1.5'], ['lora_dropout: 0.05', 'lora_dropout: -0.1'], ['global_batch_size: 16', 'global_batch_size: -16'],
] as const) {
  add({ category: 'recipes', name: to, files: { 'lora.yaml': RECIPE.replace(from, to) }, expect: { kind: 'refuse' } });
}
add({ category: 'recipes', name: 'devices: 0', files: { 'lora.yaml': RECIPE + 'devices: 0\n' }, expect: { kind: 'refuse' } });
add({ category: 'recipes', name: 'devices: auto (a count the file leaves open)', files: { 'lora.yaml': RECIPE + 'devices: auto\n' }, expect: { kind: 'estimate' } });
add({ category: 'recipes', name: 'DeepSpeed stage 4', files: { 'config.json': json({ ...LLAMA, zero_optimization: { stage: 4 } }) }, expect: { kind: 'refuse' } });
add({ category: 'recipes', name: 'torchtitan tensor parallel 3 on 32 heads', files: { 'llama.toml': '[model]\nname = "llama3"\nflavor = "8B"\n[parallelism]\ntensor_parallel_degree = 3\n' }, expect: { kind: 'refuse' } });
// NeMo's OmegaConf interpolations: evaluated where they are references and NeMo's arithmetic, unreadable otherwise.
const NEMO = (model: string) =>
  `trainer:\n  devices: 8\n  num_nodes: 1\n  precision: bf16\nmodel:\n  mcore_gpt: true\n  micro_batch_size: 1\n  global_batch_size: 8\n  encoder_seq_length: 2048\n  num_layers: 24\n  hidden_size: 2048\n  ffn_hidden_size: \${multiply:4, \${.hidden_size}}\n  num_attention_heads: 16\n${model}  tokenizer:\n    library: megatron\n    type: GPT2BPETokenizer\n`;
add({ category: 'recipes', name: 'NeMo GPT with an interpolated FFN width (control)', files: { 'gpt.yaml': NEMO('') }, expect: { kind: 'estimate' } });
add({ category: 'recipes', name: 'NeMo: an interpolation that refers to itself', files: { 'gpt.yaml': NEMO('').replace('num_layers: 24', 'num_layers: ${.num_layers}') }, expect: { kind: 'refuse' } });
add({ category: 'recipes', name: 'NeMo: two interpolations that refer to each other', files: { 'gpt.yaml': NEMO('').replace('num_layers: 24', 'num_layers: ${.num_attention_heads}').replace('num_attention_heads: 16', 'num_attention_heads: ${.num_layers}') }, expect: { kind: 'refuse' } });
add({ category: 'recipes', name: 'NeMo: an interpolation nested 5,000 deep', files: { 'gpt.yaml': NEMO('').replace('num_layers: 24', `num_layers: ${'${multiply:1, '.repeat(5000)}24${'}'.repeat(5000)}`) }, expect: { kind: 'refuse' } });
add({ category: 'recipes', name: 'NeMo: an environment variable for the heads', files: { 'gpt.yaml': NEMO('').replace('num_attention_heads: 16', 'num_attention_heads: ${oc.env:HEADS}') }, expect: { kind: 'refuse' } });
add({ category: 'recipes', name: 'NeMo: arithmetic past any model (1e300 × 1e300 layers)', files: { 'gpt.yaml': NEMO('').replace('num_layers: 24', 'num_layers: ${multiply:1e300, 1e300}') }, expect: { kind: 'refuse' } });
add({ category: 'recipes', name: 'NeMo: a division by zero', files: { 'gpt.yaml': NEMO('').replace('num_layers: 24', 'num_layers: ${divide_floor:24, 0}') }, expect: { kind: 'refuse' } });
add({ category: 'recipes', name: 'torchtitan pipeline over 64 stages of 32 layers', files: { 'llama.toml': '[model]\nname = "llama3"\nflavor = "8B"\n[parallelism]\npipeline_parallel_degree = 64\n' }, expect: { kind: 'refuse' } });

// --- Structure: duplicates, truncation, nesting, many configs ---
const dupJson = json(LLAMA).replace('"num_hidden_layers": 32,', '"num_hidden_layers": 32,\n  "num_hidden_layers": 80,');
add({ category: 'structure', name: 'a duplicated key in JSON: the last wins', files: { 'config.json': dupJson }, expect: { kind: 'parameters', total: LLAMA_80_LAYERS } });
add({ category: 'structure', name: 'a duplicated key in YAML: the last wins', files: { 'config.yaml': yamlOf(LLAMA) + 'num_hidden_layers: 80\n' }, expect: { kind: 'parameters', total: LLAMA_80_LAYERS } });
add({ category: 'structure', name: 'a duplicated kwarg-dict key in Python: the last wins', files: { 'config.py': `config = {${Object.entries({ ...LLAMA }).map(([k, v]) => `"${k}": ${JSON.stringify(v)}`).join(', ')}, "num_hidden_layers": 80}\n` }, expect: { kind: 'parameters', total: LLAMA_80_LAYERS } });
add({ category: 'structure', name: 'a module-level name assigned twice in Python: the last wins', files: { 'config.py': Object.entries(LLAMA).map(([k, v]) => `${k} = ${JSON.stringify(v)}`).join('\n') + '\nnum_hidden_layers = 80\n' }, expect: { kind: 'parameters', total: LLAMA_80_LAYERS } });
add({ category: 'structure', name: 'a duplicated key in TOML (a TOML error)', files: { 'config.toml': tomlOf(LLAMA) + 'num_hidden_layers = 80\n' }, expect: { kind: 'refuse' } });
const full = json(LLAMA);
for (let cut = 20; cut < full.length - 1; cut += 7) {
  add({ category: 'structure', name: `JSON cut at character ${cut}`, files: { 'config.json': full.slice(0, cut) }, expect: { kind: 'syntax-or-exact', total: LLAMA_7B } });
}
add({ category: 'structure', name: 'JSON with comments and trailing commas (JSONC)', files: { 'config.json': '// Llama\n' + json(LLAMA).replace(/\n}$/, ',\n}') }, expect: { kind: 'parameters', total: LLAMA_7B } });
add({ category: 'structure', name: 'JSON with a byte-order mark', files: { 'config.json': '\uFEFF' + json(LLAMA) }, expect: { kind: 'any' } });
add({ category: 'structure', name: '10,000-deep JSON nesting', files: { 'config.json': `{"hidden_size": 1, "a": ${'['.repeat(10_000)}${']'.repeat(10_000)}}` }, expect: { kind: 'refuse' } });
add({ category: 'structure', name: '10,000 configs in a Python list', files: { 'many.py': `CONFIGS = [\n${Array.from({ length: 10_000 }, (_, i) => `    dict(hidden_size=${64 * ((i % 8) + 1)}, num_hidden_layers=2, num_attention_heads=4, vocab_size=1000),`).join('\n')}\n]\n` }, expect: { kind: 'any' } });
add({ category: 'structure', name: '6,000 configs in JSON', files: { 'many.json': JSON.stringify({ models: Array.from({ length: 6000 }, (_, i) => ({ ...LLAMA, name: `m${i}` })) }) }, expect: { kind: 'any' } });
add({ category: 'structure', name: '2,500 YAML documents', files: { 'many.yaml': Array(2500).fill(yamlOf(LLAMA)).join('---\n') }, expect: { kind: 'any' } });
add({ category: 'structure', name: 'an empty file', files: { 'config.json': '' }, expect: { kind: 'any' } });
add({ category: 'structure', name: 'binary bytes named .json', files: { 'config.json': Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256)) }, expect: { kind: 'any' } });
add({ category: 'structure', name: 'NUL bytes inside a config', files: { 'config.json': json(LLAMA).replace('"llama"', '"lla\u0000ma"') }, expect: { kind: 'any' } });
add({ category: 'structure', name: 'invalid UTF-8 inside a config', files: { 'config.json': Buffer.concat([Buffer.from('{"model_type": "'), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from(json(LLAMA).slice(17))]) }, expect: { kind: 'any' } });
add({ category: 'structure', name: 'keys in many scripts and emoji', files: { 'config.json': json({ ...LLAMA, 'ключ': 1, '🦙': 'llama', '\u202eevil': 2 }) }, expect: { kind: 'parameters', total: LLAMA_7B } });

// --- YAML ---
const levels = Array.from({ length: 9 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(9).fill(`*${String.fromCharCode(97 + i)}`).join(', ')}]`);
add({ category: 'YAML', name: 'an alias bomb (billion laughs)', files: { 'bomb.yaml': `${yamlOf(LLAMA)}a: &a [x, x, x, x, x, x, x, x, x]\n${levels.join('\n')}\n` }, expect: { kind: 'refuse' } });
add({ category: 'YAML', name: '1,000 aliases after 8,000 list items', files: { 'a.yaml': `base: &b {x: 1}\n${yamlOf(LLAMA)}list:\n${'  - item\n'.repeat(8000)}refs:\n${'  - *b\n'.repeat(1000)}` }, expect: { kind: 'any' } });
add({ category: 'YAML', name: '900 aliases in a model file', files: { 'a.yaml': `${yamlOf(LLAMA).replace('hidden_size: 4096', 'hidden_size: &h 4096')}x:\n${Array.from({ length: 900 }, (_, i) => `  k${i}: *h`).join('\n')}\n` }, expect: { kind: 'parameters', total: LLAMA_7B } });
add({ category: 'YAML', name: 'a merge key: the base merged, the override wins', files: { 'm.yaml': `base: &base\n${yamlOf(LLAMA).replace(/^/gm, '  ').trimEnd()}\nbig:\n  num_hidden_layers: 80\n  <<: *base\n` }, expect: { kind: 'parameters', total: LLAMA_7B } });
add({ category: 'YAML', name: 'merge of a list of maps', files: { 'm.yaml': `a: &a {num_hidden_layers: 80}\nb: &b {num_hidden_layers: 32}\nc:\n  <<: [*a, *b]\n${yamlOf(LLAMA).replace('num_hidden_layers: 32\n', '').replace(/^/gm, '  ')}` }, expect: { kind: 'parameters', total: LLAMA_80_LAYERS } });
add({ category: 'YAML', name: 'a Python object tag (never constructed)', files: { 't.yaml': `${yamlOf(LLAMA)}evil: !!python/object/apply:os.system ["touch PWNED"]\n` }, expect: { kind: 'any' } });
add({ category: 'YAML', name: 'bad indentation (a syntax error inside the config)', files: { 'bad.yaml': yamlOf(LLAMA).replace('num_attention_heads: 32', '  num_attention_heads: 32\n bad: [') }, expect: { kind: 'refuse' } });
add({ category: 'YAML', name: '200-deep flow nesting', files: { 'deep.yaml': `${yamlOf(LLAMA)}x: ${'['.repeat(200)}${']'.repeat(200)}\n` }, expect: { kind: 'refuse' } });
add({ category: 'YAML', name: '4_096 and yes, as PyYAML reads them', files: { 'y.yaml': yamlOf(LLAMA).replace('4096', '4_096') + 'gradient_checkpointing: yes\n' }, expect: { kind: 'parameters', total: LLAMA_7B } });
add({ category: 'YAML', name: 'tabs for indentation', files: { 'tabs.yaml': `model:\n\thidden_size: 4096\n` }, expect: { kind: 'any' } });
add({ category: 'YAML', name: 'a 200 KB string value', files: { 's.yaml': `${yamlOf(LLAMA)}note: "${'x'.repeat(200_000)}"\n` }, expect: { kind: 'parameters', total: LLAMA_7B } });

// --- Python: never executed, never a number from code it does not follow ---
const pwned = path.join(os.tmpdir(), `vram-lens-pwned-${process.pid}`);
for (const [name, code] of [
  ['os.system', `import os\nos.system("touch ${pwned}")\n`],
  ['exec', `exec("open('${pwned}', 'w')")\n`],
  ['__import__', `__import__("os").system("touch ${pwned}")\n`],
  ['open() in a value', `hidden_size = open("${pwned}", "w")\n`],
  ['eval in a value', `vocab_size = eval("open('${pwned}', 'w')")\n`],
  ['subprocess at import', `import subprocess\nsubprocess.run(["touch", "${pwned}"])\n`],
] as const) {
  add({ category: 'Python', name: `${name} is read, never run`, files: { 'config.py': code + Object.entries(LLAMA).map(([k, v]) => `${k} = ${JSON.stringify(v)}`).join('\n') + '\n' }, expect: { kind: 'any' } });
}
for (const [name, value] of [['a lambda', 'lambda: 32000'], ['a walrus', '(v := 32000)'], ['a conditional', '32000 if big else 50000'], ['a name from elsewhere', 'VOCAB'], ['an attribute', 'tokenizer.vocab_size'], ['a subscript', 'sizes[0]'], ['a comprehension', 'sum(x for x in [32000])'], ['an f-string', 'f"{32000}"'], ['a star', '*sizes']] as const) {
  add({ category: 'Python', name: `vocab_size is ${name}`, files: { 'config.py': `config = LlamaConfig(hidden_size=4096, num_hidden_layers=32, num_attention_heads=32, intermediate_size=11008, vocab_size=${value})\n` }, expect: { kind: 'refuse' } });
}
add({ category: 'Python', name: 'arithmetic and references (control)', files: { 'config.py': 'n = 32\nhidden_size = 128 * n\nnum_hidden_layers = n\nnum_attention_heads = n\nintermediate_size = 11008\nvocab_size = 32_000\nmodel_type = "llama"\n' }, expect: { kind: 'parameters', total: LLAMA_7B } });
add({ category: 'Python', name: 'n_layer += 48 after 32: 80, as Python runs it', files: { 'config.py': Object.entries(LLAMA).map(([k, v]) => `${k} = ${JSON.stringify(v)}`).join('\n') + '\nnum_hidden_layers += 48\n' }, expect: { kind: 'parameters', total: LLAMA_80_LAYERS } });
add({ category: 'Python', name: 'a size set again inside an if block', files: { 'config.py': Object.entries(LLAMA).map(([k, v]) => `${k} = ${JSON.stringify(v)}`).join('\n') + '\nif big:\n    num_hidden_layers = 80\n' }, expect: { kind: 'refuse' } });
add({ category: 'Python', name: '2**1000 as a size', files: { 'config.py': pyOf(LLAMA).replace('hidden_size=4096', 'hidden_size=2**1000') }, expect: { kind: 'refuse' } });
add({ category: 'Python', name: 'division by zero in a size', files: { 'config.py': pyOf(LLAMA).replace('hidden_size=4096', 'hidden_size=4096 // 0') }, expect: { kind: 'refuse' } });
add({ category: 'Python', name: '10,000-deep parentheses', files: { 'config.py': `n_embd = ${'('.repeat(10_000)}1${')'.repeat(10_000)}\nn_layer = 2\nn_head = 2\n` }, expect: { kind: 'any' } });
add({ category: 'Python', name: 'an unterminated triple-quoted string', files: { 'config.py': `"""\n${pyOf(LLAMA)}` }, expect: { kind: 'any' } });
add({ category: 'Python', name: 'a self-reference', files: { 'config.py': 'hidden_size = hidden_size\nnum_hidden_layers = 32\nnum_attention_heads = 32\nvocab_size = 32000\n' }, expect: { kind: 'refuse' } });
add({ category: 'Python', name: 'a 1,000-deep nested dict', files: { 'config.py': `x = ${'{"a": '.repeat(1000)}1${'}'.repeat(1000)}\n${pyOf(LLAMA)}` }, expect: { kind: 'parameters', total: LLAMA_7B } });

// --- TOML ---
add({ category: 'TOML', name: '400,000 spaces in a string', files: { 't.toml': `[model]\nname = "llama3"\nflavor = "8B"\nx = "a${' '.repeat(400_000)}b"\n` }, expect: { kind: 'estimate' } });
add({ category: 'TOML', name: '400,000 spaces in a nested array', files: { 't.toml': `[model]\nname = "llama3"\nflavor = "8B"\nx = [[1,${' '.repeat(200_000)}2],${' '.repeat(200_000)}[3]]\n` }, expect: { kind: 'estimate' } });
add({ category: 'TOML', name: 'invalid TOML', files: { 't.toml': '[model\nname = "llama3"\nflavor = "8B"\nx = ' }, expect: { kind: 'refuse' } });
add({ category: 'TOML', name: 'a 10,000-deep array', files: { 't.toml': `[model]\nname = "llama3"\nflavor = "8B"\nx = ${'['.repeat(10_000)}${']'.repeat(10_000)}\n` }, expect: { kind: 'any' } });
add({ category: 'TOML', name: 'sizes as nan and inf', files: { 't.toml': tomlOf(LLAMA).replace('hidden_size = 4096', 'hidden_size = nan') }, expect: { kind: 'refuse' } });
add({ category: 'TOML', name: 'a 64-bit integer past 2^53', files: { 't.toml': tomlOf(LLAMA).replace('vocab_size = 32000', 'vocab_size = 9223372036854775807') }, expect: { kind: 'refuse' } });

// --- Launch scripts ---
const MEGATRON_ARGS = 'M=( --num-layers 32 --hidden-size 4096 --num-attention-heads 32 --vocab-size 32000 )\n';
add({ category: 'Shell', name: 'an array doubled by itself 40 times', files: { 'run.sh': `A=( --x 1 )\n${'A+=( ${A[@]} ${A[@]} )\n'.repeat(40)}torchrun pretrain_gpt.py \${A[@]}\n` }, expect: { kind: 'any' } });
add({ category: 'Shell', name: 'an array that never closes', files: { 'run.sh': `${MEGATRON_ARGS}B=( --seq-length 4096\n${'  --x 1\n'.repeat(5000)}torchrun pretrain_gpt.py \${M[@]}\n` }, expect: { kind: 'any' } });
add({ category: 'Shell', name: '5,000 Megatron-LM launches', files: { 'run.sh': `${MEGATRON_ARGS}${'torchrun --nproc_per_node 8 pretrain_gpt.py ${M[@]} --micro-batch-size 1\n'.repeat(5000)}` }, expect: { kind: 'any' } });
add({ category: 'Shell', name: 'a launch of a script that reads itself', files: { 'run.sh': 'accelerate launch --config_file run.sh run.sh --per_device_train_batch_size 2\n' }, expect: { kind: 'any' } });
add({ category: 'Shell', name: 'NeMo 2 on 10^8 nodes', files: { 'run.sh': 'nemo llm pretrain --factory "llama3_8b(num_nodes=100000000)"\n' }, expect: { kind: 'refuse' } });
add({ category: 'Shell', name: 'NeMo 2 with an override that is no number', files: { 'run.sh': 'nemo llm pretrain --factory llama3_8b trainer.strategy.tensor_model_parallel_size=two\n' }, expect: { kind: 'refuse' } });
add({ category: 'Shell', name: 'a NeMo Hydra launch of itself', files: { 'run.sh': 'python run.py --config-path=. --config-name=run.sh trainer.devices=8\n' }, expect: { kind: 'any' } });
add({ category: 'Shell', name: 'a Megatron-LM layer count of 10^30', files: { 'run.sh': `${MEGATRON_ARGS.replace('32 --hidden', '1000000000000000000000000000000 --hidden')}torchrun pretrain_gpt.py \${M[@]}\n` }, expect: { kind: 'refuse' } });

// --- Serving commands and deployment files ---
add({ category: 'Serving', name: 'vllm serve (control)', files: { 'serve.sh': 'vllm serve meta-llama/Llama-3.1-8B-Instruct --max-model-len 8192\n' }, expect: { kind: 'estimate' } });
add({ category: 'Serving', name: 'a budget of 1e400', files: { 'serve.sh': 'vllm serve meta-llama/Llama-3.1-8B-Instruct --gpu-memory-utilization 1e400\n' }, expect: { kind: 'refuse' } });
add({ category: 'Serving', name: 'a budget that is no number', files: { 'serve.sh': 'vllm serve meta-llama/Llama-3.1-8B-Instruct --gpu-memory-utilization NaN\n' }, expect: { kind: 'refuse' } });
add({ category: 'Serving', name: 'max_model_len of 10^30', files: { 'serve.sh': 'vllm serve meta-llama/Llama-3.1-8B-Instruct --max-model-len 1000000000000000000000000000000\n' }, expect: { kind: 'refuse' } });
add({ category: 'Serving', name: 'tensor parallelism over 0 GPUs', files: { 'serve.sh': 'vllm serve meta-llama/Llama-3.1-8B-Instruct -tp 0\n' }, expect: { kind: 'refuse' } });
add({ category: 'Serving', name: 'llama.cpp with a negative context', files: { 'serve.sh': 'llama-server -m Meta-Llama-3.1-8B-Instruct-Q4_K_M.gguf -c -5\n' }, expect: { kind: 'any' } });
add({ category: 'Serving', name: 'llama.cpp with a cache type it has not', files: { 'serve.sh': 'llama-server -m Meta-Llama-3.1-8B-Instruct-Q4_K_M.gguf -ctk q9_9\n' }, expect: { kind: 'refuse' } });
add({ category: 'Serving', name: 'llama.cpp with a tensor split of nothing', files: { 'serve.sh': 'llama-server -m Meta-Llama-3.1-8B-Instruct-Q4_K_M.gguf -ts 0,0\n' }, expect: { kind: 'refuse' } });
add({ category: 'Serving', name: '5,000 llama-server lines', files: { 'serve.sh': 'llama-server -m Meta-Llama-3.1-8B-Instruct-Q4_K_M.gguf -c 4096\n'.repeat(5000) }, expect: { kind: 'any' } });
add({ category: 'Serving', name: 'a Dockerfile whose CMD never closes', files: { Dockerfile: `FROM vllm/vllm-openai:latest\nCMD ["--model", "meta-llama/Llama-3.1-8B-Instruct", ${'"--x", \\\n'.repeat(3000)}\n` }, expect: { kind: 'any' } });
add({ category: 'Serving', name: 'a Dockerfile of 20,000 CMD lines', files: { Dockerfile: `FROM vllm/vllm-openai:latest\n${'CMD ["--model", "meta-llama/Llama-3.1-8B-Instruct"]\n'.repeat(20000)}` }, expect: { kind: 'any' } });
add({ category: 'Serving', name: 'a Modelfile with num_ctx 1e400', files: { Modelfile: 'FROM llama3.1:8b\nPARAMETER num_ctx 1e400\n' }, expect: { kind: 'refuse' } });
add({ category: 'Serving', name: 'a compose file of 3,000 vLLM services', files: { 'docker-compose.yml': `services:\n${Array.from({ length: 3000 }, (_, i) => `  s${i}:\n    image: vllm/vllm-openai:latest\n    command: --model meta-llama/Llama-3.1-8B-Instruct\n`).join('')}` }, expect: { kind: 'any' } });
add({ category: 'Serving', name: 'a .gguf that is not one', files: { 'serve.sh': 'llama-server -m ./fake.gguf -c 4096\n', 'fake.gguf': 'GGUF' + 'x'.repeat(5000) }, expect: { kind: 'any' } });

// --- The reader shapes of bench:parse, at their size limits ---
for (const shape of SHAPES) {
  const ext = { json: 'json', yaml: 'yaml', python: 'py', toml: 'toml', shell: 'sh', dockerfile: 'dockerfile', modelfile: 'modelfile' }[shape.format];
  add({ category: 'shapes', name: shape.name, files: { [`shape.${ext}`]: shape.text(500 * 1024) }, expect: { kind: 'any' } });
}

// --- CLI flags and files ---
const LLAMA_FILE = { 'config.json': json(LLAMA) };
for (const flag of ['--batch', '--seq', '--new-tokens', '--grad-accum', '--gpus', '--tp', '--pp', '--lora-rank', '--group-size', '--overhead-mib']) {
  for (const value of ['-1', '0', '1.5', 'abc', '1e100', '99999999999', '']) {
    if (flag === '--overhead-mib' && value === '0') {
      continue; // no overhead is a valid choice
    }
    add({ category: 'CLI', name: `${flag} ${JSON.stringify(value)}`, files: LLAMA_FILE, args: ['config.json', `${flag}=${value}`], expect: { kind: 'usage' } });
  }
}
for (const [flag, value] of [['--zero', '4'], ['--zero', ''], ['--precision', 'fp64'], ['--mode', 'sleep'], ['--gpu', 'Voodoo 2'], ['--gpu', '0x RTX 4090'], ['--lora-dropout', '1.5'], ['--lora-dropout', ''], ['--reserve-pct', '-5'], ['--quantization', 'int3'], ['--lora-targets', 'q']] as const) {
  add({ category: 'CLI', name: `${flag} ${JSON.stringify(value)}`, files: LLAMA_FILE, args: ['config.json', `${flag}=${value}`], expect: { kind: 'usage' } });
}
add({ category: 'CLI', name: '--tp 3 on 32 heads', files: LLAMA_FILE, args: ['config.json', '--tp', '3'], expect: { kind: 'refuse' } });
add({ category: 'CLI', name: '--gpus 6 --tp 4', files: LLAMA_FILE, args: ['config.json', '--gpus', '6', '--tp', '4'], expect: { kind: 'usage' } });
add({ category: 'CLI', name: '--gpu "3x RTX 4090" on 32 heads', files: LLAMA_FILE, args: ['config.json', '--gpu', '3x RTX 4090'], expect: { kind: 'refuse' } });
add({ category: 'CLI', name: '--pp 64 on 32 layers', files: LLAMA_FILE, args: ['config.json', '--pp', '64'], expect: { kind: 'refuse' } });
add({ category: 'CLI', name: 'an unknown flag', files: LLAMA_FILE, args: ['config.json', '--frobnicate'], expect: { kind: 'usage' } });
add({ category: 'CLI', name: 'no file', files: {}, args: [], expect: { kind: 'usage' } });
add({ category: 'CLI', name: 'a missing file', files: {}, args: ['nope.json'], expect: { kind: 'usage' } });
add({ category: 'CLI', name: 'a link to /dev/zero', files: {}, args: ['zero.json'], setup: d => fs.symlinkSync('/dev/zero', path.join(d, 'zero.json')), expect: { kind: 'usage' } });
add({ category: 'CLI', name: 'a link to /dev/urandom', files: {}, args: ['random.yaml'], setup: d => fs.symlinkSync('/dev/urandom', path.join(d, 'random.yaml')), expect: { kind: 'usage' } });
add({ category: 'CLI', name: 'a FIFO', files: {}, args: ['pipe.json'], setup: d => spawnSync('mkfifo', [path.join(d, 'pipe.json')]), expect: { kind: 'usage' } });
add({ category: 'CLI', name: 'a directory', files: {}, args: ['dir.json'], setup: d => fs.mkdirSync(path.join(d, 'dir.json')), expect: { kind: 'usage' } });
add({ category: 'CLI', name: 'a 50 MB file', files: { 'big.json': `{"hidden_size": 1, "x": "${'a'.repeat(50_000_000)}"}` }, expect: { kind: 'usage' } });
add({ category: 'CLI', name: 'a file type it does not read', files: { 'model.bin': 'hidden_size: 4096' }, expect: { kind: 'usage' } });
add({ category: 'CLI', name: 'the same file 50 times', files: LLAMA_FILE, args: Array(50).fill('config.json'), expect: { kind: 'parameters', total: LLAMA_7B } });

interface Outcome {
  readonly code: number | null;
  readonly cpuS: number;
  readonly rssMB: number;
  readonly stdout: string;
  readonly stderr: string;
}

function run(c: Case): Outcome {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vram-lens-campaign-'));
  try {
    for (const [name, content] of Object.entries(c.files)) {
      fs.writeFileSync(path.join(dir, name), content);
    }
    c.setup?.(dir);
    const args = c.args ?? Object.keys(c.files);
    const rusage = path.join(dir, '.rusage.json');
    const r = spawnSync(process.execPath, ['--require', preload, cliPath, ...args, '--json'], {
      cwd: dir, encoding: 'utf8', timeout: 20_000, maxBuffer: 256 * 1024 * 1024, env: { ...process.env, VRAM_LENS_RUSAGE: rusage },
    });
    const usage = fs.existsSync(rusage) ? (JSON.parse(fs.readFileSync(rusage, 'utf8')) as { cpuS: number; rssMB: number }) : { cpuS: Infinity, rssMB: Infinity };
    return { code: r.status, cpuS: usage.cpuS, rssMB: usage.rssMB, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

interface Report {
  files: { errors: string[]; configs: { parameters: { total: number } | null; problems: { severity: string; message: string }[] }[] }[];
}

/** Why the case failed, or undefined when it passed. */
function judge(c: Case, o: Outcome): string | undefined {
  if (o.code === null) {
    return 'killed (timeout)';
  }
  if (![0, 2, 3].includes(o.code)) {
    return `exit ${o.code}`;
  }
  if (o.cpuS > CPU_LIMIT_S) {
    return `${o.cpuS.toFixed(2)} s of CPU`;
  }
  if (o.rssMB > RSS_LIMIT_MB) {
    return `${o.rssMB.toFixed(0)} MB`;
  }
  if (/^\s+at .+:\d+:\d+\)?$/m.test(o.stdout + o.stderr)) {
    return 'a stack trace';
  }
  if (fs.existsSync(pwned)) {
    fs.rmSync(pwned, { force: true });
    return 'code was executed';
  }
  if (c.expect.kind === 'usage') {
    return o.code === 2 && (o.stderr.trim() !== '' || /"errors": \[\s*"/.test(o.stdout)) ? undefined : `expected exit 2 with a message, got ${o.code}`;
  }
  let report: Report;
  try {
    report = JSON.parse(o.stdout) as Report;
  } catch {
    return o.code === 2 && o.stderr.trim() !== '' ? undefined : 'no JSON report';
  }
  const configs = report.files.flatMap(f => f.configs);
  const numbers = configs.filter(x => x.parameters !== null);
  const messages = [...report.files.flatMap(f => f.errors), ...configs.flatMap(x => x.problems.map(p => p.message))];
  const hasMessage = messages.length > 0;
  if (o.code === 2 && !hasMessage && o.stderr.trim() === '') {
    return 'exit 2 without a message';
  }
  switch (c.expect.kind) {
    case 'refuse':
      if (numbers.length > 0) {
        return `a number for nonsense: ${numbers[0].parameters!.total.toLocaleString('en-US')} parameters`;
      }
      return hasMessage ? undefined : 'no number, but no message either';
    case 'parameters':
      return numbers[0]?.parameters?.total === c.expect.total ? undefined : `expected ${c.expect.total.toLocaleString('en-US')} parameters, got ${numbers[0]?.parameters?.total.toLocaleString('en-US') ?? 'none'} (${messages.slice(0, 2).join(' | ')})`;
    case 'estimate':
      return numbers.length > 0 ? undefined : `expected an estimate (${messages.slice(0, 2).join(' | ')})`;
    case 'syntax-or-exact': {
      const total = numbers[0]?.parameters?.total;
      const syntax = messages.some(m => /syntax error/i.test(m));
      return total === undefined || total === c.expect.total || syntax ? undefined : `a number (${total.toLocaleString('en-US')}) from a cut-off file without a syntax error`;
    }
    case 'any':
      return undefined;
  }
}

// --- GPU lists (read in-process: the editor reads them, not the CLI) ---
const gpuListCases: [string, string, (r: ReturnType<typeof gpusFromFile>) => boolean][] = [
  ['a GPU of 1e30 MiB is skipped', JSON.stringify({ gpus: [{ name: 'Big', memoryMiB: 1e30 }] }), r => r.gpus.length === 0 && !!r.problem],
  ['a GPU of -1 MiB is skipped', JSON.stringify({ gpus: [{ name: 'Neg', memoryMiB: -1 }] }), r => r.gpus.length === 0 && !!r.problem],
  ['a memory written as a string is skipped', JSON.stringify({ gpus: [{ name: 'S', memoryMiB: '24564' }] }), r => r.gpus.length === 0 && !!r.problem],
  ['a 10,000-character name is skipped', JSON.stringify({ gpus: [{ name: 'x'.repeat(10_000), memoryMiB: 24564 }] }), r => r.gpus.length === 0 && !!r.problem],
  ['100,000 GPUs are not read', JSON.stringify({ gpus: Array(100_000).fill({ name: 'x', memoryMiB: 1 }) }), r => r.gpus.length === 0 && !!r.problem],
  ['a list that is not an object', '[1, 2, 3]', r => r.gpus.length === 0 && !!r.problem],
  ['a cut-off list', '{"gpus": [{"name": "Lab", "memoryMiB": 245', r => r.gpus.length === 0 && !!r.problem],
  ['a valid list (control)', JSON.stringify({ gpus: [{ name: 'Lab A6000', memoryMiB: 49140 }] }), r => r.gpus.length === 1 && r.problem === undefined],
];

if (!fs.existsSync(cliPath)) {
  console.error('dist/cli.js is missing: run npm run build first.');
  process.exit(1);
}
const byCategory = new Map<string, { cases: number; failed: string[]; cpuMax: number; rssMax: number }>();
for (const c of cases) {
  const o = run(c);
  const why = judge(c, o);
  const cat = byCategory.get(c.category) ?? { cases: 0, failed: [], cpuMax: 0, rssMax: 0 };
  cat.cases++;
  cat.cpuMax = Math.max(cat.cpuMax, o.cpuS);
  cat.rssMax = Math.max(cat.rssMax, o.rssMB);
  if (why) {
    cat.failed.push(`${c.name}: ${why}`);
  }
  byCategory.set(c.category, cat);
}
const gpuCat = { cases: gpuListCases.length, failed: [] as string[], cpuMax: 0, rssMax: 0 };
for (const [name, text, ok] of gpuListCases) {
  const t0 = process.cpuUsage();
  const r = gpusFromFile(text);
  const cpu = process.cpuUsage(t0);
  gpuCat.cpuMax = Math.max(gpuCat.cpuMax, (cpu.user + cpu.system) / 1e6);
  if (!ok(r)) {
    gpuCat.failed.push(`${name}: ${JSON.stringify(r).slice(0, 120)}`);
  }
}
byCategory.set('GPU lists', gpuCat);

const rows = [['category', 'cases', 'passed', 'worst CPU', 'worst RSS']];
let total = 0;
let failed = 0;
for (const [name, cat] of byCategory) {
  total += cat.cases;
  failed += cat.failed.length;
  rows.push([name, String(cat.cases), String(cat.cases - cat.failed.length), `${cat.cpuMax.toFixed(2)} s`, name === 'GPU lists' ? '—' : `${cat.rssMax.toFixed(0)} MB`]);
}
rows.push(['all', String(total), String(total - failed), '', '']);
const widths = rows[0].map((_, i) => Math.max(...rows.map(r => r[i].length)));
for (const r of rows) {
  console.log(r.map((x, i) => (i === 0 ? x.padEnd(widths[i]) : x.padStart(widths[i]))).join('  '));
}
for (const [name, cat] of byCategory) {
  for (const f of cat.failed) {
    console.log(`FAILED [${name}] ${f}`);
  }
}
process.exitCode = failed > 0 ? 1 : 0;
