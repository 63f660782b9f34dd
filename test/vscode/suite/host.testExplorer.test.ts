/** Prompt tests in the Test Explorer: items per file and row, runs reporting each row, refusal when untrusted. */
import * as assert from 'node:assert';
import * as vscode from 'vscode';
import { startSimServer, type SimServer } from '../../../src/sim/server';
import { echoHandler } from '../../../src/sim/echo-handler';
import { activateWhetstone, writeWorkspaceFile } from './hostHelpers';
import type { WhetstoneApi } from '../../../src/host/extension';
import type { EvalRunResult } from '../../../src/core/evaluation/run-eval';

/** Against an echo server, so which rows pass is known: the reply contains the word, not "something else". */
const prompt = (url: string) =>
  `model: ${url}#sim-model\nmessages:\n  - role: user\n    content: "Repeat: {{word}}"\n` +
  'testData:\n  - word: alpha\n    expected: alpha\n  - word: beta\n    expected: something else\n' +
  'evaluators:\n  - name: contains the expected word\n    string:\n      contains: "{{expected}}"\n';

suite('host: Test Explorer', () => {
  let api: WhetstoneApi;
  let echo: SimServer;
  let PROMPT: string;
  suiteSetup(async () => {
    api = await activateWhetstone();
    echo = await startSimServer({ handler: echoHandler });
    PROMPT = prompt(echo.url);
  });
  suiteTeardown(async () => {
    await echo.close();
  });

  test("a prompt file is an item with one child per test row, at the row's line", async () => {
    const uri = writeWorkspaceFile('host-tests/words.prompt.yml', PROMPT);
    const file = await api.context.testExplorer!.refresh(uri);
    assert.ok(file);
    const rows: vscode.TestItem[] = [];
    file.children.forEach((c) => rows.push(c));
    assert.deepStrictEqual(
      rows.map((r) => r.label),
      ['1: alpha', '2: beta'],
    );
    assert.deepStrictEqual(
      rows.map((r) => r.range?.start.line),
      [5, 7],
    );
  });

  test('running a file reports every row: the echo contains "alpha" but not "something else"', async () => {
    const uri = writeWorkspaceFile('host-tests/words.prompt.yml', PROMPT);
    const file = (await api.context.testExplorer!.refresh(uri))!;
    const outcomes = await api.context.testExplorer!.run([file]);
    const results = [...outcomes.values()];
    assert.strictEqual(results.length, 2);
    assert.ok(
      results.every((r) => !(r instanceof Error)),
      String(results.find((r) => r instanceof Error)),
    );
    const [first, second] = [outcomes.get(`${uri.toString()}#row:0`), outcomes.get(`${uri.toString()}#row:1`)] as {
      pass: boolean;
    }[];
    assert.strictEqual(first.pass, true);
    assert.strictEqual(second.pass, false);
  });

  test('running one row runs only that row; untrusted workspaces get an error per row instead', async () => {
    const uri = writeWorkspaceFile('host-tests/words.prompt.yml', PROMPT);
    const file = (await api.context.testExplorer!.refresh(uri))!;
    const second = file.children.get(`${uri.toString()}#row:1`)!;
    const only = await api.context.testExplorer!.run([second]);
    assert.deepStrictEqual([...only.keys()], [second.id]);
    const gate = api.context.trust;
    const isTrusted = gate.isTrusted;
    gate.isTrusted = () => false;
    try {
      const refused = await api.context.testExplorer!.run([file]);
      assert.ok([...refused.values()].every((r) => r instanceof Error && /needs a trusted workspace/.test(r.message)));
    } finally {
      gate.isTrusted = isTrusted;
    }
  });

  test('the CodeLens "▶ Run tests" runs through the Test Explorer: its TestRun reports each row passed or failed', async () => {
    const uri = writeWorkspaceFile('host-tests/lens.prompt.yml', PROMPT);
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri, 10);
    const lens = lenses.find((l) => l.command?.title.startsWith('▶ Run tests'));
    assert.ok(lens?.command, lenses.map((l) => l.command?.title).join(' · '));
    const before = api.context.testExplorer!.lastRun;
    const result = await vscode.commands.executeCommand<EvalRunResult>(
      lens.command.command,
      ...(lens.command.arguments ?? []),
    );
    assert.strictEqual(result?.cases, 2);
    const record = api.context.testExplorer!.lastRun;
    assert.ok(record && record !== before, 'the CodeLens run made no TestRun');
    assert.strictEqual(record.ended, true);
    // The same verdicts the Testing view and the gutter show: "alpha" is echoed, "something else" is not.
    assert.deepStrictEqual(Object.fromEntries(record.states), {
      [`${uri.toString()}#row:0`]: 'passed',
      [`${uri.toString()}#row:1`]: 'failed',
    });
    assert.deepStrictEqual([result.passed, result.failed], [1, 1]);
  });
});
