/**
 * The panel's UI state: only navigation and view choices, persisted with the webview's setState so it survives
 * hide/show and reload. Run data is never persisted here; the host sends it again on `ready`.
 */
export interface UiState {
  version: 1;
  /** The user's explicit choice; absent means "follow the best candidate". */
  selectedCandidateId?: number;
  diffMode: 'inline' | 'split';
  showExamples: boolean;
  /** List the dropped candidates too (by default the table lists those still in the running, and the rejected). */
  showAllCandidates?: boolean;
  /** A history run the user opened; absent means "the live / latest run". */
  shownRunId?: string;
  compareRunId?: string;
  /** Which prompt file this panel is for, so the host can revive the panel after a reload. */
  promptUri?: string;
}

export const defaultUiState: UiState = { version: 1, diffMode: 'inline', showExamples: false };

/** Reads persisted state defensively: anything malformed falls back to the defaults, field by field. */
export function restoreUiState(raw: unknown): UiState {
  if (typeof raw !== 'object' || raw === null) return { ...defaultUiState };
  const value = raw as Record<string, unknown>;
  const state: UiState = { ...defaultUiState };
  if (typeof value.selectedCandidateId === 'number' && Number.isInteger(value.selectedCandidateId)) {
    state.selectedCandidateId = value.selectedCandidateId;
  }
  if (value.diffMode === 'inline' || value.diffMode === 'split') state.diffMode = value.diffMode;
  if (typeof value.showExamples === 'boolean') state.showExamples = value.showExamples;
  if (typeof value.showAllCandidates === 'boolean') state.showAllCandidates = value.showAllCandidates;
  if (typeof value.shownRunId === 'string') state.shownRunId = value.shownRunId;
  if (typeof value.compareRunId === 'string') state.compareRunId = value.compareRunId;
  if (typeof value.promptUri === 'string') state.promptUri = value.promptUri;
  return state;
}
