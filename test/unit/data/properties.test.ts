/** Property tests (fast-check, fixed seed so runs are reproducible). */
import * as assert from 'node:assert/strict';
import * as fc from 'fast-check';
import { loadDataset, splitRows } from '../../../src/core/data';
import type { FileSystemPort } from '../../../src/core/ports';

const memoryFs = (files: Record<string, string>): FileSystemPort => ({
  readText: async (f) => files[f],
  writeText: async () => {},
  appendText: async () => {},
  exists: async (f) => f in files,
  list: async () => [],
});

// Characters that stress CSV quoting, mixed with arbitrary graphemes.
const tricky = fc.oneof(
  fc.constantFrom(',', '"', '\n', ' ', 'é', '😀', '\t'),
  fc.string({ unit: 'grapheme', maxLength: 1 }),
);
const cell = fc.string({ unit: tricky });

const csvField = (s: string) => `"${s.replace(/"/g, '""')}"`;

describe('dataset properties', () => {
  it('splitRows: disjoint, covering, sized, deterministic for any size and seed', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 60 }),
        fc.integer(),
        fc.double({ min: 0.05, max: 0.95, noNaN: true }),
        (n, seed, validation) => {
          const rows = Array.from({ length: n }, () => ({ vars: {} }));
          const s = splitRows(rows, { seed, validation });
          assert.deepEqual(splitRows(rows, { seed, validation }), s);
          if (n < 4) {
            assert.deepEqual(s.validation, s.train);
            assert.equal(s.train.length, n);
            return;
          }
          assert.equal(s.train.length + s.validation.length, n);
          assert.ok(s.validation.length >= 1 && s.train.length >= 1);
          assert.deepEqual(
            [...s.train, ...s.validation].sort((a, b) => a - b),
            rows.map((_, i) => i),
          );
        },
      ),
      { seed: 42, numRuns: 200 },
    );
  });

  it('CSV: any quoted text (commas, quotes, newlines, unicode) reads back unchanged with its start line', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.tuple(
            cell,
            cell.filter((s) => s !== ''),
          ),
          { minLength: 1, maxLength: 8 },
        ),
        async (records) => {
          let text = 'text,expected\n';
          const lines: number[] = [];
          let line = 2;
          for (const [a, b] of records) {
            lines.push(line);
            const record = `${csvField(a)},${csvField(b)}\n`;
            text += record;
            line += record.split('\n').length - 1;
          }
          const { rows, diagnostics } = await loadDataset('d.csv', memoryFs({ 'd.csv': text }));
          assert.deepEqual(diagnostics, []);
          assert.deepEqual(
            rows.map((r) => [r.vars.text, r.expected, r.line]),
            records.map(([a, b], i) => [a, b, lines[i]]),
          );
        },
      ),
      { seed: 7, numRuns: 100 },
    );
  });
});
