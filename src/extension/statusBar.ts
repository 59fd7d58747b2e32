// The status-bar verdict for the active file on the target GPU.
import * as vscode from 'vscode';
import type { AnalysisCache } from './analysisCache';
import { changedAssumptions, describeSetting, type ChangedAssumption } from './assumptions';
import { REVERT_ASSUMPTION_COMMAND, SELECT_GPU_COMMAND } from './commands';
import { isEnabled } from './config';
import { Debouncer, Disposable, TYPING_PAUSE_MS } from './lifetime';
import { statusVerdict } from '../core/explain';

/** The active file's verdict for the target GPU: `$(chip) RTX 4080 · inference 11.2/16.0 GiB`, red when it does not fit. */
export class StatusBar extends Disposable {
  private readonly item = this._register(vscode.window.createStatusBarItem('vramLens.status', vscode.StatusBarAlignment.Right, 100));
  private readonly debouncer = this._register(new Debouncer());
  /** The changed assumptions per resource, read once per settings change rather than on every keystroke. */
  private readonly assumptions = new Map<string, ChangedAssumption[]>();

  constructor(
    private readonly cache: AnalysisCache,
    private readonly isSupported: (document: vscode.TextDocument) => boolean,
  ) {
    super();
    this.item.name = 'VRAM Lens';
    this.item.command = SELECT_GPU_COMMAND;
    this._register(vscode.window.onDidChangeActiveTextEditor(() => this.update()));
    this._register(
      vscode.workspace.onDidChangeTextDocument(e => {
        if (e.document === vscode.window.activeTextEditor?.document) {
          this.debouncer.run('active', TYPING_PAUSE_MS, () => this.update());
        }
      }),
    );
    // Settings changed (the cache re-reads them too): the assumptions marked are read again.
    this._register(
      cache.onDidInvalidate(() => {
        this.assumptions.clear();
        this.update();
      }),
    );
    this.update();
  }

  /** The text shown now (for tests and screenshots). */
  get text(): string {
    return this.item.text;
  }

  update(): void {
    this.debouncer.cancel('active');
    const document = vscode.window.activeTextEditor?.document;
    if (!document || !this.isSupported(document) || !isEnabled('statusBar', document.uri)) {
      this.item.hide();
      return;
    }
    const analysis = this.cache.get(document);
    const verdict = statusVerdict(analysis);
    const gpu = analysis.gpu;
    if (!verdict || !gpu) {
      this.item.hide();
      return;
    }
    const key = document.uri.toString();
    const changed = this.assumptions.get(key) ?? changedAssumptions(document.uri);
    this.assumptions.set(key, changed);
    // The number says its mode (or its serving engine); then any assumption the user changed.
    this.item.text = `$(chip) ${gpu.name} · ${verdict.text}${assumptionMark(changed)}`;
    this.item.backgroundColor =
      verdict.level === 'error' ? new vscode.ThemeColor('statusBarItem.errorBackground') : verdict.level === 'warning' ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    this.item.tooltip = new vscode.MarkdownString(verdict.tooltip + assumptionTooltip(changed) + 'Click to choose the target GPU.');
    this.item.tooltip.isTrusted = { enabledCommands: [REVERT_ASSUMPTION_COMMAND] };
    this.item.show();
  }
}

/** ` · $(settings-edit) quantization: nf4`, or the count when several settings differ from their defaults. */
function assumptionMark(changed: readonly ChangedAssumption[]): string {
  if (changed.length === 0) {
    return '';
  }
  return ` · $(settings-edit) ${changed.length === 1 ? `${changed[0].setting}: ${String(changed[0].value)}` : `${changed.length} assumptions`}`;
}

/** The tooltip's list of settings that differ from their defaults, with where each is set and the way back. */
function assumptionTooltip(changed: readonly ChangedAssumption[]): string {
  if (changed.length === 0) {
    return '';
  }
  const lines = changed.map(a => `- \`${describeSetting(a.setting, a.value)}\` (${a.where} settings)`);
  return `Assumptions changed from VRAM Lens's defaults:\n\n${lines.join('\n')}\n\n[Revert VRAM Lens Assumption](command:${REVERT_ASSUMPTION_COMMAND})\n\n`;
}
