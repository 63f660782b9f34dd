/**
 * Every file of our corpus (and of the shared corpus of real files, when WHETSTONE_CORPUS names it): parses without
 * errors, serializes byte-identically, and its optimizable region can be replaced with only the region's bytes
 * changing — in LF and CRLF.
 */
import { strict as assert } from 'node:assert';
import { formatDiagnostic } from '../../../src/core/diagnostics';
import { parsePromptFile, replaceOptimizableRegion, serialize, type PromptDocument } from '../../../src/core/documents';
import { ownCorpusFiles, sharedCorpusDir, sharedCorpusFiles, toCrlf, type CorpusFile } from './corpus';

const REPLACEMENTS = [
  'You are a careful assistant.',
  'Line one.\nLine two uses {{input}} and ${input:name}.\n\n- a list item\n  indented more',
  'It\'s "quoted": with # hash and: colon',
  '  leading spaces, then\n\ttab and trailing newlines\n\n',
];

function errorsOf(doc: PromptDocument): string[] {
  return doc.diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic);
}

/** What a re-parse yields for `t`: body formats trim their text. */
function expectedText(doc: PromptDocument, t: string): string {
  return doc.format === 'prompt.yml' ? t : t.replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, '');
}

function checkReplacement(doc: PromptDocument, t: string): string {
  const region = doc.optimizable!;
  const out = replaceOptimizableRegion(doc, t);
  const tail = doc.text.length - region.span.end;
  assert.equal(
    out.slice(0, region.span.start),
    doc.text.slice(0, region.span.start),
    'bytes before the region changed',
  );
  assert.equal(out.slice(out.length - tail), doc.text.slice(region.span.end), 'bytes after the region changed');
  const again = parsePromptFile(doc.file, out);
  assert.deepEqual(errorsOf(again), []);
  assert.equal(again.optimizable?.text, expectedText(doc, t));
  assert.equal(again.messages.length, doc.messages.length);
  return out;
}

describe('documents: own corpus (test/fixtures/corpus)', () => {
  const files = ownCorpusFiles();
  it('covers the real-world features it stands for', () => {
    const has = (test: (f: CorpusFile) => boolean) => files.filter(test).length;
    assert.ok(has((f) => f.text.startsWith('\uFEFF')) >= 3, 'byte-order marks');
    assert.ok(has((f) => f.text.includes('\r\n')) >= 3, 'CRLF files');
    assert.ok(has((f) => !f.text.endsWith('\n')) >= 3, 'no final newline');
    assert.ok(has((f) => /\{%-? for /.test(f.text)) >= 1, 'Jinja loops');
    assert.ok(has((f) => /content: [|>][-+]?\r?$/m.test(f.text)) >= 4, 'block and folded scalars');
    assert.ok(has((f) => /content: >\+/.test(f.text)) >= 1, 'folded, keep');
    assert.ok(has((f) => /content: >-/.test(f.text)) >= 1, 'folded, strip');
    assert.ok(has((f) => f.text.includes('responseFormat: json_schema')) >= 2, 'json_schema');
    assert.ok(has((f) => /^tools:/m.test(f.text)) >= 4, 'tools');
    assert.ok(has((f) => f.text.includes('${input:')) >= 2, 'VS Code input variables');
  });
  checkEach(files);
});

// The shared corpus of others' files is an extra suite: it runs only when WHETSTONE_CORPUS points at it.
if (process.env.WHETSTONE_CORPUS) {
  describe(`documents: shared corpus (WHETSTONE_CORPUS=${process.env.WHETSTONE_CORPUS})`, () => {
    it('finds all 50 files', () => {
      assert.ok(sharedCorpusDir());
      assert.equal(sharedCorpusFiles().length, 50);
    });
    checkEach(sharedCorpusFiles());
  });
}

function checkEach(files: CorpusFile[]): void {
  for (const f of files) {
    describe(f.id, () => {
      const doc = parsePromptFile(f.file, f.text);

      it('parses with no error diagnostics and serializes byte-identically', () => {
        assert.deepEqual(errorsOf(doc), []);
        assert.equal(serialize(doc), f.text);
        assert.ok(doc.messages.length > 0, 'no messages');
        assert.ok(doc.optimizable, 'no optimizable region');
        assert.equal(doc.text.slice(doc.optimizable!.span.start, doc.optimizable!.span.end).length > 0, true);
      });

      it('replaces only the optimizable region', () => {
        for (const t of REPLACEMENTS) checkReplacement(doc, t);
      });

      it('works the same with CRLF line endings', () => {
        const crlfText = toCrlf(f.text);
        const crlfDoc = parsePromptFile(f.file, crlfText);
        assert.deepEqual(errorsOf(crlfDoc), []);
        assert.equal(serialize(crlfDoc), crlfText);
        assert.equal(crlfDoc.optimizable?.text, parsePromptFile(f.file, toLf(f.text)).optimizable?.text);
        for (const t of REPLACEMENTS) {
          const out = checkReplacement(crlfDoc, t);
          assert.ok(!/(^|[^\r])\n/.test(out), 'a bare LF was written into a CRLF file');
        }
      });
    });
  }
}

function toLf(text: string): string {
  return text.replace(/\r\n/g, '\n');
}
