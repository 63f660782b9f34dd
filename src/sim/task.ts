/**
 * A simulated task whose success depends on what the prompt says, for tests, the CLI demo and benchmarks.
 *
 * Review sentiment (task-data.ts). The target model answers a review right only when the system prompt states the
 * rule its kind needs (a review that changes its mind → final verdict; sarcasm → negative; mixed → neutral), and
 * answers with a bare lowercase label only when the prompt asks for one word. The optimizer model reads the
 * meta-prompts of src/core/optimizers/prompts (recognized by the response_format schema name, or the tagged-text
 * instruction) and answers deterministically from the request content and the task seed: critiques name the rule
 * missing for the failing examples, edits add it (sometimes pasting `{{review}}` into the system prompt — a bad
 * candidate the engine must reject), paraphrases swap neutral wording (and sometimes lose the last sentence), the
 * judge prefers the answer set with more correct labels, and `score` returns echo log-probs in which the expected
 * answer's log-prob rises as the prompt covers more rules.
 */
import { createHash } from 'node:crypto';
import type { SimChatRequest, SimHandler, SimScore, SimScoreRequest } from './server';
import { ASSISTANT_HEADER } from './chat-template';
import { findReview, lexiconLabel, REVIEWS, type Label, type Review } from './task-data';
import { searchMethodCandidate } from './task-methods';
import {
  PARAPHRASE_SWAPS,
  RULE_CRITIQUES,
  RULE_MENTIONED,
  RULE_ORDER,
  RULE_SENTENCES,
  rulesIn,
  tighten,
  type RuleName,
} from './task-rules';

export interface SimulatedTask {
  handler: SimHandler;
  /** The example prompt file (GitHub Models format), as in examples/reviews.prompt.yml. */
  promptText: string;
  /** Its sidecar, as in examples/reviews.whetstone.yaml. */
  sidecarText: string;
  /** The rows of the example prompt (vars include `expected`, as the prompt.yml loader gives them). */
  rows: { vars: Record<string, unknown>; expected: string }[];
  /** Per-kind counters of what the handler answered (for tests and demos). */
  stats: { chat: number; structured: Record<string, number>; score: number };
}

export function createSimulatedTask(opts: { seed?: number } = {}): SimulatedTask {
  const seed = opts.seed ?? 0;
  const stats: SimulatedTask['stats'] = { chat: 0, structured: {}, score: 0 };
  const hash = (...parts: unknown[]) =>
    parseInt(
      createHash('sha256')
        .update(JSON.stringify([seed, ...parts]))
        .digest('hex')
        .slice(0, 8),
      16,
    );

  const handler: SimHandler = {
    // Like vLLM: chat prompts are scored in the model's own chat template.
    chatTemplate: true,
    chat(req: SimChatRequest) {
      const schema = schemaOf(req);
      if (!schema) {
        stats.chat++;
        return answer(req.messages);
      }
      stats.structured[schema] = (stats.structured[schema] ?? 0) + 1;
      // A sampled answer depends on the request and its seed, as with a real model at temperature > 0.
      const value = structured(schema, req, (...parts: unknown[]) => hash(req.seed ?? null, ...parts));
      const json = JSON.stringify(value);
      return req.response_format ? json : `<json>${json}</json>`;
    },
    score(req: SimScoreRequest): SimScore {
      stats.score++;
      return scoreText(req.prompt);
    },
  };
  return { handler, promptText: reviewsPromptYml(), sidecarText: reviewsSidecarYaml(), rows: rowsOf(), stats };
}

/** The structured schema a request asks for: response_format's name, or the tagged instruction's. */
function schemaOf(req: SimChatRequest): string | undefined {
  if (req.response_format?.type === 'json_schema') return req.response_format.json_schema?.name;
  const last = req.messages[req.messages.length - 1]?.content ?? '';
  return /JSON Schema \(named "([a-z_]+)"\)/.exec(last)?.[1];
}

// ── the target model ──────────────────────────────────────────────────────────────────────────────────────────

