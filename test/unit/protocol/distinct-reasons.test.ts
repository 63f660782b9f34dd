import { strict as assert } from 'node:assert';
import type { CandidateRecord, JobResult } from '../../../src/core/jobs/types';
import type { RunView } from '../../../src/protocol';
import { candidateReason, distinctCandidates, distinctEntryOf, lineageText } from '../../../src/protocol';

const usage = (calls: number) => ({ calls, cachedCalls: 0, promptTokens: calls * 100, completionTokens: calls * 5 });

function c(id: number, prompt: string, extra: Partial<CandidateRecord> = {}): CandidateRecord {
  return {
    id,
    parent: id === 0 ? null : 0,
    round: id === 0 ? 0 : 1,
    prompt,
    origin: { kind: id === 0 ? 'baseline' : 'edit' },
    status: 'scored',
    tokens: (extra.usage?.promptTokens ?? 0) + (extra.usage?.completionTokens ?? 0),
    costUsd: 0.001,
    ...extra,
  };
}

function run(candidates: CandidateRecord[], extra: Partial<RunView> = {}): RunView {
  return {
    runId: 'r',
    method: 'apo',
    startedAt: '2026-11-27T10:00:00.000Z',
    status: 'done',
    candidates,
    warnings: [],
    accepted: [],
    ...extra,
  };
}

const result = (best: number, extra: Partial<JobResult> = {}): JobResult => ({
  runId: 'r',
  method: 'apo',
  baseline: { score: 0.4 },
  best: { id: best, score: 0.9, prompt: '' },
  rounds: [],
  used: { calls: 10, cachedCalls: 0, tokens: 100, costUsd: 0, seconds: 1 },
  stopReason: 'rounds-done',
  ...extra,
});

describe('distinct candidates: whitespace-only duplicates are one row that keeps its lineage', () => {
  const list = [
    c(0, 'Classify the review.', { score: 0.4, usage: usage(2) }),
    c(3, 'Classify the review.\nAnswer with one word.', { score: 0.8, usage: usage(4), parent: 0, round: 1 }),
    c(12, 'Classify  the review.\n\nAnswer with one word.  ', { score: 1, usage: usage(3), parent: 3, round: 2 }),
    c(40, 'Classify the review. Answer with one word.', { score: 0.9, usage: usage(1), parent: 7, round: 3 }),
    c(41, 'Classify the review.\n', { score: 0.4, usage: usage(1), parent: 3, round: 3 }),
    c(50, 'Something else entirely.', { score: 0.5, costUsd: null, usage: usage(2), round: 3 }),
  ];

  it('merges exact and whitespace-only duplicates; the highest-scored member represents them', () => {
    const rows = distinctCandidates(list);
    assert.deepEqual(
      rows.map((d) => [d.candidate.id, d.duplicates.map((x) => x.id)]),
      [
        [0, [41]],
        [12, [3, 40]],
        [50, []],
      ],
    );
    const merged = rows[1];
    assert.deepEqual(merged.usage, { calls: 8, cachedCalls: 0, promptTokens: 800, completionTokens: 40 });
    assert.equal(merged.tokens, 840, 'the text’s tokens over all its ids');
    assert.ok(Math.abs((merged.costUsd ?? 0) - 0.003) < 1e-12);
    assert.equal(rows[2].costUsd, null, 'an unknown price stays unknown');
    assert.equal(lineageText(merged), 'also proposed as #3, #40 in rounds 1, 3 (from #0, #7)');
    assert.equal(lineageText(rows[2]), undefined);
    assert.equal(distinctEntryOf(rows, 40), merged, 'a duplicate id finds its row');
  });

  it('the baseline, then the run’s best, represents a group over a higher score', () => {
    const rows = distinctCandidates(list, 3);
    assert.equal(rows[1].candidate.id, 3, 'the best id is the row even if a duplicate scored higher');
    assert.equal(rows[0].candidate.id, 0, 'a copy of the original is the original');
  });
});

describe('candidate reasons: every status says why, in plain words', () => {
  const dropped = c(2, 'b', { status: 'dropped', statusReason: 'lost the bandit race after 12 of 24 rows' });
  const list = [
    c(0, 'a', { score: 0.4 }),
    c(1, 'w', { score: 0.9, status: 'best', statusReason: 'the winner: verified against the original' }),
    dropped,
    c(3, 'c', { status: 'dropped' }),
    c(4, 'd', { status: 'rejected', rejectedReason: 'removed variable {{review}}' }),
    c(5, 'e', { status: 'proposed' }),
    c(6, 'f', { status: 'beam', score: 0.7 }),
    c(7, 'g', { status: 'scored', score: 0.6 }),
  ];

  it('a finished run: best, dropped (with and without a recorded reason), rejected, never scored, runner-up', () => {
    const view = run(list, { result: result(1) });
    const reasons = list.map((x) => candidateReason(view, x, 1));
    assert.deepEqual(reasons, [
      'baseline: the original prompt, the score to beat',
      'best: verified against the original',
      'dropped: lost the bandit race after 12 of 24 rows',
      'dropped: not kept for the next round (this run log does not record why)',
      'rejected: removed variable {{review}}; never scored',
      'not scored: the run ended before it was scored',
      'runner-up: still in the beam at the end, scored below the best',
      'scored: below the best',
    ]);
    for (const r of reasons) assert.match(r, /^[a-z -]+: \S/, `"${r}" has a reason after its status`);
  });

  it('a cancelled run: the unverified leader and the unscored say the run stopped', () => {
    const view = run(list, {
      status: 'cancelled',
      result: result(0, { stopReason: 'cancelled', unverified: { id: 1, score: 0.9 } }),
    });
    assert.equal(
      candidateReason(view, list[1], 0),
      'unverified: the run was cancelled before it could be re-scored against the original, so the original stays',
    );
    assert.equal(candidateReason(view, list[5], 0), 'not scored: the run was cancelled before it was scored');
    assert.equal(candidateReason(view, list[0], 0), 'baseline: the original prompt; no candidate beat it, so it stays');
  });

  it('while running: best so far and waiting; an accepted candidate says so first', () => {
    const view = run(list, { status: 'running', accepted: [{ candidateId: 1, at: '2026-11-27T10:05:00.000Z' }] });
    assert.match(candidateReason(view, list[1], 1), /^accepted · best so far: the highest score yet/);
    assert.equal(candidateReason(view, list[5], 1), 'proposed: waiting to be scored');
  });
});
