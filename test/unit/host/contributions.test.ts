/**
 * package.json's menus (issue 14): VS Code adds its own "Run Tests" (testing.run.uri) to the Explorer menu as soon as
 * a test controller has a run profile, and "Run Tests in Current File" to the editor menu when the editor has tests —
 * ours does once the extension is active, and both built-in entries run our profile. So "Run Prompt Tests" shows only
 * while VS Code's own entry does not (before activation, or a file without test cases): one entry, never two.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';

interface MenuEntry {
  command: string;
  when?: string;
}
interface Manifest {
  contributes: { commands: { command: string; title: string }[]; menus: Record<string, MenuEntry[]> };
}

const manifest = JSON.parse(
  fs.readFileSync(path.join(__dirname, '..', '..', '..', 'package.json'), 'utf8'),
) as Manifest;
const titleOf = (command: string) => manifest.contributes.commands.find((c) => c.command === command)?.title ?? '';

describe('package.json contributions', () => {
  const hiddenWhen: Record<string, string> = {
    'explorer/context': '!testing.hasRunnableTests',
    'editor/context': '!testing.activeEditorHasTests',
  };
  for (const [menu, condition] of Object.entries(hiddenWhen)) {
    it(`${menu}: "Run Prompt Tests" gives way to VS Code's own test entry (${condition})`, () => {
      const entries = manifest.contributes.menus[menu].filter((e) => /run.*tests?/i.test(titleOf(e.command)));
      assert.deepEqual(
        entries.map((e) => e.command),
        ['whetstone.runTests'],
      );
      assert.ok(entries[0].when?.split(' && ').includes(condition), entries[0].when);
    });
  }

  it('Run Prompt Tests stays a command (palette, CodeLens, walkthrough), and Re-run is contributed', () => {
    assert.equal(titleOf('whetstone.runTests'), 'Run Prompt Tests');
    assert.equal(titleOf('whetstone.rerun'), 'Re-run Optimization…');
  });
});
