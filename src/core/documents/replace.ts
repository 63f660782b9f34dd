/**
 * Minimal edits: replacing one message's content (or the body) so that only the region's bytes change.
 * YAML scalars are re-encoded in their own style when it can hold the new text (block scalars keep their
 * indentation and get the chomping indicator the text needs), else as a `|-`/`|` literal block, else double-quoted.
 * Every attempt is re-parsed and must read back as exactly the new text, so a wrong guess is never returned.
 */
import { isScalar, parseDocument, visit, type Scalar } from 'yaml';
import type { Span } from '../diagnostics';
import { encodeEol, trimText, usesCrlf } from './frontMatter';
import { parsePromptMd } from './promptMd';
import { parsePrompty } from './prompty';
import { parsePromptYml } from './promptYml';
import type { PromptDocument } from './types';
import {
  encodeDoubleQuoted,
  encodeFolded,
  encodeLiteral,
  encodePlain,
  encodeSingleQuoted,
  type ScalarContext,
} from './yamlScalar';

export class RegionEditError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RegionEditError';
  }
}

function reparse(doc: PromptDocument, text: string): PromptDocument {
  if (doc.format === 'prompt.yml') return parsePromptYml(doc.file, text);
  if (doc.format === 'prompty') return parsePrompty(doc.file, text);
  return parsePromptMd(doc.file, text);
}

/** Structural errors only: whether a new text keeps the template valid is the candidate invariants' concern. */
function errorCount(doc: PromptDocument): number {
  return doc.diagnostics.filter((d) => d.severity === 'error' && d.code !== 'template-syntax').length;
}

/**
 * The new file text with message `index`'s content replaced by `newText`. For prompty and prompt.md, message text
 * is trimmed (as Prompty does), so `newText` is trimmed too. Throws RegionEditError when the text cannot be placed
 * without changing the file's structure (e.g. it holds a prompty role line).
 */
export function replaceMessageContent(doc: PromptDocument, index: number, newText: string): string {
  const message = doc.messages[index];
  if (!message) throw new RegionEditError(`${doc.file}: no message ${index} (the prompt has ${doc.messages.length})`);
  const check = (next: PromptDocument) => next.messages.length === doc.messages.length && next.messages[index]?.content;
  // The text it already reads as: nothing is rewritten (a folded block, blank lines with spaces stay byte for byte).
  if (doc.format === 'prompt.yml') {
    if (message.content === newText) return doc.text;
    return replaceYamlScalar(doc, message.contentSpan, newText, (next) => check(next) === newText);
  }
  const wanted = trimText(newText);
  if (message.content === wanted) return doc.text;
  return replaceTrimmedText(doc, message.contentSpan, wanted, (next) => check(next) === wanted);
}

/** The new file text with the optimizable region replaced; see replaceMessageContent. */
export function replaceOptimizableRegion(doc: PromptDocument, newText: string): string {
  const region = doc.optimizable;
  if (!region) throw new RegionEditError(`${doc.file}: the prompt has no optimizable region`);
  if (region.kind === 'message') return replaceMessageContent(doc, region.messageIndex ?? 0, newText);
  const wanted = trimText(newText);
  if (doc.body?.text === wanted) return doc.text;
  return replaceTrimmedText(doc, region.span, wanted, (next) => next.body?.text === wanted);
}

/** Body-based formats: the region is trimmed text; line endings follow the file's. */
function replaceTrimmedText(
  doc: PromptDocument,
  span: Span,
  wanted: string,
  readsBack: (next: PromptDocument) => boolean,
): string {
  const { text } = doc;
  const crlf = usesCrlf(text);
  const eol = crlf ? '\r\n' : '\n';
  let encoded = encodeEol(wanted, crlf);
  const before = text.slice(0, span.start);
  const after = text.slice(span.end);
  if (encoded !== '' && span.start === span.end) {
    // An empty region sits right after a role line or right before the next one: keep them on their own lines.
    if (before !== '' && !before.endsWith('\n') && before !== '\uFEFF') encoded = eol + encoded;
    if (after !== '' && after[0] !== '\n' && after[0] !== '\r') encoded += eol;
  }
  const result = before + encoded + after;
  const next = reparse(doc, result);
  if (!readsBack(next) || errorCount(next) > errorCount(doc)) {
    throw new RegionEditError(
      `${doc.file}: the new text cannot be placed in the ${doc.format} file without changing its ` +
        'structure (a role line such as "user:" on its own line, or a leading "---", would be read as markup)',
    );
  }
  return result;
}

interface ScalarHit {
  node: Scalar;
  ctx: ScalarContext;
}

