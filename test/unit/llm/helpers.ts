/** Shared set-up for the LLM tests: real servers, a client with instant, recorded sleeps. */
import { createLlmClient, type LlmClientOptions } from '../../../src/core/llm';
import type { LlmClient, ModelRef } from '../../../src/core/llm/types';
import { startSimServer, type SimHandler, type SimServer } from '../../../src/sim/server';
import { echoHandler } from '../../../src/sim/echo-handler';

export interface Harness {
  server: SimServer;
  client: LlmClient;
  model: ModelRef;
  sleeps: number[];
  logs: string[];
}

/** A server + client pair; sleeps are recorded and skipped so retry tests do not wait on the wall clock. */
export async function harness(
  handler: SimHandler = echoHandler,
  options: Partial<LlmClientOptions> = {},
): Promise<Harness> {
  const server = await startSimServer({ handler });
  const sleeps: number[] = [];
  const logs: string[] = [];
  const client = createLlmClient({
    apiKeyFor: () => undefined,
    random: () => 0.5,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    logger: (line) => logs.push(line),
    ...options,
  });
  return { server, client, model: { baseUrl: server.url, model: 'sim-model' }, sleeps, logs };
}

/** Resolves when `condition` holds, checking on each event-loop turn (bounded so a bug fails, not hangs). */
export async function until(condition: () => boolean, limitMs = 5000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > limitMs) throw new Error('condition not reached');
    await new Promise((r) => setTimeout(r, 2));
  }
}
