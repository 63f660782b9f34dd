/**
 * equals / contains / startsWith / endsWith. Text is compared after Unicode NFC normalization; case-insensitive
 * compares lower-cased text. `equals` compares trimmed text (GitHub Models trims the response).
 * Case defaults when a spec does not say: equals is case-sensitive, the others are not — GitHub Models' semantics
 * (`gh models eval`: exact `==` for equals, lower-cased for contains/startsWith/endsWith).
 */
import type { EvaluationResult, EvaluatorSpec } from './types';
import { quote } from './feedback-text';

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

export function matchString(spec: StringSpec, name: string, output: string, value: string): EvaluationResult {
  const caseSensitive = spec.caseSensitive ?? defaultCaseSensitive(spec.type);
  const fold = (s: string) => (caseSensitive ? s.normalize('NFC') : foldCase(s));
  const out = fold(spec.type === 'equals' ? output.trim() : output);
  const want = fold(spec.type === 'equals' ? value.trim() : value);
  let matched: boolean;
  switch (spec.type) {
    case 'equals':
      matched = out === want;
      break;
    case 'contains':
      matched = out.includes(want);
      break;
    case 'startsWith':
      matched = out.trimStart().startsWith(want);
      break;
    default:
      matched = out.trimEnd().endsWith(want);
  }
  const pass = spec.negate ? !matched : matched;
  const how = `${spec.negate ? 'not ' : ''}to ${VERB[spec.type]} ${quote(value)}${caseSensitive ? '' : ' (ignoring case)'}`;
  const feedback = pass ? `passed: output was expected ${how}` : `expected output ${how} but it was ${quote(output)}`;
  return { name, score: pass ? 1 : 0, pass, feedback };
}
