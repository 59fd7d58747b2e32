// A workspace's vram-lens.gpus.json, read and watched per folder.
import * as vscode from 'vscode';
import { Disposable } from './lifetime';
import { GPUS_FILE, gpusFromFile, type Gpu } from '../core/gpus';

/**
 * GPUs listed in a vram-lens.gpus.json at a workspace folder's root or in its .vscode folder, per folder. Read
 * once at activation and again when such a file is saved, created or deleted, or the folders change. A file
 * that cannot be read lists nothing; the JSON schema shows the user what is wrong while they edit it.
 */
export class WorkspaceGpus extends Disposable {
  private readonly byFolder = new Map<string, readonly Gpu[]>();
  private readonly changed = this._register(new vscode.EventEmitter<void>());
  readonly onDidChange = this.changed.event;
  /** Resolves when the first read is done. */
  readonly ready: Promise<void>;

  constructor() {
    super();
    const watcher = this._register(vscode.workspace.createFileSystemWatcher(`**/${GPUS_FILE}`));
    const reload = () => void this.reload();
    this._register(watcher.onDidChange(reload));
    this._register(watcher.onDidCreate(reload));
    this._register(watcher.onDidDelete(reload));
    this._register(vscode.workspace.onDidChangeWorkspaceFolders(reload));
    this.ready = this.reload();
  }

  /** The GPUs of the folder that holds a resource (none outside a workspace folder). */
  for(scope: vscode.Uri | undefined): readonly Gpu[] {
    const folder = scope ? vscode.workspace.getWorkspaceFolder(scope) : vscode.workspace.workspaceFolders?.[0];
    return folder ? (this.byFolder.get(folder.uri.toString()) ?? []) : [];
  }

  private async reload(): Promise<void> {
    const next = new Map<string, readonly Gpu[]>();
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      const gpus: Gpu[] = [];
      for (const uri of [vscode.Uri.joinPath(folder.uri, GPUS_FILE), vscode.Uri.joinPath(folder.uri, '.vscode', GPUS_FILE)]) {
        try {
          const bytes = await vscode.workspace.fs.readFile(uri);
          gpus.push(...gpusFromFile(new TextDecoder().decode(bytes)).gpus);
        } catch {
          // No such file: nothing to add.
        }
      }
      if (gpus.length > 0) {
        next.set(folder.uri.toString(), gpus);
      }
    }
    const before = JSON.stringify([...this.byFolder]);
    this.byFolder.clear();
    for (const [k, v] of next) {
      this.byFolder.set(k, v);
    }
    if (JSON.stringify([...this.byFolder]) !== before) {
      this.changed.fire();
    }
  }
}
