/**
 * Problems as you type: the prompt's own parse diagnostics, its sidecar's, its dataset's (missing file, rows without
 * a variable, columns no variable uses) and evaluator normalization — each shown in the file it is about, debounced.
 */
import * as vscode from 'vscode';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Diagnostic } from '../../core/diagnostics';
import type { PromptAnalysis, PromptAnalyzer } from './promptAnalyzer';
import { diagnosticRange, findKeyValue, toVscodeSeverity } from './ranges';
import { isPromptDocument, isSidecarFileName } from './selectors';

const PROMPT_SUFFIXES = ['.prompt.yml', '.prompt.yaml', '.prompty', '.prompt.md'];
import type { Settings } from '../config';

export const DIAGNOSTIC_SOURCE = 'whetstone';

/** Where a dataset-level problem should be shown: a missing dataset belongs on the `dataset:` value that names it. */
function relocate(d: Diagnostic, analysis: PromptAnalysis, textOf: (file: string) => string | undefined): Diagnostic {
  if (d.code !== 'dataset-not-found' && d.code !== 'dataset-format' && d.code !== 'dataset-unreadable') return d;
  const owner = analysis.sidecarFile ?? analysis.doc.file;
  const text = textOf(owner);
  const span = text === undefined ? undefined : findKeyValue(text, 'dataset');
  if (!text || !span) return { ...d, file: analysis.doc.file };
  const before = text.slice(0, span.start).split('\n');
  const line = before.length;
  const column = before[before.length - 1].length + 1;
  return { ...d, file: owner, line, column, endLine: line, endColumn: column + (span.end - span.start) };
}

export function registerDiagnostics(analyzer: PromptAnalyzer, settings: Settings): vscode.Disposable[] {
  const collection = vscode.languages.createDiagnosticCollection(DIAGNOSTIC_SOURCE);
  /** prompt URI → the diagnostics it produced, per file they are about. */
  const produced = new Map<string, Map<string, Diagnostic[]>>();
  const timers = new Map<string, ReturnType<typeof setTimeout>>();

  const textOf = (file: string): string | undefined => {
    const open = vscode.workspace.textDocuments.find((d) => d.uri.fsPath === file);
    if (open) return open.getText();
    try {
      return fs.readFileSync(file, 'utf8');
    } catch {
      return undefined;
    }
  };

  const publish = (files: Iterable<string>) => {
    for (const file of files) {
      const all: Diagnostic[] = [];
      for (const byFile of produced.values()) all.push(...(byFile.get(file) ?? []));
      const seen = new Set<string>();
      const text = textOf(file)?.split(/\r?\n/);
      const items: vscode.Diagnostic[] = [];
      for (const d of all) {
        const key = `${d.line}:${d.column}:${d.code}:${d.message}`;
        if (seen.has(key)) continue;
        seen.add(key);
        const item = new vscode.Diagnostic(
          diagnosticRange(d, (l) => text?.[l]),
          d.message,
          toVscodeSeverity(d.severity),
        );
        item.source = DIAGNOSTIC_SOURCE;
        item.code = d.code;
        // Faded, like unused code elsewhere in VS Code.
        if (d.code === 'unused-variable' || d.code === 'dataset-unused-column')
          item.tags = [vscode.DiagnosticTag.Unnecessary];
        items.push(item);
      }
      collection.set(vscode.Uri.file(file), items);
    }
  };

  const check = async (doc: vscode.TextDocument) => {
    const analysis = await analyzerResult(analyzer, doc);
    if (!analysis || doc.isClosed) return;
    const key = doc.uri.toString();
    const previous = produced.get(key);
    const byFile = new Map<string, Diagnostic[]>([[doc.uri.fsPath, []]]);
    if (analysis.sidecarFile) byFile.set(path.resolve(analysis.sidecarFile), []);
    for (const raw of analysis.diagnostics) {
      const d = relocate(raw, analysis, textOf);
      const file = path.resolve(d.file || doc.uri.fsPath);
      if (!byFile.has(file)) byFile.set(file, []);
      byFile.get(file)!.push(d);
    }
    produced.set(key, byFile);
    publish(new Set([...byFile.keys(), ...(previous?.keys() ?? [])]));
  };

  const schedule = (doc: vscode.TextDocument, immediate = false) => {
    if (!isPromptDocument(doc)) return;
    const key = doc.uri.toString();
    clearTimeout(timers.get(key));
    const delay = immediate ? 0 : settings.read().diagnosticsDelayMs;
    timers.set(
      key,
      setTimeout(() => {
        timers.delete(key);
        void check(doc);
      }, delay),
    );
  };

  const forget = (doc: vscode.TextDocument) => {
    const key = doc.uri.toString();
    clearTimeout(timers.get(key));
    const previous = produced.get(key);
    produced.delete(key);
    if (previous) publish(previous.keys());
  };

  /** A sidecar opened alone: load its prompt (without showing it) so the sidecar's problems appear too. */
  const openPromptOfSidecar = (doc: vscode.TextDocument) => {
    if (doc.uri.scheme !== 'file' || !isSidecarFileName(doc.fileName)) return;
    const base = doc.uri.fsPath.replace(/\.whetstone\.ya?ml$/i, '');
    const prompt = PROMPT_SUFFIXES.map((s) => base + s).find((f) => fs.existsSync(f));
    if (prompt && !vscode.workspace.textDocuments.some((d) => d.uri.fsPath === prompt)) {
      void vscode.workspace.openTextDocument(vscode.Uri.file(prompt)).then(undefined, () => undefined);
    }
  };

  for (const doc of vscode.workspace.textDocuments) {
    schedule(doc, true);
    openPromptOfSidecar(doc);
  }
  return [
    collection,
    vscode.workspace.onDidOpenTextDocument((doc) => {
      schedule(doc, true);
      openPromptOfSidecar(doc);
    }),
    vscode.workspace.onDidChangeTextDocument((e) => schedule(e.document)),
    vscode.workspace.onDidCloseTextDocument(forget),
    analyzer.onDidInvalidate((uris) => {
      for (const uri of uris) {
        const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
        if (doc) schedule(doc);
      }
    }),
    {
      dispose: () => {
        for (const t of timers.values()) clearTimeout(t);
      },
    },
  ];
}

async function analyzerResult(analyzer: PromptAnalyzer, doc: vscode.TextDocument): Promise<PromptAnalysis | undefined> {
  try {
    return await analyzer.analyze(doc);
  } catch {
    return undefined;
  }
}
