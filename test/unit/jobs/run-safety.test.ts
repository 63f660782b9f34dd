/**
 * One writer per run, safe run ids and paths, URL redaction, and jobs that meet hostile model output or rate limits
 * (issue 11 items 3–7). Real files, the real client over real HTTP against the simulated task.
 */
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  acquireRunLock,
  assertInsideRunsDir,
  findRunFile,
  isValidRunId,
  lockPathFor,
  promptNameOf,
  RunLockedError,
  runFilePath,
} from '../../../src/core/runs';
import { redactUrl, redactUrlSecrets } from '../../../src/core/redact-urls';
import { isWebviewMessage } from '../../../src/protocol';
import { startJob } from '../../../src/core/jobs';
import type { JobEvent } from '../../../src/core/jobs/types';
import { simSetup, type SimSetup } from './sim-setup';

const TRAVERSAL_IDS = [
  '../../x',
  '../x',
  '/etc/passwd',
  'C:\\Windows\\x',
  '..\\..\\x',
  '%2e%2e%2fx',
  '..%2fx',
  'a\u0000b',
  'a/b',
  '.',
  '..',
  '',
  ' a',
  'a\n',
  'A',
  '-a',
  'a-',
  'a--b',
  'a'.repeat(65),
  '\u202e',
];

describe('run ids and paths', () => {
  const runsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'whetstone-ids-'));
  after(() => fs.rmSync(runsDir, { recursive: true, force: true }));

  it('one strict pattern: what newRunId makes passes, every traversal attempt fails', () => {
    for (const ok of ['20261127-091502-apo-3f9a', 'r', 'run-1', 'a'.repeat(64)]) assert.ok(isValidRunId(ok), ok);
    for (const bad of [...TRAVERSAL_IDS, 42, null, undefined, {}]) assert.ok(!isValidRunId(bad), JSON.stringify(bad));
  });

  it('runFilePath and findRunFile refuse them before touching the disk', async () => {
    for (const id of TRAVERSAL_IDS) {
      assert.throws(() => runFilePath(runsDir, 'p', id), /not a run id/, JSON.stringify(id));
      await assert.rejects(findRunFile(runsDir, id), /not a run id/, JSON.stringify(id));
    }
    assert.throws(() => runFilePath(runsDir, '..', 'r1'), /is not inside/);
    assert.throws(() => runFilePath(runsDir, '../..', 'r1'), /is not inside/);
    assert.throws(() => assertInsideRunsDir(runsDir, path.join(runsDir, '..', 'x.jsonl')), /is not inside/);
  });

  it('a prompt named `..` or `.hidden.` gets a folder inside the store', () => {
    assert.equal(promptNameOf({ name: '..', file: '/w/a.prompt.yml' }), 'prompt');
    assert.equal(promptNameOf({ name: '../../etc', file: '/w/a.prompt.yml' }), 'etc');
    assert.equal(promptNameOf({ name: '.hidden.', file: '/w/a.prompt.yml' }), 'hidden');
  });

  it('webview messages carrying such ids are dropped for every message type that names a run', () => {
    for (const runId of TRAVERSAL_IDS) {
      for (const message of [
        { type: 'accept', runId, candidateId: 1 },
        { type: 'openDiff', runId, candidateId: 1 },
        { type: 'copy', runId, candidateId: 1 },
        { type: 'cancel', runId },
        { type: 'rerun', runId },
        { type: 'showLog', runId },
        { type: 'loadRun', runId, purpose: 'show' },
      ])
        assert.equal(isWebviewMessage(message), false, JSON.stringify(message));
    }
    assert.equal(isWebviewMessage({ type: 'showLog', runId: '20261127-091502-apo-3f9a' }), true);
    assert.equal(isWebviewMessage({ type: 'setApiKey' }), true);
  });
});

describe('run lock', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'whetstone-lock-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('a second writer in the same process is refused with the holder; release lets the next one in', () => {
    const file = path.join(dir, 'p', 'r1.jsonl');
    const lock = acquireRunLock(file);
    assert.throws(
      () => acquireRunLock(file),
      (e: Error) => e instanceof RunLockedError && new RegExp(`by process ${process.pid} `).test(e.message),
    );
    lock.release();
    assert.ok(!fs.existsSync(lockPathFor(file)));
    acquireRunLock(file).release();
  });

  it('a lock not refreshed for the stale period is taken over; a fresh one of a live process is not', () => {
    const file = path.join(dir, 'r2.jsonl');
    // Held by a live process (this test's parent) on this host, refreshed just now.
    const holder = { pid: process.ppid, host: os.hostname(), at: new Date().toISOString(), token: 't' };
    fs.writeFileSync(lockPathFor(file), JSON.stringify(holder));
    assert.throws(() => acquireRunLock(file), RunLockedError);
    // The same lock, last refreshed an hour ago (a reused pid, or another host that vanished).
    const old = new Date(Date.now() - 3_600_000);
    fs.utimesSync(lockPathFor(file), old, old);
    acquireRunLock(file).release();
  });

  it('an unreadable lock is respected while young and broken when old', () => {
    const file = path.join(dir, 'r3.jsonl');
    fs.writeFileSync(lockPathFor(file), '{"pid":');
    assert.throws(() => acquireRunLock(file), /another process/);
    const old = new Date(Date.now() - 60_000);
    fs.utimesSync(lockPathFor(file), old, old);
    acquireRunLock(file).release();
  });

  it('of many processes racing for one stale lock, exactly one gets it', async () => {
    const file = path.join(dir, 'r4.jsonl');
    fs.writeFileSync(lockPathFor(file), JSON.stringify({ pid: 1 << 30, host: os.hostname(), at: '', token: 'x' }));
    const script = `
      const { acquireRunLock } = require(${JSON.stringify(path.resolve('src/core/runs/run-lock.ts'))});
      try { acquireRunLock(${JSON.stringify(file)}); console.log('got'); }
      catch (e) { console.log('refused'); }
      setInterval(() => {}, 1000); // stay alive (holding the lock) until the test has every answer`;
    const children = Array.from({ length: 6 }, () => spawn(process.execPath, ['-r', 'tsx/cjs', '-e', script]));
    const outputs = await Promise.all(
      children.map(
        (child) =>
          new Promise<string>((resolve) => {
            let out = '';
            child.stdout.on('data', (d) => {
              out += d;
              if (out.includes('\n')) resolve(out.trim());
            });
            child.on('close', () => resolve(out.trim()));
          }),
      ),
    );
    for (const child of children) child.kill();
    assert.equal(outputs.filter((o) => o === 'got').length, 1, outputs.join(','));
    assert.equal(outputs.filter((o) => o === 'refused').length, 5);
  });
});

