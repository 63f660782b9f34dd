/** PMPO meta-prompts (algorithms.md §4.5): the segmenter (mask analysis) and the rewriter. */
import type { ChatMessage } from '../../llm/types';
import { fenced, KEEP_INVARIANTS, messages, taskLine } from './common';

export function segmentPrompt(prompt: string, maxSegments: number): ChatMessage[] {
  return messages(
    'You are an expert prompt engineer who analyses the structure of prompts.',
    [
      `Find up to ${maxSegments} relatively independent units in the prompt below (a rule, a method, an example, a constraint) ` +
        'that could each be removed while the rest stays coherent. Units must not overlap.',
      fenced(prompt),
      'Copy each unit verbatim, character for character, as one item of "segments". ' +
        'Return an empty list if no part qualifies.',
    ].join('\n\n'),
  );
}

export interface MaskRow {
  segment: string;
  delta: number;
}

function maskTable(rows: readonly MaskRow[]): string {
  if (!rows.length) return 'No removable segments were found.';
  return [
    '| segment | ΔL when removed |',
    '|---|---|',
    ...rows.map(
      (r) =>
        `| ${r.segment.replace(/\s+/g, ' ').replace(/\|/g, '\\|')} | ${r.delta >= 0 ? '+' : ''}${r.delta.toFixed(3)} |`,
    ),
  ].join('\n');
}

export function rewritePrompt(
  task: string | undefined,
  prompt: string,
  mask: readonly MaskRow[],
  example: { input: string; expected: string; critique?: string },
): ChatMessage[] {
  return messages(
    'You are an expert prompt engineer. You improve prompts so that a model assigns high probability to the desired answers.',
    [
      taskLine(task) + 'The current prompt:',
      fenced(prompt),
      "Mask analysis: the change in the model's loss on the expected answers when each segment is removed. " +
        'A positive value means the segment helps; a negative value means it hurts or is redundant. Treat it as a hint.',
      maskTable(mask),
      'An example the prompt handles badly (the model finds the expected answer unlikely). It is shown only so you understand ' +
        'the kind of input and answer; the task description defines the full scope, so do not copy the example or specialise to it.',
      `Input:\n${example.input}\nExpected answer:\n${example.expected}` +
        (example.critique ? `\nA reviewer's critique of outputs for it: ${example.critique}` : ''),
      'First diagnose why the prompt makes such answers unlikely. Then fix the root cause with any of: adding structure, adding ' +
        'rules or principles, removing unnecessary parts, rephrasing for clarity, simplifying, adding detail, merging similar ' +
        `rules. ${KEEP_INVARIANTS} Put the complete improved prompt as the only item of "prompts".`,
    ].join('\n\n'),
  );
}

/** The compact rewriter for small optimizer models (fill-in form, algorithms.md §4.5). */
export function compactRewritePrompt(
  task: string | undefined,
  prompt: string,
  mask: readonly MaskRow[],
  example: { input: string; expected: string; critique?: string },
): ChatMessage[] {
  return messages(
    'You improve prompts.',
    [
      `Task: ${task ?? '(see the prompt)'}`,
      `Example input:\n${example.input}`,
      `Expected answer:\n${example.expected}` +
        (example.critique ? `\nA reviewer's critique of outputs for it: ${example.critique}` : ''),
      `Mask analysis (ΔL when a segment is removed; positive = it helps):\n${maskTable(mask)}`,
      `Current prompt:\n${fenced(prompt)}`,
      'Why is the model unlikely to give the expected answer for inputs like this? Fix the root cause in the prompt without ' +
        `quoting the example. ${KEEP_INVARIANTS} Put only the final prompt as the only item of "prompts".`,
    ].join('\n\n'),
  );
}
