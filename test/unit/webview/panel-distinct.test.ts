import { strict as assert } from 'node:assert';
import type { CandidateRecord, JobEvent, JobResult } from '../../../src/core/jobs/types';
import { runFromEvents } from '../../../src/protocol';
import { historyLabel } from '../../../webview/render/history';
import { click, openPanel, text } from './harness';
import { ORIGINAL, candidate, snapshot } from './fixtures';

const usage = (calls: number) => ({ calls, cachedCalls: 0, promptTokens: calls * 100, completionTokens: calls * 5 });

/** A finished APO run like the issue's: many candidates, most of them the same three texts up to whitespace. */
function crowdedRun(): { events: JobEvent[]; candidates: CandidateRecord[] } {
  const texts = [`${ORIGINAL}\nUse the final verdict.`, `${ORIGINAL}\nIgnore sarcasm.`, `${ORIGINAL}\nBe brief.`];
  const candidates: CandidateRecord[] = [
    candidate({ id: 0, score: 0.4, status: 'beam', usage: usage(2), tokens: 210 }),
  ];
  for (let id = 1; id <= 24; id++) {
    const base = texts[id % 3];
    // Whitespace-only variants: doubled spaces, a blank line, trailing spaces.
    const variant = [base, base.replace(/ /g, '  '), base.replace('\n', '\n\n'), `${base}   `][id % 4];
    candidates.push(
      candidate({
        id,
        parent: id < 4 ? 0 : id - 3,
        round: 1 + (id % 2),
        prompt: variant,
        score: 1,
        status: id === 1 ? 'best' : 'dropped',
        statusReason: id === 1 ? undefined : `lost the bandit race after ${id % 12} of 24 rows`,
        usage: usage(4),
        tokens: 420,
        costUsd: null,
      }),
    );
  }
  candidates.push(
    candidate({
      id: 25,
      prompt: 'Classify.',
      status: 'rejected',
      rejectedReason: 'removed variable {{review}}',
      round: 2,
    }),
  );
  const result: JobResult = {
    runId: 'run-c',
    method: 'apo',
    baseline: { score: 0.4, validationScore: 0.35 },
    best: { id: 1, score: 1, validationScore: 0.9, prompt: candidates[1].prompt },
    rounds: [0, 1, 2].map((round) => ({ round, best: 1, candidates: 8, calls: 30 })),
    used: { calls: 96, cachedCalls: 0, tokens: 9000, costUsd: null, seconds: 4 },
    stopReason: 'converged',
    stopMessage: 'round 2: the optimizer proposed nothing new; stopping',
    heldOut: { rows: 6, of: 10 },
  };
  const events: JobEvent[] = [
    {
      type: 'estimate',
      estimate: {
        calls: 302,
        formula: '…',
        plan: {
          lines: ['calls per phase: baseline 18, 6 rounds 260, verification 18, held-out 12'],
          proposals: 20,
          reserve: 30,
          fitted: false,
          changes: [],
        },
      },
    },
    { type: 'started', runId: 'run-c', method: 'apo', at: '2026-11-27T10:14:00.000Z' },
    { type: 'round', round: 1, of: 6 },
    { type: 'round', round: 2, of: 6 },
    ...candidates.map((c): JobEvent => ({ type: 'candidate', candidate: c })),
    { type: 'done', result },
  ];
  return { events, candidates };
}

/** The crowded run in a panel, with the dropped rows listed (`expand`). */
function openCrowded(expand = true): ReturnType<typeof openPanel> {
  const page = openPanel();
  page.app.receive({ type: 'snapshot', snapshot: snapshot({ run: runFromEvents(crowdedRun().events) }) });
  if (expand) click(page, page.root.querySelector('[data-testid=fold]'));
  return page;
}

