/**
 * An LlmClient that forwards each call to a backend obtained on demand, so the embedded llama.cpp backend (and
 * node-llama-cpp) loads only when a `local:` model is first used. The caller owns creating, caching and disposing the
 * backend; the outer client reports calls, so `onCall` here observes nothing.
 */
import type { LlmClient } from './types';

export function deferredClient(backend: () => Promise<LlmClient>): LlmClient {
  return {
    chat: async (req) => (await backend()).chat(req),
    structured: async (req) => (await backend()).structured(req),
    score: async (req) => (await backend()).score(req),
    // A backend that cannot start cannot score either.
    canScore: async (model, signal) => (await backend()).canScore(model, signal).catch(() => false),
    onCall: () => () => undefined,
  };
}
