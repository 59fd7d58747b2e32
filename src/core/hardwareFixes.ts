// The last-resort quick fixes, for users whose card is too small for any change to the run: more cards, another card, or both with quantized weights or adapters.
import { ALL_LINEAR_TARGETS } from './weightTensor';
import { isDiffusionRun } from './diffusion';
import { cheapestGpuFor, peakIn } from './advise';
import { formatBytes, formatInteger } from './format';
import { gpuMemoryBytes, GPUS, groupName, isGpuGroup, isUnifiedMemory, type Gpu } from './gpus';
import type { AnalysisOptions } from './options';
import { quantizationShrinks, recipeDialect, trainsWholeModel, type Fix, type FixContext, type SettingChange } from './fixContext';

/**
 * The last resorts: for inference, the fewest of the user's card that hold the run with quantized weights (where that
 * is fewer than hold it as it is), more of the same card in tensor parallel (the fewest of 2, 4 or 8 that fit); then
 * the cheapest listed card of the same vendor that holds the run as it is; where none of these does, a group of
 * another card (Cluster.elsewhere).
 */
export function gpuFixes(c: FixContext, gpus: readonly Gpu[] | undefined): Fix[] {
  const { gpu, mode, s } = c;
  const out: Fix[] = [];
  // Quantized weights over fewer of the user's cards come first (a 70B model: 4-bit on two RTX 4090s, not eight in bf16).
  const cluster = new Cluster(c);
  const split = cluster.ownAsIs();
  const ownQuantized = cluster.ownQuantized();
  if (ownQuantized && (!split || ownQuantized.count < split.count)) {
    out.push(ownQuantized.fix);
  }
  if (split) {
    out.push(split.fix);
  }
  const currentPeak = peakIn(c.a.estimate, mode);
  const sameVendor = vendorCards(gpu, gpus);
  const cheapest = switchableRun(c) ? cheapestGpuFor(currentPeak / marginOf(c), cardsForRun(c, sameVendor.length > 0 ? sameVendor : (gpus ?? GPUS))) : undefined;
  const peakThere = cheapest && cheapest.name !== gpu.name ? peakOnCard(c, cheapest, {}) : undefined;
  if (cheapest && peakThere !== undefined) {
    // A run over several GPUs (a recipe's layout) keeps its count: the card is what changes, and the peak is per GPU.
    const which = s.gpus === 1 ? `cheapest listed ${cheapest.vendor} GPU that fits` : `cheapest listed ${cheapest.vendor} GPU for this ${formatInteger(s.gpus)}-GPU run; each GPU fits`;
    out.push({
      kind: 'target-gpu',
      title: `Switch the target GPU to the ${cheapest.name} (${which}: ${formatBytes(peakThere)} of ${formatBytes(gpuMemoryBytes(cheapest))})`,
      value: cheapest.name,
      setting: { setting: 'targetGpu', value: cheapest.name },
      peakBytes: peakThere,
      capacityBytes: gpuMemoryBytes(cheapest),
      preferred: false,
    });
  }
  if (out.length === 0) {
    const elsewhere = cluster.elsewhere(sameVendor);
    if (elsewhere) {
      out.push(elsewhere);
    }
  }
  return out;
}

/** Quantized weights in the order an engineer gives up precision: 8-bit first, then 4-bit. */
const CLUSTER_QUANTIZATIONS = [
  { quantization: 'int8', words: '8-bit (bitsandbytes LLM.int8)' },
  { quantization: 'nf4', words: '4-bit (bitsandbytes NF4)' },
] as const;

type ClusterLevel = (typeof CLUSTER_QUANTIZATIONS)[number] | undefined;

/**
 * Inference in tensor parallel over several cards, with quantized weights first where the file leaves the weights'
 * type open: the fewest of the user's own card that hold it quantized (at one count, 8-bit before 4-bit), for a run no one such
 * card holds even in 4 bits; or, for a run too big for the user's card, several of it, and any one listed card as it
 * is, the cheapest group of one listed card of the same vendor (1, 2, 4 or 8 of it, priced as bought).
 */
class Cluster {
  private readonly levels: readonly ClusterLevel[];
  private readonly peaks = new Map<string, number>();
  /** Whether the run is one these fixes apply to: inference on one discrete card, its weights' type open or not. */
  private readonly applies: boolean;

  constructor(private readonly c: FixContext) {
    const { gpu, mode, s } = c;
    this.applies = mode === 'inference' && s.gpus === 1 && !isGpuGroup(gpu.name) && !isUnifiedMemory(gpu) && !isDiffusionRun(s);
    const quantizable = !s.quantization && !c.sourceOf('quantization');
    const smaller = CLUSTER_QUANTIZATIONS.filter(q => quantizationShrinks(s, q.quantization));
    this.levels = quantizable ? [...smaller, undefined] : [undefined];
  }

