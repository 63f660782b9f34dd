/**
 * Property: for any new text t, replacing a document's optimizable region changes only the region's bytes and a
 * re-parse reads back exactly t (body formats: t trimmed, without structure-changing lines; see arbitraries.ts).
 * Runs over every corpus file (ours, and the shared one when WHETSTONE_CORPUS is set), in LF and CRLF.
 */
import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { parsePromptFile, replaceOptimizableRegion, type PromptDocument } from '../../../src/core/documents';
import { bodyText, promptText } from './arbitraries';
import { corpusFiles, toCrlf } from './corpus';

/** Structural errors: a text like `{% if x %}` may make the template not parse, which is not a placement error. */
function errors(doc: PromptDocument): number {
  return doc.diagnostics.filter((d) => d.severity === 'error' && d.code !== 'template-syntax').length;
}

function holds(doc: PromptDocument, t: string, read = (d: PromptDocument) => d.optimizable?.text): void {
  const region = doc.optimizable!;
  const out = replaceOptimizableRegion(doc, t);
  const tail = doc.text.length - region.span.end;
  assert.equal(out.slice(0, region.span.start), doc.text.slice(0, region.span.start), `${doc.file}: prefix changed`);
  assert.equal(out.slice(out.length - tail), doc.text.slice(region.span.end), `${doc.file}: suffix changed`);
  const again = parsePromptFile(doc.file, out);
  assert.equal(read(again), t, `${doc.file}: read back differs`);
  assert.equal(errors(again), errors(doc), `${doc.file}: new errors`);
}

describe('documents: region replacement (property)', function () {
  this.timeout(60000);
  const files = corpusFiles();
  const docs = files.flatMap((f) => [parsePromptFile(f.file, f.text), parsePromptFile(f.file, toCrlf(f.text))]);
  /** Documents are drawn by index so a counterexample prints a number, not a whole file. */
  const subset = (format: PromptDocument['format']) => docs.filter((d) => d.format === format && d.optimizable);
  const index = (list: unknown[]) => fc.integer({ min: 0, max: Math.max(0, list.length - 1) });

  it('prompt.yml: any text round-trips through the YAML scalar (all styles), LF and CRLF', () => {
    const yml = subset('prompt.yml');
    assert.ok(yml.length > 0);
    fc.assert(
      fc.property(index(yml), promptText, (i, t) => holds(yml[i], t)),
      { numRuns: 600, seed: 20261127 },
    );
  });

  it('prompt.yml: replacing any message (block, folded, quoted and plain scalars) round-trips', () => {
    const yml = subset('prompt.yml');
    fc.assert(
      fc.property(index(yml), fc.nat(), promptText, (i, n, t) => {
        const doc = yml[i];
        const m = n % doc.messages.length;
        holds(
          {
            ...doc,
            optimizable: {
              kind: 'message',
              messageIndex: m,
              text: doc.messages[m].content,
              span: doc.messages[m].contentSpan,
            },
          },
          t,
          (d) => d.messages[m]?.content,
        );
      }),
      { numRuns: 300, seed: 7 },
    );
  });

  for (const format of ['prompty', 'prompt.md'] as const) {
    it(`${format}: any trimmed text round-trips through the body / role section, LF and CRLF`, () => {
      const list = subset(format);
      assert.ok(list.length > 0);
      fc.assert(
        fc.property(index(list), bodyText(format), (i, t) => holds(list[i], t)),
        { numRuns: 400, seed: 11 },
      );
    });
  }
});
