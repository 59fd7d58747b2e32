#!/usr/bin/env node
// Regenerates the commands and settings tables in README.md from package.json, so the two cannot drift.
//   node scripts/readmeTables.cjs          rewrite README.md
//   node scripts/readmeTables.cjs --check  exit 1 when README.md is out of date
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));

function cell(text) {
  return String(text).replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function commandsTable() {
  const rows = (pkg.contributes.commands || []).map(c => `| ${cell(`${c.category}: ${c.title}`)} | \`${c.command}\` |`);
  return ['| Command | ID |', '|---|---|', ...rows].join('\n');
}

function settingsTable() {
  const props = pkg.contributes.configuration.properties;
  const rows = Object.entries(props).map(([key, p]) => {
    const values = p.enum ? p.enum.map(v => `\`${v}\``).join(', ') : Array.isArray(p.type) ? p.type.join(' or ') : p.type;
    const description = (p.markdownDescription || p.description || '').replace(/`?#([\w.]+)#`?/g, '`$1`');
    return `| \`${key}\` | ${cell(values)} | \`${JSON.stringify(p.default)}\` | ${cell(description)} |`;
  });
  return ['| Setting | Values | Default | Description |', '|---|---|---|---|', ...rows].join('\n');
}

function replaceBetween(text, name, content) {
  const start = `<!-- ${name}:start -->`;
  const end = `<!-- ${name}:end -->`;
  const a = text.indexOf(start);
  const b = text.indexOf(end);
  if (a < 0 || b < a) {
    throw new Error(`README.md lacks the ${start} ... ${end} markers`);
  }
  return text.slice(0, a + start.length) + '\n' + content + '\n' + text.slice(b);
}

function render(readme) {
  return replaceBetween(replaceBetween(readme, 'commands', commandsTable()), 'settings', settingsTable());
}

module.exports = { render };

if (require.main === module) {
  const file = path.join(root, 'README.md');
  const current = fs.readFileSync(file, 'utf8');
  const next = render(current);
  if (process.argv.includes('--check')) {
    if (next !== current) {
      console.error('README.md tables are out of date: run node scripts/readmeTables.cjs');
      process.exit(1);
    }
  } else {
    fs.writeFileSync(file, next);
  }
}
