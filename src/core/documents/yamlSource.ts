/**
 * YAML parsing for prompt files with positions in the whole file: front matter is parsed as a slice, so every
 * node range and error position is shifted by the slice's offset before it becomes a Diagnostic.
 */
import { isMap, isNode, isScalar, isSeq, parseDocument, type Document, type Node, type YAMLMap } from 'yaml';
import type { Diagnostic, Span } from '../diagnostics';
import { diagnosticAt, LineIndex } from '../diagnostics';
import { plainYamlMessage } from './yaml-messages';

export interface YamlSlice {
  doc: Document.Parsed;
  /** Offset of the slice in the whole file. */
  offset: number;
  file: string;
  /** The whole file's text (diagnostic positions are computed in it). */
  text: string;
  /** Its line index, built once per parse; every position in this file goes through it. */
  lines: LineIndex;
  diagnostics: Diagnostic[];
}

export function parseYamlSlice(
  file: string,
  text: string,
  start = 0,
  end = text.length,
  lines = new LineIndex(text),
): YamlSlice {
  const src = text.slice(start, end);
  const deepAt = tooDeepAt(src, MAX_DEPTH);
  const doc = parseDocument(deepAt === -1 ? src : '', {
    keepSourceTokens: true,
    prettyErrors: false,
    uniqueKeys: true,
    logLevel: 'error',
  });
  const slice: YamlSlice = { doc, offset: start, file, text, lines, diagnostics: [] };
  if (deepAt !== -1) {
    slice.diagnostics.push(
      diagnosticAt(
        file,
        lines,
        { start: start + deepAt, end: start + deepAt + 1 },
        'error',
        'yaml-too-deep',
        `YAML nests more than ${MAX_DEPTH} levels deep here; not reading it`,
      ),
    );
  }
  // The first problems are the useful ones; a garbled file can have thousands.
  for (const e of doc.errors.slice(0, MAX_REPORTED)) {
    const at = problemStart(src, e);
    const span = { start: start + at, end: start + Math.max(at, e.pos[1]) };
    slice.diagnostics.push(diagnosticAt(file, lines, span, 'error', 'yaml-syntax', plainYamlMessage(e)));
  }
  for (const w of doc.warnings.slice(0, MAX_REPORTED)) {
    const span = { start: start + w.pos[0], end: start + Math.max(w.pos[0], w.pos[1]) };
    slice.diagnostics.push(diagnosticAt(file, lines, span, 'warning', 'yaml-warning', plainYamlMessage(w)));
  }
  return slice;
}

const MAX_DEPTH = 200;
const MAX_REPORTED = 100;

/**
 * Where the YAML first nests deeper than `limit` (indentation levels, flow brackets and compact `- `/`? `/`: `
 * markers on a line), or -1.
 * The YAML library recurses once per level and, around a thousand levels, takes the whole process down (V8 fails
 * compiling a regular expression without stack), so such text is refused before it is parsed. Over-counting (brackets
 * inside quotes) only matters for text no prompt file holds.
 */
function tooDeepAt(src: string, limit: number): number {
  let flow = 0;
  let lineMarkers = 0;
  // Block nesting: the indents of the enclosing lines (3,000 ever-deeper `a:` lines overflow the stack too).
  const indents: number[] = [];
  for (let i = 0; i < src.length; i++) {
    const c = src[i];
    if (i === 0 || src[i - 1] === '\n') {
      let indent = 0;
      while (src[i + indent] === ' ') indent++;
      const next = src[i + indent];
      if (next !== undefined && next !== '\n' && next !== '\r' && next !== '#') {
        while (indents.length && indents[indents.length - 1] >= indent) indents.pop();
        indents.push(indent);
      }
    }
    if (c === '\n') lineMarkers = 0;
    else if (c === '[' || c === '{') flow++;
    else if (c === ']' || c === '}') flow = Math.max(0, flow - 1);
    else if (
      (c === '-' || c === '?' || c === ':') &&
      (i === 0 || /[ \t\n]/.test(src[i - 1])) &&
      /[ \t]/.test(src[i + 1] ?? '')
    )
      lineMarkers++;
    if (flow + lineMarkers + indents.length > limit) return i;
  }
  return -1;
}

/** Where a YAML error should be shown in `src`: where the library says, or an unclosed quote's opening. */
export function problemStart(src: string, e: { code: string; message: string; pos: [number, number] }): number {
  return e.code === 'MISSING_CHAR' ? (openingQuote(src, e.pos[0], e.message) ?? e.pos[0]) : e.pos[0];
}

/**
 * The YAML library reports an unclosed quote where the text ends; the useful position is where the quote opened:
 * the last such quote before that point that starts a scalar (after `key: `, `- `, `[`, `{`, `,` or a line start).
 */
function openingQuote(src: string, end: number, message: string): number | undefined {
  const quote = message.includes('"quote') ? '"' : message.includes("'quote") ? "'" : undefined;
  if (!quote) return undefined;
  let tries = 0;
  for (let i = src.lastIndexOf(quote, end - 1); i >= 0 && tries++ < 1000; i = src.lastIndexOf(quote, i - 1)) {
    let j = i - 1;
    while (j >= 0 && (src[j] === ' ' || src[j] === '\t')) j--;
    if (j < 0 || src[j] === '\n' || src[j] === '\r' || ':-[{,'.includes(src[j])) return i;
  }
  return undefined;
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

/**
 * Like toPlain, but a plain (unquoted) number or boolean becomes its source text, as gopkg.in/yaml.v3 decodes a scalar
 * into a Go string field (`equals: 1.50` is "1.50", not 1.5); null stays null (Go's zero value, ""). Values under
 * `typedKeys` (float fields such as gh's `score`) keep their YAML type.
 */
export function toPlainGoStrings(slice: YamlSlice, node: unknown, typedKeys: ReadonlySet<string>): unknown {
  const walk = (n: unknown, typed: boolean): unknown => {
    if (isMap(n)) {
      const out: Record<string, unknown> = {};
      for (const pair of n.items) {
        const key = isScalar(pair.key) ? String(pair.key.value) : String(toPlain(slice, pair.key));
        out[key] = walk(pair.value, typedKeys.has(key));
      }
      return out;
    }
    if (isSeq(n)) return n.items.map((item) => walk(item, false));
    if (isScalar(n) && !typed && n.value !== null && typeof n.value !== 'string' && typeof n.source === 'string')
      return n.source;
    return toPlain(slice, n);
  };
  return walk(node, false);
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
  slice: YamlSlice,
  node: unknown,
  severity: Diagnostic['severity'],
  code: string,
  message: string,
): Diagnostic {
  const span = nodeSpan(slice, node) ?? { start: slice.offset, end: slice.offset };
  return diagnosticAt(slice.file, slice.lines, span, severity, code, message);
}

export { isMap, isSeq, isScalar };
