/**
 * Regular expression test on the linear-time engine (linear-regex.ts); an invalid or unsupported pattern is a failing
 * result that names the evaluator and says why, never a throw.
 */
import type { EvaluationResult, EvaluatorSpec } from './types';
import { quote } from './feedback-text';
import { compileLinearRegex, type LinearRegex } from './linear-regex';

type RegexSpec = Extract<EvaluatorSpec, { type: 'regex' }>;

export function compileRegex(pattern: string, flags = ''): LinearRegex | string {
  return compileLinearRegex(pattern, flags);
}

export function matchRegex(spec: RegexSpec, name: string, output: string, pattern: string): EvaluationResult {
  const re = compileRegex(pattern, spec.flags);
  if (typeof re === 'string') {
    return {
      name,
      score: 0,
      pass: false,
      feedback: `${name}: invalid regular expression /${pattern}/${spec.flags ?? ''}: ${re}`,
    };
  }
  const matched = re.test(output);
  const pass = spec.negate ? !matched : matched;
  const how = `${spec.negate ? 'not ' : ''}to match /${pattern}/${re.flags}`;
  return {
    name,
    score: pass ? 1 : 0,
    pass,
    feedback: pass ? `passed: output was expected ${how}` : `expected output ${how} but it was ${quote(output)}`,
  };
}
