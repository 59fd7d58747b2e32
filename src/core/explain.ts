// The texts users read: CodeLens titles, hovers and the Markdown reports (Estimate VRAM, Compare GPUs, What Fits).
import { INTENT_WORDS, judgedModes, type JudgedMode } from './intent';
import { layersOnGpuText, type LlamaPlan } from './llamacpp';
import { engineName, engineRelease, planGpus, unplannedAdvice, unplannedCard, unplannedReason, UNPLANNED_CARDS, type ServingPlan } from './serving';
import { servingFlagHelp } from './servingKeys';
import { configVerdict, gpuList, MAX_CONFIGS_PER_FILE, planOnCard, UNPLANNED_ENGINE, verdictFor, type ConfigAnalysis, type DocumentAnalysis, type Verdict } from './analyze';
import type { AnalysisOptions } from './options';
import type { CheckpointIndex } from './checkpoint';
import { compactShape, formatBytes, formatBytesChange, formatCount, formatInteger, formatMultiplier, formatPercent, formatUsage } from './format';
import { bySizeThenPrice, GPU_PRICE_DATE, gpuMemoryBytes, isGpuGroup, isUnifiedMemory, MPS_HIGH_WATERMARK_RATIO, type Gpu } from './gpus';
import { ASSUMED_MFU } from './throughput';
import { peakIn, type MultiGpuPlan } from './advise';
import { adviceFor, catalogFits, flagWhatIfs, gpuRows, INFERENCE_LABELS, keyWhatIf, MAX_ADVISED_CONFIGS, multiGpuRows, settingsSummary, settingWhatIfs, shapeLimits, smallestGpus, TRAINING_LABELS, type Advice, type GpuRow, type ModeAdvice, type MultiGpuRow } from './report';
import type { Estimate, ParameterBreakdown, SpecField } from './types';

/** Escapes text a user wrote so that it shows literally inside Markdown (never as links, HTML or emphasis). */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>&~]/g, ch => (ch === '<' ? '&lt;' : ch === '>' ? '&gt;' : ch === '&' ? '&amp;' : `\\${ch}`));
}

/**
 * Text from the user's file as inline code. Inside a code span Markdown takes every character literally (escaping
 * would show the backslashes), so only what would end the span or a table cell is replaced.
 */
export function codeSpan(text: string): string {
  return `\`${text.replace(/[`|\n]/g, c => (c === '`' ? "'" : c === '|' ? '¦' : ' '))}\``;
}

interface FieldInfo {
  readonly title: string;
  readonly meaning: string;
  /** The parameters this hyperparameter sizes, for its share of the model. */
  readonly parameters?: (p: ParameterBreakdown) => number;
  readonly sharedWith?: string;
}

export const FIELD_INFO: Readonly<Record<SpecField, FieldInfo>> = {
  hiddenSize: {
    title: 'Hidden size (d_model)',
    meaning: 'The width of every token vector. Every weight matrix has this as one side, so parameters grow with its square.',
    parameters: p => p.total,
  },
  numLayers: {
    title: 'Number of layers',
    meaning: 'Transformer blocks stacked in depth. Weights, gradients, KV cache and activations all grow linearly with it.',
    parameters: p => p.attention + p.mlp + p.experts + p.norms,
  },
  numHeads: {
    title: 'Attention heads',
    meaning: 'Query heads per layer. With `head_dim = hidden / heads` the attention weights keep their size; heads mainly change the eager-attention score matrices.',
    parameters: p => p.attention,
  },
  numKvHeads: {
    title: 'Key/value heads',
    meaning: 'Heads that keys and values are computed for (grouped-query attention when fewer than the query heads). The KV cache is proportional to it.',
  },
  headDim: {
    title: 'Head dimension',
    meaning: 'Width of each attention head. Attention weights and the KV cache are proportional to it.',
    parameters: p => p.attention,
  },
  vocabSize: {
    title: 'Vocabulary size',
    meaning: 'Rows of the token embedding (and of the output head when untied). Training also holds logits of batch × sequence × vocabulary, which dominate with large vocabularies.',
    parameters: p => p.embeddings + p.head,
  },
  intermediateSize: {
    title: 'FFN intermediate size',
    meaning: 'Width of the feed-forward layer in every block. The MLP weights and its activations are proportional to it.',
    parameters: p => p.mlp + p.experts,
  },
  maxPositions: {
    title: 'Context length',
    meaning: 'The longest sequence the model was built for. VRAM Lens uses it (capped at 4,096) as the default sequence length; learned position tables also hold this many rows.',
  },
  typeVocabSize: { title: 'Token types', meaning: 'Segment embeddings (BERT).' },
  numExperts: {
    title: 'Experts',
    meaning: 'Feed-forward experts per layer (mixture of experts). All experts are held in memory; only a few run per token.',
    parameters: p => p.experts,
  },
  expertIntermediateSize: {
    title: 'Expert FFN size',
    meaning: 'Width of each routed expert\'s feed-forward layer. All experts are held in memory, so their weights are proportional to it.',
    parameters: p => p.experts,
  },
  expertsPerToken: { title: 'Experts per token', meaning: 'Experts each token is routed to: sets the compute and the MLP activations per token.' },
  numDecoderLayers: { title: 'Decoder layers', meaning: 'Blocks in the decoder stack of an encoder-decoder model.' },
  relativeAttentionBuckets: { title: 'Relative position buckets', meaning: 'T5 relative-position bias buckets.' },
  tieWordEmbeddings: {
    title: 'Tied embeddings',
    meaning: 'When true the output head reuses the input embedding matrix, so it is stored once.',
  },
  dtype: {
    title: 'Checkpoint dtype',
    meaning: 'The dtype the weights are stored in. The estimate uses the precision setting (`vramLens.precision`) instead.',
  },
  modelType: { title: 'Model type', meaning: 'Picks the architecture family, and with it the block structure the count follows.' },
  slidingWindow: { title: 'Sliding window', meaning: 'Attention span of sliding-window layers: the KV cache holds at most this many tokens.' },
};

export interface Row {
  readonly label: string;
  readonly inference?: number;
  readonly training?: number;
  readonly strong?: boolean;
}

/** The component rows the report and the CLI's table show, in one order (the hover has one line per mode). */
export function breakdownRows(est: Estimate): Row[] {
  const i = est.inference.components;
  const t = est.training.components;
  return [
    { label: 'Weights', inference: i.weights, training: t.weights },
    { label: TRAINING_LABELS.gradients, training: t.gradients },
    { label: TRAINING_LABELS.optimizer, training: t.optimizer },
    { label: INFERENCE_LABELS.kvCache, inference: i.kvCache },
    { label: 'Activations', inference: i.activations, training: t.activations },
    { label: 'Allocated at peak', inference: est.inference.allocatedBytes, training: est.training.allocatedBytes },
    { label: 'Allocator reserve', inference: i.allocatorReserve, training: t.allocatorReserve },
    { label: 'CUDA context', inference: i.cudaContext, training: t.cudaContext },
    { label: 'Peak (nvidia-smi)', inference: est.inference.peakBytes, training: est.training.peakBytes, strong: true },
  ];
}

function cell(v: number | undefined, strong: boolean | undefined): string {
  if (v === undefined) {
    return '—';
  }
  return strong ? `**${formatBytes(v)}**` : formatBytes(v);
}

export function breakdownTableMarkdown(est: Estimate): string {
  return rowsTableMarkdown(breakdownRows(est));
}

/** Rows of inference and training figures as a Markdown table, the peak row in bold. */
function rowsTableMarkdown(rows: readonly Row[]): string {
  const lines = ['| | Inference | Training |', '|---|---:|---:|'];
  for (const r of rows) {
    lines.push(`| ${r.strong ? `**${r.label}**` : r.label} | ${cell(r.inference, r.strong)} | ${cell(r.training, r.strong)} |`);
  }
  return lines.join('\n');
}

