/**
 * The best candidate of a finished job, shown in place (UX §5): words it removes struck through, words it adds shown
 * highlighted at their column (bounded per line: the full text is in the hover and in the diff editor behind
 * "⇄ Diff"), whole new lines as a dashed rule and a count under the line they follow (hover: the lines), above which the CodeLens offers Accept / Diff / Next / Dismiss. Shown only while the
 * suggestion is on offer and the prompt's region still reads as it did when the run started. A status-bar item says
 * where the active prompt's suggestion stands.
 */
import * as vscode from 'vscode';
import { chooseRegion } from '../../core/documents/region';
import type { Span } from '../../core/diagnostics';
import { Commands } from '../commandIds';
import type { HostContext } from '../context';
import { formatDelta, type Suggestion } from '../jobs/suggestions';
import { addedLinesLabel, inlineDiffParts, placeAdditions } from './inlineDiff';

export { alignDecoded, inlineDiffParts, type InlineDiffPart } from './inlineDiff';

function hover(s: Suggestion, verb: string, text: string): vscode.MarkdownString {
  const md = new vscode.MarkdownString(`Candidate #${s.candidateId} ${verb}:`);
  md.appendCodeblock(text, 'text');
  md.appendMarkdown('\n\nAccept, compare or dismiss it from the row above the prompt.');
  return md;
}

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
  const colour = new vscode.ThemeColor('diffEditor.insertedTextBackground');
  return vscode.window.createTextEditorDecorationType({
    isWholeLine: true,
    borderStyle: 'dashed',
    borderWidth: above ? '2px 0 0 0' : '0 0 2px 0',
    borderColor: new vscode.ThemeColor('editorGutter.addedBackground'),
    overviewRulerColor: new vscode.ThemeColor('editorOverviewRuler.addedForeground'),
    overviewRulerLane: vscode.OverviewRulerLane.Left,
    gutterIconPath: vscode.Uri.joinPath(context.extensionUri, 'media', 'suggestion-new-lines.svg'),
    gutterIconSize: 'contain',
    after: { margin: '0 0 0 2ch', backgroundColor: colour, color: new vscode.ThemeColor('editor.foreground') },
  });
}

export function registerInlineSuggestions(ctx: HostContext): vscode.Disposable[] {
  const removed = vscode.window.createTextEditorDecorationType({
    textDecoration: 'line-through',
    backgroundColor: new vscode.ThemeColor('diffEditor.removedTextBackground'),
  });
  const added = vscode.window.createTextEditorDecorationType({});
  const linesBelow = addedLinesDecoration(ctx.extension, false);
  const linesAbove = addedLinesDecoration(ctx.extension, true);
  const status = vscode.window.createStatusBarItem('whetstone.suggestion', vscode.StatusBarAlignment.Left, 9);
  status.name = 'Whetstone suggestion';

  const render = async (editor: vscode.TextEditor) => {
    const suggestion: Suggestion | undefined = ctx.suggestions.get(editor.document.uri);
    const clear = () => {
      for (const type of [removed, added, linesBelow, linesAbove]) editor.setDecorations(type, []);
    };
    if (!suggestion || suggestion.state !== 'proposed') return clear();
    const analysis = await ctx.analyzer.analyze(editor.document);
    const region = analysis && chooseRegion(analysis.doc).region;
    if (!region || region.text.trim() !== suggestion.originalRegion.trim()) return clear();
    const text = editor.document.getText();
    const parts = inlineDiffParts(
      region.text,
      text.slice(region.span.start, region.span.end),
      region.span.start,
      suggestion.prompt,
    );
    if (!parts) return clear();
    const doc = editor.document;
    const range = (s: Span) => new vscode.Range(doc.positionAt(s.start), doc.positionAt(s.end));
    editor.setDecorations(
      removed,
      parts
        .filter((p) => p.kind === 'removed')
        .map((p) => ({ range: range(p.span), hoverMessage: hover(suggestion, 'removes this', p.text) })),
    );
    const lineOf = (offset: number) => doc.positionAt(offset).line;
    editor.setDecorations(
      added,
      placeAdditions(parts, lineOf, (line) => doc.lineAt(line).text.length).map(({ part, label }) => ({
        range: range(part.span),
        hoverMessage: hover(suggestion, 'adds', part.text),
        renderOptions: {
          before: {
            contentText: label,
            backgroundColor: new vscode.ThemeColor('diffEditor.insertedTextBackground'),
            border: '1px solid',
            borderColor: new vscode.ThemeColor('diffEditor.insertedLineBackground'),
          },
        },
      })),
    );
    const newLines = (above: boolean) =>
      parts
        .filter((p) => p.kind === 'addedLines' && !!p.above === above)
        .map((p) => ({
          range: range(p.span),
          hoverMessage: hover(suggestion, `adds these lines ${above ? 'above' : 'below'}`, p.text),
          renderOptions: { after: { contentText: addedLinesLabel(p) } },
        }));
    editor.setDecorations(linesBelow, newLines(false));
    editor.setDecorations(linesAbove, newLines(true));
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
    removed,
    added,
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
