/**
 * Prompty's Jinja2 templates through nunjucks 3.2.4, configured as Prompty's own TypeScript runtime does
 * (microsoft/prompty runtime/typescript/packages/core/src/renderers/nunjucks.ts: autoescape off, undefined renders
 * empty, member lookups limited to own data properties, function calls refused) and printing values as Prompty's
 * Python runtime (runtime/python/prompty/prompty/renderers/jinja2.py, stock Jinja2) does: `None`, `True`, `[1, 'a']`,
 * `{'k': 'v'}`. `{% extends %}`/`{% include %}`/`{% import %}` names are resolved relative to the prompt file; a
 * `.prompty` parent contributes its body (front matter left out).
 *
 * Variable use comes from the same engine's parse: every name an expression reads that the template does not bind
 * itself (`for` targets, `set`, macro arguments, `loop`) is an input.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import nunjucks from 'nunjucks';
import { splitFrontMatter } from '../documents/frontMatter';
import { pythonStr } from './python-repr';

export interface JinjaUse {
  name: string;
  /** Offset of the name in the template text. */
  offset: number;
}

export interface JinjaAnalysis {
  /** Each read of an input name, in template order. */
  uses: JinjaUse[];
  /** The template extends, includes or imports another template, whose reads are not seen here. */
  usesOtherTemplates: boolean;
  /** A syntax error, with the offset nunjucks reports. */
  error?: { message: string; offset: number };
}

/** Names Jinja provides itself (and nunjucks' globals): never inputs. */
const PROVIDED = new Set(['loop', 'super', 'self', 'caller', 'varargs', 'kwargs', 'range', 'cycler', 'joiner']);

/** nunjucks exports its parser; its type definitions do not. */
type NunjucksParser = { parser: { parse(src: string, extensions: unknown[], opts: object): unknown } };

type AstNode = {
  typename: string;
  fields: string[];
  lineno: number;
  colno: number;
  value?: unknown;
  [field: string]: unknown;
};

