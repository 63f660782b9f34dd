/**
 * The suggestion after APO, as a user sees it at 1400×900 with the results panel open (issue 14): the editor still
 * paints its text (an unbounded injected decoration once blanked it and scrolled it sideways), the diff editor shows
 * the candidate with Accept / Next / Dismiss in its title, and accept → Ctrl+Z reads "undone" in the CodeLens, the
 * status bar, the panel and its history. The run has a calls limit (the extension always sets one) and the model's
 * price is unknown: no USD-budget warning may show.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createSimulatedTask } from '../../../src/sim/task';
import { openWorkbench, screenshot, webviewFrame, type Locator, type Page, type Workbench } from '../lib/fixture';
import { describeLines, lens, optimizeWithApo, promptEditor, snapshotEditor } from '../lib/suggestionView';

/** A lens row holding `text` (a lens without a command, like "✓ Accepted #N", is plain text, not a link). */
function lensRow(page: Page, text: RegExp): Locator {
  return promptEditor(page).locator('.codelens-decoration', { hasText: text }).first();
}

async function lensTitles(page: Page): Promise<string> {
  return (await promptEditor(page).locator('.codelens-decoration').allInnerTexts()).join(' | ');
}

describe('the suggestion in place (real workbench, 1400×900, panel open)', function () {
  this.timeout(300_000);
  let wb: Workbench;

  before(async () => {
    const task = createSimulatedTask();
    wb = await openWorkbench({
      files: {
        'reviews.prompt.yml': task.promptText,
        'reviews.whetstone.yaml': task.sidecarText.replace(/rounds: \d+/, 'rounds: 2'),
      },
    });
  });
  after(async () => wb?.close());

  it('APO → the editor keeps painting its text, the suggestion shows word by word, no USD warning', async () => {
    const { page } = wb;
    assert.deepEqual(page.viewportSize(), { width: 1400, height: 900 });
    const frame = webviewFrame(page);
    await optimizeWithApo(
      page,
      'reviews.prompt.yml',
      frame.locator('[data-testid=run-status]', { hasText: /^(done|stopped at the budget)$/ }),
    );
    await screenshot(page, 'suggestion-after-apo-1400x900');

    const editor = promptEditor(page);
    const painted = await editor.evaluate((el) => {
      const box = el.getBoundingClientRect();
      // Monaco's own horizontal scrollbar: the slider's share of the track is the viewport's share of the content.
      const bar = el.querySelector<HTMLElement>('.editor-scrollable > .scrollbar.horizontal');
      const slider = bar?.querySelector<HTMLElement>('.slider');
      const track = bar?.getBoundingClientRect().width ?? 0;
      const thumb = slider?.getBoundingClientRect().width ?? 0;
      const lines = [...el.querySelectorAll<HTMLElement>('.view-line')].map((line) => {
        const r = line.getBoundingClientRect();
        return { text: (line.textContent ?? '').replace(/\u00a0/g, ' '), left: r.left, top: r.top };
      });
      const visible = lines.filter((l) => l.top >= box.top && l.top < box.bottom && l.text.trim());
      return {
        editorWidth: box.width,
        scrollWidth: thumb > 0 ? Math.round((box.width * track) / thumb) : -1,
        sliderLeft: slider ? parseFloat(slider.style.left || '0') : -1,
        visibleTexts: visible.map((l) => l.text.trim()),
      };
    });
    console.log(`      editor: ${JSON.stringify({ ...painted, visibleTexts: painted.visibleTexts.length })}`);
    assert.ok(painted.visibleTexts.includes('messages:'), `visible lines: ${painted.visibleTexts.join(' / ')}`);
    assert.ok(
      painted.visibleTexts.some((t) => t.startsWith('You classify product reviews')),
      `the region's own text is painted: ${painted.visibleTexts.join(' / ')}`,
    );
    assert.ok(painted.visibleTexts.length >= 10, `${painted.visibleTexts.length} lines with text are painted`);
    assert.equal(Math.abs(painted.sliderLeft), 0, 'the view did not scroll sideways');
    assert.ok(
      painted.scrollWidth > 0 && painted.scrollWidth < 4_000,
      `the editor scrolls over ${painted.scrollWidth} px (the run-on decoration made it 16,777,216 px)`,
    );
    // APO adds whole lines here: a marker at the end of the line they follow says so (never their text glued to it).
    const lines = (await snapshotEditor(editor)).lines;
    assert.ok(
      lines.some((l) => l.injected.some((t) => /^\+\d+ new lines? below$/.test(t.trim()))),
      `the new lines are marked in place:\n${describeLines(lines)}`,
    );

    // A calls limit is set and the simulated model has no price: no USD-budget warning anywhere.
    const panelText = await frame.locator('#app').innerText();
    assert.doesNotMatch(panelText, /USD|price/i, 'the panel shows no USD-budget warning');
    const toasts = await page.locator('.notifications-toasts .notification-list-item-message').allInnerTexts();
    assert.ok(!toasts.some((t) => /USD|price/i.test(t)), `notifications: ${toasts.join(' | ')}`);
    const runsDir = path.join(wb.workspaceDir, '.whetstone', 'runs');
    const log = fs
      .readdirSync(runsDir, { recursive: true })
      .map(String)
      .filter((f) => f.endsWith('.jsonl'))
      .map((f) => fs.readFileSync(path.join(runsDir, f), 'utf8'))
      .join('\n');
    assert.match(log, /"budget":\{"calls":\d+/, 'the run had a calls limit');
    assert.doesNotMatch(log, /price of a model|USD budget/, 'the run log holds no USD-budget warning');
  });

  it('⇄ Diff opens VS Code’s diff editor on the candidate with Accept / Next / Dismiss in its title', async () => {
    const { page } = wb;
    await lens(page, /^⇄ Diff$/).click();
    const diff = page.locator('.editor-group-container.active .monaco-diff-editor');
    await diff.waitFor({ timeout: 20_000 });
    const title = page.locator('.editor-group-container.active .editor-actions');
    for (const label of ['Accept Candidate', 'Next Candidate', 'Dismiss Suggestion'])
      await title.locator(`[aria-label^="${label}"]`).first().waitFor({ timeout: 10_000 });
    await page.waitForTimeout(800);
    await screenshot(page, 'suggestion-diff-editor');
    // Word-level: VS Code marks the changed characters inside changed lines.
    assert.ok(
      (await diff.locator('.char-insert, .char-delete').count()) > 0,
      'the diff editor marks the changed words',
    );
    await page.keyboard.press('Control+W');
  });

  it('Accept → Ctrl+Z: the CodeLens, the status bar, the panel and history say "undone"', async () => {
    const { page } = wb;
    const frame = webviewFrame(page);
    await lens(page, /^✓ Accept best/).click();
    await lensRow(page, /✓ Accepted #\d+/).waitFor({ timeout: 20_000 });
    await frame.locator('[data-testid=suggestion-state][data-state=accepted]').waitFor({ timeout: 20_000 });
    await page
      .locator('.statusbar-item', { hasText: /Accepted #\d+/ })
      .first()
      .waitFor({ timeout: 10_000 });
    assert.doesNotMatch(await lensTitles(page), /Accept best/, 'no second "Accept best" after the accept');
    await screenshot(page, 'suggestion-accepted');

    await promptEditor(page).locator('.view-line').first().click();
    await page.keyboard.press('Control+Z');
    await lensRow(page, /↶ Undone #\d+/).waitFor({ timeout: 20_000 });
    await frame.locator('[data-testid=suggestion-state][data-state=undone]').waitFor({ timeout: 20_000 });
    await page
      .locator('.statusbar-item', { hasText: /Undone #\d+/ })
      .first()
      .waitFor({ timeout: 10_000 });
    await frame.locator('.history', { hasText: /undone #\d+/ }).waitFor({ timeout: 10_000 });
    assert.doesNotMatch(
      await frame.locator('[data-testid=notice]').innerText(),
      /Accepted #/,
      'the "Accepted" notice does not outlive the undo',
    );
    const runsDir = path.join(wb.workspaceDir, '.whetstone', 'runs');
    const log = fs
      .readdirSync(runsDir, { recursive: true })
      .map(String)
      .filter((f) => f.endsWith('.jsonl'))
      .map((f) => fs.readFileSync(path.join(runsDir, f), 'utf8'))
      .join('\n');
    assert.match(log, /"kind":"undone"/, 'the undo is recorded in the run log');
    // Undo put the cursor at the end of the long line it restored (VS Code reveals it, scrolling sideways): back home.
    await page.keyboard.press('Control+Home');
    await page.waitForTimeout(500);
    await screenshot(page, 'suggestion-undone');
  });
});
