/**
 * package.json's menus (issue 14): VS Code adds its own "Run Tests" (testing.run.uri) to the Explorer menu, and
 * "Run Tests in Current File" to the editor menu, as soon as a test controller has a run profile — ours does, so
 * contributing "Run Prompt Tests" there too gave two entries for one action. Both built-in entries run our profile.
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
  for (const menu of ['explorer/context', 'editor/context']) {
    it(`${menu} has no test-running entry of ours beside VS Code's own`, () => {
      const entries = manifest.contributes.menus[menu].map((e) => `${e.command} (${titleOf(e.command)})`);
      assert.deepEqual(
        entries.filter((e) => /run.*tests?/i.test(e)),
        [],
      );
      assert.ok(entries.includes('whetstone.optimize (Optimize Prompt…)'), entries.join(', '));
    });
  }

  it('Run Prompt Tests stays a command (palette, CodeLens, walkthrough), and Re-run is contributed', () => {
    assert.equal(titleOf('whetstone.runTests'), 'Run Prompt Tests');
    assert.equal(titleOf('whetstone.rerun'), 'Re-run Optimization…');
  });
});
