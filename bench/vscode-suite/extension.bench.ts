/**
 * Runs inside the extension host of a fresh workbench (bundled by the harness's suiteBundle, started by runOnce.ts):
 * measures activation, diagnostics latency on a 2,000-line prompt file, host memory around an APO job against the
 * simulator, and the results panel's first render; writes them to `bench-result.json` beside the bundle.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { WhetstoneApi } from '../../src/host/extension';
import {
  codeOf,
  EXTENSION_ID,
  fixtureUri,
  waitForDiagnostics,
  writeWorkspaceFile,
} from '../../test/vscode/suite/hostHelpers';
import { collectGarbage, heapUsedMb, rssMb, settledRssMb, sleep, startPeakTracker } from './hostMemory';
import { EDIT_MARKER, largePromptFile } from './largePrompt';
import type { FirstRender, HostBenchResult, JobMemory } from './result';

/** Where the bundle runs from (esbuild keeps `__dirname`): the Node side reads the result there. */
const resultFile = path.join(__dirname, 'bench-result.json');
const COUNTED_EDITS = 7;
const say = (line: string) => console.log(`[bench ext-host] ${line}`);

/** Panel first renders as the host logs them ("first render N ms after creation (…)"), observed by wrapping its logger. */
function watchFirstRenders(api: WhetstoneApi): { next(timeoutMs: number): Promise<FirstRender> } {
  const seen: FirstRender[] = [];
  const waiters: ((render: FirstRender) => void)[] = [];
  const log = api.context.log;
  const info = log.info.bind(log);
  const part = (message: string, name: string) => {
    const match = new RegExp(`${name} ([\\d.]+) ms`).exec(message);
    return match ? Number(match[1]) : undefined;
  };
  log.info = (message: string) => {
    const match = /first render (\d+) ms after creation/.exec(message);
    if (match) {
      const render = {
        totalMs: Number(match[1]),
        webviewReadyMs: part(message, 'webview ready'),
        snapshotMs: part(message, 'snapshot'),
        webviewRenderMs: part(message, 'webview render'),
      };
      const waiter = waiters.shift();
      if (waiter) waiter(render);
      else seen.push(render);
    }
    info(message);
  };
  return {
    next: (timeoutMs) => {
      const already = seen.shift();
      if (already !== undefined) return Promise.resolve(already);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`the results panel reported no first render within ${timeoutMs / 1000} s`)),
          timeoutMs,
        );
        waiters.push((render) => {
          clearTimeout(timer);
          resolve(render);
        });
      });
    },
  };
}

async function measureActivation(result: HostBenchResult): Promise<WhetstoneApi> {
  const ext = vscode.extensions.getExtension<WhetstoneApi>(EXTENSION_ID);
  if (!ext) throw new Error(`extension ${EXTENSION_ID} is not loaded`);
  if (ext.isActive)
    throw new Error('the extension was already active before the benchmark asked for it (no fresh activation to time)');
  const started = performance.now();
  const api = await ext.activate();
  result.activationMs = performance.now() - started;
  if (!api) throw new Error('activate() returned no API (activation failed; see the Whetstone log)');
  result.activateFunctionMs = api.activationMs;
  say(`activation ${result.activationMs.toFixed(1)} ms (activate() itself ${api.activationMs.toFixed(1)} ms)`);
  return api;
}

async function measureDiagnostics(api: WhetstoneApi, result: HostBenchResult): Promise<void> {
  const prompt = largePromptFile(2000);
  result.promptLines = prompt.lines;
  result.promptRows = prompt.rows;
  result.diagnosticsDelayMs = vscode.workspace.getConfiguration('whetstone').get<number>('diagnostics.delay');
  const uri = writeWorkspaceFile('bench/large.prompt.yml', prompt.text);
  const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
  let current = EDIT_MARKER;
  const editsMs: number[] = [];
  // Edit 0 warms up (first analysis of the file, code paths loading); edits 1..N are counted.
  for (let k = 0; k <= COUNTED_EDITS; k++) {
    const variable = `{{extra_${k}}}`;
    const range = new vscode.Range(
      prompt.markerLine,
      prompt.markerColumn,
      prompt.markerLine,
      prompt.markerColumn + current.length,
    );
    if (editor.document.getText(range) !== current)
      throw new Error(
        `expected "${current}" at line ${prompt.markerLine + 1}, found "${editor.document.getText(range)}"`,
      );
    const shown = waitForDiagnostics(
      uri,
      (d) => d.some((x) => codeOf(x) === 'missing-column' && x.message.includes(variable)),
      30_000,
    );
    const started = performance.now();
    if (!(await editor.edit((b) => b.replace(range, variable)))) throw new Error('the editor refused the edit');
    const diagnostics = await shown;
    const ms = performance.now() - started;
    current = variable;
    if (k > 0) editsMs.push(ms);
    say(`diagnostics edit ${k}${k ? '' : ' (warm-up)'}: ${ms.toFixed(0)} ms, ${diagnostics.length} diagnostics`);
    await sleep(300);
  }
  result.diagnosticsEditsMs = editsMs;
  // The analysis alone (parse + checks of the edited file, no debounce, no publishing), fresh each time.
  const analyzeMs: number[] = [];
  for (let i = 0; i < 3; i++) {
    api.context.analyzer.invalidateAll();
    const started = performance.now();
    await api.context.analyzer.analyze(editor.document);
    analyzeMs.push(performance.now() - started);
  }
  result.analyzeMs = analyzeMs;
  say(`analysis alone: ${analyzeMs.map((ms) => ms.toFixed(0)).join(', ')} ms`);
  await sleep(1000); // let the invalidation's re-check finish before closing
  await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
}

