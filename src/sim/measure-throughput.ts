/**
 * Measures chat calls per second through the LLM client (real openai package, real HTTP) against the zero-latency
 * sim server: `npx tsx src/sim/measure-throughput.ts [calls] [concurrency]`. Cache off, so every call is an HTTP call.
 */
import { createLlmClient } from '../core/llm';
import { startSimServer } from './server';
import { echoHandler } from './echo-handler';

async function main() {
  const calls = Number(process.argv[2] ?? 2000);
  const concurrency = Number(process.argv[3] ?? 8);
  const server = await startSimServer({ handler: echoHandler });
  const client = createLlmClient({ apiKeyFor: () => undefined, concurrency, cache: null });
  const model = { baseUrl: server.url, model: 'sim-model' };
  const ask = (i: number) => client.chat({ model, messages: [{ role: 'user', content: `question ${i}` }] });
  await Promise.all(Array.from({ length: 50 }, (_, i) => ask(i))); // warm-up: connections, JIT
  const start = process.hrtime.bigint();
  await Promise.all(Array.from({ length: calls }, (_, i) => ask(i)));
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  console.log(
    `${calls} chat calls at concurrency ${concurrency}: ${seconds.toFixed(2)} s, ${(calls / seconds).toFixed(0)} calls/s, server max in flight ${server.stats.maxInFlight}`,
  );
  await server.close();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
