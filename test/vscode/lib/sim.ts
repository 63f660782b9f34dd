/**
 * The local OpenAI-compatible simulator the extension talks to during harness runs: src/sim/server.ts with the
 * simulated task of src/sim/task.ts when that exists (a scripted optimization task), else the echo handler.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { echoHandler } from '../../../src/sim/echo-handler';
import { startSimServer, type SimHandler, type SimServer, type SimStats } from '../../../src/sim/server';
import { repoRoot } from './paths';

export interface SimHandle {
  /** `http://127.0.0.1:PORT/v1` */
  url: string;
  /** Live request counters (requests, byPath, maxInFlight, authHeaders). */
  stats: SimStats;
  server: SimServer;
  close(): Promise<void>;
}

function taskHandler(): SimHandler | undefined {
  const taskFile = path.join(repoRoot, 'src', 'sim', 'task.ts');
  if (!fs.existsSync(taskFile)) return undefined;
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- optional module, loaded only when present
  const task = require(taskFile) as { createSimulatedTask?: (options?: unknown) => unknown };
  if (typeof task.createSimulatedTask !== 'function') return undefined;
  const created = task.createSimulatedTask() as SimHandler | { handler: SimHandler };
  return 'chat' in created ? created : created.handler;
}

export async function startSim(): Promise<SimHandle> {
  const server = await startSimServer({ handler: taskHandler() ?? echoHandler });
  return { url: server.url, stats: server.stats, server, close: () => server.close() };
}
