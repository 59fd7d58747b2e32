// The llama.cpp and Ollama planner for users running GGUF models: the model buffer split between host and GPU, the KV buffer, the compute buffer, and whether it loads on the GPU.
import { ggufTensors, ggmlBytes, mmprojBytes, type GgufTensor } from './gguf';
import { gpuMemoryBytes, type Gpu } from './gpus';
import { cachedAttentionLayers, gemma4CachedLayers, MIB } from './memory';
import { largestFitting } from './search';
import { recurrentLayersOf, stateDtypeBytes, vllmStateElements } from './stateSpace';
import type { ModelSpec } from './types';

export type LocalEngine = 'llama.cpp' | 'ollama';

/** KV cache element types llama.cpp takes for `-ctk` / `-ctv` (OLLAMA_KV_CACHE_TYPE). */
export const LLAMA_CACHE_TYPES = ['f32', 'f16', 'bf16', 'q8_0', 'q4_0', 'q4_1', 'iq4_nl', 'q5_0', 'q5_1'] as const;
export type LlamaCacheType = (typeof LLAMA_CACHE_TYPES)[number];

/** What a llama.cpp command line (or an Ollama Modelfile and its environment) says, under llama.cpp's names. */
export interface LlamaOptions {
  readonly engine: LocalEngine;
  /** The GGUF file type (Q4_K_M…) its name states; undefined: F16. */
  readonly fileType?: string;
  /** The tensors a local GGUF's header lists, when it was read (exact types, in place of the recipe). */
  readonly headerTensors?: readonly GgufTensor[];
  /** A DeepSeek GGUF converted before llama.cpp cached MLA's latent: every head's keys and values are cached. */
  readonly cachesEveryHead?: boolean;
  /** `-c`: the context in all (llama-server splits it across its slots); Ollama's num_ctx per request. */
  readonly contextSize?: number;
  /** `-np` (llama-server slots) or OLLAMA_NUM_PARALLEL, which multiplies Ollama's context. */
  readonly parallel?: number;
  /** `-ngl`: layers offloaded to the GPU (more than the model has: all, the output head too). */
  readonly gpuLayers?: number;
  readonly flashAttention?: boolean;
  readonly cacheTypeK?: LlamaCacheType;
  readonly cacheTypeV?: LlamaCacheType;
  readonly ubatch?: number;
  /** `-nkvo`: the KV cache stays in host memory. */
  readonly noKvOffload?: boolean;
  /** `--tensor-split`: each GPU's share of the layers; the plan is for the GPU with the largest share. */
  readonly tensorSplit?: readonly number[];
  /** `--swa-full`: sliding-window layers cache the whole context like the others. */
  readonly swaFull?: boolean;
  /** `--fit off`: llama.cpp neither shrinks an unstated context nor moves unstated layers to fit the GPU. */
  readonly fit?: boolean;
  /** `--n-cpu-moe N`: the routed experts of the first N layers stay in host memory (`--cpu-moe`: of every layer). */
  readonly cpuMoeLayers?: number;
  /** The vision projector llama.cpp loads beside the model (`--mmproj FILE`, or `-hf`'s for a model with a vision tower): its type. */
  readonly mmprojType?: string;
  /** `-hf REPO`: llama.cpp loads the repository's projector (F16) where the model has a vision tower. */
  readonly hubProjector?: boolean;
  /** `--no-mmproj-offload`: the projector stays in host memory. */
  readonly mmprojOnHost?: boolean;
  /** `-ot PATTERN=BUFFER`, in order: the first whose pattern a tensor's name matches places it (CPU: host memory). */
  readonly tensorOverrides?: readonly TensorOverride[];
}

/** One `--override-tensor` rule: a regular expression searched in tensor names, and the buffer it names. */
export interface TensorOverride {
  readonly pattern: string;
  readonly buffer: string;
}

/** Each override pattern compiled once (a plan tests it against every tensor, and --fit plans many times). */
const PATTERNS = new Map<string, RegExp>();

