/**
 * Entries with a `type`: promptfoo `assert` items (kebab-case: `icontains`, `starts-with`, `is-json`, `llm-rubric`, …,
 * with `not-` for negation) and the sidecar's own form (camelCase, the EvaluatorSpec names: `equals`, `contains`,
 * `startsWith`, `endsWith`, `regex`, `jsonSchema`, `numeric`, `llmJudge`, `javascript`).
 * They follow promptfoo's assertions (src/assertions/*.ts, dialect 'promptfoo'): string checks exact and
 * case-sensitive (`caseSensitive: false` is Whetstone's addition), `i…` forms lower-case both sides, `contains-any/all`
 * split a text value like promptfoo, `is-json` parses the whole output, `javascript` numbers pass above 0 unless a
 * threshold is set. An assertion we cannot run becomes an `unsupported` spec plus a warning.
 */
import { parse as parseYaml, YAMLError } from 'yaml';
import { plainYamlMessage } from '../documents/yaml-messages';
import { builtinJudge } from './builtin-judges';
import { schemaProblem } from './json-schema';
import { isRecord, type NormalizeProblem, type NormalizedEntry } from './normalize-types';
import { compileRegex } from './regex-match';
import type { EvaluatorSpec } from './types';

const RUBRIC_PROMPT = (rubric: string) => `Grade the output against this rubric.

<rubric>
${rubric}
</rubric>

<output>
{{completion}}
</output>`;

const FACTUALITY_PROMPT = (reference: string) => `Is the output factually consistent with the reference answer? Extra
detail is fine; contradictions and missing key facts are not.

<reference>
${reference}
</reference>

<output>
{{completion}}
</output>`;

const WHY_UNSUPPORTED: Record<string, string> = {
  similar: 'it needs an embedding model, which Whetstone does not use; try `llm-rubric` or `uses: github/similarity`',
  python: 'Whetstone runs custom code evaluators in JavaScript only',
  ruby: 'Whetstone runs custom code evaluators in JavaScript only',
  webhook: 'Whetstone does not call webhooks from evaluators',
  cost: 'per-call cost is tracked by the job budget, not as an assertion',
  latency: 'latency depends on the machine, so it is not scored',
};

