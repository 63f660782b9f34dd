/** downloadModel against a real local HTTP server: good, corrupted, interrupted + resumed, Range ignored, aborted. */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { downloadModel, DownloadError } from '../../../src/core/download';
import { createRng } from '../../../src/core/random';

interface Behaviour {
  ignoreRange?: boolean;
  /** Flip a byte in the body. */
  corrupt?: boolean;
  /** First request only: send this many bytes, then stall (the test then cuts or aborts). */
  stallAfter?: number;
}

describe('downloadModel', function () {
  this.timeout(20_000);
  const rng = createRng(42);
  const body = Buffer.from(Array.from({ length: 300_000 }, () => rng.int(256)));
  const sha256 = createHash('sha256').update(body).digest('hex');
  let server: Server;
  let base: string;
  let dir: string;
  let behaviour: Behaviour = {};
  let ranges: Array<string | undefined> = [];
  let requests = 0;
  let stalled: import('node:http').ServerResponse | undefined;

  before(async () => {
    server = createServer((req, res) => {
      requests++;
      ranges.push(req.headers.range);
      const data = behaviour.corrupt
        ? Buffer.concat([body.subarray(0, 1000), Buffer.from([body[1000] ^ 0xff]), body.subarray(1001)])
        : body;
      const match = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
      let start = 0;
      if (match && !behaviour.ignoreRange) {
        start = Number(match[1]);
        if (start >= data.length) {
          res.writeHead(416, { 'Content-Range': `bytes */${data.length}` }).end();
          return;
        }
        res.writeHead(206, {
          'Content-Length': data.length - start,
          'Content-Range': `bytes ${start}-${data.length - 1}/${data.length}`,
          'Accept-Ranges': 'bytes',
        });
      } else {
        res.writeHead(200, { 'Content-Length': data.length });
      }
      const rest = data.subarray(start);
      if (behaviour.stallAfter !== undefined && requests === 1) {
        stalled = res;
        res.write(rest.subarray(0, behaviour.stallAfter)); // and never end
      } else {
        res.end(rest);
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'whetstone-download-'));
    behaviour = {};
    ranges = [];
    requests = 0;
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('downloads, reports progress, verifies and moves the file into place', async () => {
    const progress: Array<[number, number | undefined]> = [];
    const file = await downloadModel({
      url: `${base}/models/tiny.gguf`,
      sha256,
      destDir: dir,
      onProgress: (b, t) => progress.push([b, t]),
    });
    assert.equal(file, path.join(dir, 'tiny.gguf'));
    assert.deepEqual(readFileSync(file), body);
    assert.equal(existsSync(`${file}.part`), false);
    assert.deepEqual(progress.at(-1), [body.length, body.length]);
    assert.ok(progress.every(([b], i) => i === 0 || b >= progress[i - 1][0]));
    // A second call finds the verified file and does not download again.
    assert.equal(await downloadModel({ url: `${base}/models/tiny.gguf`, sha256, destDir: dir }), file);
    assert.equal(requests, 1);
  });

  it('a hash mismatch deletes the part and names both hashes', async () => {
    behaviour.corrupt = true;
    await assert.rejects(downloadModel({ url: `${base}/m.gguf`, sha256, destDir: dir }), (error: unknown) => {
      assert.ok(error instanceof DownloadError && error.kind === 'checksum');
      assert.match(
        error.message,
        new RegExp(`SHA-256 mismatch: expected ${sha256}, got [0-9a-f]{64}; the downloaded file was deleted`),
      );
      return true;
    });
    assert.equal(existsSync(path.join(dir, 'm.gguf.part')), false);
    assert.equal(existsSync(path.join(dir, 'm.gguf')), false);
  });

  it('an interrupted transfer keeps its part and the next call resumes with a Range request', async () => {
    // The connection drops once the client has received 120 000 bytes (cut from the progress callback: deterministic).
    behaviour.stallAfter = 120_000;
    const cut = (bytes: number) => {
      if (bytes >= 120_000) stalled?.socket?.destroy();
    };
    await assert.rejects(
      downloadModel({ url: `${base}/m.gguf`, sha256, destDir: dir, onProgress: cut }),
      /kept, run again to resume/,
    );
    const kept = statSync(path.join(dir, 'm.gguf.part')).size;
    assert.equal(kept, 120_000, 'every received byte is in the part file');
    const file = await downloadModel({ url: `${base}/m.gguf`, sha256, destDir: dir });
    assert.deepEqual(ranges, [undefined, `bytes=${kept}-`]);
    assert.deepEqual(readFileSync(file), body);
  });

  it('restarts from zero when the server ignores Range', async () => {
    writeFileSync(path.join(dir, 'm.gguf.part'), body.subarray(0, 5000));
    behaviour.ignoreRange = true;
    const file = await downloadModel({ url: `${base}/m.gguf`, sha256, destDir: dir });
    assert.deepEqual(ranges, ['bytes=5000-']);
    assert.deepEqual(readFileSync(file), body);
  });

  it('a complete part (416 on resume) is verified and moved into place', async () => {
    writeFileSync(path.join(dir, 'm.gguf.part'), body);
    const file = await downloadModel({ url: `${base}/m.gguf`, sha256, destDir: dir });
    assert.deepEqual(readFileSync(file), body);
  });

  it('abort stops the transfer, keeps the part and says so', async () => {
    behaviour.stallAfter = 50_000;
    const controller = new AbortController();
    const call = downloadModel({
      url: `${base}/m.gguf`,
      sha256,
      destDir: dir,
      signal: controller.signal,
      onProgress: (bytes) => {
        if (bytes >= 50_000) controller.abort();
      },
    });
    await assert.rejects(
      call,
      (error: unknown) =>
        error instanceof DownloadError &&
        error.kind === 'aborted' &&
        /aborted after \d+ bytes; .*m\.gguf\.part is kept/.test(error.message),
    );
    assert.ok(existsSync(path.join(dir, 'm.gguf.part')));
  });

  it('rejects bad input and HTTP errors clearly', async () => {
    await assert.rejects(
      downloadModel({ url: `${base}/m.gguf`, sha256: 'abc', destDir: dir }),
      /sha256 must be 64 hex digits, got "abc"/,
    );
    await assert.rejects(downloadModel({ url: `${base}/`, sha256, destDir: dir }), /cannot derive a file name/);
    const notFound = createServer((_req, res) => res.writeHead(404).end());
    await new Promise<void>((resolve) => notFound.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(notFound.address() as AddressInfo).port}/x.gguf`;
      await assert.rejects(
        downloadModel({ url, sha256, destDir: dir }),
        new RegExp(`download ${url.replace(/[.]/g, '\\.')}: HTTP 404 Not Found`),
      );
    } finally {
      await new Promise((resolve) => notFound.close(resolve));
    }
  });
});
