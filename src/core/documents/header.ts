/**
 * The YAML header of the body-based formats (prompty front matter, prompt.md header): split it off, report an
 * unclosed fence, parse it into `doc.frontMatter`. The caller reads the format's own keys from the returned slice.
 */
import type { Severity } from '../diagnostics';
import { diagnosticAt } from '../diagnostics';
import { splitFrontMatter } from './frontMatter';
import type { PromptDocument } from './types';
import { parseYamlSlice, toPlain, type YamlSlice } from './yamlSource';

export function readHeader(
  doc: PromptDocument,
  unclosed: { severity: Severity; message: string },
): { slice?: YamlSlice; bodyStart: number } {
  const { file, text } = doc;
  const fm = splitFrontMatter(text);
  if (fm.unclosedAt !== undefined) {
    doc.diagnostics.push(
      diagnosticAt(
        file,
        text,
        { start: fm.unclosedAt, end: fm.unclosedAt + 3 },
        unclosed.severity,
        'unclosed-front-matter',
        unclosed.message,
      ),
    );
  }
  if (!fm.yaml || !fm.span) return { bodyStart: fm.bodyStart };
  const slice = parseYamlSlice(file, text, fm.yaml.start, fm.yaml.end);
  doc.diagnostics.push(...slice.diagnostics);
  const data = toPlain(slice, slice.doc.contents);
  doc.frontMatter = {
    span: fm.span,
    data: data && typeof data === 'object' && !Array.isArray(data) ? (data as Record<string, unknown>) : {},
  };
  return { slice, bodyStart: fm.bodyStart };
}
