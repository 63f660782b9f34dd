/**
 * Evaluator specification, normalized from GitHub Models `evaluators[]`, promptfoo `assert` and the sidecar.
 * Values (`value`, `pattern`) are templates rendered with the row's variables (`{{expected}}`).
 */
export type EvaluatorSpec =
  | { type: 'equals'; name?: string; value: string; caseSensitive?: boolean }
  | { type: 'contains'; name?: string; value: string; caseSensitive?: boolean }
  | { type: 'startsWith'; name?: string; value: string; caseSensitive?: boolean }
  | { type: 'endsWith'; name?: string; value: string; caseSensitive?: boolean }
  | { type: 'regex'; name?: string; pattern: string; flags?: string }
  | { type: 'jsonSchema'; name?: string; schema: unknown }
  | { type: 'numeric'; name?: string; value: string; tolerance?: number }
  | { type: 'llmJudge'; name?: string; prompt: string; choices?: { choice: string; score: number }[]; threshold?: number }
  | { type: 'javascript'; name?: string; code: string }
  | { type: 'unsupported'; name?: string; original: string; reason: string };

export interface EvaluationResult {
  name: string;
  /** Score in [0, 1]. */
  score: number;
  pass: boolean;
  /** Human-readable feedback; fed to APO critiques. */
  feedback?: string;
}
