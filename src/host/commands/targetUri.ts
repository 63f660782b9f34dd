/** The prompt file a command acts on: its argument (Explorer, editor title, CodeLens) or the active editor. */
import * as vscode from 'vscode';
import { isPromptFileName } from '../language/selectors';

export function promptUriFrom(arg: unknown): vscode.Uri | undefined {
  if (arg instanceof vscode.Uri) return arg;
  if (typeof arg === 'string' && arg) return vscode.Uri.file(arg);
  const active = vscode.window.activeTextEditor?.document;
  if (active && isPromptFileName(active.fileName)) return active.uri;
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
