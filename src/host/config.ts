/** Typed reader over the `whetstone.*` settings; the core never reads settings, the host hands it plain values. */
import * as vscode from 'vscode';

export type ModelRole = 'target' | 'optimizer' | 'judge' | 'scorer';
export const MODEL_ROLES: readonly ModelRole[] = ['target', 'optimizer', 'judge', 'scorer'];

export interface HostSettings {
  /** From user/machine settings only (the setting is machine-scoped): a workspace cannot redirect keys. */
  baseUrl: string;
  models: Record<ModelRole, string>;
  availableModels: string[];
  concurrency: number;
  /** How long one call waits out rate limits (429) before failing. */
  retryMinutes: number;
  budget: { calls: number; usd: number };
  localModelPath: string;
  cacheEnabled: boolean;
  /** Size cap of the response cache in MiB (LRU eviction). */
  cacheMaxSizeMb: number;
  diagnosticsDelayMs: number;
  codeLensEnabled: boolean;
}

export const DEFAULT_BASE_URL = 'https://api.openai.com/v1';

export class Settings implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private readonly listener = vscode.workspace.onDidChangeConfiguration((e) => {
    if (e.affectsConfiguration('whetstone')) this.changed.fire();
  });

  read(): HostSettings {
    const c = vscode.workspace.getConfiguration('whetstone');
    const text = (key: string, fallback: string) => (c.get<string>(key) ?? fallback).trim();
    const models = {} as Record<ModelRole, string>;
    for (const role of MODEL_ROLES) models[role] = text(`models.${role}`, '');
    return {
      baseUrl: text('endpoint.baseUrl', DEFAULT_BASE_URL) || DEFAULT_BASE_URL,
      models,
      availableModels: c.get<string[]>('models.available') ?? [],
      concurrency: Math.max(1, c.get<number>('concurrency') ?? 4),
      retryMinutes: Math.max(0, c.get<number>('retry.minutes') ?? 10),
      budget: { calls: c.get<number>('budget.calls') ?? 2000, usd: c.get<number>('budget.usd') ?? 5 },
      localModelPath: text('localModelPath', ''),
      cacheEnabled: c.get<boolean>('cache.enabled') ?? true,
      cacheMaxSizeMb: Math.max(1, c.get<number>('cache.maxSizeMB') ?? 256),
      diagnosticsDelayMs: c.get<number>('diagnostics.delay') ?? 300,
      codeLensEnabled: c.get<boolean>('codeLens.enabled') ?? true,
    };
  }

  /** Writes a model choice to user settings (models are a personal choice, not a workspace one). */
  async setModel(role: ModelRole, model: string): Promise<void> {
    await vscode.workspace
      .getConfiguration('whetstone')
      .update(`models.${role}`, model, vscode.ConfigurationTarget.Global);
  }

  dispose(): void {
    this.listener.dispose();
    this.changed.dispose();
  }
}
