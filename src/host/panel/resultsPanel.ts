/**
 * One results panel, bound to one prompt file: owns the WebviewPanel, answers `ready` with a full snapshot, forwards
 * the file's live job events, and carries out the webview's requests (accept, diff, copy, cancel, re-run, log).
 */
import * as vscode from 'vscode';
import * as path from 'node:path';
import type {
  AcceptConflict,
  HostToWebview,
  PanelSnapshot,
  RunView,
  SuggestionStateView,
  WebviewToHost,
} from '../../protocol';
import { isWebviewMessage, runFromEvents } from '../../protocol';
import { Commands } from '../commandIds';
import type { HostContext } from '../context';
import { tryAccept, type AcceptReport } from './acceptance';
import { openCandidateDiff } from './candidateDocuments';
import { createNonce, renderPanelHtml } from './html';
import { historyFor } from './runLog';
import { findRun } from './runSource';

export const RESULTS_VIEW_TYPE = 'whetstone.results';

export function panelOptions(extensionUri: vscode.Uri): vscode.WebviewOptions & vscode.WebviewPanelOptions {
  return {
    enableScripts: true,
    // Only our media and the webview bundle; never the extension root or the workspace.
    localResourceRoots: [
      vscode.Uri.joinPath(extensionUri, 'media'),
      vscode.Uri.joinPath(extensionUri, 'dist', 'webview'),
    ],
    enableFindWidget: true,
  };
}

export class ResultsPanel implements vscode.Disposable {
  private ready = false;
  /** Events that arrive while a snapshot is being built are queued and sent after it (folding is idempotent). */
  private queued: HostToWebview[] | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly onDisposeListeners: (() => void)[] = [];
  /** The run to show first; undefined = the live or latest run. */
  private focusRunId: string | undefined;
  private pendingConflict: AcceptConflict | undefined;
  private measured = false;
  /** First-render breakdown (ms): creation → first `ready`, and the snapshot build. */
  private readyMs: number | undefined;
  private snapshotMs: number | undefined;

  /**
   * Opened on a run the user chose (history, a runs list): the panel stays on that prompt. Otherwise it follows the
   * active editor to another prompt file (see `retarget`).
   */
  pinned: boolean;
  private uri: vscode.Uri;

  constructor(
    private readonly ctx: HostContext,
    promptUri: vscode.Uri,
    readonly panel: vscode.WebviewPanel,
    private readonly createdAt: number,
    runId?: string,
  ) {
    this.uri = promptUri;
    this.focusRunId = runId;
    this.pinned = runId !== undefined;
    const webview = panel.webview;
    webview.options = panelOptions(ctx.extension.extensionUri);
    panel.iconPath = vscode.Uri.joinPath(ctx.extension.extensionUri, 'media', 'icons', 'whetstone.svg');
    const nonce = createNonce();
    webview.html = renderPanelHtml({
      cspSource: webview.cspSource,
      nonce,
      scriptUri: webview
        .asWebviewUri(vscode.Uri.joinPath(ctx.extension.extensionUri, 'dist', 'webview', 'main.js'))
        .toString(),
      styleUri: webview
        .asWebviewUri(vscode.Uri.joinPath(ctx.extension.extensionUri, 'media', 'panel', 'panel.css'))
        .toString(),
      title: panel.title,
    });
    this.disposables.push(
      webview.onDidReceiveMessage((message: unknown) => this.receive(message)),
      // Hidden webviews are torn down (no retainContextWhenHidden): the new one says `ready` and gets a snapshot.
      panel.onDidChangeViewState(() => {
        if (!panel.visible) this.ready = false;
      }),
      ctx.jobs.onDidEvent(({ job, event }) => {
        if (job.uri.toString() !== this.promptUri.toString()) return;
        if (event.type === 'started') this.focusRunId = undefined;
        this.post({ type: 'jobEvent', runId: job.runId, event, simulated: job.simulated });
      }),
      ctx.suggestions.onDidChange((uri) => {
        if (uri.toString() !== this.promptUri.toString()) return;
        const suggestion = this.suggestionView();
        if (suggestion) this.post({ type: 'suggestionState', suggestion });
      }),
      panel.onDidDispose(() => this.dispose()),
    );
  }

  /** The webview has answered `ready` (a panel still loading or being revived is never retargeted). */
  get isReady(): boolean {
    return this.ready;
  }

