/**
 * One raw record (from JSONL, CSV, YAML/JSON or inline testData) → a DatasetRow.
 * Accepted shapes (algorithms.md §1, GitHub Models testData, promptfoo tests):
 *   {vars: {...}, expected?}            promptfoo / sidecar style
 *   {input: {...}, expected?}           our JSONL style, input object = the variables
 *   {input: "text", expected?}          the string becomes variable `input`
 *   {a: …, b: …, expected?}             flat: every non-label key is a variable (GitHub Models testData)
 * Label keys (never variables): expected, chosen, rejected, id. Keys of promptfoo tests that are not data
 * (assert, description, options, metadata) are dropped.
 */
import type { DatasetRow } from './types';

export const LABEL_KEYS = ['expected', 'chosen', 'rejected', 'id', 'feedback'] as const;
const NON_DATA_KEYS = new Set(['assert', 'description', 'options', 'metadata', 'vars']);

export type RowShapeResult = { row: DatasetRow; problem?: undefined } | { row?: undefined; problem: string };

export interface RowShapeOptions {
  /** Keep `expected` also as a variable so templates like `{{expected}}` render (GitHub Models testData). */
  keepExpectedAsVar?: boolean;
  /** The prompt's variables; when it has exactly one and it is not `input`, a string `input` also fills it. */
  variables?: string[];
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Labels are text; numbers and booleans are stringified, objects become JSON (a JSON-output task's answer). */
function labelText(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

export function rowFromRecord(record: unknown, line: number | undefined, opts: RowShapeOptions = {}): RowShapeResult {
  if (!isPlainObject(record)) {
    const kind = Array.isArray(record) ? 'an array' : record === null ? 'empty (null)' : `a ${typeof record}`;
    return { problem: `a row must be an object with variables, but this one is ${kind}` };
  }
  if (record.vars !== undefined && !isPlainObject(record.vars)) {
    return { problem: '`vars` must be an object mapping variable names to values' };
  }
  const vars: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(record)) {
    if ((LABEL_KEYS as readonly string[]).includes(key) || NON_DATA_KEYS.has(key)) continue;
    if (key === 'input' && isPlainObject(value)) continue;
    vars[key] = value;
  }
  if (isPlainObject(record.input)) Object.assign(vars, record.input);
  if (isPlainObject(record.vars)) Object.assign(vars, record.vars);

  const only = opts.variables?.length === 1 ? opts.variables[0] : undefined;
  if (typeof record.input === 'string' && only && only !== 'input' && !(only in vars)) vars[only] = record.input;

  const row: DatasetRow = { vars };
  const expected = labelText(record.expected);
  if (expected !== undefined) {
    row.expected = expected;
    if (opts.keepExpectedAsVar) vars.expected = record.expected;
  }
  const chosen = labelText(record.chosen);
  if (chosen !== undefined) row.chosen = chosen;
  const rejected = labelText(record.rejected);
  if (rejected !== undefined) row.rejected = rejected;
  const id = labelText(record.id);
  if (id !== undefined) row.id = id;
  const feedback = labelText(record.feedback);
  if (feedback !== undefined) row.feedback = feedback;
  if (line !== undefined) row.line = line;
  return { row };
}

/**
 * GitHub Models inline `testData`: flat rows; `expected` stays a variable too (its evaluators say `{{expected}}`).
 * Rows that are not objects are skipped here; the document parser reports them with positions.
 */
export function rowsFromTestData(testData: unknown[], lines?: (number | undefined)[]): DatasetRow[] {
  const rows: DatasetRow[] = [];
  testData.forEach((record, i) => {
    const result = rowFromRecord(record, lines?.[i], { keepExpectedAsVar: true });
    if (result.row) rows.push(result.row);
  });
  return rows;
}
