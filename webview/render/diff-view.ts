// Renders diff segments as text inside <ins>/<del>/<span>: inline, or side by side with aligned lines.
import { h } from '../dom';
import { inlineDiff, sideBySideRows, type Segment } from '../diff';

function segmentNode(doc: Document, segment: Segment): HTMLElement {
  if (segment.kind === 'added') return h(doc, 'ins', {}, segment.text);
  if (segment.kind === 'removed') return h(doc, 'del', {}, segment.text);
  return h(doc, 'span', {}, segment.text);
}

export function renderInlineDiff(doc: Document, original: string, candidate: string): HTMLElement {
  return h(
    doc,
    'pre',
    { class: 'diff diff-inline', 'data-testid': 'diff' },
    ...inlineDiff(original, candidate).map((s) => segmentNode(doc, s)),
  );
}

export function renderSideBySide(doc: Document, original: string, candidate: string): HTMLElement {
  const table = h(
    doc,
    'table',
    { class: 'diff diff-split', 'data-testid': 'diff' },
    h(
      doc,
      'thead',
      {},
      h(doc, 'tr', {}, h(doc, 'th', { scope: 'col' }, 'original'), h(doc, 'th', { scope: 'col' }, 'candidate')),
    ),
  );
  const body = h(doc, 'tbody');
  for (const row of sideBySideRows(original, candidate)) {
    // Highlight a side only where it really differs: an unchanged line inside a changed block stays plain.
    const cell = (segments: Segment[] | null, side: 'left' | 'right') => {
      const kind = !segments ? 'blank' : segments.some((s) => s.kind !== 'same') ? 'changed' : 'same';
      return h(doc, 'td', { class: `${side} ${kind}` }, ...(segments ?? []).map((s) => segmentNode(doc, s)));
    };
    body.append(h(doc, 'tr', {}, cell(row.left, 'left'), cell(row.right, 'right')));
  }
  table.append(body);
  return table;
}
