/**
 * The job engine's public contract: consumed by the CLI, the extension host, the panel protocol and tests.
 * Every algorithm (APO, SPO, PMPO) runs on one engine and reports through these events.
 */
import type { ModelRef } from '../llm/types';
import type { EvaluationResult } from '../evaluators/types';

/** Every method's name; each has its Optimizer in src/core/optimizers/registry.ts (the type makes that complete). */
export const METHODS = ['apo', 'spo', 'pmpo', 'opro', 'capo', 'gepa'] as const;
export type Method = (typeof METHODS)[number];

export function isMethod(value: unknown): value is Method {
  return typeof value === 'string' && (METHODS as readonly string[]).includes(value);
}

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
  /** Calls per role (target, optimizer, judge, scorer), from the same formula. */
  byRole?: Partial<Record<'target' | 'optimizer' | 'judge' | 'scorer', number>>;
  /** Calls per phase of the plan (baseline, rounds, verification, held-out), in plain names. */
  phases?: { name: string; calls: number }[];
  /** Candidate prompts the plan proposes and scores. */
  proposals?: number;
  /** Calls (of `calls`) held back until the end to verify the winner and score it on held-out rows. */
  reserve?: number;
  /** The plan fitted to the budget, in plain words (set by the engine). */
  plan?: PlanSummary;
}

/** A method's plan after fitting it to the budget (src/core/optimizers/plan.ts). */
export interface PlanSummary {
  /** Plain-word lines: budget, what was changed from the defaults, calls per phase, candidates, warning. */
  lines: string[];
  proposals: number;
  reserve: number;
  /** True when some default was lowered to fit the budget. */
  fitted: boolean;
  /** e.g. "rounds 6→3". */
  changes: string[];
  affordableCalls?: number;
  /** Set when the budget affords fewer than 3 candidates or no plan fits (with the budget that would do). */
  warning?: string;
}

/**
 * Why a run ended. 'rounds-done': every planned round ran; 'converged': a round proposed nothing new;
 * 'no-errors': the best prompt made no errors left to learn from; 'budget': the budget (minus the verification
 * reserve) ran out; 'cancelled'; 'failed': an endpoint (or the job) failed. 'done' is what older run logs say.
 */
export type StopReason = 'rounds-done' | 'converged' | 'no-errors' | 'budget' | 'cancelled' | 'failed' | 'done';

/** One-line plain words for a stop reason. */
export function describeStopReason(reason: StopReason): string {
  switch (reason) {
    case 'rounds-done':
      return 'all planned rounds ran';
    case 'converged':
      return 'converged: a round proposed nothing new';
    case 'no-errors':
      return 'no errors left to learn from';
    case 'budget':
      return 'stopped at the budget';
    case 'cancelled':
      return 'cancelled';
    case 'failed':
      return 'endpoint failed';
    default:
      return 'done';
  }
}

export interface ExampleResult {
  rowIndex: number;
  input: Record<string, unknown>;
  expected?: string;
  output?: string;
  score: number;
  pass: boolean;
  evaluations?: EvaluationResult[];
  /** PMPO: this example's cross-entropy, −Σ log p over the target tokens (the paper's L_CE). */
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
  origin: {
    kind:
      | 'baseline'
      | 'edit'
      | 'paraphrase'
      | 'rewrite'
      | 'spo'
      | 'opro'
      | 'reflection'
      | 'merge'
      | 'crossover'
      | 'mutation';
    why?: string;
  };
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
  /** Why the run ended (see StopReason). */
  stopReason: StopReason;
  /** The stop reason in plain words, with detail (e.g. which limit). */
  stopMessage?: string;
  /**
   * The candidate the search preferred but could not verify (the run stopped before its re-score against the
   * baseline and its held-out score); `best` is then the baseline, so nothing unverified is applied.
   */
  unverified?: { id: number; score: number };
  /** Held-out rows scored (a seeded sample of `of` held-out rows). */
  heldOut?: { rows: number; of: number };
}

export interface Roles {
  target: ModelRef;
  optimizer: ModelRef;
  judge?: ModelRef;
  scorer?: ModelRef;
}

// ── Job inputs and the handle (added by the engine; everything above is unchanged) ──────────────────────────────

/** APO (ProTeGi) parameters; defaults in src/core/optimizers/defaults.ts (algorithms.md §2.7). */
export interface ApoParams {
  rounds: number;
  beamSize: number;
  minibatchSize: number;
  /** m: critique (gradient) calls per parent. */
  gradients: number;
  /** e: errors shown per critique call. */
  errorsPerGradient: number;
  /** g: reasons asked per critique call. */
  reasonsPerGradient: number;
  /** s: improved prompts asked per (reason) edit call. */
  editsPerGradient: number;
  /** p_mc: paraphrase calls per new prompt and per parent. */
  paraphrases: number;
  /** E: successors kept per parent before selection. */
  maxSuccessors: number;
  selection: 'ucb' | 'ucb-e' | 'sr' | 'sh' | 'bf';
  samplesPerEval: number;
  evalRounds: number;
  evalPromptsPerRound: number;
  ucbC: number;
  /** Baseline and final winner are scored on all train rows, or on a seeded sample of this many for large sets. */
  scoreSample: number;
  /** Keep the E successors that score best on the parent's errors instead of E random ones (ProTeGi --reject_on_errors). */
  rejectOnErrors: boolean;
  optimizerTemperature: number;
  targetTemperature: number;
  /** Held-out rows scored at the end: a seeded sample of this many (calls must not grow with the data). */
  heldOutSample: number;
}

