// Whole-panel states and banners: empty ("No runs yet"), failed / budget / cancelled, the accept conflict, notices.
import type { AcceptConflict, RunView } from '../../src/protocol';
import { bestIdOf, keyRefused } from '../../src/protocol';
import { h } from '../dom';
import { formatScore } from '../format';
import type { RenderContext } from './context';

export function renderEmpty(ctx: RenderContext): HTMLElement {
  const { doc, snapshot } = ctx;
  return h(
    doc,
    'section',
    { class: 'empty', 'data-testid': 'empty' },
    h(doc, 'h2', {}, 'No runs yet'),
    h(
      doc,
      'p',
      { class: 'muted' },
      snapshot.jobsAllowed
        ? 'Optimize this prompt to see candidates, their scores and diffs here.'
        : 'Optimization jobs need a trusted workspace.',
    ),
    h(
      doc,
      'vscode-button',
      { 'data-action': 'optimize', 'data-focus-key': 'optimize', disabled: !snapshot.jobsAllowed },
      'Optimize',
    ),
  );
}

function keptText(run: RunView): string {
  const bestId = bestIdOf(run);
  const best = run.candidates.find((c) => c.id === bestId);
  if (!best || best.id === 0) return 'No candidate beat the original; nothing was kept.';
  return `Kept: best so far #${best.id} (score ${formatScore(best.score)}).`;
}

export function renderBanner(ctx: RenderContext, run: RunView): HTMLElement | null {
  const { doc } = ctx;
  switch (run.status) {
    case 'failed':
      return h(
        doc,
        'div',
        { class: 'banner banner-error', role: 'alert', 'data-testid': 'banner' },
        h(doc, 'p', {}, h(doc, 'strong', {}, 'The run failed: '), run.error ?? 'unknown error'),
        h(doc, 'p', {}, keptText(run)),
        h(
          doc,
          'div',
          { class: 'actions' },
          h(
            doc,
            'vscode-button',
            { 'data-action': 'rerun', 'data-focus-key': 'retry', disabled: !ctx.snapshot.jobsAllowed },
            'Retry',
          ),
          keyRefused(run.error)
            ? h(
                doc,
                'vscode-button',
                { secondary: true, 'data-action': 'setApiKey', 'data-focus-key': 'setApiKey' },
                'Set API Key',
              )
            : null,
          h(
            doc,
            'vscode-button',
            { secondary: true, 'data-action': 'showLog', 'data-focus-key': 'showLog' },
            'Show log',
          ),
        ),
      );
    case 'budget':
      return h(
        doc,
        'div',
        { class: 'banner banner-warn', role: 'status', 'data-testid': 'banner' },
        h(doc, 'p', {}, 'Stopped at the budget — best so far kept.'),
        h(doc, 'p', { class: 'muted' }, keptText(run)),
      );
    case 'cancelled':
      return h(
        doc,
        'div',
        { class: 'banner banner-warn', role: 'status', 'data-testid': 'banner' },
        h(doc, 'p', {}, 'Cancelled — best so far kept.'),
        h(doc, 'p', { class: 'muted' }, keptText(run)),
      );
    case 'interrupted':
      return h(
        doc,
        'div',
        { class: 'banner banner-warn', role: 'status', 'data-testid': 'banner' },
        h(doc, 'p', {}, 'This run was interrupted (the window closed or reloaded while it ran).'),
        h(
          doc,
          'div',
          { class: 'actions' },
          h(
            doc,
            'vscode-button',
            { 'data-action': 'rerun', 'data-focus-key': 'resume', disabled: !ctx.snapshot.jobsAllowed },
            'Run again',
          ),
          h(
            doc,
            'vscode-button',
            { secondary: true, 'data-action': 'showLog', 'data-focus-key': 'showLog' },
            'Show log',
          ),
        ),
      );
    default:
      return null;
  }
}

export function renderWarnings(ctx: RenderContext, run: RunView): HTMLElement | null {
  const { doc } = ctx;
  if (run.warnings.length === 0) return null;
  return h(
    doc,
    'details',
    { class: 'warnings' },
    h(doc, 'summary', {}, `${run.warnings.length} warning${run.warnings.length === 1 ? '' : 's'}`),
    h(doc, 'ul', {}, ...run.warnings.map((w) => h(doc, 'li', {}, w))),
  );
}

export function renderConflict(ctx: RenderContext, conflict: AcceptConflict): HTMLElement {
  const { doc } = ctx;
  const column = (label: string, text: string, key: string) =>
    h(
      doc,
      'div',
      { class: 'version' },
      h(doc, 'h3', {}, label),
      h(doc, 'pre', { 'data-testid': `conflict-${key}` }, text),
    );
  return h(
    doc,
    'section',
    { class: 'conflict', role: 'alertdialog', 'aria-label': 'the file changed', 'data-testid': 'conflict' },
    h(
      doc,
      'p',
      {},
      h(doc, 'strong', {}, 'The prompt changed since this run started. '),
      'Choose which text the file should hold; nothing is written until you do.',
    ),
    h(
      doc,
      'div',
      { class: 'versions' },
      column('Original (when the run started)', conflict.original, 'original'),
      column('Current file', conflict.current, 'current'),
      column(`Candidate #${conflict.candidateId}`, conflict.candidate, 'candidate'),
    ),
    h(
      doc,
      'div',
      { class: 'actions' },
      h(doc, 'vscode-button', { 'data-action': 'forceAccept', 'data-focus-key': 'forceAccept' }, 'Use the candidate'),
      h(
        doc,
        'vscode-button',
        { secondary: true, 'data-action': 'keepCurrent', 'data-focus-key': 'keepCurrent' },
        'Keep the current file',
      ),
    ),
  );
}

export function renderNotice(ctx: RenderContext): HTMLElement {
  const { doc, notice } = ctx;
  return h(
    doc,
    'div',
    {
      class: `notice${notice ? ` notice-${notice.level}` : ''}`,
      role: 'status',
      'aria-live': 'polite',
      'data-testid': 'notice',
    },
    notice?.message ?? '',
  );
}

const SUGGESTION_TEXT = {
  proposed: 'on offer: accept, compare or try the next one from the row above the prompt in the editor.',
  accepted: 'accepted: it is in the file now. Ctrl+Z in the editor undoes it.',
  undone: 'undone: the accept was taken back, so the prompt reads as it did before the run.',
  stale: 'stale: the prompt was edited since this run started, so it no longer applies as it is.',
} as const;

/** One line saying where this run's suggestion stands, from the host's one store (the editor shows the same). */
export function renderSuggestionState(ctx: RenderContext, run: RunView): HTMLElement | null {
  const s = ctx.suggestion;
  if (!s || s.runId !== run.runId) return null;
  return h(
    ctx.doc,
    'p',
    {
      class: `suggestion-state suggestion-${s.state}`,
      role: 'status',
      'data-testid': 'suggestion-state',
      'data-state': s.state,
    },
    h(ctx.doc, 'strong', {}, `Suggestion #${s.candidateId} `),
    SUGGESTION_TEXT[s.state],
  );
}
