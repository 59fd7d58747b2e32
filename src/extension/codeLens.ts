// The CodeLens above each config (and one for what a file holds past the first 100 configs).
import * as vscode from 'vscode';
import { checkpointLensTitle, lensTitle, omittedConfigsMessage } from '../core/explain';
import type { AnalysisCache } from './analysisCache';
import { ESTIMATE_COMMAND } from './commands';
import { unknownModelLensTitle } from '../core/analyze';
import { isEnabled } from './config';
import { Disposable } from './lifetime';
import { inDocument } from './notebookCells';
import { RESOLVE_MODEL_COMMAND } from './unknownModels';

export class VramCodeLensProvider extends Disposable implements vscode.CodeLensProvider {
  private readonly changed = this._register(new vscode.EventEmitter<void>());
  readonly onDidChangeCodeLenses = this.changed.event;

  constructor(private readonly cache: AnalysisCache) {
    super();
    this._register(cache.onDidInvalidate(() => this.changed.fire()));
  }

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    if (!isEnabled('codeLens', document.uri)) {
      return [];
    }
    const analysis = this.cache.get(document);
    if (analysis.checkpoint) {
      const start = document.positionAt(analysis.checkpoint.span.start);
      const title = checkpointLensTitle(analysis.checkpoint, analysis.gpu, analysis.options.cudaOverheadMiB * 1024 * 1024);
      return [new vscode.CodeLens(new vscode.Range(start, start), { title, command: '' })];
    }
    // In a notebook cell, configs loaded in other cells have their lens there.
    const lenses = analysis.configs.flatMap((a, index) => {
      if (!inDocument(a.config.span, document)) {
        return [];
      }
      const start = document.positionAt(a.config.span.start);
      return [new vscode.CodeLens(new vscode.Range(start, start), {
        title: lensTitle(a, analysis.options, analysis.gpu),
        tooltip: 'Open the VRAM report for this config',
        command: ESTIMATE_COMMAND,
        arguments: [document.uri, index],
      })];
    });
    // A name nothing resolves is never silent: a lens on it offers the ways to give VRAM Lens the model.
    for (const u of (analysis.unresolved ?? []).filter(x => inDocument(x.valueSpan, document))) {
      const start = document.positionAt(u.valueSpan.start);
      lenses.push(new vscode.CodeLens(new vscode.Range(start, start), {
        title: unknownModelLensTitle(u),
        command: RESOLVE_MODEL_COMMAND,
        arguments: [document.uri, u.name || u.key],
      }));
    }
    if (analysis.omitted) {
      const start = document.positionAt(analysis.omitted.span.start);
      lenses.push(new vscode.CodeLens(new vscode.Range(start, start), { title: `VRAM Lens: ${omittedConfigsMessage(analysis.omitted)}`, command: '' }));
    }
    return lenses;
  }
}
