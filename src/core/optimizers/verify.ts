/**
 * The frame every search method shares: score the baseline on the comparison rows (round 0), and at the end compare
 * the winner with it on those same rows — on fresh samples when the target samples — before the held-out score.
 * A winner that does not beat the baseline there is not the result (nothing unverified is applied).
 */
import type { JobContext } from '../jobs/context';
import type { CandidateRecord, JobSpec } from '../jobs/types';
import { JobInputError } from '../jobs/types';
import type { SplitInfo } from './types';
import type { ModelRef } from '../llm/types';
import { scoreOnRows } from './execute';
import { finishWithValidation, HELD_OUT_SAMPLE, samples, VERIFY_SAMPLE } from './finish';

/** Calls the finish needs: the re-score on `rows` (and the baseline's when sampling) plus the held-out pair. */
export function verificationCalls(rows: number, sampled: boolean, heldOut: number): number {
  return finishPhases(rows, sampled, heldOut).reduce((sum, phase) => sum + phase.calls, 0);
}

/** The finish as plan phases (what `verificationCalls` adds up). */
export function finishPhases(rows: number, sampled: boolean, heldOut: number): { name: string; calls: number }[] {
  return [
    { name: 'verification', calls: rows * (sampled ? 2 : 1) },
    { name: 'held-out', calls: 2 * heldOut },
  ];
}

/** The check of every method that learns from scored cases: some train row has `expected`, or there are evaluators. */
export function missingScoredCases(spec: JobSpec, split: SplitInfo, message: string): JobInputError | undefined {
  if (split.train.some((i) => spec.rows[i].expected !== undefined) || spec.evaluators.length > 0) return undefined;
  return new JobInputError(message, 'no-expected');
}

/** The comparison rows: every train row, or a seeded sample of `size` (sorted, so order is stable). */
export function comparisonRows(ctx: JobContext<unknown>, size: number): number[] {
  if (ctx.train.length <= size) return ctx.train;
  return ctx.rng
    .shuffle(ctx.train)
    .slice(0, size)
    .sort((a, b) => a - b);
}

/** Round 0: the baseline scored on `rows`; it starts as the best. */
export async function scoreBaseline(
  ctx: JobContext<unknown>,
  rows: number[],
  target: ModelRef,
  of: number,
): Promise<CandidateRecord> {
  const baseline = ctx.baseline();
  ctx.startRound(0, of);
  const base = await scoreOnRows(ctx, baseline.prompt, rows, target, baseline);
  Object.assign(baseline, { score: base.score, examples: base.examples, status: 'beam' as const });
  ctx.update(baseline);
  ctx.setBest(0);
  ctx.emit({ type: 'beam', round: 0, ids: [0] });
  ctx.endRound(0);
  return baseline;
}

/** The end: verify the winner against the baseline on `rows`, then score both on the held-out sample. */
export async function verifyAndFinish(
  ctx: JobContext<unknown>,
  rows: number[],
  target: ModelRef,
  heldOutSample: number,
): Promise<void> {
  const sampled = samples(target);
  const baseline = ctx.candidates[0];
  const winner = ctx.candidates[ctx.bestId];
  if (winner.id !== 0) {
    const sample = sampled ? VERIFY_SAMPLE : 0;
    const [full, base] = await Promise.all([
      scoreOnRows(ctx, winner.prompt, rows, target, winner, sample),
      sampled ? scoreOnRows(ctx, baseline.prompt, rows, target, baseline, sample) : undefined,
    ]);
    const baselineScore = base?.score ?? baseline.score ?? 0;
    Object.assign(winner, { score: full.score, examples: full.examples });
    ctx.update(winner);
    if (full.score <= baselineScore) {
      winner.status = 'scored';
      winner.statusReason = `re-scored on ${rows.length} train rows${sampled ? ' (fresh samples)' : ''} it scores ${full.score.toFixed(2)}, not above the original's ${baselineScore.toFixed(2)}, so the original stays`;
      ctx.update(winner);
      ctx.log(
        'info',
        `the best candidate #${winner.id} scores ${full.score.toFixed(3)} on ${rows.length} train rows${sampled ? ' (fresh samples)' : ''}, not above the baseline's ${baselineScore.toFixed(3)}; keeping the baseline`,
      );
      ctx.setBest(0);
    } else ctx.setBest(winner.id);
  }
  await finishWithValidation(
    ctx,
    ctx.validation,
    heldOutSample,
    async (c, held) => (await scoreOnRows(ctx, c.prompt, held, target, c, sampled ? HELD_OUT_SAMPLE : 0)).score,
  );
}
