// How far a benchmark's estimates are from the published figures: the median and worst of the absolute errors.

/** Median and worst |error| of relative errors (a row with no estimate counts as an infinite error). */
export function errorSummary(errors: readonly number[]): { readonly median: number; readonly worst: number; readonly within: (limit: number) => number } {
  const abs = errors.map(Math.abs).sort((a, b) => a - b);
  const mid = abs.length >> 1;
  const median = abs.length % 2 ? abs[mid] : (abs[mid - 1] + abs[mid]) / 2;
  return { median, worst: abs[abs.length - 1], within: limit => abs.filter(e => e <= limit).length };
}
