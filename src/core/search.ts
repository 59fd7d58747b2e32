// The one search the planners, advice and quick fixes share: the largest value a monotone test still accepts, or the smallest it starts to accept.

/** The largest n in [1, limit] for which `fits(n)` holds, assuming it is monotone; 0 when even 1 does not. */
export function largestFitting(fits: (n: number) => boolean, limit: number): number {
  if (limit < 1 || !fits(1)) {
    return 0;
  }
  let lo = 1;
  let hi = 2;
  while (hi <= limit && fits(hi)) {
    lo = hi;
    hi *= 2;
  }
  hi = Math.min(hi, limit + 1);
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (fits(mid)) {
      lo = mid;
    } else {
      hi = mid;
    }
  }
  return lo;
}

/** The smallest n in [1, limit] for which `fits(n)` holds, assuming once it holds it keeps holding; undefined when none does. */
export function smallestFitting(fits: (n: number) => boolean, limit: number): number | undefined {
  const n = largestFitting(m => !fits(m), limit) + 1;
  return n <= limit ? n : undefined;
}
