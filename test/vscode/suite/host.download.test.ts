/** "Download Local Model" in the real extension host: a local HTTP server, a verified file, a refused corrupt one. */
import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as vscode from 'vscode';

describe('Download Local Model command', function () {
  this.timeout(60_000);
  const body = Buffer.from(`GGUF${'x'.repeat(100_000)}`);
  const sha = createHash('sha256').update(body).digest('hex');
  let server: http.Server;
  let base: string;

  before(async () => {
    server = http.createServer((req, res) => {
      const payload =
        req.url === '/corrupt.gguf'
          ? Buffer.concat([body.subarray(0, 500), Buffer.from('!'), body.subarray(501)])
          : body;
      res.writeHead(200, { 'content-length': payload.length });
      res.end(payload);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    await new Promise((resolve) => server.close(resolve));
    await vscode.workspace
      .getConfiguration('whetstone')
      .update('localModelPath', undefined, vscode.ConfigurationTarget.Global);
  });

  it('stores a verified model in global storage and points whetstone.localModelPath at it', async () => {
    const file = await vscode.commands.executeCommand<string>('whetstone.downloadModel', `${base}/tiny.gguf`, sha);
    assert.ok(file, 'the command returns the path');
    assert.ok(fs.readFileSync(file).equals(body), 'the bytes on disk are the served ones');
    assert.match(file, /models/);
    assert.equal(vscode.workspace.getConfiguration('whetstone').get('localModelPath'), file);
  });

  it('refuses a file whose SHA-256 does not match, and keeps nothing under the final name', async () => {
    const file = await vscode.commands.executeCommand<string | undefined>(
      'whetstone.downloadModel',
      `${base}/corrupt.gguf`,
      sha,
    );
    assert.equal(file, undefined);
    const dir = vscode.workspace
      .getConfiguration('whetstone')
      .get<string>('localModelPath')!
      .replace(/[^/]+$/, '');
    assert.ok(!fs.existsSync(`${dir}corrupt.gguf`), 'no corrupt file left where a model would be loaded from');
  });
});
