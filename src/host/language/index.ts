/**
 * Every language feature for prompt files and sidecars; they work in Restricted Mode (they run no workspace code; the
 * Test Explorer lists tests there but runs them only when trusted).
 */
import type * as vscode from 'vscode';
import type { HostContext } from '../context';
import { registerDiagnostics } from './diagnostics';
import { registerQuickFixes } from './quickFixes';
import { registerCompletion } from './completion';
import { registerHover } from './hover';
import { registerCodeLens } from './codeLens';
import { registerOutline } from './outline';
import { registerTestExplorer } from './testExplorer';
import { registerInlineSuggestions } from './inlineSuggestion';

export function registerLanguageFeatures(ctx: HostContext): vscode.Disposable[] {
  return [
    ...registerDiagnostics(ctx.analyzer, ctx.settings),
    ...registerQuickFixes(ctx.analyzer),
    ...registerCompletion(ctx.analyzer, ctx.settings),
    ...registerHover(ctx.analyzer, ctx.settings),
    ...registerCodeLens(ctx),
    ...registerOutline(ctx.analyzer),
    ...registerTestExplorer(ctx),
    ...registerInlineSuggestions(ctx),
  ];
}