function compiled(pattern: string): RegExp {
  let re = PATTERNS.get(pattern);
  if (!re) {
    re = new RegExp(pattern);
    if (PATTERNS.size < 256) {
      PATTERNS.set(pattern, re);
    }
  }
  return re;
}

/** The buffer a tensor's name sends it to under the overrides, in order (then --n-cpu-moe's rule), or undefined. */
function overriddenBuffer(t: GgufTensor, options: LlamaOptions): 'host' | 'device' | undefined {
  if (!t.name) {
    return undefined;
  }
  for (const o of options.tensorOverrides ?? []) {
    if (compiled(o.pattern).test(t.name)) {
      return /^cpu/i.test(o.buffer) ? 'host' : 'device';
    }
  }
  // llama.cpp adds --n-cpu-moe's rule after the user's: blk.N.ffn_(up|down|gate)_exps for N below the count.
  return t.layer !== undefined && t.layer < (options.cpuMoeLayers ?? 0) && /\.ffn_(up|down|gate)_exps/.test(t.name) ? 'host' : undefined;
}

/** One llama.cpp (or Ollama) load, as the CLI's `serving` JSON gives it. */
export interface LlamaPlan {
  readonly engine: LocalEngine;
  readonly gpu: string;
  readonly deviceModelBytes: number;
  readonly hostModelBytes: number;
  readonly kvCacheBytes: number;
  /** The part of the KV cache on the GPU: the offloaded layers' cells, none under `-nkvo`. */
  readonly kvDeviceBytes: number;
  /** A hybrid's or state-space model's recurrent states (llama.cpp's RS buffer), counted in the KV figures; absent otherwise. */
  readonly recurrentStateBytes?: number;
  readonly computeBytes: number;
  readonly deviceTotalBytes: number;
  readonly hostTotalBytes: number;
  /** The engine loads it: on the GPU whole, or as the engine's own fitting placed it (see `note`). */
  readonly fits: boolean;
  readonly reason: string;
  /** What the engine's own fitting changed to load it (a shorter context, layers on the CPU). */
  readonly note?: string;
  /** The settings the plan assumed (stated or the engine's defaults). */
  readonly contextSize: number;
  readonly gpuLayers: number;
  readonly layers: number;
  readonly flashAttention: boolean;
  readonly fileType: string;
  readonly assumptions: readonly string[];
}

/** Bytes of one cached element of a cache type (per 32 for the block types). */
function cacheElementBytes(type: LlamaCacheType): number {
  return ggmlBytes(type.toUpperCase(), 32) / 32;
}

/** llama.cpp pads the KV cache to a multiple of 256 cells. */
function paddedContext(n: number): number {
  return Math.ceil(n / 256) * 256;
}

/** The CUDA context and cuBLAS a llama.cpp process holds beside its buffers (no PyTorch): not in its log. */
const CONTEXT_BYTES = 300 * MIB;

/** Engine defaults for what a command leaves out. */
const DEFAULTS = { llamaContext: 4096, ollamaContext: 4096, ubatch: 512, serverSlots: 4 } as const;

/**
 * llama.cpp's recurrent-state buffer ("RS buffer", llama_memory_recurrent) of a hybrid or state-space model: for each
 * sequence and recurrent layer, the convolution's last kernel − 1 inputs (R) and the state (S), in f32 — one cell per
 * sequence: `-np` (llama-server's 4 slots unless set), OLLAMA_NUM_PARALLEL (1). 0 without recurrent layers.
 */
export function recurrentStateBytes(spec: ModelSpec, options: Pick<LlamaOptions, 'engine' | 'parallel'>): number {
  const recurrent = recurrentLayersOf(spec);
  if (!recurrent) {
    return 0;
  }
  const e = vllmStateElements(recurrent.mixer, 1);
  return stateSequences(options) * recurrent.layers * (e.conv + e.state) * stateDtypeBytes('float32');
}

