// The serving planner for users about to serve a model: how vLLM and SGLang lay out each GPU's memory at start (budget, weights, profiled activation peak, non-torch memory, CUDA graphs, the KV pool), and whether the engine starts.
import { CUDA_RESERVED_BYTES, cudaTotalBytes, groupName, isUnifiedMemory, type Gpu } from './gpus';
import { attentionWeightBytes, cachedAttentionLayers, describeQuantization, gemma4CachedLayers, GIB, kvCacheElementsPerToken, kvElementBytes, routedExpertBytes, tensorsBytes, visionWeightBytes, weightBytes } from './memory';
import { largestFitting, smallestFitting } from './search';
import { mixerKind, recurrentLayersOf, stateDtypeBytes, vllmStateElements } from './stateSpace';
import { draftLayerTensors, eagleHeadTensors, expertWidth, type EagleMethod } from './tensors';
import type { KvCacheType, ModelSpec, Precision, Quantization } from './types';

export type ServingEngine = 'vllm' | 'sglang';

/** The release VRAM Lens accounts as when neither the file nor the settings name one. */
export const CURRENT_ENGINE_VERSION: Readonly<Record<ServingEngine, string>> = { vllm: '0.29', sglang: '0.5' };

/** What a serving command line, config or `LLM(...)` call says, under the engines' own names. */
export interface ServingOptions {
  readonly engine: ServingEngine;
  /** The release whose accounting applies ("0.6.3", "0.19"); undefined: CURRENT_ENGINE_VERSION. */
  readonly version?: string;
  /** Started as an API server (`vllm serve`) or as `LLM(...)` in Python: vLLM's defaults differ. */
  readonly usage?: 'server' | 'offline';
  readonly tensorParallel: number;
  readonly pipelineParallel: number;
  /**
   * vLLM's `--data-parallel-size`: engines of TP × PP GPUs each, with a KV pool each. An MoE's routed experts are split
   * over all TP × DP GPUs (a tensor-parallel group, or expert parallel with `--enable-expert-parallel`).
   */
  readonly dataParallel?: number;
  /** `--decode-context-parallel-size` / `-dcp`: the TP GPUs share each request's KV by tokens, each keeping 1 / DCP of it. */
  readonly decodeContextParallel?: number;
  /** `--enable-expert-parallel`: whole experts per GPU instead of each expert split; the same bytes per GPU. */
  readonly expertParallel?: boolean;
  /**
   * SGLang's `--enable-dp-attention`: the `--dp` groups split the `--tp` GPUs for attention (each group its own
   * requests and KV pool, attention over TP / DP GPUs), while the MLP and experts stay split over all TP.
   */
  readonly dpAttention?: boolean;
  /** `--kv-cache-memory-bytes`: the KV pool per GPU, set by hand; vLLM then skips its profile's sizing (0.11 on). */
  readonly kvCacheMemoryBytes?: number;
  /** `--language-model-only`: vLLM loads no multimodal encoder. */
  readonly languageModelOnly?: boolean;
  /** `--enable-lora`: vLLM allocates `max_loras` adapter slots of `max_lora_rank` on every supported projection at load. */
  readonly enableLora?: boolean;
  readonly maxLoras?: number;
  readonly maxLoraRank?: number;
  /** `--fully-sharded-loras`: the slots' rank side split over TP too. */
  readonly fullyShardedLoras?: boolean;
  /** `--dtype`: the weights' and activations' element size. */
  readonly precision: Precision;
  readonly quantization?: Quantization;
  /** A `--quantization` method whose bits the checkpoint gives (`modelopt`, `auto-round`), as written. */
  readonly checkpointMethod?: string;
  readonly kvCacheType: KvCacheType;
  readonly gpuMemoryUtilization?: number;
  /** Undefined: the model's own context length. */
  readonly maxModelLen?: number;
  readonly maxNumSeqs?: number;
  readonly maxNumBatchedTokens?: number;
  readonly enableChunkedPrefill?: boolean;
  readonly blockSize?: number;
  /**
   * `--enable-prefix-caching`: for a hybrid model, vLLM keeps two recurrent-state blocks per request and recurrent
   * group instead of one (its "align" mode) and, for Mamba2 mixers, aligns its blocks to the scan chunk.
   */
  readonly enablePrefixCaching?: boolean;
  /** `--speculative-config`: the draft's method, the tokens it proposes a step and its checkpoint (MTP, EAGLE and n-gram drafts are counted). */
  readonly speculative?: { readonly method: string; readonly tokens: number; readonly model?: string; readonly draftModel?: DraftModel };
  /** `--mamba-cache-dtype` / `--mamba-ssm-cache-dtype`: a hybrid's convolution and recurrent state dtypes ('auto': the model's). */
  readonly mambaCacheDtype?: StateDtype;
  readonly mambaSsmCacheDtype?: StateDtype;
  readonly enforceEager?: boolean;
  /** `--cpu-offload-gb`: GiB of each GPU's weights kept in host memory and streamed in as the layers run. */
  readonly cpuOffloadGb?: number;
  /** SGLang: the share of the GPU for weights and the KV pool. */
  readonly memFractionStatic?: number;
  readonly maxTotalTokens?: number;
  readonly chunkedPrefillSize?: number;
  readonly maxRunningRequests?: number;
  /** SGLang's `--cuda-graph-max-bs`: the largest batch it captures graphs for (its default by the GPU's memory and TP). */
  readonly cudaGraphMaxBs?: number;
  /** SGLang's `--speculative-algorithm` (EAGLE, EAGLE3, NEXTN…), upper case as SGLang takes it; `speculative` says it under vLLM's names. */
  readonly speculativeAlgorithm?: string;
  /** SGLang's `--speculative-draft-model-path`. */
  readonly speculativeDraftModel?: string;
  /** SGLang: a hybrid's recurrent-state slots (`--max-mamba-cache-size`), else sized by `--mamba-full-memory-ratio`. */
  readonly maxMambaCacheSize?: number;
  readonly mambaFullMemoryRatio?: number;
  /** SGLang's `--disable-radix-cache`: with `--max-running-requests`, a hybrid gets one state slot per request. */
  readonly disableRadixCache?: boolean;
}

/** A recurrent state's dtype as vLLM's `--mamba-*-cache-dtype` flags name it. */
export type StateDtype = 'auto' | 'float32' | 'float16' | 'bfloat16';

/** One GPU of a vLLM or SGLang deployment at start, as the CLI's `serving` JSON gives it (bytes per GPU). */
export interface ServingPlan {
  readonly engine: ServingEngine;
  readonly version: string;
  readonly gpu: string;
  readonly gpus: number;
  readonly budgetBytes: number;
  readonly weightsBytes: number;
  readonly activationPeakBytes: number;
  readonly nonTorchBytes: number;
  readonly cudaGraphBytes: number;
  readonly kvCacheBytes: number;
  readonly kvBytesPerToken: number;
  readonly kvTokens: number;
  /** A hybrid's recurrent state per request on one GPU, as the pool pages it (vLLM's V1 hybrid manager); absent otherwise. */
  readonly stateBytesPerSequence?: number;
  /** SGLang: what a speculative draft keeps on one GPU in the unreserved share (its KV cache, and its weights under the accounting of releases before 0.5.3); absent without one counted. */
  readonly draftBytes?: number;
  readonly maxConcurrency: number;
  readonly starts: boolean;
  /** Why it does not start, in the engine's own words; empty when it starts. */
  readonly reason: string;
  /** The context each request may reach, and the settings the plan assumed (stated or the engine's defaults). */
  readonly maxModelLen: number;
  readonly maxNumSeqs: number;
  readonly maxNumBatchedTokens: number;
  readonly blockSize: number;
  /** The longest `max_model_len` that starts with these settings; 0 when none does. */
  readonly longestStartingLen: number;
  /** CUDA graphs come out of the budget before the pool (vLLM 0.21 on), rather than being captured after it. */
  readonly cudaGraphsInBudget: boolean;
  /** What each figure rests on, for the report. */
  readonly assumptions: readonly string[];
}

/** A release as numbers: "0.6.3.post1" → [0, 6, 3]. Undefined when it is not written as one. */
export function parseEngineVersion(text: string): readonly number[] | undefined {
  const m = /^v?(\d+)\.(\d+)(?:\.(\d+))?/.exec(text.trim());
  return m ? [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)] : undefined;
}

function atLeast(version: readonly number[], major: number, minor: number): boolean {
  return version[0] > major || (version[0] === major && version[1] >= minor);
}

/** How a vLLM release accounts its memory, by the changes that moved the numbers. */
interface VllmAccounting {
  /** The V1 engine (default from 0.8): chunked prefill always, a free-memory check at start. */
  readonly v1: boolean;
  /**
   * The sampler's dummy run, in fp32 logits rows × vocabulary: none before 0.7 (V0's profile ran the model alone),
   * ≈ 9.6 copies from 0.7 to 0.16, ≈ 3.75 from 0.17.
   */
  readonly samplerCopies: number;
  /** What the profiled forward pass keeps beside its widest tensors (fitted: 8 % on V0's logs, 20 % on V1's). */
  readonly forwardOverhead: number;
  /** V0's chunk when it turns chunked prefill on past 32K: 512 tokens before 0.7, 2,048 after. */
  readonly v0Chunk: number;
  /** Non-torch memory on one GPU: 0.35 GiB before 0.7 (the context grew during the profile), 0.06 GiB on 0.7, 0.25 GiB on V1. */
  readonly nonTorchOneGpu: number;
  /** CUDA graph memory is profiled and taken out of the budget (0.21 on); before, graphs are captured after the pool. */
  readonly graphsInBudget: boolean;
  /** `gpu_memory_utilization` when a command leaves it out: 0.92 from 0.21, raised with the graph profiling; 0.9 before. */
  readonly defaultUtilization: number;
  /** H100-class GPUs (≥ 70 GiB, not an A100) get 8,192 / 16,384 batched tokens and 1,024 sequences by default. */
  readonly largeGpuDefaults: boolean;
  /** The hybrid KV cache manager (sliding-window layers keep only their window). */
  readonly hybridKvCache: boolean;
  /**
   * "GPU KV cache size" is the concurrency at max_model_len times max_model_len (its capacity over every KV cache
   * group); before, the blocks over the groups times the block size. 0.20.0's logs print the old count, 0.24's the
   * new, and vllm#43308 saw Gemma 4's count rise about tenfold from 0.20.0 to 0.21.0 with the pool unchanged.
   */
  readonly capacityFromConcurrency: boolean;
  /**
   * Prefix caching is on for a hybrid unless the command turns it off, and with it the "align" mode (two state
   * blocks a request): 0.20 on (vLLM 0.20.0's and 0.24's logs; 0.19's kept one block where the command said nothing).
   */
  readonly hybridPrefixCaching: boolean;
  /** MXFP4 experts laid out for triton_kernels' Hopper matmul, padded (from 0.11.1, on PyTorch 2.9; before, unswizzled). */
  readonly mxfp4HopperLayout: boolean;
  /** That layout leaves memory beyond vLLM's accounting (TRITON_MXFP4_SLACK): not on 0.11.2, on 0.14.1 and 0.19; taken from 0.12. */
  readonly mxfp4LayoutSlack: boolean;
  /** `--quantization bitsandbytes` alone quantizes 16-bit weights to NF4 as they load (0.7 on; before, a load format too). */
  readonly inFlightBitsandbytes: boolean;
}

/** The release a vLLM command runs, as written ("0.19"; the current release where none is, or none can be read), and its accounting. */
export function vllmRelease(options: Pick<ServingOptions, 'version'>): { readonly text: string; readonly accounting: VllmAccounting } {
  const text = options.version ?? CURRENT_ENGINE_VERSION.vllm;
  const version = parseEngineVersion(text) ?? parseEngineVersion(CURRENT_ENGINE_VERSION.vllm)!;
  return { text, accounting: vllmAccounting(version) };
}

function vllmAccounting(version: readonly number[]): VllmAccounting {
  const v1 = atLeast(version, 0, 8);
  return {
    v1,
    samplerCopies: atLeast(version, 0, 17) ? 3.75 : atLeast(version, 0, 7) ? 9.6 : 0,
    forwardOverhead: v1 ? 1.2 : 1.08,
    v0Chunk: atLeast(version, 0, 7) ? 2048 : 512,
    nonTorchOneGpu: (v1 ? 0.25 : atLeast(version, 0, 7) ? 0.06 : 0.35) * GIB,
    graphsInBudget: atLeast(version, 0, 21),
    defaultUtilization: atLeast(version, 0, 21) ? 0.92 : 0.9,
    largeGpuDefaults: atLeast(version, 0, 9),
    hybridKvCache: atLeast(version, 0, 10),
    capacityFromConcurrency: atLeast(version, 0, 21),
    hybridPrefixCaching: atLeast(version, 0, 20),
    mxfp4HopperLayout: atLeast(version, 0, 12) || (version[0] === 0 && version[1] === 11 && (version[2] ?? 0) >= 1),
    mxfp4LayoutSlack: atLeast(version, 0, 12),
    inFlightBitsandbytes: atLeast(version, 0, 7),
  };
}

