// The GPU list (gpus.json) and the user's own GPUs: memory as nvidia-smi reports it, loose name matching, tiers.
import { parse, type ParseError } from 'jsonc-parser';
import gpuData from './data/gpus.json';

export interface Gpu {
  readonly name: string;
  /** The model words names match on ("a100", "4090", "4060 ti"). */
  readonly model: string;
  /** Marketing size in GB as the card is sold. */
  readonly memoryGb: number;
  /** Total memory in MiB as the driver reports it (nvidia-smi, rocm-smi), or the nominal capacity (see memorySource). */
  readonly memoryMiB: number;
  readonly memorySource: 'nvml' | 'rocm-smi' | 'nominal';
  /** Where a rocm-smi total was read. */
  readonly memorySourceNote?: string;
  readonly vendor: string;
  readonly generation: string;
  readonly priceUsd: number | null;
  /** Memory bandwidth, GB/s (datasheet). */
  readonly bandwidthGBs?: number;
  /** Dense 16-bit tensor throughput, TFLOPS (datasheet). */
  readonly bf16Tflops?: number;
  /** Typical on-demand cloud price for one GPU, US$ per hour; null where not commonly rented. */
  readonly cloudUsdPerHour?: number | null;
  /** Total memory as CUDA reports it to PyTorch (torch.cuda.mem_get_info), in GiB, where a published log records it. */
  readonly cudaTotalGiB?: number;
  /** Where cudaTotalGiB was read. */
  readonly cudaTotalSource?: string;
  /** The variant a bare model name ("A100") means when the card comes in several sizes. */
  readonly default?: boolean;
}

export const GPUS: readonly Gpu[] = gpuData.gpus as Gpu[];
export const GPU_PRICE_DATE: string = gpuData.priceDate;

export function gpuMemoryBytes(gpu: Gpu): number {
  return gpu.memoryMiB * 1024 * 1024;
}

/** What CUDA reserves below nvidia-smi's total on an H100 (81,559 MiB there, 79.19 GiB to PyTorch). */
export const CUDA_RESERVED_BYTES = 81_559 * 1024 ** 2 - 79.19 * 1024 ** 3;

/**
 * The total CUDA reports to PyTorch (what vLLM and SGLang take their share of): the recorded figure, else nvidia-smi's
 * total less what CUDA reserves on an H100.
 */
export function cudaTotalBytes(gpu: Gpu): number {
  return gpu.cudaTotalGiB !== undefined ? gpu.cudaTotalGiB * 1024 ** 3 : gpuMemoryBytes(gpu) - CUDA_RESERVED_BYTES;
}

const IGNORED_TOKENS = new Set([
  'nvidia', 'geforce', 'tesla', 'amd', 'instinct', 'rtx', 'gtx', 'sxm', 'sxm2', 'sxm4', 'sxm5', 'pcie', 'nvl',
  'hbm3', 'hbm3e', 'gpu', 'graphics', 'card',
]);

function tokens(name: string): { models: string[]; memoryGb: number | undefined } {
  const raw = name.toLowerCase().match(/[a-z0-9]+/g) ?? [];
  const models: string[] = [];
  let memoryGb: number | undefined;
  for (let i = 0; i < raw.length; i++) {
    const t = raw[i];
    const withUnit = /^(\d+)(gb|g|gib)$/.exec(t);
    if (withUnit) {
      memoryGb = Number(withUnit[1]);
    } else if (/^\d+$/.test(t) && /^(gb|g|gib)$/.test(raw[i + 1] ?? '')) {
      memoryGb = Number(t);
      i++;
    } else if (!IGNORED_TOKENS.has(t)) {
      models.push(t);
    }
  }
  return { models, memoryGb };
}

/** Whether `words` appear one after another in `tokens`. */
function holdsInOrder(tokens: readonly string[], words: readonly string[]): boolean {
  return tokens.some((_, i) => words.every((w, j) => tokens[i + j] === w));
}

/**
 * Finds a GPU by a loosely written name: "A100 40GB", "a100-40gb" and "NVIDIA A100-SXM4-40GB" are one card.
 * Returns undefined when nothing matches, rather than guessing.
 */
export function findGpu(name: string, gpus: readonly Gpu[] = GPUS): Gpu | undefined {
  const exact = gpus.find(g => g.name.toLowerCase() === name.trim().toLowerCase());
  if (exact) {
    return exact;
  }
  const { models, memoryGb } = tokens(name);
  if (models.length === 0) {
    return undefined;
  }
  // A card's model may be several words ("4060 ti", "m4 max"): the longest that the name holds, in order, wins.
  const matching = gpus.filter(g => holdsInOrder(models, g.model.split(' ')));
  const longest = Math.max(0, ...matching.map(g => g.model.split(' ').length));
  const candidates = matching.filter(g => g.model.split(' ').length === longest);
  if (candidates.length === 0) {
    return undefined;
  }
  if (memoryGb !== undefined) {
    return candidates.find(g => g.memoryGb === memoryGb);
  }
  return candidates.find(g => g.default) ?? (candidates.length === 1 ? candidates[0] : undefined);
}

/** The seed document's tiers, by memory: what each class of card is for. */
export function tierOf(gpu: Gpu): string {
  if (gpu.memoryGb <= 10) {
    return 'Learning and prototyping (≤ 10 GB)';
  }
  if (gpu.memoryGb <= 16) {
    return 'Startup (12–16 GB)';
  }
  if (gpu.memoryGb <= 48) {
    return 'Production (24–48 GB)';
  }
  return 'Research (80 GB and more)';
}

