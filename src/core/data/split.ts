/**
 * Train/validation split by row index, shuffled with a seeded RNG so a run is reproducible.
 * - fewer than 4 rows: no meaningful hold-out exists, so every row is in train and validation = train
 *   (scores on "validation" are then not held-out; callers may say so).
 * - validation <= 0: no hold-out requested, validation is empty.
 * - otherwise round(n * validation) rows, at least 1 and at most n - 1, go to validation; both lists are sorted.
 */
import { createRng } from '../random';
import type { DatasetRow } from './types';

export interface SplitOptions {
  /** Fraction held out for validation, default 0.3. */
  validation?: number;
  seed?: number;
}

export interface RowSplit {
  train: number[];
  validation: number[];
}

export const MIN_ROWS_FOR_SPLIT = 4;

export function splitRows(rows: readonly DatasetRow[], opts: SplitOptions = {}): RowSplit {
  const fraction = opts.validation ?? 0.3;
  const all = rows.map((_, i) => i);
  if (rows.length < MIN_ROWS_FOR_SPLIT) return { train: all, validation: all.slice() };
  if (!(fraction > 0)) return { train: all, validation: [] };
  const size = Math.min(rows.length - 1, Math.max(1, Math.round(rows.length * Math.min(fraction, 1))));
  const shuffled = createRng(opts.seed ?? 0).shuffle(all);
  const byIndex = (a: number, b: number) => a - b;
  return { train: shuffled.slice(size).sort(byIndex), validation: shuffled.slice(0, size).sort(byIndex) };
}
