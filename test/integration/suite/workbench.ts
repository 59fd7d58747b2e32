// What the integration suite and the editor audit share: the extension's identity and polling for what the editor computes asynchronously.
export const EXTENSION_ID = 'vram-lens.vram-lens';
/** The source VRAM Lens's diagnostics carry. */
export const SOURCE = 'VRAM Lens';

export const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

/** Polls until `ok` holds (providers and diagnostics are computed asynchronously), then returns the last value. */
export async function waitFor<T>(get: () => T | Thenable<T>, ok: (v: T) => boolean, ms = 15000): Promise<T> {
  const end = Date.now() + ms;
  let v = await get();
  while (!ok(v) && Date.now() < end) {
    await sleep(100);
    v = await get();
  }
  return v;
}
