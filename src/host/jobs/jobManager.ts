/**
 * Runs optimization jobs in the background, several at once (one per prompt file), and tells the UI about them.
 * Runs persist under `<workspace>/.whetstone/runs/`; a run with no final line is "interrupted" and can be resumed.
 * UI-free: progress notifications, the status bar and the panel subscribe to the events.
 */
import * as vscode from 'vscode';
import * as path from 'node:path';
import type {
  Budget,
  BudgetUsed,
  Estimate,
  JobEvent,
  JobHandle,
  JobResult,
  JobSpec,
  Method,
  MethodParams,
} from '../../core/jobs/types';
import { listRuns, type RunSummary } from '../../core/runs';
import { nodeFileSystem } from '../../core/node-file-system';
import { chooseRegion } from '../../core/documents/region';
import type { PromptAnalyzer, PromptAnalysis } from '../language/promptAnalyzer';
import type { Settings } from '../config';
import type { ApiKeyStore } from '../secrets';
import type { Logger } from '../logger';
import { workspaceRootFor } from '../workspaceFiles';
import { endpointsOf, resolveRoles } from './models';
import { resolveEndpointSettings } from './simulatedEndpoint';
import { createHostLlmClient, missingKeys } from './llmClient';
import { estimateEngineJob, startEngineJob } from './engine';

export type JobStatus = 'running' | 'done' | 'failed' | 'cancelled';

/** The LLM client's retry line: `<reason>; retry 2/6 in 1.0 s`. */
const RETRY_LINE = /; (retry \d+\/\d+ in [\d.]+ s|rate-limited: resuming in \d+ s)$/;

export interface JobRequest {
  uri: vscode.Uri;
  method: Method;
  resumeRunId?: string;
  params?: Partial<MethodParams>;
  preset?: 'default' | 'quick';
  budget?: Budget;
  seed?: number;
  /** Shuffles the held-out split with this seed instead of the file's (a Re-run keeps its run's split). */
  splitSeed?: number;
}

export interface JobInfo {
  runId: string;
  uri: vscode.Uri;
  fileName: string;
  method: Method;
  status: JobStatus;
  runFile: string;
  startedAt: Date;
  round?: { round: number; of: number };
  incumbent?: { id: number; score: number };
  baselineScore?: number;
  used?: BudgetUsed;
  limit?: Budget;
  result?: JobResult;
  error?: string;
  /** Every event so far, for late subscribers (the panel replays them). */
  events: JobEvent[];
  /** The optimized region's text when the job started: Accept refuses if the file changed since. */
  originalRegion: string;
  /** On the offline simulated endpoint: every result shown is labelled SIMULATED. */
  simulated?: boolean;
  /** The latest retry notice from the LLM client ("HTTP 429 from …; retry 2/6 in 1.0 s"), until calls succeed again. */
  retrying?: string;
}

/** A job that cannot start; `message` is shown to the user as is. */
export class JobStartError extends Error {}

export interface PreparedJob {
  spec: JobSpec;
  analysis: PromptAnalysis;
  workspaceRoot: string;
  /** Where the job's LLM client sends its lines once the job has started. */
  clientLines: { sink?: (line: string) => void };
  /** On the offline simulated endpoint (results are labelled SIMULATED). */
  simulated: boolean;
}

export class JobManager implements vscode.Disposable {
  private readonly jobs = new Map<string, { info: JobInfo; handle: JobHandle }>();
  private readonly started = new vscode.EventEmitter<JobInfo>();
  private readonly evented = new vscode.EventEmitter<{ job: JobInfo; event: JobEvent }>();
  private readonly finished = new vscode.EventEmitter<JobInfo>();
  readonly onDidStart = this.started.event;
  /** Every engine event, after `JobInfo` was updated from it. */
  readonly onDidEvent = this.evented.event;
  readonly onDidFinish = this.finished.event;

  constructor(
    private readonly analyzer: PromptAnalyzer,
    private readonly settings: Settings,
    private readonly keys: ApiKeyStore,
    private readonly log: Logger,
    private readonly extensionPath: string,
    private readonly isTrusted: () => boolean,
  ) {}

  runsDirFor(uri: vscode.Uri): string {
    const root = workspaceRootFor(uri) ?? path.dirname(uri.fsPath);
    return path.join(root, '.whetstone', 'runs');
  }

  list(): JobInfo[] {
    return [...this.jobs.values()].map((j) => j.info);
  }

  running(): JobInfo[] {
    return this.list().filter((j) => j.status === 'running');
  }

  get(runId: string): JobInfo | undefined {
    return this.jobs.get(runId)?.info;
  }

