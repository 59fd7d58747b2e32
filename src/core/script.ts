// How a Python script loads and trains a model (HF transformers + PEFT + bitsandbytes, TRL, unsloth, vLLM), read from its calls into the keys the engine reads.
import { ALL_LINEAR_TARGETS } from './weightTensor';
import { entryOf, type CallSite, type ConfigEntry, type ConfigObject, type ConfigValue } from './configTree';
import type { Span } from './types';
import { ACCELERATOR_CONFIG_KEY, NEMO_RECIPE_KEY, ONLINE_RL_KEY, PEFT_METHOD_CONFIGS, PREFERENCE_REFERENCE_KEY, RUN_PURPOSE_KEY, SERVING_ENGINE_KEY, SERVING_OFFLINE_KEY, UNSLOTH_RUN_KEY } from './vocabulary';
import { SERVING_FLAGS } from './servingKeys';
import { NEMO_FINETUNE_DATA, NEMO_LORA_DEFAULT_TARGETS, NEMO_LORA_MODULES, NEMO_RECIPE_ATTRIBUTES, nemoRecipe, type NemoFinetune, type NemoLayout } from './nemo';

/**
 * A script's run as a config object of the keys the engine reads (`model_name_or_path`, `per_device_train_batch_size`,
 * `lora_r`…), each entry's spans those of the argument it comes from; the object's span is the call that loads the
 * model, where the CodeLens goes.
 */
export interface ScriptRun {
  readonly obj: ConfigObject;
  /** Where each key comes from, as the report names it (`TrainingArguments(per_device_train_batch_size)`). */
  readonly origins: ReadonlyMap<string, string>;
}

/** `.from_pretrained` calls that load something other than the model (tokenizers, processors, an adapter, a config). */
const NOT_THE_MODEL = /(Tokenizer|Processor|FeatureExtractor|PeftModel|GenerationConfig|Config)\w*\.from_pretrained$/;

/** unsloth's loaders: `load_in_4bit` there is NF4 with double quantization. */
const UNSLOTH = /^Fast\w*Model\./;

/** HF Trainer and TRL argument classes. */
export const RUN_ARGUMENT_CLASSES = ['TrainingArguments', 'Seq2SeqTrainingArguments', 'SFTConfig', 'DPOConfig', 'GRPOConfig', 'ORPOConfig', 'KTOConfig', 'CPOConfig', 'RewardConfig'] as const;
const RUN_ARGUMENTS = new RegExp(`(^|\\.)(${RUN_ARGUMENT_CLASSES.join('|')})$`);

/** HF Trainer and TRL trainers. */
const TRAINERS = /(^|\.)(Trainer|SFTTrainer|DPOTrainer|GRPOTrainer|ORPOTrainer)$/;

/** PEFT's `"all-linear"`: every linear layer of the blocks, the output head excepted. */
const ALL_LINEAR = ALL_LINEAR_TARGETS.map(t => `${t}_proj`);

const last = (callee: string) => callee.split('.').pop()!;

function kwarg(call: CallSite | undefined, ...names: string[]): ConfigEntry | undefined {
  for (const name of names) {
    const e = call && entryOf(call.kwargs, name);
    if (e) {
      return e;
    }
  }
  return undefined;
}

/** A value the engine writes at `span` (a recipe's default). */
const literal = (value: number | boolean | string, span: Span): ConfigValue =>
  typeof value === 'number' ? { kind: 'number', value, raw: String(value), span } : typeof value === 'boolean' ? { kind: 'boolean', value, span } : { kind: 'string', value, span };

/** The arguments a recipe that takes its run from its call is given (`qwen25_7b.pretrain_recipe(tensor_parallelism=4)`), by run key. */
const NEMO_RECIPE_CALL_ARGUMENTS: readonly (readonly [string, string])[] = [
  ['tensor_model_parallel_size', 'tensor_parallelism'], ['pipeline_model_parallel_size', 'pipeline_parallelism'],
  ['virtual_pipeline_model_parallel_size', 'virtual_pipeline_parallelism'], ['context_parallel_size', 'context_parallelism'],
  ['expert_model_parallel_size', 'expert_parallelism'], ['sequence_parallel', 'sequence_parallelism'], ['seq_length', 'seq_length'],
  ['global_batch_size', 'global_batch_size'], ['micro_batch_size', 'micro_batch_size'],
];

/**
 * The run a script builds from a NeMo 2 pre-training recipe (`recipe = llm.llama3_8b.pretrain_recipe(num_nodes=2)`),
 * with the attributes it then sets (`recipe.trainer.strategy.tensor_model_parallel_size = 4`) over the recipe's
 * defaults: the model the recipe builds, named at the call; GPUs = nodes × GPUs per node; the parallel layout, batch
 * and sequence; and the recipe's key, which has the engine read the run as Megatron-Core's. Undefined for a script
 * without a recipe VRAM Lens knows.
 */
