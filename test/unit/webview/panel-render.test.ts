import { strict as assert } from 'node:assert';
import type { JobEvent } from '../../../src/core/jobs/types';
import { runFromEvents } from '../../../src/protocol';
import { click, key, openPanel, text } from './harness';
import { ORIGINAL, baseline, improved, runEvents, snapshot } from './fixtures';

const stream = (page: ReturnType<typeof openPanel>, events: JobEvent[]) => {
  for (const event of events) page.app.receive({ type: 'jobEvent', runId: 'run-1', event });
};

describe('results panel: rendering from protocol messages', () => {
  it('posts ready at start, shows "No runs yet" with an Optimize button, and posts rendered once', () => {
    const page = openPanel();
    assert.deepEqual(page.api.posted, [{ type: 'ready' }]);
    page.app.receive({ type: 'snapshot', snapshot: snapshot() });
    assert.match(text(page.root.querySelector('[data-testid=empty]')), /No runs yet/);
    click(page, page.root.querySelector('[data-action=optimize]'));
    const types = page.api.posted.map((m) => m.type);
    assert.deepEqual(types, ['ready', 'rendered', 'optimize']);
  });

  it('streams a run: header status, candidates in score order, rejection reason, then done', () => {
    const page = openPanel();
    page.app.receive({ type: 'snapshot', snapshot: snapshot() });
    const events = runEvents();
    stream(page, events.slice(0, 4));
    assert.equal(text(page.root.querySelector('[data-testid=run-status]')), 'running round 1/2');
    assert.ok(page.root.querySelector('[data-action=cancel]'), 'a running run has Cancel');
    stream(page, events.slice(4, 8));
    const rows = [...page.root.querySelectorAll('tr[data-candidate]')].map((r) => r.getAttribute('data-candidate'));
    assert.deepEqual(rows, ['1', '0', '2'], 'best first, rejected last');
    assert.match(text(page.root.querySelector('tr[data-candidate="2"]')), /rejected: broke variable \{\{review\}\}/);
    assert.match(text(page.root.querySelector('tr[data-candidate="1"]')), /\+0\.50/);
    assert.match(text(page.root.querySelector('.budget')), /12 \/ 20 calls/);
    stream(page, events.slice(8));
    assert.equal(text(page.root.querySelector('[data-testid=run-status]')), 'done');
    assert.ok(page.root.querySelector('[data-action=rerun]'));
    assert.equal(page.root.querySelector('[data-action=cancel]'), null);
    // The chart: baseline dashed line, best line, dots, held-out diamond.
    const chart = page.root.querySelector('svg.chart');
    assert.ok(chart?.querySelector('.baseline-line'));
    assert.ok(chart?.querySelector('polyline.best-line'));
    assert.equal(chart?.querySelectorAll('circle.dot').length, 2);
    assert.ok(chart?.querySelector('polygon.heldout'));
  });

  it('shows the best candidate by default: why, word diff against the original, example deltas', () => {
    const page = openPanel();
    page.app.receive({ type: 'snapshot', snapshot: snapshot({ run: runFromEvents(runEvents()) }) });
    const details = page.root.querySelector('[data-testid=details]');
    assert.match(text(details?.querySelector('h2')), /Selected: #1 \(from #0, round 1\)/);
    assert.match(text(page.root.querySelector('[data-testid=why]')), /change their mind midway/);
    const ins = [...page.root.querySelectorAll('[data-testid=diff] ins')].map((e) => e.textContent).join('');
    assert.match(ins, /For reviews that change their mind, follow the final verdict\./);
    assert.equal(page.root.querySelectorAll('[data-testid=diff] del').length, 0);
    assert.equal(
      text(page.root.querySelector('[data-testid=examples-summary]')),
      'fixed 1 · broke 0 · still failing 0',
    );
  });

  it('shows the failure state with the reason, Retry and Show log', () => {
    const page = openPanel();
    const events: JobEvent[] = [
      ...runEvents().slice(0, 7),
      { type: 'failed', error: 'http://127.0.0.1:9/v1 answered 401 Unauthorized' },
    ];
    page.app.receive({ type: 'snapshot', snapshot: snapshot({ run: runFromEvents(events) }) });
    const banner = page.root.querySelector('[data-testid=banner]');
    assert.match(text(banner), /The run failed: http:\/\/127\.0\.0\.1:9\/v1 answered 401 Unauthorized/);
    assert.match(text(banner), /Kept: best so far #1/);
    click(page, banner?.querySelector('[data-action=rerun]') ?? null);
    click(page, banner?.querySelector('[data-action=showLog]') ?? null);
    // A refused key (401) gets Set API Key in the banner too, as the failure notification has it.
    click(page, banner?.querySelector('[data-action=setApiKey]') ?? null);
    assert.deepEqual(page.api.posted.slice(-3), [
      { type: 'rerun', runId: 'run-1' },
      { type: 'showLog', runId: 'run-1' },
      { type: 'setApiKey' },
    ]);
  });

  it('offers Set API Key only when the endpoint refused the key, not for other failures', () => {
    const page = openPanel();
    const events: JobEvent[] = [
      ...runEvents().slice(0, 7),
      { type: 'failed', error: 'http://127.0.0.1:9/v1 is unreachable (connection refused)' },
    ];
    page.app.receive({ type: 'snapshot', snapshot: snapshot({ run: runFromEvents(events) }) });
    const banner = page.root.querySelector('[data-testid=banner]');
    assert.ok(banner?.querySelector('[data-action=rerun]'));
    assert.equal(banner?.querySelector('[data-action=setApiKey]'), null);
  });

  it('says "Stopped at the budget — best so far kept" when the budget ended the run', () => {
    const page = openPanel();
    const events = runEvents();
    const done = events[events.length - 1] as Extract<JobEvent, { type: 'done' }>;
    events[events.length - 1] = { type: 'done', result: { ...done.result, stopReason: 'budget' } };
    page.app.receive({ type: 'snapshot', snapshot: snapshot({ run: runFromEvents(events) }) });
    assert.match(text(page.root.querySelector('[data-testid=banner]')), /Stopped at the budget — best so far kept/);
  });

  it('switches the diff to side by side with aligned original/candidate columns', () => {
    const page = openPanel();
    page.app.receive({ type: 'snapshot', snapshot: snapshot({ run: runFromEvents(runEvents()) }) });
    click(page, page.root.querySelector('[data-action=diffSplit]'));
    const table = page.root.querySelector('table.diff-split');
    assert.ok(table);
    const lefts = [...table.querySelectorAll('td.left')].map((td) => td.textContent);
    assert.deepEqual(lefts.slice(0, 2), ORIGINAL.split('\n'));
    assert.match(
      [...table.querySelectorAll('td.right ins')].map((e) => e.textContent).join(''),
      /follow the final verdict/,
    );
    assert.equal(table.querySelectorAll('td.left del').length, 0, 'nothing of the original was removed');
  });
});

describe('results panel: chart domains', () => {
  it('charts PMPO scores (−loss, below zero) inside the plot, with no NaN anywhere', () => {
    const page = openPanel();
    const events: JobEvent[] = [
      { type: 'started', runId: 'run-p', method: 'pmpo', at: '2026-11-27T10:00:00.000Z' },
      { type: 'round', round: 2, of: 4 },
      { type: 'candidate', candidate: { ...baseline, score: -2.4, examples: undefined } },
      { type: 'candidate', candidate: { ...improved, score: -1.1, validationScore: -1.3, round: 1 } },
      { type: 'candidate', candidate: { ...improved, id: 3, score: -0.7, round: 2, status: 'scored' } },
    ];
    page.app.receive({ type: 'snapshot', snapshot: snapshot({ run: runFromEvents(events) }) });
    const chart = page.root.querySelector('svg.chart');
    assert.ok(chart);
    const numbers = [...chart.querySelectorAll('*')].flatMap((el) =>
      ['cx', 'cy', 'x', 'y', 'y1', 'y2', 'points']
        .map((a) => el.getAttribute(a))
        .filter((v): v is string => v !== null),
    );
    assert.ok(numbers.length > 10);
    for (const value of numbers) assert.ok(!/NaN|Infinity/.test(value), value);
    for (const dot of chart.querySelectorAll('circle')) {
      const cy = Number(dot.getAttribute('cy'));
      assert.ok(cy >= 10 && cy <= 138, `dot inside the plot (cy=${cy})`);
    }
    assert.match(text(page.root.querySelector('[data-testid=run-status]')), /running round 2\/4/);
    assert.equal(
      chart.querySelectorAll('text.tick').length,
      3 + 3,
      'three score ticks and r0..r2: the rounds that ran, not the 4 planned',
    );
    assert.equal(chart.getAttribute('data-rounds'), '3');
  });
});

describe('results panel: selection, actions, keyboard', () => {
  it('selects a row on click and on Enter, and Accept / Open diff / Copy post the selected candidate', () => {
    const page = openPanel();
    page.app.receive({ type: 'snapshot', snapshot: snapshot({ run: runFromEvents(runEvents()) }) });
    click(page, page.root.querySelector('tr[data-candidate="0"]'));
    assert.match(text(page.root.querySelector('[data-testid=details] h2')), /Baseline/);
    assert.ok(
      page.root.querySelector('[data-action=accept]')?.hasAttribute('disabled'),
      'the baseline cannot be accepted',
    );
    const row1 = page.root.querySelector('tr[data-candidate="1"]') as HTMLElement;
    row1.focus();
    key(page, row1, 'Enter');
    assert.equal(page.app.ui.selectedCandidateId, 1);
    assert.equal(page.doc.activeElement?.getAttribute('data-candidate'), '1', 'focus survives the re-render');
    assert.equal(page.root.querySelector('tr[data-candidate="1"]')?.getAttribute('aria-selected'), 'true');
    click(page, page.root.querySelector('[data-action=accept]'));
    click(page, page.root.querySelector('[data-action=openDiff]'));
    click(page, page.root.querySelector('[data-action=copy]'));
    assert.deepEqual(page.api.posted.slice(-3), [
      { type: 'accept', runId: 'run-1', candidateId: 1 },
      { type: 'openDiff', runId: 'run-1', candidateId: 1 },
      { type: 'copy', runId: 'run-1', candidateId: 1 },
    ]);
  });

  it('moves focus between rows with the arrow keys (one tab stop for the table)', () => {
    const page = openPanel();
    page.app.receive({ type: 'snapshot', snapshot: snapshot({ run: runFromEvents(runEvents()) }) });
    const tabbable = page.root.querySelectorAll('tr[data-candidate][tabindex="0"]');
    assert.equal(tabbable.length, 1);
    const first = tabbable[0] as HTMLElement;
    first.focus();
    key(page, first, 'ArrowDown');
    assert.equal(page.doc.activeElement, first.nextElementSibling);
  });

  it('a rejected candidate cannot be accepted and says why', () => {
    const page = openPanel();
    page.app.receive({ type: 'snapshot', snapshot: snapshot({ run: runFromEvents(runEvents()) }) });
    click(page, page.root.querySelector('tr[data-candidate="2"]'));
    assert.match(
      text(page.root.querySelector('[data-testid=details]')),
      /Rejected before scoring: broke variable \{\{review\}\}/,
    );
    const before = page.api.posted.length;
    click(page, page.root.querySelector('[data-action=accept]'));
    assert.equal(page.api.posted.length, before);
  });

  it('shows the three versions on a conflict and re-sends accept with force only when the user chooses', () => {
    const page = openPanel();
    page.app.receive({ type: 'snapshot', snapshot: snapshot({ run: runFromEvents(runEvents()) }) });
    page.app.receive({
      type: 'acceptConflict',
      conflict: {
        runId: 'run-1',
        candidateId: 1,
        original: ORIGINAL,
        current: 'Edited by hand.',
        candidate: 'New text',
      },
    });
    assert.equal(text(page.root.querySelector('[data-testid=conflict-current]')), 'Edited by hand.');
    assert.equal(text(page.root.querySelector('[data-testid=conflict-original]')), ORIGINAL.replace('\n', ' '));
    click(page, page.root.querySelector('[data-action=forceAccept]'));
    assert.deepEqual(page.api.posted.at(-1), {
      type: 'accept',
      runId: 'run-1',
      candidateId: 1,
      force: true,
      expectedCurrent: 'Edited by hand.',
    });
    page.app.receive({ type: 'acceptResult', runId: 'run-1', candidateId: 1, outcome: 'applied' });
    assert.equal(page.root.querySelector('[data-testid=conflict]'), null);
    assert.match(text(page.root.querySelector('[data-testid=notice]')), /Accepted #1/);
    assert.match(text(page.root.querySelector('tr[data-candidate="1"]')), /accepted/);
  });

  it('Keep the current file dismisses the conflict without posting', () => {
    const page = openPanel();
    page.app.receive({ type: 'snapshot', snapshot: snapshot({ run: runFromEvents(runEvents()) }) });
    page.app.receive({
      type: 'acceptConflict',
      conflict: { runId: 'run-1', candidateId: 1, original: 'a', current: 'b', candidate: 'c' },
    });
    const before = page.api.posted.length;
    click(page, page.root.querySelector('[data-action=keepCurrent]'));
    assert.equal(page.api.posted.length, before);
    assert.equal(page.root.querySelector('[data-testid=conflict]'), null);
  });

  it('a new run (started event) takes over the panel; Cancel posts its id', () => {
    const page = openPanel();
    page.app.receive({ type: 'snapshot', snapshot: snapshot({ run: runFromEvents(runEvents()) }) });
    page.app.receive({
      type: 'jobEvent',
      runId: 'run-2',
      event: { type: 'started', runId: 'run-2', method: 'spo', at: '2026-11-27T11:00:00.000Z' },
    });
    assert.match(text(page.root.querySelector('.title')), /SPO · starting/);
    click(page, page.root.querySelector('[data-action=cancel]'));
    assert.deepEqual(page.api.posted.at(-1), { type: 'cancel', runId: 'run-2' });
    assert.equal(page.root.querySelectorAll('.history-list li').length, 1, 'the new run appears in history');
  });
});
