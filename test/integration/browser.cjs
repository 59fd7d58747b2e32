// The headless Chromium both integration runners drive, and the check that the report webview renders.
const fs = require('fs');
const os = require('os');
const path = require('path');
const { chromium } = require('playwright-core');

const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];

/**
 * A fresh profile in which webviews work: they run on their own origin inside the workbench page and need a
 * service worker there, which Chromium allows only where third-party cookies are allowed (a profile
 * preference, not a command-line flag).
 */
async function launchWorkbenchBrowser(executablePath) {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'vram-lens-chromium-'));
  fs.mkdirSync(path.join(profile, 'Default'));
  fs.writeFileSync(path.join(profile, 'Default', 'Preferences'), JSON.stringify({ profile: { cookie_controls_mode: 0, block_third_party_cookies: false } }));
  const context = await chromium.launchPersistentContext(profile, { executablePath, headless: true, viewport: { width: 1400, height: 860 }, args: ARGS });
  const page = context.pages()[0] ?? (await context.newPage());
  const close = async () => {
    await context.close().catch(() => undefined);
    fs.rmSync(profile, { recursive: true, force: true });
  };
  return { page, close };
}

/** Whether a frame of the page shows the VRAM report with its chart and tables (waits up to 20 s). */
async function reportRendered(page) {
  const end = Date.now() + 20000;
  while (Date.now() < end) {
    for (const f of page.frames()) {
      const ok = await f
        .evaluate(() => document.title === 'VRAM report' && !!document.querySelector('figure svg') && document.querySelectorAll('table').length > 0)
        .catch(() => false);
      if (ok) {
        return true;
      }
    }
    await new Promise(r => setTimeout(r, 250));
  }
  return false;
}

/**
 * The report check both runners make: `run()` when the suite announces the open report, `verdict(exitCode)` at
 * the end, which fails the run when the report did not render or was never announced.
 */
function reportCheck(page) {
  let shown;
  let running = Promise.resolve();
  return {
    run() {
      running = reportRendered(page).then(ok => {
        shown = ok;
        console.log(ok ? 'the report webview rendered its chart and tables' : 'the report webview did NOT render');
      });
      return running;
    },
    async verdict(exitCode) {
      await running;
      if (shown === true) {
        return exitCode;
      }
      console.error(shown === false ? 'The report webview did not render in the workbench.' : 'The suite never opened the report for the render check.');
      return exitCode || 1;
    },
  };
}

module.exports = { launchWorkbenchBrowser, reportCheck };