export function nemoRecipeRun(calls: readonly CallSite[]): ScriptRun | undefined {
  const call = calls.find(c => nemoRecipe(c.callee) !== undefined);
  const known = call && nemoRecipe(call.callee);
  if (!call || !known) {
    return undefined;
  }
  const { name, recipe, finetune } = known;
  const scheme = finetune ? peftScheme(call) : undefined;
  if (finetune && scheme === undefined) {
    return undefined;
  }
  const run = new RunBuilder();
  const at = call.span;
  run.add('model_name_or_path', literal(finetune?.model ?? recipe.model, at), at, `${call.callee}(…)`);
  run.add(NEMO_RECIPE_KEY, literal(name, at), at, `${call.callee}(…)`);
  // What the script sets on the recipe wins over what the call and the recipe say.
  for (const set of calls) {
    const path = set.callee.endsWith('=') ? set.callee.slice(0, -1).split('.').slice(1).join('.') : undefined;
    const key = path !== undefined && Object.hasOwn(NEMO_RECIPE_ATTRIBUTES, path) ? NEMO_RECIPE_ATTRIBUTES[path] : undefined;
    if (key && set.args[0]) {
      run.add(key, set.args[0], { start: set.span.start, end: set.args[0].span.start }, set.callee.slice(0, -1));
    }
  }
  run.addArgument('num_nodes', call, 'num_nodes');
  run.addArgument('devices', call, 'num_gpus_per_node');
  if (finetune && scheme) {
    addFinetuneDefaults(run, call, name, finetune, scheme);
    return { obj: { kind: 'object', entries: run.entries, span: at }, origins: run.origins };
  }
  if (recipe.callArguments) {
    for (const [key, argument] of NEMO_RECIPE_CALL_ARGUMENTS) {
      run.addArgument(key, call, argument);
    }
  }
  addDefaults(run, at, `${name} recipe's default`, [
    ['num_nodes', recipe.nodes ?? 1], ['devices', 8], ...layoutKeys(recipe),
    ['seq_length', recipe.seqLength], ['global_batch_size', recipe.globalBatch], ['micro_batch_size', recipe.microBatch],
  ]);
  return { obj: { kind: 'object', entries: run.entries, span: at }, origins: run.origins };
}

/** A recipe's parallel layout under the run keys the engine reads. */
function layoutKeys(layout: NemoLayout): [string, number | boolean | undefined][] {
  return [
    ['tensor_model_parallel_size', layout.tensor], ['pipeline_model_parallel_size', layout.pipeline], ['virtual_pipeline_model_parallel_size', layout.virtualPipeline],
    ['context_parallel_size', layout.context], ['expert_model_parallel_size', layout.expert], ['sequence_parallel', layout.sequenceParallel],
  ];
}

/** Each default a recipe has (a key it leaves unset is skipped), below what the script and the call set. */
function addDefaults(run: RunBuilder, at: Span, origin: string, defaults: readonly [string, number | boolean | undefined][]): void {
  for (const [key, value] of defaults) {
    if (value !== undefined) {
      run.add(key, literal(value, at), at, origin);
    }
  }
}

/** A fine-tuning recipe's `peft_scheme`: 'lora' unless the call says 'none' (or None); undefined for one not modelled (DoRA). */
function peftScheme(call: CallSite): 'lora' | 'none' | undefined {
  const v = kwarg(call, 'peft_scheme')?.value;
  if (v === undefined) {
    return 'lora';
  }
  const text = v.kind === 'string' ? v.value.toLowerCase() : v.kind === 'null' ? 'none' : undefined;
  return text === 'lora' || text === 'none' ? text : undefined;
}

/**
 * A NeMo 2 fine-tuning recipe's run under the call's arguments: default_finetune_recipe's data (2,048 tokens, a global
 * batch of 128 in micro-batches of 1; packed: a global batch of 8) and layout, the recipe's own per scheme, and for
 * LoRA its rank and targets (as the HF projections they wrap) with the distributed optimizer off where it says so.
 */
