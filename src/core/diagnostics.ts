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

/**
 * Line starts of one text, built once per parse and passed down (binary search per offset), so a file with many
 * problems is not rescanned for each one. (A module-level cache keyed by the text would compare the whole string on
 * every lookup when the editor hands over a new, equal string: quadratic in the file size.)
 */
export class LineIndex {
  private readonly starts: number[] = [0];

  constructor(readonly text: string) {
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) this.starts.push(i + 1);
  }

  /** Offset → 1-based line/column. */
  positionAt(offset: number): { line: number; column: number } {
    const starts = this.starts;
    const at = Math.max(0, Math.min(offset, this.text.length));
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= at) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: at - starts[lo] + 1 };
  }
}

/** A text with its line index, or a bare text for a one-off position (scanned up to the offset). */
export type PositionSource = string | LineIndex;

/** Offset → 1-based line/column. */
export function positionAt(source: PositionSource, offset: number): { line: number; column: number } {
  if (source instanceof LineIndex) return source.positionAt(offset);
  const at = Math.max(0, Math.min(offset, source.length));
  let line = 1;
  let lineStart = 0;
  for (let i = source.indexOf('\n'); i !== -1 && i < at; i = source.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: at - lineStart + 1 };
}

/** 1-based line of an offset. */
export function lineAt(source: PositionSource, offset: number): number {
  return positionAt(source, offset).line;
}

export function diagnosticAt(
  file: string,
  source: PositionSource,
  span: Span,
  severity: Severity,
  code: string,
  message: string,
): Diagnostic {
  const s = positionAt(source, span.start);
  const e = positionAt(source, Math.max(span.start, span.end));
  return { file, line: s.line, column: s.column, endLine: e.line, endColumn: e.column, severity, code, message };
}
