/**
 * The persistent response cache: re-running finished work costs nothing (DESIGN.md "LLM access").
 * Key = sha256 over a canonical JSON of everything that determines the answer: endpoint (origin + path), model,
 * parameters, messages/prompt, schema, seed and call kind — never the API key. On disk it is one append-only log
 * with a size cap (cache-store.ts).
 */
import { createHash } from 'node:crypto';
import type { Usage } from './types';

/** What is stored for one call: the parsed result and its usage. */
export interface CachedResponse {
  kind: 'chat' | 'structured' | 'score';
  usage: Usage;
  text?: string;
  value?: unknown;
  mode?: 'json_schema' | 'tagged';
  tokens?: string[];
  logprobs?: number[];
}

export interface ResponseCache {
  get(key: string): Promise<CachedResponse | undefined>;
  set(key: string, value: CachedResponse): Promise<void>;
}

/** JSON with object keys sorted, so equal requests give equal keys whatever the property order. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      return Object.fromEntries(
        Object.keys(v as object)
          .sort()
          .map((k) => [k, (v as Record<string, unknown>)[k]]),
      );
    }
    return v;
  });
}

export function cacheKey(parts: Record<string, unknown>): string {
  return createHash('sha256')
    .update(canonicalJson({ v: 1, ...parts }))
    .digest('hex');
}

/** In-process cache (tests, or a session that should not touch the disk). */
export function createMemoryCache(): ResponseCache & { size(): number } {
  const entries = new Map<string, string>();
  return {
    get: async (key) => {
      const text = entries.get(key);
      return text === undefined ? undefined : (JSON.parse(text) as CachedResponse);
    },
    set: async (key, value) => {
      entries.set(key, JSON.stringify(value));
    },
    size: () => entries.size,
  };
}