  /** The latest job for a prompt file (running first). */
  latestFor(uri: vscode.Uri): JobInfo | undefined {
    const mine = this.list().filter((j) => j.uri.toString() === uri.toString());
    return mine.find((j) => j.status === 'running') ?? mine.sort((a, b) => +b.startedAt - +a.startedAt)[0];
  }

  cancel(runId: string): void {
    this.jobs.get(runId)?.handle.cancel();
  }

  /** Builds the engine's job spec for a prompt file (no model call is made). */
  async prepare(request: JobRequest): Promise<PreparedJob> {
    const doc = await vscode.workspace.openTextDocument(request.uri);
    const analysis = await this.analyzer.analyze(doc);
    if (!analysis)
      throw new JobStartError(`Could not read ${path.basename(request.uri.fsPath)}; see Whetstone: Show Logs.`);
    const errors = analysis.diagnostics.filter((d) => d.severity === 'error');
    if (errors.length) {
      const first = errors[0];
      throw new JobStartError(
        `${path.basename(first.file)}:${first.line}: ${first.message}` +
          (errors.length > 1 ? ` (and ${errors.length - 1} more problem${errors.length > 2 ? 's' : ''})` : ''),
      );
    }
    const { region, problem } = chooseRegion(analysis.doc);
    if (!region) throw new JobStartError(`${path.basename(request.uri.fsPath)} has no prompt text to optimize.`);
    if (problem) this.log.warn(problem);
    const settings = await resolveEndpointSettings(this.settings.read(), this.log);
    const roles = resolveRoles(analysis.doc, analysis.settings, settings);
    const workspaceRoot = workspaceRootFor(request.uri) ?? path.dirname(request.uri.fsPath);
    const fileBudget = analysis.settings.budget ?? {};
    const budget: Budget = {
      calls: fileBudget.calls ?? settings.budget.calls,
      usd: fileBudget.usd ?? settings.budget.usd,
      ...(fileBudget.tokens !== undefined ? { tokens: fileBudget.tokens } : {}),
      ...(fileBudget.seconds !== undefined ? { seconds: fileBudget.seconds } : {}),
      ...request.budget,
    };
    const clientLines: PreparedJob['clientLines'] = {};
    const llm = await createHostLlmClient({
      baseUrls: endpointsOf(roles),
      keys: this.keys,
      settings,
      workspaceRoot,
      extensionPath: this.extensionPath,
      log: this.log,
      onLine: (line) => clientLines.sink?.(line),
    });
    const spec: JobSpec = {
      method: request.method,
      doc: { ...analysis.doc, optimizable: region },
      rows: analysis.rows,
      evaluators: analysis.evaluators,
      roles,
      llm,
      params: { ...(analysis.settings.params as Partial<MethodParams> | undefined), ...request.params },
      preset: request.preset ?? 'default',
      budget,
      seed: request.seed ?? analysis.settings.split?.seed ?? 0,
      split:
        request.splitSeed === undefined
          ? analysis.settings.split
          : { ...analysis.settings.split, seed: request.splitSeed },
      runsDir: this.runsDirFor(request.uri),
      fs: nodeFileSystem,
      trusted: this.isTrusted(),
      resumeRunId: request.resumeRunId,
      requirements: analysis.settings.requirements,
      protected: analysis.settings.protected,
      concurrency: settings.concurrency,
    };
    return { spec, analysis, workspaceRoot, clientLines, simulated: settings.simulated };
  }

  async estimate(prepared: PreparedJob): Promise<Estimate> {
    return estimateEngineJob(prepared.spec);
  }

