import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { inlineDiff, sideBySideRows } from '../../../webview/diff';

/** A text's lines: a final newline ends the last line rather than starting an empty one. */
const linesOf = (t: string) => (t === '' ? [] : (t.endsWith('\n') ? t.slice(0, -1) : t).split('\n'));
const side = (segments: { text: string; kind: string }[] | null) => (segments ?? []).map((s) => s.text).join('');

describe('panel diff (word level)', () => {
  it('inline segments rebuild both texts exactly', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (a, b) => {
        const segments = inlineDiff(a, b);
        assert.equal(
          segments
            .filter((s) => s.kind !== 'added')
            .map((s) => s.text)
            .join(''),
          a,
        );
        assert.equal(
          segments
            .filter((s) => s.kind !== 'removed')
            .map((s) => s.text)
            .join(''),
          b,
        );
      }),
      { seed: 11, numRuns: 300 },
    );
  });

  it('side-by-side rows hold every line of both texts, in order', () => {
    const line = fc.stringMatching(/^[a-c ]{0,6}$/);
    fc.assert(
      fc.property(fc.array(line, { maxLength: 6 }), fc.array(line, { maxLength: 6 }), (la, lb) => {
        const a = la.join('\n');
        const b = lb.join('\n');
        const rows = sideBySideRows(a, b);
        assert.deepEqual(
          rows.filter((r) => r.left).map((r) => side(r.left)),
          linesOf(a),
        );
        assert.deepEqual(
          rows.filter((r) => r.right).map((r) => side(r.right)),
          linesOf(b),
        );
      }),
      { seed: 12, numRuns: 300 },
    );
  });

  it('marks only the changed words inside a changed line', () => {
    const rows = sideBySideRows('Answer with the label.', 'Answer with only the label.');
    assert.equal(rows.length, 1);
    assert.deepEqual(
      rows[0].right?.filter((s) => s.kind === 'added').map((s) => s.text.trim()),
      ['only'],
    );
    assert.ok(rows[0].left?.every((s) => s.kind === 'same'));
  });
});
