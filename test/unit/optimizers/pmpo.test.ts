import { strict as assert } from 'node:assert';
import { startJob } from '../../../src/core/jobs';
import { JobInputError } from '../../../src/core/jobs/types';
import { resolveParams } from '../../../src/core/optimizers/defaults';
import { simSetup, type SimSetup } from '../jobs/sim-setup';
import { candidatesOf, classify, runObserved } from '../jobs/helpers';

describe('PMPO on the simulated review task (real HTTP echo log-probs, real client)', function () {
  let sim: SimSetup;
  before(async () => {
    sim = await simSetup();
  });
  after(() => sim.close());

  it('lowers the loss, with the generation and scoring calls of §4.7 per round', async () => {
    const spec = sim.spec('pmpo', { preset: 'quick' });
    const p = resolveParams('pmpo', 'quick', undefined);
    const run = await runObserved(spec, sim.server);
    const { result } = run;
    assert.equal(result.stopReason, 'rounds-done');
    assert.ok(result.best.score > result.baseline.score, `−loss ${result.best.score} vs ${result.baseline.score}`);
    assert.ok(result.best.validationScore! > result.baseline.validationScore!);
    // A score in the chat template is three requests (/tokenize the context, /tokenize the target, completions).
    const tokenize = classify(sim.server.bodies.slice(-run.requests)).tokenize;
    assert.ok(tokenize > 0, 'the scores went through the chat template');
    assert.equal(run.requests - tokenize, result.used.calls, 'the probe and every score/generation call are counted');

    const n = 18;
    assert.equal(run.rounds[0].scorePrompts.length, n, 'round 0: the baseline on N rows (the probe came before)');
    const systemOf = (prompt: string) => prompt.slice(0, prompt.indexOf('<|im_start|>user'));
    const seen = new Set(run.rounds[0].scorePrompts.map(systemOf));
    let changed = true;
    for (let r = 1; r <= p.rounds; r++) {
      const round = run.rounds[r];
      assert.equal(
        round.structured.prompt_segments ?? 0,
        changed ? 1 : 0,
        `round ${r}: segmentation only after a change`,
      );
      assert.equal(
        round.structured.prompt_candidates,
        p.hardExamples * p.variantsPerExample,
        `round ${r}: k·n rewrites`,
      );
      // Every scored prompt is new (repeats are free), and each is scored on all N rows exactly once.
      const systems = round.scorePrompts.map(systemOf);
      const fresh = new Set(systems.filter((s) => !seen.has(s)));
      assert.equal(systems.length, fresh.size * n, `round ${r}: N scores per new prompt`);
      assert.equal(new Set(round.scorePrompts).size, round.scorePrompts.length);
      fresh.forEach((s) => seen.add(s));
      changed = run.events.some(
        (e) => e.type === 'incumbent' && candidatesOf(run.events).find((c) => c.id === e.id)?.round === r,
      );
    }
  });

  it('refuses with a clear message when the endpoint cannot score', async () => {
    const noScore = await simSetup({ handler: (task) => ({ chat: task.handler.chat }) });
    try {
      const job = startJob(noScore.spec('pmpo', { preset: 'quick' }));
      await assert.rejects(job.result, (error: unknown) => {
        assert.ok(error instanceof JobInputError);
        assert.equal(error.code, 'no-scorer');
        assert.match(error.message, /cannot score/);
        assert.match(error.message, /vLLM or SGLang/);
        assert.match(error.message, /local:<path\.gguf>/);
        return true;
      });
      assert.equal(noScore.server.stats.byPath['/v1/chat/completions'] ?? 0, 0, 'no chat call before the probe');
    } finally {
      await noScore.close();
    }
  });

  it('optimizes a preference objective when rows carry chosen/rejected (compact rewriter)', async () => {
    const rows = sim.task.rows.map((r) => ({
      vars: r.vars,
      chosen: r.expected,
      rejected: r.expected === 'negative' ? 'positive' : 'negative',
    }));
    const run = await runObserved(
      sim.spec('pmpo', { preset: 'quick', rows, params: { rounds: 1, variantsPerExample: 1, rewriter: 'compact' } }),
      sim.server,
    );
    assert.equal(run.result.stopReason, 'rounds-done');
    assert.ok(run.result.best.score > run.result.baseline.score);
    const candidates = candidatesOf(run.events);
    assert.ok(candidates.every((c) => c.status === 'rejected' || c.examples?.every((e) => typeof e.loss === 'number')));
  });
});
