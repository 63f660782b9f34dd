/**
 * The in-place suggestion at two sizes, at 1400×900 with the results panel open (issue 14): after APO on a one-line
 * prompt and on a twenty-line prompt (src/sim/suggestion-prompts.ts), the editor paints the prompt's own lines, never
 * scrolls sideways, strikes the removed words, shows the added words inside the lines they go in, and shows new lines
 * as a marker under the line they follow — never glued to another line's end.
 */
import { strict as assert } from 'node:assert';
import { createSimulatedTask } from '../../../src/sim/task';
import { oneLinePromptYml, twentyLinePromptYml } from '../../../src/sim/suggestion-prompts';
import { openWorkbench, screenshot, webviewFrame, type Workbench } from '../lib/fixture';
import {
  describeLines,
  optimizeWithApo,
  promptEditor,
  snapshotEditor,
  type EditorSnapshot,
  type PaintedLine,
} from '../lib/suggestionView';

/** The 1-based number of the first line of `text` that contains `needle`. */
function lineOf(text: string, needle: string): number {
  const index = text.split('\n').findIndex((l) => l.includes(needle));
  assert.ok(index >= 0, `the fixture has a line with "${needle}"`);
  return index + 1;
}

/** Tolerance for "no wider than the editor": Monaco adds half a character of slack. */
const SLACK_PX = 12;

/** The painted lines whose text contains `text` (a wrapped line is several painted lines). */
function linesWith(snapshot: EditorSnapshot, text: string): PaintedLine[] {
  // A wrapped row starts with the line's indentation again: compare with runs of spaces as one.
  return snapshot.lines.filter((l) => l.text.replace(/\s+/g, ' ').includes(text));
}

/** The editor scrolled to file line `line` (1-based): a second screenshot, and the lines of both views (by number). */
async function scrolledToLine(wb: Workbench, before: EditorSnapshot, line: number, shot: string) {
  const editor = promptEditor(wb.page);
  // Focus the text (the minimap at the right edge takes clicks without focusing the editor), then Go to Line, which
  // reveals the line in the middle of the view as a reader jumping there would see it.
  await editor.locator('.view-line').first().click();
  await wb.page.keyboard.press('Control+G');
  const input = wb.page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: 10_000 });
  await input.fill(`:${line}`);
  await wb.page.keyboard.press('Enter');
  await wb.page.waitForTimeout(1_000);
  await screenshot(wb.page, shot);
  const after = await snapshotEditor(editor);
  console.log(describeLines(after.lines).replace(/^/gm, '        '));
  const seen = new Set(after.lines.map((l) => l.number));
  return { after, lines: [...before.lines.filter((l) => !seen.has(l.number)), ...after.lines] };
}

function assertNoSidewaysScroll(snapshot: EditorSnapshot): void {
  assert.ok(
    snapshot.contentWidth <= snapshot.clientWidth + SLACK_PX,
    `the content is ${snapshot.contentWidth} px wide in a ${snapshot.clientWidth} px editor`,
  );
  assert.equal(snapshot.scrollsSideways, false, 'the horizontal scrollbar is hidden');
  assert.equal(snapshot.sliderLeft, 0, 'the view did not scroll sideways');
}

async function suggestAfterApo(wb: Workbench, file: string, shot: string): Promise<EditorSnapshot> {
  const { page } = wb;
  assert.deepEqual(page.viewportSize(), { width: 1400, height: 900 });
  const frame = webviewFrame(page);
  await optimizeWithApo(
    page,
    file,
    frame.locator('[data-testid=run-status]', { hasText: /^(done|stopped at the budget)$/ }),
  );
  await frame.locator('#app').waitFor();
  const editor = promptEditor(page);
  await screenshot(page, shot);
  const snapshot = await snapshotEditor(editor);
  console.log(
    `      editor ${snapshot.clientWidth} px, content ${snapshot.contentWidth} px, ${snapshot.lines.length} lines`,
  );
  console.log(describeLines(snapshot.lines).replace(/^/gm, '        '));
  return snapshot;
}

