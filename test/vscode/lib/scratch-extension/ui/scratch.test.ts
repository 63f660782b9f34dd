import * as assert from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  openWorkbench,
  pickContextMenu,
  quickPick,
  rightClickExplorerItem,
  screenshot,
  setTheme,
  waitForNotification,
  webviewFrame,
  type Workbench,
} from '../../fixture';

describe('scratch extension driven through the workbench', () => {
  let wb: Workbench;
  before(async () => {
    wb = await openWorkbench();
  });
  after(async () => wb?.close());

  it('explorer context menu → quick pick → notification, webview and file on disk', async () => {
    await rightClickExplorerItem(wb.page, 'reviews.prompt.yml');
    await pickContextMenu(wb.page, 'Scratch: Touch File');
    await quickPick(wb.page, 'Beta');
    const text = await waitForNotification(wb.page, /Scratch touched reviews\.prompt\.yml/);
    assert.match(text, /with Beta/);
    await webviewFrame(wb.page).locator('#title').waitFor();
    assert.strictEqual(await webviewFrame(wb.page).locator('#title').innerText(), 'Scratch webview');
    const marker = fs.readFileSync(path.join(wb.workspaceDir, '.scratch', 'touched.txt'), 'utf8');
    assert.match(marker, /reviews\.prompt\.yml Beta/);
  });

  it('switches to the light theme and takes a screenshot', async () => {
    await setTheme(wb.page, 'Default Light Modern');
    const file = await screenshot(wb.page, 'scratch-light');
    assert.ok(fs.statSync(file).size > 10_000);
    await setTheme(wb.page, 'Default Dark Modern');
  });

  it('fails on purpose when WHETSTONE_SCRATCH_FAIL is set (screenshot + kept run dir)', async function () {
    if (!process.env.WHETSTONE_SCRATCH_FAIL) this.skip();
    await waitForNotification(wb.page, /never shown/, 1000);
  });
});
