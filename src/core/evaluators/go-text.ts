/**
 * Go's standard-library text behaviour, which `gh models eval` (a Go program) applies to model output and evaluator
 * values: strings.TrimSpace, strings.ToLower, and fmt's %v of a value decoded by gopkg.in/yaml.v3.
 * JavaScript's trim/toLowerCase/String differ at the edges (U+0085 and U+FEFF, "İ", final sigma, 1e+06), and a verdict
 * must not flip on them.
 */

/** unicode.IsSpace: the White_Space property (U+0085 and U+00A0 included, U+FEFF not — unlike JS trim). */
const GO_SPACE = '\\t\\n\\v\\f\\r \\u0085\\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000';
const LEADING = new RegExp(`^[${GO_SPACE}]+`);
const TRAILING = new RegExp(`[${GO_SPACE}]+$`);

export function goTrimSpace(s: string): string {
  return s.replace(LEADING, '').replace(TRAILING, '');
}

/**
 * strings.ToLower: unicode.ToLower per code point (simple case mapping). JS applies full mapping in context: "İ"
 * becomes "i̇" (two code points) and a word-final "Σ" becomes "ς"; Go gives "i" and "σ".
 */
export function goToLower(s: string): string {
  if (!/[\u0130\u03A3]/.test(s)) return s.toLowerCase();
  let out = '';
  for (const ch of s) out += ch === '\u0130' ? 'i' : ch === '\u03A3' ? '\u03C3' : ch.toLowerCase();
  return out;
}

/** strconv.FormatFloat(f, 'g', -1, 64) as fmt's %v uses it: shortest digits, exponent form below 1e-4 or from 1e6. */
function goFloat(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (n === Infinity) return '+Inf';
  if (n === -Infinity) return '-Inf';
  if (n === 0) return Object.is(n, -0) ? '-0' : '0';
  const [mantissa, expText] = n.toExponential().split('e'); // shortest round-trip digits, like Go's
  const exp = Number(expText);
  if (exp < -4 || exp >= 6) {
    const sign = exp < 0 ? '-' : '+';
    return `${mantissa}e${sign}${String(Math.abs(exp)).padStart(2, '0')}`;
  }
  return String(n);
}

/**
 * fmt.Sprintf("%v", v) for what yaml.v3 decodes into interface{}: strings as-is, nil as "<nil>", lists "[a b]", maps
 * "map[k:v]" (keys sorted, as fmt prints maps). A whole number is taken as the YAML int it almost always was
 * (`3` → "3"); yaml.v3 would print a float written `1000000.0` as "1e+06" — JS numbers cannot tell the two apart.
 */
export function goValueText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === null || value === undefined) return '<nil>';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number')
    return Number.isInteger(value) && Math.abs(value) < 2 ** 63 ? String(value) : goFloat(value);
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return `[${value.map(goValueText).join(' ')}]`;
  if (typeof value === 'object') {
    const entries = Object.keys(value as object)
      .sort()
      .map((k) => `${k}:${goValueText((value as Record<string, unknown>)[k])}`);
    return `map[${entries.join(' ')}]`;
  }
  return String(value);
}
