// The Hugging Face Hub, when the user allows it: a model's config.json and safetensors headers (HTTP range requests) for names the catalog lacks.
import type { ExternalModel } from '../core/modelNames';
import { readModelFolder, type FileAccess } from './localModels';

export interface HubOptions {
  /** `https://huggingface.co`, a mirror, or HF_ENDPOINT. */
  readonly endpoint: string;
  /** HF_TOKEN or the token file's, for gated and private models. */
  readonly token?: string;
  /** Per request; the Hub answers in well under a second. */
  readonly timeoutMs: number;
}

/** A model the Hub describes, or why it does not (gated, absent, unreachable), in words for the diagnostic. */
export type HubResult = { readonly model: ExternalModel } | { readonly failure: string };

/** Where a model's cached description is kept between sessions (globalStorage in the editor, a folder for the CLI). */
export interface HubCache {
  get(id: string): Promise<ExternalModel | undefined>;
  set(id: string, model: ExternalModel): Promise<void>;
}

/** A repository id the Hub can hold: `org/name`. */
export const HUB_ID = /^[A-Za-z0-9][\w.-]{0,95}\/[A-Za-z0-9][\w.-]{0,95}$/;

class HubFailure extends Error {}

/** Files of one repository at `main`, through the Hub's `resolve` URLs; the first failure is kept to report. */
class HubFiles implements FileAccess {
  failure: string | undefined;

  constructor(private readonly options: HubOptions, private readonly id: string) {}

  private url(path: string): string {
    const file = path.slice(this.id.length + 1);
    return `${this.options.endpoint.replace(/\/+$/, '')}/${this.id}/resolve/main/${file.split('/').map(encodeURIComponent).join('/')}`;
  }

  private async request(path: string, range?: [number, number]): Promise<Response | undefined> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.options.timeoutMs);
    const headers: Record<string, string> = {};
    if (this.options.token) {
      headers.Authorization = `Bearer ${this.options.token}`;
    }
    if (range) {
      headers.Range = `bytes=${range[0]}-${range[1]}`;
    }
    try {
      const response = await fetch(this.url(path), { headers, signal: controller.signal, redirect: 'follow' });
      if (response.status === 401 || response.status === 403) {
        const code = response.headers.get('x-error-code') ?? '';
        const body = await response.text().catch(() => '');
        throw new HubFailure(
          /gated/i.test(code + body)
            ? `${this.id} is gated on the Hub: accept its terms on its page, then set HF_TOKEN (or log in with \`huggingface-cli login\`)`
            : this.options.token
              ? `the Hub refuses the token for ${this.id} (HTTP ${response.status})`
              : `${this.id} is private or absent on the Hub; set HF_TOKEN if it is yours`,
        );
      }
      if (response.status === 404) {
        await response.body?.cancel();
        return undefined;
      }
      if (!response.ok) {
        await response.body?.cancel();
        throw new HubFailure(`the Hub answered HTTP ${response.status} for ${this.id}`);
      }
      // A server that ignores the range would send the whole file: weights are never downloaded.
      if (range && response.status !== 206) {
        await response.body?.cancel();
        return undefined;
      }
      return response;
    } catch (e) {
      if (e instanceof HubFailure) {
        throw e;
      }
      throw new HubFailure(
        controller.signal.aborted
          ? `the Hub (${this.options.endpoint}) did not answer within ${Math.round(this.options.timeoutMs / 1000)} s`
          : `the Hub (${this.options.endpoint}) cannot be reached (${(e as Error).message}); check the network, or point vramLens.hub.endpoint at a mirror`,
      );
    } finally {
      clearTimeout(timer);
    }
  }

  private async guard<T>(read: () => Promise<T | undefined>): Promise<T | undefined> {
    try {
      return await read();
    } catch (e) {
      this.failure ??= (e as Error).message;
      return undefined;
    }
  }

  readText(path: string, maxBytes: number): Promise<string | undefined> {
    return this.guard(async () => {
      const response = await this.request(path);
      const text = response ? await response.text() : undefined;
      return text !== undefined && text.length <= maxBytes ? text : undefined;
    });
  }

  readBytes(path: string, offset: number, length: number): Promise<Uint8Array | undefined> {
    return this.guard(async () => {
      const response = await this.request(path, [offset, offset + length - 1]);
      const bytes = response ? new Uint8Array(await response.arrayBuffer()) : undefined;
      return bytes && bytes.length === length ? bytes : undefined;
    });
  }
}

/**
 * The model the Hub describes for `id`: its config.json and, through range requests, the headers of its safetensors
 * shards (their 8-byte length and JSON header only, never the weights). Cached: a name is fetched once.
 */
export async function hubModel(id: string, options: HubOptions, cache?: HubCache): Promise<HubResult> {
  if (!HUB_ID.test(id)) {
    return { failure: `"${id}" is not a Hub repository id (org/name)` };
  }
  const cached = await cache?.get(id).catch(() => undefined);
  if (cached) {
    return { model: cached };
  }
  const files = new HubFiles(options, id);
  const host = options.endpoint.replace(/^https?:\/\//, '').replace(/\/+$/, '');
  const model = await readModelFolder(files, id, `${host}/${id}`);
  if (!model) {
    return { failure: files.failure ?? `${id} has no config.json on the Hub (${host})` };
  }
  const found = { ...model, source: `the Hub: ${model.source}` };
  await cache?.set(id, found).catch(() => undefined);
  return { model: found };
}
