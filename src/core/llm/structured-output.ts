/**
 * Turning a structured request into messages and a reply back into a checked value, in both modes:
 * 'json_schema' (the endpoint enforces the schema via response_format) and 'tagged' (for endpoints that reject
 * response_format: the schema is described in the prompt and the answer is read from between <json>…</json> tags).
 */
import type { ChatMessage, SchemaName } from './types';
import { checkValue, wireSchemas } from './schemas';

export type StructuredMode = 'json_schema' | 'tagged';

export function responseFormatFor(name: SchemaName) {
  return { type: 'json_schema' as const, json_schema: { name, schema: wireSchemas[name], strict: true } };
}

/** The instruction appended in tagged mode. */
export function taggedInstruction(name: SchemaName): string {
  return [
    'Reply with a single JSON object, and nothing else, between <json> and </json> tags.',
    `The object must match this JSON Schema (named "${name}"):`,
    JSON.stringify(wireSchemas[name]),
  ].join('\n');
}

/**
 * Messages for tagged mode: the instruction is appended to the last user message (a separate trailing user message
 * would break chat templates that require alternating roles); a user message is added when the last one is not.
 */
export function withTaggedInstruction(messages: ChatMessage[], name: SchemaName): ChatMessage[] {
  const out = messages.map((m) => ({ ...m }));
  const last = out[out.length - 1];
  const instruction = taggedInstruction(name);
  if (last && last.role === 'user') last.content = `${last.content}\n\n${instruction}`;
  else out.push({ role: 'user', content: instruction });
  return out;
}

/** True when an endpoint's 400/422 says it does not support `response_format` / json_schema. */
export function rejectsResponseFormat(status: number | undefined, message: string): boolean {
  if (status === 422) return true;
  return status === 400 && /response_format|json_schema|structured output|response format/i.test(message);
}

export type ParseOutcome<T> = { ok: true; value: T } | { ok: false; reason: string };

/** Reads the JSON text of a reply: the whole content in json_schema mode, the tagged part in tagged mode. */
export function extractJsonText(content: string, mode: StructuredMode): string {
  if (mode === 'tagged') {
    const open = content.lastIndexOf('<json>');
    if (open >= 0) {
      const rest = content.slice(open + '<json>'.length);
      const close = rest.indexOf('</json>');
      return stripFence(close >= 0 ? rest.slice(0, close) : rest);
    }
  }
  // Models sometimes wrap JSON in a Markdown fence even when asked not to; tolerate that.
  return stripFence(content);
}

function stripFence(text: string): string {
  const trimmed = text.trim();
  const fenced = /^```(?:json)?\s*\n([\s\S]*?)\n?```$/i.exec(trimmed);
  return (fenced ? fenced[1] : trimmed).trim();
}

/** Parses and checks a reply; never throws. */
export function parseStructured<T>(
  name: SchemaName,
  content: string | null | undefined,
  mode: StructuredMode,
): ParseOutcome<T> {
  if (content == null || content.trim() === '') return { ok: false, reason: 'empty reply' };
  const text = extractJsonText(content, mode);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return { ok: false, reason: `not JSON (${(err as Error).message}): ${snippet(text)}` };
  }
  const problem = checkValue(name, value);
  if (problem) return { ok: false, reason: `does not match schema "${name}": ${problem}` };
  return { ok: true, value: value as T };
}

function snippet(text: string): string {
  const flat = text.replace(/\s+/g, ' ');
  return flat.length > 80 ? `${flat.slice(0, 80)}…` : flat;
}
