/** CAPO's crossover and mutation meta-prompts (our own wording of the operators in Zehle et al. 2025, §3). */
import type { ChatMessage } from '../../llm/types';
import { fenced, KEEP_INVARIANTS, messages } from '../prompts/common';

const SYSTEM =
  'You evolve the instruction of a language-model task. Instructions should be short: every sentence must earn its place.';

export function capoCrossoverPrompt(task: string | undefined, a: string, b: string): ChatMessage[] {
  const user = [
    ...(task ? [`The task: ${task}`] : []),
    `Parent instruction A:\n${fenced(a)}`,
    `Parent instruction B:\n${fenced(b)}`,
    'Write one child instruction that combines the best parts of A and B. ' +
      `${KEEP_INVARIANTS} Give the complete instruction text, without the <prompt> tags.`,
  ].join('\n\n');
  return messages(SYSTEM, user);
}

export function capoMutationPrompt(task: string | undefined, instruction: string): ChatMessage[] {
  const user = [
    ...(task ? [`The task: ${task}`] : []),
    `The instruction:\n${fenced(instruction)}`,
    'Write a variation of it that could work better: rephrase, add one useful rule, or drop a useless one. ' +
      `${KEEP_INVARIANTS} Give the complete instruction text, without the <prompt> tags.`,
  ].join('\n\n');
  return messages(SYSTEM, user);
}
