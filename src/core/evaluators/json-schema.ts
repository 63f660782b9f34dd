/**
 * JSON output validated with a JSON Schema (ajv + ajv-formats). The output may be wrapped in a ```json fence.
 * `findInText` takes the first parseable JSON object/array anywhere in the text (promptfoo `contains-json`,
 * find-json.ts). Schema `pattern`s run on the linear-time engine (ajv's `code.regExp`), so a hostile output cannot
 * make them backtrack. Compiled validators are cached per schema text.
 */
import Ajv, { type ValidateFunction } from 'ajv';
import type { RegExpEngine } from 'ajv/dist/types';
import addFormats from 'ajv-formats';
import type { EvaluationResult, EvaluatorSpec } from './types';
import { quote } from './feedback-text';
import { compileLinearRegex } from './linear-regex';
import { findJsonInText } from './find-json';

export { findJsonInText };

/** ajv's regex engine: RE2 via re2js; a pattern RE2 cannot compile makes the schema invalid, with the reason. */
const linearRegExp: RegExpEngine = Object.assign(
  (pattern: string, flags: string) => {
    const re = compileLinearRegex(pattern, flags);
    if (typeof re === 'string') throw new Error(`pattern /${pattern}/: ${re}`);
    return { test: re.test, toString: () => `/${pattern}/${flags}` };
  },
  { code: 'linearRegExp' },
);

type JsonSchemaSpec = Extract<EvaluatorSpec, { type: 'jsonSchema' }>;

let ajv: Ajv | undefined;
const compiled = new Map<string, ValidateFunction | string>();

function validatorFor(schema: unknown): ValidateFunction | string {
  const key = JSON.stringify(schema) ?? 'true';
  let v = compiled.get(key);
  if (!v) {
    if (!ajv) {
      ajv = new Ajv({ allErrors: true, strict: false, code: { regExp: linearRegExp } });
      addFormats(ajv);
    }
    try {
      v = ajv.compile(schema === undefined || schema === null ? true : (schema as object));
    } catch (err) {
      v = err instanceof Error ? err.message : String(err);
    }
    compiled.set(key, v);
  }
  return v;
}

/** Why a schema cannot be compiled, or undefined when it can (normalize reports it before any run). */
export function schemaProblem(schema: unknown): string | undefined {
  const v = validatorFor(schema);
  return typeof v === 'string' ? v : undefined;
}

/** Strip one surrounding Markdown code fence (```json … ```), if present. */
export function stripFence(text: string): string {
  const m = /^\s*```[\w-]*[^\S\n]*\n([\s\S]*?)\n?```\s*$/.exec(text);
  return m ? m[1] : text.trim();
}

export function checkJsonSchema(spec: JsonSchemaSpec, name: string, output: string): EvaluationResult {
  let value: unknown;
  if (spec.findInText) {
    const found = findJsonInText(output);
    if (!found || !('value' in found))
      return {
        name,
        score: 0,
        pass: false,
        feedback: found
          ? `no JSON found: the output has too many bracketed spans that are not JSON to search them all`
          : `expected output to contain JSON but none was found in ${quote(output)}`,
      };
    value = found.value;
  } else {
    try {
      value = JSON.parse(spec.dialect === 'promptfoo' ? output : stripFence(output));
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      return {
        name,
        score: 0,
        pass: false,
        feedback: `expected output to be JSON but it did not parse (${reason}): ${quote(output)}`,
      };
    }
  }
  const validate = validatorFor(spec.schema);
  if (typeof validate === 'string')
    return { name, score: 0, pass: false, feedback: `the evaluator's JSON Schema is invalid: ${validate}` };
  if (validate(value)) return { name, score: 1, pass: true, feedback: 'passed: output is JSON matching the schema' };
  const problems = (validate.errors ?? [])
    .slice(0, 5)
    .map((e) => `${e.instancePath || '(root)'} ${e.message ?? 'is invalid'}`)
    .join('; ');
  return { name, score: 0, pass: false, feedback: `output JSON does not match the schema: ${problems}` };
}
