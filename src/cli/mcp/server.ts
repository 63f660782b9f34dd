/**
 * `whetstone mcp`: a stdio MCP server (the official SDK) whose tools run the `whetstone` CLI contract — eval,
 * optimize (start, returns a run id), run_status, run_result, cancel_run, check — in the directory it was started in.
 * Code evaluators run only when the server itself was started with --trust; accepting a candidate into a file stays
 * a human action (the result carries the prompt; `whetstone optimize --apply` or the editor writes it).
 */
import * as path from 'node:path';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { METHODS } from '../../core/jobs/types';
import { spawnCli, failureReason, type CliOutcome } from './cli-process';
import { OptimizeJobs, type OptimizeJob } from './optimize-jobs';
import { progressReporter, type ToolExtra } from './progress';

export interface McpOptions {
  /** The workspace: prompt files must lie inside it; runs and cache live in its .whetstone/. */
  root: string;
  /** Passed on to every child: run the files' code evaluators (the user said so when starting the server). */
  trust: boolean;
  version: string;
}

const RUN_ID = /^\d{8}-\d{6}-[a-z]+-[0-9a-f]{4}$/;
const endpointShape = {
  baseUrl: z.string().optional().describe('OpenAI-compatible base URL (default: $OPENAI_BASE_URL; `sim` = simulated)'),
  model: z.string().optional().describe("target model (default: the file's model); local:/path.gguf for a local model"),
  dataset: z.string().optional().describe("dataset file instead of the file's own test rows"),
  concurrency: z.number().int().positive().optional(),
  noCache: z.boolean().optional().describe('bypass the response cache'),
  batch: z
    .boolean()
    .optional()
    .describe("send the target calls through the provider's batch API: half price, results can take hours"),
};

