/**
 * A first-time user without a key (issue 14): the Getting Started walkthrough's offline path, end to end, clicking
 * its own buttons — open the example, choose the offline simulated endpoint, run the tests, optimize, accept — then
 * set a real endpoint. Until that last step no request reaches the harness's simulator (the run uses the one bundled
 * in the extension), and every result shown says SIMULATED.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  clickDialogButton,
  openWorkbench,
  quickPick,
  runCommand,
  screenshot,
  waitForNotification,
  webviewFrame,
  type Page,
  type Workbench,
} from '../lib/fixture';

const WALKTHROUGH = 'Get started with Whetstone';

/** Expands a walkthrough step (by its title) and clicks one of its buttons. */
async function stepButton(page: Page, stepTitle: string, button: string): Promise<void> {
  const container = page.locator('.gettingStartedContainer');
  // Back to the walkthrough tab first: the example and the panel open beside it.
  await page
    .locator('.tabs-container .tab', { hasText: /^Walkthrough: / })
    .first()
    .click();
  const step = container.locator('.getting-started-step', { hasText: stepTitle }).first();
  await step.waitFor({ timeout: 20_000 });
  if (!(await step.evaluate((el) => el.classList.contains('expanded')))) await step.click();
  await step.getByText(button, { exact: true }).first().click();
}

describe('Getting Started walkthrough: the offline path (real workbench)', function () {
  this.timeout(360_000);
  let wb: Workbench;

  before(async () => {
    wb = await openWorkbench();
  });
  after(async () => wb?.close());

  it('example → simulated endpoint → tests → optimize → accept → a real endpoint, all labelled SIMULATED', async () => {
    const { page, workspaceDir } = wb;
    await runCommand(page, 'Welcome: Open Walkthrough...');
    await quickPick(page, WALKTHROUGH);
    await page.locator('.gettingStartedContainer', { hasText: WALKTHROUGH }).first().waitFor({ timeout: 20_000 });
    await screenshot(page, 'walkthrough-start');

    await stepButton(page, 'Open an example prompt', 'Open Example');
    const example = path.join(workspaceDir, 'whetstone-example', 'reviews.prompt.yml');
    await page.locator('.tabs-container .tab', { hasText: 'reviews.prompt.yml' }).first().waitFor({ timeout: 20_000 });
    assert.ok(fs.existsSync(example), 'the example was copied into the workspace');
    assert.ok(fs.existsSync(path.join(workspaceDir, 'whetstone-example', 'reviews.whetstone.yaml')));
    const original = fs.readFileSync(example, 'utf8');

    await stepButton(page, 'Choose the offline simulated endpoint', 'Use the Simulated Endpoint');
    await waitForNotification(page, /offline simulated endpoint/);

    await stepButton(page, 'Run its tests', 'Run Prompt Tests');
    const tested = await waitForNotification(page, /Prompt tests for reviews\.prompt\.yml/, 120_000);
    assert.match(tested, /^SIMULATED · Prompt tests for reviews\.prompt\.yml: \d+\/24 passed/);

    await stepButton(page, 'Optimize it', 'Optimize Prompt…');
    await page
      .locator('.quick-input-widget .monaco-list-row', { hasText: /est\./ })
      .first()
      .waitFor({ timeout: 30_000 });
    await quickPick(page, 'APO');
    await clickDialogButton(page, 'Start Anyway');
    const finished = await waitForNotification(page, /Optimization (finished|of .* failed)/, 240_000);
    assert.match(finished, /^SIMULATED · Optimization finished/);
    const frame = webviewFrame(page);
    await frame.locator('[data-testid=simulated]', { hasText: 'SIMULATED' }).waitFor({ timeout: 20_000 });
    await screenshot(page, 'walkthrough-optimized-simulated');

    await stepButton(page, 'Accept the suggestion', 'Accept Candidate');
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline && fs.readFileSync(example, 'utf8') === original) await page.waitForTimeout(200);
    assert.notEqual(fs.readFileSync(example, 'utf8'), original, 'the accepted candidate is in the example file');
    assert.ok(fs.readFileSync(example, 'utf8').includes('{{review}}'), 'its variable kept');
    await screenshot(page, 'walkthrough-accepted');
    assert.equal(wb.sim.stats.requests, 0, 'the offline path never reached the harness endpoint');

    // The last step: a real endpoint (here the harness's loopback simulator, which needs no key).
    await stepButton(page, 'Set a real endpoint or key', 'Use a Real Endpoint…');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible', timeout: 10_000 });
    await input.fill(wb.simUrl);
    await page.keyboard.press('Enter');
    await page.locator('.tabs-container .tab', { hasText: 'reviews.prompt.yml' }).first().click();
    await runCommand(page, 'Whetstone: Run Prompt Tests');
    const real = await waitForNotification(page, /^Prompt tests for reviews\.prompt\.yml/, 120_000);
    assert.doesNotMatch(real, /SIMULATED/);
    assert.ok(wb.sim.stats.requests > 0, 'the tests now went to the endpoint the user set');
  });
});
