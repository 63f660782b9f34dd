/**
 * The packaged extension as a user gets it: dist-vsix/whetstone-linux-x64.vsix installed with
 * `code-server --install-extension` into the run's own extensions dir, the workbench started WITHOUT the repo's
 * unpackaged extension, then open a prompt file → Optimize Prompt… → APO against the local simulator → Accept.
 */
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { chooseRegion, parsePromptFile, replaceOptimizableRegion } from '../../../src/core/documents';
import { parseRunText } from '../../../src/core/runs';
import { createSimulatedTask } from '../../../src/sim/task';
import { vsixPath } from '../lib/paths';
import {
  clickDialogButton,
  openWorkbench,
  pickContextMenu,
  quickPick,
  rightClickExplorerItem,
  screenshot,
  webviewFrame,
  type Workbench,
} from '../lib/fixture';

describe('VSIX smoke test (installed linux-x64 package, no unpackaged extension)', function () {
  this.timeout(240_000);
  let wb: Workbench;

  before(async () => {
    // The simulator's scripted review task: its prompt misses rules, so APO finds a better candidate to accept.
    const task = createSimulatedTask();
    wb = await openWorkbench({
      vsix: vsixPath,
      files: {
        'reviews.prompt.yml': task.promptText,
        'reviews.whetstone.yaml': task.sidecarText.replace(/rounds: \d+/, 'rounds: 2'),
      },
    });
  });
  after(async () => wb?.close());

  it('installs into its own extensions dir with only what runs', () => {
    assert.match(String(wb.installedExtension), /^whetstone\.whetstone-\d+\.\d+\.\d+(-linux-x64)?$/);
    const root = path.join(wb.extensionsDir, String(wb.installedExtension));
    const registry = fs.readFileSync(path.join(wb.extensionsDir, 'extensions.json'), 'utf8');
    assert.match(
      registry,
      /"id":"whetstone\.whetstone".*"source":"vsix"/,
      'VS Code registered it as installed from a VSIX',
    );
    const manifest = execFileSync('unzip', ['-p', vsixPath, 'extension.vsixmanifest'], { encoding: 'utf8' });
    assert.match(manifest, /TargetPlatform="linux-x64"/, 'the package is the linux-x64 one');
    for (const f of ['package.json', 'dist/extension.js', 'dist/llama-worker.mjs', 'media/icon.png'])
      assert.ok(fs.existsSync(path.join(root, f)), `${f} is installed`);
    const modules = fs.readdirSync(path.join(root, 'node_modules'));
    assert.deepEqual(modules.sort(), ['@node-llama-cpp', 'node-llama-cpp']);
    assert.deepEqual(fs.readdirSync(path.join(root, 'node_modules', '@node-llama-cpp')), ['linux-x64']);
    assert.ok(!fs.existsSync(path.join(root, 'src')), 'no sources');
  });

  it('open a prompt file → Optimize Prompt… → APO → Accept writes the best candidate', async () => {
    const { page, workspaceDir } = wb;
    const file = path.join(workspaceDir, 'reviews.prompt.yml');
    const original = fs.readFileSync(file, 'utf8');

    await rightClickExplorerItem(page, 'reviews.prompt.yml');
    await pickContextMenu(page, 'Optimize Prompt…');
    await page
      .locator('.quick-input-widget .monaco-list-row', { hasText: /est\./ })
      .first()
      .waitFor({ timeout: 30_000 });
    await quickPick(page, 'APO');
    await clickDialogButton(page, 'Start Anyway');

    const frame = webviewFrame(page);
    await frame
      .locator('[data-testid=run-status]', { hasText: /^(done|stopped at the budget)$/ })
      .waitFor({ timeout: 180_000 });
    const runsDir = path.join(workspaceDir, '.whetstone', 'runs');
    const runFile = fs
      .readdirSync(runsDir, { recursive: true })
      .map(String)
      .filter((f) => f.endsWith('.jsonl'))
      .map((f) => path.join(runsDir, f))[0];
    const best = parseRunText(runFile, fs.readFileSync(runFile, 'utf8'), false)?.result?.best;
    assert.ok(
      best && best.id !== 0,
      `APO on the simulated task finds a better candidate; best: ${JSON.stringify(best)}`,
    );

    await frame.locator(`tr[data-candidate="${best.id}"]`).click();
    await frame.locator('[data-testid=diff]').waitFor();
    // The marketplace screenshot (media/screenshot-panel.png) is taken from this run: the extension as installed.
    await screenshot(page, 'vsix-installed-results');
    await frame.locator('vscode-button[data-action=accept]').click();
    await frame.locator('[data-testid=notice]', { hasText: /Accepted #/ }).waitFor({ timeout: 20_000 });
    const doc = parsePromptFile(file, original);
    const region = chooseRegion(doc).region;
    assert.ok(region);
    const expected = replaceOptimizableRegion({ ...doc, optimizable: region }, best.prompt);
    assert.notEqual(expected, original);
    assert.equal(fs.readFileSync(file, 'utf8'), expected, 'the file holds the candidate in the region, nothing else');
    assert.ok(
      (wb.sim.stats.byPath['/v1/chat/completions'] ?? 0) > 0,
      `the installed extension called the simulator: ${JSON.stringify(wb.sim.stats.byPath)}`,
    );
  });
});
