/**
 * The candidates table: native <table> rows, one focusable row at a time (roving tabindex: arrows move, Enter or
 * Space selects), because a real table reads well in screen readers and works without custom elements.
 */
import type { CandidateView, RunView } from '../../src/protocol';
import { baselineOf, bestIdOf, candidateDelta, scoreMeaning } from '../../src/protocol';
import { h } from '../dom';
import { DASH, formatCost, formatCount, formatDelta, formatScore } from '../format';
import type { RenderContext } from './context';

export function candidateStatusText(run: RunView, c: CandidateView, bestId: number | undefined): string {
  if (c.status === 'rejected') return `✗ rejected${c.rejectedReason ? `: ${c.rejectedReason}` : ''}`;
  const tags: string[] = [];
  if (c.id === 0) tags.push('baseline');
  const acceptance = [...run.accepted].reverse().find((a) => a.candidateId === c.id);
  if (acceptance) tags.push(acceptance.undoneAt ? 'undone' : 'accepted');
  if (c.id === bestId && c.id !== 0) tags.push('best');
  else if (c.status === 'beam' || run.beam?.includes(c.id)) tags.push('beam');
  else if (c.id !== 0) tags.push(c.status);
  return tags.join(' · ');
}

/** Display order: scored by score (high first), then unscored, then rejected; ties by id. */
export function orderCandidates(list: readonly CandidateView[]): CandidateView[] {
  const rank = (c: CandidateView) => (c.status === 'rejected' ? 2 : c.score === undefined ? 1 : 0);
  return list.slice().sort((a, b) => rank(a) - rank(b) || (b.score ?? 0) - (a.score ?? 0) || a.id - b.id);
}

/** Column labels and class keys; CSS hides the less important ones when the table is narrow. */
const COLUMNS: [string, string][] = [
  ['#', 'id'],
  ['score', 'score'],
  ['Δ', 'delta'],
  ['held-out', 'heldout'],
  ['tokens', 'tokens'],
  ['cost', 'cost'],
  ['parent', 'parent'],
  ['status', 'status'],
];

export function renderCandidates(ctx: RenderContext, run: RunView): HTMLElement {
  const { doc } = ctx;
  const baseline = baselineOf(run);
  const bestId = bestIdOf(run);
  const head = h(
    doc,
    'thead',
    {},
    h(
      doc,
      'tr',
      {},
      ...COLUMNS.map(([label, key], i) =>
        h(
          doc,
          'th',
          {
            scope: 'col',
            class: `col-${key}${i >= 1 && i <= 5 ? ' num' : ''}`,
            // The score's meaning and unit differ by method (0–1 test score; PMPO: −loss in nats/token).
            title: key === 'score' ? scoreMeaning(run.method).description : undefined,
          },
          key === 'score' && run.method === 'pmpo' ? 'score (−loss, nats/token)' : label,
        ),
      ),
    ),
  );
  const body = h(doc, 'tbody');
  const ordered = orderCandidates(run.candidates);
  const focusId = ctx.selectedId ?? ordered[0]?.id;
  for (const c of ordered) {
    const selected = c.id === ctx.selectedId;
    const rejected = c.status === 'rejected';
    const row = h(
      doc,
      'tr',
      {
        class: [
          'row',
          selected ? 'selected' : '',
          rejected ? 'rejected' : '',
          c.status === 'dropped' ? 'dropped' : '',
          c.id === bestId ? 'best' : '',
        ]
          .filter(Boolean)
          .join(' '),
        tabindex: c.id === focusId ? 0 : -1,
        'aria-selected': selected ? 'true' : 'false',
        'data-action': 'select',
        'data-candidate': c.id,
        'data-focus-key': `row:${c.id}`,
      },
      h(doc, 'td', { class: 'col-id id' }, c.id === bestId ? `★ ${c.id}` : String(c.id)),
      h(doc, 'td', { class: 'col-score num' }, rejected ? DASH : formatScore(c.score)),
      h(
        doc,
        'td',
        { class: 'col-delta num' },
        c.id === 0 || rejected ? DASH : formatDelta(candidateDelta(c, baseline)),
      ),
      h(doc, 'td', { class: 'col-heldout num' }, formatScore(c.validationScore)),
      h(doc, 'td', { class: 'col-tokens num' }, formatCount(c.tokens)),
      h(doc, 'td', { class: 'col-cost num' }, formatCost(c.costUsd)),
      h(doc, 'td', { class: 'col-parent' }, c.parent === null ? DASH : `#${c.parent}`),
      h(doc, 'td', { class: 'col-status status-cell' }, candidateStatusText(run, c, bestId)),
    );
    body.append(row);
  }
  if (ordered.length === 0) {
    body.append(h(doc, 'tr', {}, h(doc, 'td', { colspan: 8, class: 'muted' }, 'Waiting for the first candidate…')));
  }
  return h(
    doc,
    'section',
    { class: 'candidates', 'aria-label': 'candidates' },
    h(doc, 'h2', {}, `Candidates (${run.candidates.filter((c) => c.id !== 0).length})`),
    h(
      doc,
      'div',
      { class: 'table-wrap', 'data-scroll-key': 'candidates' },
      h(doc, 'table', { class: 'grid', role: 'grid', 'aria-label': 'candidates; Enter selects' }, head, body),
    ),
  );
}