  /** The prompt file this panel shows. */
  get promptUri(): vscode.Uri {
    return this.uri;
  }

  /** Shows another prompt's runs (the active editor moved to it): a fresh snapshot, nothing kept of the last one. */
  retarget(promptUri: vscode.Uri): void {
    if (promptUri.toString() === this.uri.toString()) return;
    this.uri = promptUri;
    this.focusRunId = undefined;
    this.pendingConflict = undefined;
    this.panel.title = panelTitle(promptUri);
    if (this.ready)
      void this.handle({ type: 'ready' }).catch((error) =>
        this.ctx.log.error('results panel: follow the editor failed', error),
      );
  }

  private suggestionView(): SuggestionStateView | undefined {
    const s = this.ctx.suggestions.get(this.promptUri);
    return s && { runId: s.runId, candidateId: s.candidateId, state: s.state };
  }

  get label(): string {
    return vscode.workspace.asRelativePath(this.promptUri, false);
  }

  onDidDispose(listener: () => void): void {
    this.onDisposeListeners.push(listener);
  }

  reveal(runId?: string): void {
    if (runId) this.pinned = true;
    if (runId && runId !== this.focusRunId) {
      this.focusRunId = runId;
      void this.loadAndPost(runId, 'show');
    }
    this.panel.reveal(undefined, true);
  }

  /** Shows the three versions (from the CodeLens path, where no webview asked). */
  showConflict(conflict: AcceptConflict): void {
    this.pendingConflict = conflict;
    if (this.ready) this.post({ type: 'acceptConflict', conflict });
    this.panel.reveal(undefined, false);
  }

  /** Tells the webview about an accept done elsewhere (CodeLens). */
  reportAccept(runId: string, report: AcceptReport): void {
    if (report.candidateId === undefined) return;
    this.post({
      type: 'acceptResult',
      runId,
      candidateId: report.candidateId,
      outcome: report.outcome,
      message: report.message,
    });
  }

  private post(message: HostToWebview): void {
    if (this.queued && message.type === 'jobEvent') {
      this.queued.push(message);
      return;
    }
    if (!this.ready) return;
    void this.panel.webview.postMessage(message);
  }

  private async snapshot(): Promise<PanelSnapshot> {
    const runsDir = this.ctx.jobs.runsDirFor(this.promptUri);
    const { summaries } = await historyFor(runsDir, this.promptUri.fsPath).catch((error) => {
      this.ctx.log.warn(
        `results panel: could not list runs in ${runsDir}: ${error instanceof Error ? error.message : String(error)}`,
      );
      return { summaries: [] };
    });
    let run: RunView | undefined;
    if (this.focusRunId) run = (await findRun(this.ctx, this.promptUri, this.focusRunId))?.view;
    if (!run) {
      const job = this.ctx.jobs.latestFor(this.promptUri);
      // findRun merges the acceptances recorded in the log into the live job's events.
      run = job ? ((await findRun(this.ctx, this.promptUri, job.runId))?.view ?? runFromEvents(job.events)) : undefined;
      const latestOnDisk = summaries[0];
      // A job from this session wins unless a newer run exists on disk (e.g. from the CLI).
      if ((!run || (latestOnDisk && job && latestOnDisk.startedAt > job.startedAt.toISOString())) && latestOnDisk) {
        run = (await findRun(this.ctx, this.promptUri, latestOnDisk.runId))?.view ?? run;
      }
    }
    return {
      promptUri: this.promptUri.toString(),
      promptLabel: this.label,
      run,
      history: summaries,
      jobsAllowed: this.ctx.trust.isTrusted(),
      suggestion: this.suggestionView(),
    };
  }

  private async loadAndPost(runId: string, purpose: 'show' | 'compare'): Promise<void> {
    const found = await findRun(this.ctx, this.promptUri, runId);
    if (found) this.post({ type: 'runLoaded', purpose, run: found.view });
    else this.post({ type: 'notice', level: 'error', message: `Run ${runId} was not found under .whetstone/runs.` });
  }

