/**
 * The LLM client every role uses: remote OpenAI-compatible endpoints through the `openai` package (with our own
 * retries, timeouts, per-origin concurrency, abort, usage/cost and a response cache), and `local:` models through a
 * delegate (the embedded llama.cpp backend).
 *
 * Keys: `apiKeyFor` is asked with the endpoint's ORIGIN (`https://host:port`), per call, and the answer is sent only to
 * that origin (one OpenAI instance per base URL + key; redirects are refused, so a key never follows one elsewhere).
 * An endpoint without a key gets no Authorization header (the openai package needs some key; its placeholder is stripped).
 */
import OpenAI from 'openai';
import { AdaptiveLimit } from './adaptive-limit';
import { createRng } from '../random';
import {
  LlmError,
  VSCODE_LM,
  type CallListener,
  type CallMeta,
  type ChatRequest,
  type ChatResult,
  type LlmClient,
  type ModelRef,
  type SchemaName,
  type ScoreRequest,
  type ScoreResult,
  type StructuredResult,
  type Usage,
} from './types';
import { cacheKey, type CachedResponse, type ResponseCache } from './cache';
import { endpointLabel, originOf } from './endpoint';
import { classifyFailure, type ClassifiedFailure } from './errors';
import { costOf, defaultPrices, type PriceTable } from './prices';
import { abortableSleep, parseRetryAfter, retryDelay, type RetryTiming } from './retry';
import { wireSchemas } from './schemas';
import { flattenChat, NO_CHAT_TEMPLATE, serverRoot, targetLogprobs, templatedScore } from './score';
import {
  parseStructured,
  rejectsResponseFormat,
  responseFormatFor,
  withTaggedInstruction,
  type StructuredMode,
} from './structured-output';
import { createBatcher, type BatchOptions, type BatchTarget } from './batch/batcher';
import type { LineOutcome } from './batch/lines';

/** OpenAI bills batch requests at half the synchronous price. */
export const BATCH_PRICE_FACTOR = 0.5;

/** How long one call waits out rate limits unless told otherwise. */
export const DEFAULT_RATE_LIMIT_WAIT_MS = 10 * 60_000;

const formatDuration = (ms: number) =>
  ms >= 90_000 ? `${Math.round(ms / 60_000)} min` : `${Math.max(1, Math.round(ms / 1000))} s`;

/** Sent as the key to endpoints that have none (see the file comment). */
export const NO_KEY = 'sk-no-key';

/** The `openai` package insists on some key; strip the placeholder it then sends, so no Authorization header leaves. */
function withoutPlaceholderKey(inner: typeof fetch): typeof fetch {
  return (input, init) => {
    const headers = new Headers(init?.headers);
    if (headers.get('authorization') === `Bearer ${NO_KEY}`) headers.delete('authorization');
    return inner(input, { ...init, headers });
  };
}

function splitQuery(baseUrl: string): { base: string; query?: Record<string, string> } {
  const url = new URL(baseUrl);
  if (!url.search) return { base: baseUrl.replace(/\/+$/, '') };
  const query = Object.fromEntries(url.searchParams);
  url.search = '';
  return { base: url.toString().replace(/\/+$/, ''), query };
}

