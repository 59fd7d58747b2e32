// Editor audit (npm run bench:audit): every VRAM Lens quick fix on the bundled public configs, applied one at a time in a real VS Code, checked, and taken back.
import * as vscode from 'vscode';
import { EXCEEDS_INFERENCE, EXCEEDS_TRAINING, SERVING_DOES_NOT_START, SERVING_FITTED } from '../../../src/core/diagnose';
import { MODE_TITLES } from '../../../src/core/explain';
import { DEFAULT_FIX_MARGIN_PCT } from '../../../src/core/fixContext';
import { EXTENSION_ID, sleep, SOURCE, waitFor } from './workbench';

/** The cards the audit targets: a 12 GB consumer card, the usual 24 GB one, a data-centre card, and a 16 GB cloud one. */
const DEFAULT_GPUS = ['RTX 3060 12GB', 'RTX 4090', 'A100 80GB', 'T4'];
/** The folder of the run's own settings in the audit workspace (VRAM_LENS_AUDIT_GPUS lands there), never audited. */
const SETTINGS_DIR = '.audit';

/** The cards to target: the run's own list where one was given, else the four above. */
async function auditGpus(folder: vscode.Uri): Promise<string[]> {
  try {
    const list: unknown = JSON.parse(new TextDecoder().decode(await vscode.workspace.fs.readFile(vscode.Uri.joinPath(folder, SETTINGS_DIR, 'gpus.json'))));
    return Array.isArray(list) && list.length > 0 ? list.map(String) : DEFAULT_GPUS;
  } catch {
    return DEFAULT_GPUS;
  }
}
/** The diagnostics that carry quick fixes. */
const FIX_CODES = new Set([EXCEEDS_INFERENCE, EXCEEDS_TRAINING, SERVING_DOES_NOT_START, SERVING_FITTED]);
/** The same-card margin the fixes keep by default (vramLens.fixMargin). */
const MARGIN = 1 - DEFAULT_FIX_MARGIN_PCT / 100;

/** Polls `get` until `key` of its value stays the same for `quietMs` (the extension debounces its analysis), or `maxMs` passes. */
async function settle<T>(get: () => T | Thenable<T>, key: (v: T) => string, quietMs = 400, maxMs = 8000): Promise<T> {
  const end = Date.now() + maxMs;
  let v = await get();
  let last = key(v);
  let since = Date.now();
  while (Date.now() < end) {
    await sleep(100);
    v = await get();
    const k = key(v);
    if (k !== last) {
      last = k;
      since = Date.now();
    } else if (Date.now() - since >= quietMs) {
      break;
    }
  }
  return v;
}

/** Whether `ok` comes to hold within `maxMs`. */
async function until(ok: () => boolean, maxMs = 6000): Promise<boolean> {
  return waitFor(ok, held => held, maxMs);
}

async function listFiles(dir: vscode.Uri): Promise<vscode.Uri[]> {
  const out: vscode.Uri[] = [];
  for (const [name, type] of await vscode.workspace.fs.readDirectory(dir)) {
    const uri = vscode.Uri.joinPath(dir, name);
    if (type === vscode.FileType.Directory && name !== SETTINGS_DIR) {
      out.push(...(await listFiles(uri)));
    } else if (type === vscode.FileType.File) {
      out.push(uri);
    }
  }
  return out.sort((a, b) => a.path.localeCompare(b.path));
}

const ours = (uri: vscode.Uri) => vscode.languages.getDiagnostics(uri).filter(d => d.source === SOURCE);
const fixDiagnostics = (uri: vscode.Uri) => ours(uri).filter(d => FIX_CODES.has(String(d.code)));
/** Syntax errors another extension (the JSON language service) reports on the file. */
const foreignErrors = (uri: vscode.Uri) => vscode.languages.getDiagnostics(uri).filter(d => d.source !== SOURCE && d.severity === vscode.DiagnosticSeverity.Error).length;
/** The CodeLens titles on a document; none while a notebook cell's text model is not yet in the editor. */
async function lensTitles(uri: vscode.Uri): Promise<string[]> {
  try {
    return ((await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri)) ?? []).map(l => l.command?.title ?? '');
  } catch {
    return [];
  }
}
const countOf = (diags: vscode.Diagnostic[], code: string) => diags.filter(d => String(d.code) === code).length;

