/**
 * The chat messages a prompt sends for one dataset row: the document's messages with the optimizable region
 * replaced by a candidate text and variables rendered (see template/render.ts for the Jinja subset evaluated).
 */
import type { ChatMessage } from '../llm/types';
import { renderTemplate } from '../template/render';
import { syntaxFor } from '../template/protect';
import type { PromptDocument } from './types';

export interface RenderedMessages {
  messages: ChatMessage[];
  /** Variables the row did not provide (left as written in the text). */
  missing: string[];
  /** Template tags outside the supported subset, kept verbatim. */
  unsupported: string[];
}

const CHAT_ROLES = new Set(['system', 'user', 'assistant', 'developer']);

export function renderMessagesWithReport(
  doc: PromptDocument, regionText: string, vars: Record<string, unknown>,
): RenderedMessages {
  const out: RenderedMessages = { messages: [], missing: [], unsupported: [] };
  const region = doc.optimizable;
  const syntax = syntaxFor(doc.format);
  doc.messages.forEach((m, i) => {
    const isRegion = region && (region.kind === 'body' ? doc.messages.length === 1 : region.messageIndex === i);
    const source = isRegion ? regionText : m.content;
    const r = renderTemplate(source, vars, syntax);
    for (const name of r.missing) if (!out.missing.includes(name)) out.missing.push(name);
    for (const tag of r.unsupported) if (!out.unsupported.includes(tag)) out.unsupported.push(tag);
    // Tool / function sections have no meaning without a tool call; send them as user text.
    const role = (CHAT_ROLES.has(m.role) ? m.role : 'user') as ChatMessage['role'];
    out.messages.push({ role, content: r.text });
  });
  return out;
}

export function renderMessages(doc: PromptDocument, regionText: string, vars: Record<string, unknown>): ChatMessage[] {
  return renderMessagesWithReport(doc, regionText, vars).messages;
}
