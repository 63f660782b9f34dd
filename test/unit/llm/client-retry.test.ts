import { strict as assert } from 'node:assert';
import { type LlmError, parseRetryAfter } from '../../../src/core/llm';
import { echoHandler } from '../../../src/sim/echo-handler';
import { harness, until, type Harness } from './helpers';

const ask = (h: Harness) => h.client.chat({ model: h.model, messages: [{ role: 'user', content: 'x' }] });

describe('llm client: retries', () => {
  let h: Harness;
  afterEach(() => h?.server.close());

  it('429 with Retry-After (seconds): waits that long, then succeeds', async () => {
    h = await harness(echoHandler, { retryBaseMs: 100 });
    h.server.faults.push({ kind: 'status', status: 429, retryAfter: '7' });
    const res = await ask(h);
    assert.equal(res.text, 'echo: x');
    assert.equal(h.server.stats.requests, 2);
    assert.equal(h.sleeps.length, 1);
    // Retry-After plus at most half a base step of jitter (random() = 0.5 here → 25 ms).
    assert.equal(h.sleeps[0], 7000 + 25);
    assert.match(h.logs[0], /HTTP 429 Too Many Requests.*rate-limited: resuming in 7 s/);
  });

  it('Retry-After as an HTTP-date and retry-after-ms are honoured against the injected clock', async () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    h = await harness(echoHandler, { retryBaseMs: 100, random: () => 0, now: () => now });
    h.server.faults.push(
      { kind: 'status', status: 503, retryAfter: 'Thu, 01 Jan 2026 00:00:30 GMT' },
      { kind: 'status', status: 429, retryAfterMs: 1500, retryAfter: '99' },
    );
    await ask(h);
    assert.deepEqual(h.sleeps, [30_000, 1500]);
  });

  it('a Retry-After beyond the limit fails at once with the server error', async () => {
    h = await harness(echoHandler, { maxRetryAfterMs: 10_000 });
    h.server.faults.push({ kind: 'status', status: 429, retryAfter: '3600' });
    await assert.rejects(ask(h), (err: LlmError) => err.status === 429 && /retry after 3600 s/.test(err.message));
    assert.deepEqual(h.sleeps, []);
  });

  it('a 500 storm: exponential backoff with jitter, then success', async () => {
    h = await harness(echoHandler, { retryBaseMs: 100, random: () => 0.5 });
    h.server.faults.push(...Array.from({ length: 5 }, () => ({ kind: 'status' as const, status: 500 })));
    const res = await ask(h);
    assert.equal(res.text, 'echo: x');
    assert.equal(h.server.stats.requests, 6);
    // step = 100·2^n; wait = step/2 + random·step/2
    assert.deepEqual(h.sleeps, [75, 150, 300, 600, 1200]);
  });

  it('gives up after maxRetries with the last error', async () => {
    h = await harness(echoHandler, { maxRetries: 2 });
    h.server.faults.push(...Array.from({ length: 5 }, () => ({ kind: 'status' as const, status: 503 })));
    await assert.rejects(
      ask(h),
      (err: LlmError) => err.kind === 'http' && err.status === 503 && /HTTP 503 Service Unavailable/.test(err.message),
    );
    assert.equal(h.server.stats.requests, 3);
  });

  it('a request that hangs times out, the next attempt succeeds', async () => {
    h = await harness(echoHandler, { timeoutMs: 100 });
    h.server.faults.push({ kind: 'hang' });
    const res = await ask(h);
    assert.equal(res.text, 'echo: x');
    assert.equal(h.server.stats.requests, 2);
    assert.match(h.logs[0], /timed out after 100 ms/);
  });

  it('times out on a body that stalls after the headers, too', async () => {
    h = await harness(echoHandler, { timeoutMs: 100, maxRetries: 0 });
    h.server.faults.push({ kind: 'stall-body' });
    await assert.rejects(ask(h), (err: LlmError) => err.kind === 'timeout');
    await until(() => h.server.stats.inFlight === 0);
  });

  it('a connection reset is retried', async () => {
    h = await harness();
    h.server.faults.push({ kind: 'reset' });
    const res = await ask(h);
    assert.equal(res.text, 'echo: x');
    assert.equal(h.server.stats.requests, 2);
    assert.match(h.logs[0], /unreachable \(other side closed\)/);
  });

  it('a truncated JSON body is retried', async () => {
    h = await harness();
    h.server.faults.push({ kind: 'truncated-body' });
    const res = await ask(h);
    assert.equal(res.text, 'echo: x');
    assert.equal(h.server.stats.requests, 2);
    assert.match(h.logs[0], /not valid JSON/);
  });

  it('4xx other than 408/409/429 are not retried', async () => {
    h = await harness();
    h.server.faults.push({ kind: 'status', status: 404 });
    await assert.rejects(ask(h), (err: LlmError) => err.status === 404);
    assert.equal(h.server.stats.requests, 1);
  });

  it('parseRetryAfter reads seconds, ms and dates, ignores junk', () => {
    const headers = (o: Record<string, string>) => ({ get: (k: string) => o[k] ?? null });
    assert.equal(parseRetryAfter(headers({ 'retry-after': '2' }), 0), 2000);
    assert.equal(parseRetryAfter(headers({ 'retry-after': '0.5' }), 0), 500);
    assert.equal(parseRetryAfter(headers({ 'retry-after-ms': '250', 'retry-after': '9' }), 0), 250);
    assert.equal(parseRetryAfter(headers({ 'retry-after': new Date(10_000).toUTCString() }), 4000), 6000);
    assert.equal(parseRetryAfter(headers({ 'retry-after': 'soon' }), 0), undefined);
    assert.equal(parseRetryAfter(headers({}), 0), undefined);
  });
});
