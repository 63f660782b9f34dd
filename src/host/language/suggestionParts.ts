/**
 * The word-level parts of the suggestion on offer for a document (inlineDiff.ts), or nothing when there is none or the
 * prompt's region no longer reads as it did when the run started; and the hover that shows a part's full text.
 */
import * as vscode from 'vscode';
import { chooseRegion } from '../../core/documents/region';
import type { Span } from '../../core/diagnostics';
import type { HostContext } from '../context';
import type { Suggestion } from '../jobs/suggestions';
import { inlineDiffParts, type InlineDiffPart } from './inlineDiff';

export interface SuggestionParts {
  suggestion: Suggestion;
  parts: InlineDiffPart[];
  range(span: Span): vscode.Range;
}

export async function suggestionParts(
  ctx: HostContext,
  doc: vscode.TextDocument,
): Promise<SuggestionParts | undefined> {
  const suggestion = ctx.suggestions.get(doc.uri);
  if (!suggestion || suggestion.state !== 'proposed') return undefined;
  const analysis = await ctx.analyzer.analyze(doc);
  const region = analysis && chooseRegion(analysis.doc).region;
  if (!region || region.text.trim() !== suggestion.originalRegion.trim()) return undefined;
  const source = doc.getText().slice(region.span.start, region.span.end);
  const parts = inlineDiffParts(region.text, source, region.span.start, suggestion.prompt);
  if (!parts) return undefined;
  return { suggestion, parts, range: (s) => new vscode.Range(doc.positionAt(s.start), doc.positionAt(s.end)) };
}

/** What a part's hover says: the candidate, what it does here, and the full text. */
export function partHover(s: Suggestion, verb: string, text: string): vscode.MarkdownString {
  const md = new vscode.MarkdownString(`Candidate #${s.candidateId} ${verb}:`);
  md.appendCodeblock(text, 'text');
  md.appendMarkdown('\n\nAccept, compare or dismiss it from the row above the prompt.');
  return md;
}
