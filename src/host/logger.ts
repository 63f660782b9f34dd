/** The "Whetstone" log channel. Every line passes through `redact`, so a key never reaches the log. */
import type * as vscode from 'vscode';
import { redactUrlSecrets } from '../core/redact-urls';

const KEY_LIKE = /\b(sk-[A-Za-z0-9_-]{8,}|Bearer\s+[A-Za-z0-9._~+/=-]{8,})/g;

export function redact(text: string, secrets: Iterable<string>): string {
  let out = text;
  for (const s of secrets) if (s.length >= 4) out = out.split(s).join('***');
  return redactUrlSecrets(out).replace(KEY_LIKE, (m) => (m.startsWith('Bearer') ? 'Bearer ***' : 'sk-***'));
}

export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string, error?: unknown): void;
  debug(message: string): void;
  show(): void;
}

export function createLogger(channel: vscode.LogOutputChannel, secrets: () => Iterable<string>): Logger {
  const clean = (m: string) => redact(m, secrets());
  return {
    info: (m) => channel.info(clean(m)),
    warn: (m) => channel.warn(clean(m)),
    debug: (m) => channel.debug(clean(m)),
    error: (m, e) =>
      channel.error(clean(e === undefined ? m : `${m}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`)),
    show: () => channel.show(true),
  };
}
