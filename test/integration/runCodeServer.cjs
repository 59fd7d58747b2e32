#!/usr/bin/env node
// Runs the integration suite in code-server (VS Code 1.100.3): the Node extension host, loading dist/extension.js
// (the `main` bundle), in Chromium (see browser.cjs findChromium). test/integration/installCodeServer.sh installs code-server.
//   node test/integration/runCodeServer.cjs      (env: CHROMIUM_PATH, VERBOSE=1, VSCODE_TEST_TIMEOUT_MS)
const fs = require('fs');
const net = require('net');
const os = require('os');
const path = require('path');
const util = require('util');
const { spawn } = require('child_process');
const { findChromium, launchWorkbenchBrowser, reportCheck, hoverCheck, HOVER_SHOTS } = require('./browser.cjs');
const { ENDPOINT_FILE, startHub } = require('./hubServer.cjs');

const root = path.resolve(__dirname, '..', '..');
const codeServer = path.join(root, '.vscode-test', 'code-server', 'node_modules', 'code-server');
const workspace = path.join(root, 'test', 'fixtures', 'workspace');
const testsPath = path.join(root, 'out', 'test', 'integration', 'node', 'index.js');
const TIMEOUT_MS = Number(process.env.VSCODE_TEST_TIMEOUT_MS || 240000);
const NOISE = /ENOPRO|CodeExpectedError|Canceled|__VRAM_LENS_SCREENSHOT__|Failed to load resource|net::ERR|Resolved connection token/;

function freePort() {
  return new Promise(resolve => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

function waitForPort(port, ms) {
  const start = Date.now();
  return new Promise((resolve, reject) => {
    (function poll() {
      const s = net.connect(port, '127.0.0.1', () => {
        s.end();
        resolve();
      });
      s.on('error', () => (Date.now() - start > ms ? reject(new Error('code-server did not start')) : setTimeout(poll, 200)));
    })();
  });
}

async function main() {
  const executablePath = await findChromium();
  for (const [what, file] of [['code-server', path.join(codeServer, 'out', 'node', 'entry.js')], ['the test bundle', testsPath]]) {
    if (!fs.existsSync(file)) {
      console.error(`${what} is missing (${file}): run test/integration/installCodeServer.sh and npm run build.`);
      process.exit(1);
    }
  }
  const data = fs.mkdtempSync(path.join(os.tmpdir(), 'vram-lens-code-server-'));
  const hub = await startHub();
  fs.writeFileSync(ENDPOINT_FILE, hub.endpoint);
  const port = await freePort();
  const server = spawn(process.execPath, [path.join(codeServer, 'out', 'node', 'entry.js'),
    '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`, '--disable-telemetry', '--disable-update-check',
    '--disable-workspace-trust', '--user-data-dir', path.join(data, 'user'), '--extensions-dir', path.join(data, 'ext'),
    '--config', path.join(data, 'config.yaml'), workspace], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, XDG_CONFIG_HOME: path.join(data, 'xdg-config'), XDG_DATA_HOME: path.join(data, 'xdg-data') },
  });
  server.stdout.on('data', d => process.env.VERBOSE && process.stdout.write(`[code-server] ${d}`));
  server.stderr.on('data', d => process.env.VERBOSE && process.stdout.write(`[code-server] ${d}`));
  let exitCode = 1;
  let browser;
  try {
    await waitForPort(port, 60000);
    const remote = p => `vscode-remote://127.0.0.1:${port}${p}`;
    const payload = [['extensionDevelopmentPath', remote(root)], ['extensionTestsPath', remote(testsPath)], ['skipWelcome', 'true']];
    const url = `http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
    browser = await launchWorkbenchBrowser(executablePath);
    const { page } = browser;
    const report = reportCheck(page);
    const hovers = hoverCheck(page);
    if (process.env.VERBOSE) {
      page.on('console', m => console.log('[page]', m.type(), m.text()));
    }
    const done = new Promise(resolve => {
      page.exposeFunction('codeAutomationLog', (type, args) => {
        const text = util.format(...args);
        if (text.includes('__VRAM_LENS_SCREENSHOT__:report')) {
          return report.run();
        }
        const shot = HOVER_SHOTS.find(name => text.includes(`__VRAM_LENS_SCREENSHOT__:${name}`));
        if (shot) {
          return hovers.run(shot);
        }
        if (process.env.VERBOSE || !NOISE.test(text)) {
          console.log(text);
        }
        return undefined;
      });
      page.exposeFunction('codeAutomationExit', code => resolve(code));
    });
    await page.goto(url);
    exitCode = await Promise.race([done, new Promise(r => setTimeout(() => { console.error(`Timed out after ${TIMEOUT_MS} ms`); r(2); }, TIMEOUT_MS))]);
    exitCode = await hovers.verdict(await report.verdict(exitCode));
  } finally {
    hub.close();
    fs.rmSync(ENDPOINT_FILE, { force: true });
    await browser?.close();
    server.kill();
    fs.rmSync(data, { recursive: true, force: true });
  }
  console.log(exitCode === 0 ? 'Integration tests passed in code-server (Node extension host).' : `Integration tests FAILED in code-server (exit code ${exitCode})`);
  process.exit(exitCode === 0 ? 0 : 1);
}

main().catch(e => {
  console.error(e);
  process.exit(1);
});
