/**
 * `node test/vscode/run.mjs`: install the harness if needed, run the extension-host suite inside a real VS Code, run the
 * UI tests, kill everything started, print one line per test and a closing `N passed, N failed`.
 * A harness error (install, server, browser, missing results) counts as a failed test with a clear message.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ensureHarnessInstalled } from './install';
import {
  extensionDevelopmentPath,
  harnessStateDir,
  repoRoot,
  runsRootDir,
  suiteDir,
  restrictedDir,
  uiDir,
  vscodeTestDir,
} from './paths';
import { installExitHandlers, killGroupsListedIn } from './processGroups';
import { startMemorySampler } from './memory';
import { EXT_HOST_PREFIX, formatOutcome, type ResultsFile, type TestOutcome } from './resultsReporter';
import { bundleSuite, findTestFiles } from './suiteBundle';
import { ensureVsix } from './vsix';
import { TEST_LM_PROVIDER } from './companions';
import { describeLogs, openWorkbenchSession } from './workbench';

const started = Date.now();
const seconds = (since: number) => `${((Date.now() - since) / 1000).toFixed(1)} s`;
const note = (line: string) => process.stderr.write(`[vscode-harness ${seconds(started)}] ${line}\n`);
const suiteTimeoutMs = Number(process.env.WHETSTONE_E2E_SUITE_TIMEOUT_MS ?? 300_000);
/** Default per-test timeouts (a test may set its own with this.timeout()). */
const suiteTestTimeoutMs = Number(process.env.WHETSTONE_E2E_TEST_TIMEOUT_MS ?? 60_000);
const uiTestTimeoutMs = Number(process.env.WHETSTONE_E2E_TEST_TIMEOUT_MS ?? 120_000);

function harnessFailure(phase: string, message: string): TestOutcome {
  return { file: '', title: `harness: ${phase}`, state: 'failed', durationMs: 0, error: message };
}

function readResults(file: string): ResultsFile | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as ResultsFile;
  } catch {
    return undefined;
  }
}

function selected(files: string[]): string[] {
  const filter = process.env.WHETSTONE_E2E_FILTER;
  return filter ? files.filter((f) => f.includes(filter)) : files;
}

async function runExtensionHostSuite(
  dir = suiteDir,
  label = 'ext-host-suite',
  restricted = false,
): Promise<TestOutcome[]> {
  const files = selected(findTestFiles(dir));
  if (!files.length) {
    note(`no extension-host tests under ${path.relative(repoRoot, dir)}/`);
    return [];
  }
  const phaseStart = Date.now();
  const bundle = await bundleSuite(files, suiteTestTimeoutMs);
  note(`bundled ${files.length} extension-host test file(s) → ${path.relative(repoRoot, bundle.entry)}`);
  let exitCode: number | undefined;
  let printedLive = 0;
  const outcomeLine = new RegExp(`^  [✓✗-] ${EXT_HOST_PREFIX.replace(/[[\]]/g, '\\$&')} `);
  let reportExit: () => void = () => undefined;
  const exited = new Promise<void>((resolve) => {
    reportExit = resolve;
  });
  const sessionPromise = openWorkbenchSession({
    label,
    restricted,
    extensionTestsPath: bundle.entry,
    companions: [TEST_LM_PROVIDER],
    onAutomationExit: (code) => {
      exitCode = code;
      reportExit();
    },
    onAutomationLog: (line) => {
      fs.appendFileSync(path.join(path.dirname(bundle.entry), 'ext-host.log'), `${line}\n`);
      if (outcomeLine.test(line)) {
        console.log(line);
        printedLive += 1;
      }
    },
  });
  sessionPromise.catch(() => reportExit());
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    exited,
    new Promise((r) => {
      timer = setTimeout(r, suiteTimeoutMs);
    }),
  ]);
  clearTimeout(timer);
  const outcomes: TestOutcome[] = [];
  const fail = (message: string) => {
    const failure = harnessFailure(label, message);
    outcomes.push(failure);
    console.log(formatOutcome(failure));
  };
  let keep = false;
  try {
    const session = await sessionPromise;
    const results = readResults(bundle.resultsFile);
    outcomes.push(...(results?.tests ?? []));
    // Lines the console did not forward (it may drop some) are printed from the results file.
    for (const outcome of outcomes.slice(printedLive)) console.log(formatOutcome(outcome, EXT_HOST_PREFIX));
    const logs = `logs: ${describeLogs(session.dirs)}, ${path.join(path.dirname(bundle.entry), 'ext-host.log')}`;
    if (exitCode === undefined) {
      fail(`no result within ${suiteTimeoutMs / 1000} s; ${logs}`);
    } else if (!results?.finished) {
      fail(
        `the suite exited with code ${exitCode} without finishing its results ` +
          `(did the extension or a test file fail to load?); ${logs}`,
      );
    } else if (exitCode !== 0 && !outcomes.some((o) => o.state === 'failed')) {
      fail(`exit code ${exitCode} with no failed test; ${logs}`);
    }
    keep = outcomes.some((o) => o.state === 'failed');
    await session.close({ keep });
    if (keep) note(`kept run dir ${session.dirs.root}`);
  } catch (error) {
    fail(error instanceof Error ? error.message : String(error));
  }
  if (!keep && process.env.WHETSTONE_E2E_KEEP !== '1')
    fs.rmSync(path.dirname(bundle.entry), { recursive: true, force: true });
  note(`${label}: ${outcomes.length} result(s) in ${seconds(phaseStart)}`);
  return outcomes;
}

