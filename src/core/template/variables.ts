/**
 * Finding template variables in prompt text, each format by its own runtime's reading:
 * - `gh-models` (.prompt.yml): exact `{{key}}` references (template/gh-models.ts);
 * - `jinja2` (.prompty, default): every input name the template's expressions read, from nunjucks' parse;
 * - `mustache` (.prompty with `template: mustache`): names read at the top level, from Mustache's parse;
 * - `vscode-input` (.prompt.md): `${input:name}` / `${input:name:placeholder}`.
 */
import type { VariableRef } from '../documents/types';
import { ghReferences } from './gh-models';
import { analyzeJinja } from './jinja';
import { analyzeMustache } from './mustache';
import { templateTokens, type TemplateToken } from './tokens';

export type TemplateSyntax = 'gh-models' | 'jinja2' | 'mustache' | 'vscode-input';

/**
 * VS Code's built-in `${…}` variables in prompt files (code.visualstudio.com/docs/copilot/customization/prompt-files,
 * "Variables"): filled by VS Code from the workspace and editor, never inputs.
 */
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

const VSCODE_INPUT = /\$\{input:([^}:\s]+)(?::([^}]*))?\}/g;
const VSCODE_BUILTIN = /\$\{([A-Za-z]+)\}/g;
/** gh-models fills any key; a reference this shaped is one a YAML row key is meant to fill. */
const GH_KEY = /^[A-Za-z_][\w.-]*$/;

/** Variables referenced by `text`, in order; the span is the whole `{{…}}`/`{%…%}`/`${…}` holding the name. */
export function extractVariables(text: string, syntax: TemplateSyntax): VariableRef[] {
  switch (syntax) {
    case 'vscode-input':
      return [...text.matchAll(VSCODE_INPUT)].map((m) => {
        const ref: VariableRef = { name: m[1], span: { start: m.index, end: m.index + m[0].length } };
        if (m[2] !== undefined) ref.placeholder = m[2];
        return ref;
      });
    case 'gh-models':
      return ghReferences(text).filter((r) => GH_KEY.test(r.name));
    case 'mustache':
      return analyzeMustache(text).uses.map((u) => ({ name: u.name, span: { start: u.offset, end: u.end } }));
    case 'jinja2':
      return jinjaRefs(text);
  }
}

function jinjaRefs(text: string): VariableRef[] {
  const analysis = analyzeJinja(text);
  const tokens = templateTokens(text);
  // A region cut out of a template may not parse alone (`{% if %}` here, `{% endif %}` in the next message): then the
  // roots of its `{{ … }}` expressions are its variables.
  const uses = analysis.error ? tokenRoots(text, tokens) : analysis.uses;
  if (uses.length === 0) return [];
  const refs: VariableRef[] = [];
  let t = 0;
  for (const use of [...uses].sort((a, b) => a.offset - b.offset)) {
    while (t < tokens.length && tokens[t].end <= use.offset) t++;
    const token = tokens[t];
    const span =
      token && token.start <= use.offset
        ? { start: token.start, end: token.end }
        : { start: use.offset, end: use.offset + use.name.length };
    refs.push({ name: use.name, span });
  }
  return refs;
}

const ROOT_NAME = /^[A-Za-z_]\w*/;

function tokenRoots(text: string, tokens: TemplateToken[]): Array<{ name: string; offset: number }> {
  const out: Array<{ name: string; offset: number }> = [];
  for (const t of tokens) {
    if (t.kind !== 'var') continue;
    const root = ROOT_NAME.exec(t.inner);
    if (root) out.push({ name: root[0], offset: text.indexOf(root[0], t.start) });
  }
  return out;
}

/** The exact `{{…}}` / `${input:…}` source texts, for invariant checks and protection. */
export function variableTokens(text: string, syntax: TemplateSyntax): string[] {
  return [...new Set(extractVariables(text, syntax).map((v) => text.slice(v.span.start, v.span.end)))];
}

/** `${selection}`-style built-ins present in prompt.md text. */
export function builtinVariableTokens(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(VSCODE_BUILTIN)) if (VSCODE_BUILTIN_VARIABLES.has(m[1])) out.push(m[0]);
  return out;
}

/** Names a Jinja template reads from its inputs (see template/jinja.ts). */
export function jinjaInputNames(text: string): Set<string> {
  return new Set(analyzeJinja(text).uses.map((u) => u.name));
}
