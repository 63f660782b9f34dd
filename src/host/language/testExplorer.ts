/**
 * Prompt tests in VS Code's Test Explorer: one item per prompt file, one child per test row (at its line when the
 * row is inline). Running items runs those rows (core `runEval`); a failing row shows its output against the
 * expected answer as a diff. Items refresh as the prompt, its sidecar or its dataset change.
 */
import * as vscode from 'vscode';
import * as path from 'node:path';
import { runEval, type EvalCaseResult, type EvalRunResult } from '../../core/evaluation/run-eval';
import type { HostContext } from '../context';
import { prepareEval, type EvalSetup } from '../jobs/evalSetup';
import { JobStartError } from '../jobs/jobManager';
import { trustMessage } from '../trust';
import { isPromptDocument, isPromptFileName } from './selectors';
import { RecordedTestRun, type TestRunRecord } from './recordedTestRun';

const ROW_SEPARATOR = '#row:';

function rowLabel(vars: Record<string, unknown>, index: number, id?: string): string {
  if (id) return id;
  const first = Object.values(vars)[0];
  const text = (typeof first === 'string' ? first : (JSON.stringify(first) ?? '')).replace(/\s+/g, ' ').trim();
  return `${index + 1}: ${text.length > 60 ? `${text.slice(0, 59)}…` : text}`;
}

/** One row's verdict on the TestRun: passed, or failed with the evaluators' reasons (a diff when it has an answer). */
function reportCase(testRun: RecordedTestRun, item: vscode.TestItem, c: EvalCaseResult, duration: number): void {
  testRun.appendOutput(`${c.pass ? '✓' : '✗'} ${item.label}: ${c.output.replace(/\r?\n/g, '\r\n')}\r\n`, item);
  if (c.pass) {
    testRun.passed(item, duration);
    return;
  }
  const failed = c.evaluations
    .filter((e) => !e.pass)
    .map((e) => `${e.name}${e.feedback ? `: ${e.feedback}` : ''}`)
    .join('\n');
  const message =
    c.expected !== undefined
      ? vscode.TestMessage.diff(failed || `score ${c.score.toFixed(2)}`, c.expected, c.output)
      : new vscode.TestMessage(`${failed || `score ${c.score.toFixed(2)}`}\n\noutput: ${c.output}`);
  testRun.failed(item, message, duration);
}

export interface RunFileOptions {
  token?: vscode.CancellationToken;
  /** Each row's result as it arrives (the command's output channel and progress). */
  onCase?: (c: EvalCaseResult, done: number, total: number) => void;
  /** An already prepared setup (the command prepares one first, to report problems before the run starts). */
  setup?: EvalSetup;
}

export interface PromptTestExplorer extends vscode.Disposable {
  controller: vscode.TestController;
  /** Re-reads one prompt file's rows into its item (creating it). */
  refresh(uri: vscode.Uri): Promise<vscode.TestItem | undefined>;
  /** Runs items (files or rows) and resolves with the per-row outcomes, for tests and callers. */
  run(
    items: readonly vscode.TestItem[],
    token?: vscode.CancellationToken,
  ): Promise<Map<string, EvalCaseResult | Error>>;
  /**
   * Runs every row of one prompt file as a TestRun (the Testing view and the gutter show each verdict) and resolves
   * with the run result; throws when the run cannot start or the endpoint fails (Run Prompt Tests and its CodeLens).
   */
  runFile(uri: vscode.Uri, opts?: RunFileOptions): Promise<EvalRunResult>;
  /** What the latest TestRun reported per item. */
  lastRun?: TestRunRecord;
}