export function createWhetstoneMcpServer(options: McpOptions): { server: McpServer; close(): Promise<void> } {
  const server = new McpServer({ name: 'whetstone', version: options.version }, { capabilities: { logging: {} } });
  const jobs = new OptimizeJobs(options.root, ({ runId, line }) => {
    void server.sendLoggingMessage({ level: 'info', logger: `whetstone/${runId}`, data: line }).catch(() => undefined);
  });
  const inRoot = (file: string) => insideRoot(options.root, file);
  const trustFlag = options.trust ? ['--trust'] : [];

  server.registerTool(
    'eval',
    {
      title: 'Evaluate a prompt file',
      description:
        'Run a prompt file (.prompt.yml, .prompty, .prompt.md) over its test rows and evaluators, as `whetstone eval` does. Returns the pass/fail per case, the score, calls, tokens and cost.',
      inputSchema: { file: z.string().describe('prompt file, relative to the workspace'), ...endpointShape },
    },
    async (args, extra) => {
      const file = inRoot(args.file);
      const report = progressReporter(extra as ToolExtra);
      const child = spawnCli(['eval', file, '--json', ...endpointArgs(args), ...trustFlag], {
        cwd: options.root,
        onLine: (line) => {
          const m = /^(\d+)\/(\d+) cases/.exec(line);
          if (m) report(Number(m[1]), Number(m[2]), line);
        },
      });
      const onAbort = () => child.interrupt();
      extra.signal.addEventListener('abort', onAbort, { once: true });
      const outcome = await child.done.finally(() => extra.signal.removeEventListener('abort', onAbort));
      // Exit 0 and 1 both carry the contract's object: 1 only means some cases failed.
      if (outcome.code !== 0 && outcome.code !== 1) return toolError(failureReason(outcome));
      const result = JSON.parse(outcome.stdout) as Record<string, unknown>;
      return {
        content: [
          { type: 'text' as const, text: `${result.passed}/${result.cases} passed · score ${String(result.score)}` },
        ],
        structuredContent: result,
      };
    },
  );

  server.registerTool(
    'optimize',
    {
      title: 'Start an optimization',
      description:
        'Start optimizing the prompt of a file with APO, SPO, PMPO, OPRO, CAPO or GEPA (as `whetstone optimize`). Returns a run id at once; follow it with run_status, read it with run_result, stop it with cancel_run. With wait: true the call lasts until the run ends, reporting progress, and cancelling the call cancels the run. Never edits the file.',
      inputSchema: {
        file: z.string().describe('prompt file, relative to the workspace'),
        method: z.enum(METHODS),
        budgetCalls: z.number().int().positive().optional().describe('stop after at most N model calls'),
        budgetUsd: z.number().positive().optional(),
        rounds: z.number().int().positive().optional(),
        seed: z.number().int().optional(),
        preset: z.enum(['quick', 'default']).optional(),
        optimizerModel: z.string().optional(),
        judgeModel: z.string().optional(),
        scorerModel: z.string().optional(),
        wait: z.boolean().optional().describe('wait for the end of the run (default: return the run id at once)'),
        ...endpointShape,
      },
    },
    async (args, extra) => {
      const file = inRoot(args.file);
      const cliArgs = ['optimize', file, '--method', args.method, '--json', ...endpointArgs(args), ...trustFlag];
      const numeric: [string, number | undefined][] = [
        ['--budget-calls', args.budgetCalls],
        ['--budget-usd', args.budgetUsd],
        ['--rounds', args.rounds],
        ['--seed', args.seed],
      ];
      for (const [flag, value] of numeric) if (value !== undefined) cliArgs.push(flag, String(value));
      const named: [string, string | undefined][] = [
        ['--preset', args.preset],
        ['--optimizer-model', args.optimizerModel],
        ['--judge-model', args.judgeModel],
        ['--scorer-model', args.scorerModel],
      ];
      for (const [flag, value] of named) if (value !== undefined) cliArgs.push(flag, value);
      let job: OptimizeJob;
      try {
        job = await jobs.start(cliArgs);
      } catch (error) {
        return toolError((error as Error).message);
      }
      if (!args.wait) {
        return {
          content: [{ type: 'text' as const, text: `started run ${job.runId} (${args.method}) on ${args.file}` }],
          structuredContent: { runId: job.runId, logFile: job.logFile, status: 'running' },
        };
      }
      return waitForJob(job, extra as ToolExtra);
    },
  );

  server.registerTool(
    'check',
    {
      title: 'Check prompt files',
      description:
        'The diagnostics the editor shows for prompt files (as `whetstone check`): per file, each problem with line, column, severity, code and message; `errors` counts the ones that block a run.',
      inputSchema: { files: z.array(z.string()).min(1).describe('prompt files, relative to the workspace') },
    },
    async ({ files }) => {
      const outcome = await spawnCli(['check', ...files.map(inRoot), '--json'], { cwd: options.root }).done;
      // Exit 1 only means some file has errors: the report is the answer either way.
      if (outcome.code !== 0 && outcome.code !== 1) return toolError(failureReason(outcome));
      const report = JSON.parse(outcome.stdout) as { errors: number; warnings: number; infos: number };
      return {
        content: [
          {
            type: 'text' as const,
            text: `${report.errors} error(s), ${report.warnings} warning(s), ${report.infos} info(s)`,
          },
        ],
        structuredContent: report,
      };
    },
  );

  server.registerTool(
    'run_status',
    {
      title: 'Status of a run',
      description:
        'Status of an optimization run (running, done with its stop reason, or interrupted) with its latest progress lines and candidate count.',
      inputSchema: { runId: z.string() },
    },
    async ({ runId }) => {
      const id = checkRunId(runId);
      if (!id.ok) return toolError(id.reason);
      const job = jobs.get(runId);
      const stored = await showRun(options.root, runId);
      if (!stored.ok && !job) return toolError(stored.reason);
      const record = stored.ok ? stored.value : undefined;
      const status = job && !job.outcome ? 'running' : ((record?.status as string | undefined) ?? 'unknown');
      const summary = {
        runId,
        status,
        recent: job?.recent.slice(-5) ?? [],
        candidates: Array.isArray(record?.candidates)
          ? new Set(record.candidates.map((c: { id: number }) => c.id)).size
          : 0,
        stopReason: (record?.result as { stopReason?: string } | undefined)?.stopReason,
      };
      return {
        content: [
          {
            type: 'text' as const,
            text: `run ${runId}: ${status}${summary.recent.length ? ` · ${summary.recent.at(-1)}` : ''}`,
          },
        ],
        structuredContent: summary,
      };
    },
  );

  server.registerTool(
    'run_result',
    {
      title: 'Result of a finished run',
      description:
        'The result of a finished optimization run: baseline and best score, the best prompt, rounds, calls, tokens, cost and stop reason. To put the prompt into the file, a person runs `whetstone optimize --apply` or accepts it in the editor.',
      inputSchema: { runId: z.string() },
    },
    async ({ runId }) => {
      const id = checkRunId(runId);
      if (!id.ok) return toolError(id.reason);
      const job = jobs.get(runId);
      if (job && !job.outcome) return toolError(`run ${runId} is still running: ask run_status, or wait`);
      if (job?.outcome) return jobResult(job.outcome);
      const stored = await showRun(options.root, runId);
      if (!stored.ok) return toolError(stored.reason);
      if (!stored.value.result) return toolError(`run ${runId} has no result (status ${String(stored.value.status)})`);
      return {
        content: [{ type: 'text' as const, text: JSON.stringify(stored.value.result) }],
        structuredContent: stored.value.result as Record<string, unknown>,
      };
    },
  );

  server.registerTool(
    'cancel_run',
    {
      title: 'Cancel a run',
      description:
        'Cancel an optimization run this server started; it stops with the best prompt so far kept in its log.',
      inputSchema: { runId: z.string() },
    },
    async ({ runId }) => {
      const job = jobs.get(runId);
      if (!job) return toolError(`run ${runId} was not started by this server`);
      if (!job.outcome) job.child.interrupt();
      const outcome = await job.child.done;
      return jobResult(outcome, `run ${runId} cancelled`);
    },
  );

  return { server, close: () => jobs.closeAll() };
}

