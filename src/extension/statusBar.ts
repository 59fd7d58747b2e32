// The status-bar verdict for the active file on the target GPU.
import * as vscode from 'vscode';
import { peakIn } from '../core/advise';
import { formatBytes } from '../core/format';
import { gpuMemoryBytes } from '../core/gpus';
import type { AnalysisCache } from './analysisCache';
import { SELECT_GPU_COMMAND } from './commands';
import { isEnabled } from './config';

/** The active config's verdict for the target GPU: `$(chip) RTX 4080 · 11.2/16.0 GiB`, red when it does not fit. */
export class StatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('vramLens.status', vscode.StatusBarAlignment.Right, 100);
  private readonly disposables: vscode.Disposable[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly cache: AnalysisCache,
    private readonly isSupported: (document: vscode.TextDocument) => boolean,
  ) {
    this.item.name = 'VRAM Lens';
    this.item.command = SELECT_GPU_COMMAND;
    this.disposables.push(
      this.item,
      vscode.window.onDidChangeActiveTextEditor(() => this.update()),
      vscode.workspace.onDidChangeTextDocument(e => {
        if (e.document === vscode.window.activeTextEditor?.document) {
          this.schedule();
        }
      }),
      cache.onDidInvalidate(() => this.update()),
    );
    this.update();
  }

  private schedule(): void {
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
    }
    this.timer = setTimeout(() => this.update(), 300);
  }

  /** The text shown now (for tests and screenshots). */
  get text(): string {
    return this.item.text;
  }

  update(): void {
    this.timer = undefined;
    const document = vscode.window.activeTextEditor?.document;
    if (!document || !this.isSupported(document) || !isEnabled('statusBar', document.uri)) {
      this.item.hide();
      return;
    }
    const analysis = this.cache.get(document);
    const configs = analysis.configs.filter(a => a.estimate);
    const gpu = analysis.gpu;
    if (configs.length === 0 || !gpu) {
      this.item.hide();
      return;
    }
    const mode = analysis.options.mode;
    // The config that needs the most memory decides the verdict.
    const peakOf = (i: number) => peakIn(configs[i].estimate, mode === 'inference' ? 'inference' : 'training');
    let worst = 0;
    for (let i = 1; i < configs.length; i++) {
      if (peakOf(i) > peakOf(worst)) {
        worst = i;
      }
    }
    const est = configs[worst].estimate!;
    const verdict = configs[worst].verdict!;
    const capacity = gpuMemoryBytes(gpu);
    const cap = formatBytes(capacity).replace(' GiB', '');
    const fmt = (b: number) => formatBytes(b).replace(' GiB', '');
    const { inference: inferenceFits, training: trainingFits } = verdict;
    if (mode === 'both') {
      this.item.text = `$(chip) ${gpu.name} · ${fmt(est.inference.peakBytes)}/${cap} GiB${trainingFits ? '' : ` · training ${formatBytes(est.training.peakBytes)} ✗`}`;
    } else {
      this.item.text = `$(chip) ${gpu.name} · ${fmt(peakIn(est, mode))}/${cap} GiB`;
    }
    const fits = mode === 'inference' ? inferenceFits : mode === 'training' ? trainingFits : inferenceFits;
    this.item.backgroundColor = !fits
      ? new vscode.ThemeColor('statusBarItem.errorBackground')
      : mode === 'both' && !trainingFits
        ? new vscode.ThemeColor('statusBarItem.warningBackground')
        : undefined;
    this.item.tooltip = new vscode.MarkdownString(
      `**VRAM Lens** — ${configs[worst].config.name.replace(/[\\`*_[\]<>]/g, '')}\n\n` +
        `Inference ${formatBytes(est.inference.peakBytes)} ${inferenceFits ? '✓' : '✗'} · training ${formatBytes(est.training.peakBytes)} ${trainingFits ? '✓' : '✗'} on the ${gpu.name} (${formatBytes(capacity)}).\n\nClick to choose the target GPU.`,
    );
    this.item.show();
  }

  dispose(): void {
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
    }
    for (const d of this.disposables) {
      d.dispose();
    }
  }
}
