// Test entry for the Node extension host (code-server; desktop VS Code through @vscode/test-electron).
// The same suite as the web worker host, with mocha loaded from node_modules.
import Mocha from 'mocha';
import * as vscode from 'vscode';

export function run(): Promise<void> {
  console.log(`VRAM Lens integration tests in VS Code ${vscode.version} (Node ${process.version} extension host)`);
  const mocha = new Mocha({ ui: 'bdd', reporter: 'spec', color: false, timeout: 30000 });
  mocha.suite.emit('pre-require', globalThis, 'extension.test', mocha);
  require('./extension.test');
  return new Promise((resolve, reject) => {
    mocha.run(failures => (failures > 0 ? reject(new Error(`${failures} integration tests failed.`)) : resolve()));
  });
}