function addFinetuneDefaults(run: RunBuilder, call: CallSite, name: string, finetune: NemoFinetune, scheme: 'lora' | 'none'): void {
  const at = call.span;
  const origin = `${name} recipe's default (peft_scheme ${scheme})`;
  const packed = isTrue(kwarg(call, 'packed_sequence'));
  run.addArgument('seq_length', call, 'seq_length');
  const layout = scheme === 'lora' ? finetune.lora : finetune.full;
  const nodes = finetune.nodes ? finetune.nodes[scheme === 'lora' ? 'lora' : 'full'] : 1;
  addDefaults(run, at, origin, [
    ['num_nodes', nodes], ['devices', 8], ...layoutKeys({ tensor: 1, pipeline: 1, context: 1, sequenceParallel: false, ...layout }),
    ['seq_length', packed && finetune.packedSeqLength ? finetune.packedSeqLength : NEMO_FINETUNE_DATA.seqLength],
    ['global_batch_size', finetune.globalBatch ?? (packed ? NEMO_FINETUNE_DATA.packedGlobalBatch : NEMO_FINETUNE_DATA.globalBatch)],
    ['micro_batch_size', NEMO_FINETUNE_DATA.microBatch],
  ]);
  if (scheme === 'lora') {
    const lora = finetune.lora;
    run.add('lora_r', literal(lora.dim, at), at, origin);
    const targets = (lora.targets ?? NEMO_LORA_DEFAULT_TARGETS).flatMap(t => NEMO_LORA_MODULES[t] ?? []);
    run.add('lora_target_modules', { kind: 'array', items: targets.map(t => literal(t, at)), span: at }, at, origin);
    if (lora.distributedOptimizer === false) {
      run.add('use_distributed_optimizer', literal(false, at), at, origin);
    }
  }
}

function isTrue(e: ConfigEntry | undefined): boolean {
  return e?.value.kind === 'boolean' && e.value.value;
}

/** Collects the run's entries, the first value for a key winning (callers add the most specific source first). */
class RunBuilder {
  readonly entries: ConfigEntry[] = [];
  readonly origins = new Map<string, string>();

  add(key: string, value: ConfigValue, keySpan: Span, origin: string): void {
    if (this.entries.some(e => e.key === key)) {
      return;
    }
    this.entries.push({ key, keySpan, value });
    this.origins.set(key, origin);
  }

  /** A keyword argument under the engine's name for it, pointing at the argument. */
  addArgument(key: string, call: CallSite | undefined, ...names: string[]): void {
    const e = kwarg(call, ...names);
    if (call && e) {
      this.add(key, e.value, e.keySpan, `${last(call.callee)}(${e.key})`);
    }
  }

  /** A value the script implies (a string for QUANTIZE_NAMES or PRECISION_NAMES), on the argument that implies it. */
  addImplied(key: string, value: string, at: Span, origin: string): void {
    this.add(key, { kind: 'string', value, span: at }, at, origin);
  }
}

/** The call that loads the model, and the value that names it (an id, a path, a constant or an argparse default). */
function modelLoader(calls: readonly CallSite[]): { call: CallSite; name: ConfigValue; keySpan: Span } | undefined {
  const named = (call: CallSite, ...keys: string[]) => {
    const e = kwarg(call, ...keys);
    return e ? { call, name: e.value, keySpan: e.keySpan } : undefined;
  };
  const positional = (call: CallSite) => (call.args[0] ? { call, name: call.args[0], keySpan: call.args[0].span } : undefined);
  const loaders = calls.filter(c => last(c.callee) === 'from_pretrained' && !NOT_THE_MODEL.test(c.callee) && c.callee.includes('.'));
  for (const call of loaders) {
    const found = positional(call) ?? named(call, 'pretrained_model_name_or_path', 'model_name', 'model_id');
    if (found) {
      return found;
    }
  }
  for (const call of calls) {
    const name = last(call.callee);
    const found =
      name === 'LLM' ? (named(call, 'model') ?? positional(call))
        : name === 'Llama' ? (named(call, 'model_path') ?? positional(call))
        : TRAINERS.test(call.callee) || name === 'pipeline' ? named(call, 'model')
          : undefined;
    if (found && (found.name.kind === 'string' || name === 'LLM' || name === 'Llama')) {
      return found;
    }
  }
  return undefined;
}

/** The bitsandbytes type a `BitsAndBytesConfig(...)` (or a dict of its keys) asks for, in QUANTIZE_NAMES spelling. */
function bitsAndBytesType(q: ConfigObject): string | undefined {
  if (isTrue(entryOf(q, 'load_in_8bit'))) {
    return 'bnb.int8';
  }
  if (!isTrue(entryOf(q, 'load_in_4bit'))) {
    return undefined;
  }
  const type = entryOf(q, 'bnb_4bit_quant_type')?.value;
  // BitsAndBytesConfig's default 4-bit type is fp4.
  const kind = type?.kind === 'string' && type.value === 'nf4' ? 'nf4' : 'fp4';
  return `bnb.${kind}${isTrue(entryOf(q, 'bnb_4bit_use_double_quant')) ? '-dq' : ''}`;
}

