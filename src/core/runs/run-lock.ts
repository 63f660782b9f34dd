/**
 * One writer per run: an exclusive lock file `<run>.jsonl.lock` created with O_EXCL, holding the writer's pid, host
 * and a token. A lock is stale (and taken over) when its process is gone on this host, when it was not refreshed for
 * STALE_MS (the writer refreshes it with every heartbeat; covers other hosts and reused pids), or when it is
 * unreadable and old. Breaking a stale lock is itself guarded by an O_EXCL `.break` file, so two processes that both
 * see the same stale lock cannot both take it.
 *
 * Not proper-lockfile: its staleness is by mtime alone, so a resume right after a crash would wait out the stale
 * period; the pid tells at once that the writer is gone.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, statSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import * as path from 'node:path';
import { processAlive } from './store';

/** A lock not refreshed for this long is stale (three missed heartbeats, as for run status). */
export const LOCK_STALE_MS = 45_000;
/** An unreadable lock (its writer died between create and write) or a `.break` file older than this is stale. */
const UNREADABLE_STALE_MS = 5_000;

interface Holder {
  pid: number;
  host: string;
  at: string;
  token: string;
}

export class RunLockedError extends Error {
  constructor(
    message: string,
    readonly holder?: Holder,
  ) {
    super(message);
    this.name = 'RunLockedError';
  }
}

export interface RunLock {
  readonly file: string;
  /** Marks the lock as fresh (call with every heartbeat). */
  refresh(): void;
  /** Removes the lock if it is still ours. */
  release(): void;
}

export interface LockOptions {
  now?: () => number;
  alive?: (pid: number) => boolean;
}

export function lockPathFor(runFile: string): string {
  return `${runFile}.lock`;
}

export function acquireRunLock(runFile: string, opts: LockOptions = {}): RunLock {
  const now = opts.now ?? Date.now;
  const alive = opts.alive ?? processAlive;
  const file = lockPathFor(runFile);
  mkdirSync(path.dirname(file), { recursive: true });
  const me: Holder = { pid: process.pid, host: hostname(), at: new Date(now()).toISOString(), token: newToken() };
  for (let attempt = 0; ; attempt++) {
    if (tryCreate(file, JSON.stringify(me))) return ownLock(file, me.token);
    const seen = readLock(file);
    if (seen === undefined) continue; // released between our create and read: try again
    if (!isStale(seen, now(), alive) || attempt >= 2) throw lockedError(runFile, seen.holder);
    breakStaleLock(file, seen.text, now());
  }
}

function ownLock(file: string, token: string): RunLock {
  let released = false;
  return {
    file,
    refresh() {
      if (released) return;
      const t = new Date();
      try {
        utimesSync(file, t, t);
      } catch {
        // Gone (someone broke it after we stalled past LOCK_STALE_MS): the writer keeps going; nothing to refresh.
      }
    },
    release() {
      if (released) return;
      released = true;
      const seen = readLock(file);
      if (seen?.holder?.token === token) unlinkQuietly(file);
    },
  };
}

function tryCreate(file: string, text: string): boolean {
  try {
    writeFileSync(file, text, { flag: 'wx' });
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

interface Seen {
  text: string;
  holder?: Holder;
  mtimeMs: number;
}

function readLock(file: string): Seen | undefined {
  try {
    const text = readFileSync(file, 'utf8');
    const { mtimeMs } = statSync(file);
    return { text, holder: parseHolder(text), mtimeMs };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

function parseHolder(text: string): Holder | undefined {
  try {
    const value = JSON.parse(text) as Partial<Holder>;
    if (typeof value.pid === 'number' && typeof value.host === 'string' && typeof value.token === 'string')
      return value as Holder;
  } catch {
    // unreadable: judged by age alone
  }
  return undefined;
}

function isStale(seen: Seen, now: number, alive: (pid: number) => boolean): boolean {
  const age = now - seen.mtimeMs;
  if (!seen.holder) return age > UNREADABLE_STALE_MS;
  if (seen.holder.host === hostname() && !alive(seen.holder.pid)) return true;
  return age > LOCK_STALE_MS;
}

/** Removes the stale lock whose text we read, unless someone replaced it meanwhile. */
function breakStaleLock(file: string, staleText: string, now: number): void {
  const guard = `${file}.break`;
  if (!tryCreate(guard, String(process.pid))) {
    // Another process is breaking it; a guard left by a crash in that tiny window expires.
    try {
      if (now - statSync(guard).mtimeMs > UNREADABLE_STALE_MS) unlinkQuietly(guard);
    } catch {
      // gone already
    }
    return;
  }
  try {
    const current = readLock(file);
    if (current && current.text === staleText) unlinkQuietly(file);
  } finally {
    unlinkQuietly(guard);
  }
}

function lockedError(runFile: string, holder: Holder | undefined): RunLockedError {
  const who = holder
    ? `process ${holder.pid}${holder.host === hostname() ? '' : ` on ${holder.host}`} (since ${holder.at})`
    : 'another process';
  return new RunLockedError(
    `run ${path.basename(runFile, '.jsonl')} is being written by ${who}; only one process may write a run — ` +
      `wait for it to finish or stop it, then resume`,
    holder,
  );
}

const newToken = () => randomBytes(8).toString('hex');

function unlinkQuietly(file: string): void {
  try {
    unlinkSync(file);
  } catch {
    // already gone
  }
}
