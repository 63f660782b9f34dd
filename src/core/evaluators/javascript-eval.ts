/**
 * Custom JavaScript evaluators (promptfoo `javascript`). Run only in a trusted workspace: `node:vm` is isolation
 * against accidents, not a security boundary, so trust is the gate. The code sees `output`, `vars`, `expected` and
 * `context` ({vars, expected}) as copies, and is either an expression (`output.includes('x')`) or a function body with
 * `return`. It returns boolean | number in [0,1] | {pass, score, reason}. A synchronous time limit (default 1 s)
 * stops runaway code; async code is refused because the limit cannot cover it.
 */
import * as vm from 'node:vm';
import type { EvaluationResult, EvaluatorSpec } from './types';
import { DEFAULT_JUDGE_THRESHOLD } from './llm-judge';

type JavascriptSpec = Extract<EvaluatorSpec, { type: 'javascript' }>;

export const DEFAULT_JS_TIMEOUT_MS = 1000;
export const UNTRUSTED_FEEDBACK = 'custom code evaluators need a trusted workspace';

function compile(code: string): vm.Script | string {
  const attempts = [`(function () { return (${code}\n); })()`, `(function () { ${code}\n })()`];
  let firstError = '';
  for (const source of attempts) {
    try {
      return new vm.Script(source, { filename: 'evaluator.js' });
    } catch (err) {
      firstError ||= err instanceof Error ? err.message : String(err);
    }
  }
  return firstError;
}

function clamp01(n: number): number {
  return Math.min(1, Math.max(0, n));
}

export function runJavascript(
  spec: JavascriptSpec,
  name: string,
  output: string,
  vars: Record<string, unknown>,
  expected: string | undefined,
  trusted: boolean,
): EvaluationResult {
  if (!trusted) return { name, score: 0, pass: false, feedback: UNTRUSTED_FEEDBACK };
  const script = compile(spec.code);
  if (typeof script === 'string')
    return { name, score: 0, pass: false, feedback: `the evaluator's code does not compile: ${script}` };

  const sandbox = vm.createContext(
    { __input: JSON.stringify({ output, vars, expected: expected ?? null }) },
    { codeGeneration: { strings: false, wasm: false }, microtaskMode: 'afterEvaluate' },
  );
  const timeout = spec.timeoutMs ?? DEFAULT_JS_TIMEOUT_MS;
  let result: unknown;
  try {
    vm.runInContext(
      'const { output, vars, expected } = JSON.parse(__input); const context = { vars, expected }; delete globalThis.__input;',
      sandbox,
    );
    result = script.runInContext(sandbox, { timeout });
  } catch (err) {
    const e = err as { code?: string; message?: string };
    if (e?.code === 'ERR_SCRIPT_EXECUTION_TIMEOUT') {
      return { name, score: 0, pass: false, feedback: `the evaluator's code timed out after ${timeout} ms` };
    }
    return { name, score: 0, pass: false, feedback: `the evaluator's code threw: ${e?.message ?? String(err)}` };
  }
  return interpret(spec, name, result);
}

function interpret(spec: JavascriptSpec, name: string, result: unknown): EvaluationResult {
  const threshold = spec.threshold ?? DEFAULT_JUDGE_THRESHOLD;
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
  if (result !== null && typeof result === 'object') {
    if (typeof (result as { then?: unknown }).then === 'function') {
      return {
        name,
        score: 0,
        pass: false,
        feedback: 'async evaluator code is not supported; return a value synchronously',
      };
    }
    const r = result as { pass?: unknown; score?: unknown; reason?: unknown };
    const score = typeof r.score === 'number' && Number.isFinite(r.score) ? clamp01(r.score) : undefined;
    const pass = typeof r.pass === 'boolean' ? r.pass : score !== undefined ? score >= threshold : undefined;
    if (pass !== undefined) {
      const reason = typeof r.reason === 'string' ? r.reason : pass ? 'passed' : 'code said the output fails';
      return { name, score: score ?? (pass ? 1 : 0), pass, feedback: reason };
    }
  }
  const kind = result === null ? 'null' : typeof result;
  return {
    name,
    score: 0,
    pass: false,
    feedback: `code returned ${kind}; expected a boolean, a number in [0, 1] or {pass, score, reason}`,
  };
}
