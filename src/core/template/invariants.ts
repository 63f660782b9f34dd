/**
 * Candidate invariants (DESIGN.md): a rewrite keeps the same template variables and every protected region, and
 * does not change the file's structure (a prompty role line or a front-matter fence inside the region would).
 * A candidate that fails is rejected before scoring, with these messages shown to the user.
 */
import type { PromptFormat } from '../documents/types';
import { countOccurrences, protectedRegions, syntaxFor } from './protect';
import { extractVariables, type TemplateSyntax } from './variables';

export interface InvariantCheck {
  ok: boolean;
  violations: string[];
}

const ROLE_WORD = /^(system|user|assistant|developer|function|tool)(\[[^\]]*\])?:$/i;

/**
 * Prompty's role-line rule: a line holding only `role:` (optionally `# role:`, `role[name="x"]:`), any case.
 * Returns the role in lower case. Written without a regular expression over the whole line, which would backtrack
 * quadratically on long runs of blanks.
 */
export function promptyRoleOf(line: string): string | undefined {
  let s = line.replace(/\r$/, '').trim();
  if (s.startsWith('#')) s = s.slice(1).trimStart();
  if (s.length > 80) return undefined;
  const colon = s.lastIndexOf(':');
  if (colon === -1) return undefined;
  const m = ROLE_WORD.exec(s.slice(0, colon).trimEnd() + ':');
  return colon === s.length - 1 && m ? m[1].toLowerCase() : undefined;
}

/** The first role line in `text`, as written (trimmed), if any. */
export function findRoleLine(text: string): string | undefined {
  for (const line of text.split('\n')) if (promptyRoleOf(line)) return line.trim();
  return undefined;
}

function firstTokens(text: string, syntax: TemplateSyntax): Map<string, string> {
  const byName = new Map<string, string>();
  for (const v of extractVariables(text, syntax)) {
    if (!byName.has(v.name)) byName.set(v.name, text.slice(v.span.start, v.span.end));
  }
  return byName;
}

/** Where else the prompt's variables get values, so a rejection can say what adding one would do. */
export interface VariableSources {
  /** Variables the file fills outside the optimized region (other messages), with the role of the first one. */
  elsewhere: ReadonlyMap<string, string>;
  /** Names the test rows or declared inputs give values to. */
  columns: ReadonlySet<string>;
}

const NO_SOURCES: VariableSources = { elsewhere: new Map(), columns: new Set() };

/** Why adding variable `name` (written `token`) breaks the prompt, in the user's words. */
function addedVariableProblem(token: string, name: string, sources: VariableSources): string {
  const role = sources.elsewhere.get(name);
  if (role !== undefined) {
    return `adds ${token} to the optimized text, where the original does not use it; the ${role} message already fills it, so the model would receive it twice`;
  }
  if (sources.columns.has(name)) {
    return `adds ${token}, a test-data field the original prompt does not use, so the prompt would depend on an input your application may not send`;
  }
  return `adds ${token}, which is not a variable of this prompt: no message and no test row gives it a value`;
}

export function checkCandidateInvariants(
  originalRegion: string,
  candidate: string,
  format: PromptFormat,
  extra: readonly string[] = [],
  templateSyntax?: TemplateSyntax,
  sources: VariableSources = NO_SOURCES,
): InvariantCheck {
  const violations: string[] = [];
  const syntax = syntaxFor(format, templateSyntax);
  const before = firstTokens(originalRegion, syntax);
  const after = firstTokens(candidate, syntax);
  for (const [name, token] of before) {
    if (!after.has(name)) violations.push(`removes the variable ${token}, which every candidate must keep`);
  }
  for (const [name, token] of after) if (!before.has(name)) violations.push(addedVariableProblem(token, name, sources));

  const variableTexts = new Set<string>(
    [...extractVariables(originalRegion, syntax)].map((v) => originalRegion.slice(v.span.start, v.span.end)),
  );
  for (const region of protectedRegions(originalRegion, format, extra, syntax)) {
    if (variableTexts.has(region)) continue; // variables are compared by name above
    if (countOccurrences(candidate, region) < countOccurrences(originalRegion, region)) {
      violations.push(`changes the protected text ${JSON.stringify(region)}, which must stay as written`);
    }
  }

  if (format === 'prompty') {
    const role = findRoleLine(candidate);
    if (role && !findRoleLine(originalRegion)) {
      violations.push(`added a role line ${JSON.stringify(role)}, which would split the prompt into new messages`);
    }
  }
  if (format !== 'prompt.yml' && /^\uFEFF?---[ \t]*\r?$/m.test(candidate.split('\n')[0] ?? '')) {
    violations.push('starts with "---", which would be read as a front-matter fence');
  }
  return { ok: violations.length === 0, violations };
}
