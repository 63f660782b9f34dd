/**
 * Finding template variables in prompt text: Mustache/Jinja `{{ expr }}` (prompt.yml, prompty) and VS Code
 * prompt-file `${input:name}` / `${input:name:placeholder}` (prompt.md).
 */
import type { VariableRef } from '../documents/types';

export type TemplateSyntax = 'mustache' | 'vscode-input';

/** VS Code's built-in `${…}` context variables in prompt files: recognised, never "variables to fill". */
export const VSCODE_BUILTIN_VARIABLES = new Set([
  'workspaceFolder', 'workspaceFolderBasename', 'selection', 'selectedText', 'file', 'fileBasename',
  'fileDirname', 'fileBasenameNoExtension',
]);

const MUSTACHE_EXPR = /\{\{-?\s*([\s\S]*?)\s*-?\}\}/g;
const JINJA_SKIPPED = /\{%[\s\S]*?%\}|\{#[\s\S]*?#\}/g;
const ROOT_NAME = /^[A-Za-z_][\w$]*/;
const VSCODE_INPUT = /\$\{input:([^}:\s]+)(?::([^}]*))?\}/g;
const VSCODE_BUILTIN = /\$\{([A-Za-z]+)\}/g;

/** Offsets of `{% … %}` and `{# … #}` blocks, which hold control flow / comments, not variables. */
function skippedRanges(text: string): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (const m of text.matchAll(JINJA_SKIPPED)) out.push([m.index, m.index + m[0].length]);
  return out;
}

function inRanges(ranges: Array<[number, number]>, offset: number): boolean {
  return ranges.some(([s, e]) => offset >= s && offset < e);
}

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
  const skipped = skippedRanges(text);
  for (const m of text.matchAll(MUSTACHE_EXPR)) {
    if (inRanges(skipped, m.index)) continue;
    const root = ROOT_NAME.exec(m[1].replace(/^[#^/&>!]\s*/, ''));
    if (!root) continue;
    refs.push({ name: root[0], span: { start: m.index, end: m.index + m[0].length } });
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
  'if', 'elif', 'else', 'endif', 'for', 'endfor', 'in', 'not', 'and', 'or', 'is', 'true', 'false', 'none',
  'True', 'False', 'None', 'set', 'endset', 'loop', 'defined', 'length', 'raw', 'endraw', 'macro', 'endmacro',
]);

/**
 * Names a Jinja template reads from its inputs: roots of `{{ }}` expressions and names used in `{% %}` tags,
 * minus names bound by `{% for x in … %}` / `{% set x = … %}`. Used for unused / undeclared variable warnings.
 */
export function jinjaInputNames(text: string): Set<string> {
  const bound = new Set<string>();
  const used = new Set<string>();
  for (const m of text.matchAll(/\{%-?\s*([\s\S]*?)\s*-?%\}/g)) {
    const body = m[1];
    const forMatch = /^for\s+([\w\s,]+?)\s+in\s+([\s\S]*)$/.exec(body);
    const setMatch = /^set\s+(\w+)\s*=\s*([\s\S]*)$/.exec(body);
    let expr = body;
    if (forMatch) {
      for (const n of forMatch[1].split(',')) bound.add(n.trim());
      expr = forMatch[2];
    } else if (setMatch) {
      bound.add(setMatch[1]);
      expr = setMatch[2];
    }
    addExpressionNames(expr, used);
  }
  for (const ref of extractVariables(text, 'mustache')) used.add(ref.name);
  for (const b of bound) used.delete(b);
  return used;
}

function addExpressionNames(expr: string, into: Set<string>): void {
  // Strip string literals, then take identifiers not preceded by `.` or `|` (attributes and filters).
  const cleaned = expr.replace(/'[^']*'|"[^"]*"/g, ' ');
  for (const m of cleaned.matchAll(/(^|[^.\w|])\s*([A-Za-z_]\w*)/g)) {
    const name = m[2];
    if (!JINJA_KEYWORDS.has(name)) into.add(name);
  }
}
