/**
 * The common end of every method: score the winner and the baseline on a seeded sample of the held-out rows, mark the
 * winner, and record that it was verified (the engine applies nothing unverified).
 */
import type { JobContext } from '../jobs/context';
import type { CandidateRecord } from '../jobs/types';
import type { ModelRef } from '../llm/types';
import { createRng } from '../random';
import { callSeed } from './calls';

/**
 * Sample numbers for the end of a run. At temperature > 0 the winner was selected on sample 0 of its rows; the
 * re-score and the held-out score ask for other samples, so the safeguard does not re-count the lucky ones.
 */
export const VERIFY_SAMPLE = 1_000_001;
export const HELD_OUT_SAMPLE = 1_000_002;

/** Whether a target samples (temperature > 0), so repeated runs of the same (prompt, row) differ. */
export function samples(model: ModelRef): boolean {
  return ((model.params?.temperature as number | undefined) ?? 0) > 0;
}

/** The held-out rows scored at the end: all of them, or a seeded sample of `size` (sorted), like the train sample. */
export function heldOutRows(ctx: JobContext<unknown>, rows: number[], size: number): number[] {
  if (rows.length <= size) return rows;
  const rng = createRng(callSeed(ctx.spec.seed, 'held-out-sample'));
  return rng
    .shuffle(rows)
    .slice(0, size)
    .sort((a, b) => a - b);
}

/** Held-out calls for a plan: baseline + winner on the sample (per scoring call per row). */
export function heldOutSize(validation: number, size: number): number {
  return Math.min(validation, size);
}

export async function finishWithValidation(
  ctx: JobContext<unknown>,
  validation: number[],
  sampleSize: number,
  score: (candidate: CandidateRecord, rows: number[]) => Promise<number>,
): Promise<void> {
  const baseline = ctx.candidates[0];
  const best = ctx.candidates[ctx.bestId];
  const rows = heldOutRows(ctx, validation, sampleSize);
  if (rows.length > 0) {
    const [b, w] = await Promise.all([score(baseline, rows), best === baseline ? undefined : score(best, rows)]);
    baseline.validationScore = b;
    best.validationScore = w ?? b;
    ctx.update(baseline);
    ctx.heldOut = { rows: rows.length, of: validation.length };
    if (rows.length < validation.length)
      ctx.log('info', `held-out score on a seeded sample of ${rows.length} of ${validation.length} held-out rows`);
  }
  best.status = 'best';
  if (best.id !== 0)
    best.statusReason = `the winner: verified against the original${ctx.heldOut ? ` and scored on ${ctx.heldOut.rows} held-out rows` : ''}`;
  ctx.update(best);
  ctx.verified = true;
}
