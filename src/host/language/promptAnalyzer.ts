/**
 * One cached analysis per prompt document version: the parsed prompt, its sidecar, dataset rows and evaluators
 * (core `loadPrompt`, reading unsaved editor text). Every language feature reads from here, so a keystroke parses once.
 * A change to a related file (sidecar, dataset) invalidates the prompts that use it.
 */
import * as vscode from 'vscode';
import * as path from 'node:path';
import { loadPrompt, type LoadedPrompt } from '../../core/project/load-prompt';
import { sidecarPathFor } from '../../core/documents';
import { editorAwareFileSystem } from '../workspaceFiles';
import type { Logger } from '../logger';

export interface PromptAnalysis extends LoadedPrompt {
  uri: vscode.Uri;
  version: number;
  /** Dataset file actually read, if any (absolute). */
  datasetFile?: string;
  /** Variable names the prompt uses (unique, in order of first use). */
  variableNames: string[];
}

interface Entry {
  version: number;
  generation: number;
  result: Promise<PromptAnalysis | undefined>;
  related: Set<string>;
}

export class PromptAnalyzer implements vscode.Disposable {
  private readonly cache = new Map<string, Entry>();
  private generation = 0;
  private readonly invalidated = new vscode.EventEmitter<vscode.Uri[]>();
  /** Fires with the prompt URIs whose analysis went stale because a related file changed. */
  readonly onDidInvalidate = this.invalidated.event;
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(private readonly log: Logger) {
    const watcher = vscode.workspace.createFileSystemWatcher('**/*.{yaml,yml,jsonl,ndjson,csv,json}');
    const onFile = (uri: vscode.Uri) => this.relatedChanged(uri.fsPath);
    this.subscriptions.push(
      watcher,
      watcher.onDidChange(onFile),
      watcher.onDidCreate(onFile),
      watcher.onDidDelete(onFile),
      vscode.workspace.onDidChangeTextDocument((e) => this.relatedChanged(e.document.uri.fsPath)),
      vscode.workspace.onDidCloseTextDocument((d) => this.cache.delete(d.uri.toString())),
      this.invalidated,
    );
  }

  analyze(doc: vscode.TextDocument): Promise<PromptAnalysis | undefined> {
    const key = doc.uri.toString();
    const hit = this.cache.get(key);
    if (hit && hit.version === doc.version && hit.generation === this.generation) return hit.result;
    const related = new Set<string>();
    const result = this.load(doc, related);
    this.cache.set(key, { version: doc.version, generation: this.generation, result, related });
    return result;
  }

  private async load(doc: vscode.TextDocument, related: Set<string>): Promise<PromptAnalysis | undefined> {
    const file = doc.uri.fsPath;
    try {
      const loaded = await loadPrompt(file, editorAwareFileSystem);
      const datasetFile = loaded.settings.dataset
        ? path.resolve(path.dirname(file), loaded.settings.dataset)
        : undefined;
      related.add(path.resolve(sidecarPathFor(file)));
      if (loaded.sidecarFile) related.add(path.resolve(loaded.sidecarFile));
      if (datasetFile) related.add(datasetFile);
      const variableNames = [...new Set(loaded.doc.variables.map((v) => v.name))];
      return { ...loaded, uri: doc.uri, version: doc.version, datasetFile, variableNames };
    } catch (error) {
      this.log.error(`could not analyze ${file}`, error);
      return undefined;
    }
  }

  private relatedChanged(file: string): void {
    // Run logs and the response cache change constantly during jobs and are never a prompt's input.
    if (/[\\/]\.whetstone[\\/]/.test(file)) return;
    const changed = path.resolve(file);
    const stale: vscode.Uri[] = [];
    for (const [key, entry] of this.cache) {
      if (entry.related.has(changed)) {
        this.cache.delete(key);
        stale.push(vscode.Uri.parse(key));
      }
    }
    if (stale.length) this.invalidated.fire(stale);
  }

  /** Drops every cached analysis (e.g. settings changed). */
  invalidateAll(): void {
    this.generation++;
    this.invalidated.fire([...this.cache.keys()].map((k) => vscode.Uri.parse(k)));
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    this.cache.clear();
  }
}
