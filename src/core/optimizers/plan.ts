/**
 * Fitting a method's plan to the user's budget (issue 13). Each method gives its call formula (`estimate`, with the
 * calls it reserves for verification and the proposals it makes) and a ladder of ever smaller settings
 * (`planSteps`); the fitter keeps the paper's defaults when they fit and otherwise walks the ladder to the first
 * step that fits, then states the plan in plain words. A new method adds its own ladder; nothing here changes.
 */
import type { Budget, Estimate, JobSpec, PlanSummary } from '../jobs/types';
import { DEFAULT_JOB_CONCURRENCY } from '../jobs/types';
import type { SplitInfo } from './types';

/** A ladder step: upper bounds for numeric parameters (never raises one; keys the user set stay as set). */
export type PlanStep<P> = Partial<Record<keyof P, number>>;

/** Fewer proposals than this is not a useful optimization (gepa#375: one proposal looked like a success). */
export const MIN_USEFUL_PROPOSALS = 3;

/** A time budget is converted into calls with this wall time per call (a guess; stated in the plan). */
export const ASSUMED_SECONDS_PER_CALL = 2;

export interface Planner<P> {
  estimate(spec: JobSpec, params: P, split: SplitInfo): Estimate;
  planSteps: PlanStep<P>[];
}

/** The calls a budget affords, and how that number was found; undefined when the budget has no limit. */
export function affordableCalls(
  budget: Budget,
  perCall: { tokens?: number; usd?: number | null },
  concurrency: number,
): { calls: number; basis: string } | undefined {
  const options: { calls: number; basis: string }[] = [];
  if (budget.calls !== undefined) options.push({ calls: budget.calls, basis: `${budget.calls} calls` });
  if (budget.tokens !== undefined && perCall.tokens)
    options.push({
      calls: Math.floor(budget.tokens / perCall.tokens),
      basis: `${budget.tokens} tokens at ≈${Math.round(perCall.tokens)} tokens per call`,
    });
  if (budget.usd !== undefined && perCall.usd)
    options.push({
      calls: Math.floor(budget.usd / perCall.usd),
      basis: `$${budget.usd} at ≈$${perCall.usd.toPrecision(2)} per call`,
    });
  if (budget.seconds !== undefined)
    options.push({
      calls: Math.floor((budget.seconds * Math.max(1, concurrency)) / ASSUMED_SECONDS_PER_CALL),
      basis: `${budget.seconds} s at an assumed ${ASSUMED_SECONDS_PER_CALL} s per call and ${concurrency} at once`,
    });
  if (!options.length) return undefined;
  return options.reduce((a, b) => (b.calls < a.calls ? b : a));
}

function applyStep<P>(params: P, step: PlanStep<P>, pinned: ReadonlySet<string>): P {
  const next = { ...params } as Record<string, unknown>;
  for (const [key, bound] of Object.entries(step) as [string, number][]) {
    if (pinned.has(key) || typeof next[key] !== 'number') continue;
    next[key] = Math.min(next[key] as number, bound);
  }
  return next as P;
}

function changesBetween<P>(from: P, to: P): string[] {
  const a = from as Record<string, unknown>;
  const b = to as Record<string, unknown>;
  return Object.keys(b)
    .filter((k) => a[k] !== b[k])
    .map((k) => `${k} ${String(a[k])}→${String(b[k])}`);
}

export interface Fitted<P> {
  params: P;
  estimate: Estimate;
}

/**
 * The largest plan on the ladder whose calls (search + reserved verification) fit the budget. `perCall` converts
 * token, USD and time budgets into calls (from the default plan's own estimate). Keys in `pinned` are never changed.
 */
export function fitPlan<P>(
  planner: Planner<P>,
  spec: JobSpec,
  params: P,
  split: SplitInfo,
  opts: { pinned: ReadonlySet<string>; perCall: (e: Estimate) => { tokens?: number; usd?: number | null } },
): Fitted<P> {
  const first = planner.estimate(spec, params, split);
  const afford = affordableCalls(spec.budget, opts.perCall(first), spec.concurrency ?? DEFAULT_JOB_CONCURRENCY);
  const levels: { params: P; estimate: Estimate }[] = [{ params, estimate: first }];
  for (const step of planner.planSteps) {
    const next = applyStep(levels[levels.length - 1].params, step, opts.pinned);
    if (changesBetween(levels[levels.length - 1].params, next).length === 0) continue;
    levels.push({ params: next, estimate: planner.estimate(spec, next, split) });
  }
  const chosen = afford
    ? (levels.find((l) => l.estimate.calls <= afford.calls) ?? levels[levels.length - 1])
    : levels[0];
  const useful = levels.filter((l) => (l.estimate.proposals ?? 0) >= MIN_USEFUL_PROPOSALS);
  const smallestUseful = useful.length ? useful[useful.length - 1].estimate.calls : undefined;
  const plan = summarize(chosen.estimate, {
    afford,
    changes: changesBetween(params, chosen.params),
    fits: !afford || chosen.estimate.calls <= afford.calls,
    smallestUseful,
  });
  return { params: chosen.params, estimate: { ...chosen.estimate, plan } };
}

function summarize(
  e: Estimate,
  o: {
    afford?: { calls: number; basis: string };
    changes: string[];
    fits: boolean;
    smallestUseful?: number;
  },
): PlanSummary {
  const proposals = e.proposals ?? 0;
  const reserve = e.reserve ?? 0;
  const lines: string[] = [];
  lines.push(
    o.afford
      ? `budget: ${o.afford.basis} → about ${o.afford.calls} calls; this plan needs up to ${e.calls}`
      : `no budget set: the plan needs up to ${e.calls} calls`,
  );
  lines.push(
    o.changes.length
      ? `fitted to the budget (the paper's defaults need more): ${o.changes.join(', ')}`
      : `the paper's defaults${o.afford ? ' fit the budget' : ''}`,
  );
  if (e.phases?.length) lines.push(`calls per phase: ${e.phases.map((p) => `${p.name} ${p.calls}`).join(', ')}`);
  lines.push(
    `the budget affords ${proposals} candidate prompt${proposals === 1 ? '' : 's'}; ${reserve} calls are held back to verify the winner against the baseline and score it on held-out rows`,
  );
  let warning: string | undefined;
  if (!o.fits)
    warning = `even the smallest plan needs ${e.calls} calls, more than the ${o.afford!.calls} the budget affords; the run will stop at the budget`;
  if (proposals < MIN_USEFUL_PROPOSALS) {
    const more = o.smallestUseful !== undefined ? `; a budget of ${o.smallestUseful} calls would afford 3` : '';
    warning = `${warning ? `${warning}. ` : ''}only ${proposals} candidate${proposals === 1 ? '' : 's'}: too few for a useful optimization${more}`;
  }
  if (warning) lines.push(`warning: ${warning}`);
  return {
    lines,
    proposals,
    reserve,
    fitted: o.changes.length > 0,
    changes: o.changes,
    ...(o.afford && { affordableCalls: o.afford.calls }),
    ...(warning && { warning }),
  };
}
