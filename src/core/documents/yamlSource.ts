/**
 * YAML parsing for prompt files with positions in the whole file: front matter is parsed as a slice, so every
 * node range and error position is shifted by the slice's offset before it becomes a Diagnostic.
 */
import { isMap, isNode, isScalar, isSeq, parseDocument, type Document, type Node, type YAMLMap } from 'yaml';
import { diagnosticAt, type Diagnostic, type Span } from '../diagnostics';

export interface YamlSlice {
  doc: Document.Parsed;
  /** Offset of the slice in the whole file. */
  offset: number;
  file: string;
  /** The whole file's text (diagnostic positions are computed in it). */
  text: string;
  diagnostics: Diagnostic[];
}

export function parseYamlSlice(file: string, text: string, start = 0, end = text.length): YamlSlice {
  const src = text.slice(start, end);
  const doc = parseDocument(src, { keepSourceTokens: true, prettyErrors: false, uniqueKeys: true, logLevel: 'error' });
  const slice: YamlSlice = { doc, offset: start, file, text, diagnostics: [] };
  for (const e of doc.errors) {
    const at = e.code === 'MISSING_CHAR' ? openingQuote(src, e.pos[0], e.message) ?? e.pos[0] : e.pos[0];
    const span = { start: start + at, end: start + Math.max(at, e.pos[1]) };
    slice.diagnostics.push(diagnosticAt(file, text, span, 'error', 'yaml-syntax', `YAML: ${firstLine(e.message)}`));
  }
  for (const w of doc.warnings) {
    const span = { start: start + w.pos[0], end: start + Math.max(w.pos[0], w.pos[1]) };
    slice.diagnostics.push(diagnosticAt(file, text, span, 'warning', 'yaml-warning', `YAML: ${firstLine(w.message)}`));
  }
  return slice;
}

/**
 * The YAML library reports an unclosed quote where the text ends; the useful position is where the quote opened:
 * the last such quote before that point that starts a scalar (after `key: `, `- `, `[`, `{`, `,` or a line start).
 */
function openingQuote(src: string, end: number, message: string): number | undefined {
  const quote = message.includes('"quote') ? '"' : message.includes("'quote") ? "'" : undefined;
  if (!quote) return undefined;
  for (let i = src.lastIndexOf(quote, end - 1); i >= 0; i = src.lastIndexOf(quote, i - 1)) {
    const lineStart = src.lastIndexOf('\n', i - 1) + 1;
    if (/(^[ \t]*|[:\-[{,][ \t]*)$/.test(src.slice(lineStart, i))) return i;
  }
  return undefined;
}

function firstLine(message: string): string {
  return message.split('\n')[0];
}

/** The node's value range in the whole file (a scalar: without a trailing comment). */
export function nodeSpan(slice: YamlSlice, node: unknown): Span | undefined {
  if (!isNode(node) || !node.range) return undefined;
  return { start: slice.offset + node.range[0], end: slice.offset + node.range[1] };
}

/** Plain JS value of a node; never throws (alias bombs and the like give undefined). */
export function toPlain(slice: YamlSlice, node: unknown): unknown {
  if (!isNode(node)) return node;
  try {
    return node.toJS(slice.doc, { maxAliasCount: 100 });
  } catch {
    return undefined;
  }
}

export function rootMap(slice: YamlSlice): YAMLMap | undefined {
  return isMap(slice.doc.contents) ? slice.doc.contents : undefined;
}

/** The key/value pairs of a map node whose keys are scalars, with the key node for diagnostics. */
export function mapEntries(node: unknown): Array<{ key: string; keyNode: Node; value: unknown }> {
  if (!isMap(node)) return [];
  const out: Array<{ key: string; keyNode: Node; value: unknown }> = [];
  for (const pair of node.items) {
    if (isScalar(pair.key)) out.push({ key: String(pair.key.value), keyNode: pair.key, value: pair.value });
  }
  return out;
}

export function getEntry(node: unknown, key: string): { keyNode: Node; value: unknown } | undefined {
  return mapEntries(node).find((e) => e.key === key);
}

export function scalarString(node: unknown): string | undefined {
  if (isScalar(node) && typeof node.value === 'string') return node.value;
  return undefined;
}

export function diag(
  slice: YamlSlice, node: unknown, severity: Diagnostic['severity'], code: string, message: string,
): Diagnostic {
  const span = nodeSpan(slice, node) ?? { start: slice.offset, end: slice.offset };
  return diagnosticAt(slice.file, slice.text, span, severity, code, message);
}

export { isMap, isSeq, isScalar };
