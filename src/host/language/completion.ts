/**
 * Completion: top-level fields per format, model names (from settings) after `model:`, variables inside `{{` and
 * `${input:`, evaluator types and methods in the sidecar.
 */
import * as vscode from 'vscode';
import { PROMPT_YML_KEYS } from '../../core/documents/promptYml';
import { PROMPTY_KEYS } from '../../core/documents/prompty';
import { PROMPT_MD_KEYS } from '../../core/documents/promptMd';
import { SETTINGS_KEYS } from '../../core/documents/settings';
import type { PromptAnalyzer } from './promptAnalyzer';
import { PROMPT_SELECTOR, SIDECAR_SELECTOR } from './selectors';
import { variableChoices } from './variableCompletions';
import type { Settings } from '../config';

/** Evaluator `type`s the sidecar accepts (EvaluatorSpec), with what each checks. */
export const EVALUATOR_TYPES: Record<string, string> = {
  equals: 'output equals `value` (after trimming)',
  contains: 'output contains `value`',
  startsWith: 'output starts with `value`',
  endsWith: 'output ends with `value`',
  regex: 'output matches `pattern`',
  jsonSchema: 'output is JSON valid against `schema`',
  numeric: 'output is a number within `tolerance` of `value`',
  llmJudge: 'a judge model scores the output with `prompt`',
  javascript: 'custom code returns a score (trusted workspaces only)',
};

/** GitHub Models built-in evaluators (`uses:`). */
export const GITHUB_EVALUATORS = [
  'github/similarity',
  'github/coherence',
  'github/fluency',
  'github/relevance',
  'github/groundedness',
  'github/equivalence',
];

const METHODS: Record<string, string> = {
  apo: 'APO — learns from failing test cases (needs expected answers)',
  spo: 'SPO — pairwise comparison against `requirements` (no labels)',
  pmpo: 'PMPO — minimizes loss on expected answers (needs log-probs)',
};

const REGIONS: Record<string, string> = {
  system: 'the first system (or developer) message — the default for chat prompts',
  user: 'the first user message',
  body: 'the whole body of a single-body prompt',
  'message:0': 'message N (0-based)',
};

const FIELD_DOCS: Record<string, string> = {
  messages: 'The chat messages: a list of `{role, content}`.',
  testData: 'Test rows: each maps variable names to values, plus `expected`.',
  evaluators: 'How outputs are scored: `string` checks or `uses: github/…`.',
  model: 'Model that runs the prompt.',
  modelParameters: 'Sampling parameters (temperature, max_tokens, …).',
  inputs: 'Declared template inputs.',
  dataset: 'Path of a JSONL/CSV/YAML dataset, relative to this file.',
  requirements: 'SPO: what a good answer must do.',
  method: 'Default optimization method: apo, spo or pmpo.',
  budget: 'Limits: calls, tokens, usd, seconds.',
  protected: 'Substrings or /regex/ that candidates must keep verbatim.',
  split: 'Train/validation split: validation fraction and seed.',
};

function keysFor(doc: vscode.TextDocument): readonly string[] {
  const name = doc.fileName.toLowerCase();
  if (/\.whetstone\.ya?ml$/.test(name)) return SETTINGS_KEYS;
  if (name.endsWith('.prompty')) return PROMPTY_KEYS;
  if (name.endsWith('.prompt.md')) return PROMPT_MD_KEYS;
  return PROMPT_YML_KEYS;
}

/** Whether `line` of `doc` is in YAML (whole file for .prompt.yml / sidecar; between `---` lines for front matter). */
function inYamlPart(doc: vscode.TextDocument, line: number): boolean {
  const name = doc.fileName.toLowerCase();
  if (!name.endsWith('.prompty') && !name.endsWith('.prompt.md')) return true;
  if (doc.lineAt(0).text.trim() !== '---') return false;
  for (let i = 1; i < doc.lineCount; i++) if (doc.lineAt(i).text.trim() === '---') return line > 0 && line < i;
  return line > 0;
}

export class PromptCompletionProvider implements vscode.CompletionItemProvider {
  constructor(
    private readonly analyzer: PromptAnalyzer | undefined,
    private readonly settings: Settings,
  ) {}

