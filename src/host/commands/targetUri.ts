/** The prompt file a command acts on: its argument (Explorer, editor title, CodeLens) or the active editor. */
import * as vscode from 'vscode';
import { isPromptFileName } from '../language/selectors';

/** Schemes of the read-only candidate documents shown in the diff editor; their query names the prompt file. */
export const CANDIDATE_SCHEMES = ['whetstone-candidate', 'whetstone-suggestion'];

/** The run and candidate a diff editor's candidate document shows (its title buttons pass that document's URI). */
export function candidateOf(
  uri: vscode.Uri,
): { promptUri: vscode.Uri; runId: string; candidateId: number } | undefined {
  if (!CANDIDATE_SCHEMES.includes(uri.scheme)) return undefined;
  const query = new URLSearchParams(uri.query);
  const prompt = query.get('prompt');
  const runId = query.get('run');
  const candidateId = Number(query.get('candidate'));
  if (!prompt || !runId || !Number.isInteger(candidateId)) return undefined;
  return { promptUri: vscode.Uri.parse(prompt), runId, candidateId };
}

export function promptUriFrom(arg: unknown): vscode.Uri | undefined {
  if (arg instanceof vscode.Uri) return candidateOf(arg)?.promptUri ?? arg;
  if (typeof arg === 'string' && arg) return vscode.Uri.file(arg);
  const active = vscode.window.activeTextEditor?.document;
  if (active && CANDIDATE_SCHEMES.includes(active.uri.scheme)) return candidateOf(active.uri)?.promptUri;
  if (active && isPromptFileName(active.fileName)) return active.uri;
  // No text editor is active (e.g. the Getting Started walkthrough has focus): the one prompt file in view, if any.
  if (!active) {
    const shown = vscode.window.visibleTextEditors.filter((e) => isPromptFileName(e.document.fileName));
    if (shown.length === 1) return shown[0].document.uri;
  }
  return undefined;
}

export async function requirePromptUri(arg: unknown, verb: string): Promise<vscode.Uri | undefined> {
  const uri = promptUriFrom(arg);
  if (uri) return uri;
  const picked = await vscode.window.showOpenDialog({
    title: `Whetstone: choose a prompt file to ${verb}`,
    canSelectMany: false,
    filters: { 'Prompt files': ['yml', 'yaml', 'prompty', 'md'] },
  });
  return picked?.[0];
}
