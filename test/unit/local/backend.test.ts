/**
 * The embedded backend on real tiny GGUF files generated at test time: real node-llama-cpp in a real child process.
 * Threads are pinned to 1 so results do not depend on the machine (and shared CPUs are not oversubscribed).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createLocalBackend, type LocalBackend } from '../../../src/core/llm/local';
import { LlmError, type ChatMessage, type ModelRef } from '../../../src/core/llm/types';
import type { PairwiseVerdict } from '../../../src/core/llm/schemas';
import { writeTinyGguf } from '../../support/tiny-gguf';
import { referenceLogprobs } from '../../support/tiny-gguf.reference';
import { workerBundle } from './worker-bundle';

describe('local backend (node-llama-cpp in a child process)', function () {
  this.timeout(60_000);
  let dir: string;
  let backend: LocalBackend;
  let plain: string;
  let chatml: string;
  const logs: string[] = [];
  const ref = (file: string, params: Record<string, unknown> = {}): ModelRef => ({
    baseUrl: 'local:',
    model: file,
    params: { threads: 1, ...params },
  });
  const hello: ChatMessage[] = [
    { role: 'system', content: 'Be brief.' },
    { role: 'user', content: 'hi there' },
  ];

  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'whetstone-local-'));
    plain = writeTinyGguf(path.join(dir, 'tiny.gguf'));
    chatml = writeTinyGguf(path.join(dir, 'tiny-chatml.gguf'), { chatTemplate: true });
    backend = createLocalBackend({ workerPath: await workerBundle(), logger: (m) => logs.push(m) });
  });
  after(async () => {
    await backend?.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it('loads the model once and describes it', async () => {
    const info = await backend.describe(ref(chatml, { max_tokens: 8 }));
    assert.equal(info.contextSize, 256);
    assert.equal(info.vocabularySize, 302);
    assert.equal(info.chatWrapper, 'ChatML');
  });

  it('generates text with real usage and zero cost; the same seed gives the same text', async () => {
    const model = ref(chatml, { max_tokens: 10, temperature: 0.9 });
    const a = await backend.chat({ model, messages: hello, seed: 7 });
    const b = await backend.chat({ model, messages: hello, seed: 7 });
    const c = await backend.chat({ model, messages: hello, seed: 8 });
    assert.equal(a.text, b.text);
    assert.notEqual(a.text, c.text);
    assert.equal(a.usage.completionTokens, 10);
    assert.ok(a.usage.promptTokens > 10, `prompt tokens ${a.usage.promptTokens}`);
    assert.equal(a.costUsd, 0);
    assert.equal(a.cached, false);
  });

  it('greedy generation (temperature 0) is deterministic without a seed', async () => {
    const model = ref(chatml, { max_tokens: 8, temperature: 0 });
    const [a, b] = [await backend.chat({ model, messages: hello }), await backend.chat({ model, messages: hello })];
    assert.equal(a.text, b.text);
  });

  it('returns structured output that parses against the contract schema', async () => {
    // Greedy decoding under the JSON grammar. A random-weight model closes its strings only by chance, so this prompt
    // is one whose greedy reply ends well within the 256-token context (deterministic, so it stays that way).
    const result = await backend.structured<PairwiseVerdict>({
      model: ref(chatml, { max_tokens: 200 }),
      messages: [{ role: 'user', content: 'A or B?' }],
      schema: 'pairwise_verdict',
    });
    assert.equal(result.mode, 'json_schema');
    assert.ok(result.value.choice === 'A' || result.value.choice === 'B');
    assert.equal(typeof result.value.analysis, 'string');
  });

  it('scores a continuation: finite log-probs, identical across runs, matching a float64 forward pass', async () => {
    // F32 KV cache and no flash attention: llama.cpp then computes in float32 throughout.
    const model = ref(plain, { kv_cache_type: 'F32', flash_attention: false });
    const prompt = 'Question: what is the answer?\nAnswer:';
    const target = ' the cat sat on the mat, then the rat ate the hat';
    const first = await backend.score({ model, prompt, target });
    const second = await backend.score({ model, prompt, target });
    assert.ok(first.logprobs.length > 10);
    assert.ok(first.logprobs.every((lp) => Number.isFinite(lp) && lp < 0));
    assert.deepEqual(second.logprobs, first.logprobs);
    assert.equal(first.tokens.join(''), target);
    assert.equal(first.usage.completionTokens, 0);

    const { promptIds, targetIds } = await tokenizeLikeTheBackend(plain, prompt, target);
    assert.equal(targetIds.length, first.logprobs.length);
    const expected = referenceLogprobs({}, [...promptIds, ...targetIds], promptIds.length);
    const worst = Math.max(...expected.map((e, i) => Math.abs(e - first.logprobs[i])));
    assert.ok(worst < 1e-4, `max |llama.cpp − float64 reference| = ${worst} nats`);
  });

  it('the multi-pass scorer agrees with the full-distribution scorer', async () => {
    // Score the model's own greedy reply too, so the cheap greedy pass answers some positions.
    const greedy = await backend.chat({ model: ref(chatml, { max_tokens: 12 }), messages: hello });
    for (const target of ['the cat sat on the mat', greedy.text]) {
      logs.length = 0;
      const auto = await backend.score({ model: ref(chatml), messages: hello, target });
      const full = await backend.score({
        model: ref(chatml, { scoring_method: 'probabilities' }),
        messages: hello,
        target,
      });
      assert.deepEqual(auto.tokens, full.tokens);
      assert.ok(
        logs.some((line) => /passes \d+\/[1-9]\d*\/0/.test(line)),
        `the top-K pass answered: ${logs.join(' | ')}`,
      );
      // Same logits; p(t) = p(m)·q(t)/q(m)·e^−B differs from the Map's float32 softmax value only by rounding.
      auto.logprobs.forEach((lp, i) =>
        assert.ok(Math.abs(lp - full.logprobs[i]) < 1e-5, `token ${i}: ${lp} vs ${full.logprobs[i]}`),
      );
    }
  });

  it('applies the chat template when scoring messages (the target is the assistant reply)', async () => {
    const withTemplate = await backend.score({ model: ref(chatml), messages: hello, target: 'the cat' });
    const asPlainText = await backend.score({ model: ref(chatml), prompt: 'Be brief. hi there', target: 'the cat' });
    assert.deepEqual(withTemplate.tokens, ['th', 'e', ' ', 'c', 'at']);
    // The rendered prompt holds <|im_start|>system … <|im_start|>assistant\n: many more tokens than the bare text.
    assert.ok(withTemplate.usage.promptTokens > asPlainText.usage.promptTokens + 8);
    assert.notDeepEqual(withTemplate.logprobs, asPlainText.logprobs);
    assert.equal(await backend.canScore(ref(chatml)), true);
  });

  it('a model file that makes llama.cpp abort yields a clear error; the parent survives and the next call works', async () => {
    const bad = writeTinyGguf(path.join(dir, 'bad.gguf'), { omitKeys: ['llama.attention.head_count'] });
    await assert.rejects(backend.chat({ model: ref(bad), messages: hello }), (error: unknown) => {
      assert.ok(error instanceof LlmError);
      assert.match(
        error.message,
        new RegExp(`^local model ${escape(bad)}: the llama\\.cpp process aborted while loading \\(signal SIGABRT\\)`),
      );
      assert.match(error.message, /GGML_ASSERT/);
      return true;
    });
    const again = await backend.chat({ model: ref(chatml, { max_tokens: 3 }), messages: hello });
    assert.equal(again.usage.completionTokens, 3);
  });

  it('a worker that dies during a call rejects it naming the file; the next call starts a new worker', async () => {
    const model = ref(chatml, { max_tokens: 50 });
    const { pid } = await backend.describe(model);
    // Kill the worker at the moment the call registers itself (it listens on the signal just before it is sent).
    const controller = new AbortController();
    const listen = controller.signal.addEventListener.bind(controller.signal);
    controller.signal.addEventListener = ((...args: Parameters<typeof listen>) => {
      listen(...args);
      process.kill(pid, 'SIGKILL');
    }) as typeof listen;
    await assert.rejects(backend.chat({ model, messages: hello, signal: controller.signal }), (error: unknown) => {
      assert.ok(error instanceof LlmError && error.kind === 'unreachable');
      assert.match(
        error.message,
        new RegExp(
          `^local model ${escape(chatml)}: the llama\\.cpp process (aborted while generating \\(signal SIGKILL\\)|is gone)`,
        ),
      );
      return true;
    });
    const again = await backend.chat({ model, messages: hello });
    assert.notEqual((await backend.describe(model)).pid, pid);
    assert.ok(again.usage.completionTokens > 0);
  });

  it('stops an idle worker after idleMs and reloads on the next call', async () => {
    const idle = createLocalBackend({ workerPath: await workerBundle(), idleMs: 20 });
    try {
      const model = ref(chatml, { max_tokens: 2 });
      const { pid } = await idle.describe(model);
      await idle.chat({ model, messages: hello });
      while (isAlive(pid)) await new Promise((resolve) => setTimeout(resolve, 20));
      assert.equal((await idle.chat({ model, messages: hello })).usage.completionTokens, 2);
      assert.notEqual((await idle.describe(model)).pid, pid);
    } finally {
      await idle.dispose();
    }
  });

  it('names the reason when llama.cpp rejects a file, a missing file, or a non-GGUF file', async () => {
    const noBlocks = writeTinyGguf(path.join(dir, 'no-blocks.gguf'), { omitKeys: ['llama.block_count'] });
    await assert.rejects(
      backend.chat({ model: ref(noBlocks), messages: hello }),
      /could not load it: .*key not found in model: llama\.block_count/,
    );
    await assert.rejects(
      backend.chat({ model: ref(path.join(dir, 'missing.gguf')), messages: hello }),
      /missing\.gguf: file not found/,
    );
    const text = path.join(dir, 'notes.gguf');
    writeFileSync(text, 'hello');
    await assert.rejects(
      backend.score({ model: ref(text), prompt: 'a', target: 'b' }),
      /notes\.gguf: not a GGUF file \(it starts with "hell", expected "GGUF"\)/,
    );
  });

  it('aborts a call with LlmError(aborted) without disturbing the others, and keeps serving', async () => {
    // B waits behind A in the worker's queue, so it cannot finish before it is aborted on the next turn of the event loop.
    const a = backend.chat({ model: ref(chatml, { max_tokens: 20 }), messages: hello });
    const controller = new AbortController();
    const b = backend.chat({ model: ref(chatml, { max_tokens: 20 }), messages: hello, signal: controller.signal });
    await new Promise((resolve) => setImmediate(resolve));
    controller.abort();
    await assert.rejects(
      b,
      (error: unknown) => error instanceof LlmError && error.kind === 'aborted' && /aborted/.test(error.message),
    );
    assert.ok((await a).text.length > 0);
    const after = await backend.chat({ model: ref(chatml, { max_tokens: 2 }), messages: hello });
    assert.equal(after.usage.completionTokens, 2);
    await assert.rejects(backend.chat({ model: ref(chatml), messages: hello, signal: AbortSignal.abort() }), /aborted/);
  });

  it('runs the worker from source through tsx when no bundle is given, with the same results', async () => {
    const fromSource = createLocalBackend();
    try {
      const viaBundle = await backend.score({ model: ref(chatml), messages: hello, target: 'the cat' });
      const viaSource = await fromSource.score({ model: ref(chatml), messages: hello, target: 'the cat' });
      assert.deepEqual(viaSource.logprobs, viaBundle.logprobs);
    } finally {
      await fromSource.dispose();
    }
  });

  it('rejects invalid parameters and non-local models clearly', async () => {
    await assert.rejects(
      backend.chat({ model: ref(chatml, { top_p: 3 }), messages: hello }),
      /params\.top_p must be a number in \[0, 1\], got 3/,
    );
    await assert.rejects(
      backend.chat({ model: { baseUrl: 'https://api.example/v1', model: 'x' }, messages: hello }),
      /runs only local: models/,
    );
  });
});

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function escape(text: string) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** An independent tokenization (node-llama-cpp in this process, vocabulary only) for the reference forward pass. */
async function tokenizeLikeTheBackend(file: string, prompt: string, target: string) {
  const { getLlama, LlamaLogLevel } = await import('node-llama-cpp');
  const llama = await getLlama({ gpu: false, build: 'never', logLevel: LlamaLogLevel.error });
  const model = await llama.loadModel({ modelPath: file, vocabOnly: true });
  try {
    const promptIds = [model.tokens.bos!, ...model.tokenize(prompt)];
    const joint = [model.tokens.bos!, ...model.tokenize(prompt + target)];
    assert.deepEqual(joint.slice(0, promptIds.length), promptIds);
    return { promptIds: promptIds as number[], targetIds: joint.slice(promptIds.length) as number[] };
  } finally {
    await model.dispose();
    await llama.dispose();
  }
}