function addQuantization(run: RunBuilder, loader: CallSite, calls: readonly CallSite[]): void {
  const config = kwarg(loader, 'quantization_config');
  if (config?.value.kind === 'object') {
    const call = config.value.call ? last(config.value.call) : undefined;
    // Mxfp4Config(dequantize=True): the checkpoint's MXFP4 experts are loaded in bf16.
    const dequantize = entryOf(config.value, 'dequantize');
    if (dequantize) {
      run.add('dequantize', dequantize.value, dequantize.keySpan, `${call ?? 'quantization_config'}(dequantize)`);
    }
    const type = call === 'GPTQConfig' ? 'gptq' : call === 'AwqConfig' ? 'awq' : call === 'Mxfp4Config' ? undefined : bitsAndBytesType(config.value);
    if (type) {
      run.addImplied('quantize', type, config.value.span, `${last(loader.callee)}(quantization_config=${call ?? 'dict'}(…))`);
    }
  }
  const fourBit = kwarg(loader, 'load_in_4bit');
  if (isTrue(fourBit)) {
    run.addImplied('quantize', UNSLOTH.test(loader.callee) ? 'bnb.nf4-dq' : 'bnb.nf4', fourBit!.value.span, `${last(loader.callee)}(load_in_4bit)`);
  }
  if (isTrue(kwarg(loader, 'load_in_8bit'))) {
    run.addArgument('load_in_8bit', loader, 'load_in_8bit');
  }
  const llm = calls.find(c => last(c.callee) === 'LLM');
  run.addArgument('quantize', llm, 'quantization');
}


/**
 * `LoraConfig(r=…, target_modules=…, use_dora=…)` or unsloth's `get_peft_model(model, r=…)`: rank, targets, dropout;
 * `IA3Config(target_modules=…, feedforward_modules=…)`: its layers; another PEFT method's config is kept as the
 * `peft_type` it writes, which the run reader refuses.
 */
function addLora(run: RunBuilder, calls: readonly CallSite[]): boolean {
  const other = calls.find(c => Object.hasOwn(PEFT_METHOD_CONFIGS, last(c.callee)));
  if (other) {
    const method = PEFT_METHOD_CONFIGS[last(other.callee)];
    run.addImplied('peft_type', method, other.span, `${last(other.callee)}(…)`);
    if (method !== 'IA3') {
      return false;
    }
    run.addArgument('target_modules', other, 'target_modules');
    run.addArgument('feedforward_modules', other, 'feedforward_modules');
    return true;
  }
  const lora = calls.find(c => last(c.callee) === 'LoraConfig') ?? calls.find(c => last(c.callee) === 'get_peft_model' && kwarg(c, 'r'));
  const rank = kwarg(lora, 'r');
  if (!lora || !rank) {
    return false;
  }
  run.addArgument('use_dora', lora, 'use_dora');
  run.addArgument('lora_r', lora, 'r');
  const targets = kwarg(lora, 'target_modules');
  if (!targets && UNSLOTH.test(lora.callee)) {
    addUnslothTargets(run, lora);
  } else if (targets?.value.kind === 'string' && targets.value.value === 'all-linear') {
    const span = targets.value.span;
    run.add('target_modules', { kind: 'array', items: ALL_LINEAR.map(value => ({ kind: 'string', value, span })), span }, targets.keySpan, `${last(lora.callee)}(target_modules="all-linear")`);
  } else {
    run.addArgument('target_modules', lora, 'target_modules');
  }
  run.addArgument('lora_dropout', lora, 'lora_dropout');
  // PEFT's LoraConfig and unsloth's get_peft_model both default to no dropout.
  if (!kwarg(lora, 'lora_dropout')) {
    run.add('lora_dropout', { kind: 'number', value: 0, raw: '0', span: lora.span }, lora.span, `${lora.callee}(…) default lora_dropout 0`);
  }
  run.addArgument('modules_to_save', lora, 'modules_to_save');
  return true;
}

/**
 * unsloth's get_peft_model without `target_modules`: every projection of the language layers (FastLanguageModel's
 * default list); FastModel and FastVisionModel pick them by their `finetune_attention_modules` (q, k, v, o) and
 * `finetune_mlp_modules` (gate, up, down) switches, both on by default.
 */
function addUnslothTargets(run: RunBuilder, lora: CallSite): void {
  const on = (name: string) => {
    const e = kwarg(lora, name);
    return !(e?.value.kind === 'boolean' && !e.value.value) || /^FastLanguageModel\./.test(lora.callee);
  };
  const names = [...(on('finetune_attention_modules') ? ['q_proj', 'k_proj', 'v_proj', 'o_proj'] : []), ...(on('finetune_mlp_modules') ? ['gate_proj', 'up_proj', 'down_proj'] : [])];
  if (names.length > 0) {
    const span = lora.span;
    run.add('target_modules', { kind: 'array', items: names.map(value => ({ kind: 'string', value, span })), span }, span, `${lora.callee}(…) default target_modules`);
  }
}

