/**
 * Language-model tools (agent mode): evaluate a prompt file, start an optimization, read a run's status and result.
 * Runs go through the same job manager, trust gate and keys as the commands. Writing a candidate into a file stays a
 * human action: the result carries the prompt and a link that opens the results panel on it, where the user accepts.
 */
import * as vscode from 'vscode';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runEval } from '../../core/evaluation/run-eval';
import type { Method } from '../../core/jobs/types';
import type { HostContext } from '../context';
import { Commands } from '../commandIds';
import { prepareEval } from '../jobs/evalSetup';
import { trustMessage } from '../trust';
import { caseLine } from '../commands/runTests';

interface FileInput {
  file: string;
}
interface OptimizeInput extends FileInput {
  method: Method;
  budgetCalls?: number;
}
interface RunInput {
  runId: string;
}

export const ToolNames = {
  eval: 'whetstone_eval',
  optimize: 'whetstone_optimize',
  runStatus: 'whetstone_run_status',
  runResult: 'whetstone_run_result',
} as const;

const text = (...parts: string[]) =>
  new vscode.LanguageModelToolResult(parts.map((p) => new vscode.LanguageModelTextPart(p)));

export function registerLanguageModelTools(ctx: HostContext): vscode.Disposable[] {
  // Older hosts without the tools API keep every other feature.
  if (typeof vscode.lm?.registerTool !== 'function') return [];
  const requireTrust = (action: string) => {
    if (!ctx.trust.isTrusted()) throw new Error(trustMessage(action));
  };

  const evalTool: vscode.LanguageModelTool<FileInput> = {
    prepareInvocation: ({ input }) => ({
      invocationMessage: `Running the tests of ${path.basename(input.file)}`,
      confirmationMessages: {
        title: 'Run prompt tests?',
        message: `Whetstone will run ${input.file} over its test rows with its target model (model calls may cost money).`,
      },
    }),
    async invoke({ input }, token) {
      requireTrust('Running prompt tests');
      const uri = promptFileUri(input.file);
      const { analysis, roles, region, llm } = await prepareEval(ctx, uri);
      const controller = new AbortController();
      token.onCancellationRequested(() => controller.abort());
      const result = await runEval({
        doc: { ...analysis.doc, optimizable: region },
        rows: analysis.rows,
        evaluators: analysis.evaluators,
        llm,
        target: roles.target,
        judge: roles.judge,
        trusted: ctx.trust.isTrusted(),
        signal: controller.signal,
      });
      const failing = result.results.filter((r) => !r.pass).slice(0, 10);
      return text(
        `${path.basename(uri.fsPath)}: ${result.passed}/${result.cases} passed · score ${result.score.toFixed(3)} · target ${roles.target.model}`,
        ...failing.map(caseLine),
      );
    },
  };

  const optimizeTool: vscode.LanguageModelTool<OptimizeInput> = {
    async prepareInvocation({ input }) {
      return {
        invocationMessage: `Starting ${input.method.toUpperCase()} on ${path.basename(input.file)}`,
        confirmationMessages: {
          title: `Optimize ${path.basename(input.file)} with ${input.method.toUpperCase()}?`,
          message:
            `Whetstone will run ${input.method.toUpperCase()} in the background` +
            (input.budgetCalls ? `, at most ${input.budgetCalls} model calls` : ' within your budget settings') +
            '. The file is not changed: you review and accept the result.',
        },
      };
    },
    async invoke({ input }) {
      requireTrust('Optimizing a prompt');
      const uri = promptFileUri(input.file);
      const prepared = await ctx.jobs.prepare({
        uri,
        method: input.method,
        ...(input.budgetCalls && { budget: { calls: input.budgetCalls } }),
      });
      const job = await ctx.jobs.start(prepared);
      return text(
        `Started run ${job.runId} (${job.method.toUpperCase()}) on ${job.fileName}. ` +
          `Ask ${ToolNames.runStatus} for progress and ${ToolNames.runResult} for the result.`,
      );
    },
  };

  const statusTool: vscode.LanguageModelTool<RunInput> = {
    prepareInvocation: ({ input }) => ({ invocationMessage: `Reading run ${input.runId}` }),
    async invoke({ input }) {
      const job = ctx.jobs.get(input.runId);
      if (!job)
        return text(`No run ${input.runId} in this window (runs started here are listed by the Runs CodeLens).`);
      const parts = [`run ${job.runId} · ${job.method.toUpperCase()} · ${job.fileName} · ${job.status}`];
      if (job.round) parts.push(`round ${job.round.round}/${job.round.of}`);
      if (job.incumbent) parts.push(`best so far #${job.incumbent.id} ${job.incumbent.score.toFixed(3)}`);
      if (job.used) parts.push(`${job.used.calls} calls`);
      if (job.error) parts.push(`error: ${job.error}`);
      return text(parts.join(' · '));
    },
  };

  const resultTool: vscode.LanguageModelTool<RunInput> = {
    prepareInvocation: ({ input }) => ({ invocationMessage: `Reading the result of run ${input.runId}` }),
    async invoke({ input }) {
      const job = ctx.jobs.get(input.runId);
      if (!job) return text(`No run ${input.runId} in this window.`);
      if (!job.result)
        return text(`Run ${input.runId} is ${job.status}${job.error ? `: ${job.error}` : ''}; no result yet.`);
      const { baseline, best, stopReason } = job.result;
      const review = `command:${Commands.showResults}?${encodeURIComponent(JSON.stringify([job.uri.fsPath, job.runId]))}`;
      return text(
        `Run ${job.runId} (${job.method.toUpperCase()}) ended: ${stopReason}. Baseline ${baseline.score.toFixed(3)} → best #${best.id} ${best.score.toFixed(3)}.`,
        `Best prompt:\n${best.prompt}`,
        `The file is unchanged. To put this prompt into ${job.fileName}, the user reviews and accepts it: [Review and accept](${review}).`,
      );
    },
  };

  return [
    vscode.lm.registerTool(ToolNames.eval, evalTool),
    vscode.lm.registerTool(ToolNames.optimize, optimizeTool),
    vscode.lm.registerTool(ToolNames.runStatus, statusTool),
    vscode.lm.registerTool(ToolNames.runResult, resultTool),
  ];
}

/** A tool's file argument: absolute, or relative to a workspace folder; it must lie inside one. */
function promptFileUri(file: string): vscode.Uri {
  const folders = vscode.workspace.workspaceFolders ?? [];
  const candidates = path.isAbsolute(file) ? [file] : folders.map((f) => path.join(f.uri.fsPath, file));
  for (const candidate of candidates) {
    const resolved = path.resolve(candidate);
    if (!fs.existsSync(resolved)) continue;
    const inside = folders.some((f) => {
      const rel = path.relative(f.uri.fsPath, resolved);
      return !rel.startsWith('..') && !path.isAbsolute(rel);
    });
    if (inside) return vscode.Uri.file(resolved);
  }
  throw new Error(`${file}: no such prompt file inside this workspace`);
}
