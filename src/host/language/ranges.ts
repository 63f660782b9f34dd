/** Conversions between the core's positions (offsets; 1-based line/column, end exclusive) and VS Code ranges. */
import * as vscode from 'vscode';
import type { Diagnostic, Span } from '../../core/diagnostics';

export function spanToRange(doc: vscode.TextDocument, span: Span): vscode.Range {
  return new vscode.Range(doc.positionAt(span.start), doc.positionAt(Math.max(span.start, span.end)));
}

/** A diagnostic's range; an empty range at a line start widens to the line's text so it stays visible. */
export function diagnosticRange(d: Diagnostic, lineText?: (line: number) => string | undefined): vscode.Range {
  const startLine = Math.max(0, d.line - 1);
  const startCol = Math.max(0, d.column - 1);
  let endLine = Math.max(startLine, d.endLine - 1);
  let endCol = Math.max(0, d.endColumn - 1);
  if (endLine === startLine && endCol <= startCol) {
    const text = lineText?.(startLine);
    endLine = startLine;
    endCol = text !== undefined ? Math.max(startCol + 1, text.length) : startCol + 1;
  }
  return new vscode.Range(startLine, startCol, endLine, endCol);
}

export function toVscodeSeverity(severity: Diagnostic['severity']): vscode.DiagnosticSeverity {
  if (severity === 'error') return vscode.DiagnosticSeverity.Error;
  if (severity === 'warning') return vscode.DiagnosticSeverity.Warning;
  return vscode.DiagnosticSeverity.Information;
}

/** Offset of the value of the first `key:` line (at any indentation) in YAML-ish text, or undefined. */
export function findKeyValue(text: string, key: string): Span | undefined {
  const re = new RegExp(`^([ \\t]*(?:-[ \\t]+)?${key}[ \\t]*:[ \\t]*)(.*)$`, 'm');
  const m = re.exec(text);
  if (!m) return undefined;
  const start = m.index + m[1].length;
  const value = m[2].replace(/\s+#.*$/, '').trimEnd();
  return { start, end: start + Math.max(value.length, 0) };
}

/** Span of the first `key:` itself. */
export function findKey(text: string, key: string): Span | undefined {
  const re = new RegExp(`^([ \\t]*(?:-[ \\t]+)?)(${key})[ \\t]*:`, 'm');
  const m = re.exec(text);
  if (!m) return undefined;
  const start = m.index + m[1].length;
  return { start, end: start + key.length };
}
