// Builders for panel tests: job events and snapshots shaped like the engine's, small and deterministic.
import type { CandidateRecord, JobEvent, JobResult } from '../../../src/core/jobs/types';
import type { PanelSnapshot } from '../../../src/protocol';

export const ORIGINAL = 'Classify the sentiment of the review.\nAnswer with only the label.';

export function candidate(partial: Partial<CandidateRecord> & { id: number }): CandidateRecord {
  return {
    parent: partial.id === 0 ? null : 0,
    round: partial.id === 0 ? 0 : 1,
    prompt: ORIGINAL,
    origin: { kind: partial.id === 0 ? 'baseline' : 'edit' },
    status: 'scored',
    tokens: 10,
    costUsd: 0.001,
    ...partial,
  };
}

export const baseline = candidate({
  id: 0,
  score: 0.4,
  status: 'scored',
  examples: [
    { rowIndex: 0, input: { review: 'great' }, expected: 'positive', output: 'positive', score: 1, pass: true },
    {
      rowIndex: 1,
      input: { review: 'meh then good' },
      expected: 'positive',
      output: 'negative',
      score: 0,
      pass: false,
    },
  ],
});

export const improved = candidate({
  id: 1,
  score: 0.9,
  validationScore: 0.85,
  status: 'best',
  parent: 0,
  round: 1,
  prompt: `${ORIGINAL}\nFor reviews that change their mind, follow the final verdict.`,
  origin: { kind: 'edit', why: 'The prompt gives no rule for reviews that change their mind midway.' },
  examples: [
    { rowIndex: 0, input: { review: 'great' }, expected: 'positive', output: 'positive', score: 1, pass: true },
    { rowIndex: 1, input: { review: 'meh then good' }, expected: 'positive', output: 'positive', score: 1, pass: true },
  ],
});

export const rejected = candidate({
  id: 2,
  status: 'rejected',
  rejectedReason: 'broke variable {{review}}',
  prompt: 'Classify it.',
  round: 1,
});

export const result: JobResult = {
  runId: 'run-1',
  method: 'apo',
  baseline: { score: 0.4 },
  best: { id: 1, score: 0.9, validationScore: 0.85, prompt: improved.prompt },
  rounds: [{ round: 1, best: 0.9, candidates: 2, calls: 12 }],
  used: { calls: 12, cachedCalls: 0, tokens: 3400, costUsd: 0.02, seconds: 3 },
  stopReason: 'done',
};

export function runEvents(): JobEvent[] {
  return [
    { type: 'estimate', estimate: { calls: 20, costUsd: 0.05, formula: 'R × (…)' } },
    { type: 'started', runId: 'run-1', method: 'apo', at: '2026-11-27T10:14:00.000Z' },
    { type: 'candidate', candidate: baseline },
    { type: 'round', round: 1, of: 2 },
    { type: 'candidate', candidate: { ...improved, status: 'proposed', score: undefined } },
    { type: 'candidate', candidate: rejected },
    { type: 'candidate', candidate: improved },
    {
      type: 'budget',
      used: { calls: 12, cachedCalls: 0, tokens: 3400, costUsd: 0.02, seconds: 3 },
      limit: { calls: 20 },
    },
    { type: 'done', result },
  ];
}

export function snapshot(partial: Partial<PanelSnapshot> = {}): PanelSnapshot {
  return {
    promptUri: 'file:///ws/reviews.prompt.yml',
    promptLabel: 'reviews.prompt.yml',
    history: [],
    jobsAllowed: true,
    ...partial,
  };
}
