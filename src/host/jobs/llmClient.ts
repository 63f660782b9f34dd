/**
 * The LLM client for one job: keys resolved from SecretStorage by origin before the job starts, the on-disk response
 * cache under `.whetstone/cache`, and the embedded backend created only if a `local:` model is used.
 */
import * as path from 'node:path';
import { createDiskCache, createLlmClient, deferredClient } from '../../core/llm';
import type { LlmClient } from '../../core/llm/types';
import type { ApiKeyStore } from '../secrets';
import { isLoopbackOrigin, originOf } from '../secrets';
import type { HostSettings } from '../config';
import type { Logger } from '../logger';
import { createLmChatClient } from '../lm/lmChatClient';

/** Thrown before a job starts when a non-local endpoint has no key; the UI offers "Set API Key". */
export class MissingApiKeyError extends Error {
  constructor(
    readonly origin: string,
    readonly baseUrl: string,
  ) {
    super(
      `No API key is set for ${origin}. Set one with "Whetstone: Set API Key" (keys are stored per endpoint origin).`,
    );
    this.name = 'MissingApiKeyError';
  }
}

/** Endpoints needing a key that has none stored. Loopback endpoints (Ollama, a local server) may run without. */
export async function missingKeys(baseUrls: string[], keys: ApiKeyStore): Promise<MissingApiKeyError[]> {
  const out: MissingApiKeyError[] = [];
  for (const url of baseUrls) {
    const origin = originOf(url);
    if (!origin || isLoopbackOrigin(origin)) continue;
    if (!(await keys.get(url))) out.push(new MissingApiKeyError(origin, url));
  }
  return out;
}

export interface HostLlmOptions {
  baseUrls: string[];
  keys: ApiKeyStore;
  settings: HostSettings;
  workspaceRoot: string;
  extensionPath: string;
  log: Logger;
  /** Also receives the client's lines (retries with backoff, format fallbacks), e.g. for a job's progress. */
  onLine?: (line: string) => void;
}

export async function createHostLlmClient(opts: HostLlmOptions): Promise<LlmClient> {
  const apiKeyFor = await opts.keys.resolverFor(opts.baseUrls);
  return createLlmClient({
    apiKeyFor,
    cache: opts.settings.cacheEnabled
      ? createDiskCache(path.join(opts.workspaceRoot, '.whetstone', 'cache'), {
          maxBytes: opts.settings.cacheMaxSizeMb * 2 ** 20,
        })
      : null,
    concurrency: opts.settings.concurrency,
    rateLimitWaitMs: opts.settings.retryMinutes * 60_000,
    local: lazyLocalBackend(opts.extensionPath, opts.log),
    vscodeLm: createLmChatClient(),
    logger: (line) => {
      opts.log.info(line);
      opts.onLine?.(line);
    },
  });
}

/**
 * The embedded llama.cpp backend (node-llama-cpp is an optional dependency): one per extension session, created on the
 * first `local:` call, its worker processes killed on deactivation. `setLocalBackendFactory` lets tests or a later
 * feature substitute it.
 */
type LocalFactory = (workerPath: string, log: Logger) => Promise<LlmClient & { dispose?(): Promise<void> }>;

let localBackendFactory: LocalFactory = async (workerPath, log) => {
  const { createLocalBackend } = await import('../../core/llm/local');
  return createLocalBackend({ workerPath, logger: (line: string) => log.info(`local model: ${line}`) });
};
let sharedLocal: ReturnType<LocalFactory> | undefined;

export function setLocalBackendFactory(factory: LocalFactory): void {
  localBackendFactory = factory;
  sharedLocal = undefined;
}

/** Stops the embedded backend's workers (extension deactivation). */
export async function disposeLocalBackend(): Promise<void> {
  const backend = sharedLocal;
  sharedLocal = undefined;
  if (backend) await (await backend.catch(() => undefined))?.dispose?.();
}

function lazyLocalBackend(extensionPath: string, log: Logger): LlmClient {
  return deferredClient(() => {
    if (!sharedLocal) {
      log.info('starting the embedded llama.cpp backend');
      sharedLocal = localBackendFactory(path.join(extensionPath, 'dist', 'llama-worker.mjs'), log);
      sharedLocal.catch(() => {
        sharedLocal = undefined;
      });
    }
    return sharedLocal;
  });
}
