/**
 * The candidates of each prompt's last finished job that beat the baseline, best first, offered inline one at a time
 * (CodeLens Accept / Diff / Next / Dismiss) until dismissed; accepting, undoing and editing change its state. Keeps the
 * context key `whetstone.hasSuggestion` in step with the active editor.
 */
import * as vscode from 'vscode';
import { ContextKeys } from '../commandIds';
import { distinctKey, type SuggestionState } from '../../protocol';
import type { JobInfo } from './jobManager';

export interface Suggestion {
  uri: vscode.Uri;
  runId: string;
  /** The run's log, where accept / undo are recorded. */
  runFile?: string;
  candidateId: number;
  prompt: string;
  /** Undefined when accepted from a run whose scores this session does not know. */
  score?: number;
  baselineScore?: number;
  /** The region text the job optimized (Accept checks the file still has it). */
  originalRegion: string;
  /** 0-based position among `of` candidates that beat the baseline. */
  rank: number;
  of: number;
  state: SuggestionState;
  /** From a run on the offline simulated endpoint. */
  simulated?: boolean;
}

export interface RankedCandidate {
  id: number;
  prompt: string;
  score: number;
}

/**
 * Candidates of a job that scored above the baseline, best first (ties: earlier id), one per distinct prompt; the
 * engine's final best comes first even if a later event re-scored it. Rejected and unscored candidates are left out.
 */
export function rankCandidates(job: Pick<JobInfo, 'events' | 'result' | 'originalRegion'>): RankedCandidate[] {
  const r = job.result;
  if (!r) return [];
  const latest = new Map<number, RankedCandidate & { status: string }>();
  for (const e of job.events) {
    if (e.type !== 'candidate' || e.candidate.score === undefined) continue;
    latest.set(e.candidate.id, {
      id: e.candidate.id,
      prompt: e.candidate.prompt,
      score: e.candidate.score,
      status: e.candidate.status,
    });
  }
  // Distinct candidates only: prompts that differ in whitespace alone are one suggestion ("Next" skips them), by the
  // same key as the panel's distinct rows.
  const seen = new Set<string>([distinctKey(job.originalRegion)]);
  const out: RankedCandidate[] = [];
  if (r.best.id !== 0 && !seen.has(distinctKey(r.best.prompt))) {
    out.push({ id: r.best.id, prompt: r.best.prompt, score: r.best.score });
    seen.add(distinctKey(r.best.prompt));
  }
  const rest = [...latest.values()]
    .filter((c) => c.id !== 0 && c.status !== 'rejected' && c.score > r.baseline.score)
    .sort((a, b) => b.score - a.score || a.id - b.id);
  for (const c of rest) {
    if (seen.has(distinctKey(c.prompt))) continue;
    seen.add(distinctKey(c.prompt));
    out.push({ id: c.id, prompt: c.prompt, score: c.score });
  }
  return out;
}

/** What `markAccepted` needs about a candidate written into the file (from the panel, the CodeLens or the diff). */
export interface AcceptedCandidate {
  runId: string;
  candidateId: number;
  prompt: string;
  originalRegion: string;
  runFile?: string;
  score?: number;
  baselineScore?: number;
}

/**
 * The one source of truth for each prompt's suggestion and its state (proposed / accepted / undone / stale): the
 * CodeLens, the in-place decorations, the status bar and the results panel all read it and follow `onDidChange`.
 */
export class SuggestionStore implements vscode.Disposable {
  private readonly byUri = new Map<string, Suggestion>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private readonly editorListener = vscode.window.onDidChangeActiveTextEditor(() => this.updateContextKey());

  private readonly ranked = new Map<string, { job: JobInfo; candidates: RankedCandidate[] }>();

  offerFrom(job: JobInfo): Suggestion | undefined {
    const candidates = rankCandidates(job);
    if (!candidates.length) return undefined;
    this.ranked.set(job.uri.toString(), { job, candidates });
    return this.show(job.uri, 0);
  }

  /** Shows the next candidate (wrapping around); undefined when there is no suggestion on offer. */
  next(uri: vscode.Uri): Suggestion | undefined {
    const current = this.get(uri);
    if (!current || current.state === 'accepted' || !this.ranked.has(uri.toString())) return current;
    return this.show(uri, (current.rank + 1) % current.of);
  }

  private show(uri: vscode.Uri, rank: number): Suggestion | undefined {
    const entry = this.ranked.get(uri.toString());
    const c = entry?.candidates[rank];
    if (!entry || !c) return undefined;
    const r = entry.job.result!;
    return this.set({
      uri,
      runId: entry.job.runId,
      runFile: entry.job.runFile,
      candidateId: c.id,
      prompt: c.prompt,
      score: c.score,
      baselineScore: r.baseline.score,
      originalRegion: entry.job.originalRegion,
      rank,
      of: entry.candidates.length,
      state: 'proposed',
      simulated: entry.job.simulated,
    });
  }

  /** A candidate was written into the file (whoever did it): the suggestion now reads "accepted". */
  markAccepted(uri: vscode.Uri, accepted: AcceptedCandidate): Suggestion {
    const current = this.get(uri);
    const same = current && current.runId === accepted.runId && current.candidateId === accepted.candidateId;
    return this.set({
      uri,
      runId: accepted.runId,
      runFile: accepted.runFile ?? (same ? current.runFile : undefined),
      candidateId: accepted.candidateId,
      prompt: accepted.prompt,
      score: accepted.score ?? (same ? current.score : undefined),
      baselineScore: accepted.baselineScore ?? (same ? current.baselineScore : undefined),
      originalRegion: accepted.originalRegion,
      rank: same ? current.rank : 0,
      of: same ? current.of : 1,
      state: 'accepted',
      simulated: same ? current.simulated : undefined,
    });
  }

  setState(uri: vscode.Uri, state: SuggestionState): Suggestion | undefined {
    const current = this.get(uri);
    if (!current || current.state === state) return current;
    return this.set({ ...current, state });
  }

  private set(s: Suggestion): Suggestion {
    this.byUri.set(s.uri.toString(), s);
    this.fire(s.uri);
    return s;
  }

  get(uri: vscode.Uri): Suggestion | undefined {
    return this.byUri.get(uri.toString());
  }

  all(): Suggestion[] {
    return [...this.byUri.values()];
  }

  clear(uri: vscode.Uri): void {
    this.ranked.delete(uri.toString());
    if (this.byUri.delete(uri.toString())) this.fire(uri);
  }

  private fire(uri: vscode.Uri): void {
    this.changed.fire(uri);
    this.updateContextKey();
  }

  private updateContextKey(): void {
    const uri = vscode.window.activeTextEditor?.document.uri;
    const s = uri && this.byUri.get(uri.toString());
    void vscode.commands.executeCommand(
      'setContext',
      ContextKeys.hasSuggestion,
      !!s && (s.state === 'proposed' || s.state === 'undone'),
    );
  }

  dispose(): void {
    this.editorListener.dispose();
    this.changed.dispose();
  }
}

export function formatDelta(delta: number): string {
  return `${delta >= 0 ? '+' : '−'}${Math.abs(delta).toFixed(2)}`;
}
