/**
 * What the CLI prints after a run, in the panel: why it stopped, the winner it could not verify, the held-out sample
 * and its scores, and the plan (calls per phase) the budget was fitted to.
 */
import type { RunView } from '../../src/protocol';
import { baselineOf, scoreMeaning } from '../../src/protocol';
import { h } from '../dom';
import { formatScore } from '../format';
import type { RenderContext } from './context';

/** The finished run's lines, plain words (each becomes one paragraph). */
export function summaryLines(run: RunView): { key: string; text: string }[] {
  const r = run.result;
  const lines: { key: string; text: string }[] = [];
  if (r && run.status !== 'running')
    lines.push({ key: 'stop', text: `Stopped: ${(r.stopMessage ?? r.stopReason).replace(/\.$/, '')}.` });
  if (r?.unverified)
    lines.push({
      key: 'unverified',
      text:
        `Candidate #${r.unverified.id} (score ${formatScore(r.unverified.score)}) led the search but was not ` +
        'verified: the run stopped before it could be re-scored against the original, so nothing from it is applied.',
    });
  if (r?.heldOut) {
    const unit = run.method === 'pmpo' ? ` ${scoreMeaning(run.method).unit}` : '';
    const baseline = r.baseline.validationScore ?? baselineOf(run)?.validationScore;
    const best = r.best.validationScore;
    const scores =
      baseline !== undefined
        ? `: original ${formatScore(baseline)}${best !== undefined && r.best.id !== 0 ? ` → best ${formatScore(best)}` : ''}${unit}`
        : '';
    lines.push({
      key: 'heldout',
      text:
        (r.heldOut.rows < r.heldOut.of
          ? `Held-out: a seeded sample of ${r.heldOut.rows} of ${r.heldOut.of} rows the search never saw`
          : `Held-out: all ${r.heldOut.of} rows the search never saw`) + `${scores}.`,
    });
  }
  return lines;
}

export function renderRunSummary(ctx: RenderContext, run: RunView): HTMLElement | null {
  const { doc } = ctx;
  const lines = summaryLines(run);
  const plan = run.estimate?.plan?.lines ?? [];
  if (lines.length === 0 && plan.length === 0) return null;
  return h(
    doc,
    'section',
    { class: 'run-summary', 'aria-label': 'run summary', 'data-testid': 'run-summary' },
    ...lines.map((l) => h(doc, 'p', { class: `summary-${l.key}`, 'data-testid': `summary-${l.key}` }, l.text)),
    plan.length
      ? h(
          doc,
          'details',
          { class: 'plan', 'data-testid': 'plan' },
          h(doc, 'summary', {}, 'Plan: calls per phase, fitted to the budget'),
          h(doc, 'ul', {}, ...plan.map((line) => h(doc, 'li', {}, line))),
        )
      : null,
  );
}
