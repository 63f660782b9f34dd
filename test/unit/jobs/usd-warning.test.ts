/**
 * The "price unknown" warning is said only when a USD limit is the run's one stop (issue 14: it was said on every
 * extension run, whose calls limit stops the run anyway, and twice after a resume).
 */
import { strict as assert } from 'node:assert';
import type { JobEvent } from '../../../src/core/jobs/types';
import { applyJobEvent, runFromEvents } from '../../../src/protocol';
import { simSetup, type SimSetup } from './sim-setup';
import { runObserved } from './helpers';

const priceWarnings = (events: JobEvent[]) =>
  events.filter((e) => e.type === 'log' && e.level === 'warn' && /price/i.test(e.message));

describe('job engine: the unknown-price warning', function () {
  let sim: SimSetup;
  before(async () => {
    sim = await simSetup();
  });
  after(() => sim.close());

  it('is not said when a calls limit is set beside the USD limit (the extension always sets both)', async () => {
    const run = await runObserved(sim.spec('spo', { preset: 'quick', budget: { usd: 5, calls: 400 } }), sim.server);
    assert.equal(run.result.used.costUsd, null, 'the simulated model has no known price');
    assert.deepEqual(priceWarnings(run.events), []);
  });

  it('is said once, in a sentence without "null", when the USD limit is the only stop', async () => {
    const run = await runObserved(sim.spec('spo', { preset: 'quick', budget: { usd: 5 } }), sim.server);
    const warnings = priceWarnings(run.events);
    assert.equal(warnings.length, 1);
    const message = (warnings[0] as Extract<JobEvent, { type: 'log' }>).message;
    assert.match(
      message,
      /^The price of a model in this run is unknown.*\$5 limit cannot stop the run\. Set a limit on calls/,
    );
    assert.doesNotMatch(message, /null/);
  });

  it('the panel shows a warning repeated by a resumed session once', () => {
    const started: JobEvent = { type: 'started', runId: 'r', method: 'apo', at: '2026-12-01T00:00:00.000Z' };
    const warn: JobEvent = { type: 'log', level: 'warn', message: 'HTTP 429; retrying' };
    const view = runFromEvents([started, warn]);
    const again = applyJobEvent(view, warn);
    assert.deepEqual(again?.warnings, ['HTTP 429; retrying']);
  });
});
