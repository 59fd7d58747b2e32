// What each config's file is for — a training run, an inference run, or a bare model — and the modes it is judged in.
import type { AnalysisOptions } from './options';
import type { FoundConfig } from './spec';
import type { Mode } from './types';

/** What a config's file is for: training (a recipe, a trainer script), inference (serving, evaluation, generation) or a bare model. */
export type ConfigIntent = 'model' | 'training' | 'inference';

/** How the CLI, the status bar and the report name each intent. */
export const INTENT_WORDS: Readonly<Record<ConfigIntent, string>> = { model: 'model config', training: 'training run', inference: 'inference run' };

/** A fit judged in one mode. */
export type JudgedMode = Exclude<Mode, 'both'>;

/** Settings only a training run has: a file that states one is a training recipe. */
const TRAINING_ONLY: ReadonlySet<keyof AnalysisOptions> = new Set<keyof AnalysisOptions>([
  'optimizer', 'gradientAccumulationSteps', 'checkpointing', 'checkpointEvery', 'selectiveOps', 'recomputeMethod', 'recomputeLayers',
  'lora', 'trainedLayers', 'qloraKernel', 'zeroStage', 'offloadOptimizer', 'offloadParameters', 'hybridShard', 'shardGroup', 'fsdpVersion', 'zero3Init',
  'reduceBucketSize', 'prefetchBucketSize', 'maxLiveParameters', 'overlapComm', 'contiguousGradients', 'deepspeed',
  'fusedOptimizer', 'optimizerInBackward', 'activationOffloading', 'unslothKernels', 'compiledLoss', 'loss', 'fp32Gradients',
  'virtualPipelineStages', 'pipelineSchedule', 'float8Linear', 'float8AllGather', 'asyncTensorParallel', 'unshardedAccumulation', 'preference',
]);

/** Keys that name a training quantity (`per_device_train_batch_size`, `train.micro_batch_size`, `training.seq_len`). */
const TRAINING_KEY = /(^|[._])train(ing)?([._]|$)|train_/;

/**
 * What the file a config comes from is for. Inference: it starts a serving engine, its script only generates
 * (`model.generate`, a pipeline call, `LLM(…)`), or it evaluates (`eval_only = True`, `do_train: false`). Training: a
 * framework's recipe, a trainer script, or any setting only training has. Otherwise a bare model config.
 */
export function configIntent(config: FoundConfig): ConfigIntent {
  const t = config.training;
  if (config.serving || t.purpose === 'inference') {
    return 'inference';
  }
  const trains = t.purpose === 'training' || t.framework !== undefined || t.sources.some(s => TRAINING_ONLY.has(s.option as keyof AnalysisOptions) || TRAINING_KEY.test(s.key));
  return trains ? 'training' : 'model';
}

/**
 * The modes a config is judged in (its verdicts, diagnostics, fixes, status bar): the user's mode when it names one,
 * else what the file is for — both for a bare model config.
 */
export function judgedModes(intent: ConfigIntent, mode: Mode): readonly JudgedMode[] {
  if (mode !== 'both') {
    return [mode];
  }
  return intent === 'model' ? ['inference', 'training'] : [intent];
}

/** The mode a single figure stands for (the status bar's number, a chart's bar): the first judged one. */
export function primaryMode(intent: ConfigIntent, mode: Mode): JudgedMode {
  return judgedModes(intent, mode)[0];
}
