/**
 * Faults the test server can inject, so the LLM client's retry, timeout and abort paths run against real HTTP.
 * A fault is taken either from the front of a queue (the next N requests) or from a rule (every request a predicate
 * matches, optionally a limited number of times). Rules are checked before the queue.
 */

export type Fault =
  /** Answer with this HTTP status (429, 500, 503, 400 …); Retry-After / retry-after-ms headers when given. */
  | { kind: 'status'; status: number; retryAfter?: string; retryAfterMs?: number; message?: string }
  /** Answer with a redirect (default 307) to `location`. */
  | { kind: 'redirect'; location: string; status?: number }
  /** Destroy the socket without answering (the client sees ECONNRESET / "other side closed"). */
  | { kind: 'reset' }
  /** Never answer; the request stays open until the client gives up or the server closes. */
  | { kind: 'hang' }
  /** Answer 200 with a JSON body cut in half (valid headers, invalid body). */
  | { kind: 'truncated-body' }
  /** Answer 200 with headers and the first half of the body, then stall (never finish the body). */
  | { kind: 'stall-body' }
  /**
   * Answer 200 with an unusable body: no choices, a null message content, no log-probs (completions), or a body that
   * is not JSON (an HTML page served as JSON).
   */
  | { kind: 'garbage-200'; shape: 'no-choices' | 'null-content' | 'no-logprobs' | 'not-json' }
  /** Answer 200 with a well-formed response whose message content is this text (default: broken JSON). */
  | { kind: 'malformed-content'; content?: string }
  /** For `stream: true` requests: wait this long before each SSE chunk. Ignored for non-streaming requests. */
  | { kind: 'slow-stream'; chunkDelayMs: number }
  /** Answer normally, after this delay. */
  | { kind: 'delay'; ms: number };

/** What a rule sees of a request. */
export interface FaultContext {
  method: string;
  path: string;
  body: unknown;
  /** 1-based index of the request since the server started. */
  index: number;
}

interface Rule {
  when: (ctx: FaultContext) => boolean;
  fault: Fault;
  remaining: number;
}

export class FaultQueue {
  private readonly queue: Fault[] = [];
  private readonly rules: Rule[] = [];

  /** The next requests (one per fault, in order) get these faults. */
  push(...faults: Fault[]): this {
    this.queue.push(...faults);
    return this;
  }

  /** Every request matching `when` gets `fault`, at most `times` times (default: unlimited). */
  when(when: (ctx: FaultContext) => boolean, fault: Fault, times = Number.POSITIVE_INFINITY): this {
    this.rules.push({ when, fault, remaining: times });
    return this;
  }

  clear(): void {
    this.queue.length = 0;
    this.rules.length = 0;
  }

  /** Faults still queued (rules not counted). */
  get pending(): number {
    return this.queue.length;
  }

  /** Called by the server once per request: the fault to apply, if any. */
  take(ctx: FaultContext): Fault | undefined {
    for (const rule of this.rules) {
      if (rule.remaining > 0 && rule.when(ctx)) {
        rule.remaining--;
        return rule.fault;
      }
    }
    return this.queue.shift();
  }
}
