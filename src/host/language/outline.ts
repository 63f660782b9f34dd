/** Outline (document symbols): messages, variables, test cases and evaluators of a prompt. */
import * as vscode from 'vscode';
import type { PromptAnalyzer } from './promptAnalyzer';
import { PROMPT_SELECTOR } from './selectors';
import { findKey } from './ranges';

function firstLine(text: string, max = 50): string {
  const line = text.trim().split(/\r?\n/)[0] ?? '';
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

export class PromptOutlineProvider implements vscode.DocumentSymbolProvider {
  constructor(private readonly analyzer: PromptAnalyzer) {}

  async provideDocumentSymbols(doc: vscode.TextDocument): Promise<vscode.DocumentSymbol[]> {
    const analysis = await this.analyzer.analyze(doc);
    if (!analysis) return [];
    const range = (start: number, end: number) =>
      new vscode.Range(doc.positionAt(start), doc.positionAt(Math.max(start, end)));
    const group = (name: string, kind: vscode.SymbolKind, children: vscode.DocumentSymbol[], at?: vscode.Range) => {
      const r = at ?? children.reduce((acc, c) => acc.union(c.range), children[0].range);
      const s = new vscode.DocumentSymbol(name, `${children.length}`, kind, r, at ?? children[0].selectionRange);
      s.children = children;
      return s;
    };
    const out: vscode.DocumentSymbol[] = [];

    const messages = analysis.doc.messages.map((m, i) => {
      const r = range(m.span.start, Math.max(m.span.end, m.contentSpan.end));
      return new vscode.DocumentSymbol(
        `${m.role}`,
        firstLine(m.content) || `message ${i + 1}`,
        vscode.SymbolKind.String,
        r,
        range(m.span.start, m.span.start),
      );
    });
    if (messages.length) out.push(group('messages', vscode.SymbolKind.Array, messages));

    const seen = new Set<string>();
    const variables: vscode.DocumentSymbol[] = [];
    for (const d of analysis.doc.declaredVariables) {
      if (!d.span || seen.has(d.name)) continue;
      seen.add(d.name);
      variables.push(
        new vscode.DocumentSymbol(
          d.name,
          d.type ?? 'input',
          vscode.SymbolKind.Variable,
          range(d.span.start, d.span.end),
          range(d.span.start, d.span.end),
        ),
      );
    }
    for (const v of analysis.doc.variables) {
      if (seen.has(v.name)) continue;
      seen.add(v.name);
      variables.push(
        new vscode.DocumentSymbol(
          v.name,
          'variable',
          vscode.SymbolKind.Variable,
          range(v.span.start, v.span.end),
          range(v.span.start, v.span.end),
        ),
      );
    }
    if (variables.length) out.push(group('variables', vscode.SymbolKind.Namespace, variables));

    if (analysis.doc.testDataSpan && analysis.doc.testData.length) {
      const span = analysis.doc.testDataSpan;
      const tests = analysis.doc.testData.map((row, i) => {
        const line = Math.max(0, (row.line ?? doc.positionAt(span.start).line + 1) - 1);
        const r = doc.lineAt(Math.min(line, doc.lineCount - 1)).range;
        const label = row.id ?? `case ${i + 1}`;
        return new vscode.DocumentSymbol(
          label,
          firstLine(Object.values(row.vars).map(String).join(' · '), 40),
          vscode.SymbolKind.Object,
          r,
          r,
        );
      });
      out.push(group('testData', vscode.SymbolKind.Array, tests, range(span.start, span.end)));
    }

    const evaluatorsKey = findKey(doc.getText(), 'evaluators');
    if (evaluatorsKey && analysis.evaluators.length) {
      const r = range(evaluatorsKey.start, evaluatorsKey.end);
      const children = analysis.evaluators.map(
        (e, i) => new vscode.DocumentSymbol(e.name ?? `${e.type} ${i + 1}`, e.type, vscode.SymbolKind.Function, r, r),
      );
      out.push(group('evaluators', vscode.SymbolKind.Array, children, r));
    }
    return out;
  }
}

export function registerOutline(analyzer: PromptAnalyzer): vscode.Disposable[] {
  return [
    vscode.languages.registerDocumentSymbolProvider(PROMPT_SELECTOR, new PromptOutlineProvider(analyzer), {
      label: 'Whetstone',
    }),
  ];
}
