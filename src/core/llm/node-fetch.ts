/**
 * A `fetch` for the openai client built on node:http(s) with a keep-alive agent sized to the client's concurrency:
 * at 64–256 calls in flight the built-in fetch (undici) spends most of the client's CPU per call; this one
 * measured less (BENCHMARKS.md "Scale"), at no bundle cost. It covers what the client sends — a string or byte body,
 * buffered replies — and hands anything else (streams, form uploads) to the built-in fetch.
 */
import * as http from 'node:http';
import * as https from 'node:https';

export function createNodeFetch(maxSockets: number): typeof fetch {
  const agents = {
    'http:': new http.Agent({ keepAlive: true, maxSockets }),
    'https:': new https.Agent({ keepAlive: true, maxSockets }),
  };
  return (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const body = init?.body;
    const plainBody = body === undefined || body === null || typeof body === 'string' || body instanceof Uint8Array;
    if (input instanceof Request || !plainBody || (url.protocol !== 'http:' && url.protocol !== 'https:'))
      return fetch(input, init);
    return request(url, init ?? {}, body as string | Uint8Array | undefined, agents[url.protocol]);
  };
}

function request(
  url: URL,
  init: RequestInit,
  body: string | Uint8Array | undefined,
  agent: http.Agent,
): Promise<Response> {
  const signal = init.signal ?? undefined;
  if (signal?.aborted) return Promise.reject(abortError(signal));
  const headers: Record<string, string> = {};
  new Headers(init.headers).forEach((value, name) => (headers[name] = value));
  if (body !== undefined) headers['content-length'] = String(Buffer.byteLength(body));
  const send = url.protocol === 'https:' ? https.request : http.request;
  return new Promise((resolve, reject) => {
    const req = send(url, { method: init.method ?? 'GET', headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', fail);
      res.on('close', () => {
        if (!res.complete) fail(new Error('the connection closed before the reply was complete'));
      });
      res.on('end', () => {
        signal?.removeEventListener('abort', onAbort);
        const status = res.statusCode ?? 0;
        if (init.redirect === 'error' && status >= 300 && status < 400 && res.headers.location)
          return reject(new TypeError(`fetch failed: redirect to ${res.headers.location} refused`));
        const out = new Headers();
        for (const [name, value] of Object.entries(res.headers)) {
          if (Array.isArray(value)) for (const v of value) out.append(name, v);
          else if (value !== undefined) out.set(name, value);
        }
        // A body is not allowed with these statuses in a Response.
        const empty = status === 204 || status === 205 || status === 304;
        resolve(
          new Response(empty ? null : Buffer.concat(chunks), { status, statusText: res.statusMessage, headers: out }),
        );
      });
    });
    function fail(error: Error) {
      signal?.removeEventListener('abort', onAbort);
      reject(signal?.aborted ? abortError(signal) : new TypeError('fetch failed', { cause: plainCause(error) }));
    }
    function onAbort() {
      req.destroy();
      reject(abortError(signal!));
    }
    signal?.addEventListener('abort', onAbort, { once: true });
    req.on('error', fail);
    req.end(body);
  });
}

/** A reset reads as the built-in fetch says it ("other side closed"); other codes (ECONNREFUSED…) stay. */
function plainCause(error: Error): Error {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'ECONNRESET' || error.message === 'socket hang up' ? new Error('other side closed') : error;
}

const abortError = (signal: AbortSignal) =>
  signal.reason instanceof Error && signal.reason.name === 'AbortError'
    ? signal.reason
    : new DOMException('This operation was aborted', 'AbortError');
