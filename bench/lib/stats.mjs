// Small helpers shared by the benchmark scripts: medians, machine facts, timed child processes.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const median = (values) => {
  const s = [...values].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

export function machine() {
  return {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
  };
}

const preload = fileURLToPath(new URL('./peak-rss.cjs', import.meta.url));

/** Runs `node args…` and returns wall ms, peak RSS (MB), CPU ms, exit code and output. */
export function runNode(args, { env = {}, cwd, nodePath = process.execPath } = {}) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'wsbench-'));
  const rusage = path.join(dir, 'rusage.json');
  return new Promise((resolve) => {
    const started = performance.now();
    const child = spawn(nodePath, ['--require', preload, ...args], {
      cwd,
      env: { ...process.env, ...env, WHETSTONE_BENCH_RUSAGE: rusage },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.on('close', (code) => {
      const wallMs = performance.now() - started;
      let usage = {};
      try {
        usage = JSON.parse(readFileSync(rusage, 'utf8'));
      } catch {
        /* the process died before exit */
      }
      rmSync(dir, { recursive: true, force: true });
      resolve({
        code,
        stdout,
        stderr,
        wallMs,
        peakRssMb: usage.maxRssKb ? usage.maxRssKb / 1024 : null,
        cpuMs: usage.userUs !== undefined ? (usage.userUs + usage.systemUs) / 1000 : null,
      });
    });
  });
}
