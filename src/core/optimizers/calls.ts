/** Optimizer/judge calls shared by the algorithms: keyed, seeded, and tolerant of unusable model output. */
import type { ChatMessage, ModelRef, SchemaName } from '../llm/types';
import { LlmError } from '../llm/types';
import type { JobContext } from '../jobs/context';
import { hashOf } from '../jobs/ledger';
import type { CandidateRecord } from '../jobs/types';

/** A per-call seed derived from the job seed and the call's logical key (so samples differ but replay exactly). */
export function callSeed(jobSeed: number, key: string): number {
  return parseInt(hashOf([jobSeed, key]).slice(0, 8), 16) % 2147483647;
}

/**
 * One structured call at logical position `path`. Returns undefined (and logs a warning) when the model's answer
 * stays unusable after the client's retry (UX: "that candidate is skipped and counted; the job continues").
 */
export async function structuredCall<T>(
  ctx: JobContext<unknown>,
  path: string,
  model: ModelRef,
  messages: ChatMessage[],
  schema: SchemaName,
  charge?: CandidateRecord,
): Promise<T | undefined> {
  const key = `${ctx.method}/${path}/${hashOf([model.baseUrl, model.model, model.params ?? null, messages])}`;
  try {
    const r = await ctx.ledger.structured<T>(key, model, messages, schema, callSeed(ctx.spec.seed, path));
    if (charge && !r.replayed) ctx.charge(charge, r.meta);
    ctx.answers.total++;
    ctx.answers.usable++;
    return r.value;
  } catch (error) {
    if (error instanceof LlmError && error.kind === 'invalid-output') {
      ctx.answers.total++;
      ctx.answers.lastProblem = error.message;
      ctx.log('warn', `${path}: the model's ${schema} answer was unusable (${error.message}); skipped`);
      return undefined;
    }
    throw error;
  }
}

/** Non-empty trimmed strings, first occurrence kept (stable de-duplication). */
export function uniqueTexts(items: readonly unknown[] | undefined): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const item of items ?? []) {
    if (typeof item !== 'string') continue;
    const text = item.trim();
    if (!text || seen.has(text)) continue;
    seen.add(text);
    out.push(text);
  }
  return out;
}

/**
 * A proposed prompt as the model wrote it, minus wrappers models add even when asked not to: a Markdown fence
 * around the whole text, or the <prompt> tags our meta-prompts use to show the current prompt.
 */
export function cleanPromptText(text: string): string {
  let out = text.trim();
  const fence = /^```[\w-]*\n([\s\S]*?)\n```$/.exec(out);
  if (fence) out = fence[1].trim();
  const tagged = /^<prompt>\s*([\s\S]*?)\s*<\/prompt>$/.exec(out);
  if (tagged) out = tagged[1].trim();
  return out;
}

/** Proposed prompts: cleaned, non-empty, de-duplicated in order. */
export function promptTexts(items: readonly unknown[] | undefined): string[] {
  return uniqueTexts((items ?? []).map((item) => (typeof item === 'string' ? cleanPromptText(item) : item)));
}

/**
 * Where `segment` occurs in `text`: verbatim, else with any run of whitespace matching any other (models often
 * re-wrap lines when they copy a segment). Returns the exact source slice, or undefined.
 */
export function locateSegment(text: string, segment: string): string | undefined {
  if (text.includes(segment)) return segment;
  const words = segment.trim().split(/\s+/).filter(Boolean);
  if (!words.length) return undefined;
  const pattern = new RegExp(words.map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('\\s+'));
  return pattern.exec(text)?.[0];
}
