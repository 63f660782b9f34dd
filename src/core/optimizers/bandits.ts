/**
 * Best-arm identification over candidate prompts under an example budget (ProTeGi selection, algorithms.md §2.6).
 * Arms are pulled on shared example samples; `pull` is memoized by the caller, so re-pulling an (arm, example) is free.
 * Fixes over the reference code: successive rejects ranks on cumulative means and sizes its phases over all arms;
 * successive halving drops the bottom half
 * but never goes below `keep`; ties break by arm order (stable), never by set order.
 */
import type { Rng } from '../random';

export type SelectionKind = 'ucb' | 'ucb-e' | 'sr' | 'sh' | 'bf';

export interface BanditOptions {
  kind: SelectionKind;
  arms: number;
  /** Candidate example indices (the train rows). */
  rows: number[];
  /** Arms to identify (the beam size). */
  keep: number;
  samplesPerEval: number;
  evalRounds: number;
  evalPromptsPerRound: number;
  c: number;
  rng: Rng;
  /** Scores of `arm` on `rows`, in row order. */
  pull(arm: number, rows: number[]): Promise<number[]>;
}

export interface BanditResult {
  /** Empirical mean per arm (0 for an arm never pulled). */
  means: number[];
  counts: number[];
  /** Arms best first: for SR/SH the survivors by mean, then the eliminated ones, latest eliminated first. */
  ranking: number[];
}

export async function selectArms(o: BanditOptions): Promise<BanditResult> {
  const sums = new Array<number>(o.arms).fill(0);
  const counts = new Array<number>(o.arms).fill(0);
  const mean = (a: number) => (counts[a] ? sums[a] / counts[a] : 0);
  const sample = (n: number) => o.rng.shuffle(o.rows).slice(0, Math.max(0, Math.min(n, o.rows.length)));
  const pullAll = async (arms: number[], rows: number[]) => {
    const scores = await Promise.all(arms.map((a) => o.pull(a, rows)));
    arms.forEach((a, i) => {
      for (const s of scores[i]) sums[a] += s;
      counts[a] += scores[i].length;
    });
  };
  const byMeanDesc = (arms: number[]) => arms.slice().sort((x, y) => mean(y) - mean(x) || x - y);
  const all = [...Array(o.arms).keys()];
  const budget = o.samplesPerEval * o.evalRounds * o.evalPromptsPerRound;
  const eliminated: number[] = [];

  switch (o.kind) {
    case 'bf': {
      await pullAll(all, sample(Math.floor(budget / Math.max(1, o.arms))));
      break;
    }
    case 'ucb':
    case 'ucb-e': {
      for (let t = 0; t < o.evalRounds; t++) {
        const k = Math.min(o.evalPromptsPerRound, o.arms);
        let chosen: number[];
        if (t === 0) chosen = o.rng.shuffle(all).slice(0, k);
        else {
          const index = (a: number) =>
            mean(a) +
            (o.kind === 'ucb'
              ? o.c * Math.sqrt(Math.log(t) / (counts[a] + 1e-3))
              : o.c * Math.sqrt(o.c / (counts[a] + 1e-3)));
          chosen = all
            .slice()
            .sort((x, y) => index(y) - index(x) || x - y)
            .slice(0, k);
        }
        await pullAll(
          chosen.sort((x, y) => x - y),
          sample(o.samplesPerEval),
        );
      }
      break;
    }
    case 'sr': {
      // Audibert et al. over all |C| arms (the reference code uses K = |C| − b in the formula, which overspends B).
      const K = o.arms;
      let logbar = 0.5;
      for (let i = 2; i <= K; i++) logbar += 1 / i;
      let survivors = all.slice();
      let previous = 0;
      for (let k = 1; k < K && survivors.length > o.keep; k++) {
        const target = Math.ceil((budget - K) / (logbar * (K + 1 - k)));
        await pullAll(survivors, sample(Math.max(4, target - previous)));
        previous = target;
        const ranked = byMeanDesc(survivors);
        eliminated.push(ranked[ranked.length - 1]);
        survivors = ranked.slice(0, ranked.length - 1).sort((x, y) => x - y);
      }
      break;
    }
    case 'sh': {
      const rounds = Math.max(1, Math.ceil(Math.log2(Math.max(2, o.arms))));
      let survivors = all.slice();
      for (let r = 0; r < rounds && survivors.length > o.keep; r++) {
        await pullAll(survivors, sample(Math.max(1, Math.floor(budget / (survivors.length * rounds)))));
        const ranked = byMeanDesc(survivors);
        const kept = Math.max(o.keep, Math.ceil(survivors.length / 2));
        eliminated.push(...ranked.slice(kept).reverse());
        survivors = ranked.slice(0, kept).sort((x, y) => x - y);
      }
      break;
    }
  }
  const out = new Set(eliminated);
  const ranking = [...byMeanDesc(all.filter((a) => !out.has(a))), ...eliminated.slice().reverse()];
  return { means: all.map(mean), counts, ranking };
}
