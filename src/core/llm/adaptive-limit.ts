/**
 * Per-endpoint concurrency that adapts to rate limits (AIMD, as TCP does): a 429 halves the number of requests
 * allowed in flight (down to one), and each run of `limit` successes in a row lets one more in, back up to `max`.
 * A queue in arrival order, so a call waiting for a slot keeps its place.
 */
export class AdaptiveLimit {
  private current: number;
  private active = 0;
  private successes = 0;
  private readonly queue: (() => void)[] = [];

  constructor(readonly max: number) {
    this.current = Math.max(1, max);
  }

  /** Requests allowed in flight now. */
  get limit(): number {
    return this.current;
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    // A woken task is handed its slot by `next` (counted there), so a burst of wake-ups cannot overshoot.
    if (this.active >= this.current) await new Promise<void>((resolve) => this.queue.push(resolve));
    else this.active++;
    try {
      return await task();
    } finally {
      this.active--;
      this.next();
    }
  }

  /** The server said "too many requests": halve. */
  rateLimited(): void {
    this.current = Math.max(1, Math.floor(this.current / 2));
    this.successes = 0;
  }

  /** A request went through: after a full window of successes, allow one more. */
  succeeded(): void {
    if (this.current >= this.max) return;
    if (++this.successes >= this.current) {
      this.current++;
      this.successes = 0;
      this.next();
    }
  }

  private next(): void {
    while (this.active < this.current && this.queue.length) {
      this.active++;
      this.queue.shift()!();
    }
  }
}
