/** Cost of a call from its token usage and a per-model price table. Unknown model → null, never a guess. */
import type { Usage } from './types';

export interface ModelPrice {
  /** USD per million input (prompt) tokens. */
  inputPerMTok: number;
  /** USD per million output (completion) tokens. */
  outputPerMTok: number;
}

export type PriceTable = Record<string, ModelPrice>;

/**
 * OpenAI list prices, standard tier, uncached input, as published in August 2025. Check
 * https://openai.com/api/pricing before relying on them; pass `prices` to createLlmClient to override or extend.
 */
export const defaultPrices: PriceTable = {
  'gpt-5': { inputPerMTok: 1.25, outputPerMTok: 10 },
  'gpt-5-mini': { inputPerMTok: 0.25, outputPerMTok: 2 },
  'gpt-5-nano': { inputPerMTok: 0.05, outputPerMTok: 0.4 },
  'gpt-4.1': { inputPerMTok: 2, outputPerMTok: 8 },
  'gpt-4.1-mini': { inputPerMTok: 0.4, outputPerMTok: 1.6 },
  'gpt-4.1-nano': { inputPerMTok: 0.1, outputPerMTok: 0.4 },
  'gpt-4o': { inputPerMTok: 2.5, outputPerMTok: 10 },
  'gpt-4o-mini': { inputPerMTok: 0.15, outputPerMTok: 0.6 },
  o3: { inputPerMTok: 2, outputPerMTok: 8 },
  'o3-mini': { inputPerMTok: 1.1, outputPerMTok: 4.4 },
  'o4-mini': { inputPerMTok: 1.1, outputPerMTok: 4.4 },
  'gpt-4-turbo': { inputPerMTok: 10, outputPerMTok: 30 },
  'gpt-3.5-turbo': { inputPerMTok: 0.5, outputPerMTok: 1.5 },
};

/**
 * The price of `model`: an exact entry, else the entry its dated snapshot belongs to (`gpt-4o-2024-08-06` →
 * `gpt-4o`; `gpt-4o-mini-2024-07-18` → `gpt-4o-mini`, not `gpt-4o`).
 */
export function priceOf(model: string, table: PriceTable): ModelPrice | undefined {
  if (Object.prototype.hasOwnProperty.call(table, model)) return table[model];
  const snapshot = /^(.*)-\d{4}-\d{2}-\d{2}$/.exec(model);
  if (snapshot && Object.prototype.hasOwnProperty.call(table, snapshot[1])) return table[snapshot[1]];
  return undefined;
}

/** USD for one call; null when the model has no price or the server reported no usage. */
export function costOf(model: string, usage: Usage | undefined, table: PriceTable): number | null {
  const price = priceOf(model, table);
  if (!price || !usage) return null;
  return (usage.promptTokens * price.inputPerMTok + usage.completionTokens * price.outputPerMTok) / 1_000_000;
}