function isNode(v: unknown): v is AstNode {
  return typeof v === 'object' && v !== null && typeof (v as AstNode).typename === 'string';
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

/** Names bound by a `for` target, `set` target or macro argument list. */
function boundNames(node: unknown, into: Set<string>): void {
  if (!isNode(node)) return;
  if (node.typename === 'Symbol') into.add(String(node.value));
  else if (node.typename === 'Pair') boundNames(node.key, into);
  else for (const child of (node.children as unknown[]) ?? []) boundNames(child, into);
}

class Walker {
  readonly uses: JinjaUse[] = [];
  usesOtherTemplates = false;
  constructor(private readonly starts: number[]) {}

  private use(node: AstNode): void {
    const name = String(node.value);
    const offset = (this.starts[node.lineno] ?? 0) + node.colno;
    this.uses.push({ name, offset });
  }

  walk(node: unknown, bound: Set<string>): void {
    if (Array.isArray(node)) {
      for (const n of node) this.walk(n, bound);
      return;
    }
    if (!isNode(node)) return;
    switch (node.typename) {
      case 'Symbol':
        if (!bound.has(String(node.value)) && !PROVIDED.has(String(node.value))) this.use(node);
        return;
      case 'Filter':
      case 'FilterAsync':
        this.walk(node.args, bound); // the filter's name is not a variable
        return;
      case 'Is':
        this.walk(node.left, bound);
        if (isNode(node.right) && node.right.typename === 'FunCall') this.walk(node.right.args, bound);
        return;
      case 'Pair': // dict literal keys and keyword-argument names are names, not reads
        if (!isNode(node.key) || node.key.typename !== 'Symbol') this.walk(node.key, bound);
        this.walk(node.value, bound);
        return;
      case 'For':
      case 'AsyncEach':
      case 'AsyncAll': {
        this.walk(node.arr, bound);
        const inner = new Set(bound);
        boundNames(node.name, inner);
        this.walk(node.body, inner);
        this.walk(node.else_, bound);
        return;
      }
      case 'Set':
        this.walk(node.value, bound);
        this.walk(node.body, bound);
        boundNames({ typename: 'NodeList', children: node.targets } as unknown as AstNode, bound);
        return;
      case 'Macro':
      case 'Caller': {
        if (isNode(node.name)) bound.add(String(node.name.value));
        const inner = new Set(bound);
        boundNames(node.args, inner);
        this.walk(node.body, inner);
        return;
      }
      case 'Block': // a block's name is a name, not a read
        this.walk(node.body, bound);
        return;
      case 'Extends':
      case 'Include':
        this.usesOtherTemplates = true;
        this.walk(node.template, bound);
        return;
      case 'Import':
        this.usesOtherTemplates = true;
        this.walk(node.template, bound);
        boundNames(node.target, bound);
        return;
      case 'FromImport':
        this.usesOtherTemplates = true;
        this.walk(node.template, bound);
        for (const n of (node.names as AstNode).children as unknown[]) boundNames(n, bound);
        return;
      default:
        for (const field of node.fields) this.walk(node[field], bound);
    }
  }
}

export function analyzeJinja(template: string): JinjaAnalysis {
  const starts = lineStarts(template);
  let root: unknown;
  try {
    root = (nunjucks as unknown as NunjucksParser).parser.parse(template, [], {});
  } catch (e) {
    const err = e as { message?: string; lineno?: number; colno?: number };
    const line = Math.max(0, (err.lineno ?? 1) - 1);
    const offset = Math.min(template.length, (starts[line] ?? 0) + Math.max(0, (err.colno ?? 1) - 1));
    return { uses: [], usesOtherTemplates: false, error: { message: templateErrorText(err.message), offset } };
  }
  const walker = new Walker(starts);
  walker.walk(root, new Set());
  return { uses: walker.uses, usesOtherTemplates: walker.usesOtherTemplates };
}

/** nunjucks prefixes `(unknown path) [Line 1, Column 5]` and a newline; the position is reported separately. */
function templateErrorText(message: string | undefined): string {
  const lines = String(message ?? 'template error')
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  const text = lines.filter((l) => !/^\(.*\)( \[Line \d+, Column \d+\])?$/.test(l)).join(' ');
  return (text || lines.join(' ')).replace(/^Template render error: /, '');
}

// ---- rendering ----

/**
 * Jinja2 iterates a mapping's keys (`{% for k in d %}`); nunjucks' one-name loop reads `length` and indices. This
 * view of a plain object gives both: `length`/indices are its keys, and `for k, v in d` still sees its entries.
 */
function mappingView(source: Record<string, unknown>): unknown {
  const keys = Object.keys(source);
  return new Proxy(source, {
    get(target, prop) {
      if (typeof prop === 'string' && Object.prototype.hasOwnProperty.call(target, prop)) return target[prop];
      if (prop === 'length') return keys.length;
      if (typeof prop === 'string' && /^\d+$/.test(prop)) return keys[Number(prop)];
      return undefined;
    },
  });
}

function isPlainMapping(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

type RuntimeHooks = {
  memberLookup: (obj: unknown, key: unknown) => unknown;
  callWrap: (fn: unknown, name: string, context: unknown, args: unknown[]) => unknown;
  suppressValue: (value: unknown, autoescape: boolean) => unknown;
  makeMacro: (...a: unknown[]) => unknown;
  fromIterator: (v: unknown) => unknown;
};

const UNSAFE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
/** Functions a template may call: the Python methods below, macros, and nunjucks' own globals. */
const callable = new WeakSet<object>();
const safe = <F extends (...a: never[]) => unknown>(fn: F): F => {
  callable.add(fn);
  return fn;
};

/** Python's dict and str methods that prompt templates use (`d.items()`, `name.upper()`). */
function pythonMethod(obj: unknown, key: string): unknown {
  if (typeof obj === 'string') {
    const s = obj;
    switch (key) {
      case 'upper':
        return safe(() => s.toUpperCase());
      case 'lower':
        return safe(() => s.toLowerCase());
      case 'strip':
        return safe(() => s.trim());
      case 'split':
        return safe((sep?: string) => (sep === undefined ? s.trim().split(/\s+/).filter(Boolean) : s.split(sep)));
      case 'startswith':
        return safe((p: string) => s.startsWith(p));
      case 'endswith':
        return safe((p: string) => s.endsWith(p));
      case 'replace':
        return safe((a: string, b: string) => s.split(a).join(b));
    }
    return undefined;
  }
  if (obj && typeof obj === 'object' && !Array.isArray(obj)) {
    const o = obj as Record<string, unknown>;
    switch (key) {
      case 'items':
        return safe(() => Object.entries(o));
      case 'keys':
        return safe(() => Object.keys(o));
      case 'values':
        return safe(() => Object.values(o));
      case 'get':
        return safe((k: string, d?: unknown) => (Object.prototype.hasOwnProperty.call(o, k) ? o[k] : (d ?? null)));
    }
  }
  return undefined;
}

function safeMemberLookup(obj: unknown, key: unknown): unknown {
  if (typeof key === 'string' && UNSAFE_KEYS.has(key)) throw new Error(`unsafe template member access: ${key}`);
  if (obj === null || obj === undefined) return undefined;
  if (typeof key !== 'string' && typeof key !== 'number') return undefined;
  if (typeof obj === 'string') {
    if (typeof key === 'number') return obj[key < 0 ? obj.length + key : key];
    return pythonMethod(obj, key);
  }
  if (typeof obj !== 'object') return undefined;
  if (Array.isArray(obj) && typeof key === 'number' && key < 0) return obj[obj.length + key];
  const own = Object.getOwnPropertyDescriptor(obj, key);
  if (own && 'value' in own) return own.value;
  return typeof key === 'string' ? pythonMethod(obj, key) : undefined;
}

/** Python's `str()` of a printed value; undefined prints as nothing, as Jinja's Undefined does. */
function printValue(value: unknown): unknown {
  if (value === undefined) return '';
  if (value instanceof nunjucks.runtime.SafeString) return value;
  return pythonStr(value);
}

function withSafeRuntime<T>(run: () => T): T {
  const runtime = nunjucks.runtime as unknown as RuntimeHooks;
  const saved = { ...runtime };
  const { callWrap, makeMacro, fromIterator } = saved;
  runtime.memberLookup = safeMemberLookup;
  // A mapping with a `length` or numeric key would be read wrongly through the view: nunjucks' own reading then.
  runtime.fromIterator = (v) =>
    isPlainMapping(v) && !Object.keys(v).some((k) => k === 'length' || /^\d+$/.test(k))
      ? mappingView(v)
      : fromIterator(v);
  runtime.suppressValue = printValue;
  runtime.makeMacro = (...a: unknown[]) => {
    const macro = makeMacro(...a) as object;
    callable.add(macro);
    return macro;
  };
  runtime.callWrap = (fn, name, context, args) => {
    if (typeof fn !== 'function' || !(callable.has(fn) || GLOBAL_FUNCTIONS.has(fn))) {
      throw new Error(`template function calls are not allowed: ${name}`);
    }
    return callWrap(fn, name, context, args);
  };
  try {
    return run();
  } finally {
    Object.assign(runtime, saved);
  }
}

/** Applied to every template the loader reads during one (synchronous) render: the caller's role-line marking. */
let prepareLoaded: ((src: string) => string) | undefined;

/**
 * Loads `{% extends "x" %}`/`{% include %}` names relative to the prompt's folder (`./x`, `../x` relative to the
 * template that names them, as nunjucks resolves), fresh every render.
 */
class RelativeLoader {
  constructor(private readonly baseDir: string) {}
  isRelative(name: string): boolean {
    return name.startsWith('./') || name.startsWith('../');
  }
  resolve(parentName: string, name: string): string {
    return path.resolve(this.baseDir, path.dirname(parentName), name);
  }
  getSource(name: string): { src: string; path: string; noCache: boolean } | null {
    const full = path.resolve(this.baseDir, name);
    let text: string;
    try {
      text = fs.readFileSync(full, 'utf8');
    } catch {
      return null;
    }
    if (full.toLowerCase().endsWith('.prompty')) text = text.slice(splitFrontMatter(text).bodyStart);
    const src = text.replace(/\r\n/g, '\n');
    return { src: prepareLoaded ? prepareLoaded(src) : src, path: full, noCache: true };
  }
}

const GLOBAL_FUNCTIONS = new WeakSet<object>();
const environments = new Map<string, nunjucks.Environment>();

function environmentFor(baseDir: string): nunjucks.Environment {
  let env = environments.get(baseDir);
  if (env) return env;
  env = new nunjucks.Environment(new RelativeLoader(baseDir) as unknown as nunjucks.ILoader, {
    autoescape: false,
    throwOnUndefined: false,
  });
  env.addFilter('tojson', jinjaToJson);
  env.addFilter('string', (v: unknown) => (v === undefined ? '' : pythonStr(v)));
  const globals = (env as unknown as { globals: Record<string, unknown> }).globals;
  for (const g of Object.values(globals)) if (typeof g === 'function') GLOBAL_FUNCTIONS.add(g);
  if (environments.size > 32) environments.clear();
  environments.set(baseDir, env);
  return env;
}

/** Jinja2's `tojson`: json.dumps with sorted keys, `<>&'` escaped for HTML (jinja2/utils.py htmlsafe_json_dumps). */
function jinjaToJson(value: unknown): unknown {
  const text = pythonJsonDumps(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/'/g, '\\u0027');
  return new nunjucks.runtime.SafeString(text);
}

function pythonJsonDumps(value: unknown): string {
  if (value === undefined || value === null) return 'null';
  if (Array.isArray(value)) return `[${value.map(pythonJsonDumps).join(', ')}]`;
  if (typeof value === 'object') {
    const o = value as Record<string, unknown>;
    const keys = Object.keys(o).sort();
    return `{${keys.map((k) => `${asciiJson(k)}: ${pythonJsonDumps(o[k])}`).join(', ')}}`;
  }
  if (typeof value === 'string') return asciiJson(value);
  return JSON.stringify(value) ?? 'null';
}

/** json.dumps' default ensure_ascii: non-ASCII as \uXXXX. */
function asciiJson(s: string): string {
  return JSON.stringify(s).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export interface JinjaRenderResult {
  text: string;
  /** A render or syntax error (the text is then the template as written). */
  error?: string;
}

/**
 * Renders `template` with `vars`; `file` (the prompt's path) anchors `{% extends %}`/`{% include %}` names, and
 * `prepare` is applied to each template they load (as the caller applied it to `template`).
 */
export function renderJinja(
  template: string,
  vars: Record<string, unknown>,
  file?: string,
  prepare?: (src: string) => string,
): JinjaRenderResult {
  const env = environmentFor(file ? path.dirname(path.resolve(file)) : process.cwd());
  prepareLoaded = prepare;
  try {
    const text = withSafeRuntime(() => env.renderString(template, { ...vars }));
    return { text };
  } catch (e) {
    return { text: template, error: templateErrorText((e as Error).message) };
  } finally {
    prepareLoaded = undefined;
  }
}
