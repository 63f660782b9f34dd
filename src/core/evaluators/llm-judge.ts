/**
 * LLM-as-judge. From a .prompt.yml (dialect 'gh-models') exactly as `gh models eval` runs it (runGhJudge). Otherwise
 * two modes:
 * - choices (GitHub Models `llm`, our `uses: github/*` built-ins): a chat call; the reply is mapped to a choice and the
 *   choice to its score. Pass = score > 0 like `gh models eval`, or score >= threshold when one is set.
 *   Matching is stricter than gh-models' "first choice contained anywhere": a reply equal to a choice, then the
 *   reply's last line, then the choice mentioned last — judges reason first and answer last, and "1" inside "10"
 *   must not count.
 * - score: a structured `judge_score` call ({score in [0,1], reason}); pass = score >= threshold (default 0.5).
 * An endpoint failure (LlmError other than invalid-output) propagates: a run should stop, not score 0.
 */
import type { DatasetRow } from '../data/types';
import type { ChatMessage, LlmClient, ModelRef } from '../llm/types';
import { ghPickChoice, ghTemplate, ghTestCase } from './gh-models';
import { goToLower, goTrimSpace } from './go-text';
import { LlmError } from '../llm/types';
import type { EvalContext } from './context';
import type { EvaluationResult, EvaluatorSpec } from './types';
import { quote } from './feedback-text';
import { missingFeedback, renderValue } from './template-values';

type JudgeSpec = Extract<EvaluatorSpec, { type: 'llmJudge' }>;
type Choice = { choice: string; score: number };

export const DEFAULT_JUDGE_THRESHOLD = 0.5;

const SCORE_SYSTEM =
  "You are a strict, fair grader of an AI model's output. Judge only what the instructions ask. " +
  'Reply with a score between 0 (fails completely) and 1 (fully meets the criteria) and a one-sentence reason ' +
  'that names what is wrong, if anything.';

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function wordPattern(choice: string, flags: string): RegExp {
  return new RegExp(`(?<![\\w])${escapeRegExp(choice.toLowerCase())}(?![\\w])`, flags);
}

/** Where a choice is first (or last) mentioned as a whole word, -1 if nowhere. */
function mention(text: string, choice: string, which: 'first' | 'last'): number {
  let at = -1;
  for (const m of text.matchAll(wordPattern(choice, 'g'))) {
    at = m.index;
    if (which === 'first') break;
  }
  return at;
}

function earliestOrLatest(text: string, choices: Choice[], which: 'first' | 'last'): Choice | undefined {
  let best: Choice | undefined;
  let bestAt = -1;
  for (const c of choices) {
    const at = mention(text, c.choice, which);
    if (at < 0) continue;
    if (best === undefined || (which === 'first' ? at < bestAt : at > bestAt)) {
      best = c;
      bestAt = at;
    }
  }
  return best;
}

