/**
 * The in-place suggestion (issue 14): words added inside a line are shown at their column, bounded per line by the
 * line's own length (one run-on injected decoration once grew the editor's content layer to 16,777,216 px and blanked
 * it); whole new lines are never glued to another line's end but become one marker on the line they follow.
 */
import { strict as assert } from 'node:assert';
import {
  addedLabel,
  addedLinesLabel,
  HINT_CHARS,
  hintChunks,
  inlineDiffParts,
  lineRoom,
  MAX_ADDED_CHARS,
  MAX_LINE_ADDED_CHARS,
  MIN_LINE_ADDED_CHARS,
  placeAdditions,
  type InlineDiffPart,
} from '../../../src/host/language/inlineDiff';
import { oneLinePromptYml, twentyLinePromptYml } from '../../../src/sim/suggestion-prompts';
import { tighten } from '../../../src/sim/task-rules';

/** Line number of each offset in `text`. */
const lineOf = (text: string) => (offset: number) => text.slice(0, offset).split('\n').length - 1;
const lengthOf = (text: string) => (line: number) => text.split('\n')[line].length;

/** The system message's block scalar of a fixture prompt: its file offset, source text and decoded text. */
function systemRegion(file: string) {
  const start = file.indexOf('content: |\n') + 'content: |\n'.length;
  const source = file.slice(start, file.indexOf('  - role: user'));
  return { start, source, decoded: source.replace(/^ {6}/gm, '') };
}

const kinds = (parts: InlineDiffPart[], kind: InlineDiffPart['kind']) => parts.filter((p) => p.kind === kind);

