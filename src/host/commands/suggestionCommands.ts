/**
 * Accept / Diff / Next / Dismiss for the candidates of a finished job. Delegates to the results panel when it provides
 * these; otherwise applies `replaceOptimizableRegion` as one undoable WorkspaceEdit that touches only the changed bytes,
 * and refuses (showing the diff) when the region changed since the run started.
 */
import * as vscode from 'vscode';
import * as path from 'node:path';
import { parsePromptFile, replaceOptimizableRegion, chooseRegion } from '../../core/documents';
import type { HostContext } from '../context';
import { Commands } from '../commandIds';
import type { Suggestion } from '../jobs/suggestions';
import { candidateOf, promptUriFrom } from './targetUri';

/** Distinct from the panel's `whetstone-candidate:` documents: this is the fallback used when the panel is absent. */
export const SUGGESTION_SCHEME = 'whetstone-suggestion';

/** The file text with the suggestion applied, or why it cannot be. */
export function applySuggestionText(
  file: string,
  text: string,
  suggestion: Pick<Suggestion, 'prompt' | 'originalRegion'>,
): { text?: string; problem?: string } {
  const doc = parsePromptFile(file, text);
  const { region } = chooseRegion(doc);
  if (!region) return { problem: 'the prompt has no optimizable region any more' };
  if (region.text.trim() !== suggestion.originalRegion.trim())
    return { problem: 'the prompt changed since the run started' };
  try {
    return { text: replaceOptimizableRegion({ ...doc, optimizable: region }, suggestion.prompt) };
  } catch (error) {
    return { problem: error instanceof Error ? error.message : String(error) };
  }
}

/** The smallest single replacement turning `before` into `after`. */
export function minimalEdit(before: string, after: string): { start: number; end: number; text: string } {
  let start = 0;
  while (start < before.length && start < after.length && before[start] === after[start]) start++;
  let endBefore = before.length;
  let endAfter = after.length;
  while (endBefore > start && endAfter > start && before[endBefore - 1] === after[endAfter - 1]) {
    endBefore--;
    endAfter--;
  }
  return { start, end: endBefore, text: after.slice(start, endAfter) };
}

