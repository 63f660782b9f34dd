/**
 * Every LLM call of a job goes through the ledger. It
 * - answers calls already in the run log from the log (resume: no HTTP, not counted again),
 * - reserves budget synchronously before issuing, so a run capped at N calls never issues more than N even when
 *   calls run concurrently (reservations are taken in the algorithm's call order, which is deterministic),
 * - counts calls, tokens, cost from each call's meta (cached answers are not calls),
 * - appends each completed call to the log under its deterministic key,
 * - shares one promise between identical keys, and limits concurrency.
 */
import { createHash } from 'node:crypto';
import pLimit from 'p-limit';
import type { CallMeta, ChatMessage, LlmClient, ModelRef, SchemaName } from '../llm/types';
import { LlmError } from '../llm/types';
import type { Budget, BudgetUsed } from './types';
import type { RunCallLine, RunLine } from '../runs/types';

/** Thrown into the algorithm when the next call would exceed the budget. */
export class BudgetStop extends Error {
  constructor(readonly limit: keyof Budget) {
    super(`budget reached (${limit})`);
    this.name = 'BudgetStop';
  }
}

/** Thrown into the algorithm after cancel(). */
export class Cancelled extends Error {
  constructor() {
    super('cancelled');
    this.name = 'Cancelled';
  }
}

export interface Called<T> {
  value: T;
  meta: CallMeta;
  /** Answered from the run log (resume). */
  replayed: boolean;
}

export function hashOf(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 16);
}

export interface LedgerOptions {
  llm: LlmClient;
  budget: Budget;
  replay: Map<string, RunCallLine>;
  append(line: RunLine): void;
  signal: AbortSignal;
  concurrency: number;
  /** Usage already spent by earlier sessions of this run (resume). */
  previous?: BudgetUsed;
  now?: () => number;
  onUsage?(used: BudgetUsed): void;
}

export class CallLedger {
  readonly used: BudgetUsed;
  replayedCalls = 0;
  private inFlight = 0;
  private stopping: BudgetStop | undefined;
  /** Calls held back for the end of the run (verification); the search stops this many calls early. */
  private held = 0;
  private searchStop: BudgetStop | undefined;
  private readonly memo = new Map<string, Promise<Called<unknown>>>();
  private readonly pending = new Set<Promise<unknown>>();
  private readonly limit: ReturnType<typeof pLimit>;
  private readonly started: number;
  private readonly now: () => number;

  constructor(private readonly opts: LedgerOptions) {
    this.used = { calls: 0, cachedCalls: 0, tokens: 0, costUsd: 0, seconds: 0, ...opts.previous };
    this.limit = pLimit(Math.max(1, opts.concurrency));
    this.now = opts.now ?? Date.now;
    this.started = this.now();
  }

  get budgetStop(): BudgetStop | undefined {
    return this.stopping;
  }

  /** The search phase's stop (the budget minus the held-back calls), if it came. */
  get searchBudgetStop(): BudgetStop | undefined {
    return this.searchStop;
  }

  /** Hold `calls` back for verification: until release(), calls stop that many short of each limit. */
  holdBack(calls: number): void {
    this.held = Math.max(0, calls);
  }

  /** The verification phase: the held-back calls become available. */
  release(): void {
    this.held = 0;
    this.searchStop = undefined;
  }

  elapsedSeconds(): number {
    return (this.now() - this.started) / 1000;
  }

  /** `batch`: may wait for the provider's batch API; such calls are not held back by the concurrency limit. */
  chat(key: string, model: ModelRef, messages: ChatMessage[], seed?: number, batch = false): Promise<Called<string>> {
    return this.call(
      key,
      (signal) =>
        this.opts.llm.chat({ model, messages, seed, signal, batch }).then((r) => ({ value: r.text, meta: r })),
      batch,
    );
  }

  structured<T>(
    key: string,
    model: ModelRef,
    messages: ChatMessage[],
    schema: SchemaName,
    seed?: number,
  ): Promise<Called<T>> {
    return this.call(key, (signal) =>
      this.opts.llm.structured<T>({ model, messages, schema, seed, signal }).then((r) => ({ value: r.value, meta: r })),
    );
  }

  score(
    key: string,
    model: ModelRef,
    messages: ChatMessage[],
    target: string,
    plainText = false,
  ): Promise<Called<{ tokens: string[]; logprobs: number[] }>> {
    return this.call(key, (signal) =>
      this.opts.llm
        .score({ model, messages, target, plainText, signal })
        .then((r) => ({ value: { tokens: r.tokens, logprobs: r.logprobs }, meta: r })),
    );
  }

