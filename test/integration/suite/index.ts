// Test entry the extension host loads (extensionTestsPath). Bundled for the web worker with mocha's browser build.
import 'mocha/mocha.js';
import * as vscode from 'vscode';

declare const mocha: BrowserMocha;

export function run(): Promise<void> {
  return new Promise((resolve, reject) => {
    console.log(`VRAM Lens integration tests in VS Code ${vscode.version} (${vscode.env.uiKind === vscode.UIKind.Web ? 'web' : 'desktop'})`);
    mocha.setup({ ui: 'bdd', reporter: 'spec', color: false, timeout: 30000 });
    require('./extension.test');
    try {
      mocha.run(failures => (failures > 0 ? reject(new Error(`${failures} integration tests failed.`)) : resolve()));
    } catch (e) {
      reject(e);
    }
  });
}
