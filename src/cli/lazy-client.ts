/** An LlmClient that creates its backend on first use, so `node-llama-cpp` loads only when a `local:` model is used. */
import type { LlmClient } from '../core/llm/types';

export function lazyClient(create: () => Promise<LlmClient>): LlmClient {
  let backend: Promise<LlmClient> | undefined;
  const get = () => (backend ??= create());
  const listeners: Parameters<LlmClient['onCall']>[0][] = [];
  return {
    chat: async (req) => (await get()).chat(req),
    structured: async (req) => (await get()).structured(req),
    score: async (req) => (await get()).score(req),
    canScore: async (model, signal) => (await get()).canScore(model, signal),
    onCall(listener) {
      listeners.push(listener);
      let off: (() => void) | undefined;
      void get().then((b) => { off = b.onCall(listener); });
      return () => off?.();
    },
  };
}
