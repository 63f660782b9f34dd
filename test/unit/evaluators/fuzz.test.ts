/**
 * Seeded fuzz of the evaluators with hostile model output: backtracking bait, bracket and quote soup, huge and
 * deeply nested JSON, lone surrogates, control characters. 10,000 outputs, each through the regex (ReDoS patterns),
 * JSON Schema (ReDoS `pattern`), contains-json, string and numeric evaluators; every 20th also through a JavaScript
 * evaluator that tries an escape. Every call must come back (a hang fails the suite by its timeout) with a well-formed
 * result, and no escape may ever see the host.
 */
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { evaluate } from '../../../src/core/evaluators';
import type { EvaluationResult, EvaluatorSpec } from '../../../src/core/evaluators/types';

const SECRET = 'sk-test-fuzz-SECRET-9090';

const builtins: EvaluatorSpec[] = [
  { type: 'regex', name: 'nested plus', pattern: '^(a+)+$' },
  { type: 'regex', name: 'alternation', pattern: '^(a|aa)*b$', flags: 'i' },
  { type: 'regex', name: 'words', pattern: '^(\\w+\\s?)*$' },
  { type: 'regex', name: 'negated', pattern: '(.*a){10}', negate: true },
  { type: 'jsonSchema', name: 'schema pattern', schema: { type: 'string', pattern: '^(a+)+$' } },
  {
    type: 'jsonSchema',
    name: 'object schema',
    schema: { type: 'object', properties: { a: { type: 'string', pattern: '(x+x+)+y' } }, required: ['a'] },
  },
  { type: 'jsonSchema', name: 'contains-json', schema: true, findInText: true },
  { type: 'contains', name: 'contains', value: 'aaa' },
  { type: 'equals', name: 'equals', value: '{{expected}}' },
  { type: 'numeric', name: 'numeric', value: '42', tolerance: 0.5 },
];

// Each escape returns true only if it reached something of the host's.
const escape: EvaluatorSpec = {
  type: 'javascript',
  name: 'escape attempt',
  timeoutMs: 100,
  code: `
    const tries = [
      () => this.constructor.constructor('return process')().env.OPENAI_API_KEY,
      () => output.constructor.constructor('return globalThis.process')().env.OPENAI_API_KEY,
      () => ({}).constructor.constructor('return require')()('fs'),
      () => Error.prepareStackTrace,
    ];
    let reached = false;
    for (const t of tries) { try { if (t() !== undefined) reached = true; } catch {} }
    return { pass: !reached, reason: reached ? 'ESCAPED' : 'held', score: output.length % 2 };`,
};

const hostileOutput = fc.oneof(
  fc.nat({ max: 2000 }).map((n) => 'a'.repeat(n) + '!'),
  fc.nat({ max: 3000 }).map((n) => '{'.repeat(n)),
  fc.tuple(fc.nat({ max: 1500 }), fc.nat({ max: 1500 })).map(([a, b]) => '['.repeat(a) + 'x' + ']'.repeat(b)),
  fc.nat({ max: 1500 }).map((n) => '{"'.repeat(n) + '\\'),
  fc.nat({ max: 1000 }).map((n) => JSON.stringify('a'.repeat(n) + '!')),
  fc.nat({ max: 1000 }).map((n) => `{"a": "${'x'.repeat(n)}"}`),
  fc.nat({ max: 400 }).map((n) => '```json\n' + '['.repeat(n) + ']'.repeat(n) + '\n```'),
  fc
    .array(fc.constantFrom('{', '}', '[', ']', '"', '\\', ':', ',', 'a', ' ', '\n', '42', '\u0000', '\ud800'), {
      maxLength: 400,
    })
    .map((p) => p.join('')),
  fc.json(),
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc.string({ unit: 'grapheme', maxLength: 200 }),
);

function wellFormed(r: EvaluationResult): boolean {
  return (
    typeof r.name === 'string' &&
    typeof r.pass === 'boolean' &&
    Number.isFinite(r.score) &&
    r.score >= 0 &&
    r.score <= 1 &&
    (r.feedback === undefined || typeof r.feedback === 'string')
  );
}

describe('evaluator fuzz: hostile outputs (seeded)', function () {
  this.timeout(120_000);
  let saved: string | undefined;
  before(() => {
    saved = process.env.OPENAI_API_KEY;
    process.env.OPENAI_API_KEY = SECRET;
  });
  after(() => {
    if (saved === undefined) delete process.env.OPENAI_API_KEY;
    else process.env.OPENAI_API_KEY = saved;
  });

  it('10,000 outputs: every evaluator answers with a well-formed result, no escape reaches the host', async () => {
    let cases = 0;
    let codeRuns = 0;
    await fc.assert(
      fc.asyncProperty(hostileOutput, async (output) => {
        const withCode = cases++ % 20 === 0;
        const specs = withCode ? [...builtins, escape] : builtins;
        const results = await evaluate(specs, output, { vars: {}, expected: output.slice(0, 10) }, { trusted: true });
        assert.equal(results.length, specs.length);
        for (const r of results) assert.ok(wellFormed(r), JSON.stringify(r).slice(0, 300));
        if (withCode) {
          codeRuns++;
          const code = results[results.length - 1];
          assert.notEqual(code.feedback, 'ESCAPED');
          assert.ok(!JSON.stringify(results).includes(SECRET));
        }
      }),
      { seed: 20261201, numRuns: 10_000 },
    );
    assert.equal(cases, 10_000);
    assert.equal(codeRuns, 500);
  });
});
