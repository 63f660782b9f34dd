/**
 * HostContext: what every feature module receives — the services built once in `activate()`.
 * The results panel (src/host/panel) fills `resultsPanel` with its functions from `registerResultsPanel(ctx)`;
 * until it does, commands fall back to the editor (diff view, WorkspaceEdit).
 */
import type * as vscode from 'vscode';
import type { JobInfo, JobManager } from './jobs/jobManager';
import type { PromptAnalyzer } from './language/promptAnalyzer';
import type { Settings } from './config';
import type { ApiKeyStore } from './secrets';
import type { Logger } from './logger';
import type { TrustGate } from './trust';
import type { SuggestionStore } from './jobs/suggestions';
import type { PromptTestExplorer } from './language/testExplorer';

/** What the results panel offers the rest of the host; every member optional so the host works without it. */
export interface ResultsPanelHooks {
  /** Opens (or reveals) the panel for a prompt file, optionally on one run. */
  show?(uri: vscode.Uri, runId?: string): void | Promise<void>;
  /** Applies candidate `candidateId` (default: the best) of a run to its prompt file; resolves true when applied. */
  accept?(uri: vscode.Uri, runId: string, candidateId?: number): boolean | Promise<boolean>;
  /** Opens a diff of the current prompt against a candidate. */
  diff?(uri: vscode.Uri, runId: string, candidateId?: number): void | Promise<void>;
}

export interface HostContext {
  extension: vscode.ExtensionContext;
  log: Logger;
  settings: Settings;
  keys: ApiKeyStore;
  trust: TrustGate;
  analyzer: PromptAnalyzer;
  jobs: JobManager;
  suggestions: SuggestionStore;
  /** Filled by the panel module at registration. */
  resultsPanel: ResultsPanelHooks;
  /** Prompt tests in the Test Explorer (set when registered). */
  testExplorer?: PromptTestExplorer;
  /** Measured in activate(), for the log and tests. */
  activationMs?: number;
}

export type { JobInfo };
