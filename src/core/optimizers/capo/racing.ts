/**
 * CAPO's racing (Zehle et al. 2025, "CAPO: Cost-Aware Prompt Optimization", after irace): every contender is scored
 * block by block on the same rows; after each block, a contender that at least `keep` others beat significantly is
 * eliminated, so a clear loser costs a block or two instead of the whole set. Significance: a one-sided exact sign
 * test on the paired per-row scores seen so far (ours; assumption-free for 0/1 and graded scores alike).
 */

export interface RaceOptions {
  contenders: number[];
  /** Row blocks in the order they are raced. */
  blocks: number[][];
  keep: number;
  alpha: number;
  /** Per-row scores of one contender on some rows, in the order given. */
  evaluate(id: number, rows: number[]): Promise<number[]>;
}

export interface RaceResult {
  /** Contenders still in the race at the end, best mean first. */
  survivors: number[];
  /** Rows each contender was scored on. */
  rowsSeen: Map<number, number>;
  /** Block (1-based) after which each eliminated contender left. */
  eliminatedAfter: Map<number, number>;
  means: Map<number, number>;
}

/** P(X ≥ wins) for X ~ Binomial(n, 1/2): how likely `wins` of n untied pairs are if neither is better. */
export function signTestP(wins: number, n: number): number {
  if (n === 0) return 1;
  let p = 0;
  let term = Math.pow(0.5, n); // C(n, 0) / 2^n
  for (let k = 0; k <= n; k++) {
    if (k >= wins) p += term;
    term = (term * (n - k)) / (k + 1);
  }
  return Math.min(1, p);
}

/** Whether `a` beats `b` significantly on paired scores. */
export function significantlyBetter(a: readonly number[], b: readonly number[], alpha: number): boolean {
  let wins = 0;
  let losses = 0;
  for (let i = 0; i < a.length; i++) {
    if (a[i] > b[i]) wins++;
    else if (a[i] < b[i]) losses++;
  }
  return wins > losses && signTestP(wins, wins + losses) < alpha;
}

export async function race(opts: RaceOptions): Promise<RaceResult> {
  const scores = new Map<number, number[]>(opts.contenders.map((id) => [id, []]));
  const eliminatedAfter = new Map<number, number>();
  let alive = [...opts.contenders];
  for (let b = 0; b < opts.blocks.length && alive.length > opts.keep; b++) {
    const results = await Promise.all(alive.map((id) => opts.evaluate(id, opts.blocks[b])));
    alive.forEach((id, i) => scores.get(id)!.push(...results[i]));
    const out = alive.filter(
      (c) =>
        alive.filter((d) => d !== c && significantlyBetter(scores.get(d)!, scores.get(c)!, opts.alpha)).length >=
        opts.keep,
    );
    for (const id of out) eliminatedAfter.set(id, b + 1);
    alive = alive.filter((id) => !out.includes(id));
  }
  const means = new Map([...scores].map(([id, s]) => [id, s.length ? s.reduce((x, y) => x + y, 0) / s.length : 0]));
  const survivors = alive.sort((a, b) => means.get(b)! - means.get(a)! || a - b);
  return { survivors, rowsSeen: new Map([...scores].map(([id, s]) => [id, s.length])), eliminatedAfter, means };
}