/** Every vramLens setting the extension contributes, as each scope holds it, to check that a revert puts all of them back. */
function settingsSnapshot(uri: vscode.Uri): string {
  const config = vscode.workspace.getConfiguration('vramLens', uri);
  const manifest = vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON as { contributes: { configuration: { properties: Record<string, unknown> } } };
  const keys = Object.keys(manifest.contributes.configuration.properties).map(k => k.slice('vramLens.'.length));
  return JSON.stringify(keys.map(k => {
    const i = config.inspect(k);
    return [k, i?.globalValue, i?.workspaceValue, i?.workspaceFolderValue];
  }));
}

/** What a fix's title promises: the peak it gives and the card's size ("→ 10.2 GiB of 12.0 GiB", "fits: 16.5 GiB of 24.0 GiB"). */
function promise(title: string): { peak: string; of: number; least: number } | undefined {
  const m = /(?:→|fits:) ([\d.,]+) (GiB|MiB|TiB) of ([\d.,]+) GiB/.exec(title);
  if (!m) {
    return undefined;
  }
  const scale = m[2] === 'MiB' ? 1 / 1024 : m[2] === 'TiB' ? 1024 : 1;
  // The title rounds the peak to its last digit: the least it can be is half a digit below.
  const digits = m[1].split('.')[1]?.length ?? 0;
  const least = (Number(m[1].replace(/,/g, '')) - 0.5 * 10 ** -digits) * scale;
  return { peak: `${m[1]} ${m[2]}`, least, of: Number(m[3].replace(/,/g, '')) };
}

/** What a finding is: the kinds the summary counts, and notes that are reported without counting against a fix. */
type FindingKind = 'not-cleared' | 'promise-not-shown' | 'over-margin' | 'corrupted' | 'not-restored' | 'no-fix' | 'other';

interface Finding {
  readonly file: string;
  readonly gpu: string;
  readonly title: string;
  readonly kind: FindingKind;
  readonly what: string;
}

class Tally {
  files = 0;
  filesWithFixes = 0;
  diagnostics = 0;
  edits = 0;
  settings = 0;
  promised = 0;
  readonly findings: Finding[] = [];

  note(file: string, gpu: string, title: string, kind: FindingKind, what: string): void {
    this.findings.push({ file, gpu, title, kind, what });
    console.log(`AUDIT finding (${kind}): ${file} on ${gpu}: ${what}${title ? ` — "${title}"` : ''}`);
  }

  count(kind: FindingKind): number {
    return this.findings.filter(f => f.kind === kind).length;
  }
}

/** Applies one fix, checks what it did, and takes it back; false when the file could not be put back as it was. */
async function auditFix(doc: vscode.TextDocument, name: string, gpu: string, action: vscode.CodeAction, code: string, tally: Tally): Promise<boolean> {
  const uri = doc.uri;
  // In a notebook a fix may edit another cell than the one its diagnostic is on (the trainer's arguments).
  const edited = (action.edit && editedDocument(action.edit)) ?? doc;
  const text = edited.getText();
  const settings = settingsSnapshot(uri);
  const before = fixDiagnostics(uri);
  const lensesBefore = (await lensTitles(uri)).length;
  const foreignBefore = foreignErrors(uri);
  const note = (kind: FindingKind, what: string) => tally.note(name, gpu, action.title, kind, what);
  const version = edited.version;
  if (action.edit) {
    tally.edits++;
    if (!(await vscode.workspace.applyEdit(action.edit))) {
      note('corrupted', 'the edit was refused');
      return true;
    }
    // As the editor applies a code action: its edit, then its command (a notebook fix's scrolls to the cell it edited).
    if (action.command) {
      await vscode.commands.executeCommand(action.command.command, ...(action.command.arguments ?? []));
    }
    if (edited !== doc) {
      // Back to the diagnostic's cell, as a user scrolls back to its lens (a cell out of view has no text model).
      await show(doc);
    }
  } else if (action.command) {
    tally.settings++;
    await vscode.commands.executeCommand(action.command.command, ...(action.command.arguments ?? []));
  } else {
    note('other', 'neither an edit nor a command');
    return true;
  }
  const cleared = await until(() => countOf(fixDiagnostics(uri), code) < countOf(before, code));
  const after = await settle(() => lensTitles(uri), t => t.join('\n'), 300, 4000);
  if (!cleared) {
    note('not-cleared', `its ${code} diagnostic stayed`);
  }
  const p = promise(action.title);
  if (p) {
    tally.promised++;
    if (!after.some(t => t.includes(p.peak))) {
      note('promise-not-shown', `promised ${p.peak}; the CodeLens then reads "${after.join('" | "')}"`);
    }
    // Every fix keeps the margin on the card it lands on: the user's, more of it, or another.
    if (p.least > MARGIN * p.of) {
      note('over-margin', `lands above ${(100 * MARGIN).toFixed(0)} % of the card (${p.peak} of ${p.of} GiB)`);
    }
  }
  if (action.edit) {
    if (after.length !== lensesBefore) {
      note('corrupted', `the file's configs changed from ${lensesBefore} to ${after.length}`);
    }
    if (foreignErrors(uri) > foreignBefore) {
      note('corrupted', 'the edit left a syntax error');
    }
    if (edited.version === version) {
      note('other', 'the edit changed nothing');
    }
    await undoIn(edited, doc);
    if (edited.getText() !== text) {
      note('not-restored', 'one undo did not restore the file');
      await vscode.commands.executeCommand('workbench.action.files.revert');
    }
  } else {
    await vscode.commands.executeCommand('vramLens.revertAssumption');
    if (!(await until(() => settingsSnapshot(uri) === settings, 3000))) {
      note('not-restored', 'one revert did not restore the settings');
      return false;
    }
  }
  const restored = await until(() => fixDiagnostics(uri).length === before.length);
  if (!restored) {
    note('not-restored', 'the diagnostics did not come back after the revert');
  }
  return edited.getText() === text;
}

