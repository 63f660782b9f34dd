/**
 * In-process scale measurements (run by bench/scale.mjs through tsx; prints one JSON object):
 * - analysis of a 2k- and a 20k-line prompt file, each time as a FRESH string (what the extension host hands over on
 *   every re-analysis), through core `loadPrompt`;
 * - response cache size on disk per 1,000 entries, at 1k and 10k entries;
 * - response cache open time (a new process's first lookup) at 1k/10k/100k entries.
 * Usage: tsx bench/scale-inproc.ts [--repeats N] [--only analysis,cache,open]
 */
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadPrompt } from '../src/core/project/load-prompt';
import type { FileSystemPort } from '../src/core/ports';
import { createDiskCache } from '../src/core/llm';
import { largePromptFile } from './vscode-suite/largePrompt';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const repeats = Number(arg('repeats', '3'));
const only = arg('only', 'analysis,cache,open').split(',');
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** A string with the same content but a new identity and storage (as if read from the editor again). */
const freshCopy = (text: string) => Buffer.from(text, 'utf8').toString('utf8');

async function analysisMs(lines: number): Promise<{ lines: number; diagnostics: number; ms: number }> {
  const prompt = largePromptFile(lines);
  // The edit the diagnostics benchmark makes: a variable no row has, so every row gets a warning.
  const text = prompt.text.replace('MARKER', '{{extra_1}}');
  let diagnostics = 0;
  const samples: number[] = [];
  for (let r = 0; r < repeats + 1; r++) {
    const fs: FileSystemPort = {
      readText: async (f) => {
        if (f.endsWith('.prompt.yml')) return freshCopy(text);
        throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
      },
      writeText: async () => undefined,
      appendText: async () => undefined,
      exists: async (f) => f.endsWith('.prompt.yml'),
      list: async () => [],
    };
    const start = performance.now();
    const loaded = await loadPrompt('/bench/large.prompt.yml', fs);
    const ms = performance.now() - start;
    diagnostics = loaded.diagnostics.length;
    if (r > 0) samples.push(ms); // the first is warm-up (JIT)
  }
  return { lines: prompt.lines, diagnostics, ms: median(samples) };
}

function diskBytes(dir: string): { bytes: number; apparent: number; files: number } {
  let bytes = 0;
  let apparent = 0;
  let files = 0;
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = path.join(d, name);
      const st = statSync(p);
      if (st.isDirectory()) {
        bytes += st.blocks * 512;
        walk(p);
      } else {
        files++;
        bytes += st.blocks * 512;
        apparent += st.size;
      }
    }
  };
  walk(dir);
  return { bytes, apparent, files };
}

const cacheKeyOf = (i: number) => `${i.toString(16).padStart(8, '0')}${'ab'.repeat(28)}`;

/** Writes `entries` chat entries into a new cache directory (then closes it, as a finished run does). */
async function filledCache(entries: number) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'wsbench-cache-'));
  const cache = createDiskCache(dir);
  let payload = 0;
  const start = performance.now();
  for (let i = 0; i < entries; i++) {
    const text = `negative — review ${i} mentions a broken hinge and slow support`;
    payload += text.length;
    await cache.set(cacheKeyOf(i), { kind: 'chat', text, usage: { promptTokens: 42, completionTokens: 3 } });
  }
  const writeMs = performance.now() - start;
  await cache.close();
  return { dir, payload, writeMs };
}

async function cacheSize(entries: number) {
  const { dir, payload, writeMs } = await filledCache(entries);
  const size = diskBytes(dir);
  rmSync(dir, { recursive: true, force: true });
  return { entries, payloadBytes: payload, ...size, perThousandKb: size.bytes / 1024 / (entries / 1000), writeMs };
}

/** Time from opening the cache to its first answered lookup (what every CLI run and extension start pays). */
async function cacheOpen(entries: number) {
  const { dir } = await filledCache(entries);
  const samples: number[] = [];
  for (let r = 0; r < repeats + 1; r++) {
    const start = performance.now();
    const cache = createDiskCache(dir);
    const hit = await cache.get(cacheKeyOf(entries - 1));
    const ms = performance.now() - start;
    if (!hit) throw new Error('cache open bench: the last entry was not found');
    await cache.close();
    if (r > 0) samples.push(ms);
  }
  rmSync(dir, { recursive: true, force: true });
  return { entries, ms: median(samples) };
}

async function main() {
  const out: Record<string, unknown> = {};
  if (only.includes('analysis')) {
    const small = await analysisMs(2000);
    const large = await analysisMs(20000);
    out.analysis = { small, large, ratio: large.ms / small.ms / (large.lines / small.lines) };
  }
  if (only.includes('cache')) {
    const small = await cacheSize(1000);
    const large = await cacheSize(10000);
    out.cache = { small, large, ratio: large.perThousandKb / small.perThousandKb };
  }
  if (only.includes('open')) {
    const sizes = [1000, 10000, 100000];
    const opens = [];
    for (const n of sizes) opens.push(await cacheOpen(n));
    out.cacheOpen = { opens, ratio: opens[2].ms / opens[1].ms };
  }
  process.stdout.write(`${JSON.stringify(out)}\n`);
}
void main();
