// What every render function receives: the document, the data on display and the UI state (read-only).
import type { AcceptConflict, PanelSnapshot, RunView, SuggestionStateView } from '../../src/protocol';
import type { UiState } from '../state';

export interface Notice {
  level: 'info' | 'error';
  message: string;
}

export interface RenderContext {
  doc: Document;
  snapshot: PanelSnapshot;
  /** The run on display. */
  run?: RunView;
  /** The id of the live (latest) run, to tell "showing history" apart. */
  liveRunId?: string;
  compare?: RunView;
  conflict?: AcceptConflict;
  notice?: Notice;
  /** The prompt's suggestion as the host's one store says (proposed / accepted / undone / stale). */
  suggestion?: SuggestionStateView;
  ui: UiState;
  /** The candidate shown in the details pane. */
  selectedId?: number;
}
