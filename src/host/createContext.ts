/** Builds the HostContext: the services every feature module shares, each disposed with the extension. */
import * as vscode from 'vscode';
import type { HostContext } from './context';
import { Settings } from './config';
import { ApiKeyStore } from './secrets';
import { createLogger } from './logger';
import { createTrustGate } from './trust';
import { PromptAnalyzer } from './language/promptAnalyzer';
import { JobManager } from './jobs/jobManager';
import { SuggestionStore } from './jobs/suggestions';
import { disposeLocalBackend } from './jobs/llmClient';
import { stopSimulatedEndpoint } from './jobs/simulatedEndpoint';

export function createHostContext(extension: vscode.ExtensionContext): HostContext {
  const channel = vscode.window.createOutputChannel('Whetstone', { log: true });
  const keys = new ApiKeyStore(extension.secrets);
  const log = createLogger(channel, () => keys.knownSecrets);
  const settings = new Settings();
  const trust = createTrustGate();
  const analyzer = new PromptAnalyzer(log);
  const jobs = new JobManager(analyzer, settings, keys, log, extension.extensionPath, trust.isTrusted);
  const suggestions = new SuggestionStore();
  extension.subscriptions.push(channel, keys, settings, analyzer, jobs, suggestions, {
    dispose: () => {
      void disposeLocalBackend();
      void stopSimulatedEndpoint();
    },
  });
  return { extension, log, settings, keys, trust, analyzer, jobs, suggestions, resultsPanel: {} };
}
