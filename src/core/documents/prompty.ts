/**
 * Prompty (`.prompty`, v1 and v2): YAML front matter, then a body split into messages by role lines
 * (`system:`, `user:`, `assistant:` … alone on a line, any case, optionally `# role:`). Text before the first role
 * line is a system message; a body with no role line is a single-body prompt (one system message).
 */
import { emptyDocument } from './empty-document';
import { isMap, isScalar, isSeq } from 'yaml';
import type { Diagnostic } from '../diagnostics';
import { diagnosticAt, LineIndex } from '../diagnostics';
import { closestName } from '../edit-distance';
import { promptyRoleOf } from '../template/invariants';
import { analyzeJinja } from '../template/jinja';
import { analyzeMustache } from '../template/mustache';
import { extractVariables } from '../template/variables';
import { decodeEol, lines, trimSpan, usesCrlf } from './frontMatter';
import { readHeader } from './header';
import { settingsFromNode } from './settings';
import type { DeclaredVariable, PromptDocument, PromptMessage } from './types';
import { diag, getEntry, mapEntries, nodeSpan, toPlain, type YamlSlice } from './yamlSource';

/** Top-level keys of Prompty v2 plus the v1 ones it still accepts (with deprecation warnings in its editor). */
export const PROMPTY_KEYS = [
  'name',
  'displayName',
  'description',
  'metadata',
  'model',
  'inputs',
  'outputs',
  'tools',
  'template',
  'authors',
  'sample',
  'version',
  'tags',
  'base',
  'id',
  'kind',
  'inputSchema',
  'outputSchema',
];

export function parsePrompty(file: string, text: string): PromptDocument {
  const doc: PromptDocument = emptyDocument(file, 'prompty', text);
  const { slice, bodyStart } = readHeader(doc, {
    severity: 'error',
    message: 'front matter starts with --- but has no closing --- line; reading the whole file as the prompt body',
  });
  const boundInputs = slice ? readFrontMatter(doc, slice) : new Set<string>();
  readBody(doc, bodyStart);
  checkDeclarations(doc, boundInputs, slice?.lines ?? new LineIndex(doc.text));
  return doc;
}

/**
 * Prompty's runtime ignores a key it does not know: custom data is a note; a near miss of a known key (`modle`) is a
 * warning, since what the author wrote is then not used.
 */
function unknownField(slice: YamlSlice, keyNode: unknown, key: string): Diagnostic {
  const near = closestName(key, PROMPTY_KEYS);
  return near
    ? diag(slice, keyNode, 'warning', 'unknown-field', `unknown top-level field "${key}" (did you mean "${near}"?)`)
    : diag(
        slice,
        keyNode,
        'info',
        'unknown-field',
        `unknown top-level field "${key}": Prompty ignores it and its editor flags it; put custom data under metadata`,
      );
}

/** Inputs a v2 tool binds to its parameters (`tools[].bindings.<param>.input`): used, though not by the template. */
function toolBindingInputs(tools: unknown): Set<string> {
  const out = new Set<string>();
  for (const tool of Array.isArray(tools) ? tools : []) {
    const bindings = tool && typeof tool === 'object' ? (tool as Record<string, unknown>).bindings : undefined;
    if (!bindings || typeof bindings !== 'object') continue;
    for (const b of Object.values(bindings as Record<string, unknown>)) {
      const input = b && typeof b === 'object' ? (b as Record<string, unknown>).input : b;
      if (typeof input === 'string') out.add(input);
    }
  }
  return out;
}

/** Reads the front matter into `doc`; returns the inputs tools bind. */
function readFrontMatter(doc: PromptDocument, slice: YamlSlice): Set<string> {
  let boundInputs = new Set<string>();
  const root = slice.doc.contents;
  if (root === null || (isScalar(root) && (root.value === null || root.value === ''))) return boundInputs;
  if (!isMap(root)) {
    doc.diagnostics.push(diag(slice, root, 'error', 'invalid-front-matter', 'front matter must be a YAML mapping'));
    return boundInputs;
  }
  for (const { key, keyNode, value } of mapEntries(root)) {
    const plain = toPlain(slice, value);
    switch (key) {
      case 'name':
      case 'description':
        if (typeof plain === 'string') doc[key] = plain;
        break;
      case 'model':
        readModel(doc, plain);
        break;
      case 'inputs':
        doc.declaredVariables = readInputs(slice, value, doc.diagnostics);
        break;
      case 'outputs':
        readOutputs(doc, plain);
        break;
      case 'sample': // applied below, once inputs are known
        break;
      case 'template':
        readTemplateFormat(doc, plain);
        break;
      case 'tools':
        boundInputs = toolBindingInputs(plain);
        break;
      case 'metadata': {
        const block = getEntry(value, 'whetstone');
        if (block) {
          const { settings, diagnostics } = settingsFromNode(slice, block.value, 'metadata.whetstone');
          doc.settings = settings;
          doc.diagnostics.push(...diagnostics);
        }
        break;
      }
      default:
        if (!PROMPTY_KEYS.includes(key)) {
          doc.diagnostics.push(unknownField(slice, keyNode, key));
        }
    }
  }
  // v1 `sample:` gives example values for declared inputs.
  const sample = toPlain(slice, getEntry(root, 'sample')?.value);
  if (sample && typeof sample === 'object' && !Array.isArray(sample)) {
    for (const [name, v] of Object.entries(sample)) {
      const d = doc.declaredVariables.find((x) => x.name === name);
      if (d && d.sample === undefined) d.sample = v;
      if (d && d.default === undefined && !isReference(v)) d.default = v;
    }
  }
  return boundInputs;
}

