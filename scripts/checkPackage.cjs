#!/usr/bin/env node
// Checks the .vsix that `npm run package` built: only the bundles, the grammar, the schema and the docs go in,
// and the package stays small. Prints the file list and the size.
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
for (const p of problems) {
  console.error(p);
}
process.exit(problems.length ? 1 : 0);