  /**
   * The fewest of the user's own card (2, 4 or 8) that hold the run as it is, in tensor parallel. Not for training
   * (it spreads by sharding, or by the tensor-parallel degree its file states), a group already, or unified memory.
   */
  ownAsIs(): { fix: Fix; count: number } | undefined {
    const { gpu, mode } = this.c;
    if (isGpuGroup(gpu.name) || mode === 'training' || isUnifiedMemory(gpu)) {
      return undefined;
    }
    const n = [2, 4, 8].find(count => this.peakOf(undefined, count) <= this.c.budget);
    return n === undefined ? undefined : { fix: this.fix(undefined, gpu, n, this.peakOf(undefined, n)), count: n };
  }

  /** The fewest of the user's own card (2, 4 or 8) that hold the run quantized, where one does not even in 4 bits; 8-bit before 4-bit at one count. */
  ownQuantized(): { fix: Fix; count: number } | undefined {
    const quantized = this.levels.filter((l): l is NonNullable<ClusterLevel> => l !== undefined);
    if (!this.applies || quantized.length === 0 || quantized.some(level => this.peakOf(level, 1) <= this.c.budget)) {
      return undefined;
    }
    for (const n of [2, 4, 8]) {
      const level = quantized.find(l => this.peakOf(l, n) <= this.c.budget);
      if (level) {
        return { fix: this.fix(level, this.c.gpu, n, this.peakOf(level, n)), count: n };
      }
    }
    return undefined;
  }

  /** The cheapest group of another card of the same vendor; at one price, the weights kept as they are (then 8-bit before 4-bit). */
  elsewhere(sameVendor: readonly Gpu[]): Fix | undefined {
    if (!this.applies) {
      return undefined;
    }
    const compromise = (level: ClusterLevel) => (level === undefined ? 0 : 1 + CLUSTER_QUANTIZATIONS.indexOf(level));
    const ways = [1, 2, 4, 8].flatMap(n => this.levels.map(level => ({ way: { level, n }, count: n, peak: this.peakOf(level, n), rank: compromise(level) })));
    const best = cheapestHolding(this.c, otherCards(this.c.gpu, sameVendor), ways);
    const peak = best && peakOnCard(this.c, best.card, Cluster.patch(best.way.level, best.way.n));
    return best && peak !== undefined ? this.fix(best.way.level, best.card, best.way.n, peak) : undefined;
  }

  private static patch(level: ClusterLevel, n: number): Partial<AnalysisOptions> {
    return { ...(level ? { quantization: level.quantization } : {}), gpus: n, tensorParallel: n, pipelineParallel: 1 };
  }

  /** The peak on each of n of the user's card. */
  private peakOf(level: ClusterLevel, n: number): number {
    const key = `${level?.quantization}/${n}`;
    if (!this.peaks.has(key)) {
      this.peaks.set(key, this.c.peakWith(Cluster.patch(level, n)));
    }
    return this.peaks.get(key)!;
  }

  /** The fix that runs on n of `card` with the weights at `level`, at the peak each card holds. */
  private fix(level: ClusterLevel, card: Gpu, n: number, peak: number): Fix {
    const name = groupName(card.name, n);
    const where = n === 1 ? `the ${name}` : `${name} in tensor parallel`;
    const result = `→ ${formatBytes(peak)} of ${formatBytes(gpuMemoryBytes(card))}${n === 1 ? '' : ' per GPU'}`;
    const target = { setting: 'targetGpu', value: name } as const;
    const base = { value: name, peakBytes: peak, capacityBytes: gpuMemoryBytes(card), preferred: false };
    return level
      ? { ...base, kind: 'quant-more-gpus', title: `Load the weights in ${level.words} and use ${where} (settings vramLens.quantization, vramLens.targetGpu) ${result}`, setting: { setting: 'quantization', value: level.quantization }, alsoSettings: [target] }
      : { ...base, kind: 'more-gpus', title: `Use ${where} (setting vramLens.targetGpu) ${result}`, setting: target };
  }
}

/** The share of a card a fix may fill (the safety margin: vramLens.fixMargin). */
function marginOf(c: FixContext): number {
  return c.budget / c.capacity;
}

/**
 * The peak on another card as the report will give it once the target is that card (its cuBLAS workspace is its own:
 * an H200's is larger than a 3060's), or undefined where that peak is above the card's margin.
 */
function peakOnCard(c: FixContext, card: Gpu, patch: Partial<AnalysisOptions>): number | undefined {
  const peak = c.peakWith({ ...patch, targetGpu: card.name });
  return peak <= gpuMemoryBytes(card) * marginOf(c) ? peak : undefined;
}

/** One way to run on other cards: how many of a card, the peak on each, and how many compromises it makes (0 none). */
interface Way<T> {
  readonly way: T;
  readonly count: number;
  readonly peak: number;
  readonly rank: number;
}

/**
 * The cheapest card and way that holds the run below the safety margin: the fewest dollars (a card's price × the
 * count), at one price the fewest compromises.
 */
