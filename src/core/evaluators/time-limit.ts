/**
 * A time limit for evaluators that wait (LLM judges): when it passes, the evaluator's calls are aborted and the check
 * fails with a reason, so a judge endpoint that never answers cannot hold a run forever. The synchronous evaluators
 * need no timer: the JavaScript isolate interrupts itself at its deadline, and regex (RE2), JSON Schema (RE2 patterns)
 * and contains-json are linear in the output.
 */
import type { EvalContext } from './context';
import type { EvaluationResult } from './types';

/** Long enough for a judge call's own retries under rate limits; a setting-free bound on a hung endpoint. */
export const DEFAULT_EVALUATOR_TIME_LIMIT_MS = 5 * 60_000;

export async function withTimeLimit(
  name: string,
  ctx: EvalContext,
  run: (ctx: EvalContext) => Promise<EvaluationResult>,
): Promise<EvaluationResult> {
  const limitMs = ctx.timeLimitMs ?? DEFAULT_EVALUATOR_TIME_LIMIT_MS;
  const limit = new AbortController();
  const signal = ctx.signal ? AbortSignal.any([ctx.signal, limit.signal]) : limit.signal;
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<EvaluationResult>((resolve) => {
    timer = setTimeout(() => {
      limit.abort(new Error(`time limit of ${limitMs} ms`));
      resolve({ name, score: 0, pass: false, feedback: `no verdict within the time limit (${limitMs} ms)` });
    }, limitMs);
  });
  const running = run({ ...ctx, signal });
  // After the limit the aborted call rejects; that rejection is expected and must not surface as unhandled.
  running.catch(() => undefined);
  try {
    return await Promise.race([running, expired]);
  } finally {
    clearTimeout(timer);
  }
}
