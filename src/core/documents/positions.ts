/**
 * Diagnostics with positions from a line index built once per text (binary search per position), so a file with
 * many problems is not rescanned from its start for each one. Same result as `diagnosticAt` in ../diagnostics.
 */
import type { Diagnostic, Severity, Span } from '../diagnostics';

let indexedText: string | undefined;
let lineStarts: number[] = [0];

function lineStartsOf(text: string): number[] {
  if (text !== indexedText) {
    lineStarts = [0];
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) lineStarts.push(i + 1);
    indexedText = text;
  }
  return lineStarts;
}

function position(text: string, offset: number): { line: number; column: number } {
  const starts = lineStartsOf(text);
  const at = Math.max(0, Math.min(offset, text.length));
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= at) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo + 1, column: at - starts[lo] + 1 };
}

export function diagnosticIn(
  file: string, text: string, span: Span, severity: Severity, code: string, message: string,
): Diagnostic {
  const s = position(text, span.start);
  const e = position(text, Math.max(span.start, span.end));
  return { file, line: s.line, column: s.column, endLine: e.line, endColumn: e.column, severity, code, message };
}

/** 1-based line of an offset. */
export function lineAt(text: string, offset: number): number {
  return position(text, offset).line;
}
