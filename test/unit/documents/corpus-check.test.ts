/**
 * `whetstone check` over a corpus of prompt files: every file its own runtime accepts comes out without an error or
 * a warning. Our own corpus (test/fixtures/corpus) always; the shared corpus of real files by others only when
 * WHETSTONE_CORPUS names it (`.ci/run` sets it).
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runCli } from '../cli/run-cli';
import { FORMAT_DIRS, ownCorpusDir, sharedCorpusDir } from './corpus';

function checkIsQuiet(dir: string): void {
  it(`reports no error and no warning on any file of ${path.basename(dir)}`, async () => {
    const files = FORMAT_DIRS.flatMap((f) => fs.readdirSync(path.join(dir, f)).map((n) => path.join(dir, f, n)));
    assert.ok(files.length > 0, `no files in ${dir}`);
    const run = await runCli(['check', ...files, '--json'], { cwd: dir });
    const loud = run
      .json()
      .results.flatMap((r: { diagnostics: Array<{ severity: string }> }) =>
        r.diagnostics.filter((d) => d.severity !== 'info'),
      );
    assert.deepEqual(loud, []);
    assert.equal(run.code, 0);
  });
}

describe('whetstone check on corpora of prompt files', function () {
  this.timeout(120_000);
  checkIsQuiet(ownCorpusDir);
  const shared = sharedCorpusDir();
  if (shared) checkIsQuiet(shared);
});
