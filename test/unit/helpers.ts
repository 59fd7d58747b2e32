import * as fs from 'fs';
import * as path from 'path';
import { analyzeDocument, DEFAULT_OPTIONS, type AnalysisOptions, type ConfigAnalysis } from '../../src/core/analyze';
import { parseConfig } from '../../src/parse';

/** The repository root (the unit tests run from out/test/unit). */
export const ROOT = path.resolve(__dirname, '..', '..', '..');
/** Real public configs and their published numbers, shared by every checkout at ../shared. */
export const REFERENCE = path.resolve(ROOT, '..', 'shared', 'reference');

export function readReference(relative: string): string {
  const file = path.join(REFERENCE, relative);
  if (!fs.existsSync(file)) {
    throw new Error(`Reference file missing: ${file} (the tests expect shared/ beside the repository)`);
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
