/**
 * The default handler for smoke tests: chat echoes the last user message; a `json_schema` request gets the smallest
 * instance of the schema (so structured calls succeed); scoring splits text into word tokens with a deterministic
 * log-prob (longer tokens are less likely).
 */
import type { SimHandler, SimScore } from './server';

export const echoHandler: SimHandler = {
  chat(req) {
    const schema = req.response_format?.type === 'json_schema' ? req.response_format.json_schema?.schema : undefined;
    if (schema !== undefined) return JSON.stringify(minimalInstance(schema));
    const lastUser = [...req.messages].reverse().find((m) => m.role === 'user');
    return `echo: ${lastUser?.content ?? ''}`;
  },
  score: ({ prompt }) => wordScore(prompt),
};

/** Word tokens (leading whitespace attached, like BPE tokenizers) with log-prob −0.1 × token length. */
export function wordScore(text: string): SimScore {
  const tokens = text.match(/\s*\S+|\s+/g) ?? [];
  return { tokens, logprobs: tokens.map((t) => -0.1 * t.length) };
}

/** The smallest JSON value a (simple) JSON Schema accepts: required keys, one array item, first enum value. */
export function minimalInstance(schema: unknown): unknown {
  if (typeof schema !== 'object' || schema === null) return null;
  const s = schema as Record<string, unknown>;
  if (Array.isArray(s.enum)) return s.enum[0];
  switch (s.type) {
    case 'object': {
      const props = (s.properties ?? {}) as Record<string, unknown>;
      const required = Array.isArray(s.required) ? (s.required as string[]) : Object.keys(props);
      return Object.fromEntries(required.map((k) => [k, minimalInstance(props[k])]));
    }
    case 'array':
      return [minimalInstance(s.items)];
    case 'string':
      return 'echo';
    case 'number':
      return typeof s.minimum === 'number' && typeof s.maximum === 'number' ? (s.minimum + s.maximum) / 2 : 0.5;
    case 'integer':
      return 0;
    case 'boolean':
      return true;
    default:
      return null;
  }
}
