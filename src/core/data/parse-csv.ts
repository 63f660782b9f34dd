/**
 * CSV (or TSV, by delimiter) with a header row, read by csv-parse: quoted fields may hold delimiters, quotes ("") and
 * newlines. A malformed record is reported with its line and skipped; the rest is kept. Each record remembers the line
 * it starts on.
 */
import { parse, type Options } from 'csv-parse/sync';
import type { ParsedRecords } from './raw-records';
import { LABEL_KEYS } from './row-shape';

interface CsvRecordWithInfo {
  record: string[];
  info: { lines: number };
  raw: string;
}

function countNewlines(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) n++;
  return n;
}

export function parseCsv(text: string, delimiter = ','): ParsedRecords {
  const out: ParsedRecords = { records: [], problems: [] };
  let parsed: CsvRecordWithInfo[];
  try {
    parsed = parse(text, {
      bom: true,
      delimiter,
      skip_empty_lines: true,
      relax_column_count: true,
      info: true,
      raw: true,
      skip_records_with_error: true,
      // on_skip exists at runtime (csv-parse 5.x) but is missing from its typings.
      on_skip: (err: { message: string; lines?: number } | undefined) => {
        if (err)
          out.problems.push({
            line: err.lines ?? 1,
            code: 'dataset-bad-csv',
            message: `malformed CSV record: ${err.message}`,
          });
      },
    } as Options) as CsvRecordWithInfo[];
  } catch (err) {
    const e = err as { message?: string; lines?: number };
    out.problems.push({
      line: e.lines ?? 1,
      code: 'dataset-bad-csv',
      message: `cannot read CSV: ${e.message ?? String(err)}`,
    });
    return out;
  }
  const [head, ...body] = parsed;
  if (!head) return out;
  const columns = head.record.map((h) => h.trim());
  for (const { record, info, raw } of body) {
    // info.lines is the line where the record ends; step back over the newlines inside it.
    const line = info.lines - countNewlines(raw.replace(/\r?\n$/, ''));
    if (record.length !== columns.length) {
      out.problems.push({
        line,
        code: 'dataset-csv-columns',
        message: `this record has ${record.length} field(s) but the header has ${columns.length}; missing fields are empty, extra ones dropped`,
      });
    }
    const value: Record<string, string> = {};
    columns.forEach((name, i) => {
      const cell = record[i] ?? '';
      // An empty label cell means "no label", not "the expected output is empty".
      if (name === '' || (cell === '' && (LABEL_KEYS as readonly string[]).includes(name))) return;
      value[name] = cell;
    });
    out.records.push({ value, line });
  }
  return out;
}
