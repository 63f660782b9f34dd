import { strict as assert } from 'node:assert';
import {
  applyJobEvent,
  bestIdOf,
  candidateDelta,
  compareExamples,
  isHostMessage,
  isWebviewMessage,
  runFromEvents,
  summarizeRun,
} from '../../../src/protocol';
import { baseline, improved, rejected, runEvents } from '../webview/fixtures';

describe('panel protocol', () => {
  it('accepts well-formed webview messages and rejects anything else', () => {
    for (const ok of [
      { type: 'ready' },
      { type: 'rendered', renderMs: 12 },
      { type: 'accept', runId: 'r', candidateId: 3 },
      { type: 'accept', runId: 'r', candidateId: 3, force: true, expectedCurrent: 'x' },
      { type: 'openDiff', runId: 'r', candidateId: 0 },
      { type: 'copy', runId: 'r', candidateId: 1 },
      { type: 'cancel', runId: 'r' },
      { type: 'rerun' },
      { type: 'rerun', runId: 'r' },
      { type: 'optimize' },
      { type: 'showLog', runId: 'r' },
      { type: 'loadRun', runId: 'r', purpose: 'compare' },
    ])
      assert.ok(isWebviewMessage(ok), JSON.stringify(ok));
    for (const bad of [
      null,
      'ready',
      [],
      {},
      { type: 'eval' },
      { type: 'accept', runId: 'r' },
      { type: 'accept', runId: 'r', candidateId: -1 },
      { type: 'accept', runId: 'r', candidateId: 1.5 },
      { type: 'accept', runId: '', candidateId: 1 },
      { type: 'accept', runId: 'r', candidateId: 1, force: 'yes' },
      { type: 'rendered', renderMs: Infinity },
      { type: 'loadRun', runId: 'r', purpose: 'delete' },
      { type: 'cancel', runId: 5 },
    ])
      assert.ok(!isWebviewMessage(bad), JSON.stringify(bad));
    assert.ok(isHostMessage({ type: 'snapshot', snapshot: {} }));
    assert.ok(!isHostMessage({ type: 'accept' }));
  });

  it('folds job events into a run view, merging later records of the same candidate', () => {
    const events = runEvents();
    const partway = runFromEvents(events.slice(0, 5));
    assert.equal(partway?.status, 'running');
    assert.deepEqual(partway?.round, { round: 1, of: 2 });
    assert.equal(partway?.candidates.find((c) => c.id === 1)?.status, 'proposed');
    const run = runFromEvents(events);
    assert.ok(run);
    assert.equal(run.status, 'done');
    assert.equal(run.estimate?.calls, 20);
    assert.deepEqual(
      run.candidates.map((c) => [c.id, c.status]),
      [
        [0, 'scored'],
        [1, 'best'],
        [2, 'rejected'],
      ],
    );
    assert.equal(bestIdOf(run), 1);
    assert.equal(
      applyJobEvent(undefined, { type: 'round', round: 1, of: 2 }),
      undefined,
      'events before started are ignored',
    );
    const failed = applyJobEvent(run, { type: 'failed', error: 'boom' });
    assert.equal(failed?.status, 'failed');
    assert.equal(failed?.error, 'boom');
    assert.equal(run.status, 'done', 'pure: the input is unchanged');
  });

  it('computes deltas, example comparisons and history summaries', () => {
    assert.ok(Math.abs((candidateDelta(improved, baseline) ?? 0) - 0.5) < 1e-9);
    assert.equal(candidateDelta(rejected, baseline), undefined);
    assert.deepEqual(compareExamples(improved, baseline), {
      fixed: 1,
      broke: 0,
      stillFailing: 0,
      stillPassing: 1,
      unmatched: 0,
    });
    const summary = summarizeRun(runFromEvents(runEvents())!);
    assert.deepEqual(summary, {
      runId: 'run-1',
      method: 'apo',
      startedAt: '2026-11-27T10:14:00.000Z',
      status: 'done',
      baselineScore: 0.4,
      bestScore: 0.9,
      bestValidationScore: 0.85,
      candidates: 2,
      acceptedCandidateIds: [],
      undoneCandidateIds: [],
    });
  });
});
