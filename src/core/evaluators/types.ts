/**
 * Evaluator specification, normalized from GitHub Models `evaluators[]`, promptfoo `assert` and the sidecar.
 * Values (`value`, `pattern`) are templates rendered with the row's variables (`{{expected}}`).
 * `negate` (promptfoo's `not-…` assertions) inverts pass/score; `threshold` is the pass mark for scored evaluators.
 */
/**
 * Whose rules a check follows: 'gh-models' (`gh models eval`, see gh-models.ts), 'promptfoo' (its assertions: exact
 * text, JS toLowerCase for the i- forms), or Whetstone's own (absent: trimmed, Unicode case folding).
 */
export type EvaluatorDialect = 'gh-models' | 'promptfoo';

interface StringCheck {
  name?: string;
  value: string;
  caseSensitive?: boolean;
  negate?: boolean;
  dialect?: EvaluatorDialect;
}

export type EvaluatorSpec =
  | ({ type: 'equals' } & StringCheck)
  | ({ type: 'contains' } & StringCheck)
  | ({ type: 'startsWith' } & StringCheck)
  | ({ type: 'endsWith' } & StringCheck)
  /** promptfoo `contains-any` / `contains-all` (and their i- and not- forms). */
  | {
      type: 'containsAny' | 'containsAll';
      name?: string;
      values: string[];
      caseSensitive: boolean;
      negate?: boolean;
    }
  | { type: 'regex'; name?: string; pattern: string; flags?: string; negate?: boolean }
  | {
      type: 'jsonSchema';
      name?: string;
      schema: unknown;
      /** Look for the first JSON object/array anywhere in the output (promptfoo `contains-json`) instead of the whole. */
      findInText?: boolean;
      /** 'promptfoo': `is-json` parses the output as it is (no Markdown fence stripped). */
      dialect?: EvaluatorDialect;
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
      /** 'gh-models': prompt templated and reply matched exactly as `gh models eval` does (see gh-models.ts). */
      dialect?: EvaluatorDialect;
    }
  | {
      type: 'javascript';
      name?: string;
      code: string;
      threshold?: number;
      timeoutMs?: number;
      /** 'promptfoo': a returned number passes when > 0 if no threshold is set (promptfoo javascript.ts). */
      dialect?: EvaluatorDialect;
    }
  /** Not run here. `failsCase`: the file's runtime fails the case for it (gh: an unknown `uses:` evaluator). */
  | { type: 'unsupported'; name?: string; original: string; reason: string; failsCase?: boolean };

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