export function registerSuggestionCommands(ctx: HostContext): vscode.Disposable[] {
  const candidates = new Map<string, string>();
  const provider: vscode.TextDocumentContentProvider = {
    provideTextDocumentContent: (uri) => candidates.get(uri.toString()) ?? '',
  };

  const suggestionFor = (arg: unknown): Suggestion | undefined => {
    // No prompt in view (e.g. from the walkthrough, with the results panel over the editor): the one on offer.
    const offered = ctx.suggestions.all().filter((s) => s.state === 'proposed' || s.state === 'undone');
    const uri = promptUriFrom(arg) ?? (offered.length === 1 ? offered[0].uri : undefined);
    const s = uri && ctx.suggestions.get(uri);
    if (!s)
      void vscode.window.showInformationMessage(
        'Whetstone: no suggestion for this prompt; run Optimize Prompt… first.',
      );
    return s;
  };

  const openDiff = async (s: Suggestion, candidateText: string) => {
    const uri = vscode.Uri.from({
      scheme: SUGGESTION_SCHEME,
      path: s.uri.path,
      query: new URLSearchParams({
        prompt: s.uri.toString(),
        run: s.runId,
        candidate: String(s.candidateId),
      }).toString(),
    });
    candidates.set(uri.toString(), candidateText);
    await vscode.commands.executeCommand(
      'vscode.diff',
      s.uri,
      uri,
      `${path.basename(s.uri.fsPath)} ↔ candidate #${s.candidateId}${s.score === undefined ? '' : ` (${s.score.toFixed(2)})`}`,
    );
  };

  /** The diff editor showing a candidate (its title's Accept / Next / Dismiss), closed once it is acted on. */
  const closeCandidateDiff = async (arg: unknown) => {
    const active = vscode.window.activeTextEditor?.document.uri;
    const shown =
      arg instanceof vscode.Uri && candidateOf(arg) ? arg : active && candidateOf(active) ? active : undefined;
    if (!shown) return;
    for (const tab of vscode.window.tabGroups.all.flatMap((g) => g.tabs)) {
      if (tab.input instanceof vscode.TabInputTextDiff && tab.input.modified.toString() === shown.toString())
        await vscode.window.tabGroups.close(tab);
    }
  };

  /** When acting from a diff editor's title, the candidate it shows (which may not be the one on offer). */
  const fromDiff = (arg: unknown) => {
    const active = vscode.window.activeTextEditor?.document.uri;
    return (arg instanceof vscode.Uri ? candidateOf(arg) : undefined) ?? (active ? candidateOf(active) : undefined);
  };

  return [
    vscode.workspace.registerTextDocumentContentProvider(SUGGESTION_SCHEME, provider),
    vscode.commands.registerCommand(Commands.acceptSuggestion, async (arg?: unknown) => {
      const shown = fromDiff(arg);
      if (shown && ctx.resultsPanel.accept) {
        const accepted = await ctx.resultsPanel.accept(shown.promptUri, shown.runId, shown.candidateId);
        if (accepted) await closeCandidateDiff(arg);
        return accepted;
      }
      const s = suggestionFor(arg);
      if (!s) return false;
      if (ctx.resultsPanel.accept) {
        const accepted = await ctx.resultsPanel.accept(s.uri, s.runId, s.candidateId);
        if (accepted) await closeCandidateDiff(arg);
        return accepted;
      }
      const doc = await vscode.workspace.openTextDocument(s.uri);
      const before = doc.getText();
      const applied = applySuggestionText(s.uri.fsPath, before, s);
      if (!applied.text) {
        // Not awaited: the command answers at once; the notification offers the diff.
        void vscode.window
          .showWarningMessage(`Whetstone: cannot accept: ${applied.problem}. Nothing was written.`, 'Show Diff')
          .then((choice) => {
            if (choice) void vscode.commands.executeCommand(Commands.diffSuggestion, s.uri);
          });
        return false;
      }
      const edit = minimalEdit(before, applied.text);
      const workspaceEdit = new vscode.WorkspaceEdit();
      workspaceEdit.replace(s.uri, new vscode.Range(doc.positionAt(edit.start), doc.positionAt(edit.end)), edit.text);
      const ok = await vscode.workspace.applyEdit(workspaceEdit);
      if (ok) {
        ctx.suggestions.markAccepted(s.uri, s);
        await closeCandidateDiff(arg);
        ctx.log.info(`accepted candidate #${s.candidateId} of ${s.runId} into ${s.uri.fsPath}`);
      }
      return ok;
    }),
    vscode.commands.registerCommand(Commands.diffSuggestion, async (arg?: unknown) => {
      const s = suggestionFor(arg);
      if (!s) return;
      if (ctx.resultsPanel.diff) return ctx.resultsPanel.diff(s.uri, s.runId, s.candidateId);
      const doc = await vscode.workspace.openTextDocument(s.uri);
      const applied = applySuggestionText(s.uri.fsPath, doc.getText(), s);
      // When the file moved on, still show the candidate region on its own.
      await openDiff(s, applied.text ?? s.prompt);
    }),
    vscode.commands.registerCommand(Commands.nextSuggestion, async (arg?: unknown) => {
      const uri = promptUriFrom(arg);
      const next = uri ? ctx.suggestions.next(uri) : undefined;
      // From the diff editor's title: show the next candidate in its place.
      if (next && fromDiff(arg)) {
        await closeCandidateDiff(arg);
        await vscode.commands.executeCommand(Commands.diffSuggestion, next.uri);
      }
      return next;
    }),
    vscode.commands.registerCommand(Commands.dismissSuggestion, async (arg?: unknown) => {
      const uri = promptUriFrom(arg);
      if (uri) ctx.suggestions.clear(uri);
      await closeCandidateDiff(arg);
    }),
  ];
}
