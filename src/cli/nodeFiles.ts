// File access for model resolution in Node (the CLI and the desktop extension host): small files whole, safetensors headers by byte range.
import * as fs from 'fs';
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