function answer(messages: SimChatRequest['messages']): string {
  const all = messages.map((m) => m.content).join('\n');
  // The user's review first: a prompt with few-shot examples (CAPO) quotes other reviews in its system message.
  const user = messages
    .filter((m) => m.role === 'user')
    .map((m) => m.content)
    .join('\n');
  const review = findReview(user) ?? findReview(all);
  const instructions =
    messages
      .filter((m) => m.role === 'system' || m.role === 'developer')
      .map((m) => m.content)
      .join('\n') || (review ? all.replace(review.text, '') : all);
  const rules = rulesIn(instructions);
  const label = review ? labelFor(review, rules) : lexiconLabel(messages[messages.length - 1]?.content ?? '');
  return rules.has('format') ? label : `The sentiment of this review is ${label}.`;
}

function labelFor(review: Review, rules: Set<RuleName>): Label {
  if (review.kind === 'plain') return review.label;
  return rules.has(review.kind) ? review.label : review.naive;
}

// ── the optimizer and the judge ───────────────────────────────────────────────────────────────────────────────

type Hash = (...parts: unknown[]) => number;

function structured(schema: string, req: SimChatRequest, hash: Hash): unknown {
  const text = req.messages.map((m) => m.content).join('\n\n');
  const prompt = currentPrompt(text);
  switch (schema) {
    case 'critiques':
      return { critiques: critiques(text, prompt, hash) };
    case 'prompt_candidates':
      return { prompts: candidates(text, prompt, hash) };
    case 'prompt_segments': {
      const max = Number(/up to (\d+)/.exec(text)?.[1] ?? 5);
      return {
        segments: prompt
          .split(/(?<=[.!?])\s+/)
          .map((s) => s.trim())
          .filter(Boolean)
          .slice(0, max),
      };
    }
    case 'pairwise_verdict':
      return verdict(text, hash);
    case 'judge_score':
      return { score: 0.5, reason: 'simulated judge' };
    default:
      return {};
  }
}

function currentPrompt(text: string): string {
  const m = /<prompt>\n([\s\S]*?)\n<\/prompt>/.exec(text);
  return m ? m[1] : '';
}

/** Rules missing from `prompt` that the failing reviews quoted in `text` need, in the order they appear. */
function missingForReviews(text: string, prompt: string): RuleName[] {
  const have = rulesIn(prompt);
  const out: RuleName[] = [];
  const quoted = REVIEWS.filter((r) => r.kind !== 'plain' && text.includes(r.text)).sort(
    (a, b) => text.indexOf(a.text) - text.indexOf(b.text),
  );
  for (const review of quoted) {
    const rule = review.kind as RuleName;
    if (!have.has(rule) && !out.includes(rule)) out.push(rule);
  }
  if (!have.has('format') && /The sentiment of this review is/.test(text)) out.unshift('format');
  return out;
}

function critiques(text: string, prompt: string, hash: Hash): string[] {
  const wanted = /Give (one reason|(\d+) different reasons)/.exec(text);
  const count = wanted?.[2] ? Number(wanted[2]) : 1;
  const missing = missingForReviews(text.slice(text.indexOf('</prompt>')), prompt);
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    out.push(
      missing.length
        ? RULE_CRITIQUES[missing[(hash(text, i) + i) % missing.length]]
        : 'The prompt could define each label more precisely.',
    );
  }
  return out;
}

/** The prompt with a sentence stating `rule`: on a line of its own, or, for a one-line prompt, on that line. */
function addRule(prompt: string, rule: RuleName, variant: number): string {
  const sentences = RULE_SENTENCES[rule];
  const text = tighten(prompt).replace(/\s+$/, '');
  return `${text}${text.includes('\n') ? '\n' : ' '}${sentences[variant % sentences.length]}`;
}

