/**
 * The best candidate of each prompt's last finished job, offered inline (CodeLens Accept / Diff / Dismiss) until
 * accepted or dismissed. Keeps the context key `whetstone.hasSuggestion` in step with the active editor.
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
}

export class SuggestionStore implements vscode.Disposable {
  private readonly byUri = new Map<string, Suggestion>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private readonly editorListener = vscode.window.onDidChangeActiveTextEditor(() => this.updateContextKey());

  offerFrom(job: JobInfo): Suggestion | undefined {
    const r = job.result;
    if (!r || r.best.id === 0 || r.best.prompt === job.originalRegion) return undefined;
    const s: Suggestion = {
      uri: job.uri, runId: job.runId, candidateId: r.best.id, prompt: r.best.prompt, score: r.best.score,
      baselineScore: r.baseline.score, originalRegion: job.originalRegion,
    };
    this.byUri.set(job.uri.toString(), s);
    this.fire(job.uri);
    return s;
  }

  get(uri: vscode.Uri): Suggestion | undefined {
    return this.byUri.get(uri.toString());
  }

  clear(uri: vscode.Uri): void {
    if (this.byUri.delete(uri.toString())) this.fire(uri);
  }

  private fire(uri: vscode.Uri): void {
    this.changed.fire(uri);
    this.updateContextKey();
  }

  private updateContextKey(): void {
    const uri = vscode.window.activeTextEditor?.document.uri;
    void vscode.commands.executeCommand('setContext', ContextKeys.hasSuggestion, !!uri && this.byUri.has(uri.toString()));
  }

  dispose(): void {
    this.editorListener.dispose();
    this.changed.dispose();
  }
}

export function formatDelta(delta: number): string {
  return `${delta >= 0 ? '+' : '−'}${Math.abs(delta).toFixed(2)}`;
}
