// NeMo for the engine's readers: its Megatron GPT configs (megatron_gpt_config.yaml, the NeMo Framework Launcher's training YAML: which `model:` section is one, its OmegaConf interpolations resolved, the run it trains with `trainer:` beside it) and NeMo 2's pre-training recipes (each recipe's model and defaults, and the attributes a script sets on one).
import { entryOf, type ConfigEntry, type ConfigObject, type ConfigValue } from './configTree';
import { NEMO_FINETUNE_CALL, NEMO_RECIPE_CALL } from './vocabulary';

/** Keys only a NeMo `model:` section writes: any of them (with a hidden size and layers) makes it NeMo's. */
const NEMO_MARKERS: readonly string[] = ['megatron_amp_O2', 'mcore_gpt', 'encoder_seq_length'];
/** Keys of NeMo's BERT, which shares the markers and is not a GPT. */
const NEMO_NOT_GPT: readonly string[] = ['bert_binary_head', 'num_tokentypes'];

/** Whether a section with these keys is the `model:` section of a NeMo Megatron GPT config. */
export function hasNemoGptKeys(has: (key: string) => boolean): boolean {
  return NEMO_MARKERS.some(has) && !NEMO_NOT_GPT.some(has);
}

/** Whether an object is the `model:` section of a NeMo Megatron GPT config. */
export function isNemoGpt(obj: ConfigObject): boolean {
  return hasNemoGptKeys(k => entryOf(obj, k) !== undefined);
}

/** Megatron-Core's recompute settings under NeMo's names: granularity, method and layers. */
export const NEMO_RECOMPUTE = { granularity: 'activations_checkpoint_granularity', method: 'activations_checkpoint_method', layers: 'activations_checkpoint_num_layers' } as const;

/** How deep interpolations may nest, and references chain, before one is left unresolved. */
const MAX_RESOLVE_DEPTH = 8;

/** The resolvers NeMo and its launcher register for their configs, over numbers. */
const RESOLVERS: Readonly<Record<string, (args: readonly number[]) => number | undefined>> = {
  multiply: a => (a.length === 2 ? a[0] * a[1] : undefined),
  sum: a => a.reduce((x, y) => x + y, 0),
  divide_floor: a => (a.length === 2 && a[1] !== 0 ? Math.floor(a[0] / a[1]) : undefined),
  divide_ceil: a => (a.length === 2 && a[1] !== 0 ? Math.ceil(a[0] / a[1]) : undefined),
};

type Scalar = number | string | boolean;

/**
 * An OmegaConf interpolation's value (`${.hidden_size}`, `${multiply:4, ${.hidden_size}}`,
 * `${training.model.tensor_model_parallel_size}`), or undefined where it is not one VRAM Lens can evaluate: a
 * reference to a key the file lacks, a resolver other than NeMo's arithmetic ones, an environment variable.
 */
function interpolated(text: string, section: ConfigObject, root: ConfigObject, depth: number): Scalar | undefined {
  const m = /^\$\{(.*)\}$/s.exec(text.trim());
  if (!m || depth > MAX_RESOLVE_DEPTH) {
    return undefined;
  }
  const body = m[1].trim();
  const call = /^([A-Za-z_]\w*):(.*)$/s.exec(body);
  if (call) {
    const resolver = Object.hasOwn(RESOLVERS, call[1]) ? RESOLVERS[call[1]] : undefined;
    const args = resolver ? splitArguments(call[2]) : undefined;
    const values = args?.map(a => (a.startsWith('${') ? interpolated(a, section, root, depth + 1) : Number(a)));
    return resolver && values?.every((v): v is number => typeof v === 'number' && Number.isFinite(v)) ? resolver(values) : undefined;
  }
  if (!/^\.?[\w.]+$/.test(body)) {
    return undefined;
  }
  // `.key` is beside the interpolation; a dotted path starts at the root (the launcher nests the file under `training`).
  const path = body.startsWith('.') ? body.slice(1) : body.replace(/^training\./, '');
  const found = valueAt(body.startsWith('.') ? section : root, path);
  const target = found?.value;
  if (target?.kind === 'number' || target?.kind === 'boolean') {
    return target.value;
  }
  // A reference to another interpolation follows it from where that one is written (within the depth bound); plain
  // text is the value.
  return target?.kind !== 'string' ? undefined : target.value.includes('${') ? interpolated(target.value, found!.holder, root, depth + 1) : target.value;
}

