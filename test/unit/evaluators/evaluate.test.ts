import * as assert from 'node:assert/strict';
import { aggregate, evaluate, type EvaluatorSpec } from '../../../src/core/evaluators';
import type { DatasetRow } from '../../../src/core/data';

const trusted = { trusted: true };
const row = (vars: Record<string, unknown> = {}, expected?: string): DatasetRow => ({ vars, expected });
const one = async (spec: EvaluatorSpec, output: string, r: DatasetRow = row(), ctx = trusted) =>
  (await evaluate([spec], output, r, ctx))[0];

describe('evaluate: string checks', () => {
  it('equals is trimmed and case-sensitive by default; caseSensitive false folds case', async () => {
    assert.equal((await one({ type: 'equals', value: 'Positive' }, '  Positive\n')).pass, true);
    assert.equal((await one({ type: 'equals', value: 'Positive' }, 'positive')).pass, false);
    assert.equal((await one({ type: 'equals', value: 'Positive', caseSensitive: false }, 'POSITIVE')).pass, true);
  });

  it('contains / startsWith / endsWith ignore case by default (GitHub Models semantics)', async () => {
    assert.equal((await one({ type: 'contains', value: 'HELLO' }, 'well, hello there')).pass, true);
    assert.equal((await one({ type: 'startsWith', value: 'well' }, '  Well, hello')).pass, true);
    assert.equal((await one({ type: 'endsWith', value: 'THERE' }, 'hello there \n')).pass, true);
    assert.equal((await one({ type: 'contains', value: 'HELLO', caseSensitive: true }, 'hello')).pass, false);
  });

  it('explains a failure with the expected value and the actual output', async () => {
    const r = await one({ type: 'contains', name: 'label', value: 'positive' }, 'neutral');
    assert.deepEqual([r.name, r.score, r.pass], ['label', 0, false]);
    assert.equal(r.feedback, 'expected output to contain "positive" (ignoring case) but it was "neutral"');
  });

  it('renders values with the row variables, expected and completion', async () => {
    const r = row({ word: 'hello' }, 'Greeting');
    assert.equal((await one({ type: 'contains', value: '{{word}}' }, 'Hello world', r)).pass, true);
    assert.equal((await one({ type: 'contains', value: '{{expected}}' }, 'a greeting', r)).pass, true);
    const missing = await one({ type: 'contains', value: '{{nope}}' }, 'anything', r);
    assert.equal(missing.pass, false);
    assert.match(missing.feedback!, /variable 'nope'/);
  });

  it('handles unicode: NFC normalization and non-Latin case folding', async () => {
    assert.equal((await one({ type: 'equals', value: 'café' }, 'cafe\u0301')).pass, true);
    assert.equal((await one({ type: 'contains', value: 'ΣΟΦΙΑ' }, 'η σοφια')).pass, true);
    assert.equal((await one({ type: 'contains', value: '😀' }, 'ok 😀')).pass, true);
  });

  it('negate inverts the check', async () => {
    assert.equal((await one({ type: 'contains', value: 'sorry', negate: true }, 'Here you go')).pass, true);
    assert.equal((await one({ type: 'contains', value: 'sorry', negate: true }, 'Sorry, no')).pass, false);
  });
});

