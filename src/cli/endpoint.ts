/**
 * Turns flags and environment into model references and one LLM client, per the CLI contract:
 * key from OPENAI_API_KEY, base URL from --base-url or OPENAI_BASE_URL (the `openai` package's conventions),
 * `local:<path.gguf>` as a model selects the embedded backend, `--base-url sim` the bundled simulated endpoint.
 */
import * as path from 'node:path';
import type { LlmClient, ModelRef } from '../core/llm/types';
import { createLlmClient, createDiskCache, deferredClient, DEFAULT_CACHE_MAX_BYTES } from '../core/llm';
import { usageError } from './errors';
import { redactUrlSecrets } from '../core/redact-urls';
import { createBatchReporter, type BatchReporter } from './batch-progress';

export const OPENAI_DEFAULT_BASE_URL = 'https://api.openai.com/v1';
/** The LLM client's default per-origin limit. */
const DEFAULT_CONCURRENCY = 4;

export interface EndpointFlags {
  baseUrl?: string;
  cache?: boolean;
  cacheMaxMb?: string;
  concurrency?: string;
  retryMinutes?: string;
  /** Target calls marked for it go through the provider's batch API (`--batch`). */
  batch?: boolean;
}

export interface Endpoint {
  /** The remote endpoint's base URL, or `local:` when no endpoint is configured (every model local). */
  baseUrl: string;
  simulated: boolean;
  llm: LlmClient;
  /** Requests in flight per endpoint origin (the --concurrency flag, or the client's default). */
  concurrency: number;
  /** With `--batch`: the stderr lines about batches (the command sets how to pick one up again). */
  batch?: BatchReporter;
  /** A model flag → reference; `local:/x.gguf` → the embedded backend. */
  model(name: string): ModelRef;
  close(): Promise<void>;
}

