/**
 * The Getting Started walkthrough's commands: copy the bundled example into the workspace and open it, switch to the
 * offline simulated endpoint (a first try without a key; every result is labelled SIMULATED), and switch to a real
 * endpoint afterwards. Programmatic callers get an answer at once (no awaited notification).
 */
import * as vscode from 'vscode';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { Commands } from '../commandIds';
import type { HostContext } from '../context';
import { DEFAULT_BASE_URL } from '../config';
import { isSimulatedSetting, SIMULATED_BASE_URL } from '../jobs/simulatedEndpoint';

export const EXAMPLE_FOLDER = 'whetstone-example';
const EXAMPLE_FILES = ['reviews.prompt.yml', 'reviews.whetstone.yaml'];
/** Appended to the example's sidecar copy: a first run that finishes in a minute or two. */
const QUICK_PARAMS = '\n# A quick first run; remove to use the method defaults.\nparams:\n  rounds: 2\n';

/** Copies the example into `<folder>/whetstone-example/` (never over the user's files); returns the prompt file. */
export async function copyExample(extensionPath: string, workspaceRoot: string): Promise<string> {
  const dir = path.join(workspaceRoot, EXAMPLE_FOLDER);
  await fs.mkdir(dir, { recursive: true });
  for (const name of EXAMPLE_FILES) {
    const target = path.join(dir, name);
    const exists = await fs.stat(target).then(
      () => true,
      () => false,
    );
    if (exists) continue;
    let text = await fs.readFile(path.join(extensionPath, 'examples', name), 'utf8');
    if (name.endsWith('.whetstone.yaml')) text = `${text.trimEnd()}\n${QUICK_PARAMS}`;
    await fs.writeFile(target, text, { flag: 'wx' });
  }
  return path.join(dir, EXAMPLE_FILES[0]);
}

async function setBaseUrl(value: string): Promise<void> {
  await vscode.workspace
    .getConfiguration('whetstone')
    .update('endpoint.baseUrl', value, vscode.ConfigurationTarget.Global);
}

export function registerGettingStartedCommands(ctx: HostContext): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand(Commands.openExample, async () => {
      const root = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
      if (!root) {
        void vscode.window.showWarningMessage(
          'Whetstone: open a folder first (File › Open Folder…): the example is copied into it.',
        );
        return undefined;
      }
      try {
        const file = await copyExample(ctx.extension.extensionPath, root);
        const uri = vscode.Uri.file(file);
        // Beside the walkthrough when it has focus, so its next steps stay in view.
        const beside = !vscode.window.activeTextEditor;
        await vscode.window.showTextDocument(uri, {
          preview: false,
          viewColumn: beside ? vscode.ViewColumn.Beside : vscode.ViewColumn.Active,
        });
        return uri;
      } catch (error) {
        void vscode.window.showErrorMessage(
          `Whetstone: could not copy the example into ${EXAMPLE_FOLDER}/: ${error instanceof Error ? error.message : String(error)}`,
        );
        return undefined;
      }
    }),
    vscode.commands.registerCommand(Commands.useSimulatedEndpoint, async () => {
      await setBaseUrl(SIMULATED_BASE_URL);
      ctx.log.info('endpoint: the offline simulated endpoint (results are SIMULATED)');
      void vscode.window
        .showInformationMessage(
          'Whetstone now uses the offline simulated endpoint: no key, no network. Its results are SIMULATED ' +
            '(a built-in review-sentiment task answers, not a model).',
          'Use a Real Endpoint…',
        )
        .then((choice) => choice && vscode.commands.executeCommand(Commands.useRealEndpoint));
      return true;
    }),
    vscode.commands.registerCommand(Commands.useRealEndpoint, async (baseUrl?: unknown) => {
      const current = ctx.settings.read().baseUrl;
      const value =
        typeof baseUrl === 'string'
          ? baseUrl
          : await vscode.window.showInputBox({
              title: 'Whetstone: endpoint',
              prompt: 'Base URL of an OpenAI-compatible endpoint (OpenAI, Azure OpenAI, Ollama, vLLM, LM Studio…)',
              value: isSimulatedSetting(current) ? DEFAULT_BASE_URL : current,
              validateInput: (v) => (/^https?:\/\/\S+$/.test(v.trim()) ? undefined : 'Enter an http(s) URL'),
              ignoreFocusOut: true,
            });
      if (!value?.trim()) return false;
      await setBaseUrl(value.trim());
      if (!/^https?:\/\/(localhost|127\.0\.0\.1|\[::1\])[:/]/.test(value.trim()))
        void vscode.commands.executeCommand(Commands.setApiKey, value.trim());
      return true;
    }),
  ];
}
