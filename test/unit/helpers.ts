import * as fs from 'fs';
import * as path from 'path';
import { analyzeDocument, DEFAULT_OPTIONS, type ConfigAnalysis } from '../../src/core/analyze';
import type { AnalysisOptions } from '../../src/core/options';
import { parseConfig } from '../../src/parse';

/** The repository root (the unit tests run from out/test/unit). */
export const ROOT = path.resolve(__dirname, '..', '..', '..');
/** Real public files and published numbers, copied into the repository with their sources (SOURCES.md there). */
export const PUBLIC = path.join(ROOT, 'test', 'fixtures', 'public');
/** Configs with exact published parameter counts, and published memory measurements. */
export const REFERENCE = path.join(PUBLIC, 'reference');

export function readReference(relative: string): string {
  const file = path.join(REFERENCE, relative);
  if (!fs.existsSync(file)) {
    throw new Error(`Reference file missing: ${file}`);
  }
  return fs.readFileSync(file, 'utf8');
}

export function analyzeJson(text: string, options: Partial<AnalysisOptions> = {}): ConfigAnalysis[] {
  return [...analyzeDocument(parseConfig(text, 'json'), { ...DEFAULT_OPTIONS, ...options }).configs];
}

export function onlyConfig(text: string, options: Partial<AnalysisOptions> = {}): ConfigAnalysis {
  const configs = analyzeJson(text, options);
  if (configs.length !== 1) {
    throw new Error(`expected one model config, found ${configs.length}`);
  }
  return configs[0];
}
