/**
 * OpenAI-compatible servers people run on their own machine, found only when the user asks (Select Models → Find
 * models on local servers): each is asked for GET /models once, with a short timeout; nothing is probed otherwise.
 */
export interface LocalServer {
  name: string;
  baseUrl: string;
}

export const KNOWN_LOCAL_SERVERS: readonly LocalServer[] = [
  { name: 'Ollama', baseUrl: 'http://127.0.0.1:11434/v1' },
  { name: 'LM Studio', baseUrl: 'http://127.0.0.1:1234/v1' },
  { name: 'llama.cpp server', baseUrl: 'http://127.0.0.1:8080/v1' },
];

export interface LocalServerModels {
  server: LocalServer;
  /** Model ids the server lists; empty when it did not answer (`problem` says why). */
  models: string[];
  problem?: string;
}

export async function findLocalServerModels(
  servers: readonly LocalServer[] = KNOWN_LOCAL_SERVERS,
  timeoutMs = 1500,
): Promise<LocalServerModels[]> {
  return Promise.all(
    servers.map(async (server) => {
      try {
        const response = await fetch(`${server.baseUrl.replace(/\/+$/, '')}/models`, {
          signal: AbortSignal.timeout(timeoutMs),
          redirect: 'error',
        });
        if (!response.ok) return { server, models: [], problem: `HTTP ${response.status}` };
        const body = (await response.json()) as { data?: { id?: unknown }[] };
        const models = (body.data ?? []).map((m) => m.id).filter((id): id is string => typeof id === 'string');
        return { server, models };
      } catch (error) {
        const cause = (error as { cause?: { code?: string } }).cause?.code;
        return { server, models: [], problem: cause === 'ECONNREFUSED' ? 'not running' : (error as Error).message };
      }
    }),
  );
}
