/**
 * Maps whatever one HTTP attempt threw (openai package errors, fetch/socket errors, body parse errors) to an
 * LlmError naming the endpoint (never the key), and decides whether the attempt is worth retrying.
 */
import { STATUS_CODES } from 'node:http';
import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import { LlmError } from './types';
import { redact } from './endpoint';

export interface ClassifiedFailure {
  error: LlmError;
  retryable: boolean;
  /** Response headers, when the server answered (for Retry-After). */
  headers?: { get(name: string): string | null };
}

export interface AttemptContext {
  endpoint: string;
  apiKey?: string;
  /** The caller's signal aborted. */
  userAborted: boolean;
  /** Our per-attempt timer fired. */
  timedOut: boolean;
  timeoutMs: number;
}

/** HTTP statuses that a later identical request may get past. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 409 || status === 425 || status === 429 || status >= 500;
}

export function classifyFailure(err: unknown, ctx: AttemptContext): ClassifiedFailure {
  const at = ctx.endpoint;
  if (ctx.userAborted) return { error: new LlmError(`${at}: aborted`, 'aborted', undefined, at), retryable: false };
  if (ctx.timedOut || err instanceof APIConnectionTimeoutError) {
    return {
      error: new LlmError(`${at}: timed out after ${ctx.timeoutMs} ms`, 'timeout', undefined, at),
      retryable: true,
    };
  }
  if (err instanceof APIUserAbortError)
    return { error: new LlmError(`${at}: aborted`, 'aborted', undefined, at), retryable: false };
  if (err instanceof APIConnectionError) {
    const code = causeCode(err);
    if (/redirect/i.test(code)) {
      // fetch runs with redirect: 'error' so a key never follows a redirect to another origin.
      return {
        error: new LlmError(
          `${at}: the server redirected the request; redirects are refused (set the base URL to the final address)`,
          'unreachable',
          undefined,
          at,
        ),
        retryable: false,
      };
    }
    return { error: new LlmError(`${at}: unreachable (${code})`, 'unreachable', undefined, at), retryable: true };
  }
  if (err instanceof APIError && typeof err.status === 'number') {
    const status = err.status;
    const detail = serverMessage(err);
    const text = httpStatusMessage(at, status, detail);
    return {
      error: new LlmError(redact(text, ctx.apiKey), 'http', status, at),
      retryable: isRetryableStatus(status),
      headers: err.headers ?? undefined,
    };
  }
  if (err instanceof SyntaxError) {
    // A 200 whose body is not JSON: typically cut off mid-transfer. A fresh request usually succeeds.
    return {
      error: new LlmError(`${at}: response body is not valid JSON (${err.message})`, 'invalid-output', undefined, at),
      retryable: true,
    };
  }
  if (err instanceof LlmError) return { error: err, retryable: false };
  const message = err instanceof Error ? err.message : String(err);
  const code = causeCode(err);
  // Socket errors while reading the body ("terminated", ECONNRESET) surface here, outside the openai wrappers.
  const transient = /terminated|ECONNRESET|socket|other side closed/i.test(`${message} ${code}`);
  return {
    error: new LlmError(
      redact(`${at}: ${transient ? `unreachable (${code})` : message}`, ctx.apiKey),
      'unreachable',
      undefined,
      at,
    ),
    retryable: transient,
  };
}

/**
 * What went wrong on the wire, from a cause chain: an errno code (ECONNREFUSED, ECONNRESET, ENOTFOUND …), or for
 * undici's own codes (UND_ERR_SOCKET …) their message ("other side closed"), else the innermost message.
 */
function causeCode(err: unknown): string {
  let current: unknown = err;
  let last = '';
  for (let depth = 0; depth < 6 && current; depth++) {
    const e = current as { code?: unknown; message?: unknown; cause?: unknown };
    if (typeof e.code === 'string')
      return e.code.startsWith('UND_ERR') && typeof e.message === 'string' && e.message ? e.message : e.code;
    if (typeof e.message === 'string' && e.message) last = e.message;
    current = e.cause;
  }
  return last || 'connection failed';
}

function serverMessage(err: APIError): string {
  const body = err.error as { message?: unknown } | undefined;
  if (body && typeof body.message === 'string') return body.message;
  // openai prefixes the status; drop it, we print our own.
  return err.message.replace(/^\d{3}\s*/, '').replace(/^status code \(no body\)$/, '');
}

/** How an HTTP error reads, for direct calls and for a failed batch line alike: `<endpoint>: HTTP 400 Bad Request — <detail>`. */
export function httpStatusMessage(at: string, status: number, detail?: string): string {
  return `${at}: HTTP ${status} ${STATUS_CODES[status] ?? ''}`.trimEnd() + (detail ? ` — ${detail}` : '');
}
