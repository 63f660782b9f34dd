/**
 * Whetstone optimization settings, read from a sidecar root or a prompty `metadata.whetstone` block, with a
 * diagnostic at the offending key for every wrong type, and `mergeSettings` (sidecar wins over in-file).
 */
import { isMap, isSeq } from 'yaml';
import type { Diagnostic } from '../diagnostics';
import { diagnosticAt } from '../diagnostics';
import { isMethod, METHODS } from '../jobs/types';
import { chooseRegion } from './region';
import { rowsFromNode } from './rows';
import type { PromptDocument, WhetstoneSettings } from './types';
import { diag, mapEntries, nodeSpan, toPlain, type YamlSlice } from './yamlSource';

export const SETTINGS_KEYS = [
  'dataset',
  'rows',
  'split',
  'evaluators',
  'requirements',
  'method',
  'models',
  'budget',
  'protected',
  'region',
  'params',
] as const;

const REGION_PATTERN = /^(system|body|user|message:\d+)$/;

function numberFields<K extends string>(
  slice: YamlSlice,
  node: unknown,
  field: string,
  keys: readonly K[],
  diagnostics: Diagnostic[],
  check: (k: K, v: number) => string | undefined,
): Partial<Record<K, number>> | undefined {
  if (!isMap(node)) {
    diagnostics.push(diag(slice, node, 'error', 'invalid-setting', `${field} must be a mapping (${keys.join(', ')})`));
    return undefined;
  }
  const out: Partial<Record<K, number>> = {};
  for (const { key, keyNode, value } of mapEntries(node)) {
    if (!(keys as readonly string[]).includes(key)) {
      diagnostics.push(
        diag(
          slice,
          keyNode,
          'warning',
          'unknown-setting',
          `unknown ${field} key "${key}" (expected ${keys.join(', ')})`,
        ),
      );
      continue;
    }
    const v = toPlain(slice, value);
    const problem = typeof v !== 'number' || !Number.isFinite(v) ? 'must be a number' : check(key as K, v);
    if (problem)
      diagnostics.push(diag(slice, value ?? keyNode, 'error', 'invalid-setting', `${field}.${key} ${problem}`));
    else out[key as K] = v as number;
  }
  return out;
}