/**
 * v1 `template: jinja2|mustache`, v2 `template: {format: mustache}` or `{format: {kind: mustache}}` (Prompty's
 * pipeline reads `template.format.kind`; runtime/typescript/packages/core/src/core/pipeline.ts). `nunjucks` and
 * `jinja2` are one renderer there.
 */
function readTemplateFormat(doc: PromptDocument, template: unknown): void {
  let format: unknown = template;
  if (format && typeof format === 'object') format = (format as Record<string, unknown>).format;
  if (format && typeof format === 'object') format = (format as Record<string, unknown>).kind;
  if (typeof format !== 'string') return;
  const kind = format.toLowerCase();
  if (kind === 'mustache') doc.templateSyntax = 'mustache';
  else if (kind === 'jinja2' || kind === 'nunjucks' || kind === 'jinja') doc.templateSyntax = 'jinja2';
}

function readModel(doc: PromptDocument, model: unknown): void {
  if (typeof model === 'string') {
    doc.model = model;
    return;
  }
  if (!model || typeof model !== 'object') return;
  const m = model as Record<string, unknown>;
  const conf = (m.configuration && typeof m.configuration === 'object' ? m.configuration : {}) as Record<
    string,
    unknown
  >;
  const id = m.id ?? conf.azure_deployment ?? conf.model ?? conf.name;
  if (typeof id === 'string') doc.model = id;
  const params = m.options ?? m.parameters;
  if (params && typeof params === 'object' && !Array.isArray(params)) {
    doc.modelParameters = params as Record<string, unknown>;
    const rf = (params as Record<string, unknown>).response_format;
    if (rf && typeof rf === 'object' && typeof (rf as { type?: unknown }).type === 'string') {
      doc.responseFormat = (rf as { type: string }).type;
    }
  }
}

/** v2 `outputs` (list or map of {kind, description, required}) → a JSON-schema response format. */
function readOutputs(doc: PromptDocument, outputs: unknown): void {
  const entries: Array<[string, Record<string, unknown>]> = Array.isArray(outputs)
    ? outputs.filter((o) => o && typeof o === 'object' && typeof o.name === 'string').map((o) => [o.name as string, o])
    : outputs && typeof outputs === 'object'
      ? Object.entries(outputs).map(([k, v]) => [k, v && typeof v === 'object' ? (v as Record<string, unknown>) : {}])
      : [];
  if (entries.length === 0) return;
  const kindToType: Record<string, string> = {
    string: 'string',
    integer: 'integer',
    float: 'number',
    number: 'number',
    boolean: 'boolean',
    array: 'array',
    object: 'object',
  };
  const properties: Record<string, unknown> = {};
  const required: string[] = [];
  for (const [name, o] of entries) {
    const kind = String(o.kind ?? o.type ?? 'string');
    properties[name] = {
      type: kindToType[kind] ?? 'string',
      ...(typeof o.description === 'string' ? { description: o.description } : {}),
    };
    if (o.required === true) required.push(name);
  }
  doc.responseFormat = 'json_schema';
  doc.jsonSchema = {
    name: 'output',
    strict: true,
    schema: { type: 'object', properties, required, additionalProperties: false },
  };
}

