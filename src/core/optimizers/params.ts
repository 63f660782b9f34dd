/**
 * Parameters of a method that lives in its own folder: its defaults, a 'quick' preset, the user's overrides checked
 * by type (keys that belong to other methods are ignored: the sidecar's `params` is one bag for every method).
 */
import { JobInputError } from '../jobs/types';

export interface ParamsSpec<P> {
  method: string;
  defaults: P;
  quick: Partial<P>;
  /** A problem with a resolved value (e.g. "at least 1"), named by key. */
  check?(params: P): string | undefined;
}

export function resolveOwnParams<P extends object>(
  spec: ParamsSpec<P>,
  preset: 'default' | 'quick' | undefined,
  overrides: Record<string, unknown> | undefined,
): P {
  const out = { ...spec.defaults, ...(preset === 'quick' ? spec.quick : {}) } as Record<string, unknown>;
  for (const [key, value] of Object.entries(overrides ?? {})) {
    if (value === undefined || !(key in out)) continue;
    const expected = typeof out[key];
    if (typeof value !== expected)
      throw new JobInputError(`parameter ${key} must be a ${expected}, got ${JSON.stringify(value)}`, 'bad-params');
    if (expected === 'number' && (!Number.isFinite(value as number) || (value as number) < 0))
      throw new JobInputError(`parameter ${key} must be a non-negative number, got ${String(value)}`, 'bad-params');
    out[key] = value;
  }
  const problem = spec.check?.(out as P);
  if (problem) throw new JobInputError(`${spec.method.toUpperCase()}: ${problem}`, 'bad-params');
  return out as P;
}

/** The usual check: these counts must be at least 1. */
export function atLeastOne<P>(...keys: (keyof P & string)[]): (params: P) => string | undefined {
  return (params) => {
    const bad = keys.find((k) => (params[k] as unknown as number) < 1);
    return bad ? `parameter ${bad} must be at least 1` : undefined;
  };
}
