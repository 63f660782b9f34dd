import { strict as assert } from 'node:assert';
import { rowFromRecord } from '../../../src/core/data/row-shape';
import { simSetup, type SimSetup } from '../jobs/sim-setup';
import { runObserved } from '../jobs/helpers';

// Evaluators return a score and a reason; the reasons of failed examples and a dataset's human critiques
// (`feedback` column) reach the optimizer's meta-prompts (issue 13).
describe('reasons and human feedback reach the optimizer', function () {
  let sim: SimSetup;
  before(async () => {
    sim = await simSetup();
  });
  after(() => sim.close());

  const structuredBodies = (from: number, schema: string) =>
    (sim.server.bodies.slice(from) as Record<string, any>[]).filter(
      (b) => b?.response_format?.json_schema?.name === schema,
    );
  const textOf = (b: Record<string, any>) => (b.messages as { content: string }[]).map((m) => m.content).join('\n');

  it('a `feedback` column is a label, not a variable, and reaches APO critiques beside the evaluator reasons', async () => {
    const spec = sim.spec('apo', { preset: 'quick' });
    const rows = spec.rows.map((r, i) => ({ ...r, feedback: `REVIEWER-NOTE-${i}: mind the sarcasm` }));
    const from = sim.server.bodies.length;
    await runObserved({ ...spec, rows }, sim.server);
    const critiques = structuredBodies(from, 'critiques').map(textOf);
    assert.ok(critiques.length > 0);
    assert.ok(critiques.every((t) => /A reviewer's critique: REVIEWER-NOTE-\d+/.test(t)));
    assert.ok(
      critiques.some((t) => /Evaluator feedback: /.test(t)),
      'the failed evaluators say why',
    );
    // Never rendered into the prompt as a variable.
    const targets = (sim.server.bodies.slice(from) as Record<string, any>[]).filter(
      (b) => b && !b.response_format && Array.isArray(b.messages),
    );
    assert.ok(targets.every((b) => !textOf(b).includes('REVIEWER-NOTE')));
  });

  it("SPO's optimizer and judge see why failed answers failed", async () => {
    const from = sim.server.bodies.length;
    await runObserved(sim.spec('spo', { preset: 'quick' }), sim.server);
    const judged = structuredBodies(from, 'pairwise_verdict').map(textOf);
    const optimized = structuredBodies(from, 'prompt_candidates').map(textOf);
    assert.ok(
      judged.some((t) => /\(failed a check: /.test(t)),
      'the judge sees the reasons',
    );
    assert.ok(
      optimized.some((t) => /\(failed a check: /.test(t)),
      'the optimizer sees the reasons',
    );
  });

  it('reads `feedback` from a dataset row', () => {
    const shaped = rowFromRecord({ review: 'ok', expected: 'positive', feedback: 'too curt' }, 1);
    assert.equal(shaped.row?.feedback, 'too curt');
    assert.equal(shaped.row?.vars.feedback, undefined);
  });
});
