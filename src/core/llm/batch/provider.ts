/**
 * The provider's Files + Batch API calls, through the client's own `openai` instance for the endpoint: upload the
 * JSONL and create the batch, check its status, download its output and error files. Failures become LlmErrors that
 * name the endpoint (never the key); a 404 on the upload or the batch creation says the endpoint has no batch API.
 */
import { toFile } from 'openai';
import type OpenAI from 'openai';
import { LlmError } from '../types';
import { classifyFailure } from '../errors';

/** Where a batch goes: the client's own OpenAI instance for the endpoint (its key, base URL, no redirects). */
export interface BatchTarget {
  label: string;
  model: string;
  openai: OpenAI;
  key?: string;
}

/** Retries of the openai package itself for these calls (transient errors only: 408/409/429/5xx, connection). */
const API_RETRIES = 3;
/** Uploads and downloads can be large (up to 200 MB). */
const LONG_REQUEST_MS = 10 * 60_000;

/** Uploads the requests (JSONL) and creates a batch over them; returns its id. */
export async function createBatch(target: BatchTarget, jsonl: string): Promise<string> {
  const opts = { maxRetries: API_RETRIES, timeout: LONG_REQUEST_MS };
  const upload = await toFile(Buffer.from(jsonl), 'whetstone-batch.jsonl');
  const file = await call(target, 'POST /files', () =>
    target.openai.files.create({ file: upload, purpose: 'batch' }, opts),
  );
  const batch = await call(target, 'POST /batches', () =>
    target.openai.batches.create(
      { input_file_id: file.id, endpoint: '/v1/chat/completions', completion_window: '24h' },
      opts,
    ),
  );
  return batch.id;
}

export function retrieveBatch(target: BatchTarget, batchId: string): Promise<OpenAI.Batches.Batch> {
  return call(target, `GET /batches/${batchId}`, () =>
    target.openai.batches.retrieve(batchId, { maxRetries: API_RETRIES }),
  );
}

export function downloadFile(target: BatchTarget, fileId: string): Promise<string> {
  return call(target, `GET /files/${fileId}/content`, async () =>
    (await target.openai.files.content(fileId, { maxRetries: API_RETRIES, timeout: LONG_REQUEST_MS })).text(),
  );
}

async function call<T>(target: BatchTarget, what: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    const { error } = classifyFailure(err, {
      endpoint: target.label,
      apiKey: target.key,
      userAborted: false,
      timedOut: false,
      timeoutMs: LONG_REQUEST_MS,
    });
    if (what.startsWith('POST') && (error.status === 404 || error.status === 405))
      throw new LlmError(
        `${target.label}: this endpoint has no batch API (${what} answered HTTP ${error.status}); ` +
          'run without --batch to send the calls one by one',
        'unsupported',
        error.status,
        target.label,
      );
    throw error;
  }
}
