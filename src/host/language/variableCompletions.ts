/**
 * Which names to offer inside `{{`, in what order: the variables the template and its rows provide first, the answer
 * columns last (`expected` and the like, and columns only evaluators read), since a prompt that reads its own answer
 * column gives the answer away. No vscode import, so the order is unit-tested.
 */
import { LABEL_KEYS } from '../../core/data/row-shape';

export interface VariableChoice {
  name: string;
  detail: string;
  /** 0: declared or used in the prompt, 1: other test-data columns, 2: answer columns. */
  rank: number;
}

export interface VariableSources {
  declared: readonly { name: string; description?: string }[];
  used: readonly string[];
  rows: readonly { vars: Record<string, unknown> }[];
  /** The evaluators as configured: any `{{name}}` they mention is a column they read. */
  evaluators: unknown;
}

export const ANSWER_DETAIL = 'answer column (used by evaluators)';

function evaluatorColumns(evaluators: unknown): Set<string> {
  const text = JSON.stringify(evaluators ?? []);
  return new Set([...text.matchAll(/\{\{\s*([A-Za-z_][\w.]*)\s*\}\}/g)].map((m) => m[1]));
}

export function variableChoices(sources: VariableSources): VariableChoice[] {
  const used = new Set(sources.used);
  const readByEvaluators = evaluatorColumns(sources.evaluators);
  const isAnswer = (name: string) =>
    !used.has(name) && ((LABEL_KEYS as readonly string[]).includes(name) || readByEvaluators.has(name));
  const choices = new Map<string, VariableChoice>();
  const add = (name: string, detail: string, rank: number) => {
    if (!choices.has(name)) choices.set(name, { name, detail, rank });
  };
  for (const d of sources.declared) add(d.name, d.description ?? 'declared input', 0);
  for (const name of sources.used) add(name, 'used in this prompt', 0);
  for (const row of sources.rows)
    for (const k of Object.keys(row.vars))
      add(k, isAnswer(k) ? ANSWER_DETAIL : 'test data column', isAnswer(k) ? 2 : 1);
  // Stable within a rank: the order found (declared, then the template's order, then the rows').
  return [...choices.values()]
    .map((c, i) => ({ c, i }))
    .sort((a, b) => a.c.rank - b.c.rank || a.i - b.i)
    .map((x) => x.c);
}
