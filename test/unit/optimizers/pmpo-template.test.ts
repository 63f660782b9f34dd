import { strict as assert } from 'node:assert';
import { startJob } from '../../../src/core/jobs';
import { JobInputError } from '../../../src/core/jobs/types';
import { renderMessages } from '../../../src/core/documents';
import { renderSimChatTemplate } from '../../../src/sim/chat-template';
import { simSetup, type SimSetup } from '../jobs/sim-setup';
import { candidatesOf, classify, runObserved } from '../jobs/helpers';

// PMPO scores the expected output inside the model's own chat template (issue 13; algorithms.md §4.8): on vLLM that
// is /tokenize with `messages` (the server applies the template) and /v1/completions on the token ids with echo.
describe('PMPO scoring in the chat template (real HTTP against the sim server)', function () {
  let sim: SimSetup;
  before(async () => {
    sim = await simSetup();
  });
  after(() => sim.close());

  it('renders each context with the server template and scores the target token ids after it', async () => {
    const spec = sim.spec('pmpo', { preset: 'quick', params: { rounds: 1 } });
    const run = await runObserved(spec, sim.server);
    const bodies = sim.server.bodies.slice(-run.requests) as Record<string, any>[];
    const contexts = bodies.filter((b) => b && Array.isArray(b.messages) && b.add_generation_prompt === true);
    const targets = bodies.filter((b) => b && b.add_special_tokens === false);
    const scored = bodies.filter((b) => b && Array.isArray(b.prompt) && b.echo === true);
    assert.ok(contexts.length > 0);
    assert.equal(targets.length, contexts.length, 'one target tokenization per context');
    assert.equal(scored.length, contexts.length, 'one id-list score per context');
    assert.equal(classify(bodies).scorePrompts.filter((p) => p.includes('Assistant: ')).length, 0, 'no plain text');
    // The first context is the baseline on the first train row, as the target model would see it.
    const row = spec.rows[run.result.rounds.length ? 0 : 0];
    assert.ok(row);
    const baseline = candidatesOf(run.events).find((c) => c.id === 0)!;
    const first = baseline.examples![0];
    const messages = renderMessages(spec.doc, spec.doc.optimizable!.text, spec.rows[first.rowIndex].vars);
    assert.ok(
      contexts.some((b) => renderSimChatTemplate(b.messages, true) === renderSimChatTemplate(messages, true)),
      'the scored context is the template rendering of the rendered prompt',
    );
  });

  it("sums the target's log-probs (the paper's L_CE), not a per-token mean", async () => {
    const spec = sim.spec('pmpo', { preset: 'quick', params: { rounds: 1 } });
    const run = await runObserved(spec, sim.server);
    const baseline = candidatesOf(run.events).find((c) => c.id === 0)!;
    for (const e of baseline.examples!.slice(0, 4)) {
      const messages = renderMessages(spec.doc, spec.doc.optimizable!.text, spec.rows[e.rowIndex].vars);
      const s = await spec.llm.score({ model: spec.roles.scorer!, messages, target: spec.rows[e.rowIndex].expected! });
      const sum = s.logprobs.reduce((a, b) => a + b, 0);
      assert.ok(s.logprobs.length >= 1);
      assert.ok(Math.abs(e.loss! - -sum) < 1e-9, `row ${e.rowIndex}: loss ${e.loss} vs −Σ log p ${-sum}`);
    }
  });

  it('refuses a server without chat-template scoring, naming the opt-in; with the opt-in it scores plain text', async () => {
    const plain = await simSetup({ handler: (task) => ({ ...task.handler, chatTemplate: false }) });
    try {
      const job = startJob(plain.spec('pmpo', { preset: 'quick' }));
      await assert.rejects(job.result, (error: unknown) => {
        assert.ok(error instanceof JobInputError, String(error));
        assert.equal(error.code, 'no-scorer');
        assert.match(error.message, /chat template/);
        assert.match(error.message, /plainTextScoring: true/);
        return true;
      });
      const before = plain.server.bodies.length;
      const run = await runObserved(
        plain.spec('pmpo', { preset: 'quick', params: { rounds: 1, plainTextScoring: true } }),
        plain.server,
      );
      assert.notEqual(run.result.stopReason, 'failed');
      const prompts = classify(plain.server.bodies.slice(before)).scorePrompts;
      assert.ok(prompts.length > 0 && prompts.filter((p) => p.includes('Assistant: ')).length > 0);
    } finally {
      await plain.close();
    }
  });
});
