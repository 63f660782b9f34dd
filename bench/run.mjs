// `npm run bench`: every benchmark in one run, side by side; writes BENCHMARKS.md and bench/results.json.
// Each figure is the median of several runs; ratios come from runs made in this same invocation.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { machine, median } from './lib/stats.mjs';
import { measurePeer } from './peer.mjs';
import { measureCliMemory } from './memory.mjs';

const repo = fileURLToPath(new URL('..', import.meta.url));
const quick = process.argv.includes('--quick');
const repeats = quick ? 1 : 3;
const only = process.argv
  .find((a) => a.startsWith('--only='))
  ?.slice(7)
  .split(',');
const want = (name) => !only || only.includes(name);

execFileSync('npm', ['run', '-s', 'build', '--', '--production'], { cwd: repo, stdio: 'inherit' });
const tsx = path.join(repo, 'node_modules', 'tsx', 'dist', 'cli.mjs');
const runJson = (args) =>
  JSON.parse(
    execFileSync(process.execPath, args, {
      cwd: repo,
      maxBuffer: 64 << 20,
      stdio: ['ignore', 'pipe', 'inherit'],
    }).toString(),
  );

const previous = existsSync(path.join(repo, 'bench', 'results.json'))
  ? JSON.parse(readFileSync(path.join(repo, 'bench', 'results.json'), 'utf8'))
  : {};
const results = { ...previous, date: new Date().toISOString(), machine: machine(), versions: versions() };

results.bundles = bundleSizes();
if (want('engine')) {
  console.error('· engine');
  results.engine = runJson([tsx, 'bench/engine.ts', '--repeats', String(repeats)]);
}
if (want('memory')) {
  console.error('· memory');
  const runs = [];
  for (let i = 0; i < repeats; i++) runs.push(await measureCliMemory());
  results.memory = {
    ...runs[0],
    peakRssMb: median(runs.map((r) => r.peakRssMb)),
    wallMs: median(runs.map((r) => r.wallMs)),
    samples: runs.map((r) => r.peakRssMb),
  };
}
if (want('peer')) {
  console.error('· peer (promptfoo)');
  results.peer = await measurePeer({ repeats });
}
if (want('local')) {
  console.error('· local model');
  results.local = runJson(['bench/local.mjs', '--runs', quick ? '3' : '5']);
}
if (want('methods')) {
  console.error('· methods (all six methods vs a greedy floor on three simulated tasks)');
  results.methods = runJson([tsx, 'bench/methods.ts', '--seeds', quick ? '2' : '5']);
}
if (want('sandbox')) {
  console.error('· sandbox (code-evaluator isolate, linear-time matching)');
  results.sandbox = runJson([tsx, 'bench/sandbox.ts']);
}
if (want('scale')) {
  console.error('· scale (eval rows, calls/s, analysis, cache size, APO calls)');
  results.scale = runJson(['bench/scale.mjs']);
}
if (want('batch')) {
  console.error('· batch (eval --batch on 10k rows vs direct calls)');
  results.batch = runJson(['bench/batch.mjs']);
}
if (want('extension') && existsSync(path.join(repo, 'bench', 'extension.mjs'))) {
  console.error('· extension (code-server + Chromium)');
  results.extension = runJson(['bench/extension.mjs', '--runs', String(repeats)]);
}

