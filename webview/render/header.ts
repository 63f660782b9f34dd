// The header: file · method · status, Cancel / Re-run, and the budget meter (used vs limit or estimate).
import type { RunView } from '../../src/protocol';
import { h } from '../dom';
import { formatCost, formatCount } from '../format';
import type { RenderContext } from './context';

export function statusText(run: RunView): string {
  switch (run.status) {
    case 'running':
      return run.round ? `running round ${run.round.round}/${run.round.of}` : 'starting';
    case 'done':
      return 'done';
    case 'budget':
      return 'stopped at the budget';
    case 'failed':
      return 'failed';
    case 'cancelled':
      return 'cancelled';
    case 'interrupted':
      return 'interrupted';
  }
}

function budgetMeter(ctx: RenderContext, run: RunView): HTMLElement | null {
  const { doc } = ctx;
  const used = run.used;
  const limitCalls = run.limit?.calls ?? run.estimate?.calls;
  if (!used && !run.estimate) return null;
  const calls = used?.calls ?? 0;
  const fraction = limitCalls ? Math.min(1, calls / limitCalls) : 0;
  const fill = h(doc, 'div', { class: 'meter-fill' });
  // CSSOM, not a style attribute: allowed by the CSP without 'unsafe-inline'.
  fill.style.width = `${(fraction * 100).toFixed(1)}%`;
  const meter = h(
    doc,
    'div',
    {
      class: 'meter',
      role: 'progressbar',
      'aria-label': 'budget used (calls)',
      'aria-valuemin': 0,
      'aria-valuemax': limitCalls ?? 0,
      'aria-valuenow': calls,
    },
    fill,
  );
  // Calls spent: the ledger's count in the last budget event (or the result), the number the notifications say. An
  // estimate is not a limit: it is labelled as planned so it cannot be read as the calls spent.
  const planned = run.limit?.calls === undefined ? run.estimate?.calls : undefined;
  const parts = [
    run.limit?.calls !== undefined
      ? `${formatCount(calls)} / ${formatCount(run.limit.calls)} calls`
      : `${formatCount(calls)} calls${planned !== undefined ? ` (${formatCount(planned)} planned)` : ''}`,
  ];
  if (used) parts.push(`${formatCount(used.tokens)} tokens`);
  if (used)
    parts.push(formatCost(used.costUsd) + (run.limit?.usd !== undefined ? ` / ${formatCost(run.limit.usd)}` : ''));
  if (run.estimate?.costUsd !== undefined && run.estimate.costUsd !== null)
    parts.push(`est. ${formatCost(run.estimate.costUsd)}`);
  if (used?.cachedCalls) parts.push(`${formatCount(used.cachedCalls)} cached`);
  const title = run.estimate ? `estimate: ${run.estimate.calls} calls = ${run.estimate.formula}` : undefined;
  return h(
    doc,
    'div',
    { class: 'budget', title },
    h(doc, 'span', { class: 'budget-label' }, 'budget'),
    meter,
    h(doc, 'span', { class: 'budget-text' }, parts.join(' · ')),
  );
}

export function renderHeader(ctx: RenderContext): HTMLElement {
  const { doc, run, snapshot } = ctx;
  const title = h(doc, 'h1', { class: 'title' }, h(doc, 'span', { class: 'file' }, snapshot.promptLabel));
  const header = h(doc, 'header', { class: 'header' });
  if (!run) {
    header.append(h(doc, 'div', { class: 'header-main' }, title));
    return header;
  }
  title.append(
    h(doc, 'span', { class: 'sep', 'aria-hidden': 'true' }, ' · '),
    h(doc, 'span', { class: 'method' }, run.method.toUpperCase()),
    ...(run.simulated
      ? [
          h(doc, 'span', { class: 'sep', 'aria-hidden': 'true' }, ' · '),
          h(
            doc,
            'span',
            {
              class: 'simulated',
              'data-testid': 'simulated',
              title: 'Run on the offline simulated endpoint: the scores come from a simulated task, not a model',
            },
            'SIMULATED',
          ),
        ]
      : []),
    h(doc, 'span', { class: 'sep', 'aria-hidden': 'true' }, ' · '),
    h(doc, 'span', { class: `status status-${run.status}`, 'data-testid': 'run-status' }, statusText(run)),
  );
  const actions = h(doc, 'div', { class: 'header-actions' });
  if (run.status === 'running') {
    actions.append(
      h(doc, 'vscode-progress-ring', { class: 'spinner', 'aria-label': 'running' }),
      h(doc, 'vscode-button', { secondary: true, 'data-action': 'cancel', 'data-focus-key': 'cancel' }, 'Cancel'),
    );
  } else {
    actions.append(
      h(
        doc,
        'vscode-button',
        {
          secondary: true,
          'data-action': 'rerun',
          'data-focus-key': 'rerun',
          disabled: !snapshot.jobsAllowed,
          title: snapshot.jobsAllowed ? 'Start a new run with the same method' : 'Jobs need a trusted workspace',
        },
        'Re-run',
      ),
    );
  }
  if (ctx.liveRunId && run.runId !== ctx.liveRunId) {
    actions.prepend(
      h(
        doc,
        'vscode-button',
        { secondary: true, 'data-action': 'showLatest', 'data-focus-key': 'showLatest' },
        'Show latest run',
      ),
    );
  }
  header.append(h(doc, 'div', { class: 'header-main' }, title, actions));
  const meter = budgetMeter(ctx, run);
  if (meter) header.append(meter);
  return header;
}
