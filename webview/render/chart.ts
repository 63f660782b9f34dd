/**
 * The score chart over rounds, as inline SVG built node by node: best-so-far line (solid), candidate dots, the
 * baseline (dashed) and the winner's held-out score (diamond). Colours come from CSS classes (theme variables).
 */
import type { RunView } from '../../src/protocol';
import { baselineOf, bestIdOf } from '../../src/protocol';
import { h, svg } from '../dom';
import { formatScore } from '../format';
import type { RenderContext } from './context';

const W = 600;
const H = 160;
const M = { left: 40, right: 14, top: 10, bottom: 22 };

interface Domain {
  lo: number;
  hi: number;
}

function yDomain(values: number[]): Domain {
  if (values.length === 0) return { lo: 0, hi: 1 };
  let lo = Math.min(...values);
  let hi = Math.max(...values);
  if (lo >= 0 && hi <= 1) return { lo: 0, hi: 1 };
  if (lo === hi) {
    lo -= 0.5;
    hi += 0.5;
  }
  const pad = (hi - lo) * 0.08;
  return { lo: lo - pad, hi: hi + pad };
}

/**
 * The last round that ran: the highest round a scored candidate or a finished round belongs to, and while running the
 * round in progress (never the planned total).
 */
export function roundsRan(run: RunView, scored: readonly { round: number }[]): number {
  return Math.max(
    0,
    ...scored.map((c) => c.round),
    ...(run.result?.rounds ?? []).map((r) => r.round),
    run.status === 'running' ? (run.round?.round ?? 0) : 0,
  );
}

export function renderChart(ctx: RenderContext, run: RunView): HTMLElement | null {
  const { doc } = ctx;
  const scored = run.candidates.filter((c) => c.score !== undefined && c.status !== 'rejected');
  if (scored.length === 0) return null;
  const baseline = baselineOf(run);
  const bestId = bestIdOf(run);
  const best = run.candidates.find((c) => c.id === bestId);
  const heldOut = run.result?.best.validationScore ?? best?.validationScore;
  const lastRound = roundsRan(run, scored);
  // The x axis ends at the last round that ran: planned rounds that never ran (an early stop, the budget) are not drawn.
  const maxRound = Math.max(1, lastRound);
  const values = scored.map((c) => c.score as number);
  if (baseline?.score !== undefined) values.push(baseline.score);
  if (heldOut !== undefined) values.push(heldOut);
  const domain = yDomain(values);
  const x = (round: number) => M.left + (round / maxRound) * (W - M.left - M.right);
  const y = (score: number) => M.top + (1 - (score - domain.lo) / (domain.hi - domain.lo)) * (H - M.top - M.bottom);

  const root = svg(doc, 'svg', {
    class: 'chart',
    viewBox: `0 0 ${W} ${H}`,
    role: 'img',
    // Rounds on the x axis (r0 … the last that ran), for tests and assistive tools.
    'data-rounds': lastRound + 1,
    'aria-label': `Score over rounds: baseline ${formatScore(baseline?.score)}, best ${formatScore(best?.score)}`,
  });
  // Axes and ticks.
  root.append(svg(doc, 'line', { class: 'axis', x1: M.left, y1: M.top, x2: M.left, y2: H - M.bottom }));
  root.append(svg(doc, 'line', { class: 'axis', x1: M.left, y1: H - M.bottom, x2: W - M.right, y2: H - M.bottom }));
  for (const tick of [domain.lo, (domain.lo + domain.hi) / 2, domain.hi]) {
    root.append(
      svg(
        doc,
        'text',
        { class: 'tick', x: M.left - 6, y: y(tick) + 4, 'text-anchor': 'end' },
        tick.toFixed(tick === 0 || tick === 1 ? 1 : 2),
      ),
    );
  }
  const step = Math.max(1, Math.ceil(maxRound / 10));
  for (let r = 0; r <= lastRound; r += step) {
    root.append(svg(doc, 'text', { class: 'tick', x: x(r), y: H - 6, 'text-anchor': 'middle' }, `r${r}`));
  }
  if (baseline?.score !== undefined) {
    root.append(
      svg(
        doc,
        'line',
        {
          class: 'baseline-line',
          x1: M.left,
          x2: W - M.right,
          y1: y(baseline.score),
          y2: y(baseline.score),
        },
        svg(doc, 'title', {}, `baseline ${formatScore(baseline.score)}`),
      ),
    );
  }
  // Best so far after each round.
  const points: string[] = [];
  let running = -Infinity;
  for (let r = 0; r <= maxRound; r++) {
    for (const c of scored) if (c.round === r) running = Math.max(running, c.score as number);
    if (running > -Infinity && r <= lastRound) {
      points.push(`${x(r).toFixed(1)},${y(running).toFixed(1)}`);
    }
  }
  if (points.length > 1) root.append(svg(doc, 'polyline', { class: 'best-line', points: points.join(' ') }));
  // Candidate dots, spread a little within a round so they do not hide each other.
  const byRound = new Map<number, number>();
  for (const c of scored) {
    const sameRound = scored.filter((o) => o.round === c.round);
    const k = byRound.get(c.round) ?? 0;
    byRound.set(c.round, k + 1);
    const dx = Math.max(-12, Math.min(12, (k - (sameRound.length - 1) / 2) * 3));
    const classes = ['dot', c.id === bestId ? 'dot-best' : '', c.id === 0 ? 'dot-baseline' : '']
      .filter(Boolean)
      .join(' ');
    root.append(
      svg(
        doc,
        'circle',
        {
          class: classes,
          cx: (x(c.round) + dx).toFixed(1),
          cy: y(c.score as number).toFixed(1),
          r: c.id === bestId ? 4.5 : 3.2,
          'data-candidate': c.id,
        },
        svg(doc, 'title', {}, `#${c.id} round ${c.round}: ${formatScore(c.score)}`),
      ),
    );
  }
  if (heldOut !== undefined && best) {
    const cx = x(best.round) + 10;
    const cy = y(heldOut);
    root.append(
      svg(
        doc,
        'polygon',
        {
          class: 'heldout',
          points: `${cx},${cy - 5} ${cx + 5},${cy} ${cx},${cy + 5} ${cx - 5},${cy}`,
        },
        svg(doc, 'title', {}, `held-out ${formatScore(heldOut)}`),
      ),
    );
  }
  const legend = h(
    doc,
    'div',
    { class: 'legend', 'aria-hidden': 'true' },
    h(doc, 'span', { class: 'key key-best' }, 'best'),
    h(doc, 'span', { class: 'key key-dot' }, 'candidates'),
    h(doc, 'span', { class: 'key key-baseline' }, 'baseline'),
    heldOut !== undefined ? h(doc, 'span', { class: 'key key-heldout' }, 'held-out') : null,
  );
  return h(doc, 'section', { class: 'chart-section', 'aria-label': 'score chart' }, root, legend);
}
