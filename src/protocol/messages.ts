/**
 * Messages between the extension host and the results panel webview. Both directions are discriminated unions on
 * `type`; the host validates every inbound message with `isWebviewMessage` before acting (the webview is untrusted
 * in the sense that it renders model text).
 *
 * Flow: the webview posts `ready`; the host answers with a full `snapshot` (data is always refetched, never kept in
 * webview state); live job events follow as `jobEvent`; the webview posts `rendered` once after its first paint.
 */
import type { JobEvent } from '../core/jobs/types';
import { isValidRunId } from '../core/runs/run-id';
import type { PanelSnapshot, RunView, SuggestionStateView } from './views';

export type AcceptOutcome = 'applied' | 'conflict' | 'cancelled' | 'failed';

/** The file changed since the run started: the user chooses, the host never overwrites silently. */
export interface AcceptConflict {
  runId: string;
  candidateId: number;
  /** The region when the run started (the baseline's text). */
  original: string;
  /** The region in the file now. */
  current: string;
  candidate: string;
}

export type HostToWebview =
  | { type: 'snapshot'; snapshot: PanelSnapshot }
  | { type: 'jobEvent'; runId: string; event: JobEvent; simulated?: boolean }
  /** A run loaded on request (history → open, or compare). */
  | { type: 'runLoaded'; purpose: 'show' | 'compare'; run: RunView }
  | { type: 'acceptResult'; runId: string; candidateId: number; outcome: AcceptOutcome; message?: string }
  | { type: 'acceptConflict'; conflict: AcceptConflict }
  | { type: 'notice'; level: 'info' | 'error'; message: string }
  /** The prompt's suggestion changed state (accepted, undone with Ctrl+Z, stale after an edit). */
  | { type: 'suggestionState'; suggestion: SuggestionStateView }
  /** The host's measurement, from panel creation to `rendered` (shown as a data attribute for tests, not to users). */
  | { type: 'measured'; firstRenderMs: number; readyMs?: number; snapshotMs?: number; webviewRenderMs?: number };

export type WebviewToHost =
  | { type: 'ready' }
  /** Posted once, after the first snapshot has been rendered; `renderMs` is the webview's own render time. */
  | { type: 'rendered'; renderMs: number }
  /** `force` with `expectedCurrent`: the user chose the candidate over a changed file; the host re-checks. */
  | { type: 'accept'; runId: string; candidateId: number; force?: boolean; expectedCurrent?: string }
  | { type: 'openDiff'; runId: string; candidateId: number }
  | { type: 'copy'; runId: string; candidateId: number }
  | { type: 'cancel'; runId: string }
  /** Start a new run of the same method (Re-run / Retry), or the default method when `runId` is absent (Optimize). */
  | { type: 'rerun'; runId?: string }
  | { type: 'optimize' }
  | { type: 'showLog'; runId: string }
  /** The run failed because the endpoint refused the key: ask for one (Whetstone: Set API Key). */
  | { type: 'setApiKey' }
  | { type: 'loadRun'; runId: string; purpose: 'show' | 'compare' };

export type WebviewMessageType = WebviewToHost['type'];

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// The run store's one id pattern: an id from the webview becomes part of a path on the host.
const isRunId = isValidRunId;
const isCandidateId = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;

/** Validates a message from the webview (shape and field types), so the host can trust the union. */
export function isWebviewMessage(value: unknown): value is WebviewToHost {
  if (!isObject(value) || typeof value.type !== 'string') return false;
  switch (value.type) {
    case 'ready':
    case 'optimize':
    case 'setApiKey':
      return true;
    case 'rendered':
      return typeof value.renderMs === 'number' && Number.isFinite(value.renderMs);
    case 'accept':
      return (
        isRunId(value.runId) &&
        isCandidateId(value.candidateId) &&
        (value.force === undefined || typeof value.force === 'boolean') &&
        (value.expectedCurrent === undefined || typeof value.expectedCurrent === 'string')
      );
    case 'openDiff':
    case 'copy':
      return isRunId(value.runId) && isCandidateId(value.candidateId);
    case 'cancel':
    case 'showLog':
      return isRunId(value.runId);
    case 'rerun':
      return value.runId === undefined || isRunId(value.runId);
    case 'loadRun':
      return isRunId(value.runId) && (value.purpose === 'show' || value.purpose === 'compare');
    default:
      return false;
  }
}

/** A light check for the webview side: the host is trusted, this only filters foreign `message` events. */
export function isHostMessage(value: unknown): value is HostToWebview {
  if (!isObject(value) || typeof value.type !== 'string') return false;
  return [
    'snapshot',
    'jobEvent',
    'runLoaded',
    'acceptResult',
    'acceptConflict',
    'notice',
    'suggestionState',
    'measured',
  ].includes(value.type);
}
