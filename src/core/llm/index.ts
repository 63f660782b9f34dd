/** The LLM layer's public surface. */
export * from './types';
export { createLlmClient, NO_KEY, type LlmClientOptions } from './client';
export { createDiskCache, DEFAULT_CACHE_MAX_BYTES, type DiskCacheOptions } from './cache-store';
export { createMemoryCache, cacheKey, canonicalJson, type CachedResponse, type ResponseCache } from './cache';
export { defaultPrices, priceOf, costOf, type ModelPrice, type PriceTable } from './prices';
export {
  wireSchemas,
  schemaNames,
  isSchemaName,
  checkValue,
  type SchemaValues,
  type Critiques,
  type PromptCandidates,
  type PromptSegments,
  type PairwiseVerdict,
  type JudgeScore,
} from './schemas';
export { flattenChat } from './score';
export { endpointLabel, originOf } from './endpoint';
export { parseRetryAfter } from './retry';
export { deferredClient } from './deferred-client';
