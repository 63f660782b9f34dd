/**
 * Keeps each suggestion's state true to the file: after an accept, the region reading as it did before the accept
 * again (Ctrl+Z) is an undo; reading as the candidate again (Ctrl+Y) is the accept back. An offered suggestion whose
 * region the user edited is stale until the text is back. Undo and redo are recorded in the run's log, so history
 * says "undone" too.
 */
import * as vscode from 'vscode';
import { promises as fs } from 'node:fs';
import { chooseRegion } from '../../core/documents/region';
import type { RunAcceptedLine, RunUndoneLine } from '../../core/runs';
import { nextSuggestionState } from '../../protocol';
import type { HostContext } from '../context';
import type { Suggestion } from './suggestions';

async function record(ctx: HostContext, s: Suggestion, state: 'accepted' | 'undone'): Promise<void> {
  if (!s.runFile) return;
  const at = new Date().toISOString();
  const line: RunAcceptedLine | RunUndoneLine =
    state === 'accepted'
      ? { kind: 'accepted', runId: s.runId, candidateId: s.candidateId, at, prompt: s.prompt }
      : { kind: 'undone', runId: s.runId, candidateId: s.candidateId, at };
  await fs
    .appendFile(s.runFile, `${JSON.stringify(line)}\n`)
    .catch((error: unknown) =>
      ctx.log.warn(
        `could not record "${state}" in ${s.runFile}: ${error instanceof Error ? error.message : String(error)}`,
      ),
    );
}

export function registerSuggestionTracking(ctx: HostContext): vscode.Disposable[] {
  const check = async (doc: vscode.TextDocument) => {
    const s = ctx.suggestions.get(doc.uri);
    if (!s) return;
    const analysis = await ctx.analyzer.analyze(doc);
    const region = analysis && chooseRegion(analysis.doc).region;
    if (!region) return;
    const current = ctx.suggestions.get(doc.uri);
    // Another change (or a new suggestion) got there first.
    if (current !== s) return;
    const state = nextSuggestionState(s, region.text);
    if (state === s.state) return;
    ctx.suggestions.setState(doc.uri, state);
    // A proposed suggestion that the user typed in by hand is not a Whetstone accept: only undo/redo are recorded.
    if ((s.state === 'accepted' && state === 'undone') || (s.state === 'undone' && state === 'accepted'))
      await record(ctx, s, state);
    ctx.log.info(`suggestion #${s.candidateId} of ${s.runId} for ${doc.uri.fsPath}: ${s.state} → ${state}`);
  };
  return [
    vscode.workspace.onDidChangeTextDocument((e) => {
      if (e.contentChanges.length) void check(e.document).catch((error) => ctx.log.error('suggestion state', error));
    }),
  ];
}
