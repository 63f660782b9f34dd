/** `whetstone download-model`: the real CLI fetching from a local HTTP server, verified by SHA-256 before use. */
import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { runCli, tempWorkspace } from './run-cli';

describe('whetstone download-model (CLI)', function () {
  this.timeout(30_000);
  const body = Buffer.from(`GGUF${'m'.repeat(50_000)}`);
  const sha = createHash('sha256').update(body).digest('hex');
  let server: http.Server;
  let base: string;
  let dir: string;

  before(async () => {
    server = http.createServer((req, res) => {
      if (req.url === '/missing.gguf') {
        res.writeHead(404).end();
        return;
      }
      const payload = req.url === '/bad.gguf' ? Buffer.from(body).fill(0x21, 10, 11) : body;
      res.writeHead(200, { 'content-length': payload.length }).end(payload);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  beforeEach(() => {
    dir = tempWorkspace({});
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
  after(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it('stores the verified file and prints how to use it', async () => {
    const run = await runCli(['download-model', `${base}/model.gguf`, '--sha256', sha, '--dir', 'models'], {
      cwd: dir,
    });
    assert.equal(run.code, 0, run.stderr);
    const file = path.join(dir, 'models', 'model.gguf');
    assert.ok(fs.readFileSync(file).equals(body));
    assert.ok(run.stdout.includes(`local:${file}`), run.stdout);
  });

  it('refuses a file whose hash does not match (exit 3, both hashes named) and leaves no model behind', async () => {
    const run = await runCli(['download-model', `${base}/bad.gguf`, '--sha256', sha, '--dir', 'models'], { cwd: dir });
    assert.equal(run.code, 3);
    assert.ok(run.stderr.includes(sha), run.stderr);
    assert.ok(!fs.existsSync(path.join(dir, 'models', 'bad.gguf')));
  });

  it('exits 2 on a malformed hash and 3 on an HTTP error', async () => {
    const bad = await runCli(['download-model', `${base}/model.gguf`, '--sha256', 'abc'], { cwd: dir });
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--sha256/);
    const missing = await runCli(['download-model', `${base}/missing.gguf`, '--sha256', sha, '--dir', 'models'], {
      cwd: dir,
    });
    assert.equal(missing.code, 3);
    assert.match(missing.stderr, /404/);
  });
});
