/** `whetstone check`: the real built CLI over real files; lines, JSON and exit codes per the CLI contract. */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import { runCli, tempWorkspace } from './run-cli';

const CLEAN = `messages:
  - role: System
    content: Classify.
  - role: user
    content: "{{review}}"
testData:
  - review: good
`;

const BROKEN = `messages:
  - role: user
    content: "{{review}
  bad: [
`;

const PROMPTY_EXTENDS = `---
inputs:
  topic:
    type: string
  count:
    type: number
---
{% extends "base.prompty" %}
{% block rules %}Answer about {{ 4 + count }} things.{% endblock %}
`;

describe('whetstone check (CLI)', function () {
  this.timeout(60_000);
  let dir: string;
  beforeEach(() => {
    dir = tempWorkspace({
      'clean.prompt.yml': CLEAN,
      'broken.prompt.yml': BROKEN,
      'child.prompty': PROMPTY_EXTENDS,
      'warn.prompt.yml': 'messages:\n  - role: tool\n    content: x\n',
      'ask.prompt.md': '---\ndescription: d\n---\nFix ${selection} for ${input:goal:bugs}.\n',
    });
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('is silent and exits 0 on files their runtimes accept (gh roles in any case, extends children, expressions)', async () => {
    const run = await runCli(['check', 'clean.prompt.yml', 'child.prompty', 'ask.prompt.md'], { cwd: dir });
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.equal(run.stdout, '');
    assert.match(run.stderr, /3 file\(s\) checked: 0 error\(s\), 0 warning\(s\)/);
  });

  it('prints file:line:col severity code message and exits 1 on an error', async () => {
    const run = await runCli(['check', 'broken.prompt.yml', 'warn.prompt.yml'], { cwd: dir });
    assert.equal(run.code, 1);
    const lines = run.stdout.trim().split('\n');
    assert.ok(lines.length >= 2);
    for (const line of lines) assert.match(line, /^\S+\.prompt\.yml:\d+:\d+ (error|warning|info) [a-z-]+ \S/);
    assert.ok(lines.some((l) => /^broken\.prompt\.yml:\d+:\d+ error yaml-syntax /.test(l)));
    assert.ok(lines.some((l) => l.startsWith('warn.prompt.yml:2:') && / warning unknown-role /.test(l)));
  });

  it('a warning alone exits 0', async () => {
    const run = await runCli(['check', 'warn.prompt.yml'], { cwd: dir });
    assert.equal(run.code, 0);
    assert.match(run.stdout, /warning unknown-role/);
  });

  it('--json gives counts and each file with its diagnostics', async () => {
    const run = await runCli(['check', 'broken.prompt.yml', 'clean.prompt.yml', '--json'], { cwd: dir });
    assert.equal(run.code, 1);
    const out = run.json();
    assert.equal(out.files, 2);
    assert.ok(out.errors >= 1);
    assert.deepEqual(
      out.results.map((r: { file: string }) => r.file),
      ['broken.prompt.yml', 'clean.prompt.yml'],
    );
    assert.deepEqual(out.results[1].diagnostics, []);
    const d = out.results[0].diagnostics[0];
    assert.deepEqual(Object.keys(d).sort(), [
      'code',
      'column',
      'endColumn',
      'endLine',
      'file',
      'line',
      'message',
      'severity',
    ]);
  });

  it('exits 2 on bad usage: no file, a file that does not exist', async () => {
    assert.equal((await runCli(['check'], { cwd: dir })).code, 2);
    const missing = await runCli(['check', 'nope.prompt.yml'], { cwd: dir });
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /nope\.prompt\.yml: no such file/);
  });
});
