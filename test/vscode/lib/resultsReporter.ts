/**
 * A mocha reporter for both harness phases (inside the extension host and in the Node UI runner): records each
 * test's outcome to a JSON file (rewritten after every test, so a crash keeps what finished) and optionally prints
 * one line per test. It never prints mocha's "N passing" summary: the harness prints one total line itself.
 */
import * as fs from 'node:fs';
import { findSourceMap } from 'node:module';
import { inspect } from 'node:util';

const inspectOptions = { depth: 4, breakLength: Infinity, maxStringLength: 400 };
import type Mocha from 'mocha';

export interface TestOutcome {
  file: string;
  /** Full title: the describe() titles and the test title joined by ' › '. */
  title: string;
  state: 'passed' | 'failed' | 'pending';
  durationMs: number;
  error?: string;
}

export interface ResultsFile {
  /** False while running; true once mocha's run ended. */
  finished: boolean;
  tests: TestOutcome[];
}

export interface ResultsReporterOptions {
  output: string;
  /** Print a line per test to stdout (the UI runner); the extension host leaves printing to the harness. */
  print?: boolean;
  /** Prefix of printed lines, e.g. '[ui]'. */
  prefix?: string;
  /** Outcomes recorded before mocha ran (e.g. a test file that failed to load). */
  preset?: TestOutcome[];
}

/** Marks the extension host's per-test lines among everything else its console forwards. */
export const EXT_HOST_PREFIX = '[ext-host]';

export function formatOutcome(outcome: TestOutcome, prefix = ''): string {
  const mark = outcome.state === 'passed' ? '✓' : outcome.state === 'failed' ? '✗' : '-';
  const where = outcome.file ? `${outcome.file.replace(/^.*\/test\/vscode\//, '')} › ` : '';
  const head = `  ${mark} ${prefix ? `${prefix} ` : ''}${where}${outcome.title}${outcome.state === 'pending' ? ' (skipped)' : ` (${outcome.durationMs} ms)`}`;
  return outcome.error
    ? `${head}\n${outcome.error
        .split('\n')
        .map((l) => `      ${l}`)
        .join('\n')}`
    : head;
}

export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const details = error as Error & { actual?: unknown; expected?: unknown; showDiff?: boolean };
  // Playwright messages carry ANSI colours and a long call log: plain text, repeated lines dropped, at most 12 lines.
  const messageLines = error.message
    .replace(/\u001b\[[0-9;]*m/g, '')
    .split('\n')
    .map((l) => l.trimEnd())
    .filter((l) => l.trim());
  const distinct = messageLines.filter(
    (line, i) =>
      !messageLines.slice(0, i).some((seen) => seen.replace(/^\s*(\d+ × )?/, '') === line.replace(/^\s*(\d+ × )?/, '')),
  );
  const lines = [`${error.name}: ${distinct.slice(0, 12).join('\n')}${distinct.length > 12 ? '\n…' : ''}`];
  if (details.showDiff !== false && 'expected' in details && 'actual' in details && !error.message.includes('\n')) {
    lines.push(
      `expected: ${inspect(details.expected, inspectOptions)}`,
      `actual:   ${inspect(details.actual, inspectOptions)}`,
    );
  }
  const frames = (error.stack ?? '')
    .split('\n')
    .filter((l) => /^\s+at /.test(l) && !/node_modules|node:internal/.test(l));
  lines.push(...frames.slice(0, 3).map((l) => mapFrame(l.trim())));
  return lines.join('\n');
}

/**
 * The extension host replaces Error.prepareStackTrace, so Node does not apply the bundle's source map to stacks:
 * map `(bundle.js:L:C)` to the .ts source here (a no-op where no source map is registered).
 */
function mapFrame(frame: string): string {
  return frame.replace(/\(?([^\s()]+):(\d+):(\d+)\)?$/, (whole, file: string, line: string, column: string) => {
    if (!file.endsWith('.js')) return whole; // tsx already maps its .ts modules
    const entry = findSourceMap(file)?.findEntry(Number(line) - 1, Number(column) - 1) as
      { originalSource?: string; originalLine?: number; originalColumn?: number } | undefined;
    if (!entry?.originalSource) return whole;
    const source = entry.originalSource.replace(/^file:\/\//, '');
    return `(${source}:${(entry.originalLine ?? 0) + 1}:${(entry.originalColumn ?? 0) + 1})`;
  });
}

function titleOf(runnable: Mocha.Runnable): string {
  return runnable.titlePath().join(' › ');
}

export class ResultsReporter {
  private readonly results: ResultsFile = { finished: false, tests: [] };
  private readonly options: ResultsReporterOptions;

  constructor(runner: Mocha.Runner, mochaOptions: { reporterOptions?: ResultsReporterOptions }) {
    const options = mochaOptions.reporterOptions;
    if (!options?.output) throw new Error('ResultsReporter needs reporterOptions.output');
    this.options = options;
    for (const outcome of options.preset ?? []) this.record(outcome);
    runner.on('pass', (test: Mocha.Test) =>
      this.record({ file: test.file ?? '', title: titleOf(test), state: 'passed', durationMs: test.duration ?? 0 }),
    );
    runner.on('pending', (test: Mocha.Test) =>
      this.record({ file: test.file ?? '', title: titleOf(test), state: 'pending', durationMs: 0 }),
    );
    runner.on('fail', (runnable: Mocha.Runnable, error: unknown) =>
      this.record({
        file: runnable.file ?? '',
        title: titleOf(runnable), // a failing hook reads '"before all" hook …'
        state: 'failed',
        durationMs: runnable.duration ?? 0,
        error: describeError(error),
      }),
    );
    runner.once('end', () => {
      this.results.finished = true;
      this.write();
    });
    this.write();
  }

  private record(outcome: TestOutcome): void {
    this.results.tests.push(outcome);
    if (this.options.print) console.log(formatOutcome(outcome, this.options.prefix));
    this.write();
  }

  private write(): void {
    fs.writeFileSync(this.options.output, JSON.stringify(this.results, null, 1));
  }
}
