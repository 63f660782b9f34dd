// Number and time formatting for the panel (fixed, locale-independent, so tests and screenshots are stable).

export const DASH = '—';

export function formatScore(score: number | undefined): string {
  return score === undefined || !Number.isFinite(score) ? DASH : score.toFixed(2);
}

export function formatDelta(delta: number | undefined): string {
  if (delta === undefined || !Number.isFinite(delta)) return DASH;
  const fixed = delta.toFixed(2);
  return delta > 0 ? `+${fixed}` : delta < 0 ? fixed.replace('-', '−') : '±0.00';
}

export function formatCost(usd: number | null | undefined): string {
  if (usd === null || usd === undefined) return '$?';
  if (usd === 0) return '$0';
  return usd < 0.01 ? `$${usd.toFixed(4)}` : `$${usd.toFixed(2)}`;
}

/** A cost where an unknown price reads "—" (a per-candidate cell; the budget line says "$?"). */
export function formatKnownCost(usd: number | null | undefined): string {
  return usd === null || usd === undefined ? DASH : formatCost(usd);
}

export function formatCount(n: number | undefined): string {
  if (n === undefined) return DASH;
  return String(Math.round(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** "2026-11-27 10:14" from an ISO time, in UTC so it does not depend on the machine's zone. */
export function formatTime(iso: string): string {
  const match = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})/.exec(iso);
  return match ? `${match[1]} ${match[2]}` : iso;
}

/** An example's input as "name: value" lines, minus keys shown in their own column (e.g. `expected`). */
export function formatInput(input: Record<string, unknown>, omit: readonly string[] = []): string {
  return Object.entries(input)
    .filter(([key]) => !omit.includes(key))
    .map(([key, value]) => `${key}: ${typeof value === 'string' ? value : JSON.stringify(value)}`)
    .join('\n');
}
