/**
 * Runs one `whetstone` command as a child process of the MCP server: the same engine, files, cache and trust rules as
 * a terminal user gets, and a job that crashes or is killed never takes the server down.
 */
import { spawn, type ChildProcess } from 'node:child_process';

export interface CliChild {
  readonly process: ChildProcess;
  /** Resolves when the child exits, with everything it printed. */
  readonly done: Promise<CliOutcome>;
  /** SIGINT: the CLI cancels its job, writes the run log's end and prints its result. */
  interrupt(): void;
}

export interface CliOutcome {
  code: number;
  stdout: string;
  stderr: string;
}

export interface CliProcessOptions {
  cwd: string;
  /** Called with each complete stderr line (progress, warnings, the one-line reason of a failure). */
  onLine?: (line: string) => void;
}

/** The CLI itself: this bundle (dist/cli.js) run by the same Node. */
export function spawnCli(args: string[], options: CliProcessOptions): CliChild {
  const child = spawn(process.execPath, [cliEntry(), ...args], {
    cwd: options.cwd,
    env: process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let partial = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => {
    stderr += d;
    const lines = (partial + d).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) options.onLine?.(line.replace(/\r?\x1b\[2K/g, '').trimEnd());
  });
  const done = new Promise<CliOutcome>((resolve) => {
    child.on('error', (error) => resolve({ code: -1, stdout, stderr: `${stderr}${error.message}\n` }));
    child.on('close', (code, signal) => {
      if (partial) options.onLine?.(partial);
      resolve({ code: code ?? (signal ? 130 : -1), stdout, stderr });
    });
  });
  return { process: child, done, interrupt: () => void child.kill('SIGINT') };
}

function cliEntry(): string {
  // In the bundle this is dist/cli.js; the MCP server is one of its commands.
  return require.main?.filename ?? process.argv[1];
}

/** The last line a failed CLI run printed on stderr: its one-line reason per the CLI contract. */
export function failureReason(outcome: CliOutcome): string {
  const lines = outcome.stderr.trim().split('\n');
  const reason = [...lines].reverse().find((l) => l.startsWith('whetstone: ')) ?? lines[lines.length - 1] ?? '';
  return reason.replace(/^whetstone: /, '') || `exited with code ${outcome.code}`;
}
