// The report's HTML, from the Markdown VRAM Lens writes itself (headings, paragraphs, lists, tables, bold, italics, code): a small renderer of that subset, so the webview needs no Markdown library, and every character of the text is escaped.

const HTML_ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

function escapeHtml(ch: string): string {
  return HTML_ESCAPES[ch] ?? ch;
}

/** The entities escapeMarkdown writes, read back as the characters they stand for. */
const ENTITIES: readonly [string, string][] = [['&lt;', '<'], ['&gt;', '>'], ['&amp;', '&']];

/**
 * Inline Markdown to HTML: `\x` escapes, the three entities, `code`, **bold** and *italics*. Every other character
 * is text, escaped for HTML; emphasis left open at the end is closed.
 */
export function inlineHtml(text: string): string {
  let out = '';
  let strong = false;
  let em = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '\\' && i + 1 < text.length && /[\\`*_{}[\]()#+\-.!|<>&~]/.test(text[i + 1])) {
      out += escapeHtml(text[++i]);
      continue;
    }
    if (ch === '&') {
      const entity = ENTITIES.find(([name]) => text.startsWith(name, i));
      if (entity) {
        out += escapeHtml(entity[1]);
        i += entity[0].length - 1;
        continue;
      }
    }
    if (ch === '`') {
      const close = text.indexOf('`', i + 1);
      if (close > i) {
        out += `<code>${[...text.slice(i + 1, close)].map(escapeHtml).join('')}</code>`;
        i = close;
        continue;
      }
    }
    if (ch === '*' && text[i + 1] === '*') {
      out += strong ? '</strong>' : '<strong>';
      strong = !strong;
      i++;
      continue;
    }
    if (ch === '*') {
      out += em ? '</em>' : '<em>';
      em = !em;
      continue;
    }
    out += escapeHtml(ch);
  }
  return out + (em ? '</em>' : '') + (strong ? '</strong>' : '');
}

/** The cells of a table row, split at the `|` that are not escaped. */
function cells(row: string): string[] {
  const inner = row.trim().replace(/^\|/, '').replace(/(?<!\\)\|$/, '');
  const out: string[] = [];
  let cell = '';
  for (let i = 0; i < inner.length; i++) {
    if (inner[i] === '\\' && i + 1 < inner.length) {
      cell += inner[i] + inner[i + 1];
      i++;
    } else if (inner[i] === '|') {
      out.push(cell.trim());
      cell = '';
    } else {
      cell += inner[i];
    }
  }
  out.push(cell.trim());
  return out;
}

function tableHtml(rows: readonly string[]): string {
  const [head, rule, ...body] = rows;
  const align = rule && /^\s*\|?\s*:?-+/.test(rule) ? cells(rule).map(c => (c.endsWith(':') ? ' style="text-align:right"' : '')) : [];
  const bodyRows = align.length > 0 ? body : [rule, ...body].filter((r): r is string => r !== undefined);
  const th = cells(head).map((c, i) => `<th${align[i] ?? ''}>${inlineHtml(c)}</th>`).join('');
  const trs = bodyRows.map(r => `<tr>${cells(r).map((c, i) => `<td${align[i] ?? ''}>${inlineHtml(c)}</td>`).join('')}</tr>`).join('\n');
  return `<table>\n<thead><tr>${th}</tr></thead>\n<tbody>\n${trs}\n</tbody>\n</table>`;
}

/** Block Markdown to HTML: `#` headings, `- ` lists, `|` tables, and paragraphs of consecutive lines. */
export function markdownToHtml(markdown: string): string {
  const lines = markdown.split('\n');
  const out: string[] = [];
  for (let i = 0; i < lines.length; ) {
    const line = lines[i];
    const heading = /^(#{1,6})\s+(.*)$/.exec(line);
    if (line.trim() === '') {
      i++;
    } else if (heading) {
      out.push(`<h${heading[1].length}>${inlineHtml(heading[2])}</h${heading[1].length}>`);
      i++;
    } else if (line.trimStart().startsWith('|')) {
      const rows: string[] = [];
      for (; i < lines.length && lines[i].trimStart().startsWith('|'); i++) {
        rows.push(lines[i]);
      }
      out.push(tableHtml(rows));
    } else if (/^\s*- /.test(line)) {
      const items: string[] = [];
      for (; i < lines.length && /^\s*- /.test(lines[i]); i++) {
        items.push(`<li>${inlineHtml(lines[i].replace(/^\s*- /, ''))}</li>`);
      }
      out.push(`<ul>\n${items.join('\n')}\n</ul>`);
    } else {
      const para: string[] = [];
      for (; i < lines.length && lines[i].trim() !== '' && !/^(#{1,6}\s|\s*- |\s*\|)/.test(lines[i]); i++) {
        para.push(lines[i].trim());
      }
      out.push(`<p>${inlineHtml(para.join(' '))}</p>`);
    }
  }
  return out.join('\n');
}
