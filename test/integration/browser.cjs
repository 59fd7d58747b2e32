// The headless Chromium both integration runners drive, and the check that the report webview renders.
const fs = require('fs');
const os = require('os');
const path = require('path');
const zlib = require('zlib');
const { execFileSync } = require('child_process');
const { pipeline } = require('stream/promises');
const { chromium } = require('playwright-core');

const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];

const ROOT = path.resolve(__dirname, '..', '..');

/** Where Chrome or Chromium is usually installed, per platform. */
function installedBrowsers() {
  if (process.platform === 'darwin') {
    return ['/Applications/Google Chrome.app/Contents/MacOS/Google Chrome', '/Applications/Chromium.app/Contents/MacOS/Chromium'];
  }
  if (process.platform === 'win32') {
    const roots = [process.env.PROGRAMFILES, process.env['PROGRAMFILES(X86)'], process.env.LOCALAPPDATA].filter(Boolean);
    return roots.flatMap(r => [path.join(r, 'Google', 'Chrome', 'Application', 'chrome.exe'), path.join(r, 'Chromium', 'Application', 'chrome.exe')]);
  }
  return ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable', '/snap/bin/chromium'];
}

/**
 * The Chromium that the devDependency @sparticuz/chromium ships inside its npm package (Linux x64), unpacked once
 * into .vscode-test/: the binary and the SwiftShader libraries it loads from its own folder. Unpacked into a
 * temporary folder first and renamed, so an interrupted run never leaves half a browser behind.
 */
async function bundledChromium() {
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    return undefined;
  }
  // The package exports only its ESM entry point, so its folder is found by name.
  const pkg = path.join(ROOT, 'node_modules', '@sparticuz', 'chromium');
  const bin = path.join(pkg, 'bin');
  if (!fs.existsSync(path.join(bin, 'chromium.br'))) {
    return undefined;
  }
  const { version } = JSON.parse(fs.readFileSync(path.join(pkg, 'package.json'), 'utf8'));
  const dir = path.join(ROOT, '.vscode-test', `chromium-${version}`);
  const executable = path.join(dir, 'chromium');
  if (fs.existsSync(executable)) {
    return executable;
  }
  console.log(`Unpacking the Chromium ${version} of @sparticuz/chromium into ${path.relative(process.cwd(), dir)}`);
  fs.mkdirSync(path.dirname(dir), { recursive: true });
  const staging = fs.mkdtempSync(`${dir}.partial-`);
  try {
    await pipeline(fs.createReadStream(path.join(bin, 'chromium.br')), zlib.createBrotliDecompress(), fs.createWriteStream(path.join(staging, 'chromium'), { mode: 0o755 }));
    const tarFile = path.join(staging, 'swiftshader.tar');
    await pipeline(fs.createReadStream(path.join(bin, 'swiftshader.tar.br')), zlib.createBrotliDecompress(), fs.createWriteStream(tarFile));
    execFileSync('tar', ['-xf', tarFile, '-C', staging]);
    fs.rmSync(tarFile);
    fs.renameSync(staging, dir);
  } catch (e) {
    fs.rmSync(staging, { recursive: true, force: true });
    throw e;
  }
  return executable;
}

/**
 * The browser the runners drive: CHROMIUM_PATH when set, else an installed Chrome or Chromium, else the Chromium
 * that `npm ci` brought from the registry (@sparticuz/chromium, Linux x64).
 */
async function findChromium() {
  const chosen = process.env.CHROMIUM_PATH;
  if (chosen) {
    if (!fs.existsSync(chosen)) {
      throw new Error(`CHROMIUM_PATH is set to ${chosen}, which does not exist.`);
    }
    return chosen;
  }
  const installed = installedBrowsers().find(p => fs.existsSync(p));
  if (installed) {
    return installed;
  }
  const bundled = await bundledChromium();
  if (bundled) {
    return bundled;
  }
  throw new Error('No Chrome or Chromium found: install Chrome or Chromium, or set CHROMIUM_PATH to a Chromium-based browser.');
}

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
        .evaluate(() => {
          const figures = [...document.querySelectorAll('figure')];
          const width = document.documentElement.clientWidth;
          // Each chart sits under its config's heading and fits the panel's width.
          const placed = figures.every(f => f.previousElementSibling?.tagName === 'H2' && f.querySelector('svg').getBoundingClientRect().right <= width + 1);
          return document.title === 'VRAM report' && figures.length > 0 && placed && document.querySelectorAll('table').length > 0;
        })
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
        console.log(ok ? 'the report webview rendered its chart (under its heading, within the panel) and tables' : 'the report webview did NOT render');
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

/**
 * Whether the VRAM Lens hover on screen shows its closing line (the peak and verdict, or a serving engine's verdict)
 * without scrolling (waits up to 10 s for one to show): the line must lie inside the hover's box, as VS Code limits a
 * hover's height and scrolls what is longer. Resolves to { closing, problem }.
 */
async function hoverShowsClosingLine(page) {
  const end = Date.now() + 10000;
  while (Date.now() < end) {
    const seen = await page
      .evaluate(() => {
        const visible = el => {
          const r = el.getBoundingClientRect();
          return r.width > 0 && r.height > 0 && getComputedStyle(el).visibility !== 'hidden';
        };
        for (const h of [...document.querySelectorAll('.monaco-hover')].filter(visible)) {
          const last = [...h.querySelectorAll('.hover-contents p')].at(-1);
          const closing = last?.textContent.trim() ?? '';
          if (/^(Peak |✓ |✗ )/.test(closing)) {
            const box = h.getBoundingClientRect();
            const line = last.getBoundingClientRect();
            const inside = line.bottom <= box.bottom + 1 && line.top >= box.top - 1;
            return { closing, problem: inside ? '' : `its closing line is at ${Math.round(line.top - box.top)}-${Math.round(line.bottom - box.top)} px in a hover ${Math.round(box.height)} px high` };
          }
        }
        return undefined;
      })
      .catch(() => undefined);
    if (seen) {
      return seen;
    }
    await new Promise(r => setTimeout(r, 250));
  }
  return { closing: '', problem: 'no VRAM Lens hover on screen' };
}

/**
 * The hover check both runners make: `run(name)` when the suite announces a hover on screen, `verdict(exitCode)` at
 * the end, which fails the run when a hover needed scrolling to show its closing line, or none was announced.
 */
function hoverCheck(page) {
  const failures = [];
  let checked = 0;
  let running = Promise.resolve();
  return {
    run(name) {
      running = running.then(() => hoverShowsClosingLine(page)).then(({ closing, problem }) => {
        checked++;
        if (problem) {
          failures.push(`${name}: ${problem}`);
        }
        console.log(problem ? `hover at ${name}: ${problem}` : `hover at ${name} shows its closing line without scrolling: "${closing.slice(0, 60)}"`);
      });
      return running;
    },
    async verdict(exitCode) {
      await running;
      if (checked > 0 && failures.length === 0) {
        return exitCode;
      }
      console.error(checked === 0 ? 'The suite never showed a hover for the scroll check.' : `Hovers that scroll: ${failures.join('; ')}`);
      return exitCode || 1;
    },
  };
}

/** The markers at which a hover is on screen, for hoverCheck; those named check-… are checked, not saved. */
const HOVER_SHOTS = ['hover', 'yaml', 'check-serving-hover', 'check-setting-hover', 'check-diagnosed-key-hover'];

module.exports = { findChromium, launchWorkbenchBrowser, reportCheck, hoverCheck, HOVER_SHOTS };
