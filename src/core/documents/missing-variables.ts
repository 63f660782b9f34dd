/**
 * Test rows that give no value for a template variable: one warning per variable, on its first occurrence in the
 * template ("{{review}} has no value in 24 of 24 test rows"), not one per row — a column missing from a whole
 * dataset would otherwise bury the file in identical warnings and say nothing where the variable is.
 */
import type { DatasetRow } from '../data/types';
import type { Diagnostic, PositionSource } from '../diagnostics';
import { diagnosticAt } from '../diagnostics';
import type { PromptDocument, VariableRef } from './types';

export interface RowsSource {
  /** What the rows are called in the message: "test rows", "rows of reviews.jsonl"; and one of them. */
  name: string;
  singular: string;
  /** The diagnostic code (quick fixes key on it). */
  code: string;
}

const LISTED_ROWS = 5;

function token(doc: PromptDocument, v: VariableRef): string {
  return doc.text.slice(v.span.start, v.span.end);
}

/** "rows 2, 5 and 9", "rows 2, 5, 9, 11, 12 and 3 more" (1-based). */
function rowList(indexes: readonly number[]): string {
  const numbers = indexes.slice(0, LISTED_ROWS).map((i) => String(i + 1));
  const more = indexes.length - numbers.length;
  if (more > 0) return `rows ${numbers.join(', ')} and ${more} more`;
  if (numbers.length === 1) return `row ${numbers[0]}`;
  return `rows ${numbers.slice(0, -1).join(', ')} and ${numbers[numbers.length - 1]}`;
}

/** What the runtime does with a variable that has no value (gh models leaves `{{name}}` in the text). */
function consequence(doc: PromptDocument, written: string, lacking: number, all: boolean): string {
  const where = all ? '' : lacking === 1 ? ' in that row' : ' in those rows';
  return doc.format === 'prompt.yml'
    ? `gh models sends the text ${written} to the model as written${where}`
    : `it is left empty${where}`;
}

/** One warning per variable some rows give no value for (variables with a declared default are filled by it). */
export function missingVariableDiagnostics(
  doc: PromptDocument,
  rows: readonly DatasetRow[],
  source: RowsSource,
  lines: PositionSource = doc.text,
): Diagnostic[] {
  if (rows.length === 0) return [];
  const defaulted = new Set(doc.declaredVariables.filter((d) => d.default !== undefined).map((d) => d.name));
  const first = new Map<string, VariableRef>();
  for (const v of doc.variables) if (!first.has(v.name) && !defaulted.has(v.name)) first.set(v.name, v);
  const out: Diagnostic[] = [];
  for (const [name, v] of first) {
    const lacking = rows.flatMap((row, i) => (Object.prototype.hasOwnProperty.call(row.vars, name) ? [] : [i]));
    if (lacking.length === 0) continue;
    const all = lacking.length === rows.length;
    const written = token(doc, v);
    const which = all ? '' : ` (${rowList(lacking)})`;
    const count =
      rows.length === 1 ? `the only ${source.singular}` : `${lacking.length} of ${rows.length} ${source.name}`;
    const message = `${written} has no value in ${count}${which}: ${consequence(doc, written, lacking.length, all)}`;
    out.push(diagnosticAt(doc.file, lines, v.span, 'warning', source.code, message));
  }
  return out;
}