function mark(ok: boolean): string {
  return ok ? '✓' : '✗';
}

/** A mode as a heading or the start of a line says it. */
export const MODE_TITLES: Readonly<Record<JudgedMode, string>> = { inference: 'Inference', training: 'Training' };

/**
 * The peaks in the modes a config is judged on, each with its mark against a card where one is given:
 * `16.5 GiB inference ✓ · 136 GiB training ✗` (the hover's last line, the GPU picker's line per card).
 */
export function judgedPeaksText(est: Estimate, modes: readonly JudgedMode[], verdict?: Pick<Verdict, JudgedMode>): string {
  return modes.map(m => `${formatBytes(peakIn(est, m))} ${m}${verdict ? ` ${mark(verdict[m])}` : ''}`).join(' · ');
}

/** What holds a mode's memory, in one line of the hover (the report has every term). */
function hoverBreakdownLine(est: Estimate, mode: JudgedMode): string {
  const parts: [string, number][] =
    mode === 'inference'
      ? [['weights', est.inference.components.weights], ['KV cache', est.inference.components.kvCache], ['activations', est.inference.components.activations], ['reserve + context', est.inference.components.allocatorReserve + est.inference.components.cudaContext]]
      : [['weights', est.training.components.weights], ['gradients + optimizer', est.training.components.gradients + est.training.components.optimizer], ['activations', est.training.components.activations], ['reserve + context', est.training.components.allocatorReserve + est.training.components.cudaContext]];
  return `- ${MODE_TITLES[mode]}: ${sharesText(parts)}`;
}

/** Where memory goes, in one line of a hover: each share that holds any, `weights 13.5 GiB · KV cache 2.00 GiB`. */
function sharesText(parts: readonly (readonly [string, number])[]): string {
  return parts.filter(([, bytes]) => bytes > 0).map(([label, bytes]) => `${label} ${formatBytes(bytes)}`).join(' · ');
}

/**
 * How every estimate hover ends, short enough for VS Code's hover to show whole: the run in one line, one line of
 * what holds the memory per judged mode, then the peaks against the target GPU, last.
 */
function hoverTail(analysis: ConfigAnalysis, est: Estimate, gpu: Gpu | undefined, run: string, mode: AnalysisOptions['mode'], diagnosed = false): string[] {
  const modes = judgedModes(analysis.intent, mode);
  // A "does not fit" diagnostic on the same key shows above, in the same box, with the run and what holds the memory.
  const out = diagnosed ? [] : [`*${run}*`, '', ...modes.map(m => hoverBreakdownLine(est, m)), ''];
  const v = gpu ? analysis.verdict : undefined;
  // The peak the file is judged on: a training recipe's is its training peak.
  out.push(`**Peak ${judgedPeaksText(est, modes, v)}**${gpu && v ? ` on the ${escapeMarkdown(gpu.name)} (${formatBytes(gpuMemoryBytes(gpu))})` : ''}`);
  return out;
}

/** The status bar's verdict for a document on its target GPU: the config that decides it, said in its own terms. */
export interface StatusVerdict {
  /** After the card's name: `inference 11.2/16.0 GiB`, or a serving command's start (`vLLM ✗ does not start`). */
  readonly text: string;
  /** `error`: the config does not do what its file is for on the card; `warning`: a second judged mode does not fit. */
  readonly level: 'ok' | 'warning' | 'error';
  /** The tooltip's Markdown: which config, what it is judged by, and its figures on the card. */
  readonly tooltip: string;
}

/**
 * The status bar's verdict: among the configs with a verdict on the target, the one that needs the most of the card
 * decides (a serving command needs what its engine takes: vLLM its budget and any CUDA graphs outside it, llama.cpp
 * its buffers). Undefined when no config has one.
 */
export function statusVerdict(doc: DocumentAnalysis): StatusVerdict | undefined {
  const gpu = doc.gpu;
  const judged = doc.configs.filter(a => a.estimate && a.verdict);
  if (!gpu || judged.length === 0) {
    return undefined;
  }
  const a = judged.reduce((worst, x) => (cardNeed(x, doc.options.mode) > cardNeed(worst, doc.options.mode) ? x : worst));
  const est = a.estimate!;
  const verdict = a.verdict!;
  const capacity = gpuMemoryBytes(gpu);
  const name = a.config.name.replace(/[\\`*_[\]<>]/g, '');
  if (a.serving || a.local) {
    const engine = a.serving ? engineName(a.serving) : localEngineName(a.local!);
    const text = a.serving
      ? `${engine} ${a.serving.starts ? `✓ ${formatConcurrency(a.serving.maxConcurrency)}× at ${formatInteger(a.serving.maxModelLen)}` : '✗ does not start'}`
      : `${engine} ${formatUsage(a.local!.deviceTotalBytes, capacity)}${a.local!.fits ? '' : ' ✗'}`;
    const detail = a.serving ? servingVerdict(a.serving) : localVerdict(a.local!);
    return { text, level: verdict.inference ? 'ok' : 'error', tooltip: `**VRAM Lens** — ${name} (serving command, judged by ${a.serving ? `whether ${engine} starts` : `how ${engine} loads it`} on ${planGpusOf(a)})\n\n${escapeMarkdown(firstSentence(detail))}\n\n` };
  }
  const modes = judgedModes(a.intent, doc.options.mode);
  const [primary, second] = modes;
  const text = `${primary} ${formatUsage(peakIn(est, primary), capacity)}${second && !verdict[second] ? ` · ${second} ${formatBytes(peakIn(est, second))} ✗` : ''}`;
  const level = !verdict[primary] ? 'error' : modes.some(m => !verdict[m]) ? 'warning' : 'ok';
  const tooltip = `**VRAM Lens** — ${name} (${INTENT_WORDS[a.intent]}, judged for ${modes.join(' and ')})\n\n${judgedPeaksText(est, ['inference', 'training'], verdict)} on the ${gpu.name} (${formatBytes(capacity)}).\n\n`;
  return { text, level, tooltip };
}

/**
 * One card's line for a config in the GPU picker: a serving command's start (or load) there as its engine runs it,
 * any other config's peaks in the modes it is judged in, each with its mark.
 */
export function gpuFitDetail(a: ConfigAnalysis, gpu: Gpu, mode: AnalysisOptions['mode']): string | undefined {
  const plan = planOnCard(a, gpu);
  if (plan?.kind === 'unplanned') {
    return `${engineName(a.servingOptions!)}: not planned on ${plan.card}`;
  }
  if (plan?.kind === 'server') {
    return `${engineName(plan.plan)} ${plan.plan.starts ? `✓ starts · ${formatConcurrency(plan.plan.maxConcurrency)}× at ${formatInteger(plan.plan.maxModelLen)}` : '✗ does not start'}`;
  }
  if (plan?.kind === 'local') {
    return `${localEngineName(plan.plan)} ${formatBytes(plan.plan.deviceTotalBytes)} on the GPU ${mark(plan.plan.fits)}`;
  }
  const v = configVerdict(a, gpu);
  return a.estimate && v ? judgedPeaksText(a.estimate, judgedModes(a.intent, mode), v) : undefined;
}

/** How much of the card a config takes in the modes it is judged in, or as its serving engine lays memory out. */
function cardNeed(a: ConfigAnalysis, mode: AnalysisOptions['mode']): number {
  if (a.serving) {
    return a.serving.budgetBytes + (a.serving.cudaGraphsInBudget ? 0 : a.serving.cudaGraphBytes);
  }
  if (a.local) {
    return a.local.deviceTotalBytes;
  }
  return Math.max(...judgedModes(a.intent, mode).map(m => peakIn(a.estimate!, m)));
}

/** The cards a serving or local plan runs on, as its titles say them. */
function planGpusOf(a: ConfigAnalysis): string {
  return a.serving ? planGpus(a.serving) : a.local!.gpu;
}

/** One line for the CodeLens: the two estimates and the verdict for the target GPU. */
export function lensTitle(a: ConfigAnalysis, options: AnalysisOptions, gpu: Gpu | undefined): string {
  const est = a.estimate;
  if (!est) {
    const card = a.servingOptions && gpu && a.problems.some(p => p.code === UNPLANNED_ENGINE) ? unplannedCard(gpu) : undefined;
    if (a.servingOptions && gpu && card) {
      return `${engineName(a.servingOptions)}: not planned on the ${gpu.name} (${card}) — ${unplannedAdvice(a.servingOptions, card).short}`;
    }
    const first = a.problems[0]?.message.replace(/`/g, '') ?? 'not enough information';
    return `VRAM Lens: no estimate — ${first}`;
  }
  if (a.serving) {
    return servingLensTitle(a.serving);
  }
  if (a.local) {
    return localLensTitle(a.local);
  }
  const modes = judgedModes(a.intent, options.mode);
  const showInference = modes.includes('inference');
  const showTraining = modes.includes('training');
  const parts: string[] = [];
  if (showInference) {
    parts.push(`${formatBytes(est.inference.peakBytes)} inference`);
  }
  if (showTraining) {
    parts.push(`${formatBytes(est.training.peakBytes)} training`);
  }
  // A family VRAM Lens does not know is estimated with an assumed block: the lens says so, not only the report.
  const approximate = a.spec?.approximate ?? (a.spec?.generic ? a.spec.family.replace(/^Generic /, 'a generic ') : undefined);
  // The batch and sequence the figures are for, so that an assumed default is never hidden.
  const shape = compactShape(est.settings);
  let title = `VRAM ≈ ${parts.join(' · ')} (${shape}${approximate ? `; approximate: ${approximate}` : ''})`;
  if (!gpu) {
    return `${title} — unknown target GPU "${options.targetGpu}"`;
  }
  const { inference: inferenceFits, training: trainingFits } = verdictFor(est, gpu);
  if (showInference && showTraining) {
    if (inferenceFits && trainingFits) {
      title += ` — ✓ fits ${gpu.name}`;
    } else if (inferenceFits) {
      title += ` — ✓ fits ${gpu.name} (inference) · ✗ training`;
    } else {
      title += ` — ✗ does not fit ${gpu.name}`;
    }
  } else {
    const fits = showInference ? inferenceFits : trainingFits;
    title += fits ? ` — ✓ fits ${gpu.name}` : ` — ✗ does not fit ${gpu.name}`;
  }
  return title;
}

