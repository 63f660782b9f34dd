/**
 * Writes eval cases as they finish, in row order: a case that finishes early waits in a small window until the rows
 * before it are written (with a bounded pool of workers the window holds about `concurrency` cases). Output goes out
 * in chunks; when the stream pushes back, `add` returns a promise the caller waits on, so memory stays flat.
 */
import type { Writable } from 'node:stream';
import type { EvalCaseResult } from '../core/evaluation/run-eval';

export interface CaseWriter {
  add(result: EvalCaseResult): Promise<void> | undefined;
  /** Writes what is left and resolves once the stream has taken it. */
  drained(): Promise<void>;
  /**
   * For a run that stopped part-way: writes every finished case still waiting for an earlier row (in row order,
   * skipping the rows that never finished) and resolves with the number of cases written in all.
   */
  flushAll(): Promise<number>;
}

const CHUNK_CHARS = 16_384;

export function createCaseWriter(
  format: (result: EvalCaseResult, first: boolean) => string,
  stream: Writable,
): CaseWriter {
  const waiting = new Map<number, EvalCaseResult>();
  let nextIndex = 0;
  let written = 0;
  let closed = false;
  let chunk = '';
  let backPressure: Promise<void> | undefined;
  const flush = () => {
    if (!chunk) return backPressure;
    const text = chunk;
    chunk = '';
    if (!stream.write(text) && !backPressure) {
      backPressure = new Promise((resolve) =>
        stream.once('drain', () => {
          backPressure = undefined;
          resolve();
        }),
      );
    }
    return backPressure;
  };
  return {
    add(result) {
      if (closed) return undefined; // a case finishing after the run stopped: the document is already closed
      waiting.set(result.index, result);
      for (let r = waiting.get(nextIndex); r; r = waiting.get(nextIndex)) {
        waiting.delete(nextIndex);
        chunk += format(r, written++ === 0);
        nextIndex++;
      }
      return chunk.length >= CHUNK_CHARS ? flush() : backPressure;
    },
    async drained() {
      await flush();
    },
    async flushAll() {
      closed = true;
      for (const index of [...waiting.keys()].sort((a, b) => a - b)) {
        chunk += format(waiting.get(index)!, written++ === 0);
        waiting.delete(index);
      }
      await flush();
      return written;
    },
  };
}
