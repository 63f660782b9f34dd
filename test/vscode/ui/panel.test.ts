/**
 * The results panel in a real workbench (code-server + Chromium) against the local simulator: a user optimizes
 * reviews.prompt.yml with APO, reviews candidates and the diff, accepts (the file holds the candidate, everything else
 * byte-identical), undoes (original bytes back). A run log holding hostile strings renders them as text and runs nothing.
 * Screenshots in dark and light themes go to test/artifacts/.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { chooseRegion, parsePromptFile, replaceOptimizableRegion } from '../../../src/core/documents';
import { parseRunText } from '../../../src/core/runs';
import { distinctKey } from '../../../src/protocol';
import { createSimulatedTask } from '../../../src/sim/task';
import {
  explorerItem,
  openWorkbench,
  pickContextMenu,
  quickPick,
  rightClickExplorerItem,
  runCommand,
  screenshot,
  setTheme,
  webviewFrame,
  type Page,
  type Workbench,
} from '../lib/fixture';

const XSS_SCRIPT = '<script>window.__xss = 1</script>';
const XSS_IMG = '<img src=x onerror="window.__xss = 2; alert(2)">';

/** The editor group showing `name` gets focus, then the keys go to its text. */
async function focusEditorOf(page: Page, name: string): Promise<void> {
  await explorerItem(page, name).click();
  const editor = page
    .locator('.editor-instance .monaco-editor')
    .filter({ has: page.locator('.view-lines') })
    .first();
  await editor.waitFor({ timeout: 20_000 });
  await page.locator(`.tabs-container .tab[aria-label^="${name}"]`).first().click();
  await page.locator('.editor-group-container.active .monaco-editor .view-lines').first().click();
}

function hostileRunLog(
  promptFile: string,
  original: string,
  runId = '20261127-100000-apo-beef',
  promptName = 'xss-probe',
): string {
  const candidate = (id: number, prompt: string, extra: Record<string, unknown> = {}) => ({
    id,
    parent: id === 0 ? null : 0,
    round: id === 0 ? 0 : 1,
    prompt,
    origin: { kind: id === 0 ? 'baseline' : 'edit', why: id ? `because ${XSS_IMG}` : undefined },
    status: 'scored',
    tokens: 12,
    costUsd: 0,
    ...extra,
  });
  const events = [
    { type: 'started', runId, method: 'apo', at: '2026-11-27T10:00:00.000Z' },
    { type: 'candidate', candidate: candidate(0, original, { score: 0.5 }) },
    { type: 'round', round: 1, of: 1 },
    {
      type: 'candidate',
      candidate: candidate(1, `${original}\n${XSS_SCRIPT}\n${XSS_IMG}`, { score: 0.75, status: 'best' }),
    },
    {
      type: 'candidate',
      candidate: candidate(2, XSS_SCRIPT, { status: 'rejected', rejectedReason: `broke variable ${XSS_IMG}` }),
    },
    {
      type: 'done',
      result: {
        runId,
        method: 'apo',
        baseline: { score: 0.5 },
        best: { id: 1, score: 0.75, prompt: `${original}\n${XSS_SCRIPT}\n${XSS_IMG}` },
        rounds: [{ round: 1, best: 0.75, candidates: 2, calls: 4 }],
        used: { calls: 4, cachedCalls: 0, tokens: 100, costUsd: 0, seconds: 1 },
        stopReason: 'done',
      },
    },
  ];
  const header = {
    kind: 'header',
    version: 1,
    runId,
    method: 'apo',
    seed: 0,
    preset: 'default',
    params: {},
    promptFile,
    promptName,
    originalRegion: original,
    started: '2026-11-27T10:00:00.000Z',
    budget: { calls: 10 },
    split: { train: [0], validation: [] },
    rows: 1,
    evaluators: [],
    roles: {},
  };
  return [header, ...events.map((event) => ({ kind: 'event', event }))].map((l) => JSON.stringify(l)).join('\n') + '\n';
}

