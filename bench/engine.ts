/**
 * Engine benchmarks, in-process, against the sim server in its own process (so its CPU is not ours):
 * - overhead: CPU time of our code per LLM call on a zero-latency server, next to the bare `openai` client's;
 * - concurrency: wall time of an APO run on a fixed-latency server vs the bound max(work·L/c, span);
 * - cache: the finished job re-run — HTTP calls and wall time.
 * Prints one JSON object. Usage: tsx bench/engine.ts [--repeats N]
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import OpenAI from 'openai';
import pLimit from 'p-limit';
import { createLlmClient, createDiskCache } from '../src/core/llm';
import { startJob } from '../src/core/jobs';
import { loadPrompt } from '../src/core/project/load-prompt';
import { nodeFileSystem } from '../src/core/node-file-system';
import type { JobResult } from '../src/core/jobs/types';
// @ts-expect-error plain ESM helper
import { startSimProcess } from './lib/sim-process.mjs';
// @ts-expect-error plain ESM helper
import { median } from './lib/stats.mjs';

const repo = path.resolve(__dirname, '..');
const example = path.join(repo, 'examples', 'reviews.prompt.yml');
const repeats = Number(process.argv[process.argv.indexOf('--repeats') + 1]) || 3;

interface JobRun {
  wallMs: number;
  cpuMs: number;
  calls: number;
  httpCalls: number;
  result: JobResult;
}

type Sim = { url: string; stats(): Promise<{ requests: number }>; close(): Promise<void> };

async function runApo(opts: {
  latency: number;
  concurrency: number;
  cacheDir: string | null;
  sim?: Sim;
}): Promise<JobRun> {
  // The cache is keyed by endpoint, so a re-run must talk to the same server (same port).
  const sim: Sim = opts.sim ?? (await startSimProcess({ latency: opts.latency }));
  const before = (await sim.stats()).requests;
  const loaded = await loadPrompt(example, nodeFileSystem);
  const llm = createLlmClient({
    apiKeyFor: () => undefined,
    cache: opts.cacheDir ? createDiskCache(opts.cacheDir) : null,
    concurrency: opts.concurrency,
  });
  const model = { baseUrl: sim.url, model: 'sim-model' };
  const runsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wsbench-runs-'));
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const job = startJob({
    method: 'apo',
    doc: loaded.doc,
    rows: loaded.rows,
    evaluators: loaded.evaluators,
    roles: { target: model, optimizer: model, judge: model },
    llm,
    preset: 'quick',
    budget: {},
    seed: 0,
    split: loaded.settings.split,
    runsDir,
    fs: nodeFileSystem,
    trusted: true,
    concurrency: opts.concurrency,
  });
  const result = await job.result;
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const httpCalls = (await sim.stats()).requests - before;
  if (!opts.sim) await sim.close();
  fs.rmSync(runsDir, { recursive: true, force: true });
  return { wallMs, cpuMs: (cpu.user + cpu.system) / 1000, calls: result.used.calls, httpCalls, result };
}

/** The same number of chat calls through the bare openai client (+ p-limit), for the client's own share of CPU. */
async function rawClientCpu(calls: number, concurrency: number): Promise<number> {
  const sim = await startSimProcess({ latency: 0 });
  const client = new OpenAI({ baseURL: sim.url, apiKey: 'sk-bench', maxRetries: 0 });
  const limit = pLimit(concurrency);
  const cpu0 = process.cpuUsage();
  await Promise.all(
    Array.from({ length: calls }, (_, i) =>
      limit(() =>
        client.chat.completions.create({
          model: 'sim-model',
          messages: [
            { role: 'system', content: 'You classify reviews.' },
            { role: 'user', content: `Review ${i}` },
          ],
        }),
      ),
    ),
  );
  const cpu = process.cpuUsage(cpu0);
  await sim.close();
  return (cpu.user + cpu.system) / 1000;
}

async function main() {
  // Warm-up: module loading and JIT are not per-call costs.
  await runApo({ latency: 0, concurrency: 8, cacheDir: null });
  await rawClientCpu(100, 8);

  const overhead = [];
  for (let i = 0; i < repeats; i++) {
    const job = await runApo({ latency: 0, concurrency: 8, cacheDir: null });
    const raw = await rawClientCpu(job.httpCalls, 8);
    overhead.push({
      calls: job.httpCalls,
      jobCpuMs: job.cpuMs,
      rawCpuMs: raw,
      oursPerCallMs: (job.cpuMs - raw) / job.httpCalls,
      totalPerCallMs: job.cpuMs / job.httpCalls,
    });
  }

  const latency = 100;
  const concurrency = 4;
  const concurrencyRuns = [];
  for (let i = 0; i < repeats; i++) {
    const limited = await runApo({ latency, concurrency, cacheDir: null });
    // The span: the same job with no concurrency limit; each call then waits only for the calls it needs.
    const unlimited = await runApo({ latency, concurrency: 1000, cacheDir: null });
    const workBoundMs = (limited.httpCalls * latency) / concurrency;
    const boundMs = Math.max(workBoundMs, unlimited.wallMs);
    concurrencyRuns.push({
      calls: limited.httpCalls,
      wallMs: limited.wallMs,
      spanMs: unlimited.wallMs,
      workBoundMs,
      boundMs,
      ratio: limited.wallMs / boundMs,
    });
  }

  const cacheRuns = [];
  for (let i = 0; i < repeats; i++) {
    const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wsbench-cache-'));
    const sim: Sim = await startSimProcess({ latency: 20 });
    const first = await runApo({ latency: 20, concurrency: 8, cacheDir, sim });
    const again = await runApo({ latency: 20, concurrency: 8, cacheDir, sim });
    await sim.close();
    fs.rmSync(cacheDir, { recursive: true, force: true });
    cacheRuns.push({
      firstWallMs: first.wallMs,
      firstHttpCalls: first.httpCalls,
      rerunWallMs: again.wallMs,
      rerunHttpCalls: again.httpCalls,
      samePrompt: first.result.best.prompt === again.result.best.prompt,
    });
  }

  const pick = <T extends Record<string, number | boolean>>(rows: T[], key: keyof T) =>
    median(rows.map((r) => Number(r[key])));
  console.log(
    JSON.stringify(
      {
        overhead: {
          calls: pick(overhead, 'calls'),
          oursPerCallMs: pick(overhead, 'oursPerCallMs'),
          totalPerCallMs: pick(overhead, 'totalPerCallMs'),
          rawClientPerCallMs: median(overhead.map((o) => o.rawCpuMs / o.calls)),
          samples: overhead,
        },
        concurrency: {
          latencyMs: latency,
          concurrency,
          calls: pick(concurrencyRuns, 'calls'),
          wallMs: pick(concurrencyRuns, 'wallMs'),
          boundMs: pick(concurrencyRuns, 'boundMs'),
          spanMs: pick(concurrencyRuns, 'spanMs'),
          workBoundMs: pick(concurrencyRuns, 'workBoundMs'),
          ratio: pick(concurrencyRuns, 'ratio'),
          samples: concurrencyRuns,
        },
        cache: {
          firstHttpCalls: pick(cacheRuns, 'firstHttpCalls'),
          rerunHttpCalls: pick(cacheRuns, 'rerunHttpCalls'),
          firstWallMs: pick(cacheRuns, 'firstWallMs'),
          rerunWallMs: pick(cacheRuns, 'rerunWallMs'),
          samePrompt: cacheRuns.every((c) => c.samePrompt),
          samples: cacheRuns,
        },
      },
      null,
      2,
    ),
  );
}
void main();
