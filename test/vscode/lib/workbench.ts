/**
 * One real workbench: throwaway dirs + simulator + code-server + Chromium showing the workspace with the extension
 * loaded unpackaged from the repo root. Used by the extension-host suite runner and by the UI fixture.
 */
import { packageCompanion, type Companion } from './companions';
import * as path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { launchBrowser } from './browser';
import { installVsix, startCodeServer, type CodeServer } from './codeServer';
import { extensionDevelopmentPath } from './paths';
import {
  createRunDirs,
  quietUserSettings,
  removeRunDirs,
  seedWorkspace,
  simSettings,
  writeUserSettings,
  type RunDirs,
} from './runDirs';
import { startSim, type SimHandle } from './sim';

export interface WorkbenchOptions {
  /** Names the run dir (for finding logs). */
  label: string;
  /** Extra workspace files (relative path → text) written over the fixture workspace copy. */
  files?: Record<string, string>;
  /** User settings merged over the quiet defaults and the simulator settings. */
  settings?: Record<string, unknown>;
  /** Absolute path of a bundled extension-host test entry (module exporting `run()`). */
  extensionTestsPath?: string;
  /** Called with the workbench's exit code when the extension-host tests end (`window.codeAutomationExit`). */
  onAutomationExit?: (code: number) => void;
  /** Extension-host console output, forwarded by the workbench (`window.codeAutomationLog`). */
  onAutomationLog?: (line: string) => void;
  /**
   * Workspace trust on, the folder untrusted (Restricted Mode): no start-up prompt, so the workspace simply opens
   * restricted, as it does for a user who has not trusted it.
   */
  restricted?: boolean;
  /**
   * A packaged extension to install into the run's extensions dir; the workbench then runs that installed copy and
   * not the repo's unpackaged one.
   */
  vsix?: string;
  /** Test-only extensions installed beside it (e.g. a language model provider), their proposed API enabled. */
  companions?: Companion[];
  /** Wait for the Explorer to list the workspace (default true unless running tests). */
  waitForExplorer?: boolean;
}

export interface WorkbenchSession {
  page: Page;
  context: BrowserContext;
  dirs: RunDirs;
  workspaceDir: string;
  simUrl: string;
  sim: SimHandle;
  codeServer: CodeServer;
  /** The installed extension's folder name in `dirs.extensionsDir` (with `vsix`), e.g. `whetstone.whetstone-0.1.0-linux-x64`. */
  installedExtension?: string;
  /** Stops browser, server and simulator; deletes the run dirs unless `keep` (or WHETSTONE_E2E_KEEP=1). */
  close(options?: { keep?: boolean }): Promise<void>;
}

export async function openWorkbenchSession(options: WorkbenchOptions): Promise<WorkbenchSession> {
  const dirs = createRunDirs(options.label);
  const cleanups: (() => Promise<void>)[] = [];
  const close = async (closeOptions: { keep?: boolean } = {}) => {
    const pending = cleanups.splice(0);
    await Promise.all(pending.map((cleanup) => cleanup().catch(() => undefined)));
    if (!closeOptions.keep && process.env.WHETSTONE_E2E_KEEP !== '1') removeRunDirs(dirs);
  };
  try {
    seedWorkspace(dirs, options.files);
    const sim = await startSim();
    cleanups.push(() => sim.close());
    const trust = options.restricted
      ? {
          'security.workspace.trust.enabled': true,
          'security.workspace.trust.startupPrompt': 'never',
          'security.workspace.trust.banner': 'never',
          'security.workspace.trust.untrustedFiles': 'open',
        }
      : {};
    writeUserSettings(dirs, { ...quietUserSettings, ...trust, ...simSettings(sim.url), ...options.settings });
    const installedExtension = options.vsix ? installVsix(dirs, options.vsix) : undefined;
    const companionArgs: string[] = [];
    for (const companion of options.companions ?? []) {
      installVsix(dirs, packageCompanion(companion, dirs.root));
      companionArgs.push('--enable-proposed-api', companion.id);
    }
    // Server and browser start in parallel (about 3 s each); whichever started is stopped if the other failed.
    const [server, launched] = await Promise.allSettled([
      startCodeServer(dirs, { WHETSTONE_SIM_URL: sim.url }, companionArgs, options.restricted),
      launchBrowser(dirs),
    ]);
    if (server.status === 'fulfilled') cleanups.push(() => server.value.stop());
    if (launched.status === 'fulfilled') cleanups.push(() => launched.value.close());
    if (server.status === 'rejected') throw server.reason;
    if (launched.status === 'rejected') throw launched.reason;
    const codeServer = server.value;
    const browser = launched.value;
    const { page } = browser;
    if (options.onAutomationExit) await page.exposeFunction('codeAutomationExit', options.onAutomationExit);
    if (options.onAutomationLog) {
      const forward = options.onAutomationLog;
      await page.exposeFunction('codeAutomationLog', (_type: string, args: unknown[]) =>
        forward(args.map(String).join(' ')),
      );
    }
    await page.goto(
      codeServer.workbenchUrl(dirs.workspaceDir, {
        extensionDevelopmentPath: options.vsix ? undefined : extensionDevelopmentPath,
        extensionTestsPath: options.extensionTestsPath,
      }),
    );
    await page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
    if (options.waitForExplorer ?? !options.extensionTestsPath) {
      await page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ timeout: 60_000 });
    }
    return {
      page,
      context: browser.context,
      dirs,
      workspaceDir: dirs.workspaceDir,
      simUrl: sim.url,
      sim,
      codeServer,
      installedExtension,
      close,
    };
  } catch (error) {
    await close({ keep: true });
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(`could not open a workbench (run dir kept: ${dirs.root}): ${message}`);
  }
}

/** Where a session's logs are, for failure messages. */
export function describeLogs(dirs: RunDirs): string {
  return ['code-server.log', 'browser-console.log'].map((f) => path.join(dirs.logsDir, f)).join(', ');
}
