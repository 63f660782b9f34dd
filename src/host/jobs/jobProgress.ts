/**
 * What a running job looks like: a cancellable progress notification per job
 * (`Optimizing reviews.prompt.yml · APO · round 2/6 · best 0.79 (+0.42) · $0.11`), one status-bar item while any job
 * runs, and a closing notification ("Optimization finished: best 0.96 (+0.58)") with Show Results.
 */
import * as vscode from 'vscode';
import { Commands } from '../commandIds';
import type { HostContext } from '../context';
import type { JobInfo } from './jobManager';
import { formatDelta } from './suggestions';
import { keyRefused, scoreMeaning } from '../../protocol';

/** PMPO's score is −loss in nats/token, not a 0–1 score: say so wherever it is shown. */
function unitOf(job: Pick<JobInfo, 'method'>): string {
  return job.method === 'pmpo' ? ` ${scoreMeaning('pmpo').unit}` : '';
}

/** The failure is the endpoint refusing the key (HTTP 401/403). */
export function progressLine(job: JobInfo): string {
  const parts = [`Optimizing ${job.fileName}`, job.method.toUpperCase()];
  if (job.simulated) parts.push('SIMULATED');
  if (job.round) parts.push(`round ${job.round.round}/${job.round.of}`);
  if (job.incumbent) {
    const delta = job.baselineScore !== undefined ? ` (${formatDelta(job.incumbent.score - job.baselineScore)})` : '';
    parts.push(`best ${job.incumbent.score.toFixed(2)}${unitOf(job)}${delta}`);
  }
  if (job.used) parts.push(job.used.costUsd === null ? `${job.used.calls} calls` : `$${job.used.costUsd.toFixed(2)}`);
  if (job.retrying) parts.push(job.retrying.startsWith('rate-limited') ? job.retrying : `retrying: ${job.retrying}`);
  return parts.join(' · ');
}

export function finishedMessage(job: JobInfo): string {
  const label = job.simulated ? 'SIMULATED · ' : '';
  return label + finishedSentence(job);
}

function finishedSentence(job: JobInfo): string {
  const r = job.result;
  const summary = r
    ? `best ${r.best.score.toFixed(2)}${unitOf(job)} (${formatDelta(r.best.score - r.baseline.score)})`
    : '';
  if (job.status === 'failed')
    return `Optimization of ${job.fileName} failed: ${job.error ?? 'unknown error'}${r ? ` — best so far kept: ${summary}` : ''}`;
  if (job.status === 'cancelled') {
    // The ledger's final count (the result's), the number the results panel shows for this run.
    const calls = job.used ? ` after ${job.used.calls} call${job.used.calls === 1 ? '' : 's'}` : '';
    return `Optimization of ${job.fileName} cancelled${calls}${r ? ` — best so far kept: ${summary}` : ''}`;
  }
  if (r?.stopReason === 'budget') return `Optimization finished: stopped at the budget — best so far kept: ${summary}`;
  return `Optimization finished: ${summary}`;
}

export function registerJobProgress(ctx: HostContext): vscode.Disposable[] {
  const status = vscode.window.createStatusBarItem('whetstone.jobs', vscode.StatusBarAlignment.Left, 10);
  status.name = 'Whetstone jobs';
  status.command = Commands.showJobs;
  const refreshStatus = () => {
    const running = ctx.jobs.running();
    if (!running.length) {
      status.hide();
      void vscode.commands.executeCommand('setContext', 'whetstone.jobRunning', false);
      return;
    }
    status.text =
      running.length === 1
        ? `$(sync~spin) ${progressLine(running[0]).replace(/^Optimizing /, '')}`
        : `$(sync~spin) Whetstone: ${running.length} jobs`;
    status.tooltip = running.map(progressLine).join('\n') + '\nClick to list jobs.';
    status.show();
    void vscode.commands.executeCommand('setContext', 'whetstone.jobRunning', true);
  };

  const showProgress = (job: JobInfo) => {
    void vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, cancellable: true },
      (progress, token) =>
        new Promise<void>((resolve) => {
          progress.report({ message: progressLine(job) });
          token.onCancellationRequested(() => ctx.jobs.cancel(job.runId));
          const events = ctx.jobs.onDidEvent(({ job: j }) => {
            if (j.runId === job.runId) progress.report({ message: progressLine(j) });
          });
          const done = ctx.jobs.onDidFinish((j) => {
            if (j.runId !== job.runId) return;
            events.dispose();
            done.dispose();
            resolve();
          });
        }),
    );
  };

  const announce = async (job: JobInfo) => {
    const suggestion = job.status === 'done' ? ctx.suggestions.offerFrom(job) : undefined;
    const actions = [
      'Show Results',
      ...(suggestion ? ['Accept'] : []),
      // A refused key (a loopback server started with --api-key, too): offer to set it.
      ...(job.status === 'failed' && keyRefused(job.error) ? ['Set API Key'] : []),
      ...(job.status === 'failed' ? ['Retry', 'Show Logs'] : []),
    ];
    const message = finishedMessage(job);
    const show = job.status === 'failed' ? vscode.window.showErrorMessage : vscode.window.showInformationMessage;
    const choice = await show(message, ...actions);
    if (choice === 'Show Results') await vscode.commands.executeCommand(Commands.showResults, job.uri, job.runId);
    else if (choice === 'Accept') await vscode.commands.executeCommand(Commands.acceptSuggestion, job.uri);
    else if (choice === 'Show Logs') ctx.log.show();
    else if (choice === 'Set API Key') await vscode.commands.executeCommand(Commands.setApiKey);
    else if (choice === 'Retry')
      await vscode.commands.executeCommand(Commands.optimize, job.uri, { method: job.method });
  };

  return [
    status,
    ctx.jobs.onDidStart((job) => {
      showProgress(job);
      refreshStatus();
    }),
    ctx.jobs.onDidEvent(refreshStatus),
    ctx.jobs.onDidFinish((job) => {
      refreshStatus();
      void announce(job);
    }),
  ];
}