/** A resolver's arguments, split at the commas outside nested `${…}`. */
function splitArguments(text: string): string[] | undefined {
  const args: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '{') {
      depth++;
    } else if (ch === '}') {
      depth--;
    } else if (ch === ',' && depth === 0) {
      args.push(text.slice(start, i).trim());
      start = i + 1;
    }
  }
  args.push(text.slice(start).trim());
  return depth === 0 && args.every(a => a !== '') ? args : undefined;
}

/** The value at a dotted path, with the section that holds it; undefined where the path leads nowhere. */
function valueAt(obj: ConfigObject, path: string): { readonly value: ConfigValue; readonly holder: ConfigObject } | undefined {
  let holder = obj;
  let at: ConfigValue | undefined = obj;
  for (const part of path.split('.')) {
    if (at?.kind !== 'object') {
      return undefined;
    }
    holder = at;
    at = entryOf(at, part)?.value;
  }
  return at && { value: at, holder };
}

/** A section with each interpolation it writes replaced by its value, in place (same spans); nested sections too. */
function resolvedSection(section: ConfigObject, root: ConfigObject, depth = 0): ConfigObject {
  const entries = section.entries.map((e): ConfigEntry => {
    if (e.value.kind === 'object' && depth < MAX_RESOLVE_DEPTH) {
      return { ...e, value: resolvedSection(e.value, root, depth + 1) };
    }
    if (e.value.kind !== 'string' || !e.value.value.includes('${')) {
      return e;
    }
    const v = interpolated(e.value.value, section, root, 0);
    const span = e.value.span;
    // A whole value that is an interpolation VRAM Lens cannot evaluate is unreadable, not a string.
    const whole = /^\$\{.*\}$/s.test(e.value.value.trim());
    const value: ConfigValue =
      typeof v === 'number' ? { kind: 'number', value: v, raw: String(v), span }
      : typeof v === 'boolean' ? { kind: 'boolean', value: v, span }
      : typeof v === 'string' ? { kind: 'string', value: v, span }
      : whole ? { kind: 'null', span, unreadable: `${e.value.value.trim()} is an OmegaConf interpolation VRAM Lens does not evaluate (it follows references in the file and NeMo's multiply, sum, divide_floor and divide_ceil)` }
      : e.value;
    return { ...e, value };
  });
  return { ...section, entries };
}

/** A NeMo `model:` section as NeMo reads it: its interpolations resolved against what holds it (the file, or a launch laid over it). */
export function resolvedNemoModel(model: ConfigObject, root: ConfigObject): ConfigObject {
  return resolvedSection(model, root);
}

/**
 * The run a NeMo config trains: its `model:` section (micro and global batch, parallel sizes, checkpointing, `optim`)
 * with the file's `trainer:` (devices, nodes, precision) beside it, both resolved.
 */
export function nemoRun(model: ConfigObject, root: ConfigObject): ConfigObject {
  const trainer = entryOf(root, 'trainer');
  const extra = trainer?.value.kind === 'object' ? [{ ...trainer, value: resolvedSection(trainer.value, root) }] : [];
  return { ...model, entries: [...model.entries, ...extra] };
}

/** The run's name as NeMo's files write it (the launcher's `run.name`, else the top-level `name`), when it is plain text. */
export function nemoRunName(root: ConfigObject): string | undefined {
  for (const path of ['run.name', 'name']) {
    const v = valueAt(root, path)?.value;
    if (v?.kind === 'string' && v.value.trim() !== '' && !v.value.includes('${')) {
      return v.value;
    }
  }
  return undefined;
}

/** A NeMo 2 pre-training recipe's model and the run its `trainer()` and data module default to. */
export interface NemoRecipe {
  /** The Hugging Face checkpoint of the shape the recipe's model config builds. */
  readonly model: string;
  readonly tensor: number;
  readonly pipeline: number;
  readonly virtualPipeline?: number;
  readonly context: number;
  readonly sequenceParallel: boolean;
  readonly expert?: number;
  readonly seqLength: number;
  readonly globalBatch: number;
  readonly microBatch: number;
  /** Nodes of 8 GPUs the call defaults to (1 unless the recipe says more). */
  readonly nodes?: number;
  /** The recipe takes its parallelism, batch and sequence as arguments of the call (Qwen, Gemma 2, StarCoder2). */
  readonly callArguments?: boolean;
}

