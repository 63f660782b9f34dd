/**
 * Attacks on the custom-code isolate (src/core/evaluators/js-sandbox.ts, QuickJS in WebAssembly). Each attack is a
 * known `node:vm` escape or a way to stall the host; every one must end as a failed check with a reason, inside the
 * time limit, without the host's environment anywhere in what comes back.
 */
import { strict as assert } from 'node:assert';
import { evaluate } from '../../../src/core/evaluators';
import type { EvaluationResult, EvaluatorSpec } from '../../../src/core/evaluators/types';

const SECRET = 'sk-test-sandbox-SECRET-4242';

async function run(code: string, output = 'x', timeoutMs = 300): Promise<EvaluationResult> {
  const spec: EvaluatorSpec = { type: 'javascript', code, timeoutMs };
  const [result] = await evaluate([spec], output, { vars: { word: 'hi' }, expected: 'E' }, { trusted: true });
  return result;
}

function assertHeld(r: EvaluationResult, why: RegExp): void {
  assert.equal(r.pass, false, `the attack passed: ${r.feedback}`);
  assert.match(r.feedback ?? '', why);
  assert.ok(!JSON.stringify(r).includes(SECRET), 'the secret reached the result');
}

describe('javascript evaluator isolate: attacks', function () {
  this.timeout(30_000);
  let saved: string | undefined;
  before(() => {
    saved = process.env.OPENAI_API_KEY;
    process.env.OPENAI_API_KEY = SECRET;
  });
  after(() => {
    if (saved === undefined) delete process.env.OPENAI_API_KEY;
    else process.env.OPENAI_API_KEY = saved;
  });

  // The classic node:vm escapes: reach the host's Function through a prototype chain and ask it for `process`.
  const escapes: [string, string][] = [
    ['this.constructor.constructor', "this.constructor.constructor('return process')().env.OPENAI_API_KEY"],
    ['Function via an object literal', "({}).constructor.constructor('return process.env')().OPENAI_API_KEY"],
    ['Function via the context arg', "context.constructor.constructor('return process')().env.OPENAI_API_KEY"],
    ['Function via output', "output.constructor.constructor('return this.process')().env.OPENAI_API_KEY"],
    ['globalThis.process', 'globalThis.process.env.OPENAI_API_KEY'],
    ['require', "require('child_process').execSync('env').toString()"],
    ['dynamic import', "import('node:fs').then((fs) => fs.readFileSync('/proc/self/environ', 'utf8'))"],
    [
      'Error.prepareStackTrace',
      `Error.prepareStackTrace = (e, frames) => frames.map((f) => f.getThis());
       const frames = new Error().stack;
       return frames[frames.length - 1].process.env.OPENAI_API_KEY`,
    ],
    [
      'stack-overflow error object',
      `let e; try { (function f() { f(); })(); } catch (err) { e = err; }
       return e.constructor.constructor('return process')().env.OPENAI_API_KEY`,
    ],
    ['arguments.callee.caller', '(function f() { return f.caller.constructor("return process")().env; })()'],
    ['eval', "eval('process.env.OPENAI_API_KEY')"],
    ['WebAssembly', "typeof WebAssembly === 'undefined' ? undefined.x : WebAssembly.Module"],
  ];
  for (const [label, code] of escapes) {
    it(`holds against ${label}`, async () => {
      // Returning the loot as `reason` (and pass) would show it; the attack must fail instead.
      const r = await run(`const loot = (() => { ${code.includes('return') ? code : `return ${code}`} })();
        return { pass: true, reason: String(loot) };`);
      assert.ok(!JSON.stringify(r).includes(SECRET), `${label}: the secret reached the result`);
      if (r.pass) assert.doesNotMatch(r.feedback ?? '', /sk-|PATH=|HOME=/, `${label}: leaked ${r.feedback}`);
    });
  }

  it('the guest has ECMAScript built-ins only: no process, require, fetch, timers or host globals', async () => {
    const r = await run(
      `const names = ['process', 'require', 'module', 'fetch', 'setTimeout', 'setInterval', 'Buffer', 'global',
        'XMLHttpRequest', 'WebSocket', 'os', 'std', '__dirname'];
       return { pass: true, reason: names.filter((n) => typeof globalThis[n] !== 'undefined').join(',') || 'none' };`,
    );
    assert.deepEqual([r.pass, r.feedback], [true, 'none']);
  });

  it('each evaluation starts from a fresh realm (no state carried between cases)', async () => {
    const code = 'globalThis.count = (globalThis.count || 0) + 1; return globalThis.count === 1;';
    assert.equal((await run(code)).pass, true);
    assert.equal((await run(code)).pass, true);
  });

  it('an infinite loop, a regex backtracking bomb and a microtask loop end at the time limit', async () => {
    assertHeld(await run('while (true) {}'), /timed out after 300 ms/);
    assertHeld(await run("/^(a+)+$/.test('a'.repeat(40) + 'b')"), /timed out/);
    assertHeld(await run('(function f() { return Promise.resolve().then(f); })()'), /timed out/);
  });

  it('memory bombs end at the memory limit or the time limit, and the host keeps its memory', async () => {
    const before = process.memoryUsage().rss;
    assertHeld(await run("'x'.repeat(2 ** 29)"), /out of memory|threw/);
    assertHeld(await run('new ArrayBuffer(1.5e9)'), /out of memory|threw/);
    assertHeld(await run('const a = []; while (true) a.push(new Float64Array(1e5));'), /out of memory|timed out/);
    assertHeld(await run('const a = []; while (true) a.push(new Array(1e5).fill(1.5));'), /out of memory|timed out/);
    assertHeld(await run("let s = 'ab'; while (true) s += s;"), /out of memory|timed out|threw/);
    // The guest heap is the WASM memory, created with a 64 MB maximum: 1.5 GB of bombs never reached the host.
    assert.ok(process.memoryUsage().rss - before < 256 * 1024 * 1024);
  });

  it('deep recursion is a stack-overflow failure, not a host crash', async () => {
    assertHeld(await run('(function f() { return f() + 1; })()'), /stack overflow|threw/);
    assertHeld(await run("JSON.parse('['.repeat(100000))"), /stack overflow|threw/);
    assertHeld(
      await run(
        'let o = {}; for (let i = 0; i < 100000; i++) o = { o }; return JSON.stringify(o).length > 0 && false;',
      ),
      /stack overflow|threw|code returned false/,
    );
  });

  it('getters, proxies, toJSON and Symbol.toPrimitive on the returned value run inside the limit', async () => {
    assertHeld(await run('({ get pass() { while (true) {} } })'), /timed out/);
    assertHeld(await run('new Proxy({}, { get() { while (true) {} } })'), /timed out/);
    assertHeld(await run('({ pass: false, toJSON() { while (true) {} } })'), /code said the output fails/);
    // A non-string reason is never coerced, so its toPrimitive/toString never run.
    const prim = await run(
      '({ pass: false, reason: { [Symbol.toPrimitive]() { while (true) {} }, toString() { while (true) {} } } })',
    );
    assertHeld(prim, /code said the output fails/);
    assertHeld(await run('({ get score() { throw new Error("getter") } })'), /threw: getter/);
    assertHeld(await run('({ then(resolve) { while (true) {} } })'), /timed out/);
  });

  it('tampering with built-ins cannot break copying the answer out', async () => {
    assertHeld(
      await run('JSON.stringify = () => { while (true) {} }; JSON.parse = null; return false'),
      /code returned false/,
    );
    assertHeld(
      await run(
        'Object.prototype.out = 1; Object.defineProperty(Object.prototype, "kind", { get() { while (true) {} } }); return false',
      ),
      /code returned false/,
    );
    assertHeld(
      await run('Promise.prototype.then = function () { while (true) {} }; return Promise.resolve(true)'),
      /timed out|never settled/,
    );
    assertHeld(
      await run(
        'globalThis.__whetstoneOut = "{\\"value\\":{\\"kind\\":\\"boolean\\",\\"value\\":true}}"; return false',
      ),
      /code returned false/,
    );
  });

  it('a promise that never settles fails with that reason', async () => {
    assertHeld(await run('new Promise(() => {})'), /never settled/);
    assertHeld(await run('(async () => { await new Promise(() => {}); return true; })()'), /never settled/);
  });

  it('throwing hostile values reports them without running their code outside the limit', async () => {
    assertHeld(await run('throw { get message() { while (true) {} } }'), /timed out|cannot be shown/);
    assertHeld(await run('throw new Proxy({}, { has() { while (true) {} } })'), /timed out|cannot be shown/);
    assertHeld(await run("throw 'plain string'"), /threw: plain string/);
  });

  it('after every attack the isolate still evaluates honest code', async () => {
    const r = await run("output.includes(vars.word) && expected === 'E'", 'say hi');
    assert.equal(r.pass, true, r.feedback);
  });
});
