/**
 * equals / contains / startsWith / endsWith, by dialect: gh-models and promptfoo as their runtimes compare (see
 * matches()); Whetstone's own (sidecar checks, the "matches expected" extension) compares NFC-normalized text, `equals`
 * trimmed, case-insensitive checks through Unicode case folding. Case default there: equals is case-sensitive, the
 * others are not.
 */
import type { EvaluationResult, EvaluatorSpec } from './types';
import { quote } from './feedback-text';
import { ghStringDetails, ghStringPass } from './gh-models';

type StringSpec = Extract<EvaluatorSpec, { type: 'equals' | 'contains' | 'startsWith' | 'endsWith' }>;

const VERB: Record<StringSpec['type'], string> = {
  equals: 'equal',
  contains: 'contain',
  startsWith: 'start with',
  endsWith: 'end with',
};

export function defaultCaseSensitive(type: StringSpec['type']): boolean {
  return type === 'equals';
}

/**
 * Case-insensitive form, close to Unicode full case folding: upper then lower case (so "ß" and "SS" meet at "ss"),
 * Greek final sigma folded to σ (toLowerCase picks ς or σ from the neighbouring letters, so "ΑΣ" alone and inside
 * "ΑΣΒ" would lower differently), NFC before and after.
 */
export function foldCase(s: string): string {
  return s.normalize('NFC').toUpperCase().toLowerCase().replace(/ς/g, 'σ').normalize('NFC');
}

/** Whether `output` passes the check (before `negate`), by the spec's dialect. */
function matches(spec: StringSpec, output: string, value: string, caseSensitive: boolean): boolean {
  if (spec.dialect === 'gh-models') return ghStringPass(spec.type, output, value);
  if (spec.dialect === 'promptfoo') {
    // promptfoo src/assertions/{equals,contains,startsWith,endsWith}.ts: exact text, `i` forms lower-case both sides.
    const fold = (t: string) => (caseSensitive ? t : t.toLowerCase());
    const [out, want] = [fold(output), fold(value)];
    return spec.type === 'equals'
      ? out === want
      : spec.type === 'contains'
        ? out.includes(want)
        : spec.type === 'startsWith'
          ? out.startsWith(want)
          : out.endsWith(want);
  }
  const fold = (t: string) => (caseSensitive ? t.normalize('NFC') : foldCase(t));
  const out = fold(spec.type === 'equals' ? output.trim() : output);
  const want = fold(spec.type === 'equals' ? value.trim() : value);
  switch (spec.type) {
    case 'equals':
      return out === want;
    case 'contains':
      return out.includes(want);
    case 'startsWith':
      return out.trimStart().startsWith(want);
    default:
      return out.trimEnd().endsWith(want);
  }
}

export function matchString(spec: StringSpec, name: string, output: string, value: string): EvaluationResult {
  const caseSensitive =
    spec.dialect === 'gh-models' ? spec.type === 'equals' : (spec.caseSensitive ?? defaultCaseSensitive(spec.type));
  const matched = matches(spec, output, value, caseSensitive);
  const pass = spec.negate ? !matched : matched;
  if (spec.dialect === 'gh-models') {
    const details = ghStringDetails(spec.type, value);
    return {
      name,
      score: pass ? 1 : 0,
      pass,
      feedback: pass ? `passed: ${details}` : `${details}; got ${quote(output)}`,
    };
  }
  const how = `${spec.negate ? 'not ' : ''}to ${VERB[spec.type]} ${quote(value)}${caseSensitive ? '' : ' (ignoring case)'}`;
  const feedback = pass ? `passed: output was expected ${how}` : `expected output ${how} but it was ${quote(output)}`;
  return { name, score: pass ? 1 : 0, pass, feedback };
}

type AnySpec = Extract<EvaluatorSpec, { type: 'containsAny' | 'containsAll' }>;

/** promptfoo src/assertions/contains.ts `handle(I)ContainsAny` / `handle(I)ContainsAll`. */
export function matchAny(spec: AnySpec, name: string, output: string, values: string[]): EvaluationResult {
  const fold = (t: string) => (spec.caseSensitive ? t : t.toLowerCase());
  const out = fold(output);
  const missing = values.filter((v) => !out.includes(fold(v)));
  const matched = spec.type === 'containsAny' ? missing.length < values.length : missing.length === 0;
  const pass = spec.negate ? !matched : matched;
  const which = spec.type === 'containsAny' ? 'one of' : 'all of';
  const how = `${spec.negate ? 'not ' : ''}to contain ${which} ${values.map((v) => quote(v)).join(', ')}`;
  return {
    name,
    score: pass ? 1 : 0,
    pass,
    feedback: pass
      ? `passed: output was expected ${how}`
      : `expected output ${how}${spec.type === 'containsAll' && !spec.negate ? ` (missing ${missing.map((v) => quote(v)).join(', ')})` : ''}`,
  };
}
