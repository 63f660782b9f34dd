/**
 * The candidates of each prompt's last finished job that beat the baseline, best first, offered inline one at a time
 * (CodeLens Accept / Diff / Next / Dismiss) until accepted or dismissed. Keeps the context key
 * `whetstone.hasSuggestion` in step with the active editor.
 */
import * as vscode from 'vscode';
import { ContextKeys } from '../commandIds';
import type { JobInfo } from './jobManager';

export interface Suggestion {
  uri: vscode.Uri;
  runId: string;
  candidateId: number;
  prompt: string;
  score: number;
  baselineScore: number;
  /** The region text the job optimized (Accept checks the file still has it). */
  originalRegion: string;
  /** 0-based position among `of` candidates that beat the baseline. */
  rank: number;
  of: number;
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
  const seen = new Set<string>([job.originalRegion]);
  const out: RankedCandidate[] = [];
  if (r.best.id !== 0 && r.best.prompt !== job.originalRegion) {
    out.push({ id: r.best.id, prompt: r.best.prompt, score: r.best.score });
    seen.add(r.best.prompt);
  }
  const rest = [...latest.values()]
    .filter((c) => c.id !== 0 && c.status !== 'rejected' && c.score > r.baseline.score)
    .sort((a, b) => b.score - a.score || a.id - b.id);
  for (const c of rest) {
    if (seen.has(c.prompt)) continue;
    seen.add(c.prompt);
    out.push({ id: c.id, prompt: c.prompt, score: c.score });
  }
  return out;
}

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

  /** Shows the next candidate (wrapping around); undefined when there is no suggestion. */
  next(uri: vscode.Uri): Suggestion | undefined {
    const current = this.get(uri);
    return current ? this.show(uri, (current.rank + 1) % current.of) : undefined;
  }

  private show(uri: vscode.Uri, rank: number): Suggestion | undefined {
    const entry = this.ranked.get(uri.toString());
    const c = entry?.candidates[rank];
    if (!entry || !c) return undefined;
    const r = entry.job.result!;
    const s: Suggestion = {
      uri,
      runId: entry.job.runId,
      candidateId: c.id,
      prompt: c.prompt,
      score: c.score,
      baselineScore: r.baseline.score,
      originalRegion: entry.job.originalRegion,
      rank,
      of: entry.candidates.length,
    };
    this.byUri.set(uri.toString(), s);
    this.fire(uri);
    return s;
  }

  get(uri: vscode.Uri): Suggestion | undefined {
    return this.byUri.get(uri.toString());
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
    void vscode.commands.executeCommand(
      'setContext',
      ContextKeys.hasSuggestion,
      !!uri && this.byUri.has(uri.toString()),
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
