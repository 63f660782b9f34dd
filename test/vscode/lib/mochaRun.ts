/**
 * Runs test files under mocha 10 with the results reporter, loading each file through a caller-given loader: `require`
 * in the Node UI runner, a bundled module thunk inside the extension host. Both `describe/it` and `suite/test` work.
 */
import type Mocha from 'mocha';
import { describeError, ResultsReporter, type TestOutcome } from './resultsReporter';

export interface TestFileLoader {
  file: string;
  load(): void;
}

export interface MochaRunOptions {
  output: string;
  timeoutMs: number;
  print?: boolean;
  prefix?: string;
  /** Runs after each failed test, before its after-hooks (e.g. screenshots of the open workbenches). */
  onTestFailed?: (title: string) => Promise<void>;
}

/** Resolves with the number of failures (a file that fails to load counts as one failed test). */
export function runTestFiles(
  MochaClass: typeof Mocha,
  files: TestFileLoader[],
  options: MochaRunOptions,
): Promise<number> {
  const preset: TestOutcome[] = [];
  const mocha = new MochaClass({
    ui: 'bdd',
    color: false,
    timeout: options.timeoutMs,
    reporter: ResultsReporter as unknown as Mocha.ReporterConstructor,
    reporterOptions: { output: options.output, print: options.print, prefix: options.prefix, preset },
  });
  MochaClass.interfaces.tdd(mocha.suite);
  const onTestFailed = options.onTestFailed;
  if (onTestFailed) {
    mocha.suite.afterEach(async function () {
      const test = this.currentTest;
      if (test?.state === 'failed') await onTestFailed(test.titlePath().join(' '));
    });
  }
  for (const { file, load } of files) {
    mocha.suite.emit('pre-require', globalThis, file, mocha);
    try {
      load();
    } catch (error) {
      preset.push({
        file,
        title: '(loading the test file)',
        state: 'failed',
        durationMs: 0,
        error: describeError(error),
      });
    }
    mocha.suite.emit('require', undefined, file, mocha);
    mocha.suite.emit('post-require', globalThis, file, mocha);
  }
  return new Promise((resolve) => {
    mocha.run((failures) => resolve(failures + preset.length));
  });
}
