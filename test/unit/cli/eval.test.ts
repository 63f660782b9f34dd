/** `whetstone eval` per the CLI contract: the real built CLI, real HTTP to the local test server, real files. */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startSimServer, type SimServer, type SimHandler } from '../../../src/sim/server';
import { spawn } from 'node:child_process';
import * as readline from 'node:readline';
import { repoRoot, runCli, tempWorkspace } from './run-cli';

const PROMPT = `name: Sentiment
model: sim-model
messages:
  - role: system
    content: Classify the review. Answer with one word.
  - role: user
    content: "{{review}}"
testData:
  - review: I love it
    expected: positive
  - review: I hate it
    expected: negative
  - review: It is fine
    expected: neutral
evaluators:
  - name: matches
    string:
      equals: "{{expected}}"
`;

// A target model that gets 'love' and 'hate' right and calls everything else positive.
const classifier: SimHandler = {
  chat(req) {
    const user = req.messages
      .filter((m) => m.role === 'user')
      .map((m) => m.content)
      .join(' ');
    return /hate/.test(user) ? 'negative' : 'positive';
  },
};

describe('whetstone eval (CLI contract)', function () {
  this.timeout(60_000);
  let server: SimServer;
  let dir: string;
  const fastRetries = { WHETSTONE_RETRY_BASE_MS: '5', WHETSTONE_TIMEOUT_MS: '1500' };

  beforeEach(async () => {
    server = await startSimServer({ handler: classifier });
    dir = tempWorkspace({ 'sentiment.prompt.yml': PROMPT });
  });
  afterEach(async () => {
    await server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('prints the contract object with correct counts and exits 1 when a case fails', async () => {
    const run = await runCli(['eval', 'sentiment.prompt.yml', '--base-url', server.url, '--model', 'M', '--json'], {
      cwd: dir,
    });
    assert.equal(run.code, 1, run.stderr);
    const out = run.json();
    assert.deepEqual(
      Object.keys(out).sort(),
      [
        'calls',
        'cases',
        'costUsd',
        'extensions',
        'failed',
        'model',
        'notRun',
        'passed',
        'prompt',
        'results',
        'score',
        'tokens',
      ].sort(),
    );
    assert.deepEqual(out.extensions, [], 'no Whetstone extension unless asked: the verdicts are gh models eval’s');
    assert.equal(out.model, 'M');
    assert.equal(out.cases, 3);
    assert.equal(out.passed, 2);
    assert.equal(out.failed, 1);
    assert.ok(Math.abs(out.score - 2 / 3) < 1e-9);
    assert.equal(out.calls, 3);
    assert.equal(server.stats.byPath['/v1/chat/completions'], 3);
    assert.ok(out.tokens > 0);
    assert.equal(out.costUsd, null, 'an unknown model has an unknown cost, never a guess');
    const failing = out.results.filter((r: any) => !r.pass);
    assert.equal(failing.length, 1);
    assert.equal(failing[0].vars.review, 'It is fine');
    assert.match(failing[0].evaluations[0].feedback, /neutral/);
  });

  // gh-models cmd/eval/eval.go passes a test case with no evaluators; --match-expected is Whetstone's, named.
  it('rows with expected but no evaluators pass by default; --match-expected checks them and says so', async () => {
    fs.writeFileSync(path.join(dir, 'sentiment.prompt.yml'), PROMPT.replace(/evaluators:[\s\S]*$/, ''));
    const plain = await runCli(['eval', 'sentiment.prompt.yml', '--base-url', server.url, '--model', 'M'], {
      cwd: dir,
    });
    assert.equal(plain.code, 0, plain.stderr);
    assert.doesNotMatch(plain.stdout, /extensions/);
    const args = ['eval', 'sentiment.prompt.yml', '--base-url', server.url, '--model', 'M', '--match-expected'];
    const checked = await runCli(args, { cwd: dir });
    assert.equal(checked.code, 1, checked.stderr);
    assert.match(checked.stdout, /2\/3 passed .*Whetstone extensions: match-expected/);
    const json = await runCli([...args, '--robust-choices', '--json'], { cwd: dir });
    assert.deepEqual(json.json().extensions, ['match-expected', 'robust-choices']);
  });

  it('exits 0 when every case passes, and progress goes to stderr only', async () => {
    fs.writeFileSync(
      path.join(dir, 'sentiment.prompt.yml'),
      PROMPT.replace(/ {2}- review: It is fine\n {4}expected: neutral\n/, ''),
    );
    const run = await runCli(['eval', 'sentiment.prompt.yml', '--base-url', server.url, '--model', 'M', '--json'], {
      cwd: dir,
    });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.json().passed, 2);
    assert.match(run.stderr, /2\/2 cases/);
  });

  it('exits 2 on a malformed file with a one-line reason naming file:line', async () => {
    fs.writeFileSync(
      path.join(dir, 'broken.prompt.yml'),
      'name: x\nmessages:\n  - role: system\n    content: "unclosed\n  - role: user\n',
    );
    const run = await runCli(['eval', 'broken.prompt.yml', '--base-url', server.url, '--model', 'M', '--json'], {
      cwd: dir,
    });
    assert.equal(run.code, 2);
    assert.equal(run.stdout, '');
    assert.match(run.stderr, /broken\.prompt\.yml:\d+:\d+: error: /);
    assert.equal(server.stats.requests, 0, 'nothing is sent for a file that does not parse');
  });

  it('exits 2 for a missing file, a missing dataset and bad flags', async () => {
    const missing = await runCli(['eval', 'nope.prompt.yml', '--base-url', server.url], { cwd: dir });
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /nope\.prompt\.yml: no such file/);
    const dataset = await runCli(
      ['eval', 'sentiment.prompt.yml', '--dataset', 'rows.jsonl', '--base-url', server.url, '--model', 'M'],
      { cwd: dir },
    );
    assert.equal(dataset.code, 2);
    assert.match(dataset.stderr, /rows\.jsonl/);
    const flag = await runCli(['eval', 'sentiment.prompt.yml', '--concurrency', 'many', '--base-url', server.url], {
      cwd: dir,
    });
    assert.equal(flag.code, 2);
    assert.match(flag.stderr, /--concurrency/);
    const cap = await runCli(['eval', 'sentiment.prompt.yml', '--cache-max-mb', '0', '--base-url', server.url], {
      cwd: dir,
    });
    assert.equal(cap.code, 2);
    assert.match(cap.stderr, /--cache-max-mb: expected a positive number/);
  });

  it('exits 3 naming the endpoint when it is unreachable', async () => {
    const url = server.url;
    await server.close();
    const run = await runCli(['eval', 'sentiment.prompt.yml', '--base-url', url, '--model', 'M'], {
      cwd: dir,
      env: fastRetries,
    });
    assert.equal(run.code, 3);
    assert.ok(run.stderr.includes(new URL(url).host), run.stderr);
    server = await startSimServer({ handler: classifier });
  });

  it('completes with correct results under injected 429s, 500s, resets and a timeout', async () => {
    server.faults.push(
      { kind: 'status', status: 429, retryAfterMs: 20 },
      { kind: 'status', status: 500 },
      { kind: 'reset' },
      { kind: 'hang' },
      { kind: 'status', status: 503 },
    );
    const run = await runCli(
      ['eval', 'sentiment.prompt.yml', '--base-url', server.url, '--model', 'M', '--json', '--no-cache'],
      { cwd: dir, env: fastRetries },
    );
    assert.equal(run.code, 1, run.stderr);
    const out = run.json();
    assert.equal(out.passed, 2);
    assert.equal(out.failed, 1);
    assert.equal(out.calls, 3, 'failed attempts are retries of the same call');
    assert.ok(server.stats.requests >= 8, `every fault was hit (${server.stats.requests} requests)`);
  });

  it('a second identical run makes zero HTTP calls; --no-cache makes them again', async () => {
    const args = ['eval', 'sentiment.prompt.yml', '--base-url', server.url, '--model', 'M', '--json'];
    const first = await runCli(args, { cwd: dir });
    assert.equal(first.json().calls, 3);
    const before = server.stats.requests;
    const second = await runCli(args, { cwd: dir });
    assert.equal(server.stats.requests, before, 'no HTTP request on the second run');
    assert.equal(second.json().calls, 0);
    assert.deepEqual(
      second.json().results.map((r: any) => r.output),
      first.json().results.map((r: any) => r.output),
    );
    await runCli([...args, '--no-cache'], { cwd: dir });
    assert.equal(server.stats.requests, before + 3);
  });

  it("sends the key only to the base URL's origin", async () => {
    const run = await runCli(['eval', 'sentiment.prompt.yml', '--base-url', server.url, '--model', 'M', '--no-cache'], {
      cwd: dir,
      env: { OPENAI_API_KEY: 'sk-test-123' },
    });
    assert.equal(run.code, 1, run.stderr);
    assert.ok(server.stats.authHeaders.every((h) => h === 'Bearer sk-test-123'));
    assert.ok(!run.stderr.includes('sk-test-123') && !run.stdout.includes('sk-test-123'), 'the key is never printed');
  });
});

