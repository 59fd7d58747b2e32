// Quick fixes computed to fit: the edits or settings that bring a config under the target GPU, in the file's own vocabulary.
import { ALL_LINEAR_TARGETS } from './tensors';
import { isDiffusionRun } from './diffusion';
import { cheapestGpuFor, largestBatch, largestImage, longestSequence, peakIn, type FitMode } from './advise';
import { analyzeConfig, type AnalysisOptions, type ConfigAnalysis, type DocumentAnalysis } from './analyze';
import { NEMO_RECOMPUTE } from './nemo';
import type { FoundConfig } from './spec';
import { formatBytes, formatInteger } from './format';
import { gpuMemoryBytes, supportsBf16, type Gpu } from './gpus';
import type { Span } from './types';

/** A change to the file: replace a value's text (the key stays as written, in the file's own syntax). */
export interface FileEdit {
  readonly span: Span;
  readonly newText: string;
}

/** A change to a VRAM Lens setting, for what the file does not say (an HF config.json has no batch size). */
export interface SettingChange {
  readonly setting: string;
  readonly value: unknown;
}

export interface Fix {
  readonly title: string;
  readonly edit?: FileEdit;
  readonly setting?: SettingChange;
  /** A second setting changed with the first (more GPUs, and the ZeRO stage that shards over them). */
  readonly alsoSetting?: SettingChange;
  /** The peak after the fix, in the failing mode. */
  readonly peakBytes: number;
  /** The first fix that fits is preferred. */
  readonly preferred: boolean;
}

/** Writes a string value the way the original was written: same quotes, or bare in YAML. */
function stringLiteral(original: string, value: string): string {
  const q = original.trim()[0];
  return q === '"' || q === "'" ? `${q}${value}${q}` : value;
}

/** No fix proposes images smaller than this: below it a diffusion model makes nothing anyone would use. */
const IMAGE_FLOOR = 256;

interface Candidate {
  readonly label: string;
  readonly patch: Partial<AnalysisOptions>;
  /** The file's key for this setting, if the file states it. */
  readonly fileSetting?: string;
  readonly fileText?: (original: string) => string;
  readonly setting?: SettingChange;
  readonly alsoSetting?: SettingChange;
  /** The peak with the patch, where the search that chose the candidate already estimated it. */
  readonly peak?: number;
  /** The edit must leave the run on the GPUs it has (it splits them differently). */
  readonly sameGpus?: boolean;
  /** An edit of several values at once (NeMo's three recompute keys), where one key's value is not the whole change. */
  readonly edit?: FileEdit;
  /** The keys `edit` writes, as the fix's title names them. */
  readonly editKeys?: string;
}

/**
 * NeMo's recompute as one edit of its three keys, written one after another as NeMo's configs write them: granularity
 * full, method uniform, one layer at a time (Megatron-Core refuses full recompute without the other two).
 */
function nemoRecomputeEdit(config: FoundConfig, text: string): FileEdit | undefined {
  const keys = [NEMO_RECOMPUTE.granularity, NEMO_RECOMPUTE.method, NEMO_RECOMPUTE.layers];
  const entries = keys.map(k => config.scalars[k]);
  if (entries.some(e => e === undefined) || !(entries[0].valueSpan.end <= entries[1].valueSpan.start && entries[1].valueSpan.end <= entries[2].valueSpan.start)) {
    return undefined;
  }
  const span = { start: entries[0].valueSpan.start, end: entries[2].valueSpan.end };
  const values = ['full', 'uniform', '1'];
  let newText = text.slice(span.start, span.end);
  for (let i = 2; i >= 0; i--) {
    const v = entries[i].valueSpan;
    newText = newText.slice(0, v.start - span.start) + values[i] + newText.slice(v.end - span.start);
  }
  return { span, newText };
}

