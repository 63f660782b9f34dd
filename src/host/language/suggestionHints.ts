/**
 * The words a suggestion adds, shown at their column as inlay hints, and the count of the whole lines it adds at the
 * end of the line they follow. Inlay hints are text the editor lays out itself, so they wrap with the line and never
 * widen the view; a decoration's `before`/`after` text is CSS content that word wrap ignores (it ran past the wrap
 * column and scrolled the editor sideways at 1400×900 with the panel open).
 */
import * as vscode from 'vscode';
import { Commands } from '../commandIds';
import type { HostContext } from '../context';
import { addedLinesLabel, hintChunks, placeAdditions } from './inlineDiff';
import { PROMPT_SELECTOR } from './selectors';
import { partHover, suggestionParts } from './suggestionParts';

export class SuggestionHintsProvider implements vscode.InlayHintsProvider {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeInlayHints = this.changed.event;

  constructor(private readonly ctx: HostContext) {}

  refresh(): void {
    this.changed.fire();
  }

  async provideInlayHints(doc: vscode.TextDocument, range: vscode.Range): Promise<vscode.InlayHint[]> {
    const found = await suggestionParts(this.ctx, doc);
    if (!found) return [];
    const { suggestion, parts } = found;
    const hints: vscode.InlayHint[] = [];
    const lineOf = (offset: number) => doc.positionAt(offset).line;
    for (const { part, label } of placeAdditions(parts, lineOf, (line) => doc.lineAt(line).text.length)) {
      const at = doc.positionAt(part.span.start);
      const text = doc.lineAt(at.line).text;
      const chunks = hintChunks(label);
      chunks.forEach((chunk, i) => {
        const hint = new vscode.InlayHint(at, chunk);
        hint.tooltip = partHover(suggestion, 'adds', part.text);
        // Apart from a struck word it follows or a word it runs into, as a space would be.
        hint.paddingLeft = i === 0 && at.character > 0 && /\S/.test(text[at.character - 1]) && !/^\s/.test(label);
        hint.paddingRight =
          i === chunks.length - 1 && at.character < text.length && /\S/.test(text[at.character]) && !/\s$/.test(label);
        hints.push(hint);
      });
    }
    for (const part of parts.filter((p) => p.kind === 'addedLines')) {
      const where = part.above ? 'above' : 'below';
      const end = doc.lineAt(lineOf(part.span.start)).range.end;
      const hint = new vscode.InlayHint(end, [
        {
          value: addedLinesLabel(part),
          tooltip: partHover(suggestion, `adds these lines ${where}`, part.text),
          command: { title: 'Compare', command: Commands.diffSuggestion, arguments: [doc.uri] },
        },
      ]);
      hint.paddingLeft = true;
      hints.push(hint);
    }
    return hints.filter((h) => range.contains(h.position));
  }
}

export function registerSuggestionHints(ctx: HostContext): vscode.Disposable[] {
  const provider = new SuggestionHintsProvider(ctx);
  return [
    vscode.languages.registerInlayHintsProvider(PROMPT_SELECTOR, provider),
    ctx.suggestions.onDidChange(() => provider.refresh()),
  ];
}
