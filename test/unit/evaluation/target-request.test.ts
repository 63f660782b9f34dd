/**
 * What a target call sends, per format, as the format's own runtime sends it — asserted on the request bodies the
 * local server received:
 * - .prompt.yml: github/gh-models pkg/prompt/prompt.go `BuildChatCompletionOptions` + internal/azuremodels/types.go
 *   (`max_tokens`, `temperature`, `top_p`, `response_format: {type, json_schema}`; nothing else from the file).
 * - .prompty v2: microsoft/prompty runtime/typescript/packages/openai/src/wire.ts `buildChatArgs` (`buildOptions`,
 *   `outputsToWire`); v1: `chat.completions.create(**parameters)` (runtime/prompty/prompty/openai/executor.py).
 * Plus: everything sent is in the cache key; the CLI and the extension send identical bodies; optimizer target calls
 * send the same body as eval, with a method's temperature only where the file sets none, and said in the run log.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createMemoryCache } from '../../../src/core/llm/cache';
import { parsePromptFile } from '../../../src/core/documents';
import { fileRequestFields } from '../../../src/core/evaluation/target-request';
import { loadPrompt } from '../../../src/core/project/load-prompt';
import { nodeFileSystem } from '../../../src/core/node-file-system';
import { runEval } from '../../../src/core/evaluation/run-eval';
import { resolveRoles } from '../../../src/host/jobs/models';
import type { HostSettings } from '../../../src/host/config';
import { startJob } from '../../../src/core/jobs/engine';
import type { SimChatRequest } from '../../../src/sim/server';
import { runCli, tempWorkspace } from '../cli/run-cli';
import { simSetup } from '../jobs/sim-setup';
import { startEchoServer, type EchoServer } from './helpers';

const chatBody = (bodies: SimChatRequest[]) => bodies.find((b) => b.model === 'target-model')!;
const withoutMessages = (body: SimChatRequest) => {
  const { messages: _m, ...rest } = body;
  return rest;
};

const yml = (header: string) => `name: t
model: openai/gpt-4o-mini
${header}
messages:
  - role: user
    content: "{{reply}}"
testData:
  - { reply: "hi" }
`;

describe('target request: the file’s parameters and response format, as its runtime sends them', () => {
  let echo: EchoServer;
  before(async () => (echo = await startEchoServer()));
  after(() => echo.close());

  it('.prompt.yml modelParameters → max_tokens, temperature (0 included), top_p; other keys are not sent', async () => {
    const { bodies } = await echo.run(
      'p.prompt.yml',
      yml(`modelParameters:
  maxTokens: 64
  temperature: 0
  topP: 0.9
  stop: ["END"]
  frequencyPenalty: 0.5
  seed: 7`),
    );
    // gh's ModelParameters struct has only MaxTokens, Temperature and TopP; yaml.v3 drops the other keys.
    assert.deepEqual(withoutMessages(chatBody(bodies)), {
      model: 'target-model',
      max_tokens: 64,
      temperature: 0,
      top_p: 0.9,
    });
    const doc = parsePromptFile('p.prompt.yml', yml('modelParameters: { stop: [x], seed: 1, temperature: 1 }'));
    assert.deepEqual(fileRequestFields(doc).ignored, [
      'modelParameters.stop is not sent: gh models sends only maxTokens, temperature, topP',
      'modelParameters.seed is not sent: gh models sends only maxTokens, temperature, topP',
    ]);
  });

  it('.prompt.yml responseFormat json_schema + jsonSchema (a JSON string) → response_format with the parsed schema', async () => {
    const schema = {
      name: 'label',
      strict: true,
      schema: { type: 'object', properties: { label: { type: 'string' } } },
    };
    const { bodies } = await echo.run(
      'p.prompt.yml',
      yml(`responseFormat: json_schema
jsonSchema: '${JSON.stringify(schema)}'`),
    );
    assert.deepEqual(chatBody(bodies).response_format, { type: 'json_schema', json_schema: schema });
  });

  it('.prompt.yml responseFormat json_object and text are sent as the type alone', async () => {
    for (const type of ['json_object', 'text']) {
      const { bodies } = await echo.run('p.prompt.yml', yml(`responseFormat: ${type}`));
      assert.deepEqual(chatBody(bodies).response_format, { type });
    }
  });

  it('a file with no parameters sends only model and messages (no default temperature)', async () => {
    const { bodies } = await echo.run('p.prompt.yml', yml(''));
    assert.deepEqual(Object.keys(chatBody(bodies)).sort(), ['messages', 'model']);
  });

  it('.prompty v2 model.options → chat-completions names; additionalProperties passed; outputs → strict schema', async () => {
    const text = `---
name: t
model:
  id: gpt-4o-mini
  options:
    temperature: 0.2
    maxOutputTokens: 100
    topP: 0.5
    topK: 40
    frequencyPenalty: 0.1
    presencePenalty: 0.2
    seed: 3
    stopSequences: ["###"]
    allowMultipleToolCalls: false
    max_tokens: 9
    additionalProperties:
      logit_bias: { "50256": -100 }
      temperature: 0.9
outputs:
  - name: label
    kind: string
    required: true
  - name: score
    kind: float
inputs:
  - name: reply
    kind: string
    default: hi
---
user:
{{reply}}
`;
    const { bodies } = await echo.run(
      'p.prompty',
      text.replace('inputs:', 'metadata:\n  whetstone:\n    rows: [{ reply: hi }]\ninputs:'),
    );
    const body = chatBody(bodies);
    assert.deepEqual(withoutMessages({ ...body, response_format: undefined }), {
      model: 'target-model',
      temperature: 0.2, // a mapped key wins over additionalProperties
      max_completion_tokens: 100,
      top_p: 0.5,
      top_k: 40,
      frequency_penalty: 0.1,
      presence_penalty: 0.2,
      seed: 3,
      stop: ['###'],
      parallel_tool_calls: false,
      logit_bias: { '50256': -100 },
      response_format: undefined,
    });
    assert.deepEqual(body.response_format, {
      type: 'json_schema',
      json_schema: {
        name: 'structured_output',
        strict: true,
        schema: {
          type: 'object',
          properties: { label: { type: 'string' }, score: { type: ['number', 'null'] } },
          required: ['label', 'score'],
          additionalProperties: false,
        },
      },
    });
  });

  it('.prompty v1 model.parameters are sent verbatim (response_format included)', async () => {
    const text = `---
name: t
model:
  api: chat
  configuration:
    type: openai
    name: gpt-4o-mini
  parameters:
    max_tokens: 50
    temperature: 0.1
    stop: ["\\n\\n"]
    response_format: { type: json_object }
metadata:
  whetstone:
    rows: [{ reply: hi }]
inputs:
  reply: hi
---
user:
{{reply}}
`;
    const { bodies } = await echo.run('p.prompty', text);
    assert.deepEqual(withoutMessages(chatBody(bodies)), {
      model: 'target-model',
      max_tokens: 50,
      temperature: 0.1,
      stop: ['\n\n'],
      response_format: { type: 'json_object' },
    });
  });

  it('everything sent is in the cache key: an edit of temperature or responseFormat is a new call', async () => {
    const llm = echo.llm(createMemoryCache());
    const run = (header: string) => echo.run('p.prompt.yml', yml(header), { llm });
    assert.equal((await run('modelParameters: { temperature: 0.2 }')).bodies.length, 1);
    assert.equal((await run('modelParameters: { temperature: 0.2 }')).bodies.length, 0, 'same request: cached');
    assert.equal((await run('modelParameters: { temperature: 0.3 }')).bodies.length, 1);
    assert.equal((await run('modelParameters: { temperature: 0.3 }\nresponseFormat: json_object')).bodies.length, 1);
    assert.equal((await run('modelParameters: { temperature: 0.3, maxTokens: 5 }')).bodies.length, 1);
  });
});

describe('target request: one builder for the CLI, the extension and the optimizers', function () {
  this.timeout(60_000);

  it('the CLI (a real process) and the extension’s roles send byte-identical bodies', async () => {
    const echo = await startEchoServer();
    const text = yml(`modelParameters: { maxTokens: 32, temperature: 0.4, topP: 1 }
responseFormat: json_object`).replace('  - { reply: "hi" }', '  - { reply: "hi" }\n  - { reply: "there" }');
    const dir = tempWorkspace({ 'p.prompt.yml': text });
    try {
      const cli = await runCli(['eval', 'p.prompt.yml', '--base-url', echo.server.url, '--no-cache', '--json'], {
        cwd: dir,
      });
      assert.equal(cli.code, 0, cli.stderr);
      const cliBodies = echo.server.bodies.splice(0) as SimChatRequest[];

      const loaded = await loadPrompt(path.join(dir, 'p.prompt.yml'), nodeFileSystem);
      const settings = {
        baseUrl: echo.server.url,
        models: { target: 'unused', optimizer: 'o', judge: 'j', scorer: 's' },
      } as unknown as HostSettings;
      const roles = resolveRoles(loaded.doc, loaded.settings, settings);
      await runEval({
        doc: loaded.doc,
        rows: loaded.rows,
        evaluators: loaded.evaluators,
        llm: echo.llm(),
        target: roles.target,
        judge: roles.judge,
        trusted: true,
      });
      const hostBodies = echo.server.bodies.splice(0) as SimChatRequest[];
      const sorted = (bodies: SimChatRequest[]) => bodies.map((b) => JSON.stringify(b)).sort();
      assert.equal(cliBodies.length, 2);
      assert.deepEqual(sorted(hostBodies), sorted(cliBodies));
      assert.deepEqual(withoutMessages(cliBodies[0]), {
        model: 'openai/gpt-4o-mini',
        max_tokens: 32,
        temperature: 0.4,
        top_p: 1,
        response_format: { type: 'json_object' },
      });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
      await echo.close();
    }
  });

  it('optimizer target calls send the file’s parameters; a method temperature only where the file has none, logged', async () => {
    const sim = await simSetup();
    try {
      const base = sim.spec('apo', { budget: { calls: 40 } });
      const withParams = { ...base.doc, modelParameters: { temperature: 0.25, maxTokens: 80 } };
      const run = async (spec: typeof base) => {
        sim.server.bodies.length = 0;
        const job = startJob(spec);
        const logs: string[] = [];
        job.events.on((e) => {
          if (e.type === 'log') logs.push(e.message);
        });
        await job.result.catch(() => undefined);
        const target = (sim.server.bodies as SimChatRequest[]).filter((b) => b.model === 'sim-target');
        return { target, logs };
      };
      const own = await run({ ...base, doc: withParams });
      assert.ok(own.target.length > 0);
      for (const body of own.target) {
        assert.equal(body.temperature, 0.25);
        assert.equal(body.max_tokens, 80);
      }
      assert.ok(!own.logs.some((l) => l.includes('targetTemperature')));
      const none = await run({ ...base, doc: { ...base.doc, modelParameters: undefined } });
      assert.ok(none.target.length > 0);
      for (const body of none.target) assert.equal(body.temperature, 0);
      assert.ok(none.logs.some((l) => l.includes("temperature 0 (the method's targetTemperature)")));
    } finally {
      await sim.close();
    }
  });
});
