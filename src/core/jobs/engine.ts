/**
 * The one engine every algorithm runs on: input checks, estimate, run log (header, events, calls), budget, resume,
 * cancellation, and the result. The algorithm itself lives in src/core/optimizers.
 */
import { randomBytes } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { splitRows } from '../data';
import { createRng } from '../random';
import type { ModelRef } from '../llm/types';
import { targetModelFor } from '../evaluation/target-request';
import {
  HEARTBEAT_MS,
  isLive,
  markLive,
  newRunId,
  promptNameOf,
  readRun,
  runFilePath,
  RunWriter,
  isStructuralEvent,
  acquireRunLock,
  isValidRunId,
  RunLockedError,
  RunIdError,
  type RunLock,
} from '../runs';
import type { RunHeader } from '../runs/types';
import type { Optimizer, SplitInfo } from '../optimizers/types';
import { fitPlan } from '../optimizers/plan';
import { OPTIMIZERS } from '../optimizers/registry';
import { JobContext, type ResolvedRoles } from './context';
import { EventStream } from './events';
import { providerWarnings } from './provider-warnings';
import { withJudgeEvaluators, withUsage } from './estimate-usage';
import { BudgetStop, CallLedger, Cancelled } from './ledger';
import type { BudgetUsed, Estimate, JobEvent, JobHandle, JobResult, JobSpec, StopReason } from './types';
import { DEFAULT_JOB_CONCURRENCY, describeStopReason, JobInputError } from './types';

interface Prepared {
  optimizer: Optimizer<unknown>;
  params: unknown;
  split: SplitInfo;
  original: string;
  /** The plan fitted to the budget. */
  estimate: Estimate;
}

/** Held-out split: the spec's fraction (default 0.3, see data/split) shuffled with its seed (default: the job seed). */
function splitOf(spec: JobSpec): SplitInfo {
  return splitRows(spec.rows, { validation: spec.split?.validation, seed: spec.split?.seed ?? spec.seed });
}

function prepare(spec: JobSpec): Prepared {
  const optimizer = OPTIMIZERS[spec.method];
  if (!optimizer)
    throw new JobInputError(`unknown method ${String(spec.method)} (expected apo, spo or pmpo)`, 'bad-params');
  const original = spec.doc.optimizable?.text;
  if (original === undefined) {
    throw new JobInputError(
      'nothing to optimize: the prompt has no system message or body (set `region` in the sidecar)',
      'no-region',
    );
  }
  if (spec.rows.length === 0) {
    throw new JobInputError(
      'no examples: add testData rows to the prompt file or a `dataset` to the sidecar',
      'no-rows',
    );
  }
  const split = splitOf(spec);
  const resolved = optimizer.resolve(spec);
  const problem = optimizer.check(spec, resolved, split);
  if (problem) throw problem;
  const { params, estimate } = fitToBudget(spec, optimizer, resolved, split, original);
  return { optimizer, params, split, original, estimate };
}

/** The method's plan fitted to the budget; parameters the user set are kept as set. */
function fitToBudget(
  spec: JobSpec,
  optimizer: Optimizer<unknown>,
  params: unknown,
  split: SplitInfo,
  original: string,
): { params: unknown; estimate: Estimate } {
  const pinned = new Set(Object.entries(spec.params ?? {}).flatMap(([k, v]) => (v === undefined ? [] : [k])));
  const full = (e: Estimate) => withUsage(withJudgeEvaluators(e, spec), spec, original, split.train);
  const planner = {
    estimate: (s: JobSpec, p: unknown, sp: SplitInfo) => full(optimizer.estimate(s, p, sp)),
    planSteps: optimizer.planSteps,
  };
  return fitPlan(planner, spec, params, split, {
    pinned,
    perCall: (e) => ({
      tokens: e.tokens !== undefined && e.calls ? e.tokens / e.calls : undefined,
      usd: e.costUsd != null && e.calls ? e.costUsd / e.calls : undefined,
    }),
  });
}

/** The problem that stops this job from starting, or undefined (for UIs that show why a method is unavailable). */
export function checkJobInput(spec: JobSpec): JobInputError | undefined {
  try {
    prepare(spec);
    return undefined;
  } catch (error) {
    if (error instanceof JobInputError) return error;
    throw error;
  }
}