function paraphrase(prompt: string, variant: number, lossy: boolean): string {
  let out = prompt;
  const [a, b] = PARAPHRASE_SWAPS[variant % PARAPHRASE_SWAPS.length];
  if (out.includes(a)) out = out.replace(a, b);
  else if (out.includes(b)) out = out.replace(b, a);
  else out = `${out.replace(/\s+$/, '')}\nBe precise.`;
  if (lossy) {
    const lines = out.replace(/\s+$/, '').split('\n');
    if (lines.length > 2) out = lines.slice(0, -1).join('\n');
  }
  return out;
}

function ruleMentioned(text: string): RuleName | undefined {
  for (const rule of [...RULE_ORDER, 'format'] as RuleName[]) if (RULE_MENTIONED[rule].test(text)) return rule;
  return undefined;
}

function candidates(text: string, prompt: string, hash: Hash): string[] {
  const h = hash(text);
  const other = searchMethodCandidate({ addRule, paraphrase, missingForReviews }, text, h);
  if (other !== undefined) return [other];
  // APO edit: apply the critique.
  const critique = /<critique>\n([\s\S]*?)\n<\/critique>/.exec(text)?.[1];
  if (critique !== undefined) {
    const count = Number(/Write (\d+) different improved versions/.exec(text)?.[1] ?? 1);
    const rule = ruleMentioned(critique);
    return Array.from({ length: count }, (_, i) => {
      const edited =
        rule && !rulesIn(prompt).has(rule)
          ? addRule(prompt, rule, h + i)
          : `${prompt.replace(/\s+$/, '')}\nConsider the review as a whole.`;
      return (h + i) % 6 === 0 ? `${edited}\nReview: {{review}}` : edited; // a bad edit the engine must reject
    });
  }
  // SPO: fix the first wrong answer's rule, else the next requirement the prompt lacks.
  const requirements = /<requirements>\n([\s\S]*?)\n<\/requirements>/.exec(text)?.[1];
  if (requirements !== undefined) {
    const outputs = text.slice(text.indexOf('Its outputs on sample inputs:'));
    const wrong = qaPairs(outputs).filter((qa) => qa.review && qa.answer.trim() !== labelOf(qa.review));
    const have = rulesIn(prompt);
    const fromAnswers = wrong
      .map((qa): string => (/\s/.test(qa.answer.trim()) ? 'format' : qa.review!.kind))
      .find((r): r is RuleName => r !== 'plain' && !have.has(r as RuleName));
    const fromRequirements = (['format', ...RULE_ORDER] as RuleName[]).filter(
      (r) => !have.has(r) && requirements.split('\n').some((line) => ruleMentioned(line) === r),
    );
    const rule = fromAnswers ?? fromRequirements[h % Math.max(1, fromRequirements.length)];
    return [rule ? addRule(prompt, rule, h) : paraphrase(prompt, h, false)];
  }
  // PMPO rewrite: the hard example's rule, else another missing one.
  if (/Mask analysis/.test(text)) {
    const example = text.slice(Math.max(0, text.search(/input:\n/i)));
    const review = findReview(example);
    const have = rulesIn(prompt);
    const missing = (['format', ...RULE_ORDER] as RuleName[]).filter((r) => !have.has(r));
    const own = review && review.kind !== 'plain' && !have.has(review.kind) ? (review.kind as RuleName) : undefined;
    const rule = own ?? (missing.length ? missing[h % missing.length] : undefined);
    return [rule ? addRule(prompt, rule, h) : paraphrase(prompt, h, false)];
  }
  // APO paraphrase.
  return [paraphrase(prompt, h, h % 5 === 0)];
}

function labelOf(review: Review): string {
  return review.label;
}

function qaPairs(text: string): { review?: Review; answer: string }[] {
  const out: { review?: Review; answer: string }[] = [];
  const re =
    /### Question \d+\n([\s\S]*?)\n### Answer \d+\n([\s\S]*?)(?=\n\n### Question|\n<\/response_|\n\n[A-Z<]|$)/g;
  for (const m of text.matchAll(re)) out.push({ review: findReview(m[1]), answer: m[2] });
  return out;
}

