// Starts bench/sim-server.ts in its own process and talks to it over stdin/stdout.
import { spawn } from 'node:child_process';
import * as readline from 'node:readline';
import { fileURLToPath } from 'node:url';

const script = fileURLToPath(new URL('../sim-server.ts', import.meta.url));
const tsx = fileURLToPath(new URL('../../node_modules/tsx/dist/cli.mjs', import.meta.url));

export async function startSimProcess({ latency = 0, task = 'reviews' } = {}) {
  const child = spawn(process.execPath, [tsx, script, '--latency', String(latency), '--task', task], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = readline.createInterface({ input: child.stdout });
  const waiting = [];
  lines.on('line', (line) => waiting.shift()?.(JSON.parse(line)));
  const next = () => new Promise((resolve) => waiting.push(resolve));
  const { url } = await next();
  return {
    url,
    async stats() {
      child.stdin.write('stats\n');
      return next();
    },
    close() {
      child.stdin.end();
      return new Promise((resolve) => child.once('exit', resolve));
    },
  };
}
