/** `whetstone optimize` and `whetstone runs` per the CLI contract, against the simulated task over real HTTP. */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startSimServer, type SimServer } from '../../../src/sim/server';
import { createSimulatedTask } from '../../../src/sim/task';
import { parsePromptFile } from '../../../src/core/documents';
import { runCli, tempWorkspace } from './run-cli';

describe('whetstone optimize (CLI contract)', function () {
  this.timeout(120_000);
  let server: SimServer;
  let dir: string;
  const task = createSimulatedTask({ seed: 0 });
  const file = 'reviews.prompt.yml';

  beforeEach(async () => {
    server = await startSimServer({ handler: task.handler });
    dir = tempWorkspace({ [file]: task.promptText, 'reviews.whetstone.yaml': task.sidecarText });
  });
  afterEach(async () => {
    await server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const optimize = (...extra: string[]) =>
    runCli(['optimize', file, '--base-url', server.url, '--model', 'sim-model', '--json', ...extra], { cwd: dir });

  it('prints the contract object, with a best prompt that beats the baseline', async () => {
    const run = await optimize('--method', 'apo', '--preset', 'quick');
    assert.equal(run.code, 0, run.stderr);
    const out = run.json();
    for (const key of ['runId', 'method', 'baseline', 'best', 'rounds', 'calls', 'tokens', 'costUsd'])
      assert.ok(key in out, `missing ${key}`);
    assert.equal(out.method, 'apo');
    assert.equal(typeof out.baseline.score, 'number');
    assert.ok(out.best.score > out.baseline.score, `${out.best.score} > ${out.baseline.score}`);
    assert.ok(out.best.prompt.includes('positive, negative or neutral'), 'the protected text survives');
    assert.ok(Array.isArray(out.rounds) && out.rounds.length > 0);
    assert.equal(out.calls, server.stats.requests, 'calls counts every HTTP call made');
    assert.match(run.stderr, /estimated \d+ calls/);
    assert.ok(fs.existsSync(path.join(dir, '.whetstone', 'runs')), 'the run log is on disk');
    assert.equal(
      fs.readFileSync(path.join(dir, file), 'utf8'),
      task.promptText,
      'without --apply the file is untouched',
    );

    const runs = await runCli(['runs', 'list', '--json'], { cwd: dir });
    assert.equal(runs.code, 0, runs.stderr);
    assert.deepEqual(
      runs.json().map((r: any) => r.runId),
      [out.runId],
    );
    const shown = await runCli(['runs', 'show', out.runId, '--json'], { cwd: dir });
    assert.equal(shown.json().result.best.prompt, out.best.prompt);
  });

  it('--apply rewrites only the optimized region', async () => {
    const run = await optimize('--method', 'apo', '--preset', 'quick', '--apply');
    assert.equal(run.code, 0, run.stderr);
    const best = run.json().best.prompt as string;
    const before = parsePromptFile(file, task.promptText);
    const after = fs.readFileSync(path.join(dir, file), 'utf8');
    const span = before.optimizable!.span;
    assert.equal(
      after.slice(0, span.start),
      task.promptText.slice(0, span.start),
      'bytes before the region are unchanged',
    );
    const tail = task.promptText.length - span.end;
    assert.equal(
      after.slice(after.length - tail),
      task.promptText.slice(span.end),
      'bytes after the region are unchanged',
    );
    assert.equal(parsePromptFile(file, after).optimizable!.text, best);
  });

  it('a run capped at N calls makes at most N', async () => {
    const run = await optimize('--method', 'apo', '--budget-calls', '40');
    assert.equal(run.code, 0, run.stderr);
    assert.ok(server.stats.requests <= 40, `${server.stats.requests} ≤ 40`);
    assert.equal(run.json().stopReason, 'budget');
  });

  it('exits 2 saying what to add: no test data (APO), no requirements (SPO), no log-probs (PMPO)', async () => {
    const noRows = task.promptText.replace(/testData:[\s\S]*?(?=\nevaluators:|$)/, 'testData: []\n');
    fs.writeFileSync(path.join(dir, file), noRows);
    const apo = await optimize('--method', 'apo');
    assert.equal(apo.code, 2, apo.stderr);
    assert.match(apo.stderr, /testData|dataset|expected/i);

    fs.writeFileSync(path.join(dir, file), task.promptText);
    fs.writeFileSync(path.join(dir, 'reviews.whetstone.yaml'), 'split:\n  validation: 0.25\n');
    const spo = await optimize('--method', 'spo');
    assert.equal(spo.code, 2, spo.stderr);
    assert.match(spo.stderr, /requirements/);

    await server.close();
    server = await startSimServer({ handler: { chat: task.handler.chat } }); // no echo log-probs
    const pmpo = await optimize('--method', 'pmpo');
    assert.equal(pmpo.code, 2, pmpo.stderr);
    assert.match(pmpo.stderr, /log-?probs/i);
    assert.match(pmpo.stderr, /vLLM|local:/);

    const method = await optimize('--method', 'nope');
    assert.equal(method.code, 2);
  });
});
