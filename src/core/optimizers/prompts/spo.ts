/** SPO meta-prompts (algorithms.md §3.4): the optimizer (new prompt from outputs + requirements) and the pairwise judge. */
import type { ChatMessage } from '../../llm/types';
import { fenced, KEEP_INVARIANTS, messages } from './common';

export interface QA {
  question: string;
  answer: string;
  /** Why the answer failed (the evaluators' reasons), where it did. */
  reasons?: string;
  /** A human's critique of an output for this question (the dataset's `feedback` column). */
  critique?: string;
}

function qaList(items: readonly QA[], answerLabel: string): string {
  return items
    .map((qa, i) =>
      [
        `### Question ${i + 1}\n${qa.question}\n### ${answerLabel} ${i + 1}\n${qa.answer}`,
        ...(qa.reasons ? [`(failed a check: ${qa.reasons})`] : []),
        ...(qa.critique ? [`(a reviewer's critique of answers to this question: ${qa.critique})`] : []),
      ].join('\n'),
    )
    .join('\n\n');
}

export function spoOptimizePrompt(
  requirements: string,
  prompt: string,
  outputs: readonly QA[],
  references: readonly QA[],
  wordLimit: number,
): ChatMessage[] {
  return messages(
    "You are an expert prompt engineer who refines prompts so that their outputs meet a user's requirements.",
    [
      `The requirements:\n<requirements>\n${requirements}\n</requirements>`,
      'This reference prompt did well before, but it can be improved:',
      fenced(prompt),
      `Its outputs on sample inputs:\n${qaList(outputs, 'Answer')}`,
      ...(references.length
        ? [
            `What good answers look like (references, which may describe the desired output rather than give it):\n${qaList(references, 'Reference')}`,
          ]
        : []),
      'First work out where these outputs fall short of the requirements. Then write a new prompt that fixes that; it must differ ' +
        'from the reference prompt, and you may add, change or remove anything. ' +
        `${KEEP_INVARIANTS} Put the complete new prompt${wordLimit > 0 ? ` (within ${wordLimit} words)` : ''} as the only item of "prompts".`,
    ].join('\n\n'),
  );
}

export function spoJudgePrompt(
  requirements: string,
  a: readonly QA[],
  b: readonly QA[],
  references: readonly QA[],
): ChatMessage[] {
  return messages(
    'You compare two sets of responses and decide which one better meets the requirements.',
    [
      `The requirements:\n<requirements>\n${requirements}\n</requirements>`,
      `<response_A>\n${qaList(a, 'Answer')}\n</response_A>`,
      `<response_B>\n${qaList(b, 'Answer')}\n</response_B>`,
      ...(references.length
        ? [
            `<reference>\n${qaList(references, 'Reference')}\n</reference>\nWhere a reference is given, follow its format and content.`,
          ]
        : []),
      'Reason about how well each set meets the requirements in "analysis", then give your verdict, "A" or "B", in "choice".',
    ].join('\n\n'),
  );
}
