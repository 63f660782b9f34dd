/**
 * Runs inside the extension host: the bundled suite's `run()` calls this with a loader per test file. VS Code reports
 * the promise's outcome to the workbench (`codeAutomationExit`); per-test outcomes go to the JSON results file.
 */
import type Mocha from 'mocha';
import { runTestFiles, type TestFileLoader } from './mochaRun';
import { EXT_HOST_PREFIX } from './resultsReporter';

export async function runInExtensionHost(files: TestFileLoader[], output: string, timeoutMs: number): Promise<void> {
  // mocha stays external to the bundle and resolves from the repo's node_modules (mocha 10: CommonJS).
  const MochaClass = require('mocha') as typeof Mocha;
  // Each printed line reaches the harness live through the workbench's codeAutomationLog (see runner.ts).
  const failures = await runTestFiles(MochaClass, files, { output, timeoutMs, print: true, prefix: EXT_HOST_PREFIX });
  if (failures) throw new Error(`extension-host tests: ${failures} did not pass`);
}
