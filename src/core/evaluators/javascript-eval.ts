/**
 * Custom JavaScript evaluators (promptfoo `javascript`). The code runs in a QuickJS isolate (js-sandbox.ts: no host
 * realm, environment, files or network; memory, stack and time limits that cover copying the answer out) and only
 * when the caller says the code is trusted: the extension asks for a trusted workspace, the CLI for `--trust`. The
 * code sees `output`, `vars`, `expected` and `context` ({vars, expected}) as copies, and is either an expression
 * (`output.includes('x')`) or a function body with `return`. It returns boolean | number in [0,1] |
 * {pass, score, reason}, or a promise of one (settled inside the same time limit).
 */
import type { EvaluationResult, EvaluatorSpec } from './types';
import { DEFAULT_JUDGE_THRESHOLD } from './llm-judge';
import { SANDBOX_MEMORY_BYTES, runInSandbox, type SandboxOutcome } from './js-sandbox';

type JavascriptSpec = Extract<EvaluatorSpec, { type: 'javascript' }>;

export const DEFAULT_JS_TIMEOUT_MS = 1000;
/** A file may ask for more time, up to this: a longer synchronous run would stall the extension host. */
export const MAX_JS_TIMEOUT_MS = 10_000;
export const UNTRUSTED_FEEDBACK = 'custom code evaluators need a trusted workspace';
const MAX_REASON_CHARS = 2000;

function clamp01(n: number): number {
  return Math.min(1, Math.max(0, n));
}

export function javascriptTimeoutMs(spec: JavascriptSpec): number {
  const asked = spec.timeoutMs;
  if (asked === undefined || !Number.isFinite(asked) || asked <= 0) return DEFAULT_JS_TIMEOUT_MS;
  return Math.min(asked, MAX_JS_TIMEOUT_MS);
}

export async function runJavascript(
  spec: JavascriptSpec,
  name: string,
  output: string,
  vars: Record<string, unknown>,
  expected: string | undefined,
  trusted: boolean,
): Promise<EvaluationResult> {
  if (!trusted)
    // Counted as a failure, never left out: a refused check must not let a case pass anywhere.
    return { name, score: 0, pass: false, untrusted: true, feedback: `not run: ${UNTRUSTED_FEEDBACK}` };
  const timeoutMs = javascriptTimeoutMs(spec);
  const outcome = await runInSandbox(spec.code, { output, vars, expected: expected ?? null }, { timeoutMs });
  if (!outcome.ok) return { name, score: 0, pass: false, feedback: failureFeedback(outcome, timeoutMs) };
  return interpret(spec, name, outcome.value);
}

function failureFeedback(outcome: Exclude<SandboxOutcome, { ok: true }>, timeoutMs: number): string {
  switch (outcome.reason) {
    case 'timeout':
      return `the evaluator's code timed out after ${timeoutMs} ms`;
    case 'memory':
      return `the evaluator's code ran out of memory (limit ${SANDBOX_MEMORY_BYTES / 1024 / 1024} MB)`;
    case 'compile':
      return `the evaluator's code does not compile: ${outcome.message}`;
    case 'unsettled':
      return `the evaluator's code ${outcome.message}`;
    case 'error':
      return `the evaluator's code ${outcome.message.startsWith('threw') ? '' : 'failed: '}${outcome.message}`;
  }
}

/** What the sandbox copied out: the result's kind and, for objects, its primitive pass/score/reason fields. */
interface PlainResult {
  kind?: string;
  value?: unknown;
  pass?: unknown;
  score?: unknown;
  reason?: unknown;
}

function interpret(spec: JavascriptSpec, name: string, copied: unknown): EvaluationResult {
  const threshold = spec.threshold ?? DEFAULT_JUDGE_THRESHOLD;
  const plain = (copied ?? {}) as PlainResult;
  const result = plain.value;
  if (typeof result === 'boolean') {
    return {
      name,
      score: result ? 1 : 0,
      pass: result,
      feedback: result ? 'passed: code returned true' : 'code returned false',
    };
  }
  if (typeof result === 'number' && Number.isFinite(result)) {
    const score = clamp01(result);
    if (spec.dialect === 'promptfoo' && spec.threshold === undefined)
      return { name, score, pass: result > 0, feedback: `code returned score ${result} (pass above 0)` };
    return { name, score, pass: score >= threshold, feedback: `code returned score ${score} (pass at ${threshold})` };
  }
  if (plain.kind === 'object') {
    const r = plain;
    const score = typeof r.score === 'number' && Number.isFinite(r.score) ? clamp01(r.score) : undefined;
    const pass = typeof r.pass === 'boolean' ? r.pass : score !== undefined ? score >= threshold : undefined;
    if (pass !== undefined) {
      const reason =
        typeof r.reason === 'string'
          ? r.reason.slice(0, MAX_REASON_CHARS)
          : pass
            ? 'passed'
            : 'code said the output fails';
      return { name, score: score ?? (pass ? 1 : 0), pass, feedback: reason };
    }
  }
  const kind = typeof plain.kind === 'string' ? plain.kind : 'nothing';
  return {
    name,
    score: 0,
    pass: false,
    feedback: `code returned ${kind}; expected a boolean, a number in [0, 1] or {pass, score, reason}`,
  };
}
