/**
 * Tokens and cost for an estimate: calls per role (from the method's formula) × a rough size per call, priced with
 * the default price table. Sizes are approximations (≈4 characters per token, measured on the baseline prompt and
 * the rows); the call count is the number the budget enforces.
 */
import { renderMessages } from '../documents';
import { costOf, defaultPrices } from '../llm/prices';
import type { ModelRef } from '../llm/types';
import type { Estimate, JobSpec } from './types';

const tokensOf = (text: string) => Math.ceil(text.length / 4);

interface CallSize {
  prompt: number;
  completion: number;
}

function sizes(
  spec: JobSpec,
  region: string,
  train: number[],
): Record<'target' | 'optimizer' | 'judge' | 'scorer', CallSize> {
  const sample = train.slice(0, 20);
  const rendered = sample.map((i) =>
    renderMessages(spec.doc, region, spec.rows[i].vars).reduce((n, m) => n + tokensOf(m.content) + 4, 0),
  );
  const input = rendered.length ? rendered.reduce((a, b) => a + b, 0) / rendered.length : tokensOf(region) + 20;
  const expected = sample.map((i) => tokensOf(spec.rows[i].expected ?? spec.rows[i].chosen ?? '')).filter((n) => n > 0);
  const output = expected.length ? expected.reduce((a, b) => a + b, 0) / expected.length + 2 : 60;
  const regionTokens = tokensOf(region);
  return {
    target: { prompt: input, completion: output },
    optimizer: { prompt: 250 + 2 * regionTokens + 4 * (input + output), completion: regionTokens + 60 },
    judge: { prompt: 200 + 6 * (input + output), completion: 80 },
    scorer: { prompt: input + output, completion: 1 },
  };
}

function priceCall(model: ModelRef, size: CallSize, calls: number): number | null {
  if (model.baseUrl.startsWith('local:') || model.model.startsWith('local:')) return 0;
  const one = costOf(
    model.model,
    { promptTokens: Math.round(size.prompt), completionTokens: Math.round(size.completion) },
    defaultPrices,
  );
  return one === null ? null : one * calls;
}

/** Adds the calls of LLM-judge evaluators: one per target call per judge evaluator. */
export function withJudgeEvaluators(estimate: Estimate, spec: JobSpec): Estimate {
  const judges = spec.evaluators.filter((e) => e.type === 'llmJudge').length;
  const target = estimate.byRole?.target ?? 0;
  if (!judges || !target) return estimate;
  const extra = judges * target;
  return {
    ...estimate,
    calls: estimate.calls + extra,
    ...(estimate.reserve !== undefined && { reserve: estimate.reserve * (1 + judges) }),
    byRole: { ...estimate.byRole, judge: (estimate.byRole?.judge ?? 0) + extra },
    formula: `${estimate.formula}; + ${judges} LLM-judge call${judges > 1 ? 's' : ''} per target call`,
  };
}

export function withUsage(estimate: Estimate, spec: JobSpec, region: string, train: number[]): Estimate {
  const byRole = estimate.byRole ?? { target: estimate.calls };
  const size = sizes(spec, region, train);
  const models: Record<string, ModelRef> = {
    target: spec.roles.target,
    optimizer: spec.roles.optimizer,
    judge: spec.roles.judge ?? spec.roles.optimizer,
    scorer: spec.roles.scorer ?? spec.roles.target,
  };
  let tokens = 0;
  let costUsd: number | null = 0;
  for (const [role, calls] of Object.entries(byRole) as [keyof typeof size, number][]) {
    if (!calls) continue;
    tokens += calls * (size[role].prompt + size[role].completion);
    const cost = priceCall(models[role], size[role], calls);
    costUsd = costUsd === null || cost === null ? null : costUsd + cost;
  }
  return { ...estimate, tokens: Math.round(tokens), costUsd };
}
