import { strict as assert } from 'node:assert';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { createDiskCache, cacheKey, canonicalJson, type ResponseCache } from '../../../src/core/llm';
import { echoHandler } from '../../../src/sim/echo-handler';
import { harness, type Harness } from './helpers';

describe('llm client: response cache', () => {
  let h: Harness;
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'whetstone-cache-'));
  });
  afterEach(async () => {
    await h?.server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function everyKind(h: Harness) {
    const messages = [{ role: 'user' as const, content: 'hello' }];
    const chat = await h.client.chat({ model: h.model, messages, seed: 1 });
    const structured = await h.client.structured({ model: h.model, messages, schema: 'critiques', seed: 1 });
    const score = await h.client.score({ model: h.model, prompt: 'a b', target: ' c' });
    return { chat, structured, score };
  }

  it('a second identical run makes zero HTTP calls and returns cached answers', async () => {
    h = await harness(echoHandler, { cache: createDiskCache(dir) });
    const first = await everyKind(h);
    assert.equal(h.server.stats.requests, 3);
    assert.equal(first.chat.cached, false);

    // A new client (as in a new process) over the same directory.
    const second = await harness(echoHandler, { cache: createDiskCache(dir) });
    await second.server.close();
    second.model.baseUrl = h.server.url;
    const again = await everyKind(second);
    assert.equal(h.server.stats.requests, 3, 'no request reached the server');
    assert.equal(again.chat.text, first.chat.text);
    assert.deepEqual(again.structured.value, first.structured.value);
    assert.deepEqual(again.score.logprobs, first.score.logprobs);
    for (const r of [again.chat, again.structured, again.score]) {
      assert.equal(r.cached, true);
      assert.equal(r.costUsd, 0);
    }
    assert.deepEqual(again.chat.usage, first.chat.usage, 'usage as first paid');
    assert.deepEqual(readdirSync(dir), ['log'], 'one store, not a file per call');
    assert.deepEqual(readdirSync(path.join(dir, 'log')), ['00000001.seg']);
  });

  it('cache: null bypasses it (--no-cache)', async () => {
    h = await harness(echoHandler, { cache: null });
    await everyKind(h);
    await everyKind(h);
    assert.equal(h.server.stats.requests, 6);
  });

  it('different seed, params, model or schema are different entries', async () => {
    h = await harness(echoHandler, { cache: createDiskCache(dir) });
    const messages = [{ role: 'user' as const, content: 'x' }];
    await h.client.chat({ model: h.model, messages, seed: 1 });
    await h.client.chat({ model: h.model, messages, seed: 2 });
    await h.client.chat({ model: { ...h.model, params: { temperature: 1 } }, messages, seed: 1 });
    await h.client.chat({ model: { ...h.model, model: 'other' }, messages, seed: 1 });
    await h.client.structured({ model: h.model, messages, schema: 'critiques', seed: 1 });
    await h.client.structured({ model: h.model, messages, schema: 'prompt_segments', seed: 1 });
    assert.equal(h.server.stats.requests, 6);
    await h.client.chat({ model: { ...h.model, params: { temperature: 1 } }, messages, seed: 1 });
    assert.equal(h.server.stats.requests, 6);
  });

  it('invalid or failed answers are not cached; a damaged entry is a miss', async () => {
    h = await harness(echoHandler, { cache: createDiskCache(dir) });
    h.server.faults.push({ kind: 'status', status: 400 });
    const ask = () => h.client.chat({ model: h.model, messages: [{ role: 'user', content: 'x' }] });
    await assert.rejects(ask());
    await ask();
    assert.equal(h.server.stats.requests, 2);
    // Damage the stored record in place (same length, so the index still points at it): a miss, then rewritten.
    const seg = path.join(dir, 'log', '00000001.seg');
    const text = readFileSync(seg, 'latin1');
    writeFileSync(seg, text.replace('"r":{', '"r":['), 'latin1');
    await ask();
    assert.equal(h.server.stats.requests, 3);
    await ask();
    assert.equal(h.server.stats.requests, 3, 'rewritten after the miss');
  });

  it('a failing cache never fails the call', async () => {
    const broken: ResponseCache = {
      get: async () => {
        throw new Error('disk gone');
      },
      set: async () => {
        throw new Error('disk full');
      },
    };
    h = await harness(echoHandler, { cache: broken });
    const res = await h.client.chat({ model: h.model, messages: [{ role: 'user', content: 'x' }] });
    assert.equal(res.text, 'echo: x');
    assert.ok(h.logs.some((l) => /cache read failed/.test(l)) && h.logs.some((l) => /cache write failed/.test(l)));
  });

  it('keys ignore property order', () => {
    assert.equal(canonicalJson({ b: 1, a: { d: 2, c: 3 } }), '{"a":{"c":3,"d":2},"b":1}');
    assert.equal(cacheKey({ x: 1, y: 2 }), cacheKey({ y: 2, x: 1 }));
  });
});
