/**
 * Prompty's Mustache templates (`template: mustache`, v2 `template: {format: mustache}`) through mustache 4.2.0,
 * called as Prompty's TypeScript runtime calls it (microsoft/prompty runtime/typescript/packages/core/src/renderers/
 * mustache.ts: `Mustache.render(template, inputs)`, so `{{x}}` is HTML-escaped and `{{{x}}}`/`{{&x}}` is not, as
 * chevron does in the Python runtime). Variable use comes from Mustache's own parse.
 */
import Mustache from 'mustache';

export interface MustacheUse {
  name: string;
  offset: number;
  /** Where the tag ends. */
  end: number;
}

export interface MustacheAnalysis {
  uses: MustacheUse[];
  usesOtherTemplates: boolean;
  error?: { message: string; offset: number };
}

type Token = [string, string, number, number, Token[]?, number?];

export function analyzeMustache(template: string): MustacheAnalysis {
  let tokens: Token[];
  try {
    tokens = Mustache.parse(template) as unknown as Token[];
  } catch (e) {
    const message = (e as Error).message;
    const at = /at (\d+)/.exec(message);
    return { uses: [], usesOtherTemplates: false, error: { message, offset: at ? Number(at[1]) : 0 } };
  }
  const out: MustacheAnalysis = { uses: [], usesOtherTemplates: false };
  const walk = (list: Token[], depth: number) => {
    for (const t of list) {
      const [kind, value, start, end] = t;
      if (kind === '>') out.usesOtherTemplates = true;
      // Inside a section a name may be the section item's field; only names read at the top level are inputs.
      if ((kind === 'name' || kind === '&' || kind === '#' || kind === '^') && depth === 0 && value !== '.') {
        out.uses.push({ name: value.split('.')[0], offset: start, end });
      }
      if ((kind === '#' || kind === '^') && t[4]) walk(t[4], depth + 1);
    }
  };
  walk(tokens, 0);
  return out;
}

export function renderMustache(template: string, vars: Record<string, unknown>): { text: string; error?: string } {
  try {
    return { text: Mustache.render(template, vars) };
  } catch (e) {
    return { text: template, error: (e as Error).message };
  }
}