function text(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

/**
 * A comma-separated `contains-any/all` value as promptfoo splits it (src/util/parseCommaSeparatedValues.ts): fields
 * trimmed, empty ones skipped, a "quoted field" may hold commas (\" or "" for a quote); undefined when malformed.
 */
export function commaSeparated(value: string): string[] | undefined {
  const out: string[] = [];
  let i = 0;
  const skipSpace = () => {
    while (i < value.length && /\s/.test(value[i])) i++;
  };
  while (i < value.length) {
    while (i < value.length && (/\s/.test(value[i]) || value[i] === ',')) i++;
    if (i >= value.length) break;
    if (value[i] !== '"') {
      const end = value.indexOf(',', i);
      out.push(value.slice(i, end < 0 ? value.length : end).trim());
      i = end < 0 ? value.length : end;
      continue;
    }
    let field = '';
    let closed = false;
    for (i++; i < value.length;) {
      if (value[i] === '\\' && (value[i + 1] === '"' || value[i + 1] === '\\')) {
        field += value[i + 1];
        i += 2;
      } else if (value[i] === '"' && value[i + 1] === '"') {
        field += '"';
        i += 2;
      } else if (value[i] === '"') {
        i++;
        closed = true;
        break;
      } else field += value[i++];
    }
    skipSpace();
    if (!closed || (i < value.length && value[i] !== ',')) return undefined;
    out.push(field);
  }
  return out;
}

function parseYamlSchema(text: string): { schema: unknown } | { problem: string } {
  try {
    return { schema: parseYaml(text) as unknown };
  } catch (err) {
    if (err instanceof YAMLError) {
      const line = err.linePos?.[0].line;
      return { problem: `${line ? `line ${line} of the schema: ` : ''}${plainYamlMessage(err)}` };
    }
    return { problem: err instanceof Error ? err.message : String(err) };
  }
}

function num(v: unknown): number | undefined {
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
  return typeof n === 'number' && Number.isFinite(n) ? n : undefined;
}

export function normalizeTyped(entry: Record<string, unknown>, name: string | undefined): NormalizedEntry {
  const specs: EvaluatorSpec[] = [];
  const problems: NormalizeProblem[] = [];
  const rawType = String(entry.type);
  const label = name ?? rawType;
  const error = (message: string) =>
    problems.push({ severity: 'error', code: 'evaluator-invalid', message: `evaluator '${label}': ${message}` });
  const unsupported = (reason: string) => {
    specs.push({ type: 'unsupported', name: label, original: `type: ${rawType}`, reason });
    problems.push({
      severity: 'warning',
      code: 'evaluator-unsupported',
      message: `evaluator '${label}' will not run: ${reason}`,
    });
  };

  const negate = rawType.startsWith('not-');
  const type = negate ? rawType.slice(4) : rawType;
  const value = entry.value;
  if (typeof value === 'string' && value.startsWith('file://')) {
    unsupported('`file://` values are not read; put the value inline');
    return { specs, problems };
  }
  const caseFlag = typeof entry.caseSensitive === 'boolean' ? entry.caseSensitive : undefined;
  const threshold = num(entry.threshold);
  const needText = (v: unknown, what = 'value'): string | undefined => {
    const t = text(v);
    if (t === undefined || t === '') error(`\`${what}\` must be a non-empty text`);
    return t || undefined;
  };
  const negatable = new Set([
    'equals',
    'contains',
    'icontains',
    'starts-with',
    'startsWith',
    'ends-with',
    'endsWith',
    'regex',
    'contains-any',
    'icontains-any',
    'contains-all',
    'icontains-all',
  ]);
  if (negate && !negatable.has(type)) {
    unsupported(`negated '${type}' is not supported`);
    return { specs, problems };
  }

  switch (type) {
    case 'equals': {
      if (value !== null && typeof value === 'object') {
        // promptfoo compares an object value as JSON: a schema `const` is exactly that.
        if (negate) {
          unsupported('negated JSON equality is not supported');
          break;
        }
        specs.push({ type: 'jsonSchema', name: label, schema: { const: value } });
        break;
      }
      const v = needText(value);
      if (v !== undefined)
        specs.push({
          type: 'equals',
          name: label,
          value: v,
          caseSensitive: caseFlag ?? true,
          negate: negate || undefined,
          dialect: 'promptfoo',
        });
      break;
    }
    case 'contains':
    case 'icontains':
    case 'starts-with':
    case 'startsWith':
    case 'ends-with':
    case 'endsWith': {
      const v = needText(value);
      if (v === undefined) break;
      const kind =
        type === 'icontains' || type === 'contains'
          ? 'contains'
          : type === 'starts-with' || type === 'startsWith'
            ? 'startsWith'
            : 'endsWith';
      const caseSensitive = type === 'icontains' ? false : (caseFlag ?? true);
      specs.push({
        type: kind,
        name: label,
        value: v,
        caseSensitive,
        negate: negate || undefined,
        dialect: 'promptfoo',
      });
      break;
    }
    case 'contains-any':
    case 'icontains-any':
    case 'contains-all':
    case 'icontains-all': {
      const list = Array.isArray(value)
        ? value.map(text)
        : typeof value === 'string'
          ? commaSeparated(value)
          : undefined;
      if (!list || list.length === 0 || list.some((s) => s === undefined)) {
        error('`value` must be a list of texts (or a comma-separated text)');
        break;
      }
      specs.push({
        type: type.endsWith('-all') ? 'containsAll' : 'containsAny',
        name: label,
        values: list as string[],
        caseSensitive: !type.startsWith('i'),
        negate: negate || undefined,
      });
      break;
    }
    case 'regex': {
      const pattern = needText(entry.pattern ?? value, 'pattern');
      if (pattern === undefined) break;
      const flags = typeof entry.flags === 'string' ? entry.flags : undefined;
      const compiled = pattern.includes('{{') ? undefined : compileRegex(pattern, flags);
      if (typeof compiled === 'string') error(`invalid regular expression /${pattern}/: ${compiled}`);
      else specs.push({ type: 'regex', name: label, pattern, flags, negate: negate || undefined });
      break;
    }
    case 'is-json':
    case 'contains-json':
    case 'jsonSchema':
    case 'json-schema': {
      // promptfoo json.ts: a text value is the schema in YAML (or JSON); none means any JSON.
      const fromText = typeof value === 'string' && value.trim() !== '' ? parseYamlSchema(value) : undefined;
      if (fromText && 'problem' in fromText) {
        error(`invalid JSON Schema: ${fromText.problem}`);
        break;
      }
      const schema = entry.schema ?? (isRecord(value) ? value : fromText?.schema) ?? true;
      const problem = schemaProblem(schema);
      if (problem) error(`invalid JSON Schema: ${problem}`);
      else
        specs.push({
          type: 'jsonSchema',
          name: label,
          schema,
          findInText: type === 'contains-json' || undefined,
          dialect: type === 'is-json' || type === 'contains-json' ? 'promptfoo' : undefined,
        });
      break;
    }
    case 'numeric': {
      const v = text(value);
      const tolerance = entry.tolerance === undefined ? undefined : num(entry.tolerance);
      if (v === undefined || v === '') error('`value` must be a number or a template such as "{{expected}}"');
      else if (entry.tolerance !== undefined && (tolerance === undefined || tolerance < 0))
        error('`tolerance` must be a number >= 0');
      else specs.push({ type: 'numeric', name: label, value: v, tolerance });
      break;
    }
    case 'javascript': {
      const code = needText(entry.code ?? value, 'code');
      if (code !== undefined)
        specs.push({
          type: 'javascript',
          name: label,
          code,
          threshold,
          timeoutMs: num(entry.timeoutMs),
          dialect: 'promptfoo',
        });
      break;
    }
    case 'llm-rubric':
    case 'g-eval': {
      const rubric = needText(value);
      if (rubric !== undefined) specs.push({ type: 'llmJudge', name: label, prompt: RUBRIC_PROMPT(rubric), threshold });
      break;
    }
    case 'factuality': {
      const reference = needText(value);
      if (reference !== undefined)
        specs.push({ type: 'llmJudge', name: label, prompt: FACTUALITY_PROMPT(reference), threshold });
      break;
    }
    case 'answer-relevance': {
      const judge = builtinJudge('github/relevance', label);
      if (judge) specs.push({ ...judge, threshold });
      break;
    }
    case 'llmJudge':
    case 'llm-judge': {
      const prompt = needText(entry.prompt ?? entry.rubric ?? value, 'prompt');
      if (prompt === undefined) break;
      const choices = Array.isArray(entry.choices)
        ? entry.choices.filter(isRecord).map((c) => ({ choice: String(c.choice), score: Number(c.score) }))
        : undefined;
      if (choices?.some((c) => c.choice === '' || !Number.isFinite(c.score))) {
        error('`choices` must be a list of {choice, score}');
        break;
      }
      specs.push({
        type: 'llmJudge',
        name: label,
        prompt,
        choices: choices?.length ? choices : undefined,
        threshold,
        systemPrompt: typeof entry.systemPrompt === 'string' ? entry.systemPrompt : undefined,
      });
      break;
    }
    default:
      unsupported(WHY_UNSUPPORTED[type] ?? `the assertion type '${rawType}' is not supported by Whetstone`);
  }
  return { specs, problems };
}
