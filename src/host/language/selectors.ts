/**
 * Which documents get Whetstone's language features. `.prompt.md` keeps VS Code's own `prompt` language: we attach
 * providers by file pattern beside it and never claim the extension.
 */
import type * as vscode from 'vscode';

export const LANGUAGE_IDS = {
  promptYaml: 'whetstone-prompt-yaml',
  prompty: 'prompty',
  sidecar: 'whetstone-sidecar',
} as const;

export const PROMPT_SELECTOR: vscode.DocumentFilter[] = [
  { scheme: 'file', language: LANGUAGE_IDS.promptYaml },
  { scheme: 'file', language: LANGUAGE_IDS.prompty },
  { scheme: 'file', pattern: '**/*.prompt.md' },
];

export const SIDECAR_SELECTOR: vscode.DocumentFilter[] = [{ scheme: 'file', language: LANGUAGE_IDS.sidecar }];

const PROMPT_FILE_NAME = /\.(prompt\.ya?ml|prompty|prompt\.md)$/i;
const SIDECAR_FILE_NAME = /\.whetstone\.ya?ml$/i;

export function isPromptFileName(fileName: string): boolean {
  return PROMPT_FILE_NAME.test(fileName);
}

export function isSidecarFileName(fileName: string): boolean {
  return SIDECAR_FILE_NAME.test(fileName);
}

export function isPromptDocument(doc: vscode.TextDocument): boolean {
  return doc.uri.scheme === 'file' && isPromptFileName(doc.fileName);
}
