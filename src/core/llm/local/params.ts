/**
 * `ModelRef.params` (OpenAI-style names) → the worker's load and sampling options. Load options pick the worker
 * (one per model file and load options); sampling options travel with each request.
 */
import { LlmError, type ModelRef } from '../types';
import type { LoadOptions, SamplingOptions, ScoringMethod } from './protocol';

const endpointOf = (model: ModelRef) => `local:${model.model}`;

function numberParam(
  model: ModelRef,
  names: string[],
  check: (n: number) => boolean,
  expected: string,
): number | undefined {
  for (const name of names) {
    const value = model.params?.[name];
    if (value === undefined || value === null) continue;
    if (typeof value !== 'number' || !check(value)) {
      throw new LlmError(
        `${endpointOf(model)}: params.${name} must be ${expected}, got ${JSON.stringify(value)}`,
        'unsupported',
        undefined,
        endpointOf(model),
      );
    }
    return value;
  }
  return undefined;
}

const positiveInt = (n: number) => Number.isInteger(n) && n > 0;
const nonNegative = (n: number) => Number.isFinite(n) && n >= 0;
const unit = (n: number) => Number.isFinite(n) && n >= 0 && n <= 1;

export function samplingOptions(model: ModelRef, seed: number | undefined): SamplingOptions {
  return {
    temperature: numberParam(model, ['temperature'], nonNegative, 'a number ≥ 0'),
    topP: numberParam(model, ['top_p', 'topP'], unit, 'a number in [0, 1]'),
    topK: numberParam(model, ['top_k', 'topK'], positiveInt, 'a positive integer'),
    minP: numberParam(model, ['min_p', 'minP'], unit, 'a number in [0, 1]'),
    maxTokens: numberParam(
      model,
      ['max_tokens', 'max_completion_tokens', 'maxTokens'],
      positiveInt,
      'a positive integer',
    ),
    seed: seed ?? numberParam(model, ['seed'], Number.isInteger, 'an integer'),
  };
}

export function loadOptions(model: ModelRef): LoadOptions {
  const p = model.params ?? {};
  const options: LoadOptions = {
    contextSize: numberParam(model, ['context_size', 'n_ctx', 'contextSize'], positiveInt, 'a positive integer'),
    threads: numberParam(model, ['threads'], positiveInt, 'a positive integer'),
  };
  if (p.gpu === 'auto') options.gpu = 'auto';
  if (typeof p.flash_attention === 'boolean') options.flashAttention = p.flash_attention;
  if (p.kv_cache_type === 'F32' || p.kv_cache_type === 'F16' || p.kv_cache_type === 'Q8_0')
    options.kvCacheType = p.kv_cache_type;
  return options;
}

export function scoringMethod(model: ModelRef): ScoringMethod {
  return model.params?.scoring_method === 'probabilities' ? 'probabilities' : 'auto';
}
