/**
 * Concurrency slots for one endpoint origin: at most `limit` calls hold a slot; the rest wait in FIFO order.
 * A waiter that is aborted leaves the queue at once. Waiters sharing one AbortSignal share ONE listener on it (a
 * signal's listener list is walked on every add/remove, so one listener per waiter would make a long queue quadratic).
 * `setLimit` lets a controller (adaptive concurrency) raise or lower the limit while calls run.
 */

export interface Slots {
  /** Resolves with a release function once a slot is free; rejects with `abortError()` if `signal` aborts first. */
  acquire(signal?: AbortSignal): Promise<() => void>;
  setLimit(limit: number): void;
  readonly limit: number;
  readonly inFlight: number;
  readonly waiting: number;
}

interface Waiter {
  grant: (release: () => void) => void;
  fail: () => void;
  signal?: AbortSignal;
  done: boolean;
}

export function createSlots(initialLimit: number, abortError: () => Error): Slots {
  let limit = Math.max(1, Math.floor(initialLimit));
  let inFlight = 0;
  // FIFO with a moving head: O(1) enqueue/dequeue; aborted waiters are marked done and skipped.
  let queue: Waiter[] = [];
  let head = 0;
  let waiting = 0;
  const bySignal = new Map<AbortSignal, { waiters: Set<Waiter>; onAbort: () => void }>();

  function detach(w: Waiter) {
    if (!w.signal) return;
    const group = bySignal.get(w.signal);
    if (!group) return;
    group.waiters.delete(w);
    if (!group.waiters.size) {
      w.signal.removeEventListener('abort', group.onAbort);
      bySignal.delete(w.signal);
    }
  }

  function attach(w: Waiter, signal: AbortSignal) {
    let group = bySignal.get(signal);
    if (!group) {
      const waiters = new Set<Waiter>();
      const onAbort = () => {
        bySignal.delete(signal);
        for (const x of waiters) {
          x.done = true;
          waiting--;
          x.fail();
        }
        waiters.clear();
      };
      group = { waiters, onAbort };
      bySignal.set(signal, group);
      signal.addEventListener('abort', onAbort, { once: true });
    }
    group.waiters.add(w);
  }

  function releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      inFlight--;
      pump();
    };
  }

  function pump() {
    while (inFlight < limit && head < queue.length) {
      const w = queue[head++];
      if (w.done) continue;
      w.done = true;
      waiting--;
      detach(w);
      inFlight++;
      w.grant(releaser());
    }
    // Compact the consumed prefix now and then, so the array does not grow without bound.
    if (head > 1024 && head * 2 > queue.length) {
      queue = queue.slice(head);
      head = 0;
    }
  }

  return {
    acquire(signal) {
      if (signal?.aborted) return Promise.reject(abortError());
      if (inFlight < limit && waiting === 0) {
        inFlight++;
        return Promise.resolve(releaser());
      }
      return new Promise((resolve, reject) => {
        const w: Waiter = { grant: resolve, fail: () => reject(abortError()), signal, done: false };
        if (signal) attach(w, signal);
        queue.push(w);
        waiting++;
      });
    },
    setLimit(next) {
      limit = Math.max(1, Math.floor(next));
      pump();
    },
    get limit() {
      return limit;
    },
    get inFlight() {
      return inFlight;
    },
    get waiting() {
      return waiting;
    },
  };
}
