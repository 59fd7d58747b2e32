// The run assumptions VRAM Lens keeps in settings: where a quick fix writes one, the one-step revert, and which differ from the defaults.
import * as vscode from 'vscode';
import { FIX_SETTINGS, type FixSetting } from '../core/fixContext';
import { SECTION } from './config';

/** The settings an estimate assumes where the file is silent (the target GPU is shown on its own). */
export const ASSUMPTION_SETTINGS: readonly string[] = [
  ...FIX_SETTINGS.filter(s => s !== 'targetGpu'),
  'loraRank',
  'attention',
  'cudaOverheadMiB',
  'imagesPerSample',
  'guidance',
];

/** How many quick-fix steps "Revert VRAM Lens Assumption" can undo, most recent first. */
const MAX_STEPS = 50;

const WHERE: Record<vscode.ConfigurationTarget, string> = {
  [vscode.ConfigurationTarget.Global]: 'User',
  [vscode.ConfigurationTarget.Workspace]: 'Workspace',
  [vscode.ConfigurationTarget.WorkspaceFolder]: 'Workspace Folder',
};

/** A setting that is not VRAM Lens's default, and the settings scope that sets it. */
export interface ChangedAssumption {
  readonly setting: string;
  readonly value: unknown;
  readonly target: vscode.ConfigurationTarget;
  readonly where: string;
}

/** One setting as a quick fix wrote it: enough to put back what was there. */
export interface Written {
  readonly setting: string;
  readonly scope: vscode.Uri | undefined;
  readonly target: vscode.ConfigurationTarget;
  readonly previous: unknown;
}

type Inspected = ReturnType<vscode.WorkspaceConfiguration['inspect']>;

/** The most specific scope that sets a value, with the value there; none when only the default applies. */
function setAt(i: Inspected): { target: vscode.ConfigurationTarget; value: unknown } | undefined {
  if (i?.workspaceFolderValue !== undefined) {
    return { target: vscode.ConfigurationTarget.WorkspaceFolder, value: i.workspaceFolderValue };
  }
  if (i?.workspaceValue !== undefined) {
    return { target: vscode.ConfigurationTarget.Workspace, value: i.workspaceValue };
  }
  return i?.globalValue !== undefined ? { target: vscode.ConfigurationTarget.Global, value: i.globalValue } : undefined;
}

function valueAt(i: Inspected, target: vscode.ConfigurationTarget): unknown {
  return target === vscode.ConfigurationTarget.WorkspaceFolder ? i?.workspaceFolderValue : target === vscode.ConfigurationTarget.Workspace ? i?.workspaceValue : i?.globalValue;
}

/**
 * Where a setting is written: the scope that sets it now (as `inspect()` reports), so that the change takes effect;
 * where nothing sets it, the resource's workspace folder (or the workspace, or User settings without one), unless
 * `userByDefault` (the target GPU is the user's hardware, the same in every workspace).
 */
export function settingTarget(setting: string, scope: vscode.Uri | undefined, userByDefault = false): vscode.ConfigurationTarget {
  const at = setAt(vscode.workspace.getConfiguration(SECTION, scope).inspect(setting));
  if (at) {
    return at.target;
  }
  if (userByDefault || !vscode.workspace.workspaceFolders?.length) {
    return vscode.ConfigurationTarget.Global;
  }
  return scope && vscode.workspace.getWorkspaceFolder(scope) ? vscode.ConfigurationTarget.WorkspaceFolder : vscode.ConfigurationTarget.Workspace;
}

/** The assumption settings that differ from VRAM Lens's defaults for a resource, with where each is set. */
export function changedAssumptions(scope: vscode.Uri | undefined): ChangedAssumption[] {
  const c = vscode.workspace.getConfiguration(SECTION, scope);
  return ASSUMPTION_SETTINGS.flatMap(setting => {
    const i = c.inspect(setting);
    const at = setAt(i);
    return at && JSON.stringify(at.value) !== JSON.stringify(i?.defaultValue) ? [{ setting, value: at.value, target: at.target, where: WHERE[at.target] }] : [];
  });
}