/** The sequences llama.cpp keeps a recurrent state for: its slots. */
function stateSequences(options: Pick<LlamaOptions, 'engine' | 'parallel'>): number {
  return Math.max(1, options.parallel ?? (options.engine === 'ollama' ? 1 : DEFAULTS.serverSlots));
}

/** The smallest micro-batch for which llama.cpp's CUDA backend runs an op on host-resident weights (copying them over). */
const OP_OFFLOAD_MIN_BATCH = 32;

/** What of the output head a compute buffer holds: its fp32 logits, and a copy of its weights when they live elsewhere. */
interface HeadWork {
  readonly logits: boolean;
  readonly weightCopyBytes: number;
}

/**
 * The compute buffer llama.cpp reserves for a worst-case micro-batch of `ubatch` tokens, as the graph allocator's
 * peak over one layer: whichever is largest of the output head's phase (every token's fp32 logits, n_vocab wide,
 * beside a copy of the head's weights when they are in host memory), the attention phase (without flash attention
 * the fp32 scores over the whole context, n_ctx × ubatch × heads, and its mask; with it, its output), with the
 * query, key and value projections and their rotated copies beside it, or the MLP's two fp32 intermediates; plus the
 * residual stream.
 */
function computeBuffer(spec: ModelSpec, context: number, ubatch: number, flash: boolean, head: HeadWork): number {
  const hidden = spec.hiddenSize * ubatch * 4;
  const logits = head.logits ? spec.vocabSize * ubatch * 4 + head.weightCopyBytes : 0;
  const scores = flash ? ubatch * spec.numHeads * spec.headDim * 4 * 2 : context * ubatch * spec.numHeads * 4;
  const mask = context * ubatch * (flash ? 2 : 4);
  const projections = 2 * ubatch * (spec.numHeads + 2 * spec.numKvHeads) * spec.headDim * 4;
  const mlpWidth = spec.moe ? spec.moe.expertsPerToken * spec.moe.expertIntermediate : spec.intermediateSize;
  const mlp = 2 * mlpWidth * ubatch * 4;
  return Math.max(logits, scores + mask + projections, mlp) + hidden;
}

/**
 * llama.cpp (or Ollama) on `gpu`: the token embedding stays on the host; the last `-ngl` layers, and past all of them
 * the output head (a tied model's embedding, copied), go to the GPU; their KV cells (unless `-nkvo`) and the compute
 * buffer too. It loads when the GPU holds its buffers and the CUDA context.
 */
export function planLlamaCpp(spec: ModelSpec, options: LlamaOptions, gpu: Gpu): LlamaPlan {
  const tensors = options.headerTensors ?? ggufTensors(spec, options.fileType ?? 'F16');
  const whole = planLoad(spec, options, gpu, tensors);
  // Ollama picks how many layers to offload; llama.cpp's --fit (on by default) shrinks an unstated context, then does
  // the same. A load that fits as written needs neither.
  // llama.cpp's --fit stands aside where tensor overrides (-ot, --n-cpu-moe, --cpu-moe) place tensors by hand.
  const placedByHand = options.tensorOverrides !== undefined || options.cpuMoeLayers !== undefined;
  const fitting = options.engine === 'ollama' || (options.fit !== false && !placedByHand);
  if (whole.fits || !fitting) {
    return whole;
  }
  const context = options.engine === 'llama.cpp' && options.contextSize === undefined ? fittedContext(spec, options, gpu, tensors) : undefined;
  if (context) {
    return context;
  }
  return options.gpuLayers === undefined ? fittedLayers(spec, { ...options, ...(options.engine === 'llama.cpp' && options.contextSize === undefined ? { contextSize: FIT_MIN_CONTEXT } : {}) }, gpu, tensors) : whole;
}

/** The least context llama.cpp's --fit shrinks an unstated context to before it moves layers to the CPU. */
const FIT_MIN_CONTEXT = 4096;

