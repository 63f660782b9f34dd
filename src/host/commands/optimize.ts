/**
 * "Optimize Prompt…": a quick pick that explains APO / SPO / PMPO — what each does, what it needs, whether this
 * file has it, and the pre-run estimate — then starts the job in the background. Unavailable methods stay visible with
 * the reason; picking one offers the fix. An estimate over the budget asks once.
 * Programmatic use (tests, other features): `executeCommand('whetstone.optimize', uri, { method: 'apo', ... })` skips
 * the pick and the confirmation and resolves to `{ runId, runFile }`.
 */
import * as vscode from 'vscode';
import * as path from 'node:path';
import type { Budget, Estimate, Method, MethodParams } from '../../core/jobs/types';
import { LlmError, VSCODE_LM } from '../../core/llm/types';
import { sidecarPathFor } from '../../core/documents';
import type { HostContext } from '../context';
import { JobStartError, type PreparedJob } from '../jobs/jobManager';
import { MissingApiKeyError, missingKeys } from '../jobs/llmClient';
import { endpointsOf } from '../jobs/models';
import { Commands } from '../commandIds';
import { requirePromptUri } from './targetUri';

export interface OptimizeOptions {
  method?: Method;
  params?: Partial<MethodParams>;
  preset?: 'default' | 'quick';
  budget?: Budget;
  seed?: number;
  /** The held-out split's shuffle seed, when it must differ from the file's (see JobRequest). */
  splitSeed?: number;
  resumeRunId?: string;
}

export interface MethodInfo {
  method: Method;
  what: string;
  needs: string;
  /** One line from the method benchmark (BENCHMARKS.md, three simulated tasks × 5 seeds × 200/400/1,000 calls). */
  advice: string;
}

export const METHOD_INFO: MethodInfo[] = [
  {
    method: 'apo',
    advice: 'Best with noisy labels from ~400 calls (BENCHMARKS.md)',
    what: 'Learns from failing test cases (textual gradients + beam search)',
    needs: 'test cases with expected answers or evaluators',
  },
  {
    method: 'spo',
    advice: 'Most reliable on format problems; no labels needed',
    what: 'No labels needed: compares outputs pairwise against requirements',
    needs: '`requirements` in the sidecar',
  },
  {
    method: 'pmpo',
    advice: 'Lowest loss; needs a scorer with log-probs',
    what: "Minimizes the model's loss on expected answers (needs log-probs)",
    needs: 'expected answers and a scorer with log-probs',
  },
  {
    method: 'gepa',
    advice: 'Fewest calls on clean labels: 1.00 held-out in ~60–110 calls',
    what: 'Reflects on outputs and evaluator reasons; keeps every prompt that is best on some case (Pareto pool)',
    needs: 'test cases with expected answers or evaluators (their reasons help)',
  },
  {
    method: 'opro',
    advice: 'Good on missing rules; blind to format errors (sees scores only)',
    what: 'Shows the model the best prompts so far with their scores and asks for a better one',
    needs: 'test cases with expected answers or evaluators',
  },
  {
    method: 'capo',
    advice: 'Needs ~1,000 calls; keeps prompts short',
    what: 'Evolves instruction and few-shot examples; races out losers early; penalizes long prompts',
    needs: 'test cases with expected answers or evaluators',
  },
];

/** Methods that learn from scored test cases (expected answers or evaluators), like APO. */
const SCORED_CASE_METHODS = new Set<Method>(['apo', 'opro', 'capo', 'gepa']);

export interface Availability {
  ok: boolean;
  detail: string;
  fix?: () => Promise<void>;
  estimate?: Estimate;
}

const fmt = (n: number) => n.toLocaleString('en-US');

export function estimateText(e: Estimate): string {
  const cost = e.costUsd === null || e.costUsd === undefined ? '' : ` ≈ $${e.costUsd.toFixed(2)}`;
  return `est. ${fmt(e.calls)} calls${cost}`;
}

async function openSidecar(uri: vscode.Uri, seed: string): Promise<void> {
  const sidecar = vscode.Uri.file(sidecarPathFor(uri.fsPath));
  const exists = await vscode.workspace.fs.stat(sidecar).then(
    () => true,
    () => false,
  );
  if (!exists) {
    const edit = new vscode.WorkspaceEdit();
    edit.createFile(sidecar, { ignoreIfExists: true });
    edit.insert(
      sidecar,
      new vscode.Position(0, 0),
      `# Whetstone optimization settings for ${path.basename(uri.fsPath)}\n${seed}`,
    );
    await vscode.workspace.applyEdit(edit);
  }
  const doc = await vscode.workspace.openTextDocument(sidecar);
  await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.Beside });
}