function cheapestHolding<T>(c: FixContext, cards: readonly Gpu[], ways: readonly Way<T>[]): { card: Gpu; way: T; peak: number } | undefined {
  const margin = marginOf(c);
  const best = cards
    .flatMap(card => ways.map(w => ({ card, ...w, cost: w.count * card.priceUsd! })))
    .filter(x => x.peak <= gpuMemoryBytes(x.card) * margin)
    .sort((x, y) => x.cost - y.cost || x.rank - y.rank)[0];
  return best && { card: best.card, way: best.way, peak: best.peak };
}

/**
 * Training a model config too big for any fix on the user's card: LoRA or QLoRA (with checkpointing where needed) on
 * the cheapest listed card of the same vendor that holds it; at one price, the fewest compromises (LoRA before QLoRA,
 * without checkpointing before with). Only where the settings stand in for how to fine-tune (not a training recipe).
 */
export function adapterElsewhereFixes(c: FixContext, gpus: readonly Gpu[] | undefined): Fix[] {
  const { a, s, gpu, mode } = c;
  const open = a.intent !== 'training' && !s.lora && !s.quantization && !c.sourceOf('lora') && !c.sourceOf('quantization') && recipeDialect(a) === undefined;
  if (mode !== 'training' || s.gpus !== 1 || !open || trainsWholeModel(c) || isGpuGroup(gpu.name) || isUnifiedMemory(gpu) || isDiffusionRun(s)) {
    return [];
  }
  const lora = { rank: 16, targets: ALL_LINEAR_TARGETS, dropout: true };
  const canCheckpoint = s.checkpointing !== 'full' && !c.sourceOf('checkpointing');
  const levels = [
    { kind: 'lora-target-gpu', label: 'LoRA r=16', value: 'lora', checkpointing: false, patch: { lora, quantization: undefined } },
    { kind: 'lora-target-gpu', label: 'LoRA r=16', value: 'lora', checkpointing: true, patch: { lora, quantization: undefined, checkpointing: 'full' } },
    { kind: 'qlora-target-gpu', label: 'QLoRA (NF4) r=16', value: 'qlora', checkpointing: false, patch: { lora, quantization: 'nf4-dq' } },
    { kind: 'qlora-target-gpu', label: 'QLoRA (NF4) r=16', value: 'qlora', checkpointing: true, patch: { lora, quantization: 'nf4-dq', checkpointing: 'full' } },
  ] as const;
  const ways = levels.filter(l => canCheckpoint || !l.checkpointing).map((level, rank) => ({ way: level, count: 1, peak: c.peakWith(level.patch), rank }));
  const best = cheapestHolding(c, otherCards(gpu, vendorCards(gpu, gpus)), ways);
  if (!best) {
    return [];
  }
  const { card: g, way: level } = best;
  const peak = peakOnCard(c, g, level.patch);
  if (peak === undefined) {
    return [];
  }
  const settings: SettingChange[] = [
    { setting: 'fineTuning', value: level.value },
    ...(level.checkpointing ? [{ setting: 'gradientCheckpointing' as const, value: true }] : []),
    { setting: 'targetGpu', value: g.name },
  ];
  return [{
    kind: level.kind,
    title: `Fine-tune with ${level.label} on every linear layer${level.checkpointing ? ', with gradient checkpointing,' : ''} on the ${g.name} (settings ${settings.map(x => `vramLens.${x.setting}`).join(', ')}) → ${formatBytes(peak)} of ${formatBytes(gpuMemoryBytes(g))}`,
    value: g.name,
    setting: settings[0],
    alsoSettings: settings.slice(1),
    peakBytes: peak,
    capacityBytes: gpuMemoryBytes(g),
    preferred: false,
  }];
}

/** Whether another card can be suggested for the run: one GPU, or a run's own layout over several (not a group target such as "2× RTX 4090"). */
function switchableRun(c: FixContext): boolean {
  return c.s.gpus === 1 || (!isGpuGroup(c.gpu.name) && !isUnifiedMemory(c.gpu));
}

/** The cards a run could move to: any for one GPU, discrete ones for a run over several (an Apple machine is one GPU). */
function cardsForRun(c: FixContext, cards: readonly Gpu[]): Gpu[] {
  return c.s.gpus === 1 ? [...cards] : cards.filter(g => !isUnifiedMemory(g));
}

/** The listed cards a fix may switch to: the target's vendor (any vendor for a card of the user's own). */
function vendorCards(gpu: Gpu, gpus: readonly Gpu[] | undefined): Gpu[] {
  return (gpus ?? []).filter(g => g.vendor === gpu.vendor || gpu.vendor === 'custom');
}

/** Cards to buy instead of the target: priced, not the target itself, not an Apple machine's share of its memory. */
function otherCards(gpu: Gpu, cards: readonly Gpu[]): Gpu[] {
  return cards.filter(g => g.priceUsd !== null && g.name !== gpu.name && !isUnifiedMemory(g));
}
