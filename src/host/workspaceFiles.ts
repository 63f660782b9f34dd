/**
 * The core's FileSystemPort for the host: reads go to the open editor's text when a file is open (so diagnostics
 * follow unsaved edits of the prompt, its sidecar and its dataset), else to disk.
 */
import * as vscode from 'vscode';
import * as path from 'node:path';
import { nodeFileSystem, type FileSystemPort } from '../core/ports';

function openDocument(file: string): vscode.TextDocument | undefined {
  const wanted = path.resolve(file);
  return vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'file' && path.resolve(d.uri.fsPath) === wanted);
}

export const editorAwareFileSystem: FileSystemPort = {
  ...nodeFileSystem,
  async readText(file) {
    return openDocument(file)?.getText() ?? nodeFileSystem.readText(file);
  },
  async exists(file) {
    return openDocument(file) !== undefined || nodeFileSystem.exists(file);
  },
};

/** The workspace folder that owns `uri`, or the first folder, as the root of `.whetstone/`. */
export function workspaceRootFor(uri: vscode.Uri): string | undefined {
  return (vscode.workspace.getWorkspaceFolder(uri) ?? vscode.workspace.workspaceFolders?.[0])?.uri.fsPath;
}
