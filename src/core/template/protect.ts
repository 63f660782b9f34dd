/**
 * Protected regions: substrings of a prompt that a candidate rewrite must keep verbatim — template variables,
 * Jinja control-flow tags, VS Code `#tool:`/`#file:` references and built-in `${…}` variables, blocks marked
 * `<!-- whetstone:protect -->…<!-- /whetstone:protect -->`, and the sidecar's `protected` entries.
 */
import type { PromptFormat } from '../documents/types';
import { templateTokens } from './tokens';
import { builtinVariableTokens, variableTokens, type TemplateSyntax } from './variables';

/**
 * The template language of a format: gh-models' own `{{key}}` replacement for .prompt.yml, VS Code's `${input:…}` for
 * .prompt.md, Jinja2 for .prompty unless its front matter says `template: mustache` (`templateSyntax`).
 */
export function syntaxFor(format: PromptFormat, templateSyntax?: TemplateSyntax): TemplateSyntax {
  if (templateSyntax) return templateSyntax;
  return format === 'prompt.md' ? 'vscode-input' : format === 'prompt.yml' ? 'gh-models' : 'jinja2';
}

const MARKED_BLOCK = /<!--\s*whetstone:protect\s*-->[\s\S]*?<!--\s*\/whetstone:protect\s*-->/g;
/** `#tool:name`, `#file:path` and the older `#toolName` reference form (a heading needs a space after `#`). */
const CHAT_REFERENCE = /(?<![\w&#/])#(?:tool:|file:)?[A-Za-z_][\w./*:-]*[\w*]/g;

/** Parses a sidecar `protected` entry: `/regex/flags` or a literal substring. */
function matchExtra(text: string, entry: string): string[] {
  const re = /^\/(.+)\/([gimsuy]*)$/s.exec(entry);
  if (!re) return text.includes(entry) ? [entry] : [];
  let pattern: RegExp;
  try {
    pattern = new RegExp(re[1], re[2].includes('g') ? re[2] : re[2] + 'g');
  } catch {
    return [];
  }
  return [...text.matchAll(pattern)].map((m) => m[0]).filter((s) => s.length > 0);
}

/** The protected substrings of `text` (each distinct string once, in order of first appearance). */
export function protectedRegions(
  text: string,
  format: PromptFormat,
  extra: readonly string[] = [],
  templateSyntax?: TemplateSyntax,
): string[] {
  const found: string[] = [];
  const add = (s: string) => {
    if (s && !found.includes(s)) found.push(s);
  };
  variableTokens(text, syntaxFor(format, templateSyntax)).forEach(add);
  if (format === 'prompt.md') {
    builtinVariableTokens(text).forEach(add);
    for (const m of text.matchAll(CHAT_REFERENCE)) add(m[0]);
  } else {
    for (const t of templateTokens(text)) if (t.kind === 'tag') add(text.slice(t.start, t.end));
  }
  for (const m of text.matchAll(MARKED_BLOCK)) add(m[0]);
  for (const entry of extra) matchExtra(text, entry).forEach(add);
  return found;
}

export function countOccurrences(text: string, needle: string): number {
  if (!needle) return 0;
  let n = 0;
  for (let i = text.indexOf(needle); i !== -1; i = text.indexOf(needle, i + needle.length)) n++;
  return n;
}
