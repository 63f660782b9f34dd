/** What an evaluator may use besides the output and the row. */
import type { LlmClient, ModelRef } from '../llm/types';

/**
 * What Whetstone adds to the verdicts of the file's own runtime (`gh models eval`, promptfoo). Each is named in the
 * results; eval runs without them unless asked (CLI `--match-expected`, `--robust-choices`), optimizers use both.
 */
export interface EvalExtensions {
  /** A row with `expected` and no evaluators is checked against it ("matches expected"); gh passes such rows. */
  matchExpected?: boolean;
  /**
   * LLM-judge replies are read for the answer (the reply equal to a choice, else its last line, else the choice named
   * last) instead of gh's rule (the first choice, in list order, contained anywhere in the reply).
   */
  robustChoices?: boolean;
}

export const OPTIMIZER_EXTENSIONS: EvalExtensions = { matchExpected: true, robustChoices: true };

export interface EvalContext {
  /** Workspace trust: custom code evaluators run only when true. */
  trusted: boolean;
  extensions?: EvalExtensions;
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
