// `npm test`: check (and on Debian/Ubuntu install) the system packages, type-check every layer, lint, check the
// format, build, run the unit suites (mocha), package the linux-x64 VSIX, then the suites that need a real VS Code +
// Chromium (they install that VSIX too). Prints one closing line `N passed, N failed` summing every mocha run.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';

const vscode = existsSync('test/vscode/run.mjs') && !process.env.WHETSTONE_SKIP_VSCODE;
const phases = [
  ...(vscode ? [{ name: 'system', cmd: 'bash', args: ['scripts/setup-system.sh'] }] : []),
  { name: 'typecheck', cmd: 'npm', args: ['run', '-s', 'typecheck'] },
  { name: 'lint', cmd: 'npm', args: ['run', '-s', 'lint'] },
  { name: 'format', cmd: 'npm', args: ['run', '-s', 'format:check'] },
  { name: 'build', cmd: 'npm', args: ['run', '-s', 'build'] },
  { name: 'unit', cmd: 'npx', args: ['mocha'], counts: true },
];
if (vscode) {
  phases.push({ name: 'package', cmd: 'node', args: ['scripts/package.mjs', '--target', 'linux-x64'] });
  phases.push({ name: 'vscode', cmd: 'node', args: ['test/vscode/run.mjs'], counts: true });
}

let passed = 0;
let failed = 0;
let broken = [];
const times = [];
const allStarted = Date.now();
for (const phase of phases) {
  const started = Date.now();
  process.stderr.write(`\n── ${phase.name} ──\n`);
  const { code, out } = await run(phase.cmd, phase.args);
  if (phase.counts) {
    // Only summary lines count: mocha's `N passing` / `N failing`, and the harness's own `N passed, N failed`.
    const summaries = [...out.matchAll(/^\s*(\d+) passing \(|^\s*(\d+) failing\s*$|^(\d+) passed, (\d+) failed$/gm)];
    const p = summaries.map((m) => +(m[1] ?? m[3] ?? 0));
    const f = summaries.map((m) => +(m[2] ?? m[4] ?? 0));
    passed += p.reduce((a, b) => a + b, 0);
    failed += f.reduce((a, b) => a + b, 0);
    if (code !== 0 && f.every((n) => n === 0)) {
      failed += 1;
      broken.push(phase.name);
    }
  } else if (code !== 0) {
    failed += 1;
    broken.push(phase.name);
  }
  const secs = ((Date.now() - started) / 1000).toFixed(1);
  times.push(`${phase.name} ${secs} s`);
  process.stderr.write(`── ${phase.name}: exit ${code} in ${secs} s ──\n`);
}
process.stderr.write(`\nphase times: ${times.join(', ')}; total ${((Date.now() - allStarted) / 1000).toFixed(1)} s\n`);
if (broken.length) console.log(`phases that failed outright: ${broken.join(', ')}`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);

function run(cmd, args) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      process.stdout.write(d);
    });
    child.stderr.on('data', (d) => {
      out += d;
      process.stderr.write(d);
    });
    child.on('close', (code) => resolve({ code: code ?? 1, out }));
  });
}