writeFileSync(path.join(repo, 'bench', 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
writeFileSync(path.join(repo, 'BENCHMARKS.md'), report(results));
console.error('wrote BENCHMARKS.md and bench/results.json');

function methodsReport(m) {
  if (!m) return [];
  const f = (x) => (Number.isFinite(x) ? x.toFixed(2) : '—');
  const out = [
    '## Methods at a budget (held-out score vs calls spent)',
    '',
    `Each method on three simulated tasks (src/sim/bench-tasks.ts: missing rule, format drift, noisy labels), ${m.seeds} seeds, budgets ${m.budgets.join(' / ')} calls, zero-latency sim server; ${m.wallMs} ms wall, ${m.cpuMs} ms CPU for the whole table.`,
    'Cell: median held-out score (min–max over seeds) · median calls spent. APO/SPO/OPRO/CAPO/GEPA and the floor: share of held-out rows passing (true labels); PMPO: −loss (summed log-prob of the expected answers), its own scale. Baseline = the original prompt on the same held-out sample.',
    '',
  ];
  for (const task of m.tasks) {
    out.push(
      `### ${task}`,
      '',
      `| method | baseline | ${m.budgets.map((b) => `${b} calls`).join(' | ')} |`,
      `|---|---|${m.budgets.map(() => '---').join('|')}|`,
    );
    for (const meth of m.methods) {
      const cells = m.budgets.map((b) =>
        m.table.find((c) => c.task === task && c.method === meth.name && c.budget === b),
      );
      const base = cells.find(Boolean)?.baselineMedian;
      out.push(
        `| ${meth.label} | ${f(base)} | ${cells.map((c) => (c ? `${f(c.heldOutMedian)} (${f(c.heldOutMin)}–${f(c.heldOutMax)}) · ${c.callsMedian}` : '—')).join(' | ')} |`,
      );
    }
    out.push('');
  }
  return out;
}

function versions() {
  const pkg = (p) => {
    try {
      return JSON.parse(readFileSync(path.join(repo, p, 'package.json'), 'utf8')).version;
    } catch {
      return null;
    }
  };
  return {
    whetstone: pkg('.'),
    node: process.version,
    openai: pkg('node_modules/openai'),
    'node-llama-cpp': pkg('node_modules/node-llama-cpp'),
    promptfoo: pkg('bench/peer/node_modules/promptfoo'),
    'code-server': pkg('test/vscode/harness/node_modules/code-server'),
  };
}

function bundleSizes() {
  const size = (f) => (existsSync(path.join(repo, f)) ? statSync(path.join(repo, f)).size : null);
  return {
    'dist/extension.js': size('dist/extension.js'),
    'dist/cli.js': size('dist/cli.js'),
    'dist/webview/main.js': size('dist/webview/main.js'),
    'dist/llama-worker.mjs': size('dist/llama-worker.mjs'),
  };
}

/** The issue-12 scale rows: each with the ratio that shows whether cost per unit stays flat. */
function scaleRows(s, row) {
  const ratio = (x) => (x == null ? '—' : `${x.toFixed(2)}×`);
  if (s.eval) {
    const cells = s.eval.map((e) =>
      e.finished
        ? `${e.rows / 1000}k rows ${e.msPerRow.toFixed(2)} ms/row, ${e.peakRssMb.toFixed(0)} MB`
        : `${e.rows / 1000}k rows unfinished after ${(e.wallMs / 1000).toFixed(0)} s (${e.requests} requests), ${e.peakRssMb.toFixed(0)} MB`,
    );
    row(
      'Eval wall per row and peak RSS (CLI, c=16, zero-latency server)',
      `${cells.join('; ')}; per-row ratio 10k/1k ${ratio(s.evalRatios['10k/1k'])}, 100k/10k ${ratio(s.evalRatios['100k/10k'])}`,
      'ratio ≤ 1.2',
      s.evalRatios['100k/10k'] != null && s.evalRatios['100k/10k'] <= 1.2,
    );
  }
  if (s.throughput)
    row(
      'LLM client calls/s (zero-latency server in its own process)',
      s.throughput
        .map((t) => `c=${t.concurrency} ${t.callsPerSecond.toFixed(0)}/s (${t.cpuMsPer1000.toFixed(0)} ms CPU per 1k)`)
        .join(', '),
      '—',
    );
  if (s.analysis)
    row(
      'Analysis as a fresh string (loadPrompt)',
      `${s.analysis.small.lines} lines ${s.analysis.small.ms.toFixed(0)} ms, ${s.analysis.large.lines} lines ${s.analysis.large.ms.toFixed(0)} ms; per-line ratio ${ratio(s.analysis.ratio)}`,
      'ratio ≤ 1.5',
      s.analysis.ratio <= 1.5,
    );
  if (s.cache)
    row(
      'Response cache on disk per 1k entries',
      `${s.cache.small.perThousandKb.toFixed(0)} KB at 1k, ${s.cache.large.perThousandKb.toFixed(0)} KB at 10k (payload ${(s.cache.large.payloadBytes / 10 / 1024).toFixed(0)} KB per 1k); ratio ${ratio(s.cache.ratio)}`,
      '—',
    );
  if (s.apo)
    row(
      'APO quick calls by dataset size',
      `${s.apo.map((a) => `${a.rows / 1000}k rows ${a.calls} calls`).join(', ')}; ratio ${ratio(s.apoCallsRatio)}`,
      '—',
    );
}

/** `eval --batch` beside direct calls on the same rows: wall, peak RSS, batches sent, cost. */
function batchRow(b, row) {
  const side = (x) => `${(x.wallMs / 1000).toFixed(1)} s, ${x.peakRssMb.toFixed(0)} MB, $${x.costUsd?.toFixed(4)}`;
  row(
    `Eval --batch on ${b.rows / 1000}k rows (CLI, sim Batch API)`,
    `batch: ${side(b.batch)}, ${b.batch.batches} batch, ${b.batch.directCalls} direct calls; direct at c=16: ${side(b.direct)}`,
    'one batch, half the cost',
    b.batch.batches === 1 && Math.abs(b.batch.costUsd * 2 - b.direct.costUsd) < 1e-9,
  );
}

function report(r) {
  const kb = (b) => (b == null ? '—' : `${(b / 1024).toFixed(0)} KB`);
  const ms = (x, d = 0) => (x == null ? '—' : `${x.toFixed(d)} ms`);
  const goal = (ok) => (ok ? '✅' : '❌');
  const lines = [
    '# Benchmarks',
    '',
    `Generated by \`npm run bench\` on ${r.date.slice(0, 10)}. Machine: ${r.machine.cpus} × ${r.machine.cpuModel}, ${r.machine.memoryGiB} GiB, ${r.machine.platform}, Node ${r.machine.node}.`,
    `Versions: ${Object.entries(r.versions)
      .filter(([, v]) => v)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}.`,
    'Each figure is the median of the runs shown in `bench/results.json`; every ratio compares runs made in the same invocation.',
    'The LLM endpoint is the local simulated OpenAI-compatible server, in its own process, so only our side is measured.',
    '',
    '| what | measured | goal | |',
    '|---|---|---|---|',
  ];
  const row = (what, measured, goalText, ok) =>
    lines.push(`| ${what} | ${measured} | ${goalText} | ${ok === undefined ? '' : goal(ok)} |`);
  if (r.engine) {
    const e = r.engine;
    row(
      'Engine CPU per LLM call, our code (APO quick, zero-latency server)',
      `${e.overhead.oursPerCallMs.toFixed(3)} ms (total ${e.overhead.totalPerCallMs.toFixed(2)} ms, of which the bare openai client ${e.overhead.rawClientPerCallMs.toFixed(2)} ms)`,
      '≤ 1 ms',
      e.overhead.oursPerCallMs <= 1,
    );
    row(
      `APO wall time at concurrency ${e.concurrency.concurrency}, ${e.concurrency.latencyMs} ms latency, vs bound`,
      `${ms(e.concurrency.wallMs)} vs ${ms(e.concurrency.boundMs)} = ${e.concurrency.ratio.toFixed(2)}× (${e.concurrency.calls} calls; span ${ms(e.concurrency.spanMs)}, work/c ${ms(e.concurrency.workBoundMs)})`,
      '≤ 1.10×',
      e.concurrency.ratio <= 1.1,
    );
    row(
      'Finished job re-run (cache)',
      `${e.cache.rerunHttpCalls} HTTP calls (first run ${e.cache.firstHttpCalls}), ${ms(e.cache.rerunWallMs)} vs ${ms(e.cache.firstWallMs)}`,
      '0 calls',
      e.cache.rerunHttpCalls === 0,
    );
  }
  if (r.sandbox) {
    const s = r.sandbox;
    row(
      'Code evaluator per case: QuickJS/WASM isolate (fresh runtime) vs the old node:vm context',
      `${s.quickjsUs} µs vs ${s.nodeVmUs} µs (${s.cases} cases; WASM module load once ${ms(s.moduleLoadMs)})`,
      '—',
    );
    row(
      'Linear-time matching on model output',
      `regex evaluator on RE2 ${s.re2Us} µs/case through evaluate() (bare RE2 test ${s.re2BareUs} µs, V8 RegExp ${s.v8RegexUs} µs); \`^(a+)+$\` on 41 a's + '!' ${ms(s.redos41Ms, 1)}; contains-json on 60,000 \`{\` ${ms(s.containsJson60kMs, 1)} (was quadratic: minutes)`,
      'no hang',
      s.redos41Ms < 1000 && s.containsJson60kMs < 1000,
    );
  }
  if (r.peer) {
    const p = r.peer;
    row(
      `Eval throughput vs promptfoo ${r.versions.promptfoo ?? ''} (${p.cases} cases, ${p.latencyMs} ms latency, concurrency ${p.concurrency})`,
      `ours ${ms(p.ours.wallMs)} / ${p.ours.calls} calls, promptfoo ${ms(p.peer.wallMs)} / ${p.peer.calls} calls → ${p.throughputRatio.toFixed(2)}× its throughput (same pass count: ${p.ours.passed} vs ${p.peer.passed})`,
      '≥ 1.5×',
      p.throughputRatio >= 1.5,
    );
  }
  if (r.memory) {
    row(
      `CLI optimize peak RSS (APO defaults, ${r.memory.examples} examples, ${r.memory.calls} calls)`,
      `${r.memory.peakRssMb.toFixed(0)} MB`,
      '≤ 200 MB',
      r.memory.peakRssMb <= 200,
    );
  }
  if (r.extension) {
    const x = r.extension;
    row(
      'Extension activation (load dist/extension.js + activate())',
      `${ms(x.activationMs, 1)} (activate() itself ${ms(x.activateFunctionMs, 1)})`,
      '—',
    );
    row(
      `Diagnostics latency, ${x.promptLines}-line prompt file (edit → diagnostics)`,
      `${ms(x.diagnosticsMs, 0)} (of which debounce ${ms(x.diagnosticsDelayMs, 0)}, analysis ${ms(x.analyzeMs, 0)})`,
      '—',
    );
    row(
      'Results panel first render (creation → rendered)',
      `${ms(x.panelFirstRenderMs, 0)} (snapshot ${ms(x.panelSnapshotMs, 0)}, webview render ${ms(x.panelWebviewRenderMs, 0)}; the rest is VS Code creating the webview)`,
      '—',
    );
    if (x.hostGrowthMb !== undefined)
      row(
        `Extension host RSS growth left after a job (${x.jobCalls} calls)`,
        `first job ${x.hostGrowthMb.toFixed(1)} MB, second job ${x.hostGrowthSecondJobMb?.toFixed(1)} MB (peak during a job +${x.hostPeakGrowthMb.toFixed(1)} MB)`,
        'no growth left',
        (x.hostGrowthSecondJobMb ?? x.hostGrowthMb) <= 2,
      );
  }
  if (r.scale) scaleRows(r.scale, row);
  if (r.batch) batchRow(r.batch, row);
  row(
    'Bundles',
    Object.entries(r.bundles)
      .map(([f, b]) => `${f} ${kb(b)}`)
      .join(', '),
    '—',
  );
  if (r.local) {
    lines.push(
      '',
      '## Local model (node-llama-cpp, generated tiny GGUF)',
      '',
      '```json',
      JSON.stringify(r.local, null, 2),
      '```',
    );
  }
  lines.push(
    '',
    ...methodsReport(r.methods),
    '## Method',
    '',
    '- Engine overhead: process CPU time of an in-process APO job divided by its HTTP calls, minus the CPU the bare `openai` client (with p-limit) spends on the same number of calls.',
    '- Concurrency bound: max(work·L/c, span), where work = HTTP calls, L = server latency, c = concurrency, and span = the wall time of the same job with no concurrency limit (each call then waits only for the calls it depends on).',
    '- Peer: `whetstone eval` and `promptfoo eval` run as CLIs, same prompt (system + user), same cases, same equals evaluator, no cache, against a fresh server each.',
    '- Memory: peak RSS (getrusage) of `whetstone optimize --method apo` with default parameters.',
    '- Scale (bench/scale.mjs): `whetstone eval` as a CLI at concurrency 16 on 1k/10k/100k JSONL rows (peak RSS = VmHWM); calls/s through the LLM client with c workers (bench/throughput.ts); `loadPrompt` of a 2k/20k-line .prompt.yml handed over as a fresh string each time; the disk cache after 1k/10k entries (allocated blocks); APO quick on 1k/10k rows. A linearity ratio of 1.0 means cost per unit is flat.',
    '- Batch (bench/batch.mjs): `whetstone eval --batch` as a CLI on 10k JSONL rows against the sim server (in its own process) whose Batch API completes a batch on its second status check, polled every 50 ms, beside the same eval sent directly at concurrency 16; peak RSS = VmHWM.',
    ...(r.extension?.method ?? []).map((m) => `- Extension — ${m}`),
    '',
  );
  return lines.join('\n');
}
