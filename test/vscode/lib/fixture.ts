/**
 * The UI tests' fixture: a fresh real workbench (code-server + Chromium + simulator + a copy of
 * test/vscode/fixtures/workspace) per call, and helpers that drive it the way a user does.
 *
 *   let wb: Workbench;
 *   before(async () => { wb = await openWorkbench(); });
 *   after(async () => wb?.close());
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { FrameLocator, Locator, Page } from 'playwright-core';
import { artifactsDir } from './paths';
import type { SimHandle } from './sim';
import { describeLogs, openWorkbenchSession } from './workbench';

export type { FrameLocator, Locator, Page } from 'playwright-core';

export interface Workbench {
  page: Page;
  /** The throwaway copy of test/vscode/fixtures/workspace the workbench has open. */
  workspaceDir: string;
  /** The simulator's base URL (`http://127.0.0.1:PORT/v1`), also in the user settings as whetstone.endpoint.baseUrl. */
  simUrl: string;
  /** The simulator: `sim.stats` counts HTTP requests, `sim.taskStats` what the simulated task answered, `sim.server.bodies` each request. */
  sim: SimHandle;
  /** Where code-server's and the browser console's logs are. */
  logs: string;
  /** With `vsix`: the run's extensions dir and the installed extension's folder name in it. */
  extensionsDir: string;
  installedExtension?: string;
  /** Stops everything; the run dir is deleted unless WHETSTONE_E2E_KEEP=1 or `keep`. */
  close(options?: { keep?: boolean }): Promise<void>;
}

export interface OpenWorkbenchOptions {
  /** Extra or replaced workspace files (relative path → text). */
  files?: Record<string, string>;
  /** User settings merged over the defaults (quiet workbench + simulator endpoint and models). */
  settings?: Record<string, unknown>;
  /** Install this VSIX and run it instead of the repo's unpackaged extension. */
  vsix?: string;
}

/** Open workbenches, for screenshots after a failed test (the UI runner's root afterEach). */
const openPages = new Set<Page>();
let failedTests = 0;

/** Called by the UI runner after a failed test: screenshots every open workbench, keeps their run dirs on close. */
export async function recordFailure(testTitle: string): Promise<void> {
  failedTests += 1;
  let index = 0;
  for (const page of openPages) {
    const file = await screenshot(page, `failed-${testTitle.slice(0, 80)}${index++ ? `-${index}` : ''}`).catch(
      () => undefined,
    );
    if (file) console.log(`      screenshot: ${path.relative(process.cwd(), file)}`);
  }
}

export async function openWorkbench(options: OpenWorkbenchOptions = {}): Promise<Workbench> {
  const session = await openWorkbenchSession({
    label: 'ui',
    files: options.files,
    settings: options.settings,
    vsix: options.vsix,
  });
  const failuresAtOpen = failedTests;
  openPages.add(session.page);
  return {
    page: session.page,
    workspaceDir: session.workspaceDir,
    simUrl: session.simUrl,
    sim: session.sim,
    logs: describeLogs(session.dirs),
    extensionsDir: session.dirs.extensionsDir,
    installedExtension: session.installedExtension,
    close: async (closeOptions) => {
      openPages.delete(session.page);
      const keep = closeOptions?.keep ?? failedTests > failuresAtOpen;
      await session.close({ keep });
      if (keep) console.log(`      kept run dir ${session.dirs.root}`);
    },
  };
}

const escapeRegex = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A row of the Explorer tree whose file name is exactly `name`. */
export function explorerItem(page: Page, name: string): Locator {
  return page
    .locator('.explorer-folders-view .monaco-list-row')
    .filter({ has: page.locator('.label-name', { hasText: new RegExp(`^${escapeRegex(name)}$`) }) });
}

/** The last right-click per page, so pickContextMenu can reopen the menu when the extension registered late. */
const lastRightClick = new WeakMap<Page, () => Promise<void>>();

/** Right-clicks `a/b/file.ext` in the Explorer (expanding the folders on the way). */
export async function rightClickExplorerItem(page: Page, relativePath: string): Promise<void> {
  const parts = relativePath.split('/').filter(Boolean);
  for (const folder of parts.slice(0, -1)) {
    const row = explorerItem(page, folder);
    await row.waitFor({ timeout: 30_000 });
    if ((await row.getAttribute('aria-expanded')) !== 'true') await row.click();
  }
  const row = explorerItem(page, parts[parts.length - 1]);
  const open = async () => {
    await row.waitFor({ timeout: 30_000 });
    await row.click({ button: 'right' });
    await page.locator('.context-view .monaco-menu').waitFor({ timeout: 10_000 });
  };
  lastRightClick.set(page, open);
  await open();
}

/**
 * Clicks a context-menu item by its label (substring match). The first menu can open before the extension registered
 * its items, so a missing item closes the menu, waits and reopens it (up to `timeoutMs`). Menu items ignore a mouse-up
 * in their first 100 ms, hence the pause before the click.
 */