describe('in-place suggestion parts and labels', () => {
  it('a one-line change: removed words struck, the added words shown in full where they go', () => {
    const source = '    content: Be brief.\n';
    const start = source.indexOf('Be');
    const parts = inlineDiffParts('Be brief.', 'Be brief.', start, 'Be brief and exact.')!;
    const placed = placeAdditions(parts, lineOf(source), lengthOf(source));
    assert.deepEqual(
      placed.map((p) => p.label),
      [' and exact'],
    );
    assert.equal(placed[0].part.span.start, source.indexOf('.'), 'at the column the words go');
  });

  it('the one-line fixture: every change stays inside its one line, no new lines', () => {
    const file = oneLinePromptYml();
    const { start, source, decoded } = systemRegion(file);
    const candidate = `${tighten(decoded).trimEnd()} When a review is mixed, answer neutral.`;
    const parts = inlineDiffParts(decoded, source, start, candidate)!;
    const line = lineOf(file)(start);
    assert.deepEqual(kinds(parts, 'addedLines'), [], 'nothing is shown as a new line');
    const placed = placeAdditions(parts, lineOf(file), lengthOf(file));
    assert.deepEqual(
      placed.map((p) => [lineOf(file)(p.part.span.start), p.label]),
      [
        [line, 'Answer'],
        [line, ' When a review is mixed, answer neutral.'],
      ],
    );
    assert.match(
      kinds(parts, 'removed')
        .map((p) => p.text)
        .join('|'),
      /^Please\|make sure to answer $/,
    );
  });

  it('the twenty-line fixture: a replacement on each wordy line, the new rules one marker under the last line', () => {
    const file = twentyLinePromptYml();
    const { start, source, decoded } = systemRegion(file);
    const rules = 'Sarcastic praise is negative.\nWhen a review is mixed, answer neutral.';
    const parts = inlineDiffParts(decoded, source, start, `${tighten(decoded).trimEnd()}\n${rules}`)!;
    const placed = placeAdditions(parts, lineOf(file), lengthOf(file));
    const changedLines = new Set(placed.map((p) => lineOf(file)(p.part.span.start)));
    assert.equal(changedLines.size, 17, 'one replacement on each of the 17 wordy lines');
    for (const p of placed) assert.ok(!p.label.includes('\n') && p.label.length <= 8, JSON.stringify(p.label));
    const lines = kinds(parts, 'addedLines');
    assert.equal(lines.length, 1);
    assert.equal(lineOf(file)(lines[0].span.start), lineOf(file)(file.indexOf('It is important that you never add')));
    assert.equal(lines[0].text, rules);
    assert.equal(addedLinesLabel(lines[0]), '+2 new lines below');
  });

  it('a reworded last line followed by new rules: the rules are a marker, never words glued into that line', () => {
    // Seen in a real run: a word-only diff matched the old line's "that" with a "that" in a new rule, struck the
    // whole line and injected "…label.⏎ Mixed reviews…" into it.
    const regionText = 'Read the review.\nIt is important that you never add punctuation to the label.\n';
    const source = regionText;
    const suggestion =
      'Read the review.\nNever add punctuation to the label.\nMixed reviews that praise and blame are neutral.\n' +
      'Sarcasm that praises is negative.\n';
    const parts = inlineDiffParts(regionText, source, 0, suggestion)!;
    const lastLine = lineOf(source)(source.indexOf('It is'));
    const onLast = parts.filter((p) => p.kind === 'added' && lineOf(source)(p.span.start) === lastLine);
    assert.ok(!onLast.some((p) => /Mixed|Sarcasm/.test(p.text)), JSON.stringify(onLast));
    const struck = kinds(parts, 'removed')
      .map((p) => p.text)
      .join(' ');
    assert.match(struck, /It is important that you never/, 'the reworded opening is struck');
    assert.doesNotMatch(struck, /punctuation/, 'the words the line keeps are not struck');
    const marker = kinds(parts, 'addedLines');
    assert.equal(marker.length, 1);
    assert.equal(lineOf(source)(marker[0].span.start), lastLine, 'the marker sits on the line the rules follow');
    assert.equal(addedLinesLabel(marker[0]), '+2 new lines below');
  });

  it('new lines between two lines, and words that end in a line break', () => {
    const source = 'A B\nC\n';
    const between = inlineDiffParts('A B\nC\n', source, 0, 'A B\nNew.\nC\n')!;
    assert.deepEqual(between, [{ kind: 'addedLines', span: { start: 3, end: 3 }, text: 'New.', above: false }]);
    const first = inlineDiffParts('A B\nC\n', source, 0, 'First.\nA B\nC\n')!;
    assert.deepEqual(first, [{ kind: 'addedLines', span: { start: 0, end: 0 }, text: 'First.', above: true }]);
    assert.equal(addedLinesLabel(first[0]), '+1 new line above');
    // A line split in two: the first line is diffed word by word against the first of its replacements, the rest is
    // a new line below it (not "X⏎Y" injected into the line).
    const split = inlineDiffParts('A B\nC\n', source, 0, 'A X\nY B\nC\n')!;
    assert.deepEqual(
      split.map((p) => [p.kind, p.text]),
      [
        ['removed', 'B'],
        ['added', 'X'],
        ['addedLines', 'Y B'],
      ],
    );
  });

  it('a twenty-line addition to a one-line prompt is one marker, not twenty lines of injected text', () => {
    const original = 'Classify the review.';
    const source = `    content: ${original}\n`;
    const start = source.indexOf('Classify');
    const lines = Array.from({ length: 20 }, (_, i) => `Rule ${i + 1}: treat sarcasm and irony as negative, always.`);
    const parts = inlineDiffParts(`${original}\n`, `${original}\n`, start, `${original}\n${lines.join('\n')}`)!;
    assert.deepEqual(placeAdditions(parts, lineOf(source), lengthOf(source)), []);
    assert.equal(addedLinesLabel(kinds(parts, 'addedLines')[0]), '+20 new lines below');
  });

  it('injected text per line is bounded by the line length: a hostile 100 kB addition stays short', () => {
    assert.equal(lineRoom(3), MIN_LINE_ADDED_CHARS);
    assert.equal(lineRoom(50), 50);
    assert.equal(lineRoom(10_000), MAX_LINE_ADDED_CHARS);
    const label = addedLabel('x'.repeat(100_000));
    assert.ok(label.length <= MAX_ADDED_CHARS, `${label.length}`);
    assert.ok(label.endsWith('…'));
    // Many additions on one line: once the room is used up they are a bare "+".
    const parts = Array.from({ length: 50 }, (_, i) => ({
      kind: 'added' as const,
      span: { start: i, end: i },
      text: `word${i} `.repeat(5),
    }));
    const total = placeAdditions(
      parts,
      () => 0,
      () => 40,
    ).reduce((n, p) => n + p.label.length, 0);
    assert.ok(total <= 40 + 50, `${total} chars on one line`);
  });

  it('a long addition is split at spaces into hints VS Code shows whole, which join back to it', () => {
    const label = ' If the praise is sarcastic, answer negative. When a review is mixed, answer neutral.';
    const chunks = hintChunks(label);
    assert.equal(chunks.join(''), label);
    assert.ok(chunks.length > 1 && chunks.every((c) => c.length <= HINT_CHARS), JSON.stringify(chunks));
    assert.deepEqual(
      hintChunks('x'.repeat(90)).map((c) => c.length),
      [40, 40, 10],
    );
  });
});
