/**
 * Tokenizes text with VS Code's own TextMate engine and grammars (vscode-textmate + vscode-oniguruma, and the YAML and
 * Markdown grammars of the running VS Code, found under `vscode.env.appRoot`) plus ours from media/grammars.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

interface Token {
  text: string;
  scopes: string[];
}

/** The few members of vscode-textmate / vscode-oniguruma used here (their types are not in this repo's node_modules). */
interface TextMate {
  INITIAL: unknown;
  Registry: new (options: unknown) => { loadGrammar(scope: string): Promise<Grammar | null> };
  parseRawGrammar(content: string, file: string): unknown;
}
interface Grammar {
  tokenizeLine(
    line: string,
    state: unknown,
  ): { tokens: { startIndex: number; endIndex: number; scopes: string[] }[]; ruleStack: unknown };
}
interface Oniguruma {
  loadWASM(data: ArrayBuffer): Promise<void>;
  OnigScanner: new (patterns: string[]) => unknown;
  OnigString: new (text: string) => unknown;
}

export async function createTokenizer(
  appRoot: string,
  extensionRoot: string,
): Promise<(scope: string, text: string) => Promise<Token[][]>> {
  const textmate = require(path.join(appRoot, 'node_modules', 'vscode-textmate')) as TextMate;
  const onig = require(path.join(appRoot, 'node_modules', 'vscode-oniguruma')) as Oniguruma;
  const wasm = fs.readFileSync(path.join(appRoot, 'node_modules', 'vscode-oniguruma', 'release', 'onig.wasm'));
  await onig.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength) as ArrayBuffer);
  const grammarFiles: Record<string, string> = {
    'source.yaml': path.join(appRoot, 'extensions', 'yaml', 'syntaxes', 'yaml.tmLanguage.json'),
    'text.html.markdown': path.join(appRoot, 'extensions', 'markdown-basics', 'syntaxes', 'markdown.tmLanguage.json'),
    'source.whetstone.prompt-yaml': path.join(extensionRoot, 'media', 'grammars', 'prompt-yaml.tmLanguage.json'),
    'source.whetstone.prompty': path.join(extensionRoot, 'media', 'grammars', 'prompty.tmLanguage.json'),
    'source.whetstone.sidecar': path.join(extensionRoot, 'media', 'grammars', 'sidecar.tmLanguage.json'),
    'text.whetstone.template-variables.injection': path.join(
      extensionRoot,
      'media',
      'grammars',
      'template-variables.injection.tmLanguage.json',
    ),
  };
  // YAML 1.2 etc. are included by the main YAML grammar in newer VS Code versions.
  for (const v of ['1.0', '1.1', '1.2', '1.3']) {
    const f = path.join(appRoot, 'extensions', 'yaml', 'syntaxes', `yaml-${v}.tmLanguage.json`);
    if (fs.existsSync(f)) grammarFiles[`source.yaml.${v}`] = f;
  }
  const registry = new textmate.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (p: string[]) => new onig.OnigScanner(p),
      createOnigString: (s: string) => new onig.OnigString(s),
    }),
    loadGrammar: async (scope: string) => {
      const file = grammarFiles[scope];
      if (!file || !fs.existsSync(file)) return null;
      return textmate.parseRawGrammar(fs.readFileSync(file, 'utf8'), file);
    },
    getInjections: (scope: string) =>
      scope.startsWith('source.whetstone.') ? ['text.whetstone.template-variables.injection'] : undefined,
  });
  return async (scope, text) => {
    const grammar = await registry.loadGrammar(scope);
    if (!grammar) throw new Error(`grammar ${scope} did not load`);
    let state = textmate.INITIAL;
    return text.split('\n').map((line) => {
      const r = grammar.tokenizeLine(line, state);
      state = r.ruleStack;
      return r.tokens.map((t) => ({ text: line.slice(t.startIndex, t.endIndex), scopes: t.scopes }));
    });
  };
}
