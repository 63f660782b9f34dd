/**
 * Fully local: `--model local:/x.gguf` runs every role on a generated tiny GGUF (real node-llama-cpp in a child
 * process) with no --base-url, no OPENAI_BASE_URL and no key — PMPO end to end through the built CLI.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeTinyGguf } from '../../support/tiny-gguf';
import { runCli, tempWorkspace } from './run-cli';

const PROMPT = `name: Echo
model: local-model
messages:
  - role: system
    content: Repeat the word.
  - role: user
    content: "{{word}}"
testData:
  - word: ab
    expected: ab
  - word: ba
    expected: ba
  - word: aa
    expected: aa
  - word: bb
    expected: bb
`;

describe('whetstone with only a local model (no endpoint, no key)', function () {
  this.timeout(180_000);
  let dir: string;
  let model: string;

  before(() => {
    dir = tempWorkspace({ 'echo.prompt.yml': PROMPT });
    model = writeTinyGguf(path.join(dir, 'tiny-chatml-2k.gguf'), { chatTemplate: true, contextLength: 2048 });
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('runs PMPO end to end on the tiny GGUF, every role local', async () => {
    const run = await runCli(
      [
        'optimize',
        'echo.prompt.yml',
        '--method',
        'pmpo',
        '--preset',
        'quick',
        '--rounds',
        '1',
        '--model',
        `local:${model}`,
        '--json',
      ],
      { cwd: dir },
    );
    assert.equal(run.code, 0, run.stderr);
    const out = run.json();
    assert.equal(out.method, 'pmpo');
    assert.ok(Number.isFinite(out.baseline.score) && out.baseline.score < 0, `−loss ${out.baseline.score}`);
    assert.ok(out.calls > 0);
    assert.equal(out.costUsd ?? 0, 0, 'local calls cost nothing');
    assert.doesNotMatch(run.stderr, /no endpoint/);
  });

  it('a remote model with no endpoint is still bad usage, naming the model', async () => {
    const run = await runCli(['eval', 'echo.prompt.yml', '--model', 'gpt-4o-mini'], { cwd: dir });
    assert.equal(run.code, 2);
    assert.match(run.stderr, /no endpoint for model gpt-4o-mini/);
  });
});
