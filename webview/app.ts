/**
 * The results panel's controller: holds the data the host sent and the UI state, turns host messages and user
 * input into a new render. Rendering rebuilds the panel from the model (cheap at these sizes) and restores focus
 * and scroll by stable keys, so streaming candidates never steal the keyboard.
 */
import type {
  AcceptConflict,
  HostToWebview,
  PanelSnapshot,
  RunView,
  SuggestionStateView,
  WebviewToHost,
} from '../src/protocol';
import { applyJobEvent, applySuggestionState, bestIdOf, isHostMessage, summarizeRun } from '../src/protocol';
import { h } from './dom';
import { renderCandidates } from './render/candidates';
import { renderChart } from './render/chart';
import type { Notice, RenderContext } from './render/context';
import { renderDetails } from './render/details';
import { renderHeader } from './render/header';
import { renderCompare, renderHistory } from './render/history';
import {
  renderBanner,
  renderConflict,
  renderEmpty,
  renderNotice,
  renderSuggestionState,
  renderWarnings,
} from './render/states';
import { renderRunSummary } from './render/summary';
import { restoreUiState, type UiState } from './state';
import type { VsCodeApi } from './vscode-api';

export interface PanelAppOptions {
  /** Defers a render (requestAnimationFrame in the browser); tests render synchronously. */
  schedule?: (callback: () => void) => void;
  now?: () => number;
}

export interface PanelApp {
  /** Feeds one message from the host (the `message` event's data). */
  receive(data: unknown): void;
  /** Renders now (flushes a scheduled render). */
  flush(): void;
  readonly ui: Readonly<UiState>;
}

