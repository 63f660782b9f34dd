/**
 * The bundled offline simulated endpoint behind `--base-url sim` and `npm run demo`: the local OpenAI-compatible
 * server answering as the simulated review-classification task. Its results are simulated, and every caller says so.
 */
import { startSimServer } from './server';
import { createSimulatedTask } from './task';

export async function startSimulatedEndpoint(seed = 0): Promise<{ url: string; close(): Promise<void> }> {
  const task = createSimulatedTask({ seed });
  const server = await startSimServer({ handler: task.handler });
  return { url: server.url, close: () => server.close() };
}
