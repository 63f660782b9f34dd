/**
 * A fixed pool of workers over a list: at most `workers` tasks in flight, items taken in order. Memory stays
 * O(workers), not O(items) as with `Promise.all(items.map(...))`, and each result can be used as it comes.
 */

/**
 * Runs `task(i)` for i = 0..count-1 with at most `workers` at once. The first `workers` tasks start synchronously
 * (in order, as `items.map` would start them). After a failure no new task starts and the pool rejects with it,
 * like `Promise.all`; `stop()` returning true also stops taking new tasks.
 */
export async function runPool(
  count: number,
  workers: number,
  task: (index: number) => Promise<void>,
  stop: () => boolean = () => false,
): Promise<void> {
  let next = 0;
  let failed = false;
  const worker = async () => {
    try {
      while (next < count && !failed && !stop()) await task(next++);
    } catch (error) {
      failed = true;
      throw error;
    }
  };
  const size = Math.max(1, Math.min(count, Math.floor(workers)));
  await Promise.all(Array.from({ length: size }, worker));
}

/** `Promise.all(items.map(fn))` with at most `workers` calls of `fn` in flight; results in item order. */
export async function mapPool<T, R>(
  items: readonly T[],
  workers: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  await runPool(items.length, workers, async (i) => {
    results[i] = await fn(items[i], i);
  });
  return results;
}
