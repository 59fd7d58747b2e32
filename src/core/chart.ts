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

/**
 * An SVG with two stacked bars (inference and training components) against a line at the GPU's capacity.
 * Theme-aware (VS Code chart colours), no scripts, no remote resources; every text is escaped.
 */
export function memoryChartSvg(est: Estimate, gpuName: string | undefined, capacityBytes: number | undefined): string {
  const i = est.inference.components;
  const t = est.training.components;
  const bars: { label: string; segments: Segment[]; peak: number }[] = [
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
      // Gradients and activations are not all live at once: the bar shows the peak, split in proportion.
      segments: (() => {
        const live = est.training.allocatedBytes;
        const parts = [
          { label: 'weights', bytes: t.weights, color: COLORS[0] },
          { label: 'optimizer', bytes: t.optimizer, color: COLORS[4] },
          { label: 'gradients', bytes: t.gradients, color: COLORS[3] },
          { label: 'activations', bytes: t.activations, color: COLORS[2] },
        ];
        const sum = parts.reduce((s, p) => s + p.bytes, 0);
        const scale = sum > 0 ? Math.min(1, live / sum) : 1;
        return [...parts.map(p => ({ ...p, bytes: p.bytes * scale })), { label: 'reserve + context', bytes: t.allocatorReserve + t.cudaContext, color: COLORS[6] }];
      })(),
    },
  ];
  const width = 680;
  const left = 80;
  // Room on the right for the peak's label after the longest bar.
  const barWidth = width - left - 64;
  const max = Math.max(capacityBytes ?? 0, ...bars.map(b => b.peak)) * 1.05;
  const x = (bytes: number) => left + (bytes / max) * barWidth;
  const rows: string[] = [];
  bars.forEach((bar, row) => {
    const y = 20 + row * 50;
    rows.push(`<text x="0" y="${y + 17}" class="label">${bar.label}</text>`);
    let at = 0;
    for (const s of bar.segments) {
      if (s.bytes <= 0) {
        continue;
      }
      rows.push(`<rect x="${x(at).toFixed(1)}" y="${y}" width="${Math.max(0.5, x(at + s.bytes) - x(at)).toFixed(1)}" height="24" style="fill: var(${s.color})"><title>${escapeXml(`${bar.label} ${s.label}: ${formatBytes(s.bytes)}`)}</title></rect>`);
      at += s.bytes;
    }
    rows.push(`<text x="${Math.min(x(bar.peak) + 4, width - 4).toFixed(1)}" y="${y + 40}" class="value">${escapeXml(formatBytes(bar.peak))}</text>`);
  });
  if (capacityBytes !== undefined && gpuName !== undefined) {
    const cx = x(capacityBytes).toFixed(1);
    rows.push(`<line x1="${cx}" y1="10" x2="${cx}" y2="124" class="capacity"/>`);
    rows.push(`<text x="${cx}" y="138" class="value" text-anchor="middle">${escapeXml(`${gpuName}: ${formatBytes(capacityBytes)}`)}</text>`);
  }
  // One legend entry per component, each as wide as its label (about 6.5 px per character at 11 px).
  const entries = [...bars[1].segments.map(s => ({ label: s.label, color: s.color })), { label: 'KV cache', color: COLORS[1] }];
  let lx = 0;
  const legend = entries.map(e => {
    const item = `<rect x="${lx}" y="150" width="10" height="10" style="fill: var(${e.color})"/><text x="${lx + 14}" y="159" class="value">${escapeXml(e.label)}</text>`;
    lx += 14 + Math.ceil(e.label.length * 6.5) + 16;
    return item;
  });
  return `<svg role="img" aria-label="Memory by component against the GPU" viewBox="0 0 ${width} 170" width="${width}" height="170">
<style>.label{fill:var(--vscode-foreground);font-size:13px}.value{fill:var(--vscode-descriptionForeground);font-size:11px}.capacity{stroke:var(--vscode-charts-red);stroke-width:2;stroke-dasharray:4 3}</style>
${rows.join('\n')}
${legend.join('\n')}
</svg>`;
}
