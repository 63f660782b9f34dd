// Peak RSS of a CLI `optimize` run: APO with its paper defaults on 50 examples, against the simulated endpoint
// in its own process (so only the CLI's memory is measured).
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runNode } from './lib/stats.mjs';
import { startSimProcess } from './lib/sim-process.mjs';

const repo = fileURLToPath(new URL('..', import.meta.url));

export async function measureCliMemory({ examples = 50 } = {}) {
  const { REVIEWS } = await import('../src/sim/task-data.ts').catch(() => ({ REVIEWS: null }));
  const dir = mkdtempSync(path.join(os.tmpdir(), 'wsbench-mem-'));
  copyFileSync(path.join(repo, 'examples', 'reviews.prompt.yml'), path.join(dir, 'reviews.prompt.yml'));
  writeFileSync(
    path.join(dir, 'reviews.whetstone.yaml'),
    'split:\n  validation: 0.25\n  seed: 7\nprotected:\n  - "positive, negative or neutral"\n',
  );
  // 50 rows: the task's 24 reviews, cycled, each made distinct by an order number the simulated model ignores.
  const rows = Array.from({ length: examples }, (_, i) => {
    const review = REVIEWS[i % REVIEWS.length];
    return JSON.stringify({ review: `${review.text} (order ${i})`, expected: review.label });
  });
  writeFileSync(path.join(dir, 'rows.jsonl'), `${rows.join('\n')}\n`);
  const sim = await startSimProcess({ latency: 0 });
  const run = await runNode(
    [
      path.join(repo, 'dist', 'cli.js'),
      'optimize',
      'reviews.prompt.yml',
      '--method',
      'apo',
      '--dataset',
      'rows.jsonl',
      '--base-url',
      sim.url,
      '--model',
      'sim-model',
      '--no-cache',
      '--json',
    ],
    { cwd: dir },
  );
  const stats = await sim.stats();
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
  if (run.code !== 0) throw new Error(`optimize failed (exit ${run.code}): ${run.stderr.slice(-1000)}`);
  const out = JSON.parse(run.stdout);
  return {
    examples,
    peakRssMb: run.peakRssMb,
    wallMs: run.wallMs,
    cpuMs: run.cpuMs,
    calls: stats.requests,
    baseline: out.baseline.score,
    best: out.best.score,
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(JSON.stringify(await measureCliMemory(), null, 2));
}
