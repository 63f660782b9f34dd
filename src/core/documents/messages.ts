/**
 * The chat messages a prompt sends for one dataset row: the document with the optimizable region replaced by a
 * candidate text, rendered by its runtime's rules.
 * - .prompt.yml and .prompt.md: each message's content is rendered on its own (gh-models cmd/eval/eval.go
 *   templateMessages); gh reads roles case-insensitively (pkg/prompt/prompt.go GetAzureChatMessageRole).
 * - .prompty: the whole body is rendered first and split into messages after, as Prompty's pipeline does
 *   (microsoft/prompty runtime/typescript/packages/core/src/core/pipeline.ts prepare, parsers/prompty.ts): the role
 *   lines written in the template are marked before rendering (strict mode), so a role line that a template loop
 *   repeats makes one message per repetition, and one that a variable's value injects is refused (kept as text and
 *   reported). A message's content loses leading and trailing line breaks. An input of kind `thread` (or a
 *   variable alone on its line whose value is a list of {role, content}) becomes those messages, in place.
 */
import type { ChatMessage } from '../llm/types';
import { renderTemplate } from '../template/render';
import { syntaxFor } from '../template/protect';
import { promptyRoleOf } from '../template/invariants';
import { decodeEol, splitFrontMatter, usesCrlf } from './frontMatter';
import type { PromptDocument } from './types';

export interface RenderedMessages {
  messages: ChatMessage[];
  /** Variables the row did not provide (rendered as their runtime renders an absent value). */
  missing: string[];
  /** Always empty: every tag is understood by the format's engine (kept for callers). */
  unsupported: string[];
  /** Template errors and refused role lines, each once. */
  errors: string[];
}

const CHAT_ROLES = new Set(['system', 'user', 'assistant', 'developer']);
const THREAD_LINE = /^[ \t]*\{\{-?\s*([A-Za-z_]\w*)\s*-?\}\}[ \t]*$/gm;

function chatRole(role: string): ChatMessage['role'] {
  const lower = role.toLowerCase();
  // Tool / function sections have no meaning without a tool call; send them as user text.
  return (CHAT_ROLES.has(lower) ? lower : 'user') as ChatMessage['role'];
}

function asThread(value: unknown): ChatMessage[] | undefined {
  if (!Array.isArray(value) || value.length === 0) return undefined;
  const ok = value.every(
    (m) => m && typeof m === 'object' && typeof m.role === 'string' && typeof m.content === 'string',
  );
  return ok ? value.map((m) => ({ role: chatRole(m.role), content: m.content })) : undefined;
}

function addOnce(into: string[], items: readonly string[]): void {
  for (const item of items) if (!into.includes(item)) into.push(item);
}

export function renderMessagesWithReport(
  doc: PromptDocument,
  regionText: string,
  vars: Record<string, unknown>,
): RenderedMessages {
  if (doc.format === 'prompty') return renderPrompty(doc, regionText, vars);
  const out: RenderedMessages = { messages: [], missing: [], unsupported: [], errors: [] };
  const region = doc.optimizable;
  const syntax = syntaxFor(doc.format, doc.templateSyntax);
  doc.messages.forEach((m, i) => {
    const isRegion = region && (region.kind === 'body' ? doc.messages.length === 1 : region.messageIndex === i);
    const r = renderTemplate(isRegion ? regionText : m.content, vars, syntax, { file: doc.file });
    addOnce(out.missing, r.missing);
    addOnce(out.errors, r.errors);
    out.messages.push({ role: chatRole(m.role), content: r.text });
  });
  return out;
}

/** The prompty body (LF line breaks) with the optimizable region replaced by `regionText`. */
function promptyBody(doc: PromptDocument, regionText: string): string {
  const { text } = doc;
  const crlf = usesCrlf(text);
  const bodyStart = doc.frontMatter?.span.end ?? splitFrontMatter(text).bodyStart;
  const region = doc.optimizable;
  const span =
    region?.kind === 'message' ? doc.messages[region.messageIndex ?? 0]?.contentSpan : region ? region.span : undefined;
  if (!span || span.start < bodyStart) return decodeEol(text.slice(bodyStart), crlf);
  return decodeEol(text.slice(bodyStart, span.start), crlf) + regionText + decodeEol(text.slice(span.end), crlf);
}

