/** Median wall time of `fn` in milliseconds over `runs` runs, after a short warm-up. */
export function medianMs(fn: () => unknown, runs: number): number {
  for (let i = 0; i < Math.min(10, runs); i++) {
    fn();
  }
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    fn();
    samples.push(performance.now() - t0);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)];
}
