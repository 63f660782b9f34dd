/**
 * One benchmark run in a fresh real workbench (Node side): bundles extension.bench.ts with the harness's suite
 * bundler, opens code-server + Chromium + simulator with it as the extension-host test entry, waits for it to finish
 * and reads the numbers it wrote.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { harnessStateDir } from '../../test/vscode/lib/paths';
import { bundleSuite } from '../../test/vscode/lib/suiteBundle';
import { describeLogs, openWorkbenchSession } from '../../test/vscode/lib/workbench';
import type { HostBenchResult } from './result';

const benchFile = path.join(__dirname, 'extension.bench.ts');

export interface RunOptions {
  /** Whole-run limit (workbench start + measurements). */
  timeoutMs: number;
  log(line: string): void;
}

export async function runOnce(options: RunOptions): Promise<HostBenchResult> {
  fs.mkdirSync(harnessStateDir, { recursive: true });
  const bundle = await bundleSuite([benchFile], options.timeoutMs);
  const resultFile = path.join(path.dirname(bundle.entry), 'bench-result.json');
  const hostLog = path.join(path.dirname(bundle.entry), 'ext-host.log');
  let exitCode: number | undefined;
  let reportExit: () => void = () => undefined;
  const exited = new Promise<void>((resolve) => {
    reportExit = resolve;
  });
  const sessionPromise = openWorkbenchSession({
    label: 'bench-extension',
    extensionTestsPath: bundle.entry,
    onAutomationExit: (code) => {
      exitCode = code;
      reportExit();
    },
    onAutomationLog: (line) => {
      fs.appendFileSync(hostLog, `${line}\n`);
      if (line.startsWith('[bench ext-host]')) options.log(line.slice('[bench ext-host] '.length));
    },
  });
  sessionPromise.catch(() => reportExit());
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    exited,
    new Promise((resolve) => {
      timer = setTimeout(resolve, options.timeoutMs);
    }),
  ]);
  clearTimeout(timer);
  const session = await sessionPromise; // rejects with the harness's message when the workbench did not open
  let result: HostBenchResult | undefined;
  try {
    result = JSON.parse(fs.readFileSync(resultFile, 'utf8')) as HostBenchResult;
  } catch {
    result = undefined;
  }
  const failed = !result || result.error !== undefined || exitCode !== 0;
  await session.close({ keep: failed });
  if (failed) {
    const why =
      result?.error ??
      (exitCode === undefined
        ? `no result within ${options.timeoutMs / 1000} s`
        : `the bench suite exited with ${exitCode} and wrote no result`);
    throw new Error(`${why}\n  kept: ${session.dirs.root}; logs: ${describeLogs(session.dirs)}, ${hostLog}`);
  }
  fs.rmSync(path.dirname(bundle.entry), { recursive: true, force: true });
  return result as HostBenchResult;
}
