/**
 * GitHub Models' templating (github/gh-models pkg/prompt/prompt.go `TemplateString`, used by cmd/eval/eval.go for
 * messages and evaluator strings): for every key of the row, each exact `{{key}}` is replaced by the value — a string
 * as it is, anything else as Go's `%v`. Nothing else is a template: `{{ key }}`, `{{a.b}}` (unless a key is literally
 * `a.b`), filters and `{% … %}` are sent as written; `{{{key}}}` holds `{{key}}` and becomes `{value}`. A reference
 * with no key is left as written (gh calls the model with it).
 *
 * gh replaces key after key in Go's random map order, so a value that itself holds `{{other}}` may or may not be
 * replaced again; here replacement is one pass over the template, values are never re-read.
 */
import type { VariableRef } from '../documents/types';
import { goValueString } from './go-format';

export interface GhRenderResult {
  text: string;
  /** `{{name}}` references (identifier-like names) the row has no key for, each once. */
  missing: string[];
}

/** A `{{…}}` reference gh could fill: no braces inside, not empty. */
const REFERENCE = /\{\{([^{}]+)\}\}/g;
/** A name a YAML key is likely to have: a reference like this with no key is worth reporting. */
const KEY_LIKE = /^[A-Za-z_][\w.-]*$/;

export function renderGhModels(template: string, vars: Record<string, unknown>): GhRenderResult {
  const keys = Object.keys(vars)
    .filter((k) => k !== '')
    .sort((a, b) => b.length - a.length);
  const missing: string[] = [];
  let out = '';
  let last = 0;
  for (let i = template.indexOf('{{'); i !== -1; i = template.indexOf('{{', i + 1)) {
    if (i < last) continue;
    const key = keys.find((k) => template.startsWith(k, i + 2) && template.startsWith('}}', i + 2 + k.length));
    if (key === undefined) continue;
    const value = vars[key];
    out += template.slice(last, i) + (typeof value === 'string' ? value : goValueString(value));
    last = i + 4 + key.length;
  }
  out += template.slice(last);
  for (const ref of ghReferences(template)) {
    if (!KEY_LIKE.test(ref.name) || Object.prototype.hasOwnProperty.call(vars, ref.name)) continue;
    if (!missing.includes(ref.name)) missing.push(ref.name);
  }
  return { text: out, missing };
}

/** Every `{{name}}` gh could fill (the name exactly as written between the braces), with its span. */
export function ghReferences(text: string): VariableRef[] {
  const refs: VariableRef[] = [];
  for (const m of text.matchAll(REFERENCE)) {
    refs.push({ name: m[1], span: { start: m.index, end: m.index + m[0].length } });
  }
  return refs;
}

/** A reference gh sends as written although it looks meant as a variable: `{{ name }}`, `{{name | f}}`. */
export function looksLikeTemplateSyntax(name: string): boolean {
  return !KEY_LIKE.test(name) && /[A-Za-z_]/.test(name);
}