/** The most layers whose buffers fit the GPU (more layers never take less), the rest running on the CPU. */
function fittedLayers(spec: ModelSpec, options: LlamaOptions, gpu: Gpu, tensors: readonly GgufTensor[]): LlamaPlan {
  const plan = (ngl: number) => planLoad(spec, { ...options, gpuLayers: ngl }, gpu, tensors);
  const low = largestFitting(n => plan(n).fits, spec.numLayers);
  const best = plan(low);
  const who = options.engine === 'ollama' ? 'Ollama' : "llama.cpp's --fit";
  const note = low > 0
    ? `${who} offloads ${low} of ${spec.numLayers} layers to the ${gpu.name}; the rest run on the CPU (${formatMiB(best.hostTotalBytes)} of host memory), much slower than all on the GPU.`
    : `Not one layer's buffers fit the ${gpu.name} beside the compute buffer: the model runs on the CPU.`;
  return { ...best, fits: true, note };
}

/** The longest context (whole blocks of 256, at least FIT_MIN_CONTEXT) that --fit keeps with every layer on the GPU. */
function fittedContext(spec: ModelSpec, options: LlamaOptions, gpu: Gpu, tensors: readonly GgufTensor[]): LlamaPlan | undefined {
  const plan = (cells: number) => planLoad(spec, { ...options, contextSize: cells * 256 }, gpu, tensors);
  // Whole blocks of 256 cells from FIT_MIN_CONTEXT up: the k-th candidate is FIT_MIN_CONTEXT / 256 - 1 + k blocks.
  const below = FIT_MIN_CONTEXT / 256 - 1;
  const k = largestFitting(n => plan(below + n).fits, Math.floor(trainedContext(spec) / 256) - below);
  if (k === 0) {
    return undefined;
  }
  const cells = below + k;
  const best = plan(cells);
  return { ...best, note: `llama.cpp's --fit shrinks the context from the model's ${trainedContext(spec).toLocaleString('en-US')} to ${best.contextSize.toLocaleString('en-US')} so every layer stays on the ${gpu.name}.` };
}

/** The context llama.cpp takes when -c is 0 or unset (current builds): the model's training context. */
function trainedContext(spec: ModelSpec): number {
  return spec.maxPositions ?? DEFAULTS.llamaContext;
}

function formatMiB(bytes: number): string {
  return `${Math.round(bytes / MIB).toLocaleString('en-US')} MiB`;
}

/**
 * One layer's KV cache per cell. MLA (DeepSeek-V2/V3, Kimi K2): llama.cpp caches the compressed latent and the rope
 * key, kv_lora_rank + qk_rope_head_dim wide, as K only; V is a view of it (current GGUF conversions, which carry
 * key_length_mla). A conversion from before (no key_length_mla) runs as multi-head attention: every head's keys
 * (qk_nope + qk_rope wide) and values (v_head_dim). Otherwise keys and values for each KV head.
 */
function kvBytesPerCell(spec: ModelSpec, options: LlamaOptions): number {
  const k = cacheElementBytes(options.cacheTypeK ?? 'f16');
  const v = cacheElementBytes(options.cacheTypeV ?? 'f16');
  if (spec.mla && options.cachesEveryHead) {
    return spec.numHeads * ((spec.mla.qkNopeHeadDim + spec.mla.qkRopeHeadDim) * k + spec.mla.vHeadDim * v);
  }
  if (spec.mla) {
    return (spec.mla.kvLoraRank + spec.mla.qkRopeHeadDim) * k;
  }
  return spec.numKvHeads * spec.headDim * (k + v);
}

