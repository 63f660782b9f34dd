/**
 * Prompt documents: reading the three prompt formats and the sidecar, minimal edits, rendering messages.
 *
 * Region conventions (what `optimizable.span` / `PromptMessage.contentSpan` cover):
 * - prompt.yml: the whole YAML scalar node (quotes included; a block scalar's header and body lines);
 * - prompty role sections and bodies, prompt.md bodies: the text with leading/trailing blanks and line breaks left
 *   out; decoded text uses LF (a CRLF file's CRLFs read as LF and are written back as CRLF).
 * Replacing a region changes only the bytes inside that span; `RegionEditError` says when a text cannot be placed.
 */
export * from './types';
export { parsePromptFile, serialize, detectFormat } from './parse';
export { parseSidecar, sidecarPathFor } from './sidecar';
export { mergeSettings } from './settings';
export { replaceOptimizableRegion, replaceMessageContent, RegionEditError } from './replace';
export { renderMessages, renderMessagesWithReport } from './messages';
export type { RenderedMessages } from './messages';
export { chooseRegion } from './region';
