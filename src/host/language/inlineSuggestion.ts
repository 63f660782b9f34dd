/**
 * The best candidate of a finished job, shown in place (UX §5): words it removes struck through, words it adds shown
 * highlighted where they would go, above which the CodeLens offers Accept / Diff / Dismiss. Shown only while the
 * prompt's region still reads as it did when the run started.
 */
import * as vscode from 'vscode';
import { diffWordsWithSpace } from 'diff';
import { chooseRegion } from '../../core/documents/region';
import type { Span } from '../../core/diagnostics';
import type { HostContext } from '../context';
import type { Suggestion } from '../jobs/suggestions';

/**
 * Source offset of each character of `decoded` (the region's decoded text) in `source` (its text in the file), found by
 * walking both: the file may add indentation, quotes and escapes that the decoded text lacks. Undefined if they
 * do not line up.
 */
export function alignDecoded(decoded: string, source: string, sourceStart: number): number[] | undefined {
  const map: number[] = [];
  let j = 0;
  for (let i = 0; i < decoded.length; i++) {
    while (j < source.length && source[j] !== decoded[i]) j++;
    if (j >= source.length) return undefined;
    map.push(sourceStart + j);
    j++;
  }
  map.push(sourceStart + j);
  return map;
}

export interface InlineDiffPart {
  kind: 'removed' | 'added';
  /** File offsets: the removed text, or [at, at] where added text goes. */
  span: Span;
  text: string;
}

/** Word-level changes from the region's text to the suggestion, positioned in the file. */
export function inlineDiffParts(
  regionText: string,
  regionSource: string,
  regionStart: number,
  suggestion: string,
): InlineDiffPart[] | undefined {
  const map = alignDecoded(regionText, regionSource, regionStart);
  if (!map) return undefined;
  const parts: InlineDiffPart[] = [];
  let at = 0;
  for (const change of diffWordsWithSpace(regionText, suggestion)) {
    if (change.added) {
      // Text added after a line break shows at the end of that line, not at the start of the file's next line.
      const anchor = at > 0 && regionText[at - 1] === '\n' ? map[at - 1] : map[at];
      parts.push({ kind: 'added', span: { start: anchor, end: anchor }, text: change.value });
    } else if (change.removed) {
      parts.push({
        kind: 'removed',
        span: { start: map[at], end: map[at + change.value.length - 1] + 1 },
        text: change.value,
      });
      at += change.value.length;
    } else {
      at += change.value.length;
    }
  }
  return parts;
}

export function registerInlineSuggestions(ctx: HostContext): vscode.Disposable[] {
  const removed = vscode.window.createTextEditorDecorationType({
    textDecoration: 'line-through',
    backgroundColor: new vscode.ThemeColor('diffEditor.removedTextBackground'),
  });
  const added = vscode.window.createTextEditorDecorationType({});

  const render = async (editor: vscode.TextEditor) => {
    const suggestion: Suggestion | undefined = ctx.suggestions.get(editor.document.uri);
    const clear = () => {
      editor.setDecorations(removed, []);
      editor.setDecorations(added, []);
    };
    if (!suggestion) return clear();
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
    const range = (s: Span) => new vscode.Range(editor.document.positionAt(s.start), editor.document.positionAt(s.end));
    editor.setDecorations(
      removed,
      parts
        .filter((p) => p.kind === 'removed')
        .map((p) => ({
          range: range(p.span),
          hoverMessage: `Candidate #${suggestion.candidateId} removes this`,
        })),
    );
    editor.setDecorations(
      added,
      parts
        .filter((p) => p.kind === 'added')
        .map((p) => ({
          range: range(p.span),
          hoverMessage: `Candidate #${suggestion.candidateId} adds: ${p.text}`,
          renderOptions: {
            before: {
              contentText: p.text.replace(/\r?\n/g, ' ⏎ '),
              backgroundColor: new vscode.ThemeColor('diffEditor.insertedTextBackground'),
              border: '1px solid',
              borderColor: new vscode.ThemeColor('diffEditor.insertedLineBackground'),
            },
          },
        })),
    );
  };
  const renderFor = (uri?: vscode.Uri) => {
    for (const editor of vscode.window.visibleTextEditors) {
      if (!uri || editor.document.uri.toString() === uri.toString()) void render(editor).catch(() => undefined);
    }
  };
  return [
    removed,
    added,
    ctx.suggestions.onDidChange((uri) => renderFor(uri)),
    vscode.window.onDidChangeVisibleTextEditors(() => renderFor()),
    vscode.workspace.onDidChangeTextDocument((e) => renderFor(e.document.uri)),
  ];
}
