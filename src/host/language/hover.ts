/**
 * Hover on a `{{variable}}` / `${input:x}`: where it is declared and up to three sample values from the test data.
 * Hover on a message: its token count (o200k_base) and the input cost of sending it once per configured model.
 */
import * as vscode from 'vscode';
import { defaultPrices, priceOf } from '../../core/llm/prices';
import type { PromptAnalysis, PromptAnalyzer } from './promptAnalyzer';
import * as path from 'node:path';
import { loadDataset } from '../../core/data';
import { editorAwareFileSystem } from '../workspaceFiles';
import { PROMPT_SELECTOR, SIDECAR_SELECTOR } from './selectors';
import { countTokens, TOKENIZER_NAME } from './tokenCount';
import type { Settings } from '../config';
import { MODEL_ROLES } from '../config';

const MAX_SAMPLES = 3;
const SAMPLE_CHARS = 80;

function preview(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  const oneLine = (text ?? '').replace(/\s+/g, ' ').trim();
  return oneLine.length > SAMPLE_CHARS ? `${oneLine.slice(0, SAMPLE_CHARS - 1)}…` : oneLine;
}

/** Markdown describing variable `name`: declaration and sample values. */
export function variableHoverText(analysis: PromptAnalysis, name: string, lineOf: (offset: number) => number): string {
  const out: string[] = [`**\`${name}\`** — template variable`];
  const declared = analysis.doc.declaredVariables.find((d) => d.name === name);
  if (declared) {
    const where = declared.span ? ` (line ${lineOf(declared.span.start) + 1})` : '';
    const type = declared.type ? `: \`${declared.type}\`` : '';
    out.push(`Declared in \`inputs\`${where}${type}${declared.description ? ` — ${declared.description}` : ''}`);
  } else if (analysis.doc.format === 'prompty' && analysis.doc.declaredVariables.length > 0) {
    out.push('Not declared in `inputs`.');
  }
  const uses = analysis.doc.variables.filter((v) => v.name === name).length;
  out.push(`Used ${uses} time${uses === 1 ? '' : 's'} in this prompt.`);
  const samples = analysis.rows
    .map((r) => r.vars[name])
    .filter((v) => v !== undefined)
    .slice(0, MAX_SAMPLES);
  if (samples.length) {
    const source =
      analysis.rowsSource === 'dataset'
        ? 'the dataset'
        : analysis.rowsSource === 'sidecar'
          ? 'the sidecar rows'
          : '`testData`';
    out.push(`Samples from ${source} (${analysis.rows.length} rows):`);
    for (const s of samples) out.push(`- \`${preview(s).replace(/`/g, "'")}\``);
  } else if (declared?.sample !== undefined) {
    out.push(`Sample: \`${preview(declared.sample)}\``);
  } else if (analysis.rows.length) {
    out.push(`No test row gives \`${name}\` a value.`);
  }
  return out.join('\n\n');
}

/** Markdown: token count and per-model input cost of one message. */
export function messageCostText(role: string, tokens: number, models: string[]): string {
  const lines = [`**${role}** message · **${tokens.toLocaleString('en-US')}** tokens (${TOKENIZER_NAME})`];
  const rows: string[] = [];
  for (const model of [...new Set(models.filter(Boolean))]) {
    const price = priceOf(model, defaultPrices);
    const cost = price ? `$${((tokens * price.inputPerMTok) / 1_000_000).toFixed(6)} per call` : 'price unknown';
    rows.push(`| \`${model}\` | ${cost} |`);
  }
  if (rows.length) lines.push('| model | input cost |\n|---|---|\n' + rows.join('\n'));
  return lines.join('\n\n');
}

export class PromptHoverProvider implements vscode.HoverProvider {
  constructor(
    private readonly analyzer: PromptAnalyzer,
    private readonly settings: Settings,
  ) {}

  async provideHover(doc: vscode.TextDocument, position: vscode.Position): Promise<vscode.Hover | undefined> {
    const analysis = await this.analyzer.analyze(doc);
    if (!analysis) return undefined;
    const offset = doc.offsetAt(position);
    const variable = analysis.doc.variables.find((v) => v.span.start <= offset && offset < v.span.end);
    if (variable) {
      const md = new vscode.MarkdownString(variableHoverText(analysis, variable.name, (o) => doc.positionAt(o).line));
      return new vscode.Hover(
        md,
        new vscode.Range(doc.positionAt(variable.span.start), doc.positionAt(variable.span.end)),
      );
    }
    const declared = analysis.doc.declaredVariables.find(
      (d) => d.span && d.span.start <= offset && offset < d.span.end,
    );
    if (declared) {
      return new vscode.Hover(
        new vscode.MarkdownString(variableHoverText(analysis, declared.name, (o) => doc.positionAt(o).line)),
      );
    }
    const message = analysis.doc.messages.find(
      (m) => m.span.start <= offset && offset < Math.max(m.span.end, m.contentSpan.end),
    );
    if (message) {
      const tokens = await countTokens(message.content);
      const s = this.settings.read();
      const models = [
        analysis.doc.model ?? '',
        analysis.settings.models?.target ?? '',
        ...MODEL_ROLES.map((r) => s.models[r]),
      ].map((m) => m.replace(/^[\w-]+\//, ''));
      const range = new vscode.Range(doc.positionAt(message.span.start), doc.positionAt(message.span.end));
      return new vscode.Hover(new vscode.MarkdownString(messageCostText(message.role, tokens, models)), range);
    }
    return undefined;
  }
}

export function registerHover(analyzer: PromptAnalyzer, settings: Settings): vscode.Disposable[] {
  return [
    vscode.languages.registerHoverProvider(PROMPT_SELECTOR, new PromptHoverProvider(analyzer, settings)),
    vscode.languages.registerHoverProvider(SIDECAR_SELECTOR, new SidecarHoverProvider()),
  ];
}

/** Hover on a sidecar's `dataset:` value: how many rows it has, its columns, and how many problems. */
export class SidecarHoverProvider implements vscode.HoverProvider {
  async provideHover(doc: vscode.TextDocument, position: vscode.Position): Promise<vscode.Hover | undefined> {
    const line = doc.lineAt(position.line).text;
    const m = /^(\s*dataset\s*:\s*)(["']?)([^"'#]+?)\2\s*(#.*)?$/.exec(line);
    if (!m || position.character < m[1].length) return undefined;
    const file = path.resolve(path.dirname(doc.uri.fsPath), m[3].trim());
    const loaded = await loadDataset(file, editorAwareFileSystem);
    const columns = [...new Set(loaded.rows.flatMap((r) => Object.keys(r.vars)))];
    const labelled = loaded.rows.filter((r) => r.expected !== undefined).length;
    const lines = [
      `**${path.basename(file)}** · ${loaded.rows.length} row${loaded.rows.length === 1 ? '' : 's'}` +
        (labelled ? ` (${labelled} with \`expected\`)` : ''),
    ];
    if (columns.length) lines.push(`Columns: ${columns.map((c) => `\`${c}\``).join(', ')}`);
    const errors = loaded.diagnostics.filter((d) => d.severity === 'error');
    if (errors.length) lines.push(`${errors.length} problem${errors.length === 1 ? '' : 's'}: ${errors[0].message}`);
    const range = new vscode.Range(
      position.line,
      m[1].length,
      position.line,
      m[1].length + m[2].length * 2 + m[3].length,
    );
    return new vscode.Hover(new vscode.MarkdownString(lines.join('\n\n')), range);
  }
}
