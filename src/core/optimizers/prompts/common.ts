/** Shared pieces of the meta-prompts (our own wording; roles follow research/algorithms.md). */
import type { ChatMessage } from '../../llm/types';

export const PROMPT_OPEN = '<prompt>';
export const PROMPT_CLOSE = '</prompt>';

export function fenced(text: string): string {
  return `${PROMPT_OPEN}\n${text}\n${PROMPT_CLOSE}`;
}

export const KEEP_INVARIANTS =
  'Keep every template variable (such as {{name}}) exactly as written and keep the instructions about the output format, ' +
  'unless they are the problem. Do not copy the examples into the prompt.';

export function messages(system: string, user: string): ChatMessage[] {
  return [
    { role: 'system', content: system },
    { role: 'user', content: user },
  ];
}

export interface ShownError {
  input: string;
  expected?: string;
  actual: string;
  feedback?: string;
  /** A human's critique of an output for this input (the dataset's `feedback` column). */
  critique?: string;
}

/** Numbered failing examples: input, expected, actual output, evaluator feedback (generalized ProTeGi errors). */
export function formatErrors(errors: readonly ShownError[]): string {
  return errors
    .map((e, i) =>
      [
        `### Example ${i + 1}`,
        `Input:\n${e.input}`,
        ...(e.expected !== undefined ? [`Expected output:\n${e.expected}`] : []),
        `Actual output:\n${e.actual}`,
        ...(e.feedback ? [`Evaluator feedback: ${e.feedback}`] : []),
        ...(e.critique ? [`A reviewer's critique: ${e.critique}`] : []),
      ].join('\n'),
    )
    .join('\n\n');
}

export function taskLine(task: string | undefined): string {
  return task ? `The task: ${task}\n\n` : '';
}