describe('URL redaction', () => {
  it('removes userinfo and secret-named query values, and nothing else', () => {
    assert.equal(redactUrl('https://bob:pw@h:8443/v1?api-key=K&x=1'), 'https://***@h:8443/v1?api-key=***&x=1');
    assert.equal(
      redactUrl('https://h/v1?api-version=2024&sig=S&access_token=T&password=P&client_secret=C'),
      'https://h/v1?api-version=2024&sig=***&access_token=***&password=***&client_secret=***',
    );
    assert.equal(redactUrl('https://h/v1?api%2Dkey=K'), 'https://h/v1?api%2Dkey=***');
    assert.equal(
      redactUrlSecrets('failed: {"baseUrl":"http://u:p@h/v1?token=T"} and http://h/x?key=K.'),
      'failed: {"baseUrl":"http://***@h/v1?token=***"} and http://h/x?key=***',
    );
    assert.equal(redactUrlSecrets('https://api.openai.com/v1 is fine'), 'https://api.openai.com/v1 is fine');
  });
});

describe('jobs meet hostile output and rate limits', function () {
  this.timeout(120_000);
  let sim: SimSetup;
  afterEach(() => sim?.close());

  it('a garbage-200 schedule on one example fails that example with the reason; the job goes on and finishes', async () => {
    sim = await simSetup();
    const spec = sim.spec('apo', { preset: 'quick' });
    const poisoned = String(Object.values(spec.rows[0].vars)[0]);
    let garbageServed = 0;
    sim.server.faults.when(
      (ctx) => {
        const hit =
          (ctx.body as { model?: string }).model === 'sim-target' && JSON.stringify(ctx.body).includes(poisoned);
        if (hit) garbageServed++;
        return hit;
      },
      { kind: 'garbage-200', shape: 'no-choices' },
    );
    const job = startJob(spec);
    const events: JobEvent[] = [];
    job.events.on((e) => events.push(e));
    const result = await job.result;
    assert.equal(result.stopReason, 'rounds-done');
    assert.ok(garbageServed >= 4, `garbage served ${garbageServed} times`);
    const warned = events.filter((e) => e.type === 'log' && /counted as a failed example/.test(e.message));
    assert.ok(warned.length >= 1);
    assert.match((warned[0] as { message: string }).message, /malformed response: it has no choices/);
    assert.ok(events.some((e) => e.type === 'done'));
  });

  it('a job none of whose optimizer answers is usable ends failed, in plain words, keeping the baseline', async () => {
    sim = await simSetup();
    sim.server.faults.when((ctx) => (ctx.body as { model?: string }).model === 'sim-optimizer', {
      kind: 'malformed-content',
      content: 'I cannot help with that.',
    });
    const job = startJob(sim.spec('apo', { preset: 'quick' }));
    const events: JobEvent[] = [];
    job.events.on((e) => events.push(e));
    await assert.rejects(job.result, /none of the optimizer model's \d+ answers was usable, so nothing was optimized/);
    const failed = events.find((e) => e.type === 'failed') as Extract<JobEvent, { type: 'failed' }>;
    assert.ok(failed, 'a failed event, not done');
    assert.ok(failed.result, 'the result so far is kept');
    assert.equal(failed.result!.stopReason, 'failed');
    assert.ok(!events.some((e) => e.type === 'done'));
  });

  it('a burst of 429s with a short Retry-After slows the job down and does not end it', async () => {
    sim = await simSetup({ concurrency: 8 });
    let limited = 0;
    sim.server.faults.when(
      () => {
        limited++;
        return true;
      },
      { kind: 'status', status: 429, retryAfterMs: 2 },
      40,
    );
    const result = await startJob(sim.spec('apo', { preset: 'quick' })).result;
    assert.equal(result.stopReason, 'rounds-done');
    assert.ok(limited >= 40, `${limited} requests rate-limited`);
    assert.ok(result.best.score >= result.baseline.score);
  });
});
