import { strict as assert } from 'node:assert';
import { runFromEvents, summarizeRun, type RunView } from '../../../src/protocol';
import { restoreUiState } from '../../../webview/state';
import { click, openPanel, text } from './harness';
import { runEvents, snapshot } from './fixtures';

const live = runFromEvents(runEvents()) as RunView;
const older: RunView = {
  ...live,
  runId: 'run-0',
  method: 'spo',
  startedAt: '2026-11-26T17:02:00.000Z',
  accepted: [{ candidateId: 1, at: '2026-11-26T17:10:00.000Z' }],
};
const history = [summarizeRun(live), summarizeRun(older)];

describe('results panel: state survives hide/show and reload', () => {
  it('persists only UI choices and restores them in a re-created webview', () => {
    const first = openPanel();
    first.app.receive({ type: 'snapshot', snapshot: snapshot({ run: live, history }) });
    click(first, first.root.querySelector('tr[data-candidate="0"]'));
    click(first, first.root.querySelector('[data-action=diffSplit]'));
    click(first, first.root.querySelector('[data-action=toggleExamples]'));
    const saved = first.api.state as Record<string, unknown>;
    assert.deepEqual(saved, {
      version: 1,
      diffMode: 'split',
      showExamples: true,
      selectedCandidateId: 0,
      promptUri: 'file:///ws/reviews.prompt.yml',
    });
    assert.ok(!JSON.stringify(saved).includes('Classify'), 'no run data in webview state');

    const second = openPanel(saved);
    second.app.receive({ type: 'snapshot', snapshot: snapshot({ run: live, history }) });
    assert.match(text(second.root.querySelector('[data-testid=details] h2')), /Baseline/);
    assert.ok(second.root.querySelector('table.diff-split'));
    assert.ok(second.root.querySelector('.examples-table'));
  });

  it('reopens a history run (asking the host for its data) and compares two runs', () => {
    const page = openPanel();
    page.app.receive({ type: 'snapshot', snapshot: snapshot({ run: live, history }) });
    assert.match(text(page.root.querySelector('.history')), /2026-11-26 17:02 SPO 0\.40→0\.90 0–1 · accepted #1/);
    click(page, page.root.querySelector('[data-action=openRun][data-run="run-0"]'));
    assert.deepEqual(page.api.posted.at(-1), { type: 'loadRun', runId: 'run-0', purpose: 'show' });
    page.app.receive({ type: 'runLoaded', purpose: 'show', run: older });
    assert.match(text(page.root.querySelector('.title')), /SPO/);
    assert.ok(page.root.querySelector('[data-action=showLatest]'));
    assert.equal((page.api.state as { shownRunId?: string }).shownRunId, 'run-0');

    // After a reload the host is asked again for the history run on display.
    const again = openPanel(page.api.state);
    again.app.receive({ type: 'snapshot', snapshot: snapshot({ run: live, history }) });
    assert.deepEqual(again.api.posted.at(-2), { type: 'loadRun', runId: 'run-0', purpose: 'show' });

    click(page, page.root.querySelector('[data-action=compareRun][data-run="run-1"]'));
    assert.ok(page.root.querySelector('[data-testid=compare]'), 'run-1 is known, so compare shows at once');
    const methodRow = [...page.root.querySelectorAll('.compare-table tbody tr')][0];
    assert.deepEqual(
      [...methodRow.children].map((c) => c.textContent),
      ['method', 'SPO', 'APO'],
    );
    click(page, page.root.querySelector('[data-action=closeCompare]'));
    assert.equal(page.root.querySelector('[data-testid=compare]'), null);
  });

  it('ignores malformed persisted state and foreign messages', () => {
    assert.deepEqual(restoreUiState({ diffMode: 'sideways', selectedCandidateId: 'x', showExamples: 1 }), {
      version: 1,
      diffMode: 'inline',
      showExamples: false,
    });
    const page = openPanel('garbage');
    page.app.receive({ type: 'nonsense' });
    page.app.receive(null);
    assert.equal(page.root.children.length, 0);
  });
});
