/** "Select Models": pick a model per role (target, optimizer, judge, scorer), written to user settings. */
import * as vscode from 'vscode';
import type { HostContext } from '../context';
import { Commands } from '../commandIds';
import { MODEL_ROLES, type ModelRole } from '../config';
import { availableLmModels } from '../lm/lmChatClient';
import { findLocalServerModels, KNOWN_LOCAL_SERVERS, type LocalServer } from '../../core/llm/local-servers';
import { VSCODE_LM } from '../../core/llm/types';

const ROLE_HELP: Record<ModelRole, string> = {
  target: 'runs the prompt under test',
  optimizer: 'critiques and rewrites prompts',
  judge: 'gives pairwise/score verdicts (empty: the optimizer)',
  scorer: 'scores text with log-probs for PMPO (empty: the target)',
};

export function registerSelectModelsCommand(ctx: HostContext): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand(Commands.selectModels, async (roleArg?: unknown, modelArg?: unknown) => {
      const s = ctx.settings.read();
      let role = MODEL_ROLES.find((r) => r === roleArg);
      if (!role) {
        const picked = await vscode.window.showQuickPick(
          MODEL_ROLES.map((r) => ({
            label: r,
            description: s.models[r] || '(default)',
            detail: ROLE_HELP[r],
            role: r,
          })),
          { title: 'Whetstone: select a model for…' },
        );
        role = picked?.role;
      }
      if (!role) return;
      let model = typeof modelArg === 'string' ? modelArg : undefined;
      if (model === undefined) {
        const other = '$(edit) Other…';
        const local = '$(file) Local GGUF file…';
        const servers = '$(search) Find models on local servers…';
        const current = (m: string) => (m === s.models[role!] ? 'current' : undefined);
        const picked = await vscode.window.showQuickPick(
          [
            ...s.availableModels.map((m) => ({ label: m, description: current(m) })),
            ...(await lmModelItems(role, current)),
            { label: other, description: 'type a model name, or https://host/v1#model' },
            { label: local, description: 'embedded llama.cpp backend' },
            { label: servers, description: 'Ollama, LM Studio, llama.cpp server on this machine' },
          ],
          { title: `Whetstone: ${role} model (${ROLE_HELP[role]})` },
        );
        if (!picked) return;
        if (picked.label === other)
          model = await vscode.window.showInputBox({ prompt: `Model for ${role}`, value: s.models[role] });
        else if (picked.label === servers) model = await pickLocalServerModel(role);
        else if (picked.label === local) {
          const file = await vscode.window.showOpenDialog({
            filters: { 'GGUF model': ['gguf'] },
            canSelectMany: false,
          });
          model = file ? `local:${file[0].fsPath}` : undefined;
        } else model = picked.label;
      }
      if (model === undefined) return;
      await ctx.settings.setModel(role, model.trim());
      ctx.log.info(`model for ${role}: ${model.trim() || '(default)'}`);
    }),
  ];
}

/**
 * VS Code's language models (Copilot, other extensions' providers) as choices, listed only when the user opens this
 * picker; none can be the PMPO scorer (no log-probs), so the scorer picker names that instead of offering them.
 */
async function lmModelItems(role: ModelRole, current: (m: string) => string | undefined) {
  const models = await availableLmModels().catch(() => []);
  if (!models.length) return [];
  if (role === 'scorer')
    return [{ label: 'VS Code language models cannot score (no log-probs)', kind: vscode.QuickPickItemKind.Separator }];
  return [
    { label: 'VS Code language models', kind: vscode.QuickPickItemKind.Separator },
    ...models.map((m) => ({
      label: `${VSCODE_LM}${m.id}`,
      description: [current(`${VSCODE_LM}${m.id}`), `${m.vendor} · ${m.name}`].filter(Boolean).join(' · '),
      detail: 'billed by your plan with that provider; sampling options are hints; no log-probs',
    })),
  ];
}

/**
 * Asks the local servers for their models (only now, because the user chose to) and offers them as
 * `http://127.0.0.1:PORT/v1#model`: a loopback endpoint needs no key, and no stored key is sent to it.
 */
async function pickLocalServerModel(role: ModelRole): Promise<string | undefined> {
  const configured = vscode.workspace.getConfiguration('whetstone').get<string[]>('localServers');
  const list: readonly LocalServer[] = configured?.length
    ? configured.map((baseUrl) => ({ name: baseUrl, baseUrl }))
    : KNOWN_LOCAL_SERVERS;
  const found = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: 'Whetstone: asking local servers for their models…' },
    () => findLocalServerModels(list),
  );
  const items = found.flatMap((f) =>
    f.models.length
      ? f.models.map((m) => ({ label: `${f.server.baseUrl}#${m}`, description: f.server.name }))
      : [
          {
            label: `$(circle-slash) ${f.server.name}`,
            description: `${f.server.baseUrl}: ${f.problem}`,
            disabled: true,
          },
        ],
  );
  const picked = await vscode.window.showQuickPick(items, { title: `Whetstone: ${role} model on a local server` });
  return picked && !('disabled' in picked) ? picked.label : undefined;
}
