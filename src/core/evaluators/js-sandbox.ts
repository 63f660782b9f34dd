/**
 * An isolate for evaluator code: QuickJS compiled to WebAssembly (quickjs-emscripten, release-sync variant). The guest
 * has only the ECMAScript built-ins: no `process`, `require`, file system, network, timers or any host object, and no
 * way to reach the host realm (its heap lives inside the WASM memory). Each call gets a fresh runtime with a memory
 * limit, a stack limit and a deadline that interrupts the guest anywhere, regexes included.
 *
 * The guest's answer is copied out as plain data inside those limits: guest code turns the result into a JSON string
 * (promises settled, getters, proxies and toJSON run there), and the host reads only that string. Before reading
 * anything the host arms an always-interrupt handler, so no guest code can run outside the limit.
 */
import {
  newQuickJSWASMModuleFromVariant,
  newVariant,
  type CustomizeVariantOptions,
  type QuickJSWASMModule,
} from 'quickjs-emscripten-core';
import releaseSyncVariant from '@jitl/quickjs-wasmfile-release-sync';

export interface SandboxLimits {
  timeoutMs: number;
}

/**
 * The guest heap's limit. QuickJS's own malloc limit cannot be relied on in this build (without malloc_usable_size it
 * counts allocations, not bytes: 1.5 GB of arrays passed a 32 MB limit), so the limit is the WebAssembly memory itself:
 * it is created with a fixed maximum, a guest allocation past it fails inside QuickJS as "out of memory", and the
 * host's memory never grows further.
 */
export const SANDBOX_MEMORY_BYTES = 64 * 1024 * 1024;
/** Emscripten's own start-up size for this build (static data, C stack), below the guest heap. */
const WASM_BASE_BYTES = 16 * 1024 * 1024;
const WASM_PAGE = 64 * 1024;
/** The guest's stack. QuickJS's frames take more of the host's native stack than QuickJS counts; above ~100 KB a deep
 * recursion overflows the host stack before QuickJS's own check fires, so this stays well below that. */
const GUEST_STACK_BYTES = 48 * 1024;
const MAX_PENDING_JOBS_PER_STEP = 64;

export type SandboxOutcome =
  | { ok: true; value: unknown }
  | { ok: false; reason: 'timeout' | 'memory' | 'error' | 'compile' | 'unsettled'; message: string };

type WasmMemory = NonNullable<CustomizeVariantOptions['wasmMemory']>;
// core's type-check has no DOM lib; Node has WebAssembly as a global all the same.
const wasm = (
  globalThis as unknown as { WebAssembly: { Memory: new (d: { initial: number; maximum: number }) => WasmMemory } }
).WebAssembly;

let modulePromise: Promise<QuickJSWASMModule> | undefined;

function quickjs(): Promise<QuickJSWASMModule> {
  modulePromise ??= newQuickJSWASMModuleFromVariant(
    newVariant(releaseSyncVariant, {
      wasmMemory: new wasm.Memory({
        initial: WASM_BASE_BYTES / WASM_PAGE,
        maximum: (WASM_BASE_BYTES + SANDBOX_MEMORY_BYTES) / WASM_PAGE,
      }),
    }),
  );
  return modulePromise;
}

/**
 * The runner, evaluated before any user code so it holds the original built-ins. Strict, so the user's function
 * cannot reach it through `caller`. It calls the user's function, settles a promise result through the job queue,
 * and puts one JSON string on a prototype-less box only the host holds: {value} for a result, {error} for a throw or
 * rejection. Only the fields the evaluator reads are copied (kind, pass, score, reason), each as a primitive.
 */
const RUNNER = `'use strict';
(function (stringify, parse, resolve) {
  const field = (v) => (typeof v === 'boolean' || typeof v === 'number' || typeof v === 'string' ? v : undefined);
  const plain = (r) =>
    r === null || typeof r !== 'object'
      ? { kind: r === null ? 'null' : typeof r, value: field(r) }
      : { kind: 'object', pass: field(r.pass), score: field(r.score), reason: field(r.reason) };
  const message = (e) => {
    try { return String(e !== null && typeof e === 'object' && 'message' in e ? e.message : e); }
    catch { return 'a value that cannot be shown'; }
  };
  return function run(fn, input) {
    const box = Object.create(null);
    const done = (o) => { box.out = stringify(o); };
    const settle = (r) => { try { done({ value: plain(r) }); } catch (e) { done({ error: message(e) }); } };
    const { output, vars, expected } = parse(input);
    let result;
    try {
      result = fn(output, vars, expected, { vars, expected });
      if (result !== null && typeof result === 'object' && typeof result.then === 'function') {
        resolve(result).then(settle, (e) => done({ error: message(e) }));
      } else settle(result);
    } catch (e) {
      done({ error: message(e) });
    }
    return box;
  };
})(JSON.stringify, JSON.parse, Promise.resolve.bind(Promise))`;

/** The user's code as a function of (output, vars, expected, context): an expression, or else a function body. */
function userFunctionSources(code: string): string[] {
  return [
    `(function (output, vars, expected, context) { return (${code}\n); })`,
    `(function (output, vars, expected, context) { ${code}\n })`,
  ];
}

/**
 * Run the user's `code` on `input` inside a fresh QuickJS runtime. Never throws for anything the guest does; a
 * host-side failure of the engine itself (which the limits should prevent) drops the module so the next call starts
 * clean.
 */