describe('whetstone eval --json when the endpoint dies mid-run', function () {
  this.timeout(120_000);

  it('still prints one valid JSON document: the finished cases, an error, and how many did not finish', async () => {
    const rows = Array.from({ length: 400 }, (_, i) =>
      JSON.stringify({
        review: `review ${i}: I ${i % 3 ? 'love' : 'hate'} it`,
        expected: i % 3 ? 'positive' : 'negative',
      }),
    );
    const dir = tempWorkspace({ 'sentiment.prompt.yml': PROMPT, 'rows.jsonl': `${rows.join('\n')}\n` });
    // `--require tsx/cjs` (not the tsx CLI, which runs the script in a child process): the kill reaches the server.
    const script = path.join(__dirname, 'sim-process.ts');
    const sim = spawn(process.execPath, ['--require', 'tsx/cjs', script, '--announce-after', '60'], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    try {
      const lines = readline.createInterface({ input: sim.stdout });
      const next = () => new Promise<any>((resolve) => lines.once('line', (l) => resolve(JSON.parse(l))));
      const { url } = await next();
      // The server process dies (SIGKILL, no clean close) once it has answered 60 calls.
      void next().then(() => sim.kill('SIGKILL'));
      const run = await runCli(
        ['eval', 'sentiment.prompt.yml', '--dataset', 'rows.jsonl', '--base-url', url, '--model', 'M', '--json'],
        { cwd: dir, env: { WHETSTONE_RETRY_BASE_MS: '5', WHETSTONE_TIMEOUT_MS: '1500' } },
      );
      assert.equal(run.code, 3, run.stderr);
      const out = run.json(); // throws when the document is unterminated
      assert.ok(out.results.length >= 1 && out.results.length < 400, `${out.results.length} cases written`);
      assert.equal(out.cases, out.results.length);
      assert.equal(out.notFinished, 400 - out.cases);
      assert.equal(out.passed + out.failed + out.notRun, out.cases);
      assert.match(out.error, new RegExp(new URL(url).host.replace('.', '\\.')));
      const indexes = out.results.map((r: any) => r.index);
      assert.deepEqual(
        indexes,
        [...indexes].sort((a: number, b: number) => a - b),
        'cases in row order',
      );
      assert.equal(new Set(indexes).size, indexes.length);
    } finally {
      sim.kill('SIGKILL');
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
