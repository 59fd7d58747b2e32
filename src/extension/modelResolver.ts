// Models for names the catalog lacks, in the editor: vramLens.models, the document's folders (local first), and the Hub when allowed.
import * as vscode from 'vscode';
import { Disposable } from './lifetime';
import { lookupsFor, type DocumentAnalysis } from '../core/analyze';
import type { ExternalModel } from '../core/modelNames';
import type { HubCache } from '../parse/hub';
import type { FileAccess } from '../parse/localModels';
import { lookUp, type Lookup } from '../parse/lookups';
import { readUserModels, type UserModelValue } from '../parse/userModels';
import { SECTION } from './config';

/** The default Hub, unless vramLens.hub.endpoint (or HF_ENDPOINT, where the host has an environment) names another. */
const HUB = 'https://huggingface.co';
const HUB_TIMEOUT_MS = 10_000;

/** Reads workspace files through workspace.fs (any scheme, the web host too); byte ranges where the host can. */
export function workspaceFiles(base: vscode.Uri, readBytes?: FileAccess['readBytes']): FileAccess {
  const uri = (path: string) => base.with({ path });
  return {
    async readText(path, maxBytes) {
      try {
        const stat = await vscode.workspace.fs.stat(uri(path));
        if (stat.type !== vscode.FileType.File || stat.size > maxBytes) {
          return undefined;
        }
        return new TextDecoder().decode(await vscode.workspace.fs.readFile(uri(path)));
      } catch {
        return undefined;
      }
    },
    ...(readBytes && base.scheme === 'file' ? { readBytes: (path: string, offset: number, length: number) => readBytes(uri(path).fsPath, offset, length) } : {}),
  };
}

/** Hub descriptions kept in the extension's global storage, one JSON file per model. */
function storageHubCache(folder: vscode.Uri): HubCache {
  const file = (id: string) => vscode.Uri.joinPath(folder, 'hub', `${id.replace(/\//g, '__')}.json`);
  return {
    async get(id) {
      try {
        return JSON.parse(new TextDecoder().decode(await vscode.workspace.fs.readFile(file(id)))) as ExternalModel;
      } catch {
        return undefined;
      }
    },
    async set(id, model) {
      await vscode.workspace.fs.createDirectory(vscode.Uri.joinPath(folder, 'hub'));
      await vscode.workspace.fs.writeFile(file(id), new TextEncoder().encode(JSON.stringify(model)));
    },
  };
}

/** What is known for one document folder, and the names and files already asked for. */
interface FolderLookups extends Lookup {
  readonly tried: Set<string>;
}

const NOTHING_KNOWN: Lookup = { models: new Map(), failures: new Map(), attached: new Map() };

/**
 * Looks names up once per document folder, in the background, and says when something new is known: the analysis
 * cache then analyses again with it. The editor never waits on a file or the network.
 */
export class ModelResolver extends Disposable {
  /** Per document folder: what each name resolved to, or why the Hub could not say. */
  private readonly byFolder = new Map<string, FolderLookups>();
  /** vramLens.models per workspace folder, read once until the setting changes. */
  private readonly userModels = new Map<string, Promise<Map<string, ExternalModel>>>();
  private readonly changed = this._register(new vscode.EventEmitter<void>());
  readonly onDidChange = this.changed.event;

  constructor(private readonly storage: vscode.Uri | undefined, private readonly readBytes: FileAccess['readBytes'] | undefined, private readonly env: Record<string, string | undefined>) {
    super();
    this._register(
      vscode.workspace.onDidChangeConfiguration(e => {
        if (e.affectsConfiguration(`${SECTION}.models`) || e.affectsConfiguration(`${SECTION}.hub`)) {
          this.byFolder.clear();
          this.userModels.clear();
        }
      }),
    );
  }

  /** What is known so far for the names of a document in `folder` (the document's own folder). */
  known(folder: vscode.Uri): Lookup {
    return this.byFolder.get(folder.toString()) ?? NOTHING_KNOWN;
  }

