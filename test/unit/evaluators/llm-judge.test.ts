/**
 * LLM judges against the real client (src/core/llm createLlmClient) over real HTTP to the local sim server, whose
 * handler plays the judge. pickChoice edge cases are tested directly.
 */
import * as assert from 'node:assert/strict';
import { createLlmClient, LlmError, type LlmClient, type ModelRef } from '../../../src/core/llm';
import { startSimServer, type SimChatRequest, type SimServer } from '../../../src/sim/server';
import { evaluate, normalizeEvaluators, pickChoice, type EvaluatorSpec } from '../../../src/core/evaluators';
import type { DatasetRow } from '../../../src/core/data';

const lastUser = (req: SimChatRequest) => [...req.messages].reverse().find((m) => m.role === 'user')?.content ?? '';

describe('LLM judge (real client, local server)', () => {
  let server: SimServer;
  let llm: LlmClient;
  let judge: ModelRef;
  // The judge's behaviour per request; each test sets it.
  let answer: (req: SimChatRequest) => string = () => '';

  before(async () => {
    server = await startSimServer({ handler: { chat: (req) => answer(req) } });
    llm = createLlmClient({ apiKeyFor: () => undefined, maxRetries: 0, random: () => 0.5, sleep: async () => {} });
    judge = { baseUrl: server.url, model: 'judge-model' };
  });
  after(async () => {
    await server.close();
  });

  const spec = (raw: unknown): EvaluatorSpec => {
    const { specs, diagnostics } = normalizeEvaluators([raw], { file: 'p.prompt.yml' });
    assert.deepEqual(diagnostics, []);
    return specs[0];
  };

  it('github/similarity: renders input, expected and completion, maps the rating to a score', async () => {
    answer = () => 'Let us think step by step: the meaning matches, one detail is missing.\n4';
    const row: DatasetRow = {
      vars: { input: 'What is photosynthesis?', expected: 'Plants make sugar from light.' },
      expected: 'Plants make sugar from light.',
    };
    const [r] = await evaluate(
      [spec({ name: 'sim', uses: 'github/similarity' })],
      'Plants turn light into sugar.',
      row,
      { trusted: false, llm, judge },
    );
    assert.deepEqual([r.name, r.score, r.pass], ['sim', 0.75, true]);
    assert.match(r.feedback!, /matched choice: '4'/);
    const sent = lastUser(server.bodies.at(-1) as SimChatRequest);
    assert.match(sent, /Question: What is photosynthesis\?/);
    assert.match(sent, /Reference answer: Plants make sugar from light\./);
    assert.match(sent, /Answer to rate: Plants turn light into sugar\./);
    assert.equal((server.bodies.at(-1) as SimChatRequest).model, 'judge-model');
  });

  // gh-models cmd/eval/eval.go runLLMEvaluator templates with the test case + completion only: no `input` fallback.
  it('built-ins leave {{input}} as written when the row has no input variable (as gh does)', async () => {
    answer = () => '5';
    await evaluate(
      [spec({ name: 'rel', uses: 'github/relevance' })],
      'Paris.',
      { vars: { question: 'Capital of France?' } },
      { trusted: false, llm, judge, input: 'Answer briefly: Capital of France?' },
    );
    assert.match(lastUser(server.bodies.at(-1) as SimChatRequest), /Question: \{\{input\}\}/);
  });

  it('GitHub Models llm choices: the first listed choice the reply contains wins, score 0 fails', async () => {
    const choices = [
      { choice: 'poor', score: 0 },
      { choice: 'below_average', score: 0.25 },
      { choice: 'good', score: 1 },
    ];
    const s = spec({
      name: 'rules',
      llm: { modelId: 'openai/gpt-4o', prompt: '<out>{{completion}}</out>', systemPrompt: 'Grade it.', choices },
    });
    answer = () => 'It is not good at all: it repeats the input.\npoor';
    const [r] = await evaluate([s], 'Funny!', { vars: {} }, { trusted: false, llm, judge });
    assert.deepEqual([r.score, r.pass], [0, false]);
    assert.match(r.feedback!, /matched choice: 'poor'/);
    const body = server.bodies.at(-1) as SimChatRequest;
    assert.deepEqual(
      body.messages.map((m) => m.role),
      ['system', 'user'],
    );
    assert.equal(lastUser(body), '<out>Funny!</out>'); // sent as templated, nothing appended (gh)
  });

  it('a reply matching no choice fails and quotes the reply', async () => {
    answer = () => 'Unsure.';
    const s = spec({
      name: 'x',
      llm: {
        prompt: 'p {{completion}}',
        choices: [
          { choice: 'yes', score: 1 },
          { choice: 'no', score: 0 },
        ],
      },
    });
    const [r] = await evaluate([s], 'o', { vars: {} }, { trusted: false, llm, judge });
    assert.equal(r.pass, false);
    assert.match(r.feedback!, /"unsure\." did not match any defined choices/);
  });

  it('score mode (promptfoo llm-rubric) asks for judge_score and applies the threshold', async () => {
    answer = (req) => {
      assert.equal(req.response_format?.json_schema?.name, 'judge_score');
      return JSON.stringify({ score: 0.6, reason: 'Polite but curt.' });
    };
    const strict = spec({ type: 'llm-rubric', value: 'The reply is polite', threshold: 0.7 });
    const [r] = await evaluate([strict], 'Fine.', { vars: {} }, { trusted: false, llm, judge });
    assert.deepEqual([r.score, r.pass], [0.6, false]);
    assert.equal(r.feedback, 'judge score 0.6 (pass at 0.7): Polite but curt.');
    assert.match(
      lastUser(server.bodies.at(-1) as SimChatRequest),
      /The reply is polite[\s\S]*<output>\nFine\.\n<\/output>/,
    );
    const lenient = spec({ type: 'llm-rubric', value: 'The reply is polite' });
    assert.equal((await evaluate([lenient], 'Fine.', { vars: {} }, { trusted: false, llm, judge }))[0].pass, true);
  });

  it('a rubric that never shows the output gets the output appended', async () => {
    answer = () => JSON.stringify({ score: 1, reason: 'ok' });
    await evaluate(
      [{ type: 'llmJudge', prompt: 'Is it short?' }],
      'Yes.',
      { vars: {} },
      { trusted: false, llm, judge },
    );
    assert.equal(lastUser(server.bodies.at(-1) as SimChatRequest), 'Is it short?\n\n<output>\nYes.\n</output>');
  });

  it('an endpoint failure propagates as LlmError (a run stops rather than scoring 0)', async () => {
    server.faults.push({ kind: 'status', status: 500 });
    answer = () => '5';
    await assert.rejects(
      evaluate([spec({ name: 'f', uses: 'github/fluency' })], 'o', { vars: {} }, { trusted: false, llm, judge }),
      (err: unknown) => err instanceof LlmError,
    );
  });

  it('without a judge model the result fails and says so', async () => {
    const [r] = await evaluate([spec({ name: 'f', uses: 'github/fluency' })], 'o', { vars: {} }, { trusted: true });
    assert.deepEqual([r.pass, r.feedback], [false, 'this LLM judge needs a judge model, and none is configured']);
  });
});

describe('pickChoice', () => {
  const ratings = ['1', '2', '3', '4', '5'].map((c, i) => ({ choice: c, score: i / 4 }));
  const pick = (reply: string) => pickChoice(reply, ratings)?.choice;

  it('takes an exact reply, else the first rating on the last line, else the last one mentioned', () => {
    assert.equal(pick(' 3 '), '3');
    assert.equal(pick('Step 1: read. Step 2: compare.\n**Score: 4/5**'), '4');
    assert.equal(pick('I would give it a 2, maybe a 3.\nThanks for asking!'), '3');
  });

  it('does not read "1" inside "10" or "below_average" as "average"', () => {
    assert.equal(pick('10'), undefined);
    const words = [
      { choice: 'average', score: 0.5 },
      { choice: 'below_average', score: 0.25 },
    ];
    assert.equal(pickChoice('Verdict: below_average', words)?.choice, 'below_average');
  });
});
