/**
 * The best candidate of a finished job, shown in place (UX §5): words it removes struck through (a decoration on their
 * range), words it adds at their column (inlay hints, suggestionHints.ts), whole new lines as a dashed rule and a gutter
 * mark under the line they follow with a count (hover: the lines; the diff editor behind "⇄ Diff" shows them as
 * lines), with the CodeLens above offering Accept / Diff / Next / Dismiss. Shown only while the suggestion is on offer
 * and the prompt's region still reads as it did when the run started. A status-bar item says where the active
 * prompt's suggestion stands.
 */
import * as vscode from 'vscode';
import { Commands } from '../commandIds';
import type { HostContext } from '../context';
import { formatDelta, type Suggestion } from '../jobs/suggestions';
import type { Span } from '../../core/diagnostics';
import type { InlineDiffPart } from './inlineDiff';
import { partHover, suggestionParts } from './suggestionParts';
import { registerSuggestionHints } from './suggestionHints';

export { alignDecoded, inlineDiffParts, type InlineDiffPart } from './inlineDiff';

/** Status-bar text for a suggestion, by state. */
export function suggestionStatusText(s: Suggestion): string {
  const delta =
    (s.score !== undefined && s.baselineScore !== undefined ? ` (${formatDelta(s.score - s.baselineScore)})` : '') +
    (s.simulated ? ' SIMULATED' : '');
  switch (s.state) {
    case 'proposed':
      return `$(lightbulb) Suggestion #${s.candidateId}${delta}`;
    case 'accepted':
      return `$(check) Accepted #${s.candidateId}${delta}`;
    case 'undone':
      return `$(discard) Undone #${s.candidateId}`;
    case 'stale':
      return `$(warning) Suggestion #${s.candidateId} stale`;
  }
}

/** Where whole new lines go: a dashed rule under (or over) the line, a gutter mark and a short count. */
function addedLinesDecoration(context: vscode.ExtensionContext, above: boolean) {
  return vscode.window.createTextEditorDecorationType({
    isWholeLine: true,
    borderStyle: 'dashed',
    borderWidth: above ? '2px 0 0 0' : '0 0 2px 0',
    borderColor: new vscode.ThemeColor('editorGutter.addedBackground'),
    overviewRulerColor: new vscode.ThemeColor('editorOverviewRuler.addedForeground'),
    overviewRulerLane: vscode.OverviewRulerLane.Left,
    gutterIconPath: vscode.Uri.joinPath(context.extensionUri, 'media', 'suggestion-new-lines.svg'),
    gutterIconSize: 'contain',
  });
}

/**
 * The words of a removed span, each its own range: a struck range that ran across a wrap point painted its background
 * over the next row's indentation.
 */
function wordSpans(doc: vscode.TextDocument, span: Span): Span[] {
  const text = doc.getText(new vscode.Range(doc.positionAt(span.start), doc.positionAt(span.end)));
  return [...text.matchAll(/\S+/g)].map((m) => ({
    start: span.start + m.index,
    end: span.start + m.index + m[0].length,
  }));
}

export function registerInlineSuggestions(ctx: HostContext): vscode.Disposable[] {
  const removed = vscode.window.createTextEditorDecorationType({
    textDecoration: 'line-through',
    backgroundColor: new vscode.ThemeColor('diffEditor.removedTextBackground'),
  });
  const linesBelow = addedLinesDecoration(ctx.extension, false);
  const linesAbove = addedLinesDecoration(ctx.extension, true);
  const status = vscode.window.createStatusBarItem('whetstone.suggestion', vscode.StatusBarAlignment.Left, 9);
  status.name = 'Whetstone suggestion';

  const render = async (editor: vscode.TextEditor) => {
    const found = await suggestionParts(ctx, editor.document);
    const decorations = (kind: InlineDiffPart['kind'], above: boolean, verb: string): vscode.DecorationOptions[] =>
      (found?.parts ?? [])
        .filter((p) => p.kind === kind && !!p.above === above)
        .flatMap((p) =>
          (kind === 'removed' ? wordSpans(editor.document, p.span) : [p.span]).map((span) => ({ span, p })),
        )
        .map(({ span, p }) => ({
          range: found!.range(span),
          hoverMessage: partHover(found!.suggestion, verb, p.text),
        }));
    editor.setDecorations(removed, decorations('removed', false, 'removes this'));
    editor.setDecorations(linesBelow, decorations('addedLines', false, 'adds these lines below'));
    editor.setDecorations(linesAbove, decorations('addedLines', true, 'adds these lines above'));
  };
  const renderFor = (uri?: vscode.Uri) => {
    for (const editor of vscode.window.visibleTextEditors) {
      if (!uri || editor.document.uri.toString() === uri.toString()) void render(editor).catch(() => undefined);
    }
  };
  const refreshStatus = () => {
    const uri = vscode.window.activeTextEditor?.document.uri;
    const s = uri && ctx.suggestions.get(uri);
    if (!s) return status.hide();
    status.text = suggestionStatusText(s);
    status.tooltip =
      s.state === 'proposed' || s.state === 'stale'
        ? 'Whetstone: compare this candidate with your prompt'
        : 'Whetstone: show the run in the results panel';
    status.command =
      s.state === 'proposed' || s.state === 'stale'
        ? { title: 'Diff', command: Commands.diffSuggestion, arguments: [s.uri] }
        : { title: 'Show Results', command: Commands.showResults, arguments: [s.uri, s.runId] };
    status.show();
  };
  return [
    ...registerSuggestionHints(ctx),
    removed,
    linesBelow,
    linesAbove,
    status,
    ctx.suggestions.onDidChange((uri) => {
      renderFor(uri);
      refreshStatus();
    }),
    vscode.window.onDidChangeVisibleTextEditors(() => renderFor()),
    vscode.window.onDidChangeActiveTextEditor(() => refreshStatus()),
    vscode.workspace.onDidChangeTextDocument((e) => renderFor(e.document.uri)),
  ];
}
