/** `whetstone runs [list | show <run-id>]`: the run store under .whetstone/runs, as a table or JSON. */
import * as path from 'node:path';
import { listRuns, listDamagedRuns, findRunFile, readRun, isValidRunId, RUN_ID_PATTERN } from '../../core/runs';
import { nodeFileSystem } from '../../core/node-file-system';
import { usageError } from '../errors';

export async function runsCommand(
  action: string,
  runId: string | undefined,
  flags: { json?: boolean },
): Promise<number> {
  const runsDir = path.resolve('.whetstone', 'runs');
  if (action === 'list') {
    const runs = await listRuns(runsDir, nodeFileSystem);
    const damaged = await listDamagedRuns(runsDir, nodeFileSystem);
    if (flags.json) {
      const listed = [...runs, ...damaged.map((d) => ({ ...d, status: 'damaged' as const }))];
      process.stdout.write(`${JSON.stringify(listed, null, 2)}\n`);
    } else if (!runs.length && !damaged.length) {
      process.stdout.write(`no runs in ${runsDir}\n`);
    } else {
      for (const r of runs) {
        const scores = r.baselineScore === undefined ? '' : ` ${fmt(r.baselineScore)}→${fmt(r.bestScore)}`;
        process.stdout.write(
          `${r.runId}  ${r.started}  ${r.method.toUpperCase().padEnd(4)} ${r.status.padEnd(11)}` +
            `${r.promptFile}${scores}${r.calls === undefined ? '' : ` · ${r.calls} calls`}\n`,
        );
      }
      for (const d of damaged) process.stdout.write(`${d.runId}  damaged: ${d.reason} (${d.file})\n`);
    }
    return 0;
  }
  if (action !== 'show') throw usageError(`runs: unknown action ${action} (expected list or show <run-id>)`);
  if (!runId) throw usageError('runs show: which run? pass a run id from `whetstone runs list`');
  if (!isValidRunId(runId)) throw usageError(badRunId('runs show', runId));
  const file = await findRunFile(runsDir, runId, nodeFileSystem);
  const run = file && (await readRun(file, nodeFileSystem));
  if (file && !run) throw usageError(`runs show: ${file}: run ${runId} is damaged (its header line is unreadable)`);
  if (!run) throw usageError(`runs show: no run ${runId} in ${runsDir}`);
  const candidates = run.events.flatMap((e) => (e.type === 'candidate' ? [e.candidate] : []));
  if (flags.json) {
    process.stdout.write(
      `${JSON.stringify({ file: run.file, status: run.status, header: run.header, result: run.result, candidates, accepted: run.accepted }, null, 2)}\n`,
    );
    return 0;
  }
  const h = run.header;
  process.stdout.write(
    `${h.runId} · ${h.method.toUpperCase()} · ${run.status} · ${h.promptFile} · started ${h.started} · seed ${h.seed}\n`,
  );
  if (run.result) {
    process.stdout.write(
      `baseline ${fmt(run.result.baseline.score)} → best #${run.result.best.id} ${fmt(run.result.best.score)}` +
        ` · ${run.result.used.calls} calls · ${run.result.stopReason}\n`,
    );
  }
  for (const a of run.accepted) process.stdout.write(`accepted #${a.candidateId} into the file at ${a.at}\n`);
  // Latest state per candidate id (a candidate is proposed, then scored or rejected).
  const latest = new Map(candidates.map((c) => [c.id, c]));
  for (const c of latest.values()) {
    const state = c.status === 'rejected' ? `rejected: ${c.rejectedReason}` : c.status;
    process.stdout.write(`  #${c.id} r${c.round} from ${c.parent ?? '-'} ${fmt(c.score)} ${state}\n`);
  }
  return 0;
}

const fmt = (n: number | undefined) => (n === undefined ? '—' : n.toFixed(3));

/** The one-line refusal for an id that is not a run id (so it never becomes part of a path). */
export function badRunId(where: string, runId: string): string {
  return `${where}: not a run id: ${JSON.stringify(runId)} (expected ${RUN_ID_PATTERN.source}, as \`whetstone runs list\` shows)`;
}
