// The layer rule of DESIGN.md, enforced: core never sees vscode or another layer; protocol sees only core's types;
// the webview sees only protocol. A leak fails `npm run lint` and so `npm test`.
// Type-aware rules (through each file's own tsconfig, found by the project service): no promise left floating in a
// codebase this asynchronous, `import type` for type-only imports (esbuild drops them, no side effects), and `===`.
import tseslint from 'typescript-eslint';

const layer = (files, patterns) => ({
  files,
  rules: { 'no-restricted-imports': ['error', { patterns }] },
});

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'test/vscode/.harness/**', 'bench/peer/**', '**/*.mjs', '**/*.js'] },
  {
    files: ['**/*.ts'],
    languageOptions: {
      parser: tseslint.parser,
      parserOptions: {
        projectService: { allowDefaultProject: ['bench/*.ts'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    plugins: { '@typescript-eslint': tseslint.plugin },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/consistent-type-imports': [
        'error',
        // `typeof import('node-llama-cpp')` stays allowed: it names a lazily loaded module's types without loading it.
        { fixStyle: 'inline-type-imports', disallowTypeAnnotations: false },
      ],
      eqeqeq: ['error', 'always', { null: 'ignore' }],
    },
  },
  layer(
    ['src/core/**/*.ts'],
    [
      { group: ['vscode'], message: 'core must not import vscode (DESIGN.md layers)' },
      {
        group: ['**/host/**', '**/cli/**', '**/protocol/**', '**/webview/**', '**/sim/**'],
        message: 'core imports no other layer',
      },
    ],
  ),
  layer(
    ['src/protocol/**/*.ts'],
    [
      { group: ['vscode', 'node:*', 'fs', 'path', 'child_process'], message: 'protocol is pure types and helpers' },
      { group: ['**/host/**', '**/cli/**', '**/webview/**'], message: 'protocol imports only core types' },
    ],
  ),
  layer(
    ['webview/**/*.ts'],
    [
      { group: ['vscode', 'node:*', 'fs', 'path', 'child_process'], message: 'the webview runs in a browser' },
      {
        group: ['**/src/host/**', '**/src/core/**', '**/src/cli/**', '**/src/sim/**'],
        message: 'the webview imports only src/protocol',
      },
    ],
  ),
  layer(
    ['src/cli/**/*.ts'],
    [
      { group: ['vscode'], message: 'the CLI runs without VS Code' },
      { group: ['**/host/**', '**/webview/**'], message: 'the CLI is an adapter over core' },
    ],
  ),
  layer(
    ['src/host/**/*.ts'],
    [{ group: ['**/cli/**', '**/webview/**'], message: 'the host is an adapter over core and protocol' }],
  ),
);
