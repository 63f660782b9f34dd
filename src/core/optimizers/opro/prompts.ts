/** OPRO's meta-prompt (our own wording of the structure in Yang et al., "Large Language Models as Optimizers"). */
import type { ChatMessage } from '../../llm/types';
import { fenced, KEEP_INVARIANTS, messages } from '../prompts/common';

export interface ScoredPrompt {
  prompt: string;
  score: number;
}

export interface Exemplar {
  input: string;
  expected: string;
}

/**
 * The trajectory is shown in ascending order of score (the paper: the best last, where the model attends most),
 * then a few exemplars of the task, then the ask for one new, different, better prompt.
 */
export function oproMetaPrompt(
  task: string | undefined,
  trajectory: readonly ScoredPrompt[],
  exemplars: readonly Exemplar[],
): ChatMessage[] {
  const system =
    'You improve the prompt of a language-model task. You see earlier prompts with their scores and examples of the ' +
    'task, and you write one new prompt that should score higher than all of them.';
  const shown = trajectory.map((t) => `${fenced(t.prompt)}\nScore: ${(t.score * 100).toFixed(0)}`).join('\n\n');
  const examples = exemplars
    .map((e, i) => `### Example ${i + 1}\nInput:\n${e.input}\nExpected output:\n${e.expected}`)
    .join('\n\n');
  const user = [
    ...(task ? [`The task: ${task}`] : []),
    `Earlier prompts and their scores (0 to 100, higher is better), from the lowest to the highest:\n\n${shown}`,
    ...(examples ? [`Examples of the task (the prompt is filled in with each input):\n\n${examples}`] : []),
    'Write a new prompt that is different from every prompt above and would score higher than all of them. ' +
      `${KEEP_INVARIANTS} Give the complete prompt text, without the <prompt> tags.`,
  ].join('\n\n');
  return messages(system, user);
}
