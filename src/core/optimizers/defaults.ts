/**
 * Paper/reference defaults for every method, in one place (algorithms.md §2.7, §3.5, §4.6), plus a 'quick' preset
 * for small budgets. A job's parameters = preset over defaults, then the user's overrides.
 */
import type { ApoParams, MethodParams, PmpoParams, SpoParams } from '../jobs/types';
import { OPRO_PARAMS } from './opro';
import { CAPO_PARAMS } from './capo';
import { GEPA_PARAMS } from './gepa';

/** The methods whose parameters are declared here (the newer ones each declare theirs in their own folder). */
type ClassicMethod = 'apo' | 'spo' | 'pmpo';
/** Keys of every method: a shared `params` bag may hold any of them. */
const OTHER_METHODS_KEYS = [OPRO_PARAMS, CAPO_PARAMS, GEPA_PARAMS].flatMap((p) => Object.keys(p.defaults));
import { JobInputError } from '../jobs/types';

export const APO_DEFAULTS: ApoParams = {
  rounds: 6,
  beamSize: 4,
  minibatchSize: 64,
  gradients: 4,
  errorsPerGradient: 4,
  reasonsPerGradient: 1,
  editsPerGradient: 1,
  paraphrases: 2,
  maxSuccessors: 8,
  // The reference code defaults to brute force; its README and the paper's comparison favour UCB.
  selection: 'ucb',
  samplesPerEval: 32,
  evalRounds: 8,
  evalPromptsPerRound: 8,
  ucbC: 1.0,
  // Ours (the reference skips round-0 scoring): enough rows for a stable baseline without paying for a huge train set.
  scoreSample: 200,
  rejectOnErrors: false,
  optimizerTemperature: 0.7,
  targetTemperature: 0,
  // Ours: the reference scores a fixed n_test=400 test rows; a seeded sample keeps calls flat in the data's size.
  heldOutSample: 200,
};

export const SPO_DEFAULTS: SpoParams = {
  rounds: 10,
  questions: 3,
  judgments: 4,
  balancedJudging: false,
  wordLimit: 0,
  optimizerTemperature: 0.7,
  judgeTemperature: 0.3,
  targetTemperature: 0,
  heldOutSample: 100,
};

export const PMPO_DEFAULTS: PmpoParams = {
  rounds: 20,
  hardExamples: 3,
  variantsPerExample: 4,
  maxSegments: 5,
  beta: 1,
  maxTrain: 50,
  // Not stated in the paper; our choice (algorithms.md §4.6).
  rewriteTemperature: 0.8,
  rewriteTopP: 0.95,
  objective: 'auto',
  rewriter: 'full',
  plainTextScoring: false,
  // Ours, like the training cap: held-out rows scored on a seeded sample.
  heldOutSample: 100,
};

/** Small-budget preset: same algorithms, fewer rounds and samples. */
export const QUICK: { apo: Partial<ApoParams>; spo: Partial<SpoParams>; pmpo: Partial<PmpoParams> } = {
  apo: {
    rounds: 3,
    beamSize: 2,
    minibatchSize: 16,
    gradients: 2,
    errorsPerGradient: 3,
    paraphrases: 1,
    maxSuccessors: 4,
    samplesPerEval: 8,
    evalRounds: 4,
    evalPromptsPerRound: 4,
  },
  spo: { rounds: 5, questions: 3, judgments: 4 },
  pmpo: { rounds: 4, hardExamples: 2, variantsPerExample: 2, maxSegments: 3, maxTrain: 30 },
};

export function defaultsFor(method: ClassicMethod): ApoParams | SpoParams | PmpoParams {
  return method === 'apo' ? APO_DEFAULTS : method === 'spo' ? SPO_DEFAULTS : PMPO_DEFAULTS;
}

/** Resolve a method's parameters; unknown keys or wrong types are a JobInputError naming the key. */
export function resolveParams<M extends ClassicMethod>(
  method: M,
  preset: 'default' | 'quick' | undefined,
  overrides: Partial<MethodParams> | undefined,
): M extends 'apo' ? ApoParams : M extends 'spo' ? SpoParams : PmpoParams {
  const base = { ...defaultsFor(method), ...(preset === 'quick' ? QUICK[method] : {}) } as Record<string, unknown>;
  const known = new Set([
    ...Object.keys(APO_DEFAULTS),
    ...Object.keys(SPO_DEFAULTS),
    ...Object.keys(PMPO_DEFAULTS),
    ...OTHER_METHODS_KEYS,
  ]);
  for (const [key, value] of Object.entries(overrides ?? {})) {
    if (value === undefined) continue;
    if (!known.has(key)) {
      throw new JobInputError(
        `unknown parameter ${key}; ${method.toUpperCase()} takes ${Object.keys(base).join(', ')}`,
        'bad-params',
      );
    }
    if (!(key in base)) continue; // a shared bag: keys of other methods are ignored
    const expected = typeof base[key];
    if (typeof value !== expected) {
      throw new JobInputError(`parameter ${key} must be a ${expected}, got ${JSON.stringify(value)}`, 'bad-params');
    }
    if (expected === 'number' && (!Number.isFinite(value as number) || (value as number) < 0)) {
      throw new JobInputError(`parameter ${key} must be a non-negative number, got ${String(value)}`, 'bad-params');
    }
    base[key] = value;
  }
  if (method === 'apo' && !['ucb', 'ucb-e', 'sr', 'sh', 'bf'].includes(base.selection as string)) {
    throw new JobInputError(
      `parameter selection must be one of ucb, ucb-e, sr, sh, bf (got ${String(base.selection)})`,
      'bad-params',
    );
  }
  if (method === 'pmpo' && !['full', 'compact'].includes(base.rewriter as string)) {
    throw new JobInputError(`parameter rewriter must be full or compact (got ${String(base.rewriter)})`, 'bad-params');
  }
  if (method === 'pmpo' && !['auto', 'ce', 'preference'].includes(base.objective as string)) {
    throw new JobInputError(
      `parameter objective must be auto, ce or preference (got ${String(base.objective)})`,
      'bad-params',
    );
  }
  for (const key of ['rounds', 'beamSize', 'questions', 'judgments', 'hardExamples', 'variantsPerExample']) {
    if (key in base && (base[key] as number) < 1)
      throw new JobInputError(`parameter ${key} must be at least 1`, 'bad-params');
  }
  return base as never;
}
