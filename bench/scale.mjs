// Scale benchmarks (issue 12): cost must stay linear from 1k to 100k rows and from 2k to 20k lines.
// - eval at 1k/10k/100k rows: `whetstone eval` as a CLI process against the zero-latency sim server in its own
//   process, concurrency 16: wall per row and peak RSS (VmHWM), with a deadline so a quadratic run still reports;
// - calls/s at c=16/64/256 through the LLM client (bench/throughput.ts);
// - analysis of 2k/20k lines as a fresh string and cache size on disk per 1k entries (bench/scale-inproc.ts);
// - APO quick calls at 1k/10k rows.
// Usage: node bench/scale.mjs [--only eval,throughput,inproc,apo] [--rows 1000,10000,100000]; prints JSON.
import { spawn, execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { samplePeakRss } from './lib/peak-rss-sampler.mjs';
import { startSimProcess } from './lib/sim-process.mjs';

const repo = fileURLToPath(new URL('..', import.meta.url));
const flag = (name, fallback) =>
  process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback;
const tsx = path.join(repo, 'node_modules', 'tsx', 'dist', 'cli.mjs');
const cli = flag('cli', path.join(repo, 'dist', 'cli.js'));
const only = flag('only', 'eval,throughput,inproc,apo').split(',');
const evalRows = flag('rows', '1000,10000,100000').split(',').map(Number);
// 15 minutes: 100,000 rows must finish even on a loaded shared machine (a quadratic run still reports).
const deadlineMs = Number(flag('deadline', '900000'));

const SYSTEM = 'Classify the sentiment of the review. Answer with one lowercase word: positive or negative.';
const WORDS = ['love', 'hate', 'great', 'broke', 'fine', 'awful', 'solid', 'nice'];

function writeEvalWorkspace(dir, n) {
  writeFileSync(
    path.join(dir, 'scale.prompt.yml'),
    [
      'name: Scale',
      'model: sim-model',
      'messages:',
      '  - role: system',
      `    content: ${JSON.stringify(SYSTEM)}`,
      '  - role: user',
      '    content: "{{review}}"',
      'evaluators:',
      '  - name: label',
      '    string:',
      '      equals: "{{expected}}"',
      '',
    ].join('\n'),
  );
  const lines = [];
  for (let i = 0; i < n; i++) {
    const review = `Review ${i}: I ${WORDS[i % WORDS.length]} this product.`;
    lines.push(JSON.stringify({ review, expected: /hate|broke|awful/.test(review) ? 'negative' : 'positive' }));
  }
  writeFileSync(path.join(dir, 'rows.jsonl'), `${lines.join('\n')}\n`);
}

/** Runs `node args` with a deadline; samples VmHWM (peak RSS) from /proc while it runs. */
function runWatched(args, { cwd, deadline }) {
  return new Promise((resolve) => {
    const started = performance.now();
    const child = spawn(process.execPath, args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => {
      stderr = (stderr + d).slice(-4000);
    });
    const peak = samplePeakRss(child.pid);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      peak.sample();
      child.kill('SIGKILL');
    }, deadline);
    child.on('close', (code) => {
      const peakRssMb = peak.stop();
      clearTimeout(timer);
      resolve({ code, timedOut, wallMs: performance.now() - started, peakRssMb, stderr });
    });
  });
}

async function measureEval(n, concurrency = 16) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'wsbench-scale-'));
  writeEvalWorkspace(dir, n);
  const sim = await startSimProcess({ task: 'classifier' });
  const run = await runWatched(
    [
      cli,
      'eval',
      'scale.prompt.yml',
      '--dataset',
      'rows.jsonl',
      '--base-url',
      sim.url,
      '--model',
      'sim-model',
      '--concurrency',
      String(concurrency),
      '--no-cache',
    ],
    { cwd: dir, deadline: deadlineMs },
  );
  const stats = await sim.stats();
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
  if (!run.timedOut && run.code !== 0 && run.code !== 1)
    throw new Error(`eval failed (exit ${run.code}): ${run.stderr}`);
  return {
    rows: n,
    concurrency,
    finished: !run.timedOut,
    requests: stats.requests,
    wallMs: run.wallMs,
    msPerRow: run.timedOut ? null : run.wallMs / n,
    peakRssMb: run.peakRssMb,
  };
}

async function measureApo(n) {
  const { REVIEWS } = await import('../src/sim/task-data.ts');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'wsbench-apo-'));
  copyFileSync(path.join(repo, 'examples', 'reviews.prompt.yml'), path.join(dir, 'reviews.prompt.yml'));
  writeFileSync(
    path.join(dir, 'reviews.whetstone.yaml'),
    'split:\n  validation: 0.25\n  seed: 7\nprotected:\n  - "positive, negative or neutral"\n',
  );
  const rows = Array.from({ length: n }, (_, i) => {
    const review = REVIEWS[i % REVIEWS.length];
    return JSON.stringify({ review: `${review.text} (order ${i})`, expected: review.label });
  });
  writeFileSync(path.join(dir, 'rows.jsonl'), `${rows.join('\n')}\n`);
  const sim = await startSimProcess({ latency: 0 });
  const run = await runWatched(
    [
      cli,
      'optimize',
      'reviews.prompt.yml',
      '--method',
      'apo',
      '--preset',
      'quick',
      '--dataset',
      'rows.jsonl',
      '--base-url',
      sim.url,
      '--model',
      'sim-model',
      '--concurrency',
      '16',
      '--no-cache',
      '--json',
    ],
    { cwd: dir, deadline: deadlineMs },
  );
  const stats = await sim.stats();
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
  return { rows: n, finished: !run.timedOut, calls: stats.requests, wallMs: run.wallMs, peakRssMb: run.peakRssMb };
}

const out = {};
if (only.includes('eval')) {
  out.eval = [];
  for (const n of evalRows) {
    console.error(`· eval ${n} rows`);
    out.eval.push(await measureEval(n));
    console.error(JSON.stringify(out.eval.at(-1)));
  }
  const per = Object.fromEntries(out.eval.map((e) => [e.rows, e.msPerRow]));
  out.evalRatios = {
    '10k/1k': per[10000] && per[1000] ? per[10000] / per[1000] : null,
    '100k/10k': per[100000] && per[10000] ? per[100000] / per[10000] : null,
  };
}
if (only.includes('throughput')) {
  console.error('· calls/s at c=16/64/256');
  const sim = await startSimProcess({ task: 'classifier' });
  out.throughput = JSON.parse(
    execFileSync(process.execPath, [tsx, 'bench/throughput.ts', '--url', sim.url, '--calls', flag('calls', '4000')], {
      cwd: repo,
    }).toString(),
  );
  await sim.close();
}
if (only.includes('inproc')) {
  console.error('· analysis 2k/20k lines, cache size');
  Object.assign(
    out,
    JSON.parse(execFileSync(process.execPath, [tsx, 'bench/scale-inproc.ts'], { cwd: repo }).toString()),
  );
}
if (only.includes('apo')) {
  out.apo = [];
  for (const n of [1000, 10000]) {
    console.error(`· APO quick ${n} rows`);
    out.apo.push(await measureApo(n));
    console.error(JSON.stringify(out.apo.at(-1)));
  }
  out.apoCallsRatio = out.apo[1].calls / out.apo[0].calls;
}
console.log(JSON.stringify(out, null, 2));
