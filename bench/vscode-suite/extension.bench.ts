/**
 * Runs inside the extension host of a fresh workbench (bundled by the harness's suiteBundle, started by runOnce.ts):
 * measures activation, diagnostics latency on a 2,000-line prompt file, host memory around an APO job against the
 * simulator, and the results panel's first render; writes them to `bench-result.json` beside the bundle.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { WhetstoneApi } from '../../src/host/extension';
import { codeOf, EXTENSION_ID, fixtureUri, waitForDiagnostics, writeWorkspaceFile } from '../../test/vscode/suite/hostHelpers';
import { collectGarbage, rssMb, settledRssMb, sleep, startPeakTracker } from './hostMemory';
import { EDIT_MARKER, largePromptFile } from './largePrompt';
import type { HostBenchResult } from './result';

/** Where the bundle runs from (esbuild keeps `__dirname`): the Node side reads the result there. */
const resultFile = path.join(__dirname, 'bench-result.json');
const COUNTED_EDITS = 5;
const say = (line: string) => console.log(`[bench ext-host] ${line}`);

/** Panel first renders as the host logs them ("first render N ms after creation"), observed by wrapping its logger. */
function watchFirstRenders(api: WhetstoneApi): { next(timeoutMs: number): Promise<number> } {
  const seen: number[] = [];
  const waiters: ((ms: number) => void)[] = [];
  const log = api.context.log;
  const info = log.info.bind(log);
  log.info = (message: string) => {
    const match = /first render (\d+) ms after creation/.exec(message);
    if (match) {
      const ms = Number(match[1]);
      const waiter = waiters.shift();
      if (waiter) waiter(ms); else seen.push(ms);
    }
    info(message);
  };
  return {
    next: (timeoutMs) => {
      const already = seen.shift();
      if (already !== undefined) return Promise.resolve(already);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`the results panel reported no first render within ${timeoutMs / 1000} s`)), timeoutMs);
        waiters.push((ms) => { clearTimeout(timer); resolve(ms); });
      });
    },
  };
}

async function measureActivation(result: HostBenchResult): Promise<WhetstoneApi> {
  const ext = vscode.extensions.getExtension<WhetstoneApi>(EXTENSION_ID);
  if (!ext) throw new Error(`extension ${EXTENSION_ID} is not loaded`);
  if (ext.isActive) throw new Error('the extension was already active before the benchmark asked for it (no fresh activation to time)');
  const started = performance.now();
  const api = await ext.activate();
  result.activationMs = performance.now() - started;
  if (!api) throw new Error('activate() returned no API (activation failed; see the Whetstone log)');
  result.activateFunctionMs = api.activationMs;
  say(`activation ${result.activationMs.toFixed(1)} ms (activate() itself ${api.activationMs.toFixed(1)} ms)`);
  return api;
}

async function measureDiagnostics(result: HostBenchResult): Promise<void> {
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
    const range = new vscode.Range(prompt.markerLine, prompt.markerColumn, prompt.markerLine, prompt.markerColumn + current.length);
    if (editor.document.getText(range) !== current) throw new Error(`expected "${current}" at line ${prompt.markerLine + 1}, found "${editor.document.getText(range)}"`);
    const shown = waitForDiagnostics(uri, (d) => d.some((x) => codeOf(x) === 'missing-column' && x.message.includes(variable)), 30_000);
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
  await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
}

async function measureJob(api: WhetstoneApi, result: HostBenchResult, firstRenders: ReturnType<typeof watchFirstRenders>): Promise<void> {
  const uri = fixtureUri('reviews.prompt.yml');
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  result.hostPid = process.pid;
  result.hostBeforeMb = await settledRssMb(2000);
  const peak = startPeakTracker();
  const jobStarted = performance.now();
  const started = await vscode.commands.executeCommand<{ runId: string }>('whetstone.optimize', uri, { method: 'apo', preset: 'quick' });
  if (!started?.runId) throw new Error('whetstone.optimize started no job (see the Whetstone log)');
  const job = await api.context.jobs.whenFinished(started.runId);
  result.jobWallMs = performance.now() - jobStarted;
  const { peakMb, source } = peak.stop();
  if (job.status !== 'done') throw new Error(`the APO job ended ${job.status}: ${job.error ?? ''}`);
  result.hostPeakMb = peakMb;
  result.peakSource = source;
  result.jobCalls = job.result?.used.calls;
  // The panel opened beside the editor when the job started and rendered while the job ran.
  result.panelFirstRenderDuringJobMs = await firstRenders.next(15_000);
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  result.hostAfterMb = await settledRssMb(3000);
  say(`job ${(result.jobWallMs / 1000).toFixed(1)} s, ${result.jobCalls ?? '?'} calls; host RSS before ${result.hostBeforeMb.toFixed(1)} MB, `
    + `peak ${peakMb.toFixed(1)} MB (${source}), after ${result.hostAfterMb.toFixed(1)} MB`);

  // Show Results on the finished run, with the host idle: the panel's first render as a user reopening it sees it.
  await vscode.commands.executeCommand('whetstone.showResults', uri);
  result.panelFirstRenderMs = await firstRenders.next(30_000);
  say(`results panel first render ${result.panelFirstRenderMs} ms (during the job: ${result.panelFirstRenderDuringJobMs} ms)`);
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
      await measureDiagnostics(result);
      await measureJob(api, result, firstRenders);
      result.finalRssMb = rssMb();
    } catch (error) {
      result.error = error instanceof Error ? error.stack ?? error.message : String(error);
      throw error;
    } finally {
      fs.writeFileSync(resultFile, `${JSON.stringify(result, null, 2)}\n`);
    }
  });
});