/**
 * The precision: the Trainer's bf16/fp16 switch (autocast over fp32 master weights, as PEFT keeps adapters in fp32),
 * or the dtype the weights are loaded in when the whole model trains in it, or when the script only runs it.
 */
function addPrecision(run: RunBuilder, loader: CallSite, args: CallSite | undefined, lora: boolean, quantized: boolean): void {
  const dtype = kwarg(loader, 'torch_dtype', 'dtype');
  const loadedIn = dtype?.value.kind === 'string' ? dtype.value.value : undefined;
  const half = loadedIn === 'bfloat16' ? 'bf16' : loadedIn === 'float16' || loadedIn === 'half' ? '16' : undefined;
  for (const [flag, kind] of [['bf16', 'bf16'], ['fp16', '16']] as const) {
    const e = kwarg(args, flag);
    if (args && e && isTrue(e)) {
      const pure = half === kind && !lora && !quantized;
      run.addImplied('precision', `${kind}-${pure ? 'true' : 'mixed'}`, e.value.span, `${last(args.callee)}(${flag})${pure ? ` with ${last(loader.callee)}(${dtype!.key})` : ''}`);
    }
  }
  if (dtype && (half || loadedIn === 'float32')) {
    run.addImplied('precision', half ? `${half}-true` : '32-true', dtype.value.span, `${last(loader.callee)}(${dtype.key})`);
  }
  // The dtype the weights are loaded in, for what PEFT copies in it (modules_to_save).
  run.addArgument('torch_dtype', loader, 'torch_dtype', 'dtype');
}

/** Activation checkpointing turned on by a call: PEFT's prepare_model_for_kbit_training, gradient_checkpointing_enable, unsloth. */
function addCheckpointing(run: RunBuilder, calls: readonly CallSite[]): void {
  // unsloth's switch written off: the key a fix turns back on (its own comment tells users to, on out-of-memory).
  let unslothOff: { call: CallSite; entry: ConfigEntry } | undefined;
  for (const call of calls) {
    const name = last(call.callee);
    const switchOff = kwarg(call, 'use_gradient_checkpointing');
    const off = switchOff?.value.kind === 'boolean' && !switchOff.value.value;
    // unsloth's get_peft_model checkpoints by default, its own way ("unsloth": the layer inputs offloaded to CPU memory).
    if (name === 'get_peft_model' && UNSLOTH.test(call.callee) && off) {
      unslothOff ??= { call, entry: switchOff };
    }
    if (name === 'get_peft_model' && UNSLOTH.test(call.callee) && !off) {
      const own = switchOff === undefined || (switchOff.value.kind === 'string' && switchOff.value.value === 'unsloth');
      const value: ConfigValue = own ? { kind: 'string', value: 'unsloth', span: call.span } : { kind: 'boolean', value: true, span: call.span };
      const origin = switchOff ? `${call.callee}(use_gradient_checkpointing)` : `${call.callee}(…) default use_gradient_checkpointing="unsloth"`;
      run.add('gradient_checkpointing', value, call.span, origin);
      return;
    }
    const on = name === 'gradient_checkpointing_enable' || (name === 'prepare_model_for_kbit_training' && !off) || (name === 'get_peft_model' && switchOff !== undefined && !off);
    if (on) {
      run.add('gradient_checkpointing', { kind: 'boolean', value: true, span: call.span }, call.span, `${name}(…)`);
      return;
    }
  }
  if (unslothOff) {
    run.add('gradient_checkpointing', unslothOff.entry.value, unslothOff.entry.keySpan, `${unslothOff.call.callee}(use_gradient_checkpointing)`);
  }
}

/**
 * A diffusers pipeline's call (`pipe(prompt, height=1024, width=1024, num_images_per_prompt=4, guidance_scale=1.0)`):
 * the image (a side of the same area when it is not square), the images per prompt as the batch, and guidance turned
 * off by a scale of 1 or less (a larger scale leaves the model's own default: FLUX.1's is distilled, not doubled).
 */
function addPipelineCall(run: RunBuilder, calls: readonly CallSite[]): void {
  const call = calls.find(c => c.callee === 'pipe');
  if (!call) {
    return;
  }
  const height = kwarg(call, 'height');
  const width = kwarg(call, 'width');
  const h = height?.value.kind === 'number' ? height.value.value : undefined;
  const w = width?.value.kind === 'number' ? width.value.value : undefined;
  if (height && h !== undefined && w !== undefined) {
    const side = Math.round(Math.sqrt(h * w));
    run.add('image_size', { kind: 'number', value: side, raw: String(side), span: height.value.span }, height.keySpan, h === w ? 'pipe(height, width)' : `pipe(height × width): ${h} × ${w}`);
  }
  run.addArgument('num_images_per_prompt', call, 'num_images_per_prompt');
  const scale = kwarg(call, 'guidance_scale');
  if (scale?.value.kind === 'number' && scale.value.value <= 1) {
    run.add('guidance', { kind: 'boolean', value: false, span: scale.value.span }, scale.keySpan, 'pipe(guidance_scale)');
  }
}

