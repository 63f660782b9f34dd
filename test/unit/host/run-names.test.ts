import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import type { RunSummary } from '../../../src/core/runs';
import { describeRun, interruptedNotice, promptPathOf } from '../../../src/host/jobs/runNames';

const root = path.resolve('/work/space');
// The prompt's `name:` field ("Sentiment v2") is what the run store files runs under; the user knows the file.
const run = (runId: string, promptFile: string, method: RunSummary['method'] = 'apo'): RunSummary => ({
  runId,
  file: path.join(root, '.whetstone', 'runs', 'Sentiment v2', `${runId}.jsonl`),
  promptName: 'Sentiment v2',
  promptFile,
  method,
  seed: 7,
  started: '2026-12-02T01:10:33.000Z',
  status: 'interrupted',
});
const relative = (file: string) => path.relative(root, file).split(path.sep).join('/');

describe('interrupted-run notice names the file and the run', () => {
  it("finds the prompt file from the run log's place, for a relative or an absolute promptFile", () => {
    assert.equal(
      promptPathOf(run('a', 'prompts/reviews.prompt.yml')),
      path.join(root, 'prompts', 'reviews.prompt.yml'),
    );
    const absolute = path.join(root, 'x.prompty');
    assert.equal(promptPathOf(run('a', absolute)), absolute);
  });

  it('one run: the workspace-relative file, the method, when it started and the run id, not the name: field', () => {
    const text = interruptedNotice([run('apo-7f3a', 'prompts/reviews.prompt.yml')], relative);
    assert.equal(
      text,
      'Whetstone: the APO run on prompts/reviews.prompt.yml (started 2026-12-02 01:10, run apo-7f3a) was interrupted. Resume it?',
    );
    assert.doesNotMatch(text, /Sentiment v2/);
  });

  it('several runs: how many, and the files (each once, at most three named)', () => {
    const runs = [
      run('a', 'one.prompt.yml'),
      run('b', 'one.prompt.yml', 'spo'),
      run('c', 'two.prompty'),
      run('d', 'three.prompt.md'),
      run('e', 'four.prompt.yml'),
    ];
    assert.equal(
      interruptedNotice(runs, relative),
      'Whetstone: 5 optimization runs were interrupted (one.prompt.yml, two.prompty, three.prompt.md and 1 more). Resume one?',
    );
    assert.equal(describeRun(runs[1], relative), 'the SPO run on one.prompt.yml (started 2026-12-02 01:10, run b)');
  });
});
