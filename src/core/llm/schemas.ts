/**
 * The structured-output contract of DESIGN.md "LLM access": one JSON Schema per name, sent as
 * `response_format: {type: 'json_schema', json_schema: {name, schema, strict: true}}` and used to validate replies.
 * Names and shapes are stable (tests, caches and logs key on them). Wire schemas keep to the keywords every
 * strict-mode implementation accepts (type, properties, required, additionalProperties: false, items, enum);
 * ranges that strict mode may not support (score in [0, 1]) are checked only locally, in `validationSchema`.
 */
import Ajv, { type ValidateFunction } from 'ajv';
import type { SchemaName } from './types';

export interface Critiques {
  critiques: string[];
}
export interface PromptCandidates {
  prompts: string[];
}
export interface PromptSegments {
  segments: string[];
}
export interface PairwiseVerdict {
  analysis: string;
  choice: 'A' | 'B';
}
export interface JudgeScore {
  score: number;
  reason: string;
}

/** The TypeScript shape of each schema's value. */
export interface SchemaValues {
  critiques: Critiques;
  prompt_candidates: PromptCandidates;
  prompt_segments: PromptSegments;
  pairwise_verdict: PairwiseVerdict;
  judge_score: JudgeScore;
}

type JsonSchema = Record<string, unknown>;

const stringList = (key: string, description: string): JsonSchema => ({
  type: 'object',
  properties: { [key]: { type: 'array', items: { type: 'string' }, description } },
  required: [key],
  additionalProperties: false,
});

/** What is sent to the endpoint. */
export const wireSchemas: Readonly<Record<SchemaName, JsonSchema>> = {
  critiques: stringList('critiques', 'Each item is one specific reason the prompt fails on the examples.'),
  prompt_candidates: stringList('prompts', 'Each item is a complete, improved prompt text.'),
  prompt_segments: stringList('segments', 'Each item is a verbatim substring of the prompt.'),
  pairwise_verdict: {
    type: 'object',
    properties: {
      analysis: { type: 'string', description: 'Brief comparison of answer A and answer B.' },
      choice: { type: 'string', enum: ['A', 'B'], description: 'The better answer.' },
    },
    required: ['analysis', 'choice'],
    additionalProperties: false,
  },
  judge_score: {
    type: 'object',
    properties: {
      score: { type: 'number', description: 'Quality score between 0 and 1 inclusive.' },
      reason: { type: 'string', description: 'Why this score.' },
    },
    required: ['score', 'reason'],
    additionalProperties: false,
  },
};

/** What a reply is validated against locally: the wire schema plus ranges. */
function validationSchema(name: SchemaName): JsonSchema {
  const wire = wireSchemas[name];
  if (name !== 'judge_score') return wire;
  const props = wire.properties as Record<string, JsonSchema>;
  return { ...wire, properties: { ...props, score: { ...props.score, minimum: 0, maximum: 1 } } };
}

const ajv = new Ajv({ allErrors: true, strict: false });
const validators = new Map<SchemaName, ValidateFunction>();

export const schemaNames: readonly SchemaName[] = Object.keys(wireSchemas) as SchemaName[];

export function isSchemaName(name: string): name is SchemaName {
  return Object.prototype.hasOwnProperty.call(wireSchemas, name);
}

/** Checks a parsed reply; returns null when it fits, else a one-line reason naming the failing paths. */
export function checkValue(name: SchemaName, value: unknown): string | null {
  let validate = validators.get(name);
  if (!validate) {
    validate = ajv.compile(validationSchema(name));
    validators.set(name, validate);
  }
  if (validate(value)) return null;
  return (validate.errors ?? []).map((e) => `${e.instancePath || '(root)'} ${e.message ?? 'is invalid'}`).join('; ');
}