/** Whether a method can run on this file and endpoint, in one line for the picker (exported for the host tests). */
export async function availability(ctx: HostContext, prepared: PreparedJob, info: MethodInfo): Promise<Availability> {
  const { analysis, spec } = prepared;
  const rows = analysis.rows;
  const labelled = rows.filter((r) => r.expected !== undefined || r.chosen !== undefined).length;
  const addData = async () => openSidecar(analysis.uri, 'dataset: ./data.jsonl\n');
  if (
    SCORED_CASE_METHODS.has(info.method) &&
    (rows.length === 0 || (labelled === 0 && analysis.evaluators.length === 0))
  ) {
    return {
      ok: false,
      detail: `✗ needs ${info.needs}: add \`testData\` or a \`dataset\` (opens the sidecar)`,
      fix: addData,
    };
  }
  if (info.method === 'spo' && !analysis.settings.requirements?.trim()) {
    return {
      ok: false,
      detail: '✗ add `requirements` (opens the sidecar)',
      fix: () => openSidecar(analysis.uri, 'requirements: |\n  Describe what a good answer must do.\n'),
    };
  }
  if (info.method === 'pmpo') {
    if (labelled === 0)
      return { ok: false, detail: '✗ needs expected answers in the test data (opens the sidecar)', fix: addData };
    const scorer = spec.roles.scorer ?? spec.roles.target;
    if (scorer.baseUrl.startsWith(VSCODE_LM)) {
      return {
        ok: false,
        detail: '✗ VS Code language models give no log-probs; pick a local model or vLLM as the scorer',
        fix: async () => {
          await vscode.commands.executeCommand(Commands.selectModels, 'scorer');
        },
      };
    }
    const probe = await Promise.race([
      spec.llm.canScore(scorer).then(
        (ok) => ({ ok, error: undefined as unknown }),
        (error: unknown) => ({ ok: false, error }),
      ),
      new Promise<{ ok: boolean; error: unknown }>((resolve) =>
        setTimeout(() => resolve({ ok: false, error: undefined }), 8000),
      ),
    ]);
    // A refused key is not "cannot score": the probe never got to ask.
    const status = probe.error instanceof LlmError ? probe.error.status : undefined;
    if (status === 401 || status === 403) {
      return {
        ok: false,
        detail: `✗ the endpoint refused the API key (HTTP ${status}): set the key to check it`,
        fix: async () => {
          await vscode.commands.executeCommand(Commands.setApiKey, scorer.baseUrl);
        },
      };
    }
    if (probe.error instanceof LlmError && (probe.error.kind === 'unreachable' || probe.error.kind === 'timeout')) {
      return {
        ok: false,
        detail: `✗ could not reach ${scorer.baseUrl} to check that it can score`,
        fix: async () => {
          await vscode.commands.executeCommand(Commands.selectModels, 'scorer');
        },
      };
    }
    if (!probe.ok) {
      return {
        ok: false,
        detail: '✗ this endpoint cannot score; use a local model or vLLM (sets the scorer model)',
        fix: async () => {
          await vscode.commands.executeCommand(Commands.selectModels, 'scorer');
        },
      };
    }
  }
  try {
    const estimate = await ctx.jobs.estimate({ ...prepared, spec: { ...spec, method: info.method } });
    const plural = (n: number, word: string) => `${fmt(n)} ${word}${n === 1 ? '' : 's'}`;
    const has = SCORED_CASE_METHODS.has(info.method)
      ? `${plural(rows.length, 'case')}${labelled ? ` (${fmt(labelled)} with expected answers)` : ` · ${plural(analysis.evaluators.length, 'evaluator')}`}`
      : info.method === 'spo'
        ? `requirements set${rows.length ? ` · ${plural(rows.length, 'sample input')}` : ''}`
        : `${plural(labelled, 'expected answer')} · ${(spec.roles.scorer ?? spec.roles.target).model} can score`;
    return { ok: true, detail: `✓ ${has} · ${estimateText(estimate)}`, estimate };
  } catch (error) {
    return { ok: false, detail: `✗ ${error instanceof Error ? error.message : String(error)}` };
  }
}

interface MethodPick extends vscode.QuickPickItem {
  info: MethodInfo;
  availability: Availability;
}

