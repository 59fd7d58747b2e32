// The serving flags VRAM Lens reads (vLLM's and SGLang's, as command lines, `--config` YAML and `LLM(...)` write them): what each sets, what it does to the KV pool (for hovers), and the reader that turns a file's entries into serving options.
import { findCatalogModel } from './catalog';
import { entryOf, type ConfigObject, type ConfigValue } from './configTree';
import { dynamicQuant, GGUF_FILE_TYPES, ggufFileType } from './gguf';
import { RUN_LIMITS } from './runLimits';
import { CPU_MOE_ALL, LLAMA_CACHE_TYPES, type LlamaCacheType, type LlamaOptions, type LocalEngine, type TensorOverride } from './llamacpp';
import { OLLAMA_DEFAULT_FILE_TYPE, ollamaModel } from './ollama';
import { countedSpeculation, parseEngineVersion, type ServingEngine, type ServingOptions, type StateDtype } from './serving';
import type { KvCacheType, Precision, Quantization, Span } from './types';
import { LLAMA_HUB_KEY, SERVING_ENGINE_KEY, SERVING_FLAG_ALIASES, SERVING_OFFLINE_KEY, SERVING_VERSION_KEY } from './vocabulary';

type Writable<T> = { -readonly [K in keyof T]?: T[K] };

/** One flag: the option it sets, how its value reads, and what it does to the pool. */
interface ServingFlag {
  readonly option: keyof ServingOptions;
  readonly read: (v: ConfigValue) => ServingOptions[keyof ServingOptions] | undefined | 'invalid';
  /** What the flag does to the memory, for its hover. */
  readonly says: string;
  /** What a valid value is, for the message on an invalid one. */
  readonly expects: string;
  readonly engines: readonly ServingEngine[];
}

const integer = (min: number, max: number) => (v: ConfigValue) => (v.kind === 'number' && Number.isInteger(v.value) && v.value >= min && v.value <= max ? v.value : 'invalid');

/** A token count as vLLM reads one: a number, or `32k` / `1m` (thousands) and `32K` / `1M` (powers of 1024). */
const tokenCount = (min: number, max: number) => (v: ConfigValue) => {
  const m = v.kind === 'string' ? /^(\d+(?:\.\d+)?)([kmg])$/i.exec(v.value.trim()) : null;
  if (!m) {
    return integer(min, max)(v);
  }
  const power = { k: 1, m: 2, g: 3 }[m[2].toLowerCase() as 'k' | 'm' | 'g'];
  const n = Number(m[1]) * (m[2] === m[2].toUpperCase() ? 1024 : 1000) ** power;
  return Number.isInteger(n) && n >= min && n <= max ? n : 'invalid';
};
const fraction = (v: ConfigValue) => (v.kind === 'number' && v.value > 0 && v.value <= 1 ? v.value : 'invalid');
const flag = (v: ConfigValue) => (v.kind === 'boolean' ? v.value : v.kind === 'string' && /^(true|false)$/i.test(v.value) ? /^true$/i.test(v.value) : 'invalid');

/** `--dtype`: the weights' and activations' precision. */
function readDtype(v: ConfigValue): Precision | undefined | 'invalid' {
  if (v.kind !== 'string') {
    return 'invalid';
  }
  const known: Record<string, Precision | undefined> = { auto: undefined, bfloat16: 'bf16-true', float16: '16-true', half: '16-true', float: '32-true', float32: '32-true' };
  return v.value.toLowerCase() in known ? known[v.value.toLowerCase()] : 'invalid';
}

/**
 * `--quantization` methods whose bits the checkpoint's own quantization_config gives, not the method: the weights are
 * read from the checkpoint's name or config (16 bits when neither says, and the plan says so).
 */
const CHECKPOINT_METHODS = ['compressed-tensors', 'modelopt', 'auto-round', 'quark', 'moe_wna16', 'inc', 'torchao', 'gguf', 'hqq', 'fp_quant', 'gptq_marlin_24', 'bitblas', 'gptq_bitblas', 'awq_triton'];

/** `--quantization`: how vLLM loads the weights (a checkpoint's own method is read from its name or config). */
function readQuantization(v: ConfigValue): Quantization | undefined | 'invalid' {
  const method = quantizationMethod(v);
  if (method === undefined) {
    return 'invalid';
  }
  const known: Record<string, Quantization | undefined> = {
    fp8: 'fp8-tensor', fbgemm_fp8: 'fp8-channel', ptpc_fp8: 'fp8-channel', awq: 'awq-int4', awq_marlin: 'awq-int4', gptq: 'gptq-int4', gptq_marlin: 'gptq-int4',
    marlin: 'gptq-int4', bitsandbytes: 'nf4', mxfp4: 'mxfp4', modelopt_fp4: 'nvfp4', petit_nvfp4: 'nvfp4', experts_int8: 'experts-int8', none: undefined,
  };
  return method in known ? known[method] : CHECKPOINT_METHODS.includes(method) ? undefined : 'invalid';
}

/** The `--quantization` method written, where its bits are the checkpoint's to give (`modelopt`, `auto-round`…). */
function readCheckpointMethod(v: ConfigValue): string | undefined {
  const method = quantizationMethod(v);
  return method !== undefined && CHECKPOINT_METHODS.includes(method) ? method : undefined;
}

/** A `--quantization` value under vLLM's name for the method (lower case; `auto_round` as `auto-round`…); undefined if not a string. */
function quantizationMethod(v: ConfigValue): string | undefined {
  return v.kind === 'string' ? v.value.toLowerCase().replace(/^auto_round$/, 'auto-round').replace(/^compressed_tensors$/, 'compressed-tensors') : undefined;
}