/** One load as written (`tensors` laid out once by planLlamaCpp): where each buffer goes, and whether the GPU holds them. */
function planLoad(spec: ModelSpec, options: LlamaOptions, gpu: Gpu, tensors: readonly GgufTensor[]): LlamaPlan {
  const fileType = options.fileType ?? 'F16';
  const layers = spec.numLayers;
  const requested = options.gpuLayers ?? layers + 1;
  const ngl = Math.max(0, Math.min(requested, layers + 1));
  const firstOnGpu = Math.max(layers - ngl, 0);
  const outputOnDevice = ngl > layers;
  const split = options.tensorSplit && options.tensorSplit.length > 1 ? Math.max(...options.tensorSplit) / options.tensorSplit.reduce((a, b) => a + b, 0) : 1;
  let device = 0;
  let host = 0;
  const embedding = tensors.find(t => t.role === 'token_embd');
  const hasOutput = tensors.some(t => t.role === 'output');
  let expertsOnHost = 0;
  for (const t of tensors) {
    const byLayer = t.role === 'layer' ? t.layer! >= firstOnGpu : t.role === 'output' || t.role === 'output_norm' ? outputOnDevice : false;
    const override = overriddenBuffer(t, options);
    const onDevice = override ? override === 'device' : byLayer;
    if (byLayer && override === 'host') {
      expertsOnHost += t.bytes;
    }
    if (onDevice) {
      device += t.role === 'layer' ? t.bytes * split : t.bytes;
    } else {
      host += t.bytes;
    }
  }
  // The vision projector (mtmd's clip model) loads beside the model: on the GPU unless --no-mmproj-offload.
  const projectorType = options.mmprojType ?? (options.hubProjector ? 'F16' : undefined);
  const projector = projectorType ? mmprojBytes(spec, projectorType) : 0;
  if (options.mmprojOnHost || ngl === 0) {
    host += projector;
  } else {
    device += projector;
  }
  // A model without an output tensor ties it to the token embedding: llama.cpp loads a copy where the output goes.
  if (!hasOutput && embedding) {
    if (outputOnDevice) {
      device += embedding.bytes;
    } else {
      host += embedding.bytes;
    }
  }
  const perSlot = options.contextSize ?? (options.engine === 'ollama' ? DEFAULTS.ollamaContext : trainedContext(spec));
  const context = paddedContext(options.engine === 'ollama' ? perSlot * (options.parallel ?? 1) : perSlot);
  const ubatch = Math.min(options.ubatch ?? DEFAULTS.ubatch, context);
  const perCell = kvBytesPerCell(spec, options);
  // The layers that cache a cell's keys and values (Gemma 4's global ones counted in sliding layers' cells), and those of
  // them that slide (Gemma 4's KV-shared layers cache nothing).
  const kvLayers = cachedAttentionLayers(spec);
  const slidingCells = spec.gemma4 ? gemma4CachedLayers(spec, spec.gemma4).sliding : spec.slidingLayers;
  // Sliding-window layers keep a cache of their own: the window for each sequence and a micro-batch (unless --swa-full).
  const swaLayers = spec.slidingWindow !== undefined && !options.swaFull ? Math.min(slidingCells, kvLayers) : 0;
  const swaCells = swaLayers > 0 ? Math.min(context, paddedContext(spec.slidingWindow! * (options.parallel ?? 1) + ubatch)) : 0;
  // The recurrent layers' states sit beside the KV cells, in the same memory (llama.cpp's hybrid memory).
  const states = recurrentStateBytes(spec, options);
  const kvTotal = perCell * ((kvLayers - swaLayers) * context + swaLayers * swaCells) + states;
  const layersOnGpu = Math.min(ngl, layers);
  const kvOnDevice = options.noKvOffload ? 0 : (kvTotal * layersOnGpu) / layers * split;
  // llama.cpp turns flash attention on where the GPU supports it (-fa auto); Ollama leaves it off unless told.
  const flash = options.flashAttention ?? options.engine !== 'ollama';
  // A head left in host memory still runs on the GPU for a large micro-batch, from a copy of its weights.
  const headOffloaded = !outputOnDevice && ubatch >= OP_OFFLOAD_MIN_BATCH;
  const headBytes = tensors.find(t => t.role === 'output')?.bytes ?? embedding?.bytes ?? 0;
  const compute = layersOnGpu > 0 ? computeBuffer(spec, context, ubatch, flash, { logits: outputOnDevice || headOffloaded, weightCopyBytes: headOffloaded ? headBytes : 0 }) : 0;
  // The host's compute buffer: the input embeddings only, unless layers (or the head) run on the CPU.
  const hostCompute = layersOnGpu === layers && outputOnDevice ? spec.hiddenSize * ubatch * 4 : computeBuffer(spec, context, ubatch, flash, { logits: !outputOnDevice && !headOffloaded, weightCopyBytes: 0 });
  const deviceTotal = Math.round(device + kvOnDevice + compute);
  const hostTotal = Math.round(host + (kvTotal - kvOnDevice) + hostCompute);
  const capacity = gpuMemoryBytes(gpu);
  const fits = deviceTotal + CONTEXT_BYTES <= capacity;
  const reason = fits ? '' : `llama.cpp needs ${(deviceTotal / MIB).toFixed(0)} MiB of buffers on the GPU (model ${(device / MIB).toFixed(0)}, KV ${(kvOnDevice / MIB).toFixed(0)}, compute ${(compute / MIB).toFixed(0)}) plus about ${CONTEXT_BYTES / MIB} MiB of CUDA context, more than the ${gpu.name}'s ${gpu.memoryMiB.toLocaleString('en-US')} MiB: cudaMalloc failed: out of memory.`;
  return {
    engine: options.engine, gpu: gpu.name, deviceModelBytes: Math.round(device), hostModelBytes: Math.round(host), kvCacheBytes: Math.round(kvTotal), kvDeviceBytes: Math.round(kvOnDevice),
    ...(states > 0 ? { recurrentStateBytes: Math.round(states) } : {}),
    computeBytes: Math.round(compute), deviceTotalBytes: deviceTotal, hostTotalBytes: hostTotal, fits, reason,
    contextSize: context, gpuLayers: ngl, layers, flashAttention: flash, fileType,
    assumptions: [...llamaAssumptions(options, fileType, context, ngl, layers, flash, ubatch, headOffloaded && layersOnGpu > 0), ...expertsNote(expertsOnHost, options), ...projectorNote(projector, options), ...recurrentStateNote(spec, options), ...everyHeadNote(spec, options)],
  };
}

