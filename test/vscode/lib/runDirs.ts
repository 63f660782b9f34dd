/** Throwaway directories for one workbench: workspace copy, VS Code user data, extensions, XDG dirs, browser profile. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fixtureWorkspaceDir, runsRootDir } from './paths';

export interface RunDirs {
  root: string;
  workspaceDir: string;
  userDataDir: string;
  extensionsDir: string;
  xdgConfigHome: string;
  xdgDataHome: string;
  xdgCacheHome: string;
  browserProfileDir: string;
  tmpDir: string;
  logsDir: string;
}

export function createRunDirs(label: string): RunDirs {
  fs.mkdirSync(runsRootDir, { recursive: true });
  const root = fs.mkdtempSync(path.join(runsRootDir, `${label.replace(/[^\w.-]+/g, '-').slice(0, 40)}-`));
  const sub = (name: string) => {
    const dir = path.join(root, name);
    fs.mkdirSync(dir, { recursive: true });
    return dir;
  };
  return {
    root,
    workspaceDir: sub('workspace'),
    userDataDir: sub('user-data'),
    extensionsDir: sub('extensions'),
    xdgConfigHome: sub('xdg/config'),
    xdgDataHome: sub('xdg/data'),
    xdgCacheHome: sub('xdg/cache'),
    browserProfileDir: sub('browser-profile'),
    tmpDir: sub('tmp'),
    logsDir: sub('logs'),
  };
}

/** Copies test/vscode/fixtures/workspace into the run's workspace, then writes `files` (relative path → text) over it. */
export function seedWorkspace(dirs: RunDirs, files: Record<string, string> = {}): void {
  if (fs.existsSync(fixtureWorkspaceDir)) fs.cpSync(fixtureWorkspaceDir, dirs.workspaceDir, { recursive: true });
  for (const [relative, text] of Object.entries(files)) {
    const target = path.join(dirs.workspaceDir, relative);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, text);
  }
}

/** Quiet, deterministic workbench settings: no welcome page, tips, update checks, telemetry, git or trust prompts. */
export const quietUserSettings: Record<string, unknown> = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'security.workspace.trust.enabled': false,
  'git.enabled': false,
  'git.openRepositoryInParentFolders': 'never',
  'files.autoSave': 'off',
  'window.restoreWindows': 'none',
  'chat.commandCenter.enabled': false,
  'workbench.colorTheme': 'Default Dark Modern',
};

/** The extension's settings that point every model role at the local simulator (see package.json contributes). */
export function simSettings(simUrl: string): Record<string, unknown> {
  return {
    'whetstone.endpoint.baseUrl': simUrl,
    'whetstone.models.target': 'sim-model',
    'whetstone.models.optimizer': 'sim-model',
    'whetstone.models.judge': 'sim-model',
    'whetstone.models.scorer': 'sim-model',
    'whetstone.models.available': ['sim-model'],
  };
}

/**
 * `whetstone.endpoint.baseUrl` is machine-scoped (a workspace cannot redirect keys), so the sim settings go to the
 * user and remote-machine settings files, never to the workspace's .vscode/settings.json.
 */
export function writeUserSettings(dirs: RunDirs, settings: Record<string, unknown>): void {
  for (const scope of ['User', 'Machine']) {
    const dir = path.join(dirs.userDataDir, scope);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'settings.json'), `${JSON.stringify(settings, null, 2)}\n`);
  }
}

export function removeRunDirs(dirs: RunDirs): void {
  fs.rmSync(dirs.root, { recursive: true, force: true });
}