/** `--kv-cache-dtype`: the types VRAM Lens plans (vLLM's newer 4-bit and turboquant layouts are not among them). */
function readKvDtype(v: ConfigValue): KvCacheType | 'invalid' {
  if (v.kind !== 'string') {
    return 'invalid';
  }
  if (/^(int8|fp8)_per_token_head$/i.test(v.value)) {
    return 'token-head-8bit';
  }
  return /^(auto|fp8|fp8_e4m3|fp8_e5m2|fp8_inc|bfloat16|float16)$/i.test(v.value) ? (/^fp8/i.test(v.value) ? 'fp8' : 'auto') : 'invalid';
}

/**
 * `--speculative-config`: a JSON object (a string on a command line, a mapping or dict elsewhere); read, never run.
 * Without a method, vLLM takes it from the draft checkpoint's name (an EAGLE head's), else runs it as a draft model.
 */
function readSpeculative(v: ConfigValue): ServingOptions['speculative'] | 'invalid' {
  const fields = speculativeFields(v);
  const model = typeof fields?.model === 'string' && fields.model.trim() !== '' ? fields.model.trim() : undefined;
  const method = fields?.method ?? (model ? methodOfDraft(model) : undefined);
  const tokens = fields?.num_speculative_tokens ?? 1;
  if (typeof method !== 'string' || typeof tokens !== 'number' || !Number.isInteger(tokens) || tokens < 1 || tokens > 64) {
    return 'invalid';
  }
  return { method: method.toLowerCase(), tokens, ...(model ? { model } : {}) };
}

/** The method vLLM gives a draft checkpoint named without one, by its name (EAGLE-… an EAGLE head, …eagle3 an EAGLE-3 head), else a draft model. */
function methodOfDraft(model: string): string {
  const name = model.toLowerCase();
  return name.includes('eagle-') ? 'eagle' : name.includes('eagle3') ? 'eagle3' : 'draft_model';
}

