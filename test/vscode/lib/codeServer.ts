/** code-server (VS Code 1.100.3) on 127.0.0.1 at a free port, in its own process group, logging to the run's logs dir. */
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

export async function startCodeServer(
  dirs: RunDirs,
  extraEnv: Record<string, string> = {},
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
    ],
    {
      stdio: ['ignore', log, log],
      env: {
        ...process.env,
        // code-server writes a default config and state under XDG dirs on any start: keep them out of ~/.config
        XDG_CONFIG_HOME: dirs.xdgConfigHome,
        XDG_DATA_HOME: dirs.xdgDataHome,
        XDG_CACHE_HOME: dirs.xdgCacheHome,
        TMPDIR: dirs.tmpDir,
        ...extraEnv,
      },
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
