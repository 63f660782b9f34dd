/**
 * The run store: one append-only JSONL file per run. Lines are appended in order through one queue per file, so a
 * crash leaves a valid prefix (at most a torn last line, which readers skip).
 */
import { realpathSync } from 'node:fs';
import * as path from 'node:path';
import { nodeFileSystem } from '../node-file-system';
import { redactUrlSecrets } from '../redact-urls';
import { assertRunId, RunIdError } from './run-id';
import type { FileSystemPort } from '../ports';
import type { JobEvent, JobResult } from '../jobs/types';
import { readRunHeadAndTail } from './summary';
import { ensureStateGitignore } from '../state-dir';
import type {
  RunAcceptedLine,
  RunUndoneLine,
  RunCallLine,
  RunHeader,
  RunLine,
  RunRecord,
  RunStatus,
  RunSummary,
} from './types';

/** A live run writes a heartbeat line this often; one silent for STALE_MS is taken as crashed (interrupted). */
export const HEARTBEAT_MS = 15_000;
export const STALE_MS = 45_000;

const TERMINAL = new Set<JobEvent['type']>(['done', 'failed', 'cancelled']);
const STRUCTURAL = new Set<JobEvent['type']>(['round', 'candidate', 'beam', 'incumbent']);

export function isTerminalEvent(event: JobEvent): boolean {
  return TERMINAL.has(event.type);
}

/** Events whose order is deterministic for a seed; a resumed run re-emits them and skips those already logged. */
export function isStructuralEvent(event: JobEvent): boolean {
  return STRUCTURAL.has(event.type);
}

/** A file-system-safe folder name for a prompt: its `name`, else the file's base name without prompt extensions. */
export function promptNameOf(doc: { name?: string; file: string }): string {
  const base =
    doc.name?.trim() || path.basename(doc.file).replace(/\.(prompt\.ya?ml|prompty|prompt\.md|ya?ml|md)$/i, '');
  return (
    base
      .toLowerCase()
      .replace(/[^a-z0-9._-]+/g, '-')
      // No leading or trailing dots either: a prompt named `..` must not name the parent folder.
      .replace(/^[-.]+|[-.]+$/g, '') || 'prompt'
  );
}

/** The log file of a run: the id must be a valid run id and the result must lie inside `runsDir`. */
export function runFilePath(runsDir: string, promptName: string, runId: string): string {
  assertRunId(runId);
  return assertInsideRunsDir(runsDir, path.join(runsDir, promptName, `${runId}.jsonl`));
}

/**
 * Refuses a path that is not inside `runsDir`, lexically and, for the parts that exist, after resolving symbolic
 * links (a checked-in `.whetstone/runs/p -> /etc` must not redirect reads or appends).
 */
export function assertInsideRunsDir(runsDir: string, file: string): string {
  const root = path.resolve(runsDir);
  const resolved = path.resolve(file);
  if (!isInside(root, resolved) || !isInside(realpathOfExisting(root), realpathOfExisting(resolved))) {
    throw new RunIdError(`refused: ${resolved} is not inside ${root}`);
  }
  return resolved;
}

const isInside = (root: string, file: string) => file.startsWith(root.endsWith(path.sep) ? root : root + path.sep);

/** The real path of the longest existing prefix of `file`, with the rest appended. */
function realpathOfExisting(file: string): string {
  const rest: string[] = [];
  let current = file;
  for (;;) {
    try {
      return path.join(realpathSync(current), ...rest);
    } catch {
      const parent = path.dirname(current);
      if (parent === current) return file;
      rest.unshift(path.basename(current));
      current = parent;
    }
  }
}

/** `20261127-091502-apo-3f9a`: sortable by start time, unique enough for one workspace. */
export function newRunId(method: string, now: Date, entropy: number): string {
  const iso = now.toISOString();
  const stamp = `${iso.slice(0, 10).replace(/-/g, '')}-${iso.slice(11, 19).replace(/:/g, '')}`;
  return `${stamp}-${method}-${(entropy >>> 0).toString(16).padStart(8, '0').slice(0, 4)}`;
}

// Runs executing in this process: a run without a terminal line is 'running' if live here, else 'interrupted'.
const liveFiles = new Set<string>();
export function markLive(file: string, live: boolean): void {
  if (live) liveFiles.add(path.resolve(file));
  else liveFiles.delete(path.resolve(file));
}

export function isLive(file: string): boolean {
  return liveFiles.has(path.resolve(file));
}

/** Appends lines to one run file in order. `flush()` waits for everything written so far. */
export class RunWriter {
  private tail: Promise<void>;
  private failure: unknown;

  constructor(
    private readonly fs: FileSystemPort,
    readonly file: string,
  ) {
    // The run store may be what creates `.whetstone/`: it comes with its .gitignore (a failure there is not fatal).
    this.tail = ensureStateGitignore(fs, file).catch(() => undefined);
  }

  append(line: RunLine, opts: { newLineFirst?: boolean } = {}): void {
    // Headers, events and messages name endpoints: never with credentials. Calls are replayed verbatim on resume.
    const json = line.kind === 'call' ? JSON.stringify(line) : redactUrlSecrets(JSON.stringify(line));
    const text = `${opts.newLineFirst ? '\n' : ''}${json}\n`;
    this.tail = this.tail
      .then(() => this.fs.appendText(this.file, text))
      .catch((error) => {
        this.failure ??= error;
      });
  }

