import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { listRuns, readRun } from '../../../src/core/runs';

// `runs list` reads only a log's first line and its tail; every status must match a full parse of the same file.
const header = (runId: string) =>
  JSON.stringify({
    kind: 'header',
    version: 1,
    runId,
    method: 'apo',
    seed: 1,
    preset: 'default',
    params: {},
    promptFile: 'p.prompt.yml',
    promptName: 'p',
    originalRegion: 'Be brief.',
    started: `2026-11-27T09:00:${runId.slice(-2)}Z`,
    budget: {},
    split: { train: [0], validation: [] },
    rows: 1,
    evaluators: [],
    roles: {},
  });
const call = (i: number) =>
  JSON.stringify({
    kind: 'call',
    key: `k${i}`,
    value: `answer ${i} ${'z'.repeat(200)}`,
    meta: { usage: { promptTokens: 5, completionTokens: 1 }, costUsd: 0, cached: false },
  });
const calls = (n: number) => Array.from({ length: n }, (_, i) => call(i));
const done = (prompt = 'Be very brief.') =>
  JSON.stringify({
    kind: 'event',
    event: {
      type: 'done',
      result: {
        runId: 'x',
        method: 'apo',
        baseline: { score: 0.2 },
        best: { id: 3, score: 0.9, prompt },
        rounds: [],
        used: { calls: 7, cachedCalls: 0, tokens: 70, costUsd: 0, seconds: 1 },
        stopReason: 'done',
      },
    },
  });
const beat = (at: Date, pid = process.pid) => JSON.stringify({ kind: 'heartbeat', at: at.toISOString(), pid });

describe('run summaries without parsing whole logs', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'whetstone-summary-'));
    mkdirSync(path.join(dir, 'p'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const write = (runId: string, lines: string[], ageMs = 0) => {
    const file = path.join(dir, 'p', `${runId}.jsonl`);
    writeFileSync(file, `${lines.join('\n')}\n`);
    const t = new Date(Date.now() - ageMs);
    utimesSync(file, t, t);
    return file;
  };

  it('large logs (MBs of call lines): status, scores and calls agree with a full parse', async () => {
    const old = 10 * 60_000;
    const files = [
      // finished, with a result line larger than the first tail window
      write('run-01', [header('run-01'), ...calls(20_000), done('p'.repeat(200_000))], old),
      // crashed long ago: last heartbeat far back, then many calls
      write('run-02', [header('run-02'), beat(new Date(Date.now() - old)), ...calls(20_000)], old),
      // finished, then resumed and crashed: interrupted, not done
      write(
        'run-03',
        [header('run-03'), ...calls(500), done(), JSON.stringify({ kind: 'resumed', at: 'x' }), ...calls(5_000)],
        old,
      ),
      // live in another process: a recent heartbeat followed by more than a tail window of calls
      write('run-04', [header('run-04'), beat(new Date()), ...calls(2_000)]),
      // a torn last line
      write('run-05', [header('run-05'), ...calls(3_000), done(), '{"kind":"ev'], old),
    ];
    const listed = new Map((await listRuns(dir)).map((r) => [r.runId, r]));
    assert.equal(listed.size, files.length);
    for (const file of files) {
      const full = (await readRun(file))!;
      const summary = listed.get(full.header.runId)!;
      assert.equal(summary.status, full.status, full.header.runId);
      assert.equal(summary.bestScore, full.result?.best.score, full.header.runId);
      assert.equal(summary.calls, full.result?.used.calls, full.header.runId);
    }
    assert.deepEqual(
      [...listed.values()].map((r) => [r.runId, r.status]),
      [
        ['run-05', 'done'],
        ['run-04', 'running'],
        ['run-03', 'interrupted'],
        ['run-02', 'interrupted'],
        ['run-01', 'done'],
      ],
    );
  });

  it('a log whose first line is not a header is skipped, as by a full parse', async () => {
    write('run-99', ['not json', ...calls(10_000)], 60_000);
    const listed = await listRuns(dir);
    assert.ok(!listed.some((r) => r.runId === 'run-99'));
  });
});
