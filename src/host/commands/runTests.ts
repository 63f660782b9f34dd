/**
 * "Run Prompt Tests" (also the CodeLens "▶ Run tests"): runs the prompt over its test rows with its evaluators as a
 * Test Explorer run — so the Testing view and the gutter show each row's verdict — cancellable, and writes per-case
 * results to the "Whetstone Tests" output; resolves to the run result for programmatic callers.
 */
import * as vscode from 'vscode';
import * as path from 'node:path';
import type { EvalCaseResult, EvalRunResult } from '../../core/evaluation/run-eval';
import type { HostContext } from '../context';
import { Commands } from '../commandIds';
import { prepareEval } from '../jobs/evalSetup';
import { JobStartError } from '../jobs/jobManager';
import { requirePromptUri } from './targetUri';
import { showStartError } from './optimize';

function preview(value: unknown, max = 60): string {
  const s = (typeof value === 'string' ? value : (JSON.stringify(value) ?? '')).replace(/\s+/g, ' ').trim();
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

export function caseLine(c: EvalCaseResult): string {
  const vars = Object.entries(c.vars)
    .map(([k, v]) => `${k}=${preview(v, 40)}`)
    .join(', ');
  const failed = c.evaluations
    .filter((e) => !e.pass)
    .map((e) => `${e.name}${e.feedback ? `: ${preview(e.feedback, 80)}` : ''}`);
  return (
    `${c.pass ? '✓' : '✗'} #${c.index + 1} score ${c.score.toFixed(2)}  ${vars}\n    output: ${preview(c.output, 120)}` +
    (c.expected !== undefined ? `\n    expected: ${preview(c.expected, 120)}` : '') +
    (failed.length ? `\n    failed: ${failed.join('; ')}` : '')
  );
}

export function registerRunTestsCommand(ctx: HostContext): vscode.Disposable[] {
  const output = vscode.window.createOutputChannel('Whetstone Tests');
  const run = async (arg?: unknown): Promise<EvalRunResult | undefined> => {
    if (!ctx.trust.require('Running prompt tests')) return undefined;
    const uri = await requirePromptUri(arg, 'test');
    if (!uri) return undefined;
    try {
      const setup = await prepareEval(ctx, uri);
      const { analysis, roles, simulated } = setup;
      const label = simulated ? 'SIMULATED · ' : '';
      const name = path.basename(uri.fsPath);
      output.clear();
      output.appendLine(
        `${label}${name} · ${analysis.rows.length} cases · ${roles.target.model} @ ${simulated ? 'the offline simulated endpoint' : roles.target.baseUrl}`,
      );
      const explorer = ctx.testExplorer;
      if (!explorer) throw new JobStartError('Prompt tests are not ready yet; try again in a moment.');
      // Through the Test Explorer's controller, so the Testing view and the gutter show each row's verdict too.
      const result = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `Testing ${name}`, cancellable: true },
        (progress, token) =>
          explorer.runFile(uri, {
            setup,
            token,
            onCase: (c, done, total) => {
              output.appendLine(caseLine(c));
              progress.report({ message: `${done}/${total}`, increment: 100 / total });
            },
          }),
      );
      const summary = `${label}Prompt tests for ${name}: ${result.passed}/${result.cases} passed · score ${result.score.toFixed(2)}`;
      output.appendLine(summary);
      ctx.log.info(summary);
      void vscode.window.showInformationMessage(summary, 'Show Details').then((c) => c && output.show(true));
      return result;
    } catch (error) {
      if (error instanceof Error && /abort/i.test(error.name + error.message)) {
        void vscode.window.showInformationMessage('Prompt tests cancelled.');
        return undefined;
      }
      showStartError(ctx, error);
      return undefined;
    }
  };
  return [output, vscode.commands.registerCommand(Commands.runTests, run)];
}
