/**
 * Quick fixes for the obvious cases, keyed on the core's diagnostic codes: fix a misspelt field, declare an
 * undeclared Prompty input, remove an unused one, give every test row a value for a variable none has.
 */
import * as vscode from 'vscode';
import { PROMPT_YML_KEYS } from '../../core/documents/promptYml';
import { PROMPTY_KEYS } from '../../core/documents/prompty';
import { PROMPT_MD_KEYS } from '../../core/documents/promptMd';
import { SETTINGS_KEYS } from '../../core/documents/settings';
import { closestName } from '../../core/edit-distance';
import { DIAGNOSTIC_SOURCE } from './diagnostics';
import { PROMPT_SELECTOR, SIDECAR_SELECTOR } from './selectors';
import type { PromptAnalyzer } from './promptAnalyzer';
import type { DatasetRow } from '../../core/data/types';

function knownKeysFor(doc: vscode.TextDocument, message: string): readonly string[] {
  const name = doc.fileName.toLowerCase();
  const expected = /\(expected ([^)]*)\)/.exec(message);
  if (expected) return expected[1].split(/,\s*/);
  if (name.endsWith('.prompty')) return PROMPTY_KEYS;
  if (name.endsWith('.prompt.md')) return PROMPT_MD_KEYS;
  if (/\.whetstone\.ya?ml$/.test(name)) return SETTINGS_KEYS;
  return PROMPT_YML_KEYS;
}

const indentOf = (line: string) => /^[ \t]*/.exec(line)![0].length;

/** Lines [first, last] of the YAML block that starts on `line` (it and every deeper-indented line after it). */
export function yamlBlockLines(lines: string[], line: number): [number, number] {
  const text = lines[line];
  const indent = indentOf(text);
  let last = line;
  for (let i = line + 1; i < lines.length; i++) {
    if (lines[i].trim() === '') continue;
    if (indentOf(lines[i]) <= indent) break;
    last = i;
  }
  return [line, last];
}

/** The text to insert (and where) to declare Prompty input `name` in the front matter. */
export function declareInputEdit(text: string, name: string): { offset: number; insert: string } | undefined {
  const lines = text.split('\n');
  if (lines[0]?.trim() !== '---') return undefined;
  const close = lines.findIndex((l, i) => i > 0 && l.trim() === '---');
  if (close < 0) return undefined;
  const offsetOfLine = (n: number) => lines.slice(0, n).reduce((sum, l) => sum + l.length + 1, 0);
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const inputsLine = lines.findIndex((l, i) => i > 0 && i < close && /^inputs:\s*$/.test(l.replace(/\r$/, '')));
  if (inputsLine < 0) {
    return { offset: offsetOfLine(close), insert: `inputs:${eol}  ${name}:${eol}    type: string${eol}` };
  }
  const [, last] = yamlBlockLines(lines.slice(0, close), inputsLine);
  const child = lines.slice(inputsLine + 1, last + 1).find((l) => l.trim() !== '');
  const indent = child ? ' '.repeat(indentOf(child)) : '  ';
  const block = lines.slice(inputsLine + 1, last + 1).join('\n');
  const typeKey = /^\s*kind:/m.test(block) ? 'kind' : 'type';
  const sequence = child?.trimStart().startsWith('- ');
  const insert = sequence
    ? `${indent}- name: ${name}${eol}${indent}  ${typeKey}: string${eol}`
    : `${indent}${name}:${eol}${indent}  ${typeKey}: string${eol}`;
  return { offset: offsetOfLine(last + 1), insert };
}

/**
 * Insertions that give each inline test row (GitHub Models `testData`) lacking `name` an empty value for it, placed
 * after the row's last line at the row's key indentation. Rows written as `vars:` maps are left alone.
 */
export function addColumnEdits(lines: string[], rows: DatasetRow[], name: string): { line: number; text: string }[] {
  const out: { line: number; text: string }[] = [];
  for (const row of rows) {
    if (row.line === undefined || Object.prototype.hasOwnProperty.call(row.vars, name) || 'vars' in row.vars) continue;
    const first = row.line - 1;
    const dash = /^(\s*)-\s+/.exec(lines[first] ?? '');
    if (!dash) continue;
    const [, last] = yamlBlockLines(lines, first);
    out.push({ line: last + 1, text: `${' '.repeat(dash[0].length)}${name}: ""` });
  }
  return out;
}

export class PromptQuickFixes implements vscode.CodeActionProvider {
  static readonly kinds = [vscode.CodeActionKind.QuickFix];

  constructor(private readonly analyzer?: PromptAnalyzer) {}

