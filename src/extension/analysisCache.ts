// One analysis per document version, shared by every editor feature, with the folder's settings and GPUs.
import * as vscode from 'vscode';
import { Disposable } from './lifetime';
import { analyzeDocument, type DocumentAnalysis } from '../core/analyze';
import type { AnalysisOptions } from '../core/options';
import { formatFor, parseConfig, type ConfigFormat } from '../parse';
import { readOptions, SECTION } from './config';
import type { ModelResolver } from './modelResolver';
import { codeCellsOf, fromCell, joinedCode, notebookOf } from './notebookCells';
import type { NotebookCode } from '../parse/notebook';
import type { WorkspaceGpus } from './workspaceGpus';

interface Entry {
  readonly version: number;
  readonly analysis: DocumentAnalysis;
}

/** A notebook's code cells read together, and each cell's view of that analysis. */
interface NotebookEntry {
  readonly key: string;
  readonly code: NotebookCode;
  readonly analysis: DocumentAnalysis;
  readonly views: Map<number, DocumentAnalysis>;
}

/** A notebook's code cells analysed together: the analysis, the joined code its offsets are in, and the cells. */
export interface NotebookAnalysis {
  readonly analysis: DocumentAnalysis;
  readonly code: NotebookCode;
  readonly cells: readonly vscode.NotebookCell[];
}

const EMPTY: Omit<DocumentAnalysis, 'options'> = { configs: [], problems: [], gpu: undefined };

/** The reader for a document: by language, or by file name for TOML (VS Code has no built-in TOML language). */
export function formatOf(document: vscode.TextDocument): ConfigFormat | undefined {
  const byName = formatFor(document.uri.path);
  return formatFor(document.languageId) ?? (byName === 'toml' || byName === 'modelfile' || byName === 'dockerfile' ? byName : undefined);
}

/**
 * One analysis per document version, shared by CodeLens, hover, diagnostics, code actions, the status bar and
 * the report. Entries are dropped when a document closes and all of them when a VRAM Lens setting changes.
 */
export class AnalysisCache extends Disposable {
  private readonly entries = new Map<string, Entry>();
  /** Settings per workspace folder: reading configuration costs more than analysing a config. */
  private readonly options = new Map<string, AnalysisOptions>();
  private readonly changed = this._register(new vscode.EventEmitter<void>());
  /** Fires when cached results became stale for a reason other than an edit (settings). */
  readonly onDidInvalidate = this.changed.event;

  constructor(private readonly workspaceGpus: WorkspaceGpus, private readonly models?: ModelResolver) {
    super();
    this._register(workspaceGpus.onDidChange(() => this.invalidate()));
    if (models) {
      this._register(models.onDidChange(() => this.invalidate()));
    }
    this._register(vscode.workspace.onDidCloseTextDocument(d => this.entries.delete(d.uri.toString())));
    this._register(vscode.workspace.onDidCloseNotebookDocument(nb => this.notebooks.delete(nb.uri.toString())));
    // An edit in one cell changes what the others see (a model id set in an earlier cell).
    this._register(vscode.workspace.onDidChangeNotebookDocument(() => this.changed.fire()));
    this._register(
      vscode.workspace.onDidChangeConfiguration(e => {
        if (e.affectsConfiguration(SECTION)) {
          this.invalidate();
        }
      }),
    );
  }

  /** Drops every cached result and settings read (settings or the workspace's GPU list changed). */
  invalidate(): void {
    this.entries.clear();
    this.notebooks.clear();
    this.options.clear();
    this.changed.fire();
  }

  get(document: vscode.TextDocument): DocumentAnalysis {
    const notebook = notebookOf(document);
    if (notebook) {
      return this.cellAnalysis(document, notebook);
    }
    const key = document.uri.toString();
    const cached = this.entries.get(key);
    if (cached && cached.version === document.version) {
      return cached.analysis;
    }
    const analysis = this.analyzeFresh(document);
    this.entries.set(key, { version: document.version, analysis });
    // Names the catalog lacks (or local folders it might) are looked up in the background; the result re-analyses.
    this.models?.request(document, analysis);
    return analysis;
  }

