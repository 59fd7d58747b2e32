#!/usr/bin/env node
// Runs the integration suite in desktop VS Code through @vscode/test-electron, which downloads VS Code from
// Microsoft's update server: for a developer machine or a CI with internet access (not needed by npm test).
//   node test/integration/runDesktop.cjs [--version 1.100.3]
const path = require('path');
const { runTests } = require('@vscode/test-electron');

const root = path.resolve(__dirname, '..', '..');
const versionIdx = process.argv.indexOf('--version');

runTests({
  version: versionIdx > 0 ? process.argv[versionIdx + 1] : '1.100.3',
  extensionDevelopmentPath: root,
  extensionTestsPath: path.join(root, 'out', 'test', 'integration', 'node', 'index.js'),
  launchArgs: [path.join(root, 'test', 'fixtures', 'workspace'), '--disable-extensions', '--disable-workspace-trust'],
})
  .then(() => console.log('Integration tests passed in desktop VS Code.'))
  .catch(e => {
    console.error(e);
    process.exit(1);
  });
