/**
 * Finding template variables in prompt text: Mustache/Jinja `{{ expr }}` (prompt.yml, prompty) and VS Code
 * prompt-file `${input:name}` / `${input:name:placeholder}` (prompt.md).
 */
import type { VariableRef } from '../documents/types';
import { templateTokens } from './tokens';

export type TemplateSyntax = 'mustache' | 'vscode-input';

/** VS Code's built-in `${…}` context variables in prompt files: recognised, never "variables to fill". */
export const VSCODE_BUILTIN_VARIABLES = new Set([
  'workspaceFolder',
  'workspaceFolderBasename',
  'selection',
  'selectedText',
  'file',
  'fileBasename',
  'fileDirname',
  'fileBasenameNoExtension',
]);

const ROOT_NAME = /^[A-Za-z_][\w$]*/;
const VSCODE_INPUT = /\$\{input:([^}:\s]+)(?::([^}]*))?\}/g;
const VSCODE_BUILTIN = /\$\{([A-Za-z]+)\}/g;

/**
 * Variables referenced by `text`. For Mustache the name is the root of a dotted path and filters are dropped
 * (`{{ a.b | upper }}` → `a`); `{% %}` and `{# #}` are ignored. For `vscode-input`, only `${input:…}` counts.
 */
export function extractVariables(text: string, syntax: TemplateSyntax): VariableRef[] {
  const refs: VariableRef[] = [];
  if (syntax === 'vscode-input') {
    for (const m of text.matchAll(VSCODE_INPUT)) {
      const ref: VariableRef = { name: m[1], span: { start: m.index, end: m.index + m[0].length } };
      if (m[2] !== undefined) ref.placeholder = m[2];
      refs.push(ref);
    }
    return refs;
  }
  for (const token of templateTokens(text)) {
    if (token.kind !== 'var') continue;
    // Mustache section / inverted / partial markers precede the name.
    const root = ROOT_NAME.exec(token.inner.replace(/^[#^/&>!]/, '').trimStart());
    if (root) refs.push({ name: root[0], span: { start: token.start, end: token.end } });
  }
  return refs;
}

/** The exact `{{…}}` / `${input:…}` source texts, for invariant checks and protection. */
export function variableTokens(text: string, syntax: TemplateSyntax): string[] {
  return extractVariables(text, syntax).map((v) => text.slice(v.span.start, v.span.end));
}

/** `${selection}`-style built-ins present in prompt.md text. */
export function builtinVariableTokens(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(VSCODE_BUILTIN)) if (VSCODE_BUILTIN_VARIABLES.has(m[1])) out.push(m[0]);
  return out;
}

const JINJA_KEYWORDS = new Set([
  'if',
  'elif',
  'else',
  'endif',
  'for',
  'endfor',
  'in',
  'not',
  'and',
  'or',
  'is',
  'true',
  'false',
  'none',
  'True',
  'False',
  'None',
  'set',
  'endset',
  'loop',
  'defined',
  'length',
  'raw',
  'endraw',
  'macro',
  'endmacro',
]);

/** `for a, b in expr` / `set a = expr` → the names bound and the expression read (whitespace already collapsed). */
export function parseBinding(tag: string): { bound: string[]; expr: string } | undefined {
  if (tag.startsWith('for ')) {
    const at = tag.indexOf(' in ');
    if (at === -1) return undefined;
    return {
      bound: tag
        .slice(4, at)
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
      expr: tag.slice(at + 4),
    };
  }
  if (tag.startsWith('set ')) {
    const eq = tag.indexOf('=');
    if (eq === -1) return undefined;
    return { bound: [tag.slice(4, eq).trim()], expr: tag.slice(eq + 1) };
  }
  return undefined;
}

/**
 * Names a Jinja template reads from its inputs: roots of `{{ }}` expressions and names used in `{% %}` tags,
 * minus names bound by `{% for x in … %}` / `{% set x = … %}`. Used for unused / undeclared variable warnings.
 */
export function jinjaInputNames(text: string): Set<string> {
  const bound = new Set<string>();
  const used = new Set<string>();
  for (const token of templateTokens(text)) {
    if (token.kind === 'var') {
      const root = ROOT_NAME.exec(token.inner);
      if (root) used.add(root[0]);
      continue;
    }
    if (token.kind !== 'tag') continue;
    const tag = token.inner.replace(/\s+/g, ' ');
    const binding = parseBinding(tag);
    binding?.bound.forEach((b) => bound.add(b));
    addExpressionNames(binding ? binding.expr : tag, used);
  }
  for (const b of bound) used.delete(b);
  return used;
}

/** Identifiers in an expression that are not attributes (`.x`), filters (`|x`), keywords or inside string literals. */
function addExpressionNames(expr: string, into: Set<string>): void {
  let prev = '';
  for (let i = 0; i < expr.length;) {
    const c = expr[i];
    if (c === '"' || c === "'") {
      const close = expr.indexOf(c, i + 1);
      if (close === -1) return;
      i = close + 1;
      prev = c;
      continue;
    }
    if (/[A-Za-z_]/.test(c)) {
      let j = i + 1;
      while (j < expr.length && /\w/.test(expr[j])) j++;
      const name = expr.slice(i, j);
      if (prev !== '.' && prev !== '|' && !JINJA_KEYWORDS.has(name)) into.add(name);
      prev = 'a';
      i = j;
      continue;
    }
    if (c !== ' ') prev = c;
    i++;
  }
}
