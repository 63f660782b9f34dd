/**
 * `node bench/extension.mjs --runs N`: N fresh workbenches, one benchmark run each (runOnce.ts); prints progress to
 * stderr and one JSON object to stdout with the median of each figure and every run's numbers under `samples`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ensureHarnessInstalled } from '../../test/vscode/lib/install';
import { extensionDevelopmentPath } from '../../test/vscode/lib/paths';
import { installExitHandlers } from '../../test/vscode/lib/processGroups';
import type { HostBenchResult } from './result';
import { runOnce } from './runOnce';

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const round = (x: number, digits = 1) => Math.round(x * 10 ** digits) / 10 ** digits;

function roundDeep<T>(value: T): T {
  if (typeof value === 'number') return round(value) as T;
  if (Array.isArray(value)) return value.map(roundDeep) as T;
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, roundDeep(v)])) as T;
  return value;
}

function parseRuns(argv: string[]): number {
  const at = argv.indexOf('--runs');
  const value = at >= 0 ? argv[at + 1] : argv.find((a) => a.startsWith('--runs='))?.slice(7);
  const runs = value === undefined ? 3 : Number(value);
  if (!Number.isInteger(runs) || runs < 1)
    throw new Error(`--runs takes a positive integer, got ${JSON.stringify(value)}`);
  return runs;
}

export async function main(argv: string[]): Promise<number> {
  const log = (line: string) => process.stderr.write(`[bench extension] ${line}\n`);
  // stdout carries the JSON only: anything the harness prints goes to stderr.
  console.log = console.error;
  installExitHandlers();
  const runs = parseRuns(argv);
  const bundle = path.join(extensionDevelopmentPath, 'dist', 'extension.js');
  if (!fs.existsSync(bundle)) throw new Error(`${bundle} is missing: run \`npm run build\` first (npm run bench does)`);
  const installed = ensureHarnessInstalled(log);
  if (installed !== 'cached') log(`harness installed in ${(installed / 1000).toFixed(1)} s`);
  const samples: HostBenchResult[] = [];
  for (let i = 0; i < runs; i++) {
    log(`run ${i + 1}/${runs}: fresh workbench`);
    const started = Date.now();
    samples.push(await runOnce({ timeoutMs: 300_000, log: (line) => log(`  ${line}`) }));
    log(`run ${i + 1}/${runs} done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
  const of = (pick: (r: HostBenchResult) => number | undefined, digits = 1) => {
    const values = samples.map(pick).filter((v): v is number => typeof v === 'number');
    return values.length ? round(median(values), digits) : null;
  };
  const first = (r: HostBenchResult) => r.firstJob!;
  const second = (r: HostBenchResult) => r.secondJob!;
  const summary = {
    activationMs: of((r) => r.activationMs),
    activateFunctionMs: of((r) => r.activateFunctionMs),
    diagnosticsMs: of((r) => median(r.diagnosticsEditsMs!)),
    diagnosticsDelayMs: samples[0].diagnosticsDelayMs,
    analyzeMs: of((r) => median(r.analyzeMs!)),
    promptLines: samples[0].promptLines,
    promptRows: samples[0].promptRows,
    panelFirstRenderMs: of((r) => r.panelFirstRender?.totalMs),
    panelSnapshotMs: of((r) => r.panelFirstRender?.snapshotMs),
    panelWebviewRenderMs: of((r) => r.panelFirstRender?.webviewRenderMs),
    panelFirstRenderDuringJobMs: of((r) => first(r).panelFirstRender.totalMs),
    // The first job on a fresh host: what a user's first optimization costs and leaves behind.
    hostGrowthMb: of((r) => first(r).afterMb - first(r).beforeMb),
    hostPeakGrowthMb: of((r) => first(r).peakMb - first(r).beforeMb),
    hostBeforeMb: of((r) => first(r).beforeMb),
    // A second job on the same host: what each further job leaves behind (one-time costs already paid).
    hostGrowthSecondJobMb: of((r) => second(r).afterMb - second(r).beforeMb),
    hostPeakGrowthSecondJobMb: of((r) => second(r).peakMb - second(r).beforeMb),
    heapGrowthSecondJobMb: of((r) => second(r).heapAfterMb - second(r).heapBeforeMb),
    retainedEventsKbPerJob: of((r) => second(r).retainedEventsKb, 0),
    jobCalls: samples[0].firstJob?.calls,
    jobWallMs: of((r) => first(r).wallMs, 0),
    runs,
    method: [
      'Each run is a fresh code-server 4.100.3 workbench in Chromium (test/vscode harness); the figures are measured inside its extension host.',
      'Activation: `await getExtension(id).activate()` on a window where the extension is not yet active (loads dist/extension.js, runs activate()).',
      `Diagnostics: ${samples[0].promptLines}-line .prompt.yml (${samples[0].promptRows} testData rows); editor.edit introduces a variable no row has, until onDidChangeDiagnostics shows it; median of 7 edits after a warm-up, debounce (${samples[0].diagnosticsDelayMs} ms) included.`,
      'Panel: the first render the panel logs (creation → webview rendered the snapshot), Show Results on finished runs with the host idle.',
      'Memory: extension-host RSS after 2 s idle + full GC before an APO quick job against the simulator, peak during it (VmHWM reset via /proc/self/clear_refs), after it (editors closed, 3 s idle + full GC); then a second job (another seed) for per-job retention.',
    ],
    samples: samples.map((r) => roundDeep(r)),
  };
  process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
  return 0;
}
