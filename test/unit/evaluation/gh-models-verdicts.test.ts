/**
 * `whetstone eval` on .prompt.yml files gives `gh models eval`'s verdict on every row. Each case is what gh-models'
 * Go source does (github/gh-models @ f38cd97, cmd/eval/eval.go, cmd/eval/builtins.go, pkg/prompt/prompt.go):
 * run through core loadPrompt + runEval against the local server, whose target echoes the row's `reply` (so the output
 * is known exactly) and whose judge echoes its templated prompt.
 */
import * as assert from 'node:assert/strict';
import { startEchoServer, verdicts, lastUser, type EchoServer } from './helpers';

/** A .prompt.yml whose output for each row is its `reply` variable. */
const promptYml = (testData: string, evaluators: string) => `name: parity
model: openai/gpt-4o-mini
messages:
  - role: user
    content: "{{reply}}"
testData:
${testData}
evaluators:
${evaluators}`;

describe('gh models eval parity: string evaluators (cmd/eval/eval.go runStringEvaluator)', () => {
  let echo: EchoServer;
  before(async () => (echo = await startEchoServer()));
  after(() => echo.close());

  it('equals is `response == equals`: exact and case-sensitive, the expected value untrimmed', async () => {
    const { result } = await echo.run(
      'p.prompt.yml',
      promptYml(
        `  - { reply: "Paris", want: "Paris" }
  - { reply: "paris", want: "Paris" }
  - { reply: " Paris ", want: " Paris" }`,
        `  - name: exact
    string: { equals: "{{want}}" }`,
      ),
    );
    // Row 3: the response is TrimSpace'd ("Paris"), the expected " Paris" is not: no match.
    assert.deepEqual(verdicts(result), [true, false, false]);
  });

  it('the response is strings.TrimSpace’d before every evaluator (callModelWithRetry)', async () => {
    const { result } = await echo.run(
      'p.prompt.yml',
      promptYml(
        `  - { reply: "  Paris\\n\\t" }
  - { reply: "Paris\\x85" }
  - { reply: "\\uFEFFParis" }`,
        `  - name: exact
    string: { equals: "Paris" }`,
      ),
    );
    // Go's unicode.IsSpace includes U+0085 (NEL) and excludes U+FEFF — the reverse of JavaScript's trim().
    assert.deepEqual(verdicts(result), [true, true, false]);
  });

  it('only the first of equals > contains > startsWith > endsWith is checked (the switch order)', async () => {
    const { result } = await echo.run(
      'p.prompt.yml',
      promptYml(
        `  - { reply: "Paris" }
  - { reply: "Lyon" }`,
        `  - name: several
    string: { endsWith: "zzz", contains: "nowhere", equals: "Paris" }
  - name: second
    string: { startsWith: "Ly", endsWith: "nowhere" }`,
      ),
    );
    assert.deepEqual(verdicts(result), [false, false]);
    // Row 1 fails only on `second`; `several` passed on equals alone although contains/endsWith would fail.
    assert.deepEqual(
      result.results[0].evaluations.map((e) => [e.name, e.pass]),
      [
        ['several', true],
        ['second', false],
      ],
    );
    assert.deepEqual(
      result.results[1].evaluations.map((e) => [e.name, e.pass]),
      [
        ['several', false],
        ['second', true],
      ],
    );
  });

  it('an empty or null check is absent (Go zero value): the next key is checked', async () => {
    const { result } = await echo.run(
      'p.prompt.yml',
      promptYml(`  - { reply: "Paris is big" }`, `  - name: empty-equals\n    string: { equals: "", contains: "big" }`),
    );
    assert.deepEqual(verdicts(result), [true]);
  });

  it('contains / startsWith / endsWith compare strings.ToLower of both sides', async () => {
    const { result } = await echo.run(
      'p.prompt.yml',
      promptYml(
        `  - { reply: "The answer is PARIS." }`,
        `  - { name: c, string: { contains: "paris" } }
  - { name: s, string: { startsWith: "THE ANSWER" } }
  - { name: e, string: { endsWith: "paris." } }`,
      ),
    );
    assert.deepEqual(verdicts(result), [true]);
  });

  it('case folding is Go’s simple per-rune lower-casing, not Unicode full folding', async () => {
    const { result } = await echo.run(
      'p.prompt.yml',
      promptYml(
        `  - { reply: "STRASSE", want: "straße" }
  - { reply: "İSTANBUL", want: "istanbul" }
  - { reply: "ΟΔΟΣ", want: "οδοσ" }`,
        `  - name: c
    string: { contains: "{{want}}" }`,
      ),
    );
    // ToLower("STRASSE") = "strasse" lacks "ß"; Go maps İ to "i" (JS: "i̇") and Σ to "σ" always (JS: final "ς").
    assert.deepEqual(verdicts(result), [false, true, true]);
  });

  it('no Unicode normalization: precomposed é and e + U+0301 differ', async () => {
    const { result } = await echo.run(
      'p.prompt.yml',
      promptYml(`  - { reply: "caf\\u00E9" }`, `  - name: nfd\n    string: { equals: "cafe\\u0301" }`),
    );
    assert.deepEqual(verdicts(result), [false]);
  });

  it('a numeric value is its YAML text in gh’s string field (yaml.v3 decodes 1.50 into a string as "1.50")', async () => {
    const { result } = await echo.run(
      'p.prompt.yml',
      promptYml(
        `  - { reply: "1.50" }
  - { reply: "1.5" }
  - { reply: "TRUE" }`,
        `  - name: n
    string: { equals: 1.50 }`,
      ),
    );
    assert.deepEqual(verdicts(result), [true, false, false]);
  });

  it('test-case values are rendered with Go %v (TemplateString): 1.50 → "1.5", lists, maps, null, 1e-05', async () => {
    const { result } = await echo.run(
      'p.prompt.yml',
      promptYml(
        `  - { reply: "1.5", want: 1.50 }
  - { reply: "[a b]", want: [a, b] }
  - { reply: "map[k:1 z:x]", want: { z: x, k: 1 } }
  - { reply: "<nil>", want: null }
  - { reply: "1e-05", want: 0.00001 }
  - { reply: "1.2345675e+06", want: 1234567.5 }`,
        `  - name: v
    string: { equals: "{{want}}" }`,
      ),
    );
    assert.deepEqual(verdicts(result), [true, true, true, true, true, true]);
  });

  it('a missing variable stays as written and the model is still called; {{completion}} is not a string variable', async () => {
    const { result, bodies } = await echo.run(
      'p.prompt.yml',
      promptYml(
        `  - { reply: "has {{nope}} in it" }
  - { reply: "plain" }
  - { reply: "{{completion}}" }`,
        `  - { name: missing, string: { contains: "{{nope}}" } }`,
      ),
    );
    assert.equal(bodies.length, 3);
    // Row 3: the value "{{nope}}" is not in "{{completion}}", so it fails; a {{completion}} value would stay literal.
    assert.deepEqual(verdicts(result), [true, false, false]);
    const { result: completion } = await echo.run(
      'p.prompt.yml',
      promptYml(
        `  - { reply: "{{completion}}" }\n  - { reply: "x" }`,
        `  - { name: c, string: { equals: "{{completion}}" } }`,
      ),
    );
    assert.deepEqual(verdicts(completion), [true, false]);
  });

  it('spaced or dotted placeholders are not gh placeholders: they stay literal in the value', async () => {
    const { result } = await echo.run(
      'p.prompt.yml',
      promptYml(`  - { reply: "{{ want }}", want: "x" }`, `  - { name: c, string: { equals: "{{ want }}" } }`),
    );
    assert.deepEqual(verdicts(result), [true]);
  });
});

