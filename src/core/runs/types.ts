/** The run log's line shapes (append-only JSONL under `.whetstone/runs/<prompt-name>/<run-id>.jsonl`). */
import type { CallMeta } from '../llm/types';
import type { Budget, JobEvent, JobResult, Method } from '../jobs/types';

export interface RunHeader {
  kind: 'header';
  version: 1;
  runId: string;
  method: Method;
  seed: number;
  /** The held-out split's shuffle seed (logs before it was recorded: `seed`, unless the file set `split.seed`). */
  splitSeed?: number;
  preset: 'default' | 'quick';
  /** The resolved parameters (defaults + preset + overrides). */
  params: Record<string, unknown>;
  promptFile: string;
  promptName: string;
  /** The optimized region's text when the run started (the baseline). */
  originalRegion: string;
  started: string;
  budget: Budget;
  split: { train: number[]; validation: number[] };
  rows: number;
  evaluators: string[];
  roles: Record<string, { baseUrl: string; model: string } | undefined>;
}

/** One completed LLM call, keyed by its logical position so a resumed run replays it without HTTP. */
export interface RunCallLine {
  kind: 'call';
  key: string;
  value: unknown;
  meta: CallMeta;
}

export type RunLine =
  | RunHeader
  | { kind: 'event'; event: JobEvent }
  | RunCallLine
  | { kind: 'resumed'; at: string }
  /** Written every HEARTBEAT_MS while the run executes, so another process can tell a live run from a crashed one. */
  | { kind: 'heartbeat'; at: string; pid: number }
  | RunAcceptedLine
  | RunUndoneLine;

/** A candidate of this run was written into the prompt file (the extension's Accept). */
export interface RunAcceptedLine {
  kind: 'accepted';
  runId: string;
  candidateId: number;
  at: string;
  /** The region text written, so history shows what became the prompt even if the file changes later. */
  prompt: string;
}

/** An accepted candidate was taken back (the user's Undo restored the region's text from before the accept). */
export interface RunUndoneLine {
  kind: 'undone';
  runId: string;
  candidateId: number;
  at: string;
}

export type RunStatus = 'running' | 'done' | 'interrupted';

export interface RunRecord {
  file: string;
  header: RunHeader;
  /** Events in order (earlier sessions' terminal events of a resumed run are left out). */
  events: JobEvent[];
  result?: JobResult;
  status: RunStatus;
  /** Completed calls by key (for resume). */
  calls: Map<string, RunCallLine>;
  /** Number of structural events (round/candidate/beam/incumbent) already in the log: a resume skips re-writing them. */
  structuralEvents: number;
  /** Lines that could not be parsed (a crash mid-write leaves at most the last one). */
  badLines: number;
  /** The file does not end with a newline (a crash mid-write): appends must start a new line first. */
  tornTail: boolean;
  /** Candidates accepted into the prompt file, in order. */
  accepted: RunAcceptedLine[];
  /** Acceptances undone, in order (each undoes the latest earlier acceptance of its candidate). */
  undone: RunUndoneLine[];
}

export interface RunSummary {
  runId: string;
  file: string;
  promptName: string;
  promptFile: string;
  method: Method;
  /** The job seed (a Re-run with a new seed picks one no earlier run of the prompt used). */
  seed: number;
  started: string;
  status: RunStatus;
  stopReason?: JobResult['stopReason'];
  baselineScore?: number;
  bestScore?: number;
  calls?: number;
}
