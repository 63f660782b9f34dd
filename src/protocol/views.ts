/**
 * What the results panel shows, built from core's job contract. The host keeps one RunView per open run by folding
 * JobEvents through `applyJobEvent`; the webview folds the same events, so both sides agree without a second model.
 */
import type { Budget, BudgetUsed, CandidateRecord, Estimate, JobEvent, JobResult, Method } from '../core/jobs/types';

/** A candidate as the panel shows it: core's record, unchanged (every string in it is untrusted text). */
export type CandidateView = CandidateRecord;

export type RunStatus = 'running' | 'done' | 'budget' | 'failed' | 'cancelled' | 'interrupted';

export interface AcceptanceView {
  candidateId: number;
  /** ISO time. */
  at: string;
  /** ISO time the user undid it (the region read as before the accept again). */
  undoneAt?: string;
}

/**
 * Where a prompt's suggestion stands, the one state the panel, CodeLens, history and status bar show: offered
 * (`proposed`), written into the file (`accepted`), taken back with Undo (`undone`), or no longer applicable because the
 * prompt was edited since the run started (`stale`).
 */
export type SuggestionState = 'proposed' | 'accepted' | 'undone' | 'stale';

export interface SuggestionStateView {
  runId: string;
  candidateId: number;
  state: SuggestionState;
}

export interface RunView {
  runId: string;
  method: Method;
  /** ISO time the run started. */
  startedAt: string;
  status: RunStatus;
  round?: { round: number; of: number };
  estimate?: Estimate;
  used?: BudgetUsed;
  limit?: Budget;
  /** In the order they were proposed. Id 0 is the baseline (the original region). */
  candidates: CandidateView[];
  /** The current beam (APO) — shown as status "beam". */
  beam?: number[];
  incumbent?: { id: number; score: number };
  result?: JobResult;
  /** Why it failed, in plain words. */
  error?: string;
  /** Warnings the engine logged (retries, skipped candidates), newest last, capped. */
  warnings: string[];
  accepted: AcceptanceView[];
  /** Run on the offline simulated endpoint: every score shown is labelled SIMULATED. */
  simulated?: boolean;
}

/** One line of the history list. */
export interface RunSummaryView {
  runId: string;
  method: Method;
  startedAt: string;
  status: RunStatus;
  baselineScore?: number;
  bestScore?: number;
  bestValidationScore?: number;
  candidates: number;
  /** Accepted and still in the file (not undone). */
  acceptedCandidateIds: number[];
  /** Accepted, then undone. */
  undoneCandidateIds: number[];
}

export interface PanelSnapshot {
  /** The prompt file's URI (string form), the panel's identity. */
  promptUri: string;
  /** Workspace-relative path for the header. */
  promptLabel: string;
  /** The run on display, if any. */
  run?: RunView;
  history: RunSummaryView[];
  /** False in Restricted Mode: the Optimize / Re-run buttons explain instead of acting. */
  jobsAllowed: boolean;
  /** The prompt's suggestion, if one is offered or was accepted in this session. */
  suggestion?: SuggestionStateView;
}

const MAX_WARNINGS = 20;

export function emptyRun(runId: string, method: Method, startedAt: string): RunView {
  return { runId, method, startedAt, status: 'running', candidates: [], warnings: [], accepted: [] };
}

function upsertCandidate(list: CandidateView[], candidate: CandidateView): CandidateView[] {
  const index = list.findIndex((c) => c.id === candidate.id);
  if (index < 0) return [...list, candidate];
  const next = list.slice();
  // Later events for the same id (proposed → scored → beam) carry the fuller record.
  next[index] = { ...list[index], ...candidate };
  return next;
}

function statusFromResult(result: JobResult | undefined, fallback: RunStatus): RunStatus {
  if (!result) return fallback;
  switch (result.stopReason) {
    case 'budget':
      return 'budget';
    case 'cancelled':
      return 'cancelled';
    case 'failed':
      return 'failed';
    default:
      return 'done';
  }
}

