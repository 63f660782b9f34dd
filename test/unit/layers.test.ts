/** The dependency rule of DESIGN.md is enforced by lint: a leak between layers is an error, not a hope. */
import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { ESLint } from 'eslint';

const repoRoot = path.resolve(__dirname, '../..');

async function lintAs(file: string, code: string): Promise<string[]> {
  const eslint = new ESLint({
    cwd: repoRoot,
    // These files exist only here, so no tsconfig holds them: lint them without types (the layer rule needs none).
    overrideConfig: {
      languageOptions: { parserOptions: { projectService: false } },
      rules: { '@typescript-eslint/no-floating-promises': 'off' },
    },
  });
  const [result] = await eslint.lintText(code, { filePath: path.join(repoRoot, file) });
  return result.messages.filter((m) => m.severity === 2).map((m) => m.message);
}

describe('layer rule (lint)', function () {
  this.timeout(30_000);

  it('core may not import vscode', async () => {
    const errors = await lintAs('src/core/leak.ts', "import * as vscode from 'vscode';\nexport const x = vscode;\n");
    assert.ok(
      errors.some((m) => /core must not import vscode/.test(m)),
      errors.join('; '),
    );
  });

  it('core may not import the host or the CLI', async () => {
    const errors = await lintAs('src/core/leak.ts', "import { x } from '../host/extension';\nexport const y = x;\n");
    assert.ok(
      errors.some((m) => /core imports no other layer/.test(m)),
      errors.join('; '),
    );
  });

  it('the webview may not import the host or core', async () => {
    const host = await lintAs(
      'webview/leak.ts',
      "import { activate } from '../src/host/extension';\nexport const y = activate;\n",
    );
    assert.ok(
      host.some((m) => /only src\/protocol/.test(m)),
      host.join('; '),
    );
    const core = await lintAs(
      'webview/leak.ts',
      "import { createRng } from '../src/core/random';\nexport const y = createRng;\n",
    );
    assert.ok(
      core.some((m) => /only src\/protocol/.test(m)),
      core.join('; '),
    );
  });

  it('type-aware rules: a floating promise, `==` and a value import used only as a type are errors', async function () {
    this.timeout(120_000); // the project service loads the whole core program (about 15 s on a quiet machine)
    // Linted as the text of a file the core tsconfig holds, so the project service gives the rules real types.
    const eslint = new ESLint({ cwd: repoRoot });
    const code = [
      "import { Diagnostic } from './diagnostics';",
      'async function save(): Promise<void> {}',
      'save();',
      'export const same = (a: unknown, b: unknown) => a == b;',
      'export type D = Diagnostic;',
      '',
    ].join('\n');
    const [result] = await eslint.lintText(code, { filePath: path.join(repoRoot, 'src/core/random.ts') });
    const rules = result.messages.filter((m) => m.severity === 2).map((m) => m.ruleId);
    assert.deepEqual(rules.sort(), [
      '@typescript-eslint/consistent-type-imports',
      '@typescript-eslint/no-floating-promises',
      'eqeqeq',
    ]);
  });

  it('allowed imports pass', async () => {
    assert.deepEqual(
      await lintAs('webview/ok.ts', "import type { X } from '../src/protocol/messages';\nexport type Y = X;\n"),
      [],
    );
    assert.deepEqual(
      await lintAs(
        'src/host/ok.ts',
        "import * as vscode from 'vscode';\nimport { createRng } from '../core/random';\nexport const y = [vscode, createRng];\n",
      ),
      [],
    );
  });
});
