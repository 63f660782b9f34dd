/**
 * The local OpenAI-compatible server as its own process, so a benchmark measures only the client's CPU and memory.
 * Usage: tsx bench/sim-server.ts [--latency MS] [--task reviews|classifier]
 * Prints `{"url": …}` on stdout; each line `stats` read on stdin answers with the request counters; exits on stdin end.
 */
import * as readline from 'node:readline';
import { startSimServer, type SimHandler } from '../src/sim/server';
import { createSimulatedTask } from '../src/sim/task';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const latency = Number(arg('latency', '0'));
const taskName = arg('task', 'reviews');

// A plain classifier for the peer comparison: no prompt sensitivity needed, only a deterministic answer.
const classifier: SimHandler = {
  chat(req) {
    const user = req.messages
      .filter((m) => m.role === 'user')
      .map((m) => m.content)
      .join(' ');
    return /hate|broke|awful/i.test(user) ? 'negative' : 'positive';
  },
};

async function main() {
  const handler = taskName === 'classifier' ? classifier : createSimulatedTask({ seed: 0 }).handler;
  const server = await startSimServer({ handler });
  if (latency > 0) server.faults.when(() => true, { kind: 'delay', ms: latency });
  process.stdout.write(`${JSON.stringify({ url: server.url })}\n`);
  const lines = readline.createInterface({ input: process.stdin });
  lines.on('line', (line) => {
    if (line.trim() === 'stats')
      process.stdout.write(`${JSON.stringify({ ...server.stats, batches: server.batches?.stats })}\n`);
  });
  lines.on('close', () => void server.close().then(() => process.exit(0)));
}
void main();