/** Finds the scalar whose value range is `span`, with its owning key's column and flow context. */
function findScalar(text: string, span: Span): ScalarHit | undefined {
  const ydoc = parseDocument(text, { keepSourceTokens: true, logLevel: 'error' });
  let hit: ScalarHit | undefined;
  visit(ydoc, {
    Scalar(_key, node, path) {
      if (!node.range || node.range[0] !== span.start || node.range[1] !== span.end) return undefined;
      const pair = path[path.length - 1] as { key?: unknown };
      const keyNode = pair && isScalar(pair.key) ? pair.key : undefined;
      const keyStart = keyNode?.range?.[0] ?? span.start;
      const keyColumn = keyStart - (text.lastIndexOf('\n', keyStart - 1) + 1);
      const inFlow = path.some((p) => (p as { flow?: boolean }).flow === true);
      hit = {
        node,
        ctx: {
          keyColumn,
          inFlow,
          eol: usesCrlf(text) ? '\r\n' : '\n',
          bodyIndent: blockBodyIndent(text, span, node.type, keyColumn),
          headerComment: blockHeaderComment(text, span, node.type),
          endsWithBreak: text[span.end - 1] === '\n',
        },
      };
      return visit.BREAK;
    },
  });
  return hit;
}

function isBlock(type: Scalar.Type | undefined): boolean {
  return type === 'BLOCK_LITERAL' || type === 'BLOCK_FOLDED';
}

/** Indentation of a block scalar's body: from its indentation indicator, else its first non-empty line. */
function blockBodyIndent(
  text: string,
  span: Span,
  type: Scalar.Type | undefined,
  keyColumn: number,
): number | undefined {
  if (!isBlock(type)) return undefined;
  const [header, ...body] = text.slice(span.start, span.end).split('\n');
  const indicator = /^[|>][+-]?([1-9])/.exec(header);
  if (indicator) return keyColumn + Number(indicator[1]);
  const line = body.find((l) => l.replace(/\r$/, '').trim() !== '');
  return line === undefined ? undefined : /^ */.exec(line)![0].length;
}

function blockHeaderComment(text: string, span: Span, type: Scalar.Type | undefined): string | undefined {
  if (!isBlock(type)) return undefined;
  const header = text.slice(span.start, span.end).split('\n')[0].replace(/\r$/, '');
  let hash = header.search(/[ \t]#/);
  if (hash === -1) return undefined;
  while (hash > 0 && (header[hash - 1] === ' ' || header[hash - 1] === '\t')) hash--;
  return header.slice(hash);
}

function replaceYamlScalar(
  doc: PromptDocument,
  span: Span,
  newText: string,
  readsBack: (next: PromptDocument) => boolean,
): string {
  const { text } = doc;
  const hit = findScalar(text, span);
  if (!hit) throw new RegionEditError(`${doc.file}: could not find the YAML scalar at offset ${span.start}`);
  const { node, ctx } = hit;
  const multiLine = newText.includes('\n');
  const literal = () => encodeLiteral(newText, ctx);
  const double = () => encodeDoubleQuoted(newText);
  const attempts: Array<() => string | undefined> = [];
  switch (node.type) {
    case 'BLOCK_FOLDED':
      attempts.push(() => encodeFolded(newText, ctx), literal, double);
      break;
    case 'BLOCK_LITERAL':
      attempts.push(literal, double);
      break;
    case 'QUOTE_DOUBLE':
      attempts.push(double);
      break;
    case 'QUOTE_SINGLE':
      attempts.push(() => encodeSingleQuoted(newText, ctx), ...(multiLine ? [literal] : []), double);
      break;
    default:
      attempts.push(
        () => encodePlain(newText, ctx),
        ...(multiLine ? [literal] : [() => encodeSingleQuoted(newText, ctx)]),
        double,
      );
  }
  const baseErrors = errorCount(doc);
  for (const attempt of attempts) {
    let encoded = attempt();
    if (encoded === undefined) continue;
    // A block scalar's source ends with its line break; an inline replacement must put that break back.
    if (ctx.endsWithBreak && !/^[|>]/.test(encoded)) encoded += ctx.eol;
    const result = text.slice(0, span.start) + encoded + text.slice(span.end);
    const next = parsePromptYml(doc.file, result);
    if (readsBack(next) && errorCount(next) <= baseErrors && isStringAt(result, span.start)) return result;
  }
  throw new RegionEditError(`${doc.file}: could not encode the new text as a YAML scalar`);
}

/** The re-encoded value must stay a string (not become a number, boolean or null). */
function isStringAt(text: string, start: number): boolean {
  const ydoc = parseDocument(text, { logLevel: 'error' });
  let ok = false;
  visit(ydoc, {
    Scalar(_k, node) {
      if (node.range?.[0] === start) {
        ok = typeof node.value === 'string';
        return visit.BREAK;
      }
      return undefined;
    },
  });
  return ok;
}
