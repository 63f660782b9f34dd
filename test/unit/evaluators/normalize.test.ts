import * as assert from 'node:assert/strict';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { evaluate, normalizeEvaluators, type EvaluatorSpec } from '../../../src/core/evaluators';
import { rowsFromTestData } from '../../../src/core/data';

// Our own .prompt.yml corpus (test/fixtures/corpus), written to use evaluators the way gh-models files do.
const conformance = path.join(__dirname, '../../fixtures/corpus/prompt-yml');

describe('normalizeEvaluators: GitHub Models', () => {
  it('every evaluator in the conformance .prompt.yml files normalizes with no error', async () => {
    const files = (await fsp.readdir(conformance)).filter((f) => f.endsWith('.yml'));
    assert.ok(files.length >= 10);
    let total = 0;
    for (const f of files) {
      const text = await fsp.readFile(path.join(conformance, f), 'utf8');
      const doc = parse(text) as { evaluators?: unknown[] };
      const { specs, diagnostics } = normalizeEvaluators(doc.evaluators ?? [], { file: f, text });
      const unexpected = diagnostics.filter((d) => d.code !== 'evaluator-unsupported');
      assert.deepEqual(unexpected, [], f);
      assert.equal(specs.length, (doc.evaluators ?? []).length, f);
      total += specs.length;
    }
    assert.ok(total >= 18, `only ${total} evaluators`);
  });

  it('maps string, llm and uses built-ins with gh-models case semantics', async () => {
    const text = await fsp.readFile(path.join(conformance, 'greeting-rows.prompt.yml'), 'utf8');
    const doc = parse(text) as { evaluators: unknown[]; testData: unknown[] };
    const { specs, diagnostics } = normalizeEvaluators(doc.evaluators, { file: 'sample.yml', text });
    assert.deepEqual(diagnostics, []);
    assert.deepEqual(specs[0], {
      type: 'contains',
      name: 'keeps the greeting word',
      value: '{{word}}',
      dialect: 'gh-models',
    });
    assert.equal(specs[1].type, 'llmJudge');
    const rows = rowsFromTestData(doc.testData);
    const [contains] = await evaluate([specs[0]], 'Good MORNING to you too!', rows[0], { trusted: false });
    assert.equal(contains.pass, true, contains.feedback);
  });

  it('keeps llm choices, system prompt and model id', () => {
    const { specs } = normalizeEvaluators(
      [
        {
          name: 'j',
          llm: {
            modelId: 'openai/gpt-4o',
            systemPrompt: 'S',
            prompt: 'P {{completion}}',
            choices: [
              { choice: 'good', score: 1 },
              { choice: 'bad', score: 0 },
            ],
          },
        },
      ],
      { file: 'f' },
    );
    assert.deepEqual(specs, [
      {
        type: 'llmJudge',
        name: 'j',
        prompt: 'P {{completion}}',
        systemPrompt: 'S',
        modelId: 'openai/gpt-4o',
        dialect: 'gh-models',
        choices: [
          { choice: 'good', score: 1 },
          { choice: 'bad', score: 0 },
        ],
      },
    ]);
  });

  it('an unknown `uses:` becomes an unsupported spec with a warning on its line', () => {
    const text =
      'evaluators:\n  - name: first\n    string: {contains: a}\n  - name: mystery\n    uses: github/telepathy\n';
    const { specs, diagnostics } = normalizeEvaluators(parse(text).evaluators, { file: 'p.prompt.yml', text });
    assert.equal(specs[1].type, 'unsupported');
    assert.equal(diagnostics.length, 1);
    assert.deepEqual(
      [diagnostics[0].line, diagnostics[0].severity, diagnostics[0].code],
      [4, 'warning', 'evaluator-unsupported'],
    );
    assert.match(diagnostics[0].message, /github\/telepathy/);
  });

  it('malformed entries are errors naming the evaluator, never throws', () => {
    const { specs, diagnostics } = normalizeEvaluators(
      [
        { name: 'a', string: { includes: 'x' } },
        { name: 'b', llm: { choices: [] } },
        { name: 'c', llm: { prompt: 'p', choices: [{ choice: 'x' }] } },
        'nonsense',
        { name: 'd' },
        null,
      ],
      { file: 'f' },
    );
    assert.deepEqual(specs, []);
    assert.equal(diagnostics.length, 6);
    assert.ok(diagnostics.every((d) => d.severity === 'error'));
    assert.match(diagnostics[0].message, /evaluator 'a': unknown string check 'includes'/);
    assert.match(diagnostics[1].message, /llm.prompt/);
    assert.match(diagnostics[4].message, /'d' has none of string, llm, uses or type/);
  });
});

