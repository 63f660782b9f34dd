/**
 * Evaluator values are templates over the row, as in GitHub Models (`contains: '{{expected}}'`). The variables are the
 * row's vars plus `expected` (the row's label) and `completion` (the model's answer, GitHub Models' name; it wins over a
 * row variable of that name, as in gh-models). `output` (promptfoo's name) is the answer too unless the row has its own
 * `output` variable. Rendering is the shared mustache renderer; a name the row lacks is reported, never guessed.
 */
import type { DatasetRow } from '../data/types';
import { renderTemplate } from '../template';

export function evaluatorVars(row: DatasetRow, output: string, input?: string): Record<string, unknown> {
  const vars: Record<string, unknown> = { ...row.vars };
  if (row.expected !== undefined) vars.expected = row.expected;
  if (!('input' in vars) && input !== undefined) vars.input = input;
  vars.completion = output;
  if (!('output' in vars)) vars.output = output;
  return vars;
}

export interface RenderedValue {
  text: string;
  missing: string[];
}

export function renderValue(template: string, vars: Record<string, unknown>): RenderedValue {
  if (!template.includes('{{') && !template.includes('{%')) return { text: template, missing: [] };
  const { text, missing } = renderTemplate(template, vars, 'jinja2');
  return { text, missing };
}

export function missingFeedback(missing: string[]): string {
  const names = missing.map((m) => `'${m}'`).join(', ');
  return `the evaluator uses variable ${names}, which this row does not have`;
}
