/**
 * JSON output validated with a JSON Schema (ajv + ajv-formats). The output may be wrapped in a ```json fence.
 * `findInText` takes the first parseable JSON object/array anywhere in the text (promptfoo `contains-json`).
 * Compiled validators are cached per schema text.
 */
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { EvaluationResult, EvaluatorSpec } from './types';
import { quote } from './feedback-text';

type JsonSchemaSpec = Extract<EvaluatorSpec, { type: 'jsonSchema' }>;

let ajv: Ajv | undefined;
const compiled = new Map<string, ValidateFunction | string>();

function validatorFor(schema: unknown): ValidateFunction | string {
  const key = JSON.stringify(schema) ?? 'true';
  let v = compiled.get(key);
  if (!v) {
    if (!ajv) {
      ajv = new Ajv({ allErrors: true, strict: false });
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

/** The first balanced {...} or [...] in the text that parses as JSON. */
export function findJsonInText(text: string): { value: unknown } | undefined {
  for (let start = 0; start < text.length; start++) {
    const open = text[start];
    if (open !== '{' && open !== '[') continue;
    let depth = 0;
    let inString = false;
    for (let i = start; i < text.length; i++) {
      const c = text[i];
      if (inString) {
        if (c === '\\') i++;
        else if (c === '"') inString = false;
      } else if (c === '"') inString = true;
      else if (c === '{' || c === '[') depth++;
      else if (c === '}' || c === ']') {
        depth--;
        if (depth === 0) {
          try {
            return { value: JSON.parse(text.slice(start, i + 1)) };
          } catch {
            break;
          }
        }
      }
    }
  }
  return undefined;
}

export function checkJsonSchema(spec: JsonSchemaSpec, name: string, output: string): EvaluationResult {
  let value: unknown;
  if (spec.findInText) {
    const found = findJsonInText(output);
    if (!found)
      return {
        name,
        score: 0,
        pass: false,
        feedback: `expected output to contain JSON but none was found in ${quote(output)}`,
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