/** A diffusers pipeline moved to the CPU between uses: one component (model) or one layer (sequential) on the GPU at a time. */
function addOffload(run: RunBuilder, calls: readonly CallSite[]): void {
  for (const call of calls) {
    const name = last(call.callee);
    if (name === 'enable_model_cpu_offload' || name === 'enable_sequential_cpu_offload') {
      run.addImplied('cpu_offload', name === 'enable_model_cpu_offload' ? 'model' : 'sequential', call.span, `${name}()`);
      return;
    }
  }
}

/** vLLM started from Python (`LLM(model, gpu_memory_utilization=…, …)`): the engine, and each serving flag it passes. */
function addVllmEngine(run: RunBuilder, llm: CallSite | undefined): void {
  if (!llm) {
    return;
  }
  run.addImplied(SERVING_ENGINE_KEY, 'vllm', llm.span, 'LLM(…)');
  run.addImplied(SERVING_OFFLINE_KEY, 'true', llm.span, 'LLM(…)');
  for (const flag of Object.keys(SERVING_FLAGS)) {
    run.addArgument(flag, llm, flag);
  }
}

/**
 * llama.cpp from Python (llama-cpp-python's `Llama(model_path, n_ctx=…, n_gpu_layers=…, flash_attn=…)`), with that
 * library's own defaults where the call is silent: a 512-token context, no layer on the GPU, no fitting.
 */
function addLlamaCppPython(run: RunBuilder, llama: CallSite | undefined): void {
  if (!llama) {
    return;
  }
  const origin = 'Llama(…)';
  run.addImplied(SERVING_ENGINE_KEY, 'llama.cpp', llama.span, origin);
  run.addImplied(SERVING_OFFLINE_KEY, 'true', llama.span, origin);
  run.addArgument('n_ctx', llama, 'n_ctx');
  run.addArgument('n_gpu_layers', llama, 'n_gpu_layers');
  run.addArgument('flash_attn', llama, 'flash_attn');
  run.addArgument('ubatch_size', llama, 'n_ubatch');
  const number = (value: number) => ({ kind: 'number' as const, value, raw: String(value), span: llama.span });
  run.add('n_ctx', number(LLAMA_CPP_PYTHON_DEFAULTS.context), llama.span, `${origin}'s default n_ctx`);
  run.add('n_gpu_layers', number(LLAMA_CPP_PYTHON_DEFAULTS.gpuLayers), llama.span, `${origin}'s default n_gpu_layers`);
  run.add('flash_attn', { kind: 'boolean', value: false, span: llama.span }, llama.span, `${origin}'s default flash_attn`);
  run.add('fit', { kind: 'boolean', value: false, span: llama.span }, llama.span, origin);
}

/** Calls that run a training step by hand: a backward pass, an optimizer built from torch.optim or bitsandbytes. */
const TRAINING_STEP = /(^|\.)backward$|(^|\.)optim\.\w+$|(^|\.)(AdamW|Adam|SGD|Adafactor|AdamW8bit|PagedAdamW8bit)$/;

/** Calls that generate: transformers' generate and pipeline, a diffusers pipeline call, vLLM and llama-cpp-python. */
const GENERATION = /(^|\.)generate$|^pipeline$|^pipe$|(^|\.)LLM$|(^|\.)Llama$/;

/**
 * What the script is for, as its calls say: training when it builds a trainer, PEFT adapters or an optimizer, or
 * calls backward; inference when it only generates. Neither: the estimate's intent stays the model's own.
 */
function addPurpose(run: RunBuilder, calls: readonly CallSite[], trainerCall: CallSite | undefined): void {
  const training = trainerCall ?? calls.find(c => TRAINING_STEP.test(c.callee));
  const generation = calls.find(c => GENERATION.test(c.callee));
  if (training) {
    run.addImplied(RUN_PURPOSE_KEY, 'training', training.span, `${last(training.callee)}(…)`);
  } else if (generation) {
    run.addImplied(RUN_PURPOSE_KEY, 'inference', generation.span, `${last(generation.callee)}(…)`);
  }
}

