// Side by side with promptfoo (the npm package, run for real): the same prompt, cases and evaluator, against the same
// local server with the same latency, at the same concurrency; wall time and HTTP calls of each, in the same run.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, runNode } from './lib/stats.mjs';
import { startSimProcess } from './lib/sim-process.mjs';

const repo = fileURLToPath(new URL('..', import.meta.url));
const peerDir = path.join(repo, 'bench', 'peer');
const promptfooMain = path.join(peerDir, 'node_modules', 'promptfoo', 'dist', 'src', 'main.js');
const node22 = path.join(peerDir, 'node_modules', '.bin', 'node');

export function ensurePeerInstalled() {
  if (existsSync(promptfooMain) && existsSync(node22)) return;
  console.error('installing promptfoo + Node 22 into bench/peer (about a minute, once)…');
  execFileSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: peerDir, stdio: 'inherit' });
}

const SYSTEM = 'Classify the sentiment of the review. Answer with one lowercase word: positive or negative.';
const WORDS = ['love', 'hate', 'great', 'broke', 'fine', 'awful', 'solid', 'nice'];

function cases(n) {
  return Array.from({ length: n }, (_, i) => {
    const review = `Review ${i}: I ${WORDS[i % WORDS.length]} this product, order ${(i * 7919) % 1000}.`;
    return { review, expected: /hate|broke|awful/.test(review) ? 'negative' : i % 10 === 0 ? 'negative' : 'positive' };
  });
}

// A JSON string is a valid YAML double-quoted scalar.
const yamlString = (s) => JSON.stringify(s);

function writeWorkspace(dir, rows) {
  writeFileSync(
    path.join(dir, 'peer.prompt.yml'),
    [
      'name: Peer comparison',
      'model: sim-model',
      'messages:',
      '  - role: system',
      `    content: ${yamlString(SYSTEM)}`,
      '  - role: user',
      '    content: "{{review}}"',
      'testData:',
      ...rows.flatMap((r) => [`  - review: ${yamlString(r.review)}`, `    expected: ${r.expected}`]),
      'evaluators:',
      '  - name: label',
      '    string:',
      '      equals: "{{expected}}"',
      '',
    ].join('\n'),
  );
  writeFileSync(
    path.join(dir, 'prompt.json'),
    JSON.stringify([
      { role: 'system', content: SYSTEM },
      { role: 'user', content: '{{review}}' },
    ]),
  );
}

function writePromptfooConfig(dir, rows, url) {
  writeFileSync(
    path.join(dir, 'promptfooconfig.yaml'),
    [
      'prompts:',
      '  - file://prompt.json',
      'providers:',
      '  - id: openai:chat:sim-model',
      '    config:',
      `      apiBaseUrl: ${url}`,
      '      apiKey: sk-bench',
      'tests:',
      ...rows.flatMap((r) => [
        `  - vars: { review: ${yamlString(r.review)} }`,
        `    assert: [{ type: equals, value: ${r.expected} }]`,
      ]),
      '',
    ].join('\n'),
  );
}

/** One measured pair: ours then promptfoo, each against a fresh server with the same latency. */
export async function measurePeer({ n = 200, latency = 20, concurrency = 4, repeats = 3 } = {}) {
  ensurePeerInstalled();
  const rows = cases(n);
  const samples = { ours: [], peer: [] };
  for (let r = 0; r < repeats; r++) {
    for (const who of ['ours', 'peer']) {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'wsbench-peer-'));
      const server = await startSimProcess({ latency, task: 'classifier' });
      writeWorkspace(dir, rows);
      let run;
      if (who === 'ours') {
        run = await runNode(
          [
            path.join(repo, 'dist', 'cli.js'),
            'eval',
            'peer.prompt.yml',
            '--base-url',
            server.url,
            '--model',
            'sim-model',
            '--concurrency',
            String(concurrency),
            '--no-cache',
            '--json',
          ],
          { cwd: dir },
        );
      } else {
        writePromptfooConfig(dir, rows, server.url);
        run = await runNode(
          [
            promptfooMain,
            'eval',
            '-c',
            'promptfooconfig.yaml',
            '--no-cache',
            '--max-concurrency',
            String(concurrency),
            '-o',
            'out.json',
            '--no-progress-bar',
            '--no-table',
          ],
          {
            cwd: dir,
            nodePath: node22,
            env: {
              PROMPTFOO_DISABLE_TELEMETRY: '1',
              PROMPTFOO_DISABLE_UPDATE: '1',
              HOME: dir,
              PROMPTFOO_CONFIG_DIR: path.join(dir, '.promptfoo'),
            },
          },
        );
      }
      const stats = await server.stats();
      await server.close();
      let passed = null;
      try {
        passed =
          who === 'ours'
            ? JSON.parse(run.stdout).passed
            : JSON.parse(readFileSync(path.join(dir, 'out.json'), 'utf8')).results.stats.successes;
      } catch {
        /* reported below as null */
      }
      if (passed === null) console.error(`${who} run failed (exit ${run.code}):\n${run.stderr.slice(-2000)}`);
      samples[who].push({ wallMs: run.wallMs, calls: stats.requests, passed, peakRssMb: run.peakRssMb });
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const summary = (list) => ({
    wallMs: median(list.map((s) => s.wallMs)),
    calls: median(list.map((s) => s.calls)),
    passed: list[0].passed,
    peakRssMb: median(list.map((s) => s.peakRssMb ?? 0)),
    callsPerSecond: median(list.map((s) => s.calls / (s.wallMs / 1000))),
  });
  const ours = summary(samples.ours);
  const peer = summary(samples.peer);
  return {
    cases: n,
    latencyMs: latency,
    concurrency,
    repeats,
    ours,
    peer,
    // Throughput ratio: cases per second, ours ÷ promptfoo's, each the median of paired runs in this one benchmark.
    throughputRatio: n / ours.wallMs / (n / peer.wallMs),
    samples,
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(JSON.stringify(await measurePeer({ repeats: 1 }), null, 2));
}
