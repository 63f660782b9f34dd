/**
 * The pure half of the in-place suggestion (no `vscode`): word-level changes from a region's text to a candidate,
 * positioned in the file, and the labels that stand in for added text. Words added inside a line are shown at their
 * column; whole new lines are never glued to another line's end — they become a marker on the line they follow (the
 * lines themselves are in the hover and the diff editor). Labels are bounded per line by the line's own length, so a
 * decoration never widens a line much past what it annotates (an unbounded injected text once grew the content layer
 * to 16,777,216 px and blanked the editor).
 */
import { diffLines, diffWordsWithSpace, type Change } from 'diff';
import type { Span } from '../../core/diagnostics';

/** Longest added text shown in place, per addition; the rest is in the hover and the diff editor. */
export const MAX_ADDED_CHARS = 80;
/** Injected text on one line, all additions on it together, is at most the line's length, within these bounds. */
export const MIN_LINE_ADDED_CHARS = 24;
export const MAX_LINE_ADDED_CHARS = 100;

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
  /** `added`: words inserted at a column; `addedLines`: whole new lines after (or, `above`, before) a line. */
  kind: 'removed' | 'added' | 'addedLines';
  /** File offsets: the removed text, or [at, at] where added text goes (for new lines: a point on their line). */
  span: Span;
  text: string;
  /** For `addedLines`: the new lines go above the line at `span`, not below it. */
  above?: boolean;
}

/** The parts one addition of `value` at decoded offset `at` becomes: words in a line and/or whole new lines. */
function additionParts(value: string, at: number, regionText: string, map: number[]): InlineDiffPart[] {
  const startsLine = at === 0 || regionText[at - 1] === '\n';
  const atEnd = at >= regionText.trimEnd().length;
  const segments = value.split('\n');
  const point = (offset: number): Span => ({ start: offset, end: offset });
  const out: InlineDiffPart[] = [];
  // Words that end in a line break: the break is shown, so the rest of the line reads as moved down.
  const first = segments.length > 1 && segments[0] ? `${segments[0]}⏎` : segments[0];
  if (!startsLine && first) out.push({ kind: 'added', span: point(map[at]), text: first });
  const rest = startsLine ? segments : segments.slice(1);
  // Text after the last line break that runs into an existing line is shown at that line's start.
  const last = rest.length > 0 && !atEnd ? rest[rest.length - 1] : undefined;
  const whole = last !== undefined ? rest.slice(0, -1) : rest;
  const lines = whole.filter((l, i) => l.trim() || i < whole.length - 1);
  if (lines.some((l) => l.trim())) {
    // Below the line the insertion follows; above the region's first line when it comes first.
    const above = at === 0;
    const anchor = above ? map[0] : startsLine ? map[at - 1] : map[at];
    out.push({ kind: 'addedLines', span: point(anchor), text: lines.join('\n'), above });
  }
  if (last?.trim()) out.push({ kind: 'added', span: point(map[at]), text: last });
  return out;
}

/**
 * Line first, then words: each changed line is diffed word by word against the line that replaces it, and lines
 * beyond those stay whole new (or removed) lines — so a word common to two unrelated lines (a "that" in the old line,
 * a "that" in a new rule) never ties them together and glues the rule into the line.
 */
function lineThenWordChanges(regionText: string, suggestion: string): Change[] {
  const chunks = diffLines(regionText, suggestion);
  const out: Change[] = [];
  for (let i = 0; i < chunks.length; i++) {
    const next = chunks[i + 1];
    if (!(chunks[i].removed && next?.added)) {
      out.push(chunks[i]);
      continue;
    }
    const removed = splitLines(chunks[i].value);
    const added = splitLines(next.value);
    const paired = Math.min(removed.length, added.length);
    out.push(...diffWordsWithSpace(removed.slice(0, paired).join(''), added.slice(0, paired).join('')));
    if (removed.length > paired) out.push({ ...chunks[i], value: removed.slice(paired).join('') });
    if (added.length > paired) out.push({ ...next, value: added.slice(paired).join('') });
    i++;
  }
  return out;
}

