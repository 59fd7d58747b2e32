// Launch scripts (bash): the serving engines they start (vLLM, SGLang) and the training launches they run — `tune run` (torchtune), `torchrun … torchtitan`, a training script under `accelerate launch`, `deepspeed`, `torchrun` or `python` (Megatron-LM's pretrain scripts, NeMo's Hydra scripts), and `nemo llm pretrain` / `finetune` — as trees the engine reads, with the file each names, its GPU count and its command-line settings. Read, never executed.
import type { CallSite, ConfigDocument, ConfigEntry, ConfigObject, ConfigValue } from '../core/configTree';
import { ACCELERATE_FLAGS } from '../core/launchers';
import { nemoRecipeRun } from '../core/script';
import { LAUNCH_KEYS, LLAMA_HUB_KEY, MEGATRON_SCRIPT_KEY, MODEL_NAME_KEYS, NEMO_FINETUNE_CALL, NEMO_RECIPE_CALL, SERVING_ENGINE_KEY, SERVING_FLAG_ALIASES, SERVING_VERSION_KEY } from '../core/vocabulary';
import type { Span } from '../core/types';

/** A word of a command, unquoted and with the script's variables expanded, and where it is written. */
interface Word {
  readonly text: string;
  readonly span: Span;
}

/** The most words an array (or a command using arrays) holds: far beyond any launch, short of a doubling that never ends. */
const MAX_ARRAY_WORDS = 5_000;

/**
 * Shell variables a launch commonly reads (`NGPU=${NGPU:-"8"}`), by name: their last assignment before the use; and
 * arrays (`MODEL_ARGS=( --num-layers 32 … )`, Megatron-LM's launch scripts), each element a word where it is written.
 */
interface Variables {
  readonly scalars: Map<string, string>;
  readonly arrays: Map<string, Word[]>;
}

/** A blank between words: space, tab, carriage return. */
function blank(c: string | undefined): boolean {
  return c === ' ' || c === '\t' || c === '\r' || c === '\n';
}

/** The logical lines of a script: backslash-newline joined, comments dropped, with each character's offset kept. */
function logicalLines(text: string): { chars: string; offsets: number[] }[] {
  const lines: { chars: string; offsets: number[] }[] = [];
  let chars = '';
  let offsets: number[] = [];
  let quote: string | undefined;
  // Inside an array assignment's parentheses (`ARGS=(` … `)`), a line break is a blank.
  let array = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\\' && text[i + 1] === '\n' && quote !== "'") {
      i++;
      continue;
    }
    if (c === '\\' && text[i + 1] === '\r' && text[i + 2] === '\n' && quote !== "'") {
      i += 2;
      continue;
    }
    if (!quote && c === '#' && (chars === '' || blank(chars[chars.length - 1]))) {
      while (i < text.length && text[i] !== '\n') {
        i++;
      }
      i--;
      continue;
    }
    if ((c === '"' || c === "'") && (quote === undefined || quote === c)) {
      quote = quote === undefined ? c : undefined;
    }
    if (!quote && c === '(' && chars.endsWith('=')) {
      array = true;
    } else if (!quote && c === ')') {
      array = false;
    }
    if (c === '\n' && !quote && array) {
      chars += ' ';
      offsets.push(i);
      continue;
    }
    if (c === '\n' && !quote) {
      lines.push({ chars, offsets });
      chars = '';
      offsets = [];
      continue;
    }
    chars += c;
    offsets.push(i);
  }
  lines.push({ chars, offsets });
  return lines;
}

