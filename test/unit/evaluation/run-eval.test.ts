import { strict as assert } from 'node:assert';
import { getEventListeners } from 'node:events';
import { runEval, type EvalCaseResult } from '../../../src/core/evaluation/run-eval';
import { parsePromptFile } from '../../../src/core/documents';
import { createLlmClient } from '../../../src/core/llm';
import { startSimServer, type SimServer } from '../../../src/sim/server';
import { echoHandler } from '../../../src/sim/echo-handler';
import type { DatasetRow } from '../../../src/core/data/types';

const doc = parsePromptFile(
  '/t/e.prompt.yml',
  'name: t\nmodel: m\nmessages:\n  - role: user\n    content: "{{q}}"\nevaluators:\n  - name: echo\n    string:\n      contains: "echo"\n',
);
const rowsOf = (n: number): DatasetRow[] => Array.from({ length: n }, (_, i) => ({ vars: { q: `question ${i}` } }));

describe('runEval: a bounded pool of workers', () => {
  let server: SimServer;
  afterEach(() => server?.close());

  it('600 rows: never more than `concurrency` in flight, every row once, results in row order', async function () {
    this.timeout(60_000);
    server = await startSimServer({ handler: echoHandler });
    const llm = createLlmClient({ apiKeyFor: () => undefined, concurrency: 64, cache: null });
    const target = { baseUrl: server.url, model: 'sim-model' };
    const signal = new AbortController().signal;
    let maxListeners = 0;
    const seen = new Set<number>();
    const result = await runEval({
      doc,
      rows: rowsOf(600),
      evaluators: doc.evaluators,
      llm,
      target,
      trusted: false,
      signal,
      concurrency: 8,
      onCase: (c) => {
        assert.ok(!seen.has(c.index), `row ${c.index} twice`);
        seen.add(c.index);
        maxListeners = Math.max(maxListeners, getEventListeners(signal, 'abort').length);
      },
    });
    assert.equal(server.stats.requests, 600);
    assert.ok(server.stats.maxInFlight <= 8, `max in flight ${server.stats.maxInFlight}`);
    assert.equal(result.cases, 600);
    assert.equal(result.passed, 600);
    assert.deepEqual(
      result.results.map((r) => r.index),
      Array.from({ length: 600 }, (_, i) => i),
    );
    assert.equal(result.results[432].output, 'echo: question 432');
    assert.ok(maxListeners <= 1, `the caller's signal carries ${maxListeners} listeners`);
  });

  it('keepResults: false keeps no cases but the same totals', async () => {
    server = await startSimServer({ handler: echoHandler });
    const llm = createLlmClient({ apiKeyFor: () => undefined, cache: null });
    const streamed: EvalCaseResult[] = [];
    const result = await runEval({
      doc,
      rows: rowsOf(50),
      evaluators: doc.evaluators,
      llm,
      target: { baseUrl: server.url, model: 'sim-model' },
      trusted: false,
      keepResults: false,
      onCase: (c) => {
        streamed.push(c);
      },
    });
    assert.deepEqual(result.results, []);
    assert.equal(result.cases, 50);
    assert.equal(streamed.length, 50);
  });

  it('one failing row fails the run and stops issuing further rows', async () => {
    server = await startSimServer({ handler: echoHandler });
    server.faults.when((req) => JSON.stringify(req).includes('question 5"'), { kind: 'status', status: 400 });
    const llm = createLlmClient({ apiKeyFor: () => undefined, cache: null, maxRetries: 0 });
    await assert.rejects(
      runEval({
        doc,
        rows: rowsOf(5000),
        evaluators: doc.evaluators,
        llm,
        target: { baseUrl: server.url, model: 'sim-model' },
        trusted: false,
        concurrency: 4,
      }),
      /400/,
    );
    assert.ok(server.stats.requests < 100, `stopped early (${server.stats.requests} requests)`);
  });

  it('abort by the caller between rows stops the run', async () => {
    server = await startSimServer({ handler: echoHandler });
    const llm = createLlmClient({ apiKeyFor: () => undefined, cache: null });
    const controller = new AbortController();
    await assert.rejects(
      runEval({
        doc,
        rows: rowsOf(5000),
        evaluators: doc.evaluators,
        llm,
        target: { baseUrl: server.url, model: 'sim-model' },
        trusted: false,
        signal: controller.signal,
        concurrency: 2,
        onCase: (_c, done) => {
          if (done === 10) controller.abort();
        },
      }),
    );
    assert.ok(server.stats.requests < 20, `${server.stats.requests} requests`);
  });
});
