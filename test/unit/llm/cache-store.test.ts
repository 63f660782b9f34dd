import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { appendFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
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

describe('response cache store: persisted segment tables', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'whetstone-table-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const fill = async (n: number, text = (i: number) => `answer ${i}`) => {
    const cache = createDiskCache(dir, { segmentBytes: 16 * 1024 });
    for (let i = 0; i < n; i++) await cache.set(`key-${i}`, entry(text(i)));
    await cache.close();
  };
  const files = (ext: string) => readdirSync(path.join(dir, 'log')).filter((f) => f.endsWith(ext));
  const readAll = async (n: number) => {
    const cache = createDiskCache(dir, { segmentBytes: 16 * 1024 });
    const got = [];
    for (let i = 0; i < n; i++) got.push((await cache.get(`key-${i}`))?.text);
    await cache.close();
    return got;
  };

  it('close writes a table per segment covering all of it, and a reopened cache finds every entry', async () => {
    await fill(600);
    const segs = files('.seg');
    assert.ok(segs.length >= 3, `${segs.length} segments`);
    assert.deepEqual(
      files('.idx').map((f) => f.replace('.idx', '')),
      segs.map((f) => f.replace('.seg', '')),
    );
    assert.deepEqual(
      await readAll(600),
      Array.from({ length: 600 }, (_, i) => `answer ${i}`),
    );
  });

  it('a torn, garbled or stale table is ignored: the segment is scanned and every entry is still found', async () => {
    await fill(300);
    const [first, second] = files('.idx');
    const firstPath = path.join(dir, 'log', first);
    writeFileSync(firstPath, readFileSync(firstPath).subarray(0, 70)); // torn mid-write
    writeFileSync(path.join(dir, 'log', second), 'not a table');
    // The newest segment gets records after its table was written (as another process's appends would).
    const newest = files('.seg').at(-1)!;
    appendFileSync(path.join(dir, 'log', newest), `\x1e{"k":"late","r":${JSON.stringify(entry('late'))}}\n`);
    assert.deepEqual(
      await readAll(300),
      Array.from({ length: 300 }, (_, i) => `answer ${i}`),
    );
    const cache = createDiskCache(dir, { segmentBytes: 16 * 1024 });
    assert.equal((await cache.get('late'))?.text, 'late');
    await cache.close();
  });

  it('a table whose segment was rewritten under the same name is not trusted (entries move)', async () => {
    await fill(50);
    const seg = path.join(dir, 'log', files('.seg')[0]);
    const text = readFileSync(seg, 'utf8').replace(/answer (\d+)/g, 'changed answer $1');
    rmSync(seg);
    writeFileSync(seg, text); // same name; new inode, every record at a new offset
    const got = await readAll(50);
    assert.deepEqual(
      got,
      Array.from({ length: 50 }, (_, i) => `changed answer ${i}`),
    );
  });

  it('the newest record of a key wins across the table, the tail and reopening', async () => {
    await fill(100);
    let cache = createDiskCache(dir, { segmentBytes: 16 * 1024 });
    await cache.set('key-5', entry('newer 5'));
    assert.equal((await cache.get('key-5'))?.text, 'newer 5');
    await cache.close();
    cache = createDiskCache(dir, { segmentBytes: 16 * 1024 });
    assert.equal((await cache.get('key-5'))?.text, 'newer 5');
    assert.equal((await cache.get('key-99'))?.text, 'answer 99');
    await cache.close();
  });
});
