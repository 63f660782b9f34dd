/** JSON Lines: one JSON value per line; a bad line is reported with its number and the other lines are kept. */
import type { ParsedRecords } from './raw-records';

export function parseJsonl(text: string): ParsedRecords {
  const out: ParsedRecords = { records: [], problems: [] };
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  lines.forEach((raw, i) => {
    const source = raw.trim();
    if (source === '' || source.startsWith('//')) return;
    try {
      out.records.push({ value: JSON.parse(source), line: i + 1 });
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      // V8 says "… at position N" (0-based, in the trimmed text): turn it into a column of the raw line.
      const at = /at position (\d+)/.exec(reason);
      const column = at ? raw.length - raw.trimStart().length + Number(at[1]) + 1 : undefined;
      out.problems.push({
        line: i + 1,
        column,
        code: 'dataset-bad-json',
        message: `invalid JSON on this line: ${reason}`,
      });
    }
  });
  return out;
}
