/** What `--batch` says on stderr: that a batch was sent (its id), how far it is, and how to pick it up again. */
import type { BatchEvent } from '../core/llm/batch/batcher';

const STATUS_WORDS: Record<string, string> = {
  validating: 'the provider is checking the requests',
  in_progress: 'running',
  finalizing: 'the provider is preparing the results',
  cancelling: 'being cancelled',
};

export interface BatchReporter {
  onEvent(event: BatchEvent): void;
  /** How to pick the batch up after Ctrl+C, e.g. "run the same command again". */
  setResumeHint(hint: string): void;
}

export function createBatchReporter(line: (text: string) => void): BatchReporter {
  let hint = 'run the same command again';
  return {
    setResumeHint(text) {
      hint = text;
    },
    onEvent(e) {
      switch (e.type) {
        case 'submitted':
          line(
            `Sent ${e.requests} requests to ${e.endpoint} as batch ${e.batchId} (batch API: half price; ` +
              'results usually come within minutes, at most 24 hours).',
          );
          line(
            `Ctrl+C stops waiting but leaves the batch running; ${hint} to pick up its results without paying again.`,
          );
          break;
        case 'attached':
          line(
            `Picking up batch ${e.batchId} (${e.requests} requests, sent ${e.submitted}) instead of sending them again.`,
          );
          break;
        case 'progress':
          line(
            `batch ${e.batchId}: ${e.completed} of ${e.total} done${e.failed ? `, ${e.failed} failed` : ''} ` +
              `(${STATUS_WORDS[e.status] ?? e.status})`,
          );
          break;
        case 'finished':
          line(
            `batch ${e.batchId} ${e.status}: ${e.completed} of ${e.total} answered` +
              `${e.failed ? `, ${e.failed} failed` : ''}.`,
          );
          break;
        case 'left-running':
          line(`batch ${e.batchId} is still running at the provider; ${hint} to pick up its results.`);
          break;
      }
    },
  };
}
