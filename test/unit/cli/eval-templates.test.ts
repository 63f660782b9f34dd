/**
 * `whetstone eval` sends what each format's runtime would send: the real CLI, real HTTP to the local server, and the
 * request bodies the server received. gh-models (github/gh-models cmd/eval/eval.go runTestCase → templateMessages):
 * a row without a variable still calls the model, with `{{name}}` as written. Prompty (microsoft/prompty
 * core/pipeline.ts prepare): the body is rendered with Jinja2, then split into messages.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import { startSimServer, type SimServer } from '../../../src/sim/server';
import { runCli, tempWorkspace } from './run-cli';

const GH = `model: sim-model
messages:
  - role: SYSTEM
    content: Answer in one word.
  - role: user
    content: "Tell me about {{topic}} in {{ lang }}; list {{items}}"
testData:
  - items: [a, b]
  - topic: tea
    items: {k: 1}
`;

const PROMPTY = `---
name: loop
inputs:
  questions:
    type: array
---
system:
Answer {{ questions | length }} questions.
{% for q in questions %}
user:
{{ loop.index }}. {{ q }}
{% endfor %}
`;

describe('whetstone eval renders as the runtime does (CLI, request bodies)', function () {
  this.timeout(60_000);
  let server: SimServer;
  let dir: string;
  const seen: Array<Array<{ role: string; content: string }>> = [];
  beforeEach(async () => {
    seen.length = 0;
    server = await startSimServer({
      handler: {
        chat(req) {
          seen.push(req.messages.map((m) => ({ role: m.role, content: String(m.content) })));
          return 'ok';
        },
      },
    });
    dir = tempWorkspace({
      'gh.prompt.yml': GH,
      'loop.prompty': PROMPTY,
      'loop.whetstone.yaml': 'rows:\n  - questions: [why, how]\n',
    });
  });
  afterEach(async () => {
    await server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('.prompt.yml: a missing variable is sent as written, the model is called, and a warning says so', async () => {
    const run = await runCli(['eval', 'gh.prompt.yml', '--base-url', server.url, '--json', '--no-cache'], {
      cwd: dir,
    });
    assert.notEqual(run.code, 2, run.stderr);
    assert.equal(run.json().cases, 2);
    assert.match(
      run.stderr,
      /\{\{topic\}\} has no value in 1 of 2 test rows \(row 1\): gh models sends the text \{\{topic\}\}/,
    );
    const users = seen.map((m) => m.find((x) => x.role === 'user')!.content).sort();
    assert.deepEqual(users, [
      'Tell me about tea in {{ lang }}; list map[k:1]',
      'Tell me about {{topic}} in {{ lang }}; list [a b]',
    ]);
    assert.ok(seen.every((m) => m[0].role === 'system'));
  });

  it('.prompty: the loop around a role line makes one user message per item', async () => {
    const run = await runCli(['eval', 'loop.prompty', '--base-url', server.url, '--model', 'sim-model', '--json'], {
      cwd: dir,
    });
    assert.notEqual(run.code, 2, run.stderr);
    assert.deepEqual(seen, [
      [
        { role: 'system', content: 'Answer 2 questions.' },
        { role: 'user', content: '1. why' },
        { role: 'user', content: '2. how' },
      ],
    ]);
  });
});
