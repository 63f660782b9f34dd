/**
 * The one place a prompt file becomes a target-model request: eval, every optimizer's target call, the CLI and the
 * extension all build it here, so they send the same body and the response cache keys on all of it.
 *
 * What each format's own runtime sends, and so what we send:
 * - .prompt.yml (github/gh-models pkg/prompt/prompt.go `BuildChatCompletionOptions`, internal/azuremodels/types.go):
 *   `modelParameters.maxTokens` → `max_tokens`, `temperature`, `topP` → `top_p` — nothing else (other keys are not
 *   fields of gh's ModelParameters and are dropped by its YAML decoder); `responseFormat` → `response_format.type`,
 *   and `jsonSchema` (when present, whatever the type) → `response_format.json_schema`.
 * - .prompty v2 `model.options` (microsoft/prompty runtime/typescript/packages/openai/src/wire.ts `buildOptions`):
 *   camelCase options mapped to chat-completions names, `additionalProperties` passed through unless a mapped key has
 *   the name; `outputs` → a strict `json_schema` response format named `structured_output` (`outputsToWire`).
 * - .prompty v1 `model.parameters`: passed to `chat.completions.create(**parameters)` verbatim (already snake_case,
 *   `response_format` included) — prompty's v1 Python executors.
 * - .prompt.md: VS Code sends no sampling parameters from the file.
 * The document readers keep these fields as written (doc.modelParameters, doc.frontMatter); this file maps them.
 */
import type { PromptDocument } from '../documents/types';
import { renderMessages } from '../documents';
import type { ChatRequest, ModelRef } from '../llm/types';

export interface FileRequestFields {
  /** Chat-completions body fields the file asks for (`temperature`, `max_tokens`, `response_format`, …). */
  fields: Record<string, unknown>;
  /** One line per key the file sets that its runtime does not send (so neither do we), for a warning. */
  ignored: string[];
}

const GH_PARAMS: Record<string, string> = { maxTokens: 'max_tokens', temperature: 'temperature', topP: 'top_p' };

/** Prompty v2 ModelOptions → OpenAI chat-completions names (wire.ts `modelOptionsToWire`, provider "openai"). */
const PROMPTY_OPTIONS: Record<string, string> = {
  frequencyPenalty: 'frequency_penalty',
  maxOutputTokens: 'max_completion_tokens',
  presencePenalty: 'presence_penalty',
  seed: 'seed',
  temperature: 'temperature',
  topK: 'top_k',
  topP: 'top_p',
  stopSequences: 'stop',
  allowMultipleToolCalls: 'parallel_tool_calls',
};

const isRecord = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

export function fileRequestFields(doc: PromptDocument): FileRequestFields {
  switch (doc.format) {
    case 'prompt.yml':
      return promptYmlFields(doc);
    case 'prompty':
      return promptyFields(doc);
    default:
      return { fields: {}, ignored: [] };
  }
}

function promptYmlFields(doc: PromptDocument): FileRequestFields {
  const fields: Record<string, unknown> = {};
  const ignored: string[] = [];
  for (const [key, value] of Object.entries(doc.modelParameters ?? {})) {
    const wire = GH_PARAMS[key];
    if (wire && value !== null && value !== undefined) fields[wire] = value;
    else if (!wire)
      ignored.push(`modelParameters.${key} is not sent: gh models sends only maxTokens, temperature, topP`);
  }
  if (doc.responseFormat !== undefined) {
    fields.response_format = {
      type: doc.responseFormat,
      ...(doc.jsonSchema !== undefined ? { json_schema: doc.jsonSchema } : {}),
    };
  }
  return { fields, ignored };
}

function promptyModel(doc: PromptDocument): Record<string, unknown> {
  const model = doc.frontMatter?.data.model;
  return isRecord(model) ? model : {};
}