function runUiTests(): Promise<TestOutcome[]> {
  const files = selected(findTestFiles(uiDir));
  if (!files.length) {
    note(`no UI tests under ${path.relative(repoRoot, uiDir)}/`);
    return Promise.resolve([]);
  }
  const phaseStart = Date.now();
  const workDir = fs.mkdtempSync(path.join(harnessStateDir, 'ui-'));
  const output = path.join(workDir, 'results.json');
  const pgidFile = path.join(workDir, 'pgids');
  note(`running ${files.length} UI test file(s)`);
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      ['--require', 'tsx/cjs', path.join(__dirname, 'uiRunner.ts'), output, String(uiTestTimeoutMs), ...files],
      {
        cwd: repoRoot,
        stdio: ['ignore', 'inherit', 'inherit'],
        env: { ...process.env, WHETSTONE_E2E_PGID_FILE: pgidFile },
      },
    );
    const stopChild = () => {
      child.kill('SIGTERM');
      killGroupsListedIn(pgidFile);
    };
    process.once('exit', stopChild);
    child.on('close', (code, signal) => {
      process.removeListener('exit', stopChild);
      killGroupsListedIn(pgidFile); // anything the child could not stop itself
      const results = readResults(output);
      const outcomes = [...(results?.tests ?? [])];
      if (!results?.finished) {
        outcomes.push(
          harnessFailure('UI tests', `the UI runner ended (${signal ?? `exit ${code}`}) before mocha finished`),
        );
      } else if (code !== 0 && !outcomes.some((o) => o.state === 'failed')) {
        outcomes.push(harnessFailure('UI tests', `the UI runner exited with ${code} and no failed test`));
      }
      if (process.env.WHETSTONE_E2E_KEEP !== '1') fs.rmSync(workDir, { recursive: true, force: true });
      note(`UI tests: ${outcomes.length} result(s) in ${seconds(phaseStart)}`);
      resolve(outcomes);
    });
  });
}

/**
 * Type-checks test/vscode (harness, suite and UI tests; the repo's `typecheck` script leaves it out because it needs
 * the harness's playwright-core types) in a child process, concurrently with the suites.
 */
function startTypecheck(): Promise<TestOutcome> {
  const started = Date.now();
  const title = 'typecheck: tsc -p test/vscode';
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      [require.resolve('typescript/bin/tsc'), '-p', vscodeTestDir, '--pretty', 'false'],
      {
        cwd: repoRoot,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    child.stdout.on('data', (d) => {
      output += d;
    });
    child.stderr.on('data', (d) => {
      output += d;
    });
    process.once('exit', () => child.kill());
    child.on('close', (code) => {
      const durationMs = Date.now() - started;
      const errors = output.trim().split('\n').filter(Boolean);
      resolve(
        code === 0
          ? { file: '', title, state: 'passed', durationMs }
          : {
              file: '',
              title,
              state: 'failed',
              durationMs,
              error: `${errors.slice(0, 20).join('\n')}${errors.length > 20 ? `\n… ${errors.length - 20} more` : ''}`,
            },
      );
    });
  });
}

