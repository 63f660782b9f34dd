import { strict as assert } from 'node:assert';
import OpenAI, { type APIError } from 'openai';
import { startSimServer, simTokenCount, type SimServer } from '../../../src/sim/server';
import { echoHandler, minimalInstance } from '../../../src/sim/echo-handler';

describe('sim server', () => {
  let server: SimServer;
  let openai: OpenAI;
  beforeEach(async () => {
    server = await startSimServer({ handler: echoHandler });
    openai = new OpenAI({ baseURL: server.url, apiKey: 'sk-test', maxRetries: 0 });
  });
  afterEach(() => server.close());

  it('answers chat completions in the OpenAI shape with word-count usage', async () => {
    const res = await openai.chat.completions.create({
      model: 'm',
      messages: [{ role: 'user', content: 'hello there world' }],
    });
    assert.equal(res.choices[0].message.content, 'echo: hello there world');
    assert.deepEqual(res.usage, { prompt_tokens: 4, completion_tokens: 4, total_tokens: 8 });
    assert.equal(server.stats.byPath['/v1/chat/completions'], 1);
    assert.equal(server.stats.authHeaders[0], 'Bearer sk-test');
  });

  it('streams SSE chunks (slow-stream fault delays them) with usage when asked', async () => {
    server.faults.push({ kind: 'slow-stream', chunkDelayMs: 5 });
    const stream = await openai.chat.completions.create({
      model: 'm',
      messages: [{ role: 'user', content: 'a b c' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let usage: unknown;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta?.content ?? '';
      if (chunk.usage) usage = chunk.usage;
    }
    assert.equal(text, 'echo: a b c');
    assert.deepEqual(usage, { prompt_tokens: 4, completion_tokens: 4, total_tokens: 8 });
  });

  it('echoes prompt log-probs on /v1/completions, first token without one', async () => {
    const res = await openai.completions.create({
      model: 'm',
      prompt: 'one two',
      echo: true,
      logprobs: 1,
      max_tokens: 0,
    });
    const lp = res.choices[0].logprobs!;
    assert.deepEqual(lp.tokens, ['one', ' two']);
    assert.deepEqual(lp.token_logprobs, [null, -0.4]);
    assert.deepEqual(lp.text_offset, [0, 3]);
    assert.equal(res.choices[0].text, 'one two');
  });

  it('lists models and answers a minimal instance for json_schema requests', async () => {
    const models = await openai.models.list();
    assert.deepEqual(
      models.data.map((m) => m.id),
      ['sim-model'],
    );
    assert.deepEqual(
      minimalInstance({
        type: 'object',
        properties: { choice: { type: 'string', enum: ['A', 'B'] }, xs: { type: 'array', items: { type: 'string' } } },
        required: ['choice', 'xs'],
      }),
      { choice: 'A', xs: ['echo'] },
    );
  });

  it('injects status faults with Retry-After, then answers normally', async () => {
    server.faults.push({ kind: 'status', status: 429, retryAfter: '3' });
    await assert.rejects(
      openai.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'x' }] }),
      (err: APIError) => {
        assert.equal(err.status, 429);
        assert.equal(err.headers?.get('retry-after'), '3');
        return true;
      },
    );
    const ok = await openai.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'x' }] });
    assert.equal(ok.choices[0].message.content, 'echo: x');
  });

  it('rule faults apply only to matching requests', async () => {
    server.faults.when((ctx) => ctx.path === '/v1/completions', { kind: 'status', status: 503 }, 1);
    await openai.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'x' }] });
    await assert.rejects(
      openai.completions.create({ model: 'm', prompt: 'x', echo: true, logprobs: 1, max_tokens: 0 }),
      /503/,
    );
  });

  it('close() ends hanging requests', async () => {
    server.faults.push({ kind: 'hang' });
    const pending = openai.chat.completions
      .create({ model: 'm', messages: [{ role: 'user', content: 'x' }] })
      .catch((e: Error) => e);
    while (server.stats.inFlight === 0) await new Promise((r) => setTimeout(r, 2));
    await server.close();
    assert.ok((await pending) instanceof Error);
    server = await startSimServer({ handler: echoHandler }); // for afterEach
  });

  it('counts tokens by whitespace words', () => {
    assert.equal(simTokenCount('  a  b\nc '), 3);
    assert.equal(simTokenCount(''), 0);
  });
});
