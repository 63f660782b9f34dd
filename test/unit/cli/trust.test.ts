/**
 * Code evaluators in the CLI, attacked as a pull request would: a sidecar whose `javascript` evaluator tries to read
 * OPENAI_API_KEY. The real built CLI (its bundled QuickJS WASM from dist/), real HTTP to the local test server, a real
 * key in the child's environment, grepped for in stdout, stderr and every file the run writes.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startSimServer, type SimServer } from '../../../src/sim/server';
import { runCli, tempWorkspace } from './run-cli';

const SECRET = 'sk-test-cli-trust-SECRET-7731';

const PROMPT = `name: Echo
model: sim-model
messages:
  - role: system
    content: Repeat the text.
  - role: user
    content: "{{text}}"
testData:
  - text: hello
  - text: world
`;

const STEAL = `evaluators:
  - type: javascript
    name: steal-the-key
    value: |
      const env = this.constructor.constructor('return process')().env;
      return { pass: true, reason: env.OPENAI_API_KEY };
`;

const HONEST = `evaluators:
  - type: javascript
    name: short-enough
    value: output.length < 100
`;

function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath, e.name));
}

describe('whetstone eval/optimize: code evaluators need --trust (CLI, real process)', function () {
  this.timeout(60_000);
  let server: SimServer;
  let dir: string;
  let config: string;
  const env = () => ({ OPENAI_API_KEY: SECRET, XDG_CONFIG_HOME: config });

  beforeEach(async () => {
    server = await startSimServer({ handler: { chat: () => 'echo' } });
    dir = tempWorkspace({ 'echo.prompt.yml': PROMPT, 'echo.whetstone.yaml': STEAL });
    config = fs.mkdtempSync(path.join(dir, '..', 'whetstone-config-'));
  });
  afterEach(async () => {
    await server.close();
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(config, { recursive: true, force: true });
  });

  const assertNoSecret = (run: { stdout: string; stderr: string }) => {
    assert.ok(!run.stdout.includes(SECRET), 'the key reached stdout');
    assert.ok(!run.stderr.includes(SECRET), 'the key reached stderr');
    for (const file of filesUnder(path.join(dir, '.whetstone')))
      assert.ok(!fs.readFileSync(file, 'utf8').includes(SECRET), `the key reached ${file}`);
  };

  it('without --trust: says so in one sentence naming file and evaluator, reports the cases as not run, exits 2', async () => {
    const run = await runCli(['eval', 'echo.prompt.yml', '--base-url', server.url, '--json'], { cwd: dir, env: env() });
    assert.equal(run.code, 2, run.stderr);
    const refusal = run.stderr.split('\n').filter((l) => /not running code evaluator/.test(l));
    assert.equal(refusal.length, 1, run.stderr);
    assert.match(refusal[0], /echo\.prompt\.yml: not running code evaluator "steal-the-key": .*--trust/);
    const out = run.json();
    assert.deepEqual([out.cases, out.passed, out.failed, out.notRun], [2, 0, 0, 2]);
    assert.deepEqual(
      out.results.map((r: any) => [r.status, r.pass]),
      [
        ['not run', false],
        ['not run', false],
      ],
    );
    assertNoSecret(run);
  });

  it('with --trust: the escape fails inside the isolate and the key appears nowhere', async () => {
    const run = await runCli(['eval', 'echo.prompt.yml', '--base-url', server.url, '--json', '--trust'], {
      cwd: dir,
      env: env(),
    });
    assert.equal(run.code, 1, run.stderr);
    const out = run.json();
    assert.deepEqual([out.passed, out.failed, out.notRun], [0, 2, 0]);
    assert.match(out.results[0].evaluations[0].feedback, /threw: .*process/);
    assertNoSecret(run);
  });

  it("a trustedFolders entry in the user's own config trusts the folder; a sidecar cannot trust itself", async () => {
    fs.writeFileSync(path.join(dir, 'echo.whetstone.yaml'), `trust: true\ntrustedFolders: ["."]\n${HONEST}`);
    const refused = await runCli(['eval', 'echo.prompt.yml', '--base-url', server.url, '--json'], {
      cwd: dir,
      env: env(),
    });
    assert.equal(refused.code, 2, refused.stderr);
    fs.mkdirSync(path.join(config, 'whetstone'));
    fs.writeFileSync(path.join(config, 'whetstone', 'config.json'), JSON.stringify({ trustedFolders: [dir] }));
    const trusted = await runCli(['eval', 'echo.prompt.yml', '--base-url', server.url, '--json'], {
      cwd: dir,
      env: env(),
    });
    assert.equal(trusted.code, 0, trusted.stderr);
    assert.deepEqual([trusted.json().passed, trusted.json().notRun], [2, 0]);
  });

  it('optimize --trust with the stealing evaluator: the key is in no run log, cache file or output', async () => {
    fs.writeFileSync(
      path.join(dir, 'echo.whetstone.yaml'),
      `${STEAL}rows:\n  - { text: hello, expected: echo }\n  - { text: world, expected: echo }\n`,
    );
    const run = await runCli(
      [
        'optimize',
        'echo.prompt.yml',
        '--method',
        'apo',
        '--base-url',
        server.url,
        '--budget-calls',
        '12',
        '--trust',
        '--json',
      ],
      { cwd: dir, env: env() },
    );
    // The echo endpoint gives no usable optimizer answer, so the job ends failed (exit 3) — after scoring the
    // baseline, which is what runs the stealing evaluator.
    assert.equal(run.code, 3, run.stderr);
    assert.match(run.stderr, /none of the optimizer model's \d+ answers was usable/);
    const logs = filesUnder(path.join(dir, '.whetstone', 'runs')).filter((f) => f.endsWith('.jsonl'));
    assert.ok(logs.length > 0, 'the run wrote its log');
    const baseline = fs
      .readFileSync(logs[0], 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l))
      .filter((l) => l.kind === 'event' && l.event.type === 'candidate' && l.event.candidate.id === 0)
      .at(-1);
    assert.equal(baseline.event.candidate.score, 0, 'the stealing evaluator failed every case inside the isolate');
    assertNoSecret(run);
  });

  it('optimize without --trust refuses before any model call (exit 2, one sentence)', async () => {
    fs.writeFileSync(
      path.join(dir, 'echo.whetstone.yaml'),
      `${HONEST}rows:\n  - { text: hello, expected: echo }\n  - { text: world, expected: echo }\n`,
    );
    const run = await runCli(['optimize', 'echo.prompt.yml', '--method', 'apo', '--base-url', server.url], {
      cwd: dir,
      env: env(),
    });
    assert.equal(run.code, 2, run.stderr);
    assert.match(run.stderr, /^whetstone: echo\.prompt\.yml: not running code evaluator "short-enough": .*--trust/m);
    assert.equal(server.stats.requests, 0);
    assertNoSecret(run);
  });
});
