/**
 * Runs a prompt over dataset rows: render → target model → evaluators. The engine behind `whetstone eval` and the
 * extension's "Run Prompt Tests". Rows run concurrently; the LLM client enforces the per-endpoint limit.
 */
import { setMaxListeners } from 'node:events';
import type { PromptDocument } from '../documents/types';
import type { DatasetRow } from '../data/types';
import type { EvaluatorSpec, EvaluationResult } from '../evaluators/types';
import type { LlmClient, ModelRef } from '../llm/types';
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
  onCase?: (result: EvalCaseResult, done: number, total: number) => void;
}

export async function runEval(options: EvalRunOptions): Promise<EvalRunResult> {
  const { doc, rows, llm, target } = options;
  const regionText = options.regionText ?? doc.optimizable?.text ?? '';
  // One failed call fails the run (exit 3 in the CLI); abort the siblings so nothing is left in flight.
  const controller = new AbortController();
  const stop = () => controller.abort(options.signal?.reason);
  options.signal?.addEventListener('abort', stop, { once: true });
  const signal = controller.signal;
  // Every row's request listens on this one signal; that many listeners is expected, not a leak.
  setMaxListeners(0, signal);
  let done = 0;
  const results = await Promise.all(
    rows.map(async (row, index): Promise<EvalCaseResult> => {
      const request = buildTargetRequest(doc, regionText, row.vars, target, signal);
      const { messages } = request;
      const reply = await llm.chat(request);
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