/** What the overrides kept in host memory of the layers on the GPU, where they did. */
function expertsNote(bytes: number, options: LlamaOptions): string[] {
  if (bytes <= 0) {
    return [];
  }
  const how = [options.tensorOverrides?.length ? '-ot' : '', options.cpuMoeLayers ? (options.cpuMoeLayers >= CPU_MOE_ALL ? '--cpu-moe' : `--n-cpu-moe ${options.cpuMoeLayers}`) : ''].filter(Boolean).join(' and ');
  return [`${formatMiB(bytes)} of the offloaded layers' tensors (the routed experts${options.tensorOverrides?.length ? ' and what else the overrides name' : ''}) stay in host memory (${how}) and run on the CPU: the model buffer on the GPU is the rest.`];
}

/** What the vision projector adds, where one is loaded. */
function projectorNote(bytes: number, options: LlamaOptions): string[] {
  if (bytes <= 0) {
    return [];
  }
  return [`The vision projector (mmproj, ${options.mmprojType ?? 'F16, the one -hf downloads unless --no-mmproj'}): ${formatMiB(bytes)} in the model buffer ${options.mmprojOnHost ? 'in host memory (--no-mmproj-offload)' : 'on the GPU'}; its own compute buffer for an image is not counted.`];
}

/** `--cpu-moe`: every layer's experts in host memory, as a layer count no model reaches. */
export const CPU_MOE_ALL = 1_000_000;

/** Where a load's layers go, as the texts say it: "All 32 layers and the output head", "20 of 32 layers". */
export function layersOnGpuText(plan: Pick<LlamaPlan, 'gpuLayers' | 'layers'>): string {
  return plan.gpuLayers > plan.layers ? `All ${plan.layers} layers and the output head` : `${plan.gpuLayers} of ${plan.layers} layers`;
}

