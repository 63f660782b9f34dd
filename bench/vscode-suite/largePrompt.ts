/**
 * The 2,000-line prompt file of the diagnostics benchmark: a GitHub Models `.prompt.yml` with a long system message
 * and many `testData` rows, built from fixed text (no randomness), with a marker the benchmark's edits replace.
 */

/** Replaced by each edit with `{{extra_N}}`, a variable no test row has (a `missing-column` warning on every row). */
export const EDIT_MARKER = 'MARKER';

const RULES = [
  'Read the whole review before deciding; the last sentence often carries the verdict.',
  'Sarcastic praise ("just what I needed", "truly top quality") is negative.',
  'A review that mixes praise and criticism without a final verdict is neutral.',
  'Ignore shipping speed unless the review is only about shipping.',
  'Answer with one lowercase word: positive, negative or neutral.',
];

const REVIEWS: [string, string][] = [
  ['Battery lasts two full days and the screen is gorgeous.', 'positive'],
  ['Stopped working after a week and support never replied.', 'negative'],
  ['The camera is excellent, but the battery barely lasts a morning.', 'neutral'],
  ['Oh wonderful, another charger that melts after ten minutes.', 'negative'],
  ['Arrived quickly, works perfectly, would buy again.', 'positive'],
  ['Delicious coffee, though the machine is noisy and hard to descale.', 'neutral'],
];

export interface LargePrompt {
  text: string;
  lines: number;
  rows: number;
  /** 0-based line and column of EDIT_MARKER. */
  markerLine: number;
  markerColumn: number;
}

/** A prompt file of about `targetLines` lines: half system message, half test rows (two lines each). */
export function largePromptFile(targetLines = 2000): LargePrompt {
  const head = [
    'name: Large review sentiment',
    'description: Benchmark file for diagnostics latency on a long prompt.',
    'model: sim-model',
    'messages:',
    '  - role: system',
    '    content: |',
    `      You classify product reviews by sentiment. ${EDIT_MARKER}`,
  ];
  const markerLine = head.length - 1;
  const markerColumn = head[markerLine].indexOf(EDIT_MARKER);
  const systemLines = Math.floor(targetLines / 2) - head.length;
  const system = Array.from({ length: systemLines }, (_, i) => `      Rule ${i + 1}: ${RULES[i % RULES.length]}`);
  const user = ['  - role: user', '    content: |', '      Review: {{review}}', 'testData:'];
  const rows = Math.floor((targetLines - head.length - system.length - user.length) / 2);
  const data = Array.from({ length: rows }, (_, i) => {
    const [review, expected] = REVIEWS[i % REVIEWS.length];
    return [`  - review: "${review} (#${i + 1})"`, `    expected: ${expected}`];
  }).flat();
  const all = [...head, ...system, ...user, ...data];
  return { text: `${all.join('\n')}\n`, lines: all.length, rows, markerLine, markerColumn };
}
