/**
 * Runs a prompt over dataset rows: render → target model → evaluators. The engine behind `whetstone eval` and the
 * extension's "Run Prompt Tests". Rows run concurrently; the LLM client enforces the per-endpoint limit.
 */
import { setMaxListeners } from 'node:events';
import type { PromptDocument } from '../documents/types';
import type { DatasetRow } from '../data/types';
import type { EvaluatorSpec, EvaluationResult } from '../evaluators/types';
import { LlmError, type LlmClient, type ModelRef } from '../llm/types';
import { renderMessages } from '../documents';
import { evaluate, aggregate } from '../evaluators';

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
  signal?: AbortSignal;
  onCase?: (result: EvalCaseResult, done: number, total: number) => void;
}

export async function runEval(options: EvalRunOptions): Promise<EvalRunResult> {
  const { doc, rows, llm, target } = options;
  const regionText = options.regionText ?? doc.optimizable?.text ?? '';
  // A dead endpoint fails the run (exit 3 in the CLI); abort the siblings so nothing is left in flight.
  const controller = new AbortController();
  const stop = () => controller.abort(options.signal?.reason);
  options.signal?.addEventListener('abort', stop, { once: true });
  const signal = controller.signal;
  // Every row's request listens on this one signal; that many listeners is expected, not a leak.
  setMaxListeners(0, signal);
  let done = 0;
  const results = await Promise.all(
    rows.map(async (row, index): Promise<EvalCaseResult> => {
      const messages = renderMessages(doc, regionText, row.vars);
      const reply = await llm.chat({ model: target, messages, signal }).catch((error: unknown) => {
        // An answer still malformed after the client's retries fails this case, not the run.
        if (error instanceof LlmError && error.kind === 'invalid-output') return { failed: error.message };
        throw error;
      });
      if ('failed' in reply) {
        const result = unusableReplyCase(index, row, reply.failed);
        options.onCase?.(result, ++done, rows.length);
        return result;
      }
      const evaluations = await evaluate(options.evaluators, reply.text, row, {
        trusted: options.trusted,
        llm,
        judge: options.judge ?? target,
        signal,
        input: messages
          .filter((m) => m.role === 'user')
          .map((m) => m.content)
          .join('\n\n'),
      });
      const { score, pass } = aggregate(evaluations);
      const result: EvalCaseResult = {
        index,
        vars: row.vars,
        expected: row.expected,
        output: reply.text,
        pass,
        score,
        evaluations,
      };
      options.onCase?.(result, ++done, rows.length);
      return result;
    }),
  )
    .catch((error: unknown) => {
      controller.abort(error);
      throw error;
    })
    .finally(() => options.signal?.removeEventListener('abort', stop));
  const passed = results.filter((r) => r.pass).length;
  return {
    cases: results.length,
    passed,
    failed: results.length - passed,
    score: results.length ? results.reduce((sum, r) => sum + r.score, 0) / results.length : 0,
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
