/**
 * Method benchmark (issue 13): each method on three simulated tasks (bench-tasks.ts: missing rule, format drift,
 * noisy labels) over 5 seeds at budgets of 200 / 400 / 1,000 calls, against a zero-latency in-process sim server;
 * held-out score (true labels) vs calls spent, beside a plain greedy rewrite loop as the floor.
 * Pluggable: a method is one entry in METHODS (OPRO, CAPO, GEPA add theirs). Prints one JSON object.
 * Usage: tsx bench/methods.ts [--seeds N] [--budgets 200,400,1000] [--methods apo,spo,pmpo,greedy]
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { splitRows } from '../src/core/data';
import { mergeSettings, parsePromptFile, parseSidecar } from '../src/core/documents';
import { startJob } from '../src/core/jobs';
import type { JobSpec, Method } from '../src/core/jobs/types';
import { createLlmClient } from '../src/core/llm';
import { nodeFileSystem } from '../src/core/node-file-system';
import { BENCH_TASKS, benchPromptText, benchRows, type BenchTaskName } from '../src/sim/bench-tasks';
import { startSimServer } from '../src/sim/server';
import { createSimulatedTask } from '../src/sim/task';

interface BenchMethod {
  name: string;
  /** What the table says about it. */
  label: string;
  method: Method;
  params?: Record<string, unknown>;
}

/** The methods in the table. A new method adds one entry. */
const METHODS: BenchMethod[] = [
  { name: 'apo', label: 'APO (plan fitted to the budget)', method: 'apo' },
  { name: 'spo', label: 'SPO (plan fitted to the budget)', method: 'spo' },
  { name: 'pmpo', label: 'PMPO (plan fitted to the budget)', method: 'pmpo' },
  { name: 'opro', label: 'OPRO (plan fitted to the budget)', method: 'opro' },
  { name: 'capo', label: 'CAPO (plan fitted to the budget)', method: 'capo' },
  { name: 'gepa', label: 'GEPA (plan fitted to the budget)', method: 'gepa' },
  {
    // The floor: one critique → one edit per step on the current prompt, kept only if it scores better (APO's
    // machinery with beam 1, no paraphrases, no bandit: brute force on the same rows).
    name: 'greedy',
    label: 'greedy rewrite loop (floor)',
    method: 'apo',
    params: {
      rounds: 40,
      beamSize: 1,
      gradients: 1,
      paraphrases: 0,
      maxSuccessors: 1,
      selection: 'bf',
      minibatchSize: 8,
      samplesPerEval: 18,
      evalRounds: 1,
      evalPromptsPerRound: 2,
    },
  },
];

const arg = (name: string) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const seeds = Number(arg('--seeds') ?? 5);
const budgets = (arg('--budgets') ?? '200,400,1000').split(',').map(Number);
const wanted = arg('--methods')?.split(',');

interface Cell {
  task: BenchTaskName;
  method: string;
  budget: number;
  heldOut: number[];
  baseline: number[];
  calls: number[];
  stopReasons: Record<string, number>;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2) : NaN;
};

async function main() {
  const cells: Cell[] = [];
  const started = process.cpuUsage();
  const t0 = Date.now();
  for (const taskName of BENCH_TASKS) {
    for (let seed = 1; seed <= seeds; seed++) {
      const task = createSimulatedTask({ seed });
      const server = await startSimServer({ handler: task.handler });
      const llm = createLlmClient({
        apiKeyFor: () => undefined,
        cache: null,
        concurrency: 8,
        retryBaseMs: 1,
        retryMaxMs: 5,
      });
      try {
        const file = path.join(process.cwd(), 'examples', 'reviews.prompt.yml');
        const sidecar = parseSidecar(file.replace(/\.prompt\.yml$/, '.whetstone.yaml'), task.sidecarText);
        const doc = mergeSettings(parsePromptFile(file, benchPromptText(taskName, task.promptText)), sidecar.settings);
        const split = splitRows(doc.testData, {
          validation: doc.settings.split?.validation,
          seed: doc.settings.split?.seed ?? seed,
        });
        const rows = benchRows(taskName, doc.testData, seed, new Set(split.train));
        // Held-out scores against the true labels: the noisy rows are train rows only.
        for (const m of METHODS.filter((x) => !wanted || wanted.includes(x.name))) {
          for (const budget of budgets) {
            const model = (name: string) => ({ baseUrl: server.url, model: name });
            const spec: JobSpec = {
              method: m.method,
              doc,
              rows,
              evaluators: doc.evaluators,
              roles: {
                target: model('sim-target'),
                optimizer: model('sim-optimizer'),
                judge: model('sim-judge'),
                scorer: model('sim-target'),
              },
              llm,
              params: m.params,
              budget: { calls: budget },
              seed,
              split: doc.settings.split,
              runsDir: mkdtempSync(path.join(tmpdir(), 'whetstone-bench-methods-')),
              fs: nodeFileSystem,
              trusted: true,
              requirements: doc.settings.requirements,
              protected: taskName === 'format-drift' ? [] : doc.settings.protected,
            };
            const result = await startJob(spec).result;
            let cell = cells.find((c) => c.task === taskName && c.method === m.name && c.budget === budget);
            if (!cell)
              cells.push(
                (cell = {
                  task: taskName,
                  method: m.name,
                  budget,
                  heldOut: [],
                  baseline: [],
                  calls: [],
                  stopReasons: {},
                }),
              );
            cell.heldOut.push(result.best.validationScore ?? result.baseline.validationScore ?? NaN);
            cell.baseline.push(result.baseline.validationScore ?? NaN);
            cell.calls.push(result.used.calls);
            cell.stopReasons[result.stopReason] = (cell.stopReasons[result.stopReason] ?? 0) + 1;
          }
        }
      } finally {
        await server.close();
      }
    }
  }
  const cpu = process.cpuUsage(started);
  const table = cells.map((c) => ({
    task: c.task,
    method: c.method,
    budget: c.budget,
    heldOutMedian: median(c.heldOut),
    heldOutMin: Math.min(...c.heldOut),
    heldOutMax: Math.max(...c.heldOut),
    baselineMedian: median(c.baseline),
    callsMedian: median(c.calls),
    stopReasons: c.stopReasons,
    samples: c.heldOut,
  }));
  process.stdout.write(
    `${JSON.stringify({
      seeds,
      budgets,
      methods: METHODS.filter((x) => !wanted || wanted.includes(x.name)).map(({ name, label }) => ({ name, label })),
      tasks: BENCH_TASKS,
      wallMs: Date.now() - t0,
      cpuMs: Math.round((cpu.user + cpu.system) / 1000),
      table,
    })}\n`,
  );
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
