/** The sim server's Files + Batch API behaves like OpenAI's, seen through the real openai client. */
import { strict as assert } from 'node:assert';
import OpenAI, { toFile } from 'openai';
import { startSimServer, type SimServer } from '../../../src/sim/server';
import { echoHandler } from '../../../src/sim/echo-handler';

const line = (id: string, text: string) =>
  JSON.stringify({
    custom_id: id,
    method: 'POST',
    url: '/v1/chat/completions',
    body: { model: 'sim-model', messages: [{ role: 'user', content: text }] },
  });

describe('sim server: Files + Batch API', () => {
  let server: SimServer;
  let openai: OpenAI;
  beforeEach(async () => {
    server = await startSimServer({ handler: echoHandler, batches: { pollsToComplete: 3 } });
    openai = new OpenAI({ baseURL: server.url, apiKey: 'sk-test', maxRetries: 0 });
  });
  afterEach(() => server.close());

  const submit = async (lines: string[]) => {
    const file = await openai.files.create({
      file: await toFile(Buffer.from(lines.join('\n') + '\n'), 'in.jsonl'),
      purpose: 'batch',
    });
    return openai.batches.create({
      input_file_id: file.id,
      endpoint: '/v1/chat/completions',
      completion_window: '24h',
    });
  };

  it('goes validating → in_progress → completed, with counts, output lines and error lines', async () => {
    server.batches!.options.failLine = (id) => (id === 'b' ? { status: 429, message: 'slow down' } : undefined);
    const created = await submit([line('a', 'one'), line('b', 'two'), line('c', 'three')]);
    assert.equal(created.status, 'validating');
    const seen: string[] = [];
    let batch = created;
    while (batch.status !== 'completed') {
      batch = await openai.batches.retrieve(created.id);
      seen.push(`${batch.status}:${batch.request_counts?.completed}`);
    }
    assert.deepEqual(seen, ['in_progress:1', 'in_progress:2', 'completed:2']);
    assert.deepEqual(batch.request_counts, { total: 3, completed: 2, failed: 1 });
    const output = (await (await openai.files.content(batch.output_file_id!)).text()).trim().split('\n');
    const first = JSON.parse(output[0]);
    assert.equal(first.custom_id, 'a');
    assert.equal(first.response.status_code, 200);
    assert.equal(first.response.body.choices[0].message.content, 'echo: one');
    assert.equal(first.error, null);
    const errors = (await (await openai.files.content(batch.error_file_id!)).text()).trim().split('\n');
    const failed = JSON.parse(errors[0]);
    assert.equal(failed.custom_id, 'b');
    assert.equal(failed.response.status_code, 429);
    assert.equal(failed.response.body.error.message, 'slow down');
    assert.equal(server.batches!.stats.lines, 3);
  });

  it('cancels: cancelling, then cancelled, with no output', async () => {
    const created = await submit([line('a', 'one')]);
    const cancelling = await openai.batches.cancel(created.id);
    assert.equal(cancelling.status, 'cancelling');
    const cancelled = await openai.batches.retrieve(created.id);
    assert.equal(cancelled.status, 'cancelled');
    assert.equal(cancelled.output_file_id, null);
    assert.equal(server.batches!.stats.cancels, 1);
  });

  it('fails a batch whose input repeats a custom_id, saying which line', async () => {
    const batch = await submit([line('a', 'one'), line('a', 'two')]);
    assert.equal(batch.status, 'failed');
    assert.deepEqual(
      batch.errors?.data?.map((e) => e.message),
      ['line 2 repeats custom_id a'],
    );
  });

  it('answers 404 on /v1/files and /v1/batches when started without them', async () => {
    await server.close();
    server = await startSimServer({ handler: echoHandler, batches: false });
    openai = new OpenAI({ baseURL: server.url, apiKey: 'sk-test', maxRetries: 0 });
    await assert.rejects(() => submit([line('a', 'one')]), { status: 404 });
  });
});
