/**
 * Hostile 200s and rate limits against the real client over real HTTP (issue 11 items 5 and 7). Sleeps are recorded
 * and skipped (helpers.ts), so the time limits are checked by counting, never by the wall clock.
 */
import { strict as assert } from 'node:assert';
import type { LlmError } from '../../../src/core/llm';
import { AdaptiveLimit } from '../../../src/core/llm/adaptive-limit';
import type { Fault } from '../../../src/sim/faults';
import { echoHandler } from '../../../src/sim/echo-handler';
import { createSimulatedTask } from '../../../src/sim/task';
import { harness, type Harness } from './helpers';

const ask = (h: Harness) => h.client.chat({ model: h.model, messages: [{ role: 'user', content: 'x' }] });
const garbage = (shape: Extract<Fault, { kind: 'garbage-200' }>['shape']): Fault => ({ kind: 'garbage-200', shape });

describe('llm client: malformed 200s and rate limits', () => {
  let h: Harness;
  afterEach(() => h?.server.close());

  for (const shape of ['no-choices', 'null-content', 'not-json'] as const) {
    it(`a 200 with ${shape} is retried like a transport error, then the good answer is used`, async () => {
      h = await harness(echoHandler, { retryBaseMs: 10 });
      h.server.faults.push(garbage(shape), garbage(shape));
      const res = await ask(h);
      assert.equal(res.text, 'echo: x');
      assert.equal(h.server.stats.requests, 3);
      assert.equal(h.sleeps.length, 2);
      assert.match(h.logs[0], /malformed response|not valid JSON/);
    });
  }

  it('a 200 that stays malformed fails the call as invalid-output with the reason, after malformedRetries', async () => {
    h = await harness(echoHandler, { malformedRetries: 2 });
    h.server.faults.when(() => true, garbage('no-choices'));
    await assert.rejects(
      ask(h),
      (err: LlmError) => err.kind === 'invalid-output' && /malformed response: it has no choices/.test(err.message),
    );
    assert.equal(h.server.stats.requests, 3);
  });

  it('a scoring 200 without log-probs is retried, and one that never has them is invalid-output', async () => {
    const task = createSimulatedTask({ seed: 0 });
    h = await harness(task.handler, { retryBaseMs: 1 });
    h.server.faults.push(garbage('no-logprobs'));
    const scored = await h.client.score({ model: h.model, prompt: 'The capital of France is', target: ' Paris.' });
    assert.ok(scored.tokens.length > 0);
    assert.equal(h.server.stats.requests, 2);
    h.server.faults.when(() => true, garbage('no-logprobs'));
    await assert.rejects(
      h.client.score({ model: h.model, prompt: 'The capital of Italy is', target: ' Rome.' }),
      (err: LlmError) => err.kind === 'invalid-output' && /no log-probs/.test(err.message),
    );
  });

  it('20 × 429 with Retry-After: 1 is waited out (20 waits of ~1 s), not given up after 6 retries', async () => {
    h = await harness(echoHandler, { retryBaseMs: 100, random: () => 0 });
    h.server.faults.push(
      ...Array.from({ length: 20 }, () => ({ kind: 'status' as const, status: 429, retryAfter: '1' })),
    );
    const res = await ask(h);
    assert.equal(res.text, 'echo: x');
    assert.equal(h.server.stats.requests, 21);
    assert.deepEqual(
      h.sleeps,
      Array.from({ length: 20 }, () => 1000),
    );
    assert.match(h.logs[19], /rate-limited: resuming in 1 s$/);
  });

  it('rate limiting is bounded by time, not by count: past rateLimitWaitMs the call fails and says so', async () => {
    h = await harness(echoHandler, { rateLimitWaitMs: 5_000, random: () => 0 });
    h.server.faults.when(() => true, { kind: 'status', status: 429, retryAfter: '1' });
    await assert.rejects(
      ask(h),
      (err: LlmError) =>
        err.status === 429 && /still rate-limited after waiting 5 s; the limit is 5 s/.test(err.message),
    );
    assert.equal(h.sleeps.length, 5, 'five 1 s waits fit in 5 s; the sixth would not');
    assert.equal(h.server.stats.requests, 6);
  });

  it('other transient failures stay bounded by count (maxRetries)', async () => {
    h = await harness(echoHandler, { maxRetries: 3 });
    h.server.faults.when(() => true, { kind: 'status', status: 500 });
    await assert.rejects(ask(h), (err: LlmError) => err.status === 500);
    assert.equal(h.server.stats.requests, 4);
  });

  it('concurrency adapts: a 429 burst cuts the requests in flight, successes bring them back', async () => {
    h = await harness(echoHandler, { concurrency: 8, random: () => 0 });
    // The first 8 requests are all rate-limited; after that every request succeeds after a short delay.
    h.server.faults.push(
      ...Array.from({ length: 8 }, () => ({ kind: 'status' as const, status: 429, retryAfter: '0' })),
    );
    await Promise.all(Array.from({ length: 8 }, () => ask(h)));
    h.server.stats.maxInFlight = 0;
    h.server.faults.when(() => true, { kind: 'delay', ms: 20 });
    // Eight 429s halved the limit to 1 and the eight retried successes grew it back only to 4 (one per window).
    await Promise.all(Array.from({ length: 8 }, () => ask(h)));
    assert.ok(h.server.stats.maxInFlight <= 5, `in flight right after the burst: ${h.server.stats.maxInFlight}`);
    await Promise.all(Array.from({ length: 40 }, () => ask(h)));
    h.server.stats.maxInFlight = 0;
    await Promise.all(Array.from({ length: 16 }, () => ask(h)));
    assert.equal(h.server.stats.maxInFlight, 8, 'recovered to the configured concurrency');
  });
});

describe('AdaptiveLimit', () => {
  it('halves on each rate limit down to 1, and adds one per window of successes up to max', () => {
    const limit = new AdaptiveLimit(8);
    limit.rateLimited();
    assert.equal(limit.limit, 4);
    limit.rateLimited();
    limit.rateLimited();
    limit.rateLimited();
    assert.equal(limit.limit, 1);
    limit.succeeded();
    assert.equal(limit.limit, 2);
    limit.succeeded();
    assert.equal(limit.limit, 2, 'a window of 2 successes is needed at 2');
    limit.succeeded();
    assert.equal(limit.limit, 3);
    for (let i = 0; i < 100; i++) limit.succeeded();
    assert.equal(limit.limit, 8);
  });

  it('never runs more than its limit at once, and keeps arrival order', async () => {
    const limit = new AdaptiveLimit(3);
    let active = 0;
    let peak = 0;
    const order: number[] = [];
    const task = async (i: number) => {
      const release = await limit.acquire();
      active++;
      peak = Math.max(peak, active);
      await new Promise((r) => setImmediate(r));
      order.push(i);
      active--;
      release();
    };
    limit.rateLimited(); // 3 → 1
    await Promise.all(Array.from({ length: 10 }, (_, i) => task(i)));
    assert.equal(peak, 1);
    assert.deepEqual(order, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });
});
