/**
 * Word-level diffs between the original region and a candidate, as plain segments the renderer turns into text
 * nodes: `inlineDiff` for one stream, `sideBySideRows` for aligned lines with word changes inside changed lines.
 */
import { diffLines, diffWordsWithSpace } from 'diff';

export type SegmentKind = 'same' | 'added' | 'removed';
export interface Segment {
  text: string;
  kind: SegmentKind;
}
export interface DiffRow {
  kind: 'same' | 'changed' | 'removed' | 'added';
  /** The original's line (null: no counterpart). */
  left: Segment[] | null;
  right: Segment[] | null;
}

export function inlineDiff(original: string, candidate: string): Segment[] {
  return diffWordsWithSpace(original, candidate).map((change) => ({
    text: change.value,
    kind: change.added ? 'added' : change.removed ? 'removed' : 'same',
  }));
}

/** Splits segments into lines (the newline itself is dropped). */
function splitLines(segments: Segment[]): Segment[][] {
  const lines: Segment[][] = [[]];
  for (const segment of segments) {
    const pieces = segment.text.split('\n');
    pieces.forEach((piece, i) => {
      if (i > 0) lines.push([]);
      if (piece) lines[lines.length - 1].push({ text: piece, kind: segment.kind });
    });
  }
  return lines;
}

function blockLines(text: string): string[] {
  const lines = text.split('\n');
  if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

export function sideBySideRows(original: string, candidate: string): DiffRow[] {
  const rows: DiffRow[] = [];
  const parts = diffLines(original, candidate);
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i];
    const next = parts[i + 1];
    if (part.removed && next?.added) {
      // A changed block: word-diff it as a whole, then lay the two sides out line by line.
      const words = inlineDiff(part.value.replace(/\n$/, ''), next.value.replace(/\n$/, ''));
      const left = splitLines(words.filter((s) => s.kind !== 'added'));
      const right = splitLines(words.filter((s) => s.kind !== 'removed'));
      for (let k = 0; k < Math.max(left.length, right.length); k++) {
        rows.push({ kind: 'changed', left: left[k] ?? null, right: right[k] ?? null });
      }
      i++;
    } else if (part.removed) {
      for (const line of blockLines(part.value))
        rows.push({ kind: 'removed', left: [{ text: line, kind: 'removed' }], right: null });
    } else if (part.added) {
      for (const line of blockLines(part.value))
        rows.push({ kind: 'added', left: null, right: [{ text: line, kind: 'added' }] });
    } else {
      for (const line of blockLines(part.value)) {
        rows.push({ kind: 'same', left: [{ text: line, kind: 'same' }], right: [{ text: line, kind: 'same' }] });
      }
    }
  }
  return rows;
}