/** vLLM's CUDA context and the memory at start that is not its own (measured on an H100: 0.51 GiB before any tensor). */
const CONTEXT_BYTES = 0.5 * GIB;

/**
 * What each GPU holds before vLLM measures its budget, which stays outside it: the CUDA context on one GPU, and with
 * the communicators of tensor or pipeline parallelism 1.43–2.05 GiB on Hopper (vLLM 0.19's H100 logs, "worker init
 * memory snapshot"); elsewhere the context and about 0.13 GiB of NCCL (see nonTorchBytes).
 */
function initBytes(gpusPerStage: number, pp: number, gpu: Gpu): number {
  if (gpusPerStage * pp <= 1) {
    return CONTEXT_BYTES;
  }
  return nvlinkSharp(gpu) ? 1.5 * GIB : CONTEXT_BYTES + 0.13 * GIB;
}

/**
 * What gpt-oss's MXFP4 experts hold on a Hopper GPU beyond vLLM's accounting once laid out for triton_kernels, fitted
 * to vLLM 0.19's H100 logs of gpt-oss-20b: the allocator's reserved but unallocated memory in its two out-of-memory
 * reports (1.78 GiB at TP 1, 1.62 at TP 2) and its CUDA graphs above the fit (0.43 and 0.14 GiB). vLLM 0.11.2 started
 * gpt-oss-120b at 0.97 on one H100, which 0.14.1 no longer did (vllm#33155): from 0.12 on, as mxfp4LayoutSlack says.
 */
const TRITON_MXFP4_SLACK = 2.2 * GIB;

/** Hopper data-centre GPUs (H100, H200), whose NVSwitch systems NCCL uses NVLink SHARP on. */
function nvlinkSharp(gpu: Gpu): boolean {
  return gpu.generation === 'Hopper';
}

/**
 * Memory outside PyTorch's allocator that grows during vLLM's profile (its non_torch_memory). Under tensor parallelism
 * NCCL dominates: on Hopper data-centre GPUs its NVLink SHARP buffers take 2.07–2.17 GiB per GPU at TP 2–4 (H100,
 * vLLM 0.19); without them it is small (4× L4 over PCIe, SGLang 0.4.3: 0.13 GB at init).
 */
function nonTorchBytes(tp: number, pp: number, oneGpu: number, gpu: Gpu): number {
  // `tp`: the widest group that communicates every layer (an MoE's expert group under data parallelism).
  if (tp >= 2) {
    return (nvlinkSharp(gpu) ? 2.1 : 0.13) * GIB;
  }
  if (pp >= 2) {
    return 0.07 * GIB;
  }
  return oneGpu;
}

/** The V1 graph pool's fit (cudaGraphBytes): a base, per layer on the GPU, and for an MoE routing to 4 or more experts. */
const GRAPH_BASE_GIB = 0.41;
const GRAPH_PER_LAYER_GIB = 0.015;
const GRAPH_WIDE_MOE_GIB = 0.64;

/**
 * The CUDA graph pool on one GPU, not profiled but fitted. V1 (44 vLLM 0.19 H100 logs' "CUDA graph pool memory …
 * (actual)", 0.51–1.85 GiB): a base and a share per layer of the GPU's pipeline stage, as each captured graph holds
 * every layer's kernels, and a constant more for an MoE that routes a token to 4 or more experts (gpt-oss,
 * DeepSeek-V2-Lite, Kimi-VL, the Qwen MoEs; Mixtral's top-2 and Llama 4's top-1 took none) — median error 0.05 GiB,
 * worst 0.43, where a flat 1 GiB was off by 0.15 and 0.85. V0: about 0.4 GiB.
 */
function cudaGraphBytes(spec: ModelSpec, options: ServingOptions, v1: boolean): number {
  if (options.enforceEager) {
    return 0;
  }
  if (!v1) {
    return 0.4 * GIB;
  }
  const layers = Math.max(...stageLayers(spec.numLayers, Math.max(1, options.pipelineParallel)));
  const wideMoe = spec.moe !== undefined && spec.moe.expertsPerToken >= 4 ? GRAPH_WIDE_MOE_GIB : 0;
  return (GRAPH_BASE_GIB + GRAPH_PER_LAYER_GIB * layers + wideMoe) * GIB;
}

/** Element bytes of the weights and activations for a `--dtype`. */
function activationElementBytes(precision: Precision): number {
  return precision === '32-true' ? 4 : 2;
}

/** The layers of each pipeline stage, as vLLM splits them (the remainder goes to the stages before the last). */
export function stageLayers(layers: number, pp: number): number[] {
  const base = Math.floor(layers / pp);
  const split = new Array<number>(pp).fill(base);
  for (let i = 0; i < layers % pp; i++) {
    split[pp - 2 - i >= 0 ? pp - 2 - i : pp - 1] += 1;
  }
  return split;
}

/** The data-parallel engines of a vLLM deployment (`--data-parallel-size`). */
export function dataParallelOf(options: Pick<ServingOptions, 'dataParallel'>): number {
  return Math.max(1, options.dataParallel ?? 1);
}

/** The GPUs an MoE's routed experts are split over: every GPU of the deployment's stage (TP × DP); TP for a dense model. */
export function expertGroup(spec: ModelSpec, options: ServingOptions): number {
  return spec.moe && options.engine === 'vllm' ? options.tensorParallel * dataParallelOf(options) : options.tensorParallel;
}

/** vLLM's LoRA defaults: one slot (`max_loras`) of rank 16 (`max_lora_rank`). */
const VLLM_LORA_DEFAULTS = { slots: 1, rank: 16 };

/** Whether VRAM Lens counts vLLM's LoRA slots for this model: a dense decoder of full attention layers (not MoE, MLA or hybrid). */
function loraSlotsCounted(spec: ModelSpec): boolean {
  return !spec.moe && !spec.mla && !spec.hybrid && cachedAttentionLayers(spec) === spec.numLayers;
}

/**
 * The LoRA slots vLLM allocates at load with `--enable-lora` on one GPU, for `layers` layers: per slot and projection
 * a `lora_a` of rank × input and a `lora_b` of output × rank (vLLM's BaseLinearLayerWithLoRA), the q/k/v and
 * gate/up slices each their own, in the model's dtype. A column-parallel projection keeps `lora_a` whole and splits
 * `lora_b`'s output over TP; a row-parallel one splits `lora_a`'s input and keeps `lora_b` whole; `--fully-sharded-loras`
 * splits the whole sides too.
 */
function loraSlotBytes(spec: ModelSpec, options: ServingOptions, layers: number): number {
  if (options.engine !== 'vllm' || !options.enableLora || !loraSlotsCounted(spec)) {
    return 0;
  }
  const rank = options.maxLoraRank ?? VLLM_LORA_DEFAULTS.rank;
  const slots = options.maxLoras ?? VLLM_LORA_DEFAULTS.slots;
  const tp = options.tensorParallel;
  const whole = options.fullyShardedLoras ? tp : 1;
  const column = (input: number, output: number) => (rank / whole) * input + (output / tp) * rank;
  const row = (input: number, output: number) => rank * (input / tp) + (output / whole) * rank;
  const h = spec.hiddenSize;
  const q = spec.numHeads * spec.headDim;
  const kv = spec.numKvHeads * spec.headDim;
  const attention = column(h, q) + 2 * column(h, kv) + row(q, h);
  const mlp = (spec.mlp === 'gated' ? 2 * column(h, spec.intermediateSize) : column(h, spec.intermediateSize)) + row(spec.intermediateSize, h);
  return Math.round(slots * layers * (attention + mlp) * activationElementBytes(options.precision));
}

/** SGLang's attention groups: TP / DP GPUs each under `--enable-dp-attention`, else TP. */
function attentionGroup(options: ServingOptions): number {
  const dp = dataParallelOf(options);
  return options.engine === 'sglang' && options.dpAttention && dp > 1 ? Math.max(1, Math.floor(options.tensorParallel / dp)) : options.tensorParallel;
}

/** The GPUs of a deployment: its engines' TP × PP each (under SGLang's DP attention, the groups share the TP GPUs). */
function deploymentGpus(options: ServingOptions, pp: number): number {
  return options.engine === 'sglang' && options.dpAttention ? options.tensorParallel * pp : options.tensorParallel * pp * dataParallelOf(options);
}

/**
 * The weights one GPU loads: its pipeline stage's layers (the embedding on the first, the head on the last) over TP,
 * an MoE's routed experts over TP × DP (vLLM), attention over TP / DP (SGLang's DP attention).
 */
function stageWeightBytes(spec: ModelSpec, options: ServingOptions, stage: number, layersHere: number): number {
  // Quantized checkpoints keep the embedding and the head in 16 bits.
  const element = activationElementBytes(options.precision);
  const total = weightBytes(spec, element, options.quantization);
  const expertGpus = expertGroup(spec, options);
  const experts = expertGpus !== options.tensorParallel ? routedExpertBytes(spec, element, options.quantization) : 0;
  const attentionGpus = attentionGroup(options);
  const attention = attentionGpus !== options.tensorParallel ? attentionWeightBytes(spec, element, options.quantization) : 0;
  const table = spec.vocabSize * spec.hiddenSize * element;
  // An untied head is a weight of its own; a tied one is the embedding, which only a last stage of several copies.
  const ownHead = spec.tieWordEmbeddings ? 0 : table;
  const perLayer = (bytes: number) => (bytes / spec.numLayers) * layersHere;
  // `--language-model-only`: the vision tower is not loaded at all.
  const vision = options.languageModelOnly ? visionWeightBytes(spec, element, options.quantization) : 0;
  const rest = Math.max(0, total - table - ownHead - experts - attention - vision);
  const lastStage = stage === options.pipelineParallel - 1;
  const head = lastStage ? (spec.tieWordEmbeddings ? (options.pipelineParallel > 1 ? table : 0) : ownHead) : 0;
  const embedding = stage === 0 ? table : 0;
  const split = (embedding + head + perLayer(rest)) / options.tensorParallel + perLayer(experts) / expertGpus + perLayer(attention) / attentionGpus;
  return Math.round(split + ropeCacheBytes(spec, element, options.maxModelLen));
}

/**
 * vLLM's rotary embedding keeps a cos/sin cache over every position the model was trained for, in the model's dtype,
 * on every GPU (not split): max_position_embeddings × the rotary dimension (taken as the head dimension). Llama 3.1
 * 8B's 131,072 positions: 32 MiB; Llama 4 Scout's 10,485,760: 2.5 GiB per GPU, which vLLM 0.19 counts in "Model
 * loading took". MiniMax-01's attention builds its own in float32 over rotary_dim, up to max_model_len positions.
 */
function ropeCacheBytes(spec: ModelSpec, element: number, maxModelLen: number | undefined): number {
  if (spec.positions !== 'rotary' || spec.maxPositions === undefined) {
    return 0;
  }
  return spec.ropeCache
    ? Math.min(spec.maxPositions, maxModelLen ?? spec.maxPositions) * spec.ropeCache.rotaryDim * 4
    : spec.maxPositions * spec.headDim * element;
}

/** n rounded up to a multiple of `to`. */
function roundUp(n: number, to: number): number {
  return Math.ceil(n / to) * to;
}

/**
 * What the layout vLLM gives MXFP4 experts (gpt-oss) on Hopper adds to one GPU's weights. Its TRITON MoE backend first
 * rounds each GPU's share of the expert width up to 64, then lays both expert matrices out for triton_kernels' Hopper
 * matmul: the packed values with their quantized axis (two values a byte) padded to 64 bytes and the other axis to 256,
 * the one-byte scales with their rows padded to 256. gpt-oss-20b's 2,880 × 2,880 experts on an H100 (vLLM 0.19):
 * 0.56 GiB more at TP 1, 0.49 GiB per GPU at TP 2, which "Model loading took" (13.64 and 7.01 GiB) shows.
 */
function mxfp4HopperLayoutBytes(spec: ModelSpec, tp: number, layersHere: number): number {
  const m = spec.moe;
  if (!m) {
    return 0;
  }
  const io = expertWidth(spec);
  const width = m.expertIntermediate / tp;
  const padded = roundUp(width, 64);
  // One expert matrix of `k` inputs (the quantized axis) × `n` outputs, as stored: values, then scales.
  const laidOut = (k: number, n: number) => roundUp(k / 2, 64) * roundUp(n, 256) + roundUp(n, 256) * roundUp(Math.ceil(k / 32), 2);
  const plain = (k: number, n: number) => (k * n) / 2 + (k * n) / 32;
  const perExpert = laidOut(io, 2 * padded) + laidOut(padded, io) - plain(io, 2 * width) - plain(width, io);
  return Math.round(((layersHere * m.moeLayers) / spec.numLayers) * m.numExperts * perExpert);
}

/**
 * Whether vLLM runs the experts through its mxfp4 method's triton_kernels (gpt-oss's MXFP4 checkpoints). Kimi K3's
 * latent experts ship as compressed-tensors MXFP4, which vLLM's compressed-tensors MoE path loads as stored.
 */
