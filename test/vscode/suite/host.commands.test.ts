/** Every command the manifest contributes is registered (and the reverse), activation is lazy, and its time is logged. */
import * as assert from 'node:assert';
import * as vscode from 'vscode';
import { Commands } from '../../../src/host/commandIds';
import { activateWhetstone, EXTENSION_ID } from './hostHelpers';

suite('host: manifest and activation', () => {
  test('activates and reports its activation time', async () => {
    const api = await activateWhetstone();
    assert.ok(Number.isFinite(api.activationMs) && api.activationMs >= 0, `activationMs = ${api.activationMs}`);
    console.log(`[whetstone] activate() took ${api.activationMs.toFixed(1)} ms`);
  });

  test('every contributed command is registered, and every registered whetstone command is contributed', async () => {
    await activateWhetstone();
    const pkg = vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON as {
      contributes: { commands: { command: string; category?: string }[] };
    };
    const contributed = pkg.contributes.commands.map((c) => c.command).sort();
    const registered = (await vscode.commands.getCommands(true)).filter((c) => c.startsWith('whetstone.')).sort();
    for (const c of contributed) assert.ok(registered.includes(c), `contributed but not registered: ${c}`);
    const declared = Object.values(Commands).sort();
    assert.deepStrictEqual(contributed, declared, 'src/host/commandIds.ts and package.json disagree');
    for (const c of pkg.contributes.commands)
      assert.strictEqual(c.category, 'Whetstone', `${c.command} has no Whetstone category`);
  });

  test('activation is lazy: our languages, commands, panel and agent tools only, never "*"', () => {
    const pkg = vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON as { activationEvents: string[] };
    assert.ok(!pkg.activationEvents.includes('*'));
    assert.ok(
      pkg.activationEvents.every((e) => /^on(Language|Command|WebviewPanel|LanguageModelTool):/.test(e)),
      JSON.stringify(pkg.activationEvents),
    );
  });

  test('the endpoint setting cannot be set by a workspace (machine scope)', () => {
    const pkg = vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON as {
      contributes: { configuration: { properties: Record<string, { scope?: string }> } };
    };
    const props = pkg.contributes.configuration.properties;
    assert.strictEqual(props['whetstone.endpoint.baseUrl'].scope, 'machine');
    assert.strictEqual(props['whetstone.localModelPath'].scope, 'machine');
  });

  test(".prompt.md keeps VS Code's own language; our files get ours", async () => {
    const pkg = vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON as {
      contributes: { languages: { id: string; extensions?: string[] }[] };
    };
    const claimed = pkg.contributes.languages.flatMap((l) => l.extensions ?? []);
    assert.ok(!claimed.includes('.prompt.md'));
    const doc = await vscode.workspace.openTextDocument(
      vscode.Uri.file(`${vscode.workspace.workspaceFolders![0].uri.fsPath}/host/sentiment.prompt.yml`),
    );
    assert.strictEqual(doc.languageId, 'whetstone-prompt-yaml');
  });
});
