/**
 * Which part of a prompt an optimizer rewrites. Default: a chat prompt's first system (or developer) message, else
 * its first message; a single-body prompt's body. `settings.region` may ask for 'system', 'user', 'body' or 'message:N'.
 */
import type { OptimizableRegion, PromptDocument } from './types';

function messageRegion(doc: PromptDocument, index: number): OptimizableRegion | undefined {
  const m = doc.messages[index];
  if (!m) return undefined;
  return { kind: 'message', messageIndex: index, text: m.content, span: { ...m.contentSpan } };
}

function defaultRegion(doc: PromptDocument): OptimizableRegion | undefined {
  if (doc.body) return { kind: 'body', text: doc.body.text, span: { ...doc.body.span } };
  const sys = doc.messages.findIndex((m) => isSystemRole(m.role));
  return messageRegion(doc, sys >= 0 ? sys : 0);
}

/** The region to optimize and, when `settings.region` could not be honoured, why (the default is used then). */
export function chooseRegion(doc: PromptDocument): { region?: OptimizableRegion; problem?: string } {
  const wanted = doc.settings.region;
  const fallback = defaultRegion(doc);
  if (!wanted) return { region: fallback };
  if (wanted === 'body') {
    if (doc.body) return { region: { kind: 'body', text: doc.body.text, span: { ...doc.body.span } } };
    return { region: fallback, problem: 'region "body" needs a single-body prompt; this one has role messages' };
  }
  let index = -1;
  if (wanted === 'system') index = doc.messages.findIndex((m) => isSystemRole(m.role));
  else if (wanted === 'user') index = doc.messages.findIndex((m) => m.role.toLowerCase() === 'user');
  else if (/^message:\d+$/.test(wanted)) index = Number(wanted.slice('message:'.length));
  const region = index >= 0 ? messageRegion(doc, index) : undefined;
  if (region) {
    // A single-body prompt's only message is its body: report it as the body so replacement keeps its rules.
    if (doc.body && index === 0) return { region: fallback };
    return { region };
  }
  return { region: fallback, problem: `region "${wanted}" does not match any message (${doc.messages.length} found)` };
}

/** gh-models reads roles case-insensitively (`System:` is a system message). */
function isSystemRole(role: string): boolean {
  const lower = role.toLowerCase();
  return lower === 'system' || lower === 'developer';
}