  async flush(): Promise<void> {
    await this.tail;
    if (this.failure) throw this.failure;
  }
}

/** Whether a process with this id exists (EPERM: it exists but belongs to someone else). */
export function processAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Parses a run log. A run without a final line is 'running' when it executes in this process or its last heartbeat is
 * recent (another process), else 'interrupted'.
 */
export function parseRunText(
  file: string,
  text: string,
  live = liveFiles.has(path.resolve(file)),
  now = Date.now(),
  alive: (pid: number) => boolean = processAlive,
): RunRecord | undefined {
  let header: RunHeader | undefined;
  const events: JobEvent[] = [];
  const calls = new Map<string, RunCallLine>();
  let structuralEvents = 0;
  let badLines = 0;
  let result: JobResult | undefined;
  let finished = false;
  let lastBeat = Number.NaN;
  let lastPid: number | undefined;
  const accepted: RunAcceptedLine[] = [];
  const undone: RunUndoneLine[] = [];
  for (const raw of text.split('\n')) {
    if (!raw.trim()) continue;
    let line: RunLine;
    try {
      line = JSON.parse(raw) as RunLine;
    } catch {
      badLines++;
      continue;
    }
    if (line.kind === 'header') header ??= line;
    else if (line.kind === 'call') calls.set(line.key, line);
    else if (line.kind === 'resumed') finished = false;
    else if (line.kind === 'accepted') {
      if (typeof line.candidateId === 'number' && typeof line.at === 'string') accepted.push(line);
    } else if (line.kind === 'undone') {
      if (typeof line.candidateId === 'number' && typeof line.at === 'string') undone.push(line);
    } else if (line.kind === 'heartbeat') {
      lastBeat = Date.parse(line.at);
      lastPid = line.pid;
    } else if (line.kind === 'event') {
      const event = line.event;
      if (isStructuralEvent(event)) structuralEvents++;
      if (isTerminalEvent(event)) {
        finished = true;
        result = 'result' in event ? event.result : undefined;
      }
      events.push(event);
    }
  }
  if (!header) return undefined;
  // Drop terminal events of earlier sessions that a resume continued past.
  const lastTerminal = finished ? events.map((e) => isTerminalEvent(e)).lastIndexOf(true) : -1;
  const shown = events.filter((e, i) => !isTerminalEvent(e) || i === lastTerminal);
  // A recent heartbeat from a process that still exists (a reloaded window's old host process is gone at once).
  const beating = Number.isFinite(lastBeat) && now - lastBeat < STALE_MS && lastPid !== undefined && alive(lastPid);
  const status: RunStatus = finished ? 'done' : live || beating ? 'running' : 'interrupted';
  const tornTail = text.length > 0 && !text.endsWith('\n');
  return {
    file,
    header,
    events: shown,
    result: finished ? result : undefined,
    status,
    calls,
    structuralEvents,
    badLines,
    tornTail,
    accepted,
    undone,
  };
}

export async function readRun(
  file: string,
  fs: FileSystemPort = nodeFileSystem,
  now = Date.now(),
): Promise<RunRecord | undefined> {
  if (!(await fs.exists(file))) return undefined;
  return parseRunText(file, await fs.readText(file), undefined, now);
}

const headTailParsing = {
  parse: (file: string, text: string, now: number) => parseRunText(file, text, undefined, now),
  staleMs: STALE_MS,
};

/** Every run under `runsDir` (newest first). Unreadable files are skipped. */
export async function listRuns(runsDir: string, fs: FileSystemPort = nodeFileSystem): Promise<RunSummary[]> {
  const out: RunSummary[] = [];
  for (const promptName of await fs.list(runsDir)) {
    const dir = path.join(runsDir, promptName);
    for (const name of await fs.list(dir)) {
      if (!name.endsWith('.jsonl')) continue;
      // Only the first line and the tail of each log (summary.ts): start-up cost does not grow with log size.
      const file = path.join(dir, name);
      const record = await (
        fs === nodeFileSystem ? readRunHeadAndTail(file, headTailParsing) : readRun(file, fs)
      ).catch(() => undefined);
      if (!record) continue;
      const { header, result } = record;
      out.push({
        runId: header.runId,
        file: record.file,
        promptName: header.promptName,
        promptFile: header.promptFile,
        method: header.method,
        seed: header.seed,
        started: header.started,
        status: record.status,
        stopReason: result?.stopReason,
        baselineScore: result?.baseline.score,
        bestScore: result?.best.score,
        calls: result?.used.calls,
      });
    }
  }
  return out.sort((a, b) => (a.started < b.started ? 1 : a.started > b.started ? -1 : a.runId < b.runId ? 1 : -1));
}

/** The log file of `runId` under `runsDir` (any prompt folder), or undefined. */
export async function findRunFile(
  runsDir: string,
  runId: string,
  fs: FileSystemPort = nodeFileSystem,
): Promise<string | undefined> {
  assertRunId(runId);
  for (const promptName of await fs.list(runsDir)) {
    let file: string;
    try {
      file = runFilePath(runsDir, promptName, runId);
    } catch {
      continue; // a folder that leads outside the run store (a symbolic link) is not searched
    }
    if (await fs.exists(file)) return file;
  }
  return undefined;
}
