// The report's memory chart: an SVG made from numbers only, for the webview.
import { formatBytes } from './format';
import type { Estimate } from './types';

/** One segment of a bar: a memory component, its size, and the VS Code chart colour it is drawn in. */
interface Segment {
  readonly label: string;
  readonly bytes: number;
  readonly color: string;
}

const COLORS = ['--vscode-charts-blue', '--vscode-charts-green', '--vscode-charts-yellow', '--vscode-charts-orange', '--vscode-charts-purple', '--vscode-charts-red', '--vscode-charts-foreground'];

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, c => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** Characters of a label at 11 px (the legend, the values) and of the 13 px title, about 6.5 and 7.5 px wide. */
const SMALL_CHAR_PX = 6.5;
const TITLE_CHAR_PX = 7.5;
const WIDTH = 680;
/** Height of the title row above the bars. */
const TOP = 24;

/** The bars: inference and training, each split into its components, with its peak. */
function barsOf(est: Estimate): { label: string; segments: Segment[]; peak: number }[] {
  const i = est.inference.components;
  const t = est.training.components;
  // Gradients and activations are not all live at once: the training bar shows the peak, split in proportion.
  const live = est.training.allocatedBytes;
  const parts = [
    { label: 'weights', bytes: t.weights, color: COLORS[0] },
    { label: 'optimizer', bytes: t.optimizer, color: COLORS[4] },
    { label: 'gradients', bytes: t.gradients, color: COLORS[3] },
    { label: 'activations', bytes: t.activations, color: COLORS[2] },
  ];
  const sum = parts.reduce((s, p) => s + p.bytes, 0);
  const scale = sum > 0 ? Math.min(1, live / sum) : 1;
  return [
    {
      label: 'Inference',
      peak: est.inference.peakBytes,
      segments: [
        { label: 'weights', bytes: i.weights, color: COLORS[0] },
        { label: 'KV cache', bytes: i.kvCache, color: COLORS[1] },
        { label: 'activations', bytes: i.activations, color: COLORS[2] },
        { label: 'reserve + context', bytes: i.allocatorReserve + i.cudaContext, color: COLORS[6] },
      ],
    },
    {
      label: 'Training',
      peak: est.training.peakBytes,
      segments: [...parts.map(p => ({ ...p, bytes: p.bytes * scale })), { label: 'reserve + context', bytes: t.allocatorReserve + t.cudaContext, color: COLORS[6] }],
    },
  ];
}

/** A text cut to fit a width, with an ellipsis where it was cut. */
function fitText(text: string, px: number, charPx: number): string {
  const max = Math.floor(px / charPx);
  return text.length <= max ? text : `${text.slice(0, Math.max(0, max - 1))}…`;
}

/** The GPU line and its label, the label kept inside the view box however near an edge the line falls. */
function capacityLine(cx: number, label: string): string[] {
  const half = Math.ceil((label.length * SMALL_CHAR_PX) / 2);
  const lx = Math.min(Math.max(cx, half), WIDTH - half);
  return [
    `<line x1="${cx.toFixed(1)}" y1="${TOP + 10}" x2="${cx.toFixed(1)}" y2="${TOP + 124}" class="capacity"/>`,
    `<text x="${lx.toFixed(1)}" y="${TOP + 138}" class="value" text-anchor="middle">${escapeXml(label)}</text>`,
  ];
}

/**
 * An SVG titled with its config's name: two stacked bars (inference and training components) against a line at the
 * GPU's capacity. It scales down to the panel's width (never wider than drawn); theme-aware (VS Code chart colours),
 * no scripts, no remote resources; every text is escaped.
 */
export function memoryChartSvg(title: string, est: Estimate, gpu: { readonly name: string; readonly bytes: number } | undefined): string {
  const bars = barsOf(est);
  const left = 80;
  // Room on the right for the peak's label after the longest bar.
  const barWidth = WIDTH - left - 64;
  const max = Math.max(gpu?.bytes ?? 0, ...bars.map(b => b.peak)) * 1.05;
  const x = (bytes: number) => left + (bytes / max) * barWidth;
  const heading = fitText(gpu ? `${title} on the ${gpu.name}` : title, WIDTH, TITLE_CHAR_PX);
  const rows: string[] = [`<text x="0" y="16" class="label">${escapeXml(heading)}</text>`];
  bars.forEach((bar, row) => {
    const y = TOP + 20 + row * 50;
    rows.push(`<text x="0" y="${y + 17}" class="label">${bar.label}</text>`);
    let at = 0;
    for (const s of bar.segments) {
      if (s.bytes <= 0) {
        continue;
      }
      rows.push(`<rect x="${x(at).toFixed(1)}" y="${y}" width="${Math.max(0.5, x(at + s.bytes) - x(at)).toFixed(1)}" height="24" style="fill: var(${s.color})"><title>${escapeXml(`${bar.label} ${s.label}: ${formatBytes(s.bytes)}`)}</title></rect>`);
      at += s.bytes;
    }
    rows.push(`<text x="${Math.min(x(bar.peak) + 4, WIDTH - 4).toFixed(1)}" y="${y + 40}" class="value">${escapeXml(formatBytes(bar.peak))}</text>`);
  });
  if (gpu) {
    rows.push(...capacityLine(x(gpu.bytes), `${gpu.name}: ${formatBytes(gpu.bytes)}`));
  }
  // One legend entry per component, each as wide as its label.
  const entries = [...bars[1].segments.map(s => ({ label: s.label, color: s.color })), { label: 'KV cache', color: COLORS[1] }];
  let lx = 0;
  const legend = entries.map(e => {
    const item = `<rect x="${lx}" y="${TOP + 150}" width="10" height="10" style="fill: var(${e.color})"/><text x="${lx + 14}" y="${TOP + 159}" class="value">${escapeXml(e.label)}</text>`;
    lx += 14 + Math.ceil(e.label.length * SMALL_CHAR_PX) + 16;
    return item;
  });
  const height = TOP + 170;
  return `<svg role="img" aria-label="${escapeXml(`Memory of ${title} by component against the GPU`)}" viewBox="0 0 ${WIDTH} ${height}" width="100%" style="max-width: ${WIDTH}px; height: auto">
<style>.label{fill:var(--vscode-foreground);font-size:13px}.value{fill:var(--vscode-descriptionForeground);font-size:11px}.capacity{stroke:var(--vscode-charts-red);stroke-width:2;stroke-dasharray:4 3}</style>
${rows.join('\n')}
${legend.join('\n')}
</svg>`;
}
