// Builds the extension (Node and web-worker hosts), the CLI, and the test bundles from the same sources.
//   node esbuild.js [--production] [--watch]
const esbuild = require('esbuild');
const fs = require('fs');
const path = require('path');

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

/** mocha's browser build is UMD: keep its `module.exports = factory()` from replacing our bundle's exports. */
const mochaUmdFix = {
  name: 'mocha-umd-fix',
  setup(build) {
    build.onLoad({ filter: /[\\/]mocha[\\/]mocha\.js$/ }, async args => ({
      contents: 'var module = undefined, exports = undefined;\n' + (await fs.promises.readFile(args.path, 'utf8')),
      loader: 'js',
    }));
  },
};

const shared = {
  bundle: true,
  format: 'cjs',
  target: 'es2022',
  minify: production,
  sourcemap: !production,
  sourcesContent: false,
  logLevel: 'warning',
  // jsonc-parser's UMD entry hides its requires from the bundler; its ES module build bundles cleanly.
  mainFields: ['module', 'main'],
};

const unitTests = fs
  .readdirSync(path.join(__dirname, 'test', 'unit'))
  .filter(f => f.endsWith('.test.ts'))
  .map(f => path.join('test', 'unit', f));

const builds = [
  { ...shared, entryPoints: ['src/extension/extension.ts'], outfile: 'dist/extension.js', platform: 'node', external: ['vscode'] },
  {
    ...shared,
    entryPoints: ['src/extension/extension.ts'],
    outfile: 'dist/web/extension.js',
    platform: 'browser',
    // Node's modules are reached only on desktop (safetensors header reads, behind a runtime check), never in the worker.
    external: ['vscode', 'fs', 'os', 'path'],
    define: { global: 'globalThis' },
  },
  {
    ...shared,
    entryPoints: ['src/cli/bin.ts'],
    outfile: 'dist/cli.js',
    platform: 'node',
    banner: { js: '#!/usr/bin/env node' },
  },
];
if (!production) {
  builds.push(
    { ...shared, entryPoints: unitTests, outdir: 'out/test/unit', platform: 'node', external: ['mocha'] },
    { ...shared, entryPoints: ['bench/analysis.ts', 'bench/accuracy.ts', 'bench/parse.ts', 'bench/hostile.ts', 'bench/heldout.ts', 'bench/configs.ts', 'bench/litgptTables.ts', 'bench/torchtuneTables.ts', 'bench/allocated.ts', 'bench/serving.ts', 'bench/unslothContext.ts'], outdir: 'out/bench', platform: 'node' },
    {
      ...shared,
      entryPoints: ['test/integration/suite/nodeIndex.ts'],
      outfile: 'out/test/integration/node/index.js',
      platform: 'node',
      external: ['vscode', 'mocha'],
    },
    {
      ...shared,
      entryPoints: { index: 'test/integration/suite/index.ts', bench: 'test/integration/suite/bench.ts', audit: 'test/integration/suite/audit.ts' },
      outdir: 'out/test/integration',
      platform: 'browser',
      external: ['vscode'],
      define: { global: 'globalThis' },
      inject: ['test/integration/suite/processShim.js'],
      plugins: [mochaUmdFix],
    },
  );
}

async function main() {
  if (watch) {
    const contexts = await Promise.all(builds.map(b => esbuild.context(b)));
    await Promise.all(contexts.map(c => c.watch()));
    console.log('[watch] build started');
    return;
  }
  await Promise.all(builds.map(b => esbuild.build(b)));
  fs.chmodSync(path.join(__dirname, 'dist', 'cli.js'), 0o755);
}

main().catch(e => {
  console.error(e);
  process.exit(1);
});
