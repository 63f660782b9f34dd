import { strict as assert } from 'node:assert';
import { createLlmClient, LlmError, costOf, priceOf, defaultPrices } from '../../../src/core/llm';
import { startSimServer } from '../../../src/sim/server';
import { echoHandler } from '../../../src/sim/echo-handler';
import { harness, until, type Harness } from './helpers';

describe('llm client: chat', () => {
  let h: Harness;
  afterEach(() => h?.server.close());

  it('sends messages, params and seed through the openai package and reports usage', async () => {
    h = await harness();
    const model = { ...h.model, params: { temperature: 0.3, max_tokens: 50, stream: true } };
    const res = await h.client.chat({
      model,
      messages: [
        { role: 'system', content: 'be brief' },
        { role: 'user', content: 'hi there' },
      ],
      seed: 7,
    });
    assert.equal(res.text, 'echo: hi there');
    assert.deepEqual(res.usage, { promptTokens: 6, completionTokens: 3 }, 'words + 1 per message');
    assert.equal(res.cached, false);
    assert.equal(res.costUsd, null, 'sim-model has no price: null, never a guess');
    const body = h.server.bodies[0] as Record<string, unknown>;
    assert.equal(body.temperature, 0.3);
    assert.equal(body.max_tokens, 50);
    assert.equal(body.seed, 7);
    assert.equal(body.stream, undefined, 'stream is not passed through: we parse whole responses');
  });

  it('prices known models (and their dated snapshots), null for unknown ones', async () => {
    h = await harness(echoHandler, { prices: { 'my-model': { inputPerMTok: 1, outputPerMTok: 2 } } });
    const res = await h.client.chat({
      model: { ...h.model, model: 'gpt-4o-mini' },
      messages: [{ role: 'user', content: 'a b c' }],
    });
    // 4 prompt tokens at $0.15/M + 5 completion tokens ("echo: a b c" = 4 words) at $0.60/M
    assert.deepEqual(res.usage, { promptTokens: 4, completionTokens: 4 });
    assert.ok(Math.abs(res.costUsd! - (4 * 0.15 + 4 * 0.6) / 1e6) < 1e-12);
    const custom = await h.client.chat({
      model: { ...h.model, model: 'my-model' },
      messages: [{ role: 'user', content: 'a' }],
    });
    assert.ok(Math.abs(custom.costUsd! - (2 * 1 + 2 * 2) / 1e6) < 1e-12);
    assert.equal(priceOf('gpt-4o-mini-2024-07-18', defaultPrices), defaultPrices['gpt-4o-mini']);
    assert.equal(priceOf('gpt-4o-2024-08-06', defaultPrices), defaultPrices['gpt-4o']);
    assert.equal(costOf('llama3:8b', { promptTokens: 1, completionTokens: 1 }, defaultPrices), null);
    assert.equal(costOf('gpt-4o', undefined, defaultPrices), null, 'no usage reported: unknown cost');
  });

  it('sends a key (looked up async) only to its own origin; other origins get the placeholder', async () => {
    const a = await startSimServer({ handler: echoHandler });
    const b = await startSimServer({ handler: echoHandler });
    const asked: string[] = [];
    const client = createLlmClient({
      apiKeyFor: async (origin) => {
        asked.push(origin);
        return origin === new URL(a.url).origin ? 'sk-secret-a' : undefined;
      },
    });
    try {
      await client.chat({ model: { baseUrl: a.url, model: 'm' }, messages: [{ role: 'user', content: 'x' }] });
      await client.chat({ model: { baseUrl: b.url, model: 'm' }, messages: [{ role: 'user', content: 'x' }] });
      assert.deepEqual(a.stats.authHeaders, ['Bearer sk-secret-a']);
      assert.deepEqual(b.stats.authHeaders, [undefined], 'an endpoint without a key gets no Authorization header');
      assert.deepEqual(
        asked,
        [new URL(a.url).origin, new URL(b.url).origin],
        'asked with the origin, not the full URL',
      );
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('errors name the endpoint and status, never the key', async () => {
    h = await harness(echoHandler, { apiKeyFor: () => 'sk-very-secret' });
    h.server.faults.push({ kind: 'status', status: 401, message: 'Incorrect API key provided: sk-very-secret' });
    await assert.rejects(
      h.client.chat({ model: h.model, messages: [{ role: 'user', content: 'x' }] }),
      (err: LlmError) => {
        assert.ok(err instanceof LlmError);
        assert.equal(err.kind, 'http');
        assert.equal(err.status, 401);
        assert.equal(err.endpoint, h.server.url);
        assert.ok(err.message.startsWith(`${h.server.url}: HTTP 401 Unauthorized`), err.message);
        assert.ok(!err.message.includes('sk-very-secret'), err.message);
        return true;
      },
    );
    assert.equal(h.server.stats.requests, 1, '401 is not retried');
  });

  it('reports an unreachable endpoint clearly', async () => {
    h = await harness();
    const url = h.server.url;
    await h.server.close();
    await assert.rejects(
      h.client.chat({ model: { baseUrl: url, model: 'm' }, messages: [{ role: 'user', content: 'x' }] }),
      (err: LlmError) => {
        assert.equal(err.kind, 'unreachable');
        assert.equal(err.message, `${url}: unreachable (ECONNREFUSED)`);
        return true;
      },
    );
    h.server = await startSimServer({ handler: echoHandler });
  });

  it('abort cancels the HTTP request: nothing stays in flight on the server', async () => {
    h = await harness();
    h.server.faults.push({ kind: 'hang' });
    const controller = new AbortController();
    const call = h.client.chat({
      model: h.model,
      messages: [{ role: 'user', content: 'x' }],
      signal: controller.signal,
    });
    await until(() => h.server.stats.inFlight === 1);
    controller.abort();
    await assert.rejects(call, (err: LlmError) => err.kind === 'aborted');
    await until(() => h.server.stats.inFlight === 0);
    assert.equal(h.server.stats.requests, 1, 'an aborted call is not retried');
  });

  it('abort during a retry wait stops the call', async () => {
    const controller = new AbortController();
    h = await harness(echoHandler, {
      sleep: (_ms, signal) =>
        new Promise((_r, reject) => {
          signal?.addEventListener('abort', () => reject(signal.reason));
          controller.abort();
        }),
    });
    h.server.faults.push({ kind: 'status', status: 503 });
    await assert.rejects(
      h.client.chat({ model: h.model, messages: [{ role: 'user', content: 'x' }], signal: controller.signal }),
      (err: LlmError) => err.kind === 'aborted',
    );
    assert.equal(h.server.stats.requests, 1);
  });

  it('abort while waiting for a concurrency slot gives up at once, without a request', async () => {
    h = await harness(echoHandler, { concurrency: 1 });
    h.server.faults.push({ kind: 'hang' });
    const first = new AbortController();
    const blocking = h.client.chat({
      model: h.model,
      messages: [{ role: 'user', content: 'a' }],
      signal: first.signal,
    });
    await until(() => h.server.stats.inFlight === 1);
    const second = new AbortController();
    const queued = h.client.chat({ model: h.model, messages: [{ role: 'user', content: 'b' }], signal: second.signal });
    second.abort();
    await assert.rejects(queued, (err: LlmError) => err.kind === 'aborted');
    first.abort();
    await assert.rejects(blocking, (err: LlmError) => err.kind === 'aborted');
    await until(() => h.server.stats.inFlight === 0);
    assert.equal(h.server.stats.requests, 1, 'the queued call never reached the server');
  });

  it('refuses redirects, so a key never follows one to another origin', async () => {
    const other = await startSimServer({ handler: echoHandler });
    h = await harness(echoHandler, { apiKeyFor: () => 'sk-secret' });
    h.server.faults.push({ kind: 'redirect', location: `${other.url}/chat/completions` });
    try {
      await assert.rejects(
        h.client.chat({ model: h.model, messages: [{ role: 'user', content: 'x' }] }),
        (err: LlmError) => /redirects are refused/.test(err.message),
      );
      assert.equal(other.stats.requests, 0);
      assert.equal(h.server.stats.requests, 1, 'not retried');
    } finally {
      await other.close();
    }
  });

  it('never has more requests in flight per origin than the limit', async () => {
    const limit = 3;
    const total = 12;
    // Each request is held until `limit` are open (or all have arrived), so the limit is reached whatever the
    // machine's speed; one request more would show in maxInFlight.
    let server!: Harness['server'];
    const hold = async () => {
      await until(() => server.stats.inFlight >= limit || server.stats.requests === total);
      return 'ok';
    };
    h = await harness({ chat: hold }, { concurrency: limit });
    server = h.server;
    const calls = Array.from({ length: total }, (_, i) =>
      h.client.chat({ model: h.model, messages: [{ role: 'user', content: `q${i}` }] }),
    );
    const results = await Promise.all(calls);
    assert.equal(results.length, 12);
    assert.equal(h.server.stats.maxInFlight, limit);
  });

  it('limits are per origin: a busy endpoint does not hold up another', async () => {
    const other = await startSimServer({ handler: echoHandler });
    h = await harness(echoHandler, { concurrency: 1 });
    h.server.faults.push({ kind: 'hang' });
    const controller = new AbortController();
    const stuck = h.client.chat({
      model: h.model,
      messages: [{ role: 'user', content: 'a' }],
      signal: controller.signal,
    });
    try {
      await until(() => h.server.stats.inFlight === 1);
      const res = await h.client.chat({
        model: { baseUrl: other.url, model: 'm' },
        messages: [{ role: 'user', content: 'b' }],
      });
      assert.equal(res.text, 'echo: b');
    } finally {
      controller.abort();
      await stuck.catch(() => undefined);
      await other.close();
    }
  });

  it('notifies listeners after every call, cached or not', async () => {
    h = await harness();
    const seen: unknown[] = [];
    const off = h.client.onCall((info) => seen.push({ kind: info.kind, cached: info.meta.cached }));
    await h.client.chat({ model: h.model, messages: [{ role: 'user', content: 'x' }] });
    off();
    await h.client.chat({ model: h.model, messages: [{ role: 'user', content: 'x' }] });
    assert.deepEqual(seen, [{ kind: 'chat', cached: false }]);
  });

  it('local: models go to the delegate, or fail clearly without one', async () => {
    h = await harness();
    await assert.rejects(
      h.client.chat({ model: { baseUrl: 'local:', model: '/m.gguf' }, messages: [] }),
      (err: LlmError) => err.kind === 'unsupported',
    );
    const local = createLlmClient({ apiKeyFor: () => undefined });
    const delegating = createLlmClient({
      apiKeyFor: () => undefined,
      local: {
        ...local,
        chat: async () => ({
          text: 'from local',
          usage: { promptTokens: 1, completionTokens: 2 },
          costUsd: 0,
          cached: false,
        }),
      },
    });
    const res = await delegating.chat({
      model: { baseUrl: 'local:', model: '/m.gguf' },
      messages: [{ role: 'user', content: 'x' }],
    });
    assert.equal(res.text, 'from local');
    assert.equal(res.costUsd, 0);
  });
});
