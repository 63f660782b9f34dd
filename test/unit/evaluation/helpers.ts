/**
 * Running a prompt file the way `whetstone eval` does (core loadPrompt + runEval, the real client over real HTTP to
 * the local sim server), with a model that answers each row with that row's own text: the target echoes the last
 * user message, so a row's variable sets the output exactly, and a judge prompt templated to a row variable sets the
 * judge's reply the same way.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as assert from 'node:assert/strict';
import { loadPrompt, errorsOf } from '../../../src/core/project/load-prompt';
import { nodeFileSystem } from '../../../src/core/node-file-system';
import { runEval, type EvalRunResult } from '../../../src/core/evaluation/run-eval';
import type { EvalExtensions } from '../../../src/core/evaluators/context';
import { createLlmClient, type LlmClient } from '../../../src/core/llm';
import type { ResponseCache } from '../../../src/core/llm/cache';
import { startSimServer, type SimChatRequest, type SimServer } from '../../../src/sim/server';

export const lastUser = (req: SimChatRequest) =>
  [...req.messages].reverse().find((m) => m.role === 'user')?.content ?? '';

export interface EchoServer {
  server: SimServer;
  /** A fixed reply for the judge model instead of the echo (undefined: echo again). */
  judgeAnswer: string | undefined;
  llm(cache?: ResponseCache): LlmClient;
  /** Writes `text` as `name` in a fresh directory and runs it as `whetstone eval` would. */
  run(
    name: string,
    text: string,
    options?: { extensions?: EvalExtensions; llm?: LlmClient; sidecar?: string },
  ): Promise<{ result: EvalRunResult; bodies: SimChatRequest[]; warnings: string[] }>;
  close(): Promise<void>;
}

export async function startEchoServer(): Promise<EchoServer> {
  const server = await startSimServer({
    handler: {
      chat: (req) => (req.model === 'judge-model' && echo.judgeAnswer !== undefined ? echo.judgeAnswer : lastUser(req)),
    },
  });
  const llm = (cache?: ResponseCache) =>
    createLlmClient({ apiKeyFor: () => undefined, cache: cache ?? null, maxRetries: 0, sleep: async () => {} });
  const shared = llm();
  const echo: EchoServer = {
    server,
    judgeAnswer: undefined,
    llm,
    async run(name, text, options = {}) {
      const dir = mkdtempSync(path.join(tmpdir(), 'whetstone-parity-'));
      const file = path.join(dir, name);
      writeFileSync(file, text);
      if (options.sidecar !== undefined)
        writeFileSync(file.replace(/(\.prompt\.yml|\.prompty|\.prompt\.md)$/, '.whetstone.yaml'), options.sidecar);
      const loaded = await loadPrompt(file, nodeFileSystem);
      assert.deepEqual(
        errorsOf(loaded.diagnostics).map((d) => d.message),
        [],
      );
      const from = server.bodies.length;
      const result = await runEval({
        doc: loaded.doc,
        rows: loaded.rows,
        evaluators: loaded.evaluators,
        llm: options.llm ?? shared,
        target: { baseUrl: server.url, model: 'target-model' },
        judge: { baseUrl: server.url, model: 'judge-model' },
        trusted: true,
        extensions: options.extensions,
      });
      const warnings = loaded.diagnostics.filter((d) => d.severity === 'warning').map((d) => d.message);
      return { result, bodies: server.bodies.slice(from) as SimChatRequest[], warnings };
    },
    close: () => server.close(),
  };
  return echo;
}

/** Pass/fail per row, in row order. */
export const verdicts = (result: EvalRunResult) => result.results.map((r) => r.pass);
