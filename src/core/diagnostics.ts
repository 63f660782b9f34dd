/** A problem found in a file, with a 1-based position, so every layer can say "file:line:col: message". */
export type Severity = 'error' | 'warning' | 'info';

export interface Diagnostic {
  file: string;
  /** 1-based line and column of the start; end is exclusive and also 1-based. */
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  severity: Severity;
  message: string;
  /** Stable machine code, e.g. `yaml-syntax`, `undeclared-variable`; quick fixes key on it. */
  code: string;
}

/** Character offsets into the source text, [start, end). */
export interface Span {
  start: number;
  end: number;
}

export function formatDiagnostic(d: Diagnostic): string {
  return `${d.file}:${d.line}:${d.column}: ${d.severity}: ${d.message}`;
}

/*
 * Positions come from a line index built once per text (binary search per offset), so a file with many problems is
 * not rescanned from its start for each one.
 */
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

/** Offset → 1-based line/column. */
export function positionAt(text: string, offset: number): { line: number; column: number } {
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

/** 1-based line of an offset. */
export function lineAt(text: string, offset: number): number {
  return positionAt(text, offset).line;
}

export function diagnosticAt(
  file: string,
  text: string,
  span: Span,
  severity: Severity,
  code: string,
  message: string,
): Diagnostic {
  const s = positionAt(text, span.start);
  const e = positionAt(text, Math.max(span.start, span.end));
  return { file, line: s.line, column: s.column, endLine: e.line, endColumn: e.column, severity, code, message };
}
