/** Turning inline example rows (GitHub Models `testData`, sidecar `rows`) into DatasetRows. */
import { isMap, isSeq } from 'yaml';
import type { Diagnostic, Span } from '../diagnostics';
import { lineAt } from './positions';
import type { DatasetRow } from '../data/types';
import { diag, nodeSpan, toPlain, type YamlSlice } from './yamlSource';

function labelText(v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  return typeof v === 'string' ? v : typeof v === 'object' ? JSON.stringify(v) : String(v);
}

/**
 * A row's variables are the whole object (so evaluators may template `{{expected}}`), or its `vars` map if it has one;
 * `expected`, `chosen`, `rejected` and `id` are lifted out as labels.
 */
export function rowFromObject(obj: Record<string, unknown>, line?: number): DatasetRow {
  const vars = obj.vars && typeof obj.vars === 'object' && !Array.isArray(obj.vars)
    ? obj.vars as Record<string, unknown> : obj;
  const row: DatasetRow = { vars };
  const expected = labelText(obj.expected);
  if (expected !== undefined) row.expected = expected;
  const chosen = labelText(obj.chosen);
  if (chosen !== undefined) row.chosen = chosen;
  const rejected = labelText(obj.rejected);
  if (rejected !== undefined) row.rejected = rejected;
  if (obj.id !== undefined && obj.id !== null) row.id = String(obj.id);
  if (line !== undefined) row.line = line;
  return row;
}

/** `spans`, when given, receives each returned row's source span (same order as the rows). */
export function rowsFromNode(
  slice: YamlSlice, node: unknown, field: string, diagnostics: Diagnostic[], spans?: Span[],
): DatasetRow[] {
  if (node === null || node === undefined) return [];
  if (!isSeq(node)) {
    if (!(isScalarNull(node))) diagnostics.push(diag(slice, node, 'error', 'invalid-rows', `${field} must be a list of rows`));
    return [];
  }
  const rows: DatasetRow[] = [];
  node.items.forEach((item, i) => {
    const value = toPlain(slice, item);
    if (!isMap(item) || !value || typeof value !== 'object' || Array.isArray(value)) {
      diagnostics.push(diag(slice, item, 'error', 'invalid-rows', `${field}[${i}] must be a mapping of variable names to values`));
      return;
    }
    const line = item.range ? lineAt(slice.text, slice.offset + item.range[0]) : undefined;
    rows.push(rowFromObject(value as Record<string, unknown>, line));
    spans?.push(nodeSpan(slice, item) ?? { start: slice.offset, end: slice.offset });
  });
  return rows;
}

function isScalarNull(node: unknown): boolean {
  return typeof node === 'object' && node !== null && 'value' in node && (node as { value: unknown }).value === null;
}
