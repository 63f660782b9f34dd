import { strict as assert } from 'node:assert';
import { estimateJob, startJob, checkJobInput } from '../../../src/core/jobs';
import { JobInputError, type JobEvent } from '../../../src/core/jobs/types';
import { listRuns, readRun } from '../../../src/core/runs';
import { LlmError } from '../../../src/core/llm/types';
import { newClient, simSetup, type SimSetup } from './sim-setup';
import { runObserved } from './helpers';
import { QUICK } from '../../../src/core/optimizers/defaults';

describe('job engine', function () {
  let sim: SimSetup;
  before(async () => {
    sim = await simSetup();
  });
  after(() => sim.close());

  it('emits the estimate first, then started, and ends with done; the run log holds header, events and calls', async () => {
    const spec = sim.spec('spo', { preset: 'quick' });
    const run = await runObserved(spec, sim.server);
    assert.equal(run.events[0].type, 'estimate');
    assert.deepEqual((run.events[0] as Extract<JobEvent, { type: 'estimate' }>).estimate, estimateJob(spec));
    assert.equal(run.events[1].type, 'started');
    assert.equal(run.events[run.events.length - 1].type, 'done');
    assert.ok(run.file.endsWith(`/review-sentiment/${run.runId}.jsonl`));

    const record = (await readRun(run.file))!;
    assert.equal(record.status, 'done');
    assert.equal(record.header.method, 'spo');
    assert.equal(record.header.seed, 1);
    assert.equal(record.header.originalRegion, spec.doc.optimizable!.text);
    assert.equal(record.header.split.train.length + record.header.split.validation.length, 24);
    assert.equal(record.calls.size, run.result.used.calls);
    assert.deepEqual(record.result, run.result);
    const listed = await listRuns(sim.runsDir);
    assert.ok(
      listed.some((r) => r.runId === run.runId && r.status === 'done' && r.bestScore === run.result.best.score),
    );
  });

  for (const cap of [1, 17, 60, 133]) {
    it(`never makes more than ${cap} calls under a ${cap}-call budget, and keeps the best so far`, async () => {
      // The quick parameters set explicitly: a user's own parameters are not fitted to the budget, so the run
      // outgrows it and must stop there.
      const run = await runObserved(
        sim.spec('apo', { preset: 'quick', params: { ...QUICK.apo }, budget: { calls: cap }, concurrency: 6 }),
        sim.server,
      );
      assert.ok(run.requests <= cap, `${run.requests} server requests`);
      assert.ok(run.result.used.calls <= cap);
      assert.equal(run.result.stopReason, 'budget');
      assert.ok(
        run.events.some((e) => e.type === 'log' && /(stopped at|reached) the budget \(calls\)/.test(e.message)),
      );
      assert.equal(run.events[run.events.length - 1].type, 'done');
      const best = run.result.best;
      if (best.id !== 0) assert.ok(best.score >= run.result.rounds[0].best);
    });
  }

  it('cancel() aborts in-flight calls and returns the best so far', async () => {
    let calls = 0;
    const run = await runObserved(sim.spec('apo', { preset: 'quick' }), sim.server, (e, cancel) => {
      if (e.type === 'round' && e.round === 2) cancel();
      if (e.type === 'budget') calls = e.used.calls;
    });
    assert.equal(run.result.stopReason, 'cancelled');
    assert.equal(run.events[run.events.length - 1].type, 'cancelled');
    assert.ok(run.result.best.score >= run.result.baseline.score);
    assert.ok(calls > 0);
  });

  it('an endpoint that keeps failing ends the job with the failure and the best so far', async () => {
    const start = sim.server.stats.requests;
    sim.server.faults.when((c) => c.index > start + 30, { kind: 'status', status: 500, message: 'boom' });
    try {
      const job = startJob(sim.spec('apo', { preset: 'quick', llm: newClient() }));
      const events: JobEvent[] = [];
      job.events.on((e) => events.push(e));
      await assert.rejects(job.result, (e: unknown) => e instanceof LlmError && e.status === 500);
      const failed = events[events.length - 1] as Extract<JobEvent, { type: 'failed' }>;
      assert.equal(failed.type, 'failed');
      assert.match(failed.error, /500/);
      assert.equal(failed.result?.stopReason, 'failed');
      assert.equal(failed.result?.best.id, 0);
      assert.equal((await readRun(job.file))!.status, 'done');
    } finally {
      sim.server.faults.clear();
    }
  });

  it('routes LLM-judge evaluator calls through the ledger (counted, logged, replayed)', async () => {
    const evaluators = [
      ...sim.spec('apo').evaluators,
      { type: 'llmJudge' as const, name: 'judged', prompt: 'Is "{{completion}}" a fair label for: {{review}}?' },
    ];
    const spec = sim.spec('spo', { preset: 'quick', params: { rounds: 2 }, evaluators });
    const run = await runObserved(spec, sim.server);
    assert.equal(run.result.stopReason, 'rounds-done');
    const judged = sim.server.bodies
      .slice(-run.requests)
      .filter((b: any) => b?.response_format?.json_schema?.name === 'judge_score').length;
    assert.ok(judged > 0);
    assert.equal(run.requests, run.result.used.calls);
    assert.ok(estimateJob(spec).calls >= run.requests, 'the estimate counts judge-evaluator calls');
    assert.match(estimateJob(spec).formula, /1 LLM-judge call per target call/);
    const record = (await readRun(run.file))!;
    assert.ok([...record.calls.keys()].some((k) => k.startsWith('judge:')));
  });

  describe('input errors (JobInputError, exit 2 in the CLI)', () => {
    const cases: [string, () => ReturnType<SimSetup['spec']>, RegExp, string][] = [
      [
        'APO without expected outputs',
        () =>
          sim.spec('apo', { rows: sim.task.rows.map((r) => ({ vars: { review: r.vars.review } })), evaluators: [] }),
        /add `expected`/,
        'no-expected',
      ],
      [
        'SPO without requirements',
        () => sim.spec('spo', { requirements: undefined, doc: { ...sim.spec('spo').doc, settings: {} } }),
        /add `requirements:`/,
        'no-requirements',
      ],
      [
        'PMPO without expected outputs',
        () => sim.spec('pmpo', { rows: sim.task.rows.map((r) => ({ vars: { review: r.vars.review } })) }),
        /add `expected`/,
        'no-expected',
      ],
      ['no rows', () => sim.spec('apo', { rows: [] }), /add testData rows/, 'no-rows'],
      [
        'a parameter of the wrong type',
        () => sim.spec('apo', { params: { rounds: 'three' } }),
        /rounds must be a number/,
        'bad-params',
      ],
      [
        'an unknown parameter',
        () => sim.spec('spo', { params: { roundz: 3 } }),
        /unknown parameter roundz; SPO takes rounds, questions/,
        'bad-params',
      ],
    ];
    for (const [name, make, message, code] of cases) {
      it(name, async () => {
        const spec = make();
        assert.throws(
          () => estimateJob(spec),
          (e: unknown) => e instanceof JobInputError && message.test(e.message) && e.code === code,
        );
        assert.equal(checkJobInput(spec)?.code, code);
        const before = sim.server.stats.requests;
        const job = startJob(spec);
        const events: JobEvent[] = [];
        job.events.on((e) => events.push(e));
        await assert.rejects(job.result, (e: unknown) => e instanceof JobInputError && message.test(e.message));
        assert.equal(sim.server.stats.requests, before, 'no call was made');
        assert.equal(events[events.length - 1].type, 'failed');
      });
    }
  });

  it('stops at a token budget and at a wall-time budget', async () => {
    // Parameters set explicitly, so the plan is not fitted and the runs outgrow their budgets.
    const byTokens = await runObserved(
      sim.spec('spo', { preset: 'quick', params: { ...QUICK.spo }, budget: { tokens: 600 } }),
      sim.server,
    );
    assert.equal(byTokens.result.stopReason, 'budget');
    assert.ok(byTokens.events.some((e) => e.type === 'log' && /\(tokens\)/.test(e.message)));
    // With calls in flight, tokens are projected at the running mean, so the overshoot stays small.
    const wide = await runObserved(
      sim.spec('apo', {
        preset: 'quick',
        params: { ...QUICK.apo },
        budget: { tokens: 3000 },
        concurrency: 8,
        llm: newClient(8),
      }),
      sim.server,
    );
    assert.equal(wide.result.stopReason, 'budget');
    assert.ok(wide.result.used.tokens <= 3000 * 1.1, `${wide.result.used.tokens} tokens`);
    const bySeconds = await runObserved(
      sim.spec('spo', { preset: 'quick', params: { ...QUICK.spo }, budget: { seconds: 0 } }),
      sim.server,
    );
    assert.equal(bySeconds.result.stopReason, 'budget');
    assert.equal(bySeconds.requests, 0);
  });

  it('rejects a candidate that changes a protected text, before any call is spent on it', async () => {
    const spec = sim.spec('apo', {
      preset: 'quick',
      params: { rounds: 2 },
      protected: ['Answer with one lowercase word'],
    });
    const first = sim.server.bodies.length;
    const run = await runObserved(spec, sim.server);
    const rejected = run.events
      .filter((e) => e.type === 'candidate' && e.candidate.status === 'rejected')
      .map((e) => (e as Extract<JobEvent, { type: 'candidate' }>).candidate);
    // The simulated paraphrases sometimes swap "Answer with" for "Reply with", which changes the protected text.
    const protectedRejections = rejected.filter(
      (c) =>
        c.rejectedReason === 'changes the protected text "Answer with one lowercase word", which must stay as written',
    );
    assert.ok(protectedRejections.length > 0);
    const systems = (sim.server.bodies.slice(first) as any[])
      .filter((b) => b && !b.response_format && Array.isArray(b.messages))
      .map((b) => b.messages[0].content);
    for (const c of protectedRejections) assert.ok(!systems.includes(c.prompt), 'never run');
  });

  it('reports a run as running while it is live, and lists it', async () => {
    const job = startJob(sim.spec('apo', { preset: 'quick', params: { rounds: 1 } }));
    let status: string | undefined;
    const seen = new Promise<void>((resolve) =>
      job.events.on((e) => {
        if (e.type === 'round' && e.round === 1)
          void readRun(job.file).then((r) => {
            status = r?.status;
            resolve();
          });
      }),
    );
    await seen;
    assert.equal(status, 'running');
    await job.result;
    assert.equal((await readRun(job.file))!.status, 'done');
  });

  it('an async iterator yields every event up to the terminal one', async () => {
    const job = startJob(sim.spec('spo', { preset: 'quick', params: { rounds: 2 } }));
    const types: string[] = [];
    const collect = async () => {
      const seen: string[] = [];
      for await (const e of job.events) seen.push(e.type);
      return seen;
    };
    const [a, b] = await Promise.all([collect(), collect()]);
    assert.deepEqual(a, b, 'two iterators see the same events');
    types.push(...a);
    assert.equal(types[0], 'estimate');
    assert.equal(types[types.length - 1], 'done');
    await job.result;
  });
});