/**
 * The table after a real run: one row per distinct text, a reason on every row that did not win, tokens / cost /
 * calls per row, and a chart whose x axis holds exactly the rounds that ran.
 */
async function assertCandidateTable(page: Page, record: NonNullable<ReturnType<typeof parseRunText>>): Promise<void> {
  const frame = webviewFrame(page);
  const latest = new Map<number, { prompt: string; round: number; score?: number; status: string }>();
  for (const e of record.events) if (e.type === 'candidate') latest.set(e.candidate.id, e.candidate);
  const texts = new Set([...latest.values()].map((c) => distinctKey(c.prompt)));
  // A short list first: the dropped are listed on request.
  const fold = frame.locator('[data-testid=fold]');
  const shortList = await frame.locator('tr[data-candidate]').count();
  if (await fold.count()) await fold.click();
  const rows = frame.locator('tr[data-candidate]');
  assert.equal(await rows.count(), texts.size, `one row per distinct text (${latest.size} proposed)`);
  const bestId = record.result?.best.id;
  const cells = await rows.evaluateAll((trs) =>
    trs.map((tr) => ({
      id: Number(tr.getAttribute('data-candidate')),
      reason: tr.querySelector('[data-testid=reason] .reason')?.textContent ?? '',
      tokens: tr.querySelector('.col-tokens')?.textContent ?? '',
      cost: tr.querySelector('.col-cost')?.textContent ?? '',
      calls: tr.querySelector('.col-calls')?.textContent ?? '',
    })),
  );
  console.log(
    `      candidate table: ${shortList} rows at first, ${cells.length} distinct rows of ${latest.size} proposed`,
  );
  for (const c of cells) {
    if (c.id !== bestId) assert.match(c.reason, /^(accepted · |undone · )?[a-z -]+: \S/, `#${c.id}: "${c.reason}"`);
    assert.match(c.tokens, /^[\d,]+ \+ [\d,]+$/, `#${c.id} tokens sent + received: "${c.tokens}"`);
    assert.match(c.cost, /^(—|\$[\d.]+)$/, `#${c.id} cost: "${c.cost}"`);
    assert.match(c.calls, /^\d+/, `#${c.id} calls: "${c.calls}"`);
  }
  const heads = await frame.locator('.candidates th').allInnerTexts();
  for (const head of ['tokens', 'cost', 'calls', 'status']) assert.ok(heads.includes(head), `a ${head} column`);
  // Rounds that ran: those the engine finished, and any a scored candidate belongs to (never the planned total).
  const scoredRounds = [...latest.values()].filter((c) => c.score !== undefined && c.status !== 'rejected');
  const ran = Math.max(0, ...(record.result?.rounds ?? []).map((r) => r.round), ...scoredRounds.map((c) => c.round));
  assert.equal(
    await frame.locator('svg.chart').getAttribute('data-rounds'),
    String(ran + 1),
    'the chart draws r0 … the last round that ran',
  );
  assert.equal(await frame.locator('svg.chart text.tick', { hasText: /^r\d+$/ }).count(), ran + 1);
  await frame.locator('[data-testid=summary-stop]').waitFor();
  await frame.locator('.candidates').scrollIntoViewIfNeeded();
  await screenshot(page, 'panel-candidates');
  if (await fold.count()) await fold.click(); // back to the short list
}

