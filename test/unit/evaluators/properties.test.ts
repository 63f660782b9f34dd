/** Property tests for the string checks (fast-check, fixed seeds). */
import * as assert from 'node:assert/strict';
import * as fc from 'fast-check';
import { evaluate } from '../../../src/core/evaluators';

const text = fc.string({
  unit: fc.oneof(
    fc.constantFrom('Σ', 'ς', 'İ', 'ß', 'É', 'é', 'e\u0301', '😀', ' ', '\n'),
    fc.string({ unit: 'grapheme', maxLength: 1 }),
  ),
});

describe('string check properties', () => {
  it('case-insensitive contains finds any value inside any text, whatever its case', async () => {
    await fc.assert(
      fc.asyncProperty(text, text, text, fc.boolean(), async (before, value, after, upper) => {
        const shown = upper ? value.toUpperCase() : value.toLowerCase();
        const [r] = await evaluate(
          [{ type: 'contains', value, caseSensitive: false }],
          before + shown + after,
          { vars: {} },
          { trusted: false },
        );
        assert.equal(r.pass, true, r.feedback);
      }),
      { seed: 3, numRuns: 300 },
    );
  });

  it('case-sensitive contains is exactly String.includes on NFC text', async () => {
    await fc.assert(
      fc.asyncProperty(text, text, async (output, value) => {
        const [r] = await evaluate(
          [{ type: 'contains', value, caseSensitive: true }],
          output,
          { vars: {} },
          { trusted: false },
        );
        assert.equal(r.pass, output.normalize('NFC').includes(value.normalize('NFC')));
      }),
      { seed: 5, numRuns: 300 },
    );
  });
});
