/** GitHub Models `*.prompt.yml`: messages, model settings, `testData` rows and raw `evaluators`, with source spans. */
import { emptyDocument } from './empty-document';
import { isAlias, isMap, isScalar, isSeq } from 'yaml';
import { diagnosticAt } from '../diagnostics';
import { closestName } from '../edit-distance';
import { extractVariables } from '../template/variables';
import { missingVariableDiagnostics } from './missing-variables';
import { rowsFromNode } from './rows';
import type { PromptDocument, PromptMessage, VariableRef } from './types';
import { diag, mapEntries, nodeSpan, parseYamlSlice, scalarString, toPlain, toPlainGoStrings } from './yamlSource';

/** Evaluator fields gh-models decodes as numbers (pkg/prompt/prompt.go `Choice.Score`). */
const GH_FLOAT_FIELDS = new Set(['score']);

export const PROMPT_YML_KEYS = [
  'name',
  'description',
  'model',
  'modelParameters',
  'responseFormat',
  'jsonSchema',
  'messages',
  'testData',
  'evaluators',
];

export function parsePromptYml(file: string, text: string): PromptDocument {
  const slice = parseYamlSlice(file, text);
  const doc: PromptDocument = emptyDocument(file, 'prompt.yml', text, [...slice.diagnostics]);
  const root = slice.doc.contents;
  if (!isMap(root)) {
    const span = nodeSpan(slice, root) ?? { start: 0, end: 0 };
    doc.diagnostics.push(
      diagnosticAt(
        file,
        text,
        span,
        'error',
        'not-a-prompt',
        'expected a YAML mapping with a "messages" list (GitHub Models prompt file)',
      ),
    );
    return doc;
  }
  let sawMessages = false;
  for (const { key, keyNode, value } of mapEntries(root)) {
    const plain = toPlain(slice, value);
    switch (key) {
      case 'name':
      case 'description':
      case 'model':
      case 'responseFormat':
        if (typeof plain === 'string') doc[key] = plain;
        else if (plain !== null && plain !== undefined)
          doc.diagnostics.push(diag(slice, value, 'error', 'invalid-field', `${key} must be text`));
        break;
      case 'modelParameters':
        if (plain && typeof plain === 'object' && !Array.isArray(plain))
          doc.modelParameters = plain as Record<string, unknown>;
        else if (plain !== null && plain !== undefined)
          doc.diagnostics.push(diag(slice, value, 'error', 'invalid-field', 'modelParameters must be a mapping'));
        break;
      case 'jsonSchema':
        doc.jsonSchema = typeof plain === 'string' ? parseJsonOrKeep(plain) : plain;
        break;
      case 'messages':
        sawMessages = true;
        readMessages(value);
        break;
      case 'testData':
        doc.testData = rowsFromNode(slice, value, 'testData', doc.diagnostics);
        doc.testDataSpan = nodeSpan(slice, value);
        break;
      case 'evaluators':
        if (isSeq(value)) {
          // Read as gh's Go structs read them: string fields keep a number's YAML text.
          doc.rawEvaluators = (toPlainGoStrings(slice, value, GH_FLOAT_FIELDS) as unknown[]) ?? [];
          doc.evaluatorsSpan = nodeSpan(slice, value);
        } else if (plain !== null && plain !== undefined) {
          doc.diagnostics.push(diag(slice, value, 'error', 'invalid-field', 'evaluators must be a list'));
        }
        break;
      default:
        doc.diagnostics.push(
          diag(
            slice,
            keyNode,
            // gh-models ignores unknown keys (yaml.Unmarshal into its File struct): custom data is a note, a near miss
            // of a known key a warning (what was written is not used).
            closestName(key, PROMPT_YML_KEYS) ? 'warning' : 'info',
            'unknown-field',
            `unknown top-level field "${key}", which gh models ignores (prompt files use ${PROMPT_YML_KEYS.join(', ')})`,
          ),
        );
    }
  }
  if (!sawMessages) {
    doc.diagnostics.push(
      diagnosticAt(
        file,
        text,
        { start: 0, end: 0 },
        'error',
        'missing-messages',
        'no "messages" list: a GitHub Models prompt file needs messages: [{role, content}]',
      ),
    );
  }
  // A row without a value for a message variable sends `{{name}}` literally: one warning at the variable.
  doc.diagnostics.push(
    ...missingVariableDiagnostics(
      doc,
      doc.testData,
      { name: 'test rows', singular: 'test row', code: 'missing-column' },
      slice.lines,
    ),
  );
  return doc;

  function readMessages(node: unknown): void {
    if (!isSeq(node)) {
      doc.diagnostics.push(
        diag(slice, node, 'error', 'invalid-messages', 'messages must be a list of {role, content}'),
      );
      return;
    }
    node.items.forEach((item, i) => {
      if (!isMap(item)) {
        doc.diagnostics.push(
          diag(slice, item, 'error', 'invalid-messages', `messages[${i}] must be a mapping with role and content`),
        );
        return;
      }
      const roleNode = item.get('role', true);
      const written = item.get('content', true);
      // `content: *alias` reads the anchored text; it can be rendered but not rewritten in place.
      const contentNode = isAlias(written) ? written.resolve(slice.doc) : written;
      const role = scalarString(roleNode);
      if (role === undefined) {
        doc.diagnostics.push(
          diag(
            slice,
            roleNode ?? item,
            'error',
            'invalid-messages',
            `messages[${i}] needs a role (system, user or assistant)`,
          ),
        );
        return;
      }
      // gh-models reads the role case-insensitively and refuses any other (pkg/prompt/prompt.go GetAzureChatMessageRole).
      if (!['system', 'user', 'assistant'].includes(role.toLowerCase())) {
        doc.diagnostics.push(
          diag(
            slice,
            roleNode,
            'warning',
            'unknown-role',
            `messages[${i}] has the role "${role}", which gh models refuses (it takes system, user and assistant)`,
          ),
        );
      }
      if (!isScalar(contentNode) || typeof contentNode.value !== 'string') {
        const plain = toPlain(slice, contentNode);
        if (isScalar(contentNode) && plain !== null && plain !== undefined && typeof plain !== 'object') {
          // A number or boolean as content: GitHub Models reads it as text.
        } else {
          doc.diagnostics.push(
            diag(slice, contentNode ?? item, 'error', 'invalid-messages', `messages[${i}] needs text content`),
          );
          return;
        }
      }
      const contentSpan = nodeSpan(slice, written)!;
      const message: PromptMessage = {
        role,
        content: String((contentNode as { value: unknown }).value),
        span: nodeSpan(slice, item)!,
        contentSpan,
      };
      doc.messages.push(message);
      doc.variables.push(...variablesIn(text, contentSpan.start, contentSpan.end));
    });
  }
}

/** Variables found in the source text of a scalar, with spans in the whole file. */
function variablesIn(text: string, start: number, end: number): VariableRef[] {
  return extractVariables(text.slice(start, end), 'gh-models').map((v) => ({
    ...v,
    span: { start: v.span.start + start, end: v.span.end + start },
  }));
}

function parseJsonOrKeep(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return s;
  }
}