/** Lines with their line breaks kept, so they join back to the text. */
const splitLines = (text: string): string[] => text.match(/[^\n]*\n|[^\n]+$/g) ?? [];

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
  let removedBreakAt: number | undefined;
  for (const change of lineThenWordChanges(regionText, suggestion)) {
    if (change.added) {
      // Text replacing a removed line break joins the line the break ended: place it from where the break was.
      parts.push(...additionParts(change.value, removedBreakAt ?? at, regionText, map));
      removedBreakAt = undefined;
      continue;
    }
    removedBreakAt = change.removed && change.value.includes('\n') ? at : undefined;
    // A removed run of bare line breaks has nothing to strike through (e.g. a block scalar's final newline).
    if (change.removed && !/^\s*\n\s*$/.test(change.value)) {
      parts.push({
        kind: 'removed',
        span: { start: map[at], end: map[at + change.value.length - 1] + 1 },
        text: change.value,
      });
    }
    at += change.value.length;
  }
  return parts;
}

/** What stands in the line for words added in it: the words, shortened to `room`. */
export function addedLabel(text: string, room = MAX_ADDED_CHARS): string {
  const flat = text.replace(/\s+/g, ' ');
  const limit = Math.max(1, Math.min(room, MAX_ADDED_CHARS));
  const shown = flat.length > limit ? `${flat.slice(0, limit - 1).trimEnd()}…` : flat;
  return shown.trim() ? shown : '+';
}

/** The marker for whole new lines: how many, and where they go. */
export function addedLinesLabel(part: Pick<InlineDiffPart, 'text' | 'above'>): string {
  const count = part.text.split('\n').filter((l) => l.trim()).length;
  return `+${count} new line${count === 1 ? '' : 's'} ${part.above ? 'above' : 'below'}`;
}

export interface PlacedAddition {
  part: InlineDiffPart;
  label: string;
}

/** Injected characters a line of `length` characters may carry. */
export function lineRoom(length: number): number {
  return Math.min(MAX_LINE_ADDED_CHARS, Math.max(MIN_LINE_ADDED_CHARS, length));
}

/**
 * Labels for the in-line additions, at most `lineRoom(line length)` of injected text per line (`lineOf` maps a file
 * offset to its line, `lineLength` gives a line's length): once a line's room is used up, further additions there
 * show as a bare `+` (full text in the hover).
 */
export function placeAdditions(
  parts: InlineDiffPart[],
  lineOf: (offset: number) => number,
  lineLength: (line: number) => number = () => MAX_LINE_ADDED_CHARS,
): PlacedAddition[] {
  const used = new Map<number, number>();
  const out: PlacedAddition[] = [];
  for (const part of parts) {
    if (part.kind !== 'added') continue;
    const line = lineOf(part.span.start);
    const room = lineRoom(lineLength(line)) - (used.get(line) ?? 0);
    const label = room >= 8 ? addedLabel(part.text, room) : '+';
    used.set(line, (used.get(line) ?? 0) + label.length);
    out.push({ part, label });
  }
  return out;
}

/** Longest inlay hint shown whole: VS Code cuts longer ones (`editor.inlayHints.maximumLength`, 43 by default). */
export const HINT_CHARS = 40;

/**
 * A label split at spaces into pieces of at most `max` characters that join back to it: each piece is its own inlay
 * hint, so a long addition wraps with the line instead of being cut.
 */
export function hintChunks(label: string, max = HINT_CHARS): string[] {
  const chunks: string[] = [];
  let rest = label;
  while (rest.length > max) {
    const space = rest.lastIndexOf(' ', max - 1);
    const cut = space > 0 ? space + 1 : max;
    chunks.push(rest.slice(0, cut));
    rest = rest.slice(cut);
  }
  if (rest) chunks.push(rest);
  return chunks;
}
