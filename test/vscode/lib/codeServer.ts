/** code-server (VS Code 1.100.3) on 127.0.0.1 at a free port, in its own process group, logging to the run's logs dir. */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { spawnGroup, stopGroup } from './processGroups';
import { codeServerBin } from './paths';
import type { RunDirs } from './runDirs';

export interface CodeServer {
  /** `127.0.0.1:PORT`: also the remote authority of `vscode-remote://` URIs. */
  authority: string;
  pid: number;
  logFile: string;
  /** The workbench URL for a folder, with extension development/test paths passed in `?payload=`. */
  workbenchUrl(folder: string, payload: { extensionDevelopmentPath?: string; extensionTestsPath?: string }): string;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/** code-server's environment for a run: its XDG dirs and TMPDIR inside the run dir, so nothing lands in ~/.config. */
function runEnv(dirs: RunDirs, extraEnv: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    XDG_CONFIG_HOME: dirs.xdgConfigHome,
    XDG_DATA_HOME: dirs.xdgDataHome,
    XDG_CACHE_HOME: dirs.xdgCacheHome,
    TMPDIR: dirs.tmpDir,
    ...extraEnv,
  };
}

/** Installs a VSIX into the run's own extensions dir (as a user would), returning the installed folder's name. */
export function installVsix(dirs: RunDirs, vsix: string): string {
  if (!fs.existsSync(vsix)) throw new Error(`${vsix} is missing: run \`npm run package -- --target linux-x64\``);
  const args = [
    '--install-extension',
    vsix,
    '--extensions-dir',
    dirs.extensionsDir,
    '--user-data-dir',
    dirs.userDataDir,
  ];
  const result = spawnSync(codeServerBin, args, { encoding: 'utf8', env: runEnv(dirs), timeout: 120_000 });
  const output = `${result.stdout}${result.stderr}`.trim();
  if (result.status !== 0)
    throw new Error(`code-server --install-extension ${vsix} failed (${result.status}): ${output}`);
  const installed = fs
    .readdirSync(dirs.extensionsDir)
    .filter((name) => fs.statSync(path.join(dirs.extensionsDir, name)).isDirectory());
  if (installed.length !== 1)
    throw new Error(
      `expected one installed extension in ${dirs.extensionsDir}, found: ${installed.join(', ')}; ${output}`,
    );
  return installed[0];
}

export async function startCodeServer(
  dirs: RunDirs,
  extraEnv: Record<string, string> = {},
  extraArgs: string[] = [],
  /** Keep VS Code's workspace trust on (the Restricted Mode suite); every other session disables it. */
  workspaceTrust = false,
): Promise<CodeServer> {
  if (!fs.existsSync(codeServerBin))
    throw new Error(`code-server is not installed at ${codeServerBin} (run node test/vscode/run.mjs once)`);
  const port = await freePort();
  const authority = `127.0.0.1:${port}`;
  const configFile = path.join(dirs.root, 'code-server.yaml');
  fs.writeFileSync(configFile, `bind-addr: ${authority}\nauth: none\ncert: false\n`);
  const logFile = path.join(dirs.logsDir, 'code-server.log');
  const log = fs.openSync(logFile, 'a');
  const child = spawnGroup(
    codeServerBin,
    [
      '--config',
      configFile,
      '--auth',
      'none',
      '--bind-addr',
      authority,
      '--disable-telemetry',
      '--disable-update-check',
      ...(workspaceTrust ? [] : ['--disable-workspace-trust']),
      '--disable-getting-started-override',
      '--user-data-dir',
      dirs.userDataDir,
      '--extensions-dir',
      dirs.extensionsDir,
      '--ignore-last-opened',
      ...extraArgs,
    ],
    {
      stdio: ['ignore', log, log],
      // code-server writes a default config and state under XDG dirs on any start: keep them out of ~/.config
      env: runEnv(dirs, extraEnv),
    },
  );
  fs.closeSync(log);
  const pid = child.pid as number;
  await waitForListening(logFile, child, 30_000);
  return {
    authority,
    pid,
    logFile,
    workbenchUrl(folder, payload) {
      const entries: [string, string][] = [];
      // code-server rejects --extensionDevelopmentPath on its command line; the workbench reads it from ?payload=
      if (payload.extensionDevelopmentPath)
        entries.push(['extensionDevelopmentPath', `vscode-remote://${authority}${payload.extensionDevelopmentPath}`]);
      if (payload.extensionTestsPath)
        entries.push(['extensionTestsPath', `vscode-remote://${authority}${payload.extensionTestsPath}`]);
      const query = `folder=${encodeURIComponent(folder)}${entries.length ? `&payload=${encodeURIComponent(JSON.stringify(entries))}` : ''}`;
      return `http://${authority}/?${query}`;
    },
    stop: () => stopGroup(pid),
  };
}

async function waitForListening(
  logFile: string,
  child: import('node:child_process').ChildProcess,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited: number | null = null;
  child.once('exit', (code) => {
    exited = code ?? -1;
  });
  while (Date.now() < deadline) {
    const text = fs.readFileSync(logFile, 'utf8');
    if (/HTTP server listening/.test(text)) return;
    if (exited !== null)
      throw new Error(`code-server exited with ${exited} before listening; log ${logFile}:\n${tail(text)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(
    `code-server did not listen within ${timeoutMs / 1000} s; log ${logFile}:\n${tail(fs.readFileSync(logFile, 'utf8'))}`,
  );
}

function tail(text: string): string {
  return text.trim().split('\n').slice(-15).join('\n');
}