describe('evaluate: regex, JSON Schema, numeric', () => {
  it('regex passes, fails, and reports an invalid pattern without throwing', async () => {
    assert.equal((await one({ type: 'regex', pattern: '^\\d{3}-\\d{4}$' }, '555-1234')).pass, true);
    assert.equal((await one({ type: 'regex', pattern: 'yes', flags: 'i' }, 'YES')).pass, true);
    const bad = await one({ type: 'regex', pattern: '(unclosed' }, 'x');
    assert.equal(bad.pass, false);
    assert.match(bad.feedback!, /invalid regular expression \/\(unclosed\/: /);
  });

  it('regex patterns are templates too', async () => {
    assert.equal((await one({ type: 'regex', pattern: '^{{expected}}$' }, 'B', row({}, 'B'))).pass, true);
  });

  const schema = {
    type: 'object',
    required: ['name', 'email'],
    properties: { name: { type: 'string' }, email: { type: 'string', format: 'email' } },
  };

  it('JSON Schema validates fenced JSON, uses formats, and says what is wrong', async () => {
    const ok = await one({ type: 'jsonSchema', schema }, '```json\n{"name": "Ada", "email": "ada@example.com"}\n```');
    assert.equal(ok.pass, true, ok.feedback);
    const badFormat = await one({ type: 'jsonSchema', schema }, '{"name": "Ada", "email": "nope"}');
    assert.equal(badFormat.pass, false);
    assert.match(badFormat.feedback!, /\/email must match format "email"/);
    const missing = await one({ type: 'jsonSchema', schema }, '{"name": "Ada"}');
    assert.match(missing.feedback!, /must have required property 'email'/);
    const notJson = await one({ type: 'jsonSchema', schema }, 'Sure! Here it is.');
    assert.match(notJson.feedback!, /expected output to be JSON but it did not parse/);
  });

  it('findInText finds JSON inside prose', async () => {
    const r = await one(
      { type: 'jsonSchema', schema, findInText: true },
      'Result: {"name": "A", "email": "a@b.co"} done',
    );
    assert.equal(r.pass, true, r.feedback);
  });

  it('numeric compares the first number within a tolerance', async () => {
    assert.equal(
      (await one({ type: 'numeric', value: '{{expected}}' }, 'The answer is 1,234.', row({}, '1234'))).pass,
      true,
    );
    assert.equal((await one({ type: 'numeric', value: '3.14', tolerance: 0.01 }, 'about 3.1415')).pass, true);
    assert.equal((await one({ type: 'numeric', value: '0.3' }, '0.30000000000000004')).pass, true);
    const off = await one({ type: 'numeric', value: '42', tolerance: 1 }, 'I think 44');
    assert.equal(off.pass, false);
    assert.equal(off.feedback, "expected 42 ± 1 but the output's number was 44");
    assert.match((await one({ type: 'numeric', value: '42' }, 'no idea')).feedback!, /has none/);
    assert.equal((await one({ type: 'numeric', value: '-5' }, 'minus: -5 degrees')).pass, true);
  });
});

describe('evaluate: custom JavaScript', () => {
  const js = (code: string, extra: Partial<Extract<EvaluatorSpec, { type: 'javascript' }>> = {}): EvaluatorSpec => ({
    type: 'javascript',
    code,
    ...extra,
  });

  it('untrusted workspaces never run code', async () => {
    const r = await one(js('true'), 'x', row(), { trusted: false });
    assert.deepEqual(
      [r.pass, r.skipped, r.untrusted, r.feedback],
      [false, undefined, true, 'not run: custom code evaluators need a trusted workspace'],
    );
  });

  it('runs expressions and function bodies with output, vars and expected', async () => {
    assert.equal(
      (await one(js("output.includes(vars.word) && expected === 'E'"), 'say hi', row({ word: 'hi' }, 'E'))).pass,
      true,
    );
    const body = await one(
      js('const n = output.length;\nreturn { pass: n < 5, score: n < 5 ? 1 : 0.2, reason: `length ${n}` };'),
      'far too long',
    );
    assert.deepEqual([body.pass, body.score, body.feedback], [false, 0.2, 'length 12']);
    assert.equal((await one(js('0.8'), 'x')).pass, true);
    assert.equal((await one(js('0.8', { threshold: 0.9 }), 'x')).pass, false);
  });

  it('stops a runaway loop with the time limit', async () => {
    const r = await one(js('while (true) {}', { timeoutMs: 50 }), 'x');
    assert.deepEqual([r.pass, r.feedback], [false, "the evaluator's code timed out after 50 ms"]);
  });

  it('reports throws, syntax errors and odd return values; settles async code inside the limit', async () => {
    assert.match((await one(js("throw new Error('boom')"), 'x')).feedback!, /threw: boom/);
    assert.match((await one(js('return ((('), 'x')).feedback!, /does not compile/);
    assert.match((await one(js("'text'"), 'x')).feedback!, /code returned string/);
    assert.equal((await one(js('Promise.resolve(true)'), 'x')).pass, true);
    const asyncBody = await one(js('const n = await Promise.resolve(output.length); return n === 1;'), 'x');
    assert.match(asyncBody.feedback!, /does not compile/, 'await outside an async function is a syntax error');
    assert.equal((await one(js('(async () => ({ pass: output === "x", reason: "ok" }))()'), 'x')).feedback, 'ok');
    assert.match((await one(js('Promise.reject(new Error("no"))'), 'x')).feedback!, /threw: no/);
  });

  it("cannot change the caller's row", async () => {
    const r = row({ list: [1] });
    await one(js('vars.list.push(2); true'), 'x', r);
    assert.deepEqual(r.vars.list, [1]);
  });
});

describe('evaluate: defaults, unsupported, aggregate', () => {
  it('with matchExpected, a row with expected and no evaluators gets equals (trimmed, case-insensitive)', async () => {
    const ext = { ...trusted, extensions: { matchExpected: true } };
    const [r] = await evaluate([], ' POSITIVE \n', row({}, 'positive'), ext);
    assert.deepEqual([r.name, r.pass], ['matches expected', true]);
    assert.deepEqual(await evaluate([], 'x', row(), ext), []);
    // Without it (eval's default) nothing is checked and the row passes, as `gh models eval` passes it.
    assert.deepEqual(await evaluate([], 'negative', row({}, 'positive'), trusted), []);
  });

  it('unsupported specs are reported as skipped and left out of the aggregate', async () => {
    const results = await evaluate(
      [
        { type: 'contains', value: 'a' },
        { type: 'unsupported', name: 'sim', original: 'type: similar', reason: 'needs embeddings' },
      ],
      'abc',
      row(),
      trusted,
    );
    assert.deepEqual(results[1], {
      name: 'sim',
      score: 0,
      pass: false,
      skipped: true,
      feedback: 'not run: needs embeddings',
    });
    assert.deepEqual(aggregate(results), { score: 1, pass: true });
  });

  it('aggregate: mean score, pass only if all pass; nothing to check passes', () => {
    assert.deepEqual(
      aggregate([
        { name: 'a', score: 1, pass: true },
        { name: 'b', score: 0.5, pass: false },
      ]),
      { score: 0.75, pass: false },
    );
    assert.deepEqual(aggregate([]), { score: 1, pass: true });
  });
});