/**
 * TRL's DPOTrainer (or DPOConfig): preference pairs, and where the reference model's log-probabilities come from —
 * none on the GPU when precomputed (`precompute_ref_log_probs=True`) or reference-free (`reference_free=True`), a copy
 * when the trainer is given a `ref_model`, the model with its adapters off under PEFT, else a copy TRL makes.
 */
function addPreference(run: RunBuilder, calls: readonly CallSite[], args: CallSite | undefined): void {
  const trainer = calls.find(c => /(^|\.)DPOTrainer$/.test(c.callee));
  const config = args && /(^|\.)DPOConfig$/.test(args.callee) ? args : undefined;
  const at = trainer ?? config;
  if (!at) {
    return;
  }
  const on = (call: CallSite | undefined, name: string) => {
    const v = kwarg(call, name)?.value;
    return v?.kind === 'boolean' && v.value;
  };
  const given = kwarg(trainer, 'ref_model')?.value;
  const peftConfig = kwarg(trainer, 'peft_config')?.value;
  const passed = (v: ConfigValue | undefined) => v !== undefined && (v.kind !== 'null' || v.unreadable !== undefined);
  // A PEFT config the reader cannot follow still means adapters; one it reads makes the run LoRA, whose copy is resolved
  // as the model with its adapters off (analyze.ts).
  const peft = passed(peftConfig);
  // `ref_model=None` hands none; any other value (a name the reader cannot follow included) hands one.
  const handed = passed(given);
  const reference = on(config, 'precompute_ref_log_probs') || on(config, 'reference_free') ? 'none' : handed ? 'given' : peft ? 'adapters' : 'copy';
  run.addImplied(PREFERENCE_REFERENCE_KEY, reference, at.span, `${last(at.callee)}(…)`);
}

/** An online RL trainer (TRL's GRPO, PPO, RLOO, online DPO): named on its call, for the report to say what it leaves out. */
function addOnlineRl(run: RunBuilder, calls: readonly CallSite[], args: CallSite | undefined): void {
  const online = /(^|\.)(GRPO|PPO|RLOO|OnlineDPO)(Trainer|Config)$/;
  const at = calls.find(c => online.test(c.callee) && c.callee.endsWith('Trainer')) ?? (args && online.test(args.callee) ? args : undefined);
  if (at) {
    run.addImplied(ONLINE_RL_KEY, last(at.callee).replace(/Config$/, 'Trainer'), at.span, `${last(at.callee)}(…)`);
  }
}

/** TRL's SFT and DPO trainers cut each sequence at 1,024 tokens unless told otherwise (their configs' max_length). */
const TRL_MAX_LENGTH = 1024;

/** Where the script states no length, TRL's SFTTrainer or DPOTrainer cuts its sequences at TRL's default, said on the trainer. */
function addTrlLengthDefault(run: RunBuilder, trainer: CallSite | undefined, args: CallSite | undefined): void {
  const trl = /(^|\.)(SFT|DPO)(Trainer|Config)$/;
  const at = trainer && trl.test(trainer.callee) ? trainer : args && trl.test(args.callee) ? args : undefined;
  if (at && !run.origins.has('max_seq_length')) {
    run.add('max_seq_length', literal(TRL_MAX_LENGTH, at.span), at.span, `${last(at.callee)}(…): TRL's default max_length`);
  }
}

/** TRL's argument classes and trainers, whose configs share TRL's defaults (trl/trainer/base_config.py). */
const TRL_CLASSES = /(^|\.)(SFT|DPO|GRPO|ORPO|KTO|CPO|Reward|PRM|RLOO|GKD|OnlineDPO|XPO|NashMD|BCO)(Trainer|Config)$/;

/**
 * Arguments TRL took before 0.20 and no longer does, on its trainer and on its config: a script that passes one was
 * written for the TRL of then.
 */
const TRL_LEGACY_ARGUMENTS = {
  trainer: ['max_seq_length', 'dataset_text_field', 'packing', 'tokenizer', 'dataset_kwargs'],
  config: ['max_seq_length'],
} as const;

/**
 * What TRL does unless told otherwise: its configs turn gradient checkpointing on (since TRL 0.22; a plain
 * TrainingArguments handed to its trainer keeps its own False), and its SFT computes the loss in chunks of tokens
 * (loss_type "chunked_nll", its default since TRL 1.7, unless Liger's kernels are asked for). A script written for
 * TRL before 0.20 (`SFTTrainer(max_seq_length=…)`, `SFTConfig(max_seq_length=…)`) runs as that TRL did, without either.
 */
