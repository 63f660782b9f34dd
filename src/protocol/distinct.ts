/**
 * Distinct candidates: prompts that differ only in whitespace are one candidate to the user, so the panel shows one
 * row per text (keeping where the duplicates came from) and "Next candidate" steps through texts, not ids.
 */
import type { CandidateUsage } from '../core/jobs/types';
import type { CandidateView } from './views';

/** Two prompts are the same candidate when they differ only in whitespace. */
export function distinctKey(prompt: string): string {
  return prompt.replace(/\s+/g, ' ').trim();
}

/** Where a duplicate came from: its own id, round and parent. */
export interface DuplicateOrigin {
  id: number;
  round: number;
  parent: number | null;
}

export interface DistinctCandidate {
  /** The row's representative: the baseline, else the run's best, else the highest-scored, else the first proposed. */
  candidate: CandidateView;
  /** The other candidates with the same text, in id order. */
  duplicates: DuplicateOrigin[];
  /** Everything spent scoring the text, summed over the representative and its duplicates. */
  tokens: number;
  /** null when some call's price is unknown. */
  costUsd: number | null;
  /** Undefined when no member's log records calls (older run logs). */
  usage?: CandidateUsage;
}

function representative(members: CandidateView[], bestId: number | undefined): CandidateView {
  const pick =
    members.find((c) => c.id === 0) ??
    members.find((c) => c.id === bestId) ??
    members
      .filter((c) => c.status !== 'rejected' && c.score !== undefined)
      .sort((a, b) => (b.score as number) - (a.score as number) || a.id - b.id)[0];
  return pick ?? members[0];
}

function sumUsage(members: CandidateView[]): CandidateUsage | undefined {
  const known = members.filter((c) => c.usage);
  if (known.length === 0) return undefined;
  return known.reduce<CandidateUsage>(
    (sum, c) => {
      const u = c.usage as CandidateUsage;
      return {
        calls: sum.calls + u.calls,
        cachedCalls: sum.cachedCalls + u.cachedCalls,
        promptTokens: sum.promptTokens + u.promptTokens,
        completionTokens: sum.completionTokens + u.completionTokens,
      };
    },
    { calls: 0, cachedCalls: 0, promptTokens: 0, completionTokens: 0 },
  );
}

/** One entry per distinct text, in the order the texts were first proposed. */
export function distinctCandidates(candidates: readonly CandidateView[], bestId?: number): DistinctCandidate[] {
  const groups = new Map<string, CandidateView[]>();
  for (const c of [...candidates].sort((a, b) => a.id - b.id)) {
    const key = distinctKey(c.prompt);
    const group = groups.get(key);
    if (group) group.push(c);
    else groups.set(key, [c]);
  }
  return [...groups.values()].map((members) => {
    const candidate = representative(members, bestId);
    return {
      candidate,
      duplicates: members.filter((c) => c !== candidate).map((c) => ({ id: c.id, round: c.round, parent: c.parent })),
      tokens: members.reduce((sum, c) => sum + c.tokens, 0),
      costUsd: members.some((c) => c.costUsd === null) ? null : members.reduce((sum, c) => sum + (c.costUsd ?? 0), 0),
      usage: sumUsage(members),
    };
  });
}

const ids = (list: readonly number[]) => list.map((id) => `#${id}`).join(', ');
const unique = (list: readonly number[]) => [...new Set(list)].sort((a, b) => a - b);

/** "also proposed as #12, #40 in rounds 2, 3 (from #3, #7)", or undefined for a text proposed once. */
export function lineageText(d: Pick<DistinctCandidate, 'duplicates'>): string | undefined {
  if (d.duplicates.length === 0) return undefined;
  const rounds = unique(d.duplicates.map((x) => x.round));
  const parents = unique(d.duplicates.flatMap((x) => (x.parent === null ? [] : [x.parent])));
  return (
    `also proposed as ${ids(d.duplicates.map((x) => x.id))} in round${rounds.length === 1 ? '' : 's'} ${rounds.join(', ')}` +
    (parents.length ? ` (from ${ids(parents)})` : '')
  );
}

/** The distinct entry holding candidate `id` (as representative or duplicate). */
export function distinctEntryOf(list: readonly DistinctCandidate[], id: number): DistinctCandidate | undefined {
  return list.find((d) => d.candidate.id === id || d.duplicates.some((x) => x.id === id));
}