const roleMarker = (role: string) => `\u0001whetstone-role-${role}\u0001`;
const ROLE_MARKER = /^\u0001whetstone-role-([a-z]+)\u0001$/;
const threadMarker = (name: string) => `\u0001whetstone-thread-${name}\u0001`;
const THREAD_MARKER = /\u0001whetstone-thread-([A-Za-z_]\w*)\u0001/g;

/** Names whose value is sent as messages: declared `kind: thread`, or a message list alone on a line. */
function threadInputs(doc: PromptDocument, body: string, vars: Record<string, unknown>): Map<string, ChatMessage[]> {
  const threads = new Map<string, ChatMessage[]>();
  const declared = new Set(doc.declaredVariables.filter((d) => d.type?.toLowerCase() === 'thread').map((d) => d.name));
  const alone = new Set([...body.matchAll(THREAD_LINE)].map((m) => m[1]));
  for (const name of new Set([...declared, ...alone])) {
    const thread = asThread(vars[name]);
    if (thread) threads.set(name, thread);
  }
  return threads;
}

/** Strict mode: only the role lines written in a template (this one or one it extends/includes) split messages. */
function markRoleLines(template: string): string {
  return template
    .split('\n')
    .map((line) => {
      const role = promptyRoleOf(line);
      return role ? roleMarker(role) : line;
    })
    .join('\n');
}

function renderPrompty(doc: PromptDocument, regionText: string, vars: Record<string, unknown>): RenderedMessages {
  const out: RenderedMessages = { messages: [], missing: [], unsupported: [], errors: [] };
  const body = promptyBody(doc, regionText);
  // Prompty fills a declared input's default when it is not given (core/pipeline.ts validateInputs).
  const given: Record<string, unknown> = {};
  for (const d of doc.declaredVariables) if (d.default !== undefined) given[d.name] = d.default;
  Object.assign(given, vars);
  const threads = threadInputs(doc, body, given);
  const renderVars: Record<string, unknown> = { ...given };
  for (const name of threads.keys()) renderVars[name] = threadMarker(name);
  const r = renderTemplate(markRoleLines(body), renderVars, syntaxFor('prompty', doc.templateSyntax), {
    file: doc.file,
    prepareIncluded: markRoleLines,
  });
  addOnce(out.missing, r.missing);
  addOnce(out.errors, r.errors);

  let role: string | undefined;
  let buffer: string[] = [];
  const flush = () => {
    const content = trimLineBreaks(buffer.join('\n'));
    // Text before the first role line is a system message when it holds anything.
    if (role !== undefined ? buffer.length > 0 : content.trim() !== '')
      pushContent(out, role ?? 'system', content, threads);
    buffer = [];
  };
  for (const line of r.text.split('\n')) {
    const marker = ROLE_MARKER.exec(line);
    if (marker) {
      flush();
      role = marker[1];
      continue;
    }
    if (promptyRoleOf(line)) {
      addOnce(out.errors, [
        `a variable's value put the role line ${JSON.stringify(line.trim())} into the prompt; Prompty's strict mode ` +
          'refuses it (sent as text here)',
      ]);
    }
    buffer.push(line);
  }
  flush();
  return out;
}

function trimLineBreaks(s: string): string {
  let start = 0;
  let end = s.length;
  while (start < end && s[start] === '\n') start++;
  while (end > start && s[end - 1] === '\n') end--;
  return s.slice(start, end);
}

/** One message, or — where thread markers sit in it — the text around them and the threads' messages, in order. */
function pushContent(out: RenderedMessages, role: string, content: string, threads: Map<string, ChatMessage[]>): void {
  if (!content.includes('\u0001whetstone-thread-')) {
    out.messages.push({ role: chatRole(role), content });
    return;
  }
  let last = 0;
  for (const m of content.matchAll(THREAD_MARKER)) {
    const before = content.slice(last, m.index).trim();
    if (before) out.messages.push({ role: chatRole(role), content: before });
    out.messages.push(...(threads.get(m[1]) ?? []));
    last = m.index + m[0].length;
  }
  const after = content.slice(last).trim();
  if (after) out.messages.push({ role: chatRole(role), content: after });
}

export function renderMessages(doc: PromptDocument, regionText: string, vars: Record<string, unknown>): ChatMessage[] {
  return renderMessagesWithReport(doc, regionText, vars).messages;
}
