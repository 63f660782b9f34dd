/**
 * APO meta-prompts (algorithms.md §2.5): G (critique = textual gradient), E (apply the critique), P (paraphrase).
 * Output is structured: `critiques` for G, `prompt_candidates` for E and P.
 */
import type { ChatMessage } from '../../llm/types';
import { fenced, formatErrors, KEEP_INVARIANTS, messages, taskLine, type ShownError } from './common';

const SYSTEM =
  'You are an expert prompt engineer. You study where a prompt makes a language model fail and how to fix the prompt.';

export function critiquePrompt(
  task: string | undefined,
  prompt: string,
  errors: readonly ShownError[],
  reasons: number,
): ChatMessage[] {
  return messages(
    SYSTEM,
    [
      `${taskLine(task)}I am writing the instructions below for a language model.`,
      fenced(prompt),
      'With these instructions the model got the following examples wrong:',
      formatErrors(errors),
      `Give ${reasons === 1 ? 'one reason' : `${reasons} different reasons`} why these instructions could have led to these mistakes. ` +
        'Name what the instructions miss or get wrong, in general terms that apply to similar inputs, not a fix for one example. ' +
        'Put each reason as one item of "critiques".',
    ].join('\n\n'),
  );
}

export function editPrompt(
  task: string | undefined,
  prompt: string,
  errors: readonly ShownError[],
  critique: string,
  edits: number,
): ChatMessage[] {
  return messages(
    SYSTEM,
    [
      `${taskLine(task)}I am writing the instructions below for a language model.`,
      fenced(prompt),
      'With these instructions the model got the following examples wrong:',
      formatErrors(errors),
      `A problem with the instructions:\n<critique>\n${critique}\n</critique>`,
      `Write ${edits === 1 ? 'an improved version' : `${edits} different improved versions`} of the instructions that fix this problem. ` +
        `${KEEP_INVARIANTS} Each item of "prompts" must be the complete new instructions.`,
    ].join('\n\n'),
  );
}

export function paraphrasePrompt(prompt: string): ChatMessage[] {
  return messages(
    SYSTEM,
    [
      'Write the following instructions in different words, keeping their meaning and every rule they state.',
      fenced(prompt),
      `${KEEP_INVARIANTS} Put the complete rewritten instructions as the only item of "prompts".`,
    ].join('\n\n'),
  );
}
