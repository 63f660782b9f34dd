import { strict as assert } from 'node:assert';
import { classify, candidatesOf, runObserved } from '../jobs/helpers';
import { simSetup, type SimSetup } from '../jobs/sim-setup';

/**
 * What the panel's tokens / cost / calls columns and status reasons rest on: the engine attributes each call to a
 * candidate — a scoring call to the candidate scored, an optimizer call to the prompt it improves (bookkeeping only:
 * the calls a job makes are the same) — and records why a candidate was dropped where the method decides.
 */
describe('per-candidate usage and status reasons (APO and SPO on the simulated task, real HTTP)', function () {
  this.timeout(120_000);
  let sim: SimSetup;
  before(async () => {
    sim = await simSetup();
  });
  after(() => sim.close());

  it('APO: every call of the run is charged to exactly one candidate; the job makes the same calls as before', async () => {
    const first = sim.server.bodies.length;
    const run = await runObserved(sim.spec('apo', { preset: 'quick' }), sim.server);
    const candidates = candidatesOf(run.events);
    const requests = classify(sim.server.bodies.slice(first));
    assert.equal(run.requests, run.result.used.calls, 'every counted call is one server request');
    const charged = candidates.reduce((sum, c) => sum + (c.usage?.calls ?? 0) + (c.usage?.cachedCalls ?? 0), 0);
    assert.equal(charged, run.result.used.calls, 'scoring calls to the candidate scored, critiques to their parent');
    const optimizerCalls = Object.values(requests.structured).reduce((a, b) => a + b, 0);
    assert.equal(requests.target + optimizerCalls, run.requests, 'the run makes target and optimizer calls only');
    for (const c of candidates) {
      assert.ok(c.usage, `#${c.id} has usage`);
      assert.equal(c.tokens, c.usage.promptTokens + c.usage.completionTokens, `#${c.id} tokens = sent + received`);
      if (c.status !== 'rejected' && c.score !== undefined)
        assert.ok(c.usage.calls > 0 && c.usage.promptTokens > 0, `#${c.id} was scored, so it spent calls`);
      if (c.status === 'rejected') assert.equal(c.usage.calls, 0, `#${c.id} was rejected before any call`);
    }
    const tokens = candidates.reduce((sum, c) => sum + c.tokens, 0);
    assert.equal(tokens, run.result.used.tokens, 'the candidates’ tokens add up to the run’s');
    const dropped = candidates.filter((c) => c.status === 'dropped');
    assert.ok(dropped.length > 0, 'the quick run drops some candidates');
    for (const c of dropped)
      assert.match(
        c.statusReason ?? '',
        /^(lost the bandit race after \d+ of \d+ rows|never scored: only \d+ of the \d+ new prompts)/,
        `#${c.id} says why it was dropped`,
      );
    const best = candidates.find((c) => c.id === run.result.best.id);
    if (best && best.id !== 0) assert.match(best.statusReason ?? '', /^the winner: verified against the original/);
  });

  it('SPO: a dropped revision says how the judge voted', async () => {
    const run = await runObserved(sim.spec('spo', { preset: 'quick' }), sim.server);
    const candidates = candidatesOf(run.events);
    for (const c of candidates.filter((x) => x.status === 'dropped'))
      assert.match(c.statusReason ?? '', /^judged better than #\d+ in only \d+ of \d+ comparisons in round \d+/);
    for (const c of candidates.filter((x) => x.id !== 0 && x.score !== undefined))
      assert.ok((c.usage?.calls ?? 0) + (c.usage?.cachedCalls ?? 0) > 0, `#${c.id} was charged its target calls`);
    const charged = candidates.reduce((sum, c) => sum + (c.usage?.calls ?? 0) + (c.usage?.cachedCalls ?? 0), 0);
    assert.equal(
      charged,
      run.result.used.calls,
      'every call (targets, judge votes, rewrites) charged to one candidate',
    );
  });
});
