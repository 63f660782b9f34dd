/**
 * OPRO, CAPO and GEPA on the engine, against the simulated task over real HTTP: each loop's steps and calls against
 * its formula, and the pieces that make each method what it is — OPRO's ascending trajectory (Yang et al. 2023,
 * §2.2), CAPO's racing (Zehle et al. 2025, §3.3), GEPA's per-example Pareto front and minibatch acceptance
 * (Agrawal et al. 2025, Alg. 1–2).
 */
import { strict as assert } from 'node:assert';
import { estimateJob } from '../../../src/core/jobs';
import type { JobSpec, Method } from '../../../src/core/jobs/types';
import { createRng } from '../../../src/core/random';
import { race, signTestP, significantlyBetter } from '../../../src/core/optimizers/capo/racing';
import { dominates, paretoFront, sampleFromFront } from '../../../src/core/optimizers/gepa/pareto';
import { simSetup, type SimSetup, newClient } from '../jobs/sim-setup';
import { candidatesOf, classify, runObserved } from '../jobs/helpers';

describe('OPRO, CAPO and GEPA', function () {
  this.timeout(60_000);
  let sim: SimSetup;
  before(async () => {
    sim = await simSetup();
  });
  after(() => sim.close());
  const spec = (method: Method, over: Partial<JobSpec> = {}) =>
    sim.spec(method, { preset: 'quick', llm: newClient(4), ...over });

  for (const method of ['opro', 'capo', 'gepa'] as Method[]) {
    it(`${method.toUpperCase()} improves on the baseline, verifies its winner and stays within its estimate`, async () => {
      const s = spec(method);
      const estimate = estimateJob(s);
      const before = sim.server.stats.requests;
      const run = await runObserved(s, sim.server);
      const result = run.result;
      assert.ok(['rounds-done', 'converged'].includes(result.stopReason), result.stopReason);
      assert.ok(result.best.score > result.baseline.score, `${result.baseline.score} → ${result.best.score}`);
      assert.ok(result.best.validationScore !== undefined, 'scored on held-out rows');
      assert.equal(result.unverified, undefined, 'the winner was verified against the baseline');
      assert.equal(result.used.calls, sim.server.stats.requests - before, 'every HTTP call is counted');
      assert.ok(result.used.calls <= estimate.calls, `${result.used.calls} calls ≤ the estimate's ${estimate.calls}`);
      const proposed = candidatesOf(run.events).filter((c) => c.id !== 0);
      assert.ok(proposed.length >= 3, `${proposed.length} proposals`);
    });
  }

  it('OPRO: c optimizer calls per step, each showing the top-k trajectory in ascending order of score', async () => {
    const s = spec('opro', { params: { steps: 3, candidatesPerStep: 3, topK: 4 } });
    const start = sim.server.bodies.length;
    const run = await runObserved(s, sim.server);
    const bodies = sim.server.bodies.slice(start) as { response_format?: unknown; messages?: { content: string }[] }[];
    const meta = bodies.filter((b) => b.response_format).map((b) => b.messages!.map((m) => m.content).join('\n'));
    const steps = run.result.rounds.filter((r) => r.round > 0).length;
    assert.equal(meta.length, 3 * steps, `${meta.length} optimizer calls in ${steps} steps`);
    for (const text of meta) {
      const scores = [...text.matchAll(/^Score: (\d+)$/gm)].map((m) => Number(m[1]));
      assert.ok(scores.length >= 1 && scores.length <= 4, `top-k shown: ${scores.length}`);
      assert.deepEqual(
        scores,
        [...scores].sort((a, b) => a - b),
        'ascending: the best prompt last',
      );
      assert.match(text, /Examples of the task/);
    }
    assert.equal(classify(bodies).structured.prompt_candidates, meta.length);
  });

  it('GEPA: a child that does not beat its parent on the minibatch is dropped before the Pareto set', async () => {
    // Every other reflection answers with a worse prompt (it loses the one-word answer format).
    let reflections = 0;
    const worse = await simSetup({
      handler: (task) => ({
        ...task.handler,
        chat(req) {
          const text = req.messages.map((m) => m.content).join('\n');
          if (!/How it did on some examples/.test(text) || reflections++ % 2 === 0) return task.handler.chat(req);
          const current = /<prompt>\n([\s\S]*?)\n<\/prompt>/.exec(text)![1];
          const degraded = `${current.replace('Answer with one lowercase word:', 'Name the sentiment as')}\nRead closely.`;
          const json = JSON.stringify({ prompts: [degraded] });
          return req.response_format ? json : `<json>${json}</json>`;
        },
      }),
    });
    try {
      const run = await runObserved(
        worse.spec('gepa', { preset: 'quick', llm: newClient(4), params: { iterations: 6, merges: 0 } }),
        worse.server,
      );
      const final = [...new Map(candidatesOf(run.events).map((c) => [c.id, c])).values()];
      const pareto = final[0].examples!.length;
      const dropped = final.filter((c) => c.status === 'dropped');
      const admitted = final.filter((c) => c.id !== 0 && c.status !== 'dropped' && c.status !== 'rejected');
      assert.ok(dropped.length >= 1, 'some child lost on its minibatch');
      for (const c of dropped)
        assert.ok((c.examples?.length ?? 0) < pareto, `dropped #${c.id} was scored on its minibatch only`);
      assert.ok(admitted.length >= 1, 'some child was admitted');
      for (const c of admitted) assert.equal(c.examples!.length, pareto, `admitted #${c.id} has the whole Pareto set`);
      assert.ok(run.result.best.score > run.result.baseline.score);
    } finally {
      await worse.close();
    }
  });

  describe('GEPA Pareto front', () => {
    it('keeps a candidate that is best on one example only, and drops a dominated one', () => {
      const front = paretoFront([
        { id: 0, scores: [0, 0, 0, 0] },
        { id: 1, scores: [1, 1, 1, 0] }, // best mean
        { id: 2, scores: [0, 0, 0, 1] }, // best on the last example only
        { id: 3, scores: [1, 0, 1, 0] }, // dominated by #1
      ]);
      assert.deepEqual(front.members, [
        { id: 1, wins: 3 },
        { id: 2, wins: 1 },
      ]);
      assert.ok(dominates([1, 1, 1, 0], [1, 0, 1, 0]));
      assert.ok(!dominates([1, 1, 1, 0], [0, 0, 0, 1]));
    });

    it('samples in proportion to the examples each member is best on (seeded)', () => {
      const rng = createRng(5);
      const front = {
        members: [
          { id: 1, wins: 3 },
          { id: 2, wins: 1 },
        ],
      };
      const picks = Array.from({ length: 4000 }, () => sampleFromFront(front, rng));
      const share = picks.filter((id) => id === 2).length / picks.length;
      assert.ok(share > 0.2 && share < 0.3, `share of the one-example candidate ${share}`);
    });
  });

  describe('CAPO racing', () => {
    it('the sign test: 8 wins of 8 is significant at 0.2, 5 of 8 is not', () => {
      assert.equal(signTestP(8, 8), 1 / 256);
      assert.ok(signTestP(5, 8) > 0.2);
      assert.ok(significantlyBetter([1, 1, 1, 1, 1, 1, 1, 1], [0, 0, 0, 0, 0, 0, 0, 0], 0.2));
      assert.ok(!significantlyBetter([1, 0], [0, 1], 0.2));
    });

    it('stops a losing candidate after the first block while the others race on', async () => {
      const quality: Record<number, number> = { 1: 0.9, 2: 0.85, 3: 0.1 };
      const rows = Array.from({ length: 40 }, (_, i) => i);
      const blocks = [rows.slice(0, 10), rows.slice(10, 20), rows.slice(20, 30), rows.slice(30)];
      const rng = createRng(9);
      const scoresOf = new Map(
        [1, 2, 3].map((id) => [id, rows.map(() => (rng.next() < quality[id] ? 1 : 0))] as const),
      );
      const seen: Record<number, number> = { 1: 0, 2: 0, 3: 0 };
      const result = await race({
        contenders: [1, 2, 3],
        blocks,
        keep: 1,
        alpha: 0.2,
        evaluate: async (id, block) => {
          seen[id] += block.length;
          return block.map((r) => scoresOf.get(id)![r]);
        },
      });
      assert.equal(result.eliminatedAfter.get(3), 1, 'the clear loser leaves after one block');
      assert.equal(seen[3], 10);
      assert.ok(seen[1] > 10, 'the leaders race on');
      assert.equal(result.survivors[0], 1);
    });
  });
});
