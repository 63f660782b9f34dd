/**
 * Run evaluators on one model output for one row. Results come back in spec order, each with feedback text that
 * explains a failure (APO critiques read it). Only an LLM endpoint failure from a judge throws (LlmError).
 *
 * A row with no evaluators passes, as in `gh models eval`. With the `matchExpected` extension (optimizers; eval's
 * `--match-expected`) a row with `expected` gets one check instead, "matches expected" (DEFAULT_EXPECTED_EVALUATOR):
 * trimmed and case-insensitive — labels like "Positive" vs "positive\n" should not fail on formatting alone.
 */
import type { DatasetRow } from '../data/types';
import type { EvalContext } from './context';
import { runJavascript } from './javascript-eval';
import { checkJsonSchema } from './json-schema';
import { runJudge } from './llm-judge';
import { withTimeLimit } from './time-limit';
import { matchNumeric } from './numeric-match';
import { matchRegex } from './regex-match';
import { matchAny, matchString } from './string-match';
import { ghTemplate, ghTestCase } from './gh-models';
import { evaluatorVars, missingFeedback, renderValue } from './template-values';
import type { EvaluationResult, EvaluatorSpec } from './types';

export const DEFAULT_EXPECTED_EVALUATOR: EvaluatorSpec = {
  type: 'equals',
  name: 'matches expected',
  value: '{{expected}}',
  caseSensitive: false,
};

/** The specs that apply to a row: the given ones, or the default `equals` when there are none and the row has a label. */
export function evaluatorsFor(
  specs: readonly EvaluatorSpec[],
  row: DatasetRow,
  extensions: EvalContext['extensions'] = {},
): EvaluatorSpec[] {
  if (specs.length) return [...specs];
  return extensions.matchExpected && row.expected !== undefined ? [DEFAULT_EXPECTED_EVALUATOR] : [];
}

export function evaluatorName(spec: EvaluatorSpec, index: number): string {
  if (spec.name) return spec.name;
  switch (spec.type) {
    case 'equals':
    case 'contains':
    case 'startsWith':
    case 'endsWith':
    case 'numeric':
      return `${spec.type} ${JSON.stringify(spec.value)}`;
    case 'regex':
      return `regex /${spec.pattern}/`;
    case 'containsAny':
    case 'containsAll':
      return `${spec.type} ${JSON.stringify(spec.values)}`;
    case 'unsupported':
      return spec.original;
    default:
      return `${spec.type} #${index + 1}`;
  }
}

async function evaluateOne(
  spec: EvaluatorSpec,
  name: string,
  output: string,
  row: DatasetRow,
  vars: Record<string, unknown>,
  ctx: EvalContext,
): Promise<EvaluationResult> {
  const rendered = (template: string) => renderValue(template, vars);
  switch (spec.type) {
    case 'equals':
    case 'contains':
    case 'startsWith':
    case 'endsWith': {
      // gh templates string values with the test case only, and leaves a missing {{key}} as written.
      if (spec.dialect === 'gh-models') return matchString(spec, name, output, ghTemplate(spec.value, ghTestCase(row)));
      const value = rendered(spec.value);
      if (value.missing.length) return { name, score: 0, pass: false, feedback: missingFeedback(value.missing) };
      return matchString(spec, name, output, value.text);
    }
    case 'regex': {
      const pattern = rendered(spec.pattern);
      if (pattern.missing.length) return { name, score: 0, pass: false, feedback: missingFeedback(pattern.missing) };
      return matchRegex(spec, name, output, pattern.text);
    }
    case 'numeric': {
      const value = rendered(spec.value);
      if (value.missing.length) return { name, score: 0, pass: false, feedback: missingFeedback(value.missing) };
      return matchNumeric(spec, name, output, value.text);
    }
    case 'jsonSchema':
      return checkJsonSchema(spec, name, output);
    case 'llmJudge':
      return withTimeLimit(name, ctx, (limited) => runJudge(spec, name, output, vars, limited, row));
    case 'javascript':
      return runJavascript(spec, name, output, vars, row.expected, ctx.trusted);
    case 'containsAny':
    case 'containsAll': {
      const values = spec.values.map(rendered);
      const missing = values.flatMap((v) => v.missing);
      if (missing.length) return { name, score: 0, pass: false, feedback: missingFeedback(missing) };
      return matchAny(
        spec,
        name,
        output,
        values.map((v) => v.text),
      );
    }
    case 'unsupported':
      return spec.failsCase
        ? { name, score: 0, pass: false, feedback: spec.reason }
        : { name, score: 0, pass: false, skipped: true, feedback: `not run: ${spec.reason}` };
  }
}

export async function evaluate(
  specs: EvaluatorSpec[],
  output: string,
  row: DatasetRow,
  ctx: EvalContext,
): Promise<EvaluationResult[]> {
  const vars = evaluatorVars(row, output, ctx.input);
  const applied = evaluatorsFor(specs, row, ctx.extensions);
  return Promise.all(applied.map((spec, i) => evaluateOne(spec, evaluatorName(spec, i), output, row, vars, ctx)));
}
