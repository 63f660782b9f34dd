/**
 * "Set API Key" / "Remove API Key": keys live in SecretStorage under the endpoint's ORIGIN. The default endpoint is the
 * one in settings; any other origin can be typed. Programmatic: `executeCommand('whetstone.setApiKey', baseUrl, key)`.
 */
import * as vscode from 'vscode';
import type { HostContext } from '../context';
import { Commands } from '../commandIds';
import { originOf } from '../secrets';
import { DEFAULT_BASE_URL } from '../config';

async function askEndpoint(ctx: HostContext, arg: unknown, verb: string): Promise<string | undefined> {
  if (typeof arg === 'string' && originOf(arg)) return arg;
  const setting = ctx.settings.read().baseUrl;
  // On the simulated endpoint (`sim`) a key is for the real endpoint the user is about to set.
  const current = originOf(setting) ? setting : DEFAULT_BASE_URL;
  return vscode.window
    .showInputBox({
      title: `Whetstone: ${verb} API key`,
      prompt: 'Endpoint base URL (the key is stored for its origin and only ever sent there)',
      value: current,
      validateInput: (v) => (originOf(v.trim()) ? undefined : 'Enter an http(s) URL, e.g. https://api.openai.com/v1'),
      ignoreFocusOut: true,
    })
    .then((v) => v?.trim());
}

export function registerApiKeyCommands(ctx: HostContext): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand(Commands.setApiKey, async (endpointArg?: unknown, keyArg?: unknown) => {
      const baseUrl = await askEndpoint(ctx, endpointArg, 'set');
      if (!baseUrl) return undefined;
      const origin = originOf(baseUrl)!;
      const key =
        typeof keyArg === 'string'
          ? keyArg
          : await vscode.window.showInputBox({
              title: `Whetstone: API key for ${origin}`,
              prompt: `Stored in VS Code's secret storage; sent only to ${origin}.`,
              password: true,
              ignoreFocusOut: true,
              validateInput: (v) => (v.trim() ? undefined : 'The key is empty'),
            });
      if (!key?.trim()) return undefined;
      await ctx.keys.set(baseUrl, key.trim());
      ctx.log.info(`API key stored for ${origin}`);
      if (typeof keyArg !== 'string')
        void vscode.window.showInformationMessage(`Whetstone: API key stored for ${origin}.`);
      return origin;
    }),
    vscode.commands.registerCommand(Commands.removeApiKey, async (endpointArg?: unknown) => {
      const baseUrl = await askEndpoint(ctx, endpointArg, 'remove');
      if (!baseUrl) return;
      await ctx.keys.delete(baseUrl);
      ctx.log.info(`API key removed for ${originOf(baseUrl)}`);
      if (typeof endpointArg !== 'string')
        void vscode.window.showInformationMessage(`Whetstone: API key removed for ${originOf(baseUrl)}.`);
    }),
  ];
}
