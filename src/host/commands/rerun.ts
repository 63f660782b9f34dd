/**
 * "Re-run Optimization…" (the panel's Re-run / Retry / Run again, or the palette for the active prompt's latest run):
 * asks whether to repeat the run with its own seed — answered from the response cache, free when nothing changed —
 * or with a new seed, which makes new calls and may find a different prompt; then starts it through Optimize with the
 * run's method, preset and parameters and its held-out split, so the two runs score on the same rows.
 * Programmatic use (tests): `executeCommand('whetstone.rerun', uri, runId, { seed: 'same' | 'new' })` skips the pick
 * and resolves to `{ runId, runFile, seed }`.
 */
import * as vscode from 'vscode';
import * as path from 'node:path';
import type { MethodParams, StopReason } from '../../core/jobs/types';
import { findRunFile, isValidRunId, readRun, type RunRecord } from '../../core/runs';
import type { HostContext } from '../context';
import { Commands } from '../commandIds';
import { estimateText, showStartError, type OptimizeOptions } from './optimize';
import { cacheReuse, nextSeed, rerunChoices, type RerunChoice, type SeedChoice } from './rerunChoices';
import { requirePromptUri } from './targetUri';

/** A run that ended before its plan did: a same-seed re-run may go on past where it stopped. */
const STOPPED_EARLY = new Set<StopReason>(['budget', 'cancelled', 'failed']);

interface RerunPlan {
  record: RunRecord;
  options: OptimizeOptions;
  choices: [RerunChoice, RerunChoice];
}

async function readRunOf(ctx: HostContext, uri: vscode.Uri, runId: unknown): Promise<RunRecord | undefined> {
  const id = typeof runId === 'string' && isValidRunId(runId) ? runId : (await ctx.jobs.runsFor(uri))[0]?.runId;
  if (!id) return undefined;
  const file = await findRunFile(ctx.jobs.runsDirFor(uri), id);
  return file ? readRun(file) : undefined;
}

/** The run's own settings, the seeds on offer and what each choice costs. */
async function planRerun(ctx: HostContext, uri: vscode.Uri, record: RunRecord): Promise<RerunPlan> {
  const { header } = record;
  const newSeed = nextSeed((await ctx.jobs.runsFor(uri)).map((r) => r.seed));
  const prepared = await ctx.jobs.prepare({ uri, method: header.method, seed: newSeed });
  const options: OptimizeOptions = {
    method: header.method,
    preset: header.preset,
    params: header.params as Partial<MethodParams>,
    // Logs from before splitSeed was recorded: the file's split seed, else the job seed (as the engine chose then).
    splitSeed: header.splitSeed ?? prepared.analysis.settings.split?.seed ?? header.seed,
  };
  prepared.spec = {
    ...prepared.spec,
    preset: options.preset,
    params: { ...prepared.spec.params, ...options.params },
    split: { ...prepared.spec.split, seed: options.splitSeed },
  };
  const estimate = await ctx.jobs.estimate(prepared).then(estimateText, () => undefined);
  const reuse = cacheReuse({
    finished: record.status === 'done' && !STOPPED_EARLY.has(record.result?.stopReason ?? 'failed'),
    promptUnchanged: prepared.spec.doc.optimizable?.text === header.originalRegion,
    cacheEnabled: ctx.settings.read().cacheEnabled,
  });
  return { record, options, choices: rerunChoices({ previousSeed: header.seed, newSeed, reuse, estimate }) };
}

async function pickSeed(plan: RerunPlan): Promise<RerunChoice | undefined> {
  return vscode.window.showQuickPick<RerunChoice>(plan.choices, {
    title: `Re-run ${plan.record.header.method.toUpperCase()} on ${path.basename(plan.record.header.promptFile)}`,
    placeHolder: 'Repeat this run, or search again with a new seed?',
  });
}

export function registerRerunCommand(ctx: HostContext): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand(Commands.rerun, async (arg?: unknown, runId?: unknown, options?: unknown) => {
      if (!ctx.trust.require('Re-running an optimization')) return undefined;
      const uri = await requirePromptUri(arg, 're-run');
      if (!uri) return undefined;
      try {
        const record = await readRunOf(ctx, uri, runId);
        if (!record) {
          void vscode.window.showInformationMessage(
            'Whetstone: no earlier run of this prompt to repeat — use Optimize Prompt… to start one.',
          );
          return undefined;
        }
        const plan = await planRerun(ctx, uri, record);
        const wanted = (options as { seed?: SeedChoice } | undefined)?.seed;
        const choice = wanted ? plan.choices.find((c) => c.choice === wanted) : await pickSeed(plan);
        if (!choice) return undefined;
        const started = await vscode.commands.executeCommand<{ runId: string; runFile: string } | undefined>(
          Commands.optimize,
          uri,
          { ...plan.options, seed: choice.seed },
        );
        return started && { ...started, seed: choice.seed };
      } catch (error) {
        showStartError(ctx, error);
        return undefined;
      }
    }),
  ];
}