describe('gh models eval parity: rows, uses, llm (runEvaluation, runPluginEvaluator, runLLMEvaluator)', () => {
  let echo: EchoServer;
  before(async () => (echo = await startEchoServer()));
  after(() => echo.close());

  it('a row with `expected` and no evaluators passes; --match-expected (a named extension) checks it', async () => {
    const text = `name: t
messages:
  - role: user
    content: "{{reply}}"
testData:
  - { reply: "positive", expected: "positive" }
  - { reply: "negative", expected: "positive" }
`;
    const plain = await echo.run('p.prompt.yml', text);
    assert.deepEqual(verdicts(plain.result), [true, true]);
    assert.deepEqual(plain.result.results[1].evaluations, []);
    const extended = await echo.run('p.prompt.yml', text, { extensions: { matchExpected: true } });
    assert.deepEqual(verdicts(extended.result), [true, false]);
    assert.equal(extended.result.results[1].evaluations[0].name, 'matches expected');
  });

  it('an unknown `uses:` evaluator fails every case with score 0 (“Plugin evaluator … not found”)', async () => {
    const { result, warnings } = await echo.run(
      'p.prompt.yml',
      promptYml(
        `  - { reply: "ok" }`,
        `  - { name: ok, string: { contains: "ok" } }
  - { name: mystery, uses: github/does-not-exist }
  - { name: foreign, uses: acme/similarity }`,
      ),
    );
    assert.deepEqual(verdicts(result), [false]);
    assert.deepEqual(
      result.results[0].evaluations.map((e) => [e.name, e.pass, e.score, e.feedback]),
      [
        ['ok', true, 1, "passed: Expected to contain: 'ok'"],
        ['mystery', false, 0, "Plugin evaluator 'github/does-not-exist' not found"],
        ['foreign', false, 0, "Plugin evaluator 'acme/similarity' not found"],
      ],
    );
    assert.equal(result.score, 1 / 3);
    assert.ok(warnings.some((w) => w.includes('fails every case')));
  });

  it('llm: systemPrompt is sent as written, the prompt templated with the row and completion, nothing appended', async () => {
    const { bodies } = await echo.run(
      'p.prompt.yml',
      promptYml(
        `  - { reply: "Paris", input: "Capital of France?", verdict: "good" }`,
        `  - name: judge
    llm:
      modelId: openai/gpt-4o
      systemPrompt: "Grade {{input}} strictly."
      prompt: "Q={{input}} A={{completion}} X={{ input }} V={{verdict}}"
      choices: [{ choice: good, score: 1 }, { choice: bad, score: 0 }]`,
      ),
    );
    const judge = bodies.find((b) => b.model === 'judge-model')!;
    assert.deepEqual(judge.messages, [
      { role: 'system', content: 'Grade {{input}} strictly.' },
      { role: 'user', content: 'Q=Capital of France? A=Paris X={{ input }} V=good' },
    ]);
    // gh's llm evaluator request carries no sampling parameters and no response format.
    assert.deepEqual(Object.keys(judge).sort(), ['messages', 'model']);
  });

  it('llm choice: the first listed choice contained in the lower-cased reply wins (so "cannot" picks "no")', async () => {
    const { result } = await echo.run(
      'p.prompt.yml',
      promptYml(
        `  - { reply: "x", verdict: "YES" }
  - { reply: "x", verdict: "I cannot say" }
  - { reply: "x", verdict: "maybe" }`,
        `  - name: judge
    llm:
      prompt: "{{verdict}}"
      choices: [{ choice: "yes", score: 1 }, { choice: "no", score: 0 }]`,
      ),
    );
    assert.deepEqual(verdicts(result), [true, false, false]);
    assert.match(result.results[1].evaluations[0].feedback!, /matched choice: 'no'/);
    assert.match(
      result.results[2].evaluations[0].feedback!,
      /'maybe' did not match any defined choices|"maybe" did not match/,
    );
  });

  it('llm ratings: "10" matches "1" first; --robust-choices (a named extension) reads the answer instead', async () => {
    const evaluators = `  - name: rating
    llm:
      prompt: "{{verdict}}"
      choices: [{ choice: "1", score: 0 }, { choice: "2", score: 0.25 }, { choice: "5", score: 1 }]`;
    const rows = `  - { reply: "x", verdict: "10 out of 10... final: 5" }
  - { reply: "x", verdict: "5" }`;
    const gh = await echo.run('p.prompt.yml', promptYml(rows, evaluators));
    assert.deepEqual(verdicts(gh.result), [false, true]);
    const robust = await echo.run('p.prompt.yml', promptYml(rows, evaluators), { extensions: { robustChoices: true } });
    assert.deepEqual(verdicts(robust.result), [true, true]);
    assert.match(robust.result.results[0].evaluations[0].feedback!, /robust-choices extension/);
  });

  it('llm pass = score > 0: a 0.25 choice passes, a 0 choice fails; no choices fails every row', async () => {
    const { result } = await echo.run(
      'p.prompt.yml',
      promptYml(
        `  - { reply: "x", verdict: "meh" }
  - { reply: "x", verdict: "bad" }`,
        `  - name: j
    llm:
      prompt: "{{verdict}}"
      choices: [{ choice: "meh", score: 0.25 }, { choice: "bad", score: 0 }]`,
      ),
    );
    assert.deepEqual(verdicts(result), [true, false]);
    assert.deepEqual(
      result.results.map((r) => r.evaluations[0].score),
      [0.25, 0],
    );
    const none = await echo.run(
      'p.prompt.yml',
      promptYml(`  - { reply: "x", verdict: "good" }`, `  - name: j\n    llm:\n      prompt: "{{verdict}}"`),
    );
    assert.deepEqual(verdicts(none.result), [false]);
    assert.ok(none.warnings.some((w) => w.includes('no choices')));
  });

  it('uses: github/similarity — gh’s variables (input, expected, completion), ratings 1–5 → 0…1, 1 fails', async () => {
    const text = `name: sim
messages:
  - role: user
    content: "{{reply}}"
testData:
  - { reply: "Plants make sugar.", input: "What is photosynthesis?", expected: "Light to sugar." }
evaluators:
  - name: similarity
    uses: github/similarity
`;
    const scores: number[] = [];
    try {
      for (const answer of ['1', '2', '5']) {
        echo.judgeAnswer = answer;
        const { result, bodies } = await echo.run('p.prompt.yml', text);
        scores.push(result.results[0].evaluations[0].score);
        assert.equal(result.results[0].pass, answer !== '1');
        const judge = bodies.find((b) => b.model === 'judge-model')!;
        assert.equal(judge.messages[0].role, 'system');
        const user = lastUser(judge);
        assert.match(user, /What is photosynthesis\?/);
        assert.match(user, /Light to sugar\./);
        assert.match(user, /Plants make sugar\./);
      }
    } finally {
      echo.judgeAnswer = undefined;
    }
    assert.deepEqual(scores, [0, 0.25, 1]);
  });

  it('a case passes only when every evaluator passes', async () => {
    const { result } = await echo.run(
      'p.prompt.yml',
      promptYml(
        `  - { reply: "Paris, France" }
  - { reply: "Paris" }`,
        `  - { name: a, string: { startsWith: "paris" } }
  - { name: b, string: { contains: "france" } }`,
      ),
    );
    assert.deepEqual(verdicts(result), [true, false]);
    assert.equal(result.passed, 1);
  });
});