/** The call estimate from the method's formula (algorithms.md §2.8, §3.6, §4.7). Throws JobInputError on bad input. */
export function estimateJob(spec: JobSpec): Estimate {
  return prepare(spec).estimate;
}

function resolveRoles(spec: JobSpec): ResolvedRoles {
  return {
    // The file's own parameters first, so an algorithm's temperature (withTemperature) never silently replaces them.
    target: targetModelFor(spec.doc, spec.roles.target),
    optimizer: spec.roles.optimizer,
    judge: spec.roles.judge ?? spec.roles.optimizer,
    scorer: spec.roles.scorer ?? spec.roles.target,
  };
}

const roleSummary = (m: ModelRef | undefined) => (m ? { baseUrl: m.baseUrl, model: m.model } : undefined);

export function startJob(spec: JobSpec): JobHandle {
  const stream = new EventStream();
  const controller = new AbortController();
  setMaxListeners(0, controller.signal); // every in-flight call listens for cancellation
  const promptName = promptNameOf(spec.doc);
  const runId = spec.resumeRunId ?? newRunId(spec.method, new Date(), randomBytes(4).readUInt32BE(0));
  let file = '';
  let result: Promise<JobResult>;
  try {
    if (spec.resumeRunId !== undefined && !isValidRunId(spec.resumeRunId))
      throw new RunIdError(`not a run id: ${JSON.stringify(spec.resumeRunId)}`);
    file = runFilePath(spec.runsDir, promptName, runId);
    result = runJob(spec, runId, promptName, file, stream, controller);
  } catch (error) {
    const refused = new JobInputError(`cannot resume: ${(error as Error).message}`, 'bad-resume');
    result = Promise.reject(refused);
    queueMicrotask(() => stream.emit({ type: 'failed', error: refused.message }));
  }
  result.catch(() => undefined); // the caller handles it; avoid an unhandled rejection when nobody awaits
  return {
    runId,
    file,
    events: { on: (listener) => stream.on(listener), [Symbol.asyncIterator]: () => stream.iterate() },
    result,
    cancel: () => controller.abort(),
  };
}

async function runJob(
  spec: JobSpec,
  runId: string,
  promptName: string,
  file: string,
  stream: EventStream,
  controller: AbortController,
): Promise<JobResult> {
  let prepared: Prepared;
  try {
    prepared = prepare(spec);
  } catch (error) {
    stream.emit({ type: 'failed', error: (error as Error).message });
    throw error;
  }
  const writer = new RunWriter(spec.fs, file);
  // One writer per run: a second process resuming the same run stops here with the holder's pid.
  let lock: RunLock;
  try {
    lock = acquireRunLock(file);
  } catch (error) {
    const message =
      error instanceof RunLockedError ? error.message : `cannot lock the run log: ${(error as Error).message}`;
    const refused = new JobInputError(`cannot ${spec.resumeRunId ? 'resume' : 'start'}: ${message}`, 'bad-resume');
    stream.emit({ type: 'failed', error: refused.message });
    throw refused;
  }
  try {
    return await runLocked(spec, runId, promptName, file, stream, controller, prepared, writer, lock);
  } finally {
    lock.release();
  }
}

