/** Language features on fixture prompts, in the real extension host: diagnostics and their ranges, quick fixes,
 * completion, hover, CodeLens and the outline. */
import * as assert from 'node:assert';
import * as vscode from 'vscode';
import {
  activateWhetstone,
  codeOf,
  fixtureUri,
  hoverText,
  openFixture,
  waitForDiagnostics,
  writeWorkspaceFile,
} from './hostHelpers';

suite('host: language features', () => {
  suiteSetup(async () => {
    await activateWhetstone();
  });

  test('a misspelt field is flagged on the key itself, with a quick fix', async () => {
    const doc = await openFixture('host/typo.prompt.yml');
    const diags = await waitForDiagnostics(doc.uri, (d) => d.some((x) => codeOf(x) === 'unknown-field'));
    const typo = diags.find((d) => codeOf(d) === 'unknown-field')!;
    assert.deepStrictEqual(
      [typo.range.start.line, typo.range.start.character, typo.range.end.line, typo.range.end.character],
      [1, 0, 1, 5],
    );
    assert.strictEqual(typo.severity, vscode.DiagnosticSeverity.Warning);
    assert.match(typo.message, /modle/);
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
      'vscode.executeCodeActionProvider',
      doc.uri,
      typo.range,
    );
    const fix = actions.find((a) => a.title === 'Change "modle" to "model"');
    assert.ok(fix, `quick fixes: ${actions.map((a) => a.title).join(', ')}`);
  });

  test('a variable the test rows do not fill is flagged once, on the variable', async () => {
    const doc = await openFixture('host/typo.prompt.yml');
    const diags = await waitForDiagnostics(doc.uri, (d) => d.some((x) => codeOf(x) === 'missing-column'));
    const missing = diags.filter((d) => codeOf(d) === 'missing-column');
    assert.strictEqual(missing.length, 1);
    assert.strictEqual(doc.getText(missing[0].range), '{{mood}}');
    assert.match(missing[0].message, /^\{\{mood\}\} has no value in the only test row: /);
  });

  test('a variable no test row has gets a fix that adds it to every row', async () => {
    const doc = await openFixture('host/typo.prompt.yml');
    const missing = (await waitForDiagnostics(doc.uri, (d) => d.some((x) => codeOf(x) === 'missing-column'))).find(
      (d) => codeOf(d) === 'missing-column',
    )!;
    const fix = (
      await vscode.commands.executeCommand<vscode.CodeAction[]>(
        'vscode.executeCodeActionProvider',
        doc.uri,
        missing.range,
      )
    ).find((a) => a.title === 'Add "mood" to every test row');
    assert.ok(fix?.edit, 'no "Add to every test row" fix');
    assert.ok(await vscode.workspace.applyEdit(fix.edit));
    assert.match(doc.getText(), /  - text: hello there\n    expected: positive\n    mood: ""\n/);
    await waitForDiagnostics(doc.uri, (d) => !d.some((x) => codeOf(x) === 'missing-column'));
    await vscode.commands.executeCommand('workbench.action.files.revert');
  });

  test('a sidecar opened on its own shows its problems, with a typo fix', async () => {
    const doc = await openFixture('host/alone.whetstone.yaml');
    const diags = await waitForDiagnostics(doc.uri, (d) => d.some((x) => codeOf(x) === 'unknown-setting'));
    const d = diags.find((x) => codeOf(x) === 'unknown-setting')!;
    assert.deepStrictEqual([d.range.start.line, d.range.start.character, d.range.end.character], [0, 0, 5]);
    const fix = (
      await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', doc.uri, d.range)
    ).find((a) => a.title === 'Change "methd" to "method"');
    assert.ok(fix, 'no typo fix in the sidecar');
  });

  test('prompty: undeclared and unused inputs, with fixes that declare and remove them', async () => {
    const doc = await openFixture('host/inputs.prompty');
    const diags = await waitForDiagnostics(doc.uri, (d) =>
      ['undeclared-variable', 'unused-variable'].every((c) => d.some((x) => codeOf(x) === c)),
    );
    const undeclared = diags.find((d) => codeOf(d) === 'undeclared-variable')!;
    assert.strictEqual(doc.getText(undeclared.range), '{{topic}}');
    const unused = diags.find((d) => codeOf(d) === 'unused-variable')!;
    assert.strictEqual(unused.range.start.line, 5);

    const declare = (
      await vscode.commands.executeCommand<vscode.CodeAction[]>(
        'vscode.executeCodeActionProvider',
        doc.uri,
        undeclared.range,
      )
    ).find((a) => a.title === 'Declare input "topic"');
    assert.ok(declare?.edit, 'no "Declare input" fix');
    const remove = (
      await vscode.commands.executeCommand<vscode.CodeAction[]>(
        'vscode.executeCodeActionProvider',
        doc.uri,
        unused.range,
      )
    ).find((a) => a.title === 'Remove unused input "unusedInput"');
    assert.ok(remove?.edit, 'no "Remove unused input" fix');

    // Apply both, check the text, then revert the document so other tests see the fixture as is.
    assert.ok(await vscode.workspace.applyEdit(declare.edit));
    let text = doc.getText();
    assert.match(text, /\n {2}topic:\n {4}type: string\n---/);
    const unusedNow = (
      await waitForDiagnostics(
        doc.uri,
        (d) => d.some((x) => codeOf(x) === 'unused-variable') && !d.some((x) => codeOf(x) === 'undeclared-variable'),
      )
    ).find((d) => codeOf(d) === 'unused-variable')!;
    const remove2 = (
      await vscode.commands.executeCommand<vscode.CodeAction[]>(
        'vscode.executeCodeActionProvider',
        doc.uri,
        unusedNow.range,
      )
    ).find((a) => a.title.startsWith('Remove unused input'))!;
    assert.ok(await vscode.workspace.applyEdit(remove2.edit!));
    text = doc.getText();
    assert.ok(!text.includes('unusedInput'), text);
    await waitForDiagnostics(doc.uri, (d) => d.length === 0);
    await vscode.commands.executeCommand('workbench.action.files.revert');
  });

  test("a missing dataset is flagged on the sidecar's dataset value", async () => {
    await openFixture('host/missing-data.prompt.yml');
    const sidecar = fixtureUri('host/missing-data.whetstone.yaml');
    const diags = await waitForDiagnostics(sidecar, (d) => d.some((x) => codeOf(x) === 'dataset-not-found'));
    const d = diags.find((x) => codeOf(x) === 'dataset-not-found')!;
    assert.strictEqual(d.severity, vscode.DiagnosticSeverity.Error);
    assert.deepStrictEqual([d.range.start.line, d.range.start.character, d.range.end.character], [0, 9, 29]);
  });

  test('completion offers variables inside {{ and missing top-level fields', async () => {
    const doc = await openFixture('host/completion.prompt.yml');
    const line = doc.lineAt(4).text;
    const inside = new vscode.Position(4, line.lastIndexOf('{{') + 2);
    const vars = await vscode.commands.executeCommand<vscode.CompletionList>(
      'vscode.executeCompletionItemProvider',
      doc.uri,
      inside,
      '{',
    );
    // Ours only (Variable / Field kinds): VS Code's word completions would list words of the file anyway.
    const labels = vars.items
      .filter((i) => i.kind === vscode.CompletionItemKind.Variable)
      .map((i) => (typeof i.label === 'string' ? i.label : i.label.label));
    assert.deepStrictEqual(labels.sort(), ['article', 'audience']);
    const top = await vscode.commands.executeCommand<vscode.CompletionList>(
      'vscode.executeCompletionItemProvider',
      doc.uri,
      new vscode.Position(10, 0),
    );
    const fields = top.items
      .filter((i) => i.kind === vscode.CompletionItemKind.Field)
      .map((i) => (typeof i.label === 'string' ? i.label : i.label.label));
    assert.ok(fields.includes('evaluators') && fields.includes('model'), fields.join(', '));
    assert.ok(!fields.includes('messages'), 'offers a field the file already has');
  });

  test(".prompt.md keeps VS Code's language, and ${input: completes the file's input variables", async () => {
    const doc = await openFixture('host/explain.prompt.md');
    assert.notStrictEqual(doc.languageId, 'whetstone-prompt-yaml');
    const line = doc.lineAt(3).text;
    const list = await vscode.commands.executeCommand<vscode.CompletionList>(
      'vscode.executeCompletionItemProvider',
      doc.uri,
      new vscode.Position(3, line.length),
    );
    const items = list.items.filter((i) => i.detail === 'used in this prompt');
    assert.deepStrictEqual(items.map((i) => (typeof i.label === 'string' ? i.label : i.label.label)).sort(), [
      'audience',
      'topic',
    ]);
    assert.strictEqual(
      items[0].insertText,
      `${typeof items[0].label === 'string' ? items[0].label : items[0].label.label}}`,
    );
  });

  test('completion offers configured model names after model:', async () => {
    const doc = await openFixture('host/sentiment.prompt.yml');
    assert.strictEqual(doc.lineAt(2).text, 'model: sim-model');
    const pos = new vscode.Position(2, doc.lineAt(2).text.length);
    const list = await vscode.commands.executeCommand<vscode.CompletionList>(
      'vscode.executeCompletionItemProvider',
      doc.uri,
      pos,
    );
    const models = vscode.workspace.getConfiguration('whetstone').get<string[]>('models.available') ?? [];
    // Only our items (detail 'model'): VS Code's word completions would list "sim-model" from the file anyway.
    const labels = list.items
      .filter((i) => i.detail === 'model')
      .map((i) => (typeof i.label === 'string' ? i.label : i.label.label));
    assert.ok(models.length > 0, 'no models configured');
    assert.deepStrictEqual(labels.sort(), [...models].sort());
  });

  test('sidecar: method, region and evaluator types complete', async () => {
    const uri = writeWorkspaceFile('host-completion/r.whetstone.yaml', 'method: \nregion: \nevaluators:\n  - type: \n');
    const doc = await vscode.workspace.openTextDocument(uri);
    const ours = async (line: number) =>
      (
        await vscode.commands.executeCommand<vscode.CompletionList>(
          'vscode.executeCompletionItemProvider',
          uri,
          new vscode.Position(line, doc.lineAt(line).text.length),
        )
      ).items
        .filter((i) => i.kind === vscode.CompletionItemKind.EnumMember)
        .map((i) => (typeof i.label === 'string' ? i.label : i.label.label));
    assert.deepStrictEqual(await ours(0), ['apo', 'spo', 'pmpo']);
    assert.deepStrictEqual(await ours(1), ['system', 'user', 'body', 'message:0']);
    assert.ok((await ours(3)).includes('llmJudge'));
  });

  test('Prompty: model names complete under `model:` (id / azure_deployment)', async () => {
    const uri = writeWorkspaceFile(
      'host-completion/model.prompty',
      '---\nname: m\nmodel:\n  api: chat\n  configuration:\n    azure_deployment: \n---\nsystem:\nHi\n',
    );
    const doc = await vscode.workspace.openTextDocument(uri);
    const list = await vscode.commands.executeCommand<vscode.CompletionList>(
      'vscode.executeCompletionItemProvider',
      doc.uri,
      new vscode.Position(5, doc.lineAt(5).text.length),
    );
    const labels = list.items
      .filter((i) => i.detail === 'model')
      .map((i) => (typeof i.label === 'string' ? i.label : i.label.label));
    assert.deepStrictEqual(
      labels.sort(),
      [...(vscode.workspace.getConfiguration('whetstone').get<string[]>('models.available') ?? [])].sort(),
    );
  });

  test('hover on a variable shows its declaration and sample values; on a message its tokens and cost', async () => {
    const doc = await openFixture('host/sentiment.prompt.yml');
    const text = doc.getText();
    const at = doc.positionAt(text.indexOf('{{review}}') + 3);
    const variable = hoverText(
      await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, at),
    );
    assert.match(variable, /`review`/);
    assert.match(variable, /Samples from `testData` \(4 rows\)/);
    assert.match(variable, /I love it, it works perfectly\./);
    const system = doc.positionAt(text.indexOf('You read product reviews') + 5);
    const message = hoverText(
      await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, system),
    );
    // "You read product reviews. Answer with one word, positive or negative." is 14 tokens in o200k_base.
    assert.match(message, /\*\*system\*\* message · \*\*14\*\* tokens \(o200k_base\)/);
    assert.match(message, /sim-model/);
  });

  test("hover on a sidecar's dataset shows its rows and columns; the prompt counts the dataset's rows", async () => {
    const sidecar = await openFixture('host/summarize.whetstone.yaml');
    const hover = hoverText(
      await vscode.commands.executeCommand<vscode.Hover[]>(
        'vscode.executeHoverProvider',
        sidecar.uri,
        new vscode.Position(0, 12),
      ),
    );
    assert.match(hover, /\*\*articles\.jsonl\*\* · 2 rows \(2 with `expected`\)/);
    assert.match(hover, /Columns: `article`/);
    const prompt = await openFixture('host/summarize.prompt.yml');
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>(
      'vscode.executeCodeLensProvider',
      prompt.uri,
      10,
    );
    assert.ok(
      lenses.some((l) => l.command?.title === '▶ Run tests (2)'),
      lenses.map((l) => l.command?.title).join(' · '),
    );
    const variable = hoverText(
      await vscode.commands.executeCommand<vscode.Hover[]>(
        'vscode.executeHoverProvider',
        prompt.uri,
        prompt.positionAt(prompt.getText().indexOf('{{article}}') + 3),
      ),
    );
    assert.match(variable, /Samples from the dataset \(2 rows\)/);
    assert.match(variable, /Cats sleep a lot\./);
  });

  test('CodeLens above the prompt: run tests, optimize, runs', async () => {
    const doc = await openFixture('host/sentiment.prompt.yml');
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>(
      'vscode.executeCodeLensProvider',
      doc.uri,
      10,
    );
    const titles = lenses.map((l) => l.command?.title ?? '');
    assert.ok(titles.includes('▶ Run tests (4)'), titles.join(' · '));
    assert.ok(titles.includes('✦ Optimize…') || titles.some((t) => t.includes('Optimizing')), titles.join(' · '));
    assert.ok(
      titles.some((t) => /^⟲ Runs \(\d+\)$/.test(t)),
      titles.join(' · '),
    );
    const messagesLine = doc
      .getText()
      .split('\n')
      .findIndex((l) => l.startsWith('messages:'));
    assert.strictEqual(lenses[0].range.start.line, messagesLine);
  });

  test('outline lists messages, variables, test cases and evaluators', async () => {
    const doc = await openFixture('host/sentiment.prompt.yml');
    const symbols = await vscode.commands.executeCommand<vscode.DocumentSymbol[]>(
      'vscode.executeDocumentSymbolProvider',
      doc.uri,
    );
    const names = symbols.map((s) => s.name);
    assert.deepStrictEqual(names, ['messages', 'variables', 'testData', 'evaluators']);
    assert.deepStrictEqual(
      symbols[0].children.map((c) => c.name),
      ['system', 'user'],
    );
    assert.deepStrictEqual(
      symbols[1].children.map((c) => c.name),
      ['review'],
    );
    assert.strictEqual(symbols[2].children.length, 4);
    assert.strictEqual(symbols[3].children[0].name, 'names the expected sentiment');
  });
});
