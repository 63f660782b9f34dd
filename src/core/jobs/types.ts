/**
 * The job engine's public contract: consumed by the CLI, the extension host, the panel protocol and tests.
 * Every algorithm (APO, SPO, PMPO) runs on one engine and reports through these events.
 */
import type { ModelRef } from '../llm/types';
import type { EvaluationResult } from '../evaluators/types';

export type Method = 'apo' | 'spo' | 'pmpo';

export interface Budget {
  calls?: number;
  tokens?: number;
  usd?: number;
  seconds?: number;
}

export interface BudgetUsed {
  calls: number;
  /** Calls answered from the cache (not counted in `calls`, which counts HTTP/model calls). */
  cachedCalls: number;
  tokens: number;
  /** null when some model's price is unknown. */
  costUsd: number | null;
  seconds: number;
}

export interface Estimate {
  calls: number;
  tokens?: number;
  costUsd?: number | null;
  /** The formula used, e.g. "R × (m·n + …)", shown to the user. */
  formula: string;
}

export interface ExampleResult {
  rowIndex: number;
  input: Record<string, unknown>;
  expected?: string;
  output?: string;
  score: number;
  pass: boolean;
  evaluations?: EvaluationResult[];
  /** PMPO: mean token cross-entropy for this example. */
  loss?: number;
}

export type CandidateStatus = 'proposed' | 'rejected' | 'scored' | 'beam' | 'best' | 'dropped';

export interface CandidateRecord {
  id: number;
  /** 0 for the baseline (the original region). */
  parent: number | null;
  round: number;
  /** The optimized region's full text. */
  prompt: string;
  /** The critique, analysis or mutation that produced it. */
  origin: { kind: 'baseline' | 'edit' | 'paraphrase' | 'rewrite' | 'spo'; why?: string };
  status: CandidateStatus;
  /** Why it was rejected, e.g. "broke variable {{review}}". */
  rejectedReason?: string;
  /** Mean score on the training examples it was scored on (higher is better; PMPO: −loss). */
  score?: number;
  /** Score on held-out (validation) examples, where measured. */
  validationScore?: number;
  examples?: ExampleResult[];
  tokens: number;
  costUsd: number | null;
}

export type JobEvent =
  | { type: 'estimate'; estimate: Estimate }
  | { type: 'started'; runId: string; method: Method; at: string }
  | { type: 'round'; round: number; of: number }
  | { type: 'candidate'; candidate: CandidateRecord }
  | { type: 'beam'; round: number; ids: number[] }
  | { type: 'incumbent'; id: number; score: number }
  | { type: 'budget'; used: BudgetUsed; limit: Budget }
  | { type: 'log'; level: 'info' | 'warn'; message: string }
  | { type: 'done'; result: JobResult }
  | { type: 'failed'; error: string; result?: JobResult }
  | { type: 'cancelled'; result?: JobResult };

export interface RoundSummary {
  round: number;
  best: number;
  candidates: number;
  calls: number;
}

export interface JobResult {
  runId: string;
  method: Method;
  baseline: { score: number; validationScore?: number };
  best: { id: number; score: number; validationScore?: number; prompt: string };
  rounds: RoundSummary[];
  used: BudgetUsed;
  /** 'done', or why it stopped early with the best so far. */
  stopReason: 'done' | 'budget' | 'cancelled' | 'failed';
}

export interface Roles {
  target: ModelRef;
  optimizer: ModelRef;
  judge?: ModelRef;
  scorer?: ModelRef;
}
