// Specification of the report's HTML: every report VRAM Lens writes renders whole, and nothing from the user's file becomes markup.
import * as assert from 'assert';
import { analyzeDocument, DEFAULT_OPTIONS } from '../../src/core/analyze';
import { compareGpusMarkdown, reportMarkdown, whatFitsMarkdown } from '../../src/core/explain';
import { findGpu, GPUS } from '../../src/core/gpus';
import { inlineHtml, markdownToHtml } from '../../src/core/markdownHtml';
import { parseConfig } from '../../src/parse';
import { readReference } from './helpers';

/** Markdown syntax that must not survive into the HTML. */
const LEFTOVER = /\*\*|\|---|(^|[^\\])\\[`*_|#-]|^#+ /m;

describe('the report as HTML', () => {
  const llama = analyzeDocument(parseConfig(readReference('configs/json/llama-2-7b-chat-hf.config.json'), 'json'), DEFAULT_OPTIONS);
  const lora = analyzeDocument(parseConfig(readReference('configs/yaml/litgpt-llama-2-7b_lora.yaml'), 'yaml'), DEFAULT_OPTIONS);

  it('every report renders whole: headings, tables, lists and emphasis become elements', () => {
    const reports = [
      reportMarkdown('config.json', llama),
      reportMarkdown('lora.yaml', lora),
      compareGpusMarkdown('config.json', llama, GPUS),
      whatFitsMarkdown('config.json', llama, findGpu('RTX 4090')!, DEFAULT_OPTIONS),
    ];
    for (const md of reports) {
      const html = markdownToHtml(md);
      const text = html.replace(/<[^>]+>/g, '');
      assert.ok(!LEFTOVER.test(text), `Markdown left in: ${LEFTOVER.exec(text)?.[0]}`);
      assert.strictEqual((html.match(/<table>/g) ?? []).length, (md.match(/^\|[-: |]+\|$/gm) ?? []).length, 'one table per Markdown table');
      assert.strictEqual((html.match(/<strong>/g) ?? []).length, (html.match(/<\/strong>/g) ?? []).length);
    }
    const html = markdownToHtml(reportMarkdown('config.json', llama));
    assert.match(html, /^<h1>VRAM estimate — config\.json<\/h1>/);
    assert.match(html, /<th>Parameters<\/th><th style="text-align:right">Count<\/th>/);
    assert.match(html, /Parameters: <strong>6,738,415,616<\/strong>/);
  });

  it('a config named like markup stays text: no element, no link, no attribute', () => {
    const evil = '<img src=x onerror=alert(1)> [x](command:workbench.action.terminal.new) `code` **b** | a';
    const text = JSON.stringify({ _name_or_path: evil, model_type: 'llama', hidden_size: 64, num_hidden_layers: 2, num_attention_heads: 4, vocab_size: 100, intermediate_size: 128 });
    const html = markdownToHtml(reportMarkdown('x.json', analyzeDocument(parseConfig(text, 'json'), DEFAULT_OPTIONS)));
    assert.ok(!html.includes('<img'));
    assert.ok(!html.includes('<a '));
    assert.match(html, /<h2>&lt;img src=x onerror=alert\(1\)&gt; \[x\]\(command:workbench\.action\.terminal\.new\) `code` \*\*b\*\* \| a<\/h2>/);
  });

  it('inline Markdown: escapes, entities, code, bold, italics, and emphasis left open is closed', () => {
    assert.strictEqual(inlineHtml('a \\*b\\* &lt;c&gt; `<d>` **e** *f*'), 'a *b* &lt;c&gt; <code>&lt;d&gt;</code> <strong>e</strong> <em>f</em>');
    assert.strictEqual(inlineHtml('**open'), '<strong>open</strong>');
    assert.strictEqual(inlineHtml('"quotes" & \'apostrophes\''), '&quot;quotes&quot; &amp; &#39;apostrophes&#39;');
  });
});
