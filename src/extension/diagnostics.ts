// The Problems panel: diagnostics recomputed after typing pauses, replaced in one step, cleared on close.
import * as vscode from 'vscode';
import { diagnose } from '../core/diagnose';
import type { AnalysisCache } from './analysisCache';
import { isEnabled } from './config';
import { inDocument } from './notebookCells';

export const DIAGNOSTIC_SOURCE = 'VRAM Lens';
const DELAY_MS = 300;

const SEVERITY = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  info: vscode.DiagnosticSeverity.Information,
} as const;

/**
 * Keeps the diagnostics of open config documents current: recomputed after typing pauses (so they don't
 * flicker while a number is half-typed), replaced in one step, and removed when the document closes.
 */
export class DiagnosticsManager implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('vramLens');
  private readonly pending = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly cache: AnalysisCache,
    private readonly isSupported: (document: vscode.TextDocument) => boolean,
  ) {
    this.disposables.push(
      this.collection,
      vscode.workspace.onDidOpenTextDocument(d => this.schedule(d, 0)),
      vscode.workspace.onDidChangeTextDocument(e => this.schedule(e.document, DELAY_MS)),
      vscode.workspace.onDidCloseTextDocument(d => this.forget(d.uri)),
      cache.onDidInvalidate(() => this.refreshAll()),
    );
    this.refreshAll();
  }

  private refreshAll(): void {
    for (const d of vscode.workspace.textDocuments) {
      this.schedule(d, 0);
    }
  }

  private schedule(document: vscode.TextDocument, delay: number): void {
    if (!this.isSupported(document)) {
      return;
    }
    const key = document.uri.toString();
    const previous = this.pending.get(key);
    if (previous !== undefined) {
      clearTimeout(previous);
    }
    this.pending.set(
      key,
      setTimeout(() => {
        this.pending.delete(key);
        if (!document.isClosed) {
          this.update(document);
        }
      }, delay),
    );
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
    const key = uri.toString();
    const timer = this.pending.get(key);
    if (timer !== undefined) {
      clearTimeout(timer);
      this.pending.delete(key);
    }
    this.collection.delete(uri);
  }

  dispose(): void {
    for (const t of this.pending.values()) {
      clearTimeout(t);
    }
    this.pending.clear();
    for (const d of this.disposables) {
      d.dispose();
    }
  }
}
