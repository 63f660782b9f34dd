/** What an evaluator may use besides the output and the row. */
import type { LlmClient, ModelRef } from '../llm/types';

export interface EvalContext {
  /** Workspace trust: custom code evaluators run only when true. */
  trusted: boolean;
  /** Client and model for LLM judges; without them a judge result fails with feedback saying so. */
  llm?: LlmClient;
  judge?: ModelRef;
  signal?: AbortSignal;
  /** Time limit for an evaluator that waits (an LLM judge); default DEFAULT_EVALUATOR_TIME_LIMIT_MS. */
  timeLimitMs?: number;
  /**
   * The rendered user message the target saw. Built-in judges (`github/relevance` …) read `{{input}}`; when a row
   * has no `input` variable this text is used instead, so they work for prompts whose variable has another name.
   */
  input?: string;
}