async function runLocked(
  spec: JobSpec,
  runId: string,
  promptName: string,
  file: string,
  stream: EventStream,
  controller: AbortController,
  prepared: Prepared,
  writer: RunWriter,
  lock: RunLock,
): Promise<JobResult> {
  const signal = controller.signal;
  const { optimizer, original } = prepared;
  let split = prepared.split;
  let params = prepared.params as Record<string, unknown>;

  // Resume: the log's calls answer the re-executed algorithm; its structural events are not written again.
  let replay = new Map<string, import('../runs/types').RunCallLine>();
  let skipStructural = 0;
  let previous: BudgetUsed | undefined;
  if (spec.resumeRunId) {
    const record = await readRun(file, spec.fs);
    const mismatch =
      isLive(file) || record?.status === 'running'
        ? `run ${runId} is still running`
        : !record
          ? `no run ${runId} under ${spec.runsDir}/${promptName}`
          : record.header.method !== spec.method
            ? `run ${runId} used ${record.header.method}, not ${spec.method}`
            : record.header.seed !== spec.seed
              ? `run ${runId} used seed ${record.header.seed}, not ${spec.seed}`
              : record.header.originalRegion !== original
                ? `the prompt changed since run ${runId} started; start a new run`
                : record.header.rows !== spec.rows.length
                  ? `the examples changed since run ${runId} started (${record.header.rows} rows then, ${spec.rows.length} now)`
                  : record.events.some((e) => e.type === 'done') // cancelled or failed runs resume; finished ones not
                    ? `run ${runId} has already finished (see \`whetstone runs show ${runId}\`)`
                    : undefined;
    if (mismatch || !record) {
      const error = new JobInputError(`cannot resume: ${mismatch}`, 'bad-resume');
      stream.emit({ type: 'failed', error: error.message });
      throw error;
    }
    params = record.header.params; // the run's own parameters and split, so the replay is exact
    split = record.header.split;
    replay = record.calls;
    skipStructural = record.structuralEvents;
    previous = { calls: 0, cachedCalls: 0, tokens: 0, costUsd: 0, seconds: 0 };
    for (const call of record.calls.values()) {
      if (call.meta.cached) previous.cachedCalls++;
      else previous.calls++;
      previous.tokens += call.meta.usage.promptTokens + call.meta.usage.completionTokens;
      previous.costUsd =
        previous.costUsd === null || call.meta.costUsd === null ? null : previous.costUsd + call.meta.costUsd;
    }
    for (const event of record.events)
      if (event.type === 'budget') previous.seconds = Math.max(previous.seconds, event.used.seconds);
    writer.append({ kind: 'resumed', at: new Date().toISOString() }, { newLineFirst: record.tornTail });
  } else {
    const header: RunHeader = {
      kind: 'header',
      version: 1,
      runId,
      method: spec.method,
      seed: spec.seed,
      splitSeed: spec.split?.seed ?? spec.seed,
      preset: spec.preset ?? 'default',
      params,
      promptFile: spec.doc.file,
      promptName,
      originalRegion: original,
      started: new Date().toISOString(),
      budget: spec.budget,
      split,
      rows: spec.rows.length,
      evaluators: spec.evaluators.map((e) => e.name ?? e.type),
      roles: {
        target: roleSummary(spec.roles.target),
        optimizer: roleSummary(spec.roles.optimizer),
        judge: roleSummary(spec.roles.judge),
        scorer: roleSummary(spec.roles.scorer),
      },
    };
    writer.append(header);
  }
  markLive(file, true);
  const beat = () => {
    lock.refresh();
    writer.append({ kind: 'heartbeat', at: new Date().toISOString(), pid: process.pid });
  };
  beat();
  const heartbeat = setInterval(beat, HEARTBEAT_MS);
  heartbeat.unref?.();

  let ledger: CallLedger | undefined;
  let lastBudgetEvent = 0;
  const emit = (event: JobEvent) => {
    if (event.type === 'round' && ledger) emitBudget();
    stream.emit(event);
    if (isStructuralEvent(event) && skipStructural > 0) {
      skipStructural--;
      return;
    }
    writer.append({ kind: 'event', event });
  };
  const emitBudget = () => {
    if (!ledger) return;
    lastBudgetEvent = Date.now();
    emit({ type: 'budget', used: ledger.snapshot(), limit: spec.budget });
  };

  // A resumed run keeps its own (already fitted) parameters.
  const estimate = spec.resumeRunId
    ? withUsage(withJudgeEvaluators(optimizer.estimate(spec, params, split), spec), spec, original, split.train)
    : prepared.estimate;
  emit({ type: 'estimate', estimate });
  emit({ type: 'started', runId, method: spec.method, at: new Date().toISOString() });
  for (const line of estimate.plan?.lines ?? [])
    emit({
      type: 'log',
      level: line.startsWith('warning: ') ? 'warn' : 'info',
      message: `plan: ${line.replace(/^warning: /, '')}`,
    });
  for (const message of providerWarnings(spec.roles)) emit({ type: 'log', level: 'warn', message });
  // Only when the USD limit is the run's one stop: a calls (or tokens) limit still stops it when prices are unknown.
  if (
    spec.budget.usd !== undefined &&
    estimate.costUsd === null &&
    spec.budget.calls === undefined &&
    spec.budget.tokens === undefined
  ) {
    emit({
      type: 'log',
      level: 'warn',
      message: `The price of a model in this run is unknown, so its cost cannot be counted and the $${spec.budget.usd} limit cannot stop the run. Set a limit on calls as well.`,
    });
  }

  ledger = new CallLedger({
    llm: spec.llm,
    budget: spec.budget,
    replay,
    append: (line) => writer.append(line),
    signal,
    concurrency: spec.concurrency ?? DEFAULT_JOB_CONCURRENCY,
    previous,
    onUsage: () => {
      if (Date.now() - lastBudgetEvent > 250) emitBudget();
    },
  });
  const ctx = new JobContext<unknown>({
    spec,
    params,
    original,
    train: split.train,
    validation: split.validation,
    roles: resolveRoles(spec),
    rng: createRng(spec.seed),
    ledger,
    signal,
    emit,
    protectedTexts: spec.protected ?? spec.doc.settings.protected ?? [],
  });

  let stopReason: StopReason = 'rounds-done';
  let stopMessage: string | undefined;
  let failure: unknown;
  try {
    await optimizer.run(ctx);
    stopReason = ctx.stopReason ?? 'rounds-done';
    stopMessage = ctx.stopMessage;
  } catch (error) {
    if (error instanceof BudgetStop || ledger.budgetStop) {
      stopReason = 'budget';
      stopMessage = `stopped at the budget (${ledger.budgetStop?.limit ?? 'limit'}) before the winner was verified`;
      emit({ type: 'log', level: 'info', message: stopMessage });
    } else if (error instanceof Cancelled || signal.aborted) stopReason = 'cancelled';
    else {
      stopReason = 'failed';
      stopMessage = `endpoint failed: ${(error as Error)?.message ?? String(error)}`;
      failure = error;
      controller.abort(); // siblings of the failed call would only retry in vain
    }
  }
  await ledger.idle();
  const ranToItsEnd = stopReason !== 'cancelled' && stopReason !== 'failed' && stopReason !== 'budget';
  if (ranToItsEnd && ctx.answers.total > 0 && ctx.answers.usable === 0) {
    // Nothing was optimized: say so plainly instead of "done, +0.00" with the reason among the warnings.
    stopReason = 'failed';
    failure = new NoUsableAnswers(ctx.answers.total, ctx.answers.lastProblem);
  }
  if (ctx.candidates.length === 0) ctx.baseline();
  const baseline = ctx.candidates[0];
  let best = ctx.candidates[ctx.bestId] ?? baseline;
  // Nothing unverified is applied: a run that stopped before its finish keeps the baseline as its result.
  let unverified: JobResult['unverified'];
  if (best !== baseline && !ctx.verified) {
    unverified = { id: best.id, score: best.score ?? 0 };
    emit({
      type: 'log',
      level: 'info',
      message: `candidate #${best.id} was not verified against the baseline (${describeStopReason(stopReason)}); the result keeps the baseline`,
    });
    best = baseline;
  }
  const result: JobResult = {
    runId,
    method: spec.method,
    baseline: {
      score: baseline.score ?? 0,
      ...(baseline.validationScore !== undefined && { validationScore: baseline.validationScore }),
    },
    best: {
      id: best.id,
      score: best.score ?? 0,
      ...(best.validationScore !== undefined && { validationScore: best.validationScore }),
      prompt: best.prompt,
    },
    rounds: ctx.rounds,
    used: ledger.snapshot(),
    stopReason,
    stopMessage: stopMessage ?? describeStopReason(stopReason),
    ...(unverified && { unverified }),
    ...(ctx.heldOut && { heldOut: ctx.heldOut }),
  };
  emitBudget();
  if (stopReason === 'cancelled') emit({ type: 'cancelled', result });
  else if (stopReason === 'failed')
    emit({ type: 'failed', error: (failure as Error)?.message ?? String(failure), result });
  else emit({ type: 'done', result });
  clearInterval(heartbeat);
  try {
    await writer.flush();
  } finally {
    markLive(file, false);
  }
  if (failure) throw failure;
  return result;
}

/** A job that ran, but none of whose optimizer answers could be used: failed, not done. */
export class NoUsableAnswers extends Error {
  constructor(
    readonly calls: number,
    readonly lastProblem: string,
  ) {
    super(
      `none of the optimizer model's ${calls} answers was usable, so nothing was optimized` +
        (lastProblem ? ` (last problem: ${lastProblem})` : '') +
        '; try another optimizer model',
    );
    this.name = 'NoUsableAnswers';
  }
}
