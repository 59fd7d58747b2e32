// What every editor feature asks of a document: the name its reports carry, and the config at a position.
import type * as vscode from 'vscode';
import { configIndexAt, type ConfigAnalysis, type DocumentAnalysis } from '../core/analyze';

/** The file's name as report titles say it (`config.json`), else its whole URI. */
export function fileName(uri: vscode.Uri): string {
  return uri.path.split('/').pop() || uri.toString();
}

/** The index of the config whose text holds a position (the cursor, a diagnostic's start), if any. */
export function configIndexAtPosition(analysis: DocumentAnalysis, document: vscode.TextDocument, position: vscode.Position): number | undefined {
  return configIndexAt(analysis, document.offsetAt(position));
}

/** The config whose text holds a position, else the file's first. */
export function configAt(analysis: DocumentAnalysis, document: vscode.TextDocument, position: vscode.Position): ConfigAnalysis | undefined {
  return analysis.configs[configIndexAtPosition(analysis, document, position) ?? 0];
}
