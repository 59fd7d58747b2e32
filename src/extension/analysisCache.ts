import * as vscode from 'vscode';
import { analyzeDocument, type AnalysisOptions, type DocumentAnalysis } from '../core/analyze';
import { formatFor, parseConfig } from '../parse';
import { readOptions, SECTION } from './config';

interface Entry {
  readonly version: number;
  readonly analysis: DocumentAnalysis;
}

const EMPTY: Omit<DocumentAnalysis, 'options'> = { configs: [], problems: [], gpu: undefined };

/**
 * One analysis per document version, shared by CodeLens, hover, diagnostics and the report.
 * Entries are dropped when a document closes and all of them when a VRAM Lens setting changes.
 */
export class AnalysisCache implements vscode.Disposable {
  private readonly entries = new Map<string, Entry>();
  /** Settings per workspace folder: reading configuration costs more than analysing a config. */
  private static readonly options = new Map<string, AnalysisOptions>();
  private readonly disposables: vscode.Disposable[] = [];
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires when cached results became stale for a reason other than an edit (settings). */
  readonly onDidInvalidate = this.changed.event;

  constructor() {
    this.disposables.push(
      this.changed,
      vscode.workspace.onDidCloseTextDocument(d => this.entries.delete(d.uri.toString())),
      vscode.workspace.onDidChangeConfiguration(e => {
        if (e.affectsConfiguration(SECTION)) {
          this.entries.clear();
          AnalysisCache.options.clear();
          this.changed.fire();
        }
      }),
    );
  }

  get(document: vscode.TextDocument): DocumentAnalysis {
    const key = document.uri.toString();
    const cached = this.entries.get(key);
    if (cached && cached.version === document.version) {
      return cached.analysis;
    }
    const analysis = analyze(document);
    this.entries.set(key, { version: document.version, analysis });
    return analysis;
  }

  /** The settings that apply to a document, read once per folder until a VRAM Lens setting changes. */
  static optionsFor(document: vscode.TextDocument): AnalysisOptions {
    const folder = vscode.workspace.getWorkspaceFolder(document.uri)?.uri.toString() ?? '';
    let options = AnalysisCache.options.get(folder);
    if (!options) {
      options = readOptions(document.uri);
      AnalysisCache.options.set(folder, options);
    }
    return options;
  }

  dispose(): void {
    this.entries.clear();
    AnalysisCache.options.clear();
    for (const d of this.disposables) {
      d.dispose();
    }
  }
}

/** One analysis of the document's current text, bypassing the cache. */
export function analyzeUncached(document: vscode.TextDocument): DocumentAnalysis {
  return analyze(document);
}

function analyze(document: vscode.TextDocument): DocumentAnalysis {
  const options = AnalysisCache.optionsFor(document);
  const format = formatFor(document.languageId) ?? (formatFor(document.uri.path) === 'toml' ? 'toml' : undefined);
  if (!format) {
    return { ...EMPTY, options };
  }
  try {
    return analyzeDocument(parseConfig(document.getText(), format), options);
  } catch (e) {
    // A bug in a reader must never reach the extension host as an exception: annotate nothing instead.
    console.error('VRAM Lens: analysis failed', e);
    return { ...EMPTY, options };
  }
}