export async function runInSandbox(code: string, input: unknown, limits: SandboxLimits): Promise<SandboxOutcome> {
  const module = await quickjs();
  try {
    return runOnce(module, code, JSON.stringify(input), limits);
  } catch (err) {
    modulePromise = undefined;
    return {
      ok: false,
      reason: 'error',
      message: `the sandbox failed: ${err instanceof Error ? err.message : String(err)}`,
    };
  }
}

type Context = ReturnType<QuickJSWASMModule['newContext']>;
type Runtime = ReturnType<QuickJSWASMModule['newRuntime']>;
type Handle = Context['global'];

function isOutcome(x: Handle | SandboxOutcome): x is SandboxOutcome {
  return 'ok' in x;
}

function runOnce(module: QuickJSWASMModule, code: string, input: string, limits: SandboxLimits): SandboxOutcome {
  const deadline = Date.now() + limits.timeoutMs;
  const runtime = module.newRuntime();
  runtime.setMemoryLimit(SANDBOX_MEMORY_BYTES);
  runtime.setMaxStackSize(GUEST_STACK_BYTES);
  runtime.setInterruptHandler(() => Date.now() >= deadline);
  const context = runtime.newContext();
  const box = runGuest(context, runtime, code, input, deadline);
  // From here on any guest code (a getter reached while reading) is interrupted at once.
  runtime.setInterruptHandler(() => true);
  const outcome = isOutcome(box) ? box : readBox(context, box);
  if (!isOutcome(box)) box.dispose();
  try {
    context.dispose();
    runtime.dispose();
  } catch {
    // QuickJS can leak an object when interrupted at an unlucky point, and then aborts in JS_FreeRuntime. The
    // verdict stands; the module is dropped (its memory with it) so the next evaluation starts on a fresh one.
    modulePromise = undefined;
  }
  return outcome;
}

function compileUser(context: Context, code: string, deadline: number): Handle | SandboxOutcome {
  let firstError: SandboxOutcome | undefined;
  for (const source of userFunctionSources(code)) {
    const compiled = context.evalCode(source, 'evaluator.js');
    if (!compiled.error) return compiled.value;
    const failure = engineFailure(context, compiled.error, deadline);
    if (failure.ok || failure.reason !== 'error') return failure;
    firstError ??= { ...failure, reason: 'compile' };
  }
  return firstError as SandboxOutcome;
}

function runGuest(
  context: Context,
  runtime: Runtime,
  code: string,
  input: string,
  deadline: number,
): Handle | SandboxOutcome {
  const runner = context.evalCode(RUNNER, 'whetstone-runner.js');
  if (runner.error) return engineFailure(context, runner.error, deadline);
  const fn = compileUser(context, code, deadline);
  if (isOutcome(fn)) {
    runner.value.dispose();
    return fn;
  }
  const inputHandle = context.newString(input);
  const call = context.callFunction(runner.value, context.undefined, fn, inputHandle);
  inputHandle.dispose();
  fn.dispose();
  runner.value.dispose();
  if (call.error) return engineFailure(context, call.error, deadline);
  while (runtime.hasPendingJob()) {
    const jobs = runtime.executePendingJobs(MAX_PENDING_JOBS_PER_STEP);
    if (jobs.error) {
      call.value.dispose();
      return engineFailure(context, jobs.error, deadline);
    }
    if (Date.now() >= deadline) {
      call.value.dispose();
      return TIMED_OUT;
    }
  }
  return call.value;
}

const TIMED_OUT: SandboxOutcome = { ok: false, reason: 'timeout', message: 'timed out' };

/** An error that reached the host: the guest catches its own throws, so this is an interrupt, OOM or stack overflow. */
function engineFailure(context: Context, error: Handle, deadline: number): SandboxOutcome {
  const message = nativeMessage(context, error);
  error.dispose();
  if (Date.now() >= deadline || message === 'interrupted') return TIMED_OUT;
  if (/out of memory/i.test(message)) return { ok: false, reason: 'memory', message: 'ran out of memory' };
  return { ok: false, reason: 'error', message };
}

function nativeMessage(context: Context, error: Handle): string {
  if (context.typeof(error) !== 'object')
    return context.typeof(error) === 'string' ? context.getString(error) : 'failed';
  const prop = context.getProp(error, 'message');
  const text = context.typeof(prop) === 'string' ? context.getString(prop) : 'failed';
  prop.dispose();
  return text;
}

function readBox(context: Context, box: Handle): SandboxOutcome {
  const out = context.getProp(box, 'out');
  const isString = context.typeof(out) === 'string';
  const text = isString ? context.getString(out) : undefined;
  out.dispose();
  if (text === undefined) return { ok: false, reason: 'unsettled', message: 'returned a promise that never settled' };
  let parsed: { value?: unknown; error?: unknown };
  try {
    parsed = JSON.parse(text) as { value?: unknown; error?: unknown };
  } catch {
    return { ok: false, reason: 'error', message: 'returned a value that could not be copied out' };
  }
  if (parsed && typeof parsed === 'object' && 'error' in parsed)
    return { ok: false, reason: 'error', message: `threw: ${String(parsed.error)}` };
  return { ok: true, value: parsed?.value };
}
