/**
 * Retry timing: exponential backoff with jitter, overridden by the server's Retry-After / retry-after-ms.
 * Randomness and sleeping are injected so tests are deterministic and fast.
 */

export interface RetryTiming {
  /** First backoff step; doubles per attempt. */
  baseMs: number;
  /** Largest backoff step (before jitter). */
  maxMs: number;
  /** A Retry-After longer than this is not waited for: the call fails with the server's error instead. */
  maxRetryAfterMs: number;
  random: () => number;
  now: () => number;
}

/**
 * Parses `retry-after-ms` (milliseconds) or `Retry-After` (seconds, or an HTTP-date relative to `now`).
 * Returns undefined when absent or unreadable.
 */
export function parseRetryAfter(
  headers: { get(name: string): string | null } | undefined,
  now: number,
): number | undefined {
  if (!headers) return undefined;
  const ms = headers.get('retry-after-ms');
  if (ms !== null && ms.trim() !== '' && Number.isFinite(Number(ms))) return Math.max(0, Number(ms));
  const value = headers.get('retry-after');
  if (value === null || value.trim() === '') return undefined;
  if (/^\s*\d+(\.\d+)?\s*$/.test(value)) return Math.max(0, Number(value) * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/**
 * Wait before retry number `attempt` (0-based). With a Retry-After, wait that long plus a small jitter (so clients
 * told the same instant do not all return together); else "equal jitter" backoff: half the step fixed, half random.
 */
export function retryDelay(attempt: number, retryAfterMs: number | undefined, t: RetryTiming): number {
  if (retryAfterMs !== undefined) return retryAfterMs + Math.floor(t.random() * t.baseMs * 0.5);
  const step = Math.min(t.maxMs, t.baseMs * 2 ** attempt);
  return Math.floor(step / 2 + t.random() * (step / 2));
}

/** Sleeps, rejecting with the signal's reason as soon as it aborts. */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
