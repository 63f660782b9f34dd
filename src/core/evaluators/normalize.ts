/**
 * Evaluator declarations from any source → EvaluatorSpec[] + diagnostics. Never throws.
 * - GitHub Models `.prompt.yml` `evaluators[]` (`string` / `llm` / `uses`)  → normalize-github.ts
 * - promptfoo `assert[]` and the sidecar's `evaluators[]` (`type: …`)       → normalize-typed.ts
 * Anything that cannot run is an `unsupported` spec with a warning (never dropped silently); malformed entries are
 * errors and produce no spec. With the source `text`, diagnostics point at the entry's `name:` (or `type:`) line.
 */
import type { Diagnostic, Severity } from '../diagnostics';
import { normalizeGithub } from './normalize-github';
import { isRecord, type NormalizedEntry } from './normalize-types';
import { normalizeTyped } from './normalize-typed';
import type { EvaluatorSpec } from './types';

export interface NormalizeContext {
  file: string;
  /** The source text, to place diagnostics on the entry's line. */
  text?: string;
}

export interface NormalizedEvaluators {
  specs: EvaluatorSpec[];
  diagnostics: Diagnostic[];
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Best-effort position: the n-th line that declares this entry (`name: X` or `type: X`, quoted or not), else the
 * `evaluators:`/`assert:` key, else line 1. The raw entries carry no positions, so this is a text search.
 */
class Locator {
  private readonly lines: string[];
  private readonly used = new Set<number>();
  constructor(text: string | undefined) {
    this.lines = text ? text.split(/\r?\n/) : [];
  }
  find(entry: unknown): { line: number; column: number; endColumn: number } {
    const keys: [string, string][] = [];
    if (isRecord(entry)) {
      if (typeof entry.name === 'string') keys.push(['name', entry.name]);
      if (typeof entry.type === 'string') keys.push(['type', entry.type]);
    }
    for (const [key, value] of keys) {
      const re = new RegExp(`(^|[\\s{,-])${key}\\s*:\\s*["']?${escapeRegExp(value)}["']?\\s*(?:$|[,}#])`);
      for (let i = 0; i < this.lines.length; i++) {
        if (this.used.has(i)) continue;
        if (re.test(this.lines[i])) {
          this.used.add(i);
          const column = this.lines[i].search(/\S/) + 1;
          return { line: i + 1, column, endColumn: this.lines[i].length + 1 };
        }
      }
    }
    const keyLine = this.lines.findIndex((l) => /^\s*(evaluators|assert)\s*:/.test(l));
    if (keyLine >= 0) return { line: keyLine + 1, column: 1, endColumn: this.lines[keyLine].length + 1 };
    return { line: 1, column: 1, endColumn: 1 };
  }
}

function normalizeEntry(entry: unknown, index: number): NormalizedEntry {
  if (!isRecord(entry)) {
    return {
      specs: [],
      problems: [
        {
          severity: 'error',
          code: 'evaluator-invalid',
          message: `evaluator #${index + 1} must be a mapping (with string, llm, uses or type)`,
        },
      ],
    };
  }
  const name =
    typeof entry.name === 'string' && entry.name.trim() !== ''
      ? entry.name
      : typeof entry.metric === 'string'
        ? entry.metric
        : undefined;
  if (entry.string !== undefined || entry.llm !== undefined || entry.uses !== undefined) {
    return normalizeGithub(entry, name ?? `evaluator #${index + 1}`);
  }
  if (typeof entry.type === 'string' && entry.type !== '') return normalizeTyped(entry, name);
  return {
    specs: [],
    problems: [
      {
        severity: 'error',
        code: 'evaluator-invalid',
        message: `evaluator '${name ?? `#${index + 1}`}' has none of string, llm, uses or type, so it cannot run`,
      },
    ],
  };
}

export function normalizeEvaluators(raw: unknown[], ctx: NormalizeContext): NormalizedEvaluators {
  const specs: EvaluatorSpec[] = [];
  const diagnostics: Diagnostic[] = [];
  const locator = new Locator(ctx.text);
  const list = Array.isArray(raw) ? raw : [];
  list.forEach((entry, index) => {
    const result = normalizeEntry(entry, index);
    specs.push(...result.specs);
    if (!result.problems.length) {
      locator.find(entry); // keep the n-th-occurrence bookkeeping in step
      return;
    }
    const at = locator.find(entry);
    for (const p of result.problems) diagnostics.push(diagnosticFor(ctx.file, at, p.severity, p.code, p.message));
  });
  return { specs, diagnostics };
}

function diagnosticFor(
  file: string,
  at: { line: number; column: number; endColumn: number },
  severity: Severity,
  code: string,
  message: string,
): Diagnostic {
  return { file, line: at.line, column: at.column, endLine: at.line, endColumn: at.endColumn, severity, code, message };
}
