// Quick fixes for a serving command its engine would refuse: each recomputed with the planner to start, written as the flag the command already uses or added to its command line.
import type { ConfigAnalysis } from './analyze';
import type { FileEdit, Fix, FixKind } from './fixContext';
import { formatInteger } from './format';
import { computesFp8, cudaTotalBytes, gpuMemoryBytes, vllmBitsandbytesRuns, type Gpu } from './gpus';
import { GIB } from './memory';
import { planLlamaCpp, type LlamaOptions } from './llamacpp';
import { largestFitting, smallestFitting } from './search';
import { dataParallelOf, fewestStartingSplit, mostUtilization, neededMemFraction, neededUtilization, planServing, vllmRelease, vllmSplits, type ServingOptions, type ServingPlan } from './serving';
import type { ModelSpec } from './types';

/** The command-line flag for an option, as `vllm serve` and llama.cpp spell it. */
const FLAG_NAMES: Partial<Record<keyof ServingOptions | keyof LlamaOptions, string>> = {
  maxModelLen: '--max-model-len', gpuMemoryUtilization: '--gpu-memory-utilization', kvCacheType: '--kv-cache-dtype', tensorParallel: '--tensor-parallel-size',
  memFractionStatic: '--mem-fraction-static', kvCacheMemoryBytes: '--kv-cache-memory-bytes', quantization: '--quantization', cpuOffloadGb: '--cpu-offload-gb', cpuMoeLayers: '--n-cpu-moe', contextSize: '-c', gpuLayers: '-ngl', flashAttention: '-fa', cacheTypeK: '-ctk', cacheTypeV: '-ctv',
};

/** Each option's fix kind, in the order the fixes are offered: quantized weights first, then the KV cache and context, then more GPUs. */
const SERVING_FIX_KINDS: readonly (readonly [keyof ServingOptions, FixKind])[] = [
  ['quantization', 'quant-fp8'],
  ['kvCacheType', 'kv-cache-fp8'],
  ['maxModelLen', 'max-model-len'],
  ['gpuMemoryUtilization', 'gpu-memory-utilization'],
  ['kvCacheMemoryBytes', 'kv-cache-memory'],
  ['memFractionStatic', 'mem-fraction-static'],
  ['tensorParallel', 'tensor-parallel'],
  ['cpuOffloadGb', 'cpu-offload'],
];

/**
 * The edit that sets an option: its value where the file states it, else (on a command line) the flag added at the
 * command's end. Undefined where neither is possible (a YAML file that leaves the option out).
 */
function editFor(a: ConfigAnalysis, option: keyof ServingOptions | keyof LlamaOptions, text: string, value: string): FileEdit | undefined {
  const source = a.config.serving?.sources.find(s => s.option === option);
  if (source && source.valueSpan.start === source.keySpan.start) {
    // A bare flag (`-fa`): its word is both key and value; the fix writes the value after it.
    return { span: source.valueSpan, newText: `${text.slice(source.keySpan.start, source.keySpan.end)} ${value}` };
  }
  if (source) {
    const original = text.slice(source.valueSpan.start, source.valueSpan.end);
    const q = original.trim()[0];
    return { span: source.valueSpan, newText: q === '"' || q === "'" ? `${q}${value}${q}` : value };
  }
  const flag = FLAG_NAMES[option];
  return a.config.serving?.commandLine && flag ? { span: { start: a.config.span.end, end: a.config.span.end }, newText: ` ${flag} ${value}` } : undefined;
}

/**
 * Fixes for a serving command that would not start on `gpu`, each checked with the planner: the longest
 * `max_model_len` that starts, the `gpu_memory_utilization` it needs, fp8 KV cache, the fewest GPUs in tensor
 * parallel (twice, four or eight times as many, up to one node) that start it (or, for a degree vLLM cannot split the
 * model over, the nearest it can).
 */