export interface HoverInput {
  readonly analysis: ConfigAnalysis;
  readonly field: SpecField;
  readonly key: string;
  readonly value: unknown;
  readonly options: AnalysisOptions;
  readonly gpu: Gpu | undefined;
  /** A VRAM Lens diagnostic sits on the key: its message, shown above in the same box, gives the run and the breakdown. */
  readonly diagnosed?: boolean;
}

/** Markdown for the hover on a recognised key. Everything the user wrote is escaped. */
export function hoverMarkdown(input: HoverInput): string {
  const { analysis, field, key, value, options, gpu } = input;
  const info = FIELD_INFO[field];
  const out: string[] = [];
  out.push(`**${escapeMarkdown(key)}** = ${codeSpan(String(JSON.stringify(value) ?? ''))} — ${info.title}. ${info.meaning}`);
  const est = analysis.estimate;
  if (!est) {
    out.push('');
    for (const p of analysis.problems) {
      out.push(`- ${p.severity}: ${p.message}`);
    }
    return out.join('\n');
  }
  out.push('');
  const share = info.parameters?.(est.parameters);
  const total = est.parameters.total;
  if (share !== undefined && share > 0) {
    out.push(
      `- Sizes **${formatCount(share)}** of the ${formatCount(total)} parameters (${formatPercent(share / total)}), ` +
        `${formatBytes((share / total) * est.inference.components.weights)} of inference weights.`,
    );
  }
  if (field === 'numKvHeads' || field === 'headDim' || field === 'numLayers') {
    out.push(`- KV cache: ${formatBytes(est.inference.components.kvCache)} at ${formatInteger(est.settings.sequenceLength)} tokens × batch ${est.settings.batchSize}.`);
  }
  const doubled = keyWhatIf(analysis, field, options);
  if (doubled) {
    out.push(
      `- Doubling it: inference ${formatMultiplier(doubled.inferenceRatio)} (${formatBytes(doubled.inferencePeakBytes)}), ` +
        `training ${formatMultiplier(doubled.trainingRatio)} (${formatBytes(doubled.trainingPeakBytes)}).`,
    );
  }
  out.push('');
  out.push(...hoverTail(analysis, est, gpu, `${escapeMarkdown(analysis.spec?.family ?? '')}; ${settingsSummary(est)}.`, options.mode, input.diagnosed));
  return out.join('\n');
}

/** The configs a report is about: all of the document's, or its config number `only`. */
function reportedConfigs(doc: Pick<DocumentAnalysis, 'configs'>, only: number | undefined): readonly ConfigAnalysis[] {
  return only === undefined ? doc.configs : doc.configs.slice(only, only + 1);
}

/** What the report says the config is judged on, and why: its file's purpose, or the mode the user chose. */
function judgedLine(a: ConfigAnalysis, mode: AnalysisOptions['mode']): string {
  const modes = judgedModes(a.intent, mode).join(' and ');
  return mode === 'both'
    ? `A ${INTENT_WORDS[a.intent]}: its diagnostics and fixes are for ${modes} (the \`vramLens.mode\` setting can name one mode for every file).`
    : `Judged for ${modes}, as the \`vramLens.mode\` setting says (the file reads as a ${INTENT_WORDS[a.intent]}).`;
}

/** A report as the panel lays it out: its head, a section per config (its chart goes under its heading), then closing notes. */
export interface ReportParts {
  readonly head: readonly string[];
  readonly sections: readonly ReportSection[];
  readonly tail: readonly string[];
}

export interface ReportSection {
  readonly analysis: ConfigAnalysis;
  /** The config's name, as its heading and its chart say it. */
  readonly title: string;
  readonly lines: readonly string[];
  /** Whether a memory chart belongs under the heading (an estimate as transformers runs it, not a serving engine's plan). */
  readonly chart: boolean;
}

/** What PyTorch sees of a card, where a log records it: `PyTorch sees 23.52 GiB`. */
function pytorchSees(gpu: Gpu): string | undefined {
  return gpu.cudaTotalGiB === undefined ? undefined : `PyTorch sees ${gpu.cudaTotalGiB.toFixed(2)} GiB`;
}

/** A card's size for a list of cards: its total, and what PyTorch sees of it where a log records that. */
export function gpuSizeLabel(gpu: Gpu): string {
  const torch = pytorchSees(gpu);
  return `${formatBytes(gpuMemoryBytes(gpu))}${torch ? ` (${torch})` : ''}`;
}

/** Where a card's capacity comes from: the driver's total (and what PyTorch sees of it), the nominal size, or Metal's share. */
function capacityText(gpu: Gpu): string {
  const size = formatBytes(gpuMemoryBytes(gpu));
  if (isUnifiedMemory(gpu)) {
    const refusal = formatBytes(gpuMemoryBytes(gpu) * MPS_HIGH_WATERMARK_RATIO);
    return `${size}, the share of its ${gpu.memoryGb} GB of unified memory Metal lets the GPU use (PyTorch's MPS allocator refuses only past ${refusal}, ${MPS_HIGH_WATERMARK_RATIO}× that; in between, macOS may swap)`;
  }
  const torch = pytorchSees(gpu);
  if (gpu.memorySource === 'nominal') {
    return `${size}, its nominal capacity${torch ? `; ${torch} of it` : ' (no driver reading recorded)'}`;
  }
  const tool = gpu.memorySource === 'rocm-smi' ? 'rocm-smi' : 'nvidia-smi';
  return `${size}, the ${formatInteger(gpu.memoryMiB)} MiB ${tool} reports (sold as ${gpu.memoryGb} GB)${torch ? `; ${torch} of it` : ''}`;
}

