// `npx tsx bench/sandbox.ts`: what isolation and linear-time matching cost per evaluation. Prints one JSON object.
// The QuickJS isolate (fresh runtime per case) against the old node:vm context; RE2 (re2js) against V8's RegExp on
// an ordinary output; contains-json's linear scan on 60,000 `{` (the old scan was quadratic: minutes).
import * as vm from 'node:vm';
import { evaluate, findJsonInText } from '../src/core/evaluators';
import type { EvaluatorSpec } from '../src/core/evaluators/types';
import { compileLinearRegex } from '../src/core/evaluators/linear-regex';

const N = Number(process.argv[process.argv.indexOf('--cases') + 1]) || 2000;
const row = { vars: { word: 'hi' }, expected: 'E' };
const output = 'The review is positive: the customer loved the fast delivery and the friendly support.';

async function perCase(specs: EvaluatorSpec[], n: number): Promise<number> {
  await evaluate(specs, output, row, { trusted: true }); // warm-up (the WASM module loads once)
  const start = process.hrtime.bigint();
  for (let i = 0; i < n; i++) await evaluate(specs, output, row, { trusted: true });
  return Number(process.hrtime.bigint() - start) / 1000 / n;
}

function vmPerCase(code: string, n: number): number {
  const start = process.hrtime.bigint();
  for (let i = 0; i < n; i++) {
    const ctx = vm.createContext({ __input: JSON.stringify({ output, vars: row.vars, expected: row.expected }) });
    vm.runInContext('const { output, vars, expected } = JSON.parse(__input);', ctx);
    new vm.Script(`(function () { return (${code}\n); })()`).runInContext(ctx, { timeout: 1000 });
  }
  return Number(process.hrtime.bigint() - start) / 1000 / n;
}

async function main() {
  const loadStart = process.hrtime.bigint();
  await evaluate([{ type: 'javascript', code: 'true' }], output, row, { trusted: true });
  const moduleLoadMs = Number(process.hrtime.bigint() - loadStart) / 1e6;
  const code = "output.includes('positive') && vars.word === 'hi'";
  const quickjsUs = await perCase([{ type: 'javascript', code }], N);
  const nodeVmUs = vmPerCase(code, N);
  const re2Us = await perCase([{ type: 'regex', pattern: '\\b(positive|negative|neutral)\\b' }], N * 5);
  const v8Start = process.hrtime.bigint();
  for (let i = 0; i < N * 5; i++) new RegExp('\\b(positive|negative|neutral)\\b').test(output);
  const v8RegexUs = Number(process.hrtime.bigint() - v8Start) / 1000 / (N * 5);
  const re2 = compileLinearRegex('\\b(positive|negative|neutral)\\b');
  if (typeof re2 === 'string') throw new Error(re2);
  const re2Start = process.hrtime.bigint();
  for (let i = 0; i < N * 5; i++) re2.test(output);
  const re2BareUs = Number(process.hrtime.bigint() - re2Start) / 1000 / (N * 5);
  const braces = '{'.repeat(60_000);
  const jsonStart = process.hrtime.bigint();
  findJsonInText(braces);
  const containsJson60kMs = Number(process.hrtime.bigint() - jsonStart) / 1e6;
  const redosStart = process.hrtime.bigint();
  await evaluate([{ type: 'regex', pattern: '^(a+)+$' }], 'a'.repeat(41) + '!', row, { trusted: false });
  const redos41Ms = Number(process.hrtime.bigint() - redosStart) / 1e6;
  const r = (x: number) => Math.round(x * 10) / 10;
  process.stdout.write(
    `${JSON.stringify(
      {
        cases: N,
        moduleLoadMs: r(moduleLoadMs),
        quickjsUs: r(quickjsUs),
        nodeVmUs: r(nodeVmUs),
        re2Us: r(re2Us),
        re2BareUs: r(re2BareUs),
        v8RegexUs: r(v8RegexUs),
        containsJson60kMs: r(containsJson60kMs),
        redos41Ms: r(redos41Ms),
      },
      null,
      2,
    )}\n`,
  );
}
void main();
