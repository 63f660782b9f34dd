/**
 * One row's verdict from its evaluator results: the mean score, and pass only if every result passes.
 * Skipped results (unsupported evaluators) count for neither. Nothing to check → {score: 1, pass: true}, as
 * `gh models eval` passes a test case that has no evaluators.
 */
import type { EvaluationResult } from './types';

export function aggregate(results: readonly EvaluationResult[]): { score: number; pass: boolean } {
  const counted = results.filter((r) => !r.skipped);
  if (counted.length === 0) return { score: 1, pass: true };
  const score = counted.reduce((sum, r) => sum + r.score, 0) / counted.length;
  return { score, pass: counted.every((r) => r.pass) };
}
