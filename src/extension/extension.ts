import * as vscode from 'vscode';
import { formatFor } from '../parse';
import { AnalysisCache } from './analysisCache';
import { VramCodeLensProvider } from './codeLens';
import { ESTIMATE_COMMAND } from './commands';
import { DiagnosticsManager } from './diagnostics';
import { VramHoverProvider } from './hover';
import { ReportPanel } from './report';

/** The languages VRAM Lens reads; it activates on these only. TOML has no built-in language, so by file name too. */
export const SELECTOR: vscode.DocumentSelector = [
  { language: 'json' },
  { language: 'jsonc' },
  { language: 'yaml' },
  { language: 'python' },
  { language: 'toml' },
  { pattern: '**/*.toml' },
];

function isSupported(document: vscode.TextDocument): boolean {
  return formatFor(document.languageId) !== undefined || formatFor(document.uri.path) === 'toml';
}

/** Composition root: wires the shared analysis cache to every editor feature. */
export function activate(context: vscode.ExtensionContext): void {
  const cache = new AnalysisCache();
  const lenses = new VramCodeLensProvider(cache);
  const report = new ReportPanel(cache);

  context.subscriptions.push(
    cache,
    lenses,
    report,
    vscode.languages.registerCodeLensProvider(SELECTOR, lenses),
    vscode.languages.registerHoverProvider(SELECTOR, new VramHoverProvider(cache)),
    new DiagnosticsManager(cache, isSupported),
    vscode.commands.registerCommand(ESTIMATE_COMMAND, async (uri?: vscode.Uri) => {
      const document = uri ? await vscode.workspace.openTextDocument(uri) : vscode.window.activeTextEditor?.document;
      if (!document || !isSupported(document)) {
        void vscode.window.showInformationMessage('VRAM Lens: open a model config (config.json, a training YAML, a Python config or a TOML file) to estimate its VRAM.');
        return undefined;
      }
      return report.show(document);
    }),
  );
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