/**
 * The full report for a document, in parts: what "Estimate VRAM" shows. `only` limits it to one config (the one
 * whose CodeLens was clicked, or the one at the cursor); advice, a search over many estimates, is given for the
 * first MAX_ADVISED_CONFIGS configs shown.
 */
export function reportParts(fileName: string, doc: DocumentAnalysis, only?: number): ReportParts {
  const gpu = doc.gpu;
  const head: string[] = [`# VRAM estimate — ${escapeMarkdown(fileName)}`, ''];
  head.push(
    gpu
      ? `Target GPU: **${escapeMarkdown(gpu.name)}** — ${capacityText(gpu)}.`
      : `Target GPU: "${escapeMarkdown(doc.options.targetGpu)}" is not a GPU VRAM Lens knows.`,
    '',
  );
  if (doc.configs.length === 0) {
    head.push('No model config found in this file. VRAM Lens looks for an object with a hidden size (`hidden_size`, `d_model`, `n_embd`…), a layer count and heads or a vocabulary size.');
  }
  const shown = reportedConfigs(doc, only);
  const numbered = shown.length > 1;
  if (numbered) {
    head.push(...configsTableMarkdown(shown, doc.options.mode), '');
  }
  const sections = shown.map((a, index) => ({
    analysis: a,
    title: a.config.name,
    lines: configSectionLines(a, index, doc, numbered),
    chart: a.estimate !== undefined && a.spec !== undefined && !a.serving && !a.local,
  }));
  const tail: string[] = [];
  if (shown.length > MAX_ADVISED_CONFIGS) {
    tail.push(`*Advice (largest batch, GPUs needed, what each change does) is given for the first ${MAX_ADVISED_CONFIGS} configs; click a config's CodeLens for its own report.*`, '');
  }
  if (only === undefined && doc.omitted) {
    tail.push(`*${omittedConfigsMessage(doc.omitted)}*`, '');
  }
  return { head, sections, tail };
}

/** The full report for a document as Markdown (what "Copy as Markdown" gives). */
export function reportMarkdown(fileName: string, doc: DocumentAnalysis, only?: number): string {
  const parts = reportParts(fileName, doc, only);
  return [...parts.head, ...parts.sections.flatMap(s => s.lines), ...parts.tail].join('\n');
}

/** A file of several configs opens with one row per config: what it is for and its peak in each mode it is judged in. */
function configsTableMarkdown(configs: readonly ConfigAnalysis[], mode: AnalysisOptions['mode']): string[] {
  const rows = ['| # | Config | Parameters | For | Inference | Training |', '|---:|---|---:|---|---:|---:|'];
  configs.forEach((a, i) => {
    const judged = judgedModes(a.intent, mode);
    const cell = (m: 'inference' | 'training') => {
      if (a.serving) {
        return m === 'inference' ? `${engineName(a.serving)} ${a.serving.starts ? 'starts ✓' : 'does not start ✗'}` : '—';
      }
      if (a.local) {
        return m === 'inference' ? `${a.local.engine === 'ollama' ? 'Ollama' : 'llama.cpp'} ${a.local.fits ? 'loads ✓' : 'does not load ✗'}` : '—';
      }
      if (!a.estimate || !judged.includes(m)) {
        return '—';
      }
      return `${formatBytes(peakIn(a.estimate, m))}${a.verdict ? ` ${mark(a.verdict[m])}` : ''}`;
    };
    const params = a.estimate ? formatCount(a.estimate.parameters.total) : '—';
    rows.push(`| ${i + 1} | ${escapeMarkdown(a.config.name)} | ${params} | ${INTENT_WORDS[a.intent]} | ${cell('inference')} | ${cell('training')} |`);
  });
  return rows;
}

/** One config's section: its parameters, its memory, its verdict and the advice for the target, its assumptions. */
function configSectionLines(a: ConfigAnalysis, index: number, doc: DocumentAnalysis, numbered: boolean): string[] {
  const out = [`## ${numbered ? `${index + 1}. ` : ''}${escapeMarkdown(a.config.name)}`, '', ...a.problems.map(p => `- **${p.severity}**: ${p.message}`)];
  const est = a.estimate;
  if (!est || !a.spec) {
    return [...out, '', 'No estimate for this config.', ''];
  }
  out.push(...parameterLines(est.parameters, a.spec.family));
  // A serving command is reported as its engine lays memory out, not as a transformers run.
  if (a.serving || a.local) {
    const assumptions = [...(a.serving?.assumptions ?? a.local!.assumptions), ...est.assumptions.filter(x => /^(Architecture|From the file)/.test(x))];
    const everyGpu = ['### Every listed GPU', '', servingTableLead(a), '', ...servingGpuTableMarkdown(a, sortedGpus(gpuList(doc.options))), '', `Prices: ${GPU_PRICE_DATE}.`, ''];
    return [...out, ...servingReportLines(a), ...everyGpu, '### Assumptions', '', ...assumptions.map(x => `- ${x}`), ''];
  }
  const gpu = doc.gpu;
  out.push(judgedLine(a, doc.options.mode), '', `Memory for ${settingsSummary(est)}:`, '', breakdownTableMarkdown(est), '');
  // The verdicts are for the modes the file is judged on (the breakdown above has both).
  const modes = judgedModes(a.intent, doc.options.mode);
  if (gpu && a.verdict) {
    const v = a.verdict;
    const headrooms = { inference: v.inferenceHeadroomBytes, training: v.trainingHeadroomBytes };
    out.push(`On the ${escapeMarkdown(gpu.name)}: ${modes.map(m => `${m} ${mark(v[m])} (${headroom(headrooms[m])})`).join(', ')}.`);
  }
  const advice = gpu && index < MAX_ADVISED_CONFIGS ? adviceFor(a, doc.options, gpu) : undefined;
  // The advice has it for a one-card target (a split model's per-card peak does not compare with one card).
  const smallest = smallestGpus(est, advice);
  if (!gpu || !isGpuGroup(gpu.name)) {
    const none = { inference: 'none', training: 'none on one GPU' };
    out.push(`Smallest listed GPU that fits: ${modes.map(m => `${m} **${smallest[m] ? escapeMarkdown(smallest[m]!) : none[m]}**`).join(', ')}.`);
  }
  out.push('');
  if (advice && gpu) {
    out.push(...adviceLines(advice, est, gpu), '');
  }
  out.push('### Every listed GPU', '', ...gpuTableMarkdown(gpuRows(a, sortedGpus(gpuList(doc.options))), modes), '', `Prices: ${GPU_PRICE_DATE}.`, '');
  out.push('### Assumptions', '', ...est.assumptions.map(x => `- ${x}`), '');
  return out;
}

/** The architecture, the parameter count and its split by part. */
function parameterLines(p: ParameterBreakdown, family: string): string[] {
  const out = [
    `Architecture: **${escapeMarkdown(family)}**. Parameters: **${formatInteger(p.total)}** (${formatCount(p.total)})` +
      // Mixture-of-experts models name their active share; a vision encoder is idle for text tokens, which is not that.
      (p.activePerToken !== p.total - p.vision ? `, ${formatCount(p.activePerToken)} active per token.` : '.'),
    '',
    '| Parameters | Count | Share |',
    '|---|---:|---:|',
  ];
  const parts: [string, number][] = [
    ['Embeddings', p.embeddings], ['Attention', p.attention], ['MLP', p.mlp], ['Experts (incl. routers)', p.experts],
    ['Norms', p.norms], ['Output head', p.head], ['Other (pooler)', p.other], ['Vision encoder and projector', p.vision],
  ];
  out.push(...parts.filter(([, n]) => n > 0).map(([label, n]) => `| ${label} | ${formatInteger(n)} | ${formatPercent(n / p.total)} |`), '');
  return out;
}