/** A user-defined GPU from settings, validated; undefined when the entry is not usable. */
/** Orders GPUs by memory, then by price (unpriced last): how lists of cards are shown and searched. */
export function bySizeThenPrice(a: Gpu, b: Gpu): number {
  return a.memoryMiB - b.memoryMiB || (a.priceUsd ?? Infinity) - (b.priceUsd ?? Infinity);
}

/** A group of one card in tensor parallel, as targets, titles and the picker name it: "2× RTX 4090"; one card is its own name. */
export function groupName(cardName: string, count: number): string {
  return count > 1 ? `${count}× ${cardName}` : cardName;
}

/** Whether a target names a group of cards ("2× RTX 4090"): its peaks are per card of a split model, and no single card compares. */
export function isGpuGroup(name: string): boolean {
  return /^\d+×/.test(name);
}

/** Whether the GPU shares the machine's memory (Apple silicon): one per machine, never split in tensor parallel. */
export function isUnifiedMemory(gpu: Gpu): boolean {
  return gpu.vendor === 'Apple';
}

/**
 * PyTorch's MPS allocator refuses an allocation only past this multiple of Metal's recommendedMaxWorkingSetSize
 * (`default_high_watermark_ratio` in ATen's MPSAllocator.h, `PYTORCH_MPS_HIGH_WATERMARK_RATIO` overrides it); between
 * the two, unified memory pages out. Public out-of-memory messages print "max allowed: 18.13 GB": 1.7 × 10.67 GiB, two
 * thirds of 16 GiB.
 */
export const MPS_HIGH_WATERMARK_RATIO = 1.7;

/** Whether the card computes in bfloat16 (NVIDIA from Ampere on; AMD CDNA). Unknown (custom) cards are assumed to. */
export function supportsBf16(gpu: Gpu): boolean {
  return !['Pascal', 'Volta', 'Turing'].includes(gpu.generation);
}

/** Whether the card computes in fp8 (NVIDIA Ada Lovelace, Hopper and Blackwell; AMD CDNA 3): vLLM's fp8 W8A8 runs there. */
export function computesFp8(gpu: Gpu): boolean {
  return ['Ada Lovelace', 'Hopper', 'Blackwell', 'CDNA 3'].includes(gpu.generation);
}

/** Whether bitsandbytes' kernels run under vLLM on the card: NVIDIA's; vLLM lists none for AMD GPUs. */
export function vllmBitsandbytesRuns(gpu: Gpu): boolean {
  return gpu.vendor !== 'AMD';
}

/** The workspace file that lists GPUs of a team's own (schema: schemas/gpus.schema.json). */
export const GPUS_FILE = 'vram-lens.gpus.json';

/**
 * The GPUs a vram-lens.gpus.json lists (`{"gpus": [{"name": …, "memoryMiB": …}]}`, comments allowed). Entries
 * without a name or memory are skipped and counted in the problem; a file that is not such an object lists none.
 */
export function gpusFromFile(text: string): { gpus: Gpu[]; problem?: string } {
  // The limits of schemas/gpus.schema.json and the vramLens.customGpus setting.
  if (text.length > 1024 * 1024) {
    return { gpus: [], problem: `${GPUS_FILE} is over 1 MiB; not read` };
  }
  const errors: ParseError[] = [];
  const data: unknown = parse(text, errors, { allowTrailingComma: true, disallowComments: false });
  const list = data && typeof data === 'object' ? (data as { gpus?: unknown }).gpus : undefined;
  if (errors.length > 0 || !Array.isArray(list)) {
    return { gpus: [], problem: `${GPUS_FILE} should be an object with a "gpus" array` };
  }
  if (list.length > MAX_CUSTOM_GPUS) {
    return { gpus: [], problem: `${GPUS_FILE} lists ${list.length} GPUs, more than ${MAX_CUSTOM_GPUS}; not read` };
  }
  const gpus = list.map(customGpu).filter((g): g is Gpu => g !== undefined);
  const skipped = list.length - gpus.length;
  return skipped > 0 ? { gpus, problem: `${GPUS_FILE}: ${skipped} of ${list.length} entries skipped (each needs a name of 1 to ${MAX_GPU_NAME} characters and memoryMiB from 1 to ${MAX_GPU_MIB.toLocaleString('en-US')})` } : { gpus };
}

/** GPUs a list may hold, a name's length, and a card's memory (1 TiB: the largest today hold under 300 GB). */
export const MAX_CUSTOM_GPUS = 1000;
export const MAX_GPU_NAME = 100;
export const MAX_GPU_MIB = 1_048_576;

/** A GPU the user lists, or undefined when its entry cannot be one (no name, no memory, a memory no card has). */
export function customGpu(value: unknown): Gpu | undefined {
  if (!value || typeof value !== 'object') {
    return undefined;
  }
  const v = value as Record<string, unknown>;
  const name = typeof v.name === 'string' ? v.name.trim() : '';
  const memoryMiB = typeof v.memoryMiB === 'number' && Number.isFinite(v.memoryMiB) && v.memoryMiB >= 1 && v.memoryMiB <= MAX_GPU_MIB ? v.memoryMiB : undefined;
  if (!name || name.length > MAX_GPU_NAME || memoryMiB === undefined) {
    return undefined;
  }
  return {
    name,
    model: name.toLowerCase(),
    memoryGb: Math.round((memoryMiB * 1024 * 1024) / 1e9),
    memoryMiB,
    memorySource: 'nvml',
    vendor: typeof v.vendor === 'string' ? v.vendor : 'custom',
    generation: 'custom',
    priceUsd: typeof v.priceUsd === 'number' && Number.isFinite(v.priceUsd) && v.priceUsd >= 0 ? v.priceUsd : null,
  };
}