/** Kept run dirs and bundles (from failed or interrupted runs) are removed after a day. */
function removeStaleRunDirs(): void {
  const dayAgo = Date.now() - 24 * 3600 * 1000;
  for (const dir of [harnessStateDir, runsRootDir]) {
    if (!fs.existsSync(dir)) continue;
    for (const name of fs.readdirSync(dir)) {
      const full = path.join(dir, name);
      if (!/^(suite|ui|ext-host-suite|restricted-suite)-/.test(name)) continue;
      try {
        if (fs.statSync(full).mtimeMs < dayAgo) fs.rmSync(full, { recursive: true, force: true });
      } catch {
        // another run removed it
      }
    }
  }
}

/** Why the extension under test cannot load (no manifest, or its `main` not built), or undefined. */
function extensionProblem(): string | undefined {
  const manifestFile = path.join(extensionDevelopmentPath, 'package.json');
  let manifest: { main?: string };
  try {
    manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8')) as { main?: string };
  } catch (error) {
    return `cannot read the extension manifest ${manifestFile}: ${error instanceof Error ? error.message : String(error)}`;
  }
  const main = path.join(extensionDevelopmentPath, manifest.main ?? 'dist/extension.js');
  return fs.existsSync(main) ? undefined : `${main} is missing: run \`npm run build\` first`;
}

export async function main(): Promise<number> {
  installExitHandlers();
  fs.mkdirSync(harnessStateDir, { recursive: true });
  removeStaleRunDirs();
  const memory = startMemorySampler();
  const outcomes: TestOutcome[] = [];
  let ready = true;
  try {
    const installed = ensureHarnessInstalled(note);
    note(
      installed === 'cached'
        ? 'harness already installed (stamp matches the lockfile)'
        : `harness installed in ${(installed / 1000).toFixed(1)} s`,
    );
  } catch (error) {
    outcomes.push(harnessFailure('install', error instanceof Error ? error.message : String(error)));
    ready = false;
  }
  if (ready) {
    const problem = extensionProblem();
    if (problem) {
      outcomes.push(harnessFailure('extension', problem));
      ready = false;
    }
  }
  if (ready) {
    const typecheck = process.env.WHETSTONE_E2E_TYPECHECK === '0' ? undefined : startTypecheck();
    const only = process.env.WHETSTONE_E2E_ONLY; // 'suite' | 'restricted' | 'ui'
    if (!only || only === 'suite') outcomes.push(...(await runExtensionHostSuite()));
    if (!only || only === 'restricted')
      outcomes.push(...(await runExtensionHostSuite(restrictedDir, 'restricted-suite', true)));
    if (!only || only === 'ui') {
      // A packaging failure is reported here with its output; the other UI tests still run.
      if (selected(findTestFiles(uiDir)).some((f) => /vsix/.test(path.basename(f)))) {
        try {
          ensureVsix(note);
        } catch (error) {
          const failure = harnessFailure('VSIX', error instanceof Error ? error.message : String(error));
          console.log(formatOutcome(failure));
          outcomes.push(failure);
        }
      }
      outcomes.push(...(await runUiTests()));
    }
    if (typecheck) {
      const outcome = await typecheck;
      console.log(formatOutcome(outcome));
      outcomes.push(outcome);
    }
  } else {
    for (const outcome of outcomes) console.log(formatOutcome(outcome));
  }
  const peakMb = memory.stop();
  const passed = outcomes.filter((o) => o.state === 'passed').length;
  const failed = outcomes.filter((o) => o.state === 'failed').length;
  const skipped = outcomes.length - passed - failed;
  note(
    `done in ${seconds(started)}; peak memory (PSS) of harness processes ≈ ${peakMb} MB${skipped ? `; ${skipped} skipped` : ''}`,
  );
  if (!outcomes.length) {
    console.log(formatOutcome(harnessFailure('discovery', 'no tests found under test/vscode/suite or test/vscode/ui')));
    console.log('0 passed, 1 failed');
    return 1;
  }
  console.log(`${passed} passed, ${failed} failed`);
  return failed ? 1 : 0;
}
