/** What one benchmark run measured inside the extension host (bench-result.json); missing fields were not reached. */
export interface HostBenchResult {
  /** `await extension.activate()` on a fresh window: loading dist/extension.js plus activate(). */
  activationMs?: number;
  /** activate()'s own body, as the extension measures and logs it. */
  activateFunctionMs?: number;
  promptLines?: number;
  promptRows?: number;
  /** The extension's diagnostics debounce (`whetstone.diagnostics.delay`), included in each edit's latency. */
  diagnosticsDelayMs?: number;
  /** Edit → onDidChangeDiagnostics with the new diagnostic, per counted edit. */
  diagnosticsEditsMs?: number[];
  hostPid?: number;
  hostBeforeMb?: number;
  hostPeakMb?: number;
  peakSource?: 'VmHWM' | 'sampled';
  hostAfterMb?: number;
  finalRssMb?: number;
  jobWallMs?: number;
  jobCalls?: number;
  /** The panel opened by Show Results on the finished run, host idle. */
  panelFirstRenderMs?: number;
  /** The panel that opened when the job started, rendering while the job ran. */
  panelFirstRenderDuringJobMs?: number;
  error?: string;
}