function tritonMxfp4Experts(spec: ModelSpec, options: Pick<ServingOptions, 'quantization'>): boolean {
  return options.quantization === 'mxfp4' && spec.moe?.latent === undefined;
}

/** Whether the release lays triton MXFP4 experts out for Hopper's matmul (mxfp4HopperLayoutBytes). */
function hopperMxfp4Layout(spec: ModelSpec, options: Pick<ServingOptions, 'quantization'>, gpu: Gpu, accounting: Pick<VllmAccounting, 'mxfp4HopperLayout'>): boolean {
  return tritonMxfp4Experts(spec, options) && gpu.generation === 'Hopper' && accounting.mxfp4HopperLayout;
}

/** What that layout leaves beyond vLLM's accounting on each GPU in this release (TRITON_MXFP4_SLACK), or 0. */
function layoutSlackBytes(spec: ModelSpec, options: Pick<ServingOptions, 'quantization'>, gpu: Gpu, accounting: Pick<VllmAccounting, 'mxfp4HopperLayout' | 'mxfp4LayoutSlack'>): number {
  return hopperMxfp4Layout(spec, options, gpu, accounting) && accounting.mxfp4LayoutSlack ? TRITON_MXFP4_SLACK : 0;
}

/**
 * The forward pass's widest moment per prompt token over one layer, in elements: the residual and the normed hidden
 * state beside a dense MLP's (or a MoE's shared expert's) gate-and-up output and its activation, or the attention's
 * projections. Split over TP where the layer is. A routed MoE's per-expert copies are its fused kernel's workspaces,
 * which `moeWorkspace` counts on top (Mixtral 8x7B at TP 2, vLLM 0.19: 1.21 GiB, where counting them here too made 1.87).
 */
function forwardWidth(spec: ModelSpec, tp: number): number {
  const h = spec.hiddenSize;
  const attention = ((2 * spec.numHeads + 2 * spec.numKvHeads) * spec.headDim) / tp;
  const dense = (3 * spec.intermediateSize) / tp;
  const m = spec.moe;
  const shared = m ? (3 * m.sharedIntermediate) / tp : 0;
  return 2 * h + Math.max(attention, m && m.moeLayers >= spec.numLayers ? 0 : dense, shared);
}

/**
 * The peak PyTorch allocates in vLLM's profile run on one stage: a dummy batch of `tokens` through the layers, then (on
 * the last stage) the sampler over `seqs` rows of fp32 logits beside the final hidden states; a later stage also holds
 * the hidden states and residual it received (Llama 3.1 8B's last stage at PP 2 and 4, vLLM 0.19: 2.01 GiB, where one
 * GPU profiled 1.89).
 */
function activationPeak(spec: ModelSpec, options: ServingOptions, tokens: number, seqs: number, accounting: Pick<VllmAccounting, 'samplerCopies' | 'forwardOverhead'>, stage: StagePlace): number {
  const element = activationElementBytes(options.precision);
  const forward = tokens * forwardWidth(spec, options.tensorParallel) * element * accounting.forwardOverhead;
  const sampler = accounting.samplerCopies > 0 ? seqs * spec.vocabSize * 4 * accounting.samplerCopies + tokens * spec.hiddenSize * element : 0;
  // A stage after the first receives the hidden states and the residual of the whole batch from the one before.
  const received = stage.first ? 0 : 2 * tokens * spec.hiddenSize * element;
  // MXFP4 experts (gpt-oss) run through triton_kernels' matmul_ogs, which keeps no workspace past the layer: vLLM 0.19's
  // gpt-oss-20b profile peaked at the sampler's 2.87 GiB, at TP 1 and 2 alike.
  const workspace = tritonMxfp4Experts(spec, options) ? 0 : moeWorkspace(spec, tokens, options.tensorParallel, element);
  return Math.round((stage.last ? Math.max(forward, sampler) : forward) + received + workspace);
}

/** Where a pipeline stage sits: the first embeds the tokens, the last runs the head and the sampler (one stage is both). */
interface StagePlace {
  readonly first: boolean;
  readonly last: boolean;
}

/**
 * A routed MoE's fused-kernel workspaces, kept from the profile's forward pass through the sampler: the gate-and-up
 * output, its activation and the down projection's output for each of the top-k experts of every token (Qwen3-30B-A3B
 * and DeepSeek-V2-Lite, vLLM 0.19: the sampler's peak plus this, within 6 %).
 */
function moeWorkspace(spec: ModelSpec, tokens: number, tp: number, element: number): number {
  const m = spec.moe;
  return m ? tokens * m.expertsPerToken * ((3 * m.expertIntermediate) / tp + expertWidth(spec)) * element : 0;
}

/** Bytes one attention layer caches per token on one GPU: KV heads split over TP (replicated below one each), MLA's latent whole. */
export function kvBytesPerLayerToken(spec: ModelSpec, options: Pick<ServingOptions, 'tensorParallel' | 'kvCacheType' | 'precision' | 'decodeContextParallel'>): number {
  const element = kvElementBytes(options.kvCacheType, options.precision, spec.headDim);
  // Decode context parallelism interleaves each request's tokens over DCP of the TP GPUs (vLLM): 1 / DCP each.
  const dcp = Math.max(1, options.decodeContextParallel ?? 1);
  if (spec.mla) {
    return (kvCacheElementsPerToken(spec, { serving: 'vllm' }) * element + indexerKeyBytes(spec)) / dcp;
  }
  const headsHere = Math.max(1, Math.floor(spec.numKvHeads / options.tensorParallel));
  return (2 * headsHere * spec.headDim * element) / dcp;
}

/**
 * DeepSeek-V3.2's indexer key cache, per token per layer, as vLLM sizes it: an fp8 key of index_head_dim and an fp32
 * scale per 128 of it (132 bytes); 0 without an indexer.
 */
function indexerKeyBytes(spec: ModelSpec): number {
  const indexer = spec.mla?.indexer;
  return indexer ? indexer.headDim + 4 * Math.ceil(indexer.headDim / 128) : 0;
}

/** The share of a stage's cached layers that slide (Gemma 4's counted at its sliding layers' page). */
function slidingShare(spec: ModelSpec, tensorParallel: number): number {
  if (spec.gemma4) {
    const g = gemma4CachedLayers(spec, spec.gemma4, tensorParallel);
    return g.sliding / Math.max(1e-9, g.sliding + g.global);
  }
  return spec.slidingLayers / Math.max(1, spec.numLayers);
}

/** How vLLM groups a stage's layers into KV cache groups of one size (its hybrid manager), and what a request needs. */
interface KvGroups {
  /** Layers per group: each block is this many pages. */
  readonly groupSize: number;
  readonly fullGroups: number;
  readonly slidingGroups: number;
  /** Groups of a hybrid's recurrent layers, whose page holds one sequence's state. */
  readonly stateGroups: number;
  /** State blocks each request holds per recurrent group: 1, or 2 under prefix caching (vLLM's "align" mode). */
  readonly stateBlocks: number;
}

/**
 * vLLM's grouping of a stage's `layers` attention layers and `stateLayers` recurrent ones: one group size for every
 * kind (the fewest layers of a kind, or the most when no kind has half as many again), each kind in whole groups.
 */
function kvGroups(spec: ModelSpec, layers: number, hybrid: boolean, stateLayers = 0, stateBlocks = 1, tensorParallel = 1): KvGroups {
  const sliding = hybrid && spec.slidingWindow !== undefined ? Math.round(slidingShare(spec, tensorParallel) * layers) : 0;
  const full = layers - sliding;
  const kinds = [full, sliding, stateLayers].filter(n => n > 0);
  const min = Math.min(...kinds);
  const max = Math.max(...kinds);
  const groupSize = kinds.length === 0 ? layers : max < min * 1.5 ? max : min;
  const groups = (n: number) => (n > 0 ? Math.ceil(n / groupSize) : 0);
  return { groupSize, fullGroups: groups(full), slidingGroups: groups(sliding), stateGroups: groups(stateLayers), stateBlocks };
}

/** Blocks one request of `length` tokens holds in each layer of a group, summed over the groups. */
function blocksPerRequest(g: KvGroups, length: number, blockSize: number, window: number | undefined, batchedTokens: number): number {
  const slidingTokens = window !== undefined ? Math.min(window - 1 + batchedTokens, length) : length;
  return g.fullGroups * Math.ceil(length / blockSize) + g.slidingGroups * (Math.ceil(slidingTokens / blockSize) + 1) + g.stateGroups * g.stateBlocks;
}

/**
 * One hybrid layer's recurrent state per sequence on one GPU, in bytes, as vLLM pages it: the convolution window in
 * the model's dtype (or --mamba-cache-dtype), the state in --mamba-ssm-cache-dtype, else the dtype the config names
 * (`mamba_ssm_dtype`), else the convolution's. 0 for a model without recurrent layers.
 */
export function vllmStatePageBytes(spec: ModelSpec, options: Pick<ServingOptions, 'tensorParallel' | 'precision' | 'mambaCacheDtype' | 'mambaSsmCacheDtype'>, speculative = 0): number {
  const recurrent = recurrentLayersOf(spec);
  if (!recurrent) {
    return 0;
  }
  const conv = setDtypeBytes(options.mambaCacheDtype) ?? activationElementBytes(options.precision);
  const state = setDtypeBytes(vllmStateDtype(spec, options).dtype) ?? conv;
  const elements = vllmStateElements(recurrent.mixer, Math.max(1, options.tensorParallel), speculative);
  return elements.conv * conv + elements.state * state;
}

/**
 * The dtype vLLM keeps a hybrid's recurrent state in, and why: float32 for Kimi Delta Attention whatever
 * --mamba-ssm-cache-dtype says (vLLM's kda_state_dtype); --mamba-cache-dtype alone for lightning attention (its
 * linear_attention_state_dtype); else --mamba-ssm-cache-dtype, else the config's `mamba_ssm_dtype`; undefined dtype:
 * the model's own.
 */
function vllmStateDtype(spec: ModelSpec, options: Pick<ServingOptions, 'mambaSsmCacheDtype' | 'mambaCacheDtype'>): { readonly dtype?: StateDtype; readonly how: string } {
  const mixer = recurrentLayersOf(spec)?.mixer;
  const kind = mixer && mixerKind(mixer);
  if (kind === 'kimi-delta') {
    return { dtype: 'float32', how: "float32, as vLLM keeps Kimi Delta Attention's state whatever --mamba-ssm-cache-dtype says" };
  }
  if (kind === 'lightning') {
    // vLLM's linear_attention_state_dtype reads --mamba-cache-dtype alone.
    const set = options.mambaCacheDtype && options.mambaCacheDtype !== 'auto' ? options.mambaCacheDtype : undefined;
    return set ? { dtype: set, how: `${set} (--mamba-cache-dtype, which vLLM keeps lightning attention's state in)` } : { how: "the model's dtype, as vLLM keeps lightning attention's state unless --mamba-cache-dtype says otherwise" };
  }
  if (options.mambaSsmCacheDtype && options.mambaSsmCacheDtype !== 'auto') {
    return { dtype: options.mambaSsmCacheDtype, how: `${options.mambaSsmCacheDtype} (--mamba-ssm-cache-dtype)` };
  }
  const configured = spec.hybrid?.stateDtype;
  return configured ? { dtype: configured, how: `${configured}, as the config's mamba_ssm_dtype says` } : { how: "the model's dtype" };
}

/** The element bytes a `--mamba-*-cache-dtype` (or the config's `mamba_ssm_dtype`) sets; undefined where it leaves the dtype to the engine. */
function setDtypeBytes(dtype: StateDtype | undefined): number | undefined {
  return dtype === undefined || dtype === 'auto' ? undefined : stateDtypeBytes(dtype);
}

/** The layers that keep a recurrent state (see recurrentLayersOf); 0 for a model without. */
function recurrentLayers(spec: ModelSpec): number {
  return recurrentLayersOf(spec)?.layers ?? 0;
}

/** A state-space model without attention (Mamba, Mamba2, FalconMamba): vLLM pages only its recurrent states. */
function attentionFree(spec: ModelSpec): boolean {
  return !spec.hybrid && spec.ssm !== undefined;
}

/** A separate draft model (`"method": "draft_model"`, or a checkpoint named without a method), as the catalog knows it. */
export interface DraftModel {
  readonly id: string;
  readonly spec: ModelSpec;
  /** What the draft checkpoint's name says of its weights (an FP8 or 4-bit export). */
  readonly quantization?: Quantization;
}

/**
 * The speculative methods a plan counts: MTP drafts (vLLM's `mtp` and the per-model `*_mtp` names), EAGLE heads
 * (`eagle`, `eagle3`), n-gram lookups, and a draft model the catalog knows.
 */
export function countedSpeculation(s: Pick<NonNullable<ServingOptions['speculative']>, 'method' | 'draftModel'>): SpeculationKind | undefined {
  const method = s.method;
  if (method === 'draft_model') {
    return s.draftModel ? 'draft_model' : undefined;
  }
  return /(^|_)mtp$/.test(method) ? 'mtp' : method === 'eagle' || method === 'eagle3' ? method : /^(ngram|suffix)$/.test(method) ? 'ngram' : undefined;
}

