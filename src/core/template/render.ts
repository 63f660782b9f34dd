/**
 * Rendering a prompt template with a row's variables, by the format's own runtime's rules:
 * - `gh-models`: exact `{{key}}` replacement, values as Go's `%v` (template/gh-models.ts);
 * - `jinja2`: nunjucks with Prompty's settings and Jinja2's printing (template/jinja.ts);
 * - `mustache`: mustache.js, as Prompty calls it (template/mustache.ts);
 * - `vscode-input`: `${input:name}` / `${input:name:placeholder}` and, when given, VS Code's built-ins.
 * A variable the row lacks is reported in `missing`; the text is rendered as that runtime would (gh and VS Code
 * leave the reference as written, Jinja and Mustache print nothing).
 */
import { renderGhModels } from './gh-models';
import { analyzeJinja, renderJinja } from './jinja';
import { analyzeMustache, renderMustache } from './mustache';
import { VSCODE_BUILTIN_VARIABLES, type TemplateSyntax } from './variables';

export interface RenderResult {
  text: string;
  /** Variable names referenced but not given (each once). */
  missing: string[];
  /** Kept for callers of the former Jinja subset; the engines understand every tag, so this is always empty. */
  unsupported: string[];
  /** A template syntax or render error; `text` is then the template as written. */
  errors: string[];
}

export interface RenderOptions {
  /** The prompt file, which `{% extends %}`/`{% include %}` names are relative to. */
  file?: string;
  /** Applied to each template `{% extends %}`/`{% include %}` loads (prompty marks their role lines with it). */
  prepareIncluded?: (src: string) => string;
}

function missingOf(names: Iterable<string>, vars: Record<string, unknown>): string[] {
  const out: string[] = [];
  for (const n of names) if (!Object.prototype.hasOwnProperty.call(vars, n) && !out.includes(n)) out.push(n);
  return out;
}

function renderVscodeInput(text: string, vars: Record<string, unknown>): RenderResult {
  const missing: string[] = [];
  const out = text.replace(
    /\$\{(input:)?([^}:\s]+)(?::([^}]*))?\}/g,
    (raw, input: string | undefined, name: string) => {
      if (!input && !VSCODE_BUILTIN_VARIABLES.has(name)) return raw;
      if (Object.prototype.hasOwnProperty.call(vars, name)) {
        const v = vars[name];
        return typeof v === 'string' ? v : JSON.stringify(v);
      }
      if (input && !missing.includes(name)) missing.push(name);
      return raw;
    },
  );
  return { text: out, missing, unsupported: [], errors: [] };
}

export function renderTemplate(
  text: string,
  vars: Record<string, unknown>,
  syntax: TemplateSyntax,
  options: RenderOptions = {},
): RenderResult {
  switch (syntax) {
    case 'vscode-input':
      return renderVscodeInput(text, vars);
    case 'gh-models': {
      const r = renderGhModels(text, vars);
      return { text: r.text, missing: r.missing, unsupported: [], errors: [] };
    }
    case 'mustache': {
      const analysis = analyzeMustache(text);
      const r = renderMustache(text, vars);
      return {
        text: r.text,
        missing: missingOf(
          analysis.uses.map((u) => u.name),
          vars,
        ),
        unsupported: [],
        errors: r.error ? [r.error] : [],
      };
    }
    case 'jinja2': {
      if (!text.includes('{')) return { text, missing: [], unsupported: [], errors: [] };
      const analysis = analyzeJinja(text);
      const r = renderJinja(text, vars, options.file, options.prepareIncluded);
      return {
        text: r.text,
        missing: missingOf(
          analysis.uses.map((u) => u.name),
          vars,
        ),
        unsupported: [],
        errors: r.error ? [r.error] : [],
      };
    }
  }
}
