/**
 * The local test server in its own process, so a test can kill it mid-run (SIGKILL: no clean close).
 * Usage: tsx test/unit/cli/sim-process.ts [--announce-after N]
 * Prints `{"url": …}` on stdout, then `{"served": N}` once it has answered N chat calls.
 */
import { startSimServer } from '../../../src/sim/server';

const i = process.argv.indexOf('--announce-after');
const announceAfter = i > 0 ? Number(process.argv[i + 1]) : Infinity;
let served = 0;

void startSimServer({
  handler: {
    chat(req) {
      if (++served === announceAfter) process.stdout.write(`${JSON.stringify({ served })}\n`);
      const user = req.messages
        .filter((m) => m.role === 'user')
        .map((m) => m.content)
        .join(' ');
      return /hate/.test(user) ? 'negative' : 'positive';
    },
  },
}).then((server) => process.stdout.write(`${JSON.stringify({ url: server.url })}\n`));