  /** Starts the lookups a document's analysis calls for; fires onDidChange when one finds something new. */
  request(document: vscode.TextDocument, analysis: DocumentAnalysis): void {
    const folder = vscode.Uri.joinPath(document.uri, '..');
    const key = folder.toString();
    let entry = this.byFolder.get(key);
    if (!entry) {
      entry = { models: new Map(), failures: new Map(), attached: new Map(), tried: new Set() };
      this.byFolder.set(key, entry);
    }
    const wanted = lookupsFor(analysis);
    const names = wanted.names.filter(n => !entry!.tried.has(n));
    const files = wanted.files.filter(n => !entry!.tried.has(`file:${n}`));
    if (names.length === 0 && files.length === 0) {
      return;
    }
    names.forEach(n => entry!.tried.add(n));
    files.forEach(n => entry!.tried.add(`file:${n}`));
    const into = entry;
    void this.lookUpFor(document.uri, folder, { names, files, unresolved: wanted.unresolved }).then(found => {
      found.models.forEach((model, name) => into.models.set(name, model));
      found.failures.forEach((why, name) => into.failures.set(name, why));
      found.attached.forEach((obj, name) => into.attached.set(name, obj));
      if (found.models.size + found.failures.size + found.attached.size > 0 && this.byFolder.get(key) === into) {
        this.changed.fire();
      }
    }, e => console.error('VRAM Lens: model lookup failed', e));
  }

  /** lookUp's order with the editor's places and sources: the document's folder up to the workspace root. */
  private async lookUpFor(uri: vscode.Uri, folder: vscode.Uri, wanted: Parameters<typeof lookUp>[0]): Promise<Lookup> {
    const workspace = vscode.workspace.getWorkspaceFolder(uri);
    const hub = vscode.workspace.getConfiguration(SECTION, uri).get<unknown>('hub.enabled') === true;
    const sources = {
      user: await this.userModelsFor(workspace),
      ...(hub ? { hub: { options: this.hubOptions(uri), ...(this.storage ? { cache: storageHubCache(this.storage) } : {}) } } : {}),
    };
    return lookUp(wanted, { files: workspaceFiles(uri, this.readBytes), searches: [{ folder: folder.path, root: workspace?.uri.path }] }, sources);
  }

  private hubOptions(uri: vscode.Uri) {
    const setting = vscode.workspace.getConfiguration(SECTION, uri).get<unknown>('hub.endpoint');
    const chosen = typeof setting === 'string' && setting !== HUB && /^https?:\/\/\S+$/.test(setting) ? setting : undefined;
    const endpoint = chosen ?? this.env.HF_ENDPOINT ?? HUB;
    const token = this.env.HF_TOKEN ?? this.env.HUGGING_FACE_HUB_TOKEN;
    return { endpoint, timeoutMs: HUB_TIMEOUT_MS, ...(token ? { token } : {}) };
  }

  private userModelsFor(workspace: vscode.WorkspaceFolder | undefined): Promise<Map<string, ExternalModel>> {
    const key = workspace?.uri.toString() ?? '';
    let models = this.userModels.get(key);
    if (!models) {
      const mapping = vscode.workspace.getConfiguration(SECTION, workspace?.uri).get<unknown>('models');
      const base = workspace?.uri;
      // Without a folder, only catalog names and values resolve (a path has nothing to be relative to).
      const files: FileAccess = base ? workspaceFiles(base, this.readBytes) : { readText: () => Promise.resolve(undefined) };
      models = mapping && typeof mapping === 'object' && !Array.isArray(mapping)
        ? readUserModels(mapping as Record<string, UserModelValue>, files, base?.path ?? '/').then(r => r.models)
        : Promise.resolve(new Map());
      this.userModels.set(key, models);
    }
    return models;
  }
}
