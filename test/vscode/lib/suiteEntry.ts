/**
 * Runs inside the extension host: the bundled suite's `run()` calls this with a loader per test file. VS Code reports
 * the promise's outcome to the workbench (`codeAutomationExit`); per-test outcomes go to the JSON results file.
 */
import type Mocha from 'mocha';
import { runTestFiles, type TestFileLoader } from './mochaRun';

export async function runInExtensionHost(files: TestFileLoader[], output: string, timeoutMs: number): Promise<void> {
  // mocha stays external to the bundle and resolves from the repo's node_modules (mocha 10: CommonJS).
  const MochaClass = require('mocha') as typeof Mocha;
  const failures = await runTestFiles(MochaClass, files, { output, timeoutMs });
  if (failures) throw new Error(`extension-host tests: ${failures} did not pass`);
}
