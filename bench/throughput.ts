/**
 * Chat calls per second through Whetstone's LLM client (real openai package, real HTTP, cache off) against a
 * zero-latency sim server in another process: `tsx bench/throughput.ts --url URL --calls N --concurrency 16,64,256`.
 * Calls are issued through a bounded pool of `c` workers (as eval does), so the number is the client's ceiling at c.
 * Prints one JSON object: per concurrency, calls/s and process CPU ms per 1,000 calls.
 */
import { createLlmClient } from '../src/core/llm';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const url = arg('url', '');
const calls = Number(arg('calls', '4000'));
const levels = arg('concurrency', '16,64,256').split(',').map(Number);
// `--fetch builtin` measures the built-in fetch (undici) instead of the client's default (node-fetch.ts).
const builtinFetch = arg('fetch', 'default') === 'builtin';

async function measure(concurrency: number) {
  const client = createLlmClient({
    apiKeyFor: () => undefined,
    concurrency,
    cache: null,
    ...(builtinFetch && { fetch: globalThis.fetch }),
  });
  const model = { baseUrl: url, model: 'sim-model' };
  const ask = (i: number) =>
    client.chat({ model, messages: [{ role: 'user', content: `Review ${i}: I love this product.` }] });
  const pool = async (n: number) => {
    let next = 0;
    const worker = async () => {
      while (next < n) await ask(next++);
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
  };
  await pool(Math.max(200, concurrency * 2)); // warm-up: connections, JIT
  const cpu = process.cpuUsage();
  const start = performance.now();
  await pool(calls);
  const seconds = (performance.now() - start) / 1000;
  const used = process.cpuUsage(cpu);
  return {
    concurrency,
    calls,
    callsPerSecond: calls / seconds,
    cpuMsPer1000: (used.user + used.system) / 1000 / (calls / 1000),
  };
}

async function main() {
  const out = [];
  for (const c of levels) out.push(await measure(c));
  process.stdout.write(`${JSON.stringify(out)}\n`);
}
void main();
