// Jupyter notebooks (.ipynb): their code cells read together, in order, as the kernel runs them, with where each cell sits in that code.

/** One code cell's place in the notebook's code. */
export interface CodeCell {
  /** The cell's position among all the notebook's cells, from 0. */
  readonly index: number;
  /** Where the cell's text starts and ends in `NotebookCode.text`. */
  readonly start: number;
  readonly end: number;
}

/** A notebook's code cells as one Python text, one cell after another. */
export interface NotebookCode {
  readonly text: string;
  readonly cells: readonly CodeCell[];
}

/** Notebooks carry outputs (images, tables) beside the code: far larger files than any config are still read. */
export const MAX_NOTEBOOK_BYTES = 32 * 1024 * 1024;

/**
 * IPython's shell escapes and magics (`!pip install …`, `%%capture`) are not Python: they become comments of the same
 * length, so offsets in the cell stay where they are.
 */
function pythonOnly(source: string): string {
  return source.replace(/^([ \t]*)([!%].*)$/gm, (_, indent: string, line: string) => `${indent}#${line.slice(1)}`);
}

/** Joins code cells as the kernel runs them, top to bottom; `separator` between cells keeps lines apart. */
export function joinCells(cells: readonly { readonly index: number; readonly source: string }[]): NotebookCode {
  let text = '';
  const placed: CodeCell[] = [];
  for (const cell of cells) {
    const source = pythonOnly(cell.source);
    placed.push({ index: cell.index, start: text.length, end: text.length + source.length });
    text += `${source}\n`;
  }
  return { text, cells: placed };
}

/** The code cells of an .ipynb file's JSON, or undefined when the text is not a notebook. */
export function notebookCode(ipynb: string): NotebookCode | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(ipynb);
  } catch {
    return undefined;
  }
  const cells = (parsed as { cells?: unknown })?.cells;
  if (!Array.isArray(cells)) {
    return undefined;
  }
  const code: { index: number; source: string }[] = [];
  cells.forEach((c: { cell_type?: unknown; source?: unknown }, index) => {
    if (c?.cell_type !== 'code') {
      return;
    }
    const source = Array.isArray(c.source) ? c.source.filter(s => typeof s === 'string').join('') : typeof c.source === 'string' ? c.source : '';
    code.push({ index, source });
  });
  return joinCells(code);
}

/** The cell an offset of the joined code falls in, and the offset within it. */
export function cellAt(code: NotebookCode, offset: number): { cell: CodeCell; offset: number } | undefined {
  const cell = code.cells.find(c => offset >= c.start && offset <= c.end);
  return cell && { cell, offset: offset - cell.start };
}
