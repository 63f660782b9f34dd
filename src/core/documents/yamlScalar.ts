/**
 * Encoding a string as YAML scalar source in a given style, for minimal in-place edits of prompt.yml content.
 * Each encoder returns undefined when the style cannot hold the text; the caller re-parses every attempt anyway,
 * so an encoder only has to be right, not complete.
 */
import { parse as parseYaml, type Scalar } from 'yaml';

export type ScalarStyle = Scalar.Type;

export interface ScalarContext {
  /** Column of the mapping key that owns the scalar (block indentation is relative to it). */
  keyColumn: number;
  /** Indentation (spaces) of the existing block body, when the scalar is a block scalar. */
  bodyIndent?: number;
  /** Inside a flow collection (`{…}` / `[…]`): no block scalars, stricter plain scalars. */
  inFlow: boolean;
  eol: '\n' | '\r\n';
  /** Whether the original scalar's source ended with a line break (block scalars not at end of file). */
  endsWithBreak: boolean;
  /** A comment written after the original block header (`| # note`), kept on the new header. */
  headerComment?: string;
}

export function encodePlain(t: string, ctx: ScalarContext): string | undefined {
  if (t === '' || /[\n\r]/.test(t) || /^[ \t]|[ \t]$/.test(t)) return undefined;
  if (ctx.inFlow && /[,[\]{}]/.test(t)) return undefined;
  if (/^[-?:,[\]{}#&*!|>'"%@`]/.test(t)) return undefined; // indicators: such text is not a plain string
  try {
    return parseYaml(t, { logLevel: 'error' }) === t ? t : undefined;
  } catch {
    return undefined;
  }
}

export function encodeSingleQuoted(t: string, ctx: ScalarContext): string | undefined {
  if (/\r/.test(t)) return undefined;
  const escaped = t.replace(/'/g, "''");
  if (!t.includes('\n')) return `'${escaped}'`;
  // In a flow scalar a line break followed by m empty lines reads as m newlines; continuation lines are indented.
  const indent = ' '.repeat(ctx.keyColumn + 2);
  return `'${escaped.replace(/\n+/g, (run) => ctx.eol.repeat(run.length + 1) + indent)}'`;
}

const NEEDS_ESCAPE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\ufeff]/g;

/** Always representable: JSON string syntax is YAML double-quoted syntax; also escape YAML's non-printables. */
export function encodeDoubleQuoted(t: string): string {
  return JSON.stringify(t).replace(NEEDS_ESCAPE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function chompIndicator(trailingNewlines: number): string {
  return trailingNewlines === 0 ? '-' : trailingNewlines === 1 ? '' : '+';
}

function blockIndent(ctx: ScalarContext): number {
  return ctx.bodyIndent !== undefined && ctx.bodyIndent > ctx.keyColumn ? ctx.bodyIndent : ctx.keyColumn + 2;
}

/** Header + body lines; the final line break only when the original scalar ended with one. */
function assembleBlock(indicator: '|' | '>', bodyLines: string[], trailing: number, ctx: ScalarContext): string {
  const indent = blockIndent(ctx);
  const firstContent = bodyLines.find((l) => l !== '');
  const explicit = firstContent !== undefined && /^[ \t]/.test(firstContent) ? String(indent - ctx.keyColumn) : '';
  if (explicit && (Number(explicit) < 1 || Number(explicit) > 9)) return '';
  const pad = ' '.repeat(indent);
  let out = indicator + explicit + chompIndicator(trailing) + (ctx.headerComment ?? '');
  for (const line of bodyLines) out += ctx.eol + (line === '' ? '' : pad + line);
  return ctx.endsWithBreak ? out + ctx.eol : out;
}

function splitTrailing(t: string): { core: string; trailing: number } {
  let end = t.length;
  while (end > 0 && t[end - 1] === '\n') end--;
  return { core: t.slice(0, end), trailing: t.length - end };
}

export function encodeLiteral(t: string, ctx: ScalarContext): string | undefined {
  if (ctx.inFlow || /\r/.test(t)) return undefined;
  const { core, trailing } = splitTrailing(t);
  // Trailing newlines beyond the first are kept as empty lines under `+` chomping.
  const bodyLines = t === '' ? [] : [...core.split('\n'), ...Array<string>(Math.max(0, trailing - 1)).fill('')];
  return assembleBlock('|', bodyLines, trailing, ctx) || undefined;
}

/** Folded: a single line break reads as a space, so each newline is written as an empty line; long lines wrap at spaces. */
export function encodeFolded(t: string, ctx: ScalarContext, width = 80): string | undefined {
  if (ctx.inFlow || /\r/.test(t)) return undefined;
  const { core, trailing } = splitTrailing(t);
  if (core === '') return undefined;
  const lines = core.split('\n');
  if (lines.some((l) => /^[ \t]/.test(l))) return undefined; // more-indented lines do not fold; use a literal block
  const indent = blockIndent(ctx);
  const bodyLines: string[] = [];
  lines.forEach((line, i) => {
    if (i > 0) bodyLines.push(''); // one empty source line per newline in the text
    if (line !== '') bodyLines.push(...wrap(line, Math.max(20, width - indent)));
  });
  for (let i = 1; i < trailing; i++) bodyLines.push('');
  return assembleBlock('>', bodyLines, trailing, ctx) || undefined;
}

/** Breaks at single spaces between non-space characters (such a break folds back into that space). */
function wrap(line: string, width: number): string[] {
  const out: string[] = [];
  let rest = line;
  while (rest.length > width) {
    let cut = -1;
    for (let i = width; i > 0; i--) {
      if (rest[i] === ' ' && rest[i - 1] !== ' ' && rest[i + 1] !== undefined && rest[i + 1] !== ' ') {
        cut = i;
        break;
      }
    }
    if (cut === -1) break;
    out.push(rest.slice(0, cut));
    rest = rest.slice(cut + 1);
  }
  out.push(rest);
  return out;
}