  /** A logged call: replayed from the log when present, else reserved, issued, counted and appended. */
  call<T>(
    key: string,
    issue: (signal: AbortSignal) => Promise<{ value: T; meta: CallMeta }>,
    unlimited = false,
  ): Promise<Called<T>> {
    const known = this.memo.get(key);
    if (known) return known as Promise<Called<T>>;
    const promise = this.run(key, issue, unlimited);
    this.memo.set(key, promise);
    // A failed call may be retried by a later request under the same key.
    promise.catch(() => this.memo.delete(key));
    return promise;
  }

  private run<T>(
    key: string,
    issue: (signal: AbortSignal) => Promise<{ value: T; meta: CallMeta }>,
    unlimited: boolean,
  ): Promise<Called<T>> {
    const logged = this.opts.replay.get(key);
    if (logged) {
      this.replayedCalls++;
      return Promise.resolve({ value: logged.value as T, meta: logged.meta, replayed: true });
    }
    try {
      this.reserve(); // synchronous: reservation order = call order
    } catch (error) {
      return Promise.reject(error);
    }
    const task = (unlimited ? (work: () => Promise<Called<T>>) => work() : this.limit)(async () => {
      try {
        if (this.opts.signal.aborted) throw new Cancelled();
        if (this.stopping) throw this.stopping;
        if (this.searchStop) throw this.searchStop;
        let result: { value: T; meta: CallMeta };
        try {
          result = await issue(this.opts.signal);
        } catch (error) {
          if (this.opts.signal.aborted) throw new Cancelled();
          if (!(error instanceof LlmError && error.kind === 'aborted')) this.used.calls++; // it reached the endpoint
          throw error;
        }
        this.count(result.meta);
        this.opts.append({ kind: 'call', key, value: result.value, meta: result.meta });
        return { ...result, replayed: false };
      } finally {
        this.inFlight--;
      }
    });
    this.pending.add(task);
    const settle = () => this.pending.delete(task);
    task.then(settle, settle);
    return task;
  }

  get busy(): boolean {
    return this.pending.size > 0;
  }

  /** Resolves when no call is in flight (so nothing is appended after the run's last line). */
  async idle(): Promise<void> {
    while (this.pending.size) await Promise.allSettled([...this.pending]);
  }

  private reserve(): void {
    if (this.opts.signal.aborted) throw new Cancelled();
    if (this.stopping) throw this.stopping;
    if (this.searchStop) throw this.searchStop;
    const held = this.held ? this.limitReached(this.held) : undefined;
    if (held) {
      this.searchStop = new BudgetStop(held);
      throw this.searchStop;
    }
    const stop = this.held ? undefined : this.limitReached(0);
    if (stop) {
      this.stopping = new BudgetStop(stop);
      throw this.stopping;
    }
    this.inFlight++;
  }

  /** The limit the next call would reach with `reserve` calls kept back (valued at the running mean per call). */
  private limitReached(reserve: number): keyof Budget | undefined {
    const { budget } = this.opts;
    const u = this.used;
    // Tokens, cost and time are known only after a call: project the in-flight and reserved calls at the running
    // mean per call.
    const done = Math.max(1, u.calls + u.cachedCalls);
    const ahead = this.inFlight + reserve;
    const projectedTokens = u.tokens + (u.tokens / done) * ahead;
    const projectedUsd = u.costUsd === null ? null : u.costUsd + (u.costUsd / done) * ahead;
    const elapsed = this.elapsedSeconds();
    const projectedSeconds = elapsed + (reserve ? (elapsed / done) * reserve : 0);
    if (budget.calls !== undefined && u.calls + ahead >= budget.calls) return 'calls';
    if (budget.tokens !== undefined && projectedTokens >= budget.tokens) return 'tokens';
    if (budget.usd !== undefined && projectedUsd !== null && projectedUsd >= budget.usd) return 'usd';
    if (budget.seconds !== undefined && projectedSeconds >= budget.seconds) return 'seconds';
    return undefined;
  }

  private count(meta: CallMeta): void {
    const u = this.used;
    if (meta.cached) u.cachedCalls++;
    else u.calls++;
    u.tokens += meta.usage.promptTokens + meta.usage.completionTokens;
    u.costUsd = u.costUsd === null || meta.costUsd === null ? null : u.costUsd + meta.costUsd;
    this.opts.onUsage?.(this.snapshot());
  }

  snapshot(): BudgetUsed {
    return {
      ...this.used,
      seconds: Math.round(((this.opts.previous?.seconds ?? 0) + this.elapsedSeconds()) * 10) / 10,
    };
  }
}
