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
  return fs.existsSync(stampFile) && fs.readFileSync(stampFile, 'utf8').trim() === installHash()
    && fs.existsSync(codeServerBin) && builtFiles.every((f) => fs.existsSync(f));
}

/** Returns 'cached' or the install duration; throws with npm's output tail on failure. */
export function ensureHarnessInstalled(log: (line: string) => void): 'cached' | number {
  if (harnessInstalled()) return 'cached';
  const started = Date.now();
  log('installing code-server 4.100.3 + playwright-core (npm ci in test/vscode/harness, about a minute) …');
  // @vscode/ripgrep (inside code-server's lib/vscode) downloads rg from GitHub in its postinstall unless its cache
  // under $TMPDIR already holds the asset: seed that cache with Debian's rg (no network beyond npm here).
  const tmpDir = path.join(harnessStateDir, 'install-tmp');
  const cacheDir = path.join(tmpDir, 'vscode-ripgrep-cache-1.15.11');
  fs.mkdirSync(cacheDir, { recursive: true });
  const rg = spawnSync('tar', ['czf', path.join(cacheDir, 'ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz'),
    '-C', '/usr/bin', 'rg'], { encoding: 'utf8' });
  if (rg.status !== 0) throw new Error(`cannot seed the ripgrep cache from /usr/bin/rg (apt-get install ripgrep): ${rg.stderr}`);
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
