/**
 * Dataset columns vs the prompt's template variables: a column no variable uses is reported once (info: evaluators
 * may still read it, e.g. `{{string}}`). Rows lacking a variable are reported once per variable, at the variable in
 * the prompt (documents/missing-variables.ts), not here per row.
 */
import type { Diagnostic, Severity } from '../diagnostics';
import { LABEL_KEYS } from './row-shape';
import type { DatasetRow } from './types';

function at(file: string, line: number, severity: Severity, code: string, message: string): Diagnostic {
  return { file, line, column: 1, endLine: line, endColumn: 1, severity, code, message };
}

export function checkDatasetColumns(rows: DatasetRow[], variables: string[], file = '<dataset>'): Diagnostic[] {
  const out: Diagnostic[] = [];
  const wanted = new Set(variables);
  const firstSeen = new Map<string, number>();
  for (const row of rows) {
    for (const key of Object.keys(row.vars)) {
      if (!wanted.has(key) && !(LABEL_KEYS as readonly string[]).includes(key) && !firstSeen.has(key)) {
        firstSeen.set(key, row.line ?? 1);
      }
    }
  }
  for (const [key, line] of firstSeen) {
    out.push(
      at(
        file,
        line,
        'info',
        'dataset-unused-column',
        `column '${key}' is not used by the prompt (no {{${key}}} in it)`,
      ),
    );
  }
  return out;
}
