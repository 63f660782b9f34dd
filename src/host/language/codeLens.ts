/**
 * The CodeLens row above a prompt: `▶ Run tests (N)` · `✦ Optimize…` · `⟲ Runs (N)`; after a job, above the optimized
 * region: `✓ Accept best (+Δ)` · `⇄ Diff` · `▸ Next candidate (1/N)` · `✗ Dismiss` — or, once acted on, what happened
 * (`✓ Accepted #N`, `↶ Undone #N`, stale).
 */
import * as vscode from 'vscode';
import { chooseRegion } from '../../core/documents/region';
import { Commands } from '../commandIds';
import type { HostContext } from '../context';
import { formatDelta, type Suggestion } from '../jobs/suggestions';
import { PROMPT_SELECTOR } from './selectors';

export class PromptCodeLensProvider implements vscode.CodeLensProvider {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;
  private readonly runCounts = new Map<string, Promise<number>>();

  constructor(private readonly ctx: HostContext) {}

  refresh(): void {
    this.runCounts.clear();
    this.changed.fire();
  }

  private runCount(uri: vscode.Uri): Promise<number> {
    const key = uri.toString();
    let count = this.runCounts.get(key);
    if (!count) {
      count = this.ctx.jobs.runsFor(uri).then(
        (runs) => runs.length,
        () => 0,
      );
      this.runCounts.set(key, count);
    }
    return count;
  }

  async provideCodeLenses(doc: vscode.TextDocument): Promise<vscode.CodeLens[]> {
    if (!this.ctx.settings.read().codeLensEnabled) return [];
    const analysis = await this.ctx.analyzer.analyze(doc);
    if (!analysis) return [];
    const first = analysis.doc.messages[0];
    const anchorLine = analysis.doc.format === 'prompt.yml' && first ? this.messagesKeyLine(doc, first.span.start) : 0;
    const at = new vscode.Range(anchorLine, 0, anchorLine, 0);
    const cases = analysis.rows.length;
    const runs = await this.runCount(doc.uri);
    const running = this.ctx.jobs.running().find((j) => j.uri.toString() === doc.uri.toString());
    const lenses: vscode.CodeLens[] = [
      new vscode.CodeLens(at, {
        title: `▶ Run tests (${cases})`,
        command: Commands.runTests,
        arguments: [doc.uri],
        tooltip: 'Run the prompt on its test cases',
      }),
      running
        ? new vscode.CodeLens(at, {
            title: `$(sync~spin) Optimizing · ${running.method.toUpperCase()}${running.round ? ` ${running.round.round}/${running.round.of}` : ''}`,
            command: Commands.showJobs,
          })
        : new vscode.CodeLens(at, {
            title: '✦ Optimize…',
            command: Commands.optimize,
            arguments: [doc.uri],
            tooltip: 'Optimize this prompt with APO, SPO or PMPO',
          }),
      new vscode.CodeLens(at, {
        title: `⟲ Runs (${runs})`,
        command: Commands.showResults,
        arguments: [doc.uri],
        tooltip: 'Show optimization runs',
      }),
    ];
    const suggestion = this.ctx.suggestions.get(doc.uri);
    if (suggestion) {
      const region = chooseRegion(analysis.doc).region;
      const line = region ? doc.positionAt(region.span.start).line : anchorLine;
      lenses.push(...suggestionLenses(suggestion, new vscode.Range(line, 0, line, 0), doc.uri));
    }
    return lenses;
  }

  /** The `messages:` line above the first message (the lens sits on the prompt, not on the file's metadata). */
  private messagesKeyLine(doc: vscode.TextDocument, firstMessageOffset: number): number {
    const line = doc.positionAt(firstMessageOffset).line;
    for (let i = line; i >= 0; i--) if (/^messages\s*:/.test(doc.lineAt(i).text)) return i;
    return line;
  }

  dispose(): void {
    this.changed.dispose();
  }
}

/** The lenses above the optimized region, by the suggestion's state (one state, the same the panel shows). */
export function suggestionLenses(s: Suggestion, r: vscode.Range, uri: vscode.Uri): vscode.CodeLens[] {
  const delta =
    (s.score !== undefined && s.baselineScore !== undefined ? ` (${formatDelta(s.score - s.baselineScore)})` : '') +
    (s.simulated ? ' · SIMULATED' : '');
  const lens = (title: string, command: string, tooltip?: string) =>
    new vscode.CodeLens(r, { title, command, arguments: command ? [uri] : undefined, tooltip });
  switch (s.state) {
    case 'proposed':
      return [
        lens(s.rank === 0 ? `✓ Accept best${delta}` : `✓ Accept #${s.candidateId}${delta}`, Commands.acceptSuggestion),
        lens('⇄ Diff', Commands.diffSuggestion, 'Compare with the candidate in the diff editor'),
        ...(s.of > 1 ? [lens(`▸ Next candidate (${s.rank + 1}/${s.of})`, Commands.nextSuggestion)] : []),
        lens('✗ Dismiss', Commands.dismissSuggestion),
      ];
    case 'accepted':
      return [
        lens(
          `✓ Accepted #${s.candidateId}${delta}`,
          '',
          'This candidate is in the file; Ctrl+Z in the editor undoes it',
        ),
        lens('✗ Dismiss', Commands.dismissSuggestion, 'Hide this row (the text stays as it is)'),
      ];
    case 'undone':
      return [
        lens(`↶ Undone #${s.candidateId}`, '', 'The accept was undone: the prompt reads as before the run'),
        lens(`✓ Accept again${delta}`, Commands.acceptSuggestion),
        lens('✗ Dismiss', Commands.dismissSuggestion),
      ];
    case 'stale':
      return [
        lens(
          `⚠ Suggestion #${s.candidateId} is stale: the prompt changed since the run`,
          Commands.diffSuggestion,
          'Compare your text with the candidate',
        ),
        lens('✗ Dismiss', Commands.dismissSuggestion),
      ];
  }
}

export function registerCodeLens(ctx: HostContext): vscode.Disposable[] {
  const provider = new PromptCodeLensProvider(ctx);
  const watcher = vscode.workspace.createFileSystemWatcher('**/.whetstone/runs/**/*.jsonl');
  return [
    provider,
    vscode.languages.registerCodeLensProvider(PROMPT_SELECTOR, provider),
    watcher,
    watcher.onDidCreate(() => provider.refresh()),
    watcher.onDidDelete(() => provider.refresh()),
    ctx.jobs.onDidStart(() => provider.refresh()),
    ctx.jobs.onDidEvent(({ event }) => {
      if (event.type === 'round') provider.refresh();
    }),
    ctx.jobs.onDidFinish(() => provider.refresh()),
    ctx.suggestions.onDidChange(() => provider.refresh()),
    ctx.settings.onDidChange(() => provider.refresh()),
    ctx.analyzer.onDidInvalidate(() => provider.refresh()),
  ];
}
