/**
 * Evaluator specification, normalized from GitHub Models `evaluators[]`, promptfoo `assert` and the sidecar.
 * Values (`value`, `pattern`) are templates rendered with the row's variables (`{{expected}}`).
 * `negate` (promptfoo's `not-…` assertions) inverts pass/score; `threshold` is the pass mark for scored evaluators.
 */
export type EvaluatorSpec =
  | { type: 'equals'; name?: string; value: string; caseSensitive?: boolean; negate?: boolean }
  | { type: 'contains'; name?: string; value: string; caseSensitive?: boolean; negate?: boolean }
  | { type: 'startsWith'; name?: string; value: string; caseSensitive?: boolean; negate?: boolean }
  | { type: 'endsWith'; name?: string; value: string; caseSensitive?: boolean; negate?: boolean }
  | { type: 'regex'; name?: string; pattern: string; flags?: string; negate?: boolean }
  | {
      type: 'jsonSchema';
      name?: string;
      schema: unknown;
      /** Look for the first JSON object/array anywhere in the output (promptfoo `contains-json`) instead of the whole. */
      findInText?: boolean;
    }
  | { type: 'numeric'; name?: string; value: string; tolerance?: number }
  | {
      type: 'llmJudge';
      name?: string;
      prompt: string;
      choices?: { choice: string; score: number }[];
      threshold?: number;
      /** System message for the judge (GitHub Models `llm.systemPrompt`). */
      systemPrompt?: string;
      /** The model the file asked for (GitHub Models `llm.modelId`); informational, the judge role's model is used. */
      modelId?: string;
    }
  | { type: 'javascript'; name?: string; code: string; threshold?: number; timeoutMs?: number }
  | { type: 'unsupported'; name?: string; original: string; reason: string };

export interface EvaluationResult {
  name: string;
  /** Score in [0, 1]. */
  score: number;
  pass: boolean;
  /** Human-readable feedback; fed to APO critiques. */
  feedback?: string;
  /** True when the evaluator could not run here (an `unsupported` spec); `aggregate` leaves it out. */
  skipped?: boolean;
  /** True when a code evaluator was not run because the caller did not trust the file (it counts as failed). */
  untrusted?: boolean;
}