async function pickMethod(
  ctx: HostContext,
  prepared: PreparedJob,
): Promise<{ method: Method; estimate?: Estimate } | undefined> {
  const qp = vscode.window.createQuickPick<MethodPick>();
  qp.title = `Optimize ${path.basename(prepared.analysis.uri.fsPath)}`;
  qp.placeholder = 'Choose an optimization method';
  qp.busy = true;
  qp.matchOnDetail = true;
  // It checks each method's data and endpoint for a moment: a focus change meanwhile (a walkthrough marking its step
  // done) must not close it.
  qp.ignoreFocusOut = true;
  qp.items = METHOD_INFO.map((info) => ({
    label: info.method.toUpperCase(),
    description: info.what,
    detail: 'checking…',
    info,
    availability: { ok: false, detail: '' },
  }));
  qp.show();
  const items = await Promise.all(
    METHOD_INFO.map(async (info): Promise<MethodPick> => {
      const a = await availability(ctx, prepared, info);
      return {
        label: `${a.ok ? '' : '$(circle-slash) '}${info.method.toUpperCase()}`,
        description: info.what,
        detail: `${a.detail} · ${info.advice}`,
        info,
        availability: a,
      };
    }),
  );
  qp.items = items;
  const preferred =
    items.find((i) => i.info.method === prepared.analysis.settings.method && i.availability.ok) ??
    items.find((i) => i.availability.ok);
  if (preferred) qp.activeItems = [preferred];
  qp.busy = false;
  const picked = await new Promise<MethodPick | undefined>((resolve) => {
    qp.onDidAccept(() => resolve(qp.selectedItems[0]));
    qp.onDidHide(() => resolve(undefined));
  });
  qp.dispose();
  if (!picked) return undefined;
  if (!picked.availability.ok) {
    if (picked.availability.fix) await picked.availability.fix();
    else
      void vscode.window.showWarningMessage(
        `${picked.info.method.toUpperCase()} cannot run on this file: ${picked.availability.detail.replace(/^✗ /, '')}`,
      );
    return undefined;
  }
  return { method: picked.info.method, estimate: picked.availability.estimate };
}

/** Asks once when the estimate exceeds the budget; true to go on. */
async function confirmBudget(estimate: Estimate | undefined, budget: Budget): Promise<boolean> {
  if (!estimate) return true;
  const overCalls = budget.calls !== undefined && estimate.calls > budget.calls;
  const overUsd =
    budget.usd !== undefined &&
    estimate.costUsd !== null &&
    estimate.costUsd !== undefined &&
    estimate.costUsd > budget.usd;
  if (!overCalls && !overUsd) return true;
  const limit = [
    budget.calls !== undefined ? `${fmt(budget.calls)} calls` : '',
    budget.usd !== undefined ? `$${budget.usd.toFixed(2)}` : '',
  ]
    .filter(Boolean)
    .join(' / ');
  const choice = await vscode.window.showWarningMessage(
    `The estimate (${estimateText(estimate)}) exceeds the budget (${limit}). The job will stop at the budget and keep the best prompt so far.`,
    {
      modal: true,
      detail:
        `This run is expected to make about ${fmt(estimate.calls)} model calls, more than the limit allows. ` +
        'To allow more, raise `budget` in the prompt’s sidecar file or the Whetstone › Budget settings.',
    },
    'Start Anyway',
  );
  return choice === 'Start Anyway';
}

/** Tells the user why a job did not start; never waits for the notification (callers resolve at once). */
export function showStartError(ctx: HostContext, error: unknown): void {
  if (error instanceof MissingApiKeyError) {
    ctx.log.warn(error.message);
    void vscode.window.showWarningMessage(error.message, 'Set API Key').then((choice) => {
      if (choice) void vscode.commands.executeCommand(Commands.setApiKey, error.baseUrl);
    });
    return;
  }
  const message = error instanceof Error ? error.message : String(error);
  if (!(error instanceof JobStartError)) ctx.log.error('could not start the job', error);
  void vscode.window.showErrorMessage(`Whetstone: ${message}`);
}

export function registerOptimizeCommand(ctx: HostContext): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand(Commands.optimize, async (arg?: unknown, options?: OptimizeOptions | unknown[]) => {
      const programmatic = options && !Array.isArray(options) ? (options as OptimizeOptions) : undefined;
      if (!ctx.trust.require('Optimizing a prompt')) return undefined;
      const uri = await requirePromptUri(arg, 'optimize');
      if (!uri) return undefined;
      try {
        const prepared = await ctx.jobs.prepare({ uri, method: programmatic?.method ?? 'apo', ...programmatic });
        let method = programmatic?.method;
        if (!method) {
          // A missing key is said before the picker, not after the user chose (the picker would probe the endpoint).
          const missing = await missingKeys(endpointsOf(prepared.spec.roles), ctx.keys);
          if (missing.length) throw missing[0];
          const choice = await pickMethod(ctx, prepared);
          if (!choice) return undefined;
          if (!(await confirmBudget(choice.estimate, prepared.spec.budget))) return undefined;
          method = choice.method;
        }
        const job = await ctx.jobs.start({ ...prepared, spec: { ...prepared.spec, method } });
        return { runId: job.runId, runFile: job.runFile };
      } catch (error) {
        showStartError(ctx, error);
        return undefined;
      }
    }),
  ];
}
