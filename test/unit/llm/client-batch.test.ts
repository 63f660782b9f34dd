/** The LLM client's batch mode: the real openai client over real HTTP to the sim server's Files + Batch API. */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createLlmClient, createMemoryCache, LlmError, type LlmClient } from '../../../src/core/llm';
import type { BatchEvent, BatchOptions } from '../../../src/core/llm/batch/batcher';
import { BatchRequestError, failsOnlyThisRequest } from '../../../src/core/llm/batch/lines';
import { startSimServer, type SimServer } from '../../../src/sim/server';
import { echoHandler } from '../../../src/sim/echo-handler';
import { until } from './helpers';

const words = ['alpha', 'beta', 'gamma', 'delta', 'epsilon'];
const ask = (word: string) => [{ role: 'user' as const, content: `say ${word}` }];

describe('llm client: batch API', () => {
  let server: SimServer;
  let dir: string;
  let events: BatchEvent[];

  const client = (extra: Partial<BatchOptions> = {}, cache = createMemoryCache()): LlmClient =>
    createLlmClient({
      apiKeyFor: () => undefined,
      cache,
      batch: { dir, pollMs: 2, collectMs: 5, onEvent: (e) => events.push(e), ...extra },
    });

  beforeEach(async () => {
    server = await startSimServer({ handler: echoHandler });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'whetstone-batch-'));
    events = [];
  });
  afterEach(async () => {
    await server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('sends concurrent requests as one batch, answers each as the sync call would, at half the price', async () => {
    const model = { baseUrl: server.url, model: 'gpt-4o-mini' };
    const llm = client();
    const together = await Promise.all(words.map((w) => llm.chat({ model, messages: ask(w), batch: true, seed: 1 })));
    assert.equal(server.batches!.stats.batchesCreated, 1, 'the five requests left as one batch');
    assert.equal(server.stats.byPath['/v1/chat/completions'], undefined, 'no synchronous call was made');
    const sync = createLlmClient({ apiKeyFor: () => undefined });
    for (const [i, w] of words.entries()) {
      const plain = await sync.chat({ model, messages: ask(w), seed: 1 });
      assert.equal(together[i].text, plain.text);
      assert.deepEqual(together[i].usage, plain.usage);
      assert.equal(together[i].batch, true);
      assert.ok(plain.costUsd! > 0);
      assert.equal(together[i].costUsd, plain.costUsd! / 2, 'batch requests cost half');
    }
    const submitted = events.find((e) => e.type === 'submitted');
    assert.ok(submitted && submitted.type === 'submitted' && submitted.requests === 5, JSON.stringify(events));
    assert.ok(events.some((e) => e.type === 'finished'));
    assert.deepEqual(
      fs.readdirSync(dir).filter((n) => n.endsWith('.json')),
      [],
      'collected batches are forgotten',
    );
  });

  it('puts batch answers in the response cache: the same request again costs nothing', async () => {
    const cache = createMemoryCache();
    const model = { baseUrl: server.url, model: 'sim-model' };
    await client({}, cache).chat({ model, messages: ask('alpha'), batch: true });
    const again = await client({}, cache).chat({ model, messages: ask('alpha'), batch: true });
    assert.equal(again.cached, true);
    const sync = await createLlmClient({ apiKeyFor: () => undefined, cache }).chat({ model, messages: ask('alpha') });
    assert.equal(sync.cached, true, 'a batched answer serves the synchronous call too: same key');
    assert.equal(server.batches!.stats.batchesCreated, 1);
  });

  it('turns a failed line into the error the sync path raises, for that request only', async () => {
    server.batches!.options.failLine = (_id, body) =>
      JSON.stringify(body).includes('gamma') ? { status: 400, message: 'this one is refused' } : undefined;
    const llm = client();
    const model = { baseUrl: server.url, model: 'sim-model' };
    const settled = await Promise.allSettled(words.map((w) => llm.chat({ model, messages: ask(w), batch: true })));
    const failed = settled[2];
    assert.equal(failed.status, 'rejected');
    const error = (failed as PromiseRejectedResult).reason;
    assert.ok(error instanceof BatchRequestError && failsOnlyThisRequest(error));
    assert.equal(error.status, 400);
    assert.equal(error.message, `${error.endpoint}: HTTP 400 Bad Request — this one is refused`);
    assert.ok(settled.filter((s) => s.status === 'fulfilled').length === 4);
  });

  it('sends a line that failed with a 5xx once more in the next batch, as the sync path retries it', async () => {
    let refused = 0;
    server.batches!.options.failLine = (_id, body) =>
      JSON.stringify(body).includes('gamma') && refused++ === 0 ? { status: 503, message: 'busy' } : undefined;
    const llm = client();
    const model = { baseUrl: server.url, model: 'sim-model' };
    const answers = await Promise.all(words.map((w) => llm.chat({ model, messages: ask(w), batch: true })));
    assert.equal(answers[2].text, 'echo: say gamma');
    assert.equal(server.batches!.stats.batchesCreated, 2, 'the second batch held only the refused line');
    assert.equal(server.batches!.stats.lines, 6);
  });

  it('names the endpoint and suggests running without --batch when there is no batch API', async () => {
    await server.close();
    server = await startSimServer({ handler: echoHandler, batches: false });
    const error = await client()
      .chat({ model: { baseUrl: server.url, model: 'sim-model' }, messages: ask('alpha'), batch: true })
      .then(
        () => assert.fail('expected a failure'),
        (e: unknown) => e,
      );
    assert.ok(error instanceof LlmError && error.kind === 'unsupported', String(error));
    assert.match(
      error.message,
      /127\.0\.0\.1:\d+\/v1: this endpoint has no batch API \(POST \/files answered HTTP 404\)/,
    );
    assert.match(error.message, /run without --batch/);
  });

  it('re-attaches to a batch a stopped client submitted instead of submitting it again', async () => {
    server.batches!.options.pollsToComplete = Number.POSITIVE_INFINITY;
    const model = { baseUrl: server.url, model: 'sim-model' };
    const stop = new AbortController();
    const first = client();
    const gone = words.map((w) => first.chat({ model, messages: ask(w), batch: true, signal: stop.signal }));
    await until(() => events.some((e) => e.type === 'submitted'));
    stop.abort();
    for (const p of await Promise.allSettled(gone)) assert.equal(p.status, 'rejected');
    await until(() => events.some((e) => e.type === 'left-running'));
    assert.equal(fs.readdirSync(dir).filter((n) => n.endsWith('.json')).length, 1, 'the batch is remembered');

    server.batches!.options.pollsToComplete = 2;
    const answers = await Promise.all(words.map((w) => client().chat({ model, messages: ask(w), batch: true })));
    assert.deepEqual(
      answers.map((a) => a.text),
      words.map((w) => `echo: say ${w}`),
    );
    assert.equal(server.batches!.stats.batchesCreated, 1, 'no second batch was paid for');
    assert.ok(events.some((e) => e.type === 'attached' && e.requests === 5));
  });

  it('sends the requests of a remembered batch the endpoint no longer knows again', async () => {
    server.batches!.options.pollsToComplete = Number.POSITIVE_INFINITY;
    const model = { baseUrl: server.url, model: 'sim-model' };
    const stop = new AbortController();
    const gone = client().chat({ model, messages: ask('alpha'), batch: true, signal: stop.signal });
    await until(() => events.some((e) => e.type === 'submitted'));
    stop.abort();
    await gone.catch(() => undefined);
    const [name] = fs.readdirSync(dir).filter((n) => n.endsWith('.json'));
    const record = JSON.parse(fs.readFileSync(path.join(dir, name), 'utf8'));
    fs.rmSync(path.join(dir, name));
    fs.writeFileSync(path.join(dir, 'batch-unknown.json'), JSON.stringify({ ...record, batchId: 'batch-unknown' }));

    server.batches!.options.pollsToComplete = 1;
    const answer = await client().chat({ model, messages: ask('alpha'), batch: true });
    assert.equal(answer.text, 'echo: say alpha');
    assert.equal(server.batches!.stats.batchesCreated, 2);
    assert.ok(!fs.existsSync(path.join(dir, 'batch-unknown.json')), 'the stale record is dropped');
  });

  it('leaves requests without batch: true synchronous', async () => {
    const res = await client().chat({ model: { baseUrl: server.url, model: 'sim-model' }, messages: ask('alpha') });
    assert.equal(res.batch, undefined);
    assert.equal(server.stats.byPath['/v1/chat/completions'], 1);
    assert.equal(server.batches!.stats.batchesCreated, 0);
  });
});
