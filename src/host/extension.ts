/**
 * Whetstone's composition root: build the HostContext, register each feature module (each returns its disposables),
 * and return the API the integration tests use. Activation is lazy (our languages, our commands).
 */
import * as vscode from 'vscode';
import { createHostContext } from './createContext';
import type { HostContext } from './context';
import { registerLanguageFeatures } from './language';
import { registerCommands } from './commands';
import { announceInterruptedRuns } from './commands/jobCommands';
import { registerJobProgress } from './jobs/jobProgress';
import { registerSuggestionTracking } from './jobs/suggestionTracking';
import { registerFeatureHooks } from './featureHooks';
import { registerLanguageModelTools } from './lm/tools';

export interface WhetstoneApi {
  context: HostContext;
  activationMs: number;
}

export function activate(extension: vscode.ExtensionContext): WhetstoneApi | undefined {
  const started = performance.now();
  try {
    const ctx = createHostContext(extension);
    extension.subscriptions.push(
      ...registerCommands(ctx),
      ...registerLanguageFeatures(ctx),
      ...registerJobProgress(ctx),
      ...registerSuggestionTracking(ctx),
      ...registerFeatureHooks(ctx),
      ...registerLanguageModelTools(ctx),
      ctx.settings.onDidChange(() => ctx.analyzer.invalidateAll()),
    );
    ctx.activationMs = performance.now() - started;
    ctx.log.info(`activated in ${ctx.activationMs.toFixed(1)} ms (trusted workspace: ${vscode.workspace.isTrusted})`);
    void announceInterruptedRuns(ctx).catch((error) => ctx.log.error('could not list interrupted runs', error));
    return { context: ctx, activationMs: ctx.activationMs };
  } catch (error) {
    // VS Code does not show activation failures; say it.
    void vscode.window.showErrorMessage(
      `Whetstone failed to start: ${error instanceof Error ? error.message : String(error)}`,
    );
    return undefined;
  }
}

export function deactivate(): void {
  // Everything is in extension.subscriptions.
}