describe('the suggestion in place, one line (real workbench, 1400×900, panel open)', function () {
  this.timeout(300_000);
  let wb: Workbench;
  before(async () => {
    wb = await openWorkbench({
      files: {
        'one-line.prompt.yml': oneLinePromptYml(),
        'one-line.whetstone.yaml': createSimulatedTask().sidecarText,
      },
    });
  });
  after(async () => wb?.close());

  it('APO on a one-line prompt: its words struck and added inside that line, no sideways scroll', async () => {
    const snapshot = await suggestAfterApo(wb, 'one-line.prompt.yml', 'suggestion-one-line-1400x900');
    const all = describeLines(snapshot.lines);
    assert.ok(linesWith(snapshot, 'You classify product reviews').length > 0, `the prompt's line is painted:\n${all}`);
    assert.ok(linesWith(snapshot, 'role: user').length > 0, `the file around it is painted:\n${all}`);
    assertNoSidewaysScroll(snapshot);
    // The wordy "Please make sure to answer" is struck and "Answer" shown in its place, on the prompt's line.
    const struck = snapshot.lines.flatMap((l) => l.struck).join(' ');
    assert.match(struck, /Please make sure to/, `struck words:\n${all}`);
    const injected = snapshot.lines.flatMap((l) => l.injected);
    assert.ok(
      linesWith(snapshot, 'lowercase word').some((l) => l.injected.some((t) => /^Answer\b/.test(t.trim()))),
      `"Answer" is added in the line that had "Please make sure to answer":\n${all}`,
    );
    // The added rule goes at the end of the prompt's line (a one-line prompt stays one line), wrapped with it.
    const promptLines = snapshot.lines.filter((l) => l.struck.length || l.injected.length);
    assert.match(
      promptLines.flatMap((l) => l.injected).join(''),
      /sarcastic|mixed|neutral/i,
      `the added rule is shown in the prompt's line:\n${all}`,
    );
    assert.ok(!injected.some((t) => /new line/.test(t)), `a one-line suggestion adds no lines:\n${all}`);
  });
});

describe('the suggestion in place, twenty lines (real workbench, 1400×900, panel open)', function () {
  this.timeout(300_000);
  let wb: Workbench;
  before(async () => {
    wb = await openWorkbench({
      files: { 'long.prompt.yml': twentyLinePromptYml(), 'long.whetstone.yaml': createSimulatedTask().sidecarText },
    });
  });
  after(async () => wb?.close());

  it('APO on a twenty-line prompt: words changed on each line in place, new lines marked, no sideways scroll', async () => {
    const top = await suggestAfterApo(wb, 'long.prompt.yml', 'suggestion-twenty-lines-1400x900');
    assertNoSidewaysScroll(top);
    // The prompt's last lines and the new-lines marker are below the fold: scroll down as a reader would.
    const { after, lines } = await scrolledToLine(
      wb,
      top,
      lineOf(twentyLinePromptYml(), 'punctuation to the label'),
      'suggestion-twenty-lines-end-1400x900',
    );
    const snapshot: EditorSnapshot = { ...after, lines };
    const all = describeLines(snapshot.lines);
    // The prompt's own lines are painted (the words they keep).
    for (const kept of ['a careful assistant', 'the whole review before you decide', 'never add punctuation'])
      assert.ok(linesWith(snapshot, kept).length > 0, `"${kept}" is painted:\n${all}`);
    assertNoSidewaysScroll(snapshot);
    // Each wordy opening is struck on its own line and its replacement added there.
    const changed: [string, RegExp, RegExp][] = [
      ['the whole review before you decide', /Please make sure to/, /^Read\b/],
      ['with one lowercase word', /It is important that you/, /^Answer\b/],
      ['weigh what the reviewer says', /In order to/, /^To\b/],
      ['never add punctuation', /It is important that you/, /^Never\b/],
    ];
    for (const [kept, removed, added] of changed) {
      const line = linesWith(snapshot, kept);
      assert.ok(
        line.some((l) => removed.test(l.struck.join(' '))),
        `"${removed.source}" is struck in "${kept}":\n${all}`,
      );
      assert.ok(
        line.some((l) => l.injected.some((t) => added.test(t.trim()))),
        `"${added.source}" is added in "${kept}":\n${all}`,
      );
    }
    const struckLines = snapshot.lines.filter((l) => l.struck.length > 0).length;
    assert.ok(struckLines >= 15, `${struckLines} lines show struck words:\n${all}`);
    // The new rules are not glued to the last line: that line carries only the marker saying lines follow.
    const last = linesWith(snapshot, 'punctuation to the label');
    assert.ok(
      last.some((l) => l.injected.some((t) => /^\+\d+ new lines? below$/.test(t.trim()))),
      `the new lines are marked under the prompt's last line:\n${all}`,
    );
    const injected = snapshot.lines.flatMap((l) => l.injected).join(' | ');
    assert.doesNotMatch(injected, /sarcas|mixed|irony/i, 'the added rules are not injected into another line');
  });
});
