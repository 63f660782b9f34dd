/**
 * Accept: writes a candidate into the prompt's optimized region as ONE undoable edit (everything else untouched),
 * records it in the run log, and never overwrites a region that changed since the run started unless the user
 * chose the candidate after seeing the three versions.
 */
import * as vscode from 'vscode';
import * as path from 'node:path';
import { chooseRegion, replaceOptimizableRegion } from '../../core/documents';
import type { AcceptConflict, AcceptOutcome } from '../../protocol';
import type { HostContext } from '../context';
import { appendAcceptance } from './runLog';
import { findRun } from './runSource';
import { minimalReplacement } from './textEdit';

export interface AcceptRequest {
  promptUri: vscode.Uri;
  runId: string;
  /** Default: the run's best candidate. */
  candidateId?: number;
  /** The user saw the conflict and chose the candidate; applied only if the file still holds `expectedCurrent`. */
  force?: boolean;
  expectedCurrent?: string;
}

export interface AcceptReport {
  outcome: AcceptOutcome;
  candidateId?: number;
  message?: string;
  conflict?: AcceptConflict;
}

export async function tryAccept(ctx: HostContext, request: AcceptRequest): Promise<AcceptReport> {
  const { promptUri, runId } = request;
  const name = path.basename(promptUri.fsPath);
  const run = await findRun(ctx, promptUri, runId);
  if (!run) return { outcome: 'failed', message: `Run ${runId} of ${name} was not found.` };
  const candidateId = request.candidateId ?? run.view.result?.best.id ?? run.view.incumbent?.id;
  const candidate = run.view.candidates.find((c) => c.id === candidateId);
  if (candidateId === undefined || !candidate)
    return { outcome: 'failed', message: `Run ${runId} has no candidate #${candidateId ?? '?'}.` };
  if (candidate.status === 'rejected') {
    return {
      outcome: 'failed',
      candidateId,
      message: `Candidate #${candidateId} was rejected (${candidate.rejectedReason ?? 'it broke an invariant'}); it cannot be accepted.`,
    };
  }

  const document = await vscode.workspace.openTextDocument(promptUri);
  const analysis = await ctx.analyzer.analyze(document);
  if (!analysis)
    return { outcome: 'failed', candidateId, message: `Could not read ${name}; see Whetstone: Show Logs.` };
  const before = document.getText();
  if (analysis.doc.text !== before)
    return { outcome: 'failed', candidateId, message: `${name} changed while accepting; try again.` };
  const { region } = chooseRegion(analysis.doc);
  if (!region) return { outcome: 'failed', candidateId, message: `${name} has no prompt text to replace.` };

  const current = region.text;
  if (current !== run.originalRegion && !(request.force && request.expectedCurrent === current)) {
    return {
      outcome: 'conflict',
      candidateId,
      message: `${name} changed since run ${runId} started.`,
      conflict: { runId, candidateId, original: run.originalRegion, current, candidate: candidate.prompt },
    };
  }

  let after: string;
  try {
    after = replaceOptimizableRegion({ ...analysis.doc, optimizable: region }, candidate.prompt);
  } catch (error) {
    return {
      outcome: 'failed',
      candidateId,
      message: `Could not place candidate #${candidateId} in ${name}: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
  const replacement = minimalReplacement(before, after);
  if (replacement) {
    const wasDirty = document.isDirty;
    const edit = new vscode.WorkspaceEdit();
    edit.replace(
      promptUri,
      new vscode.Range(document.positionAt(replacement.start), document.positionAt(replacement.end)),
      replacement.text,
      { label: `Accept Whetstone candidate #${candidateId}`, needsConfirmation: false },
    );
    if (!(await vscode.workspace.applyEdit(edit)))
      return { outcome: 'failed', candidateId, message: `VS Code refused the edit to ${name}.` };
    // Keep the user's unsaved work unsaved; a clean file stays clean (on disk = what the editor shows).
    if (!wasDirty) await document.save();
  }
  try {
    await appendAcceptance(run.file, {
      kind: 'accepted',
      runId,
      candidateId,
      at: new Date().toISOString(),
      prompt: candidate.prompt,
    });
  } catch (error) {
    ctx.log.warn(
      `accepted #${candidateId} but could not record it in ${run.file}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  ctx.log.info(`accepted candidate #${candidateId} of run ${runId} into ${name}`);
  ctx.suggestions.markAccepted(promptUri, {
    runId,
    candidateId,
    prompt: candidate.prompt,
    originalRegion: run.originalRegion,
    runFile: run.file,
    score: candidate.score,
    baselineScore: run.view.result?.baseline.score ?? run.view.candidates.find((c) => c.id === 0)?.score,
  });
  const score = candidate.score !== undefined ? ` (score ${candidate.score.toFixed(2)})` : '';
  return {
    outcome: 'applied',
    candidateId,
    message: `Accepted #${candidateId}${score} into ${name}. Undo with Ctrl+Z in the editor.`,
  };
}
