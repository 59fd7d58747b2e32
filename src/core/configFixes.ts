// Every quick fix of one config, for the editor's code actions and the CLI's JSON alike: its serving engine's, or one list per judged mode it does not fit in.
import type { ConfigAnalysis, DocumentAnalysis } from './analyze';
import type { AnalysisOptions } from './options';
import { gpuList } from './analyze';
import { fixesFor } from './fixes';
import { fixFits, type Fix, type FixKind } from './fixContext';
import { judgedModes, type JudgedMode } from './intent';
import { localFixes, servingFixes } from './servingFixes';

/** The fixes of one diagnostic: a judged mode that does not fit, or a serving command its engine would refuse. */
export type FixMode = JudgedMode | 'serving';

/** One fix as the CLI's JSON gives it (`configs[].fixes[]`). */
export interface FixJson {
  readonly mode: FixMode;
  readonly kind: FixKind;
  readonly title: string;
  readonly value: string | number | boolean;
  readonly peakBytes: number;
  readonly fits: boolean;
}

/** The modes a config gets fixes in: the serving engine's, else each judged mode its estimate does not fit. */
export function failingModes(doc: DocumentAnalysis, a: ConfigAnalysis): FixMode[] {
  if (a.serving || a.local) {
    const needsFix = a.serving ? !a.serving.starts : !a.local!.fits || a.local!.note !== undefined;
    return needsFix ? ['serving'] : [];
  }
  const v = a.verdict;
  return v ? judgedModes(a.intent, doc.options.mode).filter(m => !v[m]) : [];
}

/**
 * The fixes of a config in one mode, computed with the engine (or the serving planner) to fit. `reanalyze` re-reads
 * an edited text, so that an edit that changes more than one option is judged by its own estimate.
 */
export function fixesIn(
  doc: DocumentAnalysis,
  a: ConfigAnalysis,
  mode: FixMode,
  text: string,
  reanalyze?: (editedText: string) => DocumentAnalysis,
  forced: Partial<AnalysisOptions> = {},
): Fix[] {
  const gpu = doc.gpu;
  if (!gpu) {
    return [];
  }
  if (mode === 'serving') {
    return [...servingFixes(a, gpu, text), ...localFixes(a, gpu, text)];
  }
  return fixesFor(a, doc.options, gpu, mode, text, gpuList(doc.options), reanalyze, forced);
}

/** Every fix of a config as the CLI's JSON lists them, mode by mode. */
export function fixesJson(
  doc: DocumentAnalysis,
  a: ConfigAnalysis,
  text: string,
  reanalyze?: (editedText: string) => DocumentAnalysis,
  forced: Partial<AnalysisOptions> = {},
): FixJson[] {
  return failingModes(doc, a).flatMap(mode =>
    fixesIn(doc, a, mode, text, reanalyze, forced).map(f => ({ mode, kind: f.kind, title: f.title, value: f.value, peakBytes: f.peakBytes, fits: fixFits(f) })),
  );
}
