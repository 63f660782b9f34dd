/** `whetstone optimize <prompt-file> --method apo|spo|pmpo`: run one optimization job and print its result. */
import * as path from 'node:path';
import { nodeFileSystem } from '../../core/node-file-system';
import { isValidRunId } from '../../core/runs';
import { badRunId } from './runs';
import { startJob, estimateJob, JobInputError, type JobSpec } from '../../core/jobs';
import { NoUsableAnswers } from '../../core/jobs/engine';
import { replaceOptimizableRegion, RegionEditError } from '../../core/documents';
import { METHODS, type Budget, type JobEvent, type Method } from '../../core/jobs/types';
import { CliError, EXIT, usageError } from '../errors';
import { openEndpoint } from '../endpoint';
import { createProgress } from '../progress';
import { loadForCommand, resolveTargetModel, endpointFailure } from './shared';
import { evaluatorName } from '../../core/evaluators';
import { codeEvaluators, codeEvaluatorsTrusted, refusalSentence } from '../trust';
import { meterUsage } from '../usage-meter';

export interface OptimizeFlags {
  method?: string;
  rounds?: string;
  budgetCalls?: string;
  budgetUsd?: string;
  baseUrl?: string;
  model?: string;
  targetModel?: string;
  optimizerModel?: string;
  judgeModel?: string;
  scorerModel?: string;
  seed?: string;
  preset?: string;
  dataset?: string;
  concurrency?: string;
  resume?: string;
  json?: boolean;
  apply?: boolean;
  cache?: boolean;
  trust?: boolean;
  batch?: boolean;
}

