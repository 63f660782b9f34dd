/**
 * Go's `fmt.Sprintf("%v", value)` for the values yaml.v3 decodes a `testData` row into (gh-models renders a
 * non-string variable that way: pkg/prompt/prompt.go TemplateString). nil → `<nil>`, bool → `true`, int → decimal,
 * float64 → `%g` with the shortest digits (`1e+06`, `1.5e-05`), []interface{} → `[a b]`, map → `map[k:v]` with the
 * keys sorted (fmt sorts map keys), strings inside them as they are.
 *
 * JavaScript numbers do not say whether YAML wrote `1000000` (Go int) or `1000000.0` (Go float64); an integer value
 * within int64 is printed as an int.
 */

export function goValueString(value: unknown): string {
  if (value === null || value === undefined) return '<nil>';
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') return goNumber(value);
  if (typeof value === 'bigint') return value.toString();
  if (Array.isArray(value)) return `[${value.map(goValueString).join(' ')}]`;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'object') {
    const keys = Object.keys(value).sort(compareBytes);
    return `map[${keys.map((k) => `${k}:${goValueString((value as Record<string, unknown>)[k])}`).join(' ')}]`;
  }
  return String(value);
}

/** Go sorts string keys by bytes; for UTF-16 code units this is the same order outside the surrogate range. */
function compareBytes(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

const INT64_LIMIT = 2 ** 63;

function goNumber(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (n === Infinity) return '+Inf';
  if (n === -Infinity) return '-Inf';
  if (Number.isInteger(n) && Math.abs(n) < INT64_LIMIT) return Object.is(n, -0) ? '0' : n.toFixed(0);
  return goFloat(n);
}

/** strconv.FormatFloat(n, 'g', -1, 64): shortest digits, exponent form when the exponent is < -4 or >= 6 (ftoa.go). */
export function goFloat(n: number): string {
  if (n === 0) return Object.is(n, -0) ? '-0' : '0';
  // toExponential() without an argument gives the shortest digits that read back as n, as Go's shortest mode does.
  const [mantissa, exponentText] = n.toExponential().split('e');
  const exp = Number(exponentText);
  const negative = mantissa.startsWith('-');
  const digits = mantissa.replace('-', '').replace('.', '');
  const sign = negative ? '-' : '';
  if (exp < -4 || exp >= 6) {
    const frac = digits.length > 1 ? `.${digits.slice(1)}` : '';
    const e = Math.abs(exp);
    return `${sign}${digits[0]}${frac}e${exp < 0 ? '-' : '+'}${e < 10 ? '0' : ''}${e}`;
  }
  if (exp < 0) return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
  const intPart = digits.slice(0, exp + 1).padEnd(exp + 1, '0');
  const fracPart = digits.slice(exp + 1);
  return `${sign}${intPart}${fracPart ? `.${fracPart}` : ''}`;
}
