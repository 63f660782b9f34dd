/**
 * The in-place suggestion never injects unbounded text (issue 14: one run-on injected decoration grew the editor's
 * content layer to 16,777,216 px and blanked it). Additions show as short labels, at most MAX_LINE_ADDED_CHARS per
 * line, for a one-line and a twenty-line suggestion alike.
 */
import { strict as assert } from 'node:assert';
import {
  addedLabel,
  inlineDiffParts,
  MAX_ADDED_CHARS,
  MAX_LINE_ADDED_CHARS,
  placeAdditions,
} from '../../../src/host/language/inlineDiff';

/** Line number of each offset in `text`. */
const lineOf = (text: string) => (offset: number) => text.slice(0, offset).split('\n').length - 1;

describe('in-place suggestion labels', () => {
  it('a one-line change: removed words struck, the added words shown in full where they go', () => {
    const source = '    content: Be brief.\n';
    const start = source.indexOf('Be');
    const parts = inlineDiffParts('Be brief.', 'Be brief.', start, 'Be brief and exact.')!;
    const placed = placeAdditions(parts, lineOf(source));
    assert.deepEqual(
      placed.map((p) => p.label),
      [' and exact'],
    );
  });

  it('a twenty-line suggestion for a one-line prompt: bounded labels on the one line, the rest counted', () => {
    const original = 'Classify the review.';
    const source = `    content: ${original}\n`;
    const start = source.indexOf('Classify');
    const lines = Array.from({ length: 20 }, (_, i) => `Rule ${i + 1}: treat sarcasm and irony as negative, always.`);
    const suggestion = `Classify the review.\n${lines.join('\n')}`;
    const parts = inlineDiffParts(original, original, start, suggestion)!;
    const placed = placeAdditions(parts, lineOf(source));
    const perLine = new Map<number, number>();
    for (const p of placed) {
      const line = lineOf(source)(p.part.span.start);
      perLine.set(line, (perLine.get(line) ?? 0) + p.label.length);
      assert.ok(!p.label.includes('\n'), 'a label never breaks a line');
    }
    for (const [, used] of perLine) assert.ok(used <= MAX_LINE_ADDED_CHARS + 1, `${used} chars injected on one line`);
    assert.ok(
      placed.some((p) => /\+\d+ lines/.test(p.label)),
      placed.map((p) => p.label).join(' | '),
    );
  });

  it('a hostile 100 kB addition with no line breaks stays a short label', () => {
    const huge = 'x'.repeat(100_000);
    const label = addedLabel(huge);
    assert.ok(label.length <= MAX_ADDED_CHARS, `${label.length}`);
    assert.ok(label.endsWith('…'));
    // Many additions on one line: once the room is used up they are a bare "+".
    const parts = Array.from({ length: 50 }, (_, i) => ({
      kind: 'added' as const,
      span: { start: i, end: i },
      text: `word${i} `.repeat(5),
    }));
    const total = placeAdditions(parts, () => 0).reduce((n, p) => n + p.label.length, 0);
    assert.ok(total <= MAX_LINE_ADDED_CHARS + 50, `${total} chars on one line`);
  });

  it('an addition of only new lines says how many', () => {
    assert.equal(addedLabel('\nBe exact.\nBe kind.\n'), '+2 lines');
    assert.equal(addedLabel('\n'), '+');
  });
});