async function waitForJob(job: OptimizeJob, extra: ToolExtra) {
  const report = progressReporter(extra);
  const onLine = (line: string) => {
    const m = /^round (\d+)\/(\d+)/.exec(line);
    if (m) report(Number(m[1]) - 1, Number(m[2]), line);
  };
  const stop = () => job.child.interrupt();
  extra.signal.addEventListener('abort', stop, { once: true });
  job.listeners.add(onLine);
  const outcome = await job.child.done.finally(() => {
    job.listeners.delete(onLine);
    extra.signal.removeEventListener('abort', stop);
  });
  return jobResult(outcome);
}

function jobResult(outcome: CliOutcome, prefix?: string) {
  if (outcome.code !== 0 || !outcome.stdout.trim()) return toolError(failureReason(outcome));
  const result = JSON.parse(outcome.stdout) as Record<string, unknown>;
  const best = result.best as { score?: number } | undefined;
  const baseline = result.baseline as { score?: number } | undefined;
  const text = `${prefix ? `${prefix}: ` : ''}run ${String(result.runId)} ${String(result.stopReason)}: baseline ${baseline?.score} → best ${best?.score}`;
  return { content: [{ type: 'text' as const, text }], structuredContent: result };
}

async function showRun(root: string, runId: string): Promise<Checked<Record<string, any>>> {
  const outcome = await spawnCli(['runs', 'show', runId, '--json'], { cwd: root }).done;
  if (outcome.code !== 0) return { ok: false, reason: failureReason(outcome) };
  return { ok: true, value: JSON.parse(outcome.stdout) as Record<string, any> };
}

type Checked<T> = { ok: true; value: T } | { ok: false; reason: string };

function checkRunId(runId: string): Checked<string> {
  return RUN_ID.test(runId)
    ? { ok: true, value: runId }
    : { ok: false, reason: `not a run id: ${JSON.stringify(runId)} (expected e.g. 20261127-091502-apo-3f9a)` };
}

function endpointArgs(args: {
  baseUrl?: string;
  model?: string;
  dataset?: string;
  concurrency?: number;
  noCache?: boolean;
  batch?: boolean;
}) {
  const out: string[] = [];
  if (args.baseUrl) out.push('--base-url', args.baseUrl);
  if (args.model) out.push('--model', args.model);
  if (args.dataset) out.push('--dataset', args.dataset);
  if (args.concurrency) out.push('--concurrency', String(args.concurrency));
  if (args.noCache) out.push('--no-cache');
  if (args.batch) out.push('--batch');
  return out;
}

/** A prompt file (or dataset) outside the server's workspace is refused: an agent cannot point it elsewhere. */
function insideRoot(root: string, file: string): string {
  const resolved = path.resolve(root, file);
  const rel = path.relative(root, resolved);
  if (rel.startsWith('..') || path.isAbsolute(rel)) throw new Error(`${file}: outside the workspace ${root}`);
  return rel;
}

function toolError(message: string) {
  return { content: [{ type: 'text' as const, text: message }], isError: true };
}
