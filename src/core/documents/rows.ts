/** Turning inline example rows (GitHub Models `testData`, sidecar `rows`) into DatasetRows. */
import { isMap, isSeq } from 'yaml';
import type { Diagnostic } from '../diagnostics';
import { lineAt } from '../diagnostics';
import type { DatasetRow } from '../data/types';
import { rowFromRecord } from '../data/row-shape';
import { diag, toPlain, type YamlSlice } from './yamlSource';

export function rowsFromNode(slice: YamlSlice, node: unknown, field: string, diagnostics: Diagnostic[]): DatasetRow[] {
  if (node === null || node === undefined) return [];
  if (!isSeq(node)) {
    if (!isScalarNull(node))
      diagnostics.push(diag(slice, node, 'error', 'invalid-rows', `${field} must be a list of rows`));
    return [];
  }
  const rows: DatasetRow[] = [];
  node.items.forEach((item, i) => {
    const value = toPlain(slice, item);
    if (!isMap(item) || !value || typeof value !== 'object' || Array.isArray(value)) {
      diagnostics.push(
        diag(slice, item, 'error', 'invalid-rows', `${field}[${i}] must be a mapping of variable names to values`),
      );
      return;
    }
    const line = item.range ? lineAt(slice.lines, slice.offset + item.range[0]) : undefined;
    // One row shape for inline rows and dataset files; `expected` stays a variable for `{{expected}}` templates.
    const shaped = rowFromRecord(value, line, { keepExpectedAsVar: true });
    if (!shaped.row) {
      diagnostics.push(diag(slice, item, 'error', 'invalid-rows', `${field}[${i}]: ${shaped.problem}`));
      return;
    }
    rows.push(shaped.row);
  });
  return rows;
}

function isScalarNull(node: unknown): boolean {
  return typeof node === 'object' && node !== null && 'value' in node && (node as { value: unknown }).value === null;
}
