/**
 * `node bench/extension.mjs --runs N`: N fresh workbenches, one benchmark run each (runOnce.ts); prints progress to
 * stderr and one JSON object to stdout with the median of each figure and every run's numbers under `samples`.
 */
import { ensureHarnessInstalled } from '../../test/vscode/lib/install';
import { installExitHandlers } from '../../test/vscode/lib/processGroups';
import type { HostBenchResult } from './result';
import { runOnce } from './runOnce';

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const round = (x: number, digits = 1) => Math.round(x * 10 ** digits) / 10 ** digits;

function parseRuns(argv: string[]): number {
  const at = argv.indexOf('--runs');
  const value = at >= 0 ? argv[at + 1] : argv.find((a) => a.startsWith('--runs='))?.slice(7);
  const runs = value === undefined ? 3 : Number(value);
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs takes a positive integer, got ${JSON.stringify(value)}`);
  return runs;
}

export async function main(argv: string[]): Promise<number> {
  const log = (line: string) => process.stderr.write(`[bench extension] ${line}\n`);
  // stdout carries the JSON only: anything the harness prints goes to stderr.
  console.log = console.error;
  installExitHandlers();
  const runs = parseRuns(argv);
  const installed = ensureHarnessInstalled(log);
  if (installed !== 'cached') log(`harness installed in ${(installed / 1000).toFixed(1)} s`);
  const samples: HostBenchResult[] = [];
  for (let i = 0; i < runs; i++) {
    log(`run ${i + 1}/${runs}: fresh workbench`);
    const started = Date.now();
    samples.push(await runOnce({ timeoutMs: 300_000, log: (line) => log(`  ${line}`) }));
    log(`run ${i + 1}/${runs} done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
  const of = (pick: (r: HostBenchResult) => number, digits = 1) => round(median(samples.map(pick)), digits);
  const perRunDiagnostics = samples.map((r) => median(r.diagnosticsEditsMs!));
  const summary = {
    activationMs: of((r) => r.activationMs!),
    activateFunctionMs: of((r) => r.activateFunctionMs!),
    diagnosticsMs: round(median(perRunDiagnostics)),
    diagnosticsDelayMs: samples[0].diagnosticsDelayMs,
    promptLines: samples[0].promptLines,
    promptRows: samples[0].promptRows,
    panelFirstRenderMs: of((r) => r.panelFirstRenderMs!),
    panelFirstRenderDuringJobMs: of((r) => r.panelFirstRenderDuringJobMs!),
    hostGrowthMb: of((r) => r.hostAfterMb! - r.hostBeforeMb!),
    hostPeakGrowthMb: of((r) => r.hostPeakMb! - r.hostBeforeMb!),
    hostBeforeMb: of((r) => r.hostBeforeMb!),
    jobCalls: samples[0].jobCalls,
    jobWallMs: of((r) => r.jobWallMs!, 0),
    runs,
    samples: samples.map((r) => ({ ...r, diagnosticsMs: round(median(r.diagnosticsEditsMs!)) })),
  };
  process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
  return 0;
}
