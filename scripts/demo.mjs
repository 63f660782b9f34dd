// `npm run demo`: build, then optimize examples/reviews.prompt.yml with APO. Against the endpoint in
// OPENAI_BASE_URL / OPENAI_API_KEY when set (quick preset, capped at 300 calls so a first try stays cheap);
// otherwise against the bundled offline simulated endpoint, and the output says the results are simulated.
import { spawnSync } from 'node:child_process';

const build = spawnSync('npm', ['run', '-s', 'build'], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

const real = Boolean(process.env.OPENAI_BASE_URL || process.env.OPENAI_API_KEY);
const args = ['dist/cli.js', 'optimize', 'examples/reviews.prompt.yml', '--method', 'apo', '--seed', '0'];
if (real) {
  // The example names the simulator's model; a real endpoint needs a real one.
  args.push('--preset', 'quick', '--budget-calls', '300', '--model', process.env.OPENAI_MODEL || 'gpt-4o-mini');
} else {
  console.error(
    'OPENAI_BASE_URL and OPENAI_API_KEY are not set: running against the bundled offline SIMULATED endpoint.',
  );
  args.push('--base-url', 'sim', '--no-cache');
}
const run = spawnSync(process.execPath, [...args, ...process.argv.slice(2)], { stdio: 'inherit' });
process.exit(run.status ?? 1);
