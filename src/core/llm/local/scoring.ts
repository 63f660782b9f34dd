/**
 * Teacher-forced log-probabilities with node-llama-cpp 3.21.1 (runs inside the worker).
 *
 * 3.21.1 exposes no raw logits. A position's distribution comes back as a `probabilities` Map of whatever survives
 * the sampler chain (the whole vocabulary under greedy settings: a C++ sort plus one JS Map entry per token,
 * ~10 ms per position at 32k tokens, ~75 ms at 152k), or as the `confidence` of the sampled token (C++ only).
 * 'auto' therefore scores in up to three passes over the same tokens:
 *   1. greedy `{token, confidence}`: the top token m and p(m), an exact full-vocabulary softmax value. Where the
 *      target t is m, done.
 *   2. elsewhere: top-K sampling with t's logit raised by B (a token bias). t and m are then among the K returned
 *      tokens, whose probabilities share one normalizer, so p(t) = p(m) · (q(t) / q(m)) · e^−B — exact algebra on
 *      float32 values (error ~1e-6 nats), with K map entries instead of the whole vocabulary.
 *   3. only where t or m is still missing from the K (t more than B below the K-th logit): the full Map.
 * Passes 2 and 3 re-evaluate the whole sequence with identical batches, so their logits are bit-identical to pass
 * 1's (re-evaluating only the tail against a kept KV cache shifts them by ~5e-4 nats with the default F16 cache).
 * 'probabilities' is the one-pass full-Map method (the baseline in bench/local.mjs).
 */
import type { ControlledEvaluateInputItem, LlamaContextSequence, Token, TokenBias } from 'node-llama-cpp';
import type { ScoringMethod } from './protocol';

/** Logit boost for the target in pass 2: large enough to lift it into the top K, small enough that e^−B·q(m) stays a normal float32. */
const TARGET_BOOST = 40;
const TOP_K = 64;

export interface TeacherForcedResult {
  logprobs: number[];
  /** Positions answered by each pass (1: greedy confidence, 2: top-K ratio, 3: full distribution). */
  passes: [number, number, number];
}

/**
 * log p(target[j] | prompt, target[<j]) for every j. `sequence` must be empty; prompt + target must fit in the
 * context (the caller checks). `biasFor` builds a TokenBias on the sequence's model. The last target token is never
 * evaluated: nothing is predicted after it.
 */
export async function teacherForcedLogprobs(
  sequence: LlamaContextSequence,
  promptTokens: readonly Token[],
  targetTokens: readonly Token[],
  method: ScoringMethod,
  biasFor: (token: Token, logit: number) => TokenBias,
  signal?: AbortSignal,
): Promise<TeacherForcedResult> {
  if (targetTokens.length === 0) return { logprobs: [], passes: [0, 0, 0] };
  if (promptTokens.length === 0)
    throw new Error('scoring needs at least one context token before the target (a BOS token or a prompt)');
  const all = [...promptTokens, ...targetTokens];
  const first = promptTokens.length - 1; // the position whose next-token distribution predicts target[0]
  const positions = targetTokens.map((_, j) => first + j);
  const targetAt = (pos: number) => all[pos + 1];

  if (method === 'probabilities') {
    const maps = await evaluate(sequence, all, new Map(positions.map((pos) => [pos, { probabilities: true }])));
    return {
      logprobs: positions.map((pos) => logOf(maps.get(pos)?.probabilities, targetAt(pos), pos)),
      passes: [0, 0, positions.length],
    };
  }

  const logprobs = new Map<number, number>();
  // Pass 1: greedy token and its exact probability.
  const greedy = await evaluate(
    sequence,
    all,
    new Map(positions.map((pos) => [pos, { token: true, confidence: true }])),
  );
  const top = new Map<number, { token: Token; logp: number }>();
  for (const pos of positions) {
    const next = greedy.get(pos);
    if (next?.token == null || next.confidence == null) continue;
    const logp = Math.log(next.confidence);
    if (next.token === targetAt(pos)) logprobs.set(pos, logp);
    else top.set(pos, { token: next.token, logp });
  }
  const afterPass1 = logprobs.size;

  // Pass 2: top-K with the target boosted; its ratio to the greedy token gives its probability.
  const pass2 = positions.filter((pos) => !logprobs.has(pos) && top.has(pos));
  if (pass2.length > 0) {
    signal?.throwIfAborted();
    await sequence.clearHistory();
    const requests = new Map(
      pass2.map((pos) => [
        pos,
        {
          probabilities: true,
          options: {
            temperature: 1,
            topK: TOP_K,
            topP: 1,
            minP: 0,
            seed: 0,
            tokenBias: biasFor(targetAt(pos), TARGET_BOOST),
          },
        },
      ]),
    );
    const lists = await evaluate(sequence, all, requests);
    for (const pos of pass2) {
      const list = lists.get(pos)?.probabilities;
      const qTarget = list?.get(targetAt(pos));
      const qTop = list?.get(top.get(pos)!.token);
      if (qTarget && qTop) logprobs.set(pos, top.get(pos)!.logp + Math.log(qTarget) - Math.log(qTop) - TARGET_BOOST);
    }
  }
  const afterPass2 = logprobs.size;

  // Pass 3: the full distribution where the ratio was not available.
  const pass3 = positions.filter((pos) => !logprobs.has(pos));
  if (pass3.length > 0) {
    signal?.throwIfAborted();
    await sequence.clearHistory();
    const maps = await evaluate(sequence, all, new Map(pass3.map((pos) => [pos, { probabilities: true }])));
    for (const pos of pass3) logprobs.set(pos, logOf(maps.get(pos)?.probabilities, targetAt(pos), pos));
  }
  return {
    logprobs: positions.map((pos) => logprobs.get(pos)!),
    passes: [afterPass1, afterPass2 - afterPass1, pass3.length],
  };
}

type GenerateNext = NonNullable<Extract<ControlledEvaluateInputItem, unknown[]>[1]['generateNext']>;
type NextOutput = { token?: Token | null; confidence?: number; probabilities?: Map<Token, number> };

/** Evaluates all[0 … end-1] (the last token predicts nothing), asking for `requests` at their positions. */
async function evaluate(
  sequence: LlamaContextSequence,
  all: readonly Token[],
  requests: Map<number, GenerateNext>,
): Promise<Map<number, NextOutput>> {
  const input = all.slice(0, -1).map((token, pos): ControlledEvaluateInputItem => {
    const generateNext = requests.get(pos);
    return generateNext ? [token, { generateNext }] : token;
  });
  const results = await sequence.controlledEvaluate(input);
  const out = new Map<number, NextOutput>();
  for (const pos of requests.keys()) {
    const next = results[pos]?.next;
    if (next) out.set(pos, next);
  }
  return out;
}

function logOf(probabilities: Map<Token, number> | undefined, token: Token, pos: number): number {
  if (!probabilities) throw new Error(`llama.cpp returned no distribution at position ${pos}`);
  // A token missing from the full map or with probability 0 underflowed float32: log-prob -Infinity.
  return Math.log(probabilities.get(token) ?? 0);
}
