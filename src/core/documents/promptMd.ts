/**
 * VS Code prompt files (`.prompt.md`): an optional `---` YAML header and a Markdown body sent as one user message.
 * Variables are `${input:name}` / `${input:name:placeholder}`; built-ins such as `${selection}` and `#tool:` refs are
 * kept as protected text, not variables to fill.
 */
import { emptyDocument } from './empty-document';
import { isMap, isScalar } from 'yaml';
import { extractVariables } from '../template/variables';
import { decodeEol, trimSpan, usesCrlf } from './frontMatter';
import { readHeader } from './header';
import type { PromptDocument } from './types';
import { diag, mapEntries, toPlain } from './yamlSource';

/** The header keys VS Code accepts (it warns about others), plus `tags`, common in shared prompt collections. */
export const PROMPT_MD_KEYS = ['description', 'name', 'argument-hint', 'agent', 'mode', 'model', 'tools', 'tags'];

export function parsePromptMd(file: string, text: string): PromptDocument {
  const doc: PromptDocument = emptyDocument(file, 'prompt.md', text);
  const { slice, bodyStart } = readHeader(doc, {
    severity: 'warning',
    message: 'the header starts with --- but has no closing --- line; reading the whole file as the body',
  });
  if (slice) {
    const root = slice.doc.contents;
    if (isMap(root)) {
      for (const { key, keyNode, value } of mapEntries(root)) {
        const plain = toPlain(slice, value);
        if (!PROMPT_MD_KEYS.includes(key)) {
          doc.diagnostics.push(
            diag(
              slice,
              keyNode,
              'warning',
              'unknown-field',
              `unknown header field "${key}": VS Code prompt files accept ${PROMPT_MD_KEYS.filter((k) => k !== 'tags').join(', ')}`,
            ),
          );
        } else if ((key === 'name' || key === 'description' || key === 'model') && typeof plain === 'string') {
          doc[key] = plain;
        }
      }
    } else if (!(root === null || (isScalar(root) && (root.value === null || root.value === '')))) {
      doc.diagnostics.push(diag(slice, root, 'error', 'invalid-front-matter', 'the header must be a YAML mapping'));
    }
  }
  const crlf = usesCrlf(text);
  const span = trimSpan(text, { start: bodyStart, end: text.length });
  const content = decodeEol(text.slice(span.start, span.end), crlf);
  doc.body = { text: content, span };
  doc.messages.push({ role: 'user', content, span: { start: bodyStart, end: text.length }, contentSpan: span });
  doc.variables = extractVariables(text.slice(bodyStart), 'vscode-input').map((v) => ({
    ...v,
    span: { start: v.span.start + bodyStart, end: v.span.end + bodyStart },
  }));
  return doc;
}
