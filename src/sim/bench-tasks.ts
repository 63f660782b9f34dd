/**
 * Variants of the simulated review task with different failure shapes, for the method benchmark (bench/methods.ts):
 * - missing-rule: the prompt lacks the rules for turns, sarcasm and mixed reviews (the review task as it is);
 * - format-drift: the prompt also lacks the output-format line, so answers drift into sentences that fail `equals`;
 * - noisy-labels: 20 % of the rows carry a wrong label (seeded), so the errors shown to an optimizer are partly noise.
 */
import { createRng } from '../core/random';
import type { DatasetRow } from '../core/data/types';

export type BenchTaskName = 'missing-rule' | 'format-drift' | 'noisy-labels';
export const BENCH_TASKS: readonly BenchTaskName[] = ['missing-rule', 'format-drift', 'noisy-labels'];

const FORMAT_LINE = '      Answer with one lowercase word: positive, negative or neutral.\n';
const LABELS = ['positive', 'negative', 'neutral'];

/** The prompt file text for a task variant. */
export function benchPromptText(task: BenchTaskName, base: string): string {
  if (task !== 'format-drift') return base;
  if (!base.includes(FORMAT_LINE)) throw new Error('the review prompt changed: no format line to drop');
  return base.replace(FORMAT_LINE, '');
}

/**
 * The rows for a task variant (noisy labels: a seeded 20 % of the rows in `noisy` — the train rows, so held-out
 * scores still measure the true task — get another label).
 */
export function benchRows(
  task: BenchTaskName,
  rows: DatasetRow[],
  seed: number,
  noisy: ReadonlySet<number>,
): DatasetRow[] {
  if (task !== 'noisy-labels') return rows;
  const rng = createRng(seed * 7919 + 13);
  return rows.map((row, i) => {
    if (rng.next() >= 0.2 || row.expected === undefined || !noisy.has(i)) return row;
    const others = LABELS.filter((l) => l !== row.expected);
    const label = others[Math.floor(rng.next() * others.length)];
    return { ...row, expected: label, vars: { ...row.vars, expected: label } };
  });
}
