/**
 * Restricted Mode in the real VS Code: workspace trust is on and this folder is not trusted (the harness opens it with
 * trust enabled and no start-up prompt). Language features work; jobs, prompt tests and code evaluators refuse and
 * say why. Not the unit-level gate swap of suite/host.trust.test.ts: VS Code itself decides the workspace is untrusted.
 */
import * as assert from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import {
  activateWhetstone,
  codeOf,
  fixtureUri,
  openFixture,
  waitForDiagnostics,
  workspaceRoot,
  writeWorkspaceFile,
} from '../suite/hostHelpers';

/** Records the warnings the extension shows (the API object is shared with the extension under development). */
function captureWarnings(): { messages: string[]; restore(): void } {
  const messages: string[] = [];
  const original = vscode.window.showWarningMessage;
  (vscode.window as { showWarningMessage: unknown }).showWarningMessage = (message: string) => {
    messages.push(message);
    return Promise.resolve(undefined);
  };
  return {
    messages,
    restore: () => ((vscode.window as { showWarningMessage: unknown }).showWarningMessage = original),
  };
}

suite('Restricted Mode (workspace trust on, folder untrusted)', () => {
  suiteSetup(async () => {
    await activateWhetstone();
  });

  test('VS Code reports the workspace untrusted, and the extension is active in it', () => {
    assert.strictEqual(vscode.workspace.isTrusted, false);
    assert.ok(vscode.extensions.getExtension('whetstone.whetstone')?.isActive);
  });

  test('language features work: diagnostics, completion, outline', async () => {
    const doc = await openFixture('host/typo.prompt.yml');
    const diags = await waitForDiagnostics(doc.uri, (d) => d.some((x) => codeOf(x) === 'unknown-field'));
    assert.ok(diags.some((d) => /modle/.test(d.message)));
    const symbols = await vscode.commands.executeCommand<vscode.DocumentSymbol[]>(
      'vscode.executeDocumentSymbolProvider',
      doc.uri,
    );
    assert.ok(symbols && symbols.length > 0, 'an outline');
    const completions = await vscode.commands.executeCommand<vscode.CompletionList>(
      'vscode.executeCompletionItemProvider',
      doc.uri,
      new vscode.Position(0, 0),
    );
    assert.ok(completions.items.length > 0, 'completions');
  });

  test('an optimization job refuses with the reason and writes nothing', async () => {
    const warnings = captureWarnings();
    try {
      const started = await vscode.commands.executeCommand('whetstone.optimize', fixtureUri('reviews.prompt.yml'), {
        method: 'apo',
      });
      assert.strictEqual(started, undefined);
    } finally {
      warnings.restore();
    }
    assert.ok(
      warnings.messages.some((m) => /^Optimizing a prompt needs a trusted workspace/.test(m)),
      warnings.messages.join(' | '),
    );
    assert.ok(!fs.existsSync(path.join(workspaceRoot(), '.whetstone', 'runs')), 'no run log');
  });

  test('prompt tests with a code evaluator refuse with the reason and run no code', async () => {
    const marker = path.join(workspaceRoot(), 'evaluator-ran.txt');
    const uri = writeWorkspaceFile(
      'restricted/code-eval.prompt.yml',
      [
        'model: sim-model',
        'messages:',
        '  - role: system',
        '    content: Answer positive, negative or neutral.',
        '  - role: user',
        '    content: "{{review}}"',
        'testData:',
        '  - review: great',
        '    expected: positive',
        '',
      ].join('\n'),
    );
    writeWorkspaceFile(
      'restricted/code-eval.whetstone.yaml',
      [
        'evaluators:',
        '  - type: javascript',
        '    value: |',
        `      require("fs").writeFileSync(${JSON.stringify(marker)}, "ran"); return 1;`,
        '',
      ].join('\n'),
    );
    const warnings = captureWarnings();
    try {
      await vscode.commands.executeCommand('whetstone.runTests', uri);
    } finally {
      warnings.restore();
    }
    assert.ok(
      warnings.messages.some((m) => /^Running prompt tests needs a trusted workspace/.test(m)),
      warnings.messages.join(' | '),
    );
    assert.ok(!fs.existsSync(marker), 'the evaluator code did not run');
  });
});