function verdict(text: string, hash: Hash): { analysis: string; choice: 'A' | 'B' } {
  const block = (slot: string) =>
    /<response_X>\n([\s\S]*?)\n<\/response_X>/.exec(text.replaceAll(`response_${slot}`, 'response_X'))?.[1] ?? '';
  const correct = (slot: string) =>
    qaPairs(block(slot)).filter((qa) => qa.review && qa.answer.trim() === labelOf(qa.review)).length;
  const a = correct('A');
  const b = correct('B');
  const choice = a > b ? 'A' : b > a ? 'B' : hash(text) % 2 === 0 ? 'A' : 'B';
  return { analysis: `A meets the requirements on ${a} answers, B on ${b}.`, choice };
}

// ── the scorer (echo log-probs) ───────────────────────────────────────────────────────────────────────────────

/**
 * Word tokens of the whole text with log-probs. The answer (after the last "Assistant: ") gets a log-prob per token
 * that is high when it is the right label and the prompt states the rules, low otherwise.
 */
function scoreText(text: string): SimScore {
  const tokens = text.match(/\s+|\S+/g) ?? [];
  // The answer follows the last assistant header: the chat template's, or the plain `Assistant: ` text.
  const templated = text.lastIndexOf(ASSISTANT_HEADER);
  const plain = text.lastIndexOf('Assistant: ');
  const answerStart =
    templated > plain ? templated + ASSISTANT_HEADER.length : plain >= 0 ? plain + 'Assistant: '.length : text.length;
  const context = text.slice(0, answerStart);
  const target = text.slice(answerStart).trim().toLowerCase();
  const review = findReview(context);
  const rules = rulesIn(review ? context.replace(review.text, '') : context);
  let perToken = -1;
  if (review) {
    const missingAll = RULE_ORDER.filter((r) => !rules.has(r)).length + (rules.has('format') ? 0 : 1);
    const ownMissing = review.kind !== 'plain' && !rules.has(review.kind as RuleName);
    perToken =
      target === review.label
        ? -(0.05 + 0.15 * missingAll + (ownMissing ? 1.5 : 0))
        : -(2.5 - (ownMissing && target === review.naive ? 2 : 0));
  }
  let offset = 0;
  const logprobs = tokens.map((t) => {
    const start = offset;
    offset += t.length;
    return start >= answerStart && t.trim() ? perToken : -1;
  });
  return { tokens, logprobs };
}

// ── the example files ─────────────────────────────────────────────────────────────────────────────────────────

function rowsOf(): SimulatedTask['rows'] {
  return REVIEWS.map((r) => ({ vars: { review: r.text, expected: r.label }, expected: r.label }));
}

const yamlString = (s: string) => JSON.stringify(s);

export function reviewsPromptYml(): string {
  return [
    'name: Review sentiment',
    'description: Classify the sentiment of a product review as positive, negative or neutral.',
    'model: sim-model',
    'modelParameters:',
    '  temperature: 0',
    'messages:',
    '  - role: system',
    '    content: |',
    '      You classify product reviews by sentiment.',
    '      Answer with one lowercase word: positive, negative or neutral.',
    '  - role: user',
    '    content: |',
    '      Review: {{review}}',
    'testData:',
    ...REVIEWS.flatMap((r) => [`  - review: ${yamlString(r.text)}`, `    expected: ${r.label}`]),
    'evaluators:',
    '  - name: label matches',
    '    string:',
    "      equals: '{{expected}}'",
    '',
  ].join('\n');
}

export function reviewsSidecarYaml(): string {
  return [
    '# Whetstone settings for reviews.prompt.yml (see DESIGN.md, "Prompt files").',
    'requirements: |',
    '  Answer with exactly one lowercase word: positive, negative or neutral.',
    '  A review that changes its mind follows its final verdict.',
    '  Sarcastic praise is negative.',
    '  A review that mixes praise and criticism is mixed, and mixed reviews are neutral.',
    'split:',
    '  validation: 0.25',
    '  seed: 7',
    'budget:',
    '  calls: 5000',
    'protected:',
    '  - "positive, negative or neutral"',
    '',
  ].join('\n');
}
