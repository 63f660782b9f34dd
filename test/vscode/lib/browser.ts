/** Debian's Chromium driven by the harness's playwright-core (headless unless WHETSTONE_E2E_HEADFUL=1). */
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { chromiumPath, harnessDir } from './paths';
import type { RunDirs } from './runDirs';

/** playwright-core lives in the harness's own node_modules, not the extension's. */
export function loadPlaywright(): typeof import('playwright-core') {
  return createRequire(path.join(harnessDir, 'package.json'))('playwright-core') as typeof import('playwright-core');
}

export interface BrowserSession {
  context: BrowserContext;
  page: Page;
  close(): Promise<void>;
}

export async function launchBrowser(dirs: RunDirs): Promise<BrowserSession> {
  if (!fs.existsSync(chromiumPath)) throw new Error(`no Chromium at ${chromiumPath} (apt-get install chromium)`);
  const headful = process.env.WHETSTONE_E2E_HEADFUL === '1';
  const { chromium } = loadPlaywright();
  const context = await chromium.launchPersistentContext(dirs.browserProfileDir, {
    executablePath: chromiumPath,
    headless: !headful,
    // keep crashpad and font caches out of ~/.config
    env: { ...process.env, XDG_CONFIG_HOME: dirs.xdgConfigHome, XDG_CACHE_HOME: dirs.xdgCacheHome },
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    viewport: { width: 1400, height: 900 },
    slowMo: headful ? 100 : 0,
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const logFile = path.join(dirs.logsDir, 'browser-console.log');
  page.on('console', (message) => fs.appendFileSync(logFile, `[${message.type()}] ${message.text()}\n`));
  page.on('pageerror', (error) => fs.appendFileSync(logFile, `[pageerror] ${error.stack ?? error.message}\n`));
  return { context, page, close: () => context.close() };
}
