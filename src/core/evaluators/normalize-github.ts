/**
 * GitHub Models `evaluators[]` entries: `{name, string: {equals|contains|startsWith|endsWith}}`,
 * `{name, llm: {modelId, prompt, choices, systemPrompt?}}`, `{name, uses: github/<builtin>}`. Every spec made here has
 * dialect 'gh-models': it runs as `gh models eval` runs it (gh-models.ts).
 */
import { BUILTIN_EVALUATOR_NAMES, builtinJudge } from './builtin-judges';
import { isRecord, type NormalizeProblem, type NormalizedEntry } from './normalize-types';
import type { EvaluatorSpec } from './types';

const STRING_KEYS = ['equals', 'contains', 'startsWith', 'endsWith'] as const;

function scalarText(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

export function normalizeGithub(entry: Record<string, unknown>, name: string): NormalizedEntry {
  const specs: EvaluatorSpec[] = [];
  const problems: NormalizeProblem[] = [];
  const error = (message: string) => problems.push({ severity: 'error', code: 'evaluator-invalid', message });

  if (entry.string !== undefined) {
    if (!isRecord(entry.string)) {
      error(`evaluator '${name}': \`string\` must be a mapping with one of ${STRING_KEYS.join(', ')}`);
      return { specs, problems };
    }
    const checks = entry.string;
    // Go's zero value: gh treats null and "" as absent (cmd/eval/eval.go runStringEvaluator checks `!= ""`).
    const present = STRING_KEYS.filter((k) => checks[k] !== undefined && checks[k] !== null && checks[k] !== '');
    const unknown = Object.keys(checks).filter((k) => !(STRING_KEYS as readonly string[]).includes(k));
    if (unknown.length)
      error(
        `evaluator '${name}': unknown string check ${unknown.map((k) => `'${k}'`).join(', ')} (use ${STRING_KEYS.join(', ')})`,
      );
    if (!present.length) {
      // gh stops the whole run here ("no string evaluation criteria specified").
      if (!unknown.length) error(`evaluator '${name}': \`string\` needs one of ${STRING_KEYS.join(', ')}`);
      return { specs, problems };
    }
    const [key, ...ignored] = present; // gh checks only the first of equals > contains > startsWith > endsWith
    if (ignored.length) {
      problems.push({
        severity: 'warning',
        code: 'evaluator-multiple-checks',
        message: `evaluator '${name}' has ${present.length} string checks; gh models checks only \`${key}\` (${ignored.join(', ')} ignored), and so does Whetstone`,
      });
    }
    const value = scalarText(checks[key]);
    if (value === undefined) {
      error(`evaluator '${name}': string.${key} must be a text`);
      return { specs, problems };
    }
    specs.push({ type: key, name, value, dialect: 'gh-models' });
    return { specs, problems };
  }

  if (entry.llm !== undefined) {
    const llm = entry.llm;
    if (!isRecord(llm)) {
      error(`evaluator '${name}': \`llm\` must be a mapping with prompt and choices`);
      return { specs, problems };
    }
    if (typeof llm.prompt !== 'string' || llm.prompt.trim() === '') {
      error(`evaluator '${name}': llm.prompt must be a non-empty text`);
      return { specs, problems };
    }
    let choices: { choice: string; score: number }[] | undefined;
    if (llm.choices !== undefined) {
      const list = Array.isArray(llm.choices) ? llm.choices : [];
      const valid: { choice: string; score: number }[] = [];
      choices = valid;
      list.forEach((c, i) => {
        const choice = isRecord(c) ? scalarText(c.choice) : undefined;
        const score = isRecord(c) ? Number(c.score) : NaN;
        if (choice === undefined || choice === '' || !Number.isFinite(score)) {
          error(`evaluator '${name}': llm.choices[${i}] needs a text \`choice\` and a numeric \`score\``);
        } else {
          if (score < 0 || score > 1)
            problems.push({
              severity: 'warning',
              code: 'evaluator-score-range',
              message: `evaluator '${name}': choice '${choice}' has score ${score}; scores outside 0..1 are clamped`,
            });
          valid.push({ choice, score });
        }
      });
      if (!Array.isArray(llm.choices) || list.length === 0) {
        error(`evaluator '${name}': llm.choices must be a list of {choice, score}`);
      }
      if (valid.length !== list.length || valid.length === 0) return { specs, problems };
    }
    if (!choices)
      problems.push({
        severity: 'warning',
        code: 'evaluator-no-choices',
        message: `evaluator '${name}' has no choices: gh models fails every case with it, and so does Whetstone`,
      });
    specs.push({
      type: 'llmJudge',
      name,
      prompt: llm.prompt,
      choices: choices ?? [],
      systemPrompt: typeof llm.systemPrompt === 'string' ? llm.systemPrompt : undefined,
      modelId: typeof llm.modelId === 'string' ? llm.modelId : undefined,
      dialect: 'gh-models',
    });
    return { specs, problems };
  }

  const uses = typeof entry.uses === 'string' ? entry.uses : String(entry.uses);
  const builtin = builtinJudge(uses, name);
  if (builtin) {
    specs.push({ ...builtin, dialect: 'gh-models' });
  } else {
    // gh runPluginEvaluator: an unknown plugin is a failed evaluation (score 0) on every case, not a skip.
    specs.push({
      type: 'unsupported',
      name,
      original: `uses: ${uses}`,
      reason: `Plugin evaluator '${uses}' not found`,
      failsCase: true,
    });
    problems.push({
      severity: 'warning',
      code: 'evaluator-unsupported',
      message: `evaluator '${name}': unknown evaluator '${uses}' fails every case, as in gh models (known: ${BUILTIN_EVALUATOR_NAMES.join(', ')})`,
    });
  }
  return { specs, problems };
}
