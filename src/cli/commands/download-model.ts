/** `whetstone download-model <url> --sha256 H`: fetch a GGUF into the cache dir, resumable, verified before use. */
import * as os from 'node:os';
import * as path from 'node:path';
import { downloadModel } from '../../core/download';
import { CliError, EXIT, usageError } from '../errors';
import { createProgress } from '../progress';

export async function downloadModelCommand(url: string, flags: { sha256: string; dir?: string }): Promise<number> {
  if (!/^[0-9a-f]{64}$/i.test(flags.sha256)) throw usageError(`--sha256: expected 64 hex digits, got ${flags.sha256}`);
  const destDir = path.resolve(
    flags.dir ?? path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'whetstone', 'models'),
  );
  const progress = createProgress();
  const controller = new AbortController();
  const onSignal = () => controller.abort();
  process.once('SIGINT', onSignal);
  try {
    const file = await downloadModel({
      url,
      sha256: flags.sha256.toLowerCase(),
      destDir,
      signal: controller.signal,
      onProgress: (bytes: number, total?: number) =>
        progress.update(Math.round(bytes / 1e6), Math.round((total ?? bytes) / 1e6), 'MB'),
    });
    progress.finish();
    process.stdout.write(`${file}\nuse it as --model local:${file}\n`);
    return EXIT.ok;
  } catch (error) {
    progress.finish();
    throw new CliError(error instanceof Error ? error.message : String(error), EXIT.endpoint);
  } finally {
    process.off('SIGINT', onSignal);
  }
}