describe('normalizeEvaluators: promptfoo assert and sidecar', () => {
  const norm = (raw: unknown[]) => normalizeEvaluators(raw, { file: 'promptfooconfig.yaml' });

  it('maps promptfoo string assertions with promptfoo case semantics', () => {
    const { specs, diagnostics } = norm([
      { type: 'equals', value: 'Yes' },
      { type: 'contains', value: 'Paris' },
      { type: 'icontains', value: 'paris' },
      { type: 'starts-with', value: 'The' },
      { type: 'not-contains', value: 'sorry' },
      { type: 'regex', value: '\\d+' },
    ]);
    assert.deepEqual(diagnostics, []);
    assert.deepEqual(specs, [
      { type: 'equals', name: 'equals', value: 'Yes', caseSensitive: true, negate: undefined, dialect: 'promptfoo' },
      {
        type: 'contains',
        name: 'contains',
        value: 'Paris',
        caseSensitive: true,
        negate: undefined,
        dialect: 'promptfoo',
      },
      {
        type: 'contains',
        name: 'icontains',
        value: 'paris',
        caseSensitive: false,
        negate: undefined,
        dialect: 'promptfoo',
      },
      {
        type: 'startsWith',
        name: 'starts-with',
        value: 'The',
        caseSensitive: true,
        negate: undefined,
        dialect: 'promptfoo',
      },
      {
        type: 'contains',
        name: 'not-contains',
        value: 'sorry',
        caseSensitive: true,
        negate: true,
        dialect: 'promptfoo',
      },
      { type: 'regex', name: 'regex', pattern: '\\d+', flags: undefined, negate: undefined },
    ]);
  });

  it('maps JSON, any/all, rubric and code assertions', async () => {
    const { specs, diagnostics } = norm([
      { type: 'is-json', value: { type: 'object', required: ['a'] } },
      { type: 'contains-json' },
      { type: 'icontains-any', value: ['cat', 'dog'] },
      { type: 'contains-all', value: 'x, y' },
      { type: 'llm-rubric', value: 'is polite', threshold: 0.7 },
      { type: 'javascript', value: 'output.length < 10' },
      { type: 'equals', value: { a: 1 } },
    ]);
    assert.deepEqual(diagnostics, []);
    assert.deepEqual(
      specs.map((s) => s.type),
      ['jsonSchema', 'jsonSchema', 'containsAny', 'containsAll', 'llmJudge', 'javascript', 'jsonSchema'],
    );
    const anyOf = await evaluate([specs[2]], 'A DOG barks', { vars: {} }, { trusted: false });
    assert.equal(anyOf[0].pass, true);
    const judge = specs[4] as Extract<EvaluatorSpec, { type: 'llmJudge' }>;
    assert.equal(judge.threshold, 0.7);
    assert.match(judge.prompt, /is polite[\s\S]*\{\{completion\}\}/);
    const deep = await evaluate([specs[6]], '{"a": 1}', { vars: {} }, { trusted: false });
    assert.equal(deep[0].pass, true);
  });

  it('similar and other unknown assertions are unsupported with a reason and a warning', () => {
    const { specs, diagnostics } = norm([
      { type: 'similar', value: 'x' },
      { type: 'perplexity' },
      { type: 'javascript', value: 'file://check.js' },
    ]);
    assert.deepEqual(
      specs.map((s) => s.type),
      ['unsupported', 'unsupported', 'unsupported'],
    );
    assert.ok(diagnostics.every((d) => d.severity === 'warning' && d.code === 'evaluator-unsupported'));
    assert.match(diagnostics[0].message, /embedding/);
  });

  it('an invalid regex or JSON Schema is an error before anything runs', () => {
    const { specs, diagnostics } = norm([
      { type: 'regex', value: '(' },
      { type: 'jsonSchema', schema: { type: 'nonsense' } },
    ]);
    assert.deepEqual(specs, []);
    assert.match(diagnostics[0].message, /invalid regular expression/);
    assert.match(diagnostics[1].message, /invalid JSON Schema/);
  });

  it('reads the sidecar form: string checks, numeric tolerance, jsonSchema, llmJudge', () => {
    const { specs, diagnostics } = normalizeEvaluators(
      [
        { type: 'contains', value: '{{expected}}', caseSensitive: false },
        { type: 'endsWith', value: '.' },
        { type: 'numeric', value: '{{expected}}', tolerance: 0.5 },
        { type: 'jsonSchema', schema: { type: 'array' } },
        { type: 'llmJudge', name: 'tone', prompt: 'Is it friendly?', threshold: 0.8 },
        { type: 'numeric', value: '1', tolerance: -1 },
      ],
      { file: 'x.whetstone.yaml' },
    );
    assert.deepEqual(specs.slice(0, 5), [
      {
        type: 'contains',
        name: 'contains',
        value: '{{expected}}',
        caseSensitive: false,
        negate: undefined,
        dialect: 'promptfoo',
      },
      { type: 'endsWith', name: 'endsWith', value: '.', caseSensitive: true, negate: undefined, dialect: 'promptfoo' },
      { type: 'numeric', name: 'numeric', value: '{{expected}}', tolerance: 0.5 },
      { type: 'jsonSchema', name: 'jsonSchema', schema: { type: 'array' }, findInText: undefined, dialect: undefined },
      {
        type: 'llmJudge',
        name: 'tone',
        prompt: 'Is it friendly?',
        choices: undefined,
        threshold: 0.8,
        systemPrompt: undefined,
      },
    ]);
    assert.equal(diagnostics.length, 1);
    assert.match(diagnostics[0].message, /tolerance/);
  });
});
