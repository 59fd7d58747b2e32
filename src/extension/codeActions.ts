// Quick fixes on the diagnostics that say a config does not fit, computed once per analysis.
import * as vscode from 'vscode';
import { configAnchor, EXCEEDS_INFERENCE, EXCEEDS_TRAINING, SERVING_DOES_NOT_START, SERVING_FITTED } from '../core/diagnose';
import { fixesIn, type FixMode } from '../core/configFixes';
import type { Fix } from '../core/fixContext';
import { analyzeDocument, type ConfigAnalysis, type DocumentAnalysis } from '../core/analyze';
import { parseConfig } from '../parse';
import { formatOf, type AnalysisCache, type NotebookAnalysis } from './analysisCache';
import { APPLY_SETTING_COMMAND, REVEAL_CELL_COMMAND } from './commands';
import { DIAGNOSTIC_SOURCE } from './diagnostics';
import { judgedModes } from '../core/intent';
import { MODE_TITLES } from '../core/explain';
import { configAt } from './documents';
import { UNKNOWN_MODEL_ACTIONS } from './unknownModels';
import { cellOfSpan } from './notebookCells';

/** A fix and the document its edit lands in. */
interface PlacedFix {
  readonly fix: Fix;
  readonly document: vscode.TextDocument;
}

/** The config a "does not fit" diagnostic is about: the one it is anchored on, else the one whose text holds it. */
function configOfDiagnostic(analysis: DocumentAnalysis, document: vscode.TextDocument, diagnostic: vscode.Diagnostic): ConfigAnalysis | undefined {
  const offset = document.offsetAt(diagnostic.range.start);
  return analysis.configs.find(c => configAnchor(c).start === offset) ?? configAt(analysis, document, diagnostic.range.start);
}

/** Quick fixes on "does not fit" diagnostics, each computed with the engine to really fit. */
export class VramCodeActionProvider implements vscode.CodeActionProvider {
  static readonly kinds = [vscode.CodeActionKind.QuickFix];

  /**
   * Fixes per analysis (so per document version and settings), config and mode: the editor asks for code
   * actions at every cursor move over a diagnostic, and each fix is a search over many estimates (or engine plans).
   */
  private readonly computed = new WeakMap<DocumentAnalysis, Map<string, PlacedFix[]>>();

  constructor(private readonly cache: AnalysisCache) {}

  /** The fixes for one config in one mode (a serving command's: mode "serving"), computed on the first ask. */
  private cached(analysis: DocumentAnalysis, a: ConfigAnalysis, mode: FixMode, compute: () => PlacedFix[]): PlacedFix[] {
    let byConfig = this.computed.get(analysis);
    if (!byConfig) {
      byConfig = new Map();
      this.computed.set(analysis, byConfig);
    }
    const key = `${analysis.configs.indexOf(a)}:${mode}`;
    let fixes = byConfig.get(key);
    if (!fixes) {
      fixes = compute();
      byConfig.set(key, fixes);
    }
    return fixes;
  }

  /**
   * The fixes of one mode (a serving command's: its engine's), as the CLI lists them, each with the document its edit
   * lands in; an edit is judged by its re-read text.
   */
  private fixes(analysis: DocumentAnalysis, a: ConfigAnalysis, mode: FixMode, document: vscode.TextDocument): PlacedFix[] {
    return this.cached(analysis, a, mode, () => {
      const notebook = this.cache.notebookOfCell(document);
      if (notebook) {
        return this.notebookFixes(notebook, analysis.configs.indexOf(a), mode, document);
      }
      const format = formatOf(document);
      const reanalyze = format ? (edited: string) => analyzeDocument(parseConfig(edited, format), analysis.options) : undefined;
      return fixesIn(analysis, a, mode, document.getText(), reanalyze).map(fix => ({ fix, document }));
    });
  }

  /**
   * A notebook config's fixes, computed on all its code cells as the kernel runs them (the batch size may be set in
   * another cell than the model), each edit placed in the cell that holds its key; a setting stays with `cell`.
   */
  private notebookFixes(notebook: NotebookAnalysis, index: number, mode: FixMode, cell: vscode.TextDocument): PlacedFix[] {
    const config = notebook.analysis.configs[index];
    if (!config) {
      return [];
    }
    const reanalyze = (edited: string) => analyzeDocument(parseConfig(edited, 'python'), notebook.analysis.options);
    const placed: PlacedFix[] = [];
    for (const fix of fixesIn(notebook.analysis, config, mode, notebook.code.text, reanalyze)) {
      if (!fix.edit) {
        placed.push({ fix, document: cell });
        continue;
      }
      const target = cellOfSpan(fix.edit.span, notebook.code, notebook.cells);
      if (target) {
        placed.push({ fix: { ...fix, edit: { ...fix.edit, span: target.span } }, document: target.document });
      }
    }
    return placed;
  }

