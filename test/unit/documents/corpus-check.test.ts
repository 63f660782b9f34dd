/**
 * `whetstone check` over the shared conformance corpus (real prompt files by others; SOURCES.md): every file its own
 * runtime accepts comes out without an error or a warning. Runs only with WHETSTONE_CORPUS set (to the corpus folder,
 * or 1 for ../shared/conformance), so the project's own suite depends only on its fixtures.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runCli } from '../cli/run-cli';
import { conformanceDir } from './corpus';

const corpus = process.env.WHETSTONE_CORPUS;
const dir = corpus && corpus !== '1' ? path.resolve(corpus) : conformanceDir;

if (corpus) {
  describe('corpus: whetstone check on real prompt files (WHETSTONE_CORPUS)', function () {
    this.timeout(120_000);
    it('reports no error and no warning on any of them', async () => {
      const files = ['prompt-yml', 'prompty', 'prompt-md'].flatMap((f) =>
        fs.readdirSync(path.join(dir, f)).map((n) => path.join(dir, f, n)),
      );
      assert.ok(files.length >= 50, `expected the 50-file corpus in ${dir}`);
      const run = await runCli(['check', ...files, '--json'], { cwd: dir });
      const out = run.json();
      const loud = out.results.flatMap((r: { diagnostics: Array<{ severity: string }> }) =>
        r.diagnostics.filter((d) => d.severity !== 'info'),
      );
      assert.deepEqual(loud, []);
      assert.equal(run.code, 0);
    });
  });
}
