/** Our TextMate grammars, run through the running VS Code's own TextMate engine and YAML/Markdown grammars. */
import * as assert from 'node:assert';
import * as vscode from 'vscode';
import { createTokenizer } from './grammarTokens';
import { EXTENSION_ID } from './hostHelpers';

function scopesOf(lines: { text: string; scopes: string[] }[][], text: string, fromLine = 0): string[] {
  for (const line of lines.slice(fromLine)) for (const t of line) if (t.text === text) return t.scopes;
  throw new Error(`no token "${text}" in ${JSON.stringify(lines.map((l) => l.map((t) => t.text)))}`);
}

suite('host: grammars', () => {
  let tokenize: (scope: string, text: string) => Promise<{ text: string; scopes: string[] }[][]>;
  suiteSetup(async () => {
    tokenize = await createTokenizer(vscode.env.appRoot, vscode.extensions.getExtension(EXTENSION_ID)!.extensionPath);
  });

  test('.prompt.yml: fields, roles and {{variables}} inside YAML strings get their own scopes', async () => {
    const lines = await tokenize(
      'source.whetstone.prompt-yaml',
      'name: Reviews\nmessages:\n  - role: user\n    content: "Review: {{review}} now"\n',
    );
    assert.ok(
      scopesOf(lines, 'messages').some((s) => s.startsWith('keyword.other.prompt-field')),
      JSON.stringify(scopesOf(lines, 'messages')),
    );
    assert.ok(scopesOf(lines, 'user').includes('entity.name.type.role.whetstone'));
    const variable = scopesOf(lines, 'review');
    assert.ok(variable.includes('variable.other.template.whetstone'), JSON.stringify(variable));
    assert.ok(scopesOf(lines, '{{').includes('punctuation.definition.template-expression.begin.whetstone'));
  });

  test('.prompty: front matter as YAML, role lines, Markdown body, {% tags %} and {{variables}}', async () => {
    const lines = await tokenize(
      'source.whetstone.prompty',
      '---\nname: Demo\ninputs:\n  question:\n    type: string\n---\nsystem:\nYou are **helpful**.\n{% if question %}Answer {{question}}{% endif %}\nuser:\n{{question}}\n',
    );
    const key = scopesOf(lines, 'name');
    assert.ok(
      key.includes('meta.embedded.block.frontmatter') && key.includes('entity.name.tag.yaml'),
      JSON.stringify(key),
    );
    assert.ok(scopesOf(lines, 'system').includes('entity.name.type.role.whetstone'));
    assert.ok(
      scopesOf(lines, 'helpful').some((s) => s.startsWith('markup.bold')),
      JSON.stringify(scopesOf(lines, 'helpful')),
    );
    assert.ok(scopesOf(lines, 'if').includes('keyword.control.template.whetstone'));
    // Line 10 is the user message `{{question}}` (the first "question" token is the inputs key).
    assert.ok(scopesOf(lines, 'question', 10).includes('variable.other.template.whetstone'), JSON.stringify(lines[10]));
  });

  test('${input:name:placeholder} is scoped as a template variable', async () => {
    const lines = await tokenize('source.whetstone.sidecar', 'requirements: "Use ${input:topic:the topic} well"\n');
    assert.ok(scopesOf(lines, 'topic').includes('variable.other.template.input.whetstone'), JSON.stringify(lines));
    assert.ok(scopesOf(lines, 'the topic').includes('string.unquoted.placeholder.whetstone'));
  });

  test('{{variables}} are coloured apart from the YAML text around them in Light Modern and Dark Modern', async () => {
    const text =
      'messages:\n  - role: system\n    content: |\n      Classify {{review}} now.\n  - role: user\n    content: "Review: {{review}}"\n';
    const expected = { 'light_modern.json': '#267F99', 'dark_modern.json': '#4EC9B0' };
    for (const [theme, teal] of Object.entries(expected)) {
      const colored = await createTokenizer(
        vscode.env.appRoot,
        vscode.extensions.getExtension(EXTENSION_ID)!.extensionPath,
        theme,
      );
      const lines = await colored('source.whetstone.prompt-yaml', text);
      const colorOf = (token: string, line: number) => lines[line].find((t) => t.text.includes(token))?.foreground;
      const seen = {
        blockText: colorOf('Classify', 3),
        blockVariable: colorOf('review', 3),
        quotedText: colorOf('Review:', 5),
        quotedVariable: colorOf('review', 5),
      };
      // Before: `variable` only, which Light Modern paints #001080 next to its #0000FF block text.
      assert.strictEqual(seen.blockVariable, teal, `${theme}: ${JSON.stringify(seen)}`);
      assert.strictEqual(seen.quotedVariable, teal, `${theme}: ${JSON.stringify(seen)}`);
      assert.notStrictEqual(seen.blockText, teal, `${theme}: ${JSON.stringify(seen)}`);
      assert.notStrictEqual(seen.quotedText, teal, `${theme}: ${JSON.stringify(seen)}`);
    }
    const scopes = scopesOf(await tokenize('source.whetstone.prompt-yaml', text), 'review');
    assert.deepStrictEqual(scopes.slice(-2), [
      'variable.other.template.whetstone',
      'support.type.template-variable.whetstone',
    ]);
  });
});