describe('results panel (real workbench)', function () {
  this.timeout(240_000);
  let wb: Workbench;
  const dialogs: string[] = [];

  before(async () => {
    // The simulator's scripted review task: the original prompt misses rules, so APO finds better candidates.
    const task = createSimulatedTask();
    wb = await openWorkbench({
      files: {
        'reviews.prompt.yml': task.promptText,
        'reviews.whetstone.yaml': task.sidecarText.replace(/rounds: \d+/, 'rounds: 2'),
      },
    });
    wb.page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
  });
  after(async () => wb?.close());

  it('optimize → candidates and diff → Accept writes only the region → Undo restores the original bytes', async () => {
    const { page, workspaceDir } = wb;
    const file = path.join(workspaceDir, 'reviews.prompt.yml');
    const originalBytes = fs.readFileSync(file);

    await rightClickExplorerItem(page, 'reviews.prompt.yml');
    await pickContextMenu(page, 'Optimize Prompt…');
    // The method list is re-rendered once availability and estimates are known; pick after that, or the click is lost.
    await page
      .locator('.quick-input-widget .monaco-list-row', { hasText: /est\./ })
      .first()
      .waitFor({ timeout: 30_000 });
    await quickPick(page, 'APO');
    // If the estimate exceeds the budget the host asks once; the job then stops at the budget with the best so far.
    const startAnyway = page.locator('.monaco-dialog-box').getByRole('button', { name: 'Start Anyway' });
    if (
      await startAnyway.waitFor({ timeout: 5_000 }).then(
        () => true,
        () => false,
      )
    )
      await startAnyway.click();

    const frame = webviewFrame(page);
    const status = frame.locator('[data-testid=run-status]');
    await status.waitFor({ timeout: 60_000 });
    await frame
      .locator('[data-testid=run-status]', { hasText: /^(done|stopped at the budget)$/ })
      .waitFor({ timeout: 150_000 });
    await setTheme(page, 'Default Dark Modern');
    const firstRenderMs = await frame
      .locator('#app[data-first-render-ms]')
      .getAttribute('data-first-render-ms', { timeout: 10_000 });
    const breakdown = await frame.locator('#app').getAttribute('data-render-breakdown');
    console.log(`      results panel first render: ${firstRenderMs} ms from panel creation to 'rendered' ${breakdown}`);

    await screenshot(page, 'panel-dark');
    const rows = frame.locator('tr[data-candidate]');
    assert.ok(
      (await rows.count()) >= 2,
      `the baseline and at least one candidate are listed; the panel shows: ${await frame.locator('#app').innerText()}`,
    );
    await frame.locator('[data-testid=diff]').waitFor();

    // The run's best candidate is what Accept writes by default (the details pane follows the best).
    const runsDir = path.join(workspaceDir, '.whetstone', 'runs');
    const runFile = fs
      .readdirSync(runsDir, { recursive: true })
      .map(String)
      .filter((f) => f.endsWith('.jsonl'))
      .map((f) => path.join(runsDir, f))[0];
    const record = parseRunText(runFile, fs.readFileSync(runFile, 'utf8'), false);
    assert.ok(record?.result, 'the run finished with a result');
    const best = record.result.best;
    await assertCandidateTable(page, record);

    await frame.locator('tr[data-candidate="' + best.id + '"]').click();
    await frame.locator('vscode-button[data-action=accept]').click();
    if (best.id === 0) {
      // Nothing beat the baseline: Accept is disabled, nothing changes.
      assert.deepEqual(fs.readFileSync(file), originalBytes);
      return;
    }
    await frame.locator('[data-testid=notice]', { hasText: /Accepted #/ }).waitFor({ timeout: 20_000 });

    const original = originalBytes.toString('utf8');
    const doc = parsePromptFile(file, original);
    const region = chooseRegion(doc).region;
    assert.ok(region);
    const expected = replaceOptimizableRegion({ ...doc, optimizable: region }, best.prompt);
    const written = fs.readFileSync(file, 'utf8');
    assert.equal(written, expected, 'the file holds the candidate in the region and nothing else changed');
    assert.ok(written.includes('{{review}}'), 'variables unchanged');
    assert.equal(
      written.slice(0, written.indexOf('messages:')),
      original.slice(0, original.indexOf('messages:')),
      'header keys unchanged',
    );
    assert.equal(
      written.slice(written.indexOf('testData:')),
      original.slice(original.indexOf('testData:')),
      'test data and evaluators unchanged',
    );
    const log = fs.readFileSync(runFile, 'utf8');
    assert.match(
      log,
      new RegExp(`"kind":"accepted","runId":"[^"]+","candidateId":${best.id}`),
      'the acceptance is in the run log',
    );

    await focusEditorOf(page, 'reviews.prompt.yml');
    await page.keyboard.press('Control+Z');
    await page.keyboard.press('Control+S');
    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline && !fs.readFileSync(file).equals(originalBytes)) await page.waitForTimeout(200);
    assert.ok(fs.readFileSync(file).equals(originalBytes), 'Undo + Save restores the original bytes');

    // Back to the panel: its webview was hidden behind the editor, so it reloads and restores its UI state.
    await page.locator('.tabs-container .tab', { hasText: 'Whetstone: reviews.prompt.yml' }).first().click();
    await frame.locator('[data-testid=run-status]').waitFor({ timeout: 30_000 });
    assert.match(
      await frame.locator('tr[data-candidate="' + best.id + '"]').innerText(),
      /undone/,
      'after a reload the candidate reads "undone": the accept was taken back with Ctrl+Z',
    );
    assert.match(await frame.locator('.history').innerText(), new RegExp(`undone #${best.id}`));
    await setTheme(page, 'Default Light Modern');
    await page.waitForTimeout(500);
    await screenshot(page, 'panel-light');
    await frame.locator('[data-action=diffSplit]').click();
    await frame.locator('[data-action=toggleExamples]').click();
    await frame.locator('.examples-table').waitFor();
    await screenshot(page, 'panel-light-split-examples');
    await runCommand(page, 'Preferences: Color Theme');
    await page.locator('.quick-input-widget input').fill('Dark High Contrast');
    await quickPick(page, /^\s*Dark High Contrast$/);
    await page.waitForFunction(
      () => document.querySelector('.monaco-workbench')?.classList.contains('hc-black') === true,
      null,
      { timeout: 10_000 },
    );
    await page.waitForTimeout(500);
    await screenshot(page, 'panel-high-contrast');
    await setTheme(page, 'Default Dark Modern');
  });

  it('renders hostile candidate text from a run log as characters and runs nothing', async () => {
    const { page, workspaceDir } = wb;
    const source = fs
      .readFileSync(path.join(workspaceDir, 'reviews.prompt.yml'), 'utf8')
      .replace(/^name: .*$/m, 'name: xss probe');
    const promptFile = path.join(workspaceDir, 'xss.prompt.yml');
    fs.writeFileSync(promptFile, source);
    const doc = parsePromptFile(promptFile, source);
    const original = chooseRegion(doc).region?.text ?? '';
    const runDir = path.join(workspaceDir, '.whetstone', 'runs', 'xss-probe');
    fs.mkdirSync(runDir, { recursive: true });
    fs.writeFileSync(path.join(runDir, '20261127-100000-apo-beef.jsonl'), hostileRunLog(promptFile, original));

    await explorerItem(page, 'xss.prompt.yml').waitFor({ timeout: 20_000 });
    // A fresh panel (its first render is measured): close the one that would follow the editor to this file.
    await page.locator('.tabs-container .tab', { hasText: 'Whetstone: reviews.prompt.yml' }).first().click();
    await runCommand(page, 'View: Close Editor');
    await focusEditorOf(page, 'xss.prompt.yml');
    await runCommand(page, 'Whetstone: Show Results');

    const frame = webviewFrame(page);
    await frame.locator('.title', { hasText: 'xss.prompt.yml' }).waitFor({ timeout: 30_000 });
    const firstRenderMs = await frame
      .locator('#app[data-first-render-ms]')
      .getAttribute('data-first-render-ms', { timeout: 10_000 });
    const breakdown = await frame.locator('#app').getAttribute('data-render-breakdown');
    console.log(`      results panel first render (Show Results, idle): ${firstRenderMs} ms ${breakdown}`);
    await frame.locator('tr[data-candidate="1"]').click();
    await frame.locator('[data-testid=diff]').waitFor();
    const diffText = await frame.locator('[data-testid=diff]').innerText();
    assert.ok(diffText.includes(XSS_SCRIPT), 'the script tag shows as text');
    assert.ok(diffText.includes(XSS_IMG), 'the img tag shows as text');
    assert.match(
      await frame.locator('tr[data-candidate="2"]').innerText(),
      /rejected: broke variable <img src=x onerror=/,
    );
    assert.equal(
      await frame.locator('#app img, #app script, #app iframe').count(),
      0,
      'no element was made from the payload',
    );
    const xss = await frame.locator('body').evaluate(() => (window as unknown as { __xss?: unknown }).__xss);
    assert.equal(xss, undefined, 'no payload ran');
    assert.deepEqual(dialogs, [], 'no dialog opened');
    await screenshot(page, 'panel-xss');

    // Copy goes through the host (the webview has no clipboard access of its own); Open diff opens VS Code's diff editor.
    await frame.locator('vscode-button[data-action=copy]').click();
    await frame
      .locator('[data-testid=notice]', { hasText: /Copied candidate #1|copy failed/ })
      .waitFor({ timeout: 15_000 });
    console.log(`      copy: ${await frame.locator('[data-testid=notice]').innerText()}`);
    await frame.locator('vscode-button[data-action=openDiff]').click();
    await page
      .locator('.tabs-container .tab', { hasText: 'xss.prompt.yml ↔ candidate #1' })
      .waitFor({ timeout: 20_000 });
    const modified = page.locator(
      '.editor-group-container.active .monaco-diff-editor .editor.modified .view-lines[role=presentation]',
    );
    await modified.waitFor({ timeout: 20_000 });
    assert.ok(
      (await modified.innerText()).replace(/\u00a0/g, ' ').includes('window.__xss = 1'),
      'the diff editor shows the candidate applied to the file',
    );
  });

  it('Accept on a file changed since the run started shows the three versions and writes only when the user chooses', async () => {
    const { page, workspaceDir } = wb;
    const source = fs
      .readFileSync(path.join(workspaceDir, 'xss.prompt.yml'), 'utf8')
      .replace(/^name: .*$/m, 'name: conflict probe');
    const promptFile = path.join(workspaceDir, 'conflict.prompt.yml');
    const doc = parsePromptFile(promptFile, source);
    const region = chooseRegion(doc).region;
    assert.ok(region);
    // The run started from the original text; the user has since edited the region by hand.
    const runId = '20261127-110000-apo-c0de';
    const runDir = path.join(workspaceDir, '.whetstone', 'runs', 'conflict-probe');
    fs.mkdirSync(runDir, { recursive: true });
    fs.writeFileSync(
      path.join(runDir, `${runId}.jsonl`),
      hostileRunLog(promptFile, region.text, runId, 'conflict-probe'),
    );
    const edited = replaceOptimizableRegion(
      { ...doc, optimizable: region },
      'Edited by hand: answer positive, negative or neutral.\n',
    );
    fs.writeFileSync(promptFile, edited);

    await explorerItem(page, 'conflict.prompt.yml').waitFor({ timeout: 20_000 });
    await focusEditorOf(page, 'conflict.prompt.yml');
    await runCommand(page, 'Whetstone: Show Results');
    const frame = webviewFrame(page);
    await frame.locator('.title', { hasText: 'conflict.prompt.yml' }).waitFor({ timeout: 30_000 });
    await frame.locator('tr[data-candidate="1"]').click();
    await frame.locator('vscode-button[data-action=accept]').click();
    await frame.locator('[data-testid=conflict]').waitFor({ timeout: 20_000 });
    assert.equal(
      (await frame.locator('[data-testid=conflict-current]').innerText()).trim(),
      'Edited by hand: answer positive, negative or neutral.',
    );
    assert.equal((await frame.locator('[data-testid=conflict-original]').innerText()).trim(), region.text.trim());
    assert.ok((await frame.locator('[data-testid=conflict-candidate]').innerText()).includes(XSS_SCRIPT));
    assert.equal(fs.readFileSync(promptFile, 'utf8'), edited, 'nothing written before the user chooses');
    await screenshot(page, 'panel-conflict');

    await frame.locator('vscode-button[data-action=keepCurrent]').click();
    await frame.locator('[data-testid=notice]', { hasText: /Kept the current file/ }).waitFor();
    assert.equal(fs.readFileSync(promptFile, 'utf8'), edited, 'Keep the current file writes nothing');

    await frame.locator('vscode-button[data-action=accept]').click();
    await frame.locator('vscode-button[data-action=forceAccept]').click();
    await frame.locator('[data-testid=notice]', { hasText: /Accepted #1/ }).waitFor({ timeout: 20_000 });
    const candidatePrompt = `${region.text}\n${XSS_SCRIPT}\n${XSS_IMG}`;
    const deadline = Date.now() + 10_000;
    const expected = replaceOptimizableRegion(
      { ...parsePromptFile(promptFile, edited), optimizable: chooseRegion(parsePromptFile(promptFile, edited)).region },
      candidatePrompt,
    );
    while (Date.now() < deadline && fs.readFileSync(promptFile, 'utf8') !== expected) await page.waitForTimeout(200);
    assert.equal(
      fs.readFileSync(promptFile, 'utf8'),
      expected,
      'the candidate replaced the region only after the user chose it',
    );
  });

  it('follows the editor: switching to another prompt file shows that prompt’s runs', async () => {
    const { page } = wb;
    const frame = webviewFrame(page);
    // The earlier tests left the panel in its own group beside the editors, as when a job opens it next to the
    // prompt: make an editor's group the active one, so the files below open there and the panel stays visible.
    await page.locator('.tabs-container .tab[aria-label^="conflict.prompt.yml"]').first().click();
    await frame.locator('.title', { hasText: 'conflict.prompt.yml' }).waitFor({ timeout: 30_000 });
    // The last test left the panel on conflict.prompt.yml; the editor moves back to reviews.prompt.yml.
    await focusEditorOf(page, 'reviews.prompt.yml');
    await frame.locator('.title', { hasText: 'reviews.prompt.yml' }).waitFor({ timeout: 30_000 });
    await frame.locator('tr[data-candidate]').first().waitFor({ timeout: 30_000 });
    assert.match((await frame.locator('.title').innerText()).replace(/\s+/g, ' '), /reviews\.prompt\.yml · APO/);
    await page.locator('.tabs-container .tab', { hasText: 'Whetstone: reviews.prompt.yml' }).first().waitFor();
    // xss.prompt.yml has its own panel (the hostile-log test opened it): it comes forward in its group.
    await focusEditorOf(page, 'xss.prompt.yml');
    await page
      .locator('.tabs-container .tab.active', { hasText: 'Whetstone: xss.prompt.yml' })
      .waitFor({ timeout: 30_000 });
    assert.match(await frame.locator('.title').innerText(), /reviews\.prompt\.yml/, 'the other panel stays put');
    await screenshot(page, 'panel-follows-editor');
  });

  it('survives a window reload: the serializer revives the panel and it refetches its data', async () => {
    const { page } = wb;
    // The panel follows the active editor: leave reviews.prompt.yml active, so the restored window does not retarget
    // the reviews panel to whichever prompt happened to be in front (the last test left xss.prompt.yml there).
    await focusEditorOf(page, 'reviews.prompt.yml');
    await page
      .locator('.tabs-container .tab', { hasText: 'Whetstone: reviews.prompt.yml' })
      .first()
      .waitFor({ timeout: 30_000 });
    await page.reload();
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    // Restored panels come back as tabs; a hidden one is revived when it is shown.
    await page
      .locator('.tabs-container .tab', { hasText: 'Whetstone: reviews.prompt.yml' })
      .first()
      .click({ timeout: 60_000 });
    const frame = webviewFrame(page);
    await frame.locator('tr[data-candidate]').first().waitFor({ timeout: 60_000 });
    assert.match(
      (await frame.locator('.title').innerText()).replace(/\s+/g, ' '),
      /reviews\.prompt\.yml · APO · (done|stopped at the budget)/,
    );
    assert.match(
      await frame.locator('.history').innerText(),
      /undone #\d+/,
      'the accept and its undo recorded in the run log are shown',
    );
  });
});
