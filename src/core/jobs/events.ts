/** A job's event stream: listeners plus an async iterator; late subscribers get the events emitted so far. */
import type { JobEvent, JobListener } from './types';

const isTerminal = (e: JobEvent) => e.type === 'done' || e.type === 'failed' || e.type === 'cancelled';

export class EventStream {
  private readonly history: JobEvent[] = [];
  private readonly listeners = new Set<JobListener>();
  private closed = false;
  private readonly waiters = new Set<() => void>();

  emit(event: JobEvent): void {
    if (this.closed) return;
    this.history.push(event);
    for (const listener of [...this.listeners]) {
      try {
        listener(event);
      } catch {
        // A listener's failure must not break the job.
      }
    }
    if (isTerminal(event)) this.closed = true;
    for (const wake of [...this.waiters]) wake();
    this.waiters.clear();
  }

  on(listener: JobListener): () => void {
    for (const event of this.history) listener(event);
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async *iterate(): AsyncGenerator<JobEvent> {
    let index = 0;
    for (;;) {
      while (index < this.history.length) {
        const event = this.history[index++];
        yield event;
        if (isTerminal(event)) return;
      }
      if (this.closed) return;
      await new Promise<void>((resolve) => this.waiters.add(resolve));
    }
  }
}
