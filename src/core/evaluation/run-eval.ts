/**
 * Runs a prompt over dataset rows: render → target model → evaluators. The engine behind `whetstone eval` and the
 * extension's "Run Prompt Tests". Rows run through a bounded pool of workers; the LLM client enforces the
 * per-endpoint limit.
 */
import { setMaxListeners } from 'node:events';
import type { PromptDocument } from '../documents/types';
import type { DatasetRow } from '../data/types';
import type { EvaluatorSpec, EvaluationResult } from '../evaluators/types';
import type { LlmClient, ModelRef } from '../llm/types';
import { failsOnlyThisRequest } from '../llm/batch/lines';
import { evaluate, aggregate } from '../evaluators';
import type { EvalExtensions } from '../evaluators/context';
import { buildTargetRequest } from './target-request';

export interface EvalCaseResult {
  index: number;
  vars: Record<string, unknown>;
  expected?: string;
  output: string;
  pass: boolean;
  score: number;
  evaluations: EvaluationResult[];
}

export interface EvalRunResult {
  cases: number;
  passed: number;
  failed: number;
  /** Mean score over cases in [0, 1]. */
  score: number;
  /** Every case in row order (empty when run with keepResults: false). */
  results: EvalCaseResult[];
}

export interface EvalRunOptions {
  doc: PromptDocument;
  /** The optimized region's text to run (defaults to the document's own). */
  regionText?: string;
  rows: DatasetRow[];
  evaluators: EvaluatorSpec[];
  llm: LlmClient;
  target: ModelRef;
  judge?: ModelRef;
  trusted: boolean;
  /** Whetstone's additions to the file's own runtime (all off by default: eval gives gh models' verdicts). */
  extensions?: EvalExtensions;
  signal?: AbortSignal;
  /** Called as each row finishes (in completion order); a returned promise holds that worker (back-pressure). */
  onCase?: (result: EvalCaseResult, done: number, total: number) => void | Promise<void>;
  /** Rows in flight at once (default 16); the LLM client's per-origin limit applies on top. */
  concurrency?: number;
  /** Keep every case in `results` (default true); false keeps memory flat for huge runs that stream via onCase. */
  keepResults?: boolean;
  /**
   * Send the target calls through the provider's batch API (when the client has batching on): every row is started
   * at once, so up to BATCH_WORKERS rows leave as one batch; `concurrency` does not apply.
   */
  batch?: boolean;
}

const DEFAULT_WORKERS = 16;
/** Rows in flight in batch mode: one provider batch's worth (OpenAI takes up to 50,000 requests per batch). */
export const BATCH_WORKERS = 50_000;

export async function runEval(options: EvalRunOptions): Promise<EvalRunResult> {
  const { doc, rows, llm, target } = options;
  const regionText = options.regionText ?? doc.optimizable?.text ?? '';
  // A dead endpoint fails the run (exit 3 in the CLI); abort the siblings so nothing is left in flight.
  const controller = new AbortController();
  // Each row in flight listens for the abort: in batch mode that is every row, not a pool of 16.
  if (options.batch) setMaxListeners(0, controller.signal);
  const stop = () => controller.abort(options.signal?.reason);
  options.signal?.addEventListener('abort', stop, { once: true });
  const signal = controller.signal;
  const keep = options.keepResults ?? true;
  const results: EvalCaseResult[] = [];
  let done = 0;
  let passed = 0;
  let scoreSum = 0;

  async function caseFor(index: number): Promise<EvalCaseResult> {
    const row = rows[index];
    const request = buildTargetRequest(doc, regionText, row.vars, target, signal);
    const { messages } = request;
    const reply = await llm.chat({ ...request, batch: options.batch }).catch((error: unknown) => {
      // An answer still malformed after the client's retries, or a failed batch line, fails this case, not the run.
      if (failsOnlyThisRequest(error)) return { failed: error.message };
      throw error;
    });
    if ('failed' in reply) return unusableReplyCase(index, row, reply.failed);
    const evaluations = await evaluate(options.evaluators, reply.text, row, {
      trusted: options.trusted,
      extensions: options.extensions,
      llm,
      // A judge is a plain chat call: the target model without the file's parameters and response format.
      judge: options.judge ?? target,
      signal,
      input: messages
        .filter((m) => m.role === 'user')
        .map((m) => m.content)
        .join('\n\n'),
    });
    const { score, pass } = aggregate(evaluations);
    return { index, vars: row.vars, expected: row.expected, output: reply.text, pass, score, evaluations };
  }

  async function runRow(index: number): Promise<void> {
    const result = await caseFor(index);
    if (result.pass) passed++;
    scoreSum += result.score;
    if (keep) results[index] = result;
    done++; // not inside the optional call below: `?.` would skip the increment when there is no onCase
    await options.onCase?.(result, done, rows.length);
  }

  // A fixed pool of workers takes rows in order: memory and abort listeners stay O(concurrency), not O(rows).
  const pool = options.batch ? BATCH_WORKERS : (options.concurrency ?? DEFAULT_WORKERS);
  const workers = Math.max(1, Math.min(rows.length, pool));
  let next = 0;
  const worker = async () => {
    while (next < rows.length && !signal.aborted) await runRow(next++);
  };
  try {
    await Promise.all(Array.from({ length: workers }, worker)).catch((error: unknown) => {
      controller.abort(error);
      throw error;
    });
    if (signal.aborted) throw signal.reason;
  } finally {
    options.signal?.removeEventListener('abort', stop);
  }
  return {
    cases: done,
    passed,
    failed: done - passed,
    score: done ? scoreSum / done : 0,
    results,
  };
}

/** A case whose model reply was unusable: failed, with the reason where an evaluator's feedback would be. */
export function unusableReplyCase(index: number, row: DatasetRow, reason: string): EvalCaseResult {
  return {
    index,
    vars: row.vars,
    expected: row.expected,
    output: '',
    pass: false,
    score: 0,
    evaluations: [unusableReplyEvaluation(reason)],
  };
}

export function unusableReplyEvaluation(reason: string): EvaluationResult {
  return { name: 'model reply', score: 0, pass: false, feedback: `no usable reply: ${reason}` };
}
