#!/usr/bin/env node
// Runs the tests that need a real VS Code: installs the harness (code-server + playwright-core) when its lockfile
// changed, runs test/vscode/suite/** inside the extension host and test/vscode/ui/** against the workbench in Chromium,
// and ends with one line `N passed, N failed`. See test/vscode/README.md.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
require('tsx/cjs'); // the harness and the tests are TypeScript
const { main } = require('./lib/runner.ts');

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error('vscode harness error:', error);
    console.log('0 passed, 1 failed');
    process.exit(1);
  },
);
