/**
 * The contributed language-model tools, invoked through VS Code's own `vscode.lm.invokeTool` (what agent mode calls)
 * against the simulator: eval, optimize → status → result, with the file never edited by a tool; and a role on a
 * VS Code language model that is not there fails with a sentence naming it.
 */
import * as assert from 'node:assert';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { activateWhetstone, fixtureUri, writeWorkspaceFile } from './hostHelpers';
import type { WhetstoneApi } from '../../../src/host/extension';

const toolText = (result: vscode.LanguageModelToolResult) =>
  result.content.map((p) => (p instanceof vscode.LanguageModelTextPart ? p.value : '')).join('\n');

async function invoke(name: string, input: object): Promise<string> {
  const source = new vscode.CancellationTokenSource();
  const result = await vscode.lm.invokeTool(name, { input, toolInvocationToken: undefined }, source.token);
  return toolText(result);
}

suite('host: language-model tools (agent mode)', () => {
  let api: WhetstoneApi;
  let uri: vscode.Uri;
  let original: string;
  suiteSetup(async () => {
    api = await activateWhetstone();
    original = fs
      .readFileSync(fixtureUri('host/sentiment.prompt.yml').fsPath, 'utf8')
      .replace(/^name: .*$/m, 'name: lm-tools');
    uri = writeWorkspaceFile('lm-tools/tools.prompt.yml', original);
    writeWorkspaceFile('lm-tools/tools.whetstone.yaml', 'split:\n  validation: 0.5\n  seed: 3\n');
  });

  test('the four tools are registered with their input schemas', () => {
    const ours = vscode.lm.tools.filter((t) => t.name.startsWith('whetstone_'));
    assert.deepStrictEqual(ours.map((t) => t.name).sort(), [
      'whetstone_eval',
      'whetstone_optimize',
      'whetstone_run_result',
      'whetstone_run_status',
    ]);
    const optimize = ours.find((t) => t.name === 'whetstone_optimize')!;
    assert.deepStrictEqual((optimize.inputSchema as { required: string[] }).required, ['file', 'method']);
  });

  test('whetstone_eval runs the prompt tests and reports the score', async () => {
    const text = await invoke('whetstone_eval', { file: 'lm-tools/tools.prompt.yml' });
    assert.match(text, /^tools\.prompt\.yml: \d+\/\d+ passed · score \d\.\d{3} · target sim-model/);
  });

  test('whetstone_optimize starts a run; status and result follow it; the file is untouched', async () => {
    const started = await invoke('whetstone_optimize', {
      file: 'lm-tools/tools.prompt.yml',
      method: 'apo',
      budgetCalls: 300,
    });
    const runId = /Started run (\S+) \(APO\)/.exec(started)?.[1];
    assert.ok(runId, started);
    const status = await invoke('whetstone_run_status', { runId });
    assert.match(status, new RegExp(`^run ${runId} · APO · tools\\.prompt\\.yml · (running|done)`));
    const job = await api.context.jobs.whenFinished(runId);
    assert.strictEqual(job.status, 'done', job.error);
    const result = await invoke('whetstone_run_result', { runId });
    assert.match(result, /Baseline \d\.\d{3} → best #\d+ \d\.\d{3}/);
    assert.ok(result.includes(`Best prompt:\n${job.result!.best.prompt}`), result);
    assert.match(result, /\[Review and accept\]\(command:whetstone\.showResults\?/);
    assert.strictEqual(fs.readFileSync(uri.fsPath, 'utf8'), original, 'a tool never writes the prompt file');
  });

  test('a file outside the workspace is refused', async () => {
    await assert.rejects(
      invoke('whetstone_eval', { file: '/etc/hostname' }),
      /no such prompt file inside this workspace/,
    );
  });

  test('a target on a VS Code language model that is not installed fails with a sentence naming it', async () => {
    writeWorkspaceFile(
      'lm-tools/absent.prompt.yml',
      original.replace(/^model: .*$/m, 'model: vscode-lm:no-such-model'),
    );
    await assert.rejects(
      invoke('whetstone_eval', { file: 'lm-tools/absent.prompt.yml' }),
      /VS Code language model no-such-model is not available/,
    );
  });
});