/** The kinds of speculative decoding VRAM Lens counts. */
type SpeculationKind = 'mtp' | EagleMethod | 'ngram' | 'draft_model';

/** What a vLLM command's speculative decoding adds: draft layers beside the model, and the tokens proposed a step. */
interface Draft {
  /** What is counted of the command's `--speculative-config`; none where nothing is. */
  readonly kind?: SpeculationKind;
  /**
   * Attention layers the draft caches keys and values for (an MTP draft's layers, an EAGLE head's one), counted in
   * the model's layers: a draft model's cache per token over one of the model's layers' (not a whole number where
   * their layers differ).
   */
  readonly kvLayers: number;
  /** MTP draft layers vLLM loads that the model's weights do not include. */
  readonly weightLayers: number;
  /** A separate draft model vLLM loads whole. */
  readonly model?: DraftModel;
  readonly tokens: number;
}

/** The draft vocabulary of the public EAGLE-3 heads (draft_vocab_size), the model's where that is smaller. */
const EAGLE3_DRAFT_VOCAB = 32_000;

/**
 * The draft's weights on one GPU of the last stage. An MTP draft's layers are stored as the checkpoint is, split
 * over tensor parallelism. An EAGLE head is its own 16-bit checkpoint: its layer and head split, its fusion
 * projection replicated on each GPU; under pipeline parallelism it loads an embedding of its own.
 */
function draftWeightBytes(spec: ModelSpec, options: ServingOptions, draft: Draft): number {
  const tp = Math.max(1, options.tensorParallel);
  const element = activationElementBytes(options.precision);
  if (draft.model) {
    // vLLM splits a draft model over the model's tensor-parallel GPUs; its rotary cache is whole on each.
    return weightBytes(draft.model.spec, element, draft.model.quantization) / tp + ropeCacheBytes(draft.model.spec, element, options.maxModelLen);
  }
  if (draft.kind === 'eagle' || draft.kind === 'eagle3') {
    // An EAGLE head vLLM loads from its own checkpoint.
    const tensors = eagleHeadTensors(spec, draft.kind, Math.min(spec.vocabSize, EAGLE3_DRAFT_VOCAB));
    const replicated = tensorsBytes(tensors.filter(t => t.name === 'eagle.fc'), element, undefined);
    const embedding = options.pipelineParallel > 1 ? (spec.vocabSize * spec.hiddenSize * element) / tp : 0;
    return (tensorsBytes(tensors, element, undefined) - replicated) / tp + replicated + embedding;
  }
  if (draft.weightLayers === 0) {
    return 0;
  }
  return tensorsBytes(draftLayerTensors(spec, draft.weightLayers), element, options.quantization) / tp;
}

/** The draft of a command's `--speculative-config`, where VRAM Lens counts it (an MTP draft, an EAGLE head, n-gram lookups); none otherwise. */
function speculativeDraft(spec: ModelSpec, options: ServingOptions): Draft {
  const s = options.speculative;
  const kind = s ? countedSpeculation(s) : undefined;
  if (!s || !kind) {
    return { kvLayers: 0, weightLayers: 0, tokens: 0 };
  }
  if (kind === 'eagle' || kind === 'eagle3') {
    return { kind, kvLayers: 1, weightLayers: 0, tokens: s.tokens };
  }
  if (kind === 'draft_model') {
    const model = s.draftModel!;
    const own = kvBytesPerLayerToken(spec, options);
    const drafts = attentionFree(model.spec) || own === 0 ? 0 : (kvBytesPerLayerToken(model.spec, options) * cachedAttentionLayers(model.spec, options.tensorParallel)) / own;
    return { kind, kvLayers: drafts, weightLayers: 0, model, tokens: s.tokens };
  }
  const layers = kind === 'mtp' ? spec.draftLayers ?? spec.mtpLayers ?? 0 : 0;
  return { kind, kvLayers: layers, weightLayers: kind === 'mtp' ? spec.draftLayers ?? 0 : 0, tokens: s.tokens };
}

/**
 * How vLLM pages the pool: each attention layer's bytes per token, a hybrid's recurrent-state page (V1's hybrid
 * manager, 0.10 on; 0 otherwise), whether prefix caching keeps its "align" mode, and the block size that follows.
 */
function vllmPaging(spec: ModelSpec, options: ServingOptions, accounting: VllmAccounting, draft: Draft): { perLayerToken: number; statePage: number; prefixCaching: boolean; blockSize: number; page: number } {
  // A state-space model's states are its whole cache, in any release; a hybrid's are paged from 0.10 (V1).
  const free = attentionFree(spec);
  const perLayerToken = free ? 0 : kvBytesPerLayerToken(spec, options);
  const statePage = free || (accounting.v1 && accounting.hybridKvCache) ? vllmStatePageBytes(spec, options, draft.tokens) : 0;
  const prefixCaching = options.enablePrefixCaching ?? (!free && accounting.hybridPrefixCaching);
  // A state-space model's block holds one request's state whatever its length: vLLM sizes it max_model_len tokens.
  const blockSize = free ? options.maxModelLen ?? spec.maxPositions ?? 2048 : statePage > 0 ? hybridBlockSize(spec, statePage, perLayerToken, prefixCaching, options.blockSize) : options.blockSize ?? (spec.mla && accounting.v1 ? 64 : 16);
  return { perLayerToken, statePage, prefixCaching, blockSize, page: free ? statePage : perLayerToken * blockSize };
}

