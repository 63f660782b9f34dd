/**
 * `gh models eval`'s evaluator rules (github/gh-models cmd/eval/eval.go, pkg/prompt/prompt.go), for evaluators read
 * from a .prompt.yml:
 * - the model's response is strings.TrimSpace'd before any evaluator sees it;
 * - evaluator values are templated with the test case only (`TemplateString`: each exact `{{key}}` replaced by the
 *   value's %v; anything else, a missing key included, stays as written); an llm prompt also gets `{{completion}}`;
 * - string: equals is `response == value` (exact); contains/startsWith/endsWith compare strings.ToLower of both;
 * - llm: the reply is trimmed and lower-cased; the first choice in list order whose lower-cased text it contains wins;
 *   pass = that choice's score > 0; no match (or no choices) fails with score 0.
 */
import type { DatasetRow } from '../data/types';
import { goToLower, goTrimSpace, goValueText } from './go-text';

export type GhStringCheck = 'equals' | 'contains' | 'startsWith' | 'endsWith';

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * TemplateString. gh replaces key by key in Go's random map order, so a value that itself holds `{{other}}` may or may
 * not be replaced again; here every placeholder is replaced in one pass (gh's result whenever gh's is well defined).
 */
export function ghTemplate(text: string, data: Record<string, unknown>): string {
  const keys = Object.keys(data).sort((a, b) => b.length - a.length);
  if (!keys.length || !text.includes('{{')) return text;
  const pattern = new RegExp(`\\{\\{(${keys.map(escapeRegExp).join('|')})\\}\\}`, 'g');
  return text.replace(pattern, (_m, key: string) => goValueText(data[key]));
}

/** The test case as gh sees it: the row's own fields (`expected` included, with its YAML type). */
export function ghTestCase(row: DatasetRow): Record<string, unknown> {
  const data: Record<string, unknown> = { ...row.vars };
  if (!('expected' in data) && row.expected !== undefined) data.expected = row.expected;
  return data;
}

/** runStringEvaluator's comparison; `response` is the untrimmed model output. */
export function ghStringPass(check: GhStringCheck, response: string, value: string): boolean {
  const out = goTrimSpace(response);
  switch (check) {
    case 'equals':
      return out === value;
    case 'contains':
      return goToLower(out).includes(goToLower(value));
    case 'startsWith':
      return goToLower(out).startsWith(goToLower(value));
    default:
      return goToLower(out).endsWith(goToLower(value));
  }
}

/** gh's own wording of what a string evaluator checked (its Details column). */
export function ghStringDetails(check: GhStringCheck, value: string): string {
  const what = {
    equals: 'Expected exact match',
    contains: 'Expected to contain',
    startsWith: 'Expected to start with',
    endsWith: 'Expected to end with',
  };
  return `${what[check]}: '${value}'`;
}

/** runLLMEvaluator's choice matching. */
export function ghPickChoice<C extends { choice: string }>(reply: string, choices: readonly C[]): C | undefined {
  const text = goToLower(goTrimSpace(reply));
  return choices.find((c) => text.includes(goToLower(c.choice)));
}
