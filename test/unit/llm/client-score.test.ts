import { strict as assert } from 'node:assert';
import { type LlmError, flattenChat } from '../../../src/core/llm';
import { targetLogprobs } from '../../../src/core/llm/score';
import type { SimHandler } from '../../../src/sim/server';
import { echoHandler, wordScore } from '../../../src/sim/echo-handler';
import { harness, type Harness } from './helpers';

describe('llm client: scoring given text', () => {
  let h: Harness;
  afterEach(() => h?.server.close());

  it('returns the log-probs of the target tokens from an echo completion with max_tokens 0', async () => {
    h = await harness();
    const res = await h.client.score({ model: h.model, prompt: 'Q: two plus two?\nA:', target: ' four items' });
    assert.deepEqual(res.tokens, [' four', ' items']);
    assert.deepEqual(res.logprobs, [-0.5, -0.6000000000000001]);
    const body = h.server.bodies[0] as Record<string, unknown>;
    assert.deepEqual(
      { echo: body.echo, logprobs: body.logprobs, max_tokens: body.max_tokens },
      { echo: true, logprobs: 1, max_tokens: 0 },
    );
    assert.equal(body.prompt, 'Q: two plus two?\nA: four items');
  });

  it('retries with max_tokens 1 where 0 is rejected (vLLM), ignores the generated token, and remembers', async () => {
    h = await harness({ ...echoHandler, rejectMaxTokensZero: true });
    const res = await h.client.score({ model: h.model, prompt: 'a b', target: ' c' });
    assert.deepEqual(res.tokens, [' c']);
    assert.equal(h.server.stats.requests, 2);
    await h.client.score({ model: h.model, prompt: 'a b', target: ' d' });
    assert.equal(h.server.stats.requests, 3, 'goes straight to max_tokens 1');
    assert.equal((h.server.bodies[2] as { max_tokens: number }).max_tokens, 1);
  });

  it('flattens messages with the documented chat format', async () => {
    h = await harness();
    const messages = [
      { role: 'system' as const, content: 'Be brief.' },
      { role: 'user' as const, content: '2+2?' },
    ];
    assert.equal(flattenChat(messages), 'System: Be brief.\n\nUser: 2+2?\n\nAssistant: ');
    // A server without chat-template scoring (/tokenize is 404): the plain format only with the opt-in.
    const res = await h.client.score({ model: h.model, messages, target: '4', plainText: true });
    // 'Assistant: ' ends with a space that the tokenizer glues to the target: the straddling token ' 4' is the target's.
    assert.deepEqual(res.tokens, [' 4']);
    assert.equal(
      (h.server.bodies[h.server.bodies.length - 1] as { prompt: string }).prompt,
      'System: Be brief.\n\nUser: 2+2?\n\nAssistant: 4',
    );
  });

  it('canScore: true for an echo-logprobs server, false (memoized) for one without', async () => {
    h = await harness();
    assert.equal(await h.client.canScore(h.model), true);
    const noScore: SimHandler = { chat: () => 'x' };
    const other = await harness(noScore);
    try {
      assert.equal(await other.client.canScore(other.model), false);
      const before = other.server.stats.requests;
      assert.equal(await other.client.canScore(other.model), false);
      assert.equal(other.server.stats.requests, before, 'memoized');
      await assert.rejects(other.client.score({ model: other.model, prompt: 'a', target: ' b' }), (err: LlmError) => {
        assert.equal(err.kind, 'unsupported');
        assert.match(
          err.message,
          /HTTP 400 Bad Request — logprobs not supported — scoring model sim-model needs \/v1\/completions with echo \+ logprobs/,
        );
        return true;
      });
    } finally {
      await other.server.close();
    }
  });

  it('canScore is false when echo is not honoured or log-probs are missing', () => {
    assert.equal(
      targetLogprobs(' x', { tokens: [' x'], token_logprobs: [-1], text_offset: [0] }, 'a', 'a b').ok,
      false,
    );
    assert.equal(targetLogprobs('a b', null, 'a', 'a b').ok, false);
    assert.equal(targetLogprobs('a b', { tokens: ['a', ' b'], token_logprobs: [null, null] }, 'a', 'a b').ok, false);
    const ok = targetLogprobs('a b', { tokens: ['a', ' b'], token_logprobs: [null, -2] }, 'a', 'a b');
    assert.deepEqual(ok, { ok: true, tokens: [' b'], logprobs: [-2] }, 'offsets rebuilt from token lengths');
  });

  it('a transient failure of the probe is not remembered', async () => {
    h = await harness();
    h.server.faults.push({ kind: 'status', status: 401 });
    await assert.rejects(h.client.canScore(h.model), (err: LlmError) => err.status === 401);
    assert.equal(await h.client.canScore(h.model), true);
  });

  it('word scores of the echo handler are deterministic', () => {
    assert.deepEqual(wordScore('a bc'), { tokens: ['a', ' bc'], logprobs: [-0.1, -0.30000000000000004] });
  });
});