  async provideCompletionItems(doc: vscode.TextDocument, position: vscode.Position): Promise<vscode.CompletionItem[]> {
    const before = doc.lineAt(position.line).text.slice(0, position.character);

    const mustache = /\{\{-?\s*([A-Za-z_]\w*)?$/.exec(before);
    const input = /\$\{input:([^}:\s]*)$/.exec(before);
    if (mustache || input) return this.variables(doc, position, (mustache ?? input)![1] ?? '', !!input);

    if (!inYamlPart(doc, position.line)) return [];
    const valueOf = /^\s*(?:-\s+)?([\w-]+):\s*([\w./:-]*)$/.exec(before);
    if (valueOf) {
      const [, key, typed] = valueOf;
      const range = new vscode.Range(position.translate(0, -typed.length), position);
      // `model:` (prompt.yml, .prompt.md), Prompty's `model: {id | azure_deployment | name}`, sidecar `models.<role>`.
      const underModel = () => /\bmodel\b/.test(this.parentKey(doc, position.line, true));
      if (
        key === 'model' ||
        (['id', 'name', 'azure_deployment', 'deployment'].includes(key) && underModel()) ||
        ['target', 'optimizer', 'judge', 'scorer'].includes(key)
      ) {
        return this.settings
          .read()
          .availableModels.map((m) => item(m, vscode.CompletionItemKind.Value, 'model', range));
      }
      if (key === 'type' && /evaluators/.test(this.parentKey(doc, position.line, true))) {
        return Object.entries(EVALUATOR_TYPES).map(([t, d]) => item(t, vscode.CompletionItemKind.EnumMember, d, range));
      }
      if (key === 'uses')
        return GITHUB_EVALUATORS.map((e) =>
          item(e, vscode.CompletionItemKind.Module, 'GitHub Models evaluator', range),
        );
      if (key === 'method')
        return inOrder(
          Object.entries(METHODS).map(([m, d]) => item(m, vscode.CompletionItemKind.EnumMember, d, range)),
        );
      if (key === 'region')
        return inOrder(
          Object.entries(REGIONS).map(([r, d]) => item(r, vscode.CompletionItemKind.EnumMember, d, range)),
        );
      if (key === 'role')
        return ['system', 'user', 'assistant', 'developer'].map((r) =>
          item(r, vscode.CompletionItemKind.EnumMember, 'role', range),
        );
      if (key === 'string' || ['contains', 'equals', 'startsWith', 'endsWith'].includes(key)) return [];
    }
    const keyStart = /^([\w-]*)$/.exec(before);
    if (keyStart) {
      const present = new Set(
        doc
          .getText()
          .split(/\r?\n/)
          .map((l) => /^([\w-]+):/.exec(l)?.[1])
          .filter(Boolean),
      );
      const range = new vscode.Range(position.translate(0, -keyStart[1].length), position);
      return keysFor(doc)
        .filter((k) => !present.has(k))
        .map((k) => {
          const it = item(k, vscode.CompletionItemKind.Field, FIELD_DOCS[k] ?? 'top-level field', range);
          it.insertText = `${k}: `;
          return it;
        });
    }
    const stringCheck = /^\s+([\w]*)$/.exec(before);
    if (stringCheck && this.parentKey(doc, position.line) === 'string') {
      const range = new vscode.Range(position.translate(0, -stringCheck[1].length), position);
      return ['contains', 'equals', 'startsWith', 'endsWith'].map((k) => {
        const it = item(k, vscode.CompletionItemKind.Field, `output ${k} the value`, range);
        it.insertText = `${k}: `;
        return it;
      });
    }
    return [];
  }

  /** The nearest less-indented `key:` above `line` (optionally searching all ancestors). */
  private parentKey(doc: vscode.TextDocument, line: number, allAncestors = false): string {
    let indent = /^\s*(-\s+)?/.exec(doc.lineAt(line).text)![0].length;
    const found: string[] = [];
    for (let i = line - 1; i >= 0; i--) {
      const text = doc.lineAt(i).text;
      if (!text.trim()) continue;
      const m = /^(\s*)(?:-\s+)?([\w-]+):/.exec(text);
      const lineIndent = /^\s*/.exec(text)![0].length;
      if (m && lineIndent < indent) {
        found.push(m[2]);
        if (!allAncestors) return m[2];
        indent = lineIndent;
      }
    }
    return found.join(' ');
  }

  private async variables(
    doc: vscode.TextDocument,
    position: vscode.Position,
    typed: string,
    vscodeInput: boolean,
  ): Promise<vscode.CompletionItem[]> {
    const analysis = this.analyzer ? await this.analyzer.analyze(doc) : undefined;
    const choices = variableChoices({
      declared: analysis?.doc.declaredVariables ?? [],
      used: (analysis?.doc.variables ?? []).map((v) => v.name),
      rows: analysis?.rows ?? [],
      evaluators: analysis?.evaluators ?? [],
    });
    const range = new vscode.Range(position.translate(0, -typed.length), position);
    const after = doc.lineAt(position.line).text.slice(position.character);
    return choices.map(({ name, detail }, i) => {
      const it = item(name, vscode.CompletionItemKind.Variable, detail, range);
      // The order of variableChoices (the prompt's variables first, answer columns last), not alphabetical.
      it.sortText = String(i).padStart(3, '0');
      if (vscodeInput && !after.startsWith('}')) it.insertText = `${name}}`;
      if (!vscodeInput && !/^\s*-?\}\}/.test(after)) it.insertText = `${name}}}`;
      return it;
    });
  }
}

/** Keeps a list in the order written here (the picker's order), not alphabetical. */
function inOrder(items: vscode.CompletionItem[]): vscode.CompletionItem[] {
  items.forEach((it, i) => {
    it.sortText = String(i).padStart(3, '0');
  });
  return items;
}

function item(
  label: string,
  kind: vscode.CompletionItemKind,
  detail: string,
  range: vscode.Range,
): vscode.CompletionItem {
  const it = new vscode.CompletionItem(label, kind);
  it.detail = detail;
  it.range = range;
  return it;
}

export function registerCompletion(analyzer: PromptAnalyzer, settings: Settings): vscode.Disposable[] {
  return [
    vscode.languages.registerCompletionItemProvider(
      PROMPT_SELECTOR,
      new PromptCompletionProvider(analyzer, settings),
      '{',
      ':',
      ' ',
    ),
    vscode.languages.registerCompletionItemProvider(
      SIDECAR_SELECTOR,
      new PromptCompletionProvider(undefined, settings),
      ':',
      ' ',
    ),
  ];
}