export async function optimizeCommand(file: string, flags: OptimizeFlags): Promise<number> {
  const method = flags.method as Method;
  if (!METHODS.includes(method))
    throw usageError(`--method: expected one of ${METHODS.join(', ')}, got ${flags.method ?? 'nothing'}`);
  if (flags.resume !== undefined && !isValidRunId(flags.resume)) throw usageError(badRunId('--resume', flags.resume));
  const progress = createProgress();
  const loaded = await loadForCommand(file, flags.dataset, progress);
  if (!loaded.doc.optimizable) {
    throw usageError(
      `${file}: nothing to optimize: the file has no system message or body (set \`region\` in ${path.basename(loaded.sidecarPath)})`,
    );
  }
  const settings = loaded.settings;
  const budget: Budget = {
    ...settings.budget,
    ...(flags.budgetCalls !== undefined && { calls: positive(flags.budgetCalls, '--budget-calls', true) }),
    ...(flags.budgetUsd !== undefined && { usd: positive(flags.budgetUsd, '--budget-usd', false) }),
  };
  const params: Record<string, unknown> = { ...settings.params };
  if (flags.rounds !== undefined) params.rounds = positive(flags.rounds, '--rounds', true);
  const seed = flags.seed === undefined ? (settings.split?.seed ?? 0) : Number(flags.seed);
  if (!Number.isInteger(seed)) throw usageError(`--seed: expected an integer, got ${flags.seed}`);
  if (flags.preset !== undefined && flags.preset !== 'quick' && flags.preset !== 'default') {
    throw usageError(`--preset: expected quick or default, got ${flags.preset}`);
  }

  // A job optimizes against every evaluator; without its code evaluators the objective would be a different one.
  const trusted = codeEvaluatorsTrusted(file, flags.trust);
  const refused = trusted ? [] : codeEvaluators(loaded.evaluators);
  if (refused.length)
    throw usageError(refusalSentence(file, refused, (s) => evaluatorName(s, loaded.evaluators.indexOf(s))));
  const endpoint = await openEndpoint(flags, process.env, (l) => progress.line(l));
  try {
    const targetName = resolveTargetModel(
      flags.targetModel ?? flags.model ?? settings.models?.target,
      loaded.doc.model,
    );
    const role = (flag: string | undefined, setting: string | undefined) =>
      endpoint.model(flag ?? setting ?? flags.model ?? targetName);
    const spec: JobSpec = {
      method,
      doc: loaded.doc,
      rows: loaded.rows,
      evaluators: loaded.evaluators,
      roles: {
        target: endpoint.model(targetName),
        optimizer: role(flags.optimizerModel, settings.models?.optimizer),
        judge: role(flags.judgeModel, settings.models?.judge),
        scorer: role(flags.scorerModel, settings.models?.scorer),
      },
      llm: endpoint.llm,
      params,
      preset: flags.preset as JobSpec['preset'],
      budget,
      seed,
      split: settings.split,
      runsDir: path.resolve('.whetstone', 'runs'),
      fs: nodeFileSystem,
      trusted,
      requirements: settings.requirements,
      protected: settings.protected,
      resumeRunId: flags.resume,
      concurrency: flags.concurrency === undefined ? undefined : Number(flags.concurrency),
      batch: flags.batch,
    };
    let estimate;
    try {
      estimate = estimateJob(spec);
    } catch (error) {
      if (error instanceof JobInputError) throw usageError(`${file}: ${error.message}`);
      throw error;
    }
    progress.line(
      `${method.toUpperCase()} on ${path.basename(file)}: estimated ${estimate.calls} calls (${estimate.formula})` +
        (estimate.costUsd != null ? ` ≈ $${estimate.costUsd.toFixed(2)}` : '') +
        (flags.batch ? '; the target calls go through the batch API at half price' : ''),
    );
    const meter = meterUsage(endpoint.llm);

    const job = startJob(spec);
    // A stable first line naming the run, so a supervisor (the MCP server, a CI wrapper) can follow or resume it.
    progress.line(`run ${job.runId} started · log ${path.relative(process.cwd(), job.file)}`);
    endpoint.batch?.setResumeHint(`run the same command with --resume ${job.runId}`);
    const onSignal = () => job.cancel();
    process.once('SIGINT', onSignal);
    job.events.on((event: JobEvent) => reportEvent(event, progress));
    const result = await job.result
      .catch((error) => {
        if (error instanceof JobInputError) throw usageError(`${file}: ${error.message}`);
        if (error instanceof NoUsableAnswers)
          throw new CliError(`${method}: the job failed: ${error.message} (run ${job.runId})`, EXIT.endpoint);
        throw endpointFailure(error, endpoint.baseUrl);
      })
      .finally(() => process.off('SIGINT', onSignal));
    progress.finish();

    if (result.stopReason === 'failed' || (result.stopReason === 'budget' && result.rounds.length === 0)) {
      throw new CliError(
        `${method}: ${result.stopReason === 'budget' ? 'the budget ran out before any result' : 'the job failed'}` +
          ` (run ${result.runId})`,
        EXIT.endpoint,
      );
    }
    if (flags.apply && result.best.prompt !== loaded.doc.optimizable.text) {
      const current = await nodeFileSystem.readText(file);
      if (current !== loaded.doc.text)
        throw new CliError(`${file}: changed on disk during the run; not applied (run ${result.runId})`, EXIT.usage);
      let updated: string;
      try {
        updated = replaceOptimizableRegion(loaded.doc, result.best.prompt);
      } catch (error) {
        if (!(error instanceof RegionEditError)) throw error;
        throw new CliError(
          `${file}: not applied: ${error.message} (run ${result.runId} keeps the candidate)`,
          EXIT.usage,
        );
      }
      await nodeFileSystem.writeText(file, updated);
      progress.line(`applied the best candidate to ${file}`);
    }
    const report = {
      runId: result.runId,
      method: result.method,
      baseline: result.baseline,
      best: result.best,
      rounds: result.rounds,
      calls: result.used.calls,
      tokens: result.used.tokens,
      costUsd: result.used.costUsd,
      stopReason: result.stopReason,
      stopMessage: result.stopMessage,
      ...(result.unverified && { unverified: result.unverified }),
      ...(result.heldOut && { heldOut: result.heldOut }),
      ...(estimate.plan && { plan: estimate.plan }),
      ...(flags.batch && { batchCalls: meter.totals.batchCalls }),
      simulated: endpoint.simulated,
    };
    meter.stop();
    if (flags.json) {
      process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    } else {
      const delta = result.best.score - result.baseline.score;
      const held = (v?: number) => (v === undefined ? '' : ` (held-out ${v.toFixed(3)})`);
      process.stdout.write(
        `run ${result.runId} · ${method.toUpperCase()} · ${result.stopReason}${endpoint.simulated ? ' · SIMULATED' : ''}\n` +
          `stopped: ${result.stopMessage ?? result.stopReason}\n` +
          (result.unverified
            ? `candidate #${result.unverified.id} (${result.unverified.score.toFixed(3)}) was not verified; nothing applied from it\n`
            : '') +
          (result.heldOut ? `held-out: a seeded sample of ${result.heldOut.rows} of ${result.heldOut.of} rows\n` : '') +
          `baseline ${result.baseline.score.toFixed(3)}${held(result.baseline.validationScore)} → ` +
          `best ${result.best.score.toFixed(3)}${held(result.best.validationScore)} (${delta >= 0 ? '+' : ''}${delta.toFixed(3)})\n` +
          `${report.calls} calls${meter.totals.batchCalls ? ` (${meter.totals.batchCalls} through the batch API, at half price)` : ''} · ${report.tokens} tokens · ${report.costUsd === null ? 'cost unknown' : `$${report.costUsd.toFixed(4)}`}\n` +
          `\n--- best prompt ---\n${result.best.prompt}\n`,
      );
    }
    return EXIT.ok;
  } finally {
    await endpoint.close();
  }
}

function positive(value: string, flag: string, integer: boolean): number {
  const n = Number(value);
  if (!(n > 0) || (integer && !Number.isInteger(n)))
    throw usageError(`${flag}: expected a positive ${integer ? 'integer' : 'number'}, got ${value}`);
  return n;
}

function reportEvent(event: JobEvent, progress: ReturnType<typeof createProgress>): void {
  switch (event.type) {
    case 'round':
      progress.line(`round ${event.round}/${event.of}`);
      break;
    case 'candidate':
      if (event.candidate.status === 'rejected')
        progress.line(`  candidate #${event.candidate.id} rejected: ${event.candidate.rejectedReason}`);
      break;
    case 'incumbent':
      progress.line(`  best is now #${event.id} (${event.score.toFixed(3)})`);
      break;
    case 'budget':
      progress.update(event.used.calls, event.limit.calls ?? event.used.calls, `calls · ${event.used.tokens} tokens`);
      break;
    case 'log':
      progress.line(`  ${event.level === 'warn' ? 'warning: ' : ''}${event.message}`);
      break;
    default:
      break;
  }
}