/** The advice for the target GPU: what fits on it, speed and cost where the model runs there, what each change does. */
function adviceLines(advice: Advice, est: Estimate, gpu: Gpu): string[] {
  const out = [`### On the ${escapeMarkdown(gpu.name)}`, '', '| | Inference | Training |', '|---|---:|---:|'];
  const row = (label: string, f: (m: ModeAdvice) => string) => out.push(`| ${label} | ${f(advice.inference)} | ${f(advice.training)} |`);
  row('Largest micro-batch that fits', m => (m.largestBatch ? formatInteger(m.largestBatch) : 'none'));
  if (advice.inference.largestImage !== null) {
    row('Largest image that fits', m => (m.largestImage ? `${formatInteger(m.largestImage)} × ${formatInteger(m.largestImage)}` : 'none'));
  } else {
    row('Longest sequence that fits (up to the context)', m => (m.longestSequence ? formatInteger(m.longestSequence) : 'none'));
  }
  row(`${escapeMarkdown(gpu.name)}s needed`, m => (m.gpusNeeded.count === null ? escapeMarkdown(m.gpusNeeded.how) : `${m.gpusNeeded.count} (${m.gpusNeeded.how})`));
  row('Cheapest listed GPU that fits', m => escapeMarkdown(m.cheapestGpu ?? 'none'));
  row('Deepest model of this width that fits', m => (m.largestShape ? `${m.largestShape.layers} layers` : '—'));
  row('Widest model of this depth that fits', m => (m.largestShape ? `hidden size ${formatInteger(m.largestShape.hiddenSize)}` : '—'));
  out.push(...speedAndCostLines(advice, est, gpu));
  out.push('', '### What doubling each value does', '', '| Doubled | Inference | Training |', '|---|---:|---:|');
  for (const sens of advice.sensitivity) {
    out.push(`| ${codeSpan(sens.key)} (${formatInteger(sens.value)} → ${formatInteger(sens.value * 2)}) | ${formatMultiplier(sens.inference)} | ${formatMultiplier(sens.training)} |`);
  }
  out.push('', '### What each optimisation would do', '', '| | Inference peak | Training peak |', '|---|---:|---:|');
  out.push(...advice.savings.map(sv => `| ${sv.label} | ${formatBytes(sv.inferencePeakBytes)} | ${formatBytes(sv.trainingPeakBytes)} |`));
  out.push(...switchLines(advice, est));
  return out;
}

/** What each memory switch the file states does: the training peak the other way, and the difference from the run. */
function switchLines(advice: Advice, est: Estimate): string[] {
  if (advice.switches.length === 0) {
    return [];
  }
  const base = est.training.peakBytes;
  return [
    '',
    "### What the file's switches do",
    '',
    '| Key | The other way | Training peak | Change |',
    '|---|---|---:|---:|',
    ...advice.switches.map(sw => `| ${codeSpan(sw.key)} | ${sw.label} | ${formatBytes(sw.trainingPeakBytes)} | ${formatBytesChange(sw.trainingPeakBytes - base)} |`),
  ];
}

/** First-order speed (where inference fits the card) and buying against renting (where the card does the file's job). */
function speedAndCostLines(advice: Advice, est: Estimate, gpu: Gpu): string[] {
  const t = advice.throughput;
  const cost = advice.cost;
  if (!t && !cost) {
    return [];
  }
  const out = ['', `### ${t && cost ? 'Speed and cost' : t ? 'Speed' : 'Cost'} on the ${escapeMarkdown(gpu.name)} (first order)`, ''];
  if (t) {
    out.push(
      `- Decoding: about **${formatInteger(t.decodeTokensPerSecond)} tokens/s** at batch ${est.settings.batchSize} (memory-bandwidth bound: every active weight and the KV cache are read once per token, ${formatInteger(gpu.bandwidthGBs ?? 0)} GB/s).`,
      `- Prefill: about **${formatInteger(t.prefillTokensPerSecond)} tokens/s** (compute bound: 2 FLOPs per active parameter per token at ${ASSUMED_MFU * 100} % of ${formatInteger(gpu.bf16Tflops ?? 0)} TFLOPS).`,
      `- For ${t.promptTokens}-token prompts and ${t.answerTokens}-token answers, one batch after another: about **${formatInteger(t.requestsPerDay)} requests a day**.`,
    );
  }
  if (cost) {
    out.push(`- Buying (about $${formatInteger(cost.priceUsd)}) costs as much as **${formatInteger(cost.breakEvenHours)} hours** of renting one at about $${cost.cloudUsdPerHour.toFixed(2)}/hour (${GPU_PRICE_DATE} prices; power, hosting and resale not counted).`);
  }
  return out;
}

function headroom(bytes: number): string {
  return bytes >= 0 ? `${formatBytes(bytes)} to spare` : `${formatBytes(-bytes)} over`;
}

/** Markdown for the hover on the key that names a catalog model (checkpoint_dir, base_model, init_from…). */
export function catalogHoverMarkdown(analysis: ConfigAnalysis, gpu: Gpu | undefined, mode: AnalysisOptions['mode'] = 'both'): string {
  const ref = analysis.config.catalog!;
  const out = [
    ref.external
      ? `**${escapeMarkdown(ref.key)}** names **${escapeMarkdown(ref.model.id)}**: its architecture is read from ${escapeMarkdown(ref.model.source)}.`
      : `**${escapeMarkdown(ref.key)}** names **${escapeMarkdown(ref.model.id)}**: its architecture comes from VRAM Lens' built-in catalog (${escapeMarkdown(ref.model.source)}).`,
    '',
  ];
  if (ref.match) {
    out.push(`Matched by ${escapeMarkdown(ref.match.why)}.`, '');
  }
  const est = analysis.estimate;
  if (!est) {
    return out.concat(analysis.problems.map(p => `- ${p.severity}: ${p.message}`)).join('\n');
  }
  out.push(`${escapeMarkdown(analysis.spec?.family ?? '')}, **${formatInteger(est.parameters.total)}** parameters` +
    (est.trainableParameters !== est.parameters.total ? `, ${formatInteger(est.trainableParameters)} trainable.` : '.'), '');
  // The model a serving command starts is shown as the engine holds it.
  if (analysis.serving || analysis.local) {
    return out.concat(servingReportLines(analysis)).join('\n');
  }
  out.push(...hoverTail(analysis, est, gpu, `${settingsSummary(est)}.`, mode));
  return out.join('\n');
}

/** A run setting a file states (train.micro_batch_size, precision, lora_r…), for the hover on its key. */
export interface StatedSetting {
  readonly setting: string;
  readonly option: keyof AnalysisOptions;
  readonly key: string;
}

/** The hover on a run setting the file states: what it sets, the estimate one step either way, then the breakdown and peak. */
export function settingHoverMarkdown(analysis: ConfigAnalysis, stated: StatedSetting, options: AnalysisOptions, gpu: Gpu | undefined): string {
  const est = analysis.estimate;
  const out = [`**${escapeMarkdown(stated.key)}** sets the ${escapeMarkdown(stated.setting)} of the VRAM estimate for ${escapeMarkdown(analysis.config.name)} (it overrides the VRAM Lens settings).`, ''];
  if (!est) {
    return out.join('\n');
  }
  const modes = judgedModes(analysis.intent, options.mode);
  const whatIfs = settingWhatIfs(analysis, stated.option, options);
  for (const w of whatIfs) {
    const peaks = modes.map(m => {
      const peak = m === 'inference' ? w.inferencePeakBytes : w.trainingPeakBytes;
      const fits = gpu ? ` ${mark(peak <= gpuMemoryBytes(gpu))}` : '';
      return `${m} ${formatBytes(peak)}${fits} (${formatBytesChange(peak - peakIn(est, m))})`;
    });
    out.push(`- With ${w.label}: ${peaks.join(', ')}`);
  }
  if (whatIfs.length > 0) {
    out.push('');
  }
  out.push(...hoverTail(analysis, est, gpu, `${settingsSummary(est)}.`, options.mode));
  return out.join('\n');
}

