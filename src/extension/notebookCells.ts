// Notebook cells in the editor: a cell is analysed with the notebook's whole code (as the kernel runs it), then seen from that cell.
import * as vscode from 'vscode';
import type { DocumentAnalysis } from '../core/analyze';
import type { Span } from '../core/types';
import { joinCells, type NotebookCode } from '../parse/notebook';

/** The notebook a cell document belongs to, when it is one. */
export function notebookOf(cell: vscode.TextDocument): vscode.NotebookDocument | undefined {
  if (cell.uri.scheme !== 'vscode-notebook-cell') {
    return undefined;
  }
  return vscode.workspace.notebookDocuments.find(nb => nb.getCells().some(c => c.document === cell));
}

/** The notebook's Python code cells, and a key that changes whenever any of them changes (read without their text). */
export function codeCellsOf(notebook: vscode.NotebookDocument): { cells: vscode.NotebookCell[]; key: string } {
  const cells = notebook.getCells().filter(c => c.kind === vscode.NotebookCellKind.Code && c.document.languageId === 'python');
  return { cells, key: cells.map(c => `${c.index}:${c.document.version}`).join(',') };
}

/** The code cells joined in order, as the kernel runs them. */
export function joinedCode(cells: readonly vscode.NotebookCell[]): NotebookCode {
  return joinCells(cells.map(c => ({ index: c.index, source: c.document.getText() })));
}

function isSpan(v: unknown): v is Span {
  return typeof v === 'object' && v !== null && typeof (v as Span).start === 'number' && typeof (v as Span).end === 'number' && Object.keys(v).length === 2;
}

/** A copy of `value` with every span moved by `delta` (the analysis of the joined code, seen from one cell). */
function shifted<T>(value: T, delta: number, depth = 0): T {
  if (depth > 64 || typeof value !== 'object' || value === null) {
    return value;
  }
  if (isSpan(value)) {
    return { start: value.start + delta, end: value.end + delta } as T;
  }
  if (Array.isArray(value)) {
    return value.map(v => shifted(v, delta, depth + 1)) as T;
  }
  if (value instanceof Map || Object.getPrototypeOf(value) !== Object.prototype) {
    return value; // options' maps and other non-plain objects hold no spans
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] = k === 'options' || k === 'gpu' ? v : shifted(v, delta, depth + 1);
  }
  return out as T;
}

/** The notebook's analysis with offsets in `cell`'s own text: spans in other cells fall outside [0, its length]. */
export function fromCell(analysis: DocumentAnalysis, code: NotebookCode, cellIndex: number): DocumentAnalysis {
  const placed = code.cells.find(c => c.index === cellIndex);
  return placed ? shifted(analysis, -placed.start) : { ...analysis, configs: [], problems: [] };
}

/** True when a span of a cell's view of the analysis lies in that cell. */
export function inDocument(span: Span, document: vscode.TextDocument): boolean {
  return span.start >= 0 && span.start <= document.getText().length;
}

/**
 * Where an edit of the notebook's joined code lands: the cell whose text holds the whole span, with the span in that
 * cell's own offsets; none when it straddles cells or falls between them.
 */
export function cellOfSpan(span: Span, code: NotebookCode, cells: readonly vscode.NotebookCell[]): { document: vscode.TextDocument; span: Span } | undefined {
  const placed = code.cells.find(c => span.start >= c.start && span.end <= c.end);
  const cell = placed && cells.find(c => c.index === placed.index);
  return placed && cell ? { document: cell.document, span: { start: span.start - placed.start, end: span.end - placed.start } } : undefined;
}

/** Scrolls the notebook editor that shows `cellUri`'s cell to it, leaving the selection and focus where they are. */
export function revealCell(cellUri: unknown): void {
  if (!(cellUri instanceof vscode.Uri)) {
    return;
  }
  for (const editor of vscode.window.visibleNotebookEditors) {
    const cell = editor.notebook.getCells().find(c => c.document.uri.toString() === cellUri.toString());
    if (cell) {
      editor.revealRange(new vscode.NotebookRange(cell.index, cell.index + 1), vscode.NotebookEditorRevealType.InCenterIfOutsideViewport);
      return;
    }
  }
}