export function servingFixes(a: ConfigAnalysis, gpu: Gpu, text: string): Fix[] {
  const plan = a.serving;
  const options = a.servingOptions;
  if (!plan || plan.starts || !a.spec || !options) {
    return [];
  }
  const s: Situation = { spec: a.spec, options, plan, gpu };
  const tries = [...lengthAndShareTries(s), ...manualPoolTries(s), ...kvTries(s), ...tensorParallelTries(s), ...offloadTries(s), ...quantizationTries(s)];
  const fixes: Fix[] = [];
  const rank = (option: keyof ServingOptions) => SERVING_FIX_KINDS.findIndex(([o]) => o === option);
  for (const t of [...tries].sort((x, y) => rank(x.option) - rank(y.option))) {
    const after = planServing(a.spec, { ...options, [t.option]: t.value }, gpu);
    const edit = editFor(a, t.option, text, t.written);
    const kind = t.kind ?? SERVING_FIX_KINDS[rank(t.option)]?.[1];
    if (after.starts && edit && kind) {
      fixes.push({ kind, title: t.title, value: typeof t.value === 'number' ? t.value : t.written, edit, peakBytes: after.budgetBytes, capacityBytes: gpuMemoryBytes(gpu), preferred: fixes.length === 0 });
    }
  }
  return fixes;
}

/** A serving command that does not start: its model, options, plan and GPU. */
interface Situation {
  readonly spec: ModelSpec;
  readonly options: ServingOptions;
  readonly plan: ServingPlan;
  readonly gpu: Gpu;
}

/** One change to try, as the command would be edited: the option, its value, the text written and the fix's title. */
interface Try {
  readonly option: keyof ServingOptions;
  readonly value: ServingOptions[keyof ServingOptions];
  readonly written: string;
  readonly title: string;
  /** Where the option's usual kind does not name the change (bitsandbytes' 4-bit weights). */
  readonly kind?: FixKind;
}

/** The longest max_model_len the pool holds one request of; the least budget share at which the engine starts. */
function lengthAndShareTries({ spec, options, plan, gpu }: Situation): Try[] {
  const tries: Try[] = [];
  if (plan.longestStartingLen > 0 && plan.longestStartingLen < plan.maxModelLen) {
    const len = plan.longestStartingLen;
    tries.push({ option: 'maxModelLen', value: len, written: String(len), title: `Set max_model_len to ${formatInteger(len)} (the longest one request the KV pool holds)` });
  }
  if (options.engine === 'vllm') {
    // It starts on a range of shares: below it the pool holds too little, above it what stays outside the budget
    // (the CUDA graphs, the sampler's warm-up) has no room.
    const current = options.gpuMemoryUtilization ?? vllmRelease(options).accounting.defaultUtilization;
    const needed = neededUtilization(spec, options, gpu);
    const most = needed !== undefined && needed < current ? mostUtilization(spec, options, gpu) : undefined;
    if (needed !== undefined && needed > current) {
      tries.push({ option: 'gpuMemoryUtilization', value: needed, written: String(needed), title: `Set gpu_memory_utilization to ${needed} (the least at which vLLM starts)` });
    } else if (most !== undefined) {
      tries.push({ option: 'gpuMemoryUtilization', value: most, written: String(most), title: `Set gpu_memory_utilization to ${most} (the most at which vLLM starts, leaving its CUDA graphs and the sampler's warm-up room)` });
    }
  }
  if (options.engine === 'sglang') {
    const needed = neededMemFraction(spec, options, gpu);
    // A draft in the unreserved share may need a smaller static share, not a larger one.
    if (needed !== undefined && needed !== options.memFractionStatic) {
      const share = plan.draftBytes !== undefined ? 'the activations and the speculative draft' : 'the activations';
      tries.push({ option: 'memFractionStatic', value: needed, written: String(needed), title: `Set mem_fraction_static to ${needed} (the least at which the pool holds one ${formatInteger(plan.maxModelLen)}-token request, leaving ${share} their share)` });
    }
  }
  return tries;
}

/**
 * A pool set by hand (`--kv-cache-memory-bytes`) that does not start: the fewest whole GiB that hold one
 * `max_model_len` request, or, where the pool does not fit beside the rest, the most whole GiB that do.
 */
function manualPoolTries({ spec, options, plan, gpu }: Situation): Try[] {
  if (options.engine !== 'vllm' || options.kvCacheMemoryBytes === undefined) {
    return [];
  }
  const withGib = (n: number) => planServing(spec, { ...options, kvCacheMemoryBytes: n * GIB }, gpu);
  const holdsOne = (p: ServingPlan) => p.longestStartingLen >= p.maxModelLen;
  const most = Math.floor(cudaTotalBytes(gpu) / GIB);
  const gib = holdsOne(plan) ? largestFitting(n => withGib(n).starts || !holdsOne(withGib(n)), most) : smallestFitting(n => holdsOne(withGib(n)), most);
  if (!gib || !withGib(gib).starts) {
    return [];
  }
  const title = holdsOne(plan)
    ? `Set kv_cache_memory_bytes to ${gib}G (the largest KV pool in whole GiB that fits beside the weights, activations and CUDA graphs)`
    : `Set kv_cache_memory_bytes to ${gib}G (the smallest KV pool in whole GiB that holds one ${formatInteger(plan.maxModelLen)}-token request)`;
  return [{ option: 'kvCacheMemoryBytes', value: gib * GIB, written: `${gib}G`, title }];
}

