/**
 * GitHub Models' built-in evaluators (`uses: github/<name>`), re-expressed as 1–5 rating judges with our own rubrics.
 * Names, choices and scores follow gh-models cmd/eval/builtins.go: rating 1 → 0, 2 → 0.25, 3 → 0.5, 4 → 0.75, 5 → 1;
 * pass = score > 0 as there. Variables as there: {{input}}, {{expected}} (groundedness: the context), {{completion}}.
 */
import type { EvaluatorSpec } from './types';

type JudgeSpec = Extract<EvaluatorSpec, { type: 'llmJudge' }>;

const RATING_CHOICES = [
  { choice: '1', score: 0 },
  { choice: '2', score: 0.25 },
  { choice: '3', score: 0.5 },
  { choice: '4', score: 0.75 },
  { choice: '5', score: 1 },
];

// gh matches the first choice ("1", then "2", …) contained anywhere in the reply, so the judge must answer with the
// rating alone (gh's own similarity judge asks the same); any other digit in the reply could decide the verdict.
const SYSTEM =
  'You rate one answer produced by an AI assistant on a single quality, using the scale given. ' +
  'Reply with the rating only: one digit from 1 to 5, and no other text.';

function judge(prompt: string): Omit<JudgeSpec, 'name'> {
  return { type: 'llmJudge', systemPrompt: SYSTEM, prompt, choices: RATING_CHOICES };
}

const BUILTINS: Record<string, Omit<JudgeSpec, 'name'>> = {
  similarity: judge(`Quality: SIMILARITY — does the answer say the same thing as the reference answer?
5 = same meaning and facts; 4 = same core meaning, small omissions; 3 = partly the same, partly different or missing;
2 = mostly different, a few shared points; 1 = unrelated or contradicts the reference.

Question: {{input}}
Reference answer: {{expected}}
Answer to rate: {{completion}}`),
  coherence:
    judge(`Quality: COHERENCE — are the ideas presented in a logical order with clear connections, so the reader
can follow them, and do they address the question?
5 = well organised and easy to follow throughout; 4 = logical with minor rough transitions; 3 = understandable but
jumps or gaps in the flow; 2 = fragmented, hard to follow; 1 = incoherent word salad.

Question: {{input}}
Answer to rate: {{completion}}`),
  fluency: judge(`Quality: FLUENCY — grammar, word choice and readability of the text alone (not its correctness).
5 = polished, natural and precise; 4 = clear with rare small slips; 3 = understandable with noticeable errors or
awkward phrasing; 2 = frequent errors, choppy; 1 = barely readable.

Answer to rate: {{completion}}`),
  relevance: judge(`Quality: RELEVANCE — does the answer address the question accurately and completely?
5 = fully answers it, with useful related insight; 4 = fully and accurately answers it; 3 = answers part of it, key
details missing; 2 = attempts it but is wrong; 1 = off-topic.

Question: {{input}}
Answer to rate: {{completion}}`),
  groundedness: judge(`Quality: GROUNDEDNESS — is the answer supported by the given context, without invented facts?
5 = fully supported and complete; 4 = supported but leaves out relevant details; 3 = answers but includes claims the
context does not support; 2 = on the context's topic but does not answer the question; 1 = unrelated to the context.

Context: {{expected}}
Question: {{input}}
Answer to rate: {{completion}}`),
};

export const BUILTIN_EVALUATOR_NAMES = Object.keys(BUILTINS).map((n) => `github/${n}`);

/** The judge for `uses: github/<name>`, or undefined when the name is not one we can express. */
export function builtinJudge(uses: string, name: string): JudgeSpec | undefined {
  const m = /^github\/([\w-]+)$/.exec(uses.trim());
  const base = m ? BUILTINS[m[1]] : undefined;
  return base ? { ...base, name } : undefined;
}
