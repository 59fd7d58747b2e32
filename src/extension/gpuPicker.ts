// Select Target GPU: a quick pick of every GPU by tier, with whether the active config fits.
import * as vscode from 'vscode';
import { settingTarget } from './assumptions';
import { gpuList } from '../core/analyze';
import { gpuFitDetail, gpuSizeLabel } from '../core/explain';
import { formatBytes, formatInteger } from '../core/format';
import { bySizeThenPrice, gpuMemoryBytes, groupName, tierOf, type Gpu } from '../core/gpus';
import type { AnalysisCache } from './analysisCache';
import { SECTION } from './config';

interface GpuItem extends vscode.QuickPickItem {
  readonly gpu?: Gpu;
}

/** "Select Target GPU": cards grouped by the seed's tiers, each with memory, price and the active config's fit. */
export async function selectTargetGpu(cache: AnalysisCache, isSupported: (d: vscode.TextDocument) => boolean): Promise<string | undefined> {
  const document = vscode.window.activeTextEditor?.document;
  const analysis = document && isSupported(document) ? cache.get(document) : undefined;
  // The first config with numbers, or a serving command its engine is not planned for on the target (Apple silicon).
  const active = analysis?.configs.find(a => a.estimate || (a.spec && a.servingOptions));
  const options = analysis?.options ?? cache.optionsFor(document?.uri);
  const current = analysis?.gpu?.name ?? options.targetGpu;
  const gpus = [...gpuList(options)].sort(bySizeThenPrice);
  const items: GpuItem[] = [];
  let tier = '';
  for (const gpu of gpus) {
    const t = options.customGpus?.includes(gpu) ? 'Your GPUs (vramLens.customGpus, vram-lens.gpus.json)' : tierOf(gpu);
    if (t !== tier) {
      items.push({ label: t, kind: vscode.QuickPickItemKind.Separator });
      tier = t;
    }
    // The fit in the modes the active config is judged on (a training recipe's training peak, a command's start).
    const fit = active ? gpuFitDetail(active, gpu, options.mode) : undefined;
    items.push({
      label: gpu.name === current ? `$(check) ${gpu.name}` : gpu.name,
      description: `${gpuSizeLabel(gpu)}${gpu.priceUsd === null ? '' : ` · $${formatInteger(gpu.priceUsd)}`} · ${gpu.vendor} ${gpu.generation}`,
      detail: fit,
      gpu,
    });
  }
  // Several cards of a kind, in tensor parallel (each holds its share of the weights and the KV cache).
  items.push({ label: 'Several GPUs (tensor parallel)', kind: vscode.QuickPickItemKind.Separator });
  for (const name of ['RTX 4090', 'A100 80GB', 'H100 80GB', 'H200']) {
    const gpu = gpus.find(g => g.name === name);
    for (const n of gpu ? [2, 4, 8] : []) {
      const label = groupName(gpu!.name, n);
      items.push({ label: label === current ? `$(check) ${label}` : label, description: `${formatBytes(gpuMemoryBytes(gpu!))} each`, gpu: { ...gpu!, name: label } });
    }
  }
  const picked = await pickOne(items, current, active ? 'Memory, price, and whether the active config fits' : 'Memory and price of each GPU');
  if (!picked?.gpu) {
    return undefined;
  }
  // Written where the target is set now, so that it takes effect; by default in User settings, as the user's hardware.
  const scope = vscode.window.activeTextEditor?.document.uri;
  await vscode.workspace.getConfiguration(SECTION, scope).update('targetGpu', picked.gpu.name, settingTarget('targetGpu', scope, true));
  return picked.gpu.name;
}

/** The quick pick with the current target already highlighted, so that Enter keeps it and arrows start from it. */
function pickOne(items: readonly GpuItem[], current: string, placeholder: string): Promise<GpuItem | undefined> {
  const pick = vscode.window.createQuickPick<GpuItem>();
  pick.title = 'VRAM Lens: Select Target GPU';
  pick.placeholder = placeholder;
  pick.matchOnDescription = true;
  pick.items = items;
  pick.activeItems = items.filter(i => i.gpu?.name === current);
  return new Promise(resolve => {
    let chosen: GpuItem | undefined;
    pick.onDidAccept(() => {
      chosen = pick.selectedItems[0] ?? pick.activeItems[0];
      pick.hide();
    });
    pick.onDidHide(() => {
      pick.dispose();
      resolve(chosen);
    });
    pick.show();
  });
}