/** The open document a fix's edit changes. */
function editedDocument(edit: vscode.WorkspaceEdit): vscode.TextDocument | undefined {
  const target = edit.entries()[0]?.[0];
  return target && vscode.workspace.textDocuments.find(d => d.uri.toString() === target.toString());
}

/** The notebook cell `doc` is, if it is one. */
function cellOf(doc: vscode.TextDocument): { notebook: vscode.NotebookDocument; cell: vscode.NotebookCell } | undefined {
  const notebook = vscode.workspace.notebookDocuments.find(nb => nb.getCells().some(c => c.document === doc));
  const cell = notebook?.getCells().find(c => c.document === doc);
  return notebook && cell && { notebook, cell };
}

/**
 * Shows `doc` in its editor: a notebook cell selected and scrolled to in its notebook (the notebook editor keeps a
 * cell's text model, which CodeLens and code actions need, only while the cell is rendered).
 */
async function show(doc: vscode.TextDocument): Promise<void> {
  const placed = cellOf(doc);
  if (!placed) {
    await vscode.window.showTextDocument(doc, { preview: false });
    return;
  }
  const range = new vscode.NotebookRange(placed.cell.index, placed.cell.index + 1);
  await vscode.window.showNotebookDocument(placed.notebook, { preview: false, selections: [range] });
  vscode.window.activeNotebookEditor?.revealRange(range);
}

/** One undo in the editor of `doc` (a notebook cell's own editor focused first), then the diagnostic's document shown again. */
async function undoIn(doc: vscode.TextDocument, back: vscode.TextDocument): Promise<void> {
  await show(doc);
  if (cellOf(doc)) {
    await vscode.commands.executeCommand('notebook.cell.edit');
  }
  await vscode.commands.executeCommand('undo');
  await show(back);
}

/** The diagnostic a fix is for: the mode its title names ("Training: …"), else its range's only one. */
function codeOf(title: string, group: readonly vscode.Diagnostic[]): string {
  const named = title.startsWith(`${MODE_TITLES.inference}: `) ? EXCEEDS_INFERENCE : title.startsWith(`${MODE_TITLES.training}: `) ? EXCEEDS_TRAINING : undefined;
  return named ?? String(group[0].code);
}

/** A notebook is audited cell by cell: each code cell is a document of its own, analysed with the whole notebook's code. */
async function auditFile(uri: vscode.Uri, name: string, gpu: string, tally: Tally): Promise<void> {
  tally.files++;
  let any = false;
  if (uri.path.endsWith('.ipynb')) {
    const notebook = await vscode.workspace.openNotebookDocument(uri);
    await vscode.window.showNotebookDocument(notebook, { preview: false });
    for (const cell of notebook.getCells().filter(c => c.kind === vscode.NotebookCellKind.Code)) {
      await show(cell.document);
      any = (await auditDocument(cell.document, `${name} cell ${cell.index + 1}`, gpu, tally)) || any;
    }
  } else {
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc, { preview: false });
    any = await auditDocument(doc, name, gpu, tally);
  }
  if (any) {
    tally.filesWithFixes++;
  }
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}

