/**
 * The worker as shipped (dist/llama-worker.mjs: ESM, node-llama-cpp external, no tsx), built the way
 * scripts/build.mjs builds it, under node_modules so its bare `node-llama-cpp` import resolves as it does from dist/.
 * It starts faster than the source worker through tsx.
 */
import * as path from 'node:path';

let built: Promise<string> | undefined;

export function workerBundle(): Promise<string> {
  built ??= (async () => {
    const esbuild = await import('esbuild');
    const workerPath = path.join(process.cwd(), 'node_modules', '.cache', 'whetstone-test', 'llama-worker.mjs');
    await esbuild.build({
      entryPoints: ['src/core/llm/local/worker.ts'],
      outfile: workerPath,
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'esm',
      external: ['node-llama-cpp'],
      logLevel: 'warning',
    });
    return workerPath;
  })();
  return built;
}
