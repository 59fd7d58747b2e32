#!/usr/bin/env node
// Checks the .vsix that `npm run package` built: only the bundles, the grammar, the schema and the docs go in,
// and the package stays small, and it installs into a real VS Code (code-server). Prints the list and the size.
const fs = require('fs');
const path = require('path');
const { execFileSync } = require('child_process');

const root = path.resolve(__dirname, '..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const vsix = path.join(root, `${pkg.name}-${pkg.version}.vsix`);
const LIMIT_BYTES = 1024 * 1024;
const ALLOWED = [/^dist\/(web\/)?extension\.js$/, /^dist\/cli\.js$/, /^package\.json$/, /^README\.md$/, /^CHANGELOG\.md$/, /^LICENSE$/,
  /^syntaxes\/[\w.-]+\.json$/, /^schemas\/[\w.-]+\.json$/, /^media\/icon\.png$/];
const REQUIRED = ['dist/extension.js', 'dist/web/extension.js', 'dist/cli.js', 'package.json', 'README.md', 'schemas/gpus.schema.json', 'syntaxes/vram-lens.injection.json'];

const vsce = path.join(root, 'node_modules', '.bin', 'vsce');
const files = execFileSync(vsce, ['ls', '--no-dependencies'], { cwd: root, encoding: 'utf8' }).split('\n').map(s => s.trim()).filter(Boolean);
const problems = [
  ...files.filter(f => !ALLOWED.some(re => re.test(f))).map(f => `not expected in the package: ${f}`),
  ...REQUIRED.filter(f => !files.includes(f)).map(f => `missing from the package: ${f}`),
];
if (!fs.existsSync(vsix)) {
  problems.push(`${path.basename(vsix)} not found: run npm run package`);
} else {
  const size = fs.statSync(vsix).size;
  console.log(`${path.basename(vsix)}: ${(size / 1024).toFixed(0)} KiB, ${files.length} files: ${files.join(', ')}`);
  if (size > LIMIT_BYTES) {
    problems.push(`the package is ${(size / 1024).toFixed(0)} KiB, over ${LIMIT_BYTES / 1024} KiB`);
  }
}
// Install it the way a user would, into a throw-away VS Code (code-server, where the Node-host tests put it).
const codeServer = path.join(root, '.vscode-test', 'code-server', 'node_modules', 'code-server', 'out', 'node', 'entry.js');
if (problems.length === 0 && fs.existsSync(codeServer)) {
  const tmp = fs.mkdtempSync(path.join(require('os').tmpdir(), 'vram-lens-install-'));
  try {
    const args = ['--extensions-dir', path.join(tmp, 'ext'), '--user-data-dir', path.join(tmp, 'user')];
    const env = { ...process.env, XDG_CONFIG_HOME: path.join(tmp, 'config'), XDG_DATA_HOME: path.join(tmp, 'data') };
    execFileSync(process.execPath, [codeServer, ...args, '--install-extension', vsix], { env, stdio: 'pipe' });
    const listed = execFileSync(process.execPath, [codeServer, ...args, '--list-extensions', '--show-versions'], { env, encoding: 'utf8' });
    const id = `${pkg.publisher}.${pkg.name}@${pkg.version}`.toLowerCase();
    const installed = path.join(tmp, 'ext', `${pkg.publisher}.${pkg.name}-${pkg.version}`.toLowerCase(), 'dist', 'extension.js');
    if (listed.toLowerCase().includes(id) && fs.existsSync(installed)) {
      console.log(`installs: code-server lists ${id}`);
    } else {
      problems.push(`the package did not install: code-server lists ${JSON.stringify(listed.trim())}`);
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
} else if (problems.length === 0) {
  console.log('install check skipped: code-server is not installed (npm run test:integration:node installs it)');
}
for (const p of problems) {
  console.error(p);
}
process.exit(problems.length ? 1 : 0);
