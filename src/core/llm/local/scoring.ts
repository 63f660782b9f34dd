/**
 * Teacher-forced log-probabilities with node-llama-cpp 3.21.1 (runs inside the worker).
 *
 * 3.21.1 exposes no raw logits. A position's distribution comes back either as a full `probabilities` Map
 * (C++ sort + one JS entry per vocabulary token: ~10 ms per position at 32k tokens, ~75 ms at 152k) or as the
 * `confidence` of the sampled token (C++ only, one number). So 'auto' scores in two passes:
 *   1. greedy `{token, confidence}` at every target position: where the target is the greedy token, its
 *      probability is that confidence (the same float32 softmax value the Map would hold);
 *   2. only for the remaining positions, the full Map. This pass re-evaluates the whole sequence: keeping the KV
 *      cache and re-evaluating only the tail changes llama.cpp's batch shapes and so the last bits of the logits
 *      (~5e-4 nats with the default F16 cache); re-evaluating everything makes 'auto' bit-identical to the baseline.
 * 'probabilities' is the one-pass full-Map method (the baseline in bench/local.mjs).
 */
import type { ControlledEvaluateInputItem, LlamaContextSequence, Token } from 'node-llama-cpp';
import type { ScoringMethod } from './protocol';

export interface TeacherForcedResult {
  logprobs: number[];
  greedyMatches: number;
  fullDistributionPositions: number;
}

/**
 * log p(target[j] | prompt, target[<j]) for every j. `sequence` must be empty; prompt + target must fit in the
 * context (the caller checks). The last target token is never evaluated: nothing is predicted after it.
 */
export async function teacherForcedLogprobs(
  sequence: LlamaContextSequence,
  promptTokens: readonly Token[],
  targetTokens: readonly Token[],
  method: ScoringMethod,
  signal?: AbortSignal,
): Promise<TeacherForcedResult> {
  if (targetTokens.length === 0) return { logprobs: [], greedyMatches: 0, fullDistributionPositions: 0 };
  if (promptTokens.length === 0) throw new Error('scoring needs at least one context token before the target (a BOS token or a prompt)');
  const all = [...promptTokens, ...targetTokens];
  const first = promptTokens.length - 1; // the position whose next-token distribution predicts target[0]
  const positions = targetTokens.map((_, j) => first + j);

  if (method === 'probabilities') {
    const full = await fullDistributionPass(sequence, all, 0, positions);
    return { logprobs: full, greedyMatches: 0, fullDistributionPositions: positions.length };
  }

  const greedy = await sequence.controlledEvaluate(all.slice(0, -1).map((token, i): ControlledEvaluateInputItem =>
    i >= first ? [token, { generateNext: { token: true, confidence: true } }] : token));
  const logprobs = new Array<number>(targetTokens.length).fill(Number.NaN);
  const missing: number[] = [];
  positions.forEach((pos, j) => {
    const next = greedy[pos]?.next;
    if (next?.token === all[pos + 1] && next.confidence != null) logprobs[j] = Math.log(next.confidence);
    else missing.push(pos);
  });
  if (missing.length > 0) {
    signal?.throwIfAborted();
    await sequence.clearHistory();
    const full = await fullDistributionPass(sequence, all, 0, missing);
    missing.forEach((pos, k) => { logprobs[pos - first] = full[k]; });
  }
  return { logprobs, greedyMatches: targetTokens.length - missing.length, fullDistributionPositions: missing.length };
}

/** Evaluates all[from … end-1], reading the full next-token distribution at `positions` (absolute indexes). */
async function fullDistributionPass(sequence: LlamaContextSequence, all: readonly Token[], from: number, positions: number[]): Promise<number[]> {
  const wanted = new Set(positions);
  const input = all.slice(from, -1).map((token, k): ControlledEvaluateInputItem =>
    wanted.has(from + k) ? [token, { generateNext: { probabilities: true } }] : token);
  const results = await sequence.controlledEvaluate(input);
  return positions.map((pos) => {
    const probabilities = results[pos - from]?.next.probabilities;
    if (!probabilities) throw new Error(`llama.cpp returned no distribution at position ${pos}`);
    // A token missing from the map or with probability 0 underflowed float32: log-prob -Infinity.
    return Math.log(probabilities.get(all[pos + 1]) ?? 0);
  });
}
