/**
 * Rendering prompt templates with a row's variables.
 *
 * Mustache/Jinja: `{{ path | filter }}` is replaced by the value (strings as-is, other values as JSON); a small subset
 * of Jinja control flow is evaluated (with `{%-`/`-%}` whitespace control) — `{% if %}/{% elif %}/{% else %}/{% endif %}` with conditions of the form
 * `[not] path[|length] [op literal]` (op: == != > >= < <=) joined by `and`/`or`, and `{% for x in path %}…{% endfor %}`.
 * A tag outside that subset is left verbatim (and reported), so nothing is silently dropped.
 * A missing variable is left as written and reported in `missing`.
 */
import { templateTokens } from './tokens';
import { parseBinding, VSCODE_BUILTIN_VARIABLES, type TemplateSyntax } from './variables';

/** Deeper if/for nesting than this is not evaluated (tags kept verbatim); keeps rendering's recursion shallow. */
const MAX_NESTING = 64;

export interface RenderResult {
  text: string;
  /** Variable names referenced but not given (each once). */
  missing: string[];
  /** `{% … %}` tags that were not understood and were kept verbatim. */
  unsupported: string[];
}

type Scope = Record<string, unknown>;

const UNRESOLVED = Symbol('unresolved');

function lookup(path: string, scope: Scope): unknown {
  const parts = path.split('.');
  let cur: unknown = scope;
  for (const part of parts) {
    if (cur === null || typeof cur !== 'object' || !Object.prototype.hasOwnProperty.call(cur, part)) return UNRESOLVED;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

function toText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === null || value === undefined) return '';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

function applyFilter(value: unknown, filter: string): unknown {
  const name = filter.trim().split('(')[0].trim();
  switch (name) {
    case 'length':
      return Array.isArray(value) || typeof value === 'string'
        ? value.length
        : value && typeof value === 'object'
          ? Object.keys(value).length
          : 0;
    case 'upper':
      return toText(value).toUpperCase();
    case 'lower':
      return toText(value).toLowerCase();
    case 'trim':
      return toText(value).trim();
    case 'tojson':
      return JSON.stringify(value);
    default:
      return value;
  }
}

/** Evaluates `path | f1 | f2`; UNRESOLVED when the root is missing. */
function evalPath(expr: string, scope: Scope): unknown {
  const [head, ...filters] = expr.split('|');
  const path = head.trim();
  let value: unknown;
  if (/^-?\d+(\.\d+)?$/.test(path)) value = Number(path);
  else if (/^'[^']*'$|^"[^"]*"$/.test(path)) value = path.slice(1, -1);
  else if (/^[A-Za-z_][\w.]*$/.test(path)) value = lookup(path, scope);
  else return UNRESOLVED;
  if (value === UNRESOLVED) return UNRESOLVED;
  for (const f of filters) value = applyFilter(value, f);
  return value;
}

function truthy(v: unknown): boolean {
  if (Array.isArray(v)) return v.length > 0;
  if (v && typeof v === 'object') return Object.keys(v).length > 0;
  return Boolean(v);
}

/** Returns true/false, or null when the condition is outside the supported subset. */
function evalCondition(condition: string, scope: Scope): boolean | null {
  const cond = condition.replace(/\s+/g, ' ').trim();
  let anyTrue = false;
  for (const orPart of cond.split(' or ')) {
    let allTrue = true;
    for (const raw of orPart.split(' and ')) {
      let term = raw.trim();
      let negate = false;
      while (term.startsWith('not ')) {
        negate = !negate;
        term = term.slice(4).trim();
      }
      const op = /==|!=|>=|<=|>|</.exec(term);
      let result: boolean;
      if (op) {
        const left = evalPath(term.slice(0, op.index), scope);
        const right = evalPath(term.slice(op.index + op[0].length), scope);
        if (right === UNRESOLVED) return null;
        const l = left === UNRESOLVED ? undefined : left;
        switch (op[0]) {
          case '==':
            result = l === right;
            break;
          case '!=':
            result = l !== right;
            break;
          case '>':
            result = Number(l) > Number(right);
            break;
          case '>=':
            result = Number(l) >= Number(right);
            break;
          case '<':
            result = Number(l) < Number(right);
            break;
          default:
            result = Number(l) <= Number(right);
        }
      } else {
        if (!/^[A-Za-z_][\w.]*( ?\| ?\w+)*$/.test(term)) return null;
        const v = evalPath(term, scope);
        result = v !== UNRESOLVED && truthy(v);
      }
      if (negate) result = !result;
      if (!result) allTrue = false;
    }
    if (allTrue) anyTrue = true;
  }
  return anyTrue;
}

type Node =
  | { kind: 'text'; text: string }
  | { kind: 'var'; expr: string; raw: string }
  | { kind: 'if'; branches: Array<{ cond: string | null; body: Node[] }>; raw: string }
  | { kind: 'for'; names: string[]; iter: string; body: Node[]; raw: string }
  | { kind: 'verbatim'; raw: string };

/** Parses into a tree; on unbalanced or too deeply nested control flow returns null (tags are then kept verbatim). */
function parseJinja(text: string): Node[] | null {
  const root: Node[] = [];
  const stack: Array<{ node: Node & { kind: 'if' | 'for' }; body: Node[] }> = [];
  let cur = root;
  let last = 0;
  // Whitespace control: `{%-`/`{{-` trims the text before, `-%}`/`-}}` the text after.
  let lastText: { kind: 'text'; text: string } | undefined;
  let trimNext = false;
  const pushText = (t: string) => {
    const node = { kind: 'text' as const, text: trimNext ? t.replace(/^\s+/, '') : t };
    trimNext = false;
    cur.push(node);
    lastText = node;
  };
  for (const token of templateTokens(text)) {
    if (token.start > last) pushText(text.slice(last, token.start));
    last = token.end;
    if (token.trimBefore && lastText) lastText.text = lastText.text.trimEnd();
    lastText = undefined;
    trimNext = token.trimAfter;
    const raw = text.slice(token.start, token.end);
    if (token.kind === 'var') {
      cur.push({ kind: 'var', expr: token.inner, raw });
      continue;
    }
    if (token.kind === 'comment') continue;
    const tag = token.inner.replace(/\s+/g, ' ');
    const word = tag.split(' ')[0];
    const top = stack[stack.length - 1];
    if ((word === 'if' || word === 'for') && stack.length >= MAX_NESTING) return null;
    if (word === 'if') {
      const node: Node & { kind: 'if' } = { kind: 'if', branches: [{ cond: tag.slice(2).trim(), body: [] }], raw };
      cur.push(node);
      stack.push({ node, body: node.branches[0].body });
      cur = node.branches[0].body;
    } else if ((word === 'elif' || word === 'else') && top?.node.kind === 'if') {
      const branch = { cond: word === 'elif' ? tag.slice(4).trim() : null, body: [] as Node[] };
      top.node.branches.push(branch);
      top.body = branch.body;
      cur = branch.body;
    } else if (word === 'endif' && top?.node.kind === 'if') {
      stack.pop();
      cur = stack.length ? stack[stack.length - 1].body : root;
    } else if (word === 'for') {
      const binding = parseBinding(tag);
      if (!binding || binding.bound.length === 0) return null;
      const node: Node & { kind: 'for' } = {
        kind: 'for',
        names: binding.bound,
        iter: binding.expr.trim(),
        body: [],
        raw,
      };
      cur.push(node);
      stack.push({ node, body: node.body });
      cur = node.body;
    } else if (word === 'endfor' && top?.node.kind === 'for') {
      stack.pop();
      cur = stack.length ? stack[stack.length - 1].body : root;
    } else if (['elif', 'else', 'endif', 'endfor'].includes(word)) {
      return null;
    } else {
      cur.push({ kind: 'verbatim', raw });
    }
  }
  if (stack.length) return null;
  if (last < text.length) pushText(text.slice(last));
  return root;
}

function renderNodes(nodes: Node[], scope: Scope, out: RenderResult): string {
  let s = '';
  for (const n of nodes) {
    switch (n.kind) {
      case 'text':
        s += n.text;
        break;
      case 'verbatim':
        s += n.raw;
        out.unsupported.push(n.raw);
        break;
      case 'var': {
        const v = evalPath(n.expr, scope);
        if (v === UNRESOLVED) {
          const root = /^[A-Za-z_]\w*/.exec(n.expr.trim());
          if (root && !out.missing.includes(root[0])) out.missing.push(root[0]);
          s += n.raw;
        } else s += toText(v);
        break;
      }
      case 'if': {
        let chosen: Node[] | undefined;
        let understood = true;
        for (const b of n.branches) {
          if (b.cond === null) {
            chosen = b.body;
            break;
          }
          const c = evalCondition(b.cond, scope);
          if (c === null) {
            understood = false;
            break;
          }
          if (c) {
            chosen = b.body;
            break;
          }
        }
        if (!understood) {
          out.unsupported.push(n.raw);
          chosen = n.branches[0].body;
        }
        if (chosen) s += renderNodes(chosen, scope, out);
        break;
      }
      case 'for': {
        const items = evalPath(n.iter, scope);
        const list = Array.isArray(items) ? items : items && typeof items === 'object' ? Object.entries(items) : [];
        list.forEach((item, i) => {
          const inner: Scope = {
            ...scope,
            loop: { index: i + 1, index0: i, first: i === 0, last: i === list.length - 1 },
          };
          if (n.names.length === 1) inner[n.names[0]] = item;
          else
            n.names.forEach((name, k) => {
              inner[name] = Array.isArray(item) ? item[k] : undefined;
            });
          s += renderNodes(n.body, inner, out);
        });
        break;
      }
    }
  }
  return s;
}

function renderMustache(text: string, vars: Scope): RenderResult {
  const out: RenderResult = { text: '', missing: [], unsupported: [] };
  const tree = parseJinja(text);
  if (tree) {
    out.text = renderNodes(tree, vars, out);
    return out;
  }
  // Unbalanced control flow: substitute variables only, keep every tag verbatim.
  let last = 0;
  for (const token of templateTokens(text)) {
    const raw = text.slice(token.start, token.end);
    out.text += text.slice(last, token.start);
    last = token.end;
    if (token.kind === 'tag') out.unsupported.push(raw);
    if (token.kind !== 'var') {
      out.text += raw;
      continue;
    }
    const v = evalPath(token.inner, vars);
    if (v === UNRESOLVED) {
      const root = /^[A-Za-z_]\w*/.exec(token.inner);
      if (root && !out.missing.includes(root[0])) out.missing.push(root[0]);
      out.text += raw;
    } else out.text += toText(v);
  }
  out.text += text.slice(last);
  return out;
}

function renderVscodeInput(text: string, vars: Scope): RenderResult {
  const out: RenderResult = { text: '', missing: [], unsupported: [] };
  out.text = text.replace(/\$\{(input:)?([^}:\s]+)(?::([^}]*))?\}/g, (raw, input: string | undefined, name: string) => {
    if (!input && !VSCODE_BUILTIN_VARIABLES.has(name)) return raw;
    if (Object.prototype.hasOwnProperty.call(vars, name)) return toText(vars[name]);
    if (input && !out.missing.includes(name)) out.missing.push(name);
    return raw;
  });
  return out;
}

export function renderTemplate(text: string, vars: Record<string, unknown>, syntax: TemplateSyntax): RenderResult {
  return syntax === 'vscode-input' ? renderVscodeInput(text, vars) : renderMustache(text, vars);
}
