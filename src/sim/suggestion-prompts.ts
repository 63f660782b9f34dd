/**
 * Prompt files for the review task whose optimization on the simulator yields a one-line and a twenty-line
 * suggestion (the editor's in-place suggestion is tested at both sizes). Both state the format and final-verdict
 * rules but not the sarcasm and mixed ones, so APO adds those; both are wordy, so every edit also tightens them
 * (task-rules.ts WORDY_REWRITES): the one-line prompt changes words inside its one line, the twenty-line one changes
 * words on most of its lines and gains new lines at the end.
 */
import { reviewsPromptYml } from './task';

const ONE_LINE =
  'You classify product reviews by sentiment. Please make sure to answer with one lowercase word, positive, ' +
  'negative or neutral. When a review changes its mind, follow the final verdict.';

const TWENTY_LINES = [
  'You are a careful assistant that sorts product reviews.',
  'Please make sure to read the whole review before you decide.',
  'It is important that you answer with one lowercase word.',
  'The word is positive, negative or neutral, and nothing else.',
  'In order to decide, weigh what the reviewer says.',
  'Please make sure that you ignore the price unless it matters.',
  'It is very important that you keep delivery in proportion.',
  'When a review changes its mind, follow the final verdict.',
  'Please make sure to judge the product, not the seller.',
  'In order to stay consistent, basically treat alike reviews alike.',
  'It is important that you do not invent details.',
  'Please make sure to read emoji as part of the wording.',
  'In order to handle typos, read the review very carefully.',
  'It is important that you stay calm with angry reviews at all times.',
  'Please make sure that you answer the same way every time.',
  'In order to be fair, basically ignore the writing style.',
  'It is important that you never explain your answer.',
  'Please make sure to answer in lowercase at all times.',
  'In order to finish, write the label and stop.',
  'It is important that you never add punctuation to the label.',
];

/** The example prompt file with its system message replaced by `lines` (a block scalar). */
function withSystem(lines: readonly string[]): string {
  const example = reviewsPromptYml();
  const start = example.indexOf('  - role: system');
  const end = example.indexOf('  - role: user');
  const system = ['  - role: system', '    content: |', ...lines.map((l) => `      ${l}`), ''].join('\n');
  return example.slice(0, start) + system + example.slice(end);
}

/** A prompt of one long line: its suggestion changes words inside that line. */
export function oneLinePromptYml(): string {
  return withSystem([ONE_LINE]);
}

/** A prompt of twenty lines: its suggestion changes words on most of them and adds lines after the last. */
export function twentyLinePromptYml(): string {
  return withSystem(TWENTY_LINES);
}
