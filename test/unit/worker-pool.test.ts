import assert from 'node:assert/strict';
import { mapPool, runPool } from '../../src/core/worker-pool';

/** A task that finishes when the test says so, so the test controls completion order. */
function gate() {
  const waiting: Array<() => void> = [];
  return {
    wait: () => new Promise<void>((resolve) => waiting.push(resolve)),
    releaseOne: () => waiting.shift()?.(),
    get pending() {
      return waiting.length;
    },
  };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('worker pool', () => {
  it('never has more than `workers` tasks in flight and starts the first ones synchronously, in order', async () => {
    const g = gate();
    const started: number[] = [];
    let inFlight = 0;
    let peak = 0;
    const done = runPool(50, 4, async (i) => {
      started.push(i);
      peak = Math.max(peak, ++inFlight);
      await g.wait();
      inFlight--;
    });
    assert.deepEqual(started, [0, 1, 2, 3]); // before any await, as items.map would start them
    while (started.length < 50 || g.pending) {
      g.releaseOne();
      await tick();
    }
    await done;
    assert.equal(peak, 4);
    assert.deepEqual(
      started,
      Array.from({ length: 50 }, (_, i) => i),
    );
  });

  it('returns results in item order whatever order they finish in', async () => {
    const out = await mapPool([5, 1, 4, 2, 3], 2, async (n) => {
      await new Promise((r) => setTimeout(r, n));
      return n * 10;
    });
    assert.deepEqual(out, [50, 10, 40, 20, 30]);
  });

  it('rejects with the first failure and starts no task after it', async () => {
    const started: number[] = [];
    await assert.rejects(
      mapPool(
        Array.from({ length: 20 }, (_, i) => i),
        3,
        async (i) => {
          started.push(i);
          await tick();
          if (i === 4) throw new Error('row 4 failed');
          return i;
        },
      ),
      /row 4 failed/,
    );
    await tick();
    await tick();
    // Rows 0..4 plus the two that were already running beside 4; nothing after the failure.
    assert.ok(Math.max(...started) <= 6, `started ${started.join(',')}`);
  });

  it('stops taking tasks when stop() says so', async () => {
    let ran = 0;
    await runPool(
      100,
      2,
      async () => {
        ran++;
        await tick();
      },
      () => ran >= 10,
    );
    assert.equal(ran, 10);
  });

  it('handles no items', async () => {
    assert.deepEqual(await mapPool([], 8, async () => 1), []);
  });
});
