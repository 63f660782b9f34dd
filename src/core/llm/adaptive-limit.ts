/**
 * Per-endpoint concurrency that adapts to rate limits (AIMD, as TCP does): a 429 halves the number of requests
 * allowed in flight (down to one), and each run of `limit` successes in a row lets one more in, back up to `max`.
 * It steers the endpoint's slots (slots.ts: FIFO, one abort listener per signal), which do the waiting.
 */
import { createSlots, type Slots } from './slots';

export class AdaptiveLimit {
  private current: number;
  private successes = 0;
  readonly slots: Slots;

  constructor(
    readonly max: number,
    abortError: () => Error = () => new Error('aborted'),
  ) {
    this.current = Math.max(1, max);
    this.slots = createSlots(this.current, abortError);
  }

  /** Requests allowed in flight now. */
  get limit(): number {
    return this.current;
  }

  /** Resolves with a release function once a slot is free; rejects when `signal` aborts first. */
  acquire(signal?: AbortSignal): Promise<() => void> {
    return this.slots.acquire(signal);
  }

  /** The server said "too many requests": halve. */
  rateLimited(): void {
    this.current = Math.max(1, Math.floor(this.current / 2));
    this.successes = 0;
    this.slots.setLimit(this.current);
  }

  /** A request went through: after a full window of successes, allow one more. */
  succeeded(): void {
    if (this.current >= this.max) return;
    if (++this.successes >= this.current) {
      this.current++;
      this.successes = 0;
      this.slots.setLimit(this.current);
    }
  }
}
