import * as vscode from 'vscode';
import { hoverMarkdown } from '../core/explain';
import type { AnalysisCache } from './analysisCache';

export class VramHoverProvider implements vscode.HoverProvider {
  constructor(private readonly cache: AnalysisCache) {}

  provideHover(document: vscode.TextDocument, position: vscode.Position): vscode.Hover | undefined {
    const offset = document.offsetAt(position);
    const analysis = this.cache.get(document);
    for (const a of analysis.configs) {
      if (offset < a.config.span.start || offset > a.config.span.end) {
        continue;
      }
      const key = a.config.keys.find(
        k => (offset >= k.keySpan.start && offset <= k.keySpan.end) || (offset >= k.valueSpan.start && offset <= k.valueSpan.end),
      );
      if (!key) {
        continue;
      }
      const md = new vscode.MarkdownString(
        hoverMarkdown({ analysis: a, field: key.field, key: key.key, value: key.value, options: analysis.options, gpu: analysis.gpu }),
      );
      // Values come from the user's file: no command links, no HTML.
      md.isTrusted = false;
      md.supportHtml = false;
      const range = new vscode.Range(document.positionAt(key.keySpan.start), document.positionAt(key.valueSpan.end));
      return new vscode.Hover(md, range);
    }
    return undefined;
  }
}