function promptyFields(doc: PromptDocument): FileRequestFields {
  const model = promptyModel(doc);
  const fields: Record<string, unknown> = {};
  const ignored: string[] = [];
  if (isRecord(model.options)) {
    const options = model.options;
    for (const [key, value] of Object.entries(options)) {
      const wire = PROMPTY_OPTIONS[key];
      if (key === 'additionalProperties') continue;
      if (!wire) {
        ignored.push(
          `model.options.${key} is not sent: Prompty maps only its ModelOptions names (or additionalProperties)`,
        );
        continue;
      }
      if (value === null || value === undefined) continue;
      if (key === 'stopSequences' && Array.isArray(value) && value.length === 0) continue;
      fields[wire] = key === 'stopSequences' && Array.isArray(value) ? value.map(String) : value;
    }
    if (isRecord(options.additionalProperties)) {
      for (const [key, value] of Object.entries(options.additionalProperties))
        if (!(key in fields)) fields[key] = value;
    }
  } else if (isRecord(model.parameters)) {
    Object.assign(fields, model.parameters);
  }
  // v1 runtimes never turned `outputs` into a response format; v2 does.
  const outputs = isRecord(model.parameters) ? undefined : promptyOutputsFormat(doc.frontMatter?.data.outputs);
  if (outputs) fields.response_format = outputs;
  return { fields, ignored };
}

interface PromptyProperty {
  name?: string;
  kind?: string;
  description?: string;
  required?: boolean;
  enumValues?: unknown[];
  items?: PromptyProperty;
  properties?: PromptyProperty[];
  nullable?: boolean;
}

/** `outputs` as a list of properties, or the map form (name → property). */
function propertyList(outputs: unknown): PromptyProperty[] {
  if (Array.isArray(outputs)) return outputs.filter(isRecord) as PromptyProperty[];
  if (isRecord(outputs))
    return Object.entries(outputs).map(([name, p]) => ({ ...(isRecord(p) ? p : { kind: String(p) }), name }));
  return [];
}

const KIND_TO_JSON_TYPE: Record<string, string> = {
  string: 'string',
  integer: 'integer',
  float: 'number',
  number: 'number',
  boolean: 'boolean',
  array: 'array',
  object: 'object',
};

/** wire.ts `propertyToJsonSchema` with strict = true: every property required, optional ones made nullable. */
function propertySchema(prop: PromptyProperty, optional: boolean): Record<string, unknown> {
  const type = KIND_TO_JSON_TYPE[prop.kind ?? ''];
  const schema: Record<string, unknown> = type ? { type } : {};
  if (prop.description) schema.description = prop.description;
  if (Array.isArray(prop.enumValues) && prop.enumValues.length) schema.enum = [...prop.enumValues];
  if (prop.kind === 'array') schema.items = prop.items ? propertySchema(prop.items, false) : { type: 'string' };
  if (prop.kind === 'object') {
    const nested: Record<string, unknown> = {};
    const required: string[] = [];
    for (const p of prop.properties ?? []) {
      if (!p.name) continue;
      nested[p.name] = propertySchema(p, !p.required);
      required.push(p.name);
    }
    schema.properties = nested;
    if (required.length) schema.required = required;
    schema.additionalProperties = false;
  }
  if (prop.nullable || optional) {
    if (typeof schema.type === 'string') schema.type = [schema.type, 'null'];
    else if (Object.keys(schema).length) return { anyOf: [schema, { type: 'null' }] };
    if (Array.isArray(schema.enum) && !schema.enum.includes(null)) schema.enum.push(null);
  }
  return schema;
}

function promptyOutputsFormat(outputs: unknown): Record<string, unknown> | undefined {
  const props = propertyList(outputs).filter((p) => typeof p.name === 'string' && p.name);
  if (!props.length) return undefined;
  const properties: Record<string, unknown> = {};
  for (const p of props) properties[p.name!] = propertySchema(p, !p.required);
  return {
    type: 'json_schema',
    json_schema: {
      name: 'structured_output',
      strict: true,
      schema: { type: 'object', properties, required: props.map((p) => p.name), additionalProperties: false },
    },
  };
}

/**
 * The target role with the file's request fields. Parameters set on the role itself (a sidecar, a setting, an
 * optimizer) win over the file's; applying it twice gives the same model (so any layer may call it).
 */
export function targetModelFor(doc: PromptDocument, role: ModelRef): ModelRef {
  const { fields } = fileRequestFields(doc);
  if (!Object.keys(fields).length) return role;
  return { ...role, params: { ...fields, ...role.params } };
}

/** The chat request for one row: the file's messages (region replaced, variables rendered) and its request fields. */
export function buildTargetRequest(
  doc: PromptDocument,
  regionText: string,
  vars: Record<string, unknown>,
  target: ModelRef,
  signal?: AbortSignal,
): ChatRequest {
  return { model: targetModelFor(doc, target), messages: renderMessages(doc, regionText, vars), signal };
}
