/**
 * The user journey's first job: right-click a prompt file in the Explorer → "Optimize Prompt…" → APO in the method
 * picker → the job runs against the local simulator, announces that it finished, and leaves its run log on disk.
 * Before it: the same menu offers one way to run the prompt's tests (VS Code's "Run Tests", through our controller).
 */
import * as assert from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  explorerItem,
  openWorkbench,
  pickContextMenu,
  quickPick,
  rightClickExplorerItem,
  screenshot,
  setTheme,
  waitForNotification,
  type Workbench,
} from '../lib/fixture';

interface RunLogLine {
  kind: string;
  method?: string;
  promptFile?: string;
  event?: { type: string };
}

function runLogs(workspaceDir: string): string[] {
  const root = path.join(workspaceDir, '.whetstone', 'runs');
  if (!fs.existsSync(root)) return [];
  return (fs.readdirSync(root, { recursive: true }) as string[])
    .filter((f) => f.endsWith('.jsonl'))
    .map((f) => path.join(root, f));
}

/** The example sidecar with two APO rounds: the default six take long on a busy 2-core machine. */
const quickSidecar = `${fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'workspace', 'reviews.whetstone.yaml'), 'utf8').trimEnd()}
params:
  rounds: 2
`;

describe('Optimize Prompt… from the Explorer', () => {
  let wb: Workbench;
  before(async () => {
    wb = await openWorkbench({ files: { 'reviews.whetstone.yaml': quickSidecar } });
  });
  after(async () => wb?.close());

  it('the Explorer menu has one entry that runs prompt tests, before and after activation; its run marks the gutter', async () => {
    const { page } = wb;
    const runTestLabels = async () => {
      const menu = page.locator('.context-view .monaco-menu');
      // The first menu can open before the extension's items are in: reopen until "Optimize Prompt…" is there.
      let labels: string[] = [];
      for (let attempt = 0; attempt < 30 && !labels.includes('Optimize Prompt…'); attempt++) {
        if (attempt) {
          await page.keyboard.press('Escape');
          await page.waitForTimeout(500);
        }
        await rightClickExplorerItem(page, 'reviews.prompt.yml');
        labels = (await menu.getByRole('menuitem').allInnerTexts()).map((t) => t.split('\n')[0].trim());
      }
      return labels.filter((l) => /run.*tests/i.test(l));
    };
    // Before any prompt file is open the extension is not active and VS Code has no test controller: ours shows.
    assert.strictEqual((await runTestLabels()).length, 1);
    await page.keyboard.press('Escape');

    // Opening the file activates the extension; its test controller makes VS Code add its own "Run Tests".
    await explorerItem(page, 'reviews.prompt.yml').dblclick();
    await page.locator('.codelens-decoration', { hasText: 'Run tests' }).first().waitFor({ timeout: 60_000 });
    assert.deepStrictEqual(await runTestLabels(), ['Run Tests']);
    await screenshot(page, 'explorer-context-menu-run-tests');
    const chatsBefore = wb.sim.taskStats.chat;
    await pickContextMenu(page, 'Run Tests');

    // The run goes through Whetstone's test controller: the cases reach the simulator, and the editor's gutter shows
    // a verdict on the rows' lines.
    const verdicts = page.locator(
      '.monaco-editor .glyph-margin-widgets [class*="testing-passed-icon"], .monaco-editor .glyph-margin-widgets [class*="testing-failed-icon"]',
    );
    await verdicts.first().waitFor({ timeout: 60_000 });
    await screenshot(page, 'explorer-run-tests-gutter');
    assert.ok(
      wb.sim.taskStats.chat - chatsBefore >= 24,
      `${wb.sim.taskStats.chat - chatsBefore} chat calls for 24 cases`,
    );
    await page.keyboard.press('Control+w');
  });

  it('{{review}} is coloured apart from the prompt text around it in the light theme', async () => {
    const { page } = wb;
    await explorerItem(page, 'reviews.prompt.yml').dblclick();
    await setTheme(page, 'Default Light Modern');
    // Line 13 of the example: `Review: {{review}}` inside a YAML block scalar.
    const line = page.locator('.monaco-editor .view-line', { hasText: 'Review: {{review}}' }).first();
    await line.waitFor({ timeout: 30_000 });
    // Each token is a span with its theme colour (spaces may render as U+00A0, hence the normalizing).
    // The theme's token colours arrive after the text is painted: read until the variable's span has one (10 s).
    const readTokens = () =>
      line.locator('span span').evaluateAll((spans) =>
        spans.map((el) => ({
          text: (el.textContent ?? '').replace(/\u00a0/g, ' '),
          color: getComputedStyle(el).color,
        })),
      );
    let tokens = await readTokens();
    for (let i = 0; i < 50 && tokens.find((t) => t.text === 'review')?.color !== 'rgb(38, 127, 153)'; i++) {
      await page.waitForTimeout(200);
      tokens = await readTokens();
    }
    const variable = tokens.find((t) => t.text === 'review')?.color;
    const text = tokens.find((t) => t.text.includes('Review:'))?.color;
    await line.scrollIntoViewIfNeeded();
    await screenshot(page, 'variable-colour-light-modern');
    assert.strictEqual(variable, 'rgb(38, 127, 153)', 'Light Modern teal (#267F99) for template variables');
    assert.ok(text && text !== variable, JSON.stringify(tokens));
    await page.keyboard.press('Control+w');
  });

  it('runs APO on reviews.prompt.yml to the end and writes its run log under .whetstone/runs/', async () => {
    const { page } = wb;
    assert.deepStrictEqual(runLogs(wb.workspaceDir), [], 'the fixture workspace starts without runs');

    await rightClickExplorerItem(page, 'reviews.prompt.yml');
    await pickContextMenu(page, 'Optimize Prompt…');
    // The picker lists APO at once and fills in its availability and estimate when checked: pick it when ready.
    await quickPick(page, 'APO', { rowText: /✓/ });

    const finished = await waitForNotification(
      page,
      /Optimization (finished|of reviews\.prompt\.yml failed|of .* cancelled)/,
      180_000,
    );
    await screenshot(page, 'optimize-from-explorer-finished');
    assert.match(
      finished,
      /^Optimization finished: best \d\.\d\d \([+−-]?\d/,
      `the job did not finish cleanly: ${finished}`,
    );

    const logs = runLogs(wb.workspaceDir);
    assert.strictEqual(logs.length, 1, `one run log expected, found: ${logs.join(', ') || 'none'}`);
    assert.strictEqual(path.basename(path.dirname(logs[0])) !== 'runs', true, 'the log sits in a per-prompt folder');
    const lines = fs
      .readFileSync(logs[0], 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as RunLogLine);
    assert.strictEqual(lines[0].kind, 'header');
    assert.strictEqual(lines[0].method, 'apo');
    assert.match(String(lines[0].promptFile), /reviews\.prompt\.yml$/);
    const terminal = lines.filter(
      (l) => l.kind === 'event' && ['done', 'failed', 'cancelled'].includes(l.event?.type ?? ''),
    );
    assert.deepStrictEqual(
      terminal.map((l) => l.event?.type),
      ['done'],
    );
    assert.ok(
      lines.some((l) => l.kind === 'call'),
      'the log records the LLM calls (for resume)',
    );

    // The job really went over HTTP to the simulator set in the user settings.
    assert.ok(
      (wb.sim.stats.byPath['/v1/chat/completions'] ?? 0) > 0,
      `no chat calls reached the simulator: ${JSON.stringify(wb.sim.stats.byPath)}`,
    );
    assert.ok(
      (wb.sim.taskStats.structured.prompt_candidates ?? 0) > 0,
      `APO never asked for candidates: ${JSON.stringify(wb.sim.taskStats)}`,
    );
  });
});
