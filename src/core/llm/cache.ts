/**
 * The persistent response cache: re-running finished work costs nothing (DESIGN.md "LLM access").
 * Key = sha256 over a canonical JSON of everything that determines the answer: endpoint (origin + path), model,
 * parameters, messages/prompt, schema, seed and call kind — never the API key. Entries are plain JSON files
 * `<dir>/<key[0..2]>/<key>.json`, written to a temporary file and renamed, so a crash never leaves a torn entry.
 */
import { createHash, randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { Usage } from './types';
import { nodeFileSystem } from '../node-file-system';
import { ensureStateGitignore } from '../state-dir';

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

export function createDiskCache(dir: string): ResponseCache {
  let ignored: Promise<void> | undefined;
  const fileOf = (key: string) => path.join(dir, key.slice(0, 2), `${key}.json`);
  return {
    async get(key) {
      let text: string;
      try {
        text = await fs.readFile(fileOf(key), 'utf8');
      } catch {
        return undefined;
      }
      try {
        const entry = JSON.parse(text) as { key?: unknown; response?: CachedResponse };
        // A damaged or foreign file is a miss; the next set() overwrites it.
        return entry.key === key && isCachedResponse(entry.response) ? entry.response : undefined;
      } catch {
        return undefined;
      }
    },
    async set(key, response) {
      const file = fileOf(key);
      await fs.mkdir(path.dirname(file), { recursive: true });
      // The cache may be what creates `.whetstone/`: it comes with its .gitignore.
      ignored ??= ensureStateGitignore(nodeFileSystem, file).catch(() => undefined);
      await ignored;
      const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
      await fs.writeFile(tmp, JSON.stringify({ key, savedAt: new Date().toISOString(), response }));
      await fs.rename(tmp, file);
    },
  };
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

function isCachedResponse(v: unknown): v is CachedResponse {
  if (!v || typeof v !== 'object') return false;
  const r = v as Partial<CachedResponse>;
  return (
    (r.kind === 'chat' || r.kind === 'structured' || r.kind === 'score') &&
    !!r.usage &&
    typeof r.usage.promptTokens === 'number' &&
    typeof r.usage.completionTokens === 'number'
  );
}
