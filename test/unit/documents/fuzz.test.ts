/**
 * Fuzz: thousands of random and mutated documents (corpus files and our fixtures with characters and lines
 * deleted, inserted, duplicated, swapped) through every parser. No exception may escape; results stay well-formed.
 */
import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import type { Diagnostic } from '../../../src/core/diagnostics';
import {
  parsePromptFile,
  parseSidecar,
  RegionEditError,
  renderMessages,
  replaceOptimizableRegion,
  serialize,
} from '../../../src/core/documents';
import { checkCandidateInvariants, protectedRegions } from '../../../src/core/template';
import { mutated, promptText } from './arbitraries';
import { corpusFiles, fixture } from './corpus';

const RUNS = 1500;

function wellFormed(diagnostics: Diagnostic[], file: string): void {
  for (const d of diagnostics) {
    assert.equal(d.file, file);
    assert.ok(d.line >= 1 && d.column >= 1 && d.endLine >= d.line, `bad position ${JSON.stringify(d)}`);
    assert.notEqual(d.code, 'internal-error', d.message);
  }
}

function checkDocument(file: string, text: string): void {
  const doc = parsePromptFile(file, text);
  assert.equal(serialize(doc), text);
  wellFormed(doc.diagnostics, file);
  for (const m of doc.messages) {
    assert.ok(m.contentSpan.start >= 0 && m.contentSpan.end <= text.length && m.contentSpan.start <= m.contentSpan.end);
  }
  const region = doc.optimizable;
  if (region) {
    renderMessages(doc, region.text, { input: 'x' });
    protectedRegions(region.text, doc.format);
    checkCandidateInvariants(region.text, region.text + ' more', doc.format);
  }
}

/** Replacement on a mutated document either works (only the region changes) or refuses with RegionEditError. */
function checkReplacement(file: string, text: string, t: string): void {
  const doc = parsePromptFile(file, text);
  if (!doc.optimizable) return;
  try {
    const out = replaceOptimizableRegion(doc, t);
    assert.equal(out.slice(0, doc.optimizable.span.start), text.slice(0, doc.optimizable.span.start));
  } catch (e) {
    if (!(e instanceof RegionEditError)) throw e;
  }
}

describe('documents: fuzz (no exception escapes a parser)', function () {
  this.timeout(120000);
  const corpus = corpusFiles();
  const texts = (dir: string, own: string[]) => [
    ...corpus.filter((f) => f.id.startsWith(dir)).map((f) => f.text),
    ...own.map((n) => fixture(n).text),
  ];
  const cases = [
    {
      format: 'prompt.yml',
      file: 'fuzz.prompt.yml',
      texts: texts('prompt-yml/', ['review-triage.prompt.yml', 'broken.prompt.yml']),
    },
    {
      format: 'prompty',
      file: 'fuzz.prompty',
      texts: texts('prompty/', ['summarize.prompty', 'legacy.prompty', 'broken.prompty', 'crlf.prompty']),
    },
    { format: 'prompt.md', file: 'fuzz.prompt.md', texts: texts('prompt-md/', ['code-review.prompt.md']) },
  ];

  for (const c of cases) {
    it(`${c.format}: mutated and random documents`, () => {
      const docs = fc.oneof({ weight: 4, arbitrary: mutated(c.texts) }, { weight: 1, arbitrary: promptText });
      fc.assert(
        fc.property(docs, (text) => checkDocument(c.file, text)),
        { numRuns: RUNS, seed: 42 },
      );
    });
  }

  it('region replacement on mutated documents never throws anything but RegionEditError', () => {
    const all = cases.flatMap((c) => c.texts.map((text) => ({ file: c.file, text })));
    const arb = fc
      .integer({ min: 0, max: all.length - 1 })
      .chain((i) =>
        fc.tuple(fc.constant(all[i].file), fc.oneof(fc.constant(all[i].text), mutated([all[i].text])), promptText),
      );
    fc.assert(
      fc.property(arb, ([file, text, t]) => {
        checkReplacement(file, text, t);
      }),
      { numRuns: 300, seed: 5 },
    );
  });

  it('sidecar: mutated and random sidecars', () => {
    const sidecars = [fixture('code-review.whetstone.yaml').text, fixture('bad.whetstone.yaml').text];
    const docs = fc.oneof({ weight: 4, arbitrary: mutated(sidecars) }, { weight: 1, arbitrary: promptText });
    fc.assert(
      fc.property(docs, (text) => {
        const { settings, diagnostics } = parseSidecar('fuzz.whetstone.yaml', text);
        assert.equal(typeof settings, 'object');
        wellFormed(diagnostics, 'fuzz.whetstone.yaml');
      }),
      { numRuns: RUNS, seed: 43 },
    );
  });
});
