/**
 * Installs code-server 4.100.3 + playwright-core into test/vscode/harness/node_modules from the harness lockfile.
 * Skipped when the stamp file holds the hash of the same lockfile, package.json and Node version.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { codeServerBin, harnessDir, harnessModules, harnessStateDir } from './paths';

const stampFile = path.join(harnessModules, '.whetstone-harness-stamp');
const codeServerVscode = path.join(harnessModules, 'code-server', 'lib', 'vscode');
/** Files whose absence means code-server's postinstall did not finish (it builds these). */
const builtFiles = [
  path.join(codeServerVscode, 'node_modules', '@vscode', 'ripgrep', 'bin', 'rg'),
  path.join(codeServerVscode, 'node_modules', 'node-pty', 'build', 'Release', 'pty.node'),
];

function installHash(): string {
  const hash = createHash('sha256');
  for (const file of ['package.json', 'package-lock.json']) hash.update(fs.readFileSync(path.join(harnessDir, file)));
  hash.update(process.version);
  return hash.digest('hex');
}

export function harnessInstalled(): boolean {
  return (
    fs.existsSync(stampFile) &&
    fs.readFileSync(stampFile, 'utf8').trim() === installHash() &&
    fs.existsSync(codeServerBin) &&
    builtFiles.every((f) => fs.existsSync(f))
  );
}

/** Returns 'cached' or the install duration; throws with npm's output tail on failure. */
export function ensureHarnessInstalled(log: (line: string) => void): 'cached' | number {
  if (harnessInstalled()) return 'cached';
  // Two runs at once (several developers' terminals, or tests started in parallel) install once, not over each other.
  return withInstallLock(log, () => (harnessInstalled() ? 'cached' : install(log)));
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** An mkdir lock (atomic) holding the owner's pid; a lock whose owner died is taken over. */
export function withInstallLock<T>(log: (line: string) => void, fn: () => T): T {
  const lockDir = path.join(harnessStateDir, 'install.lock');
  const ownerFile = path.join(lockDir, 'pid');
  const deadline = Date.now() + 15 * 60_000;
  fs.mkdirSync(harnessStateDir, { recursive: true });
  for (let waited = false; ; waited = true) {
    try {
      fs.mkdirSync(lockDir);
      fs.writeFileSync(ownerFile, String(process.pid));
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = Number(fs.existsSync(ownerFile) ? fs.readFileSync(ownerFile, 'utf8') : 0);
      if (owner && !processAlive(owner)) {
        fs.rmSync(lockDir, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > deadline)
        throw new Error(`another run (pid ${owner || '?'}) holds ${lockDir} for over 15 minutes`);
      if (!waited) log(`waiting for another run (pid ${owner || '?'}) to finish installing the harness …`);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1000); // a synchronous 1 s sleep
    }
  }
  try {
    return fn();
  } finally {
    fs.rmSync(lockDir, { recursive: true, force: true });
  }
}

function install(log: (line: string) => void): number {
  const started = Date.now();
  log('installing code-server 4.100.3 + playwright-core (npm ci in test/vscode/harness, about a minute) …');
  // @vscode/ripgrep (inside code-server's lib/vscode) downloads rg from GitHub in its postinstall unless its cache
  // under $TMPDIR already holds the asset: seed that cache with Debian's rg (no network beyond npm here).
  const tmpDir = path.join(harnessStateDir, 'install-tmp');
  const cacheDir = path.join(tmpDir, 'vscode-ripgrep-cache-1.15.11');
  fs.mkdirSync(cacheDir, { recursive: true });
  const rg = spawnSync(
    'tar',
    ['czf', path.join(cacheDir, 'ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz'), '-C', '/usr/bin', 'rg'],
    { encoding: 'utf8' },
  );
  if (rg.status !== 0)
    throw new Error(`cannot seed the ripgrep cache from /usr/bin/rg (apt-get install ripgrep): ${rg.stderr}`);
  const npm = spawnSync('npm', ['ci', '--unsafe-perm', '--no-audit', '--no-fund'], {
    cwd: harnessDir,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 64 * 1024 * 1024,
    env: {
      ...process.env,
      TMPDIR: tmpDir,
      npm_config_yes: 'true', // node-pty's postinstall runs `npx node-gyp` and needs auto-yes without a TTY
      npm_config_nodedir: '/usr', // build native modules against the local Node headers (no header download)
      npm_config_unsafe_perm: 'true', // code-server's postinstall refuses to run as root otherwise
    },
  });
  if (npm.status !== 0) {
    const tail = `${npm.stdout}\n${npm.stderr}`.trim().split('\n').slice(-30).join('\n');
    throw new Error(`npm ci in ${harnessDir} failed (exit ${npm.status}):\n${tail}`);
  }
  const missing = builtFiles.filter((f) => !fs.existsSync(f));
  if (missing.length) throw new Error(`code-server's postinstall did not build: ${missing.join(', ')}`);
  fs.writeFileSync(stampFile, `${installHash()}\n`);
  return Date.now() - started;
}