/** One row per GPU: memory, purchase and cloud prices, and whether (with what headroom) the estimate fits, in the modes the config is judged on. */
function gpuTableMarkdown(rows: readonly GpuRow[], modes: readonly JudgedMode[]): string[] {
  const heads = modes.map(m => MODE_TITLES[m]);
  const out = [`| GPU | Memory | Price | Cloud $/h | ${heads.join(' | ')} |`, `|---|---:|---:|---:|${modes.map(() => '---|').join('')}`];
  for (const row of rows) {
    const cells = modes.map(m => `${mark(row[m].fits)} ${headroom(row[m].headroomBytes)}`);
    out.push(`| ${gpuCells(row.gpu)} | ${cells.join(' | ')} |`);
  }
  return out;
}

/** A card's first cells in the GPU tables: its name, memory, purchase price and cloud price per hour. */
function gpuCells(g: Gpu): string {
  const price = g.priceUsd === null ? '—' : `$${formatInteger(g.priceUsd)}`;
  const cloud = g.cloudUsdPerHour ? `$${g.cloudUsdPerHour.toFixed(2)}` : '—';
  return `${escapeMarkdown(g.name)} | ${formatBytes(gpuMemoryBytes(g))} | ${price} | ${cloud}`;
}

/**
 * Every listed card under a serving command's engine, as the command states it (its split, its context): whether vLLM
 * or SGLang starts and what its KV pool holds, or how llama.cpp or Ollama loads. Cards the engine is not planned on
 * (vLLM and SGLang on Apple silicon) are named under the table.
 */
function servingGpuTableMarkdown(a: ConfigAnalysis, gpus: readonly Gpu[]): string[] {
  const plans = gpus.map(g => ({ g, plan: planOnCard(a, g) }));
  if (a.localOptions) {
    const out = ['| GPU | Memory | Price | Cloud $/h | Loads | On the GPU | In host memory |', '|---|---:|---:|---:|---|---:|---:|'];
    for (const { g, plan } of plans) {
      const p = plan?.kind === 'local' ? plan.plan : undefined;
      if (p) {
        out.push(`| ${gpuCells(g)} | ${p.fits ? (p.note ? '✓ as its fitting places it' : '✓') : '✗'} | ${formatBytes(p.deviceTotalBytes)} | ${formatBytes(p.hostTotalBytes)} |`);
      }
    }
    return out;
  }
  const options = a.servingOptions;
  if (!a.spec || !options) {
    return [];
  }
  const length = formatInteger(options.maxModelLen ?? a.spec.maxPositions ?? 2048);
  const out = [`| GPU | Memory | Price | Cloud $/h | Starts | KV pool per GPU | Requests of ${length} at once | Longest max_model_len that starts |`, '|---|---:|---:|---:|---|---:|---:|---:|'];
  for (const { g, plan } of plans) {
    if (plan?.kind === 'server') {
      const p = plan.plan;
      out.push(`| ${gpuCells(g)} | ${mark(p.starts)} | ${formatInteger(p.kvTokens)} tokens | ${p.starts ? formatConcurrency(p.maxConcurrency) : '—'} | ${p.longestStartingLen > 0 ? formatInteger(p.longestStartingLen) : 'none'} |`);
    }
  }
  for (const card of UNPLANNED_CARDS) {
    const unplanned = plans.filter(({ plan }) => plan?.kind === 'unplanned' && plan.card === card).map(({ g }) => escapeMarkdown(g.name));
    if (unplanned.length > 0) {
      out.push('', `Not planned on ${card} (${unplanned.join(', ')}): ${unplannedReason(options, card)}.`);
    }
  }
  return out;
}

/** What a serving command's GPU table is for, in one line: the engine, its release and the settings it runs with. */
function servingTableLead(a: ConfigAnalysis): string {
  if (a.localOptions) {
    return `${localEngineName(a.localOptions)} as the command loads it, on each card:`;
  }
  const o = a.servingOptions!;
  const split = o.tensorParallel * Math.max(1, o.pipelineParallel);
  return `${engineName(o)} ${escapeMarkdown(engineRelease(o))} as the command states it${split > 1 ? `, the model split over ${split} of each card (per GPU)` : ''}:`;
}

/** A GPU count as the multi-GPU table gives it: `one`, `4× (tensor parallel)`, or that no number is enough. */
function countCell(plan: MultiGpuPlan | null, how: string): string {
  return plan === null || plan.count === 1 ? 'one' : plan.count === null ? 'none is enough' : `${plan.count}× (${how})`;
}

/** Configs of a file that get the multi-GPU table in "Compare GPUs" (each row searches over GPU counts). */
const MULTI_GPU_CONFIGS = 3;

/** How many of each card a config needs when one is not enough: tensor parallel for inference, ZeRO-3 for training. */
function multiGpuTableMarkdown(rows: readonly MultiGpuRow[], serving = false): string[] {
  if (serving) {
    const out = rows.map(r => `| ${escapeMarkdown(r.gpu)} | ${countCell(r.inference, 'tensor parallel')} |`);
    return out.length > 0 ? ['Where the command does not start, the fewest of the card it starts on:', '', '| GPUs of a kind | Starts on |', '|---|---|', ...out] : [];
  }
  const out = rows.map(r => `| ${escapeMarkdown(r.gpu)} | ${countCell(r.inference, 'tensor parallel')} | ${countCell(r.training, 'ZeRO-3 / FSDP')} |`);
  return out.length > 0 ? ['Where one card is not enough, the fewest of it that fit:', '', '| GPUs of a kind | Inference | Training |', '|---|---|---|', ...out] : [];
}

function sortedGpus(gpus: readonly Gpu[]): Gpu[] {
  return [...gpus].sort(bySizeThenPrice);
}

/** "Compare GPUs": every listed GPU against each config of the document. */
export function compareGpusMarkdown(fileName: string, doc: DocumentAnalysis, gpus: readonly Gpu[]): string {
  const out = [`# GPUs compared — ${escapeMarkdown(fileName)}`, ''];
  const sorted = sortedGpus(gpus);
  doc.configs.forEach((a, i) => {
    const est = a.estimate;
    out.push(`## ${escapeMarkdown(a.config.name)}`, '');
    // A serving command is compared as its engine runs it on each card; the target may be one it is not planned on.
    if (a.servingOptions || a.localOptions) {
      out.push(servingTableLead(a), '', ...servingGpuTableMarkdown(a, sorted), '');
      if (a.servingOptions && i < MULTI_GPU_CONFIGS) {
        out.push(...multiGpuTableMarkdown(multiGpuRows(a, doc.options, sorted), true), '');
      }
      return;
    }
    if (!est) {
      out.push('No estimate for this config.', '');
      return;
    }
    const modes = judgedModes(a.intent, doc.options.mode);
    out.push(`${modes.map(m => `${MODE_TITLES[m]} ${formatBytes(peakIn(est, m))}`).join(', ')} (${settingsSummary(est)}).`, '');
    out.push(...gpuTableMarkdown(gpuRows(a, sorted), modes), '');
    if (i < MULTI_GPU_CONFIGS) {
      out.push(...multiGpuTableMarkdown(multiGpuRows(a, doc.options, sorted)), '');
    }
  });
  if (doc.configs.length === 0) {
    out.push('No model config in this file.');
  }
  out.push('', `Prices: typical purchase and on-demand cloud prices, ${GPU_PRICE_DATE}; they vary by seller, provider and region.`);
  return out.join('\n');
}

