/** Every contributed command; each registers even when it cannot run yet and then explains why. */
import type * as vscode from 'vscode';
import type { HostContext } from '../context';
import { registerOptimizeCommand } from './optimize';
import { registerRerunCommand } from './rerun';
import { registerRunTestsCommand } from './runTests';
import { registerApiKeyCommands } from './apiKeys';
import { registerSelectModelsCommand } from './selectModels';
import { registerJobCommands } from './jobCommands';
import { registerSuggestionCommands } from './suggestionCommands';
import { registerDownloadModelCommand } from './downloadModel';
import { registerGettingStartedCommands } from './gettingStarted';

export function registerCommands(ctx: HostContext): vscode.Disposable[] {
  return [
    ...registerOptimizeCommand(ctx),
    ...registerRerunCommand(ctx),
    ...registerRunTestsCommand(ctx),
    ...registerApiKeyCommands(ctx),
    ...registerSelectModelsCommand(ctx),
    ...registerJobCommands(ctx),
    ...registerSuggestionCommands(ctx),
    ...registerDownloadModelCommand(ctx),
    ...registerGettingStartedCommands(ctx),
  ];
}
