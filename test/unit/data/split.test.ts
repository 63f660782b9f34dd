import * as assert from 'node:assert/strict';
import { splitRows } from '../../../src/core/data';
import type { DatasetRow } from '../../../src/core/data';

const rows = (n: number): DatasetRow[] => Array.from({ length: n }, (_, i) => ({ vars: { i } }));

describe('splitRows', () => {
  it('is deterministic for a seed, disjoint, and covers every row', () => {
    const a = splitRows(rows(20), { seed: 7 });
    assert.deepEqual(splitRows(rows(20), { seed: 7 }), a);
    assert.equal(a.validation.length, 6);
    assert.equal(a.train.length, 14);
    assert.deepEqual(
      [...a.train, ...a.validation].sort((x, y) => x - y),
      rows(20).map((_, i) => i),
    );
    assert.ok(a.train.every((i) => !a.validation.includes(i)));
  });

  it('differs across seeds', () => {
    assert.notDeepEqual(splitRows(rows(20), { seed: 1 }).validation, splitRows(rows(20), { seed: 2 }).validation);
  });

  it('keeps at least one row on each side', () => {
    assert.equal(splitRows(rows(4), { validation: 0.01 }).validation.length, 1);
    assert.equal(splitRows(rows(4), { validation: 0.99 }).train.length, 1);
  });

  it('tiny datasets: everything in train and validation = train', () => {
    assert.deepEqual(splitRows(rows(3)), { train: [0, 1, 2], validation: [0, 1, 2] });
    assert.deepEqual(splitRows([]), { train: [], validation: [] });
  });

  it('validation 0 means no hold-out', () => {
    assert.deepEqual(splitRows(rows(5), { validation: 0 }), { train: [0, 1, 2, 3, 4], validation: [] });
  });
});