/**
 * Folds one job event into a run view (pure; returns a new object). A 'started' event for an unknown run
 * creates the view, so a listener may begin with `undefined`.
 */
export function applyJobEvent(run: RunView | undefined, event: JobEvent): RunView | undefined {
  if (event.type === 'started') {
    // Keep what a placeholder (an estimate before 'started') or an earlier replay of the same run already holds.
    const base =
      run && (run.runId === event.runId || run.runId === '')
        ? { ...run, runId: event.runId }
        : emptyRun(event.runId, event.method, event.at);
    return { ...base, method: event.method, startedAt: event.at, status: 'running' };
  }
  if (!run) {
    // An estimate may come before 'started'; keep it on a placeholder so the header can show it.
    if (event.type === 'estimate') return { ...emptyRun('', 'apo', ''), estimate: event.estimate };
    return undefined;
  }
  switch (event.type) {
    case 'estimate':
      return { ...run, estimate: event.estimate };
    case 'round':
      return { ...run, round: { round: event.round, of: event.of } };
    case 'candidate':
      return { ...run, candidates: upsertCandidate(run.candidates, event.candidate) };
    case 'beam':
      return { ...run, beam: event.ids.slice() };
    case 'incumbent':
      return { ...run, incumbent: { id: event.id, score: event.score } };
    case 'budget':
      return { ...run, used: event.used, limit: event.limit };
    case 'log':
      if (event.level !== 'warn') return run;
      // The same warning twice (a resumed run replays its session's start) is shown once.
      if (run.warnings.includes(event.message)) return run;
      return { ...run, warnings: [...run.warnings, event.message].slice(-MAX_WARNINGS) };
    case 'done':
      return { ...run, result: event.result, used: event.result.used, status: statusFromResult(event.result, 'done') };
    // The result's usage is the ledger's final count, the same number the host's notifications report.
    case 'failed':
      return {
        ...run,
        result: event.result ?? run.result,
        used: event.result?.used ?? run.used,
        error: event.error,
        status: 'failed',
      };
    case 'cancelled':
      return { ...run, result: event.result ?? run.result, used: event.result?.used ?? run.used, status: 'cancelled' };
    default:
      return run;
  }
}

/** Folds a whole event list (a run log replayed, or a live job's backlog). */
export function runFromEvents(events: readonly JobEvent[]): RunView | undefined {
  let run: RunView | undefined;
  for (const event of events) run = applyJobEvent(run, event);
  return run;
}

export function baselineOf(run: RunView): CandidateView | undefined {
  return run.candidates.find((c) => c.id === 0) ?? run.candidates.find((c) => c.origin.kind === 'baseline');
}

/** The id the panel calls "best": the result's, else the incumbent's, else the best scored candidate's. */
export function bestIdOf(run: RunView): number | undefined {
  if (run.result) return run.result.best.id;
  if (run.incumbent) return run.incumbent.id;
  let best: CandidateView | undefined;
  for (const c of run.candidates) {
    if (c.score === undefined || c.status === 'rejected') continue;
    if (!best || (best.score ?? -Infinity) < c.score) best = c;
  }
  return best?.id;
}

/** Score change against the baseline, or undefined when either is unscored. */
export function candidateDelta(candidate: CandidateView, baseline: CandidateView | undefined): number | undefined {
  if (!baseline || candidate.score === undefined || baseline.score === undefined) return undefined;
  return candidate.score - baseline.score;
}

export interface ExampleComparison {
  /** Failed on the baseline, passes now. */
  fixed: number;
  /** Passed on the baseline, fails now. */
  broke: number;
  stillFailing: number;
  stillPassing: number;
  /** Examples with no baseline counterpart. */
  unmatched: number;
}

