// Checks of a model's values against each other and against what published models use, for the resolver: what is impossible is an error, what is far outside its family a warning, and a likely typo gets a suggestion.
import { CATALOG } from './catalog';
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
    const type = model.config.model_type;
    if (typeof type !== 'string') {
      continue;
    }
    const max = byType.get(type) ?? {};
    for (const field of RANGED_FIELDS) {
      const value = KEY_ALIASES[field].map(k => model.config[k]).find(v => typeof v === 'number');
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

/**
 * The value a typo most likely meant, when `value` is not a multiple of `divisor` but a one-keystroke change of it
 * is: two neighbouring digits swapped (4906 → 4096), one digit changed, dropped or doubled. Transpositions first,
 * then the nearest; only a value within a factor of two.
 */
export function didYouMean(value: number, divisor: number): number | undefined {
  if (!Number.isInteger(value) || value <= 0 || divisor <= 0) {
    return undefined;
  }
  const digits = String(value);
  const swaps: string[] = [];
  const edits: string[] = [];
  for (let i = 0; i + 1 < digits.length; i++) {
    swaps.push(digits.slice(0, i) + digits[i + 1] + digits[i] + digits.slice(i + 2));
  }
  for (let i = 0; i < digits.length; i++) {
    edits.push(digits.slice(0, i) + digits.slice(i + 1));
    edits.push(digits.slice(0, i) + digits[i] + digits.slice(i));
    for (let d = 0; d <= 9; d++) {
      edits.push(digits.slice(0, i) + String(d) + digits.slice(i + 1));
    }
  }
  const fits = (s: string) => {
    const n = Number(s);
    return !s.startsWith('0') && n > 0 && n !== value && n % divisor === 0 && n <= 2 * value && n >= value / 2;
  };
  const swapped = swaps.find(fits);
  if (swapped) {
    return Number(swapped);
  }
  const near = edits.filter(fits).map(Number).sort((a, b) => Math.abs(a - value) - Math.abs(b - value));
  return near[0];
}
