// The report webview ("Estimate VRAM", "Compare GPUs", "What Fits"): one panel, its HTML built from the report's Markdown with a strict content security policy.
import * as vscode from 'vscode';
import { memoryChartSvg } from '../core/chart';
import { reportedConfigs, reportMarkdown } from '../core/explain';
import { gpuMemoryBytes } from '../core/gpus';
import { markdownToHtml } from '../core/markdownHtml';
import type { AnalysisCache } from './analysisCache';
import { COPY_REPORT_COMMAND } from './commands';

function fileName(uri: vscode.Uri): string {
  return uri.path.split('/').pop() || uri.toString();
}

/** The reports ("Estimate VRAM", "Compare GPUs", "What Fits"): one webview panel, reused and refreshed. */
export class ReportPanel implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private lastMarkdown: string | undefined;

  constructor(private readonly cache: AnalysisCache) {}

  /** The report of a document, or of its config number `only` (a CodeLens click, the config at the cursor). */
  show(document: vscode.TextDocument, only?: number): string {
    const analysis = this.cache.get(document);
    const gpu = analysis.gpu;
    const charts = reportedConfigs(analysis, only)
      .filter(a => a.estimate)
      .map(a => memoryChartSvg(a.estimate!, gpu?.name, gpu ? gpuMemoryBytes(gpu) : undefined));
    return this.showMarkdown(`VRAM: ${fileName(document.uri)}`, reportMarkdown(fileName(document.uri), analysis, only), charts);
  }

  /** Shows Markdown, with charts (SVG made from numbers only, never from the file's text) under its title. */
  showMarkdown(title: string, md: string, charts: readonly string[] = []): string {
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
    this.lastMarkdown = md;
    // The title first, then the charts and the copy link, then the rest of the report. Every character of the
    // Markdown is escaped (it quotes names from the user's file): the only link is the one written here.
    const copyLink = `<p><a href="command:${COPY_REPORT_COMMAND}">Copy as Markdown</a></p>`;
    const figures = charts.map(svg => `<figure>${svg}</figure>`).join('\n');
    const html = markdownToHtml(md);
    const titleEnd = html.indexOf('</h1>');
    const at = titleEnd >= 0 ? titleEnd + '</h1>'.length : 0;
    this.panel.webview.html = page(this.panel.webview, html.slice(0, at) + figures + copyLink + html.slice(at));
    return md;
  }

  /** The Markdown of the report last shown, for "Copy as Markdown". */
  get markdown(): string | undefined {
    return this.lastMarkdown;
  }

  dispose(): void {
    this.panel?.dispose();
  }
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
  figure { margin: 16px 0 0; }
</style>
</head>
<body>
${body}
</body>
</html>`;
}