/** The setting changes quick fixes made, one step per fix, so that each can be reverted as it was applied. */
export class AssumptionHistory {
  private readonly steps: Written[][] = [];

  /** Writes each setting where it is set (see settingTarget), as one step; returns what was written and where. */
  async apply(changes: readonly { setting: FixSetting; value: unknown }[], scope: vscode.Uri | undefined): Promise<Written[]> {
    const step: Written[] = [];
    for (const { setting, value } of changes) {
      const target = settingTarget(setting, scope, false);
      const c = vscode.workspace.getConfiguration(SECTION, scope);
      step.push({ setting, scope, target, previous: valueAt(c.inspect(setting), target) });
      await c.update(setting, value, target);
    }
    this.steps.push(step);
    this.steps.splice(0, Math.max(0, this.steps.length - MAX_STEPS));
    return step;
  }

  /** Puts back what a step (the last one unless named) replaced; returns it, or undefined when there is none. */
  async revert(which?: readonly Written[]): Promise<readonly Written[] | undefined> {
    const index = which ? this.steps.indexOf(which as Written[]) : this.steps.length - 1;
    if (index < 0) {
      return undefined;
    }
    const [step] = this.steps.splice(index, 1);
    for (const w of [...step].reverse()) {
      await vscode.workspace.getConfiguration(SECTION, w.scope).update(w.setting, w.previous, w.target);
    }
    return step;
  }
}

/** `vramLens.quantization = "nf4"` for messages and tooltips. */
export function describeSetting(setting: string, value: unknown): string {
  return `vramLens.${setting} = ${JSON.stringify(value)}`;
}

/** The quick fixes' setting changes: a resource (whose settings scope applies) then setting/value pairs. */
function settingChanges(args: readonly unknown[]): { scope: vscode.Uri | undefined; changes: { setting: FixSetting; value: unknown }[] } {
  const scope = args[0] instanceof vscode.Uri ? args[0] : undefined;
  const pairs = scope ? args.slice(1) : args;
  const changes: { setting: FixSetting; value: unknown }[] = [];
  for (let i = 0; i + 1 < pairs.length; i += 2) {
    const setting = pairs[i];
    if (typeof setting === 'string' && (FIX_SETTINGS as readonly string[]).includes(setting)) {
      changes.push({ setting: setting as FixSetting, value: pairs[i + 1] });
    }
  }
  return { scope, changes };
}

/** Applies a quick fix's settings as one step, and says where they went with a way back. */
export async function applySettingFix(history: AssumptionHistory, args: readonly unknown[]): Promise<void> {
  const { scope, changes } = settingChanges(args);
  if (changes.length === 0) {
    return;
  }
  const step = await history.apply(changes, scope);
  const what = step.map(w => `${describeSetting(w.setting, changes.find(c => c.setting === w.setting)!.value)} in ${WHERE[w.target]} settings`).join(', ');
  void vscode.window.showInformationMessage(`VRAM Lens: ${what}.`, 'Revert').then(choice => {
    if (choice === 'Revert') {
      void history.revert(step);
    }
  });
}

/**
 * "Revert VRAM Lens Assumption": puts back what the last quick fix's settings replaced; with none to revert, offers
 * each setting that differs from its default, for the active file, to reset.
 */
export async function revertAssumption(history: AssumptionHistory): Promise<void> {
  const step = await history.revert();
  if (step) {
    void vscode.window.showInformationMessage(`VRAM Lens: reverted ${step.map(w => `vramLens.${w.setting}`).join(', ')}.`);
    return;
  }
  const scope = vscode.window.activeTextEditor?.document.uri;
  const changed = changedAssumptions(scope);
  if (changed.length === 0) {
    void vscode.window.showInformationMessage('VRAM Lens: every assumption is at its default; nothing to revert.');
    return;
  }
  const picked = await vscode.window.showQuickPick(
    changed.map(a => ({ label: describeSetting(a.setting, a.value), description: `${a.where} settings`, assumption: a })),
    { title: 'VRAM Lens: reset an assumption to its default', canPickMany: true },
  );
  for (const p of picked ?? []) {
    await vscode.workspace.getConfiguration(SECTION, scope).update(p.assumption.setting, undefined, p.assumption.target);
  }
}