/** A ZeRO stage written the way the file wrote it: a number, or the digit in a DeepSpeed file name (zero2.json). */
function zeroStageText(original: string, stage: number): string {
  const t = original.trim();
  return /^\d+$/.test(t) ? String(stage) : original.replace(/(zero|z)([0-3])/i, `$1${stage}`);
}

/**
 * The peak of the same config once the file is edited; Infinity when the edited file no longer has it, or, with
 * `gpus`, when the edit changes how many GPUs the run takes (torchtitan's degrees multiply to its GPU count).
 */
function peakAfterEdit(
  reanalyze: (editedText: string) => DocumentAnalysis,
  text: string,
  span: Span,
  newText: string,
  name: string,
  mode: FitMode,
  gpus?: number,
): number {
  const doc = reanalyze(text.slice(0, span.start) + newText + text.slice(span.end));
  const est = doc.configs.find(c => c.config.name === name)?.estimate;
  return gpus !== undefined && est?.settings.gpus !== gpus ? Infinity : peakIn(est, mode);
}

/**
 * Fixes for a config that does not fit the target GPU, each computed with the engine to really fit (fixes that
 * would still not fit are not offered). Where the file states the setting, the fix edits the file; otherwise it
 * changes the VRAM Lens setting that stands in for it.
 */
