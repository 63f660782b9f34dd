import { strict as assert } from 'node:assert';
import { selectArms, type SelectionKind } from '../../../src/core/optimizers/bandits';
import { createRng } from '../../../src/core/random';
import { locateSegment, promptTexts } from '../../../src/core/optimizers/calls';

/** Arm a succeeds on row r when r mod 10 < quality[a] (a deterministic "accuracy" of quality/10). */
function setup(kind: SelectionKind, quality: number[], seed = 1) {
  const pulls: { arm: number; rows: number[] }[] = [];
  const rows = [...Array(40).keys()];
  return {
    pulls,
    run: () =>
      selectArms({
        kind,
        arms: quality.length,
        rows,
        keep: 2,
        samplesPerEval: 8,
        evalRounds: 4,
        evalPromptsPerRound: 3,
        c: 1,
        rng: createRng(seed),
        pull: async (arm, sample) => {
          pulls.push({ arm, rows: sample });
          return sample.map((r) => (r % 10 < quality[arm] ? 1 : 0));
        },
      }),
  };
}

describe('bandit selection (ProTeGi §2.6)', () => {
  const quality = [2, 9, 4, 7, 1, 5];
  for (const kind of ['ucb', 'ucb-e', 'sr', 'sh', 'bf'] as SelectionKind[]) {
    it(`${kind}: finds the best arm, stays within the example budget, and is deterministic for a seed`, async () => {
      const a = setup(kind, quality);
      const result = await a.run();
      assert.equal(result.ranking[0], 1, `ranking ${result.ranking}`);
      assert.equal(result.ranking.length, quality.length);
      assert.deepEqual([...result.ranking].sort(), [0, 1, 2, 3, 4, 5]);
      const examples = a.pulls.reduce((n, p) => n + p.rows.length, 0);
      assert.ok(examples <= 8 * 4 * 3 + 4 * quality.length, `${examples} evaluations`);
      const b = setup(kind, quality);
      assert.deepEqual(await b.run(), result);
      assert.deepEqual(b.pulls, a.pulls);
    });
  }

  it('ucb pulls k random arms first, then the top-k by index on fresh shared samples', async () => {
    const a = setup('ucb', quality);
    await a.run();
    assert.equal(a.pulls.length, 4 * 3);
    for (let t = 0; t < 4; t++) {
      const round = a.pulls.slice(t * 3, t * 3 + 3);
      assert.ok(
        round.every((p) => p.rows.join() === round[0].rows.join()),
        'arms in a round share one sample',
      );
    }
  });

  it('successive halving never drops below the beam size', async () => {
    const a = setup('sh', [3, 3, 3, 3, 3, 3, 3, 9]);
    const result = await a.run();
    assert.equal(result.ranking[0], 7);
    const lastRound = new Set(a.pulls.slice(-2).map((p) => p.arm));
    assert.ok(lastRound.size >= 2);
  });
});

describe('reading model output', () => {
  it('strips fences and <prompt> tags from proposed prompts, keeps order, drops duplicates and non-strings', () => {
    assert.deepEqual(promptTexts(['```\nBe brief.\n```', '<prompt>\nBe brief.\n</prompt>', 'Be kind.', 3, '  ']), [
      'Be brief.',
      'Be kind.',
    ]);
  });

  it('finds a segment the model re-wrapped', () => {
    const text = 'Classify the review.\nAnswer with one\nlowercase word.';
    assert.equal(locateSegment(text, 'Answer with one lowercase word.'), 'Answer with one\nlowercase word.');
    assert.equal(locateSegment(text, 'Classify the review.'), 'Classify the review.');
    assert.equal(locateSegment(text, 'Not there (really).'), undefined);
  });
});