/** `$NAME`, `${NAME}` and `${NAME:-default}` with what the script assigned (or the default, or nothing). */
function expand(word: string, vars: Variables): string {
  return word.replace(/\$\{(\w+)(?::?-([^}]*))?\}|\$(\w+)/g, (_, braced: string | undefined, fallback: string | undefined, bare: string | undefined) => {
    const name = braced ?? bare ?? '';
    return vars.scalars.get(name) ?? (fallback !== undefined ? fallback.replace(/^["']|["']$/g, '') : '');
  });
}

/** The words of one logical line, split on blanks outside quotes, quotes removed; commands split on `&&`, `;` and `|`. */
function commands(line: { chars: string; offsets: number[] }, vars: Variables): Word[][] {
  const out: Word[][] = [];
  let current: Word[] = [];
  let text = '';
  let start = -1;
  let end = -1;
  let quote: string | undefined;
  const flush = () => {
    const array = /^\$\{(\w+)\[[@*]\]\}$/.exec(text);
    if (start >= 0 && array) {
      // Never more words in a command than a script this size can write (an array doubled by itself line after line).
      current.push(...(vars.arrays.get(array[1]) ?? []).slice(0, Math.max(0, MAX_ARRAY_WORDS - current.length)));
    } else if (start >= 0) {
      current.push({ text: expand(text, vars), span: { start, end } });
    }
    text = '';
    start = -1;
  };
  for (let i = 0; i < line.chars.length; i++) {
    const c = line.chars[i];
    if (!quote && blank(c)) {
      flush();
      continue;
    }
    if (!quote && (c === ';' || c === '|' || (c === '&' && line.chars[i + 1] === '&'))) {
      flush();
      if (c === '&') {
        i++;
      }
      out.push(current);
      current = [];
      continue;
    }
    if ((c === '"' || c === "'") && (quote === undefined || quote === c)) {
      quote = quote === undefined ? c : undefined;
      start = start < 0 ? line.offsets[i] : start;
      end = line.offsets[i] + 1;
      continue;
    }
    start = start < 0 ? line.offsets[i] : start;
    end = line.offsets[i] + 1;
    text += c;
  }
  flush();
  out.push(current);
  return out.filter(words => words.length > 0);
}

/** An entry whose value is a word as written (a file a launch names), at that word. */
function wordEntry(key: string, word: Word): ConfigEntry {
  return { key, keySpan: word.span, value: { kind: 'string', value: word.text, span: word.span } };
}

/** A value written on a command line: a number, true / false, or the text. */
function scalar(text: string, span: Span): ConfigValue {
  if (/^-?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(text)) {
    return { kind: 'number', value: Number(text), raw: text, span };
  }
  if (/^(true|false|True|False)$/.test(text)) {
    return { kind: 'boolean', value: text.toLowerCase() === 'true', span };
  }
  return { kind: 'string', value: text, span };
}

/**
 * The `key=value` words of a command line, as torchtune, Hydra and NeMo-Run read them (OmegaConf overrides): a dotted
 * key, `+key` / `++key` to add or force one, `null` for none.
 */
function keyValueWords(words: readonly Word[]): { key: string; keySpan: Span; value: ConfigValue }[] {
  return words.filter(w => /^\+{0,2}[A-Za-z_][\w.]*=/.test(w.text)).map(w => {
    const plus = /^\++/.exec(w.text)?.[0].length ?? 0;
    const eq = w.text.indexOf('=');
    const text = w.text.slice(eq + 1);
    const span = { start: w.span.start + eq + 1, end: w.span.end };
    const value: ConfigValue = /^(null|None|~)$/.test(text) ? { kind: 'null', span } : scalar(text, span);
    return { key: w.text.slice(plus, eq), keySpan: { start: w.span.start + plus, end: w.span.start + eq }, value };
  });
}

/** `--name N`, `--name=N` or (torchrun) `--nproc-per-node N`: the value word and where it is. */
function flagValue(words: readonly Word[], names: readonly string[]): Word | undefined {
  for (let i = 0; i < words.length; i++) {
    for (const name of names) {
      if (words[i].text === name && words[i + 1]) {
        return words[i + 1];
      }
      if (words[i].text.startsWith(`${name}=`)) {
        const w = words[i];
        return { text: w.text.slice(name.length + 1), span: { start: w.span.start + name.length + 1, end: w.span.end } };
      }
    }
  }
  return undefined;
}

/** Dotted overrides as nested entries: `training.batch_size=4` → training: { batch_size: 4 }. */
function nest(overrides: readonly { key: string; keySpan: Span; value: ConfigValue }[], span: Span): ConfigEntry[] {
  const root: ConfigEntry[] = [];
  for (const o of overrides) {
    const parts = o.key.split('.').filter(p => p !== '');
    let level = root;
    for (let i = 0; i < parts.length - 1; i++) {
      let e = level.find(x => x.key === parts[i]);
      if (!e || e.value.kind !== 'object') {
        e = { key: parts[i], keySpan: o.keySpan, value: { kind: 'object', entries: [], span } };
        level.push(e);
      }
      level = (e.value as unknown as { entries: ConfigEntry[] }).entries;
    }
    const leaf = parts[parts.length - 1];
    if (leaf !== undefined) {
      const at = level.findIndex(x => x.key === leaf);
      const entry = { key: leaf, keySpan: o.keySpan, value: o.value };
      if (at >= 0) {
        level[at] = entry;
      } else {
        level.push(entry);
      }
    }
  }
  return root;
}

/**
 * How many GPUs a launch runs on: processes per node × nodes, when the command says — torchrun's `--nproc_per_node`
 * and `--nnodes`, or the names another launcher gives them.
 */
function gpuCount(
  words: readonly Word[], perNodeFlags: readonly string[] = ['--nproc_per_node', '--nproc-per-node'], nodeFlags: readonly string[] = ['--nnodes'],
): { value: ConfigValue; span: Span; perNode: number } | undefined {
  const perNode = flagValue(words, perNodeFlags);
  const nodes = flagValue(words, nodeFlags);
  const n = perNode && /^\d+$/.test(perNode.text) ? Number(perNode.text) : undefined;
  const m = nodes && /^\d+$/.test(nodes.text) ? Number(nodes.text) : 1;
  return n === undefined ? undefined : { value: { kind: 'number', value: n * m, raw: String(n * m), span: perNode!.span }, span: perNode!.span, perNode: n };
}

/** A launch's GPU count as entries: the GPUs in all and, across several nodes, the GPUs per node. */
function gpuEntries(gpus: ReturnType<typeof gpuCount>): ConfigEntry[] {
  if (!gpus) {
    return [];
  }
  const entries: ConfigEntry[] = [{ key: LAUNCH_KEYS.gpus, keySpan: gpus.span, value: gpus.value }];
  if (gpus.value.kind === 'number' && gpus.value.value > gpus.perNode) {
    entries.push({ key: LAUNCH_KEYS.gpusPerNode, keySpan: gpus.span, value: { kind: 'number', value: gpus.perNode, raw: String(gpus.perNode), span: gpus.span } });
  }
  return entries;
}

/**
 * `tune run [--nproc_per_node N] RECIPE --config FILE [key=value …]`: the recipe file (a path: a built-in config name
 * is torchtune's to read), the GPUs and the overrides.
 */
function tuneLaunch(words: readonly Word[]): ConfigEntry[] | undefined {
  const config = flagValue(words, ['--config']);
  if (!config || !/\.(ya?ml)$/i.test(config.text)) {
    return undefined;
  }
  // torchtune reads every `key=value` word of its command line as an override (the leading VAR=… are the shell's).
  return [wordEntry(LAUNCH_KEYS.recipe, config), ...overridesWithGpus(words, keyValueWords(words), config.span)];
}

/**
 * `torchrun [--nproc_per_node N] … torchtitan … --job.config_file FILE [--section.key value …]`: torchtitan's job
 * file, the GPUs and its command-line overrides.
 */
function titanLaunch(words: readonly Word[]): ConfigEntry[] | undefined {
  const config = flagValue(words, ['--job.config_file', '--job.config-file']);
  if (!config || !/\.toml$/i.test(config.text)) {
    return undefined;
  }
  // Its overrides are dotted (`--training.batch_size 1`); torchrun's own flags are not.
  const overrides = flagArguments(words, 0).filter(f => /^[a-z_]+\./.test(f.key) && !f.key.startsWith('job.'));
  return [wordEntry(LAUNCH_KEYS.recipe, config), ...overridesWithGpus(words, overrides, config.span)];
}

function overridesWithGpus(words: readonly Word[], overrides: { key: string; keySpan: Span; value: ConfigValue }[], span: Span): ConfigEntry[] {
  return [...gpuEntries(gpuCount(words)), ...nest(overrides, span)];
}

/** `--name value`, `--name=value` or a bare `--flag` (true), from `from` to the end: a script's or launcher's arguments. */
function flagArguments(words: readonly Word[], from: number): { key: string; keySpan: Span; value: ConfigValue }[] {
  const out: { key: string; keySpan: Span; value: ConfigValue }[] = [];
  for (let i = from; i < words.length; i++) {
    const m = /^--([A-Za-z][\w.-]*)(?:=(.*))?$/.exec(words[i].text);
    if (!m) {
      continue;
    }
    const key = m[1].replace(/-/g, '_');
    const keySpan = { start: words[i].span.start + 2, end: words[i].span.start + 2 + m[1].length };
    if (m[2] !== undefined) {
      out.push({ key, keySpan, value: scalar(m[2], { start: keySpan.end + 1, end: words[i].span.end }) });
    } else if (words[i + 1] && !words[i + 1].text.startsWith('--')) {
      out.push({ key, keySpan, value: scalar(words[i + 1].text, words[i + 1].span) });
      i++;
    } else {
      out.push({ key, keySpan, value: { kind: 'boolean', value: true, span: words[i].span } });
    }
  }
  return out;
}

/** Arguments that make `python script.py …` a training launch: a model named, or a run's batch (HF's and Megatron-LM's names). */
const TRAINING_ARGUMENTS: ReadonlySet<string> = new Set([...MODEL_NAME_KEYS, 'per_device_train_batch_size', 'micro_batch_size', 'num_layers', 'deepspeed']);

/**
 * A NeMo example script's Hydra command line (`megatron_gpt_pretraining.py --config-path=conf
 * --config-name=megatron_gpt_config trainer.devices=8 model.micro_batch_size=4`): the YAML it names (the config path
 * is the script's folder's, `conf` unless said, as NeMo's scripts declare it) and its `key=value` overrides (`+key`
 * and `++key` add or force one). Undefined without `--config-name`.
 */
function hydraLaunch(words: readonly Word[], at: number): ConfigEntry[] | undefined {
  const script = words[at];
  const args = words.slice(at + 1);
  const name = flagValue(args, ['--config-name', '-cn']);
  if (!name) {
    return undefined;
  }
  const dir = flagValue(args, ['--config-path', '-cp'])?.text ?? 'conf';
  const scriptDir = script.text.includes('/') ? script.text.slice(0, script.text.lastIndexOf('/') + 1) : '';
  const folder = dir.startsWith('/') ? dir : `${scriptDir}${dir}`;
  const file = `${folder.replace(/\/+$/, '')}/${name.text.replace(/\.ya?ml$/, '')}.yaml`;
  return [wordEntry(LAUNCH_KEYS.recipe, { text: file, span: name.span }), ...nest(keyValueWords(args), name.span)];
}

/** A `--factory` argument's value as Python writes it: a number, a quoted string, None, True or False. */
function factoryValue(text: string, span: Span): ConfigValue {
  if (text === 'None') {
    return { kind: 'null', span };
  }
  if (text === 'True' || text === 'False') {
    return { kind: 'boolean', value: text === 'True', span };
  }
  return /^['"]/.test(text) ? { kind: 'string', value: text.slice(1, -1), span } : scalar(text, span);
}

/**
 * NeMo 2's command line, `nemo llm pretrain --factory llama3_8b [key=value …]` (or `--factory "llama3_8b(num_nodes=2)"`):
 * the recipe it runs, with the factory's arguments and the attributes the overrides set, as a script that builds the
 * same recipe is read. Undefined for a recipe VRAM Lens does not know.
 */
function nemoLaunch(words: readonly Word[], factoryCall: string): ConfigEntry[] | undefined {
  const factory = flagValue(words, ['--factory', '-f']);
  const m = factory && /^(\w+)(?:\((.*)\))?$/.exec(factory.text);
  if (!factory || !m) {
    return undefined;
  }
  const at = factory.span;
  const kwargs: ConfigEntry[] = (m[2] ?? '').split(',').flatMap(part => {
    const kv = /^\s*(\w+)\s*=\s*(\d+|'[^']*'|"[^"]*"|None|True|False)\s*$/.exec(part);
    return kv ? [{ key: kv[1], keySpan: at, value: factoryValue(kv[2], at) }] : [];
  });
  const recipe: CallSite = { callee: `llm.${m[1]}.${factoryCall}`, args: [], kwargs: { kind: 'object', entries: kwargs, span: at }, span: at };
  const sets: CallSite[] = keyValueWords(words).map(o => {
    const span = { start: o.keySpan.start, end: o.value.span.end };
    return { callee: `recipe.${o.key}=`, args: [o.value], kwargs: { kind: 'object', entries: [], span }, span };
  });
  const run = nemoRecipeRun([recipe, ...sets]);
  return run && [...run.obj.entries];
}

/** The first word from `from` that is a Python script the launcher runs, skipping the launcher's own flags and their values. */
function scriptWord(words: readonly Word[], from: number): number {
  return words.findIndex((w, i) => i >= from && /\.py$/.test(w.text));
}

/**
 * A training script under a launcher: `accelerate launch [flags] train.py [args]`, `deepspeed [--num_gpus N] train.py
 * [args]`, `torchrun [--nproc_per_node N] train.py [args]`, or `python train.py [args]` on one GPU. The script (the host reads it for its model and run), the
 * GPUs, accelerate's config file and flags, and the script's own arguments, as HfArgumentParser reads them.
 */
function scriptLaunch(words: readonly Word[], launcher: 'accelerate' | 'deepspeed' | 'torchrun' | 'python'): ConfigEntry[] | undefined {
  const at = scriptWord(words, 1);
  if (at < 0) {
    return undefined;
  }
  const script = words[at];
  const own = words.slice(0, at);
  const hydra = hydraLaunch(words, at);
  if (hydra) {
    return [...hydra, ...gpuEntries(launcher === 'torchrun' ? gpuCount(own) : undefined)];
  }
  // Megatron-LM's pretrain scripts build the model from their arguments: the launch is the whole config.
  const megatron = /(^|\/)pretrain_\w+\.py$/.test(script.text);
  const entries: ConfigEntry[] = [wordEntry(megatron ? MEGATRON_SCRIPT_KEY : LAUNCH_KEYS.recipe, script)];
  if (launcher === 'accelerate') {
    const config = flagValue(own, ['--config_file', '--config-file']);
    if (config) {
      entries.push(wordEntry(LAUNCH_KEYS.accelerateConfig, config));
    }
    const flags = flagArguments(own, 2).filter(f => ACCELERATE_FLAGS.has(f.key));
    if (flags.length > 0) {
      entries.push({ key: LAUNCH_KEYS.accelerate, keySpan: flags[0].keySpan, value: { kind: 'object', entries: nest(flags, script.span), span: script.span } });
    }
  }
  // The deepspeed launcher's GPUs: `--num_gpus` (or `--num_accelerators`) × `--num_nodes`.
  const gpus = launcher === 'deepspeed' ? gpuCount(own, ['--num_gpus', '--num_accelerators'], ['--num_nodes']) : launcher === 'torchrun' ? gpuCount(own) : undefined;
  return [...entries, ...gpuEntries(gpus), ...nest(flagArguments(words, at + 1), script.span)];
}

/** The words that start a launch this reader knows, for the cheap test a script passes before it is parsed. */
const LAUNCH_WORDS = /\b(?:tune\s+run|torchrun|torch\.distributed\.run|accelerate\s+launch|deepspeed|python3?\s+\S+\.py|nemo\s+llm\s+(?:pretrain|finetune)|vllm\s+serve|vllm\.entrypoints|vllm\/vllm-openai|sglang\.launch_server|llama-server|llama-cli|llama-run|\.gguf|ollama\s+run|ggml-org\/llama\.cpp)\b/;

/** True when a script may run a launch this reader knows: one scan, so an ordinary script costs almost nothing. */
export function mayHoldLaunch(text: string): boolean {
  return LAUNCH_WORDS.test(text);
}

/**
 * Which launcher a command is: torchtune's CLI; torchrun (or `python -m torch.distributed.run`) starting torchtitan or
 * a training script; accelerate's or DeepSpeed's launcher starting a training script.
 */
function launchOf(words: readonly Word[], vars: Variables): { name: string; entries: ConfigEntry[] } | undefined {
  const first = words.findIndex(w => !/^\w+=/.test(w.text));
  const rest = first < 0 ? [] : words.slice(first);
  const serving = servingLaunch(rest) ?? localLaunch(rest, words, vars);
  if (serving) {
    return serving;
  }
  if (rest[0]?.text === 'tune' && rest[1]?.text === 'run') {
    const entries = tuneLaunch(rest);
    return entries && { name: 'tune run', entries };
  }
  const torchrun = rest[0]?.text === 'torchrun' || (/^python3?$/.test(rest[0]?.text ?? '') && rest[1]?.text === '-m' && rest[2]?.text === 'torch.distributed.run');
  if (torchrun) {
    const entries = titanLaunch(rest) ?? scriptLaunch(rest, 'torchrun');
    return entries && { name: 'torchrun', entries };
  }
  if (rest[0]?.text === 'accelerate' && rest[1]?.text === 'launch') {
    const entries = scriptLaunch(rest, 'accelerate');
    return entries && { name: 'accelerate launch', entries };
  }
  if (rest[0]?.text === 'nemo' && rest[1]?.text === 'llm' && (rest[2]?.text === 'pretrain' || rest[2]?.text === 'finetune')) {
    const entries = nemoLaunch(rest, rest[2].text === 'finetune' ? NEMO_FINETUNE_CALL : NEMO_RECIPE_CALL);
    return entries && { name: `nemo llm ${rest[2].text}`, entries };
  }
  if (rest[0]?.text === 'deepspeed') {
    const entries = scriptLaunch(rest, 'deepspeed');
    return entries && { name: 'deepspeed', entries };
  }
  // `python train.py ARGS` on one GPU, when its arguments name a model or a training run, or a NeMo script's Hydra
  // config (not every script a shell script runs is a training script).
  if (/^python3?$/.test(rest[0]?.text ?? '') && /\.py$/.test(rest[1]?.text ?? '') && flagArguments(rest, 2).some(f => TRAINING_ARGUMENTS.has(f.key) || f.key === 'config_name')) {
    const entries = scriptLaunch(rest, 'python');
    return entries && { name: 'python', entries };
  }
  return undefined;
}

/** llama.cpp's flags (short and long), by the names VRAM Lens reads them under; those that take no value marked. */
const LLAMA_FLAGS: Readonly<Record<string, { readonly name: string; readonly bare?: boolean }>> = {
  '-m': { name: 'model' }, '--model': { name: 'model' }, '-hf': { name: 'hf_repo' }, '-hfr': { name: 'hf_repo' }, '--hf-repo': { name: 'hf_repo' },
  '-hff': { name: 'hf_file' }, '--hf-file': { name: 'hf_file' },
  '-c': { name: 'ctx_size' }, '--ctx-size': { name: 'ctx_size' }, '-ngl': { name: 'n_gpu_layers' }, '--gpu-layers': { name: 'n_gpu_layers' },
  '--n-gpu-layers': { name: 'n_gpu_layers' }, '-fa': { name: 'flash_attn' }, '--flash-attn': { name: 'flash_attn' }, '-np': { name: 'parallel' },
  '--parallel': { name: 'parallel' }, '-ctk': { name: 'cache_type_k' }, '--cache-type-k': { name: 'cache_type_k' }, '-ctv': { name: 'cache_type_v' },
  '--cache-type-v': { name: 'cache_type_v' }, '-ub': { name: 'ubatch_size' }, '--ubatch-size': { name: 'ubatch_size' },
  '-nkvo': { name: 'no_kv_offload', bare: true }, '--no-kv-offload': { name: 'no_kv_offload', bare: true }, '-ts': { name: 'tensor_split' },
  '--tensor-split': { name: 'tensor_split' }, '--swa-full': { name: 'swa_full', bare: true }, '-fit': { name: 'fit' }, '--fit': { name: 'fit' },
  '-ot': { name: 'override_tensor' }, '--override-tensor': { name: 'override_tensor' }, '-ncmoe': { name: 'n_cpu_moe' }, '--n-cpu-moe': { name: 'n_cpu_moe' },
  '-cmoe': { name: 'cpu_moe', bare: true }, '--cpu-moe': { name: 'cpu_moe', bare: true },
  '-mm': { name: 'mmproj' }, '--mmproj': { name: 'mmproj' }, '--no-mmproj': { name: 'no_mmproj', bare: true },
  '--no-mmproj-offload': { name: 'no_mmproj_offload', bare: true },
};

/** A llama.cpp program: llama-server, llama-cli and the older `server` / `main`, run from a build folder or the PATH. */
const LLAMA_PROGRAM = /(^|\/)(llama-server|llama-cli|llama-run|llama-simple-chat|server|main)$/;

/**
 * llama.cpp's flags from `from` on: a flag takes the next word as its value unless it takes none or the next word is a
 * flag itself (`-fa` alone, as older builds wrote it, is on).
 */
function llamaFlags(words: readonly Word[], from: number): ConfigEntry[] {
  const entries: ConfigEntry[] = [];
  for (let i = from; i < words.length; i++) {
    const [flag, inline] = words[i].text.split(/=(.*)/s, 2);
    const known = LLAMA_FLAGS[flag];
    if (!known) {
      continue;
    }
    const keySpan = { start: words[i].span.start, end: words[i].span.start + flag.length };
    const next = words[i + 1];
    if (inline !== undefined) {
      entries.push({ key: known.name, keySpan, value: scalar(inline, { start: keySpan.end + 1, end: words[i].span.end }) });
    } else if (!known.bare && next && !/^-[a-z-]/i.test(next.text)) {
      entries.push({ key: known.name, keySpan, value: scalar(next.text, next.span) });
      i++;
    } else {
      entries.push({ key: known.name, keySpan, value: { kind: 'boolean', value: true, span: words[i].span } });
    }
  }
  return joinedOverrides(entries);
}

/** Every `-ot` of a command as one rule list (llama.cpp reads repeated flags as a comma-separated one does), at the first. */
function joinedOverrides(entries: ConfigEntry[]): ConfigEntry[] {
  const rules = entries.filter(e => e.key === 'override_tensor');
  if (rules.length < 2) {
    return entries;
  }
  const text = rules.map(e => (e.value.kind === 'string' ? e.value.value : '')).join(',');
  const first = { ...rules[0], value: scalar(text, rules[0].value.span) };
  return entries.filter(e => e.key !== 'override_tensor' || e === rules[0]).map(e => (e === rules[0] ? first : e));
}

/** A llama.cpp launch at the word that starts it: the engine, and its flags with a Hub repository (`-hf`) as the model. */
function llamaLaunchEntries(at: Word, flags: readonly ConfigEntry[]): { name: string; entries: ConfigEntry[] } {
  const hub = flags.find(e => e.key === 'hf_repo');
  const marks = [wordEntry(SERVING_ENGINE_KEY, { text: 'llama.cpp', span: at.span }), ...(hub ? [wordEntry(LLAMA_HUB_KEY, { text: 'true', span: hub.keySpan })] : [])];
  return { name: 'llama.cpp', entries: [...marks, ...flags.map(e => (e.key === 'hf_repo' ? { ...e, key: 'model' } : e))] };
}

/** Ollama's environment variables a script sets (exported, or before the command), by the names VRAM Lens reads. */
const OLLAMA_ENV: Readonly<Record<string, string>> = {
  OLLAMA_CONTEXT_LENGTH: 'ctx_size', OLLAMA_NUM_PARALLEL: 'parallel', OLLAMA_FLASH_ATTENTION: 'flash_attn', OLLAMA_KV_CACHE_TYPE: 'cache_type_k',
};

/**
 * A local engine's start: a llama.cpp program with a model (`llama-server -m FILE.gguf -c 32768 -ngl 99 -fa on`, or
 * `-hf REPO:QUANT`), or `ollama run MODEL`, with the Ollama settings the script's environment gives.
 */
function localLaunch(words: readonly Word[], all: readonly Word[], vars: Variables): { name: string; entries: ConfigEntry[] } | undefined {
  const first = words[0];
  // llama.cpp's server image runs llama-server: its arguments follow the image (docker run, compose, a Dockerfile).
  const serverImage = words.findIndex(w => /^ghcr\.io\/ggml-org\/llama\.cpp:(server|full)/.test(w.text));
  if (serverImage >= 0 && (serverImage === 0 || first?.text === 'docker')) {
    const entries = llamaFlags(words, serverImage + 1);
    return entries.some(e => e.key === 'model' || e.key === 'hf_repo')
      ? llamaLaunchEntries(words[serverImage], entries)
      : undefined;
  }
  if (first && LLAMA_PROGRAM.test(first.text)) {
    const entries = llamaFlags(words, 1);
    const model = entries.find(e => e.key === 'model' || e.key === 'hf_repo');
    // `main` and `server` are llama.cpp's only when they load a GGUF.
    const gguf = entries.some(e => e.key === 'hf_repo') || (model?.value.kind === 'string' && /\.gguf$/i.test(model.value.value));
    if (!model || (/(^|\/)(server|main)$/.test(first.text) && !gguf)) {
      return undefined;
    }
    return llamaLaunchEntries(first, entries);
  }
  if (first?.text === 'ollama' && words[1]?.text === 'run' && words[2] && !words[2].text.startsWith('-')) {
    const env = new Map<string, { text: string; span: Span }>();
    for (const [name] of Object.entries(OLLAMA_ENV)) {
      const scalarValue = vars.scalars.get(name);
      if (scalarValue !== undefined) {
        env.set(name, { text: scalarValue, span: first.span });
      }
    }
    for (const w of all.slice(0, all.indexOf(first))) {
      const m = /^(\w+)=(.*)$/.exec(w.text);
      if (m && m[1] in OLLAMA_ENV) {
        env.set(m[1], { text: m[2], span: { start: w.span.start + m[1].length + 1, end: w.span.end } });
      }
    }
    const settings: ConfigEntry[] = [...env].map(([name, v]) => ({ key: OLLAMA_ENV[name], keySpan: v.span, value: scalar(v.text, v.span) }));
    if (env.has('OLLAMA_KV_CACHE_TYPE')) {
      const v = env.get('OLLAMA_KV_CACHE_TYPE')!;
      settings.push({ key: 'cache_type_v', keySpan: v.span, value: scalar(v.text, v.span) });
    }
    return { name: 'ollama', entries: [wordEntry(SERVING_ENGINE_KEY, { text: 'ollama', span: first.span }), wordEntry('model', words[2]), ...settings] };
  }
  return undefined;
}

/** Short flags of the serving engines' command lines, by their long names. */
const SHORT_SERVING_FLAGS: Readonly<Record<string, string>> = { '-tp': '--tensor-parallel-size', '-pp': '--pipeline-parallel-size', '-q': '--quantization', '-dp': '--data-parallel-size', '-ep': '--enable-expert-parallel', '-dcp': '--decode-context-parallel-size' };

/**
 * A serving command's flags under vLLM's names with `_` (`-tp` and SGLang's `--tp` as tensor_parallel_size), each
 * keeping the spelling it was written in and the span of its name as written.
 */
function servingFlags(words: readonly Word[]): ConfigEntry[] {
  const short = new Map<number, string>();
  const expanded = words.map(w => {
    const long = SHORT_SERVING_FLAGS[w.text];
    if (!long) {
      return w;
    }
    short.set(w.span.start, w.text);
    return { ...w, text: long };
  });
  const flags = flagArguments(expanded, 0).map(f => {
    const shortFlag = short.get(f.keySpan.start - 2);
    const keySpan = shortFlag ? { start: f.keySpan.start - 1, end: f.keySpan.start - 2 + shortFlag.length } : f.keySpan;
    const key = SERVING_FLAG_ALIASES[f.key] ?? f.key;
    const written = shortFlag ?? (key !== f.key ? `--${f.key.replace(/_/g, '-')}` : undefined);
    return { key, keySpan, value: f.value, ...(written ? { written } : {}) };
  });
  return withDottedFields(flags);
}

/**
 * vLLM's dotted form of a JSON flag (`--speculative-config.method eagle3 --speculative-config.model X`): the fields
 * gathered into one object under the flag's name, where the first of them stands.
 */
function withDottedFields(flags: readonly ConfigEntry[]): ConfigEntry[] {
  const out: ConfigEntry[] = [];
  const objects = new Map<string, { entries: ConfigEntry[]; at: number; span: Span }>();
  for (const f of flags) {
    const dot = f.key.indexOf('.');
    if (dot <= 0 || dot === f.key.length - 1) {
      out.push(f);
      continue;
    }
    const name = f.key.slice(0, dot);
    const field = { key: f.key.slice(dot + 1), keySpan: f.keySpan, value: f.value };
    const known = objects.get(name);
    if (known) {
      known.entries.push(field);
      known.span = { start: known.span.start, end: f.value.span.end };
      continue;
    }
    objects.set(name, { entries: [field], at: out.length, span: { start: f.keySpan.start, end: f.value.span.end } });
    out.push({ key: name, keySpan: { start: f.keySpan.start, end: f.keySpan.start + dot }, value: { kind: 'object', entries: [], span: f.keySpan } });
  }
  for (const [name, o] of objects) {
    out[o.at] = { ...out[o.at], key: name, value: { kind: 'object', entries: o.entries, span: o.span } };
  }
  return out;
}

/**
 * A serving engine's start: `vllm serve MODEL [flags]`, `python -m vllm.entrypoints.openai.api_server --model MODEL`,
 * the `vllm/vllm-openai` image's arguments under `docker run`, or `python -m sglang.launch_server --model-path MODEL`.
 * Its entries: the engine (SERVING_ENGINE_KEY), the model, and each flag under its name with `_` for `-`.
 */
function servingLaunch(words: readonly Word[]): { name: string; entries: ConfigEntry[] } | undefined {
  const at = (i: number) => words[i]?.text ?? '';
  const module = words.findIndex((w, i) => w.text === '-m' && /^python3?$/.test(at(i - 1)));
  const moduleName = module >= 0 ? at(module + 1) : '';
  const image = words.findIndex(w => /^(docker\.io\/)?vllm\/vllm-openai(:|$)/.test(w.text));
  let engine: 'vllm' | 'sglang';
  let from: number;
  let positional: Word | undefined;
  if (at(0) === 'vllm' && at(1) === 'serve') {
    engine = 'vllm';
    positional = words[2] && !words[2].text.startsWith('-') ? words[2] : undefined;
    from = positional ? 3 : 2;
  } else if (/^vllm\.entrypoints\./.test(moduleName)) {
    engine = 'vllm';
    from = module + 2;
  } else if (moduleName === 'sglang.launch_server') {
    engine = 'sglang';
    from = module + 2;
  } else if (image >= 0 && (at(0) === 'docker' || image === 0)) {
    engine = 'vllm';
    from = image + 1;
  } else {
    return undefined;
  }
  const flags = servingFlags(words.slice(from));
  const entries: ConfigEntry[] = [wordEntry(SERVING_ENGINE_KEY, { text: engine, span: words[0].span })];
  // The image's tag states the release (`vllm/vllm-openai:v0.6.3`).
  const tag = image >= 0 ? /:v?(\d+\.\d+(?:\.\d+)?)$/.exec(words[image].text) : null;
  if (tag) {
    entries.push(wordEntry(SERVING_VERSION_KEY, { text: tag[1], span: words[image].span }));
  }
  if (positional) {
    entries.push(wordEntry('model', positional));
  }
  entries.push(...flags);
  return entries.some(e => e.key === 'model') ? { name: engine === 'vllm' ? 'vllm serve' : 'sglang', entries } : undefined;
}

/**
 * `NAME=value` (or `export NAME=value`) at the start of a command: a variable the rest of the script may read. An
 * array (`NAME=( … )`, `NAME+=( … )`) keeps its elements as words, a quoted element with blanks split as the shell
 * splits it when the array is used unquoted, an element `${OTHER[@]}` replaced by that array's words.
 */
function assign(words: readonly Word[], vars: Variables): void {
  const array = /^(\w+)(\+?)=\((.*)$/.exec(words[0]?.text ?? '');
  if (array) {
    const items: Word[] = [];
    const first = { text: array[3], span: words[0].span };
    for (const w of [first, ...words.slice(1)]) {
      const text = w.text.replace(/\)$/, '');
      const spliced = /^\$\{(\w+)\[[@*]\]\}$/.exec(text);
      if (spliced) {
        items.push(...(vars.arrays.get(spliced[1]) ?? []).slice(0, Math.max(0, MAX_ARRAY_WORDS - items.length)));
      } else {
        items.push(...text.split(/\s+/).filter(t => t !== '').map(t => ({ text: t, span: w.span })));
      }
      if (w.text.endsWith(')')) {
        break;
      }
    }
    const all = array[2] === '+' ? [...(vars.arrays.get(array[1]) ?? []), ...items] : items;
    vars.arrays.set(array[1], all.slice(0, MAX_ARRAY_WORDS));
    return;
  }
  const list = words[0]?.text === 'export' ? words.slice(1) : words;
  for (const w of list) {
    const m = /^(\w+)=(.*)$/.exec(w.text);
    if (!m) {
      break;
    }
    vars.scalars.set(m[1], m[2]);
  }
}

/**
 * A launch script's tree: one object per launch it runs, keyed by its launcher, with the recipe file it names
 * (LAUNCH_KEYS.recipe), its GPUs (LAUNCH_KEYS.gpus) and the settings its command line overrides. The engine reads the
 * named file (the host supplies it) and lays these over it. Never throws.
 */
export function parseShell(text: string): ConfigDocument {
  const vars: Variables = { scalars: new Map(), arrays: new Map() };
  const entries: ConfigEntry[] = [];
  const launches = new Map<string, number>();
  for (const line of logicalLines(text)) {
    for (const words of commands(line, vars)) {
      assign(words, vars);
      const launch = launchOf(words, vars);
      if (launch) {
        const span = { start: words[0].span.start, end: words[words.length - 1].span.end };
        const value: ConfigObject = { kind: 'object', entries: launch.entries, span };
        // Each launch its own key: a script may run several.
        const seen = launches.get(launch.name) ?? 0;
        launches.set(launch.name, seen + 1);
        entries.push({ key: seen === 0 ? launch.name : `${launch.name} (${seen + 1})`, keySpan: words[0].span, value });
      }
    }
  }
  const root: ConfigObject | undefined = entries.length > 0 ? { kind: 'object', entries, span: { start: 0, end: text.length } } : undefined;
  return { root, problems: [] };
}
