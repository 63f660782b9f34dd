/**
 * The chat messages a prompt sends for one dataset row: the document's messages with the optimizable region
 * replaced by a candidate text and variables rendered (see template/render.ts for the Jinja subset evaluated).
 * A prompty line holding only `{{name}}` whose value is a list of {role, content} (a `thread` input) becomes
 * those messages, in place, as Prompty does.
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
const THREAD_LINE = /^[ \t]*\{\{\s*([A-Za-z_]\w*)\s*\}\}[ \t]*$/;

function chatRole(role: string): ChatMessage['role'] {
  // Tool / function sections have no meaning without a tool call; send them as user text.
  return (CHAT_ROLES.has(role) ? role : 'user') as ChatMessage['role'];
}

function asThread(value: unknown): ChatMessage[] | undefined {
  if (!Array.isArray(value) || value.length === 0) return undefined;
  const ok = value.every(
    (m) => m && typeof m === 'object' && typeof m.role === 'string' && typeof m.content === 'string',
  );
  return ok ? value.map((m) => ({ role: chatRole(m.role), content: m.content })) : undefined;
}

/** Splits a prompty message's text around thread lines: text parts and thread inserts, in order. */
function splitThreads(text: string, vars: Record<string, unknown>): Array<string | ChatMessage[]> {
  const parts: Array<string | ChatMessage[]> = [];
  let buffer: string[] = [];
  for (const line of text.split('\n')) {
    const m = THREAD_LINE.exec(line);
    const thread = m ? asThread(vars[m[1]]) : undefined;
    if (thread) {
      parts.push(buffer.join('\n'), thread);
      buffer = [];
    } else buffer.push(line);
  }
  parts.push(buffer.join('\n'));
  return parts;
}

export function renderMessagesWithReport(
  doc: PromptDocument,
  regionText: string,
  vars: Record<string, unknown>,
): RenderedMessages {
  const out: RenderedMessages = { messages: [], missing: [], unsupported: [] };
  const region = doc.optimizable;
  const syntax = syntaxFor(doc.format);
  const render = (text: string) => {
    const r = renderTemplate(text, vars, syntax);
    for (const name of r.missing) if (!out.missing.includes(name)) out.missing.push(name);
    for (const tag of r.unsupported) if (!out.unsupported.includes(tag)) out.unsupported.push(tag);
    return r.text;
  };
  doc.messages.forEach((m, i) => {
    const isRegion = region && (region.kind === 'body' ? doc.messages.length === 1 : region.messageIndex === i);
    const source = isRegion ? regionText : m.content;
    const role = chatRole(m.role);
    if (doc.format !== 'prompty') {
      out.messages.push({ role, content: render(source) });
      return;
    }
    const parts = splitThreads(source, vars);
    if (parts.length === 1) {
      out.messages.push({ role, content: render(source) });
      return;
    }
    for (const part of parts) {
      if (typeof part !== 'string') out.messages.push(...part);
      else if (part.trim() !== '') out.messages.push({ role, content: render(part.trim()) });
    }
  });
  return out;
}

export function renderMessages(doc: PromptDocument, regionText: string, vars: Record<string, unknown>): ChatMessage[] {
  return renderMessagesWithReport(doc, regionText, vars).messages;
}
