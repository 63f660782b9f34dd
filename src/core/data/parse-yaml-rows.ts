/**
 * YAML or JSON file holding rows: a top-level array, or a mapping with one array under `rows`, `data`, `testData`
 * or `tests`. Parsed with the `yaml` package (JSON is YAML 1.2) so each row keeps its line.
 */
import { isMap, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import type { ParsedRecords } from './raw-records';
import { plainYamlMessage } from '../documents/yaml-messages';
import { problemStart } from '../documents/yamlSource';

const ROW_LIST_KEYS = ['rows', 'data', 'testData', 'tests'];

export function parseYamlRows(text: string): ParsedRecords {
  const out: ParsedRecords = { records: [], problems: [] };
  const lineCounter = new LineCounter();
  const source = text.replace(/^\uFEFF/, '');
  const doc = parseDocument(source, { lineCounter, uniqueKeys: false, prettyErrors: false });
  for (const error of doc.errors) {
    const pos = lineCounter.linePos(problemStart(source, error));
    out.problems.push({
      line: pos.line,
      column: pos.col,
      code: 'dataset-bad-yaml',
      message: plainYamlMessage(error),
    });
  }
  if (doc.errors.length) return out;

  let list: Node | null = doc.contents as Node | null;
  let values: unknown = doc.toJS({ maxAliasCount: 1000 });
  if (isMap(list)) {
    const key = ROW_LIST_KEYS.find((k) => isSeq(doc.get(k, true)));
    list = key ? (doc.get(key, true) as Node) : null;
    values = key ? (values as Record<string, unknown>)[key] : undefined;
  }
  if (!isSeq(list)) {
    out.problems.push({
      line: 1,
      code: 'dataset-not-a-list',
      message: `expected a list of rows (or a mapping with one of ${ROW_LIST_KEYS.join(', ')} holding a list)`,
    });
    return out;
  }
  const rows = values as unknown[];
  list.items.forEach((item, i) => {
    const node = item as Node | null;
    const line = node?.range ? lineCounter.linePos(node.range[0]).line : 1;
    out.records.push({ value: rows[i], line });
  });
  return out;
}
