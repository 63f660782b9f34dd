import { strict as assert } from 'node:assert';
import { estimateJob } from '../../../src/core/jobs';
import { resolveParams } from '../../../src/core/optimizers/defaults';
import { simSetup, type SimSetup } from '../jobs/sim-setup';
import { candidatesOf, runObserved } from '../jobs/helpers';

describe('SPO on the simulated review task (real HTTP, real client)', function () {
  let sim: SimSetup;
  before(async () => {
    sim = await simSetup();
  });
  after(() => sim.close());

  it('beats the baseline, with 1 + k + J calls per round (§3.6) on questions fixed once per run', async () => {
    const spec = sim.spec('spo', { preset: 'quick' });
    const p = resolveParams('spo', 'quick', undefined);
    const run = await runObserved(spec, sim.server);
    const { result } = run;
    assert.equal(result.stopReason, 'rounds-done');
    assert.ok(result.best.id !== 0, 'a candidate was accepted');
    assert.ok(
      result.best.validationScore! > result.baseline.validationScore!,
      `held-out ${result.best.validationScore} vs ${result.baseline.validationScore}`,
    );
    assert.equal(run.requests, result.used.calls);

    assert.equal(run.rounds[0].target, p.questions);
    assert.equal(run.rounds[0].total, p.questions);
    const candidates = candidatesOf(run.events);
    const questionSets = new Set<string>();
    for (let r = 1; r < p.rounds; r++) {
      const round = run.rounds[r];
      const proposedNew = candidates.some((c) => c.round === r && c.status !== 'rejected');
      assert.equal(round.structured.prompt_candidates, 1, `round ${r}: one optimizer call`);
      assert.equal(round.total, proposedNew ? 1 + p.questions + p.judgments : 1, `round ${r} calls`);
      if (proposedNew) assert.equal(round.structured.pairwise_verdict, p.judgments);
    }
    // The judge saw the same three questions every round, and never a prompt.
    for (const body of sim.server.bodies as any[]) {
      if (body?.response_format?.json_schema?.name !== 'pairwise_verdict') continue;
      const text = body.messages.map((m: { content: string }) => m.content).join('\n');
      questionSets.add([...text.matchAll(/### Question \d+\n(.*)/g)].map((m) => m[1]).join('|'));
      assert.ok(!text.includes('<prompt>'));
    }
    assert.equal(questionSets.size, 1);
    const uninterrupted = estimateJob(spec).calls;
    const skippedRounds = run.rounds.slice(1).filter((r) => r.total === 1).length;
    assert.equal(result.used.calls, uninterrupted - skippedRounds * (p.questions + p.judgments));
  });

  it('re-runs the incumbent beside each candidate when the target samples at temperature > 0', async () => {
    const base = sim.spec('spo', { preset: 'quick', params: { rounds: 3 } });
    const spec = { ...base, roles: { ...base.roles, target: { ...base.roles.target, params: { temperature: 0.7 } } } };
    assert.match(estimateJob(spec).formula, /1 \+ 2k \+ J/);
    const run = await runObserved(spec, sim.server);
    for (let r = 1; r < 3; r++) {
      if (run.rounds[r].total > 1)
        assert.equal(run.rounds[r].target, 2 * 3, `round ${r}: candidate and incumbent on k questions`);
    }
    const temperatures = new Set(
      (sim.server.bodies.slice(-run.requests) as any[])
        .filter((b) => b && !b.response_format && b.messages)
        .map((b) => b.temperature),
    );
    assert.deepEqual([...temperatures], [0.7]);
  });

  it('without labels, scores by judgments won and validates winner vs baseline pairwise (+J calls)', async () => {
    const rows = sim.task.rows.map((r) => ({ vars: { review: r.vars.review } }));
    const spec = sim.spec('spo', { preset: 'quick', rows, evaluators: [] });
    const estimate = estimateJob(spec);
    assert.match(estimate.formula, /\+ J/);
    const run = await runObserved(spec, sim.server);
    const { result } = run;
    assert.equal(result.stopReason, 'rounds-done');
    assert.equal(result.baseline.score, 0.5);
    if (result.best.id !== 0) {
      assert.ok(result.best.score > 0.5, 'an accepted prompt won a majority');
      assert.equal(result.best.validationScore! + result.baseline.validationScore!, 1);
    }
    const skipped = run.rounds.slice(1).filter((r) => r.total === 1).length;
    assert.equal(result.used.calls, estimate.calls - skipped * (3 + 4) - (result.best.id === 0 ? 2 * 6 + 4 : 0));
  });

  it('accepts only on a strict majority of judgments; balanced judging puts the new answers first in exactly half', async () => {
    const first = sim.server.bodies.length;
    const run = await runObserved(sim.spec('spo', { preset: 'quick', params: { balancedJudging: true } }), sim.server);
    const verdictBodies = (sim.server.bodies.slice(first) as any[]).filter(
      (b) => b?.response_format?.json_schema?.name === 'pairwise_verdict',
    );
    assert.ok(verdictBodies.length > 0 && verdictBodies.length % 4 === 0);
    for (let i = 0; i < verdictBodies.length; i += 4) {
      const slotA = verdictBodies
        .slice(i, i + 4)
        .map((b) => /<response_A>([\s\S]*?)<\/response_A>/.exec(b.messages[1].content)![1]);
      const counts = [...new Set(slotA)].map((a) => slotA.filter((x) => x === a).length);
      if (counts.length === 2) assert.deepEqual(counts, [2, 2], 'each answer set sits in slot A twice');
    }
    for (const c of candidatesOf(run.events).filter((x) => x.origin.kind === 'spo' && x.status !== 'rejected')) {
      const [won, of] = /judged better than #\d+ in (\d+) of (\d+) comparisons/
        .exec(c.origin.why ?? '')!
        .slice(1)
        .map(Number);
      const accepted = run.events.some((e) => e.type === 'incumbent' && e.id === c.id);
      assert.equal(accepted, won > of - won, `#${c.id}: ${won}/${of}`);
    }
  });

  it("names the prompts in the judge's reason instead of slots A and B, whichever slot each sat in", async () => {
    const first = sim.server.bodies.length;
    const run = await runObserved(sim.spec('spo', { preset: 'quick', params: { balancedJudging: true } }), sim.server);
    const verdicts = (sim.server.bodies.slice(first) as any[]).filter(
      (b) => b?.response_format?.json_schema?.name === 'pairwise_verdict',
    );
    assert.ok(verdicts.length >= 4, 'the judge was asked');
    let reasons = 0;
    for (const c of candidatesOf(run.events).filter((x) => x.origin.kind === 'spo' && x.status !== 'rejected')) {
      const why = c.origin.why ?? '';
      const said = /The judge: (.*)$/.exec(why)?.[1];
      if (!said) continue;
      reasons++;
      assert.doesNotMatch(said, /\b[AB]\b/, `no slot letter left: ${said}`);
      // The simulated judge says "<slot A> meets the requirements on a answers, <slot B> on b." and picks the larger.
      const m =
        /^The (new prompt|current best) meets the requirements on (\d+) answers, the (new prompt|current best) on (\d+)\.$/.exec(
          said,
        );
      assert.ok(m, said);
      assert.notEqual(m[1], m[3], said);
      const counts = { [m[1]]: Number(m[2]), [m[3]]: Number(m[4]) };
      const accepted = run.events.some((e) => e.type === 'incumbent' && e.id === c.id);
      const verb = accepted ? 'accepted' : 'dropped';
      if (accepted) assert.ok(counts['new prompt'] >= counts['current best'], `${verb} #${c.id}: ${said}`);
      else assert.ok(counts['new prompt'] <= counts['current best'], `${verb} #${c.id}: ${said}`);
    }
    assert.ok(reasons > 0, 'some candidate carries a reason');
  });
});
