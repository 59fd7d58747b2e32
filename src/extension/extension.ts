// The composition root: wires the analysis cache to the CodeLens, hovers, diagnostics, fixes, status bar and commands.
import * as vscode from 'vscode';
import { gpuList, resolveTarget } from '../core/analyze';
import { compareGpusMarkdown, whatFitsMarkdown } from '../core/explain';
import { AnalysisCache, formatOf } from './analysisCache';
import { VramCodeActionProvider } from './codeActions';
import { VramCodeLensProvider } from './codeLens';
import {
  APPLY_SETTING_COMMAND,
  COMPARE_GPUS_COMMAND,
  COPY_REPORT_COMMAND,
  ESTIMATE_COMMAND,
  REVEAL_CELL_COMMAND,
  REVERT_ASSUMPTION_COMMAND,
  SELECT_GPU_COMMAND,
  WHAT_FITS_COMMAND,
} from './commands';
import { revealCell } from './notebookCells';
import { applySettingFix, AssumptionHistory, revertAssumption } from './assumptions';
import { DiagnosticsManager } from './diagnostics';
import { configIndexAtPosition, fileName } from './documents';
import { selectTargetGpu } from './gpuPicker';
import { VramHoverProvider } from './hover';
import { ReportPanel } from './report';
import { StatusBar } from './statusBar';
import { ModelResolver } from './modelResolver';
import { registerUnknownModelCommands } from './unknownModels';
import { WorkspaceGpus } from './workspaceGpus';
import type { FileAccess } from '../parse/localModels';

/**
 * The languages VRAM Lens reads; it activates on these only. TOML and Ollama's Modelfile have no built-in language, so
 * by file name too; shell scripts and Dockerfiles for the training and serving launches they run.
 */
export const SELECTOR: vscode.DocumentSelector = [
  { language: 'json' },
  { language: 'jsonc' },
  { language: 'yaml' },
  { language: 'python' },
  { language: 'toml' },
  { pattern: '**/*.toml' },
  { language: 'shellscript' },
  { language: 'dockerfile' },
  { pattern: '**/{Dockerfile,Containerfile,*.dockerfile}' },
  { pattern: '**/Modelfile' },
  { pattern: '**/*.modelfile' },
];

function isSupported(document: vscode.TextDocument): boolean {
  return formatOf(document) !== undefined;
}

/** What the extension exposes to other extensions (and to its integration tests). */
export interface VramLensApi {
  /** The status-bar text for the active editor. */
  statusBarText(): string;
  /** Mean milliseconds of one uncached analysis of a document (parse + estimate), over `runs` runs. */
  timeAnalysis(document: vscode.TextDocument, runs: number): number;
}

/** Node's byte-range reads (safetensors headers), on desktop only: the web worker has neither fs nor local files. */
function nodeByteReader(): FileAccess['readBytes'] | undefined {
  if (typeof process === 'undefined' || !process.versions?.node || vscode.env.uiKind === vscode.UIKind.Web) {
    return undefined;
  }
  try {
    return (require('../cli/nodeFiles') as typeof import('../cli/nodeFiles')).NODE_FILES.readBytes;
  } catch {
    return undefined;
  }
}

/** The environment the Hub lookup honours (HF_TOKEN, HF_ENDPOINT), where the host has one. */
function hostEnvironment(): Record<string, string | undefined> {
  return typeof process !== 'undefined' && process.env ? process.env : {};
}

