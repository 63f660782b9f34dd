/** Accepting a region with the text it already has rewrites nothing: the file stays byte for byte as it was. */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parsePromptFile, replaceMessageContent, replaceOptimizableRegion } from '../../../src/core/documents';
import { fixturesDir } from './corpus';

const dir = path.join(fixturesDir, 'unchanged');

describe('documents: an unchanged region is not rewritten', () => {
  for (const name of fs.readdirSync(dir).sort()) {
    it(name, () => {
      const text = fs.readFileSync(path.join(dir, name), 'utf8');
      const doc = parsePromptFile(name, text);
      assert.deepEqual(
        doc.diagnostics.filter((d) => d.severity === 'error'),
        [],
      );
      assert.equal(replaceOptimizableRegion(doc, doc.optimizable!.text), text);
      doc.messages.forEach((m, i) => assert.equal(replaceMessageContent(doc, i, m.content), text, `message ${i}`));
    });
  }

  it('a changed folded block is still re-encoded and reads back as the new text', () => {
    const name = 'folded.prompt.yml';
    const doc = parsePromptFile(name, fs.readFileSync(path.join(dir, name), 'utf8'));
    const out = replaceOptimizableRegion(doc, 'Something else.');
    assert.notEqual(out, doc.text);
    assert.equal(parsePromptFile(name, out).optimizable?.text, 'Something else.');
  });
});
