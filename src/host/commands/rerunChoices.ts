/**
 * The two choices of Re-run, in plain words: the same seed (its answers come back from the response cache, so a
 * finished run repeats for free with the same result) or a new seed (new calls, which may find a different prompt).
 * Pure — no vscode import — so the wording is unit-tested.
 */
export type SeedChoice = 'same' | 'new';

/** Why a same-seed re-run would or would not come entirely from the cache. */
export type CacheReuse = 'free' | 'prompt-changed' | 'cache-off' | 'unfinished';

export interface RerunChoice {
  choice: SeedChoice;
  seed: number;
  label: string;
  description: string;
  detail: string;
}

/** Decides how much of a same-seed re-run the response cache can answer. */
export function cacheReuse(opts: { finished: boolean; promptUnchanged: boolean; cacheEnabled: boolean }): CacheReuse {
  if (!opts.cacheEnabled) return 'cache-off';
  if (!opts.promptUnchanged) return 'prompt-changed';
  return opts.finished ? 'free' : 'unfinished';
}

/** A seed no earlier run of this prompt used, so a new-seed re-run cannot be answered from the cache. */
export function nextSeed(usedSeeds: readonly number[]): number {
  return usedSeeds.length ? Math.max(...usedSeeds) + 1 : 1;
}

const SAME_DETAIL: Record<CacheReuse, string> = {
  free: 'Reuses the cached answers — free, same result',
  'prompt-changed': 'The prompt changed since this run, so most answers are not in the cache and are asked again',
  'cache-off': 'The response cache is off (setting Whetstone › Cache: Enabled), so every call is made again',
  unfinished: 'Reuses the cached answers of this run; it stopped early, so the re-run may go on with new calls',
};

/** The quick pick's rows; `estimate` is the pre-run estimate of a full run ("est. 240 calls ≈ $0.03"), if known. */
export function rerunChoices(opts: {
  previousSeed: number;
  newSeed: number;
  reuse: CacheReuse;
  estimate?: string;
}): [RerunChoice, RerunChoice] {
  const cost = opts.estimate ? ` (${opts.estimate})` : '';
  return [
    {
      choice: 'same',
      seed: opts.previousSeed,
      label: 'Re-run with the same seed',
      description: `seed ${opts.previousSeed}`,
      detail: `${SAME_DETAIL[opts.reuse]}${opts.reuse === 'free' ? '' : cost}.`,
    },
    {
      choice: 'new',
      seed: opts.newSeed,
      label: 'Re-run with a new seed',
      description: `seed ${opts.newSeed}`,
      // Seedless calls (the target's answers to an unchanged prompt) still come from the cache: the estimate is a ceiling.
      detail: `New calls, may find a different prompt${opts.estimate ? ` (${opts.estimate}; answers already in the cache are free)` : ''}.`,
    },
  ];
}
