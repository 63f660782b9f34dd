/**
 * Teacher-forced scoring over HTTP (research/algorithms.md §4.8): `/v1/completions` with the context + target as
 * prompt, `echo: true, logprobs: 1, max_tokens: 0|1`; the target's log-probs are those of the echoed tokens that start
 * at or after the end of the context. Servers that do this: vLLM, SGLang (OpenAI's own API no longer echoes).
 */
import type { ChatMessage } from './types';

/**
 * The plain chat format used when a score request gives `messages` (the completions endpoint applies no chat
 * template): each message as `<Role>: <content>` followed by a blank line, then `Assistant: ` for the answer, e.g.
 * `System: Be brief.\n\nUser: 2+2?\n\nAssistant: ` + target.
 */
export function flattenChat(messages: ChatMessage[]): string {
  const label = (role: ChatMessage['role']) => role.charAt(0).toUpperCase() + role.slice(1);
  return messages.map((m) => `${label(m.role)}: ${m.content}\n\n`).join('') + 'Assistant: ';
}

export interface EchoLogprobs {
  tokens?: string[] | null;
  token_logprobs?: (number | null)[] | null;
  text_offset?: number[] | null;
}

export type TargetLogprobs = { ok: true; tokens: string[]; logprobs: number[] } | { ok: false; reason: string };

/**
 * Picks the target's tokens out of an echoed completion of `full` = `context` + target: those starting at or after
 * the end of the context, plus a token that straddles the boundary (BPE tokenizers glue a context's trailing space to
 * the target's first word: `Assistant: ` + `4` is scored as ` 4`; leaving it out would lose the answer). Tokens past
 * the target (the one generated with max_tokens 1) are left out. Never throws.
 */
export function targetLogprobs(
  choiceText: string | undefined,
  lp: EchoLogprobs | null | undefined,
  context: string,
  full: string,
): TargetLogprobs {
  if (!lp || !Array.isArray(lp.tokens) || !Array.isArray(lp.token_logprobs))
    return { ok: false, reason: 'no logprobs in the response' };
  if (typeof choiceText === 'string' && !choiceText.startsWith(full))
    return { ok: false, reason: 'echo not honoured (the response text does not repeat the prompt)' };
  const tokens = lp.tokens;
  let offsets = lp.text_offset ?? undefined;
  if (!Array.isArray(offsets) || offsets.length !== tokens.length) {
    // No offsets: rebuild them from token lengths (exact when tokens are decoded text).
    offsets = [];
    let at = 0;
    for (const t of tokens) {
      offsets.push(at);
      at += t.length;
    }
  }
  const outTokens: string[] = [];
  const outLogprobs: number[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const offset = offsets[i];
    // End from the next token's offset: token strings of byte-fallback tokens do not have their text's length.
    const end = i + 1 < tokens.length ? offsets[i + 1] : offset + tokens[i].length;
    if (offset >= full.length || end <= context.length) continue;
    const logprob = lp.token_logprobs[i];
    if (typeof logprob !== 'number' || !Number.isFinite(logprob)) {
      return { ok: false, reason: `no log-prob for target token ${JSON.stringify(tokens[i])} (empty context?)` };
    }
    outTokens.push(tokens[i]);
    outLogprobs.push(logprob);
  }
  if (full.length > context.length && outTokens.length === 0)
    return { ok: false, reason: 'no target tokens in the echoed log-probs' };
  return { ok: true, tokens: outTokens, logprobs: outLogprobs };
}

/**
 * Scoring inside the model's own chat template (vLLM-style servers, algorithms.md §4.8 steps 1–3): `/tokenize` with
 * `messages` + `add_generation_prompt` renders the server's template into token ids; the target is tokenized alone;
 * `/v1/completions` scores the id list `context + target` with echo + logprobs, and the target's log-probs are the
 * last |target| prompt entries. Token ids on both sides, so nothing merges across the boundary.
 */
export interface TemplatedScoreIo {
  /** POST to the server root (`/tokenize` lives beside `/v1`, as in vLLM). */
  tokenize(body: Record<string, unknown>): Promise<{ tokens?: unknown }>;
  /** `/v1/completions` with the id list as prompt, echo, logprobs 1, max_tokens 1. */
  complete(prompt: number[]): Promise<{ choices?: { logprobs?: EchoLogprobs | null }[]; usage?: unknown }>;
}

const ids = (value: unknown): number[] | undefined =>
  Array.isArray(value) && value.every((t) => Number.isInteger(t)) ? (value as number[]) : undefined;

export async function templatedScore(
  io: TemplatedScoreIo,
  model: string,
  messages: ChatMessage[],
  target: string,
): Promise<{ ok: true; tokens: string[]; logprobs: number[]; usage?: unknown } | { ok: false; reason: string }> {
  const context = ids((await io.tokenize({ model, messages, add_generation_prompt: true })).tokens);
  if (!context) return { ok: false, reason: '/tokenize returned no token ids for the messages' };
  const targetIds = ids((await io.tokenize({ model, prompt: target, add_special_tokens: false })).tokens);
  if (!targetIds) return { ok: false, reason: '/tokenize returned no token ids for the target' };
  const res = await io.complete([...context, ...targetIds]);
  const lp = res.choices?.[0]?.logprobs;
  if (!lp || !Array.isArray(lp.tokens) || !Array.isArray(lp.token_logprobs))
    return { ok: false, reason: 'no logprobs in the response' };
  if (lp.token_logprobs.length < context.length + targetIds.length)
    return { ok: false, reason: 'echo not honoured (fewer log-probs than prompt tokens)' };
  const tokens = lp.tokens.slice(context.length, context.length + targetIds.length);
  const logprobs = lp.token_logprobs.slice(context.length, context.length + targetIds.length);
  if (!logprobs.every((v): v is number => typeof v === 'number' && Number.isFinite(v)))
    return { ok: false, reason: 'a target token has no log-prob' };
  return { ok: true, tokens, logprobs, usage: res.usage };
}

/** The server root of an OpenAI-compatible base URL (`http://h:8000/v1` → `http://h:8000`). */
export function serverRoot(baseUrl: string): string {
  return baseUrl.replace(/\/+$/, '').replace(/\/v1$/, '');
}

export const NO_CHAT_TEMPLATE =
  'offers no chat-template scoring (vLLM/SGLang `/tokenize` with `messages`); scoring a chat prompt there would use a ' +
  'plain "Role: content" text the model never sees. Use vLLM or SGLang, a local: GGUF model, or opt in to the ' +
  'approximation with `plainTextScoring: true` under `params:` in the sidecar';