export async function openEndpoint(
  flags: EndpointFlags,
  env: NodeJS.ProcessEnv,
  log: (line: string) => void,
): Promise<Endpoint> {
  const closers: (() => Promise<void>)[] = [];
  let baseUrl = flags.baseUrl ?? env.OPENAI_BASE_URL;
  let simulated = false;
  if (baseUrl === 'sim') {
    const { startSimulatedEndpoint } = await import('../sim/endpoint');
    const sim = await startSimulatedEndpoint();
    closers.push(() => sim.close());
    baseUrl = sim.url;
    simulated = true;
    log(`Using the bundled offline SIMULATED endpoint at ${sim.url}: results are simulated, not from a real model.`);
  }
  // No endpoint at all is fine while every model is local (`--model local:/x.gguf`): the error waits for a remote one.
  if (!baseUrl && env.OPENAI_API_KEY) baseUrl = OPENAI_DEFAULT_BASE_URL;
  let origin: string | undefined;
  let parsed: URL | undefined;
  try {
    parsed = baseUrl === undefined ? undefined : new URL(baseUrl);
    origin = parsed?.origin;
  } catch {
    throw usageError(`--base-url: not a URL: ${redactUrlSecrets(String(baseUrl))}`);
  }
  if (parsed && (parsed.username || parsed.password)) {
    throw usageError(
      `--base-url: ${redactUrlSecrets(String(baseUrl))} has credentials in it (user:password@); pass the key in OPENAI_API_KEY`,
    );
  }
  const concurrency = flags.concurrency === undefined ? undefined : Number(flags.concurrency);
  if (concurrency !== undefined && !(Number.isInteger(concurrency) && concurrency > 0)) {
    throw usageError(`--concurrency: expected a positive integer, got ${flags.concurrency}`);
  }

  const cacheMaxMb = Number(flags.cacheMaxMb ?? env.WHETSTONE_CACHE_MAX_MB ?? DEFAULT_CACHE_MAX_BYTES / 2 ** 20);
  if (!(Number.isFinite(cacheMaxMb) && cacheMaxMb > 0)) {
    const source = flags.cacheMaxMb !== undefined ? '--cache-max-mb' : 'WHETSTONE_CACHE_MAX_MB';
    throw usageError(
      `${source}: expected a positive number of megabytes, got ${flags.cacheMaxMb ?? env.WHETSTONE_CACHE_MAX_MB}`,
    );
  }
  const cacheMaxBytes = Math.round(cacheMaxMb * 2 ** 20);

  let localBackend: Promise<LlmClient> | undefined;
  const local = deferredClient(
    () =>
      (localBackend ??= import('../core/llm/local').then(({ createLocalBackend }) => {
        const backend = createLocalBackend({ workerPath: path.join(__dirname, 'llama-worker.mjs') });
        closers.push(() => backend.dispose());
        return backend;
      })),
  );
  const usesLocal = (name?: string) => Boolean(name?.startsWith('local:'));

  const retryMinutes = flags.retryMinutes ?? env.WHETSTONE_RETRY_MINUTES;
  const rateLimitWaitMs = retryMinutes === undefined ? undefined : Number(retryMinutes) * 60_000;
  if (rateLimitWaitMs !== undefined && !(rateLimitWaitMs >= 0)) {
    throw usageError(`--retry-minutes: expected a number of minutes, got ${retryMinutes}`);
  }

  const batch = flags.batch ? createBatchReporter(log) : undefined;
  const key = env.OPENAI_API_KEY;
  const llm = createLlmClient({
    // The key is bound to the endpoint's origin; any other origin gets none.
    apiKeyFor: (url: string) => (origin !== undefined && safeOrigin(url) === origin ? key : undefined),
    cache:
      flags.cache === false ? null : createDiskCache(path.resolve('.whetstone', 'cache'), { maxBytes: cacheMaxBytes }),
    concurrency,
    local,
    // Operational knobs for slow endpoints (and fast tests); not part of the stable flag contract.
    timeoutMs: numberFromEnv(env.WHETSTONE_TIMEOUT_MS),
    retryBaseMs: numberFromEnv(env.WHETSTONE_RETRY_BASE_MS),
    rateLimitWaitMs,
    logger: clientLines(log),
    // Polling every 10 s at first, then up to once a minute; WHETSTONE_BATCH_POLL_MS / _COLLECT_MS make tests fast.
    ...(batch && {
      batch: {
        dir: path.resolve('.whetstone', 'batches'),
        pollMs: numberFromEnv(env.WHETSTONE_BATCH_POLL_MS),
        maxPollMs: numberFromEnv(env.WHETSTONE_BATCH_POLL_MS),
        collectMs: numberFromEnv(env.WHETSTONE_BATCH_COLLECT_MS),
        onEvent: batch.onEvent,
      },
    }),
  });

  return {
    baseUrl: baseUrl ?? 'local:',
    simulated,
    llm,
    concurrency: concurrency ?? DEFAULT_CONCURRENCY,
    batch,
    model(name: string): ModelRef {
      if (usesLocal(name)) return { baseUrl: 'local:', model: path.resolve(name.slice('local:'.length)) };
      if (baseUrl === undefined) {
        throw usageError(
          `no endpoint for model ${name}: pass --base-url URL or set OPENAI_BASE_URL (or OPENAI_API_KEY for ` +
            'api.openai.com); `--base-url sim` runs the bundled offline simulated endpoint, `--model local:/x.gguf` a local model',
        );
      }
      return { baseUrl, model: name };
    },
    async close() {
      for (const close of closers.reverse()) await close().catch(() => undefined);
    },
  };
}

function safeOrigin(url: string): string | undefined {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}

function numberFromEnv(value: string | undefined): number | undefined {
  const n = value === undefined ? NaN : Number(value);
  return Number.isFinite(n) && n > 0 ? n : undefined;
}

/**
 * The client's retry lines on stderr. Rate-limit waits of concurrent calls are announced once per few seconds
 * ("rate-limited: resuming in 40 s"), not once per call.
 */
function clientLines(log: (line: string) => void): (line: string) => void {
  let lastWaitNotice = Number.NEGATIVE_INFINITY;
  return (line) => {
    const wait = /rate-limited: resuming in \d+ s$/.exec(line);
    if (!wait) return log(line);
    const now = Date.now();
    if (now - lastWaitNotice < 5_000) return;
    lastWaitNotice = now;
    log(wait[0]);
  };
}
