/**
 * Dataset columns vs the prompt's template variables: a variable a row lacks renders as nothing (warning, per row: the
 * run can go on, the row just tests an empty value);
 * a column no variable uses is reported once (info: evaluators may still read it, e.g. `{{string}}`).
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
  rows.forEach((row, i) => {
    const missing = variables.filter((v) => !(v in row.vars));
    if (missing.length) {
      const names = missing.map((m) => `'${m}'`).join(', ');
      out.push(
        at(
          file,
          row.line ?? 1,
          'warning',
          'dataset-missing-variable',
          `row ${row.id ?? i + 1} has no value for variable ${names} used by the prompt`,
        ),
      );
    }
  });
  const firstSeen = new Map<string, number>();
  for (const row of rows) {
    for (const key of Object.keys(row.vars)) {
      if (!wanted.has(key) && !(LABEL_KEYS as readonly string[]).includes(key) && !firstSeen.has(key)) {
        firstSeen.set(key, row.line ?? 1);
      }
    }
  }
  for (const [key, line] of firstSeen) {
    out.push(at(file, line, 'info', 'dataset-unused-column', `column '${key}' is not a variable of the prompt`));
  }
  return out;
}
