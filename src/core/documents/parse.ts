/** Entry point: a prompt file's text → PromptDocument (format from the file name), never throwing. */
import { emptyDocument } from './empty-document';
import { diagnosticAt } from '../diagnostics';
import { parsePromptMd } from './promptMd';
import { parsePrompty } from './prompty';
import { parsePromptYml } from './promptYml';
import { chooseRegion } from './region';
import type { PromptDocument, PromptFormat } from './types';

/**
 * `.prompt.yml`/`.prompt.yaml` → prompt.yml, `.prompty` → prompty, `.prompt.md` (and other `.md`) → prompt.md;
 * another `.yml`/`.yaml` counts as prompt.yml when it has a top-level `messages:` key. Otherwise undefined.
 */
export function detectFormat(file: string, text?: string): PromptFormat | undefined {
  const lower = file.toLowerCase();
  if (lower.endsWith('.prompt.yml') || lower.endsWith('.prompt.yaml')) return 'prompt.yml';
  if (lower.endsWith('.prompty')) return 'prompty';
  if (lower.endsWith('.md')) return 'prompt.md';
  if ((lower.endsWith('.yml') || lower.endsWith('.yaml')) && !lower.endsWith('.whetstone.yaml')) {
    if (text === undefined || /^messages[ \t]*:/m.test(text)) return 'prompt.yml';
  }
  return undefined;
}

export function parsePromptFile(file: string, text: string): PromptDocument {
  const format = detectFormat(file, text);
  let doc: PromptDocument;
  try {
    if (format === 'prompt.yml') doc = parsePromptYml(file, text);
    else if (format === 'prompty') doc = parsePrompty(file, text);
    else if (format === 'prompt.md') doc = parsePromptMd(file, text);
    else {
      doc = parsePromptMd(file, text);
      doc.diagnostics.unshift(
        diagnosticAt(
          file,
          text,
          { start: 0, end: 0 },
          'error',
          'unknown-format',
          'not a prompt file: expected *.prompt.yml, *.prompt.yaml, *.prompty or *.prompt.md (or a .yml with messages:)',
        ),
      );
    }
  } catch (e) {
    // A parser bug must not take the caller down; report it as a diagnostic instead.
    return emptyDocument(file, format ?? 'prompt.md', text, [
      diagnosticAt(
        file,
        text,
        { start: 0, end: 0 },
        'error',
        'internal-error',
        `could not read the prompt file: ${e instanceof Error ? e.message : String(e)}`,
      ),
    ]);
  }
  const { region, problem } = chooseRegion(doc);
  doc.optimizable = region;
  if (problem)
    doc.diagnostics.push(
      diagnosticAt(
        file,
        text,
        { start: 0, end: 0 },
        'warning',
        'invalid-region',
        `${problem}; optimizing the default region instead`,
      ),
    );
  return doc;
}

/** The file's text: documents keep their source, so this is byte-identical to what was parsed. */
export function serialize(doc: PromptDocument): string {
  return doc.text;
}
