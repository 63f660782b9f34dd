/**
 * Re-run's two choices (issue 14): the same seed says it is free only when the cache can answer every call, and
 * says why not otherwise; the new seed is one no earlier run used and shows the estimate.
 */
import { strict as assert } from 'node:assert';
import { cacheReuse, nextSeed, rerunChoices } from '../../../src/host/commands/rerunChoices';

describe('Re-run choices', () => {
  it('a finished run with the prompt unchanged and the cache on repeats for free', () => {
    assert.equal(cacheReuse({ finished: true, promptUnchanged: true, cacheEnabled: true }), 'free');
    assert.equal(cacheReuse({ finished: false, promptUnchanged: true, cacheEnabled: true }), 'unfinished');
    assert.equal(cacheReuse({ finished: true, promptUnchanged: false, cacheEnabled: true }), 'prompt-changed');
    assert.equal(cacheReuse({ finished: true, promptUnchanged: true, cacheEnabled: false }), 'cache-off');
  });

  it('the new seed is above every seed the prompt ran with', () => {
    assert.equal(nextSeed([]), 1);
    assert.equal(nextSeed([7]), 8);
    assert.equal(nextSeed([0, 9, 3]), 10);
  });

  it('words: the same seed is free with no estimate; the new seed shows the estimate', () => {
    const [same, fresh] = rerunChoices({
      previousSeed: 7,
      newSeed: 8,
      reuse: 'free',
      estimate: 'est. 240 calls ≈ $0.03',
    });
    assert.deepEqual(
      { choice: same.choice, seed: same.seed, label: same.label, detail: same.detail },
      {
        choice: 'same',
        seed: 7,
        label: 'Re-run with the same seed',
        detail: 'Reuses the cached answers — free, same result.',
      },
    );
    assert.deepEqual(
      { choice: fresh.choice, seed: fresh.seed, label: fresh.label, detail: fresh.detail },
      {
        choice: 'new',
        seed: 8,
        label: 'Re-run with a new seed',
        detail:
          'New calls, may find a different prompt (est. 240 calls ≈ $0.03; answers already in the cache are free).',
      },
    );
  });

  it('words: a same-seed re-run that is not free says why and what it may cost', () => {
    const detail = (reuse: 'prompt-changed' | 'cache-off' | 'unfinished') =>
      rerunChoices({ previousSeed: 0, newSeed: 1, reuse, estimate: 'est. 90 calls' })[0].detail;
    assert.match(detail('prompt-changed'), /^The prompt changed since this run.*\(est\. 90 calls\)\.$/);
    assert.match(detail('cache-off'), /cache is off \(setting Whetstone › Cache: Enabled\).*\(est\. 90 calls\)\.$/);
    assert.match(detail('unfinished'), /stopped early, so the re-run may go on with new calls \(est\. 90 calls\)\.$/);
    assert.equal(
      rerunChoices({ previousSeed: 0, newSeed: 1, reuse: 'free' })[1].detail,
      'New calls, may find a different prompt.',
    );
  });
});
