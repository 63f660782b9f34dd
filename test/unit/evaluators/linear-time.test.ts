/**
 * Evaluators on hostile model output end, and say why when they cannot judge: ReDoS patterns in `regex` evaluators
 * and JSON Schema `pattern`s (RE2 via re2js), contains-json on 60,000 `{`, and an LLM judge whose endpoint never
 * answers (the time limit). With the backtracking engine and the old quadratic scan each of these ran for minutes
 * (2^41 steps for `^(a+)+$` on 41 a's and a '!'), so a test that finishes is the assertion; no timing is measured.
 * promptfoo's contains-json (promptfoo/promptfoo src/assertions/json.ts, extractJsonObjects in src/util/json.ts)
 * returns the first JSON object found scanning from the left, as findJsonInText does.
 */
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { createLlmClient } from '../../../src/core/llm';
import { startSimServer, type SimServer } from '../../../src/sim/server';
import { evaluate, findJsonInText, normalizeEvaluators, type EvaluatorSpec } from '../../../src/core/evaluators';
import { schemaProblem } from '../../../src/core/evaluators/json-schema';

const row = { vars: {} };
const one = async (spec: EvaluatorSpec, output: string) => (await evaluate([spec], output, row, { trusted: false }))[0];
const evil = 'a'.repeat(41) + '!';

