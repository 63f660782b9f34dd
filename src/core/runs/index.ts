export {
  listRuns,
  readRun,
  findRunFile,
  runFilePath,
  assertInsideRunsDir,
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
export type {
  RunAcceptedLine,
  RunUndoneLine,
  RunHeader,
  RunLine,
  RunCallLine,
  RunRecord,
  RunStatus,
  RunSummary,
} from './types';
export { RUN_ID_PATTERN, isValidRunId, assertRunId, RunIdError } from './run-id';
export { acquireRunLock, lockPathFor, RunLockedError, LOCK_STALE_MS, type RunLock } from './run-lock';
export { listDamagedRuns, type DamagedRun } from './damaged';
