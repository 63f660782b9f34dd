import { strict as assert } from 'node:assert';
import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import {
  findRunFile,
  listRuns,
  newRunId,
  parseRunText,
  promptNameOf,
  readRun,
  runFilePath,
} from '../../../src/core/runs';

const header = (runId: string, started: string) =>
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
    started,
    budget: {},
    split: { train: [0], validation: [] },
    rows: 1,
    evaluators: [],
    roles: {},
  });
const result = {
  runId: 'x',
  method: 'apo',
  baseline: { score: 0.2 },
  best: { id: 3, score: 0.9, prompt: 'Be very brief.' },
  rounds: [],
  used: { calls: 7, cachedCalls: 0, tokens: 70, costUsd: 0, seconds: 1 },
  stopReason: 'done',
};

describe('run store', () => {
  it('names folders after the prompt and ids after the start time', () => {
    assert.equal(promptNameOf({ name: 'Review sentiment', file: '/w/reviews.prompt.yml' }), 'review-sentiment');
    assert.equal(promptNameOf({ file: '/w/My Reviews.prompt.yml' }), 'my-reviews');
    assert.equal(promptNameOf({ file: '/w/summarize.prompty' }), 'summarize');
    assert.equal(newRunId('spo', new Date('2026-11-27T09:15:02.123Z'), 0xabcdef12), '20261127-091502-spo-abcd');
  });

  it('reads status, result and calls; skips a torn line; counts structural events', () => {
    const lines = [
      header('r1', '2026-11-27T09:00:00Z'),
      JSON.stringify({ kind: 'event', event: { type: 'round', round: 0, of: 2 } }),
      JSON.stringify({
        kind: 'call',
        key: 'k1',
        value: 'positive',
        meta: { usage: { promptTokens: 5, completionTokens: 1 }, costUsd: 0, cached: false },
      }),
      JSON.stringify({ kind: 'event', event: { type: 'budget', used: result.used, limit: {} } }),
    ];
    const torn = parseRunText('/runs/p/r1.jsonl', `${lines.join('\n')}\n{"kind":"ev`, false)!;
    assert.equal(torn.status, 'interrupted');
    assert.equal(torn.badLines, 1);
    assert.equal(torn.tornTail, true);
    assert.equal(torn.structuralEvents, 1);
    assert.equal(torn.calls.get('k1')!.value, 'positive');
    assert.equal(parseRunText('/runs/p/r1.jsonl', `${lines.join('\n')}\n`, true)!.status, 'running');
    // Another process's run: running while its heartbeat is recent and its process exists.
    const beat = (at: string, pid: number) =>
      `${lines.join('\n')}\n${JSON.stringify({ kind: 'heartbeat', at, pid })}\n`;
    const now = Date.parse('2026-11-27T09:10:00Z');
    const alive = (pid: number) => pid === 4242;
    assert.equal(parseRunText('/f', beat('2026-11-27T09:09:50Z', 4242), false, now, alive)!.status, 'running');
    assert.equal(
      parseRunText('/f', beat('2026-11-27T09:09:50Z', 999), false, now, alive)!.status,
      'interrupted',
      'its process is gone',
    );
    assert.equal(
      parseRunText('/f', beat('2026-11-27T09:08:00Z', 4242), false, now, alive)!.status,
      'interrupted',
      'silent too long',
    );

    const resumed = [
      ...lines,
      JSON.stringify({ kind: 'event', event: { type: 'cancelled', result: { ...result, stopReason: 'cancelled' } } }),
      JSON.stringify({ kind: 'resumed', at: '2026-11-27T09:05:00Z' }),
      JSON.stringify({ kind: 'event', event: { type: 'round', round: 1, of: 2 } }),
    ];
    const again = parseRunText('/runs/p/r1.jsonl', `${resumed.join('\n')}\n`, false)!;
    assert.equal(again.status, 'interrupted', 'a resumed run that stopped again without a final line');
    assert.equal(
      again.events.some((e) => e.type === 'cancelled'),
      false,
      "an earlier session's final event is not shown",
    );
    const done = parseRunText(
      '/runs/p/r1.jsonl',
      `${[...resumed, JSON.stringify({ kind: 'event', event: { type: 'done', result } })].join('\n')}\n`,
      false,
    )!;
    assert.equal(done.status, 'done');
    assert.equal(done.result!.best.score, 0.9);
    assert.equal(parseRunText('/f', 'not json\n'), undefined, 'no header, no run');
  });

  it("collects accepted lines (the extension's Accept) and ignores malformed ones", () => {
    const text = [
      header('r2', '2026-11-27T09:00:00Z'),
      JSON.stringify({ kind: 'event', event: { type: 'done', result } }),
      JSON.stringify({
        kind: 'accepted',
        runId: 'r2',
        candidateId: 3,
        at: '2026-11-27T09:30:00Z',
        prompt: 'Be very brief.',
      }),
      JSON.stringify({ kind: 'accepted', runId: 'r2', candidateId: 'three', at: '2026-11-27T09:31:00Z', prompt: 'x' }),
    ].join('\n');
    const run = parseRunText('/runs/p/r2.jsonl', `${text}\n`, false)!;
    assert.equal(run.status, 'done', 'an acceptance after the final line does not reopen the run');
    assert.deepEqual(
      run.accepted.map((a) => [a.candidateId, a.prompt]),
      [[3, 'Be very brief.']],
    );
  });

  it('lists runs newest first and finds a run file by id', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'whetstone-store-'));
    for (const [name, id, started] of [
      ['a', 'r-old', '2026-11-26T10:00:00Z'],
      ['b', 'r-new', '2026-11-27T10:00:00Z'],
    ]) {
      mkdirSync(path.join(dir, name), { recursive: true });
      writeFileSync(
        runFilePath(dir, name, id),
        `${header(id, started)}\n${JSON.stringify({ kind: 'event', event: { type: 'done', result } })}\n`,
      );
    }
    writeFileSync(path.join(dir, 'a', 'notes.txt'), 'ignored');
    const runs = await listRuns(dir);
    assert.deepEqual(
      runs.map((r) => r.runId),
      ['r-new', 'r-old'],
    );
    assert.equal(runs[0].status, 'done');
    assert.equal(runs[0].bestScore, 0.9);
    assert.equal(runs[0].calls, 7);
    assert.equal(await findRunFile(dir, 'r-old'), runFilePath(dir, 'a', 'r-old'));
    assert.equal(await findRunFile(dir, 'nope'), undefined);
    assert.equal(await readRun(path.join(dir, 'missing.jsonl')), undefined);
    assert.deepEqual(await listRuns(path.join(dir, 'none')), []);
  });
});
