/** "Show Running Jobs", "Show Results", "Resume Interrupted Job", "Show Logs", and the interrupted-run notice. */
import * as vscode from 'vscode';
import type { HostContext } from '../context';
import { Commands } from '../commandIds';
import { progressLine } from '../jobs/jobProgress';
import { promptUriFrom } from './targetUri';
import { showStartError } from './optimize';
import type { RunSummary } from '../../core/runs';
import { interruptedNotice, promptPathOf } from '../jobs/runNames';

/** A file as the user knows it in this workspace (relative to its folder; the folder's name too in a multi-root one). */
const relativePath = (file: string): string => vscode.workspace.asRelativePath(file, true);

function runLabel(r: RunSummary): string {
  const scores = r.bestScore !== undefined ? ` · ${r.baselineScore?.toFixed(2) ?? '?'}→${r.bestScore.toFixed(2)}` : '';
  return `${r.started.slice(0, 16).replace('T', ' ')} · ${r.method.toUpperCase()}${scores} · ${r.status}${r.stopReason && r.stopReason !== 'done' ? ` (${r.stopReason})` : ''}`;
}

async function resume(ctx: HostContext, run: RunSummary): Promise<{ runId: string } | undefined> {
  if (!ctx.trust.require('Resuming a job')) return undefined;
  const uri = vscode.Uri.file(promptPathOf(run));
  try {
    const prepared = await ctx.jobs.prepare({ uri, method: run.method, resumeRunId: run.runId });
    const job = await ctx.jobs.start(prepared);
    return { runId: job.runId };
  } catch (error) {
    showStartError(ctx, error);
    return undefined;
  }
}

export function registerJobCommands(ctx: HostContext): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand(Commands.showJobs, async () => {
      const jobs = ctx.jobs.list().sort((a, b) => +b.startedAt - +a.startedAt);
      if (!jobs.length) {
        void vscode.window.showInformationMessage('Whetstone: no jobs in this session.');
        return;
      }
      const picked = await vscode.window.showQuickPick(
        jobs.map((j) => ({
          label: `${j.status === 'running' ? '$(sync~spin)' : j.status === 'done' ? '$(check)' : '$(error)'} ${j.fileName}`,
          description: j.status === 'running' ? progressLine(j).replace(/^Optimizing [^·]+· /, '') : j.status,
          job: j,
        })),
        { title: 'Whetstone jobs' },
      );
      if (!picked) return;
      const actions = picked.job.status === 'running' ? ['Show Results', 'Cancel Job'] : ['Show Results'];
      const action =
        actions.length === 1 ? actions[0] : await vscode.window.showQuickPick(actions, { title: picked.job.fileName });
      if (action === 'Cancel Job') ctx.jobs.cancel(picked.job.runId);
      else if (action === 'Show Results')
        await vscode.commands.executeCommand(Commands.showResults, picked.job.uri, picked.job.runId);
    }),

    vscode.commands.registerCommand(Commands.showResults, async (arg?: unknown, runId?: unknown) => {
      const uri = promptUriFrom(arg);
      const wantedRun = typeof runId === 'string' ? runId : undefined;
      if (uri && ctx.resultsPanel.show) {
        await ctx.resultsPanel.show(uri, wantedRun);
        return;
      }
      // Without the panel: pick a run of this prompt and open its log.
      const runs = uri ? await ctx.jobs.runsFor(uri) : [];
      const run = wantedRun
        ? runs.find((r) => r.runId === wantedRun)
        : runs.length === 1
          ? runs[0]
          : (
              await vscode.window.showQuickPick(
                runs.map((r) => ({ label: runLabel(r), run: r })),
                { title: 'Whetstone runs' },
              )
            )?.run;
      if (run) await vscode.window.showTextDocument(vscode.Uri.file(run.file), { preview: true });
      else if (!runs.length)
        void vscode.window.showInformationMessage(
          'Whetstone: no runs yet for this prompt — use Optimize Prompt… to start one.',
        );
    }),

    vscode.commands.registerCommand(Commands.resumeJob, async (runIdArg?: unknown) => {
      const interrupted = await ctx.jobs.interruptedRuns();
      if (!interrupted.length) {
        void vscode.window.showInformationMessage('Whetstone: no interrupted jobs.');
        return undefined;
      }
      const run =
        typeof runIdArg === 'string'
          ? interrupted.find((r) => r.runId === runIdArg)
          : interrupted.length === 1
            ? interrupted[0]
            : (
                await vscode.window.showQuickPick(
                  interrupted.map((r) => ({
                    label: relativePath(promptPathOf(r)),
                    description: runLabel(r),
                    detail: `run ${r.runId}`,
                    run: r,
                  })),
                  { title: 'Resume which job?' },
                )
              )?.run;
      return run ? resume(ctx, run) : undefined;
    }),

    vscode.commands.registerCommand(Commands.showLogs, () => ctx.log.show()),
  ];
}

/** On activation: "1 interrupted job — Resume". */
export async function announceInterruptedRuns(ctx: HostContext): Promise<void> {
  const runs = await ctx.jobs.interruptedRuns();
  if (!runs.length) return;
  ctx.log.info(`interrupted runs: ${runs.map((r) => r.runId).join(', ')}`);
  const choice = await vscode.window.showInformationMessage(interruptedNotice(runs, relativePath), 'Resume');
  if (choice) await vscode.commands.executeCommand(Commands.resumeJob, runs.length === 1 ? runs[0].runId : undefined);
}
