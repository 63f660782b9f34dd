/**
 * The candidates table: one row per distinct text (whitespace-only duplicates merged, their ids kept as lineage), with
 * the reason for each status and what scoring it spent. Native <table> rows, one focusable row at a time (roving
 * tabindex: arrows move, Enter or Space selects), because a real table reads well in screen readers.
 */
import type { DistinctCandidate, RunView } from '../../src/protocol';
import {
  baselineOf,
  bestIdOf,
  candidateDelta,
  candidateReason,
  distinctCandidates,
  lineageText,
  scoreMeaning,
} from '../../src/protocol';
import { h } from '../dom';
import { DASH, formatCount, formatDelta, formatKnownCost, formatScore } from '../format';
import type { RenderContext } from './context';

/** Display order: scored by score (high first), then unscored, then rejected; ties by id. */
export function orderDistinct(list: readonly DistinctCandidate[]): DistinctCandidate[] {
  const rank = ({ candidate: c }: DistinctCandidate) => (c.status === 'rejected' ? 2 : c.score === undefined ? 1 : 0);
  return list
    .slice()
    .sort(
      (a, b) =>
        rank(a) - rank(b) || (b.candidate.score ?? 0) - (a.candidate.score ?? 0) || a.candidate.id - b.candidate.id,
    );
}

/** The run's candidates as the table shows them: distinct, best first. */
export function tableEntries(run: RunView): DistinctCandidate[] {
  return orderDistinct(distinctCandidates(run.candidates, bestIdOf(run)));
}

/** Column labels and class keys; CSS hides the less important ones when the table is narrow. */
const COLUMNS: [string, string, string?][] = [
  ['#', 'id'],
  ['score', 'score'],
  ['Δ', 'delta', 'change against the original'],
  ['held-out', 'heldout', 'score on rows the search never saw'],
  [
    'tokens',
    'tokens',
    'tokens spent on it, sent + received: scoring it on the test rows (and their judges) and asking the optimizer to improve it',
  ],
  ['cost', 'cost', 'USD spent on it (as for tokens); — when a model’s price is unknown'],
  ['calls', 'calls', 'model calls spent on it (as for tokens; answers from the cache counted apart)'],
  ['status', 'status', 'what happened to it, and why'],
];
const NUMERIC = new Set(['score', 'delta', 'heldout', 'tokens', 'cost', 'calls']);

function tokensText(d: DistinctCandidate): string {
  if (!d.usage) return formatCount(d.tokens);
  return `${formatCount(d.usage.promptTokens)} + ${formatCount(d.usage.completionTokens)}`;
}

function callsText(d: DistinctCandidate): string {
  if (!d.usage) return DASH;
  return formatCount(d.usage.calls) + (d.usage.cachedCalls ? ` (+${formatCount(d.usage.cachedCalls)} cached)` : '');
}

function headerRow(doc: Document, run: RunView): HTMLElement {
  return h(
    doc,
    'tr',
    {},
    ...COLUMNS.map(([label, key, title]) =>
      h(
        doc,
        'th',
        {
          scope: 'col',
          class: `col-${key}${NUMERIC.has(key) ? ' num' : ''}`,
          // The score's meaning and unit differ by method (0–1 test score; PMPO: −loss in nats/token).
          title: key === 'score' ? scoreMeaning(run.method).description : title,
        },
        key === 'score' && run.method === 'pmpo' ? 'score (−loss, nats/token)' : label,
      ),
    ),
  );
}

function statusCell(doc: Document, run: RunView, d: DistinctCandidate, bestId: number | undefined): HTMLElement {
  const c = d.candidate;
  const lineage = lineageText(d);
  const parent = c.parent === null ? undefined : `from #${c.parent}, round ${c.round}`;
  return h(
    doc,
    'td',
    { class: 'col-status status-cell', 'data-testid': 'reason' },
    h(doc, 'span', { class: 'reason' }, candidateReason(run, c, bestId)),
    parent || lineage
      ? h(doc, 'span', { class: 'lineage muted' }, [parent, lineage].filter(Boolean).join(' · '))
      : null,
  );
}

/** The row that lists or hides the dropped candidates. */
function foldRow(doc: Document, hidden: number, foldable: number): HTMLElement {
  return h(
    doc,
    'tr',
    { class: 'fold-row' },
    h(
      doc,
      'td',
      { colspan: COLUMNS.length },
      h(
        doc,
        'button',
        {
          type: 'button',
          class: 'link',
          'data-action': 'toggleAllCandidates',
          'data-focus-key': 'toggleAllCandidates',
          'data-testid': 'fold',
          'aria-expanded': hidden ? 'false' : 'true',
        },
        hidden ? `Show ${foldable} dropped, each with why it was dropped` : `Hide the ${foldable} dropped`,
      ),
    ),
  );
}

export function renderCandidates(ctx: RenderContext, run: RunView): HTMLElement {
  const { doc } = ctx;
  const baseline = baselineOf(run);
  const bestId = bestIdOf(run);
  const body = h(doc, 'tbody');
  const entries = tableEntries(run);
  const holds = (d: DistinctCandidate, id: number | undefined) =>
    id !== undefined && (d.candidate.id === id || d.duplicates.some((x) => x.id === id));
  const focusId = entries.find((d) => holds(d, ctx.selectedId))?.candidate.id ?? entries[0]?.candidate.id;
  // A short list by default: what is still in the running (and the rejected, which say what a rewrite broke); the
  // dropped, each with its reason, on request.
  const folded = (d: DistinctCandidate) =>
    d.candidate.status === 'dropped' &&
    d.candidate.id !== bestId &&
    !holds(d, ctx.selectedId) &&
    !run.accepted.some((a) => holds(d, a.candidateId));
  const hidden = ctx.ui.showAllCandidates ? 0 : entries.filter(folded).length;
  const shown = hidden ? entries.filter((d) => !folded(d)) : entries;
  for (const d of shown) {
    const c = d.candidate;
    const selected = holds(d, ctx.selectedId);
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
        'data-duplicates': d.duplicates.length ? d.duplicates.map((x) => x.id).join(' ') : undefined,
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
      h(doc, 'td', { class: 'col-tokens num' }, tokensText(d)),
      h(doc, 'td', { class: 'col-cost num' }, formatKnownCost(d.costUsd)),
      h(doc, 'td', { class: 'col-calls num' }, callsText(d)),
      statusCell(doc, run, d, bestId),
    );
    body.append(row);
  }
  const foldable = entries.filter(folded).length;
  if (foldable) body.append(foldRow(doc, hidden, foldable));
  if (entries.length === 0) {
    body.append(
      h(doc, 'tr', {}, h(doc, 'td', { colspan: COLUMNS.length, class: 'muted' }, 'Waiting for the first candidate…')),
    );
  }
  const proposed = run.candidates.filter((c) => c.id !== 0).length;
  const distinct = entries.filter((d) => d.candidate.id !== 0).length;
  return h(
    doc,
    'section',
    { class: 'candidates', 'aria-label': 'candidates' },
    h(
      doc,
      'h2',
      { title: 'Prompts that differ only in whitespace are one row; the row lists the other ids it was proposed as' },
      `Candidates (${distinct}${distinct < proposed ? ` distinct of ${proposed} proposed` : ''})`,
    ),
    h(
      doc,
      'div',
      { class: 'table-wrap', 'data-scroll-key': 'candidates' },
      h(
        doc,
        'table',
        { class: 'grid', role: 'grid', 'aria-label': 'candidates; Enter selects' },
        h(doc, 'thead', {}, headerRow(doc, run)),
        body,
      ),
    ),
  );
}
