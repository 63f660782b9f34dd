/**
 * Optional features that register beside the core ones: the results panel (src/host/panel). Each returns disposables; add new ones here, not in activate().
 */
import type * as vscode from 'vscode';
import type { HostContext } from './context';
import { registerResultsPanel } from './panel';

export function registerFeatureHooks(ctx: HostContext): vscode.Disposable[] {
  return [...registerResultsPanel(ctx)];
}