/** Reply equal to a choice; else the first choice on the last line ("Score: 4/5" → 4); else the last one mentioned. */
export function pickChoice(reply: string, choices: Choice[]): Choice | undefined {
  const text = reply.trim().toLowerCase();
  const exact = choices.find((c) => c.choice.toLowerCase() === text);
  if (exact) return exact;
  const lastLine =
    text
      .split(/\r?\n/)
      .map((l) => l.replace(/[*`#>"'“”]/g, ' ').trim())
      .filter(Boolean)
      .pop() ?? '';
  return earliestOrLatest(lastLine, choices, 'first') ?? earliestOrLatest(text, choices, 'last');
}

function clamp01(n: number): number {
  return Number.isFinite(n) ? Math.min(1, Math.max(0, n)) : 0;
}

/**
 * runLLMEvaluator of gh-models cmd/eval/eval.go: system message = `systemPrompt` as written (when not empty), user
 * message = the prompt templated with the test case and `completion` (the trimmed response), nothing added; the reply
 * matched by gh's rule, or by pickChoice with the robustChoices extension (named in the feedback).
 */
async function runGhJudge(
  spec: JudgeSpec,
  name: string,
  output: string,
  row: DatasetRow,
  ctx: EvalContext & { llm: LlmClient; judge: ModelRef },
): Promise<EvaluationResult> {
  const user = ghTemplate(spec.prompt, { ...ghTestCase(row), completion: goTrimSpace(output) });
  const messages: ChatMessage[] = [];
  if (spec.systemPrompt) messages.push({ role: 'system', content: spec.systemPrompt });
  messages.push({ role: 'user', content: user });
  const reply = await ctx.llm.chat({ model: ctx.judge, messages, signal: ctx.signal });
  const choices = spec.choices ?? [];
  const robust = !!ctx.extensions?.robustChoices;
  const picked = robust ? pickChoice(reply.text, choices) : ghPickChoice(reply.text, choices);
  const how = robust ? ' (robust-choices extension)' : '';
  if (!picked) {
    return {
      name,
      score: 0,
      pass: false,
      feedback: `LLM evaluation response ${quote(goToLower(goTrimSpace(reply.text)))} did not match any defined choices${how}`,
    };
  }
  const pass = spec.threshold === undefined ? picked.score > 0 : picked.score >= spec.threshold;
  return {
    name,
    score: clamp01(picked.score),
    pass,
    feedback: `LLM evaluation matched choice: '${picked.choice}' (score ${picked.score})${how}`,
  };
}

export async function runJudge(
  spec: JudgeSpec,
  name: string,
  output: string,
  vars: Record<string, unknown>,
  ctx: EvalContext,
  row?: DatasetRow,
): Promise<EvaluationResult> {
  if (!ctx.llm || !ctx.judge) {
    return { name, score: 0, pass: false, feedback: 'this LLM judge needs a judge model, and none is configured' };
  }
  if (spec.dialect === 'gh-models') {
    try {
      return await runGhJudge(spec, name, output, row ?? { vars }, { ...ctx, llm: ctx.llm, judge: ctx.judge });
    } catch (err) {
      if (err instanceof LlmError && err.kind === 'invalid-output')
        return { name, score: 0, pass: false, feedback: `the judge's answer could not be read: ${err.message}` };
      throw err;
    }
  }
  const prompt = renderValue(spec.prompt, vars);
  const system = spec.systemPrompt ? renderValue(spec.systemPrompt, vars) : undefined;
  const missing = [...prompt.missing, ...(system?.missing ?? [])];
  if (missing.length) return { name, score: 0, pass: false, feedback: missingFeedback(missing) };

  // A rubric that does not show the output to the judge would be graded blind: append it.
  const showsOutput = /\{\{\s*(completion|output)\s*\}\}/.test(spec.prompt + (spec.systemPrompt ?? ''));
  let user = showsOutput ? prompt.text : `${prompt.text}\n\n<output>\n${output}\n</output>`;
  const choices = spec.choices?.length ? spec.choices : undefined;
  if (choices) user += `\n\nEnd your reply with exactly one of: ${choices.map((c) => c.choice).join(', ')}.`;
  const messages: ChatMessage[] = [];
  if (system) messages.push({ role: 'system', content: system.text });
  else if (!choices) messages.push({ role: 'system', content: SCORE_SYSTEM });
  messages.push({ role: 'user', content: user });

  try {
    if (choices) {
      const reply = await ctx.llm.chat({ model: ctx.judge, messages, signal: ctx.signal });
      const picked = pickChoice(reply.text, choices);
      if (!picked) {
        return {
          name,
          score: 0,
          pass: false,
          feedback: `the judge's reply matched none of the choices (${choices.map((c) => c.choice).join(', ')}): ${quote(reply.text)}`,
        };
      }
      const score = clamp01(picked.score);
      const pass = spec.threshold === undefined ? score > 0 : score >= spec.threshold;
      return {
        name,
        score,
        pass,
        feedback: `judge chose '${picked.choice}' (score ${score})${pass ? '' : `: ${quote(reply.text, 300)}`}`,
      };
    }
    const result = await ctx.llm.structured<{ score: number; reason: string }>({
      model: ctx.judge,
      messages,
      signal: ctx.signal,
      schema: 'judge_score',
    });
    const score = clamp01(Number(result.value?.score));
    const threshold = spec.threshold ?? DEFAULT_JUDGE_THRESHOLD;
    const reason = typeof result.value?.reason === 'string' ? result.value.reason : '';
    return {
      name,
      score,
      pass: score >= threshold,
      feedback: `judge score ${score} (pass at ${threshold}): ${reason}`,
    };
  } catch (err) {
    if (err instanceof LlmError && err.kind === 'invalid-output') {
      return { name, score: 0, pass: false, feedback: `the judge's answer could not be read: ${err.message}` };
    }
    throw err;
  }
}