/** Composition root: wires the shared analysis cache to every editor feature. */
export function activate(context: vscode.ExtensionContext): VramLensApi {
  const workspaceGpus = new WorkspaceGpus();
  const models = new ModelResolver(context.globalStorageUri, nodeByteReader(), hostEnvironment());
  const cache = new AnalysisCache(workspaceGpus, models);
  const history = new AssumptionHistory();
  const lenses = new VramCodeLensProvider(cache);
  const report = new ReportPanel(cache);
  const statusBar = new StatusBar(cache, isSupported);
  const documentFor = async (uri?: vscode.Uri): Promise<vscode.TextDocument | undefined> => {
    const document = uri ? await vscode.workspace.openTextDocument(uri) : vscode.window.activeTextEditor?.document;
    if (!document || !isSupported(document)) {
      void vscode.window.showInformationMessage('VRAM Lens: open a model config (config.json, a training YAML, a Python config or a TOML file) to estimate its VRAM.');
      return undefined;
    }
    return document;
  };

  /** Every command the extension contributes, by id: one table, registered in one loop below. */
  const commands: Readonly<Record<string, (...args: never[]) => unknown>> = {
    [ESTIMATE_COMMAND]: async (uri?: vscode.Uri, index?: number) => {
      const document = await documentFor(uri);
      if (!document) {
        return undefined;
      }
      // From the palette, in a file of several configs: the report of the one at the cursor.
      const editor = vscode.window.activeTextEditor;
      const analysis = cache.get(document);
      const atCursor = editor?.document === document && analysis.configs.length > 1 ? configIndexAtPosition(analysis, document, editor.selection.active) : undefined;
      return report.show(document, typeof index === 'number' ? index : atCursor);
    },
    [SELECT_GPU_COMMAND]: () => selectTargetGpu(cache, isSupported),
    [COMPARE_GPUS_COMMAND]: async (uri?: vscode.Uri) => {
      const document = await documentFor(uri);
      if (!document) {
        return undefined;
      }
      const name = fileName(document.uri);
      const analysis = cache.get(document);
      return report.showMarkdown(`GPUs: ${name}`, compareGpusMarkdown(name, analysis, gpuList(analysis.options)));
    },
    [WHAT_FITS_COMMAND]: () => {
      const document = vscode.window.activeTextEditor?.document;
      const options = cache.optionsFor(document?.uri);
      const gpu = resolveTarget(options).gpu;
      if (!gpu) {
        void vscode.window.showWarningMessage(`VRAM Lens: "${options.targetGpu}" is not a GPU VRAM Lens knows. Choose one with "Select Target GPU".`);
        return undefined;
      }
      const supported = document && isSupported(document) ? document : undefined;
      return report.showMarkdown(`What fits: ${gpu.name}`, whatFitsMarkdown(supported && fileName(supported.uri), supported ? cache.get(supported) : undefined, gpu, options));
    },
    [COPY_REPORT_COMMAND]: async () => {
      if (report.markdown) {
        await vscode.env.clipboard.writeText(report.markdown);
        void vscode.window.showInformationMessage('VRAM Lens: report copied as Markdown.');
      }
      return report.markdown;
    },
    // Arguments: the fixed document's URI (its settings scope), then setting/value pairs applied as one step.
    [APPLY_SETTING_COMMAND]: (...args: unknown[]) => applySettingFix(history, args),
    [REVERT_ASSUMPTION_COMMAND]: () => revertAssumption(history),
    [REVEAL_CELL_COMMAND]: (cellUri: unknown) => revealCell(cellUri),
  };

  context.subscriptions.push(
    workspaceGpus,
    models,
    cache,
    ...registerUnknownModelCommands(),
    lenses,
    report,
    vscode.languages.registerCodeLensProvider(SELECTOR, lenses),
    vscode.languages.registerHoverProvider(SELECTOR, new VramHoverProvider(cache)),
    new DiagnosticsManager(cache, isSupported),
    statusBar,
    vscode.languages.registerCodeActionsProvider(SELECTOR, new VramCodeActionProvider(cache), {
      providedCodeActionKinds: VramCodeActionProvider.kinds,
    }),
    ...Object.entries(commands).map(([id, run]) => vscode.commands.registerCommand(id, run)),
  );
  return {
    statusBarText: () => statusBar.text,
    // Web workers coarsen performance.now() to 0.1 ms, so many runs are timed together.
    timeAnalysis: (document, runs) => {
      cache.analyzeFresh(document);
      const t0 = performance.now();
      for (let i = 0; i < runs; i++) {
        cache.analyzeFresh(document);
      }
      return (performance.now() - t0) / runs;
    },
  };
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
