// Hub lookup through the real fetch path, against a local HTTP server answering in the Hub's URL layout (ranges, redirects, gated).
import * as assert from 'assert';
import * as fs from 'fs';
import * as http from 'http';
import type { AddressInfo } from 'net';
import * as os from 'os';
import * as path from 'path';
import { main } from '../../src/cli/main';
import { folderHubCache } from '../../src/cli/nodeFiles';
import { hubModel } from '../../src/parse/hub';
import { ROOT } from './helpers';
import { llamaTensors, writeShardedHeaders } from './safetensorsFixture';

const RECORDED = path.join(ROOT, 'test', 'fixtures', 'hub');
const REPO = 'acme/llama-3.2-3b-support-ft';

/** Serves `root` as the Hub does: /{org}/{name}/resolve/main/{file}, weight files through a redirect, byte ranges. */
function hubServer(root: string, log: string[]): http.Server {
  const gated = JSON.parse(fs.readFileSync(path.join(RECORDED, 'gated.json'), 'utf8'));
  return http.createServer((req, res) => {
    const url = decodeURIComponent(req.url ?? '');
    log.push(`${req.method} ${url}${req.headers.range ? ` ${req.headers.range}` : ''}`);
    const resolve = /^\/([^/]+\/[^/]+)\/resolve\/main\/(.+)$/.exec(url);
    if (resolve && resolve[1] === 'acme/gated-70b') {
      res.writeHead(gated.status, gated.headers).end(gated.body);
      return;
    }
    if (resolve && resolve[2].endsWith('.safetensors')) {
      res.writeHead(302, { location: `/cdn/${resolve[1]}/${resolve[2]}` }).end();
      return;
    }
    const file = resolve ? path.join(root, resolve[1], resolve[2]) : /^\/cdn\/(.+)$/.test(url) ? path.join(root, url.slice('/cdn/'.length)) : undefined;
    if (!file || !fs.existsSync(file)) {
      res.writeHead(404, { 'x-error-code': 'EntryNotFound' }).end('Entry not found');
      return;
    }
    const body = fs.readFileSync(file);
    const range = /^bytes=(\d+)-(\d+)$/.exec(req.headers.range ?? '');
    if (range) {
      const [start, end] = [Number(range[1]), Math.min(Number(range[2]), body.length - 1)];
      res.writeHead(206, { 'content-range': `bytes ${start}-${end}/${body.length}` }).end(body.subarray(start, end + 1));
      return;
    }
    res.writeHead(200).end(body);
  });
}

describe('Hub lookup', () => {
  let root: string;
  let cacheDir: string;
  let server: http.Server;
  let endpoint: string;
  const log: string[] = [];

  before(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'vram-lens-hub-'));
    cacheDir = path.join(root, 'cache');
    const repo = path.join(root, 'repos', REPO);
    fs.mkdirSync(repo, { recursive: true });
    const config = fs.readFileSync(path.join(RECORDED, REPO, 'config.json'), 'utf8');
    fs.writeFileSync(path.join(repo, 'config.json'), config);
    writeShardedHeaders(repo, llamaTensors(JSON.parse(config)));
    server = hubServer(path.join(root, 'repos'), log);
    await new Promise<void>(done => server.listen(0, '127.0.0.1', done));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => {
    server.close();
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('fetches config.json and reads the safetensors headers by range, never the weights', async () => {
    log.length = 0;
    const result = await hubModel(REPO, { endpoint, timeoutMs: 5000 }, folderHubCache(cacheDir));
    assert.ok('model' in result, JSON.stringify(result));
    assert.strictEqual(result.model.parameters, 3_212_749_824);
    assert.match(result.model.source, /^the Hub: 127\.0\.0\.1:\d+\/acme\/llama-3\.2-3b-support-ft\/config\.json, with 3,212,749,824 parameters/);
    const shardRequests = log.filter(l => l.includes('.safetensors ') && l.startsWith('GET /cdn/'));
    assert.ok(shardRequests.length >= 4 && shardRequests.every(l => /bytes=\d+-\d+$/.test(l)), log.join('\n'));
  });

  it('the CLI resolves an unknown name with --hub, and later from its cache with the server gone', async () => {
    const recipe = path.join(root, 'axolotl.yml');
    fs.writeFileSync(recipe, `base_model: ${REPO}\nadapter: qlora\nlora_r: 16\n`);
    const env = process.env.VRAM_LENS_CACHE;
    process.env.VRAM_LENS_CACHE = path.join(root, 'cli-cache');
    try {
      let out = '';
      assert.strictEqual(await main([recipe, '--json', '--hub', '--hub-endpoint', endpoint], s => (out += s), () => undefined), 0);
      assert.strictEqual(JSON.parse(out).files[0].configs[0].parameters.total, 3_212_749_824);
      out = '';
      await main([recipe, '--json', '--hub', '--hub-endpoint', 'http://127.0.0.1:9'], s => (out += s), () => undefined);
      assert.strictEqual(JSON.parse(out).files[0].configs[0].parameters.total, 3_212_749_824);
      // Without --hub nothing goes to the network: the name stays unknown, with what to do.
      out = '';
      await main([recipe, '--json'], s => (out += s), () => undefined);
      assert.match(JSON.parse(out).files[0].notes.join('\n'), /Unknown model "acme\/llama-3\.2-3b-support-ft": point to its config\.json, enable Hub lookup/);
    } finally {
      if (env === undefined) {
        delete process.env.VRAM_LENS_CACHE;
      } else {
        process.env.VRAM_LENS_CACHE = env;
      }
    }
  });

  it('says plainly when a model is gated, absent, or the Hub cannot be reached', async () => {
    const gated = await hubModel('acme/gated-70b', { endpoint, timeoutMs: 5000 });
    assert.ok('failure' in gated && /gated on the Hub: accept its terms on its page, then set HF_TOKEN/.test(gated.failure), JSON.stringify(gated));
    const absent = await hubModel('acme/nothing-here', { endpoint, timeoutMs: 5000 });
    assert.ok('failure' in absent && /has no config\.json on the Hub/.test(absent.failure), JSON.stringify(absent));
    const offline = await hubModel(REPO, { endpoint: 'http://127.0.0.1:9', timeoutMs: 5000 });
    assert.ok('failure' in offline && /cannot be reached/.test(offline.failure), JSON.stringify(offline));
  });

  it('sends the token it is given', async () => {
    log.length = 0;
    const seen: string[] = [];
    server.once('request', (req: http.IncomingMessage) => seen.push(String(req.headers.authorization)));
    await hubModel('acme/nothing-here', { endpoint, timeoutMs: 5000, token: 'hf_test' });
    assert.deepStrictEqual(seen, ['Bearer hf_test']);
  });
});
