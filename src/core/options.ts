// What the user chose for an analysis (settings, CLI flags), read by the engine, the CLI and the extension alike.
import type { AttachedConfigs } from './configTree';
import type { Gpu } from './gpus';
import type { ExternalModels } from './modelNames';
import type { Mode, RunSettings } from './types';

/** What the user chose (settings, CLI flags); the file's own values take precedence where it has them. */
export type AnalysisOptions = Omit<RunSettings, 'sequenceLength' | 'cudaOverheadBytes' | 'blasWorkspaceBytes' | 'deviceBytes'> & {
  readonly mode: Mode;
  readonly targetGpu: string;
  /** Undefined: the model's context length, capped at DEFAULT_MAX_SEQUENCE. */
  readonly sequenceLength: number | undefined;
  readonly cudaOverheadMiB: number;
  /** GPUs the user defined (setting vramLens.customGpus), looked up before the built-in list. */
  readonly customGpus?: readonly Gpu[];
  /** Models for names the catalog lacks: local folders, `vramLens.models`, the Hub's cache. */
  readonly models?: ExternalModels;
  /** Why a lookup of a name failed (the Hub: gated, absent, unreachable), to say on the name. */
  readonly lookupFailures?: ReadonlyMap<string, string>;
  /** Files the document's recipes name (DeepSpeed configs), read by the host, by the name written. */
  readonly attachedConfigs?: AttachedConfigs;
  /** The serving engine's release whose accounting applies (`vramLens.serving.engineVersion`); undefined: the current one. */
  readonly engineVersion?: string;
  /** The share of the card, in percent, quick fixes leave free (`vramLens.fixMargin`, CLI `--fix-margin`); undefined: 5. */
  readonly fixMarginPct?: number;
};
