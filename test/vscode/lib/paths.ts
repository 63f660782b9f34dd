/** Where the real-VS-Code harness keeps things; every path is absolute and derived from this file's location. */
import * as os from 'node:os';
import * as path from 'node:path';

export const repoRoot = path.resolve(__dirname, '..', '..', '..');
export const vscodeTestDir = path.join(repoRoot, 'test', 'vscode');
export const harnessDir = path.join(vscodeTestDir, 'harness');
export const harnessModules = path.join(harnessDir, 'node_modules');
export const codeServerBin = path.join(harnessModules, '.bin', 'code-server');
/** Overridable to prove the harness on the scratch extension's own tests (see lib/scratch-extension). */
export const suiteDir = process.env.WHETSTONE_E2E_SUITE_DIR ?? path.join(vscodeTestDir, 'suite');
/** Extension-host tests run in a second workbench whose folder is untrusted (Restricted Mode). */
export const restrictedDir = process.env.WHETSTONE_E2E_RESTRICTED_DIR ?? path.join(vscodeTestDir, 'restricted');
export const uiDir = process.env.WHETSTONE_E2E_UI_DIR ?? path.join(vscodeTestDir, 'ui');
export const fixtureWorkspaceDir = path.join(vscodeTestDir, 'fixtures', 'workspace');
export const artifactsDir = path.join(repoRoot, 'test', 'artifacts');
/** Gitignored scratch inside the repo: install temp files and the bundled suite (which must resolve `mocha` upward). */
export const harnessStateDir = path.join(vscodeTestDir, '.harness');
/** Throwaway run dirs live outside the repo so the workspace is not inside a git work tree. */
export const runsRootDir = process.env.WHETSTONE_E2E_RUNS_DIR ?? path.join(os.tmpdir(), 'whetstone-vscode-e2e');
export const chromiumPath = process.env.WHETSTONE_E2E_CHROMIUM ?? '/usr/bin/chromium';
/** The extension under test: the repo root (its package.json and dist/extension.js) unless overridden. */
export const extensionDevelopmentPath = process.env.WHETSTONE_E2E_EXTENSION_PATH ?? repoRoot;
/** The packaged extension the VSIX smoke test installs (built by `npm run package -- --target linux-x64`). */
export const vsixPath = process.env.WHETSTONE_E2E_VSIX ?? path.join(repoRoot, 'dist-vsix', 'whetstone-linux-x64.vsix');
