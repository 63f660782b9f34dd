import { strict as assert } from 'node:assert';
import { estimateJob } from '../../../src/core/jobs';
import type { JobEvent, JobSpec, Method } from '../../../src/core/jobs/types';
import { APO_DEFAULTS, QUICK } from '../../../src/core/optimizers/defaults';
import { HELD_OUT_SAMPLE, VERIFY_SAMPLE } from '../../../src/core/optimizers/finish';
import { affordableCalls, MIN_USEFUL_PROPOSALS } from '../../../src/core/optimizers/plan';
import { readRun } from '../../../src/core/runs';
import { simSetup, type SimSetup } from '../jobs/sim-setup';
import { candidatesOf, runObserved } from '../jobs/helpers';

/** Candidates the search proposed and scored (not the baseline, not rejected before scoring). */
function scoredProposals(events: JobEvent[]): number {
  return candidatesOf(events).filter((c) => c.id !== 0 && c.status !== 'rejected' && c.score !== undefined).length;
}

describe('budget-fitted plans, verification reserve and stop reasons', function () {
  let sim: SimSetup;
  before(async () => {
    sim = await simSetup();
  });
  after(() => sim.close());

  describe('the plan', () => {
    it('keeps the paper defaults when no budget is set, and says so', () => {
      const e = estimateJob(sim.spec('apo'));
      assert.equal(e.plan?.fitted, false);
      assert.deepEqual(e.plan?.changes, []);
      assert.ok(e.plan!.lines.some((l) => /the paper's defaults/.test(l)));
      assert.ok(e.calls > 400, `the default APO plan needs ${e.calls} calls`);
    });

    for (const [method, budget] of [
      ['apo', 400],
      ['apo', 200],
      ['spo', 40],
      ['pmpo', 200],
    ] as [Method, number][]) {
      it(`${method.toUpperCase()} fits a ${budget}-call budget with ≥ 3 candidates and states calls per phase`, () => {
        const full = estimateJob(sim.spec(method));
        const e = estimateJob(sim.spec(method, { budget: { calls: budget } }));
        assert.ok(full.calls > budget, `the default plan (${full.calls}) must not fit, or this test proves nothing`);
        assert.ok(e.calls <= budget, `fitted plan ${e.calls} calls`);
        assert.ok(e.proposals! >= MIN_USEFUL_PROPOSALS, `${e.proposals} proposals`);
        assert.equal(e.plan?.fitted, true);
        assert.equal(e.plan?.warning, undefined);
        assert.ok(e.plan!.lines.some((l) => l.startsWith('calls per phase: ')));
        assert.ok(e.plan!.lines.some((l) => l.includes(`affords ${e.proposals} candidate`)));
        const phases = e.phases!.reduce((n, p) => n + p.calls, 0);
        assert.ok(phases >= e.calls - (e.byRole?.judge ?? 0), 'the phases add up to the plan');
      });
    }

    it('warns when the budget affords fewer than 3 candidates and names the budget that would do', () => {
      const e = estimateJob(sim.spec('apo', { budget: { calls: 30 } }));
      assert.match(e.plan!.warning!, /only \d candidates?|smallest plan needs/);
      const suggested = Number(/a budget of (\d+) calls would afford 3/.exec(e.plan!.warning!)?.[1]);
      assert.ok(suggested > 30, e.plan!.warning);
      const enough = estimateJob(sim.spec('apo', { budget: { calls: suggested } }));
      assert.ok(enough.proposals! >= 3 && enough.calls <= suggested, 'the suggested budget does afford 3');
    });

    it('never changes a parameter the user set', () => {
      const e = estimateJob(sim.spec('apo', { params: { rounds: 6, beamSize: 4 }, budget: { calls: 400 } }));
      assert.ok(!e.plan!.changes.some((c) => /^(rounds|beamSize) /.test(c)), e.plan!.changes.join(', '));
    });

    it('converts USD, token and time budgets into calls', () => {
      assert.deepEqual(affordableCalls({ usd: 1 }, { usd: 0.01 }, 8)?.calls, 100);
      assert.deepEqual(affordableCalls({ tokens: 5000 }, { tokens: 500 }, 8)?.calls, 10);
      assert.ok(affordableCalls({ seconds: 60 }, {}, 4)!.calls > 0);
      assert.equal(affordableCalls({ calls: 50, tokens: 5000 }, { tokens: 500 }, 8)?.calls, 10, 'the tightest limit');
      assert.equal(affordableCalls({}, {}, 8), undefined);
    });
  });

  describe('runs', () => {
    for (const [method, budget] of [
      ['apo', 400],
      ['spo', 40],
      ['pmpo', 200],
    ] as [Method, number][]) {
      it(`${method.toUpperCase()} under a ${budget}-call budget below its default plan completes ≥ 3 proposals and verifies its winner`, async () => {
        const spec = sim.spec(method, { budget: { calls: budget } });
        const run = await runObserved(spec, sim.server);
        const { result } = run;
        assert.ok(result.used.calls <= budget, `${result.used.calls} calls`);
        assert.ok(scoredProposals(run.events) >= 3, `${scoredProposals(run.events)} scored proposals`);
        assert.equal(result.unverified, undefined, 'the winner was verified');
        assert.notEqual(result.best.validationScore, undefined, 'the winner has a held-out score');
        assert.ok(result.heldOut && result.heldOut.rows > 0);
        assert.ok(run.events.some((e) => e.type === 'log' && /^plan: calls per phase/.test(e.message)));
        if (result.best.id !== 0) assert.ok(result.best.score > result.baseline.score);
      });
    }

    it('a budget stop holds back the calls to verify the winner: the search stops early, the finish runs', async () => {
      // Quick parameters set explicitly are not fitted: the search outgrows 150 calls.
      const spec = sim.spec('apo', { params: { ...QUICK.apo }, budget: { calls: 150 }, concurrency: 4 });
      const run = await runObserved(spec, sim.server);
      assert.equal(run.result.stopReason, 'budget');
      assert.ok(run.result.used.calls <= 150);
      assert.equal(run.result.unverified, undefined);
      assert.notEqual(run.result.best.validationScore, undefined);
      assert.notEqual(run.result.baseline.validationScore, undefined);
      assert.ok(run.events.some((e) => e.type === 'log' && /held back; verifying the best so far/.test(e.message)));
      const record = (await readRun(run.file))!;
      assert.equal(record.result?.stopReason, 'budget');
    });

    it('a run stopped before verifying its winner keeps the baseline as its result (nothing unverified applied)', async () => {
      let cancelled = false;
      const run = await runObserved(sim.spec('apo', { preset: 'quick' }), sim.server, (e, cancel) => {
        // Cancel once a round has a winner other than the baseline, before the finish verifies it.
        if (!cancelled && e.type === 'incumbent' && e.id !== 0) {
          cancelled = true;
          cancel();
        }
      });
      assert.ok(cancelled, 'a candidate became the incumbent');
      assert.equal(run.result.stopReason, 'cancelled');
      assert.equal(run.result.best.id, 0);
      assert.equal(run.result.best.prompt, sim.spec('apo').doc.optimizable!.text);
      assert.ok(run.result.unverified && run.result.unverified.id !== 0);
    });

    it('at temperature > 0 the final re-score and the held-out score use fresh samples, not the selection samples', async () => {
      const spec = sim.spec('apo', {
        preset: 'quick',
        roles: {
          ...sim.spec('apo').roles,
          target: { baseUrl: sim.server.url, model: 'sim-target', params: { temperature: 0.7 } },
        },
      });
      const start = sim.server.bodies.length;
      const run = await runObserved(spec, sim.server);
      const targetBodies = (sim.server.bodies.slice(start) as Record<string, any>[]).filter(
        (b) => b && !b.response_format && typeof b.prompt !== 'string',
      );
      const seeds = new Map<number | null, number>();
      for (const b of targetBodies) seeds.set(b.seed ?? null, (seeds.get(b.seed ?? null) ?? 0) + 1);
      const verify = seeds.get(spec.seed + VERIFY_SAMPLE) ?? 0;
      const heldOut = seeds.get(spec.seed + HELD_OUT_SAMPLE) ?? 0;
      assert.ok(heldOut > 0, `held-out requests with their own seed (seeds: ${JSON.stringify([...seeds])})`);
      const winnerFound = run.events.some((e) => e.type === 'incumbent' && e.id !== 0);
      if (winnerFound) {
        // Winner and baseline again on every score row, each a new request (not the memo of the selection).
        const scoreRows = (await readRun(run.file))!.header.split.train.length;
        assert.equal(verify, 2 * scoreRows, `verification requests ${verify}`);
      }
      assert.ok(winnerFound, 'the quick run finds a candidate to verify');
    });
  });

  describe('stop reasons', () => {
    it("'rounds-done' when every round ran", async () => {
      const run = await runObserved(sim.spec('apo', { preset: 'quick' }), sim.server);
      assert.equal(run.result.stopReason, 'rounds-done');
      assert.equal(run.result.stopMessage, 'all planned rounds ran');
    });

    it("'no-errors' when no beam member errs on the minibatch", async () => {
      const spec: JobSpec = sim.spec('apo', {
        preset: 'quick',
        evaluators: [{ type: 'regex', pattern: '.*' }],
      });
      const run = await runObserved(spec, sim.server);
      assert.equal(run.result.stopReason, 'no-errors');
      assert.equal(run.rounds.length, 2, 'stopped after round 1');
    });

    it("'converged' when the optimizer proposes nothing new", async () => {
      const stuck = await simSetup({
        handler: (task) => ({
          ...task.handler,
          chat(req) {
            const name = (req as { response_format?: { json_schema?: { name?: string } } }).response_format?.json_schema
              ?.name;
            if (name === 'prompt_candidates') return JSON.stringify({ prompts: ['Classify the review.'] });
            return task.handler.chat(req);
          },
        }),
      });
      try {
        // Every proposal is the same text: round 1 adds it once, round 2 has nothing new.
        const run = await runObserved(stuck.spec('spo', {}), stuck.server);
        assert.equal(run.result.stopReason, 'converged');
        assert.ok(run.result.rounds.length < APO_DEFAULTS.rounds + 4);
      } finally {
        await stuck.close();
      }
    });

    it("'budget', 'cancelled' and 'failed' reach the run log's result", async () => {
      const run = await runObserved(sim.spec('spo', { params: { ...QUICK.spo }, budget: { calls: 9 } }), sim.server);
      assert.equal(run.result.stopReason, 'budget');
      assert.equal((await readRun(run.file))!.result?.stopReason, 'budget');
      assert.match(run.result.stopMessage!, /budget/);
    });
  });
});