  private receive(message: unknown): void {
    if (!isWebviewMessage(message)) {
      this.ctx.log.warn(`results panel: ignored a malformed message from the webview`);
      return;
    }
    void this.handle(message).catch((error) => {
      this.ctx.log.error(`results panel: ${message.type} failed`, error);
      this.post({
        type: 'notice',
        level: 'error',
        message: `${message.type} failed: ${error instanceof Error ? error.message : String(error)}`,
      });
    });
  }

  private async handle(message: WebviewToHost): Promise<void> {
    switch (message.type) {
      case 'ready': {
        this.ready = false;
        this.queued = [];
        let snapshot: PanelSnapshot;
        const readyAt = Date.now();
        this.readyMs ??= readyAt - this.createdAt;
        try {
          snapshot = await this.snapshot();
          this.snapshotMs ??= Date.now() - readyAt;
        } catch (error) {
          this.queued = undefined;
          throw error;
        }
        this.ready = true;
        const queued = this.queued ?? [];
        this.queued = undefined;
        this.post({ type: 'snapshot', snapshot });
        for (const event of queued) this.post(event);
        if (this.pendingConflict) this.post({ type: 'acceptConflict', conflict: this.pendingConflict });
        return;
      }
      case 'rendered': {
        if (this.measured) return;
        this.measured = true;
        const firstRenderMs = Date.now() - this.createdAt;
        this.ctx.log.info(
          `results panel for ${this.label}: first render ${firstRenderMs} ms after creation ` +
            `(webview ready ${this.readyMs} ms, snapshot ${this.snapshotMs} ms, webview render ${message.renderMs.toFixed(1)} ms)`,
        );
        this.post({
          type: 'measured',
          firstRenderMs,
          readyMs: this.readyMs,
          snapshotMs: this.snapshotMs,
          webviewRenderMs: message.renderMs,
        });
        return;
      }
      case 'accept': {
        const report = await tryAccept(this.ctx, { promptUri: this.promptUri, ...message });
        if (report.outcome === 'conflict' && report.conflict) {
          this.pendingConflict = report.conflict;
          this.post({ type: 'acceptConflict', conflict: report.conflict });
          return;
        }
        if (report.outcome === 'applied') this.pendingConflict = undefined;
        this.post({
          type: 'acceptResult',
          runId: message.runId,
          candidateId: message.candidateId,
          outcome: report.outcome,
          message: report.message,
        });
        return;
      }
      case 'openDiff':
        await openCandidateDiff(this.promptUri, message.runId, message.candidateId);
        return;
      case 'copy': {
        const run = await findRun(this.ctx, this.promptUri, message.runId);
        const candidate = run?.view.candidates.find((c) => c.id === message.candidateId);
        if (!candidate) throw new Error(`no candidate #${message.candidateId} in run ${message.runId}`);
        await vscode.env.clipboard.writeText(candidate.prompt);
        this.post({
          type: 'notice',
          level: 'info',
          message: `Copied candidate #${message.candidateId} to the clipboard.`,
        });
        return;
      }
      case 'cancel':
        this.ctx.jobs.cancel(message.runId);
        return;
      case 'rerun':
        // With a run: asks same seed (cached, free) or new seed; without one it is Optimize.
        await vscode.commands.executeCommand(
          message.runId ? Commands.rerun : Commands.optimize,
          this.promptUri,
          message.runId,
        );
        return;
      case 'optimize':
        await vscode.commands.executeCommand(Commands.optimize, this.promptUri);
        return;
      case 'setApiKey':
        await vscode.commands.executeCommand(Commands.setApiKey);
        return;
      case 'showLog': {
        const run = await findRun(this.ctx, this.promptUri, message.runId);
        if (!run) throw new Error(`the log of run ${message.runId} was not found`);
        await vscode.window.showTextDocument(vscode.Uri.file(run.file), {
          preview: true,
          viewColumn: vscode.ViewColumn.Active,
        });
        return;
      }
      case 'loadRun':
        // A run the user opened from the history stays on display: the panel no longer follows the editor.
        if (message.purpose === 'show') this.pinned = true;
        await this.loadAndPost(message.runId, message.purpose);
        return;
    }
  }

  dispose(): void {
    for (const d of this.disposables.splice(0)) d.dispose();
    for (const listener of this.onDisposeListeners.splice(0)) listener();
  }
}

/** The panel title for a prompt file. */
export function panelTitle(promptUri: vscode.Uri): string {
  return `Whetstone: ${path.basename(promptUri.fsPath)}`;
}
