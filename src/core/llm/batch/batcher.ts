/**
 * Sends chat requests through a provider's batch API (OpenAI Batch: half the price, answers within 24 h) instead of
 * one HTTP call each. Requests are collected per endpoint and model (a batch holds one model) and sent as one batch
 * when no new request came for `collectMs`, or when the batch is full; the batch is then polled with backoff and each
 * caller is answered from its line of the output (or error) file.
 *
 * A request's custom_id is its response-cache key. Submitted batches are remembered on disk (pending-store.ts): a
 * killed run that asks for the same requests again re-attaches to the batch it already paid for.
 */
import type OpenAI from 'openai';
import { LlmError } from '../types';
import { createBatch, downloadFile, retrieveBatch, type BatchTarget } from './provider';
import { BatchRequestError, readBatchLines, type LineOutcome } from './lines';
import { createPendingStore, type PendingBatch, type PendingStore } from './pending-store';

export interface BatchOptions {
  /** Where submitted batches are remembered until their results are collected (`.whetstone/batches`). */
  dir: string;
  /** First wait between status checks, in ms (default 10 s); it grows by half each time up to `maxPollMs`. */
  pollMs?: number;
  /** Longest wait between status checks (default 60 s, or `pollMs` when that is longer). */
  maxPollMs?: number;
  /** A batch is sent once no new request has come for this long (default 500 ms). */
  collectMs?: number;
  /** Requests per batch (default 50,000, OpenAI's limit). */
  maxRequests?: number;
  /** Bytes of JSONL per batch (default 190 MiB, under OpenAI's 200 MB). */
  maxBytes?: number;
  onEvent?(event: BatchEvent): void;
}

export type BatchEvent =
  | { type: 'submitted'; batchId: string; endpoint: string; model: string; requests: number }
  | { type: 'attached'; batchId: string; endpoint: string; requests: number; submitted: string }
  | { type: 'progress'; batchId: string; status: string; completed: number; failed: number; total: number }
  | { type: 'finished'; batchId: string; status: string; completed: number; failed: number; total: number }
  | { type: 'left-running'; batchId: string };

export type { BatchTarget } from './provider';

export interface Batcher {
  /** The outcome of one chat request (`body` = the /v1/chat/completions request body). */
  send(target: BatchTarget, customId: string, body: object, signal?: AbortSignal): Promise<LineOutcome>;
}

interface Waiter {
  resolve(outcome: LineOutcome): void;
  reject(error: unknown): void;
}

interface Entry {
  waiters: Set<Waiter>;
  batchId?: string;
  /** The request body, kept for one resend when its line failed in a way a later batch may get past. */
  body: object;
  resent?: boolean;
}

interface Queue {
  target: BatchTarget;
  items: { slot: string; customId: string; line: string }[];
  bytes: number;
  timer?: NodeJS.Timeout;
}

interface Watch {
  wake(): void;
}

const TERMINAL = new Set(['completed', 'failed', 'expired', 'cancelled']);
/** Status checks that may fail in a row (network, 5xx) before the batch is given up on. */
const MAX_POLL_FAILURES = 20;

/** Stores an answer nobody in this process is waiting for any more (so a later run finds it in the cache). */
export type KeepOutcome = (target: BatchTarget, customId: string, outcome: LineOutcome) => Promise<void>;

