/**
 * Read-only virtual documents for VS Code's diff editor: `whetstone-candidate:` URIs show the prompt file as it would
 * read with a candidate accepted (or, if it cannot be placed, the candidate's region text alone).
 */
import * as vscode from 'vscode';
import * as path from 'node:path';
import { chooseRegion, replaceOptimizableRegion } from '../../core/documents';
import type { HostContext } from '../context';
import { findRun } from './runSource';

export const CANDIDATE_SCHEME = 'whetstone-candidate';

export function candidateUri(promptUri: vscode.Uri, runId: string, candidateId: number): vscode.Uri {
  const query = new URLSearchParams({
    prompt: promptUri.toString(),
    run: runId,
    candidate: String(candidateId),
  }).toString();
  // The path ends with the prompt's own name so the diff editor picks its language and icon.
  return vscode.Uri.from({
    scheme: CANDIDATE_SCHEME,
    path: `/${runId}/${candidateId}/${path.basename(promptUri.fsPath)}`,
    query,
  });
}

async function candidateText(ctx: HostContext, uri: vscode.Uri): Promise<string> {
  const query = new URLSearchParams(uri.query);
  const promptUri = vscode.Uri.parse(query.get('prompt') ?? '');
  const runId = query.get('run') ?? '';
  const candidateId = Number(query.get('candidate'));
  const run = await findRun(ctx, promptUri, runId);
  const candidate = run?.view.candidates.find((c) => c.id === candidateId);
  if (!candidate) return `Whetstone: candidate #${candidateId} of run ${runId} was not found.`;
  try {
    const document = await vscode.workspace.openTextDocument(promptUri);
    const analysis = await ctx.analyzer.analyze(document);
    const region = analysis && chooseRegion(analysis.doc).region;
    if (analysis && region) return replaceOptimizableRegion({ ...analysis.doc, optimizable: region }, candidate.prompt);
  } catch (error) {
    ctx.log.debug(
      `candidate #${candidateId}: showing the region alone (${error instanceof Error ? error.message : String(error)})`,
    );
  }
  return candidate.prompt;
}

export function registerCandidateDocuments(ctx: HostContext): vscode.Disposable {
  return vscode.workspace.registerTextDocumentContentProvider(CANDIDATE_SCHEME, {
    provideTextDocumentContent: (uri) => candidateText(ctx, uri),
  });
}

export async function openCandidateDiff(promptUri: vscode.Uri, runId: string, candidateId: number): Promise<void> {
  const title = `${path.basename(promptUri.fsPath)} ↔ candidate #${candidateId}`;
  await vscode.commands.executeCommand('vscode.diff', promptUri, candidateUri(promptUri, runId, candidateId), title, {
    preview: true,
  });
}
