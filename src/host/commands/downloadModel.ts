/**
 * "Download Local Model": fetch a GGUF file into the extension's global storage with a progress bar, resume of a
 * partial download and SHA-256 verification before use (core's downloadModel), then point `whetstone.localModelPath`
 * at it. Programmatic callers pass (url, sha256) and get the file path back.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { HostContext } from '../context';
import { Commands } from '../commandIds';
import { downloadModel } from '../../core/download';

const SHA256 = /^[0-9a-f]{64}$/i;

export function registerDownloadModelCommand(ctx: HostContext): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand(Commands.downloadModel, async (urlArg?: unknown, shaArg?: unknown) => {
      const url =
        typeof urlArg === 'string'
          ? urlArg
          : await vscode.window.showInputBox({
              title: 'Whetstone: download a GGUF model',
              prompt: 'URL of the .gguf file',
              ignoreFocusOut: true,
              validateInput: (v) => (/^https?:\/\/\S+$/.test(v.trim()) ? undefined : 'an http(s) URL'),
            });
      if (!url) return undefined;
      const sha256 =
        typeof shaArg === 'string'
          ? shaArg
          : await vscode.window.showInputBox({
              title: 'Whetstone: download a GGUF model',
              prompt: 'Expected SHA-256 of the file (64 hex digits): the file is verified before use',
              ignoreFocusOut: true,
              validateInput: (v) => (SHA256.test(v.trim()) ? undefined : '64 hex digits'),
            });
      if (!sha256 || !SHA256.test(sha256.trim())) return undefined;

      const destDir = path.join(ctx.extension.globalStorageUri.fsPath, 'models');
      try {
        const file = await vscode.window.withProgress(
          {
            location: vscode.ProgressLocation.Notification,
            title: `Downloading ${path.basename(new URL(url).pathname)}`,
            cancellable: true,
          },
          async (progress, token) => {
            const controller = new AbortController();
            token.onCancellationRequested(() => controller.abort());
            let reported = 0;
            return downloadModel({
              url: url.trim(),
              sha256: sha256.trim().toLowerCase(),
              destDir,
              signal: controller.signal,
              onProgress(bytes, total) {
                if (!total) return progress.report({ message: `${(bytes / 1e6).toFixed(1)} MB` });
                const percent = (bytes / total) * 100;
                progress.report({
                  increment: percent - reported,
                  message: `${(bytes / 1e6).toFixed(1)} / ${(total / 1e6).toFixed(1)} MB`,
                });
                reported = percent;
              },
            });
          },
        );
        await vscode.workspace
          .getConfiguration('whetstone')
          .update('localModelPath', file, vscode.ConfigurationTarget.Global);
        ctx.log.info(`downloaded and verified ${file}`);
        void vscode.window
          .showInformationMessage(
            `Model verified and saved: ${path.basename(file)}. Use it as \`local:${file}\` (e.g. the PMPO scorer).`,
            'Use as Scorer',
          )
          .then((choice) => (choice ? ctx.settings.setModel('scorer', `local:${file}`) : undefined));
        return file;
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        ctx.log.error(`download failed: ${message}`);
        void vscode.window.showErrorMessage(
          `Whetstone: download failed: ${message} (a partial download is kept and resumed next time)`,
        );
        return undefined;
      }
    }),
  ];
}