export interface LlmClientOptions {
  /**
   * The key for an endpoint origin (`https://host:port`), or undefined for none. Asked per call; may be async
   * (VS Code SecretStorage is).
   */
  apiKeyFor(origin: string): string | undefined | Promise<string | undefined>;
  /** Response cache; null or absent bypasses it (CLI `--no-cache`). */
  cache?: ResponseCache | null;
  /** Requests in flight per endpoint origin (default 4). */
  concurrency?: number;
  /** Retries after the first attempt, for 5xx/timeouts/connection errors (default 6). Rate limits: `rateLimitWaitMs`. */
  maxRetries?: number;
  /**
   * How long in all one call waits out 429s (default 10 minutes): a rate limit slows a job down, it does not end it.
   * Each wait honours Retry-After; concurrency to the endpoint halves on each 429 and grows back on successes.
   */
  rateLimitWaitMs?: number;
  /** Per attempt, from sending the request to reading the whole body (default 60000). */
  timeoutMs?: number;
  /** Extra or overriding prices, merged over `defaultPrices`. */
  prices?: PriceTable;
  fetch?: typeof fetch;
  /** Handles models whose baseUrl starts with 'local:'. */
  local?: LlmClient;
  /** Handles models whose baseUrl is `vscode-lm:` (VS Code's Language Model API; the extension provides it). */
  vscodeLm?: LlmClient;
  /** One line per retry and per ignored cache failure (never contains keys). */
  logger?: (line: string) => void;
  /** First backoff step in ms (default 500); doubles per attempt up to `retryMaxMs` (default 30000). */
  retryBaseMs?: number;
  retryMaxMs?: number;
  /** A Retry-After longer than this fails the call instead of waiting (default: `rateLimitWaitMs`). */
  maxRetryAfterMs?: number;
  /** Times a structured reply that is not valid JSON for its schema is asked for again (default 2). */
  invalidOutputRetries?: number;
  /** Times a malformed 200 (no choices, no content, no log-probs, not JSON) is asked for again (default 3). */
  malformedRetries?: number;
  /** Jitter source (default: a fixed-seed generator, so runs are reproducible). */
  random?: () => number;
  /** Injected for tests: waiting between retries, and the clock for HTTP-date Retry-After. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  now?: () => number;
  /** Chat requests marked `batch` go through the provider's batch API (batch/batcher.ts); absent: all synchronous. */
  batch?: BatchOptions;
}

interface Endpoint {
  label: string;
  origin: string;
  key: string | undefined;
  openai: OpenAI;
}

/** What makes a chat completion 200 unusable, or undefined. A refusal or an empty string is an answer; null is not. */
function malformedChat(res: OpenAI.Chat.ChatCompletion): string | undefined {
  if (typeof res !== 'object' || res === null) return 'the body is not a JSON object';
  if (!Array.isArray(res.choices) || res.choices.length === 0) return 'it has no choices';
  const message = res.choices[0]?.message as { content?: unknown; refusal?: unknown } | undefined;
  if (typeof message !== 'object' || message === null) return 'its first choice has no message';
  if (typeof message.content !== 'string' && typeof message.refusal !== 'string') return 'its message has no content';
  return undefined;
}

/** What makes a scoring completion 200 unusable: no choice, or no per-token log-probs. */
function malformedScore(res: OpenAI.Completions.Completion): string | undefined {
  if (typeof res !== 'object' || res === null) return 'the body is not a JSON object';
  if (!Array.isArray(res.choices) || res.choices.length === 0) return 'it has no choices';
  const logprobs = res.choices[0]?.logprobs as { tokens?: unknown; token_logprobs?: unknown } | null | undefined;
  if (!logprobs || !Array.isArray(logprobs.tokens) || !Array.isArray(logprobs.token_logprobs))
    return 'it has no log-probs';
  return undefined;
}

/**
 * Parameters that would change the response shape we parse; never passed through. `response_format` is passed (a
 * prompt file's own structured output, see evaluation/target-request.ts); structured calls replace it with theirs.
 */
const RESERVED_PARAMS = new Set(['stream', 'stream_options', 'n', 'messages', 'model', 'echo', 'logprobs', 'prompt']);

