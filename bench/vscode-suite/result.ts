/** What one benchmark run measured inside the extension host (bench-result.json); missing fields were not reached. */

/** A results panel's first render as the host logs it: total from the panel's creation, and its parts. */
export interface FirstRender {
  totalMs: number;
  webviewReadyMs?: number;
  snapshotMs?: number;
  webviewRenderMs?: number;
}

/** The extension host around one APO job: RSS settled (idle + full GC) before and after, peak during. */
export interface JobMemory {
  beforeMb: number;
  peakMb: number;
  peakSource: 'VmHWM' | 'sampled';
  afterMb: number;
  /** V8 heap in use after a full GC, before and after the job. */
  heapBeforeMb: number;
  heapAfterMb: number;
  wallMs: number;
  calls?: number;
  /** JSON size of the events the job manager keeps for the finished job. */
  retainedEventsKb: number;
  /** The panel that opened when the job started, rendering while the job ran. */
  panelFirstRender: FirstRender;
}

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
  /** The prompt analysis alone (no debounce, no publishing) of the same file, fresh each time. */
  analyzeMs?: number[];
  hostPid?: number;
  /** The first APO job on the fresh host, then a second one (another seed, so not answered from the cache). */
  firstJob?: JobMemory;
  secondJob?: JobMemory;
  /** The panel opened by Show Results on the finished runs, host idle. */
  panelFirstRender?: FirstRender;
  finalRssMb?: number;
  error?: string;
}
