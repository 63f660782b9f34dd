/** GEPA's reflection and merge meta-prompts (our own wording of the roles in Agrawal et al. 2025, §3). */
import type { ChatMessage } from '../../llm/types';
import { fenced, KEEP_INVARIANTS, messages } from '../prompts/common';

export interface Trace {
  input: string;
  output: string;
  expected?: string;
  score: number;
  feedback?: string;
}

function formatTraces(traces: readonly Trace[]): string {
  return traces
    .map((t, i) =>
      [
        `### Example ${i + 1} (score ${t.score.toFixed(2)})`,
        `Input:\n${t.input}`,
        `Output:\n${t.output}`,
        ...(t.expected !== undefined ? [`Expected output:\n${t.expected}`] : []),
        ...(t.feedback ? [`Feedback: ${t.feedback}`] : []),
      ].join('\n'),
    )
    .join('\n\n');
}

/** Reflection: read what the prompt did on a few examples and the evaluators' reasons, then write a better prompt. */
export function gepaReflectPrompt(task: string | undefined, prompt: string, traces: readonly Trace[]): ChatMessage[] {
  const system =
    'You improve the prompt of a language-model task by reflecting on how it behaved: what worked, what failed and ' +
    'why, and which general rule would fix the failures without breaking the successes.';
  const user = [
    ...(task ? [`The task: ${task}`] : []),
    `The current prompt:\n${fenced(prompt)}`,
    `How it did on some examples, with the evaluators' feedback:\n\n${formatTraces(traces)}`,
    'First work out, for yourself, the lessons these examples teach (domain facts, output-format rules, edge cases). ' +
      'Then write the complete improved prompt that applies them to every input, not only these. ' +
      `${KEEP_INVARIANTS} Give the complete prompt text, without the <prompt> tags.`,
  ].join('\n\n');
  return messages(system, user);
}

/** Merge: two prompts from different lineages, each better on different examples, into one that keeps both. */
export function gepaMergePrompt(task: string | undefined, a: string, b: string): ChatMessage[] {
  const system =
    'You combine two prompts for the same task that each do well on different inputs into one prompt that keeps ' +
    'the strengths of both.';
  const user = [
    ...(task ? [`The task: ${task}`] : []),
    `Prompt A:\n${fenced(a)}`,
    `Prompt B:\n${fenced(b)}`,
    'Write one prompt that keeps every rule of A and of B that helps, resolves any conflict between them in favour ' +
      `of the more specific rule, and adds nothing else. ${KEEP_INVARIANTS} Give the complete prompt text, without the <prompt> tags.`,
  ].join('\n\n');
  return messages(system, user);
}
