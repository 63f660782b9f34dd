/** Prompt documents: reading the three prompt formats and the sidecar, minimal edits, rendering messages. */
export * from './types';
export { parsePromptFile, serialize, detectFormat } from './parse';
export { parseSidecar, sidecarPathFor } from './sidecar';
export { mergeSettings } from './settings';
export { replaceOptimizableRegion, replaceMessageContent, RegionEditError } from './replace';
export { renderMessages, renderMessagesWithReport } from './messages';
export type { RenderedMessages } from './messages';
export { chooseRegion } from './region';
