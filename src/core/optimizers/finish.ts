/** The common end of every method: re-score the winner and the baseline on the held-out rows, mark the winner. */
import type { JobContext } from '../jobs/context';
import type { CandidateRecord } from '../jobs/types';

export async function finishWithValidation(
  ctx: JobContext<unknown>,
  score: (candidate: CandidateRecord) => Promise<number>,
): Promise<void> {
  const baseline = ctx.candidates[0];
  const best = ctx.candidates[ctx.bestId];
  if (ctx.validation.length > 0) {
    const [b, w] = await Promise.all([score(baseline), best === baseline ? undefined : score(best)]);
    baseline.validationScore = b;
    best.validationScore = w ?? b;
    ctx.update(baseline);
  }
  best.status = 'best';
  ctx.update(best);
}
