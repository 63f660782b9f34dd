/**
 * Tokenizes text with VS Code's own TextMate engine and grammars (vscode-textmate + vscode-oniguruma, and the YAML and
 * Markdown grammars of the running VS Code, found under `vscode.env.appRoot`) plus ours from media/grammars.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

interface Token {
  text: string;
  scopes: string[];
  /** The token's foreground in the theme given to createTokenizer (`#RRGGBB`), if one was. */
  foreground?: string;
}

/** The few members of vscode-textmate / vscode-oniguruma used here (their types are not in this repo's node_modules). */
interface TextMate {
  INITIAL: unknown;
  Registry: new (options: unknown) => { loadGrammar(scope: string): Promise<Grammar | null>; getColorMap(): string[] };
  parseRawGrammar(content: string, file: string): unknown;
}
interface Grammar {
  tokenizeLine(
    line: string,
    state: unknown,
  ): { tokens: { startIndex: number; endIndex: number; scopes: string[] }[]; ruleStack: unknown };
  /** Pairs of (start index, encoded attributes) in one array; the foreground is bits 15–23 of the attributes. */
  tokenizeLine2(line: string, state: unknown): { tokens: Uint32Array };
}

interface ThemeRule {
  scope?: string | string[];
  settings: { foreground?: string; fontStyle?: string };
}

/** JSON with comments and trailing commas, as VS Code's theme files are written. */
function readJsonc(file: string): Record<string, unknown> {
  const text = fs
    .readFileSync(file, 'utf8')
    .replace(/^\s*\/\/.*$/gm, '')
    .replace(/,(\s*[}\]])/g, '$1');
  return JSON.parse(text) as Record<string, unknown>;
}

/** One of VS Code's built-in themes (`light_modern.json`, …) as vscode-textmate's raw theme, `include`s followed. */
function builtInTheme(appRoot: string, file: string): { settings: ThemeRule[] } {
  const dir = path.join(appRoot, 'extensions', 'theme-defaults', 'themes');
  const rulesOf = (name: string): { rules: ThemeRule[]; foreground?: string } => {
    const theme = readJsonc(path.join(dir, name));
    const parent = typeof theme.include === 'string' ? rulesOf(path.basename(theme.include)) : { rules: [] };
    const colors = (theme.colors ?? {}) as Record<string, string>;
    return {
      rules: [...parent.rules, ...((theme.tokenColors ?? []) as ThemeRule[])],
      foreground: colors['editor.foreground'] ?? parent.foreground,
    };
  };
  const { rules, foreground } = rulesOf(file);
  // The first rule without a scope is the default colour, as the workbench sets it from editor.foreground.
  return { settings: [{ settings: { foreground: foreground ?? '#000000' } }, ...rules] };
}
interface Oniguruma {
  loadWASM(data: ArrayBuffer): Promise<void>;
  OnigScanner: new (patterns: string[]) => unknown;
  OnigString: new (text: string) => unknown;
}

/** `theme`: a built-in theme file name (`light_modern.json`) whose colours each token then carries. */
export async function createTokenizer(
  appRoot: string,
  extensionRoot: string,
  theme?: string,
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
  // YAML 1.2 etc. (and the embedding variant) are included by the main YAML grammar in newer VS Code versions.
  for (const v of ['1.0', '1.1', '1.2', '1.3', 'embedded']) {
    const f = path.join(appRoot, 'extensions', 'yaml', 'syntaxes', `yaml-${v}.tmLanguage.json`);
    if (fs.existsSync(f)) grammarFiles[`source.yaml.${v}`] = f;
  }
  const registry = new textmate.Registry({
    ...(theme ? { theme: builtInTheme(appRoot, theme) } : {}),
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
    const colors = registry.getColorMap();
    return text.split('\n').map((line) => {
      const colored = theme ? grammar.tokenizeLine2(line, state).tokens : undefined;
      const r = grammar.tokenizeLine(line, state);
      state = r.ruleStack;
      const foregroundAt = (index: number): string | undefined => {
        if (!colored) return undefined;
        let attributes = colored[1];
        for (let i = 0; i < colored.length; i += 2) if (colored[i] <= index) attributes = colored[i + 1];
        return colors[(attributes >>> 15) & 0x1ff]?.toUpperCase();
      };
      return r.tokens.map((t) => ({
        text: line.slice(t.startIndex, t.endIndex),
        scopes: t.scopes,
        foreground: foregroundAt(t.startIndex),
      }));
    });
  };
}
