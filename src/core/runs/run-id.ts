/**
 * The one shape a run id may have, checked wherever an id arrives from outside (CLI `runs show` / `--resume`, host
 * commands, webview messages) before it becomes part of a path. Pure (no Node), so the protocol can share it.
 */

/** Lowercase letters and digits in dash-separated words, at most 64 characters: no dots, slashes, NUL or escapes. */
export const RUN_ID_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
export const RUN_ID_MAX = 64;

export function isValidRunId(value: unknown): value is string {
  return typeof value === 'string' && value.length <= RUN_ID_MAX && RUN_ID_PATTERN.test(value);
}

/** Thrown when a run id (or a path built from one) is refused. */
export class RunIdError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RunIdError';
  }
}

/** A printable form of a refused id for error messages (control characters escaped, long ids cut). */
export function describeRunId(value: unknown): string {
  const text = typeof value === 'string' ? value : String(value);
  const shown = JSON.stringify(text.length > 80 ? `${text.slice(0, 77)}...` : text);
  return shown;
}

export function assertRunId(value: unknown): string {
  if (!isValidRunId(value)) {
    throw new RunIdError(
      `not a run id: ${describeRunId(value)} (run ids are lowercase letters, digits and dashes, as \`whetstone runs list\` shows them)`,
    );
  }
  return value;
}
