// The Problems panel: diagnostics recomputed after typing pauses, replaced in one step, cleared on close.
import * as vscode from 'vscode';
import { diagnose } from '../core/diagnose';
import type { AnalysisCache } from './analysisCache';
import { isEnabled } from './config';
import { Debouncer, Disposable, TYPING_PAUSE_MS } from './lifetime';
import { inDocument } from './notebookCells';

export const DIAGNOSTIC_SOURCE = 'VRAM Lens';

const SEVERITY = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  info: vscode.DiagnosticSeverity.Information,
} as const;

/**
 * Keeps the diagnostics of open config documents current: recomputed after typing pauses (so they don't
 * flicker while a number is half-typed), replaced in one step, and removed when the document closes.
 */
export class DiagnosticsManager extends Disposable {
  private readonly collection = this._register(vscode.languages.createDiagnosticCollection('vramLens'));
  private readonly debouncer = this._register(new Debouncer());

  constructor(
    private readonly cache: AnalysisCache,
    private readonly isSupported: (document: vscode.TextDocument) => boolean,
  ) {
    super();
    this._register(vscode.workspace.onDidOpenTextDocument(d => this.schedule(d, 0)));
    this._register(vscode.workspace.onDidChangeTextDocument(e => this.schedule(e.document, TYPING_PAUSE_MS)));
    this._register(vscode.workspace.onDidCloseTextDocument(d => this.forget(d.uri)));
    this._register(cache.onDidInvalidate(() => this.refreshAll()));
    this.refreshAll();
  }

  private refreshAll(): void {
    for (const d of vscode.workspace.textDocuments) {
      this.schedule(d, 0);
    }
  }

  private schedule(document: vscode.TextDocument, delay: number): void {
    if (this.isSupported(document)) {
      this.debouncer.run(document.uri.toString(), delay, () => {
        if (!document.isClosed) {
          this.update(document);
        }
      });
    }
  }

  private update(document: vscode.TextDocument): void {
    // In a notebook cell, only what lies in that cell (the notebook is analysed as a whole).
    const problems = isEnabled('diagnostics', document.uri) ? diagnose(this.cache.get(document)).filter(p => inDocument(p.span, document)) : [];
    this.collection.set(
      document.uri,
      problems.map(p => {
        const range = new vscode.Range(document.positionAt(p.span.start), document.positionAt(p.span.end));
        const d = new vscode.Diagnostic(range, p.message.replace(/`/g, ''), SEVERITY[p.severity]);
        d.source = DIAGNOSTIC_SOURCE;
        d.code = p.code;
        return d;
      }),
    );
  }

  private forget(uri: vscode.Uri): void {
    this.debouncer.cancel(uri.toString());
    this.collection.delete(uri);
  }
}
