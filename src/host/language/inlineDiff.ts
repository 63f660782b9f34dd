/**
 * The pure half of the in-place suggestion (no `vscode`): word-level changes from a region's text to a candidate,
 * positioned in the file, and the short labels that stand in for added text. Labels are bounded per line so a
 * decoration never widens a line past what the editor can paint (an unbounded injected text once grew the content
 * layer to 16,777,216 px and blanked the editor).
 */
import { diffWordsWithSpace } from 'diff';
import type { Span } from '../../core/diagnostics';

/** Longest added text shown in place, per addition; the rest is in the hover and the diff editor. */
export const MAX_ADDED_CHARS = 40;
/** Longest injected text on one line, all additions on it together. */
export const MAX_LINE_ADDED_CHARS = 60;

/**
 * Source offset of each character of `decoded` (the region's decoded text) in `source` (its text in the file), found by
 * walking both: the file may add indentation, quotes and escapes that the decoded text lacks. Undefined if they
 * do not line up.
 */
export function alignDecoded(decoded: string, source: string, sourceStart: number): number[] | undefined {
  const map: number[] = [];
  let j = 0;
  for (let i = 0; i < decoded.length; i++) {
    while (j < source.length && source[j] !== decoded[i]) j++;
    if (j >= source.length) return undefined;
    map.push(sourceStart + j);
    j++;
  }
  map.push(sourceStart + j);
  return map;
}

export interface InlineDiffPart {
  kind: 'removed' | 'added';
  /** File offsets: the removed text, or [at, at] where added text goes. */
  span: Span;
  text: string;
}

/** Word-level changes from the region's text to the suggestion, positioned in the file. */
export function inlineDiffParts(
  regionText: string,
  regionSource: string,
  regionStart: number,
  suggestion: string,
): InlineDiffPart[] | undefined {
  const map = alignDecoded(regionText, regionSource, regionStart);
  if (!map) return undefined;
  const parts: InlineDiffPart[] = [];
  let at = 0;
  for (const change of diffWordsWithSpace(regionText, suggestion)) {
    if (change.added) {
      // Text added after a line break shows at the end of that line, not at the start of the file's next line.
      const anchor = at > 0 && regionText[at - 1] === '\n' ? map[at - 1] : map[at];
      parts.push({ kind: 'added', span: { start: anchor, end: anchor }, text: change.value });
    } else if (change.removed) {
      parts.push({
        kind: 'removed',
        span: { start: map[at], end: map[at + change.value.length - 1] + 1 },
        text: change.value,
      });
      at += change.value.length;
    } else {
      at += change.value.length;
    }
  }
  return parts;
}

/** What stands in the line for one addition: its first line, shortened, and how many more lines it brings. */
export function addedLabel(text: string, room = MAX_ADDED_CHARS): string {
  const lines = text.split(/\r?\n/);
  const more = lines.filter((l, i) => i > 0 && l.trim()).length;
  const suffix = more > 0 ? `+${more} line${more > 1 ? 's' : ''}` : '';
  const first = lines[0].replace(/\s+/g, ' ');
  const limit = Math.max(1, Math.min(room, MAX_ADDED_CHARS) - (suffix ? suffix.length + 1 : 0));
  const shown = first.length > limit ? `${first.slice(0, limit - 1).trimEnd()}…` : first;
  const label = [shown.trim() ? shown : '', suffix].filter(Boolean).join(shown.endsWith(' ') ? '' : ' ');
  return label || '+';
}

export interface PlacedAddition {
  part: InlineDiffPart;
  label: string;
}

/**
 * Labels for the additions, at most MAX_LINE_ADDED_CHARS of injected text per line (`lineOf` maps a file offset to
 * its line): once a line's room is used up, further additions there show as a bare `+` (full text in the hover).
 */
export function placeAdditions(parts: InlineDiffPart[], lineOf: (offset: number) => number): PlacedAddition[] {
  const used = new Map<number, number>();
  const out: PlacedAddition[] = [];
  for (const part of parts) {
    if (part.kind !== 'added') continue;
    const line = lineOf(part.span.start);
    const room = MAX_LINE_ADDED_CHARS - (used.get(line) ?? 0);
    const label = room >= 8 ? addedLabel(part.text, room) : '+';
    used.set(line, (used.get(line) ?? 0) + label.length);
    out.push({ part, label });
  }
  return out;
}
