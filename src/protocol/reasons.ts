/**
 * Every candidate's status with its reason in plain words ("dropped: lost the bandit race after 12 of 24 rows"), never
 * a bare status. The method records the reason where it decides (CandidateRecord.statusReason); what the run's end
 * decides (unverified, never scored) and older run logs without reasons are worded here.
 */
import type { CandidateView, RunView } from './views';

/** How the run ended, as the end of "the run … before it was scored". */
function endedPhrase(run: RunView): string {
  switch (run.result?.stopReason ?? run.status) {
    case 'budget':
      return 'stopped at the budget';
    case 'cancelled':
      return 'was cancelled';
    case 'failed':
      return 'failed';
    case 'interrupted':
      return 'was interrupted';
    default:
      return 'ended';
  }
}

const finished = (run: RunView) => run.status !== 'running';

function baselineReason(run: RunView, bestId: number | undefined): string {
  if (finished(run) && bestId === 0 && run.candidates.some((c) => c.id !== 0 && c.status !== 'rejected'))
    return 'baseline: the original prompt; no candidate beat it, so it stays';
  return 'baseline: the original prompt, the score to beat';
}

/** The status cell's text: "status: reason", prefixed with the acceptance ("accepted · …") when there is one. */
export function candidateReason(run: RunView, c: CandidateView, bestId: number | undefined): string {
  const acceptance = [...run.accepted].reverse().find((a) => a.candidateId === c.id);
  const reason = statusWithReason(run, c, bestId);
  return acceptance ? `${acceptance.undoneAt ? 'undone' : 'accepted'} · ${reason}` : reason;
}

function statusWithReason(run: RunView, c: CandidateView, bestId: number | undefined): string {
  if (c.status === 'rejected')
    return `rejected: ${c.rejectedReason ?? 'it breaks a rule the prompt must keep'}; never scored`;
  if (c.id === 0) return baselineReason(run, bestId);
  if (run.result?.unverified?.id === c.id)
    return `unverified: the run ${endedPhrase(run)} before it could be re-scored against the original, so the original stays`;
  if (c.id === bestId) {
    if (!finished(run)) return 'best so far: the highest score yet; verified against the original at the end';
    return `best: ${c.statusReason?.replace(/^the winner: /, '') ?? 'the highest score, verified against the original'}`;
  }
  switch (c.status) {
    case 'dropped':
      return `dropped: ${c.statusReason ?? 'not kept for the next round (this run log does not record why)'}`;
    case 'beam':
      if (!finished(run)) return `in the beam: ${c.statusReason ?? 'kept for the next round'}`;
      return 'runner-up: still in the beam at the end, scored below the best';
    case 'scored':
    case 'best':
      if (c.statusReason) return `scored: ${c.statusReason}`;
      return finished(run) ? 'scored: below the best' : 'scored: waiting for the round to end';
    case 'proposed':
      return finished(run)
        ? `not scored: the run ${endedPhrase(run)} before it was scored`
        : 'proposed: waiting to be scored';
  }
}
