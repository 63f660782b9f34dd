import { strict as assert } from 'node:assert';
import { getEventListeners } from 'node:events';
import { createSlots } from '../../../src/core/llm/slots';

const aborted = () => new Error('aborted');
const tick = () => new Promise((r) => setImmediate(r));

describe('concurrency slots (per-origin limiter)', () => {
  it('grants at most `limit` at once, in FIFO order', async () => {
    const slots = createSlots(2, aborted);
    const order: number[] = [];
    const releases: (() => void)[] = [];
    const all = Array.from({ length: 6 }, (_, i) =>
      slots.acquire().then((release) => {
        order.push(i);
        releases.push(release);
      }),
    );
    await tick();
    assert.deepEqual(order, [0, 1]);
    assert.equal(slots.inFlight, 2);
    assert.equal(slots.waiting, 4);
    releases.shift()!();
    releases.shift()!(); // releasing twice must not free two slots
    await tick();
    assert.deepEqual(order, [0, 1, 2, 3]);
    releases[0]();
    releases[0](); // double release of one slot is ignored
    await tick();
    assert.deepEqual(order, [0, 1, 2, 3, 4]);
    assert.equal(slots.inFlight, 2);
    while (releases.length) releases.shift()!();
    await Promise.all(all);
  });

  it('10,000 waiters on one signal share ONE abort listener, and all reject at once on abort', async () => {
    const slots = createSlots(1, aborted);
    const hold = await slots.acquire();
    const controller = new AbortController();
    const waiters = Array.from({ length: 10_000 }, () => slots.acquire(controller.signal));
    assert.equal(getEventListeners(controller.signal, 'abort').length, 1);
    controller.abort();
    const outcomes = await Promise.allSettled(waiters);
    assert.ok(outcomes.every((o) => o.status === 'rejected' && /aborted/.test(String(o.reason))));
    assert.equal(slots.waiting, 0);
    assert.equal(getEventListeners(controller.signal, 'abort').length, 0);
    hold();
    // The aborted waiters took no slot: the next caller gets one at once.
    const next = await slots.acquire();
    assert.equal(slots.inFlight, 1);
    next();
  });

  it('a granted waiter removes its listener; an already-aborted signal is refused', async () => {
    const slots = createSlots(1, aborted);
    const controller = new AbortController();
    const first = await slots.acquire(controller.signal);
    const second = slots.acquire(controller.signal);
    assert.equal(getEventListeners(controller.signal, 'abort').length, 1);
    first();
    (await second)();
    assert.equal(getEventListeners(controller.signal, 'abort').length, 0);
    controller.abort();
    await assert.rejects(slots.acquire(controller.signal), /aborted/);
  });

  it('setLimit raises and lowers the limit while calls run (for adaptive concurrency)', async () => {
    const slots = createSlots(1, aborted);
    const granted: (() => void)[] = [];
    for (let i = 0; i < 5; i++) void slots.acquire().then((r) => granted.push(r));
    await tick();
    assert.equal(granted.length, 1);
    slots.setLimit(3);
    await tick();
    assert.equal(granted.length, 3);
    slots.setLimit(1);
    granted[0]();
    granted[1]();
    await tick();
    assert.equal(slots.inFlight, 1, 'no new grant until below the lowered limit');
    assert.equal(granted.length, 3);
    granted[2]();
    await tick();
    assert.equal(granted.length, 4);
  });
});