/**
 * A recipe that takes its run as its call's arguments (Qwen 2.5 / 3, Gemma 2, StarCoder2): no context or sequence
 * parallelism, 4,096 tokens, a global batch of 32 in micro-batches of 2, unless `more` says otherwise.
 */
function argumentRecipe(model: string, tensor: number, pipeline: number, more: Partial<NemoRecipe> = {}): NemoRecipe {
  return { model, tensor, pipeline, context: 1, sequenceParallel: false, seqLength: 4096, globalBatch: 32, microBatch: 2, callArguments: true, ...more };
}

/**
 * NeMo 2's pre-training recipes (nemo/collections/llm/recipes/<name>.py, NVIDIA/NeMo at 8cfedd7, September 2025): the
 * model each builds, its `trainer()` defaults (tensor, pipeline, virtual pipeline, context and expert parallelism,
 * sequence parallelism) and its `MockDataModule` (sequence, global and micro batch). Every one of them trains with
 * the distributed optimizer (distributed_fused_adam_with_cosine_annealing) in bf16_mixed (16-bit weights, fp32 main
 * weights and gradients), on the nodes of 8 GPUs its call defaults to. The Qwen 2.5 / 3, Gemma 2 and StarCoder2
 * recipes take their parallelism, batch and sequence as the call's own arguments (`tensor_parallelism=`,
 * `seq_length=`…); the long-context Llama 3 and Mixtral recipes (`llama3_8b_64k`…) fix theirs in their `trainer()`.
 */
