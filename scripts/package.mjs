// `npm run package [-- --target linux-x64 …]`: builds the production bundles, then one VSIX per target with only what
// runs: dist/ bundles, media/, node-llama-cpp with its runtime dependencies and the one native build for the target.
// Each target is staged into .package/<target>/ (so vsce sees no sources, TypeScript or build tools) and packaged
// there with `vsce package --target`; the VSIX lands in dist-vsix/whetstone-<target>.vsix with its size and file count.
import { execFileSync, spawnSync } from 'node:child_process';
import * as esbuild from 'esbuild';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { pathToFileURL } from 'node:url';
import { dirname, join, relative, resolve } from 'node:path';

const root = resolve(dirname(new URL(import.meta.url).pathname), '..');
const ALL_TARGETS = ['linux-x64', 'linux-arm64', 'linux-armhf'];
/** VS Code target → node-llama-cpp's CPU build for it (the GPU builds stay out: they are hundreds of MB). */
const NATIVE = { 'linux-x64': 'linux-x64', 'linux-arm64': 'linux-arm64', 'linux-armhf': 'linux-armv7l' };
/**
 * node-llama-cpp's download and clone helpers, never called by Whetstone (it downloads models itself): the bundle gets
 * a stand-in that throws. cmake-js (build from source) and typescript (an optional peer) are never reached.
 */
/** node-llama-cpp forks the file holding its binding test (found by this name) to try a native build safely. */
const BINDING_TEST = 'dist/bindings/utils/testBindingBinary.js';
const STAND_INS = {
  ipull: ['downloadFile', 'downloadSequence', 'DownloadStatus'],
  'simple-git': ['simpleGit'],
};

const args = process.argv.slice(2);
const targets = args.includes('--target') ? [args[args.indexOf('--target') + 1]] : ALL_TARGETS;
for (const t of targets) if (!NATIVE[t]) throw new Error(`unknown target ${t}; known: ${ALL_TARGETS.join(', ')}`);

mkdirSync(join(root, 'dist-vsix'), { recursive: true });
for (const target of targets) await packageTarget(target);

async function packageTarget(target) {
  const stage = join(root, '.package', target);
  rmSync(stage, { recursive: true, force: true });
  mkdirSync(stage, { recursive: true });
  // Production bundles (minified, no source maps) straight into the stage: dist/ stays the developer's build.
  execFileSync('node', ['scripts/build.mjs', '--production', '--outdir', join(stage, 'dist')], {
    cwd: root,
    stdio: 'inherit',
  });
  for (const f of ['README.md', 'LICENSE', '.vscodeignore', 'media'])
    cpSync(join(root, f), join(stage, f), { recursive: true });
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  delete manifest.devDependencies;
  delete manifest.scripts;
  manifest.dependencies = manifest.optionalDependencies;
  delete manifest.optionalDependencies;
  writeFileSync(join(stage, 'package.json'), JSON.stringify(manifest, null, 2) + '\n');
  await stageNodeLlamaCpp(stage, NATIVE[target]);
  if (target === hostTarget()) checkNativeLoads(stage);

  const out = join(root, 'dist-vsix', `whetstone-${target}.vsix`);
  const vsce = join(root, 'node_modules', '.bin', 'vsce');
  const result = spawnSync(vsce, ['package', '--target', target, '--out', out], { cwd: stage, encoding: 'utf8' });
  const log = result.stdout + result.stderr;
  process.stderr.write(log);
  if (result.status !== 0) throw new Error(`vsce failed packaging ${target} (exit ${result.status})`);
  if (/WARNING/.test(log)) throw new Error(`vsce warned while packaging ${target}: the VSIX must package cleanly`);
  const files = execFileSync('unzip', ['-Z1', out], { encoding: 'utf8' }).trim().split('\n').length;
  console.log(`${target}: ${relative(root, out)} ${(statSync(out).size / 1e6).toFixed(2)} MB, ${files} files`);
}

/**
 * node-llama-cpp as one ESM file at its own dist/index.js (its ~600 modules and runtime dependencies bundled: vsce
 * warns above 100 JS files), beside the data files it reads at run time, plus the target's native build.
 */