describe('linear-time evaluators on hostile output', () => {
  it('a regex evaluator with ^(a+)+$ on 41+ characters answers at once (and on 100,000)', async () => {
    const spec: EvaluatorSpec = { type: 'regex', name: 'nested', pattern: '^(a+)+$' };
    assert.equal((await one(spec, evil)).pass, false);
    assert.equal((await one(spec, 'a'.repeat(100_000) + '!')).pass, false);
    assert.equal((await one(spec, 'a'.repeat(100_000))).pass, true);
    for (const pattern of ['(a|aa)*b', '(.*a){12}', '^(\\w+\\s?)*$', '(x+x+)+y']) {
      const r = await one({ type: 'regex', pattern }, 'a'.repeat(5_000) + 'x'.repeat(5_000) + '!');
      assert.equal(typeof r.pass, 'boolean', pattern);
    }
  });

  it('the same pattern in a JSON Schema (pattern, patternProperties) answers at once', async () => {
    const spec: EvaluatorSpec = { type: 'jsonSchema', schema: { type: 'string', pattern: '^(a+)+$' } };
    const r = await one(spec, JSON.stringify(evil));
    assert.equal(r.pass, false);
    assert.match(r.feedback!, /must match pattern/);
    assert.equal((await one(spec, JSON.stringify('a'.repeat(50)))).pass, true);
    const props: EvaluatorSpec = {
      type: 'jsonSchema',
      schema: { type: 'object', patternProperties: { '^(a+)+$': { type: 'number' } } },
    };
    assert.equal((await one(props, JSON.stringify({ [evil]: 'x', [evil.slice(0, 41)]: 'not a number' }))).pass, false);
  });

  it('keeps JavaScript regex syntax and flags: named groups, \\u{…}, i, m, s, u', async () => {
    const cases: [string, string | undefined, string, boolean][] = [
      ['(?<word>\\w+) \\k<word>', undefined, 'x', false],
      ['^hello$', 'im', 'x\nHELLO\ny', true],
      ['a.b', 's', 'a\nb', true],
      ['\\u{1F600}', 'u', 'smile 😀', true],
      ['^\\d{3}-\\d{4}$', 'g', '555-1234', true],
      ['(?<=\\$)\\d+', undefined, 'cost $42', true],
    ];
    for (const [pattern, flags, output, expected] of cases) {
      const r = await one({ type: 'regex', pattern, flags }, output);
      if (pattern.includes('\\k<')) assert.match(r.feedback!, /backreferences/, 'a backreference is refused, not run');
      else assert.equal(r.pass, expected, `${pattern} on ${JSON.stringify(output)}: ${r.feedback}`);
    }
  });

  it('a pattern RE2 cannot run is an error naming the evaluator and why, never a fall-back to backtracking', async () => {
    const lookahead = await one({ type: 'regex', name: 'no-secret', pattern: '^(?!.*secret).*$' }, 'fine');
    assert.equal(lookahead.pass, false);
    assert.match(lookahead.feedback!, /^no-secret: invalid regular expression .*RE2, which has no lookahead/);
    const { specs, diagnostics } = normalizeEvaluators(
      [
        { type: 'regex', value: '(a)\\1' },
        { type: 'regex', value: 'ok', flags: 'y' },
      ],
      { file: 'p.prompt.yml' },
    );
    assert.equal(specs.length, 0);
    assert.equal(diagnostics.length, 2);
    assert.match(diagnostics[0].message, /backreferences/);
    assert.match(diagnostics[1].message, /flag "y" is not supported/);
    assert.match(schemaProblem({ type: 'string', pattern: '(?=x)x' })!, /pattern \/\(\?=x\)x\/: .*lookahead/);
  });

  it('contains-json on 60,000 `{` (and `[`, and quote soup) answers at once', async () => {
    const spec: EvaluatorSpec = { type: 'jsonSchema', schema: true, findInText: true };
    assert.match((await one(spec, '{'.repeat(60_000))).feedback!, /none was found/);
    assert.equal(findJsonInText('{'.repeat(60_000) + '{"a":1}')!.toString(), '[object Object]');
    assert.deepEqual(findJsonInText('{'.repeat(60_000) + '{"a":1}'), { value: { a: 1 } });
    assert.deepEqual(findJsonInText('{"'.repeat(30_000) + '[1]'), { value: [1] });
    assert.equal(findJsonInText('[{"x": '.repeat(20_000)), undefined);
    // Nested spans that all fail to parse: bounded work, and a reason instead of a guess.
    const nested = '['.repeat(30_000) + 'x' + ']'.repeat(30_000);
    assert.deepEqual(findJsonInText(nested), { exhausted: true });
    assert.match((await one(spec, nested)).feedback!, /too many bracketed spans/);
  });

  it('findJsonInText agrees with the plain scan-from-every-bracket definition (property, seeded)', () => {
    // The definition, quadratic: from each { or [ in order, scan to the balancing bracket and try to parse.
    const reference = (text: string): { value: unknown } | undefined => {
      for (let start = 0; start < text.length; start++) {
        if (text[start] !== '{' && text[start] !== '[') continue;
        let depth = 0;
        let inString = false;
        for (let i = start; i < text.length; i++) {
          const c = text[i];
          if (inString) {
            if (c === '\\') i++;
            else if (c === '"') inString = false;
          } else if (c === '"') inString = true;
          else if (c === '{' || c === '[') depth++;
          else if (c === '}' || c === ']') {
            if (--depth === 0) {
              try {
                return { value: JSON.parse(text.slice(start, i + 1)) };
              } catch {
                break;
              }
            }
          }
        }
      }
      return undefined;
    };
    const piece = fc.constantFrom('{', '}', '[', ']', '"', '\\', ':', ',', '1', 'a', ' ', '"a"', '{"k":1}', '[]');
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 40 }), (pieces) => {
        const text = pieces.join('');
        assert.deepEqual(findJsonInText(text), reference(text));
      }),
      { seed: 11, numRuns: 3000 },
    );
  });

  describe('an LLM judge whose endpoint never answers', () => {
    let server: SimServer;
    before(async () => {
      server = await startSimServer({ handler: { chat: () => new Promise<string>(() => undefined) } });
    });
    after(async () => {
      await server.close();
    });

    it('fails the check with a reason when the time limit passes, and aborts the call', async () => {
      const llm = createLlmClient({ apiKeyFor: () => undefined, maxRetries: 0, sleep: async () => {} });
      const spec: EvaluatorSpec = { type: 'llmJudge', name: 'judge', prompt: 'Is {{completion}} good? yes or no' };
      const [r] = await evaluate([spec], 'output', row, {
        trusted: false,
        llm,
        judge: { baseUrl: server.url, model: 'judge-model' },
        timeLimitMs: 200,
      });
      assert.deepEqual([r.pass, r.score, r.feedback], [false, 0, 'no verdict within the time limit (200 ms)']);
    });
  });
});
