#!/usr/bin/env node
// `node bench/extension.mjs [--runs N]`: the extension's figures in a real code-server + Chromium (activation,
// diagnostics latency on a 2,000-line prompt, results panel first render, extension-host memory around a job).
// One JSON object on stdout; progress on stderr. The code is TypeScript under bench/vscode-suite/.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
require('tsx/cjs'); // the harness and the bench are TypeScript
const { main } = require('./vscode-suite/main.ts');

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error) => {
    console.error('bench extension:', error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