  /** Starts a prepared job. Throws MissingApiKeyError (before any call) when a remote endpoint has no key. */
  async start(prepared: PreparedJob): Promise<JobInfo> {
    const { spec, analysis } = prepared;
    const uri = analysis.uri;
    const already = this.running().find((j) => j.uri.toString() === uri.toString());
    if (already)
      throw new JobStartError(
        `${already.fileName} is already being optimized (${already.method.toUpperCase()}); cancel it first.`,
      );
    const missing = await missingKeys(endpointsOf(spec.roles), this.keys);
    if (missing.length) throw missing[0];

    const handle = startEngineJob(spec);
    const info: JobInfo = {
      runId: handle.runId,
      uri,
      fileName: path.basename(uri.fsPath),
      method: spec.method,
      status: 'running',
      runFile: handle.file,
      startedAt: new Date(),
      events: [],
      originalRegion: spec.doc.optimizable?.text ?? '',
      simulated: prepared.simulated,
    };
    this.jobs.set(info.runId, { info, handle });
    prepared.clientLines.sink = (line) => {
      if (!RETRY_LINE.test(line) || info.status !== 'running') return;
      // The progress shows "rate-limited: resuming in 40 s" as it is; other retries with their error.
      info.retrying = /rate-limited: resuming in \d+ s$/.exec(line)?.[0] ?? line;
      // Recorded like an engine event (the panel shows it); already in the log through the client's logger.
      const event: JobEvent = { type: 'log', level: 'warn', message: line };
      info.events.push(event);
      this.evented.fire({ job: info, event });
    };
    this.log.info(
      `job ${info.runId}: ${info.method.toUpperCase()} seed ${spec.seed} on ${uri.fsPath} → ${handle.file}`,
    );
    handle.events.on((event) => this.apply(info, event));
    this.started.fire(info);
    handle.result.then(
      (result) =>
        this.finish(
          info,
          result.stopReason === 'cancelled' ? 'cancelled' : result.stopReason === 'failed' ? 'failed' : 'done',
          result,
        ),
      (error: unknown) =>
        this.finish(info, 'failed', undefined, error instanceof Error ? error.message : String(error)),
    );
    return info;
  }

  /** Resolves when the job ends (at once if it already has). */
  whenFinished(runId: string): Promise<JobInfo> {
    const job = this.get(runId);
    if (!job || job.status !== 'running') return Promise.resolve(job!);
    return new Promise((resolve) => {
      const sub = this.onDidFinish((j) => {
        if (j.runId === runId) {
          sub.dispose();
          resolve(j);
        }
      });
    });
  }

  private apply(info: JobInfo, event: JobEvent): void {
    info.events.push(event);
    switch (event.type) {
      case 'round':
        info.round = { round: event.round, of: event.of };
        break;
      case 'incumbent':
        info.incumbent = { id: event.id, score: event.score };
        if (event.id === 0) info.baselineScore = event.score;
        break;
      case 'candidate':
        if (event.candidate.id === 0 && event.candidate.score !== undefined) info.baselineScore = event.candidate.score;
        break;
      case 'budget':
        info.used = event.used;
        info.limit = event.limit;
        info.retrying = undefined;
        break;
      case 'log':
        (event.level === 'warn' ? this.log.warn : this.log.info)(`job ${info.runId}: ${event.message}`);
        break;
      case 'failed':
        info.error = event.error;
        break;
      default:
        break;
    }
    this.evented.fire({ job: info, event });
  }

  private finish(info: JobInfo, status: JobStatus, result?: JobResult, error?: string): void {
    if (info.status !== 'running') return;
    info.status = status;
    info.result = result;
    if (result) {
      info.baselineScore = result.baseline.score;
      info.used = result.used;
      info.incumbent = { id: result.best.id, score: result.best.score };
    }
    if (error) info.error = error;
    // Bounded memory over a long session: a finished job stays (for its file's CodeLens and panel) until a newer job
    // on the same file finishes; older runs are read back from their run logs.
    for (const [id, job] of this.jobs) {
      if (job.info !== info && job.info.status !== 'running' && job.info.uri.toString() === info.uri.toString())
        this.jobs.delete(id);
    }
    this.log.info(
      `job ${info.runId}: ${status}${result ? ` best ${result.best.score.toFixed(3)} (baseline ${result.baseline.score.toFixed(3)}, ${result.used.calls} calls)` : ''}${error ? `: ${error}` : ''}`,
    );
    this.finished.fire(info);
  }

  /** Runs in the workspace's run stores that have no final line and are not running here. */
  async interruptedRuns(): Promise<RunSummary[]> {
    const out: RunSummary[] = [];
    const live = new Set(this.running().map((j) => j.runId));
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      const runs = await listRuns(path.join(folder.uri.fsPath, '.whetstone', 'runs')).catch(() => []);
      out.push(...runs.filter((r) => r.status === 'interrupted' && !live.has(r.runId)));
    }
    return out;
  }

  /** Runs recorded for one prompt file (newest first). */
  async runsFor(uri: vscode.Uri): Promise<RunSummary[]> {
    const runsDir = this.runsDirFor(uri);
    const root = path.dirname(path.dirname(runsDir));
    const runs = await listRuns(runsDir).catch(() => []);
    return runs.filter((r) => path.resolve(root, r.promptFile) === uri.fsPath);
  }

  dispose(): void {
    for (const { info, handle } of this.jobs.values()) if (info.status === 'running') handle.cancel();
    this.started.dispose();
    this.evented.dispose();
    this.finished.dispose();
  }
}
