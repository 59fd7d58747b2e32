// What the editor offers for a model name nothing resolves: point to its config.json, enable Hub lookup, or map it in vramLens.models.
import * as vscode from 'vscode';
import { CATALOG } from '../core/catalog';
import { SECTION } from './config';

export const RESOLVE_MODEL_COMMAND = 'vramLens.resolveModel';
export const POINT_TO_CONFIG_COMMAND = 'vramLens.pointToModelConfig';
export const ENABLE_HUB_COMMAND = 'vramLens.enableHubLookup';
export const MAP_MODEL_COMMAND = 'vramLens.mapModel';

/** The three ways out, as the lens and the quick fixes offer them. */
export const UNKNOWN_MODEL_ACTIONS = [
  { title: 'Point to its config.json…', command: POINT_TO_CONFIG_COMMAND },
  { title: 'Enable Hub lookup', command: ENABLE_HUB_COMMAND },
  { title: 'Add it to vramLens.models…', command: MAP_MODEL_COMMAND },
] as const;

/** Adds `name → value` to vramLens.models, in the workspace folder's settings when there is one. */
async function mapModel(uri: vscode.Uri | undefined, name: string, value: string): Promise<void> {
  const folder = uri ? vscode.workspace.getWorkspaceFolder(uri) : undefined;
  const config = vscode.workspace.getConfiguration(SECTION, folder?.uri);
  const current = config.get<Record<string, unknown>>('models') ?? {};
  const target = folder ? vscode.ConfigurationTarget.WorkspaceFolder : vscode.ConfigurationTarget.Global;
  await config.update('models', { ...current, [name]: value }, target);
}

/** The path of a picked file or folder, relative to the workspace folder when it is inside it. */
function relativeTo(folder: vscode.WorkspaceFolder | undefined, picked: vscode.Uri): string {
  const root = folder?.uri.path.replace(/\/+$/, '');
  return root && picked.path.startsWith(`${root}/`) ? picked.path.slice(root.length + 1) : picked.path;
}

async function pointToConfig(uri: vscode.Uri | undefined, name: string): Promise<void> {
  const folder = uri ? vscode.workspace.getWorkspaceFolder(uri) : undefined;
  const picked = await vscode.window.showOpenDialog({
    title: `The config.json (or model folder) of ${name}`,
    canSelectFiles: true,
    canSelectFolders: true,
    canSelectMany: false,
    ...(folder ? { defaultUri: folder.uri } : {}),
    filters: { 'Model config': ['json', 'yaml'] },
  });
  if (picked?.[0]) {
    await mapModel(uri, name, relativeTo(folder, picked[0]));
  }
}

async function mapToCatalog(uri: vscode.Uri | undefined, name: string): Promise<void> {
  const items = CATALOG.map(m => ({ label: m.id, description: m.aliases.slice(0, 3).join(', ') }));
  const picked = await vscode.window.showQuickPick(items, {
    title: `${name} has the architecture of…`,
    placeHolder: 'A fine-tune keeps its base model\'s architecture: pick the base',
    matchOnDescription: true,
  });
  if (picked) {
    await mapModel(uri, name, picked.label);
  }
}

/** The commands behind the unknown-model lens and quick fixes. */
export function registerUnknownModelCommands(): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand(RESOLVE_MODEL_COMMAND, async (uri?: vscode.Uri, name?: string) => {
      if (typeof name !== 'string') {
        return;
      }
      const picked = await vscode.window.showQuickPick(UNKNOWN_MODEL_ACTIONS.map(a => ({ label: a.title, command: a.command })), { title: `VRAM Lens: ${name}` });
      if (picked) {
        await vscode.commands.executeCommand(picked.command, uri, name);
      }
    }),
    vscode.commands.registerCommand(POINT_TO_CONFIG_COMMAND, (uri?: vscode.Uri, name?: string) => (typeof name === 'string' ? pointToConfig(uri, name) : undefined)),
    vscode.commands.registerCommand(MAP_MODEL_COMMAND, (uri?: vscode.Uri, name?: string, value?: string) =>
      typeof name !== 'string' ? undefined : typeof value === 'string' ? mapModel(uri, name, value) : mapToCatalog(uri, name),
    ),
    vscode.commands.registerCommand(ENABLE_HUB_COMMAND, () => vscode.workspace.getConfiguration(SECTION).update('hub.enabled', true, vscode.ConfigurationTarget.Global)),
  ];
}