function speculativeFields(v: ConfigValue): Record<string, unknown> | undefined {
  if (v.kind === 'object') {
    return Object.fromEntries(v.entries.map(e => [e.key, e.value.kind === 'string' || e.value.kind === 'number' || e.value.kind === 'boolean' ? e.value.value : undefined]));
  }
  if (v.kind !== 'string') {
    return undefined;
  }
  try {
    const parsed: unknown = JSON.parse(v.value);
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** `--mamba-cache-dtype` / `--mamba-ssm-cache-dtype`. */
function readStateDtype(v: ConfigValue): StateDtype | 'invalid' {
  const known: readonly StateDtype[] = ['auto', 'float32', 'float16', 'bfloat16'];
  return v.kind === 'string' && (known as readonly string[]).includes(v.value.toLowerCase()) ? (v.value.toLowerCase() as StateDtype) : 'invalid';
}

const BOTH: readonly ServingEngine[] = ['vllm', 'sglang'];

/** The flags, under vLLM's names with `_` (SGLang's own names are mapped onto them by SERVING_FLAG_ALIASES, or are their own). */
export const SERVING_FLAGS: Readonly<Record<string, ServingFlag>> = {
  gpu_memory_utilization: {
    option: 'gpuMemoryUtilization', read: fraction, expects: 'a share of the GPU above 0 and at most 1', engines: ['vllm'],
    says: 'The share of the GPU vLLM takes (× the total CUDA reports; 0.92 unless set from vLLM 0.21, 0.9 before). Weights, the profiled activations, non-torch memory and (from 0.21) the CUDA graphs come out of it; the KV pool gets the rest.',
  },
  max_model_len: {
    option: 'maxModelLen', read: tokenCount(1, RUN_LIMITS.sequenceLength), expects: 'a whole number of tokens (32768, 32k, 32K)', engines: BOTH,
    says: "The longest request. The pool keeps its size; vLLM starts only if one request this long fits it, and concurrency is the pool over this length.",
  },
  max_num_seqs: {
    option: 'maxNumSeqs', read: integer(1, RUN_LIMITS.batchSize), expects: 'a whole number of sequences', engines: ['vllm'],
    says: "Sequences per step. vLLM's profile runs the sampler over this many rows of fp32 logits, which is most of the activation peak for large vocabularies: fewer sequences leave more room for the KV pool.",
  },
  max_num_batched_tokens: {
    option: 'maxNumBatchedTokens', read: tokenCount(1, RUN_LIMITS.sequenceLength), expects: 'a whole number of tokens (8192, 8k, 8K)', engines: ['vllm'],
    says: "Tokens per step (the chunked-prefill chunk). vLLM's profile runs a dummy batch this long through the model: its activation peak grows with it and comes out of the KV pool.",
  },
  enable_chunked_prefill: { option: 'enableChunkedPrefill', read: flag, expects: 'true or false', engines: ['vllm'], says: 'Long prompts are prefilled in chunks of max_num_batched_tokens; without it (V0) a step holds a whole max_model_len prompt, and the profiled peak with it.' },
  block_size: { option: 'blockSize', read: integer(1, 4096), expects: 'a whole number of tokens', engines: ['vllm'], says: 'Tokens per KV block: the pool is whole blocks, and each request holds whole blocks.' },
  enable_prefix_caching: {
    option: 'enablePrefixCaching', read: flag, expects: 'true or false', engines: ['vllm'],
    says: "Reuses cached prefixes. For a hybrid model (Qwen3.5, Nemotron-H, Granite 4) vLLM then keeps two recurrent-state blocks per request and recurrent group instead of one, and aligns a Mamba2 model's blocks to its scan chunk: fewer requests at once.",
  },
  no_enable_prefix_caching: {
    option: 'enablePrefixCaching', read: v => { const on = flag(v); return on === 'invalid' ? on : !on; }, expects: 'a bare flag', engines: ['vllm'],
    says: "Turns prefix caching off. For a hybrid model vLLM then keeps one recurrent-state block per request and recurrent group instead of two: more requests at once.",
  },
  mamba_ssm_cache_dtype: {
    option: 'mambaSsmCacheDtype', read: readStateDtype, expects: 'auto, float32, float16 or bfloat16', engines: BOTH,
    says: "A hybrid's recurrent state dtype (vLLM's --mamba-ssm-cache-dtype, SGLang's --mamba-ssm-dtype; unset: the config's mamba_ssm_dtype, else the model's in vLLM and float32 in SGLang): float32 doubles each state, and vLLM sizes its blocks to hold one.",
  },
  mamba_cache_dtype: {
    option: 'mambaCacheDtype', read: readStateDtype, expects: 'auto, float32, float16 or bfloat16', engines: ['vllm'],
    says: "A hybrid's convolution state dtype (auto: the model's), and its recurrent state's too unless mamba_ssm_cache_dtype or the config sets that.",
  },
  speculative_config: {
    option: 'speculative', read: readSpeculative, expects: 'a JSON object with "method" or "model" (and "num_speculative_tokens")', engines: ['vllm'],
    says: "Speculative decoding. An MTP draft (the checkpoint's own multi-token-prediction layers) adds those layers' weights and KV cache; an EAGLE or EAGLE-3 head adds its decoder layer, fusion projection (and EAGLE-3's own head) and that layer's KV cache; for a hybrid model each request also keeps a recurrent-state block per proposed token. A separate draft model adds its weights and its layers' KV cache (where the catalog knows it). An n-gram draft costs no GPU memory.",
  },
  cpu_offload_gb: {
    option: 'cpuOffloadGb', read: v => (v.kind === 'number' && v.value >= 0 && v.value <= 1e6 ? v.value : 'invalid'), expects: 'GiB of weights per GPU, 0 or more', engines: ['vllm'],
    says: "GiB of each GPU's weights kept in host memory and streamed in as the layers run: that much more room for the KV pool, at a cost in speed.",
  },
  enforce_eager: { option: 'enforceEager', read: flag, expects: 'true or false', engines: BOTH, says: 'No CUDA graphs: saves the memory graph capture takes after the pool is sized (about 0.5–2 GiB), at some decode speed.' },
  kv_cache_dtype: {
    option: 'kvCacheType', read: readKvDtype, engines: BOTH,
    expects: 'auto, bfloat16, float16, an fp8 type, int8_per_token_head or fp8_per_token_head (VRAM Lens does not plan int4_per_token_head, nvfp4 or the turboquant types)',
    says: 'fp8 stores keys and values in 1 byte: twice the KV tokens in the same pool; int8_per_token_head and fp8_per_token_head add an fp32 scale per token and head.',
  },
  tensor_parallel_size: { option: 'tensorParallel', read: integer(1, RUN_LIMITS.parallelDegree), expects: 'a whole number of GPUs', engines: BOTH, says: 'GPUs that split each layer: weights and KV heads per GPU divide by it (NCCL takes about 2 GiB on each), so the pool grows.' },
  data_parallel_size: {
    option: 'dataParallel', read: integer(1, RUN_LIMITS.parallelDegree), expects: 'a whole number of engines', engines: BOTH,
    says: "Copies of the model that each keep their own KV pool: more GPUs and more requests at once, the same pool per copy. vLLM splits an MoE's routed experts over all TP × DP GPUs, which leaves each more room; with SGLang's --enable-dp-attention the groups share the TP GPUs instead, attention split over TP / DP of them.",
  },
  enable_dp_attention: {
    option: 'dpAttention', read: flag, expects: 'true or false', engines: ['sglang'],
    says: 'Attention runs data parallel: the --dp groups split the --tp GPUs, each group with its own requests and KV pool, attention over TP / DP GPUs (more attention weights per GPU), the MLP and experts over all TP.',
  },
  decode_context_parallel_size: {
    option: 'decodeContextParallel', read: integer(1, RUN_LIMITS.parallelDegree), expects: 'a whole number that divides tensor_parallel_size', engines: ['vllm'],
    says: "Interleaves each request's KV over this many of the TP GPUs: each keeps 1 / DCP of it, so the pool holds DCP times the tokens (most useful for MLA models, whose latent cache TP does not split).",
  },
  enable_expert_parallel: { option: 'expertParallel', read: flag, expects: 'true or false', engines: ['vllm'], says: "Whole experts on each GPU instead of each expert split over the GPUs: the same expert bytes per GPU, split over TP × DP." },
  kv_cache_memory_bytes: {
    option: 'kvCacheMemoryBytes', read: tokenCount(1, 2 ** 50), expects: 'a whole number of bytes (21474836480, or 20G for 20 GiB)', engines: ['vllm'],
    says: 'The KV pool per GPU, in bytes, set by hand (vLLM 0.11 on): vLLM allocates exactly this and ignores gpu_memory_utilization for the pool; it runs out of memory at start if the pool does not fit beside the weights, activations and CUDA graphs.',
  },
  language_model_only: { option: 'languageModelOnly', read: flag, expects: 'true or false', engines: ['vllm'], says: "Loads the language model alone: a multimodal model's vision encoder is not loaded, which leaves its weights to the KV pool." },
  enable_lora: { option: 'enableLora', read: flag, expects: 'true or false', engines: ['vllm'], says: 'vLLM allocates max_loras adapter slots of max_lora_rank on every attention and MLP projection at load: they count with the weights and come out of the KV pool.' },
  max_loras: { option: 'maxLoras', read: integer(1, 1024), expects: 'a whole number of adapters', engines: ['vllm'], says: 'Adapters served in one batch (default 1): each is a slot of max_lora_rank on every projection, allocated at load.' },
  max_lora_rank: { option: 'maxLoraRank', read: integer(1, 4096), expects: 'a whole number (8, 16, 32, 64…)', engines: ['vllm'], says: 'The largest adapter rank served (default 16): every slot is allocated at this rank, whatever the adapters loaded.' },
  fully_sharded_loras: { option: 'fullyShardedLoras', read: flag, expects: 'true or false', engines: ['vllm'], says: 'Splits the slots over tensor parallelism on both sides, where by default each GPU keeps one side whole.' },
  pipeline_parallel_size: { option: 'pipelineParallel', read: integer(1, RUN_LIMITS.parallelDegree), expects: 'a whole number of stages', engines: ['vllm'], says: 'Stages that split the layers: each GPU holds its layers and their KV blocks.' },
  dtype: { option: 'precision', read: readDtype, expects: 'auto, bfloat16, float16 or float32', engines: BOTH, says: 'The weights\' and activations\' precision: float32 doubles the weights and the KV bytes per token.' },
  quantization: { option: 'quantization', read: readQuantization, expects: 'a quantization method vLLM knows (fp8, awq, gptq, bitsandbytes, modelopt, compressed-tensors…)', engines: BOTH, says: "How the weights load: fp8 halves the linear layers (the embedding and head stay in 16 bits), leaving the difference to the KV pool; a checkpoint's own method (modelopt, compressed-tensors, auto-round) loads the bits its name or config states." },
  mem_fraction_static: {
    option: 'memFractionStatic', read: fraction, expects: 'a share of the GPU above 0 and at most 1', engines: ['sglang'],
    says: "SGLang's share of the GPU for the weights and the KV pool; the rest is left for activations, CUDA graphs and a speculative draft's KV cache. Unset, from 0.5.3 SGLang computes it from the GPU's memory less what it reserves for the chunked prefill, CUDA graphs, TP and a draft (0.835 on an H100).",
  },
  max_total_tokens: { option: 'maxTotalTokens', read: integer(1, 1e9), expects: 'a whole number of tokens', engines: ['sglang'], says: 'Caps the KV pool at this many tokens.' },
  chunked_prefill_size: { option: 'chunkedPrefillSize', read: integer(-1, RUN_LIMITS.sequenceLength), expects: 'a whole number of tokens', engines: ['sglang'], says: 'Tokens per prefill chunk: the activation peak grows with it (in the unreserved share), and from 0.5.3 the default mem_fraction_static reserves 1.5 MiB per token of it.' },
  max_mamba_cache_size: { option: 'maxMambaCacheSize', read: integer(1, 1e7), expects: 'a whole number of slots', engines: ['sglang'], says: "A hybrid's recurrent-state slots, one per running request: each holds every recurrent layer's state; the KV pool gets what they leave." },
  mamba_full_memory_ratio: { option: 'mambaFullMemoryRatio', read: v => (v.kind === 'number' && v.value > 0 && v.value <= 100 ? v.value : 'invalid'), expects: 'a ratio above 0', engines: ['sglang'], says: "A hybrid's recurrent states against the KV pool (default 0.9: the states get 0.9 / 1.9 of the pool): more slots for requests at once, fewer KV tokens." },
  disable_radix_cache: { option: 'disableRadixCache', read: flag, expects: 'true or false', engines: ['sglang'], says: 'No prefix cache. For a hybrid model with --max-running-requests, SGLang then keeps exactly one state slot per request.' },
  max_running_requests: { option: 'maxRunningRequests', read: integer(1, RUN_LIMITS.batchSize), expects: 'a whole number of requests', engines: ['sglang'], says: 'Requests decoded at once (48 under speculative decoding when unset).' },
  cuda_graph_max_bs: {
    option: 'cudaGraphMaxBs', read: integer(1, RUN_LIMITS.batchSize), expects: 'a whole number of requests', engines: ['sglang'],
    says: 'The largest batch SGLang captures CUDA graphs for. From 0.5.3 its default static share reserves 2 MiB per batch for them: a larger batch, a smaller KV pool.',
  },
  speculative_algorithm: {
    option: 'speculativeAlgorithm', read: v => (v.kind === 'string' && /^[a-z][\w-]*$/i.test(v.value) ? v.value.toUpperCase() : 'invalid'), expects: 'an algorithm name (EAGLE, EAGLE3, NEXTN, STANDALONE, NGRAM)', engines: ['sglang'],
    says: "Speculative decoding. SGLang sizes the KV pool as without it and loads the draft's weights and KV cache (as many tokens as the pool) in the share mem_fraction_static leaves unreserved; an unset --max-running-requests becomes 48.",
  },
  speculative_draft_model_path: {
    option: 'speculativeDraftModel', read: v => (v.kind === 'string' && v.value.trim() !== '' ? v.value.trim() : 'invalid'), expects: 'a model path or name', engines: ['sglang'],
    says: "The draft SGLang loads for --speculative-algorithm: an EAGLE or EAGLE-3 head, or with STANDALONE a smaller model; its weights and KV cache take the share mem_fraction_static leaves unreserved.",
  },
};

/** One llama.cpp (or Ollama) setting: the option it sets, how its value reads, and what it does to memory. */
interface LocalFlag {
  readonly option: keyof LlamaOptions;
  readonly read: (v: ConfigValue) => LlamaOptions[keyof LlamaOptions] | undefined | 'invalid';
  readonly says: string;
  readonly expects: string;
}

const onOff = (v: ConfigValue) => {
  if (v.kind === 'boolean') {
    return v.value;
  }
  const t = v.kind === 'number' ? String(v.value) : v.kind === 'string' ? v.value.toLowerCase() : '';
  return /^(on|true|1|enabled)$/.test(t) ? true : /^(off|false|0|disabled)$/.test(t) ? false : t === 'auto' ? undefined : 'invalid';
};
const cacheType = (v: ConfigValue) => (v.kind === 'string' && (LLAMA_CACHE_TYPES as readonly string[]).includes(v.value.toLowerCase()) ? (v.value.toLowerCase() as LlamaCacheType) : 'invalid');
const gpuLayers = (v: ConfigValue) => (v.kind === 'string' && /^(all|auto)$/i.test(v.value) ? undefined : integer(-1, 100_000)(v) === -1 ? undefined : integer(0, 100_000)(v));
/** `-ot PATTERN=BUFFER[,PATTERN=BUFFER…]`: each rule's regular expression must compile, as llama.cpp's would. */
function readOverrides(v: ConfigValue): readonly TensorOverride[] | 'invalid' {
  if (v.kind !== 'string' || v.value.trim() === '') {
    return 'invalid';
  }
  const rules: TensorOverride[] = [];
  for (const rule of v.value.split(',')) {
    const at = rule.lastIndexOf('=');
    const pattern = rule.slice(0, at);
    const buffer = rule.slice(at + 1).trim();
    if (at <= 0 || !/^(cpu|cuda\d*|rocm\d*|vulkan\d*|metal|sycl\d*)/i.test(buffer) || !compiles(pattern)) {
      return 'invalid';
    }
    rules.push({ pattern, buffer });
  }
  return rules;
}

/**
 * Whether an `-ot` pattern compiles and is safe to run: a repeated group that itself repeats (`(a+)+`) can take
 * exponential time on a name, so it is refused rather than run.
 */
function compiles(pattern: string): boolean {
  if (pattern.length > 500 || /\((?:[^()\\]|\\.)*[*+}](?:[^()\\]|\\.)*\)\s*[*+{]/.test(pattern)) {
    return false;
  }
  try {
    new RegExp(pattern);
    return true;
  } catch {
    return false;
  }
}

/** Every `-ot` of a command, in order: llama.cpp applies the first rule whose pattern matches. */
function allOverrides(obj: ConfigObject): readonly TensorOverride[] {
  return obj.entries.filter(e => e.key === 'override_tensor').flatMap(e => {
    const rules = readOverrides(e.value);
    return rules === 'invalid' ? [] : rules;
  });
}

const split = (v: ConfigValue) => {
  const text = v.kind === 'number' ? String(v.value) : v.kind === 'string' ? v.value : '';
  const parts = text.split(/[,/]/).map(Number);
  return parts.length >= 1 && parts.every(p => Number.isFinite(p) && p >= 0) && parts.some(p => p > 0) ? parts : 'invalid';
};

/** llama.cpp's settings (Ollama's Modelfile PARAMETERs and environment mapped onto them by the readers). */
export const LOCAL_FLAGS: Readonly<Record<string, LocalFlag>> = {
  ctx_size: { option: 'contextSize', read: v => (integer(0, RUN_LIMITS.sequenceLength)(v) === 0 ? undefined : integer(1, RUN_LIMITS.sequenceLength)(v)), expects: 'a whole number of tokens', says: 'The context in KV cells: the KV buffer grows with it (the compute buffer too without flash attention). llama-server splits it across its slots; Ollama gives each request this much.' },
  n_gpu_layers: { option: 'gpuLayers', read: gpuLayers, expects: 'a number of layers, or all', says: 'Layers offloaded to the GPU, from the last: each moves its weights and KV cells from host to GPU memory; past the layer count the output head goes too.' },
  flash_attn: { option: 'flashAttention', read: onOff, expects: 'on, off or auto', says: "Flash attention: without it the compute buffer holds the attention scores over the whole context (about 2 GiB at 32K for an 8B model)." },
  parallel: { option: 'parallel', read: integer(1, RUN_LIMITS.batchSize), expects: 'a whole number of slots', says: "Requests served at once. llama-server splits -c among them; Ollama multiplies num_ctx by them." },
  cache_type_k: { option: 'cacheTypeK', read: cacheType, expects: `one of ${LLAMA_CACHE_TYPES.join(', ')}`, says: 'The key cache type: q8_0 halves it, q4_0 quarters it.' },
  cache_type_v: { option: 'cacheTypeV', read: cacheType, expects: `one of ${LLAMA_CACHE_TYPES.join(', ')}`, says: 'The value cache type (quantized values need flash attention).' },
  ubatch_size: { option: 'ubatch', read: integer(1, RUN_LIMITS.sequenceLength), expects: 'a whole number of tokens', says: 'Tokens per physical micro-batch: the compute buffer (logits and activations) grows with it.' },
  no_kv_offload: { option: 'noKvOffload', read: flag, expects: 'true or false', says: 'Keeps the KV cache in host memory: GPU memory for weights, at a cost in speed.' },
  tensor_split: { option: 'tensorSplit', read: split, expects: 'shares such as 3,1', says: "Each GPU's share of the layers; the plan is for the GPU with the largest." },
  swa_full: { option: 'swaFull', read: flag, expects: 'true or false', says: "Sliding-window layers cache the whole context instead of their window: a larger KV buffer." },
  n_cpu_moe: { option: 'cpuMoeLayers', read: integer(0, 100_000), expects: 'a number of layers', says: "The routed experts of the first N layers stay in host memory and run on the CPU: an MoE too large for the GPU keeps its attention, shared experts and KV there." },
  cpu_moe: { option: 'cpuMoeLayers', read: v => (flag(v) === true ? CPU_MOE_ALL : flag(v) === false ? undefined : 'invalid'), expects: 'true or false', says: "Every layer's routed experts stay in host memory and run on the CPU; the rest of the model goes to the GPU." },
  override_tensor: { option: 'tensorOverrides', read: readOverrides, expects: 'PATTERN=BUFFER rules such as exps=CPU (a regular expression without a repeated group that itself repeats, and CPU or CUDA0…)', says: 'Places the tensors whose names match a pattern in the named buffer, the first rule that matches winning: exps=CPU keeps the routed experts in host memory.' },
  mmproj: { option: 'mmprojType', read: v => (v.kind === 'string' && v.value.trim() !== '' ? (ggufFileType(v.value) ?? 'F16') : 'invalid'), expects: 'a projector file (mmproj-F16.gguf)', says: "The vision projector llama.cpp loads beside the model, on the GPU unless --no-mmproj-offload: a multimodal model's image encoder, at the file's type." },
  no_mmproj_offload: { option: 'mmprojOnHost', read: flag, expects: 'true or false', says: 'Keeps the vision projector in host memory: GPU memory for the model, images encoded on the CPU.' },
  fit: { option: 'fit', read: onOff, expects: 'on or off', says: 'llama.cpp shrinks an unstated context, then moves unstated layers to the CPU, until the buffers fit the GPU (on by default).' },
};

/** Ollama's and llama-cpp-python's names for llama.cpp's settings. */
const LOCAL_ALIASES: Readonly<Record<string, string>> = { num_ctx: 'ctx_size', n_ctx: 'ctx_size', num_gpu: 'n_gpu_layers', num_batch: 'ubatch_size' };

/** Keys only a serving config writes: one of them beside `model:` makes a YAML file a vLLM (or SGLang) config. */
const VLLM_ONLY = ['gpu_memory_utilization', 'max_num_seqs', 'max_num_batched_tokens', 'enforce_eager', 'kv_cache_dtype', 'swap_space', 'block_size', 'enable_prefix_caching', 'served_model_name'];
const SGLANG_ONLY = ['mem_fraction_static', 'max_total_tokens', 'chunked_prefill_size', 'max_running_requests', 'model_path'];

/** A flag's name as the reader keys it: `gpu-memory-utilization` → `gpu_memory_utilization`, SGLang's aliases mapped. */
export function servingFlagName(key: string): string {
  const name = key.replace(/^-+/, '').replace(/-/g, '_');
  return SERVING_FLAG_ALIASES[name] ?? name;
}

/** Where a serving option was stated, for the report, the hover and the quick fixes. */
export interface ServingSource {
  readonly option: keyof ServingOptions | keyof LlamaOptions;
  readonly key: string;
  readonly keySpan: Span;
  readonly valueSpan: Span;
}

/** A file's serving settings: the engine, what it states, where, and values no engine accepts. */
export interface ServingFromFile {
  readonly engine: ServingEngine | LocalEngine;
  readonly options: Partial<ServingOptions>;
  /** A llama.cpp or Ollama start's settings (the GGUF file type its model name states among them). */
  readonly local?: Partial<LlamaOptions>;
  readonly sources: readonly ServingSource[];
  readonly problems: readonly { readonly message: string; readonly keySpan: Span; readonly valueSpan: Span }[];
  /** Flags that change memory in ways the plan does not count (speculative decoding's draft): a warning on each. */
  readonly warnings?: readonly { readonly message: string; readonly keySpan: Span; readonly valueSpan: Span; readonly moot?: 'with-gguf-header' }[];
  /** A shell command line (a fix may add a flag at its end), not a YAML config or an `LLM(...)` call. */
  readonly commandLine: boolean;
}

/** The engine an object is for: the readers' mark, or the keys only a vLLM or SGLang config writes. */
function engineOf(obj: ConfigObject): ServingEngine | LocalEngine | undefined {
  const marked = entryOf(obj, SERVING_ENGINE_KEY)?.value;
  if (marked?.kind === 'string' && (marked.value === 'vllm' || marked.value === 'sglang' || marked.value === 'llama.cpp' || marked.value === 'ollama')) {
    return marked.value;
  }
  if (!obj.entries.some(e => servingFlagName(e.key) === 'model')) {
    return undefined;
  }
  const raw = new Set(obj.entries.map(e => e.key.replace(/-/g, '_')));
  if (SGLANG_ONLY.some(k => raw.has(k))) {
    return 'sglang';
  }
  return VLLM_ONLY.some(k => raw.has(k)) ? 'vllm' : undefined;
}

/**
 * The serving settings of a config object (a launch's entries, a `--config` YAML, an `LLM(...)` call's), or undefined
 * when it starts no serving engine. A value no engine accepts is a problem on its key, never a silent default.
 */
export function readServing(obj: ConfigObject): ServingFromFile | undefined {
  const engine = engineOf(obj);
  if (!engine) {
    return undefined;
  }
  if (engine === 'llama.cpp' || engine === 'ollama') {
    return readLocal(obj, engine);
  }
  const commandLine = isCommandLine(obj);
  // A command line's flags are named as the user typed them (`--gpu-memory-utilization`).
  const written = (key: string) => (commandLine ? `--${key.replace(/_/g, '-')}` : key);
  const read = readFlags(obj, key => {
    const f = SERVING_FLAGS[servingFlagName(key)];
    return f && f.engines.includes(engine) ? f : undefined;
  }, written);
  const options: Writable<ServingOptions> = { engine, usage: entryOf(obj, SERVING_OFFLINE_KEY) ? 'offline' : 'server', ...read.values };
  if (engine === 'sglang' && options.speculativeAlgorithm) {
    options.speculative = sglangSpeculative(options.speculativeAlgorithm, options.speculativeDraftModel);
  }
  const method = obj.entries.find(e => servingFlagName(e.key) === 'quantization');
  const checkpointMethod = method ? readCheckpointMethod(method.value) : undefined;
  if (checkpointMethod) {
    options.checkpointMethod = checkpointMethod;
  }
  const sources = [...read.sources];
  const tag = entryOf(obj, SERVING_VERSION_KEY)?.value;
  if (tag?.kind === 'string' && parseEngineVersion(tag.value)) {
    options.version = tag.value;
    sources.push({ option: 'version', key: SERVING_VERSION_KEY, keySpan: tag.span, valueSpan: tag.span });
  }
  return { engine, options, sources, problems: read.problems, warnings: unmodelledFlags(obj, engine, options), commandLine };
}

/**
 * SGLang's `--speculative-algorithm` under vLLM's method names, with its draft: NEXTN, or EAGLE with no draft path
 * (SGLang then drafts with the checkpoint's own next-token layers), is MTP; EAGLE with a draft path an EAGLE head;
 * EAGLE3 an EAGLE-3 head; STANDALONE a draft model; NGRAM n-gram lookups. Any other keeps its own name (not counted).
 */
function sglangSpeculative(algorithm: string, draft: string | undefined): NonNullable<ServingOptions['speculative']> {
  const method = algorithm === 'NEXTN' || (algorithm === 'EAGLE' && !draft) ? 'mtp' : SGLANG_SPECULATIVE_METHODS[algorithm] ?? algorithm.toLowerCase();
  return { method, tokens: 1, ...(draft ? { model: draft } : {}) };
}

const SGLANG_SPECULATIVE_METHODS: Readonly<Record<string, string>> = { EAGLE: 'eagle', EAGLE3: 'eagle3', STANDALONE: 'draft_model', NGRAM: 'ngram' };

/** Whether the plan counts a command's draft (read as `speculative`): an MTP, EAGLE or n-gram draft, or a draft model the catalog knows. */
function speculationCounted(s: ServingOptions['speculative']): boolean {
  if (s === undefined) {
    return false;
  }
  return s.method === 'draft_model' ? s.model !== undefined && findCatalogModel(s.model) !== undefined : countedSpeculation(s) !== undefined;
}

/** What a draft model costs that the plan leaves out. */
const SPECULATIVE_NOT_COUNTED = "Speculative decoding is not counted: the draft model's (or the MTP layers') weights and KV cache come out of the engine's budget too, so the KV pool is smaller than shown.";
/**
 * SGLang's: it sizes the KV pool as without a draft (the target's pool, with room for draft and verify tokens, then
 * the draft worker's pool of as many tokens), so the draft takes the unreserved share (model_runner.init_memory_pool).
 */
const SGLANG_SPECULATIVE_NOT_COUNTED = "Speculative decoding's draft is not counted: SGLang sizes the KV pool as without it, then loads the draft's weights and its KV cache (as many tokens as the pool) in the share mem_fraction_static leaves unreserved, beside activations and CUDA graphs; where they do not fit there, it runs out of memory at start. (MTP, EAGLE and n-gram drafts are counted, and a STANDALONE draft model the catalog knows.)";
/** vLLM's: what it counts of a `--speculative-config` draft, for a draft it does not. */
const VLLM_SPECULATIVE_NOT_COUNTED = `${SPECULATIVE_NOT_COUNTED} (MTP, EAGLE and n-gram drafts are counted, and a draft model the catalog knows.)`;

/** Flags that change memory in ways the plan does not model, by engine, with what the plan leaves out. */
const UNMODELLED_FLAGS: Readonly<Record<string, { readonly engines: readonly ServingEngine[]; readonly message: string; readonly counted?: (options: Partial<ServingOptions>) => boolean }>> = {
  speculative_config: { engines: ['vllm'], message: VLLM_SPECULATIVE_NOT_COUNTED, counted: o => speculationCounted(o.speculative) },
  speculative_model: { engines: ['vllm'], message: SPECULATIVE_NOT_COUNTED },
  speculative_algorithm: { engines: ['sglang'], message: SGLANG_SPECULATIVE_NOT_COUNTED, counted: o => speculationCounted(o.speculative) },
  speculative_draft_model_path: { engines: ['sglang'], message: SGLANG_SPECULATIVE_NOT_COUNTED, counted: o => speculationCounted(o.speculative) },
  hf_overrides: { engines: ['vllm'], message: "The config overrides are not applied: the plan reads the model's config as it is published." },
  json_model_override_args: { engines: ['sglang'], message: "The config overrides are not applied: the plan reads the model's config as it is published." },
};

/** A warning on each flag that changes memory in a way the plan does not count (one per flag), as the flags were read into `options`. */
function unmodelledFlags(obj: ConfigObject, engine: ServingEngine, options: Partial<ServingOptions>): NonNullable<ServingFromFile['warnings']> {
  const warned = new Set<string>();
  return obj.entries.flatMap(e => {
    const flag = UNMODELLED_FLAGS[servingFlagName(e.key)];
    if (!flag || !flag.engines.includes(engine) || warned.has(flag.message) || flag.counted?.(options)) {
      return [];
    }
    warned.add(flag.message);
    return [{ message: flag.message, keySpan: e.keySpan, valueSpan: e.value.span }];
  });
}

/** A launch's entries (not a YAML config's nor an `LLM(...)` call's): a fix may add a flag at the command's end. */
function isCommandLine(obj: ConfigObject): boolean {
  return entryOf(obj, SERVING_ENGINE_KEY) !== undefined && !entryOf(obj, SERVING_OFFLINE_KEY);
}

type Problems = ServingFromFile['problems'][number][];

/**
 * The options an object's entries set, through the flag table `flagFor` looks each key up in: where each was stated,
 * and a problem on each value the flag does not accept (named as `written` spells its key).
 */
function readFlags<O extends string>(
  obj: ConfigObject,
  flagFor: (key: string) => { readonly option: O; readonly read: (v: ConfigValue) => unknown; readonly expects: string } | undefined,
  written: (key: string) => string = key => key,
): { values: Record<string, unknown>; sources: ServingSource[]; problems: Problems } {
  const values: Record<string, unknown> = {};
  const sources: ServingSource[] = [];
  const problems: Problems = [];
  for (const e of obj.entries) {
    const f = flagFor(e.key);
    const value = f?.read(e.value);
    if (!f || value === undefined) {
      continue;
    }
    if (value === 'invalid') {
      problems.push({ message: `\`${e.written ?? written(e.key)}\` must be ${f.expects}.`, keySpan: e.keySpan, valueSpan: e.value.span });
      continue;
    }
    values[f.option] = value;
    sources.push({ option: f.option as ServingSource['option'], key: e.key, keySpan: e.keySpan, valueSpan: e.value.span });
  }
  return { values, sources, problems };
}

/** A flag's hover text, by the key as written; undefined for keys that are not serving flags. */
export function servingFlagHelp(key: string): string | undefined {
  return SERVING_FLAGS[servingFlagName(key)]?.says ?? LOCAL_FLAGS[LOCAL_ALIASES[key] ?? key]?.says;
}

/** The GGUF file type a model reference states: a file name's, a `-hf REPO:QUANT` tag's, or an Ollama tag's pull. */
function fileTypeOf(reference: string, engine: LocalEngine): string | undefined {
  const tag = /:([\w]+)$/.exec(reference)?.[1]?.toUpperCase();
  if (engine === 'ollama') {
    return ollamaModel(reference)?.fileType ?? OLLAMA_DEFAULT_FILE_TYPE;
  }
  return ggufFileType(reference) ?? (tag !== undefined && tag in GGUF_FILE_TYPES ? tag : undefined) ?? dynamicQuant(reference)?.base;
}

/** llama.cpp's `-hf REPO` without a tag: the repository's Q4_K_M file (its documented default). */
const HUB_DEFAULT_FILE_TYPE = 'Q4_K_M';

/** A llama.cpp or Ollama start's settings. */
function readLocal(obj: ConfigObject, engine: LocalEngine): ServingFromFile {
  const model = (entryOf(obj, 'model') ?? entryOf(obj, 'model_name_or_path'))?.value;
  const fileType = model?.kind === 'string' ? fileTypeOf(model.value, engine) : undefined;
  const read = readFlags(obj, key => LOCAL_FLAGS[LOCAL_ALIASES[key] ?? key]);
  const overrides = allOverrides(obj);
  // `-hf REPO` downloads and loads the repository's projector too (unless --no-mmproj), as F16 by default.
  const fromHub = engine === 'llama.cpp' && entryOf(obj, LLAMA_HUB_KEY) !== undefined;
  const noProjector = entryOf(obj, 'no_mmproj') !== undefined;
  const untagged = fromHub && model?.kind === 'string' && !model.value.includes(':');
  const type = fileType ?? (untagged ? HUB_DEFAULT_FILE_TYPE : undefined);
  const local: Writable<LlamaOptions> = { engine, ...(type ? { fileType: type } : {}), ...read.values, ...(overrides.length > 0 ? { tensorOverrides: overrides } : {}) };
  if (noProjector) {
    delete local.mmprojType;
  } else if (fromHub && local.mmprojType === undefined) {
    local.hubProjector = true;
  }
  const dynamic = model?.kind === 'string' && engine === 'llama.cpp' ? dynamicQuant(model.value) : undefined;
  const warnings = dynamic && model
    ? [{ message: `${dynamic.type} is unsloth's dynamic quant, its types chosen layer by layer: VRAM Lens lays it out as ${dynamic.base}, its base type, which can differ by several percent. Point -m to the local .gguf to read its exact types from its header.`, keySpan: model.span, valueSpan: model.span, moot: 'with-gguf-header' as const }]
    : [];
  return { engine, options: {}, local, sources: read.sources, problems: read.problems, warnings, commandLine: isCommandLine(obj) };
}
