/**
 * A real second process for the cache-store test: writes `count` entries `<tag>-<i>` into the cache at `dir`
 * (argv: dir tag count segmentBytes), reading some back as it goes, then exits.
 */
import { createDiskCache } from '../../../src/core/llm/cache-store';

async function main() {
  const [dir, tag, count, segmentBytes] = process.argv.slice(2);
  const cache = createDiskCache(dir, { maxBytes: 1 << 30, segmentBytes: Number(segmentBytes) });
  for (let i = 0; i < Number(count); i++) {
    await cache.set(`${tag}-${i}`, {
      kind: 'chat',
      text: `${tag} answer ${i} ${'x'.repeat(i % 50)}`,
      usage: { promptTokens: i, completionTokens: 1 },
    });
    if (i % 7 === 0 && !(await cache.get(`${tag}-${i}`))) throw new Error(`own entry ${tag}-${i} not readable`);
  }
  await cache.close();
}
main().catch((err) => {
  console.error(err);
  process.exit(1);
});