/** One APO job (quick preset) on the fixture prompt, with the host's memory settled before and after it. */
async function measuredJob(
  api: WhetstoneApi,
  seed: number,
  firstRenders: ReturnType<typeof watchFirstRenders>,
): Promise<JobMemory> {
  const uri = fixtureUri('reviews.prompt.yml');
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  const beforeMb = await settledRssMb(2000);
  const heapBeforeMb = heapUsedMb();
  const peak = startPeakTracker();
  const jobStarted = performance.now();
  const started = await vscode.commands.executeCommand<{ runId: string }>('whetstone.optimize', uri, {
    method: 'apo',
    preset: 'quick',
    seed,
  });
  if (!started?.runId) throw new Error('whetstone.optimize started no job (see the Whetstone log)');
  const job = await api.context.jobs.whenFinished(started.runId);
  const wallMs = performance.now() - jobStarted;
  const { peakMb, source } = peak.stop();
  if (job.status !== 'done') throw new Error(`the APO job ended ${job.status}: ${job.error ?? ''}`);
  // The panel opened beside the editor when the job started and rendered while the job ran.
  const panel = await firstRenders.next(15_000);
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  const afterMb = await settledRssMb(3000);
  // The job manager keeps each finished job's events (for late subscribers): their size, to compare with the heap growth.
  const retainedEventsKb = Buffer.byteLength(JSON.stringify(job.events)) / 1024;
  const memory = {
    beforeMb,
    peakMb,
    peakSource: source,
    afterMb,
    heapBeforeMb,
    heapAfterMb: heapUsedMb(),
    wallMs,
    calls: job.result?.used.calls,
    retainedEventsKb,
    panelFirstRender: panel,
  };
  say(
    `job (seed ${seed}) ${(wallMs / 1000).toFixed(1)} s, ${memory.calls ?? '?'} calls; host RSS before ${beforeMb.toFixed(1)} MB, ` +
      `peak ${peakMb.toFixed(1)} MB (${source}), after ${afterMb.toFixed(1)} MB; heap ${heapBeforeMb.toFixed(1)} → ${memory.heapAfterMb.toFixed(1)} MB; ` +
      `${job.events.length} events kept (${retainedEventsKb.toFixed(0)} KB as JSON)`,
  );
  return memory;
}

async function measureJobs(
  api: WhetstoneApi,
  result: HostBenchResult,
  firstRenders: ReturnType<typeof watchFirstRenders>,
): Promise<void> {
  result.hostPid = process.pid;
  // The first job on a fresh host pays one-time costs (lazy modules, JIT, caches); a second job with another seed
  // (so the response cache does not answer it) shows what each further job leaves behind.
  result.firstJob = await measuredJob(api, 0, firstRenders);
  result.secondJob = await measuredJob(api, 1, firstRenders);
  // Show Results on the finished runs, with the host idle: the panel's first render as a user reopening it sees it.
  await vscode.commands.executeCommand('whetstone.showResults', fixtureUri('reviews.prompt.yml'));
  result.panelFirstRender = await firstRenders.next(30_000);
  say(
    `results panel first render (Show Results, idle) ${JSON.stringify(result.panelFirstRender)}; during the first job ${JSON.stringify(result.firstJob.panelFirstRender)}`,
  );
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}

describe('Whetstone extension benchmark', () => {
  it('activation, diagnostics latency, host memory around a job, panel first render', async function () {
    this.timeout(240_000);
    const result: HostBenchResult = {};
    try {
      const api = await measureActivation(result);
      const firstRenders = watchFirstRenders(api);
      collectGarbage(); // sets the V8 flag now, not in the middle of a measurement
      await measureDiagnostics(api, result);
      await measureJobs(api, result, firstRenders);
      result.finalRssMb = rssMb();
    } catch (error) {
      result.error = error instanceof Error ? (error.stack ?? error.message) : String(error);
      throw error;
    } finally {
      fs.writeFileSync(resultFile, `${JSON.stringify(result, null, 2)}\n`);
    }
  });
});