export function createPanelApp(root: HTMLElement, api: VsCodeApi, options: PanelAppOptions = {}): PanelApp {
  const doc = root.ownerDocument;
  const schedule = options.schedule ?? ((cb) => cb());
  const now = options.now ?? (() => (typeof performance !== 'undefined' ? performance.now() : Date.now()));
  let ui = restoreUiState(api.getState());
  let snapshot: PanelSnapshot | undefined;
  /** Runs we hold data for, by id: the live one and any loaded from history. */
  const runs = new Map<string, RunView>();
  let liveRunId: string | undefined;
  let compare: RunView | undefined;
  let conflict: AcceptConflict | undefined;
  let notice: Notice | undefined;
  let suggestion: SuggestionStateView | undefined;
  let renderPending = false;
  let firstSnapshotAt: number | undefined;
  let renderedReported = false;
  /** Scroll the three-version choice into view once, when it arrives. */
  let revealConflict = false;

  const post = (message: WebviewToHost) => api.postMessage(message);
  const setUi = (patch: Partial<UiState>) => {
    ui = { ...ui, ...patch };
    api.setState(ui);
    requestRender();
  };

  function shownRun(): RunView | undefined {
    return (ui.shownRunId ? runs.get(ui.shownRunId) : undefined) ?? (liveRunId ? runs.get(liveRunId) : undefined);
  }

  function selectedId(run: RunView | undefined): number | undefined {
    if (!run) return undefined;
    if (ui.selectedCandidateId !== undefined && run.candidates.some((c) => c.id === ui.selectedCandidateId)) {
      return ui.selectedCandidateId;
    }
    return bestIdOf(run) ?? run.candidates[0]?.id;
  }

  function requestRender(): void {
    if (renderPending) return;
    renderPending = true;
    schedule(() => {
      if (renderPending) render();
    });
  }

  function render(): void {
    renderPending = false;
    if (!snapshot) return;
    const focusKey = (doc.activeElement as HTMLElement | null)
      ?.closest?.('[data-focus-key]')
      ?.getAttribute('data-focus-key');
    const scrolls = new Map<string, number>();
    root
      .querySelectorAll<HTMLElement>('[data-scroll-key]')
      .forEach((el) => scrolls.set(el.dataset.scrollKey ?? '', el.scrollTop));

    const run = shownRun();
    const ctx: RenderContext = {
      doc,
      snapshot,
      run,
      liveRunId,
      compare,
      conflict,
      notice,
      suggestion,
      ui,
      selectedId: selectedId(run),
    };
    const children: (HTMLElement | null)[] = [renderHeader(ctx), renderNotice(ctx)];
    if (!run) {
      children.push(renderEmpty(ctx));
    } else {
      children.push(
        renderBanner(ctx, run),
        renderSuggestionState(ctx, run),
        renderRunSummary(ctx, run),
        conflict && conflict.runId === run.runId ? renderConflict(ctx, conflict) : null,
        renderChart(ctx, run),
        renderWarnings(ctx, run),
        h(doc, 'div', { class: 'split' }, renderCandidates(ctx, run), renderDetails(ctx, run)),
      );
      if (compare && compare.runId !== run.runId) children.push(renderCompare(ctx, run, compare));
    }
    children.push(renderHistory(ctx));
    root.replaceChildren(...children.filter((c): c is HTMLElement => c !== null));

    root.querySelectorAll<HTMLElement>('[data-scroll-key]').forEach((el) => {
      const top = scrolls.get(el.dataset.scrollKey ?? '');
      if (top) el.scrollTop = top;
    });
    if (focusKey) {
      const again = Array.from(root.querySelectorAll<HTMLElement>('[data-focus-key]')).find(
        (el) => el.dataset.focusKey === focusKey,
      );
      again?.focus();
    }
    if (revealConflict) {
      revealConflict = false;
      const box = root.querySelector<HTMLElement>('[data-testid=conflict]');
      box?.scrollIntoView?.({ block: 'nearest' });
      // Focus the safe choice: Enter keeps the file as it is.
      box?.querySelector<HTMLElement>('[data-action=keepCurrent]')?.focus();
    }
    if (!renderedReported && firstSnapshotAt !== undefined) {
      renderedReported = true;
      post({ type: 'rendered', renderMs: Math.max(0, now() - firstSnapshotAt) });
    }
  }

  function upsertHistory(run: RunView): void {
    if (!snapshot || !run.runId) return;
    const summary = summarizeRun(run);
    const index = snapshot.history.findIndex((s) => s.runId === run.runId);
    const history = snapshot.history.slice();
    if (index >= 0) history[index] = summary;
    else history.unshift(summary);
    snapshot = { ...snapshot, history };
  }

  function receive(data: unknown): void {
    if (!isHostMessage(data)) return;
    const message: HostToWebview = data;
    switch (message.type) {
      case 'snapshot': {
        if (firstSnapshotAt === undefined) firstSnapshotAt = now();
        snapshot = message.snapshot;
        suggestion = message.snapshot.suggestion;
        if (ui.promptUri !== snapshot.promptUri) {
          // The panel now follows another prompt (the editor switched files): that prompt's runs, nothing of the last.
          const switched = ui.promptUri !== undefined;
          ui = switched
            ? {
                ...ui,
                promptUri: snapshot.promptUri,
                shownRunId: undefined,
                selectedCandidateId: undefined,
                compareRunId: undefined,
              }
            : { ...ui, promptUri: snapshot.promptUri };
          if (switched) {
            runs.clear();
            compare = undefined;
            conflict = undefined;
            notice = undefined;
          }
          api.setState(ui);
        }
        const run = message.snapshot.run;
        if (run) {
          runs.set(run.runId, run);
          liveRunId = run.runId;
        } else liveRunId = undefined;
        // A history run the user had open before a reload: ask for it again (data is never kept in state).
        if (ui.shownRunId && ui.shownRunId !== run?.runId && !runs.has(ui.shownRunId)) {
          if (snapshot.history.some((s) => s.runId === ui.shownRunId))
            post({ type: 'loadRun', runId: ui.shownRunId, purpose: 'show' });
          else setUi({ shownRunId: undefined });
        }
        if (
          ui.compareRunId &&
          !runs.has(ui.compareRunId) &&
          snapshot.history.some((s) => s.runId === ui.compareRunId)
        ) {
          post({ type: 'loadRun', runId: ui.compareRunId, purpose: 'compare' });
        }
        break;
      }
      case 'jobEvent': {
        const { event } = message;
        const runId = event.type === 'started' ? event.runId : message.runId;
        const folded = applyJobEvent(runs.get(runId), event);
        if (!folded) return;
        const next = message.simulated ? { ...folded, simulated: true } : folded;
        runs.set(runId, next);
        if (event.type === 'started' && liveRunId !== runId) {
          // A new run (Re-run / Optimize) takes over the panel.
          liveRunId = runId;
          conflict = undefined;
          // An earlier run's "Accepted #N" does not belong to this one.
          notice = undefined;
          ui = { ...ui, shownRunId: undefined, selectedCandidateId: undefined };
          api.setState(ui);
        }
        upsertHistory(next);
        break;
      }
      case 'runLoaded': {
        runs.set(message.run.runId, message.run);
        if (message.purpose === 'compare') {
          compare = message.run;
          ui = { ...ui, compareRunId: message.run.runId };
        } else {
          const keep = message.run.runId === ui.shownRunId ? ui.selectedCandidateId : undefined;
          ui = {
            ...ui,
            shownRunId: message.run.runId === liveRunId ? undefined : message.run.runId,
            selectedCandidateId: keep,
          };
        }
        api.setState(ui);
        break;
      }
      case 'acceptResult': {
        const run = runs.get(message.runId);
        if (message.outcome === 'applied') {
          conflict = undefined;
          if (run) {
            const accepted = applySuggestionState(
              run.accepted,
              { runId: run.runId, candidateId: message.candidateId, state: 'accepted' },
              new Date().toISOString(),
            );
            runs.set(run.runId, { ...run, accepted });
            upsertHistory(runs.get(run.runId) as RunView);
          }
          notice = {
            level: 'info',
            message: message.message ?? `Accepted #${message.candidateId}. Undo with Ctrl+Z in the editor.`,
          };
        } else if (message.outcome === 'failed') {
          notice = { level: 'error', message: message.message ?? 'Accept failed.' };
        } else if (message.outcome === 'cancelled') {
          conflict = undefined;
          notice = message.message ? { level: 'info', message: message.message } : undefined;
        }
        break;
      }
      case 'suggestionState': {
        suggestion = message.suggestion;
        const run = runs.get(suggestion.runId);
        if (run) {
          const at = new Date().toISOString();
          runs.set(run.runId, { ...run, accepted: applySuggestionState(run.accepted, suggestion, at) });
          upsertHistory(runs.get(run.runId) as RunView);
        }
        // The state line says it now; an older "Accepted #N" notice would contradict an undo.
        if (suggestion.state !== 'accepted' && notice?.level === 'info') notice = undefined;
        break;
      }
      case 'acceptConflict':
        conflict = message.conflict;
        revealConflict = true;
        break;
      case 'notice':
        notice = { level: message.level, message: message.message };
        break;
      case 'measured':
        root.setAttribute('data-first-render-ms', String(Math.round(message.firstRenderMs)));
        // The breakdown, for the harness: creation → ready (webview load), snapshot build, webview render.
        root.setAttribute(
          'data-render-breakdown',
          JSON.stringify({
            readyMs: message.readyMs,
            snapshotMs: message.snapshotMs,
            webviewRenderMs: message.webviewRenderMs,
          }),
        );
        return;
    }
    requestRender();
  }

  /** Candidate id of the row or the details pane the user acted on. */
  function currentCandidate(): { runId: string; candidateId: number } | undefined {
    const run = shownRun();
    const id = selectedId(run);
    return run && id !== undefined ? { runId: run.runId, candidateId: id } : undefined;
  }

  function act(action: string, target: HTMLElement): void {
    const run = shownRun();
    const pick = currentCandidate();
    switch (action) {
      case 'select': {
        const id = Number(target.dataset.candidate);
        if (Number.isInteger(id)) setUi({ selectedCandidateId: id });
        return;
      }
      case 'accept':
        if (pick) {
          notice = undefined;
          post({ type: 'accept', ...pick });
        }
        return;
      case 'forceAccept':
        if (conflict)
          post({
            type: 'accept',
            runId: conflict.runId,
            candidateId: conflict.candidateId,
            force: true,
            expectedCurrent: conflict.current,
          });
        return;
      case 'keepCurrent':
        conflict = undefined;
        notice = { level: 'info', message: 'Kept the current file; nothing was written.' };
        requestRender();
        return;
      case 'openDiff':
        if (pick) post({ type: 'openDiff', ...pick });
        return;
      case 'copy':
        if (pick) post({ type: 'copy', ...pick });
        return;
      case 'cancel':
        if (run) post({ type: 'cancel', runId: run.runId });
        return;
      case 'rerun':
        post(run ? { type: 'rerun', runId: run.runId } : { type: 'rerun' });
        return;
      case 'optimize':
        post({ type: 'optimize' });
        return;
      case 'setApiKey':
        post({ type: 'setApiKey' });
        return;
      case 'showLog':
        if (run) post({ type: 'showLog', runId: run.runId });
        return;
      case 'showLatest':
        setUi({ shownRunId: undefined, selectedCandidateId: undefined });
        return;
      case 'openRun': {
        const runId = target.dataset.run;
        if (!runId) return;
        if (runs.has(runId))
          setUi({ shownRunId: runId === liveRunId ? undefined : runId, selectedCandidateId: undefined });
        else post({ type: 'loadRun', runId, purpose: 'show' });
        return;
      }
      case 'compareRun': {
        const runId = target.dataset.run;
        if (!runId) return;
        const known = runs.get(runId);
        if (known) {
          compare = known;
          setUi({ compareRunId: runId });
        } else post({ type: 'loadRun', runId, purpose: 'compare' });
        return;
      }
      case 'closeCompare':
        compare = undefined;
        setUi({ compareRunId: undefined });
        return;
      case 'diffInline':
        setUi({ diffMode: 'inline' });
        return;
      case 'diffSplit':
        setUi({ diffMode: 'split' });
        return;
      case 'toggleAllCandidates':
        setUi({ showAllCandidates: !ui.showAllCandidates });
        return;
      case 'toggleExamples':
        setUi({ showExamples: !ui.showExamples });
        return;
    }
  }

  root.addEventListener('click', (event) => {
    const target = (event.target as Element | null)?.closest<HTMLElement>('[data-action]');
    if (!target || !root.contains(target) || target.hasAttribute('disabled')) return;
    act(target.dataset.action ?? '', target);
  });

  root.addEventListener('keydown', (event) => {
    const row = (event.target as Element | null)?.closest<HTMLElement>('tr[data-action="select"]');
    if (!row) return;
    if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      act('select', row);
    } else if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      const sibling = (
        event.key === 'ArrowDown' ? row.nextElementSibling : row.previousElementSibling
      ) as HTMLElement | null;
      if (sibling?.dataset.action === 'select') {
        row.tabIndex = -1;
        sibling.tabIndex = 0;
        sibling.focus();
      }
    }
  });

  post({ type: 'ready' });
  return {
    receive,
    flush: () => {
      if (renderPending) render();
    },
    get ui() {
      return ui;
    },
  };
}
