/**
 * The results panel feature: one panel per prompt file (revealed, never duplicated), revived after a reload by a
 * WebviewPanelSerializer, opened beside the editor when a job starts, plus the `whetstone-candidate:` documents
 * behind "Open diff". Fills `ctx.resultsPanel`, through which the host's Show Results command and the CodeLens reach it.
 */
import * as vscode from 'vscode';
import * as path from 'node:path';
import type { HostContext } from '../context';
import { tryAccept } from './acceptance';
import { openCandidateDiff, registerCandidateDocuments } from './candidateDocuments';
import { isPromptDocument } from '../language/selectors';
import { findRun } from './runSource';
import { panelOptions, panelTitle, RESULTS_VIEW_TYPE, ResultsPanel } from './resultsPanel';

const panels = new Map<string, ResultsPanel>();

function track(panel: ResultsPanel): ResultsPanel {
  panels.set(panel.promptUri.toString(), panel);
  panel.onDidDispose(() => {
    const key = panel.promptUri.toString();
    if (panels.get(key) === panel) panels.delete(key);
  });
  return panel;
}

/**
 * The panel's selection follows the editor: when the active editor moves to a prompt file that has no panel of its
 * own, the visible panel that is not pinned to a chosen run shows that prompt instead (a prompt with its own panel
 * brings that one forward).
 */
function followEditor(editor: vscode.TextEditor | undefined): void {
  if (!editor || !isPromptDocument(editor.document)) return;
  const key = editor.document.uri.toString();
  const own = panels.get(key);
  if (own) {
    // Its own panel, hidden in another group: bring it to the front there (never over the editor just chosen).
    if (!own.panel.visible && own.panel.viewColumn !== editor.viewColumn) own.panel.reveal(undefined, true);
    return;
  }
  const follower = [...panels.values()].find((p) => !p.pinned && p.panel.visible && p.isReady);
  if (!follower) return;
  panels.delete(follower.promptUri.toString());
  follower.retarget(editor.document.uri);
  panels.set(key, follower);
}

/** Opens the panel for a prompt file, or reveals the one already open (optionally switching to `runId`). */
export function showResultsPanel(
  ctx: HostContext,
  promptUri: vscode.Uri,
  runId?: string,
  options: { preserveFocus?: boolean } = {},
): ResultsPanel {
  const existing = panels.get(promptUri.toString());
  if (existing) {
    existing.reveal(runId);
    return existing;
  }
  const createdAt = Date.now();
  const webviewPanel = vscode.window.createWebviewPanel(
    RESULTS_VIEW_TYPE,
    panelTitle(promptUri),
    { viewColumn: vscode.ViewColumn.Beside, preserveFocus: options.preserveFocus ?? false },
    panelOptions(ctx.extension.extensionUri),
  );
  return track(new ResultsPanel(ctx, promptUri, webviewPanel, createdAt, runId));
}

/**
 * Accepts a candidate without the panel's help (the CodeLens path). When the file changed since the run started it
 * asks — show the three versions in the panel, or use the candidate — and never overwrites silently.
 */
export async function acceptCandidate(
  ctx: HostContext,
  promptUri: vscode.Uri,
  runId: string,
  candidateId?: number,
): Promise<boolean> {
  let report = await tryAccept(ctx, { promptUri, runId, candidateId });
  if (report.outcome === 'conflict' && report.conflict) {
    const conflict = report.conflict;
    const show = 'Show the three versions';
    const use = 'Use the candidate';
    const choice = await vscode.window.showWarningMessage(
      `${path.basename(promptUri.fsPath)} changed since this run started. Nothing was written.`,
      { modal: true, detail: 'Compare the original, your current text and the candidate, then choose.' },
      show,
      use,
    );
    if (choice === show) {
      showResultsPanel(ctx, promptUri, runId).showConflict(conflict);
      return false;
    }
    if (choice !== use) return false;
    report = await tryAccept(ctx, {
      promptUri,
      runId,
      candidateId: conflict.candidateId,
      force: true,
      expectedCurrent: conflict.current,
    });
  }
  panels.get(promptUri.toString())?.reportAccept(runId, report);
  if (report.outcome === 'applied') return true;
  if (report.outcome === 'failed' && report.message)
    void vscode.window.showErrorMessage(`Whetstone: ${report.message}`);
  if (report.outcome === 'conflict')
    void vscode.window.showWarningMessage(
      `Whetstone: ${report.message ?? 'the file changed again; nothing was written.'}`,
    );
  return false;
}

async function diffCandidate(
  ctx: HostContext,
  promptUri: vscode.Uri,
  runId: string,
  candidateId?: number,
): Promise<void> {
  const run = await findRun(ctx, promptUri, runId);
  const id = candidateId ?? run?.view.result?.best.id ?? run?.view.incumbent?.id;
  if (id === undefined) {
    void vscode.window.showWarningMessage(`Whetstone: run ${runId} has no candidate to compare yet.`);
    return;
  }
  await openCandidateDiff(promptUri, runId, id);
}

export function registerResultsPanel(ctx: HostContext): vscode.Disposable[] {
  ctx.resultsPanel.show = (uri, runId) => {
    showResultsPanel(ctx, uri, runId);
  };
  ctx.resultsPanel.accept = (uri, runId, candidateId) => acceptCandidate(ctx, uri, runId, candidateId);
  ctx.resultsPanel.diff = (uri, runId, candidateId) => diffCandidate(ctx, uri, runId, candidateId);
  return [
    registerCandidateDocuments(ctx),
    vscode.window.registerWebviewPanelSerializer(RESULTS_VIEW_TYPE, {
      async deserializeWebviewPanel(webviewPanel, state: unknown) {
        const uri =
          typeof state === 'object' && state !== null ? (state as { promptUri?: unknown }).promptUri : undefined;
        if (typeof uri !== 'string' || panels.has(uri)) {
          webviewPanel.dispose();
          return;
        }
        track(new ResultsPanel(ctx, vscode.Uri.parse(uri), webviewPanel, Date.now()));
      },
    }),
    // "The results panel opens beside the editor and fills in live" (UX §3).
    vscode.window.onDidChangeActiveTextEditor(followEditor),
    ctx.jobs.onDidStart((job) => {
      showResultsPanel(ctx, job.uri, undefined, { preserveFocus: true });
    }),
    {
      dispose: () => {
        for (const panel of [...panels.values()]) panel.panel.dispose();
      },
    },
  ];
}