  /** On an unknown model's name: the three ways to give VRAM Lens the model. */
  private unknownModelActions(document: vscode.TextDocument, analysis: DocumentAnalysis, context: vscode.CodeActionContext): vscode.CodeAction[] {
    const out: vscode.CodeAction[] = [];
    for (const diagnostic of context.diagnostics) {
      if (diagnostic.source !== DIAGNOSTIC_SOURCE || diagnostic.code !== 'unknown-model') {
        continue;
      }
      const offset = document.offsetAt(diagnostic.range.start);
      const u = analysis.unresolved?.find(x => x.valueSpan.start === offset);
      if (!u) {
        continue;
      }
      for (const action of UNKNOWN_MODEL_ACTIONS) {
        const fix = new vscode.CodeAction(action.title, vscode.CodeActionKind.QuickFix);
        fix.diagnostics = [diagnostic];
        fix.command = { title: action.title, command: action.command, arguments: [document.uri, u.name || u.key] };
        out.push(fix);
      }
    }
    return out;
  }

  provideCodeActions(document: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext): vscode.CodeAction[] {
    const out: vscode.CodeAction[] = [];
    const analysis = this.cache.get(document);
    out.push(...this.unknownModelActions(document, analysis, context));
    const gpu = analysis.gpu;
    if (!gpu) {
      return out;
    }
    for (const diagnostic of context.diagnostics) {
      if (diagnostic.source === DIAGNOSTIC_SOURCE && (diagnostic.code === SERVING_DOES_NOT_START || diagnostic.code === SERVING_FITTED)) {
        const a = configAt(analysis, document, diagnostic.range.start);
        out.push(...(a ? this.fixes(analysis, a, 'serving', document) : []).map(placed => this.action(document, diagnostic, placed)));
        continue;
      }
      if (diagnostic.source !== DIAGNOSTIC_SOURCE || (diagnostic.code !== EXCEEDS_INFERENCE && diagnostic.code !== EXCEEDS_TRAINING)) {
        continue;
      }
      const mode = diagnostic.code === EXCEEDS_INFERENCE ? 'inference' : 'training';
      const a = configOfDiagnostic(analysis, document, diagnostic);
      if (!a) {
        continue;
      }
      // A config judged in both modes has both diagnostics on one line: each fix says which mode it is for.
      const prefix = judgedModes(a.intent, analysis.options.mode).length > 1 ? `${MODE_TITLES[mode]}: ` : '';
      for (const placed of this.fixes(analysis, a, mode, document)) {
        out.push(this.action(document, diagnostic, placed, prefix));
      }
    }
    return out;
  }

  /** A fix as a code action: its edit of the document that holds its key (in a notebook, maybe another cell), or the setting it changes. */
  private action(document: vscode.TextDocument, diagnostic: vscode.Diagnostic, { fix, document: edited }: PlacedFix, prefix = ''): vscode.CodeAction {
    const action = new vscode.CodeAction(`${prefix}${fix.title}`, vscode.CodeActionKind.QuickFix);
    action.diagnostics = [diagnostic];
    action.isPreferred = fix.preferred;
    if (fix.edit) {
      action.edit = new vscode.WorkspaceEdit();
      action.edit.replace(edited.uri, new vscode.Range(edited.positionAt(fix.edit.span.start), edited.positionAt(fix.edit.span.end)), fix.edit.newText);
      if (edited !== document) {
        // A notebook fix that edits another cell: that cell is brought into view, where its undo is.
        action.command = { title: 'Show the edited cell', command: REVEAL_CELL_COMMAND, arguments: [edited.uri] };
      }
    } else if (fix.setting) {
      action.command = { title: fix.title, command: APPLY_SETTING_COMMAND, arguments: [document.uri, ...[fix.setting, ...(fix.alsoSettings ?? [])].flatMap(x => [x.setting, x.value])] };
    }
    return action;
  }
}