function addTrlDefaults(run: RunBuilder, trainer: CallSite | undefined, args: CallSite | undefined): void {
  const config = args && TRL_CLASSES.test(args.callee) ? args : !args && trainer && TRL_CLASSES.test(trainer.callee) ? trainer : undefined;
  const legacyCall = (c: CallSite | undefined, names: readonly string[]) => c !== undefined && TRL_CLASSES.test(c.callee) && kwarg(c, ...names) !== undefined;
  const legacy = legacyCall(trainer, TRL_LEGACY_ARGUMENTS.trainer) || legacyCall(args, TRL_LEGACY_ARGUMENTS.config);
  if (legacy || run.origins.has(UNSLOTH_RUN_KEY) || !(config || (trainer && TRL_CLASSES.test(trainer.callee)))) {
    return;
  }
  if (config) {
    run.add('gradient_checkpointing', literal(true, config.span), config.span, `${last(config.callee)}(…): TRL's default gradient_checkpointing`);
  }
  const sft = [args, trainer].find(c => c && /(^|\.)SFT(Trainer|Config)$/.test(c.callee));
  if (sft && !run.origins.has('use_liger_kernel')) {
    run.add('loss_type', literal('chunked_nll', sft.span), sft.span, `${last(sft.callee)}(…): TRL's default loss_type`);
  }
}

/** llama-cpp-python's defaults (llama_cpp.Llama): n_ctx 512, n_gpu_layers 0, flash_attn False. */
const LLAMA_CPP_PYTHON_DEFAULTS = { context: 512, gpuLayers: 0 } as const;

/**
 * The run a script describes, or undefined when it loads no model by a call. Reads, most specific first: the
 * Trainer / TRL arguments, the trainer's own keywords, the loader's, then vLLM's `LLM(...)`; or a NeMo 2 recipe's.
 */
export function scriptRun(calls: readonly CallSite[] | undefined): ScriptRun | undefined {
  // NeMo 2: the recipe names the model and its run.
  const nemo = calls && nemoRecipeRun(calls);
  if (nemo) {
    return nemo;
  }
  const loader = calls && modelLoader(calls);
  if (!calls || !loader) {
    return undefined;
  }
  const run = new RunBuilder();
  run.add('model_name_or_path', loader.name, loader.keySpan, `${loader.call.callee}(…)`);
  const args = calls.find(c => RUN_ARGUMENTS.test(c.callee));
  const trainer = calls.find(c => TRAINERS.test(c.callee));
  const llm = calls.find(c => last(c.callee) === 'LLM');
  addQuantization(run, loader.call, calls);
  if (UNSLOTH.test(loader.call.callee)) {
    run.addImplied(UNSLOTH_RUN_KEY, 'true', loader.call.span, `${loader.call.callee}(…)`);
  }
  const lora = addLora(run, calls);
  addPrecision(run, loader.call, args, lora, run.origins.has('quantize') || run.origins.has('load_in_8bit'));
  for (const source of [args, trainer]) {
    run.addArgument('per_device_train_batch_size', source, 'per_device_train_batch_size');
    run.addArgument('gradient_accumulation_steps', source, 'gradient_accumulation_steps');
    run.addArgument('gradient_checkpointing', source, 'gradient_checkpointing');
    run.addArgument('optim', source, 'optim');
    run.addArgument('max_seq_length', source, 'max_seq_length', 'max_length', 'max_seq_len');
    run.addArgument('deepspeed', source, 'deepspeed');
    run.addArgument('fsdp', source, 'fsdp');
    run.addArgument('fsdp_config', source, 'fsdp_config');
    run.addArgument(ACCELERATOR_CONFIG_KEY, source, ACCELERATOR_CONFIG_KEY);
    run.addArgument('loss_type', source, 'loss_type');
    run.addArgument('use_liger_kernel', source, 'use_liger_kernel');
  }
  run.addArgument('attn_implementation', loader.call, 'attn_implementation');
  run.addArgument('max_seq_length', loader.call, 'max_seq_length');
  run.addArgument('max_seq_length', llm, 'max_model_len');
  // Last: the length the script tokenizes its data to (`tokenizer(text, max_length=…, padding="max_length")`).
  run.addArgument('max_seq_length', calls.find(c => c.callee === 'tokenizer' && kwarg(c, 'max_length')), 'max_length');
  addTrlLengthDefault(run, trainer, args);
  run.addArgument('tensor_parallel_size', llm, 'tensor_parallel_size');
  addVllmEngine(run, llm);
  addLlamaCppPython(run, calls.find(c => last(c.callee) === 'Llama'));
  addPreference(run, calls, args);
  addOnlineRl(run, calls, args);
  addCheckpointing(run, calls);
  addOffload(run, calls);
  addPipelineCall(run, calls);
  addPurpose(run, calls, args ?? trainer ?? (lora ? calls.find(c => last(c.callee) === 'get_peft_model') : undefined));
  addTrlDefaults(run, trainer, args);
  return { obj: { kind: 'object', entries: run.entries, span: loader.call.span }, origins: run.origins };
}
