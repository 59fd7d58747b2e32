// File access for model resolution in Node (the CLI and the desktop extension host): small files whole, safetensors headers by byte range.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { ExternalModel } from '../core/modelNames';
import type { HubCache } from '../parse/hub';
import type { FileAccess } from '../parse/localModels';

/** Reads through Node's fs; a path that is absent, not a regular file or too large reads as undefined. */
export const NODE_FILES: FileAccess = {
  async readText(path, maxBytes) {
    try {
      const stat = await fs.promises.stat(path);
      return stat.isFile() && stat.size <= maxBytes ? await fs.promises.readFile(path, 'utf8') : undefined;
    } catch {
      return undefined;
    }
  },
  async readBytes(path, offset, length) {
    let handle: fs.promises.FileHandle | undefined;
    try {
      const stat = await fs.promises.stat(path);
      if (!stat.isFile() || offset + length > stat.size) {
        return undefined;
      }
      handle = await fs.promises.open(path, 'r');
      const buffer = new Uint8Array(length);
      const { bytesRead } = await handle.read(buffer, 0, length, offset);
      return bytesRead === length ? buffer : undefined;
    } catch {
      return undefined;
    } finally {
      await handle?.close();
    }
  },
};

/** The Hub token as the huggingface_hub library finds it: HF_TOKEN, then the token file `huggingface-cli login` writes. */
export function hubToken(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const fromEnv = env.HF_TOKEN ?? env.HUGGING_FACE_HUB_TOKEN;
  if (fromEnv) {
    return fromEnv.trim();
  }
  const home = env.HF_HOME ?? path.join(env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'huggingface');
  try {
    return fs.readFileSync(env.HF_TOKEN_PATH ?? path.join(home, 'token'), 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

/** Hub descriptions kept as JSON files in a folder (`~/.cache/vram-lens/hub` unless told otherwise). */
export function folderHubCache(folder: string): HubCache {
  const file = (id: string) => path.join(folder, `${id.replace(/\//g, '__')}.json`);
  return {
    async get(id) {
      try {
        return JSON.parse(await fs.promises.readFile(file(id), 'utf8')) as ExternalModel;
      } catch {
        return undefined;
      }
    },
    async set(id, model) {
      await fs.promises.mkdir(folder, { recursive: true });
      await fs.promises.writeFile(file(id), JSON.stringify(model));
    },
  };
}

/** The CLI's Hub cache folder: VRAM_LENS_CACHE, else the XDG cache folder. */
export function defaultHubCacheFolder(env: NodeJS.ProcessEnv = process.env): string {
  return env.VRAM_LENS_CACHE ?? path.join(env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'vram-lens', 'hub');
}
