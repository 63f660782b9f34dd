/**
 * `---` YAML `---` front matter at the top of a prompty / prompt.md file (after an optional byte-order mark),
 * and helpers for trimmed text spans and line endings shared by the body-based formats.
 */
import type { Span } from '../diagnostics';

export interface FrontMatterSplit {
  /** The YAML between the fences (offsets into the whole text); absent when the file has no front matter. */
  yaml?: Span;
  /** From the opening fence to the end of the closing fence line (its line break included). */
  span?: Span;
  /** Where the body starts. */
  bodyStart: number;
  /** Set when an opening fence has no closing fence (the file is then read as body only). */
  unclosedAt?: number;
}

const FENCE = /^---[ \t]*$/;

/** Lines of `text` from `from`, each with its start offset and the offset after its line break. */
export function* lines(text: string, from = 0): Generator<{ start: number; end: number; next: number; line: string }> {
  let start = from;
  while (start < text.length) {
    const nl = text.indexOf('\n', start);
    const next = nl === -1 ? text.length : nl + 1;
    let end = nl === -1 ? text.length : nl;
    if (end > start && text.charCodeAt(end - 1) === 13) end--;
    yield { start, end, next, line: text.slice(start, end) };
    start = next;
  }
}

export function splitFrontMatter(text: string): FrontMatterSplit {
  const bom = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const it = lines(text, bom);
  const first = it.next();
  if (first.done || !FENCE.test(first.value.line) || first.value.next === first.value.end) return { bodyStart: bom };
  for (const l of it) {
    if (FENCE.test(l.line)) {
      return { yaml: { start: first.value.next, end: l.start }, span: { start: bom, end: l.next }, bodyStart: l.next };
    }
  }
  return { bodyStart: bom, unclosedAt: bom };
}

const EDGE_SPACE = /^[ \t\r\n]$/;

/** The span with leading and trailing blanks and line breaks left out (empty text: a point at `start`). */
export function trimSpan(text: string, span: Span): Span {
  let s = span.start;
  let e = span.end;
  while (s < e && EDGE_SPACE.test(text[s])) s++;
  while (e > s && EDGE_SPACE.test(text[e - 1])) e--;
  return { start: s, end: e };
}

export function usesCrlf(text: string): boolean {
  const lf = text.indexOf('\n');
  return lf > 0 && text[lf - 1] === '\r';
}

/**
 * Decoded text uses LF: in a CRLF file each CRLF reads as LF. `encodeEol` is its exact inverse for any text
 * (in an LF file both are the identity, so a stray CR survives a round trip).
 */
export function decodeEol(s: string, crlf: boolean): string {
  return crlf ? s.replace(/\r\n/g, '\n') : s;
}

export function encodeEol(s: string, crlf: boolean): string {
  return crlf ? s.replace(/\n/g, '\r\n') : s;
}

/** Trims blanks and line breaks (not other Unicode spaces), by hand: `/[…]+$/` backtracks on long inner runs. */
export function trimText(s: string): string {
  const span = trimSpan(s, { start: 0, end: s.length });
  return s.slice(span.start, span.end);
}