export function fixesFor(
  a: ConfigAnalysis,
  options: AnalysisOptions,
  gpu: Gpu,
  mode: FitMode,
  text: string,
  gpus?: readonly Gpu[],
  reanalyze?: (editedText: string) => DocumentAnalysis,
): Fix[] {
  const est = a.estimate;
  if (!est) {
    return [];
  }
  const s = est.settings;
  const capacity = gpuMemoryBytes(gpu);
  const sourceOf = (setting: string) => a.config.training.sources.find(x => x.setting === setting);
  const peakWith = (patch: Partial<AnalysisOptions>) => peakIn(analyzeConfig(a.config, options, undefined, patch).estimate, mode);
  /** The first choice whose patch fits (the lowest ZeRO stage, the fewest GPUs), with its peak. */
  const firstFitting = <T>(choices: readonly T[], patchOf: (choice: T) => Partial<AnalysisOptions>) => {
    for (const choice of choices) {
      const peak = peakWith(patchOf(choice));
      if (peak <= capacity) {
        return { choice, peak };
      }
    }
    return undefined;
  };
  const candidates: Candidate[] = [];
  // The file's own tensor-parallel degree beats a setting: more tensor parallelism is an edit of it.
  const tensorParallelSource = sourceOf('tensor parallel');

  const batch = largestBatch(a.config, options, gpu, mode);
  if (batch >= 1 && batch < s.batchSize) {
    candidates.push({
      label: `Set the micro-batch to ${batch} (the largest that fits the ${gpu.name})`,
      patch: { batchSize: batch },
      fileSetting: 'micro-batch size',
      fileText: () => String(batch),
      setting: { setting: 'batchSize', value: batch },
    });
  }
  const seq = longestSequence(a.config, { ...options, batchSize: Math.min(s.batchSize, Math.max(1, batch)) }, gpu, mode, s.sequenceLength - 1);
  // A diffusion model's positions come from its image, not from a sequence length a file or setting states.
  if (seq >= 1 && seq < s.sequenceLength && batch === 0 && !isDiffusionRun(s)) {
    candidates.push({
      label: `Set the sequence length to ${formatInteger(seq)} (the longest that fits the ${gpu.name})`,
      patch: { sequenceLength: seq },
      fileSetting: 'sequence length',
      fileText: () => String(seq),
      setting: { setting: 'sequenceLength', value: seq },
    });
  }
  // A diffusion model's images: the largest side that fits at the current batch, as the image-size setting.
  if (isDiffusionRun(s) && s.imageSide !== undefined && batch === 0) {
    const side = largestImage(a.config, options, gpu, mode);
    if (side >= IMAGE_FLOOR && side < s.imageSide) {
      candidates.push({
        label: `Set the image size to ${formatInteger(side)} × ${formatInteger(side)} (the largest that fits the ${gpu.name})`,
        patch: { imageSide: side },
        setting: { setting: 'imageSize', value: side },
      });
    }
  }
  // Megatron-LM and NeMo train with Megatron-Core's own choices: its distributed optimizer (ZeRO-1) is the only
  // sharding, full recompute needs a method and a layer count, and there is no LoRA or 8-bit Adam to switch a
  // pretraining run to.
  const megatron = s.megatronCore === true;
  if (mode === 'training') {
    // Megatron-Core refuses full recompute without a method: a launch line gets uniform recompute of one layer at a
    // time with it; NeMo's YAML, whose three keys are one change, keeps what it says.
    const checkpointingKey = sourceOf('checkpointing')?.key;
    const fullNeedsMethod = megatron && s.recomputeMethod === undefined;
    const nemoRecompute = megatron && s.checkpointing !== 'full' ? nemoRecomputeEdit(a.config, text) : undefined;
    const editable = !fullNeedsMethod || checkpointingKey === undefined || checkpointingKey === 'recompute_granularity';
    if (nemoRecompute) {
      candidates.push({
        label: 'Enable gradient checkpointing',
        patch: { checkpointing: 'full', recomputeMethod: 'uniform', recomputeLayers: 1 },
        edit: nemoRecompute,
        editKeys: `${NEMO_RECOMPUTE.granularity} = full, ${NEMO_RECOMPUTE.method} = uniform, ${NEMO_RECOMPUTE.layers} = 1`,
      });
    } else if (s.checkpointing !== 'full' && editable) {
      candidates.push({
        label: 'Enable gradient checkpointing',
        patch: { checkpointing: 'full' },
        fileSetting: 'checkpointing',
        // A mode written as a word (Megatron-LM's `--recompute-granularity selective`) becomes `full`; a switch, true.
        fileText: original =>
          /^["']/.test(original.trim())
            ? stringLiteral(original, 'full')
            : fullNeedsMethod
              ? 'full --recompute-method uniform --recompute-num-layers 1'
              : /^(none|selective|full)$/.test(original.trim()) ? 'full' : /^[A-Z]/.test(original.trim()) ? 'True' : 'true',
        setting: { setting: 'gradientCheckpointing', value: true },
      });
    }
    // Pure 16-bit training: bf16 where the card has it, fp16 on Pascal, Volta and Turing. Lightning's precision
    // names (LitGPT's `precision: bf16-mixed`) are rewritten in place; other files' keys have no such value (HF's
    // bf16 switch and nanoGPT's dtype mean autocast), so there the fix is offered only when the file is silent.
    const half = supportsBf16(gpu) ? 'bf16-true' : '16-true';
    const precisionKey = sourceOf('precision')?.key;
    const rewritable = precisionKey === undefined || precisionKey === 'precision';
    if ((s.precision === '32-true' || s.precision === 'bf16-mixed' || s.precision === '16-mixed') && rewritable) {
      candidates.push({
        label: half === 'bf16-true' ? 'Train in pure bf16 (bf16-true)' : `Train in pure fp16 (16-true; the ${gpu.name} has no bf16)`,
        patch: { precision: half },
        fileSetting: 'precision',
        fileText: original => stringLiteral(original, half),
        setting: { setting: 'precision', value: half },
      });
    }
    if ((s.optimizer === 'adamw' || s.optimizer === 'paged-adamw') && !megatron) {
      // Named in the file's own vocabulary: a class path (LitGPT), a torchtune component, or HF Trainer's name.
      const key = sourceOf('optimizer')?.key;
      const eightBit = key?.endsWith('class_path') ? 'bitsandbytes.optim.AdamW8bit' : key?.endsWith('_component_') ? 'bitsandbytes.optim.PagedAdamW8bit' : 'adamw_bnb_8bit';
      candidates.push({
        label: 'Use bitsandbytes 8-bit AdamW',
        patch: { optimizer: key?.endsWith('_component_') ? 'paged-adamw-8bit' : 'adamw-8bit' },
        fileSetting: 'optimizer',
        fileText: original => stringLiteral(original, eightBit),
        setting: { setting: 'optimizer', value: 'adamw-8bit' },
      });
    }
    // Shard more over the data-parallel GPUs there are, or train on several GPUs with ZeRO-3 / FSDP.
    const dp = Math.floor(s.gpus / Math.max(1, s.tensorParallel * s.pipelineParallel));
    const higherStages = ([1, 2, 3] as const).filter(z => z > s.zeroStage && (!megatron || z === 1));
    const raised = dp > 1 ? firstFitting(higherStages, zeroStage => ({ zeroStage })) : undefined;
    if (raised) {
      const stage = raised.choice;
      candidates.push({
        label: `Raise the ZeRO stage to ${stage} (shards ${stage === 1 ? 'optimizer states' : stage === 2 ? 'optimizer states and gradients' : 'weights, gradients and optimizer states'} over ${dp} GPUs)`,
        patch: { zeroStage: stage },
        fileSetting: 'ZeRO stage',
        fileText: original => zeroStageText(original, stage),
        setting: { setting: 'zeroStage', value: stage },
        peak: raised.peak,
      });
    }
    // A stage the file states stays as it is (the file beats settings); otherwise ZeRO-3 comes with the GPUs.
    const fileStage = sourceOf('ZeRO stage') ? s.zeroStage : undefined;
    const stage = fileStage ?? (megatron ? 1 : 3);
    const sharded = (n: number): Partial<AnalysisOptions> => ({ gpus: n, zeroStage: stage, tensorParallel: 1, pipelineParallel: 1 });
    const spread = s.gpus === 1 && stage > 0 ? firstFitting([2, 4, 8], sharded) : undefined;
    if (spread) {
      const n = spread.choice;
      candidates.push({
        label: `Train on ${n} GPUs with ${stage === 3 ? 'ZeRO-3 / FSDP' : `ZeRO-${stage}`}`,
        patch: sharded(n),
        fileSetting: 'GPUs',
        fileText: () => String(n),
        setting: { setting: 'gpus', value: n },
        ...(fileStage === undefined ? { alsoSetting: { setting: 'zeroStage', value: stage } } : {}),
        peak: spread.peak,
      });
    }
    // Adapters instead of full training, only where the file does not already choose how to fine-tune.
    const fileChoosesTuning = a.config.training.sources.some(x => x.setting.startsWith('LoRA') || x.setting === 'quantization');
    const allLinear = { rank: 16, targets: ALL_LINEAR_TARGETS, dropout: true };
    // More tensor parallelism where the file states its degree (Megatron-LM, NeMo, torchtitan), edited in place over
    // the GPUs the run has: the smallest of 2, 4 and 8 above the current one that divides the heads and fits.
    if (tensorParallelSource) {
      const kvHeads = a.spec?.numKvHeads ?? 1;
      const degrees = [2, 4, 8].filter(n => n > s.tensorParallel && s.gpus % (n * Math.max(1, s.pipelineParallel)) === 0 && (a.spec?.numHeads ?? 1) % n === 0 && (kvHeads % n === 0 || n % kvHeads === 0));
      const wider = firstFitting(degrees, n => ({ tensorParallel: n }));
      if (wider) {
        candidates.push({
          label: `Split each layer over ${wider.choice} GPUs (tensor parallel)`,
          patch: { tensorParallel: wider.choice },
          fileSetting: 'tensor parallel',
          fileText: () => String(wider.choice),
          peak: wider.peak,
          sameGpus: true,
        });
      }
    }
    if (!s.lora && !fileChoosesTuning && !megatron) {
      candidates.push({
        label: 'Fine-tune with LoRA r=16 on every linear layer',
        patch: { lora: allLinear, quantization: undefined },
        setting: { setting: 'fineTuning', value: 'lora' },
      });
    }
    if (!s.quantization && !fileChoosesTuning && !megatron) {
      candidates.push({
        label: 'Fine-tune with QLoRA (NF4) r=16 on every linear layer',
        patch: { lora: allLinear, quantization: 'nf4-dq' },
        setting: { setting: 'fineTuning', value: 'qlora' },
      });
    }
  }

  const fixes: Fix[] = [];
  for (const c of candidates) {
    const peak = c.peak ?? peakWith(c.patch);
    if (peak > capacity) {
      continue;
    }
    const source = c.fileSetting ? sourceOf(c.fileSetting) : undefined;
    const original = source ? text.slice(source.valueSpan.start, source.valueSpan.end) : '';
    const result = (bytes: number) => `→ ${formatBytes(bytes)} of ${formatBytes(capacity)}`;
    if (c.edit) {
      const edited = reanalyze ? peakAfterEdit(reanalyze, text, c.edit.span, c.edit.newText, a.config.name, mode) : peak;
      if (edited <= capacity) {
        fixes.push({ title: `${c.label}: ${c.editKeys} ${result(edited)}`, edit: c.edit, peakBytes: edited, preferred: false });
      }
    } else if (source && c.fileText) {
      const newText = c.fileText(original);
      // An edit can change more than the one option (LitGPT's devices also bring FSDP, checkpointing and a new
      // accumulation count): where the caller can re-read the file, the edited text itself is estimated.
      const edited = reanalyze ? peakAfterEdit(reanalyze, text, source.valueSpan, newText, a.config.name, mode, c.sameGpus ? s.gpus : undefined) : peak;
      if (edited > capacity) {
        continue;
      }
      fixes.push({ title: `${c.label}: ${source.key} = ${newText} ${result(edited)}`, edit: { span: source.valueSpan, newText }, peakBytes: edited, preferred: false });
    } else if (c.setting && !(c.fileSetting && source)) {
      const names = [c.setting, c.alsoSetting].filter((x): x is SettingChange => x !== undefined).map(x => `vramLens.${x.setting}`);
      fixes.push({
        title: `${c.label} (setting${names.length > 1 ? 's' : ''} ${names.join(', ')}) ${result(peak)}`,
        setting: c.setting,
        ...(c.alsoSetting ? { alsoSetting: c.alsoSetting } : {}),
        peakBytes: peak,
        preferred: false,
      });
    }
  }
  // More of the same card, in tensor parallel: the fewest (2, 4 or 8) that fit.
  const split = /^\d+×/.test(gpu.name) || (mode === 'training' && tensorParallelSource) ? undefined : firstFitting([2, 4, 8], n => ({ gpus: n, tensorParallel: n, pipelineParallel: 1 }));
  if (split) {
    fixes.push({
      title: `Use ${split.choice}× ${gpu.name} in tensor parallel (setting vramLens.targetGpu) → ${formatBytes(split.peak)} of ${formatBytes(capacity)} per GPU`,
      setting: { setting: 'targetGpu', value: `${split.choice}× ${gpu.name}` },
      peakBytes: split.peak,
      preferred: false,
    });
  }
  const currentPeak = peakIn(est, mode);
  const cheapest = cheapestGpuFor(currentPeak, gpus);
  if (cheapest && cheapest.name !== gpu.name) {
    fixes.push({
      title: `Switch the target GPU to the ${cheapest.name} (cheapest listed that fits: ${formatBytes(currentPeak)} of ${formatBytes(gpuMemoryBytes(cheapest))})`,
      setting: { setting: 'targetGpu', value: cheapest.name },
      peakBytes: currentPeak,
      preferred: false,
    });
  }
  return fixes.map((f, i) => ({ ...f, preferred: i === 0 }));
}
