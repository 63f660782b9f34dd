/**
 * The simulated optimizer's answers to the meta-prompts of OPRO, GEPA and CAPO (src/core/optimizers/{opro,gepa,capo}),
 * deterministic from the request text: OPRO improves the best prompt it is shown with a rule its exemplars need,
 * GEPA's reflection adds the rule its failing traces need, merges and crossovers keep the rules of both parents, and
 * a CAPO mutation adds one missing rule or rephrases. Undefined for any other meta-prompt.
 */
import { RULE_ORDER, rulesIn, type RuleName } from './task-rules';

const ALL_RULES: RuleName[] = ['format', ...RULE_ORDER];

/** The edits the simulated optimizer makes (task.ts's own, passed in so the two files do not import each other). */
export interface SimEdits {
  addRule(prompt: string, rule: RuleName, variant: number): string;
  paraphrase(prompt: string, variant: number, lossy: boolean): string;
  missingForReviews(text: string, prompt: string): RuleName[];
}

function prompts(text: string): string[] {
  return [...text.matchAll(/<prompt>\n([\s\S]*?)\n<\/prompt>/g)].map((m) => m[1]);
}

/** Both parents' rules: A, plus the sentences of B's rules that A lacks. */
function union(edits: SimEdits, a: string, b: string): string {
  let out = a;
  for (const rule of rulesIn(b)) if (!rulesIn(out).has(rule)) out = edits.addRule(out, rule, 0);
  return out;
}

function withMissing(edits: SimEdits, prompt: string, from: RuleName[], variant: number): string {
  const missing = from.filter((r) => !rulesIn(prompt).has(r));
  return missing.length
    ? edits.addRule(prompt, missing[variant % missing.length], variant)
    : edits.paraphrase(prompt, variant, false);
}

export function searchMethodCandidate(edits: SimEdits, text: string, h: number): string | undefined {
  const shown = prompts(text);
  if (/Earlier prompts and their scores/.test(text) && shown.length) {
    // OPRO: the best prompt is shown last; the exemplars say which rules the task needs.
    const best = shown[shown.length - 1];
    const needed = edits.missingForReviews(text.slice(text.indexOf('Examples of the task')), best);
    return withMissing(edits, best, needed.length ? needed : ALL_RULES, h);
  }
  if (/How it did on some examples/.test(text) && shown.length) {
    // GEPA reflection: the rules the failing traces need (score below 1).
    const failing = text
      .split('### Example')
      .filter((t) => /\(score 0\.\d+\)/.test(t))
      .join('\n');
    const needed = edits.missingForReviews(failing, shown[0]);
    return needed.length ? edits.addRule(shown[0], needed[h % needed.length], h) : edits.paraphrase(shown[0], h, false);
  }
  if ((/Prompt A:/.test(text) || /Parent instruction A:/.test(text)) && shown.length >= 2)
    return union(edits, shown[0], shown[1]);
  if (/Write a variation of it that could work better/.test(text) && shown.length)
    return h % 3 === 0 ? edits.paraphrase(shown[0], h, false) : withMissing(edits, shown[0], ALL_RULES, h);
  return undefined;
}
