/**
 * `--batch` end to end: the built CLI, the real openai client over real HTTP to the sim server's Files + Batch API,
 * real files (the response cache, `.whetstone/batches`).
 */
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import { startSimServer, type SimServer } from '../../../src/sim/server';
import { createSimulatedTask } from '../../../src/sim/task';
import { cliPath, runCli, tempWorkspace } from './run-cli';

const PROMPT = `name: Sentiment
model: gpt-4o-mini
messages:
  - role: system
    content: Classify the review. Answer with one word.
  - role: user
    content: "{{review}}"
testData:
  - review: I love it
    expected: positive
  - review: I hate it
    expected: negative
  - review: It is fine
    expected: neutral
evaluators:
  - name: matches
    string:
      equals: "{{expected}}"
`;

const classifier = {
  chat(req: { messages: { role: string; content: string }[] }) {
    const user = req.messages.find((m) => m.role === 'user')?.content ?? '';
    return /hate/.test(user) ? 'negative' : 'positive';
  },
};

/** Fast polling for tests; the defaults are 10 s growing to a minute. */
const FAST = { WHETSTONE_BATCH_POLL_MS: '5', WHETSTONE_BATCH_COLLECT_MS: '100' };

describe('--batch (CLI)', function () {
  this.timeout(120_000);
  let server: SimServer;
  let dir: string;

  beforeEach(async () => {
    server = await startSimServer({ handler: classifier });
    dir = tempWorkspace({ 'sentiment.prompt.yml': PROMPT });
  });
  afterEach(async () => {
    await server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const evalArgs = (...extra: string[]) => [
    'eval',
    'sentiment.prompt.yml',
    '--base-url',
    server.url,
    '--json',
    ...extra,
  ];

  it('eval --batch gives the sync verdicts and score in one batch, at half the cost', async () => {
    const sync = await runCli(evalArgs('--no-cache'), { cwd: dir });
    // --concurrency bounds direct calls only: in batch mode every row goes into the one batch.
    const batch = await runCli(evalArgs('--no-cache', '--batch', '--concurrency', '1'), { cwd: dir, env: FAST });
    assert.equal(batch.code, sync.code, batch.stderr);
    const [s, b] = [sync.json(), batch.json()];
    assert.deepEqual(
      b.results.map((r: any) => [r.index, r.output, r.status, r.score]),
      s.results.map((r: any) => [r.index, r.output, r.status, r.score]),
    );
    assert.equal(b.score, s.score);
    assert.equal(b.passed, s.passed);
    assert.equal(b.tokens, s.tokens);
    assert.ok(s.costUsd > 0);
    assert.ok(Math.abs(b.costUsd - s.costUsd / 2) < 1e-12, `${b.costUsd} is half of ${s.costUsd}`);
    assert.equal(b.batchCalls, 3);
    assert.equal(server.batches!.stats.batchesCreated, 1, 'the three rows left as one batch');
    assert.equal(server.stats.byPath['/v1/chat/completions'], 3, 'only the sync run called the endpoint directly');
    assert.match(
      batch.stderr,
      /Sent 3 requests to http:\/\/127\.0\.0\.1:\d+\/v1 as batch batch-sim\d+ \(batch API: half price/,
    );
    assert.match(batch.stderr, /Ctrl\+C stops waiting but leaves the batch running; run the same command again/);
    assert.match(batch.stderr, /batch batch-sim\d+ completed: 3 of 3 answered/);

    const text = await runCli(['eval', 'sentiment.prompt.yml', '--base-url', server.url, '--batch'], {
      cwd: dir,
      env: FAST,
    });
    assert.match(text.stdout, /3 calls \(3 through the batch API, at half price\)/);
  });

  it('a process killed after submitting re-attaches on the re-run: no second batch is paid for', async () => {
    server.batches!.options.pollsToComplete = Number.POSITIVE_INFINITY;
    const child = spawn(process.execPath, [cliPath, ...evalArgs('--batch')], {
      cwd: dir,
      env: { ...process.env, OPENAI_API_KEY: undefined, OPENAI_BASE_URL: undefined, ...FAST },
    });
    let stderr = '';
    const submitted = new Promise<void>((resolve) =>
      child.stderr.on('data', (d) => {
        stderr += d;
        if (/leaves the batch running/.test(stderr)) resolve();
      }),
    );
    const exited = new Promise((resolve) => child.on('close', resolve));
    await submitted;
    child.kill('SIGKILL');
    await exited;
    assert.equal(server.batches!.stats.batchesCreated, 1);

    server.batches!.options.pollsToComplete = 3;
    const again = await runCli(evalArgs('--batch'), { cwd: dir, env: FAST });
    assert.equal(again.code, 1, again.stderr); // one row fails on its verdict, as without --batch
    assert.match(again.stderr, /Picking up batch batch-sim\d+ \(3 requests, sent .*\) instead of sending them again/);
    assert.equal(server.batches!.stats.batchesCreated, 1, 'the re-run re-attached to the batch already sent');
    assert.equal(again.json().passed, 2);
    assert.equal(server.stats.byPath['/v1/chat/completions'], undefined);

    const third = await runCli(evalArgs('--batch'), { cwd: dir, env: FAST });
    assert.equal(third.json().calls, 0, 'the results are in the response cache: a third run costs nothing');
    assert.equal(server.batches!.stats.batchesCreated, 1);
  });

  it('failed batch lines become failed cases with the reason; the rest are scored', async () => {
    server.batches!.options.failLine = (_id, body) =>
      JSON.stringify(body).includes('love') ? { status: 400, message: 'content policy says no' } : undefined;
    const run = await runCli(evalArgs('--batch', '--no-cache'), { cwd: dir, env: FAST });
    assert.equal(run.code, 1, run.stderr);
    const out = run.json();
    const failed = out.results[0];
    assert.equal(failed.status, 'fail');
    assert.match(failed.evaluations[0].feedback, /no usable reply: .*HTTP 400 Bad Request — content policy says no/);
    assert.equal(out.results[1].status, 'pass');
    assert.equal(out.cases, 3);
    assert.match(run.stderr, /1 failed/);
  });

  it('an endpoint without a batch API: exit 3, naming the endpoint and suggesting running without --batch', async () => {
    await server.close();
    server = await startSimServer({ handler: classifier, batches: false });
    const run = await runCli(evalArgs('--batch'), { cwd: dir, env: FAST });
    assert.equal(run.code, 3, run.stderr);
    assert.match(
      run.stderr,
      /whetstone: http:\/\/127\.0\.0\.1:\d+\/v1: this endpoint has no batch API \(POST \/files answered HTTP 404\); run without --batch/,
    );
  });

  it('optimize --batch (APO quick) finishes with the sync result; its target calls went through batches', async () => {
    const task = createSimulatedTask({ seed: 0 });
    const files = { 'reviews.prompt.yml': task.promptText, 'reviews.whetstone.yaml': task.sidecarText };
    await server.close();
    const runs: { out: any; direct: number; lines: number; batches: number }[] = [];
    for (const batch of [false, true]) {
      server = await startSimServer({ handler: task.handler });
      const ws = tempWorkspace(files);
      const args = ['optimize', 'reviews.prompt.yml', '--base-url', server.url, '--model', 'sim-model'];
      const run = await runCli(
        [
          ...args,
          '--method',
          'apo',
          '--preset',
          'quick',
          '--json',
          ...(batch ? ['--batch', '--concurrency', '2'] : []),
        ],
        {
          cwd: ws,
          env: FAST,
        },
      );
      assert.equal(run.code, 0, run.stderr);
      runs.push({
        out: run.json(),
        direct: server.stats.byPath['/v1/chat/completions'] ?? 0,
        lines: server.batches!.stats.lines,
        batches: server.batches!.stats.batchesCreated,
      });
      fs.rmSync(ws, { recursive: true, force: true });
      if (!batch) await server.close();
    }
    const [sync, batched] = runs;
    assert.equal(batched.out.best.prompt, sync.out.best.prompt, 'same answers, same search, same result');
    assert.equal(batched.out.best.score, sync.out.best.score);
    assert.equal(sync.lines, 0);
    assert.ok(batched.batches > 0 && batched.lines > 0);
    assert.equal(batched.out.batchCalls, batched.lines, 'every batched line is a target call the run counted');
    assert.equal(batched.direct + batched.lines, sync.direct, 'the same calls, the target ones through batches');
    assert.ok(batched.direct > 0, 'optimizer calls stay synchronous');
    // The target calls issued together leave together: the concurrency limit (2 here) does not cut them into batches.
    assert.ok(batched.batches * 2 < batched.lines, `${batched.batches} batches for ${batched.lines} target calls`);
  });
});
