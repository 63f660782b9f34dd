/**
 * Bundles every test/vscode/suite/**\/*.test.ts with esbuild into one CommonJS file whose `run()` export VS Code calls
 * as the extensionTestsPath module. `vscode` and `mocha` stay external (the extension host provides `vscode`; mocha
 * resolves from the repo's node_modules, which is why the bundle is written under test/vscode/.harness/).
 */
import * as esbuild from 'esbuild';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { harnessStateDir, repoRoot } from './paths';

export function findTestFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return (fs.readdirSync(dir, { recursive: true }) as string[])
    .filter((name) => name.endsWith('.test.ts'))
    .map((name) => path.join(dir, name))
    .sort();
}

export interface SuiteBundle {
  /** The extensionTestsPath module. */
  entry: string;
  /** Where the results reporter writes inside the extension host. */
  resultsFile: string;
  files: string[];
}

export async function bundleSuite(files: string[], timeoutMs: number): Promise<SuiteBundle> {
  const outDir = fs.mkdtempSync(path.join(harnessStateDir, 'suite-'));
  const entry = path.join(outDir, 'suite.js');
  const bundleFile = path.join(outDir, 'tests.js');
  const resultsFile = path.join(outDir, 'results.json');
  const loaders = files.map(
    (file) => `{ file: ${JSON.stringify(file)}, load: () => require(${JSON.stringify(file)}) }`,
  );
  const contents = [
    `import { runInExtensionHost } from ${JSON.stringify(path.join(__dirname, 'suiteEntry.ts'))};`,
    `export function run() {`,
    `  return runInExtensionHost([\n    ${loaders.join(',\n    ')}\n  ], ${JSON.stringify(resultsFile)}, ${timeoutMs});`,
    `}`,
  ].join('\n');
  await esbuild.build({
    stdin: { contents, resolveDir: repoRoot, sourcefile: 'suite-entry.ts', loader: 'ts' },
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    outfile: bundleFile,
    external: ['vscode', 'mocha'],
    sourcemap: 'inline',
    logLevel: 'silent',
  });
  // Source maps must be on before the bundle loads for stack traces to name the .ts test files.
  fs.writeFileSync(entry, `process.setSourceMapsEnabled(true);\nmodule.exports = require('./tests.js');\n`);
  return { entry, resultsFile, files };
}