export async function pickContextMenu(page: Page, label: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await page.locator('.context-view .monaco-menu').waitFor({ timeout: 10_000 });
    const item = page.locator('.context-view .monaco-menu').getByRole('menuitem', { name: label });
    if (await item.count()) {
      await page.waitForTimeout(300);
      await item.first().click();
      return;
    }
    const reopen = lastRightClick.get(page);
    if (!reopen || Date.now() > deadline) {
      const items = await page.locator('.context-view .monaco-menu').getByRole('menuitem').allInnerTexts();
      throw new Error(
        `context menu has no item "${label}"; items: ${items.map((t) => t.replace(/\s+/g, ' ').trim()).join(' | ')}`,
      );
    }
    await page.keyboard.press('Escape');
    await page.waitForTimeout(500);
    await reopen();
  }
}

/**
 * Picks the first quick-pick entry whose label starts with `labelStartsWith` (a string, or a RegExp tested against the
 * label), waiting for the quick pick to open. `rowText` additionally waits until that row's whole text (label,
 * description, detail) matches, for pickers that fill in details asynchronously.
 */
export async function quickPick(
  page: Page,
  labelStartsWith: string | RegExp,
  options: { rowText?: RegExp; timeoutMs?: number } = {},
): Promise<void> {
  const timeout = options.timeoutMs ?? 30_000;
  const widget = page.locator('.quick-input-widget');
  await widget.waitFor({ state: 'visible', timeout });
  const pattern =
    typeof labelStartsWith === 'string' ? new RegExp(`^\\s*${escapeRegex(labelStartsWith)}`) : labelStartsWith;
  let row = widget.locator('.monaco-list-row').filter({ has: page.locator('.label-name', { hasText: pattern }) });
  if (options.rowText) row = row.filter({ hasText: options.rowText });
  try {
    await row.first().waitFor({ state: 'visible', timeout });
  } catch {
    const rows = await widget.locator('.monaco-list-row').allInnerTexts();
    throw new Error(
      `quick pick has no entry matching ${pattern}${options.rowText ? ` with text ${options.rowText}` : ''}; ` +
        `entries: ${rows.map((t) => t.replace(/\s+/g, ' ').trim()).join(' | ')}`,
    );
  }
  await row.first().click();
}

/** Waits for a notification toast whose message matches, and returns the message text (without source and buttons). */
export async function waitForNotification(page: Page, text: RegExp, timeoutMs = 60_000): Promise<string> {
  const messages = page.locator('.notifications-toasts .notification-toast .notification-list-item-message');
  const message = messages.filter({ hasText: text }).first();
  try {
    await message.waitFor({ state: 'visible', timeout: timeoutMs });
  } catch {
    const shown = await messages.allInnerTexts();
    throw new Error(
      `no notification matching ${text} within ${timeoutMs / 1000} s; shown: ${shown.map((t) => t.replace(/\s+/g, ' ').trim()).join(' | ') || 'none'}`,
    );
  }
  return (await message.innerText()).replace(/\s+/g, ' ').trim();
}

/** The document inside the visible webview (VS Code nests it: iframe.webview > iframe#active-frame). */
export function webviewFrame(page: Page): FrameLocator {
  return page
    .locator('iframe.webview.ready:visible')
    .last()
    .contentFrame()
    .locator('iframe#active-frame')
    .contentFrame();
}

/** Saves a screenshot of the whole workbench to test/artifacts/<name>.png and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(artifactsDir, { recursive: true });
  const file = path.join(artifactsDir, `${name.replace(/[^\w.-]+/g, '-')}.png`);
  await page.screenshot({ path: file });
  return file;
}

/** Runs a command from the command palette by its title (e.g. 'Preferences: Color Theme'). */
export async function runCommand(page: Page, title: string): Promise<void> {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: 10_000 });
  await input.fill(`>${title}`);
  await quickPick(page, title);
}

/** Switches the color theme through the theme picker and waits until the workbench shows it. */
export async function setTheme(page: Page, theme: 'Default Light Modern' | 'Default Dark Modern'): Promise<void> {
  await runCommand(page, 'Preferences: Color Theme');
  const input = page.locator('.quick-input-widget input');
  const shortName = theme.replace(/^Default /, ''); // VS Code 1.100 labels them 'Light Modern' / 'Dark Modern'
  await input.fill(shortName);
  await quickPick(page, new RegExp(`^\\s*(Default )?${shortName}$`));
  const themeClass = theme.includes('Light') ? 'vs' : 'vs-dark';
  await page.waitForFunction(
    (cls) => document.querySelector('.monaco-workbench')?.classList.contains(cls) === true,
    themeClass,
    { timeout: 10_000 },
  );
}

/**
 * Clicks `button` in a modal dialog (e.g. 'Start Anyway' when an estimate exceeds the budget) if one shows within
 * `timeoutMs`; returns whether it did.
 */
export async function clickDialogButton(page: Page, button: string, timeoutMs = 5_000): Promise<boolean> {
  const target = page.locator('.monaco-dialog-box').getByRole('button', { name: button });
  try {
    await target.waitFor({ state: 'visible', timeout: timeoutMs });
  } catch {
    return false;
  }
  await target.click();
  return true;
}
