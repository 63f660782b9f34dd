/**
 * The sim server's chat template and tokenizer (a ChatML-like template, as Qwen's): what `/tokenize` with `messages`
 * renders on vLLM, so PMPO's chat-template scoring path can be tested over real HTTP.
 */
import type { SimMessage } from './server';

export const ASSISTANT_HEADER = '<|im_start|>assistant\n';

export function renderSimChatTemplate(messages: SimMessage[], addGenerationPrompt: boolean): string {
  const body = messages.map((m) => `<|im_start|>${m.role}\n${m.content}<|im_end|>\n`).join('');
  return body + (addGenerationPrompt ? ASSISTANT_HEADER : '');
}

/** Whitespace runs and the text between them; special tokens stay whole. */
export function simTokens(text: string): string[] {
  return text.match(/<\|im_(?:start|end)\|>|\s+|(?:(?!<\|im_(?:start|end)\|>)\S)+/g) ?? [];
}

/** A growing vocabulary: token text ↔ id, per server. */
export class SimVocabulary {
  private readonly ids = new Map<string, number>();
  private readonly texts: string[] = [];

  encode(text: string): number[] {
    return simTokens(text).map((t) => {
      let id = this.ids.get(t);
      if (id === undefined) {
        id = this.texts.length;
        this.ids.set(t, id);
        this.texts.push(t);
      }
      return id;
    });
  }

  /** Token texts of ids, or undefined when an id is unknown. */
  decode(ids: number[]): string[] | undefined {
    const out = ids.map((id) => this.texts[id]);
    return out.every((t) => t !== undefined) ? out : undefined;
  }
}