  /**
   * Per notebook, while its code cells keep their versions: the analysis of all of them, and each cell's view of it
   * (computed once per cell, not per lens, hover or diagnostic request).
   */
  private readonly notebooks = new Map<string, NotebookEntry>();

  /**
   * A notebook cell sees the analysis of all the notebook's code cells read together, in order, as the kernel runs
   * them (a model id in one cell, from_pretrained in another), with offsets in the cell's own text.
   */
  private cellAnalysis(cell: vscode.TextDocument, notebook: vscode.NotebookDocument): DocumentAnalysis {
    const { entry, cells } = this.notebookEntry(cell, notebook);
    const index = cells.find(c => c.document === cell)?.index;
    if (index === undefined) {
      return { ...EMPTY, options: entry.analysis.options };
    }
    let view = entry.views.get(index);
    if (!view) {
      view = fromCell(entry.analysis, entry.code, index);
      entry.views.set(index, view);
    }
    return view;
  }

  /** The notebook's entry while its code cells keep their versions, analysed again when one changed. */
  private notebookEntry(cell: vscode.TextDocument, notebook: vscode.NotebookDocument): { entry: NotebookEntry; cells: vscode.NotebookCell[] } {
    const { cells, key } = codeCellsOf(notebook);
    let entry = this.notebooks.get(notebook.uri.toString());
    if (!entry || entry.key !== key) {
      const code = joinedCode(cells);
      entry = { key, code, analysis: this.analyzeText(cell, code.text, 'python'), views: new Map() };
      this.notebooks.set(notebook.uri.toString(), entry);
      this.models?.request(cell, entry.analysis);
    }
    return { entry, cells };
  }

  /**
   * For a notebook cell: the analysis of the whole notebook's code, that code, and its code cells — what a quick fix
   * needs when the key it edits sits in another cell than the diagnostic.
   */
  notebookOfCell(cell: vscode.TextDocument): NotebookAnalysis | undefined {
    const notebook = notebookOf(cell);
    if (!notebook) {
      return undefined;
    }
    const { entry, cells } = this.notebookEntry(cell, notebook);
    return { analysis: entry.analysis, code: entry.code, cells };
  }

  /** One analysis of the document's current text, bypassing the cache (for the editor benchmark). */
  analyzeFresh(document: vscode.TextDocument): DocumentAnalysis {
    const format = formatOf(document);
    return format ? this.analyzeText(document, document.getText(), format) : { ...EMPTY, options: this.optionsFor(document.uri) };
  }

  /** Analyses `text` with the settings and known models of `document`'s folder; never throws. */
  private analyzeText(document: vscode.TextDocument, text: string, format: ConfigFormat): DocumentAnalysis {
    const known = this.models?.known(vscode.Uri.joinPath(document.uri, '..'));
    const options = known ? { ...this.optionsFor(document.uri), models: known.models, lookupFailures: known.failures, attachedConfigs: known.attached } : this.optionsFor(document.uri);
    try {
      return analyzeDocument(parseConfig(text, format), options);
    } catch (e) {
      // A bug in a reader must never reach the extension host as an exception: annotate nothing instead.
      console.error('VRAM Lens: analysis failed', e);
      return { ...EMPTY, options };
    }
  }

  /**
   * The settings that apply to a resource (the active folder's without one), with the GPUs its folder lists,
   * read once per folder until a VRAM Lens setting or the folder's GPU list changes.
   */
  optionsFor(uri: vscode.Uri | undefined): AnalysisOptions {
    const folder = uri ? vscode.workspace.getWorkspaceFolder(uri) : vscode.workspace.workspaceFolders?.[0];
    const key = folder?.uri.toString() ?? '';
    let options = this.options.get(key);
    if (!options) {
      options = readOptions(uri ?? folder?.uri, this.workspaceGpus.for(uri ?? folder?.uri));
      this.options.set(key, options);
    }
    return options;
  }

  override dispose(): void {
    this.entries.clear();
    this.options.clear();
    super.dispose();
  }
}
