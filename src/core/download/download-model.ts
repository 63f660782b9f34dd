/**
 * Downloads a model file (a multi-GB GGUF) so that an interrupted transfer resumes instead of restarting, and nothing
 * unverified ever sits at the final path: bytes stream into `<file>.part`, a Range request continues an existing
 * part, and the part becomes `<file>` only after its SHA-256 matches.
 */
import { createHash, type Hash } from 'node:crypto';
import { createReadStream, createWriteStream, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { once } from 'node:events';
import { Readable } from 'node:stream';

export interface DownloadModelOptions {
  url: string;
  /** Expected SHA-256 of the whole file, hex. */
  sha256: string;
  destDir: string;
  /** Defaults to the last segment of the URL path. */
  fileName?: string;
  /** Called as bytes arrive; `total` when the server said how large the file is. */
  onProgress?: (bytes: number, total?: number) => void;
  signal?: AbortSignal;
  /** For tests and proxies; defaults to the global fetch. */
  fetch?: typeof fetch;
}

export class DownloadError extends Error {
  constructor(
    message: string,
    readonly kind: 'http' | 'network' | 'checksum' | 'aborted' | 'input',
  ) {
    super(message);
    this.name = 'DownloadError';
  }
}

/** Resolves to the verified file's path. */
export async function downloadModel(options: DownloadModelOptions): Promise<string> {
  const expected = options.sha256.trim().toLowerCase();
  if (!/^[0-9a-f]{64}$/.test(expected))
    throw new DownloadError(`sha256 must be 64 hex digits, got ${JSON.stringify(options.sha256)}`, 'input');
  const fileName = options.fileName ?? fileNameFromUrl(options.url);
  if (!fileName || fileName !== path.basename(fileName) || fileName === '.' || fileName === '..') {
    throw new DownloadError(`cannot derive a file name from ${options.url}; pass fileName`, 'input');
  }
  await fs.mkdir(options.destDir, { recursive: true });
  const dest = path.join(options.destDir, fileName);
  const part = `${dest}.part`;

  if (await exists(dest)) {
    if ((await hashFile(dest)) === expected) return dest; // already downloaded and verified
  }

  const fetchImpl = options.fetch ?? fetch;
  const hash = createHash('sha256');
  const offset = (await exists(part)) ? (await fs.stat(part)).size : 0;
  if (offset > 0) await hashFileInto(part, hash);

  let response: Response;
  try {
    response = await fetchImpl(options.url, {
      headers: offset > 0 ? { Range: `bytes=${offset}-` } : {},
      signal: options.signal,
      redirect: 'follow',
    });
  } catch (error) {
    throw failure(options, error, part, offset);
  }

  if (offset > 0 && response.status === 416) {
    // The part may already hold the whole file (an earlier run stopped right before verifying).
    await response.body?.cancel();
    return finish(options.url, hash, expected, part, dest);
  }
  if (!response.ok) {
    await response.body?.cancel();
    throw new DownloadError(
      `download ${options.url}: HTTP ${response.status} ${response.statusText}`.trimEnd(),
      'http',
    );
  }
  if (offset > 0 && !(response.status === 206 && rangeStart(response) === offset)) {
    // The server ignored the Range request and is sending the whole file: start over.
    return streamAndFinish(options, response, createHash('sha256'), 0, part, dest, expected);
  }
  return streamAndFinish(options, response, hash, offset, part, dest, expected);
}

async function streamAndFinish(
  options: DownloadModelOptions,
  response: Response,
  hash: Hash,
  offset: number,
  part: string,
  dest: string,
  expected: string,
): Promise<string> {
  const total = totalSize(response, offset);
  let bytes = offset;
  options.onProgress?.(bytes, total);
  if (!response.body) throw new DownloadError(`download ${options.url}: the response has no body`, 'network');
  // A plain loop rather than stream.pipeline: on a network error or abort pipeline destroys the file stream and may
  // drop writes still queued; here every received byte reaches the part file before the error is reported.
  const file = createWriteStream(part, { flags: offset > 0 ? 'a' : 'w' });
  let streamError: unknown;
  try {
    for await (const chunk of Readable.fromWeb(
      response.body as import('node:stream/web').ReadableStream,
    ) as AsyncIterable<Buffer>) {
      hash.update(chunk);
      bytes += chunk.length;
      if (!file.write(chunk)) await once(file, 'drain');
      options.onProgress?.(bytes, total);
    }
  } catch (error) {
    streamError = error;
  }
  await new Promise<void>((resolve, reject) => file.end((error?: Error | null) => (error ? reject(error) : resolve())));
  if (streamError !== undefined) throw failure(options, streamError, part, bytes);
  if (total !== undefined && bytes < total) {
    throw new DownloadError(
      `download ${options.url}: the connection closed after ${bytes} of ${total} bytes; ${part} is kept, run again to resume`,
      'network',
    );
  }
  return finish(options.url, hash, expected, part, dest);
}

async function finish(url: string, hash: Hash, expected: string, part: string, dest: string): Promise<string> {
  const actual = hash.digest('hex');
  if (actual !== expected) {
    await fs.rm(part, { force: true });
    throw new DownloadError(
      `download ${url}: SHA-256 mismatch: expected ${expected}, got ${actual}; the downloaded file was deleted`,
      'checksum',
    );
  }
  await fs.rename(part, dest);
  return dest;
}

function failure(options: DownloadModelOptions, error: unknown, part: string, bytes: number): DownloadError {
  if (options.signal?.aborted) {
    return new DownloadError(
      `download ${options.url}: aborted after ${bytes} bytes; ${part} is kept for resuming`,
      'aborted',
    );
  }
  const reason =
    error instanceof Error
      ? error.cause instanceof Error
        ? `${error.message}: ${error.cause.message}`
        : error.message
      : String(error);
  return new DownloadError(
    `download ${options.url}: ${reason} (after ${bytes} bytes; ${part} is kept, run again to resume)`,
    'network',
  );
}

/** `Content-Range: bytes 100-999/1000` → 100. */
function rangeStart(response: Response): number | undefined {
  const match = /^bytes (\d+)-\d+\/(\d+|\*)$/.exec(response.headers.get('content-range') ?? '');
  return match ? Number(match[1]) : undefined;
}

function totalSize(response: Response, offset: number): number | undefined {
  const range = /\/(\d+)$/.exec(response.headers.get('content-range') ?? '');
  if (range) return Number(range[1]);
  const length = response.headers.get('content-length');
  return length !== null && /^\d+$/.test(length) ? offset + Number(length) : undefined;
}

function fileNameFromUrl(url: string): string | undefined {
  try {
    const last = new URL(url).pathname.split('/').filter(Boolean).pop();
    return last ? decodeURIComponent(last) : undefined;
  } catch {
    return undefined;
  }
}

async function exists(file: string): Promise<boolean> {
  return fs.access(file).then(
    () => true,
    () => false,
  );
}

async function hashFileInto(file: string, hash: Hash): Promise<void> {
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
}

async function hashFile(file: string): Promise<string> {
  const hash = createHash('sha256');
  await hashFileInto(file, hash);
  return hash.digest('hex');
}
