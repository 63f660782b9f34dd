/**
 * The VSIX the smoke test installs: packaged (linux-x64) when missing or older than the built extension, so
 * `node test/vscode/run.mjs` works on its own; `npm test` packages it just before (its `package` phase).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot, vsixPath } from './paths';

const mtime = (file: string) => (fs.existsSync(file) ? fs.statSync(file).mtimeMs : 0);

export function ensureVsix(log: (line: string) => void): void {
  if (process.env.WHETSTONE_E2E_VSIX) return; // someone else's VSIX: use it as it is
  const newestInput = Math.max(
    mtime(path.join(repoRoot, 'dist', 'extension.js')),
    mtime(path.join(repoRoot, 'package.json')),
  );
  if (mtime(vsixPath) > newestInput) return;
  log(`packaging ${path.relative(repoRoot, vsixPath)} (missing or older than dist/extension.js)`);
  const result = spawnSync(process.execPath, ['scripts/package.mjs', '--target', 'linux-x64'], {
    cwd: repoRoot,
    encoding: 'utf8',
  });
  if (result.status !== 0) {
    const tail = `${result.stdout}${result.stderr}`.trim().split('\n').slice(-15).join('\n');
    throw new Error(`npm run package -- --target linux-x64 failed (${result.status}):\n${tail}`);
  }
}