export function createBatcher(
  options: BatchOptions,
  log: (line: string) => void = () => undefined,
  keep: KeepOutcome = async () => undefined,
): Batcher {
  const pollMs = Math.max(1, options.pollMs ?? 10_000);
  const maxPollMs = Math.max(pollMs, options.maxPollMs ?? 60_000);
  const collectMs = options.collectMs ?? 500;
  const maxRequests = Math.max(1, options.maxRequests ?? 50_000);
  const maxBytes = options.maxBytes ?? 190 * 2 ** 20;
  const store: PendingStore = createPendingStore(options.dir, log);
  const emit = (event: BatchEvent) => options.onEvent?.(event);
  const entries = new Map<string, Entry>();
  const queues = new Map<string, Queue>();
  const watches = new Map<string, Watch>();
  const slotOf = (label: string, customId: string) => `${label}\u0000${customId}`;

  async function send(target: BatchTarget, customId: string, body: object, signal?: AbortSignal) {
    const slot = slotOf(target.label, customId);
    let entry = entries.get(slot);
    const fresh = !entry;
    if (!entry) entries.set(slot, (entry = { waiters: new Set(), body }));
    const outcome = waitOn(entry, target.label, signal);
    if (fresh) {
      const pending = await store.batchFor(target.label, customId).catch(() => undefined);
      if (pending) {
        entry.batchId = pending.batchId;
        attach(target, pending);
      } else enqueue(target, slot, customId, body);
    }
    return outcome;
  }

  function waitOn(entry: Entry, label: string, signal?: AbortSignal): Promise<LineOutcome> {
    const aborted = () => new LlmError(`${label}: aborted`, 'aborted', undefined, label);
    return new Promise<LineOutcome>((resolve, reject) => {
      if (signal?.aborted) return reject(aborted());
      const onAbort = () => {
        entry.waiters.delete(waiter);
        // A queued request nobody waits for is left out when the batch is sent (flush); a sent one is polled only
        // while someone waits for its batch.
        if (entry.waiters.size === 0 && entry.batchId) watches.get(entry.batchId)?.wake();
        reject(aborted());
      };
      const done = () => signal?.removeEventListener('abort', onAbort);
      const waiter: Waiter = {
        resolve: (o) => (done(), resolve(o)),
        reject: (e) => (done(), reject(e)),
      };
      entry.waiters.add(waiter);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  function settle(slot: string, outcome: LineOutcome | { thrown: unknown }): boolean {
    const entry = entries.get(slot);
    entries.delete(slot);
    if (!entry) return false;
    for (const w of entry.waiters) 'thrown' in outcome ? w.reject(outcome.thrown) : w.resolve(outcome);
    return entry.waiters.size > 0;
  }

  function enqueue(target: BatchTarget, slot: string, customId: string, body: object): void {
    const name = `${target.label}\u0000${target.model}`;
    let q = queues.get(name);
    if (!q) queues.set(name, (q = { target, items: [], bytes: 0 }));
    const line = JSON.stringify({ custom_id: customId, method: 'POST', url: '/v1/chat/completions', body });
    q.items.push({ slot, customId, line });
    q.bytes += Buffer.byteLength(line) + 1;
    if (q.items.length >= maxRequests || q.bytes >= maxBytes) return flush(q);
    // Sent when the callers go quiet: a round's requests arrive together and leave as one batch.
    if (q.timer) q.timer.refresh();
    else q.timer = setTimeout(() => flush(q), collectMs);
  }

  function flush(q: Queue): void {
    if (q.timer) clearTimeout(q.timer);
    q.timer = undefined;
    let bytes = 0;
    let count = 0;
    while (count < q.items.length && count < maxRequests && bytes + q.items[count].line.length < maxBytes)
      bytes += Buffer.byteLength(q.items[count++].line) + 1;
    const taken = q.items.splice(0, Math.max(1, count));
    q.bytes = Math.max(0, q.bytes - bytes);
    if (q.items.length) q.timer = setTimeout(() => flush(q), 0);
    const waitedFor = (i: Queue['items'][number]) => (entries.get(i.slot)?.waiters.size ?? 0) > 0;
    for (const i of taken) if (!waitedFor(i)) entries.delete(i.slot); // aborted before it was sent
    const items = taken.filter((i) => entries.has(i.slot));
    if (items.length) void submit(q.target, items);
  }

  async function submit(target: BatchTarget, items: Queue['items']): Promise<void> {
    let batchId: string;
    try {
      batchId = await createBatch(target, items.map((i) => i.line).join('\n') + '\n');
    } catch (error) {
      for (const i of items) settle(i.slot, { thrown: error });
      return;
    }
    const record: PendingBatch = {
      version: 1,
      batchId,
      endpoint: target.label,
      model: target.model,
      submitted: new Date().toISOString(),
      customIds: items.map((i) => i.customId),
    };
    for (const i of items) {
      const entry = entries.get(i.slot);
      if (entry) entry.batchId = batchId;
    }
    await store
      .save(record)
      .catch((e: Error) => log(`could not remember batch ${batchId} on disk (${e.message}); a re-run would resend it`));
    emit({ type: 'submitted', batchId, endpoint: target.label, model: target.model, requests: items.length });
    watch(target, record);
  }

  function attach(target: BatchTarget, record: PendingBatch): void {
    if (watches.has(record.batchId)) return;
    emit({
      type: 'attached',
      batchId: record.batchId,
      endpoint: record.endpoint,
      requests: record.customIds.length,
      submitted: record.submitted,
    });
    watch(target, record);
  }

  function watch(target: BatchTarget, record: PendingBatch): void {
    let wake = () => undefined as void;
    const w: Watch = { wake: () => wake() };
    watches.set(record.batchId, w);
    const nap = (ms: number) =>
      new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, ms);
        wake = () => (clearTimeout(timer), resolve());
      });
    const anyoneWaiting = () =>
      record.customIds.some((id) => (entries.get(slotOf(target.label, id))?.waiters.size ?? 0) > 0);
    void poll(target, record, nap, anyoneWaiting)
      .catch((error: unknown) => {
        for (const id of record.customIds) settle(slotOf(target.label, id), { thrown: error });
      })
      .finally(() => watches.delete(record.batchId));
  }

  async function poll(
    target: BatchTarget,
    record: PendingBatch,
    nap: (ms: number) => Promise<void>,
    anyoneWaiting: () => boolean,
  ): Promise<void> {
    let wait = pollMs;
    let failures = 0;
    let last = '';
    for (;;) {
      await nap(wait);
      if (!anyoneWaiting()) {
        emit({ type: 'left-running', batchId: record.batchId });
        return;
      }
      wait = Math.min(maxPollMs, Math.ceil(wait * 1.5));
      let batch: OpenAI.Batches.Batch;
      try {
        batch = await retrieveBatch(target, record.batchId);
        failures = 0;
      } catch (error) {
        if (error instanceof LlmError && error.status === 404) return forgotten(target, record);
        if (!(error instanceof LlmError) || !transient(error) || ++failures > MAX_POLL_FAILURES) throw error;
        log(`batch ${record.batchId}: status check failed (${error.message}); trying again`);
        continue;
      }
      const counts = countsOf(batch, record);
      const shown = `${batch.status}|${counts.completed}|${counts.failed}`;
      if (shown !== last && !TERMINAL.has(batch.status))
        emit({ type: 'progress', batchId: record.batchId, status: batch.status, ...counts });
      last = shown;
      if (TERMINAL.has(batch.status)) return collect(target, record, batch, counts);
    }
  }

  async function collect(
    target: BatchTarget,
    record: PendingBatch,
    batch: OpenAI.Batches.Batch,
    counts: { completed: number; failed: number; total: number },
  ): Promise<void> {
    if (batch.status === 'failed') {
      const reasons = (batch.errors?.data ?? []).map((e) => e.message).filter(Boolean);
      await store.remove(record.batchId).catch(() => undefined);
      throw new LlmError(
        `${target.label}: the provider refused batch ${record.batchId}` +
          (reasons.length ? `: ${reasons.slice(0, 3).join('; ')}` : ''),
        'http',
        undefined,
        target.label,
      );
    }
    const outcomes = new Map<string, LineOutcome>();
    for (const fileId of [batch.output_file_id, batch.error_file_id]) {
      if (!fileId) continue;
      const text = await downloadFile(target, fileId);
      const skipped = readBatchLines(text, target.label, outcomes);
      if (skipped) log(`batch ${record.batchId}: ${skipped} unreadable line(s) in file ${fileId}; ignored`);
    }
    for (const id of record.customIds) {
      const outcome = outcomes.get(id) ?? {
        ok: false as const,
        error: new BatchRequestError(
          `${target.label}: batch ${record.batchId} ended (${batch.status}) before this request ran`,
          undefined,
          target.label,
        ),
      };
      if (resend(target, id, outcome)) continue;
      if (!settle(slotOf(target.label, id), outcome)) await keep(target, id, outcome).catch(() => undefined);
    }
    emit({ type: 'finished', batchId: record.batchId, status: batch.status, ...counts });
    await store.remove(record.batchId).catch(() => undefined);
  }

  /** The endpoint no longer knows a remembered batch (deleted, another account): its requests are sent anew. */
  async function forgotten(target: BatchTarget, record: PendingBatch): Promise<void> {
    await store.remove(record.batchId).catch(() => undefined);
    log(`${target.label} does not know batch ${record.batchId} any more; sending its requests again`);
    for (const id of record.customIds) {
      const slot = slotOf(target.label, id);
      const entry = entries.get(slot);
      if (!entry || entry.waiters.size === 0) continue;
      entry.batchId = undefined;
      enqueue(target, slot, id, entry.body);
    }
  }

  /**
   * A line that failed for a reason a later batch may get past (a 5xx or 429 inside the batch, or not run because
   * the batch expired) is sent once more in the next batch, as the sync path would retry it.
   */
  function resend(target: BatchTarget, customId: string, outcome: LineOutcome): boolean {
    const slot = slotOf(target.label, customId);
    const entry = entries.get(slot);
    if (outcome.ok || !entry || entry.resent || entry.waiters.size === 0) return false;
    const status = outcome.error.status;
    if (status !== undefined && status !== 429 && status < 500) return false;
    entry.resent = true;
    entry.batchId = undefined;
    log(`${outcome.error.message}; sending that request again in the next batch`);
    enqueue(target, slot, customId, entry.body);
    return true;
  }

  return { send };
}

function transient(error: LlmError): boolean {
  return error.kind === 'unreachable' || error.kind === 'timeout' || (error.status ?? 0) >= 500 || error.status === 429;
}

function countsOf(batch: OpenAI.Batches.Batch, record: PendingBatch) {
  const c = batch.request_counts;
  return { completed: c?.completed ?? 0, failed: c?.failed ?? 0, total: c?.total || record.customIds.length };
}
