/** Numeric answer within a tolerance: the first number in the output (thousands separators allowed) vs the value. */
import type { EvaluationResult, EvaluatorSpec } from './types';
import { quote } from './feedback-text';

type NumericSpec = Extract<EvaluatorSpec, { type: 'numeric' }>;

const NUMBER = /[-+−]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:[eE][-+]?\d+)?|[-+−]?\.\d+(?:[eE][-+]?\d+)?/;

export function firstNumber(text: string): number | undefined {
  const m = NUMBER.exec(text);
  if (!m) return undefined;
  const n = Number(m[0].replace(/,/g, '').replace('−', '-'));
  return Number.isFinite(n) ? n : undefined;
}

export function matchNumeric(spec: NumericSpec, name: string, output: string, value: string): EvaluationResult {
  const want = firstNumber(value);
  if (want === undefined) {
    return { name, score: 0, pass: false, feedback: `the expected value ${quote(value)} is not a number` };
  }
  const got = firstNumber(output);
  const tolerance = Math.abs(spec.tolerance ?? 0);
  if (got === undefined) {
    return {
      name,
      score: 0,
      pass: false,
      feedback: `expected a number near ${want} but the output has none: ${quote(output)}`,
    };
  }
  // A relative epsilon absorbs float noise such as 0.1 + 0.2.
  const pass = Math.abs(got - want) <= tolerance + 1e-9 * Math.max(1, Math.abs(want));
  const within = tolerance ? ` ± ${tolerance}` : '';
  return {
    name,
    score: pass ? 1 : 0,
    pass,
    feedback: pass
      ? `passed: ${got} is ${want}${within}`
      : `expected ${want}${within} but the output's number was ${got}`,
  };
}
