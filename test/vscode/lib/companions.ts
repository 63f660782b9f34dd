/**
 * Test-only companion extensions, packaged (vsce) and installed beside the extension under test: the language model
 * provider the vscode.lm suite runs jobs on. It uses VS Code 1.100's proposed `chatProvider` API, which code-server
 * enables for it with --enable-proposed-api (a test-only extension; Whetstone itself uses only finalized API).
 */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { repoRoot } from './paths';

export interface Companion {
  dir: string;
  /** publisher.name, for --enable-proposed-api. */
  id: string;
}

export const TEST_LM_PROVIDER: Companion = {
  dir: path.join(__dirname, 'lm-provider-extension'),
  id: 'whetstone-test.lm-provider',
};

/** Packages a companion into `outDir` and returns the VSIX path. */
export function packageCompanion(companion: Companion, outDir: string): string {
  const out = path.join(outDir, `${companion.id}.vsix`);
  const vsce = path.join(repoRoot, 'node_modules', '@vscode', 'vsce', 'vsce');
  const args = [vsce, 'package', '--no-dependencies', '--skip-license', '--allow-missing-repository', '-o', out];
  const result = spawnSync(process.execPath, args, { cwd: companion.dir, encoding: 'utf8', timeout: 120_000 });
  if (result.status !== 0)
    throw new Error(
      `vsce package of ${companion.id} failed (${result.status}): ${`${result.stdout}${result.stderr}`.trim()}`,
    );
  return out;
}