/** SPO parameters (algorithms.md §3.5). `rounds` counts round 1 (the baseline). */
export interface SpoParams {
  rounds: number;
  questions: number;
  judgments: number;
  /** Put the new answers in slot A in exactly half of the judgments (seeded order) instead of a coin flip each. */
  balancedJudging: boolean;
  /** Word limit for the new prompt; 0 = none. */
  wordLimit: number;
  optimizerTemperature: number;
  judgeTemperature: number;
  targetTemperature: number;
  /** Held-out rows scored at the end: a seeded sample of this many. */
  heldOutSample: number;
}

/** PMPO parameters (algorithms.md §4.6). `rounds` = iterations T_max. */
export interface PmpoParams {
  rounds: number;
  hardExamples: number;
  variantsPerExample: number;
  maxSegments: number;
  beta: number;
  maxTrain: number;
  rewriteTemperature: number;
  rewriteTopP: number;
  /** 'auto' = preference when rows carry chosen/rejected, else cross-entropy on `expected`. */
  objective: 'auto' | 'ce' | 'preference';
  /** The paper's rewriter for large optimizer models ('full') or its compact fill-in form for small ones. */
  rewriter: 'full' | 'compact';
  /**
   * On an OpenAI-compatible server without chat-template scoring, accept scoring in a plain `Role: content` text
   * (an approximation of the context the model generates in). Off: PMPO refuses such a server.
   */
  plainTextScoring: boolean;
  /** Held-out rows scored at the end: a seeded sample of this many. */
  heldOutSample: number;
}

/** Every method's parameters in one bag (the CLI's --rounds maps to `rounds` for all three). */
export type MethodParams = ApoParams & SpoParams & PmpoParams;

export interface JobSpec {
  method: Method;
  doc: import('../documents/types').PromptDocument;
  rows: import('../data/types').DatasetRow[];
  evaluators: import('../evaluators/types').EvaluatorSpec[];
  roles: Roles;
  llm: import('../llm/types').LlmClient;
  /** Overrides of the method's defaults; keys of other methods are ignored, wrong types are a JobInputError. */
  params?: Partial<MethodParams> | Record<string, unknown>;
  preset?: 'default' | 'quick';
  budget: Budget;
  seed: number;
  /** Held-out fraction (default 0.25 with ≥ 8 rows, else none) and its shuffle seed (default: `seed`). */
  split?: { validation?: number; seed?: number };
  /** Root of the run store, e.g. `<workspace>/.whetstone/runs`. */
  runsDir: string;
  fs: import('../ports').FileSystemPort;
  /** Workspace trust: custom code evaluators run only when true. */
  trusted: boolean;
  resumeRunId?: string;
  /** SPO requirements (default: doc.settings.requirements). */
  requirements?: string;
  /** Literal substrings or `/regex/` every candidate must keep (default: doc.settings.protected). */
  protected?: string[];
  /** Concurrent LLM calls the engine issues at once (default 8); the client still applies its own per-endpoint limit. */
  concurrency?: number;
  /**
   * Send the target's calls through the provider's batch API (the client must have batching on). They are not
   * bounded by `concurrency`, so all the target calls issued together (a round's scoring) leave as one batch.
   */
  batch?: boolean;
}

export type JobListener = (event: JobEvent) => void;

export interface JobHandle {
  runId: string;
  /** The run log file (`<runsDir>/<prompt-name>/<runId>.jsonl`). */
  file: string;
  events: {
    /** Subscribe; returns an unsubscribe function. Events already emitted are replayed to a late subscriber. */
    on(listener: JobListener): () => void;
    [Symbol.asyncIterator](): AsyncIterator<JobEvent>;
  };
  /** Resolves with the result (also for budget stops and cancellation); rejects with JobInputError on bad input. */
  result: Promise<JobResult>;
  /** Aborts in-flight calls and stops with the best so far (stopReason 'cancelled'). */
  cancel(): void;
}

/** The job cannot start: the message says what to add (the CLI maps it to exit 2). */
export class JobInputError extends Error {
  constructor(
    message: string,
    readonly code:
      'no-expected' | 'no-requirements' | 'no-scorer' | 'no-rows' | 'no-region' | 'bad-params' | 'bad-resume',
  ) {
    super(message);
    this.name = 'JobInputError';
  }
}