/** Every fix on one document's "does not fit" diagnostics, applied and taken back in turn; whether it had any. */
async function auditDocument(doc: vscode.TextDocument, name: string, gpu: string, tally: Tally): Promise<boolean> {
  const uri = doc.uri;
  await settle(async () => [ours(uri).map(d => `${d.code}@${d.range.start.line}`).join(), (await lensTitles(uri)).join()].join('|'), k => k, 500, 10000);
  const diags = fixDiagnostics(uri);
  tally.diagnostics += diags.length;
  let any = false;
  // Diagnostics on one range (a config judged in both modes) share one list of fixes, each titled with its mode.
  const ranges = new Map<string, vscode.Diagnostic[]>();
  for (const d of diags) {
    const key = `${d.range.start.line}:${d.range.start.character}-${d.range.end.line}:${d.range.end.character}`;
    ranges.set(key, [...(ranges.get(key) ?? []), d]);
  }
  for (const group of ranges.values()) {
    const actions = (await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, group[0].range)) ?? [];
    const fixes = actions.filter(a => a.edit || a.command?.command === 'vramLens.applySetting');
    if (fixes.length === 0) {
      tally.note(name, gpu, '', 'no-fix', `no fix offered for ${group.map(d => d.code).join(' and ')}: ${group[0].message.split('\n')[0]}`);
    }
    for (const action of fixes) {
      any = true;
      const code = codeOf(action.title, group);
      if (!(await auditFix(doc, name, gpu, action, code, tally))) {
        tally.note(name, gpu, action.title, 'not-restored', 'stopped: the file or settings could not be put back');
        return any;
      }
    }
  }
  return any;
}

export async function run(): Promise<void> {
  const ext = vscode.extensions.getExtension(EXTENSION_ID)!;
  await ext.activate();
  const folder = vscode.workspace.workspaceFolders![0].uri;
  const files = await listFiles(folder);
  const gpus = await auditGpus(folder);
  const tally = new Tally();
  const t0 = Date.now();
  for (const gpu of gpus) {
    await vscode.workspace.getConfiguration('vramLens').update('targetGpu', gpu, vscode.ConfigurationTarget.Global);
    for (const uri of files) {
      const name = uri.path.slice(folder.path.replace(/\/$/, '').length + 1);
      const started = Date.now();
      const applied = tally.edits + tally.settings;
      const diagnosed = tally.diagnostics;
      try {
        await auditFile(uri, name, gpu, tally);
        console.log(`AUDIT ${gpu} ${name}: ${tally.diagnostics - diagnosed} diagnostics, ${tally.edits + tally.settings - applied} fixes, ${((Date.now() - started) / 1000).toFixed(1)} s`);
      } catch (e) {
        tally.note(name, gpu, '', 'other', `audit error: ${e instanceof Error ? `${e.message} ${e.stack ?? ''}` : String(e)}`);
      }
    }
  }
  await vscode.workspace.getConfiguration('vramLens').update('targetGpu', undefined, vscode.ConfigurationTarget.Global);
  const applied = tally.edits + tally.settings;
  const rows: [string, string][] = [
    ['files × GPUs opened', `${tally.files} (${files.length} files × ${gpus.length} GPUs: ${gpus.join(', ')})`],
    ['with a "does not fit" diagnostic and its fixes', `${tally.filesWithFixes} (${tally.diagnostics} diagnostics, ${tally.count('no-fix')} of them with no fix)`],
    ['fixes applied one by one', `${applied} (${tally.edits} file edits, ${tally.settings} setting changes)`],
    ['fixes that cleared their diagnostic', `${applied - tally.count('not-cleared')}`],
    ['fixes whose promised peak the CodeLens then shows', `${tally.promised - tally.count('promise-not-shown')} of ${tally.promised}`],
    ['corrupted files (configs lost or a syntax error)', `${tally.count('corrupted')}`],
    ['not restored by one undo / one revert', `${tally.count('not-restored')}`],
    ['fixes above the 95 % margin of their card', `${tally.count('over-margin')}`],
    ['other findings (audit errors, edits that changed nothing)', `${tally.count('other')}`],
    ['time', `${((Date.now() - t0) / 1000).toFixed(0)} s`],
  ];
  const width = Math.max(...rows.map(r => r[0].length));
  for (const [k, v] of rows) {
    console.log(`AUDIT ${k.padEnd(width)}  ${v}`);
  }
}