export function createLlmClient(opts: LlmClientOptions): LlmClient {
  const cache = opts.cache ?? null;
  const concurrency = Math.max(1, opts.concurrency ?? 4);
  const maxRetries = Math.max(0, opts.maxRetries ?? 6);
  const timeoutMs = opts.timeoutMs ?? 60_000;
  const prices: PriceTable = { ...defaultPrices, ...opts.prices };
  const log = opts.logger ?? (() => undefined);
  const sleep = opts.sleep ?? abortableSleep;
  const timing: RetryTiming = {
    baseMs: opts.retryBaseMs ?? 500,
    maxMs: opts.retryMaxMs ?? 30_000,
    maxRetryAfterMs: opts.maxRetryAfterMs ?? opts.rateLimitWaitMs ?? DEFAULT_RATE_LIMIT_WAIT_MS,
    random: opts.random ?? createRng(0x5eed).next,
    now: opts.now ?? Date.now,
  };
  const invalidOutputRetries = opts.invalidOutputRetries ?? 2;
  const rateLimitWaitMs = opts.rateLimitWaitMs ?? DEFAULT_RATE_LIMIT_WAIT_MS;
  const malformedRetries = Math.max(0, opts.malformedRetries ?? 3);

  const instances = new Map<string, OpenAI>();
  const limiters = new Map<string, AdaptiveLimit>();
  const listeners = new Set<CallListener>();
  /** endpoint label + model → needs tagged text instead of response_format. */
  const needsTagged = new Set<string>();
  /** endpoint label + model → rejects max_tokens: 0 on scoring. */
  const needsOneToken = new Set<string>();
  /** Endpoints (label + model) without `/tokenize` for messages: chat prompts cannot be scored in their template. */
  const noChatTemplate = new Set<string>();
  const scoreProbes = new Map<string, Promise<boolean>>();
  const batcher = opts.batch && createBatcher(opts.batch, (l) => log(l), keepBatchAnswer);

  async function endpointFor(baseUrl: string): Promise<Endpoint> {
    const origin = originOf(baseUrl);
    const label = endpointLabel(baseUrl);
    if (!origin || !/^https?:$/.test(new URL(baseUrl).protocol)) {
      throw new LlmError(`${label}: not an http(s) base URL`, 'unreachable', undefined, label);
    }
    const parsed = new URL(baseUrl);
    if (parsed.username || parsed.password) {
      // fetch refuses such URLs anyway; say why, once, instead of retrying a request that cannot be built.
      throw new LlmError(
        `${label}: the base URL has credentials in it (user:password@); give the key as the API key instead`,
        'unsupported',
        undefined,
        label,
      );
    }
    const key = (await opts.apiKeyFor(origin)) || undefined;
    const id = `${baseUrl}\u0000${key ?? ''}`;
    let openai = instances.get(id);
    if (!openai) {
      // A query in the base URL (`?api-version=…`, `?api-key=…`) is sent with every request, not glued into the path.
      const { base, query } = splitQuery(baseUrl);
      openai = new OpenAI({
        baseURL: base,
        ...(query && { defaultQuery: query }),
        apiKey: key ?? NO_KEY,
        // Explicit nulls: the package would otherwise read OPENAI_ORG_ID / OPENAI_PROJECT_ID and send them anywhere.
        organization: null,
        project: null,
        webhookSecret: null,
        maxRetries: 0,
        // Backstop only; our own per-attempt timer (which also covers reading the body) fires first.
        timeout: timeoutMs + 1000,
        // An endpoint we hold no key for gets no Authorization header at all, not the placeholder.
        fetch: key ? opts.fetch : withoutPlaceholderKey(opts.fetch ?? fetch),
        fetchOptions: { redirect: 'error' },
      });
      instances.set(id, openai);
    }
    return { label, origin, key, openai };
  }

  function limiterFor(origin: string): AdaptiveLimit {
    let limit = limiters.get(origin);
    if (!limit) {
      limit = new AdaptiveLimit(concurrency, () => new LlmError(`${endpointLabel(origin)}: aborted`, 'aborted'));
      limiters.set(origin, limit);
    }
    return limit;
  }

  const malformedFailure = (ep: Endpoint, reason: string, retryable: boolean): ClassifiedFailure => ({
    error: new LlmError(`${ep.label}: malformed response: ${reason}`, 'invalid-output', undefined, ep.label),
    retryable,
  });

  const abortedError = (ep: { label: string }) => new LlmError(`${ep.label}: aborted`, 'aborted', undefined, ep.label);

  /** One attempt: its own timer and abort controller, linked to the caller's signal. */
  async function attempt<T>(
    ep: Endpoint,
    signal: AbortSignal | undefined,
    run: (openai: OpenAI, signal: AbortSignal) => Promise<T>,
  ): Promise<{ ok: true; value: T } | { ok: false; failure: ClassifiedFailure }> {
    if (signal?.aborted) return { ok: false, failure: { error: abortedError(ep), retryable: false } };
    const controller = new AbortController();
    let timedOut = false;
    const onAbort = () => controller.abort(signal?.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort(new Error('timeout'));
    }, timeoutMs);
    try {
      return { ok: true, value: await run(ep.openai, controller.signal) };
    } catch (err) {
      return {
        ok: false,
        failure: classifyFailure(err, {
          endpoint: ep.label,
          apiKey: ep.key,
          userAborted: !!signal?.aborted,
          timedOut,
          timeoutMs,
        }),
      };
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    }
  }

  /**
   * Runs `run` under the origin's concurrency limit, retrying transient failures with backoff. `malformed` names what
   * is wrong with a 200 that cannot be used (no choices, no content, no log-probs): such an answer is retried like a
   * transport error, at most `malformedRetries` times (a server that keeps answering garbage will not heal by waiting).
   */
  async function send<T>(
    ep: Endpoint,
    signal: AbortSignal | undefined,
    run: (openai: OpenAI, signal: AbortSignal) => Promise<T>,
    malformed: (value: T) => string | undefined = () => undefined,
  ): Promise<T> {
    const limit = limiterFor(ep.origin);
    let malformedSeen = 0;
    let retries = 0; // of transient failures other than rate limits (bounded by count)
    let rateLimitRetries = 0;
    let waitedMs = 0;
    let firstLimitedAt: number | undefined;
    for (let n = 0; ; n++) {
      // A call waiting for a slot is given up at once when aborted.
      const release = await limit.acquire(signal).catch(() => {
        throw abortedError(ep);
      });
      let outcome = await attempt(ep, signal, run).finally(release);
      if (outcome.ok) {
        const reason = malformed(outcome.value);
        limit.succeeded(); // the server took the request: the rate limit (if any) let it through
        if (reason === undefined) return outcome.value;
        outcome = { ok: false, failure: malformedFailure(ep, reason, ++malformedSeen <= malformedRetries) };
      } else if (outcome.failure.error.kind === 'invalid-output') {
        // A body that is not JSON (cut off mid-transfer, an HTML error page with status 200).
        outcome.failure.retryable &&= ++malformedSeen <= malformedRetries;
      }
      const { error, retryable, headers } = outcome.failure;
      const rateLimited = error.status === 429;
      if (rateLimited) limit.rateLimited();
      // A refused connection rarely heals within seconds: one retry, then report it.
      const refused = error.kind === 'unreachable' && error.message.includes('ECONNREFUSED') && n >= 1;
      if (!retryable || refused) throw error;
      const retryAfter = parseRetryAfter(headers, timing.now());
      if (retryAfter !== undefined && retryAfter > timing.maxRetryAfterMs) {
        throw new LlmError(
          `${error.message} (server asked to retry after ${Math.round(retryAfter / 1000)} s)`,
          error.kind,
          error.status,
          error.endpoint,
        );
      }
      let wait: number;
      if (rateLimited) {
        // Rate limits are waited out for up to `rateLimitWaitMs` in all (by the clock, or by the waits themselves
        // when the clock is injected and does not move), however many 429s that takes.
        firstLimitedAt ??= timing.now();
        wait = retryDelay(rateLimitRetries++, retryAfter, timing);
        const spent = Math.max(timing.now() - firstLimitedAt, waitedMs);
        if (spent + wait > rateLimitWaitMs) {
          throw new LlmError(
            `${error.message} (still rate-limited after waiting ${formatDuration(spent)}; the limit is ` +
              `${formatDuration(rateLimitWaitMs)}, set by --retry-minutes or WHETSTONE_RETRY_MINUTES)`,
            error.kind,
            error.status,
            error.endpoint,
          );
        }
        waitedMs += wait;
        log(`${error.message}; rate-limited: resuming in ${Math.max(1, Math.round(wait / 1000))} s`);
      } else {
        if (retries >= maxRetries) throw error;
        wait = retryDelay(retries++, retryAfter, timing);
        log(`${error.message}; retry ${retries}/${maxRetries} in ${(wait / 1000).toFixed(1)} s`);
      }
      try {
        await sleep(wait, signal);
      } catch {
        throw abortedError(ep);
      }
      if (signal?.aborted) throw abortedError(ep);
    }
  }

  function emit(kind: 'chat' | 'structured' | 'score', model: ModelRef, meta: CallMeta, schema?: SchemaName) {
    for (const listener of listeners) {
      try {
        listener({ kind, model, meta, schema });
      } catch (err) {
        log(`call listener failed: ${(err as Error).message}`);
      }
    }
  }

  // In-process backends (no HTTP, no price): the embedded llama.cpp (`local:`) and VS Code's language models.
  const isLocal = (model: ModelRef) => model.baseUrl.startsWith('local:') || model.baseUrl.startsWith(VSCODE_LM);
  function localClient(model: ModelRef): LlmClient {
    const lm = model.baseUrl.startsWith(VSCODE_LM);
    const client = lm ? opts.vscodeLm : opts.local;
    if (!client)
      throw new LlmError(
        lm
          ? `${model.model}: VS Code language models are only available inside VS Code`
          : `${model.baseUrl}: local models need the embedded backend, which is not available here`,
        'unsupported',
        undefined,
        lm ? VSCODE_LM : 'local:',
      );
    return client;
  }
  const labelOf = (model: ModelRef) =>
    isLocal(model) ? (model.baseUrl.startsWith(VSCODE_LM) ? VSCODE_LM : 'local:') : endpointLabel(model.baseUrl);
  const costFor = (model: ModelRef, usage: Usage | undefined) =>
    isLocal(model) ? 0 : costOf(model.model, usage, prices);

  function passParams(model: ModelRef): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(model.params ?? {})) if (!RESERVED_PARAMS.has(k) && v !== undefined) out[k] = v;
    return out;
  }

  /** Cache lookup → fresh call → cache store → listeners. `fresh` returns the entry to store and its cost. */
  async function cached<R>(
    kind: CachedResponse['kind'],
    model: ModelRef,
    schema: SchemaName | undefined,
    keyParts: Record<string, unknown>,
    accept: (entry: CachedResponse) => boolean,
    fresh: (key: string) => Promise<{ entry: CachedResponse; costUsd: number | null; batch?: boolean }>,
    build: (entry: CachedResponse, meta: CallMeta) => R,
  ): Promise<R> {
    const key = cache || batcher ? cacheKey({ kind, ...keyParts }) : '';
    if (cache) {
      const hit = await cache.get(key).catch((err: Error) => {
        log(`response cache read failed (ignored): ${err.message}`);
        return undefined;
      });
      if (hit && hit.kind === kind && accept(hit)) {
        // Nothing was paid for this answer now; usage is what it cost when first made.
        const meta: CallMeta = { usage: hit.usage, costUsd: 0, cached: true };
        emit(kind, model, meta, schema);
        return build(hit, meta);
      }
    }
    const { entry, costUsd, batch } = await fresh(key);
    if (cache)
      await cache.set(key, entry).catch((err: Error) => log(`response cache write failed (ignored): ${err.message}`));
    const meta: CallMeta = { usage: entry.usage, costUsd, cached: false, ...(batch && { batch }) };
    emit(kind, model, meta, schema);
    return build(entry, meta);
  }

  const usageOf = (u: { prompt_tokens?: number; completion_tokens?: number } | null | undefined): Usage | undefined =>
    u ? { promptTokens: u.prompt_tokens ?? 0, completionTokens: u.completion_tokens ?? 0 } : undefined;
  const addUsage = (a: Usage, b: Usage | undefined): Usage => ({
    promptTokens: a.promptTokens + (b?.promptTokens ?? 0),
    completionTokens: a.completionTokens + (b?.completionTokens ?? 0),
  });
  const ZERO: Usage = { promptTokens: 0, completionTokens: 0 };

  const chatBody = (req: ChatRequest, extra: Record<string, unknown> = {}) =>
    ({
      ...passParams(req.model),
      ...(req.seed !== undefined ? { seed: req.seed } : {}),
      ...extra,
      model: req.model.model,
      messages: req.messages,
    }) as unknown as OpenAI.Chat.ChatCompletionCreateParamsNonStreaming;

  async function remoteChat(ep: Endpoint, req: ChatRequest, extra: Record<string, unknown> = {}) {
    const body = chatBody(req, extra);
    const res = await send(
      ep,
      req.signal,
      (openai, signal) => openai.chat.completions.create(body, { signal }),
      malformedChat,
    );
    const choice = res.choices[0];
    return {
      text: choice.message.content ?? '',
      usage: usageOf(res.usage),
      finishReason: choice.finish_reason as string | undefined,
    };
  }

  async function chat(req: ChatRequest): Promise<ChatResult> {
    const keyParts = {
      endpoint: labelOf(req.model),
      model: req.model.model,
      params: req.model.params ?? {},
      messages: req.messages,
      seed: req.seed ?? null,
    };
    return cached(
      'chat',
      req.model,
      undefined,
      keyParts,
      (e) => typeof e.text === 'string',
      async (key) => {
        if (isLocal(req.model)) {
          const r = await localClient(req.model).chat(req);
          return { entry: { kind: 'chat', text: r.text, usage: r.usage }, costUsd: 0 };
        }
        const ep = await endpointFor(req.model.baseUrl);
        if (req.batch && batcher) return batchedChat(ep, req, key);
        const { text, usage } = await remoteChat(ep, req);
        return { entry: { kind: 'chat', text, usage: usage ?? ZERO }, costUsd: costFor(req.model, usage) };
      },
      (e, meta) => ({ text: e.text ?? '', ...meta }),
    );
  }

  /** One chat request answered through the provider's batch API; its custom_id is its cache key. */
  async function batchedChat(ep: Endpoint, req: ChatRequest, key: string) {
    const target: BatchTarget = { label: ep.label, model: req.model.model, openai: ep.openai, key: ep.key };
    const outcome = await batcher!.send(target, key, chatBody(req), req.signal);
    const { entry, usage } = chatEntryOf(target, outcome);
    const cost = costFor(req.model, usage);
    return { entry, costUsd: cost === null ? null : cost * BATCH_PRICE_FACTOR, batch: true };
  }

  /** A batch line as the sync path would have answered it: the reply, or the same error (no retry: it was paid). */
  function chatEntryOf(target: BatchTarget, outcome: LineOutcome): { entry: CachedResponse; usage?: Usage } {
    if (!outcome.ok) throw outcome.error;
    const res = outcome.body as OpenAI.Chat.ChatCompletion;
    const reason = malformedChat(res);
    if (reason)
      throw new LlmError(`${target.label}: malformed response: ${reason}`, 'invalid-output', undefined, target.label);
    const usage = usageOf(res.usage);
    return { entry: { kind: 'chat', text: res.choices[0].message.content ?? '', usage: usage ?? ZERO }, usage };
  }

  /** A batch answer that arrived after its caller left: cached, so the next run gets it without paying again. */
  async function keepBatchAnswer(target: BatchTarget, customId: string, outcome: LineOutcome): Promise<void> {
    if (cache) await cache.set(customId, chatEntryOf(target, outcome).entry);
  }

  async function structured<T>(req: ChatRequest & { schema: SchemaName }): Promise<StructuredResult<T>> {
    const { schema } = req;
    const keyParts = {
      endpoint: labelOf(req.model),
      model: req.model.model,
      params: req.model.params ?? {},
      messages: req.messages,
      schema: { name: schema, shape: wireSchemas[schema] },
      seed: req.seed ?? null,
    };
    const valid = (e: CachedResponse) => parseStructured(schema, JSON.stringify(e.value), 'json_schema').ok;
    return cached(
      'structured',
      req.model,
      schema,
      keyParts,
      valid,
      async () => {
        if (isLocal(req.model)) {
          const r = await localClient(req.model).structured<T>(req);
          return { entry: { kind: 'structured', value: r.value, mode: r.mode, usage: r.usage }, costUsd: 0 };
        }
        const ep = await endpointFor(req.model.baseUrl);
        const memo = `${ep.label}\u0000${req.model.model}`;
        let usage: Usage = ZERO;
        let usageKnown = true;
        let lastReason = '';
        let onlyProse = true; // every json_schema reply so far was not JSON at all
        for (let tries = 0; tries <= invalidOutputRetries; tries++) {
          let mode: StructuredMode = needsTagged.has(memo) ? 'tagged' : 'json_schema';
          // Some servers accept response_format and silently ignore it: if every reply so far was prose, the last
          // try asks for tagged JSON instead (not remembered: it may have been chance).
          if (mode === 'json_schema' && tries > 0 && tries === invalidOutputRetries && onlyProse) mode = 'tagged';
          let reply: { text: string; usage: Usage | undefined; finishReason?: string };
          try {
            reply =
              mode === 'json_schema'
                ? await remoteChat(ep, req, { response_format: responseFormatFor(schema) })
                : await remoteChat(
                    ep,
                    { ...req, messages: withTaggedInstruction(req.messages, schema) },
                    { response_format: undefined },
                  );
          } catch (err) {
            if (
              mode === 'json_schema' &&
              err instanceof LlmError &&
              err.kind === 'http' &&
              rejectsResponseFormat(err.status, err.message)
            ) {
              log(`${ep.label}: model ${req.model.model} rejects response_format; using tagged JSON from now on`);
              needsTagged.add(memo);
              tries--; // the rejected request produced no output; it does not count as an invalid reply
              continue;
            }
            throw err;
          }
          usage = addUsage(usage, reply.usage);
          usageKnown &&= reply.usage !== undefined;
          const parsed = parseStructured<T>(schema, reply.text, mode);
          if (parsed.ok) {
            return {
              entry: { kind: 'structured', value: parsed.value, mode, usage },
              costUsd: usageKnown ? costFor(req.model, usage) : null,
            };
          }
          // A reply cut off by max_tokens will be cut off again: say so, the fix is the caller's parameter.
          lastReason =
            reply.finishReason === 'length' ? `${parsed.reason} (reply cut off by max_tokens)` : parsed.reason;
          onlyProse &&= mode === 'json_schema' && reply.finishReason !== 'length' && !/^\s*[[{]/.test(reply.text);
          log(
            `${ep.label}: ${req.model.model} gave an invalid "${schema}" reply (${lastReason})${tries < invalidOutputRetries ? '; asking again' : ''}`,
          );
        }
        // The failed replies were paid for: report them before failing.
        emit(
          'structured',
          req.model,
          { usage, costUsd: usageKnown ? costFor(req.model, usage) : null, cached: false },
          schema,
        );
        throw new LlmError(
          `${ep.label}: model ${req.model.model} gave no valid "${schema}" reply in ${invalidOutputRetries + 1} tries: ${lastReason}`,
          'invalid-output',
          undefined,
          ep.label,
        );
      },
      (e, meta) => ({ value: e.value as T, mode: e.mode ?? 'json_schema', ...meta }),
    );
  }

  async function score(req: ScoreRequest): Promise<ScoreResult> {
    const context = req.prompt ?? flattenChat(req.messages ?? []);
    const keyParts = {
      endpoint: labelOf(req.model),
      model: req.model.model,
      context,
      target: req.target,
      messages: req.messages ?? null,
      ...(req.messages && req.prompt === undefined && { chat: req.plainText ? 'template-or-plain' : 'template' }),
    };
    return cached(
      'score',
      req.model,
      undefined,
      keyParts,
      (e) => Array.isArray(e.tokens) && Array.isArray(e.logprobs),
      async () => {
        if (isLocal(req.model)) {
          const r = await localClient(req.model).score(req);
          return { entry: { kind: 'score', tokens: r.tokens, logprobs: r.logprobs, usage: r.usage }, costUsd: 0 };
        }
        const ep = await endpointFor(req.model.baseUrl);
        const memo = `${ep.label}\u0000${req.model.model}`;
        if (req.messages && req.prompt === undefined) {
          const templated = await scoreInTemplate(ep, memo, req);
          if (templated) return templated;
          if (!req.plainText)
            throw new LlmError(
              `${ep.label}: model ${req.model.model} ${NO_CHAT_TEMPLATE}`,
              'unsupported',
              undefined,
              ep.label,
            );
        }
        const full = context + req.target;
        const request = (maxTokens: 0 | 1) =>
          send(
            ep,
            req.signal,
            (openai, signal) =>
              openai.completions.create(
                { model: req.model.model, prompt: full, echo: true, logprobs: 1, max_tokens: maxTokens },
                { signal },
              ),
            malformedScore,
          );
        let res: OpenAI.Completions.Completion;
        try {
          try {
            res = await request(needsOneToken.has(memo) ? 1 : 0);
          } catch (err) {
            // vLLM and others want max_tokens ≥ 1; the one generated token lies past the target and is ignored.
            if (needsOneToken.has(memo) || !(err instanceof LlmError && (err.status === 400 || err.status === 422)))
              throw err;
            res = await request(1);
            needsOneToken.add(memo);
          }
        } catch (err) {
          if (err instanceof LlmError && err.status !== undefined && [400, 404, 405, 422, 501].includes(err.status)) {
            throw new LlmError(
              `${err.message} — scoring model ${req.model.model} needs /v1/completions with echo + logprobs (vLLM, SGLang) or a local: GGUF model`,
              'unsupported',
              err.status,
              ep.label,
            );
          }
          throw err;
        }
        const choice = res.choices?.[0];
        const picked = targetLogprobs(
          choice?.text,
          choice?.logprobs as Parameters<typeof targetLogprobs>[1],
          context,
          full,
        );
        if (!picked.ok)
          throw new LlmError(
            `${ep.label}: model ${req.model.model} cannot score: ${picked.reason}`,
            'unsupported',
            undefined,
            ep.label,
          );
        const usage = usageOf(res.usage);
        return {
          entry: { kind: 'score', tokens: picked.tokens, logprobs: picked.logprobs, usage: usage ?? ZERO },
          costUsd: costFor(req.model, usage),
        };
      },
      (e, meta) => ({ tokens: e.tokens ?? [], logprobs: e.logprobs ?? [], ...meta }),
    );
  }

  /** Scores in the server's own chat template; undefined when the server has no `/tokenize` with messages. */
  async function scoreInTemplate(ep: Endpoint, memo: string, req: ScoreRequest) {
    if (noChatTemplate.has(memo)) return undefined;
    const root = serverRoot(req.model.baseUrl);
    let first = true;
    const picked = await templatedScore(
      {
        tokenize: async (body) => {
          try {
            return await send(ep, req.signal, (openai, signal) =>
              openai.post<{ tokens?: unknown }>(`${root}/tokenize`, { body, signal }),
            );
          } catch (err) {
            if (
              first &&
              err instanceof LlmError &&
              err.status !== undefined &&
              [400, 404, 405, 422, 501].includes(err.status)
            ) {
              noChatTemplate.add(memo);
              return { tokens: undefined };
            }
            throw err;
          } finally {
            first = false;
          }
        },
        complete: (prompt) =>
          send(ep, req.signal, (openai, signal) =>
            openai.completions.create(
              { model: req.model.model, prompt, echo: true, logprobs: 1, max_tokens: 1 },
              { signal },
            ),
          ) as never,
      },
      req.model.model,
      req.messages!,
      req.target,
    );
    if (noChatTemplate.has(memo)) return undefined;
    if (!picked.ok)
      throw new LlmError(
        `${ep.label}: model ${req.model.model} cannot score: ${picked.reason}`,
        'unsupported',
        undefined,
        ep.label,
      );
    const usage = usageOf(picked.usage as OpenAI.Completions.Completion['usage']);
    return {
      entry: { kind: 'score' as const, tokens: picked.tokens, logprobs: picked.logprobs, usage: usage ?? ZERO },
      costUsd: costFor(req.model, usage),
    };
  }

  async function canScore(model: ModelRef, signal?: AbortSignal): Promise<boolean> {
    if (isLocal(model)) return localClient(model).canScore(model, signal);
    const memo = `${endpointLabel(model.baseUrl)}\u0000${model.model}`;
    let probe = scoreProbes.get(memo);
    if (!probe) {
      probe = score({ model, prompt: 'The capital of France is', target: ' Paris.', signal }).then(
        (r) => r.tokens.length > 0,
        (err: unknown) => {
          if (err instanceof LlmError && (err.kind === 'unsupported' || err.kind === 'invalid-output')) return false;
          scoreProbes.delete(memo); // transient failures (unreachable, timeout, abort) are not remembered
          throw err;
        },
      );
      scoreProbes.set(memo, probe);
    }
    return probe;
  }

  return {
    chat,
    structured,
    score,
    canScore,
    onCall(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
