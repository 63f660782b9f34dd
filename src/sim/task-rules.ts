/**
 * The rules the simulated target model needs to see in its prompt, how the simulated optimizer words them, and how
 * it recognizes them in a prompt or a critique.
 */
import type { ReviewKind } from './task-data';

export type RuleName = 'format' | Exclude<ReviewKind, 'plain'>;

export const RULE_ORDER: readonly Exclude<RuleName, 'format'>[] = ['turn', 'sarcasm', 'mixed'];

/** Present in a prompt when this matches. */
export const RULE_IN_PROMPT: Record<RuleName, RegExp> = {
  format: /\b(one|single)\b[^.\n]*\bword\b|\bonly the label\b/i,
  turn: /final verdict|chang\w* (its|their) mind/i,
  sarcasm: /sarcas|\biron/i,
  mixed: /\bmixed\b/i,
};

/** Mentioned by a critique / requirement when this matches. */
export const RULE_MENTIONED: Record<RuleName, RegExp> = {
  format: /lowercase|one word|single word|format/i,
  turn: /change|final|verdict|shift/i,
  sarcasm: /sarcas|iron|literal/i,
  mixed: /mixed|both praise/i,
};

/** Sentences the optimizer adds (several wordings, so different edits stay distinct). */
export const RULE_SENTENCES: Record<RuleName, readonly string[]> = {
  format: ['Answer with one lowercase word.'],
  turn: [
    'When a review changes its mind, follow the final verdict.',
    'If the opinion shifts during the review, the final verdict decides the label.',
    'Reviews that change their mind are labeled by their final verdict.',
  ],
  sarcasm: [
    'Sarcastic praise is negative.',
    'Treat sarcasm and irony as negative sentiment.',
    'If the praise is sarcastic, answer negative.',
  ],
  mixed: [
    'A review with mixed praise and criticism is neutral.',
    'Mixed reviews that weigh good and bad points are neutral.',
    'When a review is mixed, answer neutral.',
  ],
};

export const RULE_CRITIQUES: Record<RuleName, string> = {
  format: 'The prompt does not pin down the answer format; it should ask for one lowercase word.',
  turn: 'The prompt does not say what to do when a review changes its mind; the final verdict should decide the label.',
  sarcasm: 'The prompt takes praise literally; it should say that sarcastic praise is negative.',
  mixed: 'The prompt has no rule for mixed reviews with both praise and criticism, which should be neutral.',
};

export function rulesIn(prompt: string): Set<RuleName> {
  const out = new Set<RuleName>();
  for (const name of Object.keys(RULE_IN_PROMPT) as RuleName[]) if (RULE_IN_PROMPT[name].test(prompt)) out.add(name);
  return out;
}

/** Neutral wording swaps a paraphrase applies (both directions, so repeated paraphrases do not grow the prompt). */
export const PARAPHRASE_SWAPS: readonly [string, string][] = [
  ['You classify', 'Your job is to classify'],
  ['Answer with', 'Reply with'],
  ['product reviews', 'customer reviews'],
  ['by sentiment', 'by their sentiment'],
];

/**
 * Wordy phrasings the optimizer tightens whenever it edits a prompt (none occur in the example prompt, so its runs are
 * unchanged): a long, wordy prompt gets a suggestion that changes words on many lines, as a real optimizer's would.
 */
export const WORDY_REWRITES: readonly [RegExp, (match: string, ...groups: string[]) => string][] = [
  [/\bPlease make sure (?:that you |to )(\w)/g, (_m, c) => c.toUpperCase()],
  [/\bIt is (?:very )?important that you (\w)/g, (_m, c) => c.toUpperCase()],
  [/\bIn order to\b/g, () => 'To'],
  [/\bin order to\b/g, () => 'to'],
  [/ at all times\b/g, () => ''],
  [/\bvery carefully\b/g, () => 'carefully'],
  [/\bbasically /g, () => ''],
];

/** The prompt with its wordy phrasings tightened. */
export function tighten(prompt: string): string {
  return WORDY_REWRITES.reduce((text, [pattern, rewrite]) => text.replace(pattern, rewrite), prompt);
}
