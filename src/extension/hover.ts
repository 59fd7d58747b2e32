// The hover on a key the estimate reads: what it does, its share, and what doubling it would do.
import * as vscode from 'vscode';
import { catalogHoverMarkdown, hoverMarkdown, servingHoverMarkdown, settingHoverMarkdown } from '../core/explain';
import type { AnalysisCache } from './analysisCache';
import { DIAGNOSTIC_SOURCE } from './diagnostics';
import { EXCEEDS_INFERENCE, EXCEEDS_TRAINING } from '../core/diagnose';

export class VramHoverProvider implements vscode.HoverProvider {
  constructor(private readonly cache: AnalysisCache) {}

  provideHover(document: vscode.TextDocument, position: vscode.Position): vscode.Hover | undefined {
    const offset = document.offsetAt(position);
    const analysis = this.cache.get(document);
    for (const a of analysis.configs) {
      const inSpan = (k: { start: number }, v: { end: number }) => offset >= k.start && offset <= v.end;
      // A script's run settings are arguments anywhere in the file, outside the call that loads the model.
      const onSetting = [...a.config.training.sources, ...(a.config.serving?.sources ?? [])].some(x => inSpan(x.keySpan, x.valueSpan));
      if ((offset < a.config.span.start || offset > a.config.span.end) && !onSetting) {
        continue;
      }
      const ref = a.config.catalog;
      if (ref && inSpan(ref.keySpan, ref.valueSpan)) {
        return this.hover(document, catalogHoverMarkdown(a, analysis.gpu, analysis.options.mode), ref.keySpan.start, ref.valueSpan.end);
      }
      const flag = a.config.serving?.sources.find(x => inSpan(x.keySpan, x.valueSpan));
      if (flag) {
        return this.hover(document, servingHoverMarkdown(a, flag.key, analysis.gpu), flag.keySpan.start, flag.valueSpan.end);
      }
      const setting = a.config.training.sources.find(x => inSpan(x.keySpan, x.valueSpan));
      if (setting) {
        return this.hover(document, settingHoverMarkdown(a, setting, analysis.options, analysis.gpu), setting.keySpan.start, setting.valueSpan.end);
      }
      const key = a.config.keys.find(
        k => (offset >= k.keySpan.start && offset <= k.keySpan.end) || (offset >= k.valueSpan.start && offset <= k.valueSpan.end),
      );
      if (!key) {
        continue;
      }
      const diagnosed = vscode.languages.getDiagnostics(document.uri).some(d => d.source === DIAGNOSTIC_SOURCE && (d.code === EXCEEDS_INFERENCE || d.code === EXCEEDS_TRAINING) && d.range.contains(position));
      return this.hover(
        document,
        hoverMarkdown({ analysis: a, field: key.field, key: key.key, value: key.value, options: analysis.options, gpu: analysis.gpu, diagnosed }),
        key.keySpan.start,
        key.valueSpan.end,
      );
    }
    return undefined;
  }

  private hover(document: vscode.TextDocument, markdown: string, start: number, end: number): vscode.Hover {
    const md = new vscode.MarkdownString(markdown);
    // Values come from the user's file: no command links, no HTML.
    md.isTrusted = false;
    md.supportHtml = false;
    return new vscode.Hover(md, new vscode.Range(document.positionAt(start), document.positionAt(end)));
  }
}
