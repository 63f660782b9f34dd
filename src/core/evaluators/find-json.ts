/**
 * promptfoo's `contains-json`: the first `{` or `[` (in text order) whose balanced span parses as JSON. A naive scan
 * from every bracket is quadratic (60,000 `{` took minutes); this one is linear. A scan's only state is
 * out-of-string / in-string / after-a-backslash, so the scans from all starts share one table, filled from the end:
 * `close[state][p]` is where a scan entering position p in that state first closes one bracket more than it opened.
 * An open bracket's match is then `close[out][p + 1]`, each entry computed in O(1). Parsing candidates is bounded by
 * a budget proportional to the text, so nested spans that all fail to parse cannot make it quadratic either.
 */

const OUT = 0;
const IN_STRING = 1;
const ESCAPED = 2;
const NONE = -1;

export type FoundJson = { value: unknown } | { exhausted: true } | undefined;

function nextState(state: number, c: number): number {
  if (state === OUT) return c === 0x22 ? IN_STRING : OUT;
  if (state === ESCAPED) return IN_STRING;
  return c === 0x5c ? ESCAPED : c === 0x22 ? OUT : IN_STRING;
}

const isOpen = (c: number) => c === 0x7b || c === 0x5b;
const isClose = (c: number) => c === 0x7d || c === 0x5d;

function closeTable(text: string): Int32Array[] {
  const n = text.length;
  const close = [new Int32Array(n + 1), new Int32Array(n + 1), new Int32Array(n + 1)];
  for (const row of close) row[n] = NONE;
  for (let p = n - 1; p >= 0; p--) {
    const c = text.charCodeAt(p);
    for (let state = OUT; state <= ESCAPED; state++) {
      if (state === OUT && isClose(c)) close[OUT][p] = p;
      else if (state === OUT && isOpen(c)) {
        const match = close[OUT][p + 1];
        close[OUT][p] = match === NONE ? NONE : close[OUT][match + 1];
      } else close[state][p] = close[nextState(state, c)][p + 1];
    }
  }
  return close;
}

/** The first balanced {...} or [...] that parses; `exhausted` when the parse budget ran out before one was found. */
export function findJsonInText(text: string): FoundJson {
  const first = text.search(/[{[]/);
  if (first < 0) return undefined;
  const close = closeTable(text)[OUT];
  // Each candidate costs its length: enough for every span at up to 8 levels of nesting, linear in the text.
  let budget = 8 * text.length + 10_000;
  for (let start = first; start < text.length; start++) {
    if (!isOpen(text.charCodeAt(start))) continue;
    const end = close[start + 1];
    if (end === NONE) continue;
    budget -= end + 1 - start;
    if (budget < 0) return { exhausted: true };
    try {
      return { value: JSON.parse(text.slice(start, end + 1)) };
    } catch {
      // not JSON: try the next bracket
    }
  }
  return undefined;
}
