/**
 * The selected candidate: where it came from, why (the critique), its diff against the original, its examples
 * compared with the baseline, and Accept / Open diff / Copy.
 */
import type { CandidateView, RunView } from '../../src/protocol';
import {
  baselineOf,
  bestIdOf,
  candidateReason,
  compareExamples,
  distinctCandidates,
  distinctEntryOf,
  lineageText,
} from '../../src/protocol';
import { h } from '../dom';
import { formatInput, formatScore } from '../format';
import type { RenderContext } from './context';
import { renderInlineDiff, renderSideBySide } from './diff-view';

function heading(c: CandidateView): string {
  if (c.id === 0) return 'Baseline (the original prompt)';
  return `Selected: #${c.id} (${c.parent !== null ? `from #${c.parent}, ` : ''}round ${c.round})`;
}

function toggle(doc: Document, label: string, action: string, pressed: boolean): HTMLElement {
  return h(
    doc,
    'button',
    {
      type: 'button',
      class: 'toggle',
      'aria-pressed': pressed ? 'true' : 'false',
      'data-action': action,
      'data-focus-key': action,
    },
    label,
  );
}

function renderExamples(ctx: RenderContext, c: CandidateView, baseline: CandidateView | undefined): HTMLElement | null {
  const { doc, ui } = ctx;
  if (!c.examples?.length) return null;
  const cmp = compareExamples(c, baseline);
  const summary =
    c.id === 0
      ? `passed ${c.examples.filter((e) => e.pass).length} of ${c.examples.length}`
      : `fixed ${cmp.fixed} · broke ${cmp.broke} · still failing ${cmp.stillFailing}`;
  const section = h(
    doc,
    'div',
    { class: 'examples' },
    h(
      doc,
      'div',
      { class: 'examples-head' },
      h(doc, 'h3', {}, 'Examples'),
      h(doc, 'span', { class: 'examples-summary', 'data-testid': 'examples-summary' }, summary),
      toggle(doc, ui.showExamples ? 'Hide' : 'Show', 'toggleExamples', ui.showExamples),
    ),
  );
  if (!ui.showExamples) return section;
  const before = new Map((baseline?.examples ?? []).map((e) => [e.rowIndex, e.pass]));
  const body = h(doc, 'tbody');
  for (const e of c.examples) {
    const was = before.get(e.rowIndex);
    const change = c.id === 0 || was === undefined || was === e.pass ? '' : e.pass ? ' (fixed)' : ' (broke)';
    body.append(
      h(
        doc,
        'tr',
        { class: e.pass ? 'pass' : 'fail' },
        h(doc, 'td', {}, h(doc, 'pre', {}, formatInput(e.input, e.expected !== undefined ? ['expected'] : []))),
        h(doc, 'td', {}, h(doc, 'pre', {}, e.expected ?? '')),
        h(doc, 'td', {}, h(doc, 'pre', {}, e.output ?? '')),
        h(doc, 'td', { class: 'verdict' }, `${e.pass ? '✓ pass' : '✗ fail'}${change}`),
      ),
    );
  }
  section.append(
    h(
      doc,
      'div',
      { class: 'table-wrap' },
      h(
        doc,
        'table',
        { class: 'examples-table' },
        h(
          doc,
          'thead',
          {},
          h(doc, 'tr', {}, ...['input', 'expected', 'output', 'result'].map((l) => h(doc, 'th', { scope: 'col' }, l))),
        ),
        body,
      ),
    ),
  );
  return section;
}

export function renderDetails(ctx: RenderContext, run: RunView): HTMLElement {
  const { doc, ui } = ctx;
  const c = run.candidates.find((x) => x.id === ctx.selectedId);
  const section = h(doc, 'section', { class: 'details', 'aria-label': 'selected candidate', 'data-testid': 'details' });
  if (!c) {
    section.append(h(doc, 'p', { class: 'muted' }, 'Select a candidate to see its diff.'));
    return section;
  }
  const baseline = baselineOf(run);
  const original = baseline?.prompt ?? '';
  section.append(h(doc, 'h2', {}, heading(c)));
  const scoreLine = [`score ${formatScore(c.score)}`];
  if (c.validationScore !== undefined) scoreLine.push(`held-out ${formatScore(c.validationScore)}`);
  section.append(h(doc, 'p', { class: 'muted' }, scoreLine.join(' · ')));
  const entry = distinctEntryOf(distinctCandidates(run.candidates, bestIdOf(run)), c.id);
  const lineage = entry ? lineageText(entry) : undefined;
  section.append(
    h(doc, 'p', { class: 'status-line', 'data-testid': 'details-reason' }, candidateReason(run, c, bestIdOf(run))),
  );
  if (lineage)
    section.append(
      h(doc, 'p', { class: 'muted', 'data-testid': 'lineage' }, `Same text (up to whitespace) ${lineage}.`),
    );
  if (c.status === 'rejected') {
    section.append(
      h(doc, 'p', { class: 'error-text' }, `Rejected before scoring: ${c.rejectedReason ?? 'it broke an invariant'}`),
    );
  }
  if (c.origin.why) {
    section.append(
      h(
        doc,
        'div',
        { class: 'why' },
        h(doc, 'h3', {}, 'Why'),
        h(doc, 'blockquote', { 'data-testid': 'why' }, c.origin.why),
      ),
    );
  }
  const diffHead = h(
    doc,
    'div',
    { class: 'diff-head' },
    h(doc, 'h3', {}, 'Diff against the original'),
    h(
      doc,
      'span',
      { class: 'toggles', role: 'group', 'aria-label': 'diff layout' },
      toggle(doc, 'Inline', 'diffInline', ui.diffMode === 'inline'),
      toggle(doc, 'Side by side', 'diffSplit', ui.diffMode === 'split'),
    ),
  );
  section.append(
    diffHead,
    h(
      doc,
      'div',
      { class: 'diff-wrap', 'data-scroll-key': 'diff' },
      ui.diffMode === 'split' ? renderSideBySide(doc, original, c.prompt) : renderInlineDiff(doc, original, c.prompt),
    ),
  );
  const examples = renderExamples(ctx, c, baseline);
  if (examples) section.append(examples);
  const canAccept = c.id !== 0 && c.status !== 'rejected';
  section.append(
    h(
      doc,
      'div',
      { class: 'actions' },
      h(
        doc,
        'vscode-button',
        {
          'data-action': 'accept',
          'data-focus-key': 'accept',
          disabled: !canAccept,
          title: canAccept ? 'Write this candidate into the prompt file (one undoable edit)' : 'Nothing to accept',
        },
        'Accept',
      ),
      h(
        doc,
        'vscode-button',
        { secondary: true, 'data-action': 'openDiff', 'data-focus-key': 'openDiff' },
        'Open diff',
      ),
      h(doc, 'vscode-button', { secondary: true, 'data-action': 'copy', 'data-focus-key': 'copy' }, 'Copy'),
    ),
  );
  return section;
}
