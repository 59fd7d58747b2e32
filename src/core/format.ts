// Units at the edge: bytes, counts and percentages as people read them.
import { isDiffusionRun } from './diffusion';
const UNITS = ['KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB'] as const;

/** Bytes in binary units (GiB = 2^30 bytes), with three significant digits; past a thousand EiB in powers of ten. */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) {
    return bytes > 0 ? '∞' : '—';
  }
  let value = bytes;
  let unit = 'B';
  for (const u of UNITS) {
    if (Math.abs(value) < 1024) {
      break;
    }
    value /= 1024;
    unit = u;
  }
  if (unit === 'B') {
    return `${bytes} B`;
  }
  return Math.abs(value) >= 1024 ? `${value.toExponential(2)} ${unit}` : `${round(value)} ${unit}`;
}

/** A change in bytes with its sign ("+15.4 GiB", "−2.10 GiB", "±0 B"). */
export function formatBytesChange(bytes: number): string {
  return bytes === 0 ? '±0 B' : `${bytes > 0 ? '+' : '−'}${formatBytes(Math.abs(bytes))}`;
}

/** A figure against a capacity, both in the capacity's unit: `16.5/24.0 GiB`, `0.42/24.0 GiB`. */
export function formatUsage(used: number, capacity: number): string {
  const [, unit] = formatBytes(capacity).split(' ');
  const scale = 1024 ** (UNITS.indexOf(unit as (typeof UNITS)[number]) + 1);
  return unit && scale > 1 ? `${round(used / scale)}/${formatBytes(capacity)}` : `${formatBytes(used)}/${formatBytes(capacity)}`;
}

function round(x: number): string {
  const abs = Math.abs(x);
  const digits = abs >= 100 ? 0 : abs >= 10 ? 1 : 2;
  return x.toFixed(digits);
}

/** A count with an SI suffix: 124.4M, 6.74B. */
export function formatCount(n: number): string {
  const abs = Math.abs(n);
  if (abs >= 1e12) {
    return `${round(n / 1e12)}T`;
  }
  if (abs >= 1e9) {
    return `${round(n / 1e9)}B`;
  }
  if (abs >= 1e6) {
    return `${round(n / 1e6)}M`;
  }
  if (abs >= 1e3) {
    return `${round(n / 1e3)}K`;
  }
  return String(n);
}

/** An exact integer with thousands separators: 6,738,415,616. */
export function formatInteger(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

export function formatPercent(fraction: number): string {
  const p = fraction * 100;
  if (p > 0 && p < 0.1) {
    return '<0.1 %';
  }
  return `${p >= 10 ? p.toFixed(0) : p.toFixed(1)} %`;
}

export function formatMultiplier(x: number): string {
  return `×${x >= 10 ? x.toFixed(1) : x.toFixed(2)}`;
}

/** What one sample is, in a run's own terms: an image of a side (with guidance's doubling) or a sequence of tokens. */
export function sampleShape(s: { readonly sequenceLength: number; readonly imageSide?: number; readonly imageTokens?: number; readonly guidance?: boolean }): string {
  return isDiffusionRun(s) && s.imageSide !== undefined
    ? `image ${formatInteger(s.imageSide)} × ${formatInteger(s.imageSide)}${s.guidance ? ', classifier-free guidance (inference)' : ''}`
    : `sequence ${formatInteger(s.sequenceLength)}${s.imageTokens ? ` (${formatInteger(s.imageTokens)} of them image tokens)` : ''}`;
}

/** 4,096 → "4k", 131,072 → "128k", 1,561 → "1,561": a sequence as a CodeLens shows it. */
export function compactTokens(n: number): string {
  return n >= 1024 && n % 1024 === 0 ? `${n / 1024}k` : formatInteger(n);
}

/** The run's shape for the CodeLens: `b4 · 2k` (micro-batch · sequence), or `b1 · 1024²` for a diffusion image. */
export function compactShape(s: { readonly batchSize: number; readonly sequenceLength: number; readonly imageSide?: number; readonly imageTokens?: number; readonly guidance?: boolean }): string {
  const sample = isDiffusionRun(s) && s.imageSide !== undefined ? `${formatInteger(s.imageSide)}²` : compactTokens(s.sequenceLength);
  return `b${formatInteger(s.batchSize)} · ${sample}`;
}

/** 2 → "2nd", 3 → "3rd", 11 → "11th". */
export function ordinal(n: number): string {
  const tens = n % 100;
  const suffix = tens >= 11 && tens <= 13 ? 'th' : ({ 1: 'st', 2: 'nd', 3: 'rd' } as Record<number, string>)[n % 10] ?? 'th';
  return `${n}${suffix}`;
}
