import { strict as assert } from 'node:assert';
import {
  type LlmError,
  checkValue,
  wireSchemas,
  schemaNames,
  type PairwiseVerdict,
  type Critiques,
  type JudgeScore,
} from '../../../src/core/llm';
import { parseStructured, withTaggedInstruction } from '../../../src/core/llm/structured-output';
import type { SimChatRequest, SimHandler } from '../../../src/sim/server';
import { echoHandler } from '../../../src/sim/echo-handler';
import { harness, type Harness } from './helpers';

const verdict = { analysis: 'B is right', choice: 'B' };

describe('llm client: structured outputs', () => {
  let h: Harness;
  afterEach(() => h?.server.close());

  it('asks with response_format json_schema (strict, contract name) and returns the checked value', async () => {
    h = await harness({ chat: () => JSON.stringify(verdict) });
    const res = await h.client.structured<PairwiseVerdict>({
      model: h.model,
      messages: [{ role: 'user', content: 'A or B?' }],
      schema: 'pairwise_verdict',
    });
    assert.deepEqual(res.value, verdict);
    assert.equal(res.mode, 'json_schema');
    const body = h.server.bodies[0] as {
      response_format: { type: string; json_schema: { name: string; strict: boolean; schema: unknown } };
    };
    assert.equal(body.response_format.type, 'json_schema');
    assert.equal(body.response_format.json_schema.name, 'pairwise_verdict');
    assert.equal(body.response_format.json_schema.strict, true);
    assert.deepEqual(body.response_format.json_schema.schema, wireSchemas.pairwise_verdict);
  });

  it('every contract schema is strict-mode shaped and the echo handler satisfies it', async () => {
    h = await harness(echoHandler);
    for (const name of schemaNames) {
      const schema = wireSchemas[name] as { additionalProperties: boolean; required: string[]; properties: object };
      assert.equal(schema.additionalProperties, false, name);
      assert.deepEqual(
        schema.required.slice().sort(),
        Object.keys(schema.properties).sort(),
        `${name}: every key required`,
      );
      const res = await h.client.structured({
        model: h.model,
        messages: [{ role: 'user', content: 'x' }],
        schema: name,
      });
      assert.equal(checkValue(name, res.value), null);
    }
  });

  it('falls back to <json> tagged text when the endpoint rejects response_format, and remembers it', async () => {
    const seen: SimChatRequest[] = [];
    const handler: SimHandler = {
      rejectResponseFormat: true,
      chat: (req) => {
        seen.push(req);
        return `Sure.\n<json>${JSON.stringify({ critiques: ['too vague'] })}</json>`;
      },
    };
    h = await harness(handler);
    const ask = () =>
      h.client.structured<Critiques>({
        model: h.model,
        messages: [
          { role: 'system', content: 's' },
          { role: 'user', content: 'critique this' },
        ],
        schema: 'critiques',
      });
    const first = await ask();
    assert.deepEqual(first.value, { critiques: ['too vague'] });
    assert.equal(first.mode, 'tagged');
    assert.equal(h.server.stats.requests, 2, 'one rejected, one tagged');
    assert.match(seen[0].messages[1].content, /^critique this\n\n.*<json> and <\/json>/s);
    assert.match(seen[0].messages[1].content, /"critiques"/);
    await ask();
    assert.equal(h.server.stats.requests, 3, 'the rejection is remembered: no second json_schema attempt');
    assert.ok((h.server.bodies[2] as Record<string, unknown>).response_format === undefined);
  });

  it('garbage output is asked for again, then fails with invalid-output; every try is counted', async () => {
    h = await harness({ chat: () => JSON.stringify(verdict) });
    h.server.faults.push(
      { kind: 'malformed-content' },
      { kind: 'malformed-content', content: '{"analysis": "x", "choice": "C"}' },
    );
    const ok = await h.client.structured<PairwiseVerdict>({
      model: h.model,
      messages: [{ role: 'user', content: 'q' }],
      schema: 'pairwise_verdict',
    });
    assert.deepEqual(ok.value, verdict);
    assert.equal(h.server.stats.requests, 3);
    assert.equal(
      ok.usage.completionTokens,
      3 + 4 + 3,
      'usage of the failed replies is included (word counts of the three replies)',
    );

    h.server.faults.push(
      ...Array.from({ length: 3 }, () => ({ kind: 'malformed-content' as const, content: '{"analysis": "trunc' })),
    );
    const metas: boolean[] = [];
    h.client.onCall((info) => metas.push(info.meta.cached));
    await assert.rejects(
      h.client.structured({
        model: h.model,
        messages: [{ role: 'user', content: 'other' }],
        schema: 'pairwise_verdict',
      }),
      (err: LlmError) => {
        assert.equal(err.kind, 'invalid-output');
        assert.match(err.message, /no valid "pairwise_verdict" reply in 3 tries: not JSON/);
        return true;
      },
    );
    assert.equal(h.server.stats.requests, 6);
    assert.deepEqual(metas, [false], 'the failed call is still reported to listeners (it was paid for)');
  });

  it('an endpoint that silently ignores response_format gets a tagged last try', async () => {
    const handler: SimHandler = {
      chat: (req) =>
        req.messages.some((m) => m.content.includes('<json>'))
          ? `<json>${JSON.stringify(verdict)}</json>`
          : 'I think B is better.',
    };
    h = await harness(handler);
    const res = await h.client.structured<PairwiseVerdict>({
      model: h.model,
      messages: [{ role: 'user', content: 'A or B?' }],
      schema: 'pairwise_verdict',
    });
    assert.deepEqual(res.value, verdict);
    assert.equal(res.mode, 'tagged');
    assert.equal(h.server.stats.requests, 3);
    assert.ok((h.server.bodies[2] as Record<string, unknown>).response_format === undefined);
  });

  it('a reply cut off by max_tokens is reported as such', async () => {
    h = await harness({ chat: () => JSON.stringify({ critiques: ['one two three', 'four five six'] }) });
    await assert.rejects(
      h.client.structured({
        model: { ...h.model, params: { max_tokens: 2 } },
        messages: [{ role: 'user', content: 'q' }],
        schema: 'critiques',
      }),
      (err: LlmError) =>
        err.kind === 'invalid-output' && /not JSON .*\(reply cut off by max_tokens\)$/.test(err.message),
    );
  });

  it('judge_score outside [0, 1] is rejected locally', () => {
    assert.match(checkValue('judge_score', { score: 1.5, reason: 'r' }) ?? '', /must be <= 1/);
    assert.equal(checkValue('judge_score', { score: 1, reason: 'r' } satisfies JudgeScore), null);
    assert.match(checkValue('critiques', { critiques: ['a'], extra: 1 }) ?? '', /additional properties/);
  });

  it('parses fenced JSON and unclosed tags, never throws', () => {
    assert.deepEqual(parseStructured('prompt_segments', '```json\n{"segments": ["a"]}\n```', 'json_schema'), {
      ok: true,
      value: { segments: ['a'] },
    });
    assert.deepEqual(parseStructured('prompt_segments', 'x <json>{"segments": []}', 'tagged'), {
      ok: true,
      value: { segments: [] },
    });
    assert.equal(parseStructured('prompt_segments', null, 'tagged').ok, false);
    assert.equal(parseStructured('prompt_segments', '<json>{"segments": [</json>', 'tagged').ok, false);
  });

  it('tagged instruction goes into the last user message, or a new one', () => {
    const a = withTaggedInstruction([{ role: 'user', content: 'u' }], 'critiques');
    assert.equal(a.length, 1);
    const b = withTaggedInstruction(
      [
        { role: 'user', content: 'u' },
        { role: 'assistant', content: 'a' },
      ],
      'critiques',
    );
    assert.equal(b.length, 3);
    assert.equal(b[2].role, 'user');
  });
});
