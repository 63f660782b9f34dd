/**
 * Regular expressions on model output run on re2js (a port of RE2): matching is linear in the input, so a pattern
 * like `^(a+)+$` cannot hang on a hostile output. JavaScript syntax is translated (named groups, `\u{…}`); flags i, m
 * and s map to RE2's, `u` is RE2's default and `g` means nothing for a test. RE2 has no lookahead or backreferences
 * (captureless lookbehind is on, linear in re2js): a pattern that needs them is an error that says so, never a silent
 * fall-back to the backtracking engine.
 */
import { RE2JS } from 're2js';

export interface LinearRegex {
  test(text: string): boolean;
  /** The flags that applied, in JavaScript spelling (for messages). */
  flags: string;
}

const FLAG_BITS: Record<string, number> = {
  i: RE2JS.CASE_INSENSITIVE,
  m: RE2JS.MULTILINE,
  s: RE2JS.DOTALL,
  u: 0,
  g: 0,
};

const NAMED_BACKREFERENCE = /(?:^|[^\\])(?:\\\\)*\\k</;
const RE2_LIMITS =
  '; model output is matched with RE2, which has no lookahead or backreferences (so matching cannot hang on a hostile output)';

const cache = new Map<string, LinearRegex | string>();
const CACHE_LIMIT = 500;

/** A compiled pattern, or why it cannot be compiled (one sentence, no trailing period). */
export function compileLinearRegex(pattern: string, flags = ''): LinearRegex | string {
  const key = `${flags}/${pattern}`;
  let compiled = cache.get(key);
  if (compiled === undefined) {
    compiled = compile(pattern, flags);
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(key, compiled);
  }
  return compiled;
}

function compile(pattern: string, flags: string): LinearRegex | string {
  let bits = RE2JS.LOOKBEHINDS;
  for (const flag of new Set(flags)) {
    if (!(flag in FLAG_BITS)) return `flag "${flag}" is not supported (use i, m, s or u)`;
    bits |= FLAG_BITS[flag];
  }
  // translateRegExp would read `\k<name>` as the literal text "k<name>": refuse it rather than change its meaning.
  if (NAMED_BACKREFERENCE.test(pattern)) return `backreference \\k<…>${RE2_LIMITS}`;
  try {
    const re = RE2JS.compile(RE2JS.translateRegExp(pattern), bits);
    const shown = [...new Set(flags)].filter((f) => f !== 'g').join('');
    return { test: (text) => re.test(text), flags: shown };
  } catch (err) {
    const reason = err instanceof Error ? err.message.replace(/^error parsing regexp: /, '') : String(err);
    return `${reason}${RE2_LIMITS}`;
  }
}
