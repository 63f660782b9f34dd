/** Shared helpers for the extension-host suites of src/host: activation, fixture documents, waiting on diagnostics. */
import * as vscode from 'vscode';
import * as path from 'node:path';
import * as fs from 'node:fs';
import type { WhetstoneApi } from '../../../src/host/extension';

export const EXTENSION_ID = 'whetstone.whetstone';

export async function activateWhetstone(): Promise<WhetstoneApi> {
  const ext = vscode.extensions.getExtension<WhetstoneApi>(EXTENSION_ID);
  if (!ext) throw new Error(`extension ${EXTENSION_ID} is not loaded`);
  const api = await ext.activate();
  if (!api) throw new Error('activate() returned no API (activation failed; see the Whetstone log)');
  return api;
}

export function workspaceRoot(): string {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('no workspace folder open');
  return folder.uri.fsPath;
}

export function fixtureUri(relative: string): vscode.Uri {
  return vscode.Uri.file(path.join(workspaceRoot(), relative));
}

export async function openFixture(relative: string): Promise<vscode.TextDocument> {
  const doc = await vscode.workspace.openTextDocument(fixtureUri(relative));
  await vscode.window.showTextDocument(doc);
  return doc;
}

/** Writes a file into the test workspace (creating folders) and returns its URI. */
export function writeWorkspaceFile(relative: string, text: string): vscode.Uri {
  const file = path.join(workspaceRoot(), relative);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  return vscode.Uri.file(file);
}

/** Polls until `predicate` holds (diagnostics are debounced and computed asynchronously); event-driven via onDidChangeDiagnostics. */
export function waitForDiagnostics(
  uri: vscode.Uri,
  predicate: (d: vscode.Diagnostic[]) => boolean,
  timeoutMs = 20000,
): Promise<vscode.Diagnostic[]> {
  return new Promise((resolve, reject) => {
    const check = () => {
      const current = vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'whetstone');
      if (predicate(current)) {
        sub.dispose();
        clearTimeout(timer);
        resolve(current);
        return true;
      }
      return false;
    };
    const sub = vscode.languages.onDidChangeDiagnostics((e) => {
      if (e.uris.some((u) => u.toString() === uri.toString())) check();
    });
    const timer = setTimeout(() => {
      sub.dispose();
      const got = vscode.languages
        .getDiagnostics(uri)
        .map((d) => `${d.code}@${d.range.start.line}:${d.range.start.character} ${d.message}`);
      reject(new Error(`diagnostics for ${uri.fsPath} did not match in time; got: ${JSON.stringify(got)}`));
    }, timeoutMs);
    check();
  });
}

export function codeOf(d: vscode.Diagnostic): string {
  return String(typeof d.code === 'object' ? d.code.value : d.code);
}

export function hoverText(hovers: vscode.Hover[]): string {
  return hovers
    .flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : String(c))))
    .join('\n');
}
