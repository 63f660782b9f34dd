// Batch-mode benchmark (issue 12): `whetstone eval --batch` on 10k JSONL rows as a CLI process against the sim
// server's Batch API in its own process (batch completes on the second status check, polled every 50 ms), beside the
// same eval sent directly at concurrency 16: wall time, peak RSS (VmHWM) and how many batches were sent.
// Usage: node bench/batch.mjs [--rows=10000]; prints JSON.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { samplePeakRss } from './lib/peak-rss-sampler.mjs';
import { startSimProcess } from './lib/sim-process.mjs';

const repo = fileURLToPath(new URL('..', import.meta.url));
const cli = path.join(repo, 'dist', 'cli.js');
const rows = Number(process.argv.find((a) => a.startsWith('--rows='))?.slice(7) ?? 10_000);
const WORDS = ['love', 'hate', 'great', 'broke', 'fine', 'awful', 'solid', 'nice'];

function workspace(n) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'wsbench-batch-'));
  writeFileSync(
    path.join(dir, 'scale.prompt.yml'),
    'name: Scale\nmodel: gpt-4o-mini\nmessages:\n  - role: system\n    content: Classify the review as positive or negative.\n' +
      '  - role: user\n    content: "{{review}}"\nevaluators:\n  - name: label\n    string:\n      equals: "{{expected}}"\n',
  );
  const lines = [];
  for (let i = 0; i < n; i++) {
    const review = `Review ${i}: I ${WORDS[i % WORDS.length]} this product.`;
    lines.push(JSON.stringify({ review, expected: /hate|broke|awful/.test(review) ? 'negative' : 'positive' }));
  }
  writeFileSync(path.join(dir, 'rows.jsonl'), `${lines.join('\n')}\n`);
  return dir;
}

/** Runs the CLI; samples VmHWM (peak RSS) from /proc while it runs. */
function run(args, cwd, env) {
  return new Promise((resolve) => {
    const started = performance.now();
    const child = spawn(process.execPath, [cli, ...args], { cwd, env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr = (stderr + d).slice(-4000)));
    const peak = samplePeakRss(child.pid);
    child.on('close', (code) => {
      const peakRssMb = peak.stop();
      if (code !== 0 && code !== 1) throw new Error(`eval failed (exit ${code}): ${stderr}`);
      const out = JSON.parse(stdout);
      resolve({
        wallMs: performance.now() - started,
        peakRssMb,
        score: out.score,
        costUsd: out.costUsd,
      });
    });
  });
}

async function measure(batch) {
  const dir = workspace(rows);
  const sim = await startSimProcess({ task: 'classifier' });
  const args = ['eval', 'scale.prompt.yml', '--dataset', 'rows.jsonl', '--base-url', sim.url, '--json', '--no-cache'];
  const result = await run(batch ? [...args, '--batch'] : [...args, '--concurrency', '16'], dir, {
    WHETSTONE_BATCH_POLL_MS: '50',
  });
  const stats = await sim.stats();
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
  return { ...result, directCalls: stats.byPath['/v1/chat/completions'] ?? 0, batches: stats.batches?.batchesCreated };
}

const direct = await measure(false);
const batch = await measure(true);
process.stdout.write(`${JSON.stringify({ rows, direct, batch }, null, 2)}\n`);