function kvTries({ options }: Situation): Try[] {
  return options.kvCacheType === 'auto' ? [{ option: 'kvCacheType', value: 'fp8', written: 'fp8', title: 'Store the KV cache in fp8 (kv_cache_dtype fp8: twice the tokens per GiB)' }] : [];
}

/**
 * The fewest GPUs, doubling up to one node of eight, over which the model splits and the command starts; for a degree
 * vLLM cannot split the model over, the nearest below and above that it can.
 */
function tensorParallelTries({ spec, options, gpu }: Situation): Try[] {
  const tries: Try[] = [];
  const tp = fewestStartingSplit(spec, options, gpu);
  const dp = dataParallelOf(options);
  if (tp !== undefined && tp > options.tensorParallel) {
    const title = dp > 1 ? `Split each engine over ${tp} GPUs (tensor_parallel_size ${tp}: ${tp * dp} GPUs with data_parallel_size ${dp})` : `Split the model over ${tp} GPUs (tensor_parallel_size ${tp})`;
    tries.push({ option: 'tensorParallel', value: tp, written: String(tp), title });
  }
  if (options.engine === 'vllm' && !vllmSplits(spec, options.tensorParallel)) {
    const below = Array.from({ length: options.tensorParallel - 1 }, (_, i) => options.tensorParallel - 1 - i).find(t => vllmSplits(spec, t));
    const above = Array.from({ length: options.tensorParallel }, (_, i) => options.tensorParallel + 1 + i).find(t => vllmSplits(spec, t));
    for (const t of [below, above]) {
      if (t !== undefined && t !== tp) {
        tries.push({ option: 'tensorParallel', value: t, written: String(t), title: `Split the model over ${t} GPUs (tensor_parallel_size ${t}: a degree vLLM can split it over)` });
      }
    }
  }
  return tries;
}

/** The least whole GiB of weights kept in host memory that lets vLLM start (it streams them in: slower). */
function offloadTries({ spec, options, plan, gpu }: Situation): Try[] {
  if (options.engine !== 'vllm' || options.cpuOffloadGb !== undefined) {
    return [];
  }
  const most = Math.ceil(plan.weightsBytes / 1024 ** 3);
  const gb = smallestFitting(n => planServing(spec, { ...options, cpuOffloadGb: n }, gpu).starts, most);
  return gb === undefined ? [] : [{ option: 'cpuOffloadGb', value: gb, written: String(gb), title: `Keep ${gb} GiB of the weights in host memory (cpu_offload_gb ${gb}: they stream in, slower)` }];
}

/**
 * 16-bit weights quantized as they load: to fp8 where the GPU computes in it (Ada, Hopper, Blackwell, AMD CDNA 3),
 * half the linear layers; elsewhere to bitsandbytes' 4-bit NF4 (vLLM's in-flight quantization, from 0.7 without a
 * load-format flag), where vLLM runs bitsandbytes (not on AMD GPUs, as vLLM's supported-hardware table says).
 */
function quantizationTries({ options, gpu }: Situation): Try[] {
  if (options.quantization !== undefined || options.precision === '32-true') {
    return [];
  }
  if (computesFp8(gpu)) {
    return [{ option: 'quantization', value: 'fp8-tensor', written: 'fp8', title: 'Quantize the weights to fp8 as they load (quantization fp8: about half the weights)' }];
  }
  return options.engine === 'vllm' && vllmRelease(options).accounting.inFlightBitsandbytes && vllmBitsandbytesRuns(gpu)
    ? [{ option: 'quantization', value: 'nf4', written: 'bitsandbytes', kind: 'quant-4bit', title: 'Quantize the weights to 4 bits as they load (quantization bitsandbytes: NF4, the linear layers at about a quarter of their size; slower than an AWQ or GPTQ checkpoint)' }]
    : [];
}

/**
 * Fixes for a llama.cpp start whose buffers do not fit `gpu`, each re-planned to fit: the longest context, flash
 * attention, a q8_0 KV cache, and (llama.cpp) the most layers on the GPU, the rest in host memory.
 */
