/** The CLI contract's exit codes (DESIGN.md), carried by the error that ends a command. */
export const EXIT = { ok: 0, failures: 1, usage: 2, endpoint: 3 } as const;

export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

export const usageError = (message: string) => new CliError(message, EXIT.usage);
