/**
 * Finds a run for the panel and for Accept: the live job (JobManager keeps every event) or, failing that, its log
 * file under the workspace's `.whetstone/runs/`.
 */
import type * as vscode from 'vscode';
import { findRunFile, isValidRunId } from '../../core/runs';
import type { RunView } from '../../protocol';
import { runFromEvents } from '../../protocol';
import type { HostContext } from '../context';
import { loadRun } from './runLog';
import { isSimulatedUrl } from '../jobs/simulatedEndpoint';

export interface RunSource {
  view: RunView;
  /** The run's log file (where acceptances are recorded). */
  file: string;
  /** The optimized region's text when the run started. */
  originalRegion: string;
  live: boolean;
}

export async function findRun(ctx: HostContext, promptUri: vscode.Uri, runId: string): Promise<RunSource | undefined> {
  // Ids arrive from commands, candidate-document URIs and the webview: only a valid run id becomes part of a path.
  if (!isValidRunId(runId)) return undefined;
  const job = ctx.jobs.get(runId);
  if (job) {
    const replayed = runFromEvents(job.events);
    const onDisk = await loadRun(job.runFile);
    const view = replayed ?? onDisk?.view;
    if (view) {
      return {
        view: { ...view, accepted: onDisk?.view.accepted ?? view.accepted, simulated: job.simulated },
        file: job.runFile,
        originalRegion: job.originalRegion,
        live: job.status === 'running',
      };
    }
  }
  const file = await findRunFile(ctx.jobs.runsDirFor(promptUri), runId);
  if (!file) return undefined;
  const loaded = await loadRun(file);
  if (!loaded) return undefined;
  const simulated = Object.values(loaded.record.header.roles ?? {}).some((r) => isSimulatedUrl(r?.baseUrl));
  return {
    view: { ...loaded.view, simulated },
    file,
    originalRegion: loaded.record.header.originalRegion,
    live: false,
  };
}
