// Editor benchmark (npm run bench:editor): activation time and analysis time inside the real extension host.
import * as vscode from 'vscode';

interface VramLensApi {
  timeAnalysis(document: vscode.TextDocument, runs: number): number;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

export async function run(): Promise<void> {
  const ext = vscode.extensions.getExtension('vram-lens.vram-lens')!;
  const t0 = performance.now();
  const api = (await ext.activate()) as VramLensApi;
  const activation = performance.now() - t0;
  const folder = vscode.workspace.workspaceFolders![0].uri;
  const rows: [string, string][] = [[`activation (extension host, ${ext.isActive ? 'first call' : '?'})`, `${activation.toFixed(1)} ms`]];
  for (const name of ['config.json', 'lora.yaml', 'train_char.py', 'llama3_8b.toml', 'package.json', 'many-configs.py']) {
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(folder, name));
    // The file of 250 configs (100 estimated, the rest counted) is the heavy one: fewer runs.
    const runs = name === 'many-configs.py' ? 30 : 500;
    rows.push([`analysis of ${name} (mean of ${runs})`, `${(api.timeAnalysis(doc, runs) * 1000).toFixed(0)} µs`]);
  }
  // Round trip of the CodeLens provider after an edit: analysis + the host's IPC.
  const doc = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(folder, 'seed-production.json'));
  const editor = await vscode.window.showTextDocument(doc);
  const samples: number[] = [];
  for (let i = 0; i < 30; i++) {
    const at = doc.getText().indexOf('"n_layers": ') + '"n_layers": '.length;
    const range = new vscode.Range(doc.positionAt(at), doc.positionAt(at + String(i === 0 ? 6 : 6 + i - 1).length));
    await editor.edit(e => e.replace(range, String(6 + i)));
    const t = performance.now();
    await vscode.commands.executeCommand('vscode.executeCodeLensProvider', doc.uri);
    samples.push(performance.now() - t);
  }
  await vscode.commands.executeCommand('workbench.action.files.revert');
  rows.push(['CodeLens round trip after an edit (median of 30)', `${median(samples).toFixed(2)} ms`]);
  const width = Math.max(...rows.map(r => r[0].length));
  for (const [k, v] of rows) {
    console.log(`BENCH ${k.padEnd(width)}  ${v}`);
  }
}
