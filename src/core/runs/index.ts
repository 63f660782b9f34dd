export {
  listRuns,
  readRun,
  findRunFile,
  runFilePath,
  promptNameOf,
  newRunId,
  parseRunText,
  RunWriter,
  markLive,
  isLive,
  isTerminalEvent,
  isStructuralEvent,
  HEARTBEAT_MS,
  STALE_MS,
} from './store';
export type { RunAcceptedLine, RunHeader, RunLine, RunCallLine, RunRecord, RunStatus, RunSummary } from './types';
