/**
 * The UI phase's child process (started by runner.ts through tsx): runs test/vscode/ui test files under mocha in plain
 * Node, printing a line per test and writing outcomes to a JSON file.
 * argv: <results.json> <timeoutMs> <file>...
 */
import type Mocha from 'mocha';
import { recordFailure } from './fixture';
import { runTestFiles } from './mochaRun';
import { installExitHandlers } from './processGroups';

async function main(): Promise<void> {
  const [output, timeout, ...files] = process.argv.slice(2);
  installExitHandlers();
  // mocha 10 is CommonJS, and the .ts test files load through tsx's require hook (this process runs with tsx/cjs).
  const MochaClass = require('mocha') as typeof Mocha;
  const loaders = files.map((file) => ({ file, load: () => void require(file) }));
  const failures = await runTestFiles(MochaClass, loaders, {
    output,
    timeoutMs: Number(timeout),
    print: true,
    prefix: '[ui]',
    onTestFailed: recordFailure,
  });
  process.exit(failures ? 1 : 0);
}

main().catch((error) => {
  console.error('UI runner error:', error);
  process.exit(2);
});
