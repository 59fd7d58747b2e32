// The report webview ("Estimate VRAM", "Compare GPUs", "What Fits"): one panel, its HTML built from the report's Markdown with a strict content security policy.
import * as vscode from 'vscode';
import { memoryChartSvg } from '../core/chart';
import { reportParts } from '../core/explain';
import { gpuMemoryBytes } from '../core/gpus';
import { markdownToHtml } from '../core/markdownHtml';
import type { AnalysisCache } from './analysisCache';
import { COPY_REPORT_COMMAND } from './commands';
import { fileName } from './documents';

/** The reports ("Estimate VRAM", "Compare GPUs", "What Fits"): one webview panel, reused and refreshed. */
export class ReportPanel implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private lastMarkdown: string | undefined;

  constructor(private readonly cache: AnalysisCache) {}

  /** The report of a document, or of its config number `only` (a CodeLens click, the config at the cursor). */
  show(document: vscode.TextDocument, only?: number): string {
    const analysis = this.cache.get(document);
    const gpu = analysis.gpu;
    const capacity = gpu && { name: gpu.name, bytes: gpuMemoryBytes(gpu) };
    const parts = reportParts(fileName(document.uri), analysis, only);
    // Each config's chart sits under its own heading, titled with its name.
    const sections = parts.sections.map(s => ({ markdown: s.lines.join('\n'), chart: s.chart ? memoryChartSvg(s.title, s.analysis.estimate!, capacity) : undefined }));
    return this.showParts(`VRAM: ${fileName(document.uri)}`, parts.head.join('\n'), sections, parts.tail.join('\n'));
  }

  /** Shows Markdown (a report with no charts: Compare GPUs, What Fits). */
  showMarkdown(title: string, md: string): string {
    return this.showParts(title, md, [], '');
  }

  /**
   * Shows a report: its head, then each section with its chart (SVG made from numbers only, never from the file's
   * text) under the section's heading, then its tail. Every character of the Markdown is escaped (it quotes names
   * from the user's file): the only link is the "Copy as Markdown" one written here.
   */
  private showParts(title: string, head: string, sections: readonly { markdown: string; chart?: string }[], tail: string): string {
    const panel = this.reveal(title);
    const md = [head, ...sections.map(s => s.markdown), tail].filter(x => x.length > 0).join('\n');
    this.lastMarkdown = md;
    const copyLink = `<p><a href="command:${COPY_REPORT_COMMAND}">Copy as Markdown</a></p>`;
    const html = [markdownToHtml(head), copyLink, ...sections.map(s => withFigure(markdownToHtml(s.markdown), s.chart)), markdownToHtml(tail)];
    panel.webview.html = page(panel.webview, html.join('\n'));
    return md;
  }

  /** The panel, created beside the editor on first use, else brought forward under the new title. */
  private reveal(title: string): vscode.WebviewPanel {
    if (!this.panel) {
      this.panel = vscode.window.createWebviewPanel('vramLens.report', title, vscode.ViewColumn.Beside, {
        enableScripts: false,
        enableFindWidget: true,
        // The one link the report carries: copy it as Markdown. Nothing from the user's file can add another.
        enableCommandUris: [COPY_REPORT_COMMAND],
      });
      this.panel.onDidDispose(() => (this.panel = undefined));
    } else {
      this.panel.title = title;
      this.panel.reveal(vscode.ViewColumn.Beside, true);
    }
    return this.panel;
  }

  /** The Markdown of the report last shown, for "Copy as Markdown". */
  get markdown(): string | undefined {
    return this.lastMarkdown;
  }

  dispose(): void {
    this.panel?.dispose();
  }
}

/** A section's HTML with its chart after its heading. */
function withFigure(html: string, chart: string | undefined): string {
  if (!chart) {
    return html;
  }
  const end = html.indexOf('</h2>');
  const at = end >= 0 ? end + '</h2>'.length : 0;
  return `${html.slice(0, at)}<figure>${chart}</figure>${html.slice(at)}`;
}

function page(webview: vscode.Webview, body: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src ${webview.cspSource} 'unsafe-inline'; img-src ${webview.cspSource} data:;">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>VRAM report</title>
<style>
  body { font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); color: var(--vscode-foreground); padding: 0 20px 20px; line-height: 1.5; }
  table { border-collapse: collapse; margin: 8px 0 16px; }
  th, td { border: 1px solid var(--vscode-panel-border, #8884); padding: 3px 10px; }
  th { text-align: left; background: var(--vscode-editor-inactiveSelectionBackground, #8881); }
  td:not(:first-child) { text-align: right; font-variant-numeric: tabular-nums; }
  h1 { font-size: 1.5em; } h2 { font-size: 1.25em; border-bottom: 1px solid var(--vscode-panel-border, #8884); padding-bottom: 4px; }
  code { font-family: var(--vscode-editor-font-family); }
  figure { margin: 8px 0 16px; max-width: 100%; }
  figure svg { display: block; max-width: 100%; height: auto; }
</style>
</head>
<body>
${body}
</body>
</html>`;
}