const NEMO_RECIPES: Readonly<Record<string, NemoRecipe>> = {
  llama3_8b: { model: 'meta-llama/Meta-Llama-3-8B', tensor: 1, pipeline: 1, context: 2, sequenceParallel: false, seqLength: 8192, globalBatch: 512, microBatch: 1 },
  llama3_70b: { model: 'meta-llama/Meta-Llama-3-70B', tensor: 4, pipeline: 4, virtualPipeline: 5, context: 2, sequenceParallel: true, seqLength: 8192, globalBatch: 512, microBatch: 1 },
  llama31_8b: { model: 'meta-llama/Llama-3.1-8B', tensor: 1, pipeline: 1, context: 2, sequenceParallel: false, seqLength: 8192, globalBatch: 512, microBatch: 1 },
  llama31_70b: { model: 'meta-llama/Llama-3.1-70B', tensor: 4, pipeline: 4, virtualPipeline: 5, context: 2, sequenceParallel: true, seqLength: 8192, globalBatch: 512, microBatch: 1 },
  llama31_405b: { model: 'meta-llama/Llama-3.1-405B', tensor: 8, pipeline: 8, virtualPipeline: 2, context: 4, sequenceParallel: true, seqLength: 8192, globalBatch: 512, microBatch: 1 },
  mixtral_8x7b: { model: 'mistralai/Mixtral-8x7B-v0.1', tensor: 1, pipeline: 4, virtualPipeline: 8, context: 1, sequenceParallel: false, expert: 8, seqLength: 4096, globalBatch: 512, microBatch: 1 },
  mixtral_8x22b: { model: 'mistralai/Mixtral-8x22B-v0.1', tensor: 2, pipeline: 4, virtualPipeline: 14, context: 2, sequenceParallel: true, expert: 8, seqLength: 4096, globalBatch: 512, microBatch: 1 },
  llama2_7b: { model: 'meta-llama/Llama-2-7b-hf', tensor: 2, pipeline: 1, context: 1, sequenceParallel: false, seqLength: 4096, globalBatch: 512, microBatch: 1 },
  llama32_1b: { model: 'meta-llama/Llama-3.2-1B', tensor: 1, pipeline: 1, context: 1, sequenceParallel: false, seqLength: 8192, globalBatch: 512, microBatch: 1 },
  llama32_3b: { model: 'meta-llama/Llama-3.2-3B', tensor: 1, pipeline: 1, context: 1, sequenceParallel: false, seqLength: 8192, globalBatch: 512, microBatch: 1 },
  mistral_7b: { model: 'mistralai/Mistral-7B-v0.1', tensor: 1, pipeline: 1, context: 2, sequenceParallel: false, seqLength: 4096, globalBatch: 512, microBatch: 1 },
  mistral_nemo_12b: { model: 'mistralai/Mistral-Nemo-Base-2407', tensor: 2, pipeline: 1, context: 2, sequenceParallel: true, seqLength: 8192, globalBatch: 512, microBatch: 1 },
  gemma_2b: { model: 'google/gemma-2b', tensor: 1, pipeline: 1, context: 2, sequenceParallel: false, seqLength: 8192, globalBatch: 512, microBatch: 1 },
  gemma_7b: { model: 'google/gemma-7b', tensor: 2, pipeline: 1, context: 2, sequenceParallel: false, seqLength: 8192, globalBatch: 512, microBatch: 1 },
  phi3_mini_4k_instruct: { model: 'microsoft/Phi-3-mini-4k-instruct', tensor: 1, pipeline: 1, context: 1, sequenceParallel: false, seqLength: 4096, globalBatch: 512, microBatch: 1 },
  baichuan2_7b: { model: 'baichuan-inc/Baichuan2-7B-Base', tensor: 1, pipeline: 1, context: 2, sequenceParallel: false, seqLength: 8192, globalBatch: 512, microBatch: 1 },
  deepseek_v2_lite: { model: 'deepseek-ai/DeepSeek-V2-Lite', tensor: 1, pipeline: 1, context: 1, sequenceParallel: true, expert: 8, seqLength: 4096, globalBatch: 512, microBatch: 1 },
  qwen25_500m: argumentRecipe('Qwen/Qwen2.5-0.5B', 1, 1),
  qwen25_1p5b: argumentRecipe('Qwen/Qwen2.5-1.5B', 1, 1),
  qwen25_7b: argumentRecipe('Qwen/Qwen2.5-7B', 2, 1),
  qwen25_14b: argumentRecipe('Qwen/Qwen2.5-14B', 4, 1),
  qwen25_32b: argumentRecipe('Qwen/Qwen2.5-32B', 8, 2, { nodes: 2 }),
  qwen25_72b: argumentRecipe('Qwen/Qwen2.5-72B', 8, 4, { nodes: 4 }),
  qwen3_600m: argumentRecipe('Qwen/Qwen3-0.6B', 1, 1),
  qwen3_1p7b: argumentRecipe('Qwen/Qwen3-1.7B', 1, 1),
  qwen3_4b: argumentRecipe('Qwen/Qwen3-4B', 2, 1),
  qwen3_8b: argumentRecipe('Qwen/Qwen3-8B', 4, 1),
  qwen3_14b: argumentRecipe('Qwen/Qwen3-14B', 8, 1),
  qwen3_32b: argumentRecipe('Qwen/Qwen3-32B', 8, 2, { nodes: 2 }),
  qwen3_30b_a3b: argumentRecipe('Qwen/Qwen3-30B-A3B', 4, 2, { sequenceParallel: true, expert: 4 }),
  qwen3_235b_a22b: argumentRecipe('Qwen/Qwen3-235B-A22B', 4, 16, { context: 2, sequenceParallel: true, expert: 8, microBatch: 1, nodes: 16 }),
  gemma2_2b: argumentRecipe('google/gemma-2-2b', 2, 1),
  gemma2_9b: argumentRecipe('google/gemma-2-9b', 8, 1),
  gemma2_27b: argumentRecipe('google/gemma-2-27b', 8, 2, { nodes: 2 }),
  starcoder2_3b: argumentRecipe('bigcode/starcoder2-3b', 2, 1),
  starcoder2_7b: argumentRecipe('bigcode/starcoder2-7b', 2, 1),
  starcoder2_15b: argumentRecipe('bigcode/starcoder2-15b', 4, 2),
  llama3_8b_16k: { model: 'meta-llama/Meta-Llama-3-8B', tensor: 4, pipeline: 2, context: 2, sequenceParallel: true, seqLength: 16384, globalBatch: 512, microBatch: 1, nodes: 2 },
  llama3_8b_64k: { model: 'meta-llama/Meta-Llama-3-8B', tensor: 4, pipeline: 2, context: 4, sequenceParallel: true, seqLength: 65536, globalBatch: 512, microBatch: 1, nodes: 4 },
  llama3_8b_128k: { model: 'meta-llama/Meta-Llama-3-8B', tensor: 4, pipeline: 2, context: 8, sequenceParallel: true, seqLength: 131072, globalBatch: 512, microBatch: 1, nodes: 8 },
  llama3_70b_16k: { model: 'meta-llama/Meta-Llama-3-70B', tensor: 8, pipeline: 2, context: 2, sequenceParallel: true, seqLength: 16384, globalBatch: 512, microBatch: 1, nodes: 4 },
  llama3_70b_64k: { model: 'meta-llama/Meta-Llama-3-70B', tensor: 8, pipeline: 4, context: 8, sequenceParallel: true, seqLength: 65536, globalBatch: 512, microBatch: 1, nodes: 32 },
  mixtral_8x7b_16k: { model: 'mistralai/Mixtral-8x7B-v0.1', tensor: 4, pipeline: 2, context: 4, sequenceParallel: true, expert: 1, seqLength: 16384, globalBatch: 512, microBatch: 1, nodes: 4 },
  mixtral_8x7b_64k: { model: 'mistralai/Mixtral-8x7B-v0.1', tensor: 8, pipeline: 4, context: 4, sequenceParallel: true, expert: 1, seqLength: 65536, globalBatch: 512, microBatch: 1, nodes: 16 },
};

