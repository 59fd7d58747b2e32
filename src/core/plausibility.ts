// Checks of a model's values against each other and against what published models use, for the resolver: what is impossible is an error, what is far outside its family a warning, and a likely typo gets a suggestion.
import { CATALOG, catalogTextConfig } from './catalog';
import type { SpecField } from './types';
import { KEY_ALIASES } from './vocabulary';

/** Fields whose published range is known from the catalog, per model_type. */
const RANGED_FIELDS = ['numLayers', 'hiddenSize', 'numHeads', 'intermediateSize', 'vocabSize', 'numExperts'] as const;
type RangedField = (typeof RANGED_FIELDS)[number];

/**
 * The largest value any published model uses, with room to spare: beyond it a value is almost surely a typo, in any
 * family (Llama 3.1 405B has 126 layers and hidden size 16,384; Gemma 3 a 262,144-token vocabulary).
 */
const PUBLISHED_MAX: Readonly<Record<RangedField, number>> = {
  numLayers: 256,
  hiddenSize: 65_536,
  numHeads: 512,
  intermediateSize: 262_144,
  vocabSize: 2_097_152,
  numExperts: 2_048,
};

/** A value this many times a family's largest catalog value is far outside the family. */
const FAMILY_FACTOR = 3;

/** The largest value each family's catalog entries use, per field (`mistral` → numLayers → 32…). */
const FAMILY_MAX: ReadonlyMap<string, Partial<Record<RangedField, number>>> = (() => {
  const byType = new Map<string, Partial<Record<RangedField, number>>>();
  for (const model of CATALOG) {
    // A multimodal entry's sizes are its language model's, known by that model's type.
    const config = catalogTextConfig(model.config);
    const type = config.model_type;
    if (typeof type !== 'string') {
      continue;
    }
    const max = byType.get(type) ?? {};
    for (const field of RANGED_FIELDS) {
      const value = KEY_ALIASES[field].map(k => config[k]).find(v => typeof v === 'number');
      if (typeof value === 'number') {
        max[field] = Math.max(max[field] ?? 0, value);
      }
    }
    byType.set(type, max);
  }
  return byType;
})();

/** Why a value is far outside what its family (or any published model) uses; undefined when it is plausible. */
export function implausible(field: SpecField, value: number, modelType: string | undefined, familyName: string): string | undefined {
  if (!(RANGED_FIELDS as readonly string[]).includes(field)) {
    return undefined;
  }
  const f = field as RangedField;
  const familyMax = modelType === undefined ? undefined : FAMILY_MAX.get(modelType)?.[f];
  if (familyMax !== undefined && value > FAMILY_FACTOR * familyMax) {
    return `far outside what published ${familyName} models use (at most ${familyMax.toLocaleString('en-US')} in VRAM Lens' catalog): check it for a typo.`;
  }
  if (value > PUBLISHED_MAX[f]) {
    return `more than any published model uses (${PUBLISHED_MAX[f].toLocaleString('en-US')}): check it for a typo.`;
  }
  return undefined;
}

/** Head widths by how usual they are: 128 and 64 above all, then the other widths published models use. */
function headWidthRank(width: number): number {
  return width === 128 || width === 64 ? 0 : [32, 80, 96, 112, 160, 192, 256].includes(width) ? 1 : 2;
}

/**
 * The width or head count a one-keystroke typo most likely stands for, when the hidden size does not divide by the
 * heads: candidates are `value` with two neighbouring digits swapped (4906 → 4096), or one digit changed, dropped or
 * added (3 → 32); each must give heads of a usual width (a multiple of 8). Swaps first, then the most usual head
 * width, then the nearest; at most two equally likely ones.
 */
export function typoCandidates(value: number, headWidth: (n: number) => number | undefined): number[] {
  if (!Number.isInteger(value) || value <= 0) {
    return [];
  }
  const digits = String(value);
  const found = new Map<number, { swap: boolean; rank: number }>();
  const consider = (text: string, swap: boolean) => {
    const n = Number(text);
    const width = text.startsWith('0') || n <= 0 || n === value || n > 20 * value || n < value / 20 ? undefined : headWidth(n);
    if (width !== undefined && Number.isInteger(width) && width % 8 === 0 && !found.has(n)) {
      found.set(n, { swap, rank: headWidthRank(width) });
    }
  };
  for (let i = 0; i + 1 < digits.length; i++) {
    consider(digits.slice(0, i) + digits[i + 1] + digits[i] + digits.slice(i + 2), true);
  }
  for (let i = 0; i <= digits.length; i++) {
    if (i < digits.length) {
      consider(digits.slice(0, i) + digits.slice(i + 1), false);
    }
    for (let d = 0; d <= 9; d++) {
      consider(digits.slice(0, i) + String(d) + digits.slice(i), false);
      if (i < digits.length) {
        consider(digits.slice(0, i) + String(d) + digits.slice(i + 1), false);
      }
    }
  }
  const key = (n: number) => {
    const f = found.get(n)!;
    return [f.swap ? 0 : 1, f.rank, Math.abs(n - value)];
  };
  const sorted = [...found.keys()].sort((a, b) => {
    const [ka, kb] = [key(a), key(b)];
    return ka[0] - kb[0] || ka[1] - kb[1] || ka[2] - kb[2];
  });
  const best = sorted[0];
  return best === undefined ? [] : sorted.filter(n => key(n).every((k, i) => k === key(best)[i])).slice(0, 2);
}