/** The kernels' block alignment: 16 tokens, 64 for MLA. */
function kernelAlignment(spec: ModelSpec): number {
  return spec.mla ? 64 : 16;
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

/**
 * The attention block size vLLM sets for a hybrid so that one attention page holds one recurrent state: the fewest
 * aligned tokens whose keys and values cover the state (under prefix caching, a Mamba2 mixer's scan chunk aligned
 * too); a larger `--block-size` stands.
 */
function hybridBlockSize(spec: ModelSpec, statePage: number, perLayerToken: number, prefixCaching: boolean, asked: number | undefined): number {
  const align = kernelAlignment(spec);
  const chunk = spec.hybrid?.chunkSize;
  const step = prefixCaching && chunk !== undefined ? (chunk * align) / gcd(chunk, align) : align;
  const size = prefixCaching && chunk !== undefined ? step * Math.ceil(Math.ceil(statePage / perLayerToken) / step) : step * Math.ceil(statePage / (step * perLayerToken));
  return Math.max(asked ?? 0, size);
}

/** The engine defaults for what the command leaves out, by release, GPU and how it was started. */
function schedulerDefaults(options: ServingOptions, gpu: Gpu, accounting: VllmAccounting, maxModelLen: number): { seqs: number; tokens: number; chunked: boolean } {
  const large = accounting.largeGpuDefaults && cudaTotalBytes(gpu) >= 70 * GIB && !/a100/i.test(gpu.name);
  const offline = options.usage === 'offline';
  const seqs = options.maxNumSeqs ?? (large ? 1024 : 256);
  if (!accounting.v1) {
    // V0 turns chunked prefill on for contexts over 32K; otherwise a step holds one whole prompt.
    const chunked = options.enableChunkedPrefill ?? maxModelLen > 32_768;
    return { seqs, tokens: options.maxNumBatchedTokens ?? (chunked ? accounting.v0Chunk : Math.max(maxModelLen, 2048)), chunked };
  }
  const chunked = options.enableChunkedPrefill ?? true;
  const byUsage = large ? (offline ? 16_384 : 8192) : offline ? 8192 : 2048;
  return { seqs, tokens: options.maxNumBatchedTokens ?? (chunked ? byUsage : Math.max(maxModelLen, byUsage)), chunked };
}

const GIB_TEXT = (bytes: number) => (bytes / GIB).toFixed(2);

/** vLLM's refusal when one request of `length` tokens does not fit the pool, in its own words (V1 and V0). */
function poolRefusal(v1: boolean, length: number, neededBytes: number, availableBytes: number, tokens: number, longest: number): string {
  if (!v1) {
    return `The model's max seq len (${length}) is larger than the maximum number of tokens that can be stored in KV cache (${tokens}). Try increasing \`gpu_memory_utilization\` or decreasing \`max_model_len\` when initializing the engine.`;
  }
  const estimate = longest > 0 ? `Based on the available memory, the estimated maximum model length is ${longest}. ` : '';
  return `To serve at least one request with the models's max seq len (${length}), (${GIB_TEXT(neededBytes)} GiB KV cache is needed, which is larger than the available KV cache memory (${GIB_TEXT(availableBytes)} GiB). ${estimate}Try increasing \`gpu_memory_utilization\` or decreasing \`max_model_len\` when initializing the engine.`;
}

/** One pipeline stage's memory at start. */
interface Stage {
  readonly weights: number;
  readonly activation: number;
  readonly available: number;
  readonly layers: number;
  readonly groups: KvGroups;
}

/**
 * vLLM on `gpu` × (tensor × pipeline parallel): the budget (`gpu_memory_utilization` × the total CUDA reports), the
 * weights each GPU loads, the profiled activation peak, non-torch memory, and the KV pool in whole blocks — the
 * tokens it holds, how many `max_model_len` requests fit at once, and whether vLLM starts.
 */
export function planVllm(spec: ModelSpec, options: ServingOptions, gpu: Gpu): ServingPlan {
  const { text: versionText, accounting } = vllmRelease(options);
  const total = cudaTotalBytes(gpu);
  const utilization = options.gpuMemoryUtilization ?? accounting.defaultUtilization;
  const budget = total * utilization;
  const maxModelLen = options.maxModelLen ?? spec.maxPositions ?? 2048;
  const { seqs, tokens } = schedulerDefaults(options, gpu, accounting, maxModelLen);
  const pp = Math.max(1, options.pipelineParallel);
  const draft = speculativeDraft(spec, options);
  const { perLayerToken, statePage, prefixCaching, blockSize, page } = vllmPaging(spec, options, accounting, draft);
  const nonTorch = nonTorchBytes(expertGroup(spec, options), pp, accounting.nonTorchOneGpu, gpu);
  const graphs = cudaGraphBytes(spec, options, accounting.v1);
  // From 0.21 vLLM profiles CUDA graphs too and takes them out of the budget before the pool.
  const graphsInside = accounting.graphsInBudget ? graphs : 0;
  // An MTP draft's layers run after the model's last layer, on the last stage.
  const layersPerStage = stageLayers(cachedAttentionLayers(spec, options.tensorParallel), pp).map((n, i) => n + (i === pp - 1 ? draft.kvLayers : 0));
  const stateLayersPerStage = stageLayers(statePage > 0 ? recurrentLayers(spec) : 0, pp);
  const stages: Stage[] = layersPerStage.map((layers, i) => {
    const layersHere = stageLayers(spec.numLayers, pp)[i];
    const layout = hopperMxfp4Layout(spec, options, gpu, accounting) ? mxfp4HopperLayoutBytes(spec, options.tensorParallel, layersHere) : 0;
    const drafted = i === pp - 1 ? draftWeightBytes(spec, options, draft) : 0;
    const weights = Math.max(0, stageWeightBytes(spec, options, i, layersHere) + drafted + layout + loraSlotBytes(spec, options, layersHere) - (options.cpuOffloadGb ?? 0) * GIB);
    const activation = activationPeak(spec, options, tokens, seqs, accounting, { first: i === 0, last: i === pp - 1 });
    // A pool set by hand (`--kv-cache-memory-bytes`) is what vLLM allocates, whatever the budget leaves.
    const available = options.kvCacheMemoryBytes ?? budget - weights - activation - nonTorch - graphsInside;
    return { weights, activation, available, layers, groups: kvGroups(spec, layers, accounting.v1 && accounting.hybridKvCache, stateLayersPerStage[i], (prefixCaching ? 2 : 1) + draft.tokens, options.tensorParallel) };
  });
  // V1 groups the layers (and a state-space model's states are grouped in any release); V0 pages each layer alike.
  const grouped = accounting.v1 || attentionFree(spec);
  // Every stage keeps the fewest blocks any stage can hold; the worst stage is what the figures show.
  const blocksOf = (s: Stage) => (s.available > 0 ? Math.floor(s.available / page / (grouped ? s.groups.groupSize : s.layers)) : 0);
  const worst = stages.reduce((a, b) => (blocksOf(b) < blocksOf(a) ? b : a));
  const blocks = blocksOf(worst);
  const groupsCount = worst.groups.fullGroups + worst.groups.slidingGroups + worst.groups.stateGroups;
  const perRequest = grouped ? blocksPerRequest(worst.groups, maxModelLen, blockSize, spec.slidingWindow, tokens) : Math.ceil(maxModelLen / blockSize);
  const kvTokens = !grouped
    ? blocks * blockSize
    : accounting.capacityFromConcurrency
      ? (perRequest > 0 ? Math.floor((blocks / perRequest) * maxModelLen) : 0)
      : Math.floor(blocks / Math.max(1, groupsCount)) * blockSize;
  const maxConcurrency = perRequest > 0 ? (grouped ? blocks / perRequest : kvTokens / maxModelLen) : 0;
  const blockBytes = page * (grouped ? worst.groups.groupSize : worst.layers);
  const kvCacheBytes = blocks * blockBytes;
  const longest = longestLength(worst.groups, blocks, blockSize, spec.slidingWindow, tokens, maxModelLen, grouped);
  const manualPool = options.kvCacheMemoryBytes !== undefined;
  const outside = { init: initBytes(expertGroup(spec, options), pp, gpu), slack: layoutSlackBytes(spec, options, gpu, accounting), warmupRequests: Math.min(seqs, tokens) };
  const reason = stateDtypeRefusal(spec, options) || refusal({ accounting, total, budget, utilization, worst, blocks, kvTokens, maxModelLen, perRequest, blockBytes, longest, graphs, spec, tensorParallel: options.tensorParallel, nonTorch, manualPool, kvCacheBytes, decodeContextParallel: Math.max(1, options.decodeContextParallel ?? 1), outside });
  return {
    engine: 'vllm', version: versionText, gpu: gpu.name, gpus: deploymentGpus(options, pp), budgetBytes: Math.round(budget),
    weightsBytes: worst.weights, activationPeakBytes: worst.activation, nonTorchBytes: Math.round(nonTorch), cudaGraphBytes: Math.round(graphs),
    kvCacheBytes, kvBytesPerToken: perLayerToken * (cachedAttentionLayers(spec, options.tensorParallel) + draft.kvLayers), kvTokens,
    ...(worst.groups.stateGroups > 0 ? { stateBytesPerSequence: worst.groups.stateGroups * worst.groups.stateBlocks * blockBytes } : {}),
    maxConcurrency: Math.round(maxConcurrency * 100) / 100,
    starts: reason === '', reason, maxModelLen, maxNumSeqs: seqs, maxNumBatchedTokens: tokens, blockSize, longestStartingLen: longest,
    cudaGraphsInBudget: accounting.graphsInBudget, assumptions: vllmAssumptions(accounting, { version: versionText, gpu, seqs, tokens, options, pp, graphs, rope: ropeCacheBytes(spec, activationElementBytes(options.precision), options.maxModelLen), spec, paging: { statePage, blockSize, groups: worst.groups, perLayerToken, prefixCaching }, draft }),
  };
}

/** The longest context one request may have with `blocks` blocks in the pool (vLLM's own estimate when it refuses). */
function longestLength(g: KvGroups, blocks: number, blockSize: number, window: number | undefined, batched: number, cap: number, v1: boolean): number {
  if (blocks <= 0) {
    return 0;
  }
  if (!v1) {
    return Math.min(cap, blocks * blockSize);
  }
  return largestFitting(length => blocksPerRequest(g, length, blockSize, window, batched) <= blocks, Math.max(cap, 1));
}

interface RefusalInputs {
  readonly accounting: VllmAccounting;
  readonly total: number;
  readonly budget: number;
  readonly utilization: number;
  readonly worst: Stage;
  readonly blocks: number;
  readonly kvTokens: number;
  readonly maxModelLen: number;
  readonly perRequest: number;
  readonly blockBytes: number;
  readonly longest: number;
  readonly graphs: number;
  readonly spec: ModelSpec;
  readonly tensorParallel: number;
  readonly nonTorch: number;
  readonly decodeContextParallel: number;
  /** The pool was set by hand (`--kv-cache-memory-bytes`), not sized from the budget. */
  readonly manualPool: boolean;
  readonly kvCacheBytes: number;
  /** What the GPU holds outside the budget: before it (initBytes), beyond vLLM's accounting (TRITON_MXFP4_SLACK); the sampler's warm-up requests. */
  readonly outside: { readonly init: number; readonly slack: number; readonly warmupRequests: number };
}

/** vLLM pads the vocabulary of its embedding and head to a multiple of 64 before it splits them over TP. */
const VOCAB_PADDING = 64;

/** Whether vLLM can split the model over `tp` GPUs: its attention heads and its padded vocabulary. */
export function vllmSplits(spec: ModelSpec, tp: number): boolean {
  return spec.numHeads % tp === 0 && layoutRefusal(spec, tp) === '';
}

/**
 * Why vLLM cannot split the embedding and head over `tp` GPUs, in its own words, or '' when it can. (Heads that `tp`
 * does not divide are a layout error on the flag before any plan: analyze.ts's layoutProblem.)
 */
function layoutRefusal(spec: ModelSpec, tp: number): string {
  const padded = Math.ceil(spec.vocabSize / VOCAB_PADDING) * VOCAB_PADDING;
  return padded % tp !== 0 ? `AssertionError: ${padded} is not divisible by ${tp} (the vocabulary, padded to a multiple of ${VOCAB_PADDING}, split over tensor parallelism).` : '';
}

/** vLLM's refusal of a recurrent-state dtype its kernels lack (lightning attention in float32), in its own words, or ''. */
function stateDtypeRefusal(spec: ModelSpec, options: Pick<ServingOptions, 'mambaCacheDtype'>): string {
  const mixer = recurrentLayersOf(spec)?.mixer;
  return mixer && mixerKind(mixer) === 'lightning' && options.mambaCacheDtype === 'float32' ? 'ValueError: fp32 state for minimax is not yet supported' : '';
}

/** Why vLLM would not start, in its own words, or '' when it starts. */
function refusal(r: RefusalInputs): string {
  const free = r.total - r.outside.init;
  if (r.spec.maxPositions !== undefined && r.maxModelLen > r.spec.maxPositions) {
    return `User-specified max_model_len (${r.maxModelLen}) is greater than the derived max_model_len (max_position_embeddings=${r.spec.maxPositions} in model's config.json). To allow overriding this maximum, set the env var VLLM_ALLOW_LONG_MAX_MODEL_LEN=1.`;
  }
  const layout = layoutRefusal(r.spec, r.tensorParallel);
  if (layout) {
    return layout;
  }
  if (r.tensorParallel % r.decodeContextParallel !== 0) {
    return `vLLM requires tensor_parallel_size (${r.tensorParallel}) to be a multiple of decode_context_parallel_size (${r.decodeContextParallel}): DCP reuses the TP GPUs.`;
  }
  if (r.accounting.v1 && free < r.budget) {
    return `Free memory on device (${GIB_TEXT(free)}/${GIB_TEXT(r.total)} GiB) on startup is less than desired GPU memory utilization (${r.utilization}, ${GIB_TEXT(r.budget)} GiB). Decrease GPU memory utilization or reduce GPU memory used by other processes.`;
  }
  if (r.worst.weights > free) {
    return `CUDA out of memory while loading the weights: ${GIB_TEXT(r.worst.weights)} GiB per GPU, and the GPU has ${GIB_TEXT(free)} GiB free. Use more tensor parallelism or a quantized checkpoint.`;
  }
  if (r.blocks <= 0) {
    return r.manualPool
      ? 'No available memory for the cache blocks: kv_cache_memory_bytes holds not one block. Increase `kv_cache_memory_bytes`.'
      : 'No available memory for the cache blocks. Try increasing `gpu_memory_utilization` when initializing the engine.';
  }
  if (r.perRequest > r.blocks) {
    return poolRefusal(r.accounting.v1, r.maxModelLen, r.perRequest * r.blockBytes, r.blocks * r.blockBytes, r.kvTokens, r.longest);
  }
  const held = r.worst.weights + r.worst.activation + r.nonTorch + r.graphs + r.kvCacheBytes;
  if (r.manualPool && held > free) {
    return `CUDA out of memory: the KV cache set by kv_cache_memory_bytes (${GIB_TEXT(r.kvCacheBytes)} GiB) with the weights (${GIB_TEXT(r.worst.weights)} GiB), the activation peak (${GIB_TEXT(r.worst.activation)} GiB), non-torch memory and CUDA graphs needs ${GIB_TEXT(held)} GiB per GPU, and the GPU has ${GIB_TEXT(free)} GiB free. Lower \`kv_cache_memory_bytes\`.`;
  }
  return r.manualPool ? '' : warmupRefusal(r);
}

/**
 * After the pool, vLLM captures its CUDA graphs (outside the budget before 0.21) and warms the sampler up: the GPU
 * must hold what it held before the budget, the budget, the graphs and what its accounting misses.
 */
function warmupRefusal(r: RefusalInputs): string {
  const graphsOutside = r.accounting.graphsInBudget ? 0 : r.graphs;
  const held = r.outside.init + r.budget + graphsOutside;
  if (held > r.total) {
    return `CUDA out of memory while capturing CUDA graphs: the budget (${GIB_TEXT(r.budget)} GiB), the graphs (about ${GIB_TEXT(r.graphs)} GiB) and what the GPU held before (${GIB_TEXT(r.outside.init)} GiB) exceed the GPU's ${GIB_TEXT(r.total)} GiB. Lower \`gpu_memory_utilization\` or pass \`--enforce-eager\`.`;
  }
  if (r.accounting.v1 && held + r.outside.slack > r.total) {
    return `CUDA out of memory occurred when warming up sampler with ${r.outside.warmupRequests} dummy requests. Please try lowering \`max_num_seqs\` or \`gpu_memory_utilization\` when initializing the engine.`;
  }
  return '';
}

/** What a vLLM plan's assumptions are said over: the release, the card, the scheduler's defaults, the layout and the sizes the notes quote. */
interface PlanFacts {
  readonly version: string;
  readonly gpu: Gpu;
  readonly seqs: number;
  readonly tokens: number;
  readonly options: ServingOptions;
  readonly pp: number;
  readonly graphs: number;
  readonly rope: number;
  readonly spec: ModelSpec;
  /** How the pool pages a hybrid's recurrent states (statePage 0: it has none, or the release does not page them). */
  readonly paging: { readonly statePage: number; readonly blockSize: number; readonly groups: KvGroups; readonly perLayerToken: number; readonly prefixCaching: boolean };
  readonly draft: Draft;
}

function vllmAssumptions(a: VllmAccounting, { version, gpu, seqs, tokens, options, pp, graphs, rope, spec, paging, draft }: PlanFacts): string[] {
  const notes = [
    `vLLM ${version} (${a.v1 ? 'V1 engine' : 'V0 engine'}): budget = gpu_memory_utilization${options.gpuMemoryUtilization === undefined ? ` (${a.defaultUtilization}, this release's default)` : ''} × ${GIB_TEXT(cudaTotalBytes(gpu))} GiB, the total CUDA reports on the ${gpu.name}${gpu.cudaTotalGiB === undefined ? ` (estimated: nvidia-smi total less ${GIB_TEXT(CUDA_RESERVED_BYTES)} GiB, as on an H100)` : ''}.`,
    `Profile run: ${tokens.toLocaleString('en-US')} batched tokens and ${seqs.toLocaleString('en-US')} sequences; ${a.samplerCopies > 0 ? `the sampler's fp32 logits over the vocabulary ≈ ${a.samplerCopies} copies (fitted to published vLLM ${a.samplerCopies > 4 ? '0.7–0.16' : '0.17–0.19'} logs)` : 'the model alone (V0 before 0.7 profiled no sampler)'}; the forward pass's widest layer + ${Math.round((a.forwardOverhead - 1) * 100)} %.`,
    `Non-torch memory: ${expertGroup(spec, options) >= 2 ? (nvlinkSharp(gpu) ? `NCCL (NVLink SHARP) and custom all-reduce buffers, about 2.1 GiB per GPU at TP ≥ 2${options.tensorParallel < 2 ? ' (the experts\' group of TP × DP here)' : ''}` : 'NCCL without NVLink SHARP, about 0.13 GiB per GPU at TP ≥ 2 (one SGLang log on 4× L4)') : pp >= 2 ? 'about 0.07 GiB per GPU under pipeline parallelism' : `about ${GIB_TEXT(a.nonTorchOneGpu)} GiB on one GPU`} (published logs).`,
    options.enforceEager
      ? 'CUDA graphs: none (--enforce-eager).'
      : `CUDA graphs: about ${GIB_TEXT(graphs)} GiB (${a.v1 ? "fitted to vLLM 0.19's logs by the layers on the GPU" : 'typical of published logs'}, not profiled), ${a.graphsInBudget ? 'taken out of the budget before the KV pool (vLLM 0.21 on)' : 'captured after the KV pool is sized, outside the budget'}.`,
  ];
  if (pp >= 2) {
    notes.push(`Pipeline parallelism: ${pp} stages; every stage keeps the block count of the stage with the least room, which is the stage shown.`);
  }
  const slack = layoutSlackBytes(spec, options, gpu, a);
  if (slack > 0) {
    notes.push(`Start: the MXFP4 experts' triton_kernels layout leaves about ${GIB_TEXT(slack)} GiB per GPU beyond vLLM's accounting (fitted to vLLM 0.19's gpt-oss-20b logs on H100s), which must fit beside the budget and the CUDA graphs when the sampler warms up.`);
  }
  const dcp = options.decodeContextParallel ?? 1;
  if (dcp > 1) {
    notes.push(`Decode context parallelism: each request's KV is interleaved over ${dcp} of the ${options.tensorParallel} TP GPUs, each keeping 1 / ${dcp} of it (the KV bytes per token shown are one GPU's share), where otherwise ${spec.mla ? "MLA's latent cache is whole on every TP GPU" : 'each GPU keeps its KV heads for every token'}.`);
  }
  const dp = dataParallelOf(options);
  if (dp > 1) {
    const experts = expertGroup(spec, options);
    notes.push(
      `Data parallelism: ${dp} engines of ${options.tensorParallel * pp} GPU${options.tensorParallel * pp > 1 ? 's' : ''} each, each with its own KV pool (the figures shown are one engine's; ${dp}× the requests at once over all).` +
        (experts > options.tensorParallel ? ` The routed experts are split over all ${experts} GPUs of a stage (${options.expertParallel ? 'expert parallel: whole experts on each' : 'one tensor-parallel group of TP × DP, as vLLM forms it without --enable-expert-parallel'}); attention and the rest over TP.` : ''),
    );
  }
  if (options.enableLora) {
    const rank = options.maxLoraRank ?? VLLM_LORA_DEFAULTS.rank;
    const slots = options.maxLoras ?? VLLM_LORA_DEFAULTS.slots;
    const layers = Math.max(...stageLayers(spec.numLayers, pp));
    notes.push(
      loraSlotsCounted(spec)
        ? `LoRA: ${slots} adapter slot${slots > 1 ? 's' : ''} (max_loras) of rank ${rank} (max_lora_rank) on every attention and MLP projection, ${GIB_TEXT(loraSlotBytes(spec, options, layers))} GiB per GPU, allocated at load with the weights in the shapes vLLM's LoRA layers give them (the embedding's and head's slots, where vLLM adds them, not counted).`
        : 'LoRA: the adapter slots vLLM allocates are not counted for this architecture (mixture of experts, MLA or hybrid layers).',
    );
  }
  if (options.kvCacheMemoryBytes !== undefined) {
    notes.push(`KV pool: ${GIB_TEXT(options.kvCacheMemoryBytes)} GiB per GPU as kv_cache_memory_bytes sets it; vLLM does not size it from gpu_memory_utilization, and starts only if it fits beside the weights, the activation peak, non-torch memory and the CUDA graphs.`);
  }
  notes.push(...gemma4PagingNotes(spec, options),
    ...sparseAttentionNotes(spec, 'vLLM'), ...recurrentStateNotes(spec, a, paging, options), ...speculativeNotes(spec, options, draft), ...quantizationNotes(options));
  if (rope > 0) {
    const over = spec.ropeCache ? 'in float32 over the positions up to max_model_len' : 'over every position the model was trained for';
    notes.push(`Weights per GPU include vLLM's rotary cos/sin cache ${over}, ${rope >= GIB ? `${GIB_TEXT(rope)} GiB` : `${Math.round(rope / 2 ** 20)} MiB`}, kept whole on each GPU.`);
  }
  return notes;
}

const MIB_TEXT = (bytes: number) => `${(bytes / 2 ** 20).toFixed(2)} MiB`;

/**
 * What a plan says of `--quantization` where the weights alone do not show it: vLLM's online experts_int8, or a
 * method whose bits nothing the plan reads states (a checkpoint's own).
 */
function quantizationNotes(options: ServingOptions): string[] {
  if (options.quantization === 'experts-int8') {
    return [`Weights: ${describeQuantization('experts-int8')} (--quantization experts_int8).`];
  }
  return options.checkpointMethod && options.quantization === undefined
    ? [`--quantization ${options.checkpointMethod}: neither the checkpoint's name nor the catalog says how many bits its weights load in, so they are planned in 16 bits: more than vLLM loads, and a smaller KV pool than vLLM's.`]
    : [];
}

/** How a vLLM plan pages Gemma 4's two kinds of layer, for its assumptions. */
function gemma4PagingNotes(spec: ModelSpec, options: ServingOptions): string[] {
  const g = spec.gemma4;
  if (!g) {
    return [];
  }
  const p = gemma4CachedLayers(spec, g, options.tensorParallel);
  const globalOwn = spec.numLayers - spec.slidingLayers - g.sharedGlobal;
  const each = globalOwn > 0 ? p.global / globalOwn : 0;
  const shared = g.sharedSliding + g.sharedGlobal;
  return [
    `Gemma 4: its ${p.sliding} sliding layers (${spec.numKvHeads} KV heads of ${spec.headDim}) and ${globalOwn} global layers (${g.globalKvHeads} of ${g.globalHeadDim}) are paged at one page size, as vLLM gives every KV cache group, each global layer as ${Number(each.toFixed(2))} sliding layer${each === 1 ? '' : 's'}` +
      `${shared > 0 ? `; its ${shared} KV-shared layers cache nothing` : ''}.`,
  ];
}

/** What a plan says of the command's speculative decoding: what of its draft it counts. */
function speculativeNotes(spec: ModelSpec, options: ServingOptions, draft: Draft): string[] {
  const s = options.speculative;
  if (!s || !draft.kind) {
    return [];
  }
  if (draft.kind === 'ngram') {
    return [`Speculative decoding (${s.method}, ${s.tokens} tokens a step): its proposals come from the prompt, with no draft model on the GPU${spec.hybrid ? '; each request keeps a recurrent-state block per proposed token' : ''}.`];
  }
  const hybridBlocks = spec.hybrid ? `; each request keeps ${s.tokens} more recurrent-state block${s.tokens > 1 ? 's' : ''} per recurrent group, and the convolution windows ${s.tokens} more inputs` : '';
  if (draft.kind === 'eagle' || draft.kind === 'eagle3') {
    const eagle3 = draft.kind === 'eagle3';
    const head = eagle3 ? `, the fusion of three of the model's layers' hidden states and a head of its own over ${Math.min(spec.vocabSize, EAGLE3_DRAFT_VOCAB).toLocaleString('en-US')} draft tokens` : ", the fusion of the embedding and hidden state, and the model's head";
    return [
      `Speculative decoding (${eagle3 ? 'EAGLE-3' : 'EAGLE'}, ${s.tokens} token${s.tokens > 1 ? 's' : ''} a step${s.model ? `, ${s.model}` : ''}): the draft head adds ${GIB_TEXT(draftWeightBytes(spec, options, draft))} GiB of weights per GPU` +
        ` (one decoder layer at the model's width${head}, in 16 bits, as public EAGLE checkpoints are built: the head's own config is not read) and its attention layer's KV cache${options.pipelineParallel > 1 ? ' on the last stage' : ''}${hybridBlocks}. The drafting's own activations are not counted.`,
    ];
  }
  if (draft.model) {
    const m = draft.model;
    const split = options.tensorParallel > 1 ? `, split over the ${options.tensorParallel} GPUs` : '';
    return [
      `Speculative decoding (draft model ${m.id}, ${s.tokens} token${s.tokens > 1 ? 's' : ''} a step): the draft adds ${GIB_TEXT(draftWeightBytes(spec, options, draft))} GiB of weights per GPU${split}` +
        ` (${m.quantization ? `as its name says, ${m.quantization}` : 'in the model\'s dtype'}) and its ${cachedAttentionLayers(m.spec)} layers' KV cache in the same pool, ${((draft.kvLayers * kvBytesPerLayerToken(spec, options)) / 1024).toFixed(1)} KiB per token beside the model's` +
        `${m.spec.slidingWindow !== undefined ? ' (its sliding-window layers counted as full)' : ''}${hybridBlocks}. The drafting's own activations are not counted.`,
    ];
  }
  if (draft.kvLayers === 0) {
    return [`Speculative decoding (${s.method}): the model's config declares no multi-token-prediction layers, so the draft is not counted.`];
  }
  const weights = draft.weightLayers > 0 ? `${GIB_TEXT(draftWeightBytes(spec, options, draft))} GiB of weights per GPU (${draft.weightLayers} layer${draft.weightLayers > 1 ? 's' : ''} the model itself does not load, sharing its embedding and head), ` : '';
  return [
    `Speculative decoding (MTP, ${s.tokens} token${s.tokens > 1 ? 's' : ''} a step): the checkpoint's multi-token-prediction draft adds ${weights}and its ${draft.kvLayers} attention layer${draft.kvLayers > 1 ? 's\'' : '\'s'} KV cache${options.pipelineParallel > 1 ? ' on the last stage' : ''}` +
      `${hybridBlocks}. The drafting's own activations are not counted.`,
  ];
}

/** How a vLLM plan keeps a hybrid's recurrent states, for its assumptions: paged with the attention blocks (V1, 0.10 on), or not counted. */
function recurrentStateNotes(spec: ModelSpec, a: VllmAccounting, paging: PlanFacts['paging'], options: ServingOptions): string[] {
  const h = spec.hybrid;
  if (!h || h.mambaLayers === 0) {
    return [];
  }
  if (paging.statePage === 0) {
    return [`Recurrent state: the ${h.mambaLayers} recurrent layers' per-sequence state is not counted for this vLLM release (its V1 hybrid manager, 0.10 on, pages it with the KV blocks).`];
  }
  const g = paging.groups;
  const dtype = vllmStateDtype(spec, options).how;
  const window = vllmStateElements(h.mixer, Math.max(1, options.tensorParallel)).conv > 0 ? "the convolution's last inputs and " : '';
  return [
    `Recurrent state: each of the ${h.mambaLayers} recurrent layers keeps ${MIB_TEXT(paging.statePage)} per sequence per GPU (${window}the state in ${dtype}). ` +
      `vLLM pages it with the KV blocks: block size ${paging.blockSize.toLocaleString('en-US')} tokens${options.blockSize !== undefined && options.blockSize >= paging.blockSize ? ' (as set)' : ', set so one attention page holds one state'}; ` +
      `groups of ${g.groupSize} layers (${g.fullGroups + g.slidingGroups} attention, ${g.stateGroups} recurrent), each request holding ${g.stateBlocks} state block${g.stateBlocks > 1 ? 's' : ''} per recurrent group${paging.prefixCaching ? ` (prefix caching${options.enablePrefixCaching === undefined ? `, on by default from vLLM 0.20` : ''}: the "align" mode)` : ` (prefix caching off${options.enablePrefixCaching === undefined ? ', the default before vLLM 0.20' : ''})`}.`,
    `KV tokens: ${a.capacityFromConcurrency ? 'the concurrency at max_model_len × max_model_len, as vLLM 0.21 on counts it' : 'the blocks over the KV cache groups × the block size, as vLLM before 0.21 counts it (state groups included)'}.`,
  ];
}

/**
 * SGLang on `gpu` × TP: the static share (`mem_fraction_static` × the total) holds the weights and the KV pool; the
 * rest is left for activations and CUDA graphs. The pool takes what remains after the weights, capped by
 * `max_total_tokens`.
 */
export function planSglang(spec: ModelSpec, options: ServingOptions, gpu: Gpu): ServingPlan {
  const versionText = engineRelease(options);
  const tp = Math.max(1, options.tensorParallel);
  const total = cudaTotalBytes(gpu);
  const heuristics = sglangHeuristics(spec, options, gpu);
  const fraction = options.memFractionStatic ?? heuristics.fraction;
  const budget = total * fraction;
  // Recent releases load a speculative draft's weights with the model's, before the pool is sized.
  const draft = sglangDraft(spec, options);
  const weights = stageWeightBytes(spec, { ...options, pipelineParallel: 1 }, 0, spec.numLayers) + (draft.weightsFirst ? draft.weights : 0);
  const nonTorch = nonTorchBytes(tp, 1, 0.25 * GIB, gpu);
  // Under DP attention each group of TP / DP GPUs keeps its own requests' KV, its heads split over the group.
  const perToken = kvBytesPerLayerToken(spec, { ...options, tensorParallel: attentionGroup(options) }) * cachedAttentionLayers(spec, attentionGroup(options));
  // SGLang sizes the pool from the free memory after loading, less the share it leaves unreserved.
  const pool = total - CONTEXT_BYTES - nonTorch - weights - total * (1 - fraction);
  const states = sglangStatePool(spec, options, pool);
  const rest = pool - states.bytes;
  const maxModelLen = options.maxModelLen ?? spec.maxPositions ?? 2048;
  // A state-space model caches no tokens: its pool is its state slots, counted as that many requests' tokens.
  const fitted = perToken > 0 ? (rest > 0 ? Math.floor(rest / perToken) : 0) : (states.slots ?? 0) * maxModelLen;
  const kvTokens = options.maxTotalTokens !== undefined ? Math.min(options.maxTotalTokens, fitted) : fitted;
  // The draft's KV cache (and in earlier releases its weights) loads after the pool, in the unreserved share.
  const unreserved = total * (1 - fraction);
  const draftHere = draft.kvPerToken * Math.max(0, kvTokens) + (draft.weightsFirst ? 0 : draft.weights);
  const chunk = heuristics.chunk;
  // A hybrid runs no more requests than its state slots serve.
  const requested = options.maxRunningRequests ?? (options.speculativeAlgorithm ? SGLANG_SPECULATIVE_REQUESTS : Math.min(4096, Math.max(1, Math.floor(kvTokens / 2))));
  const seqs = states.requests !== undefined ? Math.max(0, Math.min(requested, states.requests)) : requested;
  const activation = activationPeak(spec, options, chunk, Math.min(seqs, 1024), { samplerCopies: 3.75, forwardOverhead: 1.2 }, { first: true, last: true });
  const reason = sglangRefusal(options, states, kvTokens, { bytes: draftHere, kvOnly: draft.weightsFirst, unreserved, fraction });
  return {
    engine: 'sglang', version: versionText, gpu: gpu.name, gpus: deploymentGpus(options, 1), budgetBytes: Math.round(budget), weightsBytes: weights,
    activationPeakBytes: activation, nonTorchBytes: Math.round(nonTorch), cudaGraphBytes: options.enforceEager ? 0 : Math.round(0.5 * GIB),
    kvCacheBytes: perToken > 0 ? Math.max(0, kvTokens) * perToken : states.bytes, kvBytesPerToken: perToken, kvTokens: Math.max(0, kvTokens),
    ...(states.slots !== undefined ? { stateBytesPerSequence: states.perRequest } : {}),
    ...(draftHere > 0 ? { draftBytes: Math.round(draftHere) } : {}),
    maxConcurrency: Math.round(Math.min(Math.max(0, kvTokens) / maxModelLen, states.requests ?? Infinity) * 100) / 100, starts: reason === '', reason, maxModelLen,
    maxNumSeqs: seqs, maxNumBatchedTokens: chunk, blockSize: 1, longestStartingLen: Math.min(maxModelLen, Math.max(0, kvTokens)), cudaGraphsInBudget: false,
    assumptions: [
      `SGLang ${versionText}: mem_fraction_static ${fraction}${options.memFractionStatic === undefined ? ` (${heuristics.how})` : ''} × ${GIB_TEXT(total)} GiB (the total CUDA reports) holds the weights and the KV pool; the pool is what the free memory after loading leaves above the unreserved ${(1 - fraction).toFixed(2)} share, one token per slot.`,
      'Activations and CUDA graphs run in the unreserved share; SGLang does not profile them at start.',
      ...sglangParallelNotes(options),
      ...sglangSpeculativeNotes(options, draft, Math.max(0, kvTokens), unreserved),
      ...sparseAttentionNotes(spec, 'SGLang'),
      ...states.notes,
    ],
  };
}

/**
 * Why SGLang does not start, in its own words, or '' where it does: a DP-attention layout TP does not divide, no
 * recurrent-state slot, no KV token, or a draft whose share of the unreserved memory (`draft.bytes`) exceeds it.
 */
function sglangRefusal(
  options: ServingOptions,
  states: Pick<ReturnType<typeof sglangStatePool>, 'slots' | 'requests' | 'slotsPerRequest' | 'perRequest'>,
  kvTokens: number,
  draft: { readonly bytes: number; readonly kvOnly: boolean; readonly unreserved: number; readonly fraction: number },
): string {
  const tp = Math.max(1, options.tensorParallel);
  const dp = dataParallelOf(options);
  if (options.dpAttention && dp > 1 && tp % dp !== 0) {
    return `SGLang requires --tp (${tp}) to be a multiple of --dp (${dp}) with --enable-dp-attention.`;
  }
  if (states.slots !== undefined && states.slots <= 0) {
    return `Not enough GPU memory for hybrid (mamba/linear-attention) state cache. Computed max_mamba_cache_size=${states.slots} (mamba_cache_per_req=${(states.perRequest / 2 ** 20).toFixed(2)} MB). Try: (1) reduce --max-running-requests, (2) increase --mem-fraction-static, or (3) use GPUs with more memory.`;
  }
  if (states.slots !== undefined && states.requests !== undefined && states.requests <= 0) {
    return `Hybrid (mamba/linear-attention) state cache is too small to serve any requests. max_mamba_cache_size=${states.slots}, mamba_ratio=${states.slotsPerRequest}.`;
  }
  if (kvTokens <= 0) {
    return 'Not enough memory. Please try to increase --mem-fraction-static.';
  }
  if (draft.bytes > draft.unreserved) {
    const what = draft.kvOnly ? 'KV cache' : 'weights and KV cache';
    return `CUDA out of memory loading the speculative draft: its ${what} (${GIB_TEXT(draft.bytes)} GiB) exceed${draft.kvOnly ? 's' : ''} the ${GIB_TEXT(draft.unreserved)} GiB mem_fraction_static ${draft.fraction} leaves unreserved.`;
  }
  return '';
}

/** The requests SGLang runs at once under speculative decoding when --max-running-requests is unset (its server_args reset it). */
const SGLANG_SPECULATIVE_REQUESTS = 48;

/**
 * An SGLang draft on one GPU, as vLLM's planner sizes the same drafts (an MTP layer, an EAGLE head, a draft model):
 * its weights, whether they load before the pool is sized (`weightsFirst`), and its KV cache per token — SGLang gives
 * the draft worker a pool of as many tokens as the model's (draft_runner_cache_size), its heads split as the model's.
 */
function sglangDraft(spec: ModelSpec, options: ServingOptions): { readonly draft: Draft; readonly weights: number; readonly kvPerToken: number; readonly weightsFirst: boolean } {
  const here = { ...options, tensorParallel: attentionGroup(options) };
  const draft = speculativeDraft(spec, here);
  return { draft, weights: draftWeightBytes(spec, options, draft), kvPerToken: draft.kvLayers * kvBytesPerLayerToken(spec, here), weightsFirst: sglangRecent(options) };
}

/** Whether SGLang drafts with a model on the GPU: every `--speculative-algorithm` but NGRAM's lookups in the prompt. */
function sglangLoadsDraft(options: Pick<ServingOptions, 'speculativeAlgorithm'>): boolean {
  return options.speculativeAlgorithm !== undefined && options.speculativeAlgorithm !== 'NGRAM';
}

/** What an SGLang plan says of `--speculative-algorithm`: the request cap it brings, and its draft beside the pool. */
function sglangSpeculativeNotes(options: ServingOptions, d: ReturnType<typeof sglangDraft>, tokens: number, unreserved: number): string[] {
  const algorithm = options.speculativeAlgorithm;
  if (!algorithm) {
    return [];
  }
  const cap = options.maxRunningRequests === undefined ? `; SGLang runs at most ${SGLANG_SPECULATIVE_REQUESTS} requests at once (it resets an unset --max-running-requests)` : '';
  const kind = d.draft.kind;
  if (kind === undefined || kind === 'ngram' || (kind === 'mtp' && d.draft.kvLayers === 0)) {
    const why = kind === 'ngram' ? 'its proposals come from the prompt, with no draft on the GPU' : kind === 'mtp' ? "the model's config declares no next-token (MTP) layers, so no draft is counted" : "its draft's weights and KV cache are not counted here";
    return [`Speculative decoding (${algorithm})${cap}: ${why}.`];
  }
  const layers = d.draft.weightLayers || d.draft.kvLayers;
  const what = kind === 'mtp' ? `the checkpoint's ${layers} next-token (MTP) layer${layers > 1 ? 's' : ''}`
    : kind === 'draft_model' ? `the draft model ${d.draft.model!.id}`
      : `an ${kind === 'eagle3' ? 'EAGLE-3' : 'EAGLE'} head at the model's width, in 16 bits as public EAGLE checkpoints are built (the head's own config is not read)`;
  const kv = `${GIB_TEXT(d.kvPerToken * tokens)} GiB of KV cache, as many tokens as the pool,`;
  const where = d.weightsFirst
    ? `its ${GIB_TEXT(d.weights)} GiB of weights load with the model's, before the pool is sized (as recent releases do: their least mem_fraction_static counts them), and its ${kv} in the ${GIB_TEXT(unreserved)} GiB mem_fraction_static leaves unreserved`
    : `after the pool is sized, its ${GIB_TEXT(d.weights)} GiB of weights and ${kv} in the ${GIB_TEXT(unreserved)} GiB mem_fraction_static leaves unreserved`;
  return [
    `Speculative decoding (${algorithm})${cap}. The draft is ${what}: per GPU, ${where}, beside the activations and CUDA graphs; the room the pool keeps for draft and verify tokens is not counted. As SGLang's source sizes it; not yet checked against a published log.`,
  ];
}

/** SGLang's share of `--mamba-full-memory-ratio` for recurrent states when nothing else sizes them (its default). */
const SGLANG_MAMBA_RATIO = 0.9;

/**
 * SGLang's pool of a hybrid's recurrent states (its `_handle_max_mamba_cache`): `--max-mamba-cache-size` slots, or
 * one per `--max-running-requests` with the radix cache disabled, or else the ratio's share of the pool
 * (r / (1 + r) of it: 47 % at 0.9); each slot every recurrent layer's state, the state in `--mamba-ssm-dtype` (the
 * config's `mamba_ssm_dtype`, else float32). The KV pool gets the rest. Nothing for a model without recurrent layers.
 */
function sglangStatePool(spec: ModelSpec, options: ServingOptions, pool: number): { readonly bytes: number; readonly slots?: number; readonly requests?: number; readonly slotsPerRequest?: number; readonly perRequest: number; readonly notes: string[] } {
  const recurrent = recurrentLayersOf(spec);
  if (!recurrent) {
    return { bytes: 0, perRequest: 0, notes: [] };
  }
  const layers = recurrent.layers;
  const elements = vllmStateElements(recurrent.mixer, Math.max(1, attentionGroup(options)));
  const conv = setDtypeBytes(options.mambaCacheDtype) ?? activationElementBytes(options.precision);
  const dtype = options.mambaSsmCacheDtype && options.mambaSsmCacheDtype !== 'auto' ? options.mambaSsmCacheDtype : spec.hybrid?.stateDtype ?? 'float32';
  const perRequest = layers * (elements.conv * conv + elements.state * stateDtypeBytes(dtype));
  const ratio = options.mambaFullMemoryRatio ?? SGLANG_MAMBA_RATIO;
  const [slots, how] = options.maxMambaCacheSize !== undefined
    ? [options.maxMambaCacheSize, '--max-mamba-cache-size']
    : options.disableRadixCache && options.maxRunningRequests !== undefined
      ? [options.maxRunningRequests, '--max-running-requests, the radix cache disabled']
      : attentionFree(spec)
        ? [Math.floor(Math.max(0, pool) / perRequest), 'the whole pool: a state-space model caches no keys or values']
        : [Math.floor(Math.max(0, pool) * ratio / (1 + ratio) / perRequest), `--mamba-full-memory-ratio ${ratio}: ${Math.round((ratio / (1 + ratio)) * 100)} % of the pool`];
  const perSlot = sglangSlotsPerRequest(spec, recurrent.mixer, options);
  const requests = Math.floor(Math.max(0, slots) / perSlot);
  const runs = perSlot === 1
    ? 'no more requests run at once than there are slots'
    : `a request runs for every ${perSlot} slots (${requests.toLocaleString('en-US')} at once): SGLang's prefix cache keeps ${perSlot === 3 ? "a request's own state, its cached prefix's and one to fork" : 'three per request, and speculative decoding two more for its ping-pong buffer'}`;
  return {
    bytes: Math.max(0, slots) * perRequest, slots, requests, slotsPerRequest: perSlot, perRequest,
    notes: [`Recurrent state: SGLang keeps ${slots.toLocaleString('en-US')} slots of the ${layers} recurrent layers' state (${how}), ${MIB_TEXT(perRequest)} each per GPU in ${dtype}${attentionFree(spec) ? '' : ', beside the KV pool, which gets the rest'}; ${runs}. As SGLang's source sizes it; not yet checked against a published SGLang log.`],
  };
}

/**
 * The state slots SGLang keeps per running request (its max_running_requests is the slots over this): 1 without its
 * prefix cache (`--disable-radix-cache`, a model other than a Gated DeltaNet hybrid, whose recurrent state it does not
 * cache, or a release VRAM Lens plans as before 0.5.3, ahead of its hybrid prefix cache), else 3 (MAMBA_CACHE_SIZE_MAX_RUNNING_REQUESTS_RATIO: a request's own state, its cached prefix's, one to
 * fork), and 2 more under speculative decoding for the extra buffer's ping-pong (40 slots ran 8 requests with a
 * 3-step draft: jpezzulli/sglang-rtxpro6000#5).
 */
function sglangSlotsPerRequest(spec: ModelSpec, mixer: NonNullable<ReturnType<typeof recurrentLayersOf>>['mixer'], options: ServingOptions): number {
  if (options.disableRadixCache || attentionFree(spec) || mixerKind(mixer) !== 'gated-deltanet' || !sglangRecent(options)) {
    return 1;
  }
  return sglangLoadsDraft(options) ? 5 : 3;
}

/** What a plan says of DeepSeek-V3.2's sparse attention cache, which it counts approximately; nothing for other models. */
function sparseAttentionNotes(spec: ModelSpec, engine: 'vLLM' | 'SGLang'): string[] {
  const mla = spec.mla;
  return mla?.indexer
    ? [`Sparse attention (DeepSeek-V3.2's lightning indexer): each layer caches the latent (${mla.kvLoraRank} + ${mla.qkRopeHeadDim} values in the KV dtype) and the indexer's key (${indexerKeyBytes(spec)} bytes) per token; ${engine}'s sparse-MLA backend may lay the latent out in its own fp8 format, so the KV token count is approximate.`]
    : [];
}

/** What SGLang's data parallelism does, where the command sets it. */
function sglangParallelNotes(options: ServingOptions): string[] {
  const dp = dataParallelOf(options);
  if (dp <= 1) {
    return [];
  }
  const group = attentionGroup(options);
  return options.dpAttention
    ? [`DP attention: ${dp} groups of ${group} GPU${group > 1 ? 's' : ''} among the ${options.tensorParallel}, each with its own requests and KV pool (the figures shown are one GPU's); attention is split over its group, the MLP and experts over all ${options.tensorParallel}.`]
    : [`Data parallelism: ${dp} copies of the model on ${options.tensorParallel} GPU${options.tensorParallel > 1 ? 's' : ''} each, each with its own KV pool (the figures shown are one copy's).`];
}

/** SGLang's default static share by tensor parallelism (server_args before 0.5.3). */
function tensorParallelMemFraction(tp: number): number {
  return tp >= 16 ? 0.79 : tp >= 8 ? 0.81 : tp >= 4 ? 0.85 : tp >= 2 ? 0.87 : 0.88;
}

/** SGLang's defaults by the GPU's memory from 0.5.3 (server_args): the chunked-prefill size and the CUDA-graph batch, below each size in GiB. */
const SGLANG_GPU_DEFAULTS: readonly { readonly belowGiB: number; readonly chunk: number; readonly graphBatch: readonly [number, number] }[] = [
  { belowGiB: 20, chunk: 2048, graphBatch: [8, 8] },
  { belowGiB: 35, chunk: 2048, graphBatch: [24, 80] },
  { belowGiB: 60, chunk: 4096, graphBatch: [32, 160] },
  { belowGiB: 160, chunk: 8192, graphBatch: [256, 512] },
  { belowGiB: Infinity, chunk: 16384, graphBatch: [512, 512] },
];

/**
 * SGLang's chunked-prefill size (the command's, else its default) and its default static share. From 0.5.3
 * (server_args' heuristics, sgl-project/sglang#10975) the GPU's memory (nvidia-smi's MiB) picks the chunk and the
 * CUDA-graph batch (the second figure from TP 4; `--cuda-graph-max-bs` sets it), and the share is what remains of that memory after SGLang's reserve,
 * to three decimals: 512 MiB, 1.5 MiB per chunk token, 2 MiB per graph batch, TP / 8 GiB, with DP attention 3 MiB (and
 * past a batch of 300 another 1.5) per graph batch and DP rank, at least 10 GiB on a GPU above 60 GiB, then 2 GiB for
 * a draft (6 GiB for a STANDALONE one, none for n-grams); a model with a vision tower takes 0.95 of that, less the
 * larger its tower (0.8–1.05 × a ViT-L's layers × width²). Before 0.5.3: by tensor parallelism, 8,192 tokens on a GPU
 * of 70 GiB or more, else 2,048.
 */
function sglangHeuristics(spec: ModelSpec, options: ServingOptions, gpu: Gpu): { readonly fraction: number; readonly chunk: number; readonly how: string } {
  const tp = Math.max(1, options.tensorParallel);
  if (!sglangRecent(options)) {
    return { fraction: tensorParallelMemFraction(tp), chunk: options.chunkedPrefillSize ?? (cudaTotalBytes(gpu) >= 70 * GIB ? 8192 : 2048), how: `its default at TP ${tp} before 0.5.3` };
  }
  const mib = gpu.memoryMiB;
  const row = SGLANG_GPU_DEFAULTS.find(r => mib < r.belowGiB * 1024)!;
  const chunk = options.chunkedPrefillSize ?? row.chunk;
  const batch = options.cudaGraphMaxBs ?? row.graphBatch[tp < 4 ? 0 : 1];
  const dp = dataParallelOf(options);
  let reserved = 512 + (chunk > 0 ? Math.max(chunk, 2048) * 1.5 : 0) + batch * 2 + (tp / 8) * 1024;
  if (options.dpAttention) {
    reserved += batch * dp * 3 + (batch > 300 ? batch * dp * 1.5 : 0);
  }
  if (mib > 60 * 1024) {
    reserved = Math.max(reserved, 10 * 1024);
  }
  reserved += !sglangLoadsDraft(options) ? 0 : options.speculativeAlgorithm === 'STANDALONE' ? 6 * 1024 : 2 * 1024;
  const share = round3((mib - reserved) / mib);
  const vision = spec.vision && !options.languageModelOnly;
  const how = `its default: ${mib.toLocaleString('en-US')} MiB less the ${(reserved / 1024).toFixed(2)} GiB it reserves for chunks of ${chunk.toLocaleString('en-US')} tokens and CUDA graphs up to batch ${batch}${vision ? ', cut for the vision tower' : ''}`;
  return { fraction: vision ? round3(share * visionTowerFactor(spec.vision!)) : share, chunk, how };
}

/** Whether a launch runs SGLang 0.5.3 or later (the current release when none is said): its heuristic defaults, and a draft's weights loaded with the model's. */
function sglangRecent(options: Pick<ServingOptions, 'version'>): boolean {
  if (options.version === undefined || options.version.trim() === CURRENT_ENGINE_VERSION.sglang) {
    return true;
  }
  const version = parseEngineVersion(options.version);
  return version !== undefined && (atLeast(version, 0, 6) || (version[0] === 0 && version[1] === 5 && version[2] >= 3));
}

/** SGLang's cut of the static share for a vision tower: 0.95, times 1 − 0.1 × (its layers × width² over a ViT-L's − 1), kept within 0.8–1.05. */
function visionTowerFactor(tower: NonNullable<ModelSpec['vision']>): number {
  const ratio = (tower.numLayers * tower.hiddenSize ** 2) / (24 * 1024 ** 2);
  return 0.95 * Math.max(0.8, Math.min(1.05, 1 - 0.1 * (ratio - 1)));
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}

/** The most GPUs a command's tensor parallelism is grown to: one node of eight (beyond, it crosses nodes). */
const MAX_TENSOR_PARALLEL = 8;

/**
 * The fewest GPUs in tensor parallel, the command's own degree then doubling up to one node of eight, over which the
 * engine splits the model and starts; undefined where none does.
 */
export function fewestStartingSplit(spec: ModelSpec, options: ServingOptions, gpu: Gpu): number | undefined {
  const splits = (t: number) => (options.engine === 'vllm' ? vllmSplits(spec, t) : spec.numHeads % t === 0);
  const degrees = [1, 2, 4, 8].map(k => options.tensorParallel * k).filter(t => t <= Math.max(MAX_TENSOR_PARALLEL, options.tensorParallel) && splits(t));
  return degrees.find(t => planServing(spec, { ...options, tensorParallel: t }, gpu).starts);
}

/**
 * The room a plan leaves: the KV pool past one `max_model_len` request where the engine starts, how far short of one
 * where it does not (at most zero then, whatever the cause).
 */
export function servingHeadroomBytes(plan: ServingPlan): number {
  const room = (plan.kvTokens - plan.maxModelLen) * plan.kvBytesPerToken;
  return plan.starts ? Math.max(0, room) : Math.min(0, room);
}

/** The release whose accounting a command's plan uses, as its plan names it. */
export function engineRelease(options: Pick<ServingOptions, 'engine' | 'version'>): string {
  return options.engine === 'sglang' ? (options.version ?? CURRENT_ENGINE_VERSION.sglang) : vllmRelease(options).text;
}

/** The kinds of card VRAM Lens does not plan vLLM and SGLang on (see unplannedCard). */
export const UNPLANNED_CARDS = ['Apple silicon', 'Pascal'] as const;
export type UnplannedCard = (typeof UNPLANNED_CARDS)[number];

/**
 * Where VRAM Lens does not plan vLLM and SGLang: Apple silicon, where they run through other backends if at all, and
 * NVIDIA Pascal cards, below the compute capability 7.0 (Volta) their CUDA kernels are built for. Undefined elsewhere.
 */
export function unplannedCard(gpu: Gpu): UnplannedCard | undefined {
  return isUnifiedMemory(gpu) ? 'Apple silicon' : gpu.generation === 'Pascal' ? 'Pascal' : undefined;
}

/** Why VRAM Lens does not plan an engine on a kind of card, as a clause. */
export function unplannedReason(options: Pick<ServingOptions, 'engine'>, card: UnplannedCard): string {
  const engine = engineName(options);
  if (card === 'Pascal') {
    return `${engine} runs on NVIDIA GPUs of compute capability 7.0 (Volta) and newer, and Pascal cards are older`;
  }
  return options.engine === 'vllm'
    ? 'on Apple silicon vLLM runs through the vLLM-Metal plugin on MLX, whose memory use VRAM Lens does not model'
    : `VRAM Lens does not model ${engine} on Apple silicon`;
}

/** What to do instead on a kind of card VRAM Lens does not plan the engine on: in a few words (a lens) and in full. */
export function unplannedAdvice(options: Pick<ServingOptions, 'engine'>, card: UnplannedCard): { readonly short: string; readonly full: string } {
  return card === 'Apple silicon'
    ? { short: 'pick a CUDA or ROCm target GPU', full: 'Pick a CUDA or ROCm target GPU for its plan, or serve a GGUF with llama.cpp or Ollama, which VRAM Lens plans on Apple silicon.' }
    : { short: 'it runs on Volta and newer', full: `Pick a target GPU ${engineName(options)} runs on for its plan.` };
}

/** The engine's name as its users write it. */
export function engineName(plan: Pick<ServingPlan, 'engine'>): string {
  return plan.engine === 'sglang' ? 'SGLang' : 'vLLM';
}

/** The GPUs a plan runs on, as its titles say them: "H100 80GB", or "2× H100 80GB" for a split. */
export function planGpus(plan: Pick<ServingPlan, 'gpu' | 'gpus'>): string {
  return groupName(plan.gpu, plan.gpus);
}

/** The plan for an engine. */
export function planServing(spec: ModelSpec, options: ServingOptions, gpu: Gpu): ServingPlan {
  return options.engine === 'sglang' ? planSglang(spec, options, gpu) : planVllm(spec, options, gpu);
}

/**
 * The smallest `mem_fraction_static` (two decimals, at most 0.95) at which SGLang's pool holds one `max_model_len`
 * request and the unreserved share still holds the activations, CUDA graphs and speculative draft it keeps there, if any.
 */
export function neededMemFraction(spec: ModelSpec, options: ServingOptions, gpu: Gpu): number | undefined {
  const total = cudaTotalBytes(gpu);
  const holds = (fraction: number) => {
    const plan = planSglang(spec, { ...options, memFractionStatic: fraction }, gpu);
    return plan.starts && plan.kvTokens >= plan.maxModelLen && total * (1 - fraction) >= plan.activationPeakBytes + plan.cudaGraphBytes + (plan.draftBytes ?? 0);
  };
  // Shares from 0.50 to 0.95 in hundredths, scanned in order: a larger share grows the pool but shrinks the unreserved
  // share, so the shares that hold need not reach 0.95.
  for (let hundredths = 50; hundredths <= 95; hundredths++) {
    if (holds(hundredths / 100)) {
      return hundredths / 100;
    }
  }
  return undefined;
}

/** The smallest `gpu_memory_utilization` (two decimals) at which vLLM starts, if any below 0.99. */
export function neededUtilization(spec: ModelSpec, options: ServingOptions, gpu: Gpu): number | undefined {
  const n = smallestFitting(startsAtShare(spec, options, gpu), UTILIZATION_SHARES);
  return n === undefined ? undefined : utilizationShare(n);
}

/**
 * The largest `gpu_memory_utilization` (hundredths from 0.50) at which vLLM starts, for a budget that leaves what the
 * GPU holds outside it (the CUDA graphs, the sampler's warm-up) no room; undefined when 0.50 does not start either.
 */
export function mostUtilization(spec: ModelSpec, options: ServingOptions, gpu: Gpu): number | undefined {
  const n = largestFitting(startsAtShare(spec, options, gpu), UTILIZATION_SHARES);
  return n === 0 ? undefined : utilizationShare(n);
}

/** The shares the utilization searches try: 0.50 to 0.99, numbered 1 to 50 (utilizationShare). */
const UTILIZATION_SHARES = 50;

/** The `gpu_memory_utilization` numbered `n` by the searches: 0.49 + n hundredths. */
function utilizationShare(n: number): number {
  return (49 + n) / 100;
}

/** Whether vLLM starts at the share numbered `n`. */
function startsAtShare(spec: ModelSpec, options: ServingOptions, gpu: Gpu): (n: number) => boolean {
  return n => planVllm(spec, { ...options, gpuMemoryUtilization: utilizationShare(n) }, gpu).starts;
}
