/**
 * GEPA's candidate selection (Agrawal et al. 2025, "GEPA: Reflective Prompt Evolution Can Outperform Reinforcement
 * Learning", Alg. 2): per example, the candidates with the best score on it; candidates dominated by another
 * are dropped; the rest are sampled in proportion to the number of examples they are best on. A candidate that is
 * best on a single example stays in the front, so rare strategies survive.
 */
import type { Rng } from '../../random';

export interface ScoredOnExamples {
  id: number;
  /** Scores on the Pareto rows, in one fixed row order shared by every candidate. */
  scores: readonly number[];
}

export interface ParetoFront {
  /** Non-dominated candidates with the number of examples each is best on. */
  members: { id: number; wins: number }[];
}

/** True when `a` is at least as good as `b` on every example and better on one. */
export function dominates(a: readonly number[], b: readonly number[]): boolean {
  let better = false;
  for (let i = 0; i < a.length; i++) {
    if (a[i] < b[i]) return false;
    if (a[i] > b[i]) better = true;
  }
  return better;
}

export function paretoFront(pool: readonly ScoredOnExamples[]): ParetoFront {
  if (!pool.length) return { members: [] };
  const n = pool[0].scores.length;
  const wins = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const best = Math.max(...pool.map((c) => c.scores[i]));
    for (const c of pool) if (c.scores[i] === best) wins.set(c.id, (wins.get(c.id) ?? 0) + 1);
  }
  const front = pool.filter((c) => wins.has(c.id));
  const members = front
    .filter((c) => !front.some((d) => d !== c && dominates(d.scores, c.scores)))
    .map((c) => ({ id: c.id, wins: wins.get(c.id)! }));
  return { members };
}

/** One candidate from the front, with probability proportional to its wins (seeded). */
export function sampleFromFront(front: ParetoFront, rng: Rng): number {
  const total = front.members.reduce((s, m) => s + m.wins, 0);
  let pick = rng.next() * total;
  for (const m of front.members) {
    pick -= m.wins;
    if (pick < 0) return m.id;
  }
  return front.members[front.members.length - 1].id;
}