/** Per-example pass/fail against the baseline, matched by dataset row index. */
export function compareExamples(candidate: CandidateView, baseline: CandidateView | undefined): ExampleComparison {
  const out: ExampleComparison = { fixed: 0, broke: 0, stillFailing: 0, stillPassing: 0, unmatched: 0 };
  const before = new Map((baseline?.examples ?? []).map((e) => [e.rowIndex, e.pass]));
  for (const example of candidate.examples ?? []) {
    const was = before.get(example.rowIndex);
    if (was === undefined) out.unmatched++;
    else if (!was && example.pass) out.fixed++;
    else if (was && !example.pass) out.broke++;
    else if (example.pass) out.stillPassing++;
    else out.stillFailing++;
  }
  return out;
}

export function summarizeRun(run: RunView): RunSummaryView {
  const baseline = baselineOf(run);
  const bestId = bestIdOf(run);
  const best = bestId === undefined ? undefined : run.candidates.find((c) => c.id === bestId);
  return {
    runId: run.runId,
    method: run.method,
    startedAt: run.startedAt,
    status: run.status,
    baselineScore: run.result?.baseline.score ?? baseline?.score,
    bestScore: run.result?.best.score ?? best?.score,
    bestValidationScore: run.result?.best.validationScore ?? best?.validationScore,
    candidates: run.candidates.filter((c) => c.id !== 0).length,
    acceptedCandidateIds: run.accepted.filter((a) => !a.undoneAt).map((a) => a.candidateId),
    undoneCandidateIds: run.accepted.filter((a) => a.undoneAt).map((a) => a.candidateId),
  };
}

const same = (a: string, b: string) => a.trim() === b.trim();

/**
 * The state a suggestion moves to when its region reads `region` now (unchanged if nothing follows from
 * it): back to the original after an accept = undone; the candidate again = accepted; edited while on offer = stale.
 */
export function nextSuggestionState(
  s: { state: SuggestionState; prompt: string; originalRegion: string },
  region: string,
): SuggestionState {
  switch (s.state) {
    case 'accepted':
      return same(region, s.originalRegion) && !same(region, s.prompt) ? 'undone' : 'accepted';
    case 'undone':
      return same(region, s.prompt) ? 'accepted' : 'undone';
    case 'proposed':
      return same(region, s.originalRegion) ? 'proposed' : same(region, s.prompt) ? 'accepted' : 'stale';
    case 'stale':
      return same(region, s.originalRegion) ? 'proposed' : 'stale';
  }
}

/**
 * What a method's score means, to label every score shown (methods' scores are on different scales and are never
 * compared in one column): APO and SPO score 0–1 (the evaluators' mean on the test cases; SPO without expected answers:
 * the share of pairwise judgments won); PMPO's score is −loss in nats per token (closer to 0 is better).
 */
export function scoreMeaning(method: Method): { unit: string; description: string } {
  switch (method) {
    case 'pmpo':
      return {
        unit: 'nats/token',
        description: '−loss in nats per token of the expected answers (closer to 0 is better)',
      };
    case 'spo':
      return {
        unit: '0–1',
        description: 'test score 0–1 (without expected answers: the share of pairwise judgments won)',
      };
    default:
      return { unit: '0–1', description: 'test score 0–1: the mean of the evaluators over the test cases' };
  }
}

/** The acceptances after the host reports a suggestion's new state (`at`: ISO time of the change). */
export function applySuggestionState(
  accepted: AcceptanceView[],
  change: SuggestionStateView,
  at: string,
): AcceptanceView[] {
  const last = [...accepted].reverse().find((a) => a.candidateId === change.candidateId);
  if (change.state === 'accepted') {
    if (last && !last.undoneAt) return accepted;
    return [...accepted, { candidateId: change.candidateId, at }];
  }
  // Every standing acceptance of the candidate is taken back (the same accept may be reported twice: result + log).
  if (change.state === 'undone' && last && !last.undoneAt)
    return accepted.map((a) => (a.candidateId === change.candidateId && !a.undoneAt ? { ...a, undoneAt: at } : a));
  return accepted;
}
