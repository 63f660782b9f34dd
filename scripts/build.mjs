// Builds the bundles: extension host, CLI, local-model worker (Node, CommonJS/ESM) and the webview (browser).
// `--watch` rebuilds on change; `--metafile` writes dist/meta-*.json for bundle-size reports.
import * as esbuild from 'esbuild';
import { mkdirSync, writeFileSync, chmodSync, existsSync, copyFileSync } from 'node:fs';

const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');
// `--outdir DIR`: scripts/package.mjs builds the VSIX's bundles into its staging folder, leaving dist/ as it was.
const outdir = process.argv.includes('--outdir') ? process.argv[process.argv.indexOf('--outdir') + 1] : 'dist';
mkdirSync(`${outdir}/webview`, { recursive: true });

const common = { bundle: true, sourcemap: !production, minify: production, logLevel: 'warning', metafile: true };
// QuickJS's variant loads its emscripten glue with import(), which would pick the ESM build (import.meta.url, empty in
// a CommonJS bundle); the CommonJS glue finds its .wasm beside the bundle through __dirname.
const quickjsGlue = '@jitl/quickjs-wasmfile-release-sync/emscripten-module';
const node = {
  ...common,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  external: ['vscode', 'node-llama-cpp'],
  alias: { [quickjsGlue]: './node_modules/@jitl/quickjs-wasmfile-release-sync/dist/emscripten-module.cjs' },
};

const builds = [
  // The tokenizer's 2.3 MB rank table stays out of the extension bundle (it would slow every activation); it is
  // copied beside it below and loaded on the first token-count hover.
  {
    ...node,
    external: [...node.external, 'js-tiktoken/ranks/o200k_base'],
    entryPoints: ['src/host/extension.ts'],
    outfile: `${outdir}/extension.js`,
  },
  { ...node, entryPoints: ['src/cli/main.ts'], outfile: `${outdir}/cli.js`, banner: { js: '#!/usr/bin/env node' } },
  {
    ...common,
    platform: 'browser',
    target: 'es2022',
    format: 'iife',
    entryPoints: ['webview/main.ts'],
    outfile: `${outdir}/webview/main.js`,
  },
];
if (existsSync('src/core/llm/local/worker.ts')) {
  builds.push({
    ...node,
    format: 'esm',
    entryPoints: ['src/core/llm/local/worker.ts'],
    outfile: `${outdir}/llama-worker.mjs`,
  });
}

const results = await Promise.all(
  builds
    .filter((b) => b.entryPoints.every(existsSync))
    .map(async (options) => {
      if (watch) {
        const ctx = await esbuild.context(options);
        await ctx.watch();
        return null;
      }
      const result = await esbuild.build(options);
      writeFileSync(options.outfile.replace(/\.m?js$/, '.meta.json'), JSON.stringify(result.metafile));
      return result;
    }),
);
if (existsSync(`${outdir}/cli.js`)) chmodSync(`${outdir}/cli.js`, 0o755);
copyFileSync('node_modules/js-tiktoken/dist/ranks/o200k_base.cjs', `${outdir}/tiktoken-o200k_base.js`);
// The QuickJS isolate for code evaluators loads its WebAssembly from beside the bundle (emscripten's __dirname).
copyFileSync(
  'node_modules/@jitl/quickjs-wasmfile-release-sync/dist/emscripten-module.wasm',
  `${outdir}/emscripten-module.wasm`,
);
if (!watch) console.error(`built ${results.length} bundles`);
