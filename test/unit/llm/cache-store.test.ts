import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { appendFileSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { createDiskCache } from '../../../src/core/llm/cache-store';
import type { CachedResponse } from '../../../src/core/llm';

const entry = (text: string): CachedResponse => ({
  kind: 'chat',
  text,
  usage: { promptTokens: 1, completionTokens: 1 },
});
const logBytes = (dir: string) =>
  readdirSync(path.join(dir, 'log')).reduce((sum, f) => sum + statSync(path.join(dir, 'log', f)).size, 0);

function runWriter(dir: string, tag: string, count: number, segmentBytes: number): Promise<void> {
  const script = path.join(__dirname, 'cache-writer-process.ts');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, dir, tag, String(count), String(segmentBytes)], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`writer ${tag} exit ${code}: ${stderr}`))));
  });
}

describe('response cache store (segment log)', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'whetstone-store-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('two real processes writing at once: no torn or lost entries, across segment rotations', async function () {
    this.timeout(60_000);
    const count = 1500;
    // Small segments so both processes rotate (and race to create the next segment) many times.
    await Promise.all([runWriter(dir, 'a', count, 8 * 1024), runWriter(dir, 'b', count, 8 * 1024)]);
    assert.ok(readdirSync(path.join(dir, 'log')).length > 5, 'rotated');
    const reader = createDiskCache(dir, { maxBytes: 1 << 30 });
    for (const tag of ['a', 'b'])
      for (let i = 0; i < count; i++) {
        const got = await reader.get(`${tag}-${i}`);
        assert.equal(got?.text, `${tag} answer ${i} ${'x'.repeat(i % 50)}`, `${tag}-${i}`);
        assert.equal(got?.usage.promptTokens, i);
      }
    await reader.close();
  });

  it('finds what another live process appended after it opened', async () => {
    const mine = createDiskCache(dir);
    await mine.set('mine', entry('m'));
    await runWriter(dir, 'other', 20, 1 << 20);
    assert.equal((await mine.get('other-19'))?.text, 'other answer 19 ' + 'x'.repeat(19));
    await mine.close();
  });

  it('stays under its size cap, evicting least recently used entries first', async () => {
    const cache = createDiskCache(dir, { maxBytes: 64 * 1024, segmentBytes: 8 * 1024 });
    const big = 'y'.repeat(200);
    await cache.set('keep', entry(`kept ${big}`));
    for (let i = 0; i < 2000; i++) {
      await cache.set(`k${i}`, entry(`${i} ${big}`));
      // 'keep' is read now and then: it is copied forward and survives eviction.
      if (i % 100 === 0) assert.ok(await cache.get('keep'), `keep still there at ${i}`);
      assert.ok(logBytes(dir) <= 64 * 1024 + 8 * 1024 + 512, `cap held at ${i}: ${logBytes(dir)}`);
    }
    assert.equal((await cache.get('keep'))?.text, `kept ${big}`);
    assert.equal(await cache.get('k0'), undefined, 'the oldest unused entry was evicted');
    assert.ok(await cache.get('k1999'), 'the newest is there');
    await cache.close();
    // A fresh process view agrees.
    const again = createDiskCache(dir, { maxBytes: 64 * 1024, segmentBytes: 8 * 1024 });
    assert.ok(await again.get('keep'));
    assert.equal(await again.get('k0'), undefined);
    await again.close();
  });

  it('a torn record (crash mid-write) is skipped and the record appended after it is still found', async () => {
    const cache = createDiskCache(dir);
    await cache.set('before', entry('b'));
    await cache.close();
    const seg = path.join(dir, 'log', '00000001.seg');
    appendFileSync(seg, '\x1e{"k":"torn","r":{"kind":"chat","text":"half'); // no newline: the writer died here
    const next = createDiskCache(dir);
    await next.set('after', entry('a'));
    assert.equal(await next.get('torn'), undefined);
    assert.equal((await next.get('after'))?.text, 'a');
    assert.equal((await next.get('before'))?.text, 'b');
    await next.close();
    const fresh = createDiskCache(dir);
    assert.equal((await fresh.get('after'))?.text, 'a');
    assert.equal(await fresh.get('torn'), undefined);
    await fresh.close();
  });

  it('hostile content: a response containing the record prefix and newlines round-trips', async () => {
    const cache = createDiskCache(dir);
    const text = 'line1\n\x1e{"k":"evil","r":{"kind":"chat"}}\nline3';
    await cache.set('hostile', {
      kind: 'structured',
      value: { k: 'evil', nested: text },
      usage: { promptTokens: 0, completionTokens: 0 },
    });
    await cache.close();
    const fresh = createDiskCache(dir);
    assert.equal(await fresh.get('evil'), undefined, 'no phantom entry from the payload');
    assert.deepEqual((await fresh.get('hostile'))?.value, { k: 'evil', nested: text });
    await assert.rejects(fresh.set('bad key\n', entry('x')), /invalid key/);
    await fresh.close();
  });
});