/** What a plan says of a hybrid's or state-space model's recurrent-state buffer, which it counts with the KV cache. */
function recurrentStateNote(spec: ModelSpec, options: LlamaOptions): string[] {
  const bytes = recurrentStateBytes(spec, options);
  if (bytes === 0) {
    return [];
  }
  const n = stateSequences(options);
  const how = options.parallel !== undefined ? '' : options.engine === 'ollama' ? ', OLLAMA_NUM_PARALLEL unset' : ", llama-server's default of 4 slots";
  return [`Recurrent state (llama.cpp's RS buffer, counted with the KV cache): ${formatMiB(bytes)} in f32 for ${n} sequence${n > 1 ? 's' : ''}${how}, whatever the context.`];
}

/** What a DeepSeek GGUF from before llama.cpp's MLA cache costs per token, beside what a current conversion caches. */
function everyHeadNote(spec: ModelSpec, options: LlamaOptions): string[] {
  if (!spec.mla || !options.cachesEveryHead) {
    return [];
  }
  const layer = kvBytesPerCell(spec, options);
  const latent = kvBytesPerCell(spec, { ...options, cachesEveryHead: false });
  const kib = (bytes: number) => `${(bytes / 1024).toLocaleString('en-US', { maximumFractionDigits: 1 })} KiB`;
  return [
    `This GGUF was converted before llama.cpp cached MLA's latent (its header has no key_length_mla): llama.cpp caches keys and values for all ${spec.numHeads} heads, ${kib(layer)} per token per layer, where a conversion that carries key_length_mla caches ${kib(latent)} (${Math.round(layer / latent)}× less).`,
  ];
}

function llamaAssumptions(options: LlamaOptions, fileType: string, context: number, ngl: number, layers: number, flash: boolean, ubatch: number, headCopied: boolean): string[] {
  const name = options.engine === 'ollama' ? 'Ollama (llama.cpp underneath)' : 'llama.cpp';
  const contextSaid = options.contextSize !== undefined || options.engine === 'ollama' ? '' : ' (no -c: the model\'s training context, as current builds take it; --fit shrinks it when the GPU is short)';
  return [
    `${name}: ${options.headerTensors ? "the GGUF header's tensor types" : `the ${fileType} file type as llama-quantize lays it out (per-tensor recipe of llama-quant.cpp)`}; the token embedding stays in host memory.`,
    `${layersOnGpuText({ gpuLayers: ngl, layers })} on the GPU${options.gpuLayers === undefined ? (options.engine === 'ollama' ? ' (as many as fit: Ollama chooses)' : ' (recent builds offload everything by default)') : ''}; KV cache of ${context.toLocaleString('en-US')} cells${contextSaid} (padded to 256${options.engine === 'ollama' ? ', num_ctx × OLLAMA_NUM_PARALLEL' : ''}), ${options.cacheTypeK ?? 'f16'} keys and ${options.cacheTypeV ?? 'f16'} values${options.noKvOffload ? ', kept in host memory (-nkvo)' : ''}.`,
    `Compute buffer for a micro-batch of ${ubatch} tokens: the largest of its logits, ${flash ? 'its attention with flash attention on' : 'its attention scores over the whole context with their mask (flash attention off)'}${options.flashAttention === undefined ? (options.engine === 'ollama' ? ' (OLLAMA_FLASH_ATTENTION unset)' : ' (-fa auto, the default of recent builds)') : ''}, or its MLP${headCopied ? '; with the head in host memory, the GPU also holds a copy of its weights, as llama.cpp runs a large micro-batch\'s matmuls there' : ''}.`,
    `Fits: the GPU buffers plus about ${CONTEXT_BYTES / MIB} MiB of CUDA context within nvidia-smi's total.`,
  ];
}
