/**
 * The local OpenAI-compatible simulator the extension talks to during harness runs: src/sim/server.ts answering as
 * the simulated review-sentiment task of src/sim/task.ts (the task examples/reviews.prompt.yml describes), seed 0.
 */
import { startSimServer, type SimServer, type SimStats } from '../../../src/sim/server';
import { createSimulatedTask, type SimulatedTask } from '../../../src/sim/task';

export interface SimHandle {
  /** `http://127.0.0.1:PORT/v1` */
  url: string;
  /** Live HTTP counters (requests, byPath, maxInFlight, authHeaders). */
  stats: SimStats;
  /** What the task answered, per kind: plain chat, structured (per schema name), scoring. */
  taskStats: SimulatedTask['stats'];
  server: SimServer;
  close(): Promise<void>;
}

export async function startSim(): Promise<SimHandle> {
  const task = createSimulatedTask({ seed: 0 });
  const server = await startSimServer({ handler: task.handler });
  return { url: server.url, stats: server.stats, taskStats: task.stats, server, close: () => server.close() };
}
