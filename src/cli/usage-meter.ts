/** Counts model calls, tokens and cost of one command from the client's call events (cached answers are free). */
import type { LlmClient } from '../core/llm/types';

export interface UsageTotals {
  calls: number;
  cachedCalls: number;
  tokens: number;
  /** Calls answered through the provider's batch API (billed at half price; `costUsd` counts them so). */
  batchCalls: number;
  /** null as soon as one call's price is unknown. */
  costUsd: number | null;
}

export function meterUsage(llm: LlmClient): { totals: UsageTotals; stop(): void } {
  const totals: UsageTotals = { calls: 0, cachedCalls: 0, tokens: 0, batchCalls: 0, costUsd: 0 };
  const stop = llm.onCall(({ meta }) => {
    if (meta.cached) {
      totals.cachedCalls++;
      return;
    }
    totals.calls++;
    if (meta.batch) totals.batchCalls++;
    totals.tokens += meta.usage.promptTokens + meta.usage.completionTokens;
    totals.costUsd = totals.costUsd === null || meta.costUsd === null ? null : totals.costUsd + meta.costUsd;
  });
  return { totals, stop };
}
