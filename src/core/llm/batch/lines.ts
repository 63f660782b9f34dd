/**
 * A batch's output and error files (JSONL, one line per request: `{id, custom_id, response: {status_code, body},
 * error}`) turned into one outcome per custom_id: the chat completion body, or the error the synchronous path would
 * have raised for the same answer (`<endpoint>: HTTP 400 Bad Request — <message>`).
 */
import { httpStatusMessage } from '../errors';
import { LlmError } from '../types';

/** One request of a batch failed on its own; the other requests and the run go on (the case fails, with this). */
export class BatchRequestError extends LlmError {
  constructor(message: string, status?: number, endpoint?: string) {
    super(message, 'http', status, endpoint);
    this.name = 'BatchRequestError';
  }
}

/** Errors that fail one case (or example), not the whole eval or job: unusable answers and failed batch lines. */
export function failsOnlyThisRequest(error: unknown): error is LlmError {
  return error instanceof BatchRequestError || (error instanceof LlmError && error.kind === 'invalid-output');
}

export type LineOutcome = { ok: true; body: unknown } | { ok: false; error: LlmError };

interface BatchLine {
  custom_id?: unknown;
  response?: { status_code?: unknown; body?: unknown } | null;
  error?: { code?: unknown; message?: unknown } | null;
}

/** Parses one file's lines into `into`; lines that are not JSON or name no custom_id are skipped (and counted). */
export function readBatchLines(text: string, endpoint: string, into: Map<string, LineOutcome>): number {
  let skipped = 0;
  for (const raw of text.split('\n')) {
    if (!raw.trim()) continue;
    let line: BatchLine;
    try {
      line = JSON.parse(raw) as BatchLine;
    } catch {
      skipped++;
      continue;
    }
    if (typeof line.custom_id !== 'string') {
      skipped++;
      continue;
    }
    into.set(line.custom_id, outcomeOf(line, endpoint));
  }
  return skipped;
}

function outcomeOf(line: BatchLine, at: string): LineOutcome {
  const status = typeof line.response?.status_code === 'number' ? line.response.status_code : undefined;
  if (status === 200) return { ok: true, body: line.response?.body };
  if (status !== undefined) {
    const detail = (line.response?.body as { error?: { message?: unknown } } | undefined)?.error?.message;
    const text = httpStatusMessage(at, status, typeof detail === 'string' ? detail : undefined);
    return { ok: false, error: new BatchRequestError(text, status, at) };
  }
  const message = typeof line.error?.message === 'string' ? line.error.message : 'the request failed in the batch';
  const code = typeof line.error?.code === 'string' ? ` (${line.error.code})` : '';
  return { ok: false, error: new BatchRequestError(`${at}: ${message}${code}`, undefined, at) };
}
