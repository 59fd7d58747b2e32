// Quick fixes computed to fit: the edits or settings that bring a config under the target GPU, in the file's own vocabulary.
import { ALL_LINEAR_TARGETS } from './weightTensor';
import { isDiffusionRun } from './diffusion';
import { dataParallelDegree } from './parallelism';
import { largestBatch, largestImage, longestSequence, peakIn, type FitMode } from './advise';
import { analyzeConfig, type ConfigAnalysis, type DocumentAnalysis } from './analyze';
import type { AnalysisOptions } from './options';
import { NEMO_RECOMPUTE } from './nemo';
import { RUN_ARGUMENT_CLASSES } from './script';
import { ACCELERATOR_CONFIG_KEY } from './vocabulary';
import type { FoundConfig } from './spec';
import { formatBytes, formatInteger } from './format';
import { gpuMemoryBytes, supportsBf16, type Gpu } from './gpus';
import type { Span } from './types';
import { DEFAULT_FIX_MARGIN_PCT, quantizationShrinks, recipeDialect, trainsWholeModel, type FileEdit, type Fix, type FixContext, type FixKind, type RecipeDialect, type SettingChange } from './fixContext';
import { adapterElsewhereFixes, gpuFixes } from './hardwareFixes';

/** Writes a string value the way the original was written: same quotes, or bare in YAML. */
function stringLiteral(original: string, value: string): string {
  const q = original.trim()[0];
  return q === '"' || q === "'" ? `${q}${value}${q}` : value;
}

/** No fix proposes images smaller than this: below it a diffusion model makes nothing anyone would use. */
const IMAGE_FLOOR = 256;

/** No fix proposes a sequence shorter than this, nor shorter than half the one the run has: the run would be another one. */
const SEQUENCE_FLOOR = 256;

/** The largest power of two at or below n (n ≥ 1): the batch sizes engineers write. */
function powerOfTwoAtMost(n: number): number {
  return 2 ** Math.floor(Math.log2(n));
}

/** The longest sequence an engineer would write at or below n: a power of two, or a whole number of 1,024 tokens. */
function roundedSequence(n: number): number {
  return Math.max(powerOfTwoAtMost(n), n >= 1024 ? Math.floor(n / 1024) * 1024 : 0);
}