export function createPromptTestExplorer(ctx: HostContext): PromptTestExplorer {
  const controller = vscode.tests.createTestController('whetstone.promptTests', 'Prompt Tests');
  const subscriptions: vscode.Disposable[] = [controller];

  const explorer: PromptTestExplorer = {
    controller,
    refresh: (uri) => refresh(uri),
    run: (items, token) => run(items, token),
    runFile: (uri, opts) => runFile(uri, opts),
    dispose: () => subscriptions.forEach((s) => s.dispose()),
  };

  const refresh = async (uri: vscode.Uri): Promise<vscode.TestItem | undefined> => {
    const doc = await vscode.workspace.openTextDocument(uri);
    const analysis = await ctx.analyzer.analyze(doc);
    if (!analysis) return undefined;
    let file = controller.items.get(uri.toString());
    if (!analysis.rows.length) {
      if (file) controller.items.delete(file.id);
      return undefined;
    }
    if (!file) {
      file = controller.createTestItem(uri.toString(), path.basename(uri.fsPath), uri);
      controller.items.add(file);
    }
    const inline = analysis.rowsSource === 'testData';
    file.children.replace(
      analysis.rows.map((row, i) => {
        const item = controller.createTestItem(
          `${uri.toString()}${ROW_SEPARATOR}${i}`,
          rowLabel(row.vars, i, row.id),
          uri,
        );
        if (inline && row.line) item.range = new vscode.Range(row.line - 1, 0, row.line - 1, 0);
        return item;
      }),
    );
    return file;
  };

  controller.resolveHandler = async (item) => {
    if (item) return;
    const files = await vscode.workspace.findFiles(
      '**/*.{prompt.yml,prompt.yaml,prompty,prompt.md}',
      '**/node_modules/**',
      500,
    );
    await Promise.all(files.map((f) => refresh(f).catch(() => undefined)));
  };

  /** Rows of `file` to run: all of them, or the given indexes. */
  const rowItemsOf = (file: vscode.TestItem, rows: Set<number> | 'all'): vscode.TestItem[] => {
    const out: vscode.TestItem[] = [];
    file.children.forEach((c) => {
      const index = Number(c.id.split(ROW_SEPARATOR)[1]);
      if (rows === 'all' || rows.has(index)) out.push(c);
    });
    return out;
  };

  /**
   * Runs some rows of one prompt file, reporting each on `testRun`; throws (after marking the rows not yet reported
   * as errored) when the run cannot start or the endpoint fails, so a command can offer the fix.
   */
  const runRows = async (
    testRun: RecordedTestRun,
    file: vscode.TestItem,
    requested: vscode.TestItem[],
    outcomes: Map<string, EvalCaseResult | Error>,
    opts: RunFileOptions,
  ): Promise<EvalRunResult> => {
    let rowItems = requested;
    const fail = (error: unknown): unknown => {
      const message = error instanceof Error ? error.message : String(error);
      for (const item of rowItems)
        if (!outcomes.has(item.id)) {
          testRun.errored(item, new vscode.TestMessage(message));
          outcomes.set(item.id, new Error(message));
        }
      return error;
    };
    if (!ctx.trust.isTrusted()) throw fail(new Error(trustMessage('Running prompt tests')));
    let setup: EvalSetup;
    try {
      setup = opts.setup ?? (await prepareEval(ctx, file.uri!));
    } catch (error) {
      throw fail(error);
    }
    // Rows may have changed since the items were made: keep only items whose row still exists, in step.
    const pairs = rowItems
      .map((item) => ({ item, row: setup.analysis.rows[Number(item.id.split(ROW_SEPARATOR)[1])] }))
      .filter((p) => p.row !== undefined);
    rowItems = pairs.map((p) => p.item);
    for (const item of rowItems) testRun.started(item);
    const abort = new AbortController();
    opts.token?.onCancellationRequested(() => abort.abort());
    const started = Date.now();
    try {
      return await runEval({
        doc: { ...setup.analysis.doc, optimizable: setup.region },
        rows: pairs.map((p) => p.row),
        evaluators: setup.analysis.evaluators,
        llm: setup.llm,
        target: setup.roles.target,
        judge: setup.roles.judge,
        trusted: true,
        signal: abort.signal,
        onCase: (c, done, total) => {
          opts.onCase?.(c, done, total);
          const item = rowItems[c.index];
          if (!item) return;
          outcomes.set(item.id, c);
          reportCase(testRun, item, c, Date.now() - started);
        },
      });
    } catch (error) {
      throw fail(error);
    }
  };

  /** Starts a TestRun shown in the Testing view and the gutter, and remembers it as the latest run. */
  const startTestRun = (items: readonly vscode.TestItem[]): RecordedTestRun => {
    const testRun = new RecordedTestRun(controller.createTestRun(new vscode.TestRunRequest(items), undefined, true));
    explorer.lastRun = testRun.record;
    return testRun;
  };

  const run = async (items: readonly vscode.TestItem[], token?: vscode.CancellationToken) => {
    const outcomes = new Map<string, EvalCaseResult | Error>();
    const testRun = startTestRun(items);
    // Group the requested rows by prompt file (a file item means all its rows).
    const byFile = new Map<string, { file: vscode.TestItem; rows: Set<number> | 'all' }>();
    for (const item of items) {
      const [fileId, row] = item.id.split(ROW_SEPARATOR);
      const file = row === undefined ? item : (item.parent ?? controller.items.get(fileId));
      if (!file) continue;
      const entry = byFile.get(file.id) ?? { file, rows: new Set<number>() };
      if (row === undefined) entry.rows = 'all';
      else if (entry.rows !== 'all') entry.rows.add(Number(row));
      byFile.set(file.id, entry);
    }
    try {
      for (const { file, rows } of byFile.values()) {
        if (token?.isCancellationRequested) break;
        // A file that cannot run has its rows marked errored with the reason; the others still run.
        await runRows(testRun, file, rowItemsOf(file, rows), outcomes, { token }).catch(() => undefined);
      }
    } finally {
      testRun.end();
    }
    return outcomes;
  };

  const runFile = async (uri: vscode.Uri, opts: RunFileOptions = {}): Promise<EvalRunResult> => {
    const file = await refresh(uri);
    if (!file) throw new JobStartError(`${path.basename(uri.fsPath)} has no test cases to run.`);
    const testRun = startTestRun([file]);
    try {
      return await runRows(testRun, file, rowItemsOf(file, 'all'), new Map(), opts);
    } finally {
      testRun.end();
    }
  };

  controller.createRunProfile(
    'Run',
    vscode.TestRunProfileKind.Run,
    async (request, token) => {
      if (!ctx.trust.require('Running prompt tests')) return;
      const items: vscode.TestItem[] = [];
      if (request.include) items.push(...request.include);
      else controller.items.forEach((i) => items.push(i));
      const excluded = new Set((request.exclude ?? []).map((i) => i.id));
      await run(
        items.filter((i) => !excluded.has(i.id)),
        token,
      );
    },
    true,
  );

  const timers = new Map<string, ReturnType<typeof setTimeout>>();
  const refreshSoon = (uri: vscode.Uri) => {
    if (!isPromptFileName(uri.fsPath)) return;
    const key = uri.toString();
    clearTimeout(timers.get(key));
    timers.set(
      key,
      setTimeout(() => {
        timers.delete(key);
        void refresh(uri).catch(() => undefined);
      }, ctx.settings.read().diagnosticsDelayMs),
    );
  };
  subscriptions.push(
    vscode.workspace.onDidOpenTextDocument((d) => {
      if (isPromptDocument(d)) refreshSoon(d.uri);
    }),
    vscode.workspace.onDidChangeTextDocument((e) => {
      if (isPromptDocument(e.document)) refreshSoon(e.document.uri);
    }),
    ctx.analyzer.onDidInvalidate((uris) => uris.forEach(refreshSoon)),
    {
      dispose: () => {
        for (const t of timers.values()) clearTimeout(t);
      },
    },
  );
  for (const d of vscode.workspace.textDocuments) if (isPromptDocument(d)) refreshSoon(d.uri);

  return explorer;
}

export function registerTestExplorer(ctx: HostContext): vscode.Disposable[] {
  const explorer = createPromptTestExplorer(ctx);
  ctx.testExplorer = explorer;
  return [explorer];
}