/** A parallel layout a fine-tuning recipe sets over default_finetune_recipe's (TP 1, PP 1, CP 1, no sequence parallelism). */
export interface NemoLayout {
  readonly tensor?: number;
  readonly pipeline?: number;
  readonly virtualPipeline?: number;
  readonly context?: number;
  readonly expert?: number;
  readonly sequenceParallel?: boolean;
}

/**
 * A NeMo 2 fine-tuning recipe: the checkpoint it resumes, the layout of a full fine-tune (`peft_scheme='none'`) and of
 * its LoRA (the default), with the LoRA's rank and NeMo's target modules (LoRA's own default: linear_qkv,
 * linear_proj, linear_fc1 and linear_fc2), and whether it turns the distributed optimizer off for it.
 */
export interface NemoFinetune {
  readonly model: string;
  readonly full: NemoLayout;
  readonly lora: NemoLayout & { readonly dim: number; readonly targets?: readonly string[]; readonly distributedOptimizer?: false };
  /** Nodes of 8 GPUs the call defaults to, for each scheme (1 unless the recipe says more). */
  readonly nodes?: { readonly full: number; readonly lora: number };
  readonly globalBatch?: number;
  /** The sequence a packed fine-tune takes (the Llama-family recipes: 4,096); otherwise the data module's 2,048. */
  readonly packedSeqLength?: number;
}

/** default_finetune_recipe's SQuAD data: 2,048 tokens, a global batch of 128 (packed: 8) in micro-batches of 1. */
export const NEMO_FINETUNE_DATA = { seqLength: 2048, globalBatch: 128, packedGlobalBatch: 8, microBatch: 1 } as const;

/** NeMo's LoRA's own target modules (its dataclass default). */
export const NEMO_LORA_DEFAULT_TARGETS: readonly string[] = ['linear_qkv', 'linear_proj', 'linear_fc1', 'linear_fc2'];

/** NeMo's LoRA target modules by the HF projections they wrap (linear_fc1 is the fused gate and up). */
export const NEMO_LORA_MODULES: Readonly<Record<string, readonly string[]>> = {
  linear_qkv: ['q_proj', 'k_proj', 'v_proj'], linear_proj: ['o_proj'], linear_fc1: ['gate_proj', 'up_proj'], linear_fc2: ['down_proj'],
};

/**
 * NeMo 2's fine-tuning recipes (`finetune_recipe` in the same files, NVIDIA/NeMo at 8cfedd7), on top of
 * default_finetune_recipe (finetune_default.py): the layouts each sets per scheme, the LoRA's rank and targets, and the
 * distributed optimizer the Llama-family recipes turn off for LoRA.
 */
