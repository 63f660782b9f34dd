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

/** Offset → 1-based line/column. */
export function positionAt(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

export function diagnosticAt(
  file: string, text: string, span: Span, severity: Severity, code: string, message: string,
): Diagnostic {
  const s = positionAt(text, span.start);
  const e = positionAt(text, Math.max(span.start, span.end));
  return { file, line: s.line, column: s.column, endLine: e.line, endColumn: e.column, severity, code, message };
}