/** `${file:x}`, `${env:X}`: Prompty resolves these when it loads the file; here they are not values. */
function isReference(v: unknown): boolean {
  return typeof v === 'string' && /^\$\{\w+:/.test(v.trim());
}

/** `inputs` as a v2 list of {name, kind…}, or a map of name → {type|kind, sample|default|example…} or a bare default. */
function readInputs(slice: YamlSlice, node: unknown, diagnostics: Diagnostic[]): DeclaredVariable[] {
  const out: DeclaredVariable[] = [];
  const fromProps = (name: string, props: unknown, span: DeclaredVariable['span']): DeclaredVariable => {
    const d: DeclaredVariable = { name, span };
    if (props && typeof props === 'object' && !Array.isArray(props)) {
      const p = props as Record<string, unknown>;
      const type = p.kind ?? p.type;
      if (typeof type === 'string') d.type = type;
      if (typeof p.description === 'string') d.description = p.description;
      const sample = p.example ?? p.default ?? p.sample;
      if (sample !== undefined) d.sample = sample;
      if (p.default !== undefined && !isReference(p.default)) d.default = p.default;
    } else if (props !== null && props !== undefined) {
      d.sample = props; // shorthand: the value is the default
      if (!isReference(props)) d.default = props;
    }
    return d;
  };
  if (isSeq(node)) {
    node.items.forEach((item, i) => {
      const props = toPlain(slice, item) as Record<string, unknown> | undefined;
      if (!props || typeof props !== 'object' || typeof props.name !== 'string') {
        diagnostics.push(diag(slice, item, 'error', 'invalid-inputs', `inputs[${i}] needs a name`));
        return;
      }
      out.push(fromProps(props.name, props, nodeSpan(slice, getEntry(item, 'name')?.value ?? item)));
    });
  } else if (isMap(node)) {
    for (const { key, keyNode, value } of mapEntries(node))
      out.push(fromProps(key, toPlain(slice, value), nodeSpan(slice, keyNode)));
  } else if (toPlain(slice, node) !== null) {
    diagnostics.push(diag(slice, node, 'error', 'invalid-inputs', 'inputs must be a list or a mapping'));
  }
  return out;
}

function readBody(doc: PromptDocument, bodyStart: number): void {
  const { text } = doc;
  const crlf = usesCrlf(text);
  const roleLines: Array<{ role: string; start: number; next: number }> = [];
  for (const l of lines(text, bodyStart)) {
    const role = promptyRoleOf(l.line);
    if (role) roleLines.push({ role, start: l.start, next: l.next });
  }
  doc.variables = extractVariables(text.slice(bodyStart), doc.templateSyntax ?? 'jinja2').map((v) => ({
    ...v,
    span: { start: v.span.start + bodyStart, end: v.span.end + bodyStart },
  }));
  const pushMessage = (role: string, start: number, contentStart: number, end: number) => {
    const contentSpan = trimSpan(text, { start: contentStart, end });
    const message: PromptMessage = {
      role,
      content: decodeEol(text.slice(contentSpan.start, contentSpan.end), crlf),
      span: { start, end },
      contentSpan,
    };
    doc.messages.push(message);
  };
  if (roleLines.length === 0) {
    const span = trimSpan(text, { start: bodyStart, end: text.length });
    doc.body = { text: decodeEol(text.slice(span.start, span.end), crlf), span };
    pushMessage('system', bodyStart, bodyStart, text.length);
    return;
  }
  const lead = trimSpan(text, { start: bodyStart, end: roleLines[0].start });
  if (lead.end > lead.start) pushMessage('system', bodyStart, bodyStart, roleLines[0].start);
  roleLines.forEach((r, i) => {
    const end = i + 1 < roleLines.length ? roleLines[i + 1].start : text.length;
    pushMessage(r.role, r.start, r.next, end);
  });
}

/**
 * The template must parse (Prompty fails the run otherwise). With declared inputs: template names that are not
 * declared, and declared inputs the template never uses — unless it extends, includes or imports another template,
 * which may use them.
 */
function checkDeclarations(doc: PromptDocument, boundInputs: Set<string>, lines: LineIndex): void {
  const bodyStart = doc.frontMatter?.span.end ?? 0;
  const body = doc.text.slice(bodyStart);
  const analysis = doc.templateSyntax === 'mustache' ? analyzeMustache(body) : analyzeJinja(body);
  if (analysis.error) {
    const at = bodyStart + analysis.error.offset;
    doc.diagnostics.push(
      diagnosticAt(
        doc.file,
        lines,
        { start: at, end: Math.min(doc.text.length, at + 1) },
        'error',
        'template-syntax',
        `${doc.templateSyntax === 'mustache' ? 'Mustache' : 'Jinja'} template: ${analysis.error.message}`,
      ),
    );
    return;
  }
  if (doc.declaredVariables.length === 0) return;
  const declared = new Set(doc.declaredVariables.map((d) => d.name));
  const used = new Set(analysis.uses.map((u) => u.name));
  const reported = new Set<string>();
  for (const v of doc.variables) {
    if (declared.has(v.name) || reported.has(v.name) || !used.has(v.name)) continue;
    reported.add(v.name);
    doc.diagnostics.push(
      diagnosticAt(
        doc.file,
        lines,
        v.span,
        'info', // Prompty renders any input it is given, declared or not
        'undeclared-variable',
        `variable {{${v.name}}} is not declared in inputs`,
      ),
    );
  }
  if (analysis.usesOtherTemplates) return;
  for (const d of doc.declaredVariables) {
    if (used.has(d.name) || boundInputs.has(d.name)) continue;
    const span = d.span ?? { start: 0, end: 0 };
    doc.diagnostics.push(
      diagnosticAt(
        doc.file,
        lines,
        span,
        'info', // Prompty accepts it; the editor shows it faded, as unused code
        'unused-variable',
        `input "${d.name}" is declared but not used in the prompt`,
      ),
    );
  }
}