interface Candidate {
  readonly kind: FixKind;
  readonly label: string;
  readonly value: string | number | boolean;
  readonly patch: Partial<AnalysisOptions>;
  /** The option whose key the fix edits where the file states it. */
  readonly fileSetting?: keyof AnalysisOptions;
  readonly fileText?: (original: string) => string;
  readonly setting?: SettingChange;
  readonly alsoSettings?: readonly SettingChange[];
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

/** The micro-batch, sequence and image fixes: the largest that fits, rounded to a value an engineer would write. */
function shapeCandidates(c: FixContext): Candidate[] {
  const { a, s, options, forced, budgetGpu, mode, gpu } = c;
  const out: Candidate[] = [];
  const fitting = largestBatch(a.config, options, budgetGpu, mode, forced);
  const batch = fitting >= 1 ? powerOfTwoAtMost(fitting) : 0;
  if (batch >= 1 && batch < s.batchSize) {
    out.push({
      kind: 'micro-batch',
      label: `Set the micro-batch to ${batch} (the largest power of two that fits the ${gpu.name})`,
      value: batch,
      patch: { batchSize: batch },
      fileSetting: 'batchSize',
      fileText: () => String(batch),
      setting: { setting: 'batchSize', value: batch },
    });
  }
  // A shorter sequence only where no micro-batch fits, and never below 256 tokens or half the run's own.
  const floor = Math.max(SEQUENCE_FLOOR, Math.ceil(s.sequenceLength / 2));
  if (fitting === 0 && !isDiffusionRun(s) && s.sequenceLength > floor) {
    const seq = roundedSequence(Math.max(1, longestSequence(a.config, options, budgetGpu, mode, s.sequenceLength - 1, forced)));
    if (seq >= floor && seq < s.sequenceLength) {
      out.push({
        kind: 'sequence-length',
        label: `Set the sequence length to ${formatInteger(seq)} (the longest round length that fits the ${gpu.name})`,
        value: seq,
        patch: { sequenceLength: seq },
        fileSetting: 'sequenceLength',
        fileText: () => String(seq),
        setting: { setting: 'sequenceLength', value: seq },
      });
    }
  }
  // A diffusion model's images: the largest side that fits at the current batch, as the image-size setting.
  if (isDiffusionRun(s) && s.imageSide !== undefined && fitting === 0) {
    const side = largestImage(a.config, options, budgetGpu, mode, forced);
    if (side >= IMAGE_FLOOR && side < s.imageSide) {
      out.push({
        kind: 'image-size',
        label: `Set the image size to ${formatInteger(side)} × ${formatInteger(side)} (the largest that fits the ${gpu.name})`,
        value: side,
        patch: { imageSide: side },
        setting: { setting: 'imageSize', value: side },
      });
    }
  }
  return out;
}

/**
 * Weights loaded in 8 or 4 bits (bitsandbytes, as transformers loads them) for inference of a model whose file does
 * not choose a quantization: 8-bit where it fits, else 4-bit NF4, else 4-bit with the longest round sequence that fits.
 */
function quantizationCandidates(c: FixContext): Candidate[] {
  const { a, s, options, forced, budgetGpu, budget, mode } = c;
  if (mode !== 'inference' || s.quantization || c.sourceOf('quantization') || isDiffusionRun(s) || s.gpus > 1) {
    return [];
  }
  const eight = c.peakWith({ quantization: 'int8' });
  const four = c.peakWith({ quantization: 'nf4' });
  const out: Candidate[] = [];
  if (eight <= budget && quantizationShrinks(s, 'int8')) {
    out.push({ kind: 'quant-8bit', label: 'Load the weights in 8-bit (bitsandbytes LLM.int8, load_in_8bit)', value: 'int8', patch: { quantization: 'int8' }, setting: { setting: 'quantization', value: 'int8' }, peak: eight });
  }
  if (four <= budget) {
    out.push({ kind: 'quant-4bit', label: 'Load the weights in 4-bit (bitsandbytes NF4, load_in_4bit)', value: 'nf4', patch: { quantization: 'nf4' }, setting: { setting: 'quantization', value: 'nf4' }, peak: four });
    return out;
  }
  // The sequence comes from a setting here (a file's own would need an edit with the setting: two places at once).
  const floor = Math.max(SEQUENCE_FLOOR, Math.ceil(s.sequenceLength / 2));
  if (out.length === 0 && !c.sourceOf('sequenceLength') && s.sequenceLength > floor) {
    const quantized = { ...forced, quantization: 'nf4' as const };
    const seq = roundedSequence(Math.max(1, longestSequence(a.config, options, budgetGpu, mode, s.sequenceLength - 1, quantized)));
    if (seq >= floor) {
      out.push({
        kind: 'quant-4bit-shorter-sequence',
        label: `Load the weights in 4-bit (bitsandbytes NF4) and cap the sequence at ${formatInteger(seq)}`,
        value: 'nf4',
        patch: { quantization: 'nf4', sequenceLength: seq },
        setting: { setting: 'quantization', value: 'nf4' },
        alsoSettings: [{ setting: 'sequenceLength', value: seq }],
      });
    }
  }
  return out;
}

/** Checkpointing, pure 16-bit, 8-bit AdamW, sharding, more GPUs, tensor parallelism and adapters, for training. */
function trainingCandidates(c: FixContext): Candidate[] {
  const { a, s, gpu, text } = c;
  const out: Candidate[] = [];
  // Megatron-LM and NeMo train with Megatron-Core's own choices: its distributed optimizer (ZeRO-1) is the only
  // sharding, full recompute needs a method and a layer count, and there is no LoRA or 8-bit Adam to switch a
  // pretraining run to.
  const megatron = s.megatronCore === true;
  // Megatron-Core refuses full recompute without a method: a launch line gets uniform recompute of one layer at a
  // time with it; NeMo's YAML, whose three keys are one change, keeps what it says.
  const checkpointingKey = c.sourceOf('checkpointing')?.key;
  const fullNeedsMethod = megatron && s.recomputeMethod === undefined;
  const nemoRecompute = megatron && s.checkpointing !== 'full' ? nemoRecomputeEdit(a.config, text) : undefined;
  const editable = !fullNeedsMethod || checkpointingKey === undefined || checkpointingKey === 'recompute_granularity';
  const inserted = checkpointingKey === undefined ? checkpointingInsert(c) : undefined;
  if (nemoRecompute) {
    out.push({
      kind: 'checkpointing',
      label: 'Enable gradient checkpointing',
      value: 'full',
      patch: { checkpointing: 'full', recomputeMethod: 'uniform', recomputeLayers: 1 },
      edit: nemoRecompute,
      editKeys: `${NEMO_RECOMPUTE.granularity} = full, ${NEMO_RECOMPUTE.method} = uniform, ${NEMO_RECOMPUTE.layers} = 1`,
    });
  } else if (s.checkpointing !== 'full' && editable && inserted) {
    // A recipe or script that leaves checkpointing to its framework's default (off): the switch written in its own keys.
    out.push({ kind: 'checkpointing', label: 'Enable gradient checkpointing', value: 'full', patch: { checkpointing: 'full' }, ...inserted });
  } else if (s.checkpointing !== 'full' && editable) {
    out.push({
      kind: 'checkpointing',
      label: 'Enable gradient checkpointing',
      value: 'full',
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
  const precisionKey = c.sourceOf('precision')?.key;
  const rewritable = precisionKey === undefined || precisionKey === 'precision';
  if ((s.precision === '32-true' || s.precision === 'bf16-mixed' || s.precision === '16-mixed') && rewritable) {
    out.push({
      kind: 'precision',
      label: half === 'bf16-true' ? 'Train in pure bf16 (bf16-true)' : `Train in pure fp16 (16-true; the ${gpu.name} has no bf16)`,
      value: half,
      patch: { precision: half },
      fileSetting: 'precision',
      fileText: original => stringLiteral(original, half),
      setting: { setting: 'precision', value: half },
    });
  }
  out.push(...optimizerCandidates(c), ...gradientSyncCandidates(c), ...shardingCandidates(c, megatron), ...adapterCandidates(c));
  return out;
}

/** 8-bit AdamW in the file's own vocabulary; none where the framework has no such optimizer (Megatron-Core, torchtitan). */
function optimizerCandidates(c: FixContext): Candidate[] {
  const key = c.sourceOf('optimizer')?.key;
  // torchtitan builds its optimizer by name from torch.optim (`[optimizer] name = "AdamW"`): bitsandbytes is not one.
  if (!(c.s.optimizer === 'adamw' || c.s.optimizer === 'paged-adamw') || trainsWholeModel(c)) {
    return [];
  }
  // Named in the file's own vocabulary: a class path (LitGPT), a torchtune component, or HF Trainer's name.
  const eightBit = key?.endsWith('class_path') ? 'bitsandbytes.optim.AdamW8bit' : key?.endsWith('_component_') ? 'bitsandbytes.optim.PagedAdamW8bit' : 'adamw_bnb_8bit';
  return [{
    kind: 'optimizer-8bit',
    label: 'Use bitsandbytes 8-bit AdamW',
    value: eightBit,
    patch: { optimizer: key?.endsWith('_component_') ? 'paged-adamw-8bit' : 'adamw-8bit' },
    fileSetting: 'optimizer',
    fileText: original => stringLiteral(original, eightBit),
    setting: { setting: 'optimizer', value: 'adamw-8bit' },
  }];
}

/** accelerate's gradient-accumulation options that reduce FSDP's gradients after every micro-batch: a dict, JSON, YAML. */
const SYNC_EACH_BATCH = {
  python: '{"gradient_accumulation_kwargs": {"sync_each_batch": True}}',
  json: '{"gradient_accumulation_kwargs":{"sync_each_batch":true}}',
  yaml: [`${ACCELERATOR_CONFIG_KEY}:`, '  gradient_accumulation_kwargs:', '    sync_each_batch: true'],
} as const;

/**
 * FSDP under HF's Trainer keeping full gradients between micro-batches (no_sync): accelerate's `sync_each_batch`
 * reduces them to each GPU's shard after every micro-batch instead, at the cost of a reduce-scatter per micro-batch.
 * Written as a keyword of the script's trainer arguments, a flag beside the launched script's own, or a TRL recipe's
 * keys; not where the file already says `accelerator_config`.
 */
function gradientSyncCandidates(c: FixContext): Candidate[] {
  const source = c.sourceOf('unshardedAccumulation');
  if (!c.s.unshardedAccumulation || !source?.derived || c.s.gradientAccumulationSteps <= 1 || dataParallelDegree(c.s) <= 1 || c.text.includes(ACCELERATOR_CONFIG_KEY)) {
    return [];
  }
  const insert = syncEachBatchInsert(c);
  return insert ? [{ kind: 'gradient-sync', label: 'Reduce gradients after every micro-batch (accelerate sync_each_batch)', value: true, patch: { unshardedAccumulation: false }, ...insert }] : [];
}

/** Where `sync_each_batch` is written in the file's own words, or undefined where it has no place for it. */
function syncEachBatchInsert(c: FixContext): Pick<Candidate, 'edit' | 'editKeys'> | undefined {
  const argument = trainerArgument(c);
  if (argument) {
    const keyword = `${ACCELERATOR_CONFIG_KEY}=${SYNC_EACH_BATCH.python}`;
    return { edit: { span: { start: argument.at, end: argument.at }, newText: `${keyword}, ` }, editKeys: `${argument.callee}(${keyword})` };
  }
  // A launch line: beside the launched script's own --gradient_accumulation_steps.
  const flag = c.sourceOf('gradientAccumulationSteps')?.keySpan.start;
  if (flag !== undefined && c.text.startsWith('--gradient_accumulation_steps', flag - 2)) {
    const at = flag - 2;
    const flagText = `--${ACCELERATOR_CONFIG_KEY} '${SYNC_EACH_BATCH.json}'`;
    return { edit: { span: { start: at, end: at }, newText: `${flagText} ` }, editKeys: flagText };
  }
  const edit = recipeDialect(c.a) === 'trl' ? appendToYaml(c, SYNC_EACH_BATCH.yaml) : undefined;
  return edit && { edit, editKeys: `${ACCELERATOR_CONFIG_KEY}.gradient_accumulation_kwargs.sync_each_batch = true` };
}

/** A higher ZeRO stage over the data-parallel GPUs there are, more GPUs with ZeRO-3 / FSDP, or wider tensor parallelism. */
function shardingCandidates(c: FixContext, megatron: boolean): Candidate[] {
  const { a, s } = c;
  const out: Candidate[] = [];
  const dp = dataParallelDegree(s);
  const higherStages = ([1, 2, 3] as const).filter(z => z > s.zeroStage && (!megatron || z === 1));
  const raised = dp > 1 ? c.firstFitting(higherStages, zeroStage => ({ zeroStage })) : undefined;
  if (raised) {
    const stage = raised.choice;
    out.push({
      kind: 'zero-stage',
      label: `Raise the ZeRO stage to ${stage} (shards ${stage === 1 ? 'optimizer states' : stage === 2 ? 'optimizer states and gradients' : 'weights, gradients and optimizer states'} over ${dp} GPUs)`,
      value: stage,
      patch: { zeroStage: stage },
      fileSetting: 'zeroStage',
      fileText: original => zeroStageText(original, stage),
      setting: { setting: 'zeroStage', value: stage },
      peak: raised.peak,
    });
  }
  // A stage the file states stays as it is (the file beats settings); otherwise ZeRO-3 comes with the GPUs. LitGPT
  // refuses a quantized model on several devices, so a QLoRA recipe there gets no such fix.
  const fileStage = c.sourceOf('zeroStage') ? s.zeroStage : undefined;
  const stage = fileStage ?? (megatron ? 1 : 3);
  const sharded = (n: number): Partial<AnalysisOptions> => ({ gpus: n, zeroStage: stage, tensorParallel: 1, pipelineParallel: 1 });
  const litgptQuantized = a.config.training.framework === 'litgpt' && s.quantization !== undefined;
  // An axolotl, LLaMA-Factory or TRL recipe shards only through a DeepSpeed or FSDP config it names: where it names
  // none, more GPUs alone would not shard it, and the setting could not stand in for the missing key.
  const unshardable = recipeDialect(a) !== undefined && fileStage === undefined;
  // From one GPU, or from the count a run already shards over (a LitGPT recipe's devices: 4 → 8).
  const counts = [2, 4, 8].filter(n => n > s.gpus && n % Math.max(1, s.tensorParallel * s.pipelineParallel) === 0);
  const spread = stage > 0 && s.tensorParallel === 1 && s.pipelineParallel === 1 && !litgptQuantized && !unshardable ? c.firstFitting(counts, sharded) : undefined;
  if (spread) {
    const n = spread.choice;
    // torchtune's distributed recipes shard with FSDP2 on their own: the GPU count is all that changes.
    const torchtune = a.config.training.framework === 'torchtune';
    out.push({
      kind: 'gpus',
      label: torchtune ? `Train on ${n} GPUs with a distributed recipe (FSDP2; tune run --nproc_per_node ${n})` : `Train on ${n} GPUs with ${stage === 3 ? 'ZeRO-3 / FSDP' : `ZeRO-${stage}`}`,
      value: n,
      patch: sharded(n),
      fileSetting: 'gpus',
      fileText: () => String(n),
      setting: { setting: 'gpus', value: n },
      ...(fileStage === undefined && !torchtune ? { alsoSettings: [{ setting: 'zeroStage', value: stage }] } : {}),
      peak: spread.peak,
    });
  }
  // More tensor parallelism where the file states its degree (Megatron-LM, NeMo, torchtitan), edited in place over
  // the GPUs the run has: the smallest of 2, 4 and 8 above the current one that divides the heads and fits.
  if (c.sourceOf('tensorParallel')) {
    const kvHeads = a.spec?.numKvHeads ?? 1;
    const degrees = [2, 4, 8].filter(n => n > s.tensorParallel && s.gpus % (n * Math.max(1, s.pipelineParallel)) === 0 && (a.spec?.numHeads ?? 1) % n === 0 && (kvHeads % n === 0 || n % kvHeads === 0));
    const wider = c.firstFitting(degrees, n => ({ tensorParallel: n }));
    if (wider) {
      out.push({
        kind: 'tensor-parallel',
        label: `Split each layer over ${wider.choice} GPUs (tensor parallel)`,
        value: wider.choice,
        patch: { tensorParallel: wider.choice },
        fileSetting: 'tensorParallel',
        fileText: () => String(wider.choice),
        peak: wider.peak,
        sameGpus: true,
      });
    }
  }
  return out;
}

/**
 * LoRA and QLoRA on every linear layer, only where the file does not already choose how to fine-tune: written into a
 * recipe in its framework's own keys (axolotl's adapter, LLaMA-Factory's finetuning_type, TRL's use_peft), else as the
 * setting that stands in for an unstated choice. A recipe whose keys cannot take the change gets no such fix.
 */
function adapterCandidates(c: FixContext): Candidate[] {
  const { a, s } = c;
  const tuning = a.config.training.sources.find(x => x.option === 'lora' || x.option === 'quantization');
  const dialect = recipeDialect(a);
  const switchable = tuning === undefined || (dialect === 'llamafactory' && tuning.key === 'finetuning_type');
  // Megatron-LM, torchtitan and GPT-NeoX train the whole model: none has LoRA adapters or a 4-bit base.
  if (!switchable || trainsWholeModel(c)) {
    return [];
  }
  // LLaMA-Factory's own LoRA: rank 8 on every linear layer (lora_target "all"), no dropout.
  const rank = dialect === 'llamafactory' ? 8 : 16;
  const allLinear = { rank, targets: ALL_LINEAR_TARGETS, dropout: dialect !== 'llamafactory' };
  const out: Candidate[] = [];
  if (!s.lora) {
    const written = dialect && adapterEdit(c, dialect, 'lora');
    const base = { kind: 'lora' as const, label: `Fine-tune with LoRA r=${rank} on every linear layer`, value: 'lora', patch: { lora: allLinear, quantization: undefined } };
    if (written) {
      out.push({ ...base, ...written });
    } else if (!dialect) {
      out.push({ ...base, setting: { setting: 'fineTuning', value: 'lora' } });
    }
  }
  if (!s.quantization) {
    const qlora = { lora: allLinear, quantization: 'nf4-dq' as const };
    // Where QLoRA alone is not enough and the file leaves checkpointing to the settings: both, as an engineer would.
    const withCheckpointing = dialect !== 'llamafactory' && s.checkpointing !== 'full' && !c.sourceOf('checkpointing') && c.peakWith(qlora) > c.budget;
    const written = dialect && adapterEdit(c, dialect, 'qlora', withCheckpointing);
    const base = {
      kind: 'qlora' as const,
      label: `Fine-tune with QLoRA (NF4) r=${rank} on every linear layer${withCheckpointing ? ', with gradient checkpointing' : ''}`,
      value: 'qlora',
      patch: withCheckpointing ? { ...qlora, checkpointing: 'full' as const } : qlora,
    };
    if (written) {
      out.push({ ...base, ...written });
    } else if (!dialect) {
      out.push({
        ...base,
        setting: { setting: 'fineTuning', value: 'qlora' },
        ...(withCheckpointing ? { alsoSettings: [{ setting: 'gradientCheckpointing', value: true }] } : {}),
      });
    }
  }
  return out;
}

/** A setting a script passes its trainer's arguments, as the script reader names its source (`TrainingArguments(bf16)`). */
const TRAINER_ARGUMENT = new RegExp(`^(${RUN_ARGUMENT_CLASSES.join('|')})\\((\\w+)\\)$`);

/** A keyword argument the script passes its trainer's arguments (`TrainingArguments(per_device_train_batch_size=4)`), written there. */
function trainerArgument(c: FixContext): { readonly callee: string; readonly at: number } | undefined {
  for (const x of c.a.config.training.sources) {
    const m = TRAINER_ARGUMENT.exec(x.key);
    if (m && c.text.slice(x.keySpan.start, x.keySpan.end) === m[2] && /^\s*=/.test(c.text.slice(x.keySpan.end))) {
      return { callee: m[1], at: x.keySpan.start };
    }
  }
  return undefined;
}

/**
 * Gradient checkpointing added in the file's own words: a keyword argument of a script's trainer arguments,
 * torchtitan's section, or axolotl's and TRL's switch; undefined in any other file (a setting stands in there).
 */
function checkpointingInsert(c: FixContext): Pick<Candidate, 'edit' | 'editKeys'> | undefined {
  const argument = trainerArgument(c);
  if (argument) {
    return { edit: { span: { start: argument.at, end: argument.at }, newText: 'gradient_checkpointing=True, ' }, editKeys: `${argument.callee}(gradient_checkpointing=True)` };
  }
  if (c.a.config.training.framework === 'torchtitan') {
    const text = c.text;
    // A TOML job: a section of its own at the end, where the job has none yet.
    if (!/^\[model\]/m.test(text) || /^\[activation_checkpoint\]/m.test(text)) {
      return undefined;
    }
    const end = text.length;
    return { edit: { span: { start: end, end }, newText: `${text.endsWith('\n') ? '' : '\n'}\n[activation_checkpoint]\nmode = "full"\n` }, editKeys: 'activation_checkpoint.mode = "full"' };
  }
  // LLaMA-Factory checkpoints unless told not to (that switch says the opposite, and is never rewritten).
  const dialect = recipeDialect(c.a);
  const edit = dialect === 'axolotl' || dialect === 'trl' ? appendToYaml(c, ['gradient_checkpointing: true']) : undefined;
  return edit && { edit, editKeys: 'gradient_checkpointing = true' };
}

/** The LoRA keys of each recipe dialect: rank 16 on every linear layer. */
const LORA_LINES: Readonly<Record<Exclude<RecipeDialect, 'llamafactory'>, readonly string[]>> = {
  axolotl: ['lora_r: 16', 'lora_alpha: 32', 'lora_dropout: 0.05', 'lora_target_linear: true'],
  trl: ['use_peft: true', 'lora_r: 16', 'lora_alpha: 32', 'lora_target_modules: all-linear'],
};

/** A recipe switched to LoRA or QLoRA in its own keys: the edit and the keys it writes, or undefined where it cannot be. */
function adapterEdit(c: FixContext, dialect: RecipeDialect, kind: 'lora' | 'qlora', withCheckpointing = false): Pick<Candidate, 'edit' | 'editKeys'> | undefined {
  if (dialect === 'llamafactory') {
    // LLaMA-Factory: finetuning_type lora (its default rank and targets), with bitsandbytes 4-bit for QLoRA.
    const source = c.a.config.training.sources.find(x => x.key === 'finetuning_type');
    const atTop = source !== undefined && c.text.lastIndexOf('\n', source.keySpan.start - 1) + 1 === source.keySpan.start;
    if (!source || (kind === 'qlora' && (!atTop || /^quantization_bit\s*:/m.test(c.text)))) {
      return undefined;
    }
    const newText = kind === 'qlora' ? 'lora\nquantization_bit: 4' : 'lora';
    return { edit: { span: source.valueSpan, newText }, editKeys: kind === 'qlora' ? 'finetuning_type = lora, quantization_bit = 4' : 'finetuning_type = lora' };
  }
  const lines = [
    ...(dialect === 'axolotl' ? [`adapter: ${kind}`, ...(kind === 'qlora' ? ['load_in_4bit: true'] : []), ...LORA_LINES.axolotl] : [...LORA_LINES.trl, ...(kind === 'qlora' ? ['load_in_4bit: true'] : [])]),
    ...(withCheckpointing ? ['gradient_checkpointing: true'] : []),
  ];
  const edit = appendToYaml(c, lines);
  return edit && { edit, editKeys: lines.map(l => l.replace(/: /, ' = ')).join(', ') };
}

/**
 * Lines added at the end of a YAML recipe whose model key sits at the top level (`base_model: …` at column 0), where
 * none of their keys is written yet (a second one would be a duplicate key); undefined in any other file.
 */
function appendToYaml(c: FixContext, lines: readonly string[]): FileEdit | undefined {
  const ref = c.a.config.catalog;
  const text = c.text;
  if (!ref || text.lastIndexOf('\n', ref.keySpan.start - 1) + 1 !== ref.keySpan.start || text[ref.keySpan.end] !== ':') {
    return undefined;
  }
  if (lines.some(l => new RegExp(`^${l.slice(0, l.indexOf(':'))}\\s*:`, 'm').test(text))) {
    return undefined;
  }
  const end = text.length;
  return { span: { start: end, end }, newText: `${end === 0 || text.endsWith('\n') ? '' : '\n'}${lines.join('\n')}\n` };
}

/** A candidate as a fix: the file's edit where it states the setting (its edited text estimated again), else the setting. */
function realize(c: FixContext, candidate: Candidate, reanalyze?: (editedText: string) => DocumentAnalysis): Fix | undefined {
  const { a, s, text, mode, capacity, budget } = c;
  const peak = candidate.peak ?? c.peakWith(candidate.patch);
  if (peak > budget) {
    return undefined;
  }
  const source = candidate.fileSetting ? c.sourceOf(candidate.fileSetting) : undefined;
  // The file states the option only through another key (a product of degrees, a file it names): no edit writes it
  // there, and a setting would not change it.
  if (source?.derived) {
    return undefined;
  }
  const original = source ? text.slice(source.valueSpan.start, source.valueSpan.end) : '';
  const result = (bytes: number) => `→ ${formatBytes(bytes)} of ${formatBytes(capacity)}`;
  const base = { kind: candidate.kind, value: candidate.value, capacityBytes: capacity, preferred: false };
  if (candidate.edit) {
    const edited = reanalyze ? peakAfterEdit(reanalyze, text, candidate.edit.span, candidate.edit.newText, a.config.name, mode) : peak;
    return edited <= budget ? { ...base, title: `${candidate.label}: ${candidate.editKeys} ${result(edited)}`, edit: candidate.edit, peakBytes: edited } : undefined;
  }
  if (source && candidate.fileText) {
    const newText = candidate.fileText(original);
    // An edit can change more than the one option (LitGPT's devices also bring FSDP, checkpointing and a new
    // accumulation count): where the caller can re-read the file, the edited text itself is estimated.
    const edited = reanalyze ? peakAfterEdit(reanalyze, text, source.valueSpan, newText, a.config.name, mode, candidate.sameGpus ? s.gpus : undefined) : peak;
    return edited <= budget ? { ...base, title: `${candidate.label}: ${source.key} = ${newText} ${result(edited)}`, edit: { span: source.valueSpan, newText }, peakBytes: edited } : undefined;
  }
  if (candidate.setting && !(candidate.fileSetting && source)) {
    // A training file runs as it and its framework say: a setting stands in only for what its launcher decides (the
    // GPUs); checkpointing, precision, the optimizer or adapters it leaves out are its framework's defaults.
    if (a.intent === 'training' && mode === 'training' && candidate.setting.setting !== 'gpus') {
      return undefined;
    }
    const names = [candidate.setting, ...(candidate.alsoSettings ?? [])].map(x => `vramLens.${x.setting}`);
    return {
      ...base,
      title: `${candidate.label} (setting${names.length > 1 ? 's' : ''} ${names.join(', ')}) ${result(peak)}`,
      setting: candidate.setting,
      ...(candidate.alsoSettings ? { alsoSettings: candidate.alsoSettings } : {}),
      peakBytes: peak,
    };
  }
  return undefined;
}

/** The same card with the safety margin taken off: searches over it stop at (100 − margin) % of the card. */
function withMargin(gpu: Gpu, marginPct: number): Gpu {
  return { ...gpu, memoryMiB: gpu.memoryMiB * (1 - marginPct / 100) };
}

/**
 * Fixes for a config that does not fit the target GPU in one mode, each computed with the engine to really fit below
 * the safety margin (`fixMarginPct`, 5 % of the card by default); fixes that would still not fit are not offered.
 * Where the file states the setting, the fix edits the file; otherwise it changes the VRAM Lens setting that stands
 * in for it. Inference is offered quantized weights first, training its memory switches; more GPUs come last.
 */
export function fixesFor(
  a: ConfigAnalysis,
  options: AnalysisOptions,
  gpu: Gpu,
  mode: FitMode,
  text: string,
  gpus?: readonly Gpu[],
  reanalyze?: (editedText: string) => DocumentAnalysis,
  forced: Partial<AnalysisOptions> = {},
): Fix[] {
  const est = a.estimate;
  if (!est) {
    return [];
  }
  const budgetGpu = withMargin(gpu, options.fixMarginPct ?? DEFAULT_FIX_MARGIN_PCT);
  const budget = gpuMemoryBytes(budgetGpu);
  const peakWith = (patch: Partial<AnalysisOptions>) => peakIn(analyzeConfig(a.config, options, undefined, { ...forced, ...patch }).estimate, mode);
  const c: FixContext = {
    a,
    s: est.settings,
    options,
    forced,
    gpu,
    budgetGpu,
    budget,
    capacity: gpuMemoryBytes(gpu),
    mode,
    text,
    sourceOf: option => a.config.training.sources.find(x => x.option === option),
    peakWith,
    firstFitting: (choices, patchOf) => {
      for (const choice of choices) {
        const peak = peakWith(patchOf(choice));
        if (peak <= budget) {
          return { choice, peak };
        }
      }
      return undefined;
    },
  };
  const candidates = mode === 'inference' ? [...quantizationCandidates(c), ...shapeCandidates(c)] : [...shapeCandidates(c), ...trainingCandidates(c)];
  const fixes = candidates.map(x => realize(c, x, reanalyze)).filter((f): f is Fix => f !== undefined);
  const found = [...fixes, ...gpuFixes(c, gpus)];
  return (found.length > 0 ? found : adapterElsewhereFixes(c, gpus)).map((f, i) => ({ ...f, preferred: i === 0 }));
}