const NEMO_FINETUNES: Readonly<Record<string, NemoFinetune>> = {
  llama3_8b: { model: 'meta-llama/Meta-Llama-3-8B', full: { tensor: 2 }, lora: { dim: 8, distributedOptimizer: false }, packedSeqLength: 4096 },
  llama3_70b: { model: 'meta-llama/Meta-Llama-3-70B', full: { tensor: 8, pipeline: 4 }, lora: { tensor: 8, dim: 16, distributedOptimizer: false }, nodes: { full: 4, lora: 1 }, packedSeqLength: 4096 },
  llama31_8b: { model: 'meta-llama/Llama-3.1-8B', full: { tensor: 2 }, lora: { dim: 8, distributedOptimizer: false }, packedSeqLength: 4096 },
  llama31_70b: { model: 'meta-llama/Llama-3.1-70B', full: { tensor: 8, pipeline: 4 }, lora: { tensor: 8, dim: 16, distributedOptimizer: false }, nodes: { full: 4, lora: 1 }, packedSeqLength: 4096 },
  llama31_405b: { model: 'meta-llama/Llama-3.1-405B', full: { tensor: 8, pipeline: 14 }, lora: { tensor: 4, pipeline: 6, virtualPipeline: 7, dim: 16, distributedOptimizer: false }, nodes: { full: 3, lora: 3 }, globalBatch: 6 },
  mixtral_8x7b: { model: 'mistralai/Mixtral-8x7B-v0.1', full: { expert: 8, pipeline: 4, virtualPipeline: 8 }, lora: { expert: 8, dim: 32, targets: ['linear_qkv', 'linear_proj'] } },
  mixtral_8x22b: { model: 'mistralai/Mixtral-8x22B-v0.1', full: { expert: 8, tensor: 8, pipeline: 4, virtualPipeline: 14 }, lora: { expert: 8, tensor: 8, dim: 32, targets: ['linear_qkv', 'linear_proj'] }, nodes: { full: 8, lora: 8 } },
  llama2_7b: { model: 'meta-llama/Llama-2-7b-hf', full: { tensor: 2 }, lora: { dim: 8, distributedOptimizer: false }, packedSeqLength: 4096 },
  llama32_1b: { model: 'meta-llama/Llama-3.2-1B', full: { tensor: 1 }, lora: { dim: 8, distributedOptimizer: false }, packedSeqLength: 4096 },
  llama32_3b: { model: 'meta-llama/Llama-3.2-3B', full: { tensor: 1 }, lora: { dim: 8, distributedOptimizer: false }, packedSeqLength: 4096 },
  mistral_7b: { model: 'mistralai/Mistral-7B-v0.3', full: { tensor: 2 }, lora: { dim: 32 } },
  mistral_nemo_12b: { model: 'mistralai/Mistral-Nemo-Base-2407', full: {}, lora: { dim: 32, targets: ['linear_qkv', 'linear_proj'] } },
  gemma_2b: { model: 'google/gemma-2b', full: { context: 2 }, lora: { dim: 32 } },
  gemma_7b: { model: 'google/gemma-7b', full: { tensor: 2 }, lora: { dim: 32 } },
  phi3_mini_4k_instruct: { model: 'microsoft/Phi-3-mini-4k-instruct', full: { tensor: 1 }, lora: { dim: 8, distributedOptimizer: false }, packedSeqLength: 4096 },
  baichuan2_7b: { model: 'baichuan-inc/Baichuan2-7B-Base', full: { tensor: 2 }, lora: { dim: 32 } },
  qwen25_500m: { model: 'Qwen/Qwen2.5-0.5B', full: {}, lora: { dim: 32 } },
  qwen25_1p5b: { model: 'Qwen/Qwen2.5-1.5B', full: {}, lora: { dim: 32 } },
  qwen25_7b: { model: 'Qwen/Qwen2.5-7B', full: { tensor: 2 }, lora: { dim: 32 } },
  qwen25_14b: { model: 'Qwen/Qwen2.5-14B', full: { tensor: 4 }, lora: { dim: 32 } },
  qwen25_32b: { model: 'Qwen/Qwen2.5-32B', full: { tensor: 8, pipeline: 1 }, lora: { tensor: 8, dim: 32 } },
  qwen25_72b: { model: 'Qwen/Qwen2.5-72B', full: { tensor: 8, pipeline: 4 }, lora: { tensor: 8, dim: 32 } },
  qwen3_600m: { model: 'Qwen/Qwen3-0.6B', full: {}, lora: { dim: 32 } },
  qwen3_1p7b: { model: 'Qwen/Qwen3-1.7B', full: {}, lora: { dim: 32 } },
  qwen3_4b: { model: 'Qwen/Qwen3-4B', full: { tensor: 2 }, lora: { dim: 32 } },
  qwen3_8b: { model: 'Qwen/Qwen3-8B', full: { tensor: 4 }, lora: { dim: 32 } },
  qwen3_14b: { model: 'Qwen/Qwen3-14B', full: { tensor: 8 }, lora: { dim: 32 } },
  qwen3_32b: { model: 'Qwen/Qwen3-32B', full: { tensor: 8, pipeline: 2 }, lora: { tensor: 8, dim: 32 }, nodes: { full: 2, lora: 2 } },
  qwen3_30b_a3b: { model: 'Qwen/Qwen3-30B-A3B', full: { tensor: 4, expert: 4, pipeline: 2, sequenceParallel: true }, lora: { tensor: 4, expert: 4, sequenceParallel: true, dim: 32, targets: ['linear_qkv', 'linear_proj'] } },
  qwen3_235b_a22b: { model: 'Qwen/Qwen3-235B-A22B', full: { tensor: 4, expert: 4, pipeline: 16, sequenceParallel: true }, lora: { tensor: 4, expert: 4, pipeline: 4, sequenceParallel: true, dim: 32, targets: ['linear_qkv', 'linear_proj'] }, nodes: { full: 8, lora: 8 } },
  gemma2_2b: { model: 'google/gemma-2-2b', full: {}, lora: { dim: 32 } },
  gemma2_9b: { model: 'google/gemma-2-9b', full: { tensor: 4 }, lora: { dim: 32 } },
  gemma2_27b: { model: 'google/gemma-2-27b', full: { tensor: 8, pipeline: 2 }, lora: { tensor: 4, dim: 32 } },
  starcoder2_3b: { model: 'bigcode/starcoder2-3b', full: { tensor: 2 }, lora: { dim: 32 } },
  starcoder2_7b: { model: 'bigcode/starcoder2-7b', full: { tensor: 2 }, lora: { dim: 32 } },
  starcoder2_15b: { model: 'bigcode/starcoder2-15b', full: { tensor: 4 }, lora: { dim: 32 } },
};

