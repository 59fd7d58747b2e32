// A local stand-in for the Hugging Face Hub for the real-VS-Code runs: test/fixtures/hub in the Hub's URL layout
// (/{org}/{name}/resolve/main/{file}), its 401 for a gated repository, and CORS as the Hub sends it (the web
// extension host fetches from a browser worker). The runners start it and write its address to the workspace.
const fs = require('fs');
const http = require('http');
const path = require('path');

const root = path.resolve(__dirname, '..', 'fixtures', 'hub');
const CORS = { 'access-control-allow-origin': '*', 'access-control-allow-headers': 'authorization, range', 'access-control-expose-headers': 'x-error-code, content-range' };

/** Starts the server on a free port; resolves to { endpoint, close }. */
function startHub() {
  const gated = JSON.parse(fs.readFileSync(path.join(root, 'gated.json'), 'utf8'));
  const server = http.createServer((req, res) => {
    if (req.method === 'OPTIONS') {
      res.writeHead(204, CORS).end();
      return;
    }
    const m = /^\/([^/]+\/[^/]+)\/resolve\/main\/([^?]+)/.exec(decodeURIComponent(req.url || ''));
    if (m && m[1] === 'acme/gated-70b') {
      res.writeHead(gated.status, { ...gated.headers, ...CORS }).end(gated.body);
      return;
    }
    const file = m && path.join(root, m[1], m[2]);
    if (!file || !file.startsWith(root) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      res.writeHead(404, { 'x-error-code': 'EntryNotFound', ...CORS }).end('Entry not found');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json', ...CORS }).end(fs.readFileSync(file));
  });
  return new Promise(resolve => {
    server.listen(0, '127.0.0.1', () => {
      resolve({ endpoint: `http://127.0.0.1:${server.address().port}`, close: () => server.close() });
    });
  });
}

/** Where the tests read the stand-in's address (git-ignored). */
const ENDPOINT_FILE = path.join(__dirname, '..', 'fixtures', 'workspace', '.hub-endpoint');

module.exports = { startHub, ENDPOINT_FILE };
