/**
 * Load a dataset file (JSONL, CSV, TSV, YAML, JSON) into rows. Never throws: every problem becomes a Diagnostic naming
 * the file and line, and the good rows are kept.
 */
import type { Diagnostic, Severity } from '../diagnostics';
import type { FileSystemPort } from '../ports';
import { checkDatasetColumns } from './check-columns';
import { parseCsv } from './parse-csv';
import { parseJsonl } from './parse-jsonl';
import { parseYamlRows } from './parse-yaml-rows';
import type { ParsedRecords } from './raw-records';
import { rowFromRecord } from './row-shape';
import type { DatasetRow } from './types';

export interface LoadDatasetOptions {
  /** The prompt's variables: enables column checks, and a string `input` fills a prompt's single variable. */
  variables?: string[];
}

export interface LoadedDataset {
  rows: DatasetRow[];
  diagnostics: Diagnostic[];
}

export type DatasetFormat = 'jsonl' | 'csv' | 'tsv' | 'yaml' | 'json';

export function datasetFormatOf(file: string): DatasetFormat | undefined {
  const lower = file.toLowerCase();
  if (lower.endsWith('.jsonl') || lower.endsWith('.ndjson')) return 'jsonl';
  if (lower.endsWith('.csv')) return 'csv';
  if (lower.endsWith('.tsv')) return 'tsv';
  if (lower.endsWith('.yaml') || lower.endsWith('.yml')) return 'yaml';
  if (lower.endsWith('.json')) return 'json';
  return undefined;
}

function lineDiagnostic(
  file: string,
  lines: string[],
  line: number,
  severity: Severity,
  code: string,
  message: string,
  column = 1,
): Diagnostic {
  const length = lines[line - 1]?.length ?? 0;
  return { file, line, column, endLine: line, endColumn: Math.max(column, length + 1), severity, code, message };
}

function parseByFormat(format: DatasetFormat, text: string): ParsedRecords {
  if (format === 'jsonl') return parseJsonl(text);
  if (format === 'csv') return parseCsv(text);
  if (format === 'tsv') return parseCsv(text, '\t');
  return parseYamlRows(text);
}

export async function loadDataset(
  file: string,
  fs: FileSystemPort,
  opts: LoadDatasetOptions = {},
): Promise<LoadedDataset> {
  const format = datasetFormatOf(file);
  if (!format) {
    return {
      rows: [],
      diagnostics: [
        lineDiagnostic(
          file,
          [],
          1,
          'error',
          'dataset-format',
          `unknown dataset format for ${file}: use .jsonl, .csv, .tsv, .yaml/.yml or .json`,
        ),
      ],
    };
  }
  let text: string;
  try {
    if (!(await fs.exists(file))) {
      return {
        rows: [],
        diagnostics: [lineDiagnostic(file, [], 1, 'error', 'dataset-not-found', `dataset not found: ${file}`)],
      };
    }
    text = await fs.readText(file);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    return {
      rows: [],
      diagnostics: [
        lineDiagnostic(file, [], 1, 'error', 'dataset-unreadable', `cannot read dataset ${file}: ${reason}`),
      ],
    };
  }

  const lines = text.split(/\r?\n/);
  let parsed: ParsedRecords;
  try {
    parsed = parseByFormat(format, text);
  } catch (err) {
    // The parsers report problems themselves; this only guards the promise that loading never throws.
    const reason = err instanceof Error ? err.message : String(err);
    return {
      rows: [],
      diagnostics: [
        lineDiagnostic(file, lines, 1, 'error', 'dataset-unreadable', `cannot read dataset ${file}: ${reason}`),
      ],
    };
  }
  const diagnostics = parsed.problems.map((p) =>
    lineDiagnostic(file, lines, p.line, 'error', p.code, p.message, p.column),
  );
  const rows: DatasetRow[] = [];
  for (const record of parsed.records) {
    const result = rowFromRecord(record.value, record.line, { variables: opts.variables });
    if (result.row) rows.push(result.row);
    else diagnostics.push(lineDiagnostic(file, lines, record.line, 'error', 'dataset-bad-row', result.problem));
  }
  if (rows.length === 0 && diagnostics.length === 0) {
    diagnostics.push(lineDiagnostic(file, lines, 1, 'warning', 'dataset-empty', `dataset ${file} has no rows`));
  }
  if (opts.variables) diagnostics.push(...checkDatasetColumns(rows, opts.variables, file));
  diagnostics.sort((a, b) => a.line - b.line || a.column - b.column);
  return { rows, diagnostics };
}
