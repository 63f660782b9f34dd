/**
 * The panel's reads of the run store, as view data: a run's RunView (events replayed through the protocol's
 * reducer) and the history of one prompt. Acceptances are appended to the run's own log as `accepted` lines
 * (core's RunAcceptedLine), which core's parser collects.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { listRuns, parseRunText, type RunAcceptedLine, type RunRecord, type RunUndoneLine } from '../../core/runs';
import type { AcceptanceView, RunStatus, RunSummaryView, RunView } from '../../protocol';
import { applySuggestionState, runFromEvents, summarizeRun } from '../../protocol';

export type AcceptanceLine = RunAcceptedLine;

export interface LoadedRun {
  record: RunRecord;
  view: RunView;
}

const MAX_HISTORY = 30;

function viewStatus(record: RunRecord, view: RunView): RunStatus {
  if (record.status === 'interrupted') return 'interrupted';
  return view.status;
}

/** Accepted and undone lines in time order, folded into acceptances (an undo marks the latest accept undone). */
export function acceptancesOf(record: Pick<RunRecord, 'accepted' | 'undone'>): AcceptanceView[] {
  const lines = [...record.accepted, ...(record.undone ?? [])].sort((a, b) => a.at.localeCompare(b.at));
  let out: AcceptanceView[] = [];
  for (const line of lines)
    out = applySuggestionState(
      out,
      { runId: line.runId, candidateId: line.candidateId, state: line.kind === 'accepted' ? 'accepted' : 'undone' },
      line.at,
    );
  return out;
}

/** Reads one run log into a view; undefined when the file is missing or has no header. */
export async function loadRun(file: string): Promise<LoadedRun | undefined> {
  const text = await fs.readFile(file, 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  const record = parseRunText(file, text);
  if (!record) return undefined;
  const replayed = runFromEvents(record.events);
  const base: RunView = replayed ?? {
    runId: record.header.runId,
    method: record.header.method,
    startedAt: record.header.started,
    status: 'running',
    candidates: [],
    warnings: [],
    accepted: [],
  };
  const view: RunView = {
    ...base,
    runId: record.header.runId,
    limit: base.limit ?? record.header.budget,
    accepted: acceptancesOf(record),
  };
  return { record, view: { ...view, status: viewStatus(record, view) } };
}

/** The runs of one prompt file, newest first. */
export async function historyFor(
  runsDir: string,
  promptFile: string,
): Promise<{ summaries: RunSummaryView[]; files: Map<string, string> }> {
  const wanted = path.resolve(promptFile);
  const runs = (await listRuns(runsDir)).filter(
    (r) =>
      path.resolve(
        path.isAbsolute(r.promptFile) ? r.promptFile : path.join(path.dirname(runsDir), '..', r.promptFile),
      ) === wanted,
  );
  const files = new Map<string, string>();
  const summaries: RunSummaryView[] = [];
  for (const run of runs.slice(0, MAX_HISTORY)) {
    const loaded = await loadRun(run.file);
    if (!loaded) continue;
    files.set(run.runId, run.file);
    summaries.push(summarizeRun(loaded.view));
  }
  return { summaries, files };
}

export async function appendAcceptance(file: string, line: AcceptanceLine | RunUndoneLine): Promise<void> {
  await fs.appendFile(file, `${JSON.stringify(line)}\n`);
}
