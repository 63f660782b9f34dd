/** fast-check generators for prompt texts and mutated prompt files (all runs are seeded by the tests). */
import fc from 'fast-check';
import { findRoleLine } from '../../../src/core/template';

/** Fragments that stress YAML and template syntax. */
const TRICKY = [
  '',
  ' ',
  '  indented',
  '\t',
  '#',
  '# heading',
  'key: value',
  '- item',
  '"',
  "'",
  '{{input}}',
  '{{ a.b | upper }}',
  '{% if x %}',
  '{% endif %}',
  '${input:name}',
  '${input:x:placeholder}',
  '${selection}',
  '#tool:fetch',
  '|',
  '|-',
  '>+',
  '---',
  '...',
  ':',
  '\\',
  '\\n',
  '&anchor',
  '*alias',
  '!tag',
  '%YAML 1.2',
  '@',
  '`',
  'trailing ',
  '[a, b]',
  '{k: v}',
  'yes',
  'null',
  '123',
  '0x1F',
  '~',
  '\u00e9\u4e2d\ud83d\ude00',
  '\u2028',
  '\u0085',
  '\r',
  '\u0000',
];

const piece = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...TRICKY) },
  { weight: 3, arbitrary: fc.string({ unit: 'grapheme', maxLength: 24 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 6 }) },
);

const separator = fc.constantFrom('', ' ', '\n', '\n', '\n\n', '\n  ', '\t');

/** Any text, multi-line, with leading/trailing whitespace and odd characters. */
export const promptText: fc.Arbitrary<string> = fc
  .array(fc.tuple(piece, separator), { maxLength: 10 })
  .map((parts) => parts.map(([a, b]) => a + b).join(''));

/** Text as a body-based format stores it: trimmed; no role line (prompty); no leading front-matter fence or BOM. */
export function bodyText(format: 'prompty' | 'prompt.md'): fc.Arbitrary<string> {
  return promptText
    .map((t) => t.replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, ''))
    .filter((t) => t !== '' && !t.startsWith('\uFEFF') && !/^---[ \t]*(\r?\n|$)/.test(t))
    .filter((t) => format !== 'prompty' || findRoleLine(t) === undefined);
}

type Mutation = {
  kind: 'delete' | 'insert' | 'duplicate' | 'deleteLine' | 'duplicateLine' | 'swapLines';
  at: number;
  len: number;
  insert: string;
};

const mutation: fc.Arbitrary<Mutation> = fc.record({
  kind: fc.constantFrom('delete', 'insert', 'duplicate', 'deleteLine', 'duplicateLine', 'swapLines'),
  at: fc.nat(),
  len: fc.integer({ min: 1, max: 12 }),
  insert: fc.oneof(
    fc.constantFrom(...TRICKY, '\n', ':', '- ', '---\n', 'user:\n', '"', '{{', '}}', '{%'),
    fc.string({ maxLength: 4 }),
  ),
});

function applyMutation(text: string, m: Mutation): string {
  if (m.kind === 'delete' || m.kind === 'insert' || m.kind === 'duplicate') {
    const at = text.length === 0 ? 0 : m.at % (text.length + 1);
    if (m.kind === 'delete') return text.slice(0, at) + text.slice(at + m.len);
    if (m.kind === 'insert') return text.slice(0, at) + m.insert + text.slice(at);
    return text.slice(0, at) + text.slice(at, at + m.len) + text.slice(at);
  }
  const lines = text.split('\n');
  const i = m.at % lines.length;
  if (m.kind === 'deleteLine') lines.splice(i, 1);
  else if (m.kind === 'duplicateLine') lines.splice(i, 0, lines[i]);
  else {
    const j = (i + m.len) % lines.length;
    [lines[i], lines[j]] = [lines[j], lines[i]];
  }
  return lines.join('\n');
}

/** One of `texts`, with 1–6 random character / line mutations applied. */
export function mutated(texts: readonly string[]): fc.Arbitrary<string> {
  return fc
    .tuple(fc.constantFrom(...texts), fc.array(mutation, { minLength: 1, maxLength: 6 }))
    .map(([text, ms]) => ms.reduce(applyMutation, text));
}