  async provideCodeActions(
    doc: vscode.TextDocument,
    _range: vscode.Range,
    context: vscode.CodeActionContext,
  ): Promise<vscode.CodeAction[]> {
    const actions: vscode.CodeAction[] = [];
    for (const d of context.diagnostics) {
      if (d.source !== DIAGNOSTIC_SOURCE) continue;
      const code = String(typeof d.code === 'object' ? d.code.value : d.code);
      const fixes = code === 'missing-column' ? await this.addColumnFixes(doc, d) : [this.fixFor(doc, d, code)];
      for (const fix of fixes) {
        if (!fix) continue;
        fix.diagnostics = [d];
        fix.isPreferred = fixes.length === 1;
        actions.push(fix);
      }
    }
    return actions;
  }

  /** One action per variable the row lacks (`testData[0] has no value for {{a}}, {{b}}`). */
  private async addColumnFixes(doc: vscode.TextDocument, d: vscode.Diagnostic): Promise<vscode.CodeAction[]> {
    const names = [...d.message.matchAll(/\{\{\s*([A-Za-z_]\w*)/g)].map((m) => m[1]);
    const analysis = names.length && this.analyzer ? await this.analyzer.analyze(doc) : undefined;
    if (!analysis) return [];
    const eol = doc.eol === vscode.EndOfLine.CRLF ? '\r\n' : '\n';
    const lines = doc.getText().split(/\r?\n/);
    const actions: vscode.CodeAction[] = [];
    for (const name of names) {
      const edits = addColumnEdits(lines, analysis.doc.testData, name);
      if (!edits.length) continue;
      const action = new vscode.CodeAction(`Add "${name}" to every test row`, vscode.CodeActionKind.QuickFix);
      action.edit = new vscode.WorkspaceEdit();
      for (const e of edits) {
        const at = e.line < doc.lineCount ? new vscode.Position(e.line, 0) : doc.lineAt(doc.lineCount - 1).range.end;
        action.edit.insert(doc.uri, at, e.line < doc.lineCount ? `${e.text}${eol}` : `${eol}${e.text}`);
      }
      actions.push(action);
    }
    return actions;
  }

  private fixFor(doc: vscode.TextDocument, d: vscode.Diagnostic, code: string): vscode.CodeAction | undefined {
    if (code === 'unknown-field' || code === 'unknown-setting') {
      const word = doc.getText(d.range);
      const suggestion = closestName(word, knownKeysFor(doc, d.message));
      if (!suggestion) return undefined;
      const action = new vscode.CodeAction(`Change "${word}" to "${suggestion}"`, vscode.CodeActionKind.QuickFix);
      action.edit = new vscode.WorkspaceEdit();
      action.edit.replace(doc.uri, d.range, suggestion);
      return action;
    }
    if (code === 'undeclared-variable' && doc.fileName.toLowerCase().endsWith('.prompty')) {
      const name = /\{\{\s*([A-Za-z_]\w*)/.exec(d.message)?.[1] ?? /[A-Za-z_]\w*/.exec(doc.getText(d.range))?.[0];
      if (!name) return undefined;
      const edit = declareInputEdit(doc.getText(), name);
      if (!edit) return undefined;
      const action = new vscode.CodeAction(`Declare input "${name}"`, vscode.CodeActionKind.QuickFix);
      action.edit = new vscode.WorkspaceEdit();
      action.edit.insert(doc.uri, doc.positionAt(edit.offset), edit.insert);
      return action;
    }
    if (code === 'unused-variable') {
      const name = /"([^"]+)"/.exec(d.message)?.[1] ?? doc.getText(d.range);
      const lines = doc.getText().split('\n');
      let line = d.range.start.line;
      // `- name: x` sequences: the entry starts at the dash line.
      if (
        !/^\s*-\s/.test(lines[line]) &&
        line > 0 &&
        /^\s*-\s/.test(lines[line - 1]) &&
        indentOf(lines[line]) > indentOf(lines[line - 1])
      )
        line--;
      const [first, last] = yamlBlockLines(lines, line);
      const action = new vscode.CodeAction(`Remove unused input "${name}"`, vscode.CodeActionKind.QuickFix);
      action.edit = new vscode.WorkspaceEdit();
      action.edit.delete(doc.uri, new vscode.Range(first, 0, last + 1, 0));
      return action;
    }
    return undefined;
  }
}

export function registerQuickFixes(analyzer: PromptAnalyzer): vscode.Disposable[] {
  return [
    vscode.languages.registerCodeActionsProvider(
      [...PROMPT_SELECTOR, ...SIDECAR_SELECTOR],
      new PromptQuickFixes(analyzer),
      {
        providedCodeActionKinds: PromptQuickFixes.kinds,
      },
    ),
  ];
}