/** A recipe's attributes a script sets, as the run keys Megatron-Core's settings are read by. */
export const NEMO_RECIPE_ATTRIBUTES: Readonly<Record<string, string>> = {
  'trainer.strategy.tensor_model_parallel_size': 'tensor_model_parallel_size',
  'trainer.strategy.pipeline_model_parallel_size': 'pipeline_model_parallel_size',
  'trainer.strategy.virtual_pipeline_model_parallel_size': 'virtual_pipeline_model_parallel_size',
  'trainer.strategy.context_parallel_size': 'context_parallel_size',
  'trainer.strategy.expert_model_parallel_size': 'expert_model_parallel_size',
  'trainer.strategy.sequence_parallel': 'sequence_parallel',
  'data.micro_batch_size': 'micro_batch_size',
  'data.global_batch_size': 'global_batch_size',
  'data.seq_length': 'seq_length',
  'model.config.recompute_granularity': 'recompute_granularity',
  'model.config.recompute_method': 'recompute_method',
  'model.config.recompute_num_layers': 'recompute_num_layers',
  'trainer.devices': 'devices',
  'trainer.num_nodes': 'num_nodes',
};

/**
 * The NeMo 2 recipe a script calls (`llm.llama3_8b.pretrain_recipe`, or its `finetune_recipe`), by its module's name,
 * when VRAM Lens knows it.
 */
export function nemoRecipe(callee: string): { readonly name: string; readonly recipe: NemoRecipe; readonly finetune?: NemoFinetune } | undefined {
  const parts = callee.split('.');
  const name = parts[parts.length - 2];
  if (name === undefined || !Object.hasOwn(NEMO_RECIPES, name)) {
    return undefined;
  }
  const call = parts[parts.length - 1];
  if (call === NEMO_FINETUNE_CALL) {
    return Object.hasOwn(NEMO_FINETUNES, name) ? { name, recipe: NEMO_RECIPES[name], finetune: NEMO_FINETUNES[name] } : undefined;
  }
  return call === NEMO_RECIPE_CALL ? { name, recipe: NEMO_RECIPES[name] } : undefined;
}