/** A serving command on one card, in a sentence: its engine's start (or load) there and the longest context that does. */
function servingFitLine(a: ConfigAnalysis, gpu: Gpu): string | undefined {
  const plan = planOnCard(a, gpu);
  if (plan?.kind === 'local') {
    const p = plan.plan;
    return `${localEngineName(p)} ${p.fits ? `loads it (${formatBytes(p.deviceTotalBytes)} on the GPU, ${formatInteger(p.contextSize)} context)` : 'does not load it as the command states it'}.`;
  }
  if (plan?.kind === 'unplanned') {
    return `not planned on ${plan.card}: ${unplannedReason(a.servingOptions!, plan.card)}.`;
  }
  if (plan?.kind !== 'server') {
    return undefined;
  }
  const p = plan.plan;
  if (p.starts) {
    return `${engineName(p)} starts, ${formatConcurrency(p.maxConcurrency)} requests of ${formatInteger(p.maxModelLen)} tokens at once.`;
  }
  return `${engineName(p)} does not start; ${p.longestStartingLen > 0 ? `the longest max_model_len that starts is ${formatInteger(p.longestStartingLen)}` : 'no max_model_len starts with these settings'}.`;
}

/** "What Fits on My GPU?": the largest model of the current shape, and which catalog models fit each way. */
export function whatFitsMarkdown(fileName: string | undefined, doc: DocumentAnalysis | undefined, gpu: Gpu, options: AnalysisOptions): string {
  const cap = gpuMemoryBytes(gpu);
  const out = [`# What fits on the ${escapeMarkdown(gpu.name)} (${formatBytes(cap)})`, ''];
  for (const a of doc && fileName ? doc.configs : []) {
    // A serving command fits as its engine runs it: whether it starts there, and the longest context that does.
    if (a.servingOptions || a.localOptions) {
      const line = servingFitLine(a, gpu);
      out.push(...(line ? [`**${escapeMarkdown(a.config.name)}** (${escapeMarkdown(fileName!)}): ${line}`, ''] : []));
      continue;
    }
    const limits = shapeLimits(a, doc!.options, gpu);
    if (limits) {
      const { inference: inf, training: tr } = limits;
      out.push(`**${escapeMarkdown(a.config.name)}** (${escapeMarkdown(fileName!)}): at its width, up to **${inf.layers}** layers for inference and **${tr.layers}** for training; at its depth, a hidden size up to **${formatInteger(inf.hiddenSize)}** for inference and **${formatInteger(tr.hiddenSize)}** for training.`, '');
    }
  }
  out.push('Catalog models: inference in bf16 at 4,096 tokens; LoRA and QLoRA (NF4, with gradient checkpointing as PEFT sets it up) r=16 on all linear layers, and full fine-tuning (bf16-mixed AdamW), at 2,048 tokens; batch 1.', '');
  out.push('| Model | Parameters | Inference | QLoRA | LoRA | Full fine-tune |', '|---|---:|---|---|---|---|');
  const cell = (peak: number) => `${peak <= cap ? '✓' : '✗'} ${formatBytes(peak)}`;
  for (const m of catalogFits(options)) {
    out.push(`| ${escapeMarkdown(m.id)} | ${formatCount(m.parameters)} | ${cell(m.peaks.inference)} | ${cell(m.peaks.qlora)} | ${cell(m.peaks.lora)} | ${cell(m.peaks.full)} |`);
  }
  return out.join('\n');
}

/** The one line that says a file holds more model configs than VRAM Lens estimates (lens, report, CLI). */
export function omittedConfigsMessage(omitted: { readonly count: number }): string {
  const n = formatInteger(omitted.count);
  return `${n} more model config${omitted.count === 1 ? '' : 's'} in this file ${omitted.count === 1 ? 'is' : 'are'} not estimated: VRAM Lens estimates the first ${MAX_CONFIGS_PER_FILE} of a file.`;
}

/** The CodeLens of a checkpoint index: how much the weights weigh, and whether they load on the target GPU. */
export function checkpointLensTitle(index: CheckpointIndex, gpu: Gpu | undefined, cudaOverheadBytes: number): string {
  const params16 = index.totalSizeBytes / 2;
  let title = `Checkpoint: ${formatBytes(index.totalSizeBytes)} of weights in ${index.tensors.toLocaleString('en-US')} tensors (${formatCount(params16)} parameters if 16-bit, ${formatCount(params16 / 2)} if fp32)`;
  if (gpu) {
    const fits = index.totalSizeBytes + cudaOverheadBytes <= gpuMemoryBytes(gpu);
    title += fits ? ` — ✓ loads on ${gpu.name}` : ` — ✗ does not load on ${gpu.name}`;
  }
  return title;
}

/** The lens on a serving command: the KV pool, how many longest requests fit at once, and whether the engine starts. */
export function servingLensTitle(plan: ServingPlan): string {
  const where = planGpus(plan);
  const pool = `${engineName(plan)}: KV pool ${formatInteger(plan.kvTokens)} tokens · ${formatConcurrency(plan.maxConcurrency)}× at ${formatInteger(plan.maxModelLen)}`;
  return plan.starts ? `${pool} · ✓ starts on ${where}` : `${pool} · ✗ does not start on ${where}`;
}

function formatConcurrency(x: number): string {
  return x >= 10 ? String(Math.floor(x)) : x.toFixed(2).replace(/\.?0+$/, '');
}

/** What the pool holds: tokens and bytes per token, a hybrid's recurrent state beside them, or a state-space model's states alone. */
function poolNote(plan: Omit<ServingPlan, 'assumptions'>): string {
  const state = plan.stateBytesPerSequence ? `${formatBytes(plan.stateBytesPerSequence)} of recurrent state per sequence` : '';
  if (plan.kvBytesPerToken === 0 && state) {
    return `${state}, no keys or values: ${formatInteger(plan.kvTokens)} tokens ${plan.engine === 'vllm' ? 'as vLLM counts them' : 'as its slots × max_model_len'}`;
  }
  return `${formatInteger(plan.kvTokens)} tokens, ${formatBytes(plan.kvBytesPerToken)} per token${state ? `, and ${state}` : ''}`;
}

/** One GPU's memory at the engine's start, row by row, as the CLI's table and the report show it. */
export function servingRows(plan: Omit<ServingPlan, 'assumptions'>): { label: string; bytes: number; note?: string }[] {
  const rows: { label: string; bytes: number; note?: string }[] = [
    { label: plan.engine === 'sglang' ? 'Budget (mem_fraction_static × CUDA total)' : 'Budget (gpu_memory_utilization × CUDA total)', bytes: plan.budgetBytes },
    { label: 'Weights', bytes: plan.weightsBytes },
    { label: plan.engine === 'sglang' ? 'Activation peak (in the unreserved share)' : 'Activation peak (profiled)', bytes: plan.activationPeakBytes },
    { label: 'Non-torch memory (NCCL, context growth)', bytes: plan.nonTorchBytes },
    { label: 'KV pool', bytes: plan.kvCacheBytes, note: poolNote(plan) },
    { label: plan.cudaGraphsInBudget ? 'CUDA graphs (within the budget)' : plan.engine === 'sglang' ? 'CUDA graphs (in the unreserved share)' : 'CUDA graphs (outside the budget)', bytes: plan.cudaGraphBytes },
  ];
  if (plan.draftBytes !== undefined) {
    rows.push({ label: 'Speculative draft (in the unreserved share)', bytes: plan.draftBytes });
  }
  return rows;
}

