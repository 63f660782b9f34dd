/** Test setup: the simulated review task behind the real sim HTTP server, the real LLM client, the example prompt. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { mergeSettings, parsePromptFile, parseSidecar } from '../../../src/core/documents';
import { createLlmClient } from '../../../src/core/llm';
import type { LlmClient } from '../../../src/core/llm/types';
import { nodeFileSystem } from '../../../src/core/node-file-system';
import type { JobSpec, Method } from '../../../src/core/jobs/types';
import { startSimServer, type SimHandler, type SimServer } from '../../../src/sim/server';
import { createSimulatedTask, type SimulatedTask } from '../../../src/sim/task';

export interface SimSetup {
  server: SimServer;
  task: SimulatedTask;
  llm: LlmClient;
  runsDir: string;
  spec(method: Method, over?: Partial<JobSpec>): JobSpec;
  close(): Promise<void>;
}

export async function simSetup(
  opts: { seed?: number; handler?: (task: SimulatedTask) => SimHandler; concurrency?: number } = {},
): Promise<SimSetup> {
  const task = createSimulatedTask({ seed: opts.seed ?? 0 });
  const server = await startSimServer({ handler: opts.handler ? opts.handler(task) : task.handler });
  const llm = newClient(opts.concurrency);
  const runsDir = mkdtempSync(path.join(tmpdir(), 'whetstone-runs-'));
  const file = path.join(process.cwd(), 'examples', 'reviews.prompt.yml');
  const sidecar = parseSidecar(file.replace(/\.prompt\.yml$/, '.whetstone.yaml'), task.sidecarText);
  const doc = mergeSettings(parsePromptFile(file, task.promptText), sidecar.settings);
  const model = (name: string) => ({ baseUrl: server.url, model: name });
  return {
    server,
    task,
    llm,
    runsDir,
    spec: (method, over = {}) => ({
      method,
      doc,
      rows: doc.testData,
      evaluators: doc.evaluators,
      roles: {
        target: model('sim-target'),
        optimizer: model('sim-optimizer'),
        judge: model('sim-judge'),
        scorer: model('sim-target'),
      },
      llm,
      budget: {},
      seed: 1,
      split: doc.settings.split,
      runsDir,
      fs: nodeFileSystem,
      trusted: true,
      requirements: doc.settings.requirements,
      protected: doc.settings.protected,
      ...over,
    }),
    close: () => server.close(),
  };
}

/** A fresh client (no response cache, so every call is an HTTP request the server counts). */
export function newClient(concurrency = 4): LlmClient {
  return createLlmClient({ apiKeyFor: () => undefined, cache: null, concurrency, retryBaseMs: 1, retryMaxMs: 5 });
}