async function stageNodeLlamaCpp(stage, native) {
  const source = join(root, 'node_modules', 'node-llama-cpp');
  const dest = join(stage, 'node_modules', 'node-llama-cpp');
  const common = {
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    logLevel: 'warning',
    // Native builds are found by package name at run time; typescript and electron are optional, loaded on demand.
    external: ['@node-llama-cpp/*', 'typescript', 'electron'],
    // CommonJS dependencies inside an ESM bundle still call require() for Node built-ins.
    banner: {
      js: "import { createRequire as __whetstoneRequire } from 'node:module'; const require = __whetstoneRequire(import.meta.url);",
    },
  };
  await esbuild.build({
    ...common,
    entryPoints: [join(source, 'dist', 'index.js')],
    outfile: join(dest, 'dist', 'index.js'),
    plugins: [standInsPlugin(), originalDirnamePlugin(source, 'dist/index.js'), separateBindingTestPlugin()],
  });
  // node-llama-cpp tests a native build by forking the file that holds testBindingBinary (found by its name), so
  // that module keeps its own file at its own path.
  await esbuild.build({
    ...common,
    entryPoints: [join(source, BINDING_TEST)],
    outfile: join(dest, BINDING_TEST),
    plugins: [standInsPlugin(), originalDirnamePlugin(source, BINDING_TEST)],
  });
  const pkg = JSON.parse(readFileSync(join(source, 'package.json'), 'utf8'));
  const manifest = {
    name: pkg.name,
    version: pkg.version,
    license: pkg.license,
    type: 'module',
    main: './dist/index.js',
    exports: { '.': { import: './dist/index.js', node: './dist/index.js', default: './dist/index.js' } },
    optionalDependencies: { [`@node-llama-cpp/${native}`]: pkg.optionalDependencies[`@node-llama-cpp/${native}`] },
  };
  writeFileSync(join(dest, 'package.json'), JSON.stringify(manifest, null, 2) + '\n');
  cpSync(join(source, 'LICENSE'), join(dest, 'LICENSE'));
  cpSync(join(source, 'bins'), join(dest, 'bins'), { recursive: true });
  for (const f of ['binariesGithubRelease.json', 'llama.cpp.info.json', 'package.json']) {
    cpSync(join(source, 'llama', f), join(dest, 'llama', f));
  }
  cpSync(join(source, 'llama', 'grammars'), join(dest, 'llama', 'grammars'), { recursive: true });
  const nativeDir = join(root, 'node_modules', '@node-llama-cpp', native);
  cpSync(nativeDir, join(stage, 'node_modules', '@node-llama-cpp', native), {
    recursive: true,
    filter: (src) => !/\.(map|d\.ts|md)$/.test(src),
  });
  // The staged root manifest depends on exactly what was staged, so `npm list` (run by vsce) sees a consistent tree.
  const root_ = JSON.parse(readFileSync(join(stage, 'package.json'), 'utf8'));
  root_.dependencies = { 'node-llama-cpp': pkg.version };
  writeFileSync(join(stage, 'package.json'), JSON.stringify(root_, null, 2) + '\n');
}

function separateBindingTestPlugin() {
  return {
    name: 'whetstone-separate-binding-test',
    setup(build) {
      build.onResolve({ filter: /\/testBindingBinary\.js$/ }, () => ({
        path: './bindings/utils/testBindingBinary.js',
        external: true,
      }));
    },
  };
}

/** ipull and simple-git are imported at module load but only used to download models and clone llama.cpp. */
function standInsPlugin() {
  return {
    name: 'whetstone-stand-ins',
    setup(build) {
      const filter = new RegExp(`^(${Object.keys(STAND_INS).join('|')})$`);
      build.onResolve({ filter }, (a) => ({ path: a.path, namespace: 'stand-in' }));
      build.onLoad({ filter: /.*/, namespace: 'stand-in' }, (a) => {
        const fail = `() => { throw new Error('${a.path} is not in the Whetstone VSIX (a node-llama-cpp download/build helper)'); }`;
        const names = STAND_INS[a.path];
        const body = names.map((n) => (/^[A-Z]/.test(n) ? `export const ${n} = {};` : `export const ${n} = ${fail};`));
        return { contents: body.join('\n'), loader: 'js' };
      });
    },
  };
}

/**
 * Bundled, every module's `__dirname` would be the bundle's folder; node-llama-cpp finds its llama/, bins/ and
 * package.json relative to each module's own folder, so each keeps the folder it had (the staged dist/ mirrors it).
 */
function originalDirnamePlugin(source, entry) {
  const DIRNAME = 'const __dirname = path.dirname(fileURLToPath(import.meta.url));';
  return {
    name: 'whetstone-original-dirname',
    setup(build) {
      build.onLoad({ filter: /\.js$/ }, (a) => {
        if (!a.path.startsWith(join(source, 'dist'))) return undefined;
        const text = readFileSync(a.path, 'utf8');
        if (!text.includes(`\n${DIRNAME}`)) return undefined;
        const rel = relative(dirname(join(source, entry)), dirname(a.path)) || '.';
        const fixed = text.replace(
          `\n${DIRNAME}`,
          `\nconst __dirname = path.join(path.dirname(fileURLToPath(import.meta.url)), ${JSON.stringify(rel)});`,
        );
        return { contents: fixed, loader: 'js', resolveDir: dirname(a.path) };
      });
    },
  };
}

function hostTarget() {
  return process.platform === 'linux'
    ? { x64: 'linux-x64', arm64: 'linux-arm64', arm: 'linux-armhf' }[process.arch]
    : undefined;
}

/** The staged tree alone must load node-llama-cpp and its native backend, as the extension's worker will. */
function checkNativeLoads(stage) {
  // A file, not `node -e`: node-llama-cpp tests its binding in a child started with this process's execArgv.
  const probe = join(mkdtempSync(join(tmpdir(), 'whetstone-package-')), 'probe.mjs');
  const entry = pathToFileURL(join(stage, 'node_modules/node-llama-cpp/dist/index.js')).href;
  writeFileSync(
    probe,
    `const m = await import(${JSON.stringify(entry)});
const llama = await m.getLlama({ gpu: false, build: 'never', progressLogs: false });
console.log('native backend loads from the staged tree:', llama.gpu === false ? 'cpu' : llama.gpu);
await llama.dispose();
`,
  );
  try {
    execFileSync('node', [probe], { cwd: stage, stdio: 'inherit' });
  } finally {
    rmSync(dirname(probe), { recursive: true, force: true });
  }
}