/** The verdict line under the rows: how many longest requests fit at once, or why the engine refuses. */
export function servingVerdict(plan: Omit<ServingPlan, 'assumptions'>): string {
  return plan.starts
    ? `✓ starts · ${formatConcurrency(plan.maxConcurrency)} requests of ${formatInteger(plan.maxModelLen)} tokens at once`
    : `✗ does not start: ${plan.reason.replace(/`/g, '')}`;
}

/** A plan's rows as Markdown table rows, each note beside its figure. */
function planRowsMarkdown(rows: readonly { label: string; bytes: number; note?: string }[]): string[] {
  return rows.map(r => `| ${r.label} | ${formatBytes(r.bytes)}${r.note ? ` (${r.note})` : ''} |`);
}

/**
 * Where a serving plan's memory goes on each GPU besides the KV pool, in a few words (the report's table has every
 * row): the hover's plan line and the refusal diagnostic say it so.
 */
export function servingShares(plan: Omit<ServingPlan, 'assumptions'>): string {
  const parts: [string, number][] = [
    ['weights', plan.weightsBytes],
    ['activations', plan.activationPeakBytes],
    ['non-torch', plan.nonTorchBytes],
    ['graphs', plan.cudaGraphBytes],
  ];
  return sharesText(parts);
}

/** A serving plan in one line of the hover: where each GPU's memory goes (the report has the table). */
function servingPlanLine(plan: Omit<ServingPlan, 'assumptions'>): string {
  return `*${engineName(plan)} ${escapeMarkdown(plan.version)}, per GPU:* ${servingShares(plan)} · KV pool ${formatBytes(plan.kvCacheBytes)} (${formatInteger(plan.kvTokens)} tokens) of a ${formatBytes(plan.budgetBytes)} budget`;
}

/** A refusal's first sentence, for a hover that must show whole (the diagnostic has the engine's whole message). */
function firstSentence(text: string): string {
  const end = text.search(/\.\s+[A-Z]/);
  return end > 0 ? text.slice(0, end + 1) : text;
}

/** A what-if value as the flag takes it: whole numbers with separators, shares as written. */
function flagValueText(value: number): string {
  return Number.isInteger(value) ? formatInteger(value) : String(value);
}

/**
 * The hover on a serving flag, short enough to show whole: what the flag does, what two other values would give, the
 * plan in one line, and last the verdict.
 */
export function servingHoverMarkdown(a: ConfigAnalysis, key: string, gpu: Gpu | undefined): string {
  const plan = a.serving;
  const source = a.config.serving?.sources.find(s => s.key === key);
  const out = [`**${escapeMarkdown(key)}** — ${escapeMarkdown(servingFlagHelp(key) ?? 'a serving setting')}`, ''];
  if (a.local) {
    return [...out, ...localHoverLines(a, source?.option, gpu)].join('\n');
  }
  if (!plan || !a.spec || !a.servingOptions) {
    return out.join('\n');
  }
  const whatIfs = flagWhatIfs(a, source?.option, gpu).flatMap(w =>
    w.engine === 'server' ? [`- At ${flagValueText(w.value)}: KV pool ${formatInteger(w.plan.kvTokens)} tokens, ${w.plan.starts ? `${formatConcurrency(w.plan.maxConcurrency)}× at ${formatInteger(w.plan.maxModelLen)}` : 'does not start'}`] : [],
  );
  out.push(...whatIfs, ...(whatIfs.length > 0 ? [''] : []), servingPlanLine(plan), '', `**${escapeMarkdown(firstSentence(servingVerdict(plan)))}**`);
  return out.join('\n');
}

/** The engine's name as its users write it. */
export function localEngineName(plan: Pick<LlamaPlan, 'engine'>): string {
  return plan.engine === 'ollama' ? 'Ollama' : 'llama.cpp';
}

/** The lens on a llama.cpp or Ollama start: what the GPU holds, what stays on the host, and whether it loads. */
export function localLensTitle(plan: LlamaPlan): string {
  const layers = plan.gpuLayers > plan.layers ? 'all layers' : `${plan.gpuLayers} of ${plan.layers} layers`;
  const host = plan.hostTotalBytes > 0 ? ` + ${formatBytes(plan.hostTotalBytes)} host` : '';
  return `${localEngineName(plan)} ${plan.fileType}: ${formatBytes(plan.deviceTotalBytes)} on GPU (${layers}, ${formatInteger(plan.contextSize)} context)${host} · ${plan.fits ? '✓ loads on' : '✗ does not load on'} ${plan.gpu}`;
}

/** A llama.cpp load, row by row: the GPU's buffers, then the host's. */
export function localRows(plan: Omit<LlamaPlan, 'assumptions'>): { label: string; bytes: number }[] {
  return [
    { label: 'Model buffer on the GPU', bytes: plan.deviceModelBytes },
    { label: plan.recurrentStateBytes ? 'KV and recurrent-state buffers on the GPU' : 'KV buffer on the GPU', bytes: plan.kvDeviceBytes },
    { label: 'Compute buffer on the GPU', bytes: plan.computeBytes },
    { label: 'GPU total (as llama.cpp logs its buffers)', bytes: plan.deviceTotalBytes },
    { label: 'Model buffer in host memory', bytes: plan.hostModelBytes },
    ...(plan.kvCacheBytes > plan.kvDeviceBytes ? [{ label: plan.recurrentStateBytes ? 'KV and recurrent-state buffers in host memory' : 'KV buffer in host memory', bytes: plan.kvCacheBytes - plan.kvDeviceBytes }] : []),
    { label: 'Host total', bytes: plan.hostTotalBytes },
  ];
}

/** The verdict line under a llama.cpp load's rows. */
export function localVerdict(plan: Omit<LlamaPlan, 'assumptions'>): string {
  return plan.fits ? `✓ loads on ${plan.gpu}` : `✗ does not load: ${plan.reason}`;
}

/** A llama.cpp load on the hover: what half or twice a numeric setting would give, the load in one line, the verdict last. */
function localHoverLines(a: ConfigAnalysis, option: string | undefined, gpu: Gpu | undefined): string[] {
  const plan = a.local!;
  const whatIfs = flagWhatIfs(a, option, gpu).flatMap(w =>
    w.engine === 'local' ? [`- At ${flagValueText(w.value)}: ${formatBytes(w.plan.deviceTotalBytes)} on the GPU, ${w.plan.fits ? 'loads' : 'does not load'}`] : [],
  );
  const host = plan.hostTotalBytes > 0 ? `; host ${formatBytes(plan.hostTotalBytes)}` : '';
  const line = `*${localEngineName(plan)} ${escapeMarkdown(plan.fileType)} on ${escapeMarkdown(plan.gpu)}:* GPU ${formatBytes(plan.deviceTotalBytes)} (model ${formatBytes(plan.deviceModelBytes)} · KV ${formatBytes(plan.kvDeviceBytes)} · compute ${formatBytes(plan.computeBytes)})${host}`;
  return [...whatIfs, ...(whatIfs.length > 0 ? [''] : []), line, '', `**${escapeMarkdown(firstSentence(localVerdict(plan)))}**`];
}

/** A serving command's section of the report: the engine's memory at start, per GPU, and its verdict. */
function servingReportLines(a: ConfigAnalysis): string[] {
  if (a.serving) {
    const p = a.serving;
    return [
      `### ${engineName(p)} ${escapeMarkdown(p.version)} on ${escapeMarkdown(planGpus(p))}, per GPU`, '',
      `max_model_len ${formatInteger(p.maxModelLen)}, ${formatInteger(p.maxNumSeqs)} sequence${p.maxNumSeqs === 1 ? '' : 's'}, ${formatInteger(p.maxNumBatchedTokens)} batched tokens, blocks of ${p.blockSize} tokens.`, '',
      '| | Memory |', '|---|---:|', ...planRowsMarkdown(servingRows(p)), '',
      escapeMarkdown(servingVerdict(p)), '',
    ];
  }
  const p = a.local!;
  return [
    `### ${localEngineName(p)} ${escapeMarkdown(p.fileType)} on ${escapeMarkdown(p.gpu)}`, '',
    `${layersOnGpuText(p)} on the GPU, ${formatInteger(p.contextSize)} KV cells, flash attention ${p.flashAttention ? 'on' : 'off'}.`, '',
    '| | Memory |', '|---|---:|', ...planRowsMarkdown(localRows(p)), '',
    escapeMarkdown(localVerdict(p)), '',
  ];
}