export function localFixes(a: ConfigAnalysis, gpu: Gpu, text: string): Fix[] {
  const plan = a.local;
  const options = a.localOptions;
  // A load the engine had to fit (a shorter context, layers on the CPU) gets fixes too: each puts it whole on the GPU.
  if (!plan || (plan.fits && !plan.note) || !a.spec || !options) {
    return [];
  }
  const spec = a.spec;
  const fitsWith = (patch: Partial<LlamaOptions>) => {
    const after = planLlamaCpp(spec, { ...options, ...patch }, gpu);
    return { ...after, fits: after.fits && !after.note };
  };
  const fixes: Fix[] = [];
  const offer = (kind: FixKind, value: string | number | boolean, title: string, patch: Partial<LlamaOptions>, edits: (FileEdit | undefined)[]) => {
    const after = fitsWith(patch);
    const all = edits.filter((e): e is FileEdit => e !== undefined);
    if (after.fits && all.length === edits.length) {
      const edit = all.length === 1 ? all[0] : mergeEdits(text, all);
      fixes.push({ kind, value, title, edit, peakBytes: after.deviceTotalBytes, capacityBytes: gpuMemoryBytes(gpu), preferred: fixes.length === 0 });
    }
  };
  // Ollama's context is per request (num_ctx), llama-server's in all.
  const stated = options.contextSize ?? (options.engine === 'ollama' ? plan.contextSize / (options.parallel ?? 1) : plan.contextSize);
  const context = largestFitting(n => fitsWith({ contextSize: n }).fits, stated - 1);
  if (context >= 256) {
    const rounded = Math.floor(context / 256) * 256;
    offer('context', rounded, `Set the context to ${formatInteger(rounded)} (the longest whose buffers fit the ${gpu.name})`, { contextSize: rounded }, [editFor(a, 'contextSize', text, String(rounded))]);
  }
  if (!plan.flashAttention) {
    offer('flash-attention', 'on', 'Turn flash attention on (-fa on: no attention scores over the whole context)', { flashAttention: true }, [editFor(a, 'flashAttention', text, 'on')]);
  }
  if ((options.cacheTypeK ?? 'f16') === 'f16' && plan.flashAttention) {
    offer('kv-cache-q8_0', 'q8_0', 'Store the KV cache in q8_0 (-ctk q8_0 -ctv q8_0: about half the KV buffer)', { cacheTypeK: 'q8_0', cacheTypeV: 'q8_0' }, [editFor(a, 'cacheTypeK', text, 'q8_0'), editFor(a, 'cacheTypeV', text, 'q8_0')]);
  }
  // An MoE's routed experts in host memory, layer by layer from the first, keep attention and the KV cache on the GPU.
  if (options.engine === 'llama.cpp' && spec.moe && options.cpuMoeLayers === undefined && !options.tensorOverrides) {
    const moeLayers = smallestFitting(n => fitsWith({ cpuMoeLayers: n }).fits, plan.layers);
    if (moeLayers !== undefined) {
      offer('cpu-moe', moeLayers, `Keep the routed experts of the first ${moeLayers} layers in host memory (--n-cpu-moe ${moeLayers}: they run on the CPU; attention and the KV cache stay on the GPU)`, { cpuMoeLayers: moeLayers }, [editFor(a, 'cpuMoeLayers', text, String(moeLayers))]);
    }
  }
  const layers = options.engine === 'llama.cpp' ? largestFitting(n => fitsWith({ gpuLayers: n }).fits, plan.layers) : 0;
  if (layers > 0) {
    offer('gpu-layers', layers, `Offload ${layers} of ${plan.layers} layers (-ngl ${layers}; the rest run on the CPU, slower)`, { gpuLayers: layers }, [editFor(a, 'gpuLayers', text, String(layers))]);
  }
  return fixes;
}

/** Two edits as one (both flags appended at a command's end, or two values replaced): the text between them kept. */
function mergeEdits(text: string, edits: readonly FileEdit[]): FileEdit {
  const sorted = [...edits].sort((x, y) => x.span.start - y.span.start);
  const start = sorted[0].span.start;
  const end = sorted[sorted.length - 1].span.end;
  let newText = '';
  let at = start;
  for (const e of sorted) {
    newText += text.slice(at, e.span.start) + e.newText;
    at = e.span.end;
  }
  return { span: { start, end }, newText };
}
