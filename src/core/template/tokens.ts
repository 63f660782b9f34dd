/**
 * A linear scan for Jinja/Mustache delimiters: `{{ … }}`, `{% … %}`, `{# … #}`. Regular expressions with
 * `\s*(…)*?\s*` around a lazy group backtrack cubically on long runs of blanks; this never looks at a character twice
 * except in one `indexOf` per token, and stops at an opener that is never closed.
 */
export interface TemplateToken {
  kind: 'var' | 'tag' | 'comment';
  start: number;
  end: number;
  /** The text between the delimiters, whitespace-control dashes and surrounding blanks removed. */
  inner: string;
  /** `{{-` / `{%-`: trims the text before. */
  trimBefore: boolean;
  /** `-}}` / `-%}`: trims the text after. */
  trimAfter: boolean;
}

const CLOSERS: Record<string, { close: string; kind: TemplateToken['kind'] }> = {
  '{': { close: '}}', kind: 'var' },
  '%': { close: '%}', kind: 'tag' },
  '#': { close: '#}', kind: 'comment' },
};

export function templateTokens(text: string): TemplateToken[] {
  const out: TemplateToken[] = [];
  const dead = new Set<string>(); // kinds with no closer left in the text
  let i = text.indexOf('{');
  while (i !== -1 && i + 1 < text.length && dead.size < 3) {
    const opener = text[i + 1];
    const spec = CLOSERS[opener];
    const closeAt = spec && !dead.has(opener) ? text.indexOf(spec.close, i + 2) : -1;
    if (!spec || closeAt === -1) {
      if (spec) dead.add(opener);
      i = text.indexOf('{', i + 1);
      continue;
    }
    let raw = text.slice(i + 2, closeAt);
    const trimBefore = raw.startsWith('-');
    if (trimBefore) raw = raw.slice(1);
    const trimAfter = raw.endsWith('-');
    if (trimAfter) raw = raw.slice(0, -1);
    out.push({ kind: spec.kind, start: i, end: closeAt + 2, inner: raw.trim(), trimBefore, trimAfter });
    i = text.indexOf('{', closeAt + 2);
  }
  return out;
}