describe('results panel: distinct candidates, reasons, usage, rounds that ran', () => {
  it('lists what is still in the running and the rejected; the dropped on request', () => {
    const page = openCrowded(false);
    const ids = () =>
      [...page.root.querySelectorAll('tr[data-candidate]')].map((r) => r.getAttribute('data-candidate'));
    assert.deepEqual(ids(), ['1', '0', '25']);
    const fold = page.root.querySelector('[data-testid=fold]');
    assert.equal(text(fold), 'Show 2 dropped, each with why it was dropped');
    click(page, fold);
    assert.deepEqual(ids(), ['1', '2', '3', '0', '25']);
    assert.equal(text(page.root.querySelector('[data-testid=fold]')), 'Hide the 2 dropped');
    assert.equal(page.app.ui.showAllCandidates, true, 'the choice is kept with the UI state');
  });

  it('shows one row per distinct text with its lineage, best first, and the count of proposed prompts', () => {
    const page = openCrowded();
    const rows = [...page.root.querySelectorAll('tr[data-candidate]')];
    assert.deepEqual(
      rows.map((r) => r.getAttribute('data-candidate')),
      ['1', '2', '3', '0', '25'],
      '26 proposals are three texts, the baseline and a rejected one',
    );
    assert.equal(text(page.root.querySelector('.candidates h2')), 'Candidates (4 distinct of 25 proposed)');
    assert.equal(rows[0].getAttribute('data-duplicates'), '4 7 10 13 16 19 22');
    assert.match(
      text(rows[0].querySelector('.lineage')),
      /^from #0, round 2 · also proposed as #4, #7, #10, #13, #16, #19, #22 in rounds 1, 2 \(from #1, #4, #7, #10, #13, #16, #19\)$/,
    );
    // Selecting a duplicate id (e.g. from the editor) highlights its row.
    click(page, rows[1]);
    assert.equal(page.root.querySelector('tr[aria-selected=true]')?.getAttribute('data-candidate'), '2');
    assert.match(
      text(page.root.querySelector('[data-testid=lineage]')),
      /^Same text \(up to whitespace\) also proposed as #5/,
    );
  });

  it('gives every row that did not win its reason, never a bare status', () => {
    const page = openCrowded();
    const reasons: Record<string, string> = Object.fromEntries(
      [...page.root.querySelectorAll('tr[data-candidate]')].map((r) => [
        r.getAttribute('data-candidate') ?? '',
        text(r.querySelector('[data-testid=reason] .reason')),
      ]),
    );
    assert.equal(reasons['2'], 'dropped: lost the bandit race after 2 of 24 rows');
    assert.equal(reasons['25'], 'rejected: removed variable {{review}}; never scored');
    assert.equal(reasons['0'], 'baseline: the original prompt, the score to beat');
    for (const [id, reason] of Object.entries(reasons)) assert.match(reason, /^[a-z -]+: \S/, `#${id}: "${reason}"`);
  });

  it('shows tokens sent + received, cost (— when the price is unknown) and calls per distinct row', () => {
    const page = openPanel();
    page.app.receive({ type: 'snapshot', snapshot: snapshot({ run: runFromEvents(crowdedRun().events) }) });
    const row = page.root.querySelector('tr[data-candidate="1"]');
    assert.equal(text(row?.querySelector('.col-tokens')), '3,200 + 160', 'eight ids × 4 calls × (100 + 5) tokens');
    assert.equal(text(row?.querySelector('.col-cost')), '—');
    assert.equal(text(row?.querySelector('.col-calls')), '32');
    const base = page.root.querySelector('tr[data-candidate="0"]');
    assert.equal(text(base?.querySelector('.col-cost')), '$0.0010');
    const heads = [...page.root.querySelectorAll('.candidates th')].map((th) => text(th));
    assert.deepEqual(heads, ['#', 'score', 'Δ', 'held-out', 'tokens', 'cost', 'calls', 'status']);
  });

  it('draws only the rounds that ran: r0..r2 of 6 planned', () => {
    const page = openPanel();
    page.app.receive({ type: 'snapshot', snapshot: snapshot({ run: runFromEvents(crowdedRun().events) }) });
    const chart = page.root.querySelector('svg.chart');
    assert.equal(chart?.getAttribute('data-rounds'), '3');
    const roundTicks = [...(chart?.querySelectorAll('text.tick') ?? [])]
      .map((t) => t.textContent)
      .filter((t) => /^r/.test(t ?? ''));
    assert.deepEqual(roundTicks, ['r0', 'r1', 'r2']);
  });

  it('says why the run stopped, the held-out sample and its scores, and the plan', () => {
    const page = openPanel();
    page.app.receive({ type: 'snapshot', snapshot: snapshot({ run: runFromEvents(crowdedRun().events) }) });
    assert.equal(
      text(page.root.querySelector('[data-testid=summary-stop]')),
      'Stopped: round 2: the optimizer proposed nothing new; stopping.',
    );
    assert.equal(
      text(page.root.querySelector('[data-testid=summary-heldout]')),
      'Held-out: a seeded sample of 6 of 10 rows the search never saw: original 0.35 → best 0.90.',
    );
    assert.match(text(page.root.querySelector('[data-testid=plan]')), /calls per phase: baseline 18, 6 rounds 260/);
    assert.equal(page.root.querySelector('[data-testid=summary-unverified]'), null);
  });

  it('a cancelled run: the unverified leader is explained and the calls are the result’s, the estimate only planned', () => {
    const { events } = crowdedRun();
    const done = events.pop() as Extract<JobEvent, { type: 'done' }>;
    const cancelled: JobResult = {
      ...done.result,
      best: { id: 0, score: 0.4, prompt: ORIGINAL },
      stopReason: 'cancelled',
      stopMessage: 'cancelled',
      unverified: { id: 1, score: 1 },
      heldOut: undefined,
      used: { ...done.result.used, calls: 29 },
    };
    events.push(
      { type: 'budget', used: { ...cancelled.used, calls: 27 }, limit: {} },
      { type: 'cancelled', result: cancelled },
    );
    const page = openPanel();
    page.app.receive({ type: 'snapshot', snapshot: snapshot({ run: runFromEvents(events) }) });
    assert.match(text(page.root.querySelector('.budget-text')), /^29 calls \(302 planned\)/);
    assert.match(
      text(page.root.querySelector('[data-testid=summary-unverified]')),
      /^Candidate #1 \(score 1\.00\) led the search but was not verified: the run stopped before it could be re-scored/,
    );
    assert.match(
      text(page.root.querySelector('tr[data-candidate="1"] .reason')),
      /^unverified: the run was cancelled before it could be re-scored against the original/,
    );
  });

  it('history lines carry each method’s unit, so 0–1 scores and nats/token never share a bare column', () => {
    const base = { startedAt: '2026-11-27T10:14:00.000Z', status: 'done' as const, candidates: 3 };
    const ids = { acceptedCandidateIds: [], undoneCandidateIds: [] };
    assert.equal(
      historyLabel({ ...base, ...ids, runId: 'a', method: 'apo', baselineScore: 0.44, bestScore: 1 }),
      '2026-11-27 10:14 APO 0.44→1.00 0–1',
    );
    assert.equal(
      historyLabel({ ...base, ...ids, runId: 'p', method: 'pmpo', baselineScore: -1.33, bestScore: -0.05 }),
      '2026-11-27 10:14 PMPO -1.33→-0.05 nats/token',
    );
  });

  it('a snapshot for another prompt (the editor moved) drops the last prompt’s selection and run', () => {
    const page = openCrowded();
    click(page, page.root.querySelector('tr[data-candidate="2"]'));
    assert.equal(page.app.ui.selectedCandidateId, 2);
    page.app.receive({
      type: 'snapshot',
      snapshot: snapshot({ promptUri: 'file:///ws/other.prompt.yml', promptLabel: 'other.prompt.yml' }),
    });
    assert.equal(page.app.ui.selectedCandidateId, undefined);
    assert.equal(page.app.ui.promptUri, 'file:///ws/other.prompt.yml');
    assert.match(text(page.root.querySelector('.title')), /other\.prompt\.yml/);
    assert.ok(page.root.querySelector('[data-testid=empty]'), 'the other prompt has no runs yet');
  });
});
