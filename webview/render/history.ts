// Past runs of this prompt (reopenable) and the comparison of two runs.
import type { RunSummaryView, RunView } from '../../src/protocol';
import { scoreMeaning, summarizeRun } from '../../src/protocol';
import { h } from '../dom';
import { formatCost, formatCount, formatScore, formatTime } from '../format';
import type { RenderContext } from './context';
import { renderInlineDiff } from './diff-view';

/** A score with its method's unit, so no line or cell shows a bare number of an unknown scale. */
export function scoreWithUnit(method: RunView['method'], score: number | undefined): string {
  return score === undefined ? formatScore(score) : `${formatScore(score)} ${scoreMeaning(method).unit}`;
}

export function historyLabel(s: RunSummaryView): string {
  // Each line carries its method's unit: APO/SPO scores (0–1) and PMPO's −loss (nats/token) are different scales.
  const parts = [
    `${formatTime(s.startedAt)} ${s.method.toUpperCase()} ${formatScore(s.baselineScore)}→${formatScore(s.bestScore)}` +
      ` ${scoreMeaning(s.method).unit}`,
  ];
  if (s.status !== 'done') parts.push(s.status === 'budget' ? 'budget' : s.status);
  if (s.acceptedCandidateIds.length) parts.push(`accepted ${s.acceptedCandidateIds.map((id) => `#${id}`).join(', ')}`);
  const undone = (s.undoneCandidateIds ?? []).filter((id) => !s.acceptedCandidateIds.includes(id));
  if (undone.length) parts.push(`undone ${undone.map((id) => `#${id}`).join(', ')}`);
  return parts.join(' · ');
}

export function renderHistory(ctx: RenderContext): HTMLElement | null {
  const { doc, snapshot, run } = ctx;
  if (snapshot.history.length === 0) return null;
  const list = h(doc, 'ul', { class: 'history-list' });
  for (const s of snapshot.history) {
    const showing = s.runId === run?.runId;
    list.append(
      h(
        doc,
        'li',
        { class: showing ? 'showing' : undefined, 'data-run': s.runId },
        h(
          doc,
          'button',
          {
            type: 'button',
            class: 'link',
            'data-action': 'openRun',
            'data-run': s.runId,
            'data-focus-key': `open:${s.runId}`,
            'aria-current': showing ? 'true' : undefined,
          },
          historyLabel(s),
        ),
        showing
          ? h(doc, 'span', { class: 'muted' }, ' (showing)')
          : h(
              doc,
              'button',
              {
                type: 'button',
                class: 'link small',
                'data-action': 'compareRun',
                'data-run': s.runId,
                'data-focus-key': `compare:${s.runId}`,
                title: 'Compare with the run on display',
              },
              'compare',
            ),
      ),
    );
  }
  return h(doc, 'section', { class: 'history', 'aria-label': 'history' }, h(doc, 'h2', {}, 'History'), list);
}

export function renderCompare(ctx: RenderContext, a: RunView, b: RunView): HTMLElement {
  const { doc } = ctx;
  const sa = summarizeRun(a);
  const sb = summarizeRun(b);
  const rows: [string, (s: RunSummaryView, r: RunView) => string][] = [
    ['method', (s) => s.method.toUpperCase()],
    // Each score cell carries its unit: two runs of different methods are on different scales.
    ['baseline', (s) => scoreWithUnit(s.method, s.baselineScore)],
    ['best', (s) => scoreWithUnit(s.method, s.bestScore)],
    ['held-out', (s) => scoreWithUnit(s.method, s.bestValidationScore)],
    ['candidates', (s) => String(s.candidates)],
    ['calls', (_s, r) => formatCount(r.used?.calls)],
    ['cost', (_s, r) => formatCost(r.used?.costUsd)],
  ];
  const bestPrompt = (r: RunView) =>
    r.result?.best.prompt ?? r.candidates.find((c) => c.id === r.incumbent?.id)?.prompt ?? '';
  return h(
    doc,
    'section',
    { class: 'compare', 'aria-label': 'compare runs', 'data-testid': 'compare' },
    h(
      doc,
      'div',
      { class: 'diff-head' },
      h(doc, 'h2', {}, 'Compare runs'),
      h(
        doc,
        'button',
        { type: 'button', class: 'link', 'data-action': 'closeCompare', 'data-focus-key': 'closeCompare' },
        'close',
      ),
    ),
    h(
      doc,
      'table',
      { class: 'compare-table' },
      h(
        doc,
        'thead',
        {},
        h(
          doc,
          'tr',
          {},
          h(doc, 'th', {}, ''),
          h(doc, 'th', { scope: 'col' }, formatTime(a.startedAt)),
          h(doc, 'th', { scope: 'col' }, formatTime(b.startedAt)),
        ),
      ),
      h(
        doc,
        'tbody',
        {},
        ...rows.map(([label, get]) =>
          h(
            doc,
            'tr',
            {},
            h(doc, 'th', { scope: 'row' }, label),
            h(doc, 'td', {}, get(sa, a)),
            h(doc, 'td', {}, get(sb, b)),
          ),
        ),
      ),
    ),
    scoreMeaning(a.method).unit !== scoreMeaning(b.method).unit
      ? h(
          doc,
          'p',
          { class: 'muted', 'data-testid': 'compare-scales' },
          `${sa.method.toUpperCase()} and ${sb.method.toUpperCase()} score on different scales: compare each run with its own baseline, not the two scores.`,
        )
      : null,
    h(doc, 'h3', {}, `Best prompts: ${formatTime(b.startedAt)} → ${formatTime(a.startedAt)}`),
    renderInlineDiff(doc, bestPrompt(b), bestPrompt(a)),
  );
}
