/**
 * The core's FileSystemPort for the host: reads go to the open editor's text when a file is open (so diagnostics
 * follow unsaved edits of the prompt, its sidecar and its dataset), else to disk.
 */
import * as vscode from 'vscode';
import * as path from 'node:path';
import { promises as fs } from 'node:fs';
import { nodeFileSystem } from '../core/node-file-system';
import type { FileSystemPort } from '../core/ports';

function openDocument(file: string): vscode.TextDocument | undefined {
  const wanted = path.resolve(file);
  return vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'file' && path.resolve(d.uri.fsPath) === wanted);
}

/** Disk reads keyed by path, reused while size and mtime are unchanged (a dataset is re-read per keystroke otherwise). */
const diskCache = new Map<string, { mtimeMs: number; size: number; text: string }>();
const DISK_CACHE_MAX = 64;

async function readDisk(file: string): Promise<string> {
  const stat = await fs.stat(file);
  const hit = diskCache.get(file);
  if (hit && hit.mtimeMs === stat.mtimeMs && hit.size === stat.size) return hit.text;
  const text = await nodeFileSystem.readText(file);
  if (diskCache.size >= DISK_CACHE_MAX) diskCache.delete(diskCache.keys().next().value!);
  diskCache.set(file, { mtimeMs: stat.mtimeMs, size: stat.size, text });
  return text;
}

export const editorAwareFileSystem: FileSystemPort = {
  ...nodeFileSystem,
  async readText(file) {
    return openDocument(file)?.getText() ?? readDisk(file);
  },
  async exists(file) {
    return openDocument(file) !== undefined || nodeFileSystem.exists(file);
  },
};

/** The workspace folder that owns `uri`, or the first folder, as the root of `.whetstone/`. */
export function workspaceRootFor(uri: vscode.Uri): string | undefined {
  return (vscode.workspace.getWorkspaceFolder(uri) ?? vscode.workspace.workspaceFolders?.[0])?.uri.fsPath;
}
