// Benchmarks the embedded llama.cpp backend on generated tiny GGUF models and prints one JSON object:
// load time, generation tokens/s, scoring tokens/s (median of several runs), and scoring cost per 100 target
// tokens for the full-distribution method ("probabilities", the naive baseline) vs the two-pass "auto" method,
// on the 300-token vocabulary and on a vocabulary padded to 32 000 tokens. "passes" = target positions answered by
// greedy confidence / top-K ratio / full distribution (src/core/llm/local/scoring.ts).
// usage: node bench/local.mjs [--runs N] [--threads N]     (the worker runs from a fresh esbuild bundle, as shipped)
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { require as requireTs } from 'tsx/cjs/api';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { writeTinyGguf } = requireTs(path.join(root, 'test/support/tiny-gguf.ts'), import.meta.url);
const { createLocalBackend } = requireTs(path.join(root, 'src/core/llm/local/index.ts'), import.meta.url);

const flag = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const runs = flag('--runs', 5);
const threads = flag('--threads', 1);
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};
const round = (x, digits = 1) => Number(x.toFixed(digits));

// The shipped worker is dist/llama-worker.mjs (ESM, node-llama-cpp external). Build the same bundle where
// node-llama-cpp resolves (under node_modules), so the child process runs without tsx.
const workerDir = path.join(root, 'node_modules', '.cache', 'whetstone-bench');
mkdirSync(workerDir, { recursive: true });
const workerPath = path.join(workerDir, 'llama-worker.mjs');
await esbuild.build({
  entryPoints: [path.join(root, 'src/core/llm/local/worker.ts')],
  outfile: workerPath,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  external: ['node-llama-cpp'],
  logLevel: 'warning',
});

const dir = mkdtempSync(path.join(os.tmpdir(), 'whetstone-bench-local-'));
const models = {
  tiny: writeTinyGguf(path.join(dir, 'tiny-chatml.gguf'), { chatTemplate: true }),
  padded32k: writeTinyGguf(path.join(dir, 'tiny-chatml-32k.gguf'), { chatTemplate: true, padVocabTo: 32000 }),
};
const messages = [
  { role: 'system', content: 'Be brief.' },
  { role: 'user', content: 'Question: what is the answer?' },
];
const randomTarget =
  'the cat sat on the mat and then the rat ate the hat in the hot sun at noon, then it ran east as the train went';

const time = async (fn) => {
  const t0 = performance.now();
  const value = await fn();
  return { ms: performance.now() - t0, value };
};
const report = {
  node: process.version,
  platform: `${process.platform}-${process.arch}`,
  cpus: os.cpus().length,
  loadAverage1m: round(os.loadavg()[0]),
  threads,
  runs,
  models: {},
};

try {
  for (const [name, file] of Object.entries(models)) {
    const ref = (params = {}) => ({ baseUrl: 'local:', model: file, params: { threads, ...params } });
    const loads = [];
    let info;
    for (let i = 0; i < Math.min(runs, 3); i++) {
      const backend = createLocalBackend({ workerPath });
      const { ms, value } = await time(() => backend.describe(ref()));
      loads.push({ ms, inWorker: value.loadMs });
      info = value;
      await backend.dispose();
    }
    const passes = [];
    const backend = createLocalBackend({
      workerPath,
      logger: (line) => {
        const m = / passes (\d+\/\d+\/\d+)/.exec(line);
        if (m) passes.push(m[1]);
      },
    });
    try {
      await backend.describe(ref());
      const generation = [];
      for (let i = 0; i < runs; i++) {
        const { ms, value } = await time(() =>
          backend.chat({ model: ref({ max_tokens: 64, temperature: 0.8 }), messages, seed: i + 1 }),
        );
        generation.push((value.usage.completionTokens / ms) * 1000);
      }
      // The model's own greedy reply: the cheap pass answers (almost) every position.
      const greedy = (await backend.chat({ model: ref({ max_tokens: 100, temperature: 0 }), messages })).text;
      const scoring = {};
      for (const [targetName, target] of [
        ['random', randomTarget],
        ['greedy', greedy],
      ]) {
        for (const method of ['probabilities', 'auto']) {
          const times = [];
          let tokens = 0;
          passes.length = 0;
          for (let i = 0; i < runs; i++) {
            const { ms, value } = await time(() =>
              backend.score({ model: ref({ scoring_method: method }), messages, target }),
            );
            times.push(ms);
            tokens = value.tokens.length;
          }
          const ms = median(times);
          scoring[`${targetName}/${method}`] = {
            targetTokens: tokens,
            medianMs: round(ms),
            msPer100Tokens: round((ms / tokens) * 100),
            tokensPerSecond: round((tokens / ms) * 1000),
            passes: passes[0],
          };
        }
      }
      report.models[name] = {
        vocabulary: info.vocabularySize,
        fileMB: round((await import('node:fs')).statSync(file).size / 2 ** 20, 2),
        loadMs: {
          medianFirstCall: round(median(loads.map((l) => l.ms))),
          medianInWorker: median(loads.map((l) => l.inWorker)),
        },
        generationTokensPerSecond: round(median(generation)),
        scoring,
      };
    } finally {
      await backend.dispose();
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
console.log(JSON.stringify(report, null, 2));
