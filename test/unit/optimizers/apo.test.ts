import { strict as assert } from 'node:assert';
import { estimateJob } from '../../../src/core/jobs';
import { resolveParams } from '../../../src/core/optimizers/defaults';
import { simSetup, type SimSetup } from '../jobs/sim-setup';
import { candidatesOf, runObserved } from '../jobs/helpers';

describe('APO on the simulated review task (real HTTP, real client)', function () {
  let sim: SimSetup;
  let quickRun: Awaited<ReturnType<typeof runObserved>>;
  let quickRunFirstBody = 0;
  before(async () => {
    sim = await simSetup();
  });
  after(() => sim.close());

  it('beats the baseline on train and held-out rows, with the calls of §2.8 per round', async () => {
    const spec = sim.spec('apo', { preset: 'quick' });
    const p = resolveParams('apo', 'quick', undefined);
    quickRunFirstBody = sim.server.bodies.length;
    const run = (quickRun = await runObserved(spec, sim.server));
    const { result } = run;
    assert.equal(result.stopReason, 'rounds-done');
    assert.ok(
      result.best.score > result.baseline.score,
      `best ${result.best.score} vs baseline ${result.baseline.score}`,
    );
    assert.ok(result.best.validationScore! > result.baseline.validationScore!);
    assert.equal(run.requests, result.used.calls, 'every counted call is one server request');
    assert.ok(result.used.calls <= estimateJob(spec).calls, 'the estimate is an upper bound');

    const candidates = candidatesOf(run.events);
    // Round 0: the baseline on every train row, nothing else.
    assert.deepEqual(run.rounds[0].structured, {});
    assert.equal(run.rounds[0].target, 18);
    for (let r = 1; r <= p.rounds; r++) {
      const round = run.rounds[r];
      const parents = (run.events.find((e) => e.type === 'beam' && e.round === r - 1) as { ids: number[] }).ids.length;
      const skipped = run.events.filter(
        (e) => e.type === 'log' && new RegExp(`^round ${r}: .* not expanded`).test(e.message),
      ).length;
      const expanded = parents - skipped;
      const edits = candidates.filter(
        (c) => c.round === r && c.origin.kind === 'edit' && c.status !== 'rejected',
      ).length;
      const g = p.reasonsPerGradient;
      assert.equal(round.structured.critiques ?? 0, expanded * p.gradients, `round ${r} critiques`);
      assert.equal(
        round.structured.prompt_candidates ?? 0,
        expanded * p.gradients * g + p.paraphrases * (edits + expanded),
        `round ${r} edits + paraphrases`,
      );
      const selection = p.samplesPerEval * p.evalRounds * p.evalPromptsPerRound;
      assert.ok(round.target <= parents * p.minibatchSize + selection, `round ${r} target calls ${round.target}`);
    }
  });

  it('rejects a candidate that pastes {{review}} into the system prompt before scoring it', async () => {
    const first = quickRunFirstBody;
    const run = quickRun;
    const rejected = candidatesOf(run.events).filter((c) => c.status === 'rejected');
    assert.ok(rejected.length > 0, 'the simulated optimizer proposes at least one bad edit');
    for (const c of rejected) {
      // {{review}} is a real variable, filled in the user message: the reason says what pasting it here would do.
      assert.match(
        c.rejectedReason!,
        /^adds \{\{review\}\} to the optimized text, where the original does not use it; the user message already fills it/,
      );
      assert.equal(c.score, undefined);
      assert.equal(c.examples, undefined);
    }
    // No target call ever ran a rejected prompt.
    const systems = (sim.server.bodies.slice(first) as any[])
      .filter((b) => b && !b.response_format && Array.isArray(b.messages))
      .map((b) => b.messages[0].content as string);
    for (const c of rejected) assert.ok(!systems.includes(c.prompt));
  });

  it('works in tagged-text mode against an endpoint that rejects response_format', async () => {
    const tagged = await simSetup({ handler: (task) => ({ ...task.handler, rejectResponseFormat: true }) });
    try {
      const run = await runObserved(tagged.spec('apo', { preset: 'quick', params: { rounds: 1 } }), tagged.server);
      assert.equal(run.result.stopReason, 'rounds-done');
      assert.ok(run.result.best.score > run.result.baseline.score);
      assert.ok(tagged.task.stats.structured.critiques > 0);
    } finally {
      await tagged.close();
    }
  });

  it("rejectOnErrors keeps the successors that do best on the parent's errors", async () => {
    const run = await runObserved(
      sim.spec('apo', { preset: 'quick', params: { rounds: 1, maxSuccessors: 2, rejectOnErrors: true } }),
      sim.server,
    );
    assert.equal(run.result.stopReason, 'rounds-done');
    assert.ok(run.result.best.score > run.result.baseline.score);
    const round1 = candidatesOf(run.events).filter((c) => c.round === 1 && c.status !== 'rejected');
    const dropped = round1.filter((c) => c.status === 'dropped' && c.score === undefined);
    assert.ok(dropped.length > 0, 'some successors were filtered out before selection');
    assert.ok(round1.filter((c) => c.score !== undefined).length <= 2);
  });

  for (const selection of ['ucb-e', 'sr', 'sh', 'bf'] as const) {
    it(`selects with ${selection} and still improves`, async () => {
      const run = await runObserved(
        sim.spec('apo', { preset: 'quick', params: { selection, rounds: 1, evalRounds: 3, samplesPerEval: 6 } }),
        sim.server,
      );
      assert.equal(run.result.stopReason, 'rounds-done');
      assert.ok(run.result.best.score > run.result.baseline.score);
    });
  }
});
