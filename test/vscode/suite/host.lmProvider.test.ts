/**
 * A job on a VS Code language model: a test extension registers a chat model provider (VS Code's LanguageModelChat
 * provider API; 1.100 has it as the proposed `chatProvider`, enabled for that extension) answering through the
 * simulator; APO runs with it as target and optimizer end to end, with no endpoint key, its token counts from the
 * model's countTokens, and the sampling options it may ignore named in the run's warnings.
 */
import * as assert from 'node:assert';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { activateWhetstone, fixtureUri, writeWorkspaceFile } from './hostHelpers';
import type { WhetstoneApi } from '../../../src/host/extension';

suite('host: VS Code language models as a provider', () => {
  let api: WhetstoneApi;
  let model: vscode.LanguageModelChat;
  suiteSetup(async () => {
    api = await activateWhetstone();
    for (let i = 0; i < 50 && !model; i++) {
      [model] = await vscode.lm.selectChatModels({ vendor: 'whetstone-test' });
      if (!model) await new Promise((r) => setTimeout(r, 200));
    }
    assert.ok(model, 'the test language model provider is registered (test/vscode/lib/lm-provider-extension)');
  });

  test('APO runs end to end with a vscode.lm model as target and optimizer', async () => {
    const source = fs.readFileSync(fixtureUri('host/sentiment.prompt.yml').fsPath, 'utf8');
    const uri = writeWorkspaceFile('lm-provider/lm.prompt.yml', source.replace(/^name: .*$/m, 'name: lm-provider'));
    const ref = `vscode-lm:${model.id}`;
    writeWorkspaceFile(
      'lm-provider/lm.whetstone.yaml',
      `split:\n  validation: 0.5\n  seed: 5\nbudget:\n  calls: 400\nmodels:\n  target: ${ref}\n  optimizer: ${ref}\n`,
    );
    const before = await vscode.commands.executeCommand<{ requests: number; tokenCounts: number }>(
      'whetstoneTestLm.stats',
    );
    const started = await vscode.commands.executeCommand<{ runId: string }>('whetstone.optimize', uri, {
      method: 'apo',
      preset: 'quick',
      params: { rounds: 1 },
    });
    assert.ok(started?.runId, 'the job started without asking for an API key');
    const job = await api.context.jobs.whenFinished(started.runId);
    assert.strictEqual(job.status, 'done', job.error);
    const after = await vscode.commands.executeCommand<{ requests: number; tokenCounts: number }>(
      'whetstoneTestLm.stats',
    );
    const used = job.result!.used;
    assert.ok(used.calls > 0);
    assert.strictEqual(
      after.requests - before.requests,
      used.calls,
      'every call of the run went to the vscode.lm model',
    );
    assert.ok(after.tokenCounts > before.tokenCounts && used.tokens > 0, 'tokens counted by the model');
    assert.ok(job.result!.best.score >= job.result!.baseline.score);
    const warnings = job.events
      .filter((e) => e.type === 'log' && e.level === 'warn')
      .map((e) => (e as { message: string }).message);
    assert.ok(
      warnings.some((w) => /VS Code language model: it may ignore temperature/.test(w)),
      `warnings: ${warnings.join(' | ')}`,
    );
  });
});
