/**
 * The run store and the CLI attacked (issue 11): two processes resuming one run, run ids that try to leave
 * `.whetstone/runs`, secrets in the base URL, and bad input (a directory, YAML nested 3,000 deep, a torn header,
 * a closed pipe). Real processes, real files, the simulated task over real HTTP.
 */
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startSimServer, type SimServer } from '../../../src/sim/server';
import { createSimulatedTask } from '../../../src/sim/task';
import { cliPath, runCli, tempWorkspace } from './run-cli';

const task = createSimulatedTask({ seed: 0 });
const file = 'reviews.prompt.yml';

/** Every file under `dir`, recursively. */
function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? filesUnder(p) : [p];
  });
}

const runLogs = (dir: string) => filesUnder(path.join(dir, '.whetstone', 'runs')).filter((f) => f.endsWith('.jsonl'));
const eventTypes = (log: string) =>
  fs
    .readFileSync(log, 'utf8')
    .split('\n')
    .filter(Boolean)
    .flatMap((l) => {
      const line = JSON.parse(l);
      return line.kind === 'event' ? [line.event.type as string] : [];
    });

describe('run store and CLI under attack', function () {
  this.timeout(180_000);
  let server: SimServer;
  let dir: string;

  beforeEach(async () => {
    server = await startSimServer({ handler: task.handler });
    dir = tempWorkspace({ [file]: task.promptText, 'reviews.whetstone.yaml': task.sidecarText });
  });
  afterEach(async () => {
    await server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** A run that failed at once (its endpoint refused connections): resumable, with its header on disk. */
  async function failedRun(): Promise<string> {
    const dead = await startSimServer({ handler: task.handler });
    const deadUrl = dead.url;
    await dead.close();
    const run = await runCli(['optimize', file, '--method', 'apo', '--preset', 'quick', '--base-url', deadUrl], {
      cwd: dir,
      env: { WHETSTONE_RETRY_BASE_MS: '1' },
    });
    assert.equal(run.code, 3, run.stderr);
    const [log] = runLogs(dir);
    assert.ok(log, 'the failed run left its log');
    return path.basename(log, '.jsonl');
  }

  it('two concurrent resumes of one run in two processes: exactly one proceeds, one `done` in the log', async () => {
    const runId = await failedRun();
    // Every request waits a little, so the first resume is surely still writing when the second arrives.
    server.faults.when(() => true, { kind: 'delay', ms: 20 });
    const resume = () =>
      runCli(['optimize', file, '--method', 'apo', '--preset', 'quick', '--resume', runId, '--base-url', server.url], {
        cwd: dir,
        env: { WHETSTONE_RETRY_BASE_MS: '1' },
      });
    const results = await Promise.all([resume(), resume()]);
    const codes = results.map((r) => r.code).sort();
    assert.deepEqual(codes, [0, 2], results.map((r) => r.stderr).join('\n---\n'));
    const refused = results.find((r) => r.code === 2)!;
    // The holder's pid is named once its lock file is written; a refusal in the instant between the O_EXCL create and
    // that write says "another process".
    assert.match(refused.stderr, /cannot resume: run \S+ is being written by (process \d+|another process)/);
    const [log] = runLogs(dir);
    assert.equal(eventTypes(log).filter((t) => t === 'done').length, 1, 'one writer, one done');
    assert.ok(!fs.existsSync(`${log}.lock`), 'the lock is released when the run ends');
    // A third resume, after the fact, is refused too: the run has finished.
    const again = await resume();
    assert.equal(again.code, 2);
    assert.match(again.stderr, /has already finished/);
  });

  it('a lock left by a killed process is taken over at once (its pid is gone)', async () => {
    const runId = await failedRun();
    const [log] = runLogs(dir);
    // A process that has exited: its pid no longer exists.
    const gone = spawn(process.execPath, ['-e', '']);
    const pid = await new Promise<number>((resolve) => gone.on('exit', () => resolve(gone.pid!)));
    fs.writeFileSync(
      `${log}.lock`,
      JSON.stringify({ pid, host: os.hostname(), at: new Date().toISOString(), token: 'dead' }),
    );
    const run = await runCli(
      ['optimize', file, '--method', 'apo', '--preset', 'quick', '--resume', runId, '--base-url', server.url],
      { cwd: dir },
    );
    assert.equal(run.code, 0, run.stderr);
  });

  it('run ids that try to leave .whetstone/runs are refused by `runs show` and `--resume` (exit 2)', async () => {
    // A log outside the run store that a traversal would reach.
    fs.mkdirSync(path.join(dir, 'outside'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'outside', 'x.jsonl'), '{"kind":"header"}\n');
    fs.mkdirSync(path.join(dir, '.whetstone', 'runs', 'reviews'), { recursive: true });
    const attacks = [
      '../../outside/x',
      '../../../outside/x',
      path.join(dir, 'outside', 'x'),
      '%2e%2e%2f%2e%2e%2foutside%2fx',
      '..%2f..%2foutside%2fx',
      '..\\..\\outside\\x',
      'x/../../outside/x',
      '.',
      '..',
      'UPPER-CASE',
      'a'.repeat(65),
    ];
    for (const id of attacks) {
      const shown = await runCli(['runs', 'show', id], { cwd: dir });
      assert.equal(shown.code, 2, `runs show ${id}: ${shown.stderr}`);
      assert.match(shown.stderr, /runs show: not a run id/);
      const resumed = await runCli(['optimize', file, '--method', 'apo', '--resume', id, '--base-url', server.url], {
        cwd: dir,
      });
      assert.equal(resumed.code, 2, `--resume ${id}: ${resumed.stderr}`);
      assert.match(resumed.stderr, /--resume: not a run id/);
    }
    assert.equal(server.stats.requests, 0, 'no refused resume made a call');
    assert.equal(fs.readFileSync(path.join(dir, 'outside', 'x.jsonl'), 'utf8'), '{"kind":"header"}\n', 'untouched');
    assert.deepEqual(fs.readdirSync(path.join(dir, 'outside')), ['x.jsonl'], 'no lock or log written outside');
  });

  it('a symbolic link inside .whetstone/runs does not lead reads outside it', async () => {
    const runId = await failedRun();
    const [log] = runLogs(dir);
    const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'whetstone-outside-'));
    fs.copyFileSync(log, path.join(outside, 'elsewhere-0001.jsonl'));
    fs.symlinkSync(outside, path.join(dir, '.whetstone', 'runs', 'linked'));
    const shown = await runCli(['runs', 'show', 'elsewhere-0001'], { cwd: dir });
    assert.equal(shown.code, 2, shown.stderr);
    assert.match(shown.stderr, /no run elsewhere-0001/);
    assert.equal((await runCli(['runs', 'show', runId], { cwd: dir })).code, 0, 'the real run still shows');
    fs.rmSync(outside, { recursive: true, force: true });
  });

  it('secrets in the base URL reach no output and no file the run writes', async () => {
    const secret = 'S3CRET-abc123xyz';
    const url = `${server.url}?api-key=${secret}&token=${secret}2`;
    const outputs: string[] = [];
    const opt = await runCli(['optimize', file, '--method', 'apo', '--preset', 'quick', '--base-url', url], {
      cwd: dir,
    });
    assert.equal(opt.code, 0, opt.stderr);
    outputs.push(opt.stdout, opt.stderr);
    const ev = await runCli(['eval', file, '--base-url', url, '--model', 'sim-model'], { cwd: dir });
    outputs.push(ev.stdout, ev.stderr);
    assert.ok([0, 1].includes(ev.code), ev.stderr);
    // The query reached the server (so the key was really used), but nothing else.
    assert.ok(server.stats.requests > 0);
    // Failures print the URL: an endpoint that refuses connections, and credentials in the authority.
    const dead = await runCli(['eval', file, '--base-url', `http://127.0.0.1:9/v1?sig=${secret}`, '--model', 'm'], {
      cwd: dir,
      env: { WHETSTONE_RETRY_BASE_MS: '1' },
    });
    assert.equal(dead.code, 3, dead.stderr);
    outputs.push(dead.stdout, dead.stderr);
    const userinfo = await runCli(['eval', file, '--base-url', `http://bob:${secret}@127.0.0.1:9/v1`], { cwd: dir });
    assert.equal(userinfo.code, 2);
    assert.match(userinfo.stderr, /has credentials in it/);
    outputs.push(userinfo.stdout, userinfo.stderr);
    const listed = await runCli(['runs', 'list', '--json'], { cwd: dir });
    const runId = listed.json()[0].runId;
    const shown = await runCli(['runs', 'show', runId, '--json'], { cwd: dir });
    outputs.push(listed.stdout, shown.stdout);
    assert.match(shown.stdout, /api-key=\*\*\*/, 'the run header names the endpoint, redacted');
    for (const text of outputs) assert.ok(!text.includes(secret), `secret in output:\n${text.slice(0, 400)}`);
    const written = filesUnder(path.join(dir, '.whetstone'));
    assert.ok(written.length > 2, 'the run wrote its log and cache');
    for (const f of written) assert.ok(!fs.readFileSync(f, 'utf8').includes(secret), `secret in ${f}`);
  });

  it('eval: a malformed 200 that stays malformed fails that case with the reason; the other cases still run', async () => {
    const poisoned = 'garbage-only review';
    fs.writeFileSync(
      path.join(dir, 'cases.jsonl'),
      ['good one', poisoned, 'another good one'].map((review) => JSON.stringify({ review })).join('\n') + '\n',
    );
    server.faults.when((ctx) => JSON.stringify(ctx.body).includes(poisoned), {
      kind: 'garbage-200',
      shape: 'no-choices',
    });
    const run = await runCli(
      ['eval', file, '--dataset', 'cases.jsonl', '--base-url', server.url, '--model', 'sim-model', '--json'],
      { cwd: dir, env: { WHETSTONE_RETRY_BASE_MS: '1' } },
    );
    assert.equal(run.code, 1, run.stderr);
    const report = run.json();
    assert.equal(report.cases, 3);
    const bad = report.results.find((r: { vars: { review: string } }) => r.vars.review === poisoned);
    assert.equal(bad.pass, false);
    assert.match(bad.evaluations[0].feedback, /no usable reply: .*malformed response: it has no choices/);
    assert.equal(report.results.filter((r: { output: string }) => r.output !== '').length, 2);
  });

  it('bad input exits 2 naming the file: a directory, YAML nested 3,000 deep', async () => {
    fs.mkdirSync(path.join(dir, 'folder.prompt.yml'));
    const isDir = await runCli(['eval', 'folder.prompt.yml', '--base-url', server.url], { cwd: dir });
    assert.equal(isDir.code, 2);
    assert.match(isDir.stderr, /^whetstone: folder\.prompt\.yml: is a directory, not a prompt file\n$/);
    const opt = await runCli(['optimize', 'folder.prompt.yml', '--method', 'spo', '--base-url', server.url], {
      cwd: dir,
    });
    assert.equal(opt.code, 2);
    assert.match(opt.stderr, /is a directory/);

    const block = 'model: m\nmessages:\n  - role: system\n    content: hi\nx:\n';
    const nested = block + Array.from({ length: 3000 }, (_, i) => `${'  '.repeat(i + 1)}a:\n`).join('');
    fs.writeFileSync(path.join(dir, 'deep.prompt.yml'), nested);
    fs.writeFileSync(path.join(dir, 'flow.prompt.yml'), `${block}  ${'['.repeat(3000)}${']'.repeat(3000)}\n`);
    for (const name of ['deep.prompt.yml', 'flow.prompt.yml']) {
      const run = await runCli(['eval', name, '--base-url', server.url], { cwd: dir });
      assert.equal(run.code, 2, run.stderr);
      assert.match(run.stderr, new RegExp(`whetstone: ${name.replace('.', '\\.')}:\\d+:\\d+: error: YAML nests more`));
      assert.doesNotMatch(run.stderr, /call stack/);
    }
    assert.equal(server.stats.requests, 0);
  });

  it('a run whose header line is torn is listed as damaged; `runs show X | head -1` ends quietly', async () => {
    const runs = path.join(dir, '.whetstone', 'runs', 'reviews');
    fs.mkdirSync(runs, { recursive: true });
    fs.writeFileSync(path.join(runs, '20261127-091502-apo-dead.jsonl'), '{"kind":"header","version":1,"runI');
    const listed = await runCli(['runs', 'list'], { cwd: dir });
    assert.equal(listed.code, 0, listed.stderr);
    assert.match(listed.stdout, /20261127-091502-apo-dead {2}damaged: its header line is missing or unreadable/);
    const json = await runCli(['runs', 'list', '--json'], { cwd: dir });
    assert.equal(json.json()[0].status, 'damaged');
    const shown = await runCli(['runs', 'show', '20261127-091502-apo-dead'], { cwd: dir });
    assert.equal(shown.code, 2);
    assert.match(shown.stderr, /is damaged/);

    // A run whose `show --json` is far larger than a pipe's buffer, read by `head -1`.
    const header = {
      kind: 'header',
      version: 1,
      runId: '20261127-091503-apo-beef',
      method: 'apo',
      seed: 1,
      preset: 'default',
      params: {},
      promptFile: file,
      promptName: 'reviews',
      originalRegion: 'x'.repeat(1_000_000),
      started: '2026-11-27T09:15:03Z',
      budget: {},
      split: { train: [0], validation: [] },
      rows: 1,
      evaluators: [],
      roles: {},
    };
    fs.writeFileSync(path.join(runs, '20261127-091503-apo-beef.jsonl'), `${JSON.stringify(header)}\n`);
    const piped = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = spawn(
        'bash',
        [
          '-c',
          `set -o pipefail; "${process.execPath}" "${cliPath}" runs show 20261127-091503-apo-beef --json | head -1`,
        ],
        { cwd: dir },
      );
      let stderr = '';
      child.stderr.on('data', (d) => (stderr += d));
      child.stdout.resume();
      child.on('close', (code) => resolve({ code, stderr }));
    });
    assert.equal(piped.stderr, '', 'no EPIPE stack trace');
    assert.equal(piped.code, 0);
  });
});