/** Reads settings from a YAML mapping node; unknown keys are warnings, wrong types errors. */
export function settingsFromNode(
  slice: YamlSlice,
  node: unknown,
  where: string,
): { settings: WhetstoneSettings; diagnostics: Diagnostic[] } {
  const settings: WhetstoneSettings = {};
  const diagnostics: Diagnostic[] = [];
  if (node === null || node === undefined) return { settings, diagnostics };
  if (!isMap(node)) {
    const v = toPlain(slice, node);
    if (v !== null && v !== undefined)
      diagnostics.push(diag(slice, node, 'error', 'invalid-setting', `${where} must be a mapping`));
    return { settings, diagnostics };
  }
  const bad = (n: unknown, message: string) => diagnostics.push(diag(slice, n, 'error', 'invalid-setting', message));
  for (const { key, keyNode, value } of mapEntries(node)) {
    const v = toPlain(slice, value);
    switch (key) {
      case 'dataset':
        if (typeof v === 'string' && v.trim()) settings.dataset = v;
        else bad(value ?? keyNode, 'dataset must be a file path (JSONL, CSV or JSON)');
        break;
      case 'rows':
        settings.rows = rowsFromNode(slice, value, 'rows', diagnostics);
        break;
      case 'split': {
        const split = numberFields(slice, value, 'split', ['validation', 'seed'] as const, diagnostics, (k, n) =>
          k === 'seed'
            ? Number.isInteger(n)
              ? undefined
              : 'must be an integer'
            : n < 0 || (n >= 1 && !Number.isInteger(n))
              ? 'must be a fraction in [0, 1) or a whole number of rows'
              : undefined,
        );
        if (split) settings.split = split;
        break;
      }
      case 'evaluators':
        if (isSeq(value)) {
          settings.rawEvaluators = (toPlain(slice, value) as unknown[]) ?? [];
          settings.rawEvaluatorsSpan = nodeSpan(slice, value);
        } else if (v !== null && v !== undefined) bad(value ?? keyNode, 'evaluators must be a list');
        break;
      case 'requirements':
        if (typeof v === 'string') settings.requirements = v;
        else bad(value ?? keyNode, 'requirements must be text');
        break;
      case 'method':
        if (isMethod(v)) settings.method = v;
        else bad(value ?? keyNode, `method must be one of ${METHODS.join(', ')} (got ${JSON.stringify(v)})`);
        break;
      case 'models': {
        if (!isMap(value)) {
          bad(value ?? keyNode, 'models must be a mapping (target, optimizer, judge, scorer)');
          break;
        }
        const models: NonNullable<WhetstoneSettings['models']> = {};
        for (const m of mapEntries(value)) {
          const mv = toPlain(slice, m.value);
          if (!['target', 'optimizer', 'judge', 'scorer'].includes(m.key)) {
            diagnostics.push(
              diag(
                slice,
                m.keyNode,
                'warning',
                'unknown-setting',
                `unknown models key "${m.key}" (expected target, optimizer, judge, scorer)`,
              ),
            );
          } else if (typeof mv === 'string' && mv.trim()) {
            models[m.key as keyof typeof models] = mv;
          } else bad(m.value ?? m.keyNode, `models.${m.key} must be a model name`);
        }
        settings.models = models;
        break;
      }
      case 'budget': {
        const budget = numberFields(
          slice,
          value,
          'budget',
          ['calls', 'tokens', 'usd', 'seconds'] as const,
          diagnostics,
          (_k, n) => (n < 0 ? 'must not be negative' : undefined),
        );
        if (budget) settings.budget = budget;
        break;
      }
      case 'protected':
        if (Array.isArray(v) && v.every((x) => typeof x === 'string')) settings.protected = v as string[];
        else if (typeof v === 'string') settings.protected = [v];
        else bad(value ?? keyNode, 'protected must be a list of strings (literal text or /regex/)');
        break;
      case 'region':
        if (typeof v === 'string' && REGION_PATTERN.test(v)) settings.region = v;
        else bad(value ?? keyNode, `region must be system, user, body or message:N (got ${JSON.stringify(v)})`);
        break;
      case 'params':
        if (v && typeof v === 'object' && !Array.isArray(v)) settings.params = v as Record<string, unknown>;
        else bad(value ?? keyNode, 'params must be a mapping');
        break;
      default:
        diagnostics.push(
          diag(
            slice,
            keyNode,
            'warning',
            'unknown-setting',
            `unknown ${where} key "${key}" (known: ${SETTINGS_KEYS.join(', ')})`,
          ),
        );
    }
  }
  return { settings, diagnostics };
}

/** Sidecar values override in-file ones key by key; nested maps (split, models, budget, params) merge one level. */
export function mergeSettingValues(base: WhetstoneSettings, over: WhetstoneSettings): WhetstoneSettings {
  const out: WhetstoneSettings = { ...base };
  for (const [k, v] of Object.entries(over) as Array<[keyof WhetstoneSettings, unknown]>) {
    if (v === undefined) continue;
    const prev = out[k];
    if ((k === 'split' || k === 'models' || k === 'budget' || k === 'params') && prev && typeof prev === 'object') {
      (out as Record<string, unknown>)[k] = { ...(prev as object), ...(v as object) };
    } else {
      (out as Record<string, unknown>)[k] = v;
    }
  }
  return out;
}

/** The document with sidecar settings merged over its own (sidecar wins) and its optimizable region re-chosen. */
export function mergeSettings(doc: PromptDocument, sidecarSettings: WhetstoneSettings): PromptDocument {
  const merged: PromptDocument = { ...doc, settings: mergeSettingValues(doc.settings, sidecarSettings) };
  const { region, problem } = chooseRegion(merged);
  merged.optimizable = region;
  if (problem) {
    merged.diagnostics = [
      ...doc.diagnostics,
      diagnosticAt(
        doc.file,
        doc.text,
        { start: 0, end: 0 },
        'warning',
        'invalid-region',
        `${problem}; optimizing the default region instead`,
      ),
    ];
  }
  return merged;
}
